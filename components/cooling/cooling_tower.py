"""Open counterflow cooling tower: effectiveness-NTU model with fan-speed control.

Model (Braun, Klein & Mitchell, "Effectiveness models for cooling towers and cooling coils",
ASHRAE Transactions 95(2), 1989): the air-side heat transfer is written with enthalpy as the
driving force, linearised through the saturation specific heat ``c_s``::

    c_s   = (h_sat(T_w,in) - h_sat(T_w,out)) / (T_w,in - T_w,out)
    m*    = m_a c_s / (m_w c_pw)
    NTU   = NTU_design * (m_a / m_a,design)**(-0.4)          (UA ~ m_a**0.6)
    eps   = (1 - exp(-NTU (1 - m*))) / (1 - m* exp(-NTU (1 - m*)))
    Q     = eps * m_a * (h_sat(T_w,in) - h_a,in)

``NTU_design`` is found from the design point (design wet bulb, approach, range and
water-to-air ratio) so the tower reproduces its design approach exactly.  The fan moves a fixed
volume of outdoor air, so the air's mass flow follows its density, and the cell's UA at a fan
speed does not (:func:`cell_air`): ``m_a,design = V rho`` and ``NTU_design = UA / (V rho)``, as
EnergyPlus's towers (``CoolingTower:SingleSpeed``, UA and design air volume flow; the air mass flow
is the volume times the outdoor air's density at every time step).  Through a year in Hohhot the
full-fan air flow moves from 39 kg/s at 35 degC to 47 kg/s at -5 degC for 40 m3/s.  The leaving water
temperature is controlled to a set point by the fan: a variable-speed fan finds the speed that
rejects the load (power ~ speed**3, affinity law); a single-speed fan cycles between free
convection and full speed (power ~ on-time).  If even full fan cannot reach the set point the
leaving temperature floats up until the load is rejected.

Validity: wet bulb -10 to 32 degC, water flow at design, air flow ratio 0.1-1.  The ``UA ~
m_a**0.6`` exponent is an assumption typical of counterflow fill data.  Free-convection air flow
is 10 % of design (the EnergyPlus CoolingTower:SingleSpeed default sizing factor).

Water use (evaporation into saturated leaving air, drift, blowdown): :mod:`components.cooling.tower_water`.
"""

import math

from components._jit import jit, jit_inlined
from components.hermite_table import hermite, hermite_table
from components.psychrometric_slopes import saturated_enthalpy_and_slope
from components.psychrometrics import saturated_enthalpy
from components.saturation import TRIPLE_POINT_C

CP_WATER = 4186.0      # J/(kg K)
FREE_CONVECTION = 0.1  # air flow fraction with the fan off (EnergyPlus default)
UA_AIRFLOW_EXPONENT = 0.6
_ROOT_ITERATIONS = 60  # cap on root-finder iterations; convergence usually takes 2-5
_ROOT_TOLERANCE = 1e-7  # relative heat residual of the fan-speed root (0.1 W in 1 MW)
# relative heat residual of a floating leaving temperature: the tower's heat rises ~10 % per K
# there, so 1e-6 is ~1e-5 K, 500 times finer than the plant's 5 mK condenser-water tolerance
_FLOATING_TOLERANCE = 1e-6
# a floating solve takes a Newton step without evaluating the heat there again when the residual
# it predicts after the step, f''/2 step**2 with f'' from the last two slopes, is below the
# tolerance with this margin
_CURVATURE_SAFETY = 4.0
#: :func:`setpoint_terms` of no inputs (matches none), no fan speed to start from and nothing kept
#: for the caller
NO_TERMS = (math.nan,) * 13
# a variable-speed fan's solve predicts the heat terms of its last speed for new air flow and
# saturation terms (:func:`_predicted_heat_terms`) while each moves the NTU or m* by less than this
# fraction; further off, the first-order prediction could send the first Newton step astray
_PREDICTION_RANGE = 0.05
# a fan-speed Newton step this small relative to the speed is taken without evaluating the heat
# there again: Newton's error after it is about (step / speed)**2 times the speed, 1e-8 of it
_STEP_TOLERANCE = 1e-4


@jit
def cell_air(volume_flow, ua_per_volume, dry_air_density):
    """Design air mass flow and design NTU of a cell at the outdoor air's density.

    A tower fan moves a volume, so at full speed a cell passes ``m_a,design = V rho`` of dry air, and
    its UA (enthalpy-based, in kg/s) at a speed does not depend on the density, so
    ``NTU_design = UA / (V rho)``, with ``ua_per_volume = UA / V = NTU_0 rho_0`` from the design point
    (NTU_0 at the design inlet air's density rho_0).  Source: EnergyPlus Engineering Reference 25.2,
    "Cooling Towers": the air mass flow is the design air volume flow times the density of the
    outdoor air (``PsyRhoAirFnPbTdbW``: dry air per volume, as ``dry_air_density``), the UA is the
    user's (``UFactorTimesAreaAndDesignWaterFlowRate``); the replica in
    ``validation/energyplus/ep_models.py``.  Validity: the fan law holds at any density; checked
    against the replica at 89-101 kPa and -10 to 38 degC (0.98-1.38 kg/m3; the 16 bundled sites'
    hours span 0.95-1.38 kg/m3), tests/test_tower_air.py.

    Parameters
    ----------
    volume_flow : float
        Design air volume flow of the cell [m3/s].
    ua_per_volume : float
        Its UA over that volume flow [kg/m3].
    dry_air_density : float
        Outdoor dry air per volume of moist air [kg/m3].

    Returns
    -------
    tuple
        ``(air_flow_design [kg/s], ntu_design [-])``.
    """
    return volume_flow * dry_air_density, ua_per_volume / dry_air_density


def _ntu_factor_value_and_slope(air_ratio, upper):
    """``(x**b, b x**(b-1))`` with ``b = UA_AIRFLOW_EXPONENT - 1`` at an air flow ratio ``x``, for
    :data:`_NTU_TABLE` (``upper``: unused, one branch). [-], [-]"""
    b = UA_AIRFLOW_EXPONENT - 1.0
    return air_ratio ** b, b * air_ratio ** (b - 1.0)


#: ``NTU / NTU_design = x**(UA_AIRFLOW_EXPONENT - 1)`` from free convection to full air flow at every
#: 1/1000 of the air flow ratio (:mod:`components.hermite_table`), within 1.5e-10 of the power law
#: (tests/test_tower_air.py); the variable-speed fans' solve evaluates it at each Newton step
_NTU_PER_UNIT = 1000.0
_NTU_TABLE = hermite_table(_ntu_factor_value_and_slope, FREE_CONVECTION, 1.0, _NTU_PER_UNIT)


@jit
def _ntu_factor(air_ratio):
    """``air_ratio**(UA_AIRFLOW_EXPONENT - 1)``: the tower's NTU over its design NTU at an air flow ratio;
    :data:`_NTU_TABLE` from free convection to 1, the power law elsewhere. [-]"""
    if FREE_CONVECTION <= air_ratio <= 1.0:
        return hermite(_NTU_TABLE, FREE_CONVECTION, _NTU_PER_UNIT, air_ratio)
    return air_ratio ** (UA_AIRFLOW_EXPONENT - 1.0)


@jit
def _effectiveness(ntu, m_star):
    if abs(1.0 - m_star) < 1e-9:
        return ntu / (1.0 + ntu)
    e = math.exp(-ntu * (1.0 - m_star))
    return (1.0 - e) / (1.0 - m_star * e)


@jit
def _effectiveness_and_slopes(ntu, m_star):
    """Effectiveness and its partial derivatives ``(eps, d eps/d NTU, d eps/d m*)``. [-]

    With ``e = exp(-NTU (1 - m*))`` and ``D = 1 - m* e``::

        eps = (1 - e) / D,  d eps / d NTU = (1 - m*)**2 e / D**2,
        d eps / d m* = e ((m* - 1) NTU + 1 - e) / D**2

    Within 1e-6 of ``m* = 1`` the closed forms are 0/0: ``eps = NTU / (1 + NTU)`` and both
    derivatives are NaN (callers then bisect).
    """
    if abs(1.0 - m_star) < 1e-6:
        return ntu / (1.0 + ntu), math.nan, math.nan
    e = math.exp(-ntu * (1.0 - m_star))
    d = 1.0 - m_star * e
    return ((1.0 - e) / d, (1.0 - m_star) ** 2 * e / (d * d),
            e * ((m_star - 1.0) * ntu + 1.0 - e) / (d * d))


@jit
def _saturation_terms(temp_water_in, temp_water_out, pressure):
    """Saturated-air enthalpy at the water inlet and the saturation specific heat ``c_s``."""
    h_in = saturated_enthalpy(temp_water_in, pressure)
    dt = temp_water_in - temp_water_out
    if dt > 0.05:
        c_s = (h_in - saturated_enthalpy(temp_water_out, pressure)) / dt
    else:
        c_s = (saturated_enthalpy(temp_water_in + 0.5, pressure)
               - saturated_enthalpy(temp_water_in - 0.5, pressure))
    return h_in, c_s


@jit
def _cell_effectiveness(air_ratio, c_s, water_flow, air_flow_design, ntu_design):
    """Effectiveness of a cell at an air flow ratio once ``c_s`` is known. [-]"""
    m_star = air_ratio * air_flow_design * c_s / (water_flow * CP_WATER)
    ntu = ntu_design if air_ratio == 1.0 else ntu_design * _ntu_factor(air_ratio)
    return _effectiveness(ntu, m_star)


@jit
def _heat(eps, air_ratio, h_in, h_air_in, air_flow_design):
    """Heat rejected at an air flow ratio with effectiveness ``eps``: ``eps m_a (h_s(T_w,in) - h_a,in)``. [W]"""
    q = eps * (air_ratio * air_flow_design) * (h_in - h_air_in)
    return q if q > 0.0 else 0.0


@jit
def _capacity(air_ratio, h_in, c_s, h_air_in, water_flow, air_flow_design, ntu_design):
    """Heat rejected at an air flow ratio once the saturation terms are known. [W]"""
    eps = _cell_effectiveness(air_ratio, c_s, water_flow, air_flow_design, ntu_design)
    return _heat(eps, air_ratio, h_in, h_air_in, air_flow_design)


@jit
def setpoint_terms(temp_setpoint, rng, pressure, water_flow, air_flow_design, ntu_design, previous):
    """What a cell holding ``temp_setpoint`` over a range ``rng`` needs besides the outdoor air's enthalpy.

    Returns ``(temp_setpoint, rng, pressure, air_flow_design, h_in, c_s, eps_full, eps_free, speed,
    eps, G, P, kept)``: the inputs, the :func:`_saturation_terms` of water entering at ``temp_setpoint +
    rng`` and leaving at ``temp_setpoint``, the cell's effectiveness at full fan and in free
    convection, the last fan speed a variable-speed solve evaluated with its :func:`_heat_terms`
    (a starting point, see :func:`_fan_speed_for_load`; the speed is carried from ``previous``,
    its heat terms only while ``c_s`` and the air flow are the same: :func:`operate_from` predicts
    them for others, :func:`_predicted_heat_terms`), and a number the caller keeps
    with the terms, carried from ``previous`` (the chilled-water plant's flat-out approach,
    :func:`components.plant.chilled_water._water_cooled_plant`).  None depends on the outdoor air's
    enthalpy, so ``previous`` (such a tuple for the same water flow, volume flow and UA, or
    :data:`NO_TERMS`) is returned as it is when its inputs are the same numbers, and its saturation
    terms are reused when only the air flow (the outdoor air's density, :func:`cell_air`) differs: a
    plant whose towers hold their set point at a steady load under a steady barometer (the bundled
    default's, 96 % of its hours) evaluates the saturation curve once, not at every step.  A signed
    zero set point changes none of the terms.  Units: degC, K, Pa, kg/s, J/kg, J/(kg K), [-].
    """
    if temp_setpoint == previous[0] and rng == previous[1] and pressure == previous[2]:
        if air_flow_design == previous[3]:
            return previous
        h_in, c_s = previous[4], previous[5]
    else:
        h_in, c_s = _saturation_terms(temp_setpoint + rng, temp_setpoint, pressure)
    return (temp_setpoint, rng, pressure, air_flow_design, h_in, c_s,
            _cell_effectiveness(1.0, c_s, water_flow, air_flow_design, ntu_design),
            _cell_effectiveness(FREE_CONVECTION, c_s, water_flow, air_flow_design, ntu_design), previous[8],
            math.nan, math.nan, math.nan, previous[12])


@jit
def _predicted_heat_terms(eps, g, p_term, air_flow_was, c_s_was, air_flow_design, c_s):
    """The :func:`_heat_terms` ``(eps, G)`` at the speed the set-point terms carry, predicted for a new
    design air flow and ``c_s`` from the terms ``eps, g, p_term`` evaluated there at ``air_flow_was`` and
    ``c_s_was``, with NaN in place of ``P`` (predicted, not evaluated); all NaN when those are not
    evaluated terms (``p_term`` NaN) or either ratio moves by :data:`_PREDICTION_RANGE` or more.

    ``NTU ~ 1 / m_a,d`` (:func:`cell_air`: the UA holds) and ``m* ~ m_a,d c_s``, so to first order::

        eps' = eps + P (m_a,d / m_a,d' - 1) + Q (m_a,d' c_s' / (m_a,d c_s) - 1),    Q = G - eps - b P

    with ``P = NTU d eps/d NTU`` and ``Q = m* d eps/d m*`` at that speed; ``G`` is kept (its change moves
    the first Newton step by the same order).  Hour to hour the outdoor air's density moves the air flow
    by tenths of a percent: over a year in Guangzhou and in Hohhot (variable-speed towers, economizer,
    2026-12-07) the predicted ``eps`` was within 3e-7 and 2e-6 of the evaluated one at the median,
    3e-5 at the 99th percentile, 1.2e-4 at most; ``G`` within 0.2-0.3 % (2 % at most).  [-]
    """
    if not (eps == eps and p_term == p_term):
        return math.nan, math.nan, math.nan
    d_ntu = air_flow_was / air_flow_design - 1.0
    d_m = air_flow_design * c_s / (air_flow_was * c_s_was) - 1.0
    if not (abs(d_ntu) < _PREDICTION_RANGE and abs(d_m) < _PREDICTION_RANGE):
        return math.nan, math.nan, math.nan
    q_term = g - eps - (UA_AIRFLOW_EXPONENT - 1.0) * p_term
    return eps + p_term * d_ntu + q_term * d_m, g, math.nan


@jit
def _heat_terms(air_ratio, c_s, water_flow, air_flow_design, ntu_design):
    """The terms of the heat rejected at an air flow ratio ``x`` and of its slope that do not depend
    on the air's enthalpy or the load: ``(eps, G, P)``, ``P = NTU d eps/d NTU`` (for
    :func:`_predicted_heat_terms`). [-], [-], [-]

    With ``dh = h_s(T_w,in) - h_a,in``, ``m* = x k``, ``NTU = NTU_d x**b`` (``b = UA_AIRFLOW_EXPONENT
    - 1``) and the partial derivatives of :func:`_effectiveness_and_slopes`::

        Q = eps x m_a,d dh,    dQ/dx = m_a,d dh G,    G = eps + b NTU d eps/d NTU + m* d eps/d m*

    ``G`` is NaN where ``m*`` is within 1e-6 of 1 (the closed form is 0/0 there); the caller then
    bisects.
    """
    m_star = air_ratio * air_flow_design * c_s / (water_flow * CP_WATER)
    b = UA_AIRFLOW_EXPONENT - 1.0
    ntu = ntu_design if air_ratio == 1.0 else ntu_design * _ntu_factor(air_ratio)
    eps, d_ntu, d_m = _effectiveness_and_slopes(ntu, m_star)
    return eps, eps + b * ntu * d_ntu + m_star * d_m, ntu * d_ntu


@jit
def _fan_speed_for_load(q_w, q_free, q_full, h_in, c_s, h_air_in, water_flow, air_flow_design,
                        ntu_design, start):
    """Air flow ratio at which one cell rejects ``q_w``, given ``q_free < q_w <= q_full``. [-]

    Newton's method on ``Q(x) - q_w`` with the analytic slope of :func:`_heat_terms`,
    kept inside the bracket ``[FREE_CONVECTION, 1]`` (a step that leaves the bracket, or a NaN
    slope, bisects instead), to a relative heat residual of ``_ROOT_TOLERANCE``, or until a
    Newton step inside the bracket is below ``_STEP_TOLERANCE`` of the speed (that step is
    taken; the residual after it is about 1e-8 of the heat, below the tolerance).

    ``start = (x, eps, G, P)``: a speed to start from and the :func:`_heat_terms` there (NaN if not
    known).  The solve starts from ``x`` when that lies inside the bracket (hour to hour a
    tower's speed moves by 0.006 at the median, its linear interpolation between free convection
    and full speed is 0.1 off), else from that interpolation.  The heat terms depend on neither
    the air's enthalpy nor the load once ``c_s`` is given, so with them known (the last point a
    solve of the same cell and set-point terms evaluated, returned here as ``start`` for the next
    solve) the first Newton step costs no evaluation of the effectiveness.  Terms predicted for
    another air flow or ``c_s`` (:func:`_predicted_heat_terms`: ``P`` is NaN) give that first step
    too, but neither end the solve nor narrow the bracket: the solve goes on from where the step
    lands.  Over a year of the bundled default room with variable-speed drives and the economizer
    (2026-12-07), in Guangzhou and in Hohhot, the air flow moved with the air's density at nearly every step, so evaluated terms
    were hardly ever known: 2.5 evaluations of the effectiveness a mechanical-cooling solve in
    Guangzhou, 2.3 in Hohhot; from predicted terms 1.4 and 1.2.  Side by side
    (``benchmarks/ab_kernel.py``), the year with variable-speed drives 8-10 % faster, with the economizer
    too 6 %, the chilled-water package 6 % (Guangzhou), with AI control 2 %; channels within 5e-7 of
    their range, the bundled default (single-speed towers) unchanged.
    Returns ``(x, start)``: the speed and the last point evaluated with its heat terms.
    """
    a, c = FREE_CONVECTION, 1.0
    x, eps, g, p_term = start
    if not a < x < c:
        x = a + (c - a) * (q_w - q_free) / (q_full - q_free)
        eps = math.nan
    dh = h_in - h_air_in
    if eps == eps and p_term != p_term:  # predicted terms: one Newton step, then evaluate
        step = x - (eps * x * air_flow_design * dh - q_w) / (air_flow_design * dh * g) if g > 0.0 else math.nan
        if a < step < c:
            x = step
        eps = math.nan
    for _ in range(_ROOT_ITERATIONS):
        if eps != eps:
            eps, g, p_term = _heat_terms(x, c_s, water_flow, air_flow_design, ntu_design)
        start = (x, eps, g, p_term)
        f = eps * x * air_flow_design * dh - q_w
        slope = air_flow_design * dh * g
        eps = math.nan
        if abs(f) <= _ROOT_TOLERANCE * q_w:
            break
        if f < 0.0:
            a = x
        else:
            c = x
        step = x - f / slope if slope > 0.0 else math.nan
        if a < step < c and abs(step - x) <= _STEP_TOLERANCE * x:
            return step, start
        x = step if a < step < c else 0.5 * (a + c)
    return x, start


@jit
def heat_rejected_w(air_ratio, temp_water_in, temp_water_out, h_air_in, pressure,
                    water_flow, air_flow_design, ntu_design):
    """Heat one cell rejects at an air flow ratio and given water temperatures. [W]

    Parameters
    ----------
    air_ratio : float
        Air flow relative to design. [-]
    temp_water_in, temp_water_out : float
        Entering and leaving water temperatures (used for ``c_s``). [degC]
    h_air_in : float
        Enthalpy of entering outdoor air. [J/kg dry air]
    pressure : float
        Barometric pressure. [Pa]
    water_flow, air_flow_design : float
        Water mass flow and design air mass flow of the cell. [kg/s]
    ntu_design : float
        Number of transfer units at design air flow. [-]
    """
    h_in, c_s = _saturation_terms(temp_water_in, temp_water_out, pressure)
    return _capacity(air_ratio, h_in, c_s, h_air_in, water_flow, air_flow_design, ntu_design)


@jit
def design_ntu(temp_wb_design, approach, range_k, water_to_air, pressure):
    """NTU that reproduces a design approach and range at design air flow. [-]

    Closed-form inversion of the effectiveness relation.  Returns ``nan`` when the design
    is infeasible (effectiveness >= 1 for the given water-to-air ratio).
    """
    t_out = temp_wb_design + approach
    t_in = t_out + range_k
    h_air = saturated_enthalpy(temp_wb_design, pressure)  # air enthalpy ~ constant along a wet-bulb line
    h_in = saturated_enthalpy(t_in, pressure)
    c_s = (h_in - saturated_enthalpy(t_out, pressure)) / range_k
    m_water = 1.0
    m_air = m_water / water_to_air
    q = m_water * CP_WATER * range_k
    eps = q / (m_air * (h_in - h_air))
    m_star = m_air * c_s / (m_water * CP_WATER)
    if eps >= 1.0 or eps * m_star >= 1.0:
        return math.nan
    if abs(1.0 - m_star) < 1e-9:
        return eps / (1.0 - eps)
    return math.log((1.0 - eps * m_star) / (1.0 - eps)) / (1.0 - m_star)


@jit
def _floating_residual_and_slope(t_out, q_w, rng, h_air_in, pressure, water_flow, air_flow_design,
                                 ntu_design):
    """Heat rejected at full fan with leaving water at ``t_out``, minus the load, and its slope.

    ``f(T) = eps(NTU_d, m*(T)) m_a (h_s(T + R) - h_a,in) - q`` with ``c_s = (h_s(T + R) - h_s(T)) / R``
    and ``m* = m_a c_s / (m_w c_pw)`` (module docstring), so::

        df/dT = m_a [d eps/d m* (m_a / (m_w c_pw)) (h_s'(T + R) - h_s'(T)) / R (h_s(T + R) - h_a,in)
                     + eps h_s'(T + R)]

    with ``d eps / d m*`` from :func:`_effectiveness_and_slopes` and ``h_s'`` from
    :func:`components.psychrometric_slopes.saturated_enthalpy_and_slope`.  For a range ``R`` of 0.05 K
    or less (where :func:`_saturation_terms` switches to a centred ``c_s``) and within 1e-6 of
    ``m* = 1`` the slope is NaN and the caller bisects.  Returns ``(f, df/dT)``: [W], [W/K].
    """
    h_in, dh_in = saturated_enthalpy_and_slope(t_out + rng, pressure)
    h_out, dh_out = saturated_enthalpy_and_slope(t_out, pressure)
    if rng > 0.05:
        c_s = (h_in - h_out) / rng
        dc_s = (dh_in - dh_out) / rng
    else:
        c_s = (saturated_enthalpy(t_out + rng + 0.5, pressure)
               - saturated_enthalpy(t_out + rng - 0.5, pressure))
        dc_s = math.nan
    dh = h_in - h_air_in
    k = air_flow_design / (water_flow * CP_WATER)
    eps, _, d_m = _effectiveness_and_slopes(ntu_design, k * c_s)
    q = eps * air_flow_design * dh
    if q <= 0.0:
        return -q_w, math.nan
    return q - q_w, air_flow_design * (d_m * k * dc_s * dh + eps * dh_in)


@jit
def _floating_temperature(x, low, q_w, rng, h_air_in, pressure, water_flow, air_flow_design, ntu_design):
    """Leaving water temperature at which one cell at full fan rejects ``q_w``. [degC]

    Safeguarded Newton's method from ``x`` with the slope of :func:`_floating_residual_and_slope`,
    to a relative heat residual of ``_FLOATING_TOLERANCE``, evaluated, or predicted after a last
    Newton step: ``f''/2 step**2``, ``f''`` estimated from the slopes of the last two iterations,
    within the tolerance ``_CURVATURE_SAFETY`` times over (that step is taken without evaluating
    the heat there: 2.7 evaluations a solve instead of 3.6 over a year in Hohhot with the
    economizer).  ``low`` is a temperature known to reject too little (the set point); the root is
    kept bracketed above it: a step that leaves the bracket bisects, and while no upper bound is
    known the bracket doubles upwards.
    Returns NaN if ``x`` is not above ``low``, or if ``low`` rejects the load after all (below) or the
    bracket collapses onto it (the assumption that ``low`` rejects too little was wrong).

    The first Newton step that lands at or below ``low`` while no temperature above it has been
    found to reject too little evaluates ``low`` itself instead of bisecting: if ``low`` rejects the
    load after all (a warm start, :func:`operate_from`, whose set point turns out within reach) the
    solve returns NaN at once, and the caller solves from the set point's terms; else ``low``
    brackets the root from below and Newton's steps go on from it.  Until 2026-12-08 such a solve
    bisected down onto ``low``: over a year of the chilled-water package in Guangzhou, 86 warm
    starts of the economizing towers found their set point within reach after about 30 evaluations
    of the residual each, 2,616 of the year's 8,094; now 2 each.  The channels of that year, and of
    Hohhot's, are the same numbers, bit for bit; a start whose first step overshoots below ``low``
    may converge from ``low`` instead of from a bisection, within the tolerance.
    """
    a, c = low, math.inf
    if not x > a:
        return math.nan
    x_last, slope_last = math.nan, math.nan
    probe = True  # ``low`` itself may be evaluated, once
    for _ in range(_ROOT_ITERATIONS):
        f, slope = _floating_residual_and_slope(x, q_w, rng, h_air_in, pressure, water_flow,
                                                air_flow_design, ntu_design)
        if abs(f) <= _FLOATING_TOLERANCE * q_w:
            return x
        if f < 0.0:
            a = x
        elif x == low:
            return math.nan  # ``low`` itself rejects the load: within reach
        else:
            c = x
        step = x - f / slope if slope > 0.0 else math.nan
        if probe and a == low and step <= low:
            x, probe = low, False
            continue
        if a < step < c:
            # Newton's residual after the step is about f''/2 (step - x)**2, with f'' estimated
            # from the slopes here and at the point before (NaN in the first iteration), once the
            # steps shrink as Newton's do near a root, and not across the triple point, where
            # the saturation curve's slope jumps (ice below, water above)
            curvature = (abs(slope - slope_last) / abs(x - x_last)
                         if abs(step - x) <= 0.1 * abs(x - x_last) <= 0.05
                         and (x - TRIPLE_POINT_C) * (step - TRIPLE_POINT_C) > 0.0
                         and (x + rng - TRIPLE_POINT_C) * (step + rng - TRIPLE_POINT_C) > 0.0 else math.nan)
            if (_CURVATURE_SAFETY * 0.5 * curvature * (step - x) ** 2 <= _FLOATING_TOLERANCE * q_w
                    and step - low >= 1e-9):
                return step
            x_last, slope_last = x, slope
            x = step
        elif c < math.inf:
            x = 0.5 * (a + c)
        else:
            x = a + 2.0 * (a - low) + 1.0
        if x - low < 1e-9:
            return math.nan
    return x


@jit
def operate(q_w, temp_setpoint, h_air_in, pressure, water_flow, air_flow_design, ntu_design,
            variable_speed, temp_guess):
    """Run one cell to reject ``q_w`` with leaving water at ``temp_setpoint`` if it can.

    The fan speed is found by safeguarded Newton steps with the analytic slope (relative heat
    residual 1e-7), a floating leaving temperature by safeguarded Newton steps as well
    (:func:`_floating_temperature`, relative heat residual 1e-6, about 1e-5 K).
    ``temp_guess`` [degC] above the set point (e.g. the floating temperature of the previous
    pass of a plant iteration) starts the floating solve there; NaN or a value at or below the
    set point means no guess.  The result does not depend on the guess beyond the tolerance.
    Returns ``(temp_water_out, fan_power_fraction, air_ratio)``: the leaving water temperature
    [degC], fan power as a fraction of design fan power [-], and the air flow ratio [-].
    """
    return operate_from(q_w, temp_setpoint, h_air_in, pressure, water_flow, air_flow_design, ntu_design,
                        variable_speed, temp_guess, NO_TERMS)[:3]


@jit_inlined
def operate_from(q_w, temp_setpoint, h_air_in, pressure, water_flow, air_flow_design, ntu_design,
                 variable_speed, temp_guess, previous):
    """:func:`operate` given the :func:`setpoint_terms` of an earlier call of the same cell (water
    flow, air volume flow and UA; or :data:`NO_TERMS`); returns its result and the set-point terms
    of this call (``previous`` if it needed none).  The set-point terms are the same numbers
    whatever ``previous`` holds; a variable-speed fan's solve starts from the speed ``previous``
    carries, so its speed depends on it within the solve's tolerance (relative heat residual
    1e-7), and the terms returned carry the last speed it evaluated (:func:`_fan_speed_for_load`).
    Where the set-point terms are new (another air flow or ``c_s``), the solve starts from the heat
    terms of ``previous`` predicted for them (:func:`_predicted_heat_terms`).

    Inlined into its callers (:func:`components._jit.jit_inlined`): a compiled call passes the
    terms (13 numbers since 2026-12-07) in and out through memory, and each float more in the
    terms cost the default room about 1.6 % of its year (2026-12-06, side by side); inlined, the
    default room is within 2 % of the 8-number terms of before, and the first run no slower.
    """
    if q_w <= 0.0:
        return temp_setpoint, 0.0, 0.0, previous
    rng = q_w / (water_flow * CP_WATER)
    if temp_guess > temp_setpoint:
        # a warm start: the solve reports NaN if the set point turns out to be within reach
        x = _floating_temperature(temp_guess, temp_setpoint, q_w, rng, h_air_in, pressure, water_flow,
                                  air_flow_design, ntu_design)
        if x == x:
            return x, 1.0, 1.0, previous
    terms = setpoint_terms(temp_setpoint, rng, pressure, water_flow, air_flow_design, ntu_design, previous)
    h_in, c_s, eps_full, eps_free = terms[4:8]
    q_full = _heat(eps_full, 1.0, h_in, h_air_in, air_flow_design)
    if q_full >= q_w:
        q_free = _heat(eps_free, FREE_CONVECTION, h_in, h_air_in, air_flow_design)
        if q_free >= q_w:
            return temp_setpoint, 0.0, FREE_CONVECTION, terms
        if not variable_speed:
            on = (q_w - q_free) / (q_full - q_free)
            return temp_setpoint, on, FREE_CONVECTION + on * (1.0 - FREE_CONVECTION), terms
        start = terms[8:12]
        if start[1] != start[1] and previous[11] == previous[11]:  # the last solve's terms, for other air
            start = (start[0],) + _predicted_heat_terms(previous[9], previous[10], previous[11], previous[3],
                                                        previous[5], air_flow_design, c_s)
        x, start = _fan_speed_for_load(q_w, q_free, q_full, h_in, c_s, h_air_in, water_flow, air_flow_design,
                                       ntu_design, start)
        return temp_setpoint, x * x * x, x, terms[:8] + start + terms[12:]
    # Set point out of reach: the leaving temperature floats up at full fan.  First guess: one
    # Newton step with dQ/dT ~ eps m_a c_s (the saturation slope over the range at the set point).
    eps_reached = q_full / (air_flow_design * (h_in - h_air_in)) if h_in > h_air_in else 0.0
    step = (q_w - q_full) / (eps_reached * air_flow_design * c_s) if eps_reached > 0.0 else 4.0
    x = _floating_temperature(temp_setpoint + min(max(step, 0.01), 60.0), temp_setpoint, q_w, rng,
                              h_air_in, pressure, water_flow, air_flow_design, ntu_design)
    return x, 1.0, 1.0, terms
