"""The chilled-water plant: water- or air-cooled chillers, towers, economizer, storage, pumps.

Kernel pieces of :mod:`components.facility`.  Each writes its channels of ``o[:, i]`` (see
:mod:`components.layout`) and returns the unmet evaporator load [W].  The physics is in the
components it calls (:mod:`components.cooling`); the docstrings here say how they are put together.
Simplifications: identical chillers, pumps and tower cells, one cell and one condenser pump per
running chiller.
"""

from collections import namedtuple

import numpy as np

from components._jit import jit, jit_inlined
from components.cooling import chiller as chl
from components.cooling import cooling_tower as tower
from components.cooling import economizer as eco
from components.cooling import pumps
from components.cooling import thermal_storage as tes
from components.cooling import tower_water
from components.layout import BOUNDARY, DEFERRED, N_OUTPUT, OUTPUT, PARAM, PLANT_AIR_COOLED
from components.plant.channels import write_compressors, write_water

CP_WATER = tower.CP_WATER
# economizer operation of one solve, and the controls that choose it (PARAM.economizer_control,
# PARAM.economizer_tower)
ECONOMIZE_OFF = 0          # mechanical cooling only
ECONOMIZE_FLAT_OUT = 1     # economizer on, towers as cold as it can use (flat out if they cannot get there)
ECONOMIZE_SETPOINT = 2     # economizer on, towers at their mechanical-cooling set point
CONTROL_CHEAPEST = 0       # economize in whichever allowed mode costs least, or not at all
CONTROL_TEMPERATURE = 1    # economize whenever the tower water is cold enough
TOWER_FLAT_OUT = 0
TOWER_SETPOINT = 1
TOWER_EITHER = 2
# condenser-water temperature <-> chiller power <-> tower load; stops when the condenser water
# temperature changes by less than 5 mK (a chiller power change of ~1e-4), or when the geometric
# (Aitken) estimate of the error left, change**2 / (previous change - change), is below 5 mK: the
# iteration contracts by a factor of ~0.01, so a floating tower usually stops after 2 passes.
# A pass whose towers float with the load and set point of the pass before stops before solving
# them: started where they left the water, the solve would return that temperature (its residual
# there was evaluated, or predicted, within tolerance; 4,600 of 11,100 tower solves in Hohhot with
# the economizer, -7.5 % of its kernel time).
# Energy closure does not depend on it: every pass computes all flows from the same values.
_PLANT_ITERATIONS = 8
_PLANT_TOLERANCE_K = 0.005
#: One solve of the plant: W, degC, [-], kg/s, min as :mod:`components.layout` names the channels.
Solve = namedtuple("Solve", [
    "q_unmet", "p_ch", "q_evap_met", "t_cw", "n_on", "plr", "curve_state", "n_cells",
    "p_chwp", "p_cwp", "p_tower", "q_hx", "q_tower", "q_charge", "q_dis", "ride_through_min", "t_chws",
    "mode", "air_ratio", "p_condenser_fans", "tower_terms"])
# the plant channels (components.layout.PLANT_CHANNELS) of the other plant types: :func:`_write`
# zeroes them, so that with :func:`chilled_water_plant` writing every plant channel the step need
# not clear them first
_OTHER_PLANT_CHANNELS = (OUTPUT.p_iec_secondary, OUTPUT.q_iec, OUTPUT.iec_mode, OUTPUT.q_purchased_cooling,
                         OUTPUT.p_refrigerant_pumps, OUTPUT.q_pumped_refrigerant)
# first-pass guess of the leaving water of towers running flat out to economize: a typical
# approach to the wet bulb [K]
_FLAT_OUT_START_APPROACH_K = 4.0
# the economizer's coldest useful water lies this fraction of its distance from the return below
# the temperature at which the plate HX carries the whole load exactly, so that rounding never
# leaves a chiller to trim a remainder of 1e-16 of the load (1e-8 K at a 10 K distance)
_FREE_COOLING_MARGIN = 1e-9


@jit
def free_cooling_water_c(p, q_chw, t_chwr, c_min):
    """Warmest tower water at which the economizer carries all it may: ``q_chw``. [degC]

    ``q_chw`` is the chilled-water load, plus a chilled-water tank's valley charge where the
    economizer may charge it (:func:`_water_cooled_plant`; ``c_min`` then counts the charging flow).
    From the plate-HX duty of :func:`components.cooling.economizer.economizer_duty_w`,
    ``eps C_min (T_chw,return - T_cw) = Q_chw``: ``T_cw = T_chw,return - Q_chw / (eps C_min)``, and no
    warmer than the changeover (``T_chw,return - economizer_margin_k``).  Colder water buys
    nothing (the HX already carries the load), so towers economizing "flat out" hold this
    temperature, throttling their fans (or cycling them), as a free-cooling controller resetting
    the tower set point does; where they cannot reach it they do run flat out.  Without this bound
    (before 2026-12-06) towers ran their fans flat out in every free-cooling hour and, in Hohhot,
    cooled the condenser water to -14 degC in 2,514 hours of the year.
    Units: W, degC, W/K.
    """
    t_free = t_chwr - q_chw / (p[PARAM.economizer_effectiveness] * c_min) * (1.0 + _FREE_COOLING_MARGIN)
    changeover = t_chwr - p[PARAM.economizer_margin_k]
    return t_free if t_free < changeover else changeover


@jit_inlined
def _tower_cells(q_reject, setpoint, n_cells, h_air, pressure, rho_air, p, guess, terms):
    """Leaving water temperature, fan power and air ratio of ``n_cells`` sharing ``q_reject``, and
    the cells' set-point terms, with outdoor air of enthalpy ``h_air`` [J/kg], pressure
    ``pressure`` [Pa] and ``rho_air`` [kg dry air/m3] (:func:`tower.cell_air`).

    ``guess``: a leaving temperature to start a floating solve from; ``terms``: the set-point
    terms of an earlier solve with the same ``p`` (see :func:`tower.operate_from`).
    """
    if n_cells <= 0 or q_reject <= 0.0:
        return setpoint, 0.0, 0.0, terms
    air_flow, ntu = tower.cell_air(p[PARAM.tower_air_m3s], p[PARAM.tower_ua_per_m3], rho_air)
    t_out, fan_frac, air_ratio, terms = tower.operate_from(
        q_reject / n_cells, setpoint, h_air, pressure, p[PARAM.tower_water_flow_kgs],
        air_flow, ntu, p[PARAM.tower_variable_speed] > 0.5, guess, terms)
    return t_out, n_cells * fan_frac * p[PARAM.tower_fan_w], air_ratio, terms


@jit
def _mechanical_setpoint(p, t_wb):
    """Leaving-water set point of the towers in mechanical cooling at wet bulb ``t_wb``. [degC]

    Fixed, or with wet-bulb reset the wet bulb plus the reset approach within the reset limits.
    """
    if p[PARAM.cw_reset] > 0.5:
        return min(max(t_wb + p[PARAM.cw_reset_approach_k], p[PARAM.cw_reset_min_c]), p[PARAM.cw_reset_max_c])
    return p[PARAM.cw_setpoint_c]


@jit
def _chilled_water_loop(p, q_coil):
    """Chilled-water pumps and return temperature for a coil load. Returns ``(p_pumps, q_chw, m_chw, t_chwr)``.

    The pumps follow the chillers a load of this size needs (constant primary flow per chiller,
    or variable flow above the chillers' minimum evaporator flow); their power ends up in the
    water.  Units: W, W, kg/s, degC.
    """
    n_avail = int(p[PARAM.chillers_available])
    cap_ref = p[PARAM.chiller_cap_ref_w]
    m_chw_unit = cap_ref / (CP_WATER * p[PARAM.chw_design_dt_k])
    n_pumps = int(np.ceil(q_coil / (cap_ref * p[PARAM.stage_up_plr]))) if q_coil > 0.0 else 0
    if n_pumps > n_avail:
        n_pumps = n_avail
    if n_pumps < 1 and q_coil > 0.0:
        n_pumps = 1
    flow_ratio = 0.0
    if n_pumps > 0:
        flow_ratio = q_coil / (n_pumps * cap_ref * p[PARAM.stage_up_plr])
        if p[PARAM.chw_pump_variable] < 0.5:
            flow_ratio = 1.0
        elif flow_ratio < p[PARAM.chw_pump_min_flow]:
            flow_ratio = p[PARAM.chw_pump_min_flow]
        elif flow_ratio > 1.0:
            flow_ratio = 1.0
    p_chwp = n_pumps * pumps.pump_power_w(p[PARAM.chw_pump_w], flow_ratio,
                                          p[PARAM.chw_pump_variable] > 0.5,
                                          p[PARAM.chw_pump_exponent])
    q_chw = q_coil + p_chwp
    m_chw = n_pumps * m_chw_unit * flow_ratio
    t_chwr = p[PARAM.chw_supply_c] + (q_chw / (m_chw * CP_WATER) if m_chw > 0.0 else 0.0)
    return p_chwp, q_chw, m_chw, t_chwr


@jit
def _water_cooled_plant(p, curves, loop, t_wb, h_air, pressure, rho_air, period, tes_energy, t_db, economize, terms):
    """Chilled-water plant with towers (or air-cooled chillers), optional economizer and storage.

    Air-cooled chillers (``plant_type = PLANT_AIR_COOLED``) take the outdoor dry bulb ``t_db`` as
    their condenser temperature, have no towers or condenser pumps, and their condenser fans
    draw ``condenser_fan_w_per_w`` per W of available capacity while on (EnergyPlus
    ``Chiller:Electric:EIR`` "Condenser Fan Power Ratio"), scaled by the part-load ratio below
    the minimum part-load ratio as the compressor cycles; that heat goes outdoors with the
    condenser heat.  ``loop`` is the chilled-water loop of the coil load,
    :func:`_chilled_water_loop` (the same in every economizer mode, so solved once per step);
    ``rho_air`` the outdoor dry-air density [kg/m3], which sets the towers' air mass flow
    (:func:`components.cooling.cooling_tower.cell_air`); ``terms`` the towers' set-point terms of an earlier solve with the same ``p``
    (:func:`components.cooling.cooling_tower.setpoint_terms`, or ``NO_TERMS``), which the solve
    returns updated.  They save work; what they change is where the towers' solves start, so
    results move within those solves' tolerances only: a variable-speed fan starts from the last
    speed evaluated, and towers running flat out start floating from ``t_wb + terms[12]``, the
    approach of the last flat-out solve (kept there; the plant's own first pass still starts from
    :data:`_FLAT_OUT_START_APPROACH_K`, so which economizer solves :func:`_may_economize` skips does
    not depend on it).  Hour to hour that approach moves by hundredths of a kelvin: 2.1 -> 1.5
    evaluations of the floating residual a step over a year in Hohhot with the economizer (-9 %
    of its kernel time), channels within 3e-6 of their range of a start at the typical approach.

    With ``economize`` (:data:`ECONOMIZE_FLAT_OUT`: towers run for the coldest water the economizer
    can use, :func:`free_cooling_water_c`, flat out where they cannot reach it;
    :data:`ECONOMIZE_SETPOINT`: towers keep their mechanical-cooling set point) the economizer
    takes its share of the chilled-water load first; thermal storage discharges into the rest during peak
    hours (or is charged in valley hours, see :mod:`components.cooling.thermal_storage`), and the
    chillers meet what remains.  A chilled-water tank (``tes_economizer_charges``) is charged
    through the economizer as far as it can: its warm water, drawn at the return temperature
    ``T_chw,return`` at ``m_charge = Q_charge / (c_p (T_chw,return - T_chw,supply))``, passes the plate
    HX beside the load's flow, so the HX sees ``Q_chw + Q_charge`` with ``C_min`` of both flows, and
    carries the load first, then the charge; the chillers make only the charge it leaves.  Ice is
    made by the chillers only.  (Until 2026-12-06 the chillers charged every tank, also in hours
    when the economizer carried the whole load: 1,506 h a year in Hohhot with the chilled-water
    package, at condenser water held at 12.8 degC while the towers made 8 degC water.)
    Returns the solve as a :data:`Solve` (written to ``o[:, i]`` by :func:`_write`).
    """
    n_avail = int(p[PARAM.chillers_available])
    t_chws = p[PARAM.chw_supply_c]
    cap_ref = p[PARAM.chiller_cap_ref_w]
    p_chwp, q_chw, m_chw, t_chwr = loop

    q_hx = 0.0
    mode = eco.MODE_MECHANICAL
    n_cells = 0
    t_cw = p[PARAM.cw_setpoint_c]
    p_tower = 0.0
    air_ratio = 0.0
    n_on = 0
    plr = 0.0
    q_unmet = 0.0
    p_ch = 0.0
    curve_state = chl.STATUS_IN_DATA
    q_evap = q_chw
    q_charge = 0.0
    q_charge_ch = 0.0
    q_dis = 0.0
    charge_factor = 1.0
    setpoint = _mechanical_setpoint(p, t_wb)
    mechanical_setpoint = setpoint
    t_cw = setpoint
    flat_out_guess = np.nan
    m_hx = m_chw
    q_hx_demand = q_chw  # what the economizer may carry: the load, and a chilled-water tank's valley charge
    if economize and q_chw > 0.0 and p[PARAM.tes_economizer_charges] > 0.5:
        q_valley, _ = tes.tes_flows(period, tes_energy, p[PARAM.tes_capacity_j], p[PARAM.tes_charge_w],
                                    p[PARAM.tes_discharge_w], q_chw, p[PARAM.timestep_s])
        if q_valley > 0.0:
            # the tank's warm water, drawn at the return temperature, through the HX beside the load
            m_hx = m_chw + q_valley / (CP_WATER * (t_chwr - t_chws))
            q_hx_demand = q_chw + q_valley
    c_min = min(m_hx, p[PARAM.tower_water_flow_kgs] * n_avail) * CP_WATER
    flat_setpoint = np.nan
    if economize == ECONOMIZE_FLAT_OUT and q_chw > 0.0:
        # economizing towers make the coldest water the economizer can use (free_cooling_water_c),
        # flat out where they cannot reach it; start from a typical approach (the towers' solve
        # from the approach of the last flat-out solve, which terms[12] keeps)
        flat_setpoint = max(free_cooling_water_c(p, q_hx_demand, t_chwr, c_min), t_wb)
        setpoint = flat_setpoint
        t_cw = max(t_wb + _FLAT_OUT_START_APPROACH_K, flat_setpoint)
        if terms[12] > 0.0:
            flat_out_guess = t_wb + terms[12]
    air_cooled = p[PARAM.plant_type] == PLANT_AIR_COOLED
    if air_cooled:
        t_cw = t_db
    change_previous = -1.0  # no previous pass yet
    q_tower_last, n_cells_last, setpoint_last = np.nan, -1, np.nan  # the towers' inputs in the previous pass
    for _ in range(_PLANT_ITERATIONS):
        t_cw_previous = t_cw
        if economize and q_chw > 0.0:
            q_hx, mode = eco.economizer_duty_w(q_hx_demand, t_chwr, t_cw, c_min,
                                               p[PARAM.economizer_effectiveness],
                                               p[PARAM.economizer_margin_k])
            if mode == eco.MODE_MECHANICAL:
                setpoint = mechanical_setpoint
        q_hx_load = q_hx if q_hx < q_chw else q_chw  # the HX carries the load first, then the charge
        q_charge, q_dis = tes.tes_flows(period, tes_energy, p[PARAM.tes_capacity_j], p[PARAM.tes_charge_w],
                                        p[PARAM.tes_discharge_w], q_chw - q_hx_load, p[PARAM.timestep_s])
        q_charge_hx = q_hx - q_hx_load
        if q_charge_hx > q_charge or (mode == eco.MODE_FREE and q_hx_demand > q_chw):
            q_charge_hx = q_charge  # the HX carries all of the charge (not q_hx - q_chw's round-off, 1e-11 W)
        q_charge_ch = q_charge - q_charge_hx  # what the chillers make
        q_evap = q_chw - q_hx_load - q_dis
        cap, curve_state = chl.chiller_capacity_w(curves, cap_ref, t_chws, t_cw)
        spare = n_avail * cap - q_evap
        if q_charge_ch / p[PARAM.tes_capacity_factor] > spare:
            # charging never starves the load: it takes only spare chiller capacity
            q_charge_ch = max(spare, 0.0) * p[PARAM.tes_capacity_factor]
            q_charge = q_charge_hx + q_charge_ch
        n_on, plr, q_unmet = chl.stage_chillers(q_evap + q_charge_ch / p[PARAM.tes_capacity_factor], cap,
                                                n_avail, p[PARAM.stage_up_plr])
        charge_factor = tes.charging_power_factor(q_evap, q_charge_ch, p[PARAM.tes_capacity_factor],
                                                  p[PARAM.tes_cop_factor])
        p_ch = charge_factor * n_on * chl.chiller_power_w(curves, cap, p[PARAM.chiller_cop_ref], plr,
                                                          t_chws, t_cw)
        if air_cooled:
            break  # the condenser temperature is the outdoor air: nothing to iterate
        n_cells = n_on
        if mode != eco.MODE_MECHANICAL:
            n_cells = n_avail
        p_cwp = n_cells * p[PARAM.cw_pump_w]
        q_tower = q_evap - q_unmet + q_charge_ch + p_ch + q_hx + p_cwp
        if q_tower == q_tower_last and n_cells == n_cells_last and setpoint == setpoint_last and t_cw > setpoint:
            # the towers float with the load and set point of the previous pass: started from where
            # they left the water then, the solve would evaluate it once and return it
            break
        # the previous pass's temperature warm-starts a floating tower (the set point, i.e. no
        # guess, in the first pass of mechanical cooling)
        guess = t_cw_previous
        if flat_out_guess == flat_out_guess and setpoint == flat_setpoint:
            guess, flat_out_guess = flat_out_guess, np.nan  # first flat-out pass
        t_cw, p_tower, air_ratio, terms = _tower_cells(q_tower, setpoint, n_cells, h_air, pressure, rho_air, p, guess, terms)
        q_tower_last, n_cells_last, setpoint_last = q_tower, n_cells, setpoint
        change = abs(t_cw - t_cw_previous)
        if change < _PLANT_TOLERANCE_K or (change_previous > change and
                                           change * change / (change_previous - change) < _PLANT_TOLERANCE_K):
            break
        change_previous = change
    p_cwp = n_cells * p[PARAM.cw_pump_w]
    q_tower = q_evap - q_unmet + q_charge_ch + p_ch + q_hx + p_cwp
    p_condenser_fans = 0.0
    if air_cooled:
        p_condenser_fans = n_on * cap * p[PARAM.condenser_fan_w_per_w] * chl.run_time_fraction(curves, plr)
        q_tower = 0.0
    if economize == ECONOMIZE_FLAT_OUT and setpoint == flat_setpoint and t_cw > setpoint:
        terms = terms[:12] + (t_cw - t_wb,)  # the flat-out approach, the next step's start
    return Solve(q_unmet, p_ch, q_evap - q_unmet + q_charge_ch, t_cw, n_on, plr, curve_state, n_cells,
                 p_chwp, p_cwp, p_tower, q_hx, q_tower, q_charge, q_dis,
                 tes_energy / q_chw / 60.0 if q_chw > 0.0 else 0.0, t_chws, mode, air_ratio, p_condenser_fans, terms)


#: :func:`_water_cooled_plant` inlined into :func:`chilled_water_plant`'s mechanical solve, where the
#: mode is the constant ``ECONOMIZE_OFF`` and the economizer branches fold away: the same numbers,
#: 10 % faster on the default room and 2 % on the chilled-water package (benchmarks/ab_kernel.py,
#: 2026-12-06).  The economizer solves call the compiled form: inlining them too cost 2.5-4.4 s of
#: compilation for a further 3 %.
_solve_inlined = jit_inlined(_water_cooled_plant)


@jit
def _write(o, i, s):
    """Write the solve ``s`` (a :data:`Solve`) to ``o[:, i]``, and zeros to the plant channels of the
    other plant types; returns its unmet evaporator load [W].  The towers' water is
    :func:`_write_tower_water`'s."""
    for k in _OTHER_PLANT_CHANNELS:
        o[k, i] = 0.0
    o[OUTPUT.p_condenser_fans, i] = s.p_condenser_fans
    write_compressors(o, i, s.p_ch, s.q_evap_met, s.t_cw, s.n_on, s.plr, s.curve_state)
    o[OUTPUT.p_chw_pumps, i] = s.p_chwp
    o[OUTPUT.p_cw_pumps, i] = s.p_cwp
    o[OUTPUT.p_tower_fans, i] = s.p_tower
    o[OUTPUT.q_economizer, i] = s.q_hx
    o[OUTPUT.q_rejected_wet, i] = s.q_tower
    o[OUTPUT.q_tes_charge, i] = s.q_charge
    o[OUTPUT.q_tes_discharge, i] = s.q_dis
    o[OUTPUT.tes_ride_through_min, i] = s.ride_through_min
    o[OUTPUT.t_chw_supply, i] = s.t_chws
    o[OUTPUT.economizer_mode, i] = s.mode
    o[OUTPUT.tower_air_ratio, i] = s.air_ratio
    return s.q_unmet


@jit
def _write_tower_water(p, b, o, i, s):
    """Write the towers' water of the solve ``s`` (a :data:`Solve`) kept for step ``i``: its ``n_cells``
    cells at ``air_ratio`` of design air flow evaporate into air that leaves saturated
    (:func:`components.cooling.tower_water.saturated_exit_evaporation_kg_s`, its search started from
    the saturation points of the solve's tower terms), plus drift and blowdown.  Computed once a
    step, for the solve kept (not in each solve :func:`chilled_water_plant` compares).

    In a step-major block with :data:`components.layout.DEFERRED` rows (``o`` taller than
    :data:`components.layout.N_OUTPUT`) the inputs are written there instead and
    :func:`deferred_tower_water` computes the water after the block's last step: the same numbers.
    Nothing a step computes reads the water, and the block's water computations, independent of one
    another, overlap in the processor, where in the step its chain of dependent Newton steps held up
    the next step: in the bundled default's year the water took 0.64 of 2.35 ms computed in the
    step, and the year is 7-8 % faster with it deferred (``benchmarks/ab_kernel.py``, 2026-12-07,
    channels identical; measured before the saturation table of :mod:`components.saturation`)."""
    water_flow = s.n_cells * p[PARAM.tower_water_flow_kgs]
    if not (s.q_tower > 0.0 and water_flow > 0.0):
        write_water(o, i, 0.0, 0.0, 0.0)
        return
    air_flow = s.n_cells * s.air_ratio * p[PARAM.tower_air_m3s] * b[BOUNDARY.dry_air_density, i]
    temp_water_in = s.t_cw + s.q_tower / (water_flow * CP_WATER)
    if o.shape[0] > N_OUTPUT:
        d = N_OUTPUT
        o[d + DEFERRED.tower_water, i] = 1.0
        o[d + DEFERRED.tower_q_w, i] = s.q_tower
        o[d + DEFERRED.tower_air_flow, i] = air_flow
        o[d + DEFERRED.tower_water_in, i] = temp_water_in
        o[d + DEFERRED.tower_water_flow, i] = water_flow
        o[d + DEFERRED.terms_setpoint, i] = s.tower_terms[0]
        o[d + DEFERRED.terms_range, i] = s.tower_terms[1]
        o[d + DEFERRED.terms_pressure, i] = s.tower_terms[2]
        o[d + DEFERRED.terms_h_in, i] = s.tower_terms[4]
        o[d + DEFERRED.terms_c_s, i] = s.tower_terms[5]
        return
    _tower_water(p, b, o, i, s.q_tower, air_flow, temp_water_in, water_flow, s.tower_terms)


@jit_inlined
def _tower_water(p, b, o, i, q_w, air_flow, temp_water_in, water_flow, terms):
    """Write step ``i``'s tower water: evaporation into saturated leaving air, drift and blowdown. [kg/s]"""
    evaporation = tower_water.saturated_exit_evaporation_kg_s(
        q_w, air_flow, temp_water_in, b[BOUNDARY.temp_wet_bulb, i], b[BOUNDARY.h_air, i],
        b[BOUNDARY.humidity_ratio, i], b[BOUNDARY.pressure, i], terms)
    write_water(o, i, *tower_water.water_use_kg_s(evaporation, water_flow, p[PARAM.cycles_of_concentration],
                                            p[PARAM.drift_fraction]))


@jit_inlined
def deferred_tower_water(p, b, block, n):
    """The tower water :func:`_write_tower_water` deferred in the first ``n`` steps of a step-major
    ``block`` (with :data:`components.layout.DEFERRED` rows), ``b`` the block's boundary; written
    into the block's water channels, and the deferral cleared; nothing for a block without those rows
    (its steps computed the water at once). [kg/s]"""
    d = N_OUTPUT
    if block.shape[0] <= d:
        return
    for j in range(n):
        if block[d + DEFERRED.tower_water, j] != 0.0:
            block[d + DEFERRED.tower_water, j] = 0.0
            terms = (block[d + DEFERRED.terms_setpoint, j], block[d + DEFERRED.terms_range, j],
                     block[d + DEFERRED.terms_pressure, j], np.nan, block[d + DEFERRED.terms_h_in, j],
                     block[d + DEFERRED.terms_c_s, j]) + tower.NO_TERMS[6:]
            _tower_water(p, b, block, j, block[d + DEFERRED.tower_q_w, j], block[d + DEFERRED.tower_air_flow, j],
                         block[d + DEFERRED.tower_water_in, j], block[d + DEFERRED.tower_water_flow, j], terms)


@jit
def _plant_power(s):
    """Electric power of the chilled-water plant in the solve ``s`` (a :data:`Solve`). [W]"""
    return s.p_ch + s.p_chwp + s.p_cwp + s.p_tower


@jit
def _better(unmet, power, best_unmet, best_power):
    """Less unmet load first, then less electric power."""
    return unmet < best_unmet - 1e-9 or (unmet <= best_unmet + 1e-9 and power < best_power)


@jit
def _economizing_power_floor(p, p_chwp):
    """Least electric power [W] of a plant solve that ends economizing, as :func:`_plant_power` sums it.

    An economizing pass runs a condenser pump for every available chiller (the towers' cells all
    carry water); chillers and tower fans draw no less than nothing (chiller power is the
    capacity over COP times positive EIR curves, a tower fan a non-negative fraction of its
    design power), and the chilled-water pumps ``p_chwp`` [W] do not depend on the mode.
    Floating-point sums of non-negative terms only grow, so the bound holds as computed.
    """
    if p[PARAM.plant_type] == PLANT_AIR_COOLED:
        return p_chwp
    return 0.0 + p_chwp + int(p[PARAM.chillers_available]) * p[PARAM.cw_pump_w]


@jit
def _may_economize(p, economize, t_wb, t_db, t_chwr):
    """Whether :func:`_water_cooled_plant` in mode ``economize`` can end with the economizer on.

    The economizer runs in a pass only if that pass starts with condenser water no warmer than
    the chilled-water return minus the changeover margin
    (:func:`components.cooling.economizer.economizer_duty_w`).  The first
    pass starts at the outdoor dry bulb ``t_db`` for air-cooled chillers (their only pass), else
    at the set point, or for towers flat out at the wet bulb plus ``_FLAT_OUT_START_APPROACH_K`` (or
    at :func:`free_cooling_water_c` where that is warmer, which is never warmer than the changeover:
    so that start is too warm exactly when the wet bulb plus the approach is);
    every later pass starts where a tower left the water, which is never below its set point,
    and that is the mechanical set point in a pass that did not economize and in every pass of
    :data:`ECONOMIZE_SETPOINT`.  So if both the first pass's start and the mechanical set point
    are too warm, no pass economizes and the solve is mechanical cooling with ``q_economizer``
    0: skipping it changes nothing.  Temperatures in degC.
    """
    warmest = t_chwr - p[PARAM.economizer_margin_k]
    mechanical = _mechanical_setpoint(p, t_wb)
    if p[PARAM.plant_type] == PLANT_AIR_COOLED:
        return not t_db > warmest
    start = t_wb + _FLAT_OUT_START_APPROACH_K if economize == ECONOMIZE_FLAT_OUT else mechanical
    return not (start > warmest and mechanical > warmest)


@jit
def chilled_water_plant(p, curves, q_coil, b, tes_energy, o, i, terms):
    """The chilled-water plant in the mode its economizer control picks; writes ``o[:, i]``.

    Writes every plant channel (:data:`components.layout.PLANT_CHANNELS`, zero where the plant
    has no such equipment), ``t_chw_supply`` and ``t_condenser``.

    ``economizer_control``: :data:`CONTROL_CHEAPEST` solves the step mechanically and in each
    allowed economizer mode (``economizer_tower``: towers flat out, at their set point, or both)
    and keeps the one with less unmet load, then less electric power, as a plant controller that
    locks the economizer out when it does not pay would; so economizing never costs more than
    not economizing.  :data:`CONTROL_TEMPERATURE` economizes whenever the tower water is the
    changeover margin colder than the chilled-water return, whatever it costs (EnergyPlus's
    ``HeatExchanger:FluidToFluid`` availability; used for like-for-like comparisons).
    The step is solved mechanically first; the economizer solves that cannot change the choice
    are skipped (all of them under the cheapest control when mechanical cooling meets the load
    below :func:`_economizing_power_floor`; a mode that :func:`_may_economize` rules out), and
    only the chosen solve is written: the result is the same as solving and writing them all.
    ``terms``: the towers' set-point terms of an earlier step with the same ``p``
    (:func:`components.cooling.cooling_tower.setpoint_terms`, or ``NO_TERMS``).
    Returns the unmet evaporator load [W] and the set-point terms of its mechanical solve (the
    first solve of the next step, which reuses them when its towers hold the same set point at
    the same load and pressure), with the approach of its flat-out solve, if it ran one, in
    ``terms[12]`` (see :func:`_water_cooled_plant`).
    """
    loop = _chilled_water_loop(p, q_coil)
    t_wb, h_air, pressure = b[BOUNDARY.temp_wet_bulb, i], b[BOUNDARY.h_air, i], b[BOUNDARY.pressure, i]
    period, t_db, rho_air = b[BOUNDARY.tou_period, i], b[BOUNDARY.temp_air, i], b[BOUNDARY.dry_air_density, i]
    off = _solve_inlined(p, curves, loop, t_wb, h_air, pressure, rho_air, period, tes_energy, t_db, ECONOMIZE_OFF, terms)
    terms = off.tower_terms
    chosen = off
    p_chwp, _, _, t_chwr = loop
    cheapest = p[PARAM.economizer_control] == CONTROL_CHEAPEST
    power_off = _plant_power(off)
    # no tower can make water colder than the wet bulb; under the cheapest control, mechanical
    # cooling may meet the load for less than economizing can
    if (p[PARAM.economizer] > 0.5 and t_wb < t_chwr - p[PARAM.economizer_margin_k]
            and not (cheapest and off.q_unmet == 0.0 and power_off < _economizing_power_floor(p, p_chwp))):
        tower = int(p[PARAM.economizer_tower])
        first = ECONOMIZE_FLAT_OUT if tower == TOWER_FLAT_OUT or tower == TOWER_EITHER else ECONOMIZE_SETPOINT
        last = ECONOMIZE_SETPOINT if tower == TOWER_SETPOINT or tower == TOWER_EITHER else ECONOMIZE_FLAT_OUT
        best_unmet, best_power = np.inf, np.inf
        for mode in range(first, last + 1):
            if not _may_economize(p, mode, t_wb, t_db, t_chwr):
                continue  # the solve would end with the tower water too warm (see _may_economize)
            solve = _water_cooled_plant(p, curves, loop, t_wb, h_air, pressure, rho_air, period, tes_energy, t_db, mode, terms)
            if mode == ECONOMIZE_FLAT_OUT:
                terms = terms[:12] + solve.tower_terms[12:]  # keeps its approach (the rest is the mechanical solve's)
            if solve.q_hx <= 0.0:
                continue  # the tower water is too warm to economize in this mode
            if not cheapest:
                chosen = solve
                break
            power = _plant_power(solve)
            if _better(solve.q_unmet, power, best_unmet, best_power):
                chosen, best_unmet, best_power = solve, solve.q_unmet, power
        if cheapest and _better(off.q_unmet, power_off, best_unmet, best_power):
            chosen = off
    _write_tower_water(p, b, o, i, chosen)
    return _write(o, i, chosen), terms


@jit
def district_plant(p, q_coil, o, i):
    """Chilled water bought from a nearby plant (电厂直供冷): distribution pumps only.

    The purchased cooling is reported as ``q_purchased_cooling``; its electricity equivalent is
    a PUE-boundary choice made in the metrics, not metered power.  Returns 0 (no capacity limit).
    """
    p_pump = q_coil * p[PARAM.district_pump_w_per_w]
    o[OUTPUT.p_chw_pumps, i] = p_pump
    o[OUTPUT.q_purchased_cooling, i] = q_coil + p_pump
    o[OUTPUT.t_chw_supply, i] = p[PARAM.chw_supply_c]
    return 0.0
