"""Indirect evaporative cooler (IEC), EnergyPlus ``EvaporativeCooler:Indirect:ResearchSpecial`` form.

A plate or tube air-to-air heat exchanger: the primary (data-hall return or supply) air is
cooled without added moisture by a secondary (scavenger, usually outdoor) air stream, which is
sprayed with water in *wet* mode and left dry in *dry* mode.  Equations of the EnergyPlus
Engineering Reference, "Indirect Evaporative Cooler Special Research Model" (section
"Evaporative Coolers"), as implemented in EnergyPlus ``EvaporativeCoolers.cc``
(``CalcIndirectRDDEvapCoolerOutletTemp``, ``CalcSecondaryAirOutletCondition``,
``IndEvapCoolerPower``)::

    flow ratio          FR = m_sec / m_sys                                   (both current, kg/s)
    wet mode            eps = eps_wb,design * f_wb(FR)
                        T_out = T_in - eps (T_in - T_wb,sec)
                        T_out >= T_in - beta (T_in - T_dp,sec)               (dew-point bound)
    dry mode            eps = eps_db,design * f_db(FR)
                        T_out = T_in - eps (T_in - T_db,sec)
                        Q = (m cp)_sys (T_in - T_out);  T_sec,out = T_db,sec + Q / (m cp)_sec
                        if T_sec,out >= T_in:  T_sec,out = T_in - 0.2 K,
                            Q = (m cp)_sec (T_sec,out - T_db,sec),  T_out = T_in - Q / (m cp)_sys
    both                T_out <= T_in;  humidity ratio of the primary air unchanged
    power               P = P_fan,design f_fan(ff) + [wet] P_pump,design f_pump(ff),
                        ff = m_sec / m_sec,design  (secondary flow fraction; 0 -> no power)
    water (wet mode)    secondary air leaves at its inlet dry bulb with all of Q as latent
                        heat:  evaporation = Q / h_g(T_db,sec),  h_g = 2 500 940 + 1858.95 T
                        (J/kg, EnergyPlus Psychrometrics); drift = f_drift * evaporation;
                        blowdown = max(evaporation / (CoC - 1) - drift, 0)

``f_wb``, ``f_db``, ``f_fan`` and ``f_pump`` are EnergyPlus ``Curve:Cubic`` objects, passed here
as arrays ``[c0, c1, c2, c3, x_min, x_max]`` (:data:`CONSTANT_CURVE` means "no curve": 1.0).
``cp = 1004.84 + 1858.95 W`` J/(kg K) is EnergyPlus ``PsyCpAirFnW``; ``beta`` is the
"Dewpoint Effectiveness Factor" (0.9 in the EnergyPlus unit tests).

Typical values (docs/sources.md 2.4, evidence M, so ranges rather than targets): wet-bulb
effectiveness 0.6-0.8 in wet mode, dry-bulb (sensible) effectiveness 0.5-0.65 in dry mode.
EnergyPlus IDD defaults for sizing: secondary fan 250 W per m3/s (125 Pa at 50 %), spray pump
90 W per m3/s of secondary air.

Validity: effectiveness-based, steady state, 0 < FR <= ~2, secondary air above 0 degC in wet
mode (no freezing model).  Units: degC, kg/kg dry air, kg/s, W.  Checked against an independent
implementation of the same EnergyPlus equations in ``validation/cases/iec_energyplus_equations``.
"""

import math

import numpy as np

from components._jit import jit

MODE_OFF = 0
MODE_DRY = 1
MODE_WET = 2

#: Secondary outlet is kept this far below the primary inlet in dry mode [K] (EnergyPlus).
DRY_MODE_SECONDARY_MARGIN_K = 0.2
#: A Curve:Cubic that is 1 everywhere ("no modifier curve").
CONSTANT_CURVE = np.array([1.0, 0.0, 0.0, 0.0, 0.0, 1.0e9])
#: Linear curve y = x on 0..1 (fan or pump power proportional to secondary flow fraction).
LINEAR_CURVE = np.array([0.0, 1.0, 0.0, 0.0, 0.0, 1.0])
#: dctwin default design effectiveness, wet mode (wet-bulb) and dry mode (dry-bulb) [-]: the
#: middle of the typical ranges 0.6-0.8 and 0.5-0.65 (docs/sources.md 2.4, evidence M), below the
#: EnergyPlus Engineering Reference's best-case values (~0.8 wet coil, ~0.65 dry coil).
DEFAULT_EFF_WB_DESIGN = 0.75
DEFAULT_EFF_DB_DESIGN = 0.60
#: EnergyPlus IDD sizing defaults [W per m3/s of secondary air].
FAN_SPECIFIC_POWER_W_PER_M3S = 250.0
PUMP_SPECIFIC_POWER_W_PER_M3S = 90.0


@jit
def cp_moist_air(w):
    """Specific heat of moist air per kg dry air, EnergyPlus ``PsyCpAirFnW``. [J/(kg K)]"""
    return 1004.84 + 1858.95 * w


@jit
def vapour_enthalpy(temp_c):
    """Enthalpy of water vapour at ``temp_c`` (EnergyPlus psychrometric form). [J/kg]

    ``h_g = 2 500 940 + 1858.95 T``.  The heat of vaporisation at ``T`` is ``h_g - 4180 T``.
    """
    return 2500940.0 + 1858.95 * temp_c


@jit
def cubic_curve(curve, x):
    """EnergyPlus ``Curve:Cubic`` ``c0 + c1 x + c2 x^2 + c3 x^3`` with ``x`` held in range. [-]

    ``curve`` is ``[c0, c1, c2, c3, x_min, x_max]``.
    """
    if x < curve[4]:
        x = curve[4]
    elif x > curve[5]:
        x = curve[5]
    return curve[0] + x * (curve[1] + x * (curve[2] + x * curve[3]))


@jit
def cubic_curve_inverse(curve, y):
    """The ``x`` in ``[x_min, x_max]`` at which an increasing :func:`cubic_curve` equals ``y``. [-]

    Newton on ``c0 + c1 x + c2 x^2 + c3 x^3 - y`` from the chord between the range ends, kept in
    the range, until a step is below 1e-13 x (at most 30 steps).  NaN when ``y`` is not strictly
    between the curve's values at the range ends (a flat or constant curve has no inverse).
    Used as a first estimate by :func:`iec_secondary_fraction_for_setpoint`, which checks it.
    """
    lo, hi = curve[4], curve[5]
    y_lo, y_hi = cubic_curve(curve, lo), cubic_curve(curve, hi)
    if not y_lo < y < y_hi:
        return math.nan
    x = lo + (y - y_lo) * (hi - lo) / (y_hi - y_lo)
    for _ in range(30):
        step = ((curve[0] + x * (curve[1] + x * (curve[2] + x * curve[3])) - y)
                / (curve[1] + x * (2.0 * curve[2] + 3.0 * x * curve[3])))
        x = min(max(x - step, lo), hi)
        if abs(step) < 1e-13 * x:
            break
    return x


@jit
def iec_outlet_temperature(mode, t_primary_in, w_primary, t_secondary_db, t_secondary_wb,
                           t_secondary_dew, w_secondary, flow_ratio, eff_wb_design,
                           eff_db_design, wb_modifier, db_modifier, dew_point_factor):
    """Primary-air outlet dry bulb of an IEC at full (unmodulated) operation.

    Parameters
    ----------
    mode : int
        :data:`MODE_OFF`, :data:`MODE_DRY` or :data:`MODE_WET`.
    t_primary_in : float
        Primary air inlet dry bulb. [degC]
    w_primary : float
        Primary air humidity ratio (unchanged through the cooler). [kg/kg]
    t_secondary_db, t_secondary_wb, t_secondary_dew : float
        Secondary air inlet dry bulb, wet bulb and dew point. [degC]
    w_secondary : float
        Secondary air inlet humidity ratio. [kg/kg]
    flow_ratio : float
        Secondary / primary air mass flow ``m_sec / m_sys``. [-]
    eff_wb_design, eff_db_design : float
        Wet-bulb effectiveness (wet mode) and dry-bulb effectiveness (dry mode) at design. [-]
    wb_modifier, db_modifier : ndarray
        ``Curve:Cubic`` of the effectiveness against ``flow_ratio`` (see :func:`cubic_curve`).
    dew_point_factor : float
        ``beta``: how close to the secondary dew point the wet mode may cool, 0-1. [-]

    Returns
    -------
    tuple
        ``(t_out [degC], effectiveness in force [-], dew_point_bound_active [bool])``.

    Notes
    -----
    EnergyPlus 25.2 Engineering Reference, "Indirect Evaporative Cooler Special Research Model",
    wet and dry mode equations; dry-mode secondary heat-capacity check and the wet-mode dew-point
    bound as in ``EvaporativeCoolers.cc``.
    """
    if mode == MODE_OFF or flow_ratio <= 0.0:
        return t_primary_in, 0.0, False
    if mode == MODE_DRY:
        eff = eff_db_design * cubic_curve(db_modifier, flow_ratio)
        t_out = t_primary_in - eff * (t_primary_in - t_secondary_db)
        if t_out >= t_primary_in:
            # secondary air warmer than primary: no heat exchange (EnergyPlus switches off)
            return t_primary_in, eff, False
        cap_sys = cp_moist_air(w_primary)              # per kg/s of primary air
        cap_sec = flow_ratio * cp_moist_air(w_secondary)
        q = cap_sys * (t_primary_in - t_out)
        t_sec_out = t_secondary_db + q / cap_sec
        if t_sec_out >= t_primary_in:
            t_sec_out = t_primary_in - DRY_MODE_SECONDARY_MARGIN_K
            q = cap_sec * (t_sec_out - t_secondary_db)
            t_out = t_primary_in - q / cap_sys
        return t_out, eff, False
    eff = eff_wb_design * cubic_curve(wb_modifier, flow_ratio)
    t_out = t_primary_in - eff * (t_primary_in - t_secondary_wb)
    if t_out > t_primary_in:
        t_out = t_primary_in
    bound = t_primary_in - dew_point_factor * (t_primary_in - t_secondary_dew)
    if bound > t_primary_in:
        # secondary dew point above the primary air: evaporation cannot cool it (never heats it)
        bound = t_primary_in
    if t_out < bound:
        return bound, eff, True
    return t_out, eff, False


@jit
def iec_heat_transfer_w(m_primary, w_primary, t_primary_in, t_primary_out):
    """Sensible heat removed from the primary air. [W]

    ``Q = m_sys cp(W_sys) (T_in - T_out)`` with ``cp`` from :func:`cp_moist_air`.
    """
    return m_primary * cp_moist_air(w_primary) * (t_primary_in - t_primary_out)


@jit
def iec_water_use_kg_s(mode, q_w, t_secondary_db, cycles_of_concentration, drift_fraction):
    """Evaporation, drift and blowdown of an IEC removing ``q_w`` from the primary air. [kg/s]

    Parameters
    ----------
    mode : int
        Operating mode; only :data:`MODE_WET` uses water.
    q_w : float
        Heat removed from the primary air, :func:`iec_heat_transfer_w`. [W]
    t_secondary_db : float
        Secondary air inlet dry bulb (it leaves at the same dry bulb in wet mode). [degC]
    cycles_of_concentration : float
        Blowdown concentration ratio, ``>= 2`` in EnergyPlus. [-]
    drift_fraction : float
        Drift as a fraction of the evaporation (EnergyPlus IEC definition). [-]

    Returns
    -------
    tuple
        ``(evaporation, drift, blowdown)`` [kg/s].

    Notes
    -----
    The secondary air takes all of ``Q`` as latent heat at constant dry bulb, so the water
    evaporated is ``Q / h_g(T_sec)`` (= latent heat ``Q_lat`` divided by ``h_fg``, as EnergyPlus
    computes it); ``blowdown = evaporation / (CoC - 1) - drift``, not negative.  Source:
    EnergyPlus Engineering Reference, IEC research special "Water Consumption".
    """
    if mode != MODE_WET or q_w <= 0.0:
        return 0.0, 0.0, 0.0
    evap = q_w / vapour_enthalpy(t_secondary_db)
    drift = drift_fraction * evap
    blow = evap / (cycles_of_concentration - 1.0) - drift
    if blow < 0.0:
        blow = 0.0
    return evap, drift, blow


@jit
def iec_fan_pump_power_w(mode, secondary_flow_fraction, fan_design_w, pump_design_w,
                         fan_modifier, pump_modifier):
    """Secondary fan plus spray/recirculation pump electric power. [W]

    ``P = P_fan,design f_fan(ff) + P_pump,design f_pump(ff)`` (pump in wet mode only), with
    ``ff = m_sec / m_sec,design``; no power when ``ff <= 0`` or the cooler is off.  Source:
    EnergyPlus ``IndEvapCoolerPower`` / Engineering Reference "Secondary Air Flow Fraction".
    """
    if mode == MODE_OFF or secondary_flow_fraction <= 0.0:
        return 0.0
    power = fan_design_w * cubic_curve(fan_modifier, secondary_flow_fraction)
    if mode == MODE_WET:
        power += pump_design_w * cubic_curve(pump_modifier, secondary_flow_fraction)
    return power


@jit
def iec_secondary_fraction_for_setpoint(mode, t_setpoint, t_primary_in, w_primary,
                                        t_secondary_db, t_secondary_wb, t_secondary_dew,
                                        w_secondary, m_primary, m_secondary_design,
                                        eff_wb_design, eff_db_design, wb_modifier, db_modifier,
                                        dew_point_factor):
    """Secondary flow fraction that just meets a primary outlet set point (modulated mode).

    Regula falsi with the Illinois modification, as EnergyPlus solves the same residual
    ``T_out(ff) - T_setpoint`` on ``ff`` in [0, 1], to 1e-9 K or a bracket of 2e-10; the
    returned ``ff`` is the bracket end that meets the set point.  Returns ``(ff, t_out)``;
    ``ff = 1`` when even full flow cannot reach the set point, ``ff = 0`` when no cooling is needed.

    First estimate: the flow at which the effectiveness equation alone meets the set point,
    ``eff_design f(FR) (T_in - T_sec) = T_in - T_setpoint`` (:func:`cubic_curve_inverse`), raised
    by 1e-12 relative so that it lies on the set point's side.  Where neither the dew-point
    bound nor the dry-mode secondary limit is in force there, it meets the set point to within
    1e-9 K and is returned after one evaluation; otherwise it narrows the bracket.  The
    Illinois steps usually need 10-13 evaluations: ``T_out`` jumps at ``ff = 0`` (the curve is
    held at ``x_min`` below it) and is flat where a bound holds.
    """
    if m_primary <= 0.0 or t_setpoint >= t_primary_in:
        return 0.0, t_primary_in
    t_full, _, _ = iec_outlet_temperature(mode, t_primary_in, w_primary, t_secondary_db,
                                          t_secondary_wb, t_secondary_dew, w_secondary,
                                          m_secondary_design / m_primary, eff_wb_design,
                                          eff_db_design, wb_modifier, db_modifier,
                                          dew_point_factor)
    if t_full >= t_setpoint:
        return 1.0, t_full
    lo, g_lo = 0.0, t_primary_in - t_setpoint      # no secondary air: no cooling (> 0)
    hi, g_hi = 1.0, t_full - t_setpoint             # full flow meets the set point (<= 0)
    t_hi = t_full
    if mode == MODE_DRY:
        fr = cubic_curve_inverse(db_modifier, g_lo / (eff_db_design * (t_primary_in - t_secondary_db)))
    else:
        fr = cubic_curve_inverse(wb_modifier, g_lo / (eff_wb_design * (t_primary_in - t_secondary_wb)))
    guess = fr * (1.0 + 1e-12) * m_primary / m_secondary_design
    if 0.0 < guess < 1.0:
        t_guess, _, _ = iec_outlet_temperature(mode, t_primary_in, w_primary, t_secondary_db, t_secondary_wb,
                                               t_secondary_dew, w_secondary, guess * m_secondary_design / m_primary,
                                               eff_wb_design, eff_db_design, wb_modifier, db_modifier,
                                               dew_point_factor)
        if t_guess > t_setpoint:
            lo, g_lo = guess, t_guess - t_setpoint
        elif t_setpoint - t_guess < 1e-9:
            return guess, t_guess
        else:
            hi, g_hi, t_hi = guess, t_guess - t_setpoint, t_guess
    side = 0
    for _ in range(60):
        mid = hi - g_hi * (hi - lo) / (g_hi - g_lo)
        t_mid, _, _ = iec_outlet_temperature(mode, t_primary_in, w_primary, t_secondary_db,
                                             t_secondary_wb, t_secondary_dew, w_secondary,
                                             mid * m_secondary_design / m_primary, eff_wb_design,
                                             eff_db_design, wb_modifier, db_modifier,
                                             dew_point_factor)
        g_mid = t_mid - t_setpoint
        if g_mid <= 0.0:
            hi, g_hi, t_hi = mid, g_mid, t_mid
            if side == 1:
                g_lo *= 0.5  # Illinois: halve the residual of the end that stayed
            side = 1
        else:
            lo, g_lo = mid, g_mid
            if side == -1:
                g_hi *= 0.5
            side = -1
        if t_setpoint - t_hi < 1e-9 or hi - lo < 2e-10:
            break
    return hi, t_hi


def secondary_design_flow_m3s(primary_design_m3s: float, scaling_factor: float = 1.0) -> float:
    """EnergyPlus sizing of the secondary air flow on a main air loop. [m3/s]

    ``V_sec,design = V_sys,design * SecAirFlowScalingFactor`` (Engineering Reference, IEC
    sizing).  Plain Python helper for scenario assembly.
    """
    if primary_design_m3s <= 0.0 or not math.isfinite(primary_design_m3s):
        raise ValueError(f"primary design flow must be > 0 m3/s, got {primary_design_m3s}")
    return primary_design_m3s * scaling_factor
