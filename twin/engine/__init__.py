"""The engine: a validated scenario in, simulated time series out.

- :mod:`~twin.engine.plant` (with :mod:`~twin.engine.plant_power`, :mod:`~twin.engine.sizing`):
  assemble the kernel's parameter and boundary arrays from a scenario and its weather;
- :mod:`~twin.engine.loop`: the SimPy loop that advances the kernel (:mod:`components.facility`)
  span by span; :mod:`~twin.engine.control`: the supervisory set-point optimiser;
- :mod:`~twin.engine.events` (with ``event_records``, ``pv``, ``peak_shaving``): power-chain,
  storage and grid events as SimPy processes;
- :mod:`~twin.engine.simulate`: scenario -> :class:`~twin.engine.results.Result`, its kernels found
  and compiled ahead from the scenario alone by :mod:`~twin.engine.compile_ahead` (with
  :mod:`~twin.engine.parallel_compile`, in two processes on a first run);
  :mod:`~twin.engine.batch`: plants without discrete events, many in one compiled call;
  :mod:`~twin.engine.results`: the result and its writers;
- :mod:`~twin.engine.site`: several halls on one site.

May import: :mod:`twin.errors`, :mod:`twin.inputs`, :mod:`twin.measures` and :mod:`components`.
Nothing here computes a metric: that is :mod:`twin.metrics`, downstream.
"""
