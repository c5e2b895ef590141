"""Electric chillers and DX compressors in the DOE-2 / EnergyPlus ``Chiller:Electric:EIR`` form, with staging.

Model (EnergyPlus Engineering Reference 25.2, "Electric Chiller Model Based on Condenser
Entering Temperature")::

    Cap_avail = Cap_ref * CAPFT(T_1, T_2)
    PLR       = Q_evap / Cap_avail
    P_on      = Cap_avail / COP_ref * EIRFT(T_1, T_2) * EIRFPLR(max(PLR, PLR_min_unload, PLR_min))
    P         = P_on                              if PLR >= PLR_min
              = P_on * LF * C_D(LF),  LF = PLR / PLR_min,  C_D = 1.13 - 0.13 LF   otherwise

``CAPFT`` and ``EIRFT`` are biquadratics in ``T_1`` (leaving chilled water; for DX coils the coil
entering wet bulb) and ``T_2`` (entering condenser water; for air-cooled machines the outdoor dry
bulb); ``EIRFPLR`` is a quadratic in the part-load ratio.

Part load, as plants run:

- between ``PLR_min_unload`` and 1 the compressor unloads along ``EIRFPLR``;
- between ``PLR_min`` and ``PLR_min_unload`` it false-loads (hot-gas bypass): it draws the power
  of the minimum unloading point and that power still ends up in the condenser;
- below ``PLR_min`` it *cycles*: it runs at ``PLR_min`` for a share ``LF`` of the step, with the
  cycling degradation factor ``C_D = 1.13 - 0.13 LF`` of AHRI Standard 550/590 (section 5.4.1.2;
  evidence M: quoted from memory of the standard, the same form EnergyPlus and DOE-2 use for
  cycling losses).  EnergyPlus cycles without a loss (``C_D = 1``).

The condenser always rejects ``Q_evap + P``.

Outside the curve data (ranges ``T_1``/``T_2`` of each set in ``components/data/chillers.toml``)
the curves are **extrapolated along their tangent at the data edge**, up to the physical bounds
of the set (``first_bounds_c`` / ``second_bounds_c``), and the input is held at those bounds
beyond them.  A quadratic's curvature is fitted to the data only and is not trusted outside it,
while its slope at the edge is the best first-order estimate the data give: raising the chilled
water from 7 to 14 degC on a curve whose data end at 10 degC keeps earning the efficiency the
data show per kelvin at 10 degC.  With ``extrapolate = 0`` the inputs are held at the data edge
instead, as EnergyPlus does with its curve limits (used for like-for-like comparisons with
EnergyPlus).  Either way the caller counts the steps: :func:`curve_status` returns
``STATUS_IN_DATA``, ``STATUS_EXTRAPOLATED`` or ``STATUS_AT_BOUND``.

Staging: identical chillers; the number running is the smallest that keeps every running
chiller at or below ``stage_up_plr`` (at least one when there is load), limited to the number
available.  Load beyond the capacity of all available chillers is unmet and returned.

Validity: the physical bounds of each curve set (about 4-20 degC chilled water, 10-40 degC
condenser water for water-cooled sets; see the data file).  Units: degC, W, ratios [-].
"""

import math

import numpy as np

from components._jit import jit, jit_llvm_inlined

CURVE_LAYOUT = ("capft0", "capft1", "capft2", "capft3", "capft4", "capft5",
                "eirft0", "eirft1", "eirft2", "eirft3", "eirft4", "eirft5",
                "eirfplr0", "eirfplr1", "eirfplr2",
                "first_data_min", "first_data_max", "second_data_min", "second_data_max",
                "min_unload_plr", "min_plr",
                "first_bound_min", "first_bound_max", "second_bound_min", "second_bound_max",
                "extrapolate", "extrapolation_slope")
N_CURVE = len(CURVE_LAYOUT)
_FIRST_DATA, _SECOND_DATA, _MIN_UNLOAD, _MIN_PLR, _FIRST_BOUND, _SECOND_BOUND, _EXTRAPOLATE, _SLOPE = (
    15, 17, 19, 20, 21, 23, 25, 26)

STATUS_IN_DATA = 0       # both inputs inside the curve data
STATUS_EXTRAPOLATED = 1  # an input outside the data: tangent extrapolation (or held at the data edge)
STATUS_AT_BOUND = 2      # an input beyond the set's physical bounds: held there

ZERO_LOAD = 1e-9  # a load below this share of one chiller's capacity is no load (no compressor starts)
CYCLING_CD_INTERCEPT = 1.13  # AHRI 550/590 cycling degradation C_D = 1.13 - 0.13 LF (evidence M)
CYCLING_CD_SLOPE = 0.13


@jit
def biquadratic(c, x, y):
    """``c0 + c1 x + c2 x^2 + c3 y + c4 y^2 + c5 x y`` (EnergyPlus Curve:Biquadratic). [-]"""
    return c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y


@jit
def quadratic(c, x):
    """``c0 + c1 x + c2 x^2`` (EnergyPlus Curve:Quadratic). [-]"""
    return c[0] + c[1] * x + c[2] * x * x


@jit
def _held(value, low, high):
    """``value`` held inside ``[low, high]``."""
    return low if value < low else (high if value > high else value)


@jit
def curve_status(curves, t_first, t_second):
    """Where ``(t_first, t_second)`` lies: in the data, extrapolated, or beyond the bounds. [-]"""
    f0, f1 = curves[_FIRST_BOUND], curves[_FIRST_BOUND + 1]
    s0, s1 = curves[_SECOND_BOUND], curves[_SECOND_BOUND + 1]
    if t_first < f0 or t_first > f1 or t_second < s0 or t_second > s1:
        return STATUS_AT_BOUND
    d0, d1 = curves[_FIRST_DATA], curves[_FIRST_DATA + 1]
    e0, e1 = curves[_SECOND_DATA], curves[_SECOND_DATA + 1]
    if t_first < d0 or t_first > d1 or t_second < e0 or t_second > e1:
        return STATUS_EXTRAPOLATED
    return STATUS_IN_DATA


@jit
def curve_value(c, curves, t_first, t_second):
    """A biquadratic ``c`` of the set ``curves`` at ``(t_first, t_second)``, extrapolated as the set says. [-]

    Inside the data: the biquadratic.  Outside: its first-order Taylor expansion about the
    nearest data point, ``f(x_e, y_e) + s (f_x (x - x_e) + f_y (y - y_e))``, with ``(x, y)`` held at
    the physical bounds and ``s`` the set's ``extrapolation_slope`` (1: the tangent; the uncertainty
    band draws it, :mod:`twin.study.uncertainty`); or, with ``extrapolate = 0``, ``f(x_e, y_e)``
    (EnergyPlus curve limits).
    """
    x = _held(t_first, curves[_FIRST_BOUND], curves[_FIRST_BOUND + 1])
    y = _held(t_second, curves[_SECOND_BOUND], curves[_SECOND_BOUND + 1])
    xe = _held(x, curves[_FIRST_DATA], curves[_FIRST_DATA + 1])
    ye = _held(y, curves[_SECOND_DATA], curves[_SECOND_DATA + 1])
    value = biquadratic(c, xe, ye)
    if curves[_EXTRAPOLATE] > 0.5:
        dfdx = c[1] + 2.0 * c[2] * xe + c[5] * ye
        dfdy = c[3] + 2.0 * c[4] * ye + c[5] * xe
        value += curves[_SLOPE] * (dfdx * (x - xe) + dfdy * (y - ye))
    return value


@jit_llvm_inlined
def chiller_capacity_w(curves, cap_ref_w, t_first, t_second):
    """Available capacity of one chiller. [W]

    ``curves`` is a 1-D array laid out as :data:`CURVE_LAYOUT`: CAPFT (6), EIRFT (6), EIRFPLR (3),
    the data ranges of the two inputs, the minimum unloading and minimum part-load ratios, the
    physical bounds of the two inputs, the extrapolation flag and the factor on the tangent's slope.
    Returns ``(capacity, status)`` with ``status`` from :func:`curve_status`.
    """
    return cap_ref_w * curve_value(curves[0:6], curves, t_first, t_second), curve_status(curves, t_first, t_second)


@jit_llvm_inlined
def chiller_power_w(curves, capacity_w, cop_ref, plr, t_first, t_second):
    """Compressor electric power of one chiller at part-load ratio ``plr``. [W]

    Parameters
    ----------
    curves : ndarray
        Curve set, see :func:`chiller_capacity_w`.
    capacity_w : float
        Available capacity at the current temperatures. [W]
    cop_ref : float
        COP at the curve set's reference conditions. [-]
    plr : float
        Part-load ratio ``Q_evap / capacity``, 0-1. [-]
    t_first, t_second : float
        Leaving chilled-water (or coil entering wet-bulb) and condenser temperatures. [degC]
    """
    if plr <= 0.0:
        return 0.0
    min_plr = curves[_MIN_PLR]
    plr_eval = max(plr, curves[_MIN_UNLOAD], min_plr)
    power = (capacity_w / cop_ref * curve_value(curves[6:12], curves, t_first, t_second)
             * quadratic(curves[12:15], plr_eval))
    if plr < min_plr:
        lf = run_time_fraction(curves, plr)
        power *= lf * (CYCLING_CD_INTERCEPT - CYCLING_CD_SLOPE * lf)
    return power


@jit
def run_time_fraction(curves, plr):
    """Share of the step a compressor at part-load ratio ``plr`` runs: ``min(1, PLR / PLR_min)``. [-]"""
    min_plr = curves[_MIN_PLR]
    if plr <= 0.0:
        return 0.0
    return 1.0 if plr >= min_plr else plr / min_plr


@jit
def stage_chillers(q_evap_w, capacity_w, n_available, stage_up_plr):
    """Number of chillers to run for an evaporator load. [-]

    Returns ``(n_on, plr, q_unmet_w)``: the smallest ``n`` with ``q/(n cap) <= stage_up_plr``
    (at least 1 when ``q > 0``), capped at ``n_available``; the part-load ratio of each running
    chiller; and the load beyond the capacity of all available chillers.
    """
    if n_available <= 0 or capacity_w <= 0.0:
        return 0, 0.0, q_evap_w if q_evap_w > 0.0 else 0.0
    if q_evap_w <= ZERO_LOAD * capacity_w:
        return 0, 0.0, 0.0  # rounding left over by a stage upstream (an economizer that took the load)
    n = int(math.ceil(q_evap_w / (capacity_w * stage_up_plr)))
    if n < 1:
        n = 1
    if n > n_available:
        n = n_available
    q_met = q_evap_w
    q_unmet = 0.0
    if q_evap_w > n * capacity_w:
        q_met = n * capacity_w
        q_unmet = q_evap_w - q_met
    return n, q_met / (n * capacity_w), q_unmet


@jit
def cop_upper_bound(curves, cop_ref, points=61, margin=1.05):
    """An upper bound of the COP (cooling / compressor power) a set can reach anywhere. [-]

    ``COP = PLR COP_ref / (EIRFT(x, y) EIRFPLR(PLR_eval) c(PLR))`` (the capacity cancels, see
    :func:`chiller_power_w`; ``c`` >= 1 is the cycling loss below the minimum PLR), so its
    maximum is ``COP_ref / min EIRFT x max PLR / (EIRFPLR c)``, each over a ``points``-point grid:
    the inputs across the physical bounds (where :func:`curve_value` holds them) and PLR over
    (0, 1].  ``margin`` covers the curvature between grid points (a biquadratic with 1/60 of the
    bounds between points moves less than 1 % between them for the bundled sets).  Used to skip
    a comparison whose outcome the bound already decides.
    """
    eir_min = np.inf
    for a in range(points):
        x = curves[_FIRST_BOUND] + (curves[_FIRST_BOUND + 1] - curves[_FIRST_BOUND]) * a / (points - 1)
        for b in range(points):
            y = curves[_SECOND_BOUND] + (curves[_SECOND_BOUND + 1] - curves[_SECOND_BOUND]) * b / (points - 1)
            eir_min = min(eir_min, curve_value(curves[6:12], curves, x, y))
    plr_best = 0.0
    for k in range(1, points):
        plr = k / (points - 1)
        per_cop = chiller_power_w(curves, 1.0, 1.0, plr, curves[_FIRST_DATA], curves[_SECOND_DATA])
        per_cop /= curve_value(curves[6:12], curves, curves[_FIRST_DATA], curves[_SECOND_DATA])
        plr_best = max(plr_best, plr / per_cop)
    return margin * cop_ref * plr_best / eir_min
