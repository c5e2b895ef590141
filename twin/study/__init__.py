"""Studies at scale: compare technology mixes, sweep factorial designs on Dask, catalog tables.

- :mod:`twin.study.design`: study and sweep files (pydantic, unknown keys are errors), mix
  generation with exclusions, and the factorial case index of a sweep;
- :mod:`twin.study.columns`: the headline metrics read from run summaries, as far as they exist;
- :mod:`twin.study.compare`: run every mix of a study, rank them, build ``results.nc``;
- :mod:`twin.study.sweep`: run a sweep in batches on dask.distributed, streaming to Zarr;
- :mod:`twin.study.store`: the Zarr store of a sweep (one row per case, resumable);
- :mod:`twin.study.catalog`: the standard evaluation of one measure across sites and loads;
- :mod:`twin.study.economics`: CAPEX and payback of each mix against the baseline;
- :mod:`twin.study.table` and :mod:`twin.study.progress`: the ranked table and the progress bar.

Reports (``report.html`` and its figures) are in :mod:`twin.report.html` and
:mod:`twin.report.figures`.

Nothing outside the command line imports this package.
"""
