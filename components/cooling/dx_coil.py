"""DX cooling coil: bypass factor, apparatus dew point, and the wet bulb the curves see on a dry coil.

A DX coil's capacity and EIR curves are fitted to wet-coil data, so at dry conditions (a dry
data-centre hall) they must not be evaluated at the actual entering wet bulb.  The
EnergyPlus single-speed DX coil (Engineering Reference 25.2, "Single-Speed Electric DX Air
Cooling Coil"; the apparatus dew point / bypass factor method of the ASHRAE HVAC 2 Toolkit)
evaluates them at the *dry-out point* instead: the entering humidity ratio at which the coil
would just begin to dehumidify.  Per coil, at full capacity ``Q(T_wb)`` and air flow ``m``::

    h_ADP = h_in - Q / m / (1 - CBF),   T_ADP = T_sat(h_ADP),   W_ADP = W_sat(T_ADP)
    coil dry  <=>  W_ADP > W_in:  find W = W_ADP(W) at the entering dry bulb (EnergyPlus relaxes
    W <- 0.4 W_ADP + 0.6 W until |W - W_ADP| <= 0.01 W),  and the curves take  T_wb(T_in, W)

The coil bypass factor follows the coil's NTU, ``CBF = exp(-A0 / m)``, with ``A0 = -ln(CBF_rated)
m_rated`` from the rated point: 26.67 degC dry bulb, 19.44 degC wet bulb entering (AHRI 210/240),
the rated total capacity, air flow and sensible heat ratio.  The rated bypass factor is the one
whose apparatus dew point lies on the line through the entering and leaving states (the
EnergyPlus ``CalcCBF`` construction).

Validity: entering air 15-40 degC dry bulb, humidity ratio 0.001-0.025 kg/kg; rated SHR 0.6-1.
Units: W, kg/s (dry air), degC, kg/kg, J/kg.
"""

import math

from components._jit import jit
from components.cooling.chiller import chiller_capacity_w
from components.psychrometric_slopes import (dew_point_lower_bound, humidity_ratio_from_wet_bulb_and_slope,
                                             saturated_enthalpy_and_slope, saturation_humidity_ratio_and_slope)
from components.psychrometrics import (FREEZING_POINT_C, dew_point_from_humidity_ratio, dry_bulb_from_enthalpy,
                                       enthalpy_moist_air, humidity_ratio_from_wet_bulb, saturation_humidity_ratio,
                                       wet_bulb_from_humidity_ratio)

RATED_INLET_DRY_BULB_C = 26.67   # AHRI 210/240 entering air, 80 degF dry bulb
RATED_INLET_WET_BULB_C = 19.44   # 67 degF wet bulb
DRY_COIL_ITERATIONS = 30
#: A coil whose h_ADP lies this far below the saturated enthalpy at the entering dew point is wet
#: without a doubt [J/kg]: about 0.004 K of saturation temperature, millions of times the error
#: of the wet-bulb (1e-9 K) and saturation-temperature (1e-7 K) solves.
WET_COIL_MARGIN_J_KG = 10.0
#: :func:`entering_wet_bulb` stops after a Newton step shorter than this [K]; the error left is
#: below (W''/2W') step^2 < 0.05 /K * step^2 = 5e-10 K.
WET_BULB_STEP_K = 1e-4
WET_BULB_ITERATIONS = 20


@jit
def saturation_temperature_from_enthalpy(h, pressure, t_start=20.0):
    """Temperature of saturated air with enthalpy ``h``: Newton on :func:`saturated_enthalpy`. [degC]

    From ``t_start`` [degC] (a nearby answer saves steps) until a step is below 1e-7 K.
    """
    t = t_start
    for _ in range(50):
        hs, dh = saturated_enthalpy_and_slope(t, pressure)
        step = (hs - h) / dh
        t -= step
        if abs(step) < 1e-7:
            break
    return t


@jit
def entering_wet_bulb(t_in, w_in, pressure):
    """Thermodynamic wet bulb of the air entering a coil: Newton on the psychrometric balance. [degC]

    Solves ``W(t_in, t*) = w_in`` (ASHRAE Fundamentals 2017 ch. 1 eq. 33, over water) for the
    wet bulb ``t*`` with :func:`components.psychrometric_slopes.humidity_ratio_from_wet_bulb_and_slope`.
    ``W`` rises and is convex in ``t*``.  At ``t* = t_in`` it is the saturation humidity ratio
    ``W_s(t_in)``: air at or above it is saturated and its wet bulb is ``t_in``.  Otherwise the
    first step solves the exponential model of ``W`` with the value, slope and curvature of ``W``
    at ``t_in`` (``W'' = (d ln W_s/dt) dW_s/dt`` there, ``W' = dW_s/dt + (1.006 + 1.86 W_s) /
    (2501 - 2.326 t_in)``)::

        t_1 = t_in + ln(1 + b (w_in - W_s) / W') / b,    b = W'' / W'

    and Newton steps follow until one is shorter than :data:`WET_BULB_STEP_K`: 2 or 3 of them,
    to within 1e-9 K of the root (the bracketing :func:`wet_bulb_from_humidity_ratio` stops
    within 1e-5 K in about 8 evaluations and a dew-point solve).  A wet bulb below freezing
    (ice balance, eq. 35) is left to :func:`wet_bulb_from_humidity_ratio`.

    Validity: dry bulb 0-60 degC, humidity ratio 0.0005-0.03 kg/kg, 60-110 kPa (as tested);
    any ``t_in``, ``w_in`` whose wet bulb is above 0 degC converges.  Units: degC, kg/kg, Pa.
    """
    if t_in <= FREEZING_POINT_C:
        return wet_bulb_from_humidity_ratio(t_in, w_in, pressure, math.nan)  # so is the wet bulb: ice
    ws, dws = saturation_humidity_ratio_and_slope(t_in, pressure)
    if w_in >= ws:
        return t_in
    dw = dws + (1.006 + 1.86 * ws) / (2501.0 - 2.326 * t_in)
    b = dws * dws / (ws * dw)
    arg = 1.0 + b * (w_in - ws) / dw
    t = t_in + math.log(arg) / b if arg > 0.0 else t_in - (ws - w_in) / dw
    step = math.inf
    for _ in range(WET_BULB_ITERATIONS):
        w, dw = humidity_ratio_from_wet_bulb_and_slope(t_in, t, pressure)
        step = (w - w_in) / dw
        t -= step
        if abs(step) < WET_BULB_STEP_K:
            break
    if t < FREEZING_POINT_C or abs(step) >= WET_BULB_STEP_K:
        return wet_bulb_from_humidity_ratio(t_in, w_in, pressure, math.nan)
    return t


@jit
def rated_bypass_factor(capacity_w, air_flow_kgs, shr, pressure):
    """Coil bypass factor at the rated point. [-]

    The leaving state follows from the rated total capacity and SHR; the apparatus dew point is
    where the line from the entering through the leaving state meets saturation (bisection on
    the line parameter), and ``CBF = (h_out - h_ADP) / (h_in - h_ADP)``.  NaN when the rated
    leaving air would be supersaturated (an SHR too high for the air flow).
    """
    t_in = RATED_INLET_DRY_BULB_C
    w_in = humidity_ratio_from_wet_bulb(t_in, RATED_INLET_WET_BULB_C, pressure)
    h_in = enthalpy_moist_air(t_in, w_in)
    dh = capacity_w / air_flow_kgs
    h_out = h_in - dh
    h_tin_wout = h_in - (1.0 - shr) * dh
    w_out = (h_tin_wout / 1000.0 - 1.006 * t_in) / (2501.0 + 1.86 * t_in)
    t_out = dry_bulb_from_enthalpy(h_out, w_out)
    if w_out >= saturation_humidity_ratio(t_out, pressure):
        return math.nan  # the rated leaving air would be supersaturated: no apparatus dew point
    # along T = t_in + s (t_out - t_in), W = w_in + s (w_out - w_in), s >= 1: first saturated point
    lo, hi = 1.0, 1.0
    for _ in range(200):
        hi *= 1.5
        t = t_in + hi * (t_out - t_in)
        if w_in + hi * (w_out - w_in) >= saturation_humidity_ratio(t, pressure):
            break
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        t = t_in + mid * (t_out - t_in)
        if w_in + mid * (w_out - w_in) >= saturation_humidity_ratio(t, pressure):
            hi = mid
        else:
            lo = mid
    t_adp = t_in + hi * (t_out - t_in)
    h_adp = enthalpy_moist_air(t_adp, saturation_humidity_ratio(t_adp, pressure))
    return (h_out - h_adp) / (h_in - h_adp)


@jit
def bypass_factor(a0_kgs, air_flow_kgs):
    """Bypass factor at an air flow, ``exp(-A0 / m)``. [-]"""
    if air_flow_kgs <= 0.0:
        return 0.0
    x = -a0_kgs / air_flow_kgs
    return math.exp(x) if x > -20.0 else 0.0


@jit
def _dry_out_residual(curves, cap_ref_w, t_in, h_in, t_wb, t_outdoor, air_flow_kgs, cbf, pressure, t_adp_start):
    """``W(T_in, T_wb) - W_ADP(T_wb)``: how far an entering wet bulb is from the coil's dry-out point.

    Returns ``(residual [kg/kg], T_ADP [degC])``; the ADP solve starts from ``t_adp_start``.
    """
    cap, _ = chiller_capacity_w(curves, cap_ref_w, t_wb, t_outdoor)
    h_adp = h_in - cap / air_flow_kgs / (1.0 - cbf)
    t_adp = saturation_temperature_from_enthalpy(h_adp, pressure, t_adp_start)
    return humidity_ratio_from_wet_bulb(t_in, t_wb, pressure) - saturation_humidity_ratio(t_adp, pressure), t_adp


@jit
def curve_wet_bulb(curves, cap_ref_w, t_in, w_in, t_outdoor, air_flow_kgs, cbf, pressure, t_wb_in):
    """The entering wet bulb at which a DX coil's curves are evaluated. [degC]

    The actual entering wet bulb ``t_wb_in`` (:func:`entering_wet_bulb` of ``t_in``, ``w_in``) on
    a wet coil; on a dry coil the wet bulb at the dry-out point, the fixed point ``W = W_ADP(W)``
    of the module docstring.  EnergyPlus reaches it by relaxation to 1 % in ``W``; here secant
    steps on the wet bulb (``W`` from it in closed form) reach 1e-5 relative in ``W`` in a few
    evaluations, the first of them a tangent step ``-g / (dW/dt*)`` that neglects the change of
    ``W_ADP``; each ``T_ADP`` solve starts from the last (the first from the wet bulb, above it).
    ``cap_ref_w`` and ``air_flow_kgs`` are those of one coil.  ``h_in`` stays the actual entering
    enthalpy, as in EnergyPlus.

    The coil is wet when ``W_ADP <= W_in``, that is (``h_s`` and ``W_s`` both rise with
    temperature) when ``h_ADP <= h_s(T_dew,in) = h(T_dew,in, W_in)``.  An ``h_ADP`` more than
    :data:`WET_COIL_MARGIN_J_KG` below ``h(T_lo, W_in)``, with ``T_lo`` the cheap
    :func:`components.psychrometric_slopes.dew_point_lower_bound` from the wet bulb, or failing that
    below ``h(T_dew,in, W_in)``, settles it without solving for ``T_ADP``; so does one more than
    the margin above ``h(T_wb,in, W_in) >= h(T_dew,in, W_in)`` (dry, without the dew-point
    solve).  Nearer the boundary the residual decides, so the answer is the same as with the
    residual alone.
    """
    h_in = enthalpy_moist_air(t_in, w_in)
    x0 = t_wb_in
    cap, _ = chiller_capacity_w(curves, cap_ref_w, x0, t_outdoor)
    h_adp = h_in - cap / air_flow_kgs / (1.0 - cbf)
    if h_adp < enthalpy_moist_air(dew_point_lower_bound(x0, w_in, pressure), w_in) - WET_COIL_MARGIN_J_KG:
        return x0  # wet coil
    if h_adp <= enthalpy_moist_air(x0, w_in) + WET_COIL_MARGIN_J_KG and (
            h_adp < enthalpy_moist_air(dew_point_from_humidity_ratio(w_in, pressure), w_in) - WET_COIL_MARGIN_J_KG):
        return x0  # wet coil
    g0, t_adp = _dry_out_residual(curves, cap_ref_w, t_in, h_in, x0, t_outdoor, air_flow_kgs, cbf, pressure, x0)
    if g0 >= 0.0:
        return x0  # wet coil: the ADP humidity ratio is below the entering one
    x1 = min(x0 - g0 / humidity_ratio_from_wet_bulb_and_slope(t_in, x0, pressure)[1], t_in)
    for _ in range(DRY_COIL_ITERATIONS):
        g1, t_adp = _dry_out_residual(curves, cap_ref_w, t_in, h_in, x1, t_outdoor, air_flow_kgs, cbf, pressure,
                                      t_adp)
        if abs(g1) <= 1e-5 * w_in or g1 == g0:
            break
        x0, x1, g0 = x1, x1 - g1 * (x1 - x0) / (g1 - g0), g1
        if x1 > t_in:
            x1 = t_in  # the dry-out point is never above saturation at the entering dry bulb
    return x1
