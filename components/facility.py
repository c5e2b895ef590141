"""The whole facility at each time step: IT, air management, cooling plant and power chain.

:func:`run_span` integrates steps ``i0 .. i1-1`` of a year.  It is the only kernel the event
loop calls; everything it needs arrives in four flat arrays so that a call costs a few
microseconds:

- ``boundary[BOUNDARY.*, i]``: weather and utilisation at each step;
- ``params[PARAM.*]``: plant parameters and the current set points (the event loop changes
  set points and availabilities between spans);
- ``curves``: the chiller (or DX) curve set, laid out as :data:`components.cooling.chiller.CURVE_LAYOUT`;
- ``out[OUTPUT.*, i]``: every result channel, written in place;
- ``state[STATE.*]``: quantities carried from one step to the next (stored energies, state of
  health), updated in place so a later span continues where the previous one stopped.

Energy accounting (consumer frame, W).  The meters are computed by following the power
upstream from the IT boards (server PSUs, PDU, distribution, UPS/HVDC/10 kV conversion, storage,
LV bus, switchgear and wiring, transformers) in :func:`_power_chain`, whose docstring gives the
full meter identity; separately every watt is attributed to exactly one entry of
:data:`POWER_COMPONENTS`, and a test asserts that both agree at every step.  Heat: IT power, PDU
and distribution losses, the conversion-loss share that lands in conditioned rooms, lighting,
auxiliary loads and CRAH fan power are sensible heat in the white space (the liquid-cooled share
of IT heat goes to the liquid loop); chilled-water pump power ends up in the chilled water; the
condenser rejects evaporator load plus compressor power.  Switchgear, wiring, transformer and
generator-heater losses are rejected in ventilated electrical rooms, not to the cooling plant.

Simplifications (named in the README): steady state at each step (no thermal mass); one
aggregate room and rack; identical chillers, pumps and tower cells, one cell and one condenser
pump per running chiller; unmet cooling raises the supply air temperature for that step rather
than storing heat in the room.
"""

from enum import IntEnum

import numpy as np

from components._jit import jit, jit_alloc
from components.cooling import air_management as air
from components.cooling import chiller as chl
from components.cooling import cooling_tower as tower
from components.cooling import economizer as eco
from components.cooling import indirect_evaporative as iec
from components.cooling import pumped_refrigerant as pre
from components.cooling import pumps
from components.cooling import thermal_storage as tes
from components.cooling.liquid import dry_cooler
from components.it_equipment import fan_speed_ratio, server_power_w
from components.power.losses import quadratic_loss_w, transformer_loss_w
from components.power.distribution import conductor_loss_w
from components.power.hvdc import psu_input_w, psu_output_w
from components.power.modular_ups import eco_loss_w, system_loss_w
from components.power.mv_ups import mv_unit_loss_w
from components.psychrometrics import wet_bulb_from_humidity_ratio

PLANT_WATER_COOLED = 0
PLANT_DX = 1
PLANT_IEC = 2
PLANT_DISTRICT = 3
PLANT_AIR_COOLED = 4
LIQUID_DRY_COOLER = 0
LIQUID_CHILLERS = 1

BOUNDARY = IntEnum("BOUNDARY", [
    "temp_air",          # outdoor dry bulb [degC]
    "temp_wet_bulb",     # outdoor wet bulb [degC]
    "h_air",             # outdoor air enthalpy [J/kg dry air]
    "pressure",          # barometric pressure [Pa]
    "temp_dew",          # outdoor dew point [degC]
    "humidity_ratio",    # outdoor humidity ratio [kg/kg dry air]
    "tou_period",        # time-of-use period: 0 valley, 1 flat, 2 peak, 3 critical peak [-]
    "utilisation",       # IT utilisation before event scaling [-]
    "it_power_w",        # measured IT power replacing the server model when >= 0 (meter replay) [W]
], start=0)

PARAM = IntEnum("PARAM", [
    # IT equipment
    "it_peak_w", "idle_fraction", "fan_fraction", "fan_threshold_c", "fan_slope_per_k",
    "fan_speed_max", "server_delta_t_k", "load_scale",
    # air management and CRAH
    "supply_air_c", "recirculation_min", "bypass", "crah_units", "crah_unit_flow_kgs",
    "crah_unit_fan_w", "crah_unit_capacity_w", "crah_variable_speed", "crah_min_speed",
    "sensible_heat_ratio", "envelope_gain_w", "indoor_humidity_ratio",
    # power chain
    "pdu_rating_w", "pdu_no_load", "pdu_square_law",
    "ups_units", "ups_unit_rating_w", "ups_no_load", "ups_proportional", "ups_square_law",
    "ups_loss_to_room", "lighting_w", "auxiliary_w", "auxiliary_to_room",
    "switchgear_rating_w", "switchgear_square_law",
    "tx_units", "tx_rating_va", "tx_power_factor", "tx_no_load_w", "tx_load_loss_w",
    "generator_heater_w",
    # cooling plant
    "plant_type", "chw_supply_c", "chw_design_dt_k", "chillers_available", "chiller_cap_ref_w",
    "chiller_cop_ref", "stage_up_plr",
    "chw_pump_w", "chw_pump_variable", "chw_pump_exponent", "chw_pump_min_flow",
    "cw_pump_w",
    "cw_setpoint_c", "tower_water_flow_kgs", "tower_air_flow_kgs", "tower_ntu", "tower_fan_w",
    "tower_variable_speed", "cycles_of_concentration", "drift_fraction",
    "economizer", "economizer_effectiveness", "economizer_margin_k",
    "timestep_s", "hotspot_factor", "coil_approach_k",
    "cw_reset", "cw_reset_approach_k", "cw_reset_min_c", "cw_reset_max_c",
    "condenser_fan_w_per_w",       # air-cooled chiller condenser fans per W of available capacity [W/W]
    "pre_economizer",              # 1: DX units have a pumped-refrigerant economizer [-]
    "pre_design_w", "pre_design_dt_k", "pre_power_w_per_w",  # see components.cooling.pumped_refrigerant
    # liquid cooling
    "liquid_fraction", "liquid_supply_c", "liquid_range_k", "liquid_rejection",
    "liquid_pump_fraction", "dry_cooler_ua_w_per_k", "dry_cooler_fan_w",
    # indirect evaporative cooling (IEC) air handlers
    "iec_eff_wb", "iec_eff_db", "iec_secondary_kgs", "iec_fan_w", "iec_pump_w",
    "iec_dew_point_factor", "iec_mod_c0", "iec_mod_c1", "iec_mod_c2", "iec_mod_c3",
    "iec_mod_min", "iec_mod_max",
    # thermal storage and purchased (district / power-plant) cooling
    "tes_capacity_j", "tes_charge_w", "tes_discharge_w", "tes_loss_per_s",
    "tes_capacity_factor", "tes_cop_factor", "district_pump_w_per_w",
    # power chain and storage (issue 4; see _critical_path and _power_chain)
    "chain_kind",                  # CHAIN_LEGACY 0, CHAIN_MODULAR 1, CHAIN_HVDC 2, CHAIN_MV 3
    "chain_systems",               # independent systems sharing the critical load (2 = 2N) [-]
    "module_rating_w",             # rated output of one power / rectifier module [W]
    "modules_per_system",          # modules available per system (events lower it) [-]
    "modules_redundant",           # modules kept on line beyond the load's need [-]
    "module_target_load",          # load fraction per module that hibernation aims for [-]
    "module_hibernation",          # 1: modules sleep to follow the load [-]
    "module_no_load", "module_proportional", "module_square_law",  # module WP113 curve [-]
    "eco_mode", "eco_no_load", "eco_proportional",                 # ECO / bypass mode [-]
    "mv_tx_no_load", "mv_tx_square_law",   # 10 kV module transformer, fractions of unit rating [-]
    "distribution_rating_w",       # rating of the explicit critical distribution [W]
    "distribution_square_law",     # its I2R loss at rating, fraction (0 = lumped in switchgear) [-]
    "psu_capacity_w",              # installed server-PSU output capacity [W]
    "psu_convert",                 # 1: the installed PSUs differ from the reference the IT model describes
    "psu_dc_input", "psu_dc_loss_reduction",
    "psu_ref_points", "psu_ref_x0", "psu_ref_x1", "psu_ref_x2", "psu_ref_x3",
    "psu_ref_e0", "psu_ref_e1", "psu_ref_e2", "psu_ref_e3",
    "psu_new_points", "psu_new_x0", "psu_new_x1", "psu_new_x2", "psu_new_x3",
    "psu_new_e0", "psu_new_e1", "psu_new_e2", "psu_new_e3",
    "battery_float_w",             # battery float / BMS standby loss [W]
    "storage_charge_w",            # grid power drawn to charge the battery (set by events) [W]
    "storage_charge_efficiency",   # share of it stored [-]
    "storage_discharge_w",         # power taken from the cells (set by events) [W]
    "storage_discharge_efficiency",  # share of it delivered to the bus [-]
    "flywheel_standby_w",          # flywheel spinning loss [W]
    "supply_grid_fraction",        # share of the step supplied by the grid (outages lower it) [-]
    "supply_backup_fraction",      # share supplied by backup generation [-]
], start=0)

OUTPUT = IntEnum("OUTPUT", [
    "p_facility", "p_it", "p_it_fans", "p_pdu_loss", "p_ups_loss", "p_switchgear_loss",
    "p_transformer_loss", "p_lighting", "p_auxiliary", "p_generator_heaters", "p_crah_fans",
    "p_chillers", "p_chw_pumps", "p_cw_pumps", "p_tower_fans",
    "q_room_sensible", "q_latent", "q_coil", "q_economizer", "q_evaporator", "q_condenser",
    "q_rejected_wet", "q_rejected_dry", "q_unmet",
    "t_supply_air", "t_supply_air_setpoint", "t_rack_inlet", "t_return_air", "t_chw_supply", "t_condenser",
    "server_fan_speed", "recirculation", "economizer_mode", "chillers_on", "chiller_plr",
    "tower_air_ratio", "crah_flow_ratio",
    "t_rack_inlet_max", "p_iec_secondary", "p_liquid_pumps", "p_dry_cooler_fans",
    "q_liquid", "q_liquid_to_plant", "q_iec", "iec_mode", "q_tes_charge", "q_tes_discharge",
    "tes_energy", "tes_ride_through_min", "q_purchased_cooling",
    "water_evaporation", "water_drift", "water_blowdown", "curve_out_of_range", "utilisation",
    # power chain and storage (issue 4)
    "p_psu_loss", "p_distribution_loss", "p_battery_loss", "p_flywheel_loss",
    "p_storage_charge", "p_storage_discharge", "p_pv", "p_backup_generation", "p_not_supplied",
    "p_grid",
    # plant types of the existing stock (issue 14)
    "p_condenser_fans", "p_refrigerant_pumps", "q_pumped_refrigerant",
], start=0)

STATE = IntEnum("STATE", [
    "tes_energy_j",          # thermal storage: cold energy stored [J]
    "battery_energy_j",      # electrical storage: energy stored [J]
    "battery_health",        # electrical storage: state of health, capacity / rated [-]
], start=0)

N_OUTPUT = len(OUTPUT)

# Components that together draw the facility power (p_it_fans is part of p_it).
POWER_COMPONENTS = (
    "p_it", "p_pdu_loss", "p_ups_loss", "p_switchgear_loss", "p_transformer_loss",
    "p_lighting", "p_auxiliary", "p_generator_heaters", "p_crah_fans", "p_chillers",
    "p_chw_pumps", "p_cw_pumps", "p_tower_fans", "p_iec_secondary", "p_liquid_pumps",
    "p_dry_cooler_fans", "p_distribution_loss", "p_battery_loss", "p_flywheel_loss",
    "p_condenser_fans", "p_refrigerant_pumps",
)

CP_WATER = tower.CP_WATER
_CUBE_LAW = np.array([0.0, 0.0, 0.0, 1.0, 0.0, 1.0])  # fan power ~ flow fraction**3 (affinity law)
_LINEAR = iec.LINEAR_CURVE                              # spray pump power ~ flow fraction
_FIXED_POINT_ITERATIONS = 30
# condenser-water temperature <-> chiller power <-> tower load; stops when the condenser water
# temperature changes by less than 5 mK (a chiller power change of ~1e-4), or when the geometric
# (Aitken) estimate of the error left, change**2 / (previous change - change), is below 5 mK: the
# iteration contracts by a factor of ~0.01, so a floating tower usually stops after 2 passes.
# Energy closure does not depend on it: every pass computes all flows from the same values.
_PLANT_ITERATIONS = 8
_PLANT_TOLERANCE_K = 0.005


@jit
def _server(p, utilisation, speed, it_power_measured):
    """Server power and fan power; a measured IT power (>= 0) replaces the model's total."""
    p_it, p_fans = server_power_w(utilisation, speed, p[PARAM.it_peak_w], p[PARAM.idle_fraction],
                                  p[PARAM.fan_fraction])
    if it_power_measured >= 0.0:
        p_fans = min(p_fans, it_power_measured)
        p_it = it_power_measured
    return p_it, p_fans


@jit
def _air_side(p, utilisation, temp_supply, it_power_measured):
    """IT power, server fans and air management at a given supply-air temperature.

    Solves the coupling fan speed -> server airflow -> recirculation -> inlet temperature ->
    fan speed by fixed-point iteration (it contracts: the speed slope times the recirculation
    rise is well below one for physical inputs).  ``it_power_measured`` < 0 means "use the
    server model"; otherwise it is the metered IT power.
    Returns ``(p_it, p_fans, speed, m_server, m_crah, crah_ratio, r, t_inlet, dt_server)``.
    """
    cp = air.CP_AIR
    # servers move air for the heat that leaves them as air: the liquid-cooled share does not
    air_share = 1.0 - p[PARAM.liquid_fraction]
    m_server_nominal = air_share * p[PARAM.it_peak_w] / (cp * p[PARAM.server_delta_t_k])
    m_crah_max = p[PARAM.crah_units] * p[PARAM.crah_unit_flow_kgs]
    speed = 1.0
    p_it = 0.0
    p_fans = 0.0
    m_server = m_server_nominal
    m_crah = m_crah_max
    r = p[PARAM.recirculation_min]
    t_inlet = temp_supply
    dt_server = 0.0
    for _ in range(_FIXED_POINT_ITERATIONS):
        p_it, p_fans = _server(p, utilisation, speed, it_power_measured)
        m_server = m_server_nominal * speed
        dt_server = air_share * p_it / (m_server * cp) if m_server > 0.0 else 0.0
        if p[PARAM.crah_variable_speed] > 0.5:
            m_need = m_server * (1.0 - p[PARAM.recirculation_min]) / (1.0 - p[PARAM.bypass])
            m_min = p[PARAM.crah_min_speed] * m_crah_max
            m_crah = min(max(m_need, m_min), m_crah_max)
        r = air.recirculation_fraction(m_crah, m_server, p[PARAM.bypass], p[PARAM.recirculation_min])
        t_inlet = air.rack_inlet_temperature(temp_supply, r, dt_server)
        new_speed = fan_speed_ratio(t_inlet, p[PARAM.fan_threshold_c], p[PARAM.fan_slope_per_k],
                                    p[PARAM.fan_speed_max])
        if abs(new_speed - speed) < 1e-9:
            speed = new_speed
            break
        speed = new_speed
    p_it, p_fans = _server(p, utilisation, speed, it_power_measured)
    return p_it, p_fans, speed, m_server, m_crah, m_crah / m_crah_max, r, t_inlet, dt_server


@jit
def _tower_cells(q_reject, setpoint, n_cells, h_air, pressure, p, guess):
    """Leaving water temperature, fan power and air ratio of ``n_cells`` sharing ``q_reject``.

    ``guess``: a leaving temperature to start a floating solve from (see :func:`tower.operate`).
    """
    if n_cells <= 0 or q_reject <= 0.0:
        return setpoint, 0.0, 0.0
    t_out, fan_frac, air_ratio = tower.operate(
        q_reject / n_cells, setpoint, h_air, pressure, p[PARAM.tower_water_flow_kgs],
        p[PARAM.tower_air_flow_kgs], p[PARAM.tower_ntu], p[PARAM.tower_variable_speed] > 0.5, guess)
    return t_out, n_cells * fan_frac * p[PARAM.tower_fan_w], air_ratio


@jit
def _write_compressors(o, i, p_ch, q_evap_met, t_cond, n_on, plr, curve_status):
    """Channels every compressor plant writes: power, evaporator and condenser heat, staging.

    ``curve_status``: where the curve inputs lay (:func:`components.cooling.chiller.curve_status`).
    """
    o[OUTPUT.p_chillers, i] = p_ch
    o[OUTPUT.q_evaporator, i] = q_evap_met
    o[OUTPUT.q_condenser, i] = q_evap_met + p_ch
    o[OUTPUT.t_condenser, i] = t_cond
    o[OUTPUT.chillers_on, i] = n_on
    o[OUTPUT.chiller_plr, i] = plr
    o[OUTPUT.curve_out_of_range, i] = float(curve_status) if n_on > 0 else 0.0


@jit
def _write_water(o, i, evaporation, drift, blowdown):
    """Water-use channels of an evaporative plant (towers or IEC spray). [kg/s]"""
    o[OUTPUT.water_evaporation, i] = evaporation
    o[OUTPUT.water_drift, i] = drift
    o[OUTPUT.water_blowdown, i] = blowdown


@jit
def _water_cooled_plant(p, curves, q_coil, t_wb, h_air, pressure, period, tes_energy, t_db, economize, o, i):
    """Chilled-water plant with towers (or air-cooled chillers), optional economizer and storage; writes ``o[:, i]``.

    Air-cooled chillers (``plant_type = PLANT_AIR_COOLED``) take the outdoor dry bulb ``t_db`` as
    their condenser temperature, have no towers or condenser pumps, and their condenser fans
    draw ``condenser_fan_w_per_w`` per W of available capacity while on (EnergyPlus
    ``Chiller:Electric:EIR`` "Condenser Fan Power Ratio"), scaled by the part-load ratio below
    the minimum part-load ratio as the compressor cycles; that heat goes outdoors with the
    condenser heat.

    With ``economize`` the economizer takes its share of the chilled-water load first (towers
    run flat out for the coldest water); thermal storage discharges into the rest during peak
    hours (or is charged by the chillers in valley hours, see
    :mod:`components.cooling.thermal_storage`), and the chillers meet what remains.
    Returns the unmet evaporator load [W].
    """
    n_avail = int(p[PARAM.chillers_available])
    t_chws = p[PARAM.chw_supply_c]
    cap_ref = p[PARAM.chiller_cap_ref_w]
    m_chw_unit = cap_ref / (CP_WATER * p[PARAM.chw_design_dt_k])
    # pumps follow the chillers a load of this size needs (constant primary flow per chiller)
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
    t_chwr = t_chws + (q_chw / (m_chw * CP_WATER) if m_chw > 0.0 else 0.0)

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
    q_dis = 0.0
    charge_factor = 1.0
    setpoint = p[PARAM.cw_setpoint_c]
    if p[PARAM.cw_reset] > 0.5:
        # tower set point follows the wet bulb within its limits (wet-bulb reset control)
        setpoint = min(max(t_wb + p[PARAM.cw_reset_approach_k], p[PARAM.cw_reset_min_c]), p[PARAM.cw_reset_max_c])
    mechanical_setpoint = setpoint
    t_cw = setpoint
    if economize and q_chw > 0.0:
        # economizing towers run flat out for the coldest water; start from a typical approach
        setpoint = t_wb
        t_cw = t_wb + 4.0
    air_cooled = p[PARAM.plant_type] == PLANT_AIR_COOLED
    if air_cooled:
        t_cw = t_db
    change_previous = -1.0  # no previous pass yet
    for _ in range(_PLANT_ITERATIONS):
        t_cw_previous = t_cw
        if economize and q_chw > 0.0:
            c_min = min(m_chw, p[PARAM.tower_water_flow_kgs] * n_avail) * CP_WATER
            q_hx, mode = eco.economizer_duty_w(q_chw, t_chwr, t_cw, c_min,
                                               p[PARAM.economizer_effectiveness],
                                               p[PARAM.economizer_margin_k])
            if mode == eco.MODE_MECHANICAL:
                setpoint = mechanical_setpoint
        q_charge, q_dis = tes.tes_flows(period, tes_energy, p[PARAM.tes_capacity_j], p[PARAM.tes_charge_w],
                                        p[PARAM.tes_discharge_w], q_chw - q_hx, p[PARAM.timestep_s])
        q_evap = q_chw - q_hx - q_dis
        cap, curve_state = chl.chiller_capacity_w(curves, cap_ref, t_chws, t_cw)
        spare = n_avail * cap - q_evap
        if q_charge / p[PARAM.tes_capacity_factor] > spare:
            # charging never starves the load: it takes only spare chiller capacity
            q_charge = max(spare, 0.0) * p[PARAM.tes_capacity_factor]
        n_on, plr, q_unmet = chl.stage_chillers(q_evap + q_charge / p[PARAM.tes_capacity_factor], cap,
                                                n_avail, p[PARAM.stage_up_plr])
        charge_factor = tes.charging_power_factor(q_evap, q_charge, p[PARAM.tes_capacity_factor],
                                                  p[PARAM.tes_cop_factor])
        p_ch = charge_factor * n_on * chl.chiller_power_w(curves, cap, p[PARAM.chiller_cop_ref], plr,
                                                          t_chws, t_cw)
        if air_cooled:
            break  # the condenser temperature is the outdoor air: nothing to iterate
        n_cells = n_on
        if mode != eco.MODE_MECHANICAL:
            n_cells = n_avail
        p_cwp = n_cells * p[PARAM.cw_pump_w]
        q_tower = q_evap - q_unmet + q_charge + p_ch + q_hx + p_cwp
        # the previous pass's temperature warm-starts a floating tower (the set point, i.e. no
        # guess, in the first pass of mechanical cooling)
        t_cw, p_tower, air_ratio = _tower_cells(q_tower, setpoint, n_cells, h_air, pressure, p, t_cw_previous)
        change = abs(t_cw - t_cw_previous)
        if change < _PLANT_TOLERANCE_K or (change_previous > change and
                                           change * change / (change_previous - change) < _PLANT_TOLERANCE_K):
            break
        change_previous = change
    p_cwp = n_cells * p[PARAM.cw_pump_w]
    q_tower = q_evap - q_unmet + q_charge + p_ch + q_hx + p_cwp
    if air_cooled:
        o[OUTPUT.p_condenser_fans, i] = (n_on * cap * p[PARAM.condenser_fan_w_per_w]
                                         * chl.run_time_fraction(curves, plr))
        q_tower = 0.0
    evap, drift, blow = tower.water_use_kg_s(q_tower, n_cells * p[PARAM.tower_water_flow_kgs],
                                             p[PARAM.cycles_of_concentration],
                                             p[PARAM.drift_fraction])
    _write_compressors(o, i, p_ch, q_evap - q_unmet + q_charge, t_cw, n_on, plr, curve_state)
    _write_water(o, i, evap, drift, blow)
    o[OUTPUT.p_chw_pumps, i] = p_chwp
    o[OUTPUT.p_cw_pumps, i] = p_cwp
    o[OUTPUT.p_tower_fans, i] = p_tower
    o[OUTPUT.q_economizer, i] = q_hx
    o[OUTPUT.q_rejected_wet, i] = q_tower
    o[OUTPUT.q_tes_charge, i] = q_charge
    o[OUTPUT.q_tes_discharge, i] = q_dis
    o[OUTPUT.tes_ride_through_min, i] = tes_energy / q_chw / 60.0 if q_chw > 0.0 else 0.0
    o[OUTPUT.t_chw_supply, i] = t_chws
    o[OUTPUT.economizer_mode, i] = mode
    o[OUTPUT.tower_air_ratio, i] = air_ratio
    return q_unmet


@jit
def _plant_power(o, i):
    """Electric power of the chilled-water plant written at step ``i``. [W]"""
    return (o[OUTPUT.p_chillers, i] + o[OUTPUT.p_chw_pumps, i] + o[OUTPUT.p_cw_pumps, i]
            + o[OUTPUT.p_tower_fans, i])


@jit
def _chilled_water_plant(p, curves, q_coil, b, tes_energy, o, i):
    """The chilled-water plant in the cheaper of its economizer and mechanical modes; writes ``o[:, i]``.

    A plant with an economizer solves the step both ways and keeps the one with less unmet load,
    then less electric power, as a plant controller that locks the economizer out when it does
    not pay would.  So economizing never costs more than not economizing.  Returns the unmet
    evaporator load [W].
    """
    args = (p, curves, q_coil, b[BOUNDARY.temp_wet_bulb, i], b[BOUNDARY.h_air, i], b[BOUNDARY.pressure, i],
            b[BOUNDARY.tou_period, i], tes_energy, b[BOUNDARY.temp_air, i])
    if p[PARAM.economizer] < 0.5:
        return _water_cooled_plant(*args, False, o, i)
    unmet_eco = _water_cooled_plant(*args, True, o, i)
    if o[OUTPUT.q_economizer, i] <= 0.0:  # the tower water is too warm: the economizer is off
        return _water_cooled_plant(*args, False, o, i)
    power_eco = _plant_power(o, i)
    unmet_mech = _water_cooled_plant(*args, False, o, i)
    if unmet_mech < unmet_eco - 1e-9 or (unmet_mech <= unmet_eco + 1e-9 and _plant_power(o, i) < power_eco):
        return unmet_mech
    return _water_cooled_plant(*args, True, o, i)


@jit
def _dx_compressors(p, curves, q, t_wb_in, t_outdoor):
    """Staged DX compressors meeting ``q``. Returns ``(q_unmet, p_ch, n_on, plr, curve_state)`` [W]."""
    cap, curve_state = chl.chiller_capacity_w(curves, p[PARAM.chiller_cap_ref_w], t_wb_in, t_outdoor)
    n_on, plr, q_unmet = chl.stage_chillers(q, cap, int(p[PARAM.chillers_available]), p[PARAM.stage_up_plr])
    p_ch = n_on * chl.chiller_power_w(curves, cap, p[PARAM.chiller_cop_ref], plr, t_wb_in, t_outdoor)
    return q_unmet, p_ch, n_on, plr, curve_state


@jit
def _dx_plant(p, curves, q_coil, t_outdoor, t_return_air, pressure, o, i):
    """DX CRAC compressors with air-cooled condensers, optionally a pumped-refrigerant economizer.

    The curves take (coil entering wet bulb, outdoor dry bulb); condenser fans are inside the
    rated COP.  With the economizer (:mod:`components.cooling.pumped_refrigerant`) the pump
    circuits take what they can of the load and the compressors trim the rest, whenever that
    costs less than the compressors alone.  Writes ``o[:, i]``; returns the unmet load [W].
    """
    t_wb_in = wet_bulb_from_humidity_ratio(t_return_air, p[PARAM.indoor_humidity_ratio], pressure)
    q_unmet, p_ch, n_on, plr, curve_state = _dx_compressors(p, curves, q_coil, t_wb_in, t_outdoor)
    q_free = 0.0
    p_pump = 0.0
    if p[PARAM.pre_economizer] > 0.5 and q_coil > 0.0:
        q_try = min(q_coil, pre.free_capacity_w(p[PARAM.pre_design_w], t_return_air, t_outdoor,
                                                p[PARAM.pre_design_dt_k]))
        if q_try > 0.0:
            unmet_m, p_ch_m, n_m, plr_m, state_m = _dx_compressors(p, curves, q_coil - q_try, t_wb_in, t_outdoor)
            p_pump_m = q_try * p[PARAM.pre_power_w_per_w]
            if unmet_m <= q_unmet + 1e-9 and p_ch_m + p_pump_m < p_ch:
                q_unmet, p_ch, n_on, plr, curve_state = unmet_m, p_ch_m, n_m, plr_m, state_m
                q_free, p_pump = q_try, p_pump_m
    _write_compressors(o, i, p_ch, q_coil - q_free - q_unmet, t_outdoor, n_on, plr, curve_state)
    o[OUTPUT.q_pumped_refrigerant, i] = q_free
    o[OUTPUT.p_refrigerant_pumps, i] = p_pump
    return q_unmet


@jit
def _iec_write(p, curves, q_room, t_return, mode, ff, t_out, b, o, i):
    """Heat split, DX trim, fans, pumps and water of the IEC air handlers in ``mode``; writes ``o[:, i]``.

    ``t_out``: primary air leaving the IEC at secondary flow fraction ``ff``.  The IEC and trim
    shares of the room load are split in proportion to the primary-air temperature drops so that
    the heat balance closes exactly.  Returns the unmet load [W].
    """
    t_sa = p[PARAM.supply_air_c]
    w_room = p[PARAM.indoor_humidity_ratio]
    t_db = b[BOUNDARY.temp_air, i]
    drop = t_return - t_sa
    share = (t_return - t_out) / drop if drop > 0.0 else 1.0
    if share > 1.0:
        share = 1.0
    q_iec = q_room * share
    q_trim = q_room - q_iec
    n_on, plr, q_unmet, p_ch, curve_state = 0, 0.0, 0.0, 0.0, chl.STATUS_IN_DATA
    if q_trim > 0.0:
        t_wb_in = wet_bulb_from_humidity_ratio(t_out, w_room, b[BOUNDARY.pressure, i])
        cap, curve_state = chl.chiller_capacity_w(curves, p[PARAM.chiller_cap_ref_w], t_wb_in, t_db)
        n_on, plr, q_unmet = chl.stage_chillers(q_trim, cap, int(p[PARAM.chillers_available]),
                                                p[PARAM.stage_up_plr])
        p_ch = n_on * chl.chiller_power_w(curves, cap, p[PARAM.chiller_cop_ref], plr, t_wb_in, t_db)
    fan_pump = iec.iec_fan_pump_power_w(mode, ff, p[PARAM.iec_fan_w], p[PARAM.iec_pump_w],
                                        _CUBE_LAW, _LINEAR)
    evap, drift, blow = iec.iec_water_use_kg_s(mode, q_iec, t_db, p[PARAM.cycles_of_concentration],
                                               p[PARAM.drift_fraction])
    _write_compressors(o, i, p_ch, q_trim - q_unmet, t_db, n_on, plr, curve_state)
    _write_water(o, i, evap, drift, blow)
    o[OUTPUT.p_iec_secondary, i] = fan_pump
    o[OUTPUT.q_iec, i] = q_iec
    o[OUTPUT.iec_mode, i] = mode + (1 if q_trim > 0.0 and mode != iec.MODE_OFF else 0)
    o[OUTPUT.q_rejected_wet, i] = q_iec if mode == iec.MODE_WET else 0.0
    return q_unmet


@jit
def _iec_plant(p, curves, q_room, m_crah, t_return, b, o, i):
    """Indirect evaporative cooling air handlers with DX trim; writes ``o[:, i]``.

    The IEC cools the return air (primary) with outdoor air (secondary).  Mode: *dry* if the
    heat exchanger alone reaches the supply set point with some secondary flow, *wet* if it does
    with spray, otherwise *mixed*: wet at full secondary flow plus DX trim down to the set
    point.  The IEC is bypassed (DX only) when the outdoor air cannot cool the return air, and
    whenever its fans and pumps would cost more than the DX power they save, as a controller
    that locks the IEC out when it does not pay would: so it never heats the air and never costs
    energy.  Returns the unmet load [W].
    Simplification: the IEC neither adds nor removes moisture; room humidity control is not
    modelled for this plant.
    """
    t_sa = p[PARAM.supply_air_c]
    w_room = p[PARAM.indoor_humidity_ratio]
    mod = p[PARAM.iec_mod_c0:PARAM.iec_mod_max + 1]
    mode = iec.MODE_DRY
    ff, t_out = 0.0, t_return
    for mode in (iec.MODE_DRY, iec.MODE_WET):  # dry if it reaches the set point, else wet
        ff, t_out = iec.iec_secondary_fraction_for_setpoint(
            mode, t_sa, t_return, w_room, b[BOUNDARY.temp_air, i], b[BOUNDARY.temp_wet_bulb, i],
            b[BOUNDARY.temp_dew, i], b[BOUNDARY.humidity_ratio, i], m_crah, p[PARAM.iec_secondary_kgs],
            p[PARAM.iec_eff_wb], p[PARAM.iec_eff_db], mod, mod, p[PARAM.iec_dew_point_factor])
        if t_out <= t_sa + 1e-6:
            break
    if t_out >= t_return:
        return _iec_write(p, curves, q_room, t_return, iec.MODE_OFF, 0.0, t_return, b, o, i)
    unmet_iec = _iec_write(p, curves, q_room, t_return, mode, ff, t_out, b, o, i)
    power_iec = o[OUTPUT.p_chillers, i] + o[OUTPUT.p_iec_secondary, i]
    unmet_dx = _iec_write(p, curves, q_room, t_return, iec.MODE_OFF, 0.0, t_return, b, o, i)
    if unmet_dx <= unmet_iec + 1e-9 and o[OUTPUT.p_chillers, i] < power_iec:
        return unmet_dx
    return _iec_write(p, curves, q_room, t_return, mode, ff, t_out, b, o, i)


@jit
def _district_plant(p, q_coil, o, i):
    """Chilled water bought from a nearby plant (电厂直供冷): distribution pumps only.

    The purchased cooling is reported as ``q_purchased_cooling``; its electricity equivalent is
    a PUE-boundary choice made in the metrics, not metered power.  Returns 0 (no capacity limit).
    """
    p_pump = q_coil * p[PARAM.district_pump_w_per_w]
    o[OUTPUT.p_chw_pumps, i] = p_pump
    o[OUTPUT.q_purchased_cooling, i] = q_coil + p_pump
    o[OUTPUT.t_chw_supply, i] = p[PARAM.chw_supply_c]
    return 0.0


# critical-power architectures (PARAM.chain_kind); see components/power/ and twin/schema_power.py
CHAIN_LEGACY = 0    # tower double-conversion UPS units on the WP113 curve of [power]
CHAIN_MODULAR = 1   # modular AC UPS with module hibernation (optionally ECO mode)
CHAIN_HVDC = 2      # 240/336 V DC rectifier frames, no inverter, DC-input PSUs
CHAIN_MV = 3        # 10 kV AC-input power module ("Panama"): the IT path bypasses the LV transformers


@jit
def _psu_conversion(p, p_it_model):
    """IT input power with the installed server PSUs, and their loss. Returns ``(p_it, psu)`` [W].

    The server model's power is the input of the *reference* PSU fleet; the board power behind
    the PSUs (``P_out``, the "chips" of ITUE) stays the same when the PSUs change (class, or AC to
    DC input), and the new input is ``P_out / eta_new`` (:mod:`components.power.hvdc`).
    """
    cap = p[PARAM.psu_capacity_w]
    n_ref = int(p[PARAM.psu_ref_points])
    if cap <= 0.0 or n_ref < 1 or p_it_model <= 0.0:
        return p_it_model, 0.0
    ref_x = p[PARAM.psu_ref_x0:PARAM.psu_ref_x0 + n_ref]
    ref_e = p[PARAM.psu_ref_e0:PARAM.psu_ref_e0 + n_ref]
    out = psu_output_w(p_it_model, cap, ref_x, ref_e)
    if p[PARAM.psu_convert] < 0.5:
        return p_it_model, p_it_model - out
    n_new = int(p[PARAM.psu_new_points])
    p_in = psu_input_w(out, cap, p[PARAM.psu_new_x0:PARAM.psu_new_x0 + n_new],
                       p[PARAM.psu_new_e0:PARAM.psu_new_e0 + n_new], p[PARAM.psu_dc_input] > 0.5,
                       p[PARAM.psu_dc_loss_reduction])
    return p_in, p_in - out


@jit
def _conversion_loss(p, load_w):
    """Loss of the critical-power conversion stage (UPS, rectifiers or 10 kV module) at ``load_w``. [W]"""
    kind = p[PARAM.chain_kind]
    if kind == CHAIN_LEGACY:
        return quadratic_loss_w(load_w, p[PARAM.ups_unit_rating_w], p[PARAM.ups_units],
                                p[PARAM.ups_no_load], p[PARAM.ups_proportional], p[PARAM.ups_square_law])
    systems = p[PARAM.chain_systems]
    rating = p[PARAM.module_rating_w]
    if p[PARAM.eco_mode] > 0.5:
        return eco_loss_w(load_w, systems * p[PARAM.modules_per_system] * rating, p[PARAM.eco_no_load],
                          p[PARAM.eco_proportional])
    if kind == CHAIN_MV:
        return mv_unit_loss_w(load_w, systems, rating, p[PARAM.modules_per_system], p[PARAM.modules_redundant],
                              p[PARAM.module_target_load], p[PARAM.module_hibernation] > 0.5,
                              p[PARAM.mv_tx_no_load], p[PARAM.mv_tx_square_law], p[PARAM.module_no_load],
                              p[PARAM.module_proportional], p[PARAM.module_square_law])
    return system_loss_w(load_w, systems, rating, p[PARAM.modules_per_system], p[PARAM.modules_redundant],
                         p[PARAM.module_target_load], p[PARAM.module_hibernation] > 0.5,
                         p[PARAM.module_no_load], p[PARAM.module_proportional], p[PARAM.module_square_law])


@jit
def _critical_path(p, p_it_model):
    """Everything between the conversion stage input and the server boards.

    Returns ``(p_it, psu, pdu, distribution, conversion, battery, flywheel)`` [W]: the IT input
    power with the installed PSUs, the PSU loss (inside ``p_it``), the PDU loss, the explicit
    distribution (I2R) loss, the UPS / rectifier / 10 kV module loss at its output
    ``p_it + pdu + distribution``, the battery loss (float or BMS standby plus the charge and
    discharge inefficiencies of the flows the events set) and the flywheel spinning loss.
    """
    p_it, psu = _psu_conversion(p, p_it_model)
    pdu = quadratic_loss_w(p_it, p[PARAM.pdu_rating_w], 1.0, p[PARAM.pdu_no_load], 0.0,
                           p[PARAM.pdu_square_law])
    dist = conductor_loss_w(p_it + pdu, p[PARAM.distribution_rating_w], p[PARAM.distribution_square_law])
    conv = _conversion_loss(p, p_it + pdu + dist)
    battery = (p[PARAM.battery_float_w]
               + p[PARAM.storage_charge_w] * (1.0 - p[PARAM.storage_charge_efficiency])
               + p[PARAM.storage_discharge_w] * (1.0 - p[PARAM.storage_discharge_efficiency]))
    return p_it, psu, pdu, dist, conv, battery, p[PARAM.flywheel_standby_w]


@jit
def _power_chain(p, o, i):
    """Follow the power from the IT boards up to the meters; writes every power-chain channel.

    Reads the IT power of the server model and the mechanical powers already written for step
    ``i`` (``o[p_it]`` must hold the *model* IT power, as ``_step`` writes it just before the
    call) and replaces ``p_it``, ``p_pdu_loss`` and ``p_ups_loss`` by their values with the
    installed PSUs and conversion stage (:func:`_critical_path`).  Meter identity (consumer
    frame, W), checked at every step by ``tests/conftest.py::assert_energy_closes``::

        crit     = IT + PDU + distribution + conversion            (critical path, heat)
        storage  = float/BMS + flywheel + P_charge - eta_d P_discharge   (grid side of storage)
        LV bus   = crit + storage + mechanical + lighting + auxiliary + generator standby
                   (with a 10 kV module, CHAIN_MV: LV bus = mechanical + lighting + ...; the
                   module input crit + storage is metered at 10 kV beside the LV transformers)
        supply   = LV bus + switchgear/wiring + transformer (+ 10 kV module input)
        facility = supply - eta_c P_charge + P_discharge  =  sum of POWER_COMPONENTS
        supply   = grid + backup generation + not supplied (outage shares set by twin/events.py)

    and after the run on-site PV moves from ``p_grid`` to ``p_pv`` (``twin.events.finalise``), so
    ``p_grid + p_pv + p_backup_generation + p_not_supplied = p_facility + p_storage_charge -
    p_storage_discharge`` with ``p_storage_charge = eta_c P_charge`` (energy into the cells) and
    ``p_storage_discharge = P_discharge`` (energy out of them).  PUE uses ``p_facility``: the
    energy the site consumes, whatever supplies it (PV does not lower PUE).
    """
    p_model = o[OUTPUT.p_it, i]
    p_it, psu, pdu, dist, conv, battery, flywheel = _critical_path(p, p_model)
    if p_model > 0.0 and p_it != p_model:
        o[OUTPUT.p_it_fans, i] = o[OUTPUT.p_it_fans, i] * (p_it / p_model)
    p_charge = p[PARAM.storage_charge_w]
    p_discharge = p[PARAM.storage_discharge_w]
    crit = p_it + pdu + dist + conv
    storage = (p[PARAM.battery_float_w] + flywheel + p_charge
               - p[PARAM.storage_discharge_efficiency] * p_discharge)
    mech = (o[OUTPUT.p_crah_fans, i] + o[OUTPUT.p_chillers, i] + o[OUTPUT.p_chw_pumps, i]
            + o[OUTPUT.p_cw_pumps, i] + o[OUTPUT.p_tower_fans, i] + o[OUTPUT.p_iec_secondary, i]
            + o[OUTPUT.p_liquid_pumps, i] + o[OUTPUT.p_dry_cooler_fans, i]
            + o[OUTPUT.p_condenser_fans, i] + o[OUTPUT.p_refrigerant_pumps, i])
    mv_in = 0.0
    if p[PARAM.chain_kind] == CHAIN_MV:
        mv_in = crit + storage
        lv_bus = mech + p[PARAM.lighting_w] + p[PARAM.auxiliary_w] + p[PARAM.generator_heater_w]
    else:
        lv_bus = (crit + storage + mech + p[PARAM.lighting_w] + p[PARAM.auxiliary_w]
                  + p[PARAM.generator_heater_w])
    sw_loss = quadratic_loss_w(lv_bus, p[PARAM.switchgear_rating_w], 1.0, 0.0, 0.0,
                               p[PARAM.switchgear_square_law])
    tx_out = lv_bus + sw_loss
    tx_loss = transformer_loss_w(tx_out, p[PARAM.tx_units], p[PARAM.tx_rating_va],
                                 p[PARAM.tx_power_factor], p[PARAM.tx_no_load_w],
                                 p[PARAM.tx_load_loss_w])
    supply = tx_out + tx_loss + mv_in
    stored_in = p[PARAM.storage_charge_efficiency] * p_charge
    o[OUTPUT.p_it, i] = p_it
    o[OUTPUT.p_psu_loss, i] = psu
    o[OUTPUT.p_pdu_loss, i] = pdu
    o[OUTPUT.p_distribution_loss, i] = dist
    o[OUTPUT.p_ups_loss, i] = conv
    o[OUTPUT.p_battery_loss, i] = battery
    o[OUTPUT.p_flywheel_loss, i] = flywheel
    o[OUTPUT.p_lighting, i] = p[PARAM.lighting_w]
    o[OUTPUT.p_auxiliary, i] = p[PARAM.auxiliary_w]
    o[OUTPUT.p_generator_heaters, i] = p[PARAM.generator_heater_w]
    o[OUTPUT.p_switchgear_loss, i] = sw_loss
    o[OUTPUT.p_transformer_loss, i] = tx_loss
    o[OUTPUT.p_facility, i] = supply - stored_in + p_discharge
    o[OUTPUT.p_storage_charge, i] = stored_in
    o[OUTPUT.p_storage_discharge, i] = p_discharge
    grid = p[PARAM.supply_grid_fraction] * supply
    backup = p[PARAM.supply_backup_fraction] * supply
    o[OUTPUT.p_grid, i] = grid
    o[OUTPUT.p_backup_generation, i] = backup
    o[OUTPUT.p_not_supplied, i] = supply - grid - backup
    o[OUTPUT.p_pv, i] = 0.0


@jit
def _it_side_losses(p, p_it):
    """Heat of the critical power path, split the way ``_step`` books it. Returns ``(room, ups)`` [W].

    ``room`` is released in the white space: the change of IT input power when the installed
    PSUs differ from the reference (``p_it`` from :func:`_psu_conversion` minus the model's), the
    PDU loss and the explicit distribution loss.  ``ups`` is released in the UPS and battery
    rooms, a share ``ups_loss_to_room`` of it in conditioned space (the battery room is held at
    its set point by the plant, so its heat returns to the cooling load): conversion loss,
    battery float and cycling losses, flywheel spinning loss.  ``_power_chain`` writes the same
    quantities channel by channel.  With the default parameters this is exactly the WP113 PDU
    and UPS loss of the legacy plant.
    """
    p_in, psu, pdu, dist, conv, battery, flywheel = _critical_path(p, p_it)
    return (p_in - p_it) + pdu + dist, conv + battery + flywheel


# channels a plant writes only when it has the equipment; cleared at the start of every step
_PLANT_CHANNELS = (OUTPUT.p_chillers, OUTPUT.p_chw_pumps, OUTPUT.p_cw_pumps, OUTPUT.p_tower_fans,
                   OUTPUT.p_iec_secondary, OUTPUT.q_economizer, OUTPUT.q_evaporator,
                   OUTPUT.q_condenser, OUTPUT.q_rejected_wet, OUTPUT.q_iec, OUTPUT.iec_mode,
                   OUTPUT.q_tes_charge, OUTPUT.q_tes_discharge, OUTPUT.tes_ride_through_min,
                   OUTPUT.q_purchased_cooling, OUTPUT.economizer_mode, OUTPUT.chillers_on,
                   OUTPUT.chiller_plr, OUTPUT.tower_air_ratio, OUTPUT.water_evaporation,
                   OUTPUT.water_drift, OUTPUT.water_blowdown, OUTPUT.curve_out_of_range,
                   OUTPUT.p_condenser_fans, OUTPUT.p_refrigerant_pumps, OUTPUT.q_pumped_refrigerant)


@jit
def _liquid_loop(p, p_it, t_db):
    """Liquid-cooling heat capture and rejection (see :mod:`components.cooling.liquid`).

    Returns ``(q_liquid, p_pumps, p_dry_cooler_fans, q_to_plant)`` [W]: heat captured by
    liquid (pump heat included), pump power, dry-cooler fan power, and the part of the liquid
    heat the dry cooler cannot take, which goes to the chilled-water (or trim) plant.
    """
    phi = p[PARAM.liquid_fraction]
    if phi <= 0.0:
        return 0.0, 0.0, 0.0, 0.0
    q_it = phi * p_it
    p_pumps = q_it * p[PARAM.liquid_pump_fraction]
    q_liquid = q_it + p_pumps
    if p[PARAM.liquid_rejection] == LIQUID_CHILLERS:
        return q_liquid, p_pumps, 0.0, q_liquid
    t_mean = p[PARAM.liquid_supply_c] + 0.5 * p[PARAM.liquid_range_k]
    q_dry, p_fans, _ = dry_cooler(q_liquid, t_mean, t_db, p[PARAM.dry_cooler_ua_w_per_k],
                                  p[PARAM.dry_cooler_fan_w])
    return q_liquid, p_pumps, p_fans, q_liquid - q_dry


@jit
def _step(b, p, curves, o, i, state):
    """One time step; writes every channel of ``o[:, i]`` and advances ``state``."""
    cp = air.CP_AIR
    plant = p[PARAM.plant_type]
    utilisation = b[BOUNDARY.utilisation, i] * p[PARAM.load_scale]
    t_sa = p[PARAM.supply_air_c]
    if plant == PLANT_WATER_COOLED or plant == PLANT_DISTRICT or plant == PLANT_AIR_COOLED:
        # a chilled-water coil cannot deliver air colder than the water plus its approach
        t_floor = p[PARAM.chw_supply_c] + p[PARAM.coil_approach_k]
        if t_sa < t_floor:
            t_sa = t_floor
    t_sa_first = t_sa
    q_unmet = 0.0
    tes_energy = state[STATE.tes_energy_j]
    # pass 1 at the set point; pass 2 only if the plant falls short and the air warms up
    for _ in range(2):
        for k in _PLANT_CHANNELS:
            o[k, i] = 0.0
        o[OUTPUT.t_chw_supply, i] = np.nan
        o[OUTPUT.t_condenser, i] = np.nan
        (p_it, p_fans, speed, m_server, m_crah, crah_ratio, r, t_inlet,
         dt_server) = _air_side(p, utilisation, t_sa, b[BOUNDARY.it_power_w, i])
        if p[PARAM.crah_variable_speed] > 0.5:
            p_crah = p[PARAM.crah_units] * air.affinity_fan_power_w(p[PARAM.crah_unit_fan_w], crah_ratio)
        else:
            p_crah = p[PARAM.crah_units] * p[PARAM.crah_unit_fan_w]
        pdu_loss, ups_loss = _it_side_losses(p, p_it)
        q_liquid, p_liq_pumps, p_dc_fans, q_liq_plant = _liquid_loop(p, p_it, b[BOUNDARY.temp_air, i])
        q_room = ((1.0 - p[PARAM.liquid_fraction]) * p_it + pdu_loss + p[PARAM.ups_loss_to_room] * ups_loss
                  + p[PARAM.lighting_w] + p[PARAM.auxiliary_to_room] * p[PARAM.auxiliary_w] + p_crah
                  + p[PARAM.envelope_gain_w])
        q_latent = 0.0 if plant == PLANT_IEC else q_room * (1.0 / p[PARAM.sensible_heat_ratio] - 1.0)
        q_coil = q_room + q_latent
        t_return = t_sa + q_room / (m_crah * cp)
        crah_capacity = p[PARAM.crah_units] * p[PARAM.crah_unit_capacity_w]
        q_coil_unmet = q_room - crah_capacity if q_room > crah_capacity else 0.0
        q_plant = q_coil - q_coil_unmet + q_liq_plant
        if plant == PLANT_WATER_COOLED or plant == PLANT_AIR_COOLED:
            q_unmet = _chilled_water_plant(p, curves, q_plant, b, tes_energy, o, i)
        elif plant == PLANT_DX:
            q_unmet = _dx_plant(p, curves, q_plant, b[BOUNDARY.temp_air, i], t_return,
                                b[BOUNDARY.pressure, i], o, i)
        elif plant == PLANT_IEC:
            q_unmet = _iec_plant(p, curves, q_coil - q_coil_unmet + q_liq_plant, m_crah, t_return, b, o, i)
        else:
            q_unmet = _district_plant(p, q_plant, o, i)
        q_unmet += q_coil_unmet
        if q_unmet <= 0.0:
            break
        t_sa = t_sa_first + q_unmet / (m_crah * cp)
    o[OUTPUT.p_it, i] = p_it
    o[OUTPUT.p_it_fans, i] = p_fans
    o[OUTPUT.p_pdu_loss, i] = pdu_loss
    o[OUTPUT.p_ups_loss, i] = ups_loss
    o[OUTPUT.p_crah_fans, i] = p_crah
    o[OUTPUT.p_liquid_pumps, i] = p_liq_pumps
    o[OUTPUT.p_dry_cooler_fans, i] = p_dc_fans
    o[OUTPUT.q_liquid, i] = q_liquid
    o[OUTPUT.q_liquid_to_plant, i] = q_liq_plant
    o[OUTPUT.q_room_sensible, i] = q_room
    o[OUTPUT.q_latent, i] = q_latent
    o[OUTPUT.q_coil, i] = q_coil
    o[OUTPUT.q_unmet, i] = q_unmet
    o[OUTPUT.t_supply_air, i] = t_sa
    o[OUTPUT.t_supply_air_setpoint, i] = p[PARAM.supply_air_c]
    o[OUTPUT.t_rack_inlet, i] = t_inlet
    o[OUTPUT.t_rack_inlet_max, i] = t_sa + p[PARAM.hotspot_factor] * (t_inlet - t_sa)
    o[OUTPUT.t_return_air, i] = t_return
    o[OUTPUT.server_fan_speed, i] = speed
    o[OUTPUT.recirculation, i] = r
    o[OUTPUT.crah_flow_ratio, i] = crah_ratio
    o[OUTPUT.utilisation, i] = utilisation
    state[STATE.tes_energy_j] = tes.tes_energy_after(tes_energy, o[OUTPUT.q_tes_charge, i],
                                                     o[OUTPUT.q_tes_discharge, i], p[PARAM.tes_loss_per_s],
                                                     p[PARAM.timestep_s])
    o[OUTPUT.tes_energy, i] = state[STATE.tes_energy_j]
    _power_chain(p, o, i)
    # heat rejected directly to outdoor air: dry coolers, air-cooled condensers, dry-mode IEC,
    # electrical rooms
    dry = (o[OUTPUT.p_switchgear_loss, i] + o[OUTPUT.p_transformer_loss, i]
           + o[OUTPUT.p_generator_heaters, i] + (1.0 - p[PARAM.ups_loss_to_room]) * ups_loss
           + (1.0 - p[PARAM.auxiliary_to_room]) * p[PARAM.auxiliary_w] + q_liquid - q_liq_plant)
    if plant == PLANT_AIR_COOLED:
        dry += o[OUTPUT.q_condenser, i] + o[OUTPUT.p_condenser_fans, i]
    elif plant == PLANT_DX:
        dry += o[OUTPUT.q_condenser, i] + o[OUTPUT.q_pumped_refrigerant, i] + o[OUTPUT.p_refrigerant_pumps, i]
    elif plant == PLANT_IEC:
        dry += o[OUTPUT.q_condenser, i] + o[OUTPUT.q_iec, i] - o[OUTPUT.q_rejected_wet, i]
    o[OUTPUT.q_rejected_dry, i] = dry


@jit
def run_span(i0, i1, boundary, params, curves, out, state):
    """Integrate steps ``i0 <= i < i1`` with the current parameters; results go to ``out``.

    Parameters
    ----------
    i0, i1 : int
        First and one-past-last step index. [-]
    boundary : ndarray, shape (len(BOUNDARY), n_steps)
        Weather and utilisation per step (see :data:`BOUNDARY`).
    params : ndarray, shape (len(PARAM),)
        Plant parameters and current set points (see :data:`PARAM`), SI units.
    curves : ndarray, shape (20,)
        Chiller or DX curve set (see :data:`components.cooling.chiller.CURVE_LAYOUT`).
    out : ndarray, shape (len(OUTPUT), n_steps)
        Result channels, written in place (see :data:`OUTPUT`).
    state : ndarray, shape (len(STATE),)
        Quantities carried between steps (see :data:`STATE`), updated in place.
    """
    for i in range(i0, i1):
        _step(boundary, params, curves, out, i, state)


@jit_alloc
def _power_at(b, p, curves, state, o):
    """Facility power for one representative step, and whether every rack inlet is in limits."""
    scratch = state.copy()
    _step(b, p, curves, o, 0, scratch)
    return o[OUTPUT.p_facility, 0], o[OUTPUT.t_rack_inlet_max, 0], o[OUTPUT.q_unmet, 0]


@jit_alloc
def optimise_setpoints(b, params, curves, state, grids, inlet_limit_c):
    """Supervisory set points that minimise facility power at representative conditions.

    Coordinate descent, warm-started from the set points in force.  Chilled-water plants search
    the chilled-water supply temperature with the supply air at the lowest temperature the coils
    can then deliver (water plus coil approach, or the supply-air grid's floor), then the tower
    leaving-water set point, then economizer on/off; other plants search the supply air.  A
    candidate is kept when it lowers facility power with the hottest rack inlet at or below
    ``inlet_limit_c`` and no unmet load.  This is the optimum a model-based (or learned)
    supervisory controller could reach on this model; it is not a trained network.

    Parameters
    ----------
    b : ndarray, shape (len(BOUNDARY), 1)
        Representative boundary conditions of the coming control interval.
    params : ndarray
        Current parameters (not modified).
    grids : ndarray, shape (4, k)
        Candidate values per set point, NaN-padded: rows supply air [degC], chilled water
        [degC], tower leaving water [degC], economizer (0/1).  An empty (all-NaN) row is not
        searched.
    inlet_limit_c : float
        Highest rack inlet allowed. [degC]

    Returns
    -------
    ndarray, shape (4,)
        The chosen supply air, chilled water, tower set point and economizer flag.
    """
    p = params.copy()
    o = np.empty((N_OUTPUT, 1))
    best, t_max, unmet = _power_at(b, p, curves, state, o)
    feasible = t_max <= inlet_limit_c and unmet <= 0.0
    sa_floor = grids[0, 0]
    chilled_water = not np.isnan(grids[1, 0])
    index = (PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer)
    for k in range(4):
        if k == 0 and chilled_water:
            continue
        keep = p[index[k]]
        keep_sa = p[PARAM.supply_air_c]
        for j in range(grids.shape[1]):
            v = grids[k, j]
            if np.isnan(v) or v == keep:
                continue
            p[index[k]] = v
            if k == 1:
                sa = v + p[PARAM.coil_approach_k]
                p[PARAM.supply_air_c] = sa if sa > sa_floor else sa_floor
            power, t_max, unmet = _power_at(b, p, curves, state, o)
            ok = t_max <= inlet_limit_c and unmet <= 0.0
            if ok and (power < best or not feasible):
                best = power
                feasible = True
                keep = v
                keep_sa = p[PARAM.supply_air_c]
        p[index[k]] = keep
        if k == 1:
            p[PARAM.supply_air_c] = keep_sa
    result = np.empty(4)
    for k in range(4):
        result[k] = p[index[k]]
    return result
