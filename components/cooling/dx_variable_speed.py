"""Inverter (variable-speed) DX unit: speed levels, speed ratio and cycling below the lowest speed.

The EnergyPlus ``Coil:Cooling:DX:VariableSpeed`` model (Engineering Reference 25.2, "Variable
Speed Cooling Coil"; written here from its equations, not its code).  A unit has ``N`` speed
levels ``k = 1..N``, each with a reference capacity ``Q_k`` and a COP ``COP_k`` at the rating
point, an air flow and a sensible heat ratio; all speeds here share one capacity curve ``CapFT``
and one EIR curve ``EIRFT`` (biquadratics in the coil entering wet bulb ``T_wb`` and the outdoor
dry bulb ``T_odb``, :func:`components.cooling.chiller.curve_value`)::

    Q_k(T)  = Q_k CapFFF(m / m_k) CapFT(T_wb,c, T_odb)              capacity at speed k   [W]
    P_k(T)  = Q_k(T) EIRFFF(m / m_k) EIRFT(T_wb,c, T_odb) / COP_k    power at speed k      [W]

* load ``q`` at or below ``Q_1(T)``: the unit cycles at speed 1 with the part-load fraction
  ``PLF(PLR)`` (floored at ``PLF_min``): ``PLR = q / Q_1``, runtime ``RTF = min(1, PLR / PLF)``,
  ``P = P_1 RTF``;
* ``Q_{k-1}(T) < q <= Q_k(T)``: the speed ratio ``SR = (q - Q_{k-1}) / (Q_k - Q_{k-1})`` mixes
  the two neighbouring speeds, ``P = (1 - SR) P_{k-1} + SR P_k`` (no cycling loss);
* ``q > Q_N(T)``: the unit runs at speed ``N`` and the rest is unmet.

``T_wb,c`` is the wet bulb the capacity curve sees: on a wet coil the actual entering wet bulb;
on a dry coil the dry-out point (:mod:`components.cooling.dx_coil`) of the capacity the unit
delivers.  Between speeds that capacity equals the load, so the apparatus dew point follows in
closed form from ``h_ADP = h_in - q / (m (1 - CBF))``; at speed 1 it is the fixed point of the
single-speed coil.  The bypass factor at a speed is ``exp(-A0_k / m)`` with ``A0_k = -ln(CBF_k)
m_k`` from that speed's rated capacity, SHR and air flow; between speeds ``A0`` is interpolated
with the speed ratio.  ``EIRFT`` takes ``T_wb,c`` too: EnergyPlus 25.2 does so (its hourly output
in validation/energyplus, model ``dx_inverter``, matches to 0.2 % with it and is 1-3 % off with
the actual wet bulb).  Each speed's capacity and EIR can be multiplied by the air-flow-fraction
curves ``CapFFF_k`` and ``EIRFFF_k`` at the unit's air flow over that speed's rated flow, as
EnergyPlus 25.2 does (a constant-volume fan runs the low speeds at high flow fractions); a speed
with no rated flow given (0) runs at its rated flow (factors 1), like the single-speed sets.

Validity: the curve set's data and bounds (``components/data/chillers.toml``); 1-10 speeds with
capacities rising.  Units: W, kg/s (dry air), degC, kg/kg.
"""

import math

import numpy as np

from components._jit import jit
from components.cooling import chiller as chl
from components.cooling import dx_coil
from components.psychrometrics import enthalpy_moist_air, humidity_ratio_from_wet_bulb, saturation_humidity_ratio

MAX_SPEEDS = 10
CBF_MAX = 0.999        # EnergyPlus caps the bypass factor of a variable-speed coil here
#: index of the lowest speed, an int64: a literal 0 (or 1) would make Numba compile a Literal[int]
#: specialisation of :func:`_speed` for each next to the one for other speeds
_LOWEST = np.int64(0)
SPEED_RATIO_ITERATIONS = 6  # at most, fixed-point passes on SR (through the bypass factor); 2-3 reach 1e-7


@jit
def wet_bulb_at_capacity(t_in, w_in, t_wb, q_w, air_flow_kgs, cbf, pressure):
    """Wet bulb the curves see when the coil delivers ``q_w``. [degC]

    The actual entering wet bulb ``t_wb`` if the coil is wet (``W_ADP <= W_in``), else the wet
    bulb at the entering dry bulb and ``W = W_ADP``, the dry-out point, with
    ``h_ADP = h_in - q / (m (1 - CBF))``.  ``cbf < 0`` turns the adjustment off.  The ``T_ADP``
    solve starts from ``t_wb``, above it (``h_s(T_wb) ~ h_in > h_ADP``).
    """
    if cbf < 0.0 or q_w <= 0.0 or air_flow_kgs <= 0.0:
        return t_wb
    h_adp = enthalpy_moist_air(t_in, w_in) - q_w / (air_flow_kgs * (1.0 - cbf))
    w_adp = saturation_humidity_ratio(dx_coil.saturation_temperature_from_enthalpy(h_adp, pressure, t_wb), pressure)
    if w_adp <= w_in:
        return t_wb
    return _wet_bulb_above(t_in, w_adp, t_wb, pressure)


@jit
def _wet_bulb_above(t_in, w, t_wb_low, pressure):
    """Wet bulb at ``(t_in, w)`` for ``w`` above the humidity ratio whose wet bulb is ``t_wb_low``. [degC]

    Secant steps on ``W(t_in, t_wb)`` (closed form) from ``t_wb_low``, to 1e-7 relative in ``W``;
    the root lies between ``t_wb_low`` and ``t_in``.
    """
    x0, x1 = t_wb_low, t_wb_low + 1.0
    if x1 > t_in:
        x1 = t_in
    g0 = humidity_ratio_from_wet_bulb(t_in, x0, pressure) - w
    for _ in range(30):
        g1 = humidity_ratio_from_wet_bulb(t_in, x1, pressure) - w
        if abs(g1) <= 1e-7 * w or g1 == g0:
            break
        x0, x1, g0 = x1, x1 - g1 * (x1 - x0) / (g1 - g0), g1
        x1 = min(max(x1, t_wb_low), t_in)
    return x1


@jit
def _bypass(a0_kgs, air_flow_kgs):
    """Bypass factor ``exp(-A0 / m)`` capped at :data:`CBF_MAX`; -1 (dry-coil adjustment off) for A0 <= 0. [-]"""
    if a0_kgs <= 0.0:
        return -1.0
    return min(dx_coil.bypass_factor(a0_kgs, air_flow_kgs), CBF_MAX)


@jit
def flow_factors(fff, m_rated_kgs, air_flow_kgs):
    """``(CapFFF, EIRFFF)`` of a speed at ``air_flow / m_rated``, the ratio held in ``fff[6:8]``. [-]

    ``fff``: CapFFF quadratic (3), EIRFFF quadratic (3), the flow-fraction range (2), held as
    EnergyPlus holds a curve's input at its limits; :func:`flow_outside_data` says when.  A speed
    without a rated flow (``m_rated <= 0``) gets 1, 1.
    """
    if m_rated_kgs <= 0.0:
        return 1.0, 1.0
    ff = min(max(air_flow_kgs / m_rated_kgs, fff[6]), fff[7])
    return chl.quadratic(fff[0:3], ff), chl.quadratic(fff[3:6], ff)


@jit
def flow_outside_data(fff, m_rated_kgs, air_flow_kgs):
    """Whether a speed's flow fraction ``air_flow / m_rated`` lies outside its curves' range ``fff[6:8]``
    (where :func:`flow_factors` holds it at the edge).  With the reference unit's flows behind a
    constant-volume fan, speed 1 would run at 2.8 times its rated flow, held at 1.5."""
    if m_rated_kgs <= 0.0:
        return False
    ff = air_flow_kgs / m_rated_kgs
    return ff < fff[6] or ff > fff[7]


@jit
def _with_flow_status(status, fff, m_rated_kgs, air_flow_kgs, lo, hi):
    """``status`` (:func:`components.cooling.chiller.curve_status`), raised to extrapolated when a speed
    from ``lo`` to ``hi`` (0-based) runs its flow-fraction curves outside their data."""
    for k in range(lo, hi + 1):
        if flow_outside_data(fff, m_rated_kgs[k], air_flow_kgs):
            return max(status, chl.STATUS_EXTRAPOLATED)
    return status


@jit
def _speed(cap_ref_w, cop_ref, m_rated_kgs, fff, k, air_flow_kgs):
    """Speed ``k`` (0-based) at the unit's air flow: capacity and power at CapFT = EIRFT = 1. [W], [W]"""
    capfff, eirfff = flow_factors(fff, m_rated_kgs[k], air_flow_kgs)
    cap = cap_ref_w[k] * capfff
    return cap, cap * eirfff / cop_ref[k]


@jit
def _interval(cap_ref_w, cop_ref, m_rated_kgs, fff, n_speeds, x, air_flow_kgs):
    """Speeds around ``x`` [W at CapFT = 1]: ``(k, SR, power at CapFT = EIRFT = 1 [W])``.

    ``k`` (0-based, >= 1) is the upper speed, ``SR`` in [0, 1] (clipped at the top speed).
    """
    lo_cap, lo_pow = _speed(cap_ref_w, cop_ref, m_rated_kgs, fff, _LOWEST, air_flow_kgs)
    k = 1
    hi_cap, hi_pow = _speed(cap_ref_w, cop_ref, m_rated_kgs, fff, _LOWEST + 1, air_flow_kgs)
    while k < n_speeds - 1 and x > hi_cap:
        k += 1
        lo_cap, lo_pow = hi_cap, hi_pow
        hi_cap, hi_pow = _speed(cap_ref_w, cop_ref, m_rated_kgs, fff, k, air_flow_kgs)
    sr = min(max((x - lo_cap) / (hi_cap - lo_cap), 0.0), 1.0)
    return k, sr, (1.0 - sr) * lo_pow + sr * hi_pow


@jit
def unit_performance(curves, cap_ref_w, cop_ref, a0_kgs, m_rated_kgs, fff, n_speeds, plf, plf_min, q_w, t_in, w_in,
                     t_outdoor, air_flow_kgs, pressure):
    """Power of one inverter DX unit meeting ``q_w``, and where it runs.

    Parameters
    ----------
    curves : ndarray
        Curve set in the layout of :data:`components.cooling.chiller.CURVE_LAYOUT` (CapFT, EIRFT,
        data ranges and bounds; EIRFPLR is not used).
    cap_ref_w, cop_ref, a0_kgs, m_rated_kgs : ndarray
        Per speed, lowest first: capacity at CapFT = 1 and rated air flow [W], COP at EIRFT = 1
        [-], the coil's ``-ln(CBF_rated) m_rated`` [kg/s] (0: no dry-coil adjustment) and rated air
        flow [kg/s] (0: no flow-fraction curves).
    fff : ndarray
        Flow-fraction curves, see :func:`flow_factors`; each speed takes them at the unit's air flow
        over that speed's rated flow, as EnergyPlus 25.2 does. [-]
    n_speeds : int
        Speed levels used (2-10). [-]
    plf : ndarray
        Part-load fraction quadratic below speed 1, ``PLF(PLR)``; ``plf_min`` its floor. [-]
    q_w, t_in, w_in, t_outdoor, air_flow_kgs, pressure : float
        Coil load [W], entering dry bulb [degC] and humidity ratio [kg/kg], outdoor dry bulb
        [degC], coil air flow [kg/s], barometric pressure [Pa].

    Returns
    -------
    (power_w, q_met_w, speed, curve_status)
        Compressor and condenser-fan power [W]; the load met (``q`` or the top speed's capacity)
        [W]; the speed as ``k + SR`` between speeds ``k`` and ``k + 1`` (1-based; at speed 1 and
        below: the runtime fraction) [-]; and :func:`components.cooling.chiller.curve_status` of
        the curve inputs, extrapolated at least when a speed it runs holds its flow fraction at the
        edge of its data (:func:`flow_outside_data`).
    """
    if q_w <= 0.0:
        return 0.0, 0.0, 0.0, chl.STATUS_IN_DATA
    t_wb = dx_coil.entering_wet_bulb(t_in, w_in, pressure)
    cap1, pow1 = _speed(cap_ref_w, cop_ref, m_rated_kgs, fff, _LOWEST, air_flow_kgs)
    # the load at CapFT = 1 and the speed interval it falls in, with the capacity curve at the
    # load's dry-out point; SR enters through the interpolated bypass factor (a fixed point)
    x = q_w / chl.curve_value(curves[0:6], curves, t_wb, t_outdoor)
    k, sr, pow_k = _interval(cap_ref_w, cop_ref, m_rated_kgs, fff, n_speeds, x, air_flow_kgs)
    t_c = t_wb
    for _ in range(SPEED_RATIO_ITERATIONS):
        if a0_kgs[0] <= 0.0:
            break
        a0 = a0_kgs[k - 1] * (1.0 - sr) + a0_kgs[k] * sr
        t_c = wet_bulb_at_capacity(t_in, w_in, t_wb, q_w, air_flow_kgs, _bypass(a0, air_flow_kgs), pressure)
        x = q_w / chl.curve_value(curves[0:6], curves, t_c, t_outdoor)
        if x <= cap1:
            break
        k_new, sr_new, pow_k = _interval(cap_ref_w, cop_ref, m_rated_kgs, fff, n_speeds, x, air_flow_kgs)
        done = k_new == k and abs(sr_new - sr) < 1e-7
        k, sr = k_new, sr_new
        if done:
            break
    if x <= cap1:
        # speed 1, cycling: the single-speed coil's dry-out fixed point at its full capacity
        cbf1 = _bypass(a0_kgs[0], air_flow_kgs)
        if cbf1 >= 0.0:
            t_c = dx_coil.curve_wet_bulb(curves, cap1, t_in, w_in, t_outdoor, air_flow_kgs, cbf1, pressure, t_wb)
        capft = chl.curve_value(curves[0:6], curves, t_c, t_outdoor)
        plr = min(q_w / (cap1 * capft), 1.0)
        rtf = min(plr / max(chl.quadratic(plf, plr), plf_min), 1.0)
        eirft = chl.curve_value(curves[6:12], curves, t_c, t_outdoor)
        status = _with_flow_status(chl.curve_status(curves, t_c, t_outdoor), fff, m_rated_kgs, air_flow_kgs,
                                   _LOWEST, _LOWEST)
        return pow1 * capft * eirft * rtf, plr * cap1 * capft, rtf, status
    capft = chl.curve_value(curves[0:6], curves, t_c, t_outdoor)
    cap_top, _ = _speed(cap_ref_w, cop_ref, m_rated_kgs, fff, n_speeds - 1, air_flow_kgs)
    eirft = chl.curve_value(curves[6:12], curves, t_c, t_outdoor)
    status = _with_flow_status(chl.curve_status(curves, t_c, t_outdoor), fff, m_rated_kgs, air_flow_kgs, k - 1, k)
    return pow_k * capft * eirft, min(q_w, cap_top * capft), k + sr, status


@jit
def full_capacity_w(curves, cap_top_w, a0_top_kgs, m_rated_top_kgs, fff, t_in, w_in, t_outdoor, air_flow_kgs, pressure):
    """Capacity of one unit at its top speed (dry-out fixed point on a dry coil). [W]"""
    cap = cap_top_w * flow_factors(fff, m_rated_top_kgs, air_flow_kgs)[0]
    cbf = _bypass(a0_top_kgs, air_flow_kgs)
    t_c = dx_coil.entering_wet_bulb(t_in, w_in, pressure)
    if cbf >= 0.0:
        t_c = dx_coil.curve_wet_bulb(curves, cap, t_in, w_in, t_outdoor, air_flow_kgs, cbf, pressure, t_c)
    return cap * chl.curve_value(curves[0:6], curves, t_c, t_outdoor)


def speed_a0_kgs(capacity_w, air_flow_kgs, shr, pressure) -> float:
    """``-ln(CBF_rated) m_rated`` of one speed from its rated capacity, air flow and SHR. [kg/s]

    NaN when the rated leaving air would be supersaturated (:func:`dx_coil.rated_bypass_factor`).
    """
    cbf = dx_coil.rated_bypass_factor(capacity_w, air_flow_kgs, shr, pressure)
    return -math.log(cbf) * air_flow_kgs if 0.0 < cbf < 1.0 else math.nan
