"""Inputs: everything the twin reads, validated, before anything is simulated.

- :mod:`~twin.inputs.schema` (with :mod:`~twin.inputs.schema_base`, ``schema_curves``,
  ``schema_ite``, ``schema_power``, ``policy_schema``, ``calibration_schema``, ``site_schema``):
  the scenario, policy, calibration and site files (pydantic; unknown keys and impossible values
  are one-line :class:`~twin.errors.InputError`);
- :mod:`~twin.inputs.weather`: EPW weather and the bundled sites (:mod:`~twin.inputs.weather_cache`: its
  on-disk cache of processed hourly data);
- :mod:`~twin.inputs.load`: the IT utilisation series;
- :mod:`~twin.inputs.meter_file` and :mod:`~twin.inputs.meters`: metered data, read and checked,
  then put on the simulation step;
- :mod:`~twin.inputs.tariffs`: time-of-use periods and surcharge rules;
  :mod:`~twin.inputs.costs`: the cost table; :mod:`~twin.inputs.envelope`: the ASHRAE thermal
  envelope; :mod:`~twin.inputs.component_data`: the component data tables of ``components/data``;
- :mod:`~twin.inputs.bundled`: where the bundled scenarios live.

May import: :mod:`twin.errors` and :mod:`components` (for constants and data tables), nothing
else of :mod:`twin`.
"""
