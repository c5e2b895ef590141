"""Structure in residuals: how much of a model's error a driver such as outdoor temperature explains.

A calibrated model whose form is right leaves residuals (simulated - metered) that look like
noise against every driver.  A missing economizer, a wrong staging rule or a wrong part-load curve
leaves residuals that follow outdoor temperature or load, and a fitted parameter that absorbs the
error on average hides it from CV(RMSE) and NMBE but not from a residual plot.

The indicator is the correlation ratio (Pearson's eta squared) of the residuals ``r`` binned
against a driver ``x``::

    eta^2 = sum_b n_b (mean_b(r) - mean(r))^2 / sum_i (r_i - mean(r))^2

the share of the residuals' variance (about their own mean, so a constant bias does not count:
that is NMBE's job) that the bin means explain.  It is 0 for residuals that do not depend on
``x`` and 1 for residuals that are a function of ``x`` alone; for independent noise its expected
value is about ``(k - 1) / (n - 1)`` with ``k`` bins and ``n`` points (0.002 for 20 bins and a
year of hours).  Source: K. Pearson (1903), "Mathematical contributions to the theory of
evolution XII", the correlation ratio; any analysis-of-variance text (between-group over total sum
of squares).  Bins holding fewer than :data:`MIN_BIN_POINTS` points are left out of both sums.
"""

from __future__ import annotations

import numpy as np

#: Outdoor dry-bulb bin width [K] (the ASHRAE bin-method width is 5 degF, about 2.8 K; 2 K keeps
#: about 20 bins over a Chinese climate's range).
TEMPERATURE_BIN_K = 2.0
#: Equal-width load bins over the metered range of IT power [-].
LOAD_BINS = 10
#: A bin with fewer points than this is left out (its mean is noise) [-].
MIN_BIN_POINTS = 10


def temperature_edges(x: np.ndarray, width: float = TEMPERATURE_BIN_K) -> np.ndarray:
    """Bin edges every ``width`` K covering ``x`` (degC), aligned on multiples of ``width``."""
    lo = np.floor(np.nanmin(x) / width) * width
    hi = np.floor(np.nanmax(x) / width) * width + width
    return np.arange(lo, hi + 0.5 * width, width)


def equal_width_edges(x: np.ndarray, bins: int = LOAD_BINS) -> np.ndarray:
    """``bins`` equal-width bins over the range of ``x`` (a constant ``x`` gives one bin)."""
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    if hi <= lo:
        return np.array([lo - 0.5, lo + 0.5])
    return np.linspace(lo, hi, bins + 1)


def _kept(x: np.ndarray, r: np.ndarray, edges: np.ndarray, min_points: int):
    """Residuals and bin numbers of the finite points in bins holding at least ``min_points``."""
    x, r = np.asarray(x, float), np.asarray(r, float)
    ok = np.isfinite(x) & np.isfinite(r)
    k = np.clip(np.searchsorted(edges, x[ok], side="right") - 1, 0, len(edges) - 2)
    keep = (np.bincount(k, minlength=len(edges) - 1) >= min_points)[k]
    return r[ok][keep], k[keep]


def binned_means(x: np.ndarray, r: np.ndarray, edges: np.ndarray,
                 min_points: int = MIN_BIN_POINTS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre, mean of ``r`` and count of every bin of ``x`` holding at least ``min_points`` points.

    Points with a non-finite ``x`` or ``r`` are left out; the last bin includes its upper edge.
    """
    r, k = _kept(x, r, edges, min_points)
    n = np.bincount(k, minlength=len(edges) - 1)
    s = np.bincount(k, weights=r, minlength=len(edges) - 1)
    used = n > 0
    centres = 0.5 * (edges[:-1] + edges[1:])
    return centres[used], s[used] / n[used], n[used]


def correlation_ratio(x: np.ndarray, r: np.ndarray, edges: np.ndarray,
                      min_points: int = MIN_BIN_POINTS) -> float:
    """Eta squared of ``r`` binned on ``x`` (see the module docstring). [-]

    NaN when fewer than two bins are populated or the residuals do not vary.
    """
    _, means, n = binned_means(x, r, edges, min_points)
    kept, _ = _kept(x, r, edges, min_points)
    if len(n) < 2:
        return float("nan")
    total = float(np.sum((kept - kept.mean()) ** 2))
    if total == 0.0:
        return float("nan")
    return float(np.sum(n * (means - kept.mean()) ** 2)) / total
