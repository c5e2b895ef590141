"""Studies: many runs of the engine, compared: technology mixes, factorial sweeps on Dask, catalog
entries, uncertainty bands, Monte Carlo years, the policy roadmap and the optimiser.

- :mod:`twin.study.design`: study and sweep files (pydantic, unknown keys are errors), mix
  generation with exclusions, and the factorial case index of a sweep;
- :mod:`twin.study.columns`: the headline metrics read from run summaries, as far as they exist;
- :mod:`twin.study.compare`: run every mix of a study, rank them, build ``results.nc``;
- :mod:`twin.study.sweep`: run a sweep in batches on dask.distributed, streaming to Zarr;
- :mod:`twin.study.store`: the Zarr store of a sweep (one row per case, resumable);
- :mod:`twin.study.catalog`: the standard evaluation of one measure across sites and loads;
- :mod:`twin.study.economics`: CAPEX and payback of each mix against the baseline;
- :mod:`twin.study.table` and :mod:`twin.study.progress`: the ranked table and the progress bar;
- :mod:`twin.study.uncertainty` and :mod:`twin.study.bands`: the 90 % uncertainty band of a run
  and of every mix (Latin hypercube over the sourced inputs);
- :mod:`twin.study.montecarlo`: several stochastic years of power events;
- :mod:`twin.study.roadmap`: the year-by-year policy roadmap;
- :mod:`twin.study.optimise` and :mod:`twin.study.optimise_space`: ``dctwin optimise``, the cheapest
  feasible compliant mix (Optuna NSGA-II on the Dask sweep engine) and the space it searches;
  :mod:`twin.study.pareto`: the Pareto front of PUE against cost.

Reports (``report.html``, catalog files and figures) are in :mod:`twin.report`.

May import: :mod:`twin.errors`, :mod:`twin.inputs`, :mod:`twin.measures`, :mod:`twin.engine`,
:mod:`twin.metrics` and :mod:`components`; not :mod:`twin.calibration`, :mod:`twin.report` or
:mod:`twin.cli`.
"""
