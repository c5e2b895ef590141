"""How firmly a band's samples settle its ends (twin/study/band_ends.py), checked against the binomial
law of order statistics and the beta form of the Clopper-Pearson interval, and where the flag shows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import beta, binom

from twin.inputs.bundled import resolve_scenario
from twin.inputs.schema import load_scenario
from twin.report.band import band_cell, range_cell

UNSETTLED = "†"
from twin.study import band_ends
from twin.study import uncertainty as unc


def _order_statistic_interval(n: int, p: float, confidence: float) -> tuple[int | None, int | None]:
    """0-based ranks (r, s) of the shortest equal-tailed interval [X(r), X(s)] of the p quantile: the
    largest r with P(Bin(n, p) <= r) <= (1 - c)/2 and the smallest s with P(Bin(n, p) <= s) >= (1 + c)/2,
    None where no rank qualifies (Conover 1999, sec. 3.2)."""
    tail = (1.0 - confidence) / 2.0
    cdf = binom.cdf(np.arange(n + 1), n, p)
    lows = [k for k in range(n) if cdf[k] <= tail]  # P(X(k+1) > q) = P(Bin <= k) with 1-based rank k+1
    highs = [k for k in range(n) if cdf[k] >= 1.0 - tail]
    return (lows[-1] if lows else None), (highs[0] if highs else None)


@pytest.mark.parametrize("n", [16, 64, 256])
@pytest.mark.parametrize("p", [0.05, 0.95])
def test_end_interval_is_the_binomial_order_statistic_interval(n, p):
    x = np.sort(np.random.default_rng(n).normal(size=n))
    r, s = _order_statistic_interval(n, p, band_ends.END_CONFIDENCE)
    low, high = band_ends.end_interval(x, p)
    assert low == (None if r is None else x[r])
    assert high == (None if s is None else x[s])


def test_end_interval_covers_the_true_quantile_at_its_confidence():
    """Over 2,000 normal samples of 64, the interval holds the true 5th percentile (-1.645) at least 90 % of
    the time (an exact interval is conservative by the discreteness of the ranks)."""
    from scipy.stats import norm

    rng = np.random.default_rng(7)
    q = norm.ppf(0.05)
    hits = sum(lo <= q <= hi for lo, hi in (band_ends.end_interval(rng.normal(size=64), 0.05) for _ in range(2000)))
    assert 0.9 <= hits / 2000 <= 0.97


def test_a_thin_far_tail_is_not_settled_and_a_normal_band_is():
    rng = np.random.default_rng(3)
    normal = rng.normal(size=64)
    lo, hi = np.percentile(normal, [5, 95])
    assert band_ends.ends(normal, lo, hi, (0.05, 0.95))["settled"]
    # 4 of 64 samples (6 %) far below the rest: the 5th percentile sits at the edge of that cluster
    split = np.concatenate([rng.normal(-0.011, 0.0005, 60), rng.normal(-0.05, 0.005, 4)])
    lo, hi = np.percentile(split, [5, 95])
    out = band_ends.ends(split, lo, hi, (0.05, 0.95))
    assert not out["settled"] and out["low_ci"][0] < -0.04 < -0.015 < out["low_ci"][1]
    # a quantity no input moves: a band of zero width is settled
    flat = np.full(64, 1.5)
    assert band_ends.ends(flat, 1.5, 1.5, (0.05, 0.95))["settled"]


def test_share_interval_is_clopper_pearson():
    for k, n in ((64, 64), (37, 64), (0, 16), (5, 8)):
        a = 1.0 - band_ends.END_CONFIDENCE
        low = 0.0 if k == 0 else beta.ppf(a / 2, k, n - k + 1)
        high = 1.0 if k == n else beta.ppf(1 - a / 2, k + 1, n - k)
        assert band_ends.share_interval(k, n) == pytest.approx([low, high], rel=1e-9, abs=1e-12)
    assert band_ends.share_interval(64, 64)[0] == pytest.approx(0.9542, abs=1e-4)  # 64 of 64: still not 100 %


def test_containment_band_on_the_legacy_room_flags_its_unsettled_low_end():
    """The case the module docstring measured: with seed 1 the 64 samples put containment's ΔPUE low end at
    -0.0135 while about 5 % of the draws (low IT load, one chiller fewer) save 0.04-0.07; the end's interval
    spans both, so the band is flagged, in its JSON and its cells."""
    path = resolve_scenario(None)
    b = unc.band(load_scenario(path), measures=[{"name": "containment"}], samples=64, seed=1,
                 file=str(path), base_dir=path.parent)
    d = b["delta_pue"]
    assert d["low_ci"][0] < -0.04 and d["low_ci"][1] > -0.015 and not d["settled"]
    assert band_cell(b, "delta_pue").endswith(UNSETTLED) and range_cell(b, "delta_pue").endswith(UNSETTLED)
    p = b["pue"]
    assert p["low_ci"][0] <= p["low"] <= p["low_ci"][1] and p["high_ci"][0] <= p["high"] <= p["high_ci"][1]
    assert p["settled"] and not band_cell(b, "pue").endswith(UNSETTLED)
