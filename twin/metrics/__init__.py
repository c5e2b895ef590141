"""Metrics computed from a :class:`twin.engine.results.Result`: energy and the PUE family
(:mod:`~twin.metrics.energy`), water, power chain (:mod:`~twin.metrics.power`: ITUE, TUE, PV,
storage, events), feasibility, policy compliance (:mod:`~twin.metrics.policy`), the electricity
bill (:mod:`~twin.metrics.tariff`), carbon, economics, the Guideline 14 statistics and residual
structure, and the run and site summaries (:mod:`~twin.metrics.summary`,
:mod:`~twin.metrics.site_summary`: the dictionaries ``dctwin run --json`` prints).

May import: :mod:`twin.errors`, :mod:`twin.inputs`, :mod:`twin.measures`, :mod:`twin.engine` and
:mod:`components`.
"""
