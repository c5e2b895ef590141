"""Which inputs move a band most: its drivers.

The Spearman rank correlation ``rho`` of the output with each sampled input over the samples; the
three largest ``|rho|`` are the drivers, each with ``share = rho^2 / sum(rho^2)`` (for a monotone,
nearly additive model the share of the output's variance it explains; Saltelli et al., Global
Sensitivity Analysis: The Primer, Wiley 2008, ch. 1.2.5) and ``rho_se``, the approximate standard
error of rho ``1.03 (1 - rho^2) / sqrt(n - 3)`` (Fieller, Hartley & Pearson 1957): drivers whose rho
differ by less than about two standard errors may swap places between seeds.  A driver is ``clear``
when its |rho| exceeds what the largest of that many inputs without effect would reach by chance
(:func:`noise_floor`, Bonferroni at 5 %); with few samples the drivers are often not clear.
"""

from __future__ import annotations

import math

import numpy as np

#: drivers listed per quantity
N_DRIVERS = 3


def noise_floor(n_inputs: int, samples: int, alpha: float = 0.05) -> float:
    """|rho| that one of ``n_inputs`` inputs without any effect exceeds with probability ``alpha``.

    Under no effect a rank correlation over ``samples`` points is about normal with variance
    ``1 / (samples - 1)``; over ``n_inputs`` inputs the two-sided Bonferroni bound gives
    ``z(1 - alpha / (2 n_inputs)) / sqrt(samples - 1)`` (64 samples, 25 inputs: 0.39).
    """
    from scipy.stats import norm

    return float(norm.ppf(1.0 - alpha / (2.0 * max(n_inputs, 1))) / math.sqrt(max(samples - 1, 1)))


def drivers(names: list[str], u: np.ndarray, y: np.ndarray, n: int = N_DRIVERS) -> list[dict]:
    """The ``n`` inputs with the largest |Spearman rho| against ``y`` (see the module docstring).

    Infinite outputs (a payback never reached) rank above every finite one.  ``clear`` is false
    for a driver whose |rho| does not exceed :func:`noise_floor`: chance alone could rank it there.
    """
    from scipy.stats import spearmanr

    y = np.asarray(y, dtype=float)
    ok = ~np.isnan(y)
    y = np.where(np.isposinf(y), np.finfo(float).max, y)
    rows = []
    for j, name in enumerate(names):
        x = u[ok, j]
        if ok.sum() < 3 or np.ptp(x) == 0 or np.ptp(y[ok]) == 0:
            continue
        rho = float(spearmanr(x, y[ok]).statistic)
        if math.isfinite(rho):
            rows.append({"input": name, "rho": rho})
    total = sum(r["rho"] ** 2 for r in rows)
    m = int(ok.sum())
    floor = noise_floor(len(names), m)
    for r in rows:
        r["share"] = r["rho"] ** 2 / total if total > 0 else 0.0
        # approximate standard error of a Spearman rho (Fieller, Hartley & Pearson 1957, Biometrika 44:470)
        r["rho_se"] = 1.03 * (1.0 - r["rho"] ** 2) / math.sqrt(m - 3) if m > 3 else math.nan
        r["clear"] = abs(r["rho"]) > floor
    return sorted(rows, key=lambda r: -abs(r["rho"]))[:n]
