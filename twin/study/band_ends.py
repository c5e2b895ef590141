"""A band's ends: the percentiles of its samples, how firmly the samples pin them down, and the share
of them meeting a limit.

**Interval.**  The 5th and 95th percentiles of the sampled values (``numpy.percentile``, linear
interpolation); an infinite end (a payback never reached in at least 5 % of the samples) is None.

A 90 % band's ends are the 5th and 95th percentiles of a few dozen annual runs.  Where an output has a
thin, far tail, a few samples more or fewer in it move an end a long way.  Measured on the legacy
room (``scenarios/guangzhou_legacy.toml``, 64 samples, seeds 1-8, 2026-12-07): containment's ΔPUE
band reads ``[-0.013, -0.010]`` for three seeds and ``[-0.045 .. -0.053, -0.010]`` for the five others,
because in about 5 % of the draws (low IT load) the 3 K warmer chilled water lets one chiller carry
what took two, and half the condenser pumps stop.  Both readings are honest 5th percentiles of their
samples; neither is settled.

**End interval.**  The distribution-free confidence interval of a quantile from order statistics: the
``p`` quantile lies between the ``r``-th and ``s``-th smallest of ``n`` independent samples with the
probability a binomial ``(n, p)`` gives (Conover, Practical Nonparametric Statistics, 3rd ed., Wiley
1999, sec. 3.2; ``scipy.stats.quantile_test(...).confidence_interval``) at :data:`END_CONFIDENCE`.
With too few samples an interval is open on its outer side (``None``): below about 45 samples
nothing bounds a 5th percentile from below at 90 %.  The band's Latin-hypercube samples are not
independent; for the mean of any square-integrable function, which the coverage of a quantile is
(the share of samples below it), ``n`` Latin-hypercube points are never worse than ``n - 1``
independent ones (Owen 1997, "Monte Carlo variance of scrambled net quadrature", SIAM J. Numer.
Anal. 34(5):1884-1910; its abstract, as indexed, bounds the variance by a small multiple of simple
Monte Carlo's for every square-integrable integrand at finite n, Latin hypercubes a special case:
grade S; the ``n - 1`` form is from memory of the paper, M), so the interval is about right or too
wide.

**Settled.**  An end is settled when its interval, an open outer side taken at the sample extreme,
is no wider than :data:`SETTLED_SHARE` times the band (``high - low``): the samples then say where the end
lies at least as well as the band says where the value lies.  Measured on 300 draws each (2026-12-07):
from a normal distribution the wider of the two spans is 0.40 of the band (median) at 64 samples and
0.33 at 16, never above 1; from a lognormal of sigma 0.5 (a long upper tail) it exceeds 1 in 27 % of
the draws at 64 samples.  Containment's band above: 12 times the band.  More samples (``--band``)
narrow it.

**Share meeting a limit.**  Its Clopper-Pearson interval at :data:`END_CONFIDENCE`
(``scipy.stats.binomtest(k, n).proportion_ci(method="exact")``; Clopper & Pearson 1934,
Biometrika 26:404).
"""

from __future__ import annotations

import numpy as np

#: confidence of each band end's interval and of the share's interval
END_CONFIDENCE = 0.90
#: an end is settled when its interval spans at most this multiple of the band
SETTLED_SHARE = 1.0


def interval(values: np.ndarray, percentiles: tuple[float, float]) -> dict:
    """``low`` and ``high``: the ``percentiles`` (0-100) of the finite and infinite ``values`` (NaN left
    out), and how firmly the samples pin them down (:func:`ends`: ``low_ci``, ``high_ci``, ``settled``).
    An infinite end or bound (a payback never reached) becomes None, as does a bound the samples cannot
    give; no sample: all None."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return {"low": None, "high": None, "low_ci": [None, None], "high_ci": [None, None], "settled": False}
    big = np.finfo(float).max / 4  # stands for +-inf, so that interpolation never subtracts infinities
    v = np.clip(v, -big, big)
    lo, hi = np.percentile(v, percentiles)
    out = ends(v, float(lo), float(hi), (percentiles[0] / 100, percentiles[1] / 100))

    def finite(x):
        return x if x is not None and abs(x) < big / 2 else None

    return {"low": finite(float(lo)), "high": finite(float(hi)), **out,
            "low_ci": [finite(x) for x in out["low_ci"]], "high_ci": [finite(x) for x in out["high_ci"]]}


def end_interval(values: np.ndarray, quantile: float) -> tuple[float | None, float | None]:
    """The :data:`END_CONFIDENCE` interval of the ``quantile`` (0-1) of ``values`` from their order
    statistics; ``None`` for a side the samples cannot bound (too few of them).  ``values`` are finite."""
    from scipy.stats import quantile_test

    v = np.asarray(values, dtype=float)
    ci = quantile_test(v, q=float(np.median(v)), p=quantile).confidence_interval(END_CONFIDENCE)
    return (None if np.isnan(ci.low) else float(ci.low)), (None if np.isnan(ci.high) else float(ci.high))


def ends(values: np.ndarray, low: float, high: float, quantiles: tuple[float, float]) -> dict:
    """``low_ci``, ``high_ci`` (:func:`end_interval` of the band's ``low`` and ``high`` ends, at
    ``quantiles`` 0-1) and ``settled`` (both ends settled, see the module docstring) of a band over
    the finite ``values``."""
    v = np.asarray(values, dtype=float)
    low_ci, high_ci = end_interval(v, quantiles[0]), end_interval(v, quantiles[1])
    width = high - low
    spans = ((low_ci[1] if low_ci[1] is not None else high) - (low_ci[0] if low_ci[0] is not None else v.min()),
             (high_ci[1] if high_ci[1] is not None else v.max()) - (high_ci[0] if high_ci[0] is not None else low))
    return {"low_ci": list(low_ci), "high_ci": list(high_ci),
            "settled": bool(all(s <= SETTLED_SHARE * width for s in spans))}


def share_interval(hits: int, samples: int) -> list[float]:
    """Clopper-Pearson :data:`END_CONFIDENCE` interval [0-1] of a share of ``hits`` out of ``samples``."""
    from scipy.stats import binomtest

    ci = binomtest(int(hits), int(samples)).proportion_ci(confidence_level=END_CONFIDENCE, method="exact")
    return [float(ci.low), float(ci.high)]
