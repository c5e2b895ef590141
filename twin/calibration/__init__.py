"""Calibration: the twin against metered data.

- :mod:`~twin.calibration.replay`: drive the plant with metered IT power and outdoor air and
  compare simulated with metered, channel by channel (ASHRAE Guideline 14);
- :mod:`~twin.calibration.calibrate`: fit the uncertain parameters
  (:mod:`~twin.calibration.parameters`) by bounded least squares, with identifiability;
- :mod:`~twin.calibration.checks`: what the fit cannot hide (worsened channels, out of sample);
- :mod:`~twin.calibration.residuals`: residual structure against temperature and load;
- :mod:`~twin.calibration.scenario_file`: the calibrated scenario TOML.

The ``[calibration]`` block of a scenario is an input (:mod:`twin.inputs.calibration_schema`).

May import: :mod:`twin.errors`, :mod:`twin.inputs`, :mod:`twin.measures`, :mod:`twin.engine`,
:mod:`twin.metrics` and :mod:`components`.  Tables and figures are drawn by :mod:`twin.report`.
"""
