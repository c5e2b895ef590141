"""WP113 loss coefficients from a flat efficiency or from efficiency points.

The loss form of :mod:`components.power.losses` (Schneider WP113 Rev 2, Table 2) is, as a
fraction of unit rating at load fraction ``x``::

    L(x) = a + b x + c x^2,        eta(x) = x / (x + L(x))

* a **flat efficiency** ``eta`` at every load is ``a = c = 0``, ``b = 1/eta - 1``, so that
  ``P_loss = P (1/eta - 1)`` exactly;
* **points** ``(x_i, eta_i)`` (a vendor datasheet) give the loss samples ``L_i = x_i/eta_i - x_i``,
  and ``a, b, c >= 0`` are the non-negative least-squares solution (Lawson-Hanson,
  ``scipy.optimize.nnls``) of ``[1, x_i, x_i^2] (a, b, c) = L_i``: the procedure behind the
  ``wp113_fig8_legacy`` and ``double_conversion_500kva_2010s`` rows of ``ups_curves.toml``.
  Non-negative coefficients keep every loss term physical (no negative no-load loss).
"""

from __future__ import annotations

import numpy as np


def flat_efficiency_coefficients(eta: float) -> tuple[float, float, float]:
    """``(a, b, c)`` of a constant efficiency ``0 < eta <= 1``: ``(0, 1/eta - 1, 0)``. [-]"""
    return 0.0, 1.0 / eta - 1.0, 0.0


def wp113_efficiency(x, a: float, b: float, c: float) -> np.ndarray:
    """``eta = x / (x + a + b x + c x^2)`` at load fractions ``x > 0`` (vectorised). [-]"""
    x = np.asarray(x, dtype=float)
    return x / (x + a + b * x + c * x * x)


def fit_wp113(load_fraction, efficiency) -> tuple[tuple[float, float, float], float]:
    """Non-negative least-squares WP113 coefficients through efficiency points.

    Parameters
    ----------
    load_fraction : sequence of float
        Load as a fraction of unit rating, each in (0, 1]. [-]
    efficiency : sequence of float
        Efficiency at those loads, each in (0, 1]. [-]

    Returns
    -------
    ((a, b, c), max_error)
        Coefficients (fractions of rating) and the largest efficiency residual
        ``max |eta(x_i) - eta_i|`` of the fit, a fraction (x100 for percentage points).
    """
    from scipy.optimize import nnls  # here, not at the top: scipy.optimize costs ~0.4 s of every run's start-up

    x = np.asarray(load_fraction, dtype=float)
    eta = np.asarray(efficiency, dtype=float)
    loss = x / eta - x
    coef, _ = nnls(np.column_stack([np.ones_like(x), x, x * x]), loss)
    a, b, c = (float(v) for v in coef)
    return (a, b, c), float(np.max(np.abs(wp113_efficiency(x, a, b, c) - eta)))
