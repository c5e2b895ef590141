"""Reports: what a person reads.  Terminal tables (rich: :mod:`~twin.report.terminal`,
:mod:`~twin.report.band`, :mod:`~twin.report.meters`), figures (matplotlib, no pyplot:
:mod:`~twin.report.figures`, :mod:`~twin.report.residuals`), the self-contained HTML study report
(:mod:`~twin.report.html`, :mod:`~twin.report.answers`) and the catalog files
(:mod:`~twin.report.catalog`) and the optimiser's table, JSON and Pareto figure
(:mod:`~twin.report.optimise`).

May import every layer below it: :mod:`twin.errors`, :mod:`twin.inputs`, :mod:`twin.measures`,
:mod:`twin.engine`, :mod:`twin.metrics`, :mod:`twin.calibration`, :mod:`twin.study` and
:mod:`components`; only :mod:`twin.cli` imports it.
"""
