"""Electric chillers in the DOE-2 / EnergyPlus ``Chiller:Electric:EIR`` form, with staging.

Model (EnergyPlus Engineering Reference 25.2, "Electric Chiller Model Based on Condenser
Entering Temperature")::

    Cap_avail = Cap_ref * CAPFT(T_chws, T_cond)
    PLR       = Q_evap / Cap_avail
    P         = Cap_avail / COP_ref * EIRFT(T_chws, T_cond) * EIRFPLR(max(PLR, PLR_min_unload))

``CAPFT`` and ``EIRFT`` are biquadratics in the leaving chilled-water temperature ``T_chws`` and
the condenser temperature ``T_cond`` (entering condenser water for water-cooled machines, outdoor
dry bulb for air-cooled ones); ``EIRFPLR`` is a quadratic in the part-load ratio.  Below the
minimum unloading ratio the compressor false-loads (hot-gas bypass): it draws the power of
``PLR_min_unload`` and that power still ends up in the condenser, so ``Q_cond = Q_evap + P``.

The curve inputs are held inside the curve's data range (as EnergyPlus does with the curve
limits); the caller counts the steps where that happened so extrapolation is never silent.

Staging: identical chillers; the number running is the smallest that keeps every running
chiller at or below ``stage_up_plr`` (at least one when there is load), limited to the number
available.  Load beyond the capacity of all available chillers is unmet and returned.
"""

import math

from components._jit import jit


@jit
def biquadratic(c, x, y):
    """``c0 + c1 x + c2 x^2 + c3 y + c4 y^2 + c5 x y`` (EnergyPlus Curve:Biquadratic). [-]"""
    return c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y


@jit
def quadratic(c, x):
    """``c0 + c1 x + c2 x^2`` (EnergyPlus Curve:Quadratic). [-]"""
    return c[0] + c[1] * x + c[2] * x * x


@jit
def _bounded(value, low, high):
    if value < low:
        return low, True
    if value > high:
        return high, True
    return value, False


@jit
def chiller_capacity_w(curves, cap_ref_w, temp_chws, temp_cond):
    """Available capacity of one chiller. [W]

    ``curves`` is a 1-D array laid out as :data:`CURVE_LAYOUT`: CAPFT (6), EIRFT (6), EIRFPLR (3),
    then the ranges ``chws_min, chws_max, cond_min, cond_max``, then ``min_unload_plr``.
    Returns ``(capacity, out_of_range)``.
    """
    tc, oor1 = _bounded(temp_chws, curves[15], curves[16])
    tw, oor2 = _bounded(temp_cond, curves[17], curves[18])
    return cap_ref_w * biquadratic(curves[0:6], tc, tw), oor1 or oor2


@jit
def chiller_power_w(curves, capacity_w, cop_ref, plr, temp_chws, temp_cond):
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
    temp_chws, temp_cond : float
        Leaving chilled-water and condenser temperatures. [degC]
    """
    if plr <= 0.0:
        return 0.0
    tc, _ = _bounded(temp_chws, curves[15], curves[16])
    tw, _ = _bounded(temp_cond, curves[17], curves[18])
    plr_eval = plr if plr > curves[19] else curves[19]
    return capacity_w / cop_ref * biquadratic(curves[6:12], tc, tw) * quadratic(curves[12:15], plr_eval)


CURVE_LAYOUT = ("capft0", "capft1", "capft2", "capft3", "capft4", "capft5",
                "eirft0", "eirft1", "eirft2", "eirft3", "eirft4", "eirft5",
                "eirfplr0", "eirfplr1", "eirfplr2",
                "chws_min", "chws_max", "cond_min", "cond_max", "min_unload_plr")


@jit
def stage_chillers(q_evap_w, capacity_w, n_available, stage_up_plr):
    """Number of chillers to run for an evaporator load. [-]

    Returns ``(n_on, plr, q_unmet_w)``: the smallest ``n`` with ``q/(n cap) <= stage_up_plr``
    (at least 1 when ``q > 0``), capped at ``n_available``; the part-load ratio of each running
    chiller; and the load beyond the capacity of all available chillers.
    """
    if q_evap_w <= 0.0 or n_available <= 0:
        return 0, 0.0, q_evap_w if q_evap_w > 0.0 else 0.0
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
