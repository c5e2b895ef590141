"""Saturation of water vapour (SI), compiled with Numba: the Hyland-Wexler saturation pressure over
ice and over liquid water and its inverse, the dew point of a vapour pressure.

The saturation curve is the one equation every other psychrometric property
(:mod:`components.psychrometrics`) is built on; the equations are those of ASHRAE Handbook -
Fundamentals (2017), chapter 1 "Psychrometrics", eq. 5, 6 and 36 (SI edition), as in PsychroLib
(Meyer and Thevenard 2019, JOSS 4(33) 1137), checked against it in ``tests/test_psychrometrics.py``.
Temperatures in °C, pressures in Pa.

From -60 to 100 °C the kernels read the saturation pressure from a table of eq. 5/6 and their
exact derivatives at every 1/8 K, interpolated by cubic Hermite polynomials: within 1.4e-10 of the
equations (8e-12 from 0 to 60 °C), without the ``exp`` and ``log`` each evaluation of eq. 5/6
costs, a chain of about 25 ns in every Newton step of a coil, tower or wet-bulb solve.  Side by
side (``benchmarks/ab_kernel.py``, 2026-12-07) the bundled default's year took 6 % less time, the
chilled-water package 5 %, IEC + liquid 9 %, the outdoor-air + IEC hybrid with AI control 14 %;
channels moved by at most 2e-11 of their range.
EnergyPlus likewise caches its saturation pressure by temperature (``PsyPsatFnTemp``,
``EP_cache_PsyPsatFnTemp`` in ``src/EnergyPlus/Psychrometrics.hh``).
"""

from __future__ import annotations

import math

from components._jit import jit_alloc
from components.hermite_table import hermite, hermite_table

#: Offset between the Celsius and Kelvin scales [K].
ZERO_CELSIUS_K = 273.15
#: Triple point of water; saturation is over ice at or below it, over liquid water above it [°C].
TRIPLE_POINT_C = 0.01
#: Lower and upper limits of the Hyland-Wexler saturation-pressure fits [°C].
T_MIN_C = -100.0
T_MAX_C = 200.0

# Hyland-Wexler coefficients, ASHRAE (2017) ch. 1 eq. 5 (over ice) and eq. 6 (over water).
_C1, _C2, _C3, _C4 = -5.6745359e03, 6.3925247, -9.6778430e-03, 6.2215701e-07
_C5, _C6, _C7 = 2.0747825e-09, -9.4840240e-13, 4.1635019
_C8, _C9, _C10, _C11 = -5.8002206e03, 1.3914993, -4.8640239e-02, 4.1764768e-05
_C12, _C13 = -1.4452093e-08, 6.5459673


@jit_alloc
def _ln_pws(t, ice):
    """ASHRAE eq. 5 (``ice``) or eq. 6 at ``t`` [K]. [ln(Pa)]"""
    if ice:
        return (_C1 / t + _C2 + _C3 * t + _C4 * t * t + _C5 * t ** 3 + _C6 * t ** 4
                + _C7 * math.log(t))
    return _C8 / t + _C9 + _C10 * t + _C11 * t * t + _C12 * t ** 3 + _C13 * math.log(t)


@jit_alloc
def _d_ln_pws(t, ice):
    """Derivative of :func:`_ln_pws` with ``t`` [K]. [1/K]"""
    if ice:
        return (-_C1 / (t * t) + _C3 + 2.0 * _C4 * t + 3.0 * _C5 * t * t + 4.0 * _C6 * t ** 3
                + _C7 / t)
    return -_C8 / (t * t) + _C10 + 2.0 * _C11 * t + 3.0 * _C12 * t * t + _C13 / t


@jit_alloc
def ln_saturation_vapor_pressure(temp_c):
    """Natural log of the saturation vapour pressure, ASHRAE eq. 5/6 [ln(Pa)]."""
    return _ln_pws(temp_c + ZERO_CELSIUS_K, temp_c <= TRIPLE_POINT_C)


@jit_alloc
def d_ln_saturation_vapor_pressure(temp_c):
    """Derivative of ``ln(p_ws)`` with respect to temperature [1/K]."""
    return _d_ln_pws(temp_c + ZERO_CELSIUS_K, temp_c <= TRIPLE_POINT_C)


def _table_value_and_slope(temp_c, upper):
    """``(p_ws, dp_ws/dt)`` at ``temp_c`` by the equation that holds in the table interval up to
    ``upper`` [°C]. [Pa], [Pa/K]"""
    t, ice = temp_c + ZERO_CELSIUS_K, upper <= TRIPLE_POINT_C + 1e-9
    p_ws = math.exp(_PLAIN_LN_PWS(t, ice))
    return p_ws, p_ws * _PLAIN_D_LN_PWS(t, ice)


# the equations as plain Python, for building the table at import
_PLAIN_LN_PWS, _PLAIN_D_LN_PWS = (getattr(f, "py_func", f) for f in (_ln_pws, _d_ln_pws))
#: the saturation pressure is interpolated (:func:`saturation_vapor_pressure`) over this range [°C]
#: (its lower end on the ice side of the triple point, which is a node) in steps of 1/_TABLE_PER_K K
_TABLE_PER_K = 8.0
_TABLE_LO_C = TRIPLE_POINT_C - 60.0
_TABLE_HI_C = TRIPLE_POINT_C + 100.0
_TABLE = hermite_table(_table_value_and_slope, _TABLE_LO_C, _TABLE_HI_C, _TABLE_PER_K)


@jit_alloc
def saturation_vapor_pressure(temp_c):
    r"""Saturation vapour pressure of water, Hyland-Wexler formulation.

    .. math::

        \ln p_{ws} = C_1/T + C_2 + C_3 T + C_4 T^2 + C_5 T^3 + C_6 T^4 + C_7 \ln T
        \quad (T \le 273.16\ \mathrm{K},\ \text{over ice})

        \ln p_{ws} = C_8/T + C_9 + C_{10} T + C_{11} T^2 + C_{12} T^3 + C_{13} \ln T
        \quad (T > 273.16\ \mathrm{K},\ \text{over liquid water})

    with :math:`T` in kelvin.

    Parameters
    ----------
    temp_c : float
        Temperature [°C].  Valid range -100 to 200 °C.

    Returns
    -------
    float
        Saturation vapour pressure [Pa].

    From ``_TABLE_LO_C`` (-59.99 °C) to ``_TABLE_HI_C`` (100.01 °C) the cubic Hermite
    interpolation of :data:`_TABLE` (:mod:`components.hermite_table`: the equations and their
    derivatives at every 1/8 K, the triple point a node; each interval by the equation that holds
    inside it), within 1.4e-10 of the equations (8e-12 from 0 to 60 °C; module docstring);
    elsewhere the equations.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 5 and 6 (Hyland and Wexler, 1983).
    """
    if _TABLE_LO_C < temp_c <= _TABLE_HI_C:
        return hermite(_TABLE, _TABLE_LO_C, _TABLE_PER_K, temp_c)
    return math.exp(ln_saturation_vapor_pressure(temp_c))


@jit_alloc
def dew_point_from_vapor_pressure(p_w):
    r"""Dew-point temperature from the partial pressure of water vapour.

    Solves :math:`\ln p_{ws}(t_d) = \ln p_w` by Newton-Raphson on the logarithm of
    :func:`saturation_vapor_pressure` (so that the dew point of ``p_ws(t)`` is ``t``), with the
    equations' slope :func:`d_ln_saturation_vapor_pressure`, safeguarded by bisection on the
    bracket [-100, 200] °C, to a step
    below 1e-9 K (the log form is smooth; 3 to 5 iterations are typical).  The inversion of
    eq. 5/6 is used instead of the regressions eq. 37/38, which are less accurate.

    Parameters
    ----------
    p_w : float
        Partial pressure of water vapour [Pa].

    Returns
    -------
    float
        Dew-point temperature [°C]; clipped to -100 °C or 200 °C when ``p_w`` lies outside
        the range of the saturation-pressure equations (including ``p_w <= 0``).

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 5, 6 and 36.
    """
    lo = T_MIN_C
    hi = T_MAX_C
    if p_w <= saturation_vapor_pressure(lo):
        return lo
    if p_w >= saturation_vapor_pressure(hi):
        return hi
    ln_pw = math.log(p_w)
    # First guess: inverse Magnus formula over water (good to ~1 K in -40..60 °C).
    gamma = math.log(p_w / 611.2)
    t = 243.12 * gamma / (17.62 - gamma)
    if t <= lo or t >= hi:
        t = 0.5 * (lo + hi)
    for _ in range(100):
        f = math.log(saturation_vapor_pressure(t)) - ln_pw
        if f == 0.0:
            return t  # (a bracket end, which the Newton step would then take for leaving the bracket)
        if f > 0.0:
            hi = t
        else:
            lo = t
        t_new = t - f / d_ln_saturation_vapor_pressure(t)
        if t_new <= lo or t_new >= hi:
            t_new = 0.5 * (lo + hi)  # Newton left the bracket: bisect instead
        if abs(t_new - t) < 1e-9 or hi - lo < 1e-9:
            return t_new
        t = t_new
    return t

