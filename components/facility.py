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

Energy accounting (consumer frame, W).  The grid meter is computed by following the power
upstream::

    UPS out   = IT + PDU loss
    UPS in    = UPS out + UPS loss
    LV bus    = UPS in + CRAH fans + chillers + pumps + tower fans + lighting + auxiliary
                + generator heaters
    TX out    = LV bus + switchgear and wiring loss
    facility  = TX out + transformer loss

and separately attributed to the fourteen components listed in :data:`POWER_COMPONENTS`; a
test asserts that both agree at every step.  Heat: IT power, PDU loss, the UPS loss share
that lands in conditioned rooms, lighting, auxiliary loads and CRAH fan power are all sensible
heat in the white space; the chilled-water pump power ends up in the chilled water; the
condenser rejects evaporator load plus compressor power.  Switchgear, wiring, transformer and
generator-heater losses are rejected in ventilated electrical rooms (not to the cooling plant).

Simplifications (named in the README): steady state at each step (no thermal mass); one
aggregate room and rack; identical chillers, pumps and tower cells, one cell and one condenser
pump per running chiller; unmet cooling raises the supply air temperature for that step rather
than storing heat in the room.
"""

from enum import IntEnum

import numpy as np

from components._jit import jit
from components.cooling import air_management as air
from components.cooling import chiller as chl
from components.cooling import cooling_tower as tower
from components.cooling import economizer as eco
from components.cooling import pumps
from components.it_equipment import fan_speed_ratio, server_power_w
from components.power.losses import quadratic_loss_w, transformer_loss_w
from components.psychrometrics import wet_bulb_from_humidity_ratio

PLANT_WATER_COOLED = 0
PLANT_DX = 1

BOUNDARY = IntEnum("BOUNDARY", [
    "temp_air",          # outdoor dry bulb [degC]
    "temp_wet_bulb",     # outdoor wet bulb [degC]
    "h_air",             # outdoor air enthalpy [J/kg dry air]
    "pressure",          # barometric pressure [Pa]
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
    "water_evaporation", "water_drift", "water_blowdown", "curve_out_of_range", "utilisation",
], start=0)

STATE = IntEnum("STATE", [
    "tes_energy_j",          # thermal storage: cold energy stored [J]
    "battery_energy_j",      # electrical storage: energy stored [J]
    "battery_health",        # electrical storage: state of health, capacity / rated [-]
], start=0)

# Components that together draw the facility power (p_it_fans is part of p_it).
POWER_COMPONENTS = (
    "p_it", "p_pdu_loss", "p_ups_loss", "p_switchgear_loss", "p_transformer_loss",
    "p_lighting", "p_auxiliary", "p_generator_heaters", "p_crah_fans", "p_chillers",
    "p_chw_pumps", "p_cw_pumps", "p_tower_fans",
)

CP_WATER = tower.CP_WATER
_FIXED_POINT_ITERATIONS = 30
# condenser-water temperature <-> chiller power <-> tower load; stops when the condenser water
# temperature changes by less than 1e-4 K, which takes two or three passes
_PLANT_ITERATIONS = 8


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
    m_server_nominal = p[PARAM.it_peak_w] / (cp * p[PARAM.server_delta_t_k])
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
        dt_server = p_it / (m_server * cp)
        if p[PARAM.crah_variable_speed] > 0.5:
            m_need = m_server * (1.0 - p[PARAM.recirculation_min]) / (1.0 - p[PARAM.bypass])
            m_min = p[PARAM.crah_min_speed] * m_crah_max
            m_crah = min(max(m_need, m_min), m_crah_max)
        r = air.recirculation_fraction(m_crah, m_server, p[PARAM.bypass], p[PARAM.recirculation_min])
        t_inlet = air.rack_inlet_temperature(temp_supply, r, dt_server)
        new_speed = fan_speed_ratio(t_inlet, p[PARAM.fan_threshold_c], p[PARAM.fan_slope_per_k],
                                    p[PARAM.fan_speed_max])
        if abs(new_speed - speed) < 1e-12:
            speed = new_speed
            break
        speed = new_speed
    p_it, p_fans = _server(p, utilisation, speed, it_power_measured)
    return p_it, p_fans, speed, m_server, m_crah, m_crah / m_crah_max, r, t_inlet, dt_server


@jit
def _tower_cells(q_reject, setpoint, n_cells, h_air, pressure, p):
    """Leaving water temperature, fan power and air ratio of ``n_cells`` sharing ``q_reject``."""
    if n_cells <= 0 or q_reject <= 0.0:
        return setpoint, 0.0, 0.0
    t_out, fan_frac, air_ratio = tower.operate(
        q_reject / n_cells, setpoint, h_air, pressure, p[PARAM.tower_water_flow_kgs],
        p[PARAM.tower_air_flow_kgs], p[PARAM.tower_ntu], p[PARAM.tower_variable_speed] > 0.5)
    return t_out, n_cells * fan_frac * p[PARAM.tower_fan_w], air_ratio


@jit
def _water_cooled_plant(p, curves, q_coil, t_wb, h_air, pressure, o, i):
    """Chilled-water plant with towers and optional water-side economizer; writes ``o[:, i]``.

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
    oor = False
    q_evap = q_chw
    setpoint = p[PARAM.cw_setpoint_c]
    if p[PARAM.economizer] > 0.5 and q_chw > 0.0:
        # economizing towers run flat out for the coldest water; start from a typical approach
        setpoint = t_wb
        t_cw = t_wb + 4.0
    for _ in range(_PLANT_ITERATIONS):
        t_cw_previous = t_cw
        if p[PARAM.economizer] > 0.5 and q_chw > 0.0:
            c_min = min(m_chw, p[PARAM.tower_water_flow_kgs] * n_avail) * CP_WATER
            q_hx, mode = eco.economizer_duty_w(q_chw, t_chwr, t_cw, c_min,
                                               p[PARAM.economizer_effectiveness],
                                               p[PARAM.economizer_margin_k])
            if mode == eco.MODE_MECHANICAL:
                setpoint = p[PARAM.cw_setpoint_c]
        q_evap = q_chw - q_hx
        cap, oor = chl.chiller_capacity_w(curves, cap_ref, t_chws, t_cw)
        n_on, plr, q_unmet = chl.stage_chillers(q_evap, cap, n_avail, p[PARAM.stage_up_plr])
        p_ch = n_on * chl.chiller_power_w(curves, cap, p[PARAM.chiller_cop_ref], plr, t_chws, t_cw)
        n_cells = n_on
        if mode != eco.MODE_MECHANICAL:
            n_cells = n_avail
        p_cwp = n_cells * p[PARAM.cw_pump_w]
        q_tower = q_evap - q_unmet + p_ch + q_hx + p_cwp
        t_cw, p_tower, air_ratio = _tower_cells(q_tower, setpoint, n_cells, h_air, pressure, p)
        if abs(t_cw - t_cw_previous) < 1e-4:
            break
    p_cwp = n_cells * p[PARAM.cw_pump_w]
    q_tower = q_evap - q_unmet + p_ch + q_hx + p_cwp
    evap, drift, blow = tower.water_use_kg_s(q_tower, n_cells * p[PARAM.tower_water_flow_kgs],
                                             p[PARAM.cycles_of_concentration],
                                             p[PARAM.drift_fraction])
    o[OUTPUT.p_chillers, i] = p_ch
    o[OUTPUT.p_chw_pumps, i] = p_chwp
    o[OUTPUT.p_cw_pumps, i] = p_cwp
    o[OUTPUT.p_tower_fans, i] = p_tower
    o[OUTPUT.q_economizer, i] = q_hx
    o[OUTPUT.q_evaporator, i] = q_evap - q_unmet
    o[OUTPUT.q_condenser, i] = q_evap - q_unmet + p_ch
    o[OUTPUT.q_rejected_wet, i] = q_tower
    o[OUTPUT.t_chw_supply, i] = t_chws
    o[OUTPUT.t_condenser, i] = t_cw
    o[OUTPUT.economizer_mode, i] = mode
    o[OUTPUT.chillers_on, i] = n_on
    o[OUTPUT.chiller_plr, i] = plr
    o[OUTPUT.tower_air_ratio, i] = air_ratio
    o[OUTPUT.water_evaporation, i] = evap
    o[OUTPUT.water_drift, i] = drift
    o[OUTPUT.water_blowdown, i] = blow
    o[OUTPUT.curve_out_of_range, i] = 1.0 if (oor and n_on > 0) else 0.0
    return q_unmet


@jit
def _dx_plant(p, curves, q_coil, t_outdoor, t_return_air, pressure, o, i):
    """DX CRAC compressors with air-cooled condensers; writes ``o[:, i]``.

    The curves take (coil entering wet bulb, outdoor dry bulb); condenser fans are inside the
    rated COP.  Returns the unmet evaporator load [W].
    """
    n_avail = int(p[PARAM.chillers_available])
    cap_ref = p[PARAM.chiller_cap_ref_w]
    t_wb_in = wet_bulb_from_humidity_ratio(t_return_air, p[PARAM.indoor_humidity_ratio], pressure)
    cap, oor = chl.chiller_capacity_w(curves, cap_ref, t_wb_in, t_outdoor)
    n_on, plr, q_unmet = chl.stage_chillers(q_coil, cap, n_avail, p[PARAM.stage_up_plr])
    p_ch = n_on * chl.chiller_power_w(curves, cap, p[PARAM.chiller_cop_ref], plr, t_wb_in, t_outdoor)
    o[OUTPUT.p_chillers, i] = p_ch
    o[OUTPUT.p_chw_pumps, i] = 0.0
    o[OUTPUT.p_cw_pumps, i] = 0.0
    o[OUTPUT.p_tower_fans, i] = 0.0
    o[OUTPUT.q_economizer, i] = 0.0
    o[OUTPUT.q_evaporator, i] = q_coil - q_unmet
    o[OUTPUT.q_condenser, i] = q_coil - q_unmet + p_ch
    o[OUTPUT.q_rejected_wet, i] = 0.0
    o[OUTPUT.t_chw_supply, i] = np.nan
    o[OUTPUT.t_condenser, i] = t_outdoor
    o[OUTPUT.economizer_mode, i] = eco.MODE_MECHANICAL
    o[OUTPUT.chillers_on, i] = n_on
    o[OUTPUT.chiller_plr, i] = plr
    o[OUTPUT.tower_air_ratio, i] = 0.0
    o[OUTPUT.water_evaporation, i] = 0.0
    o[OUTPUT.water_drift, i] = 0.0
    o[OUTPUT.water_blowdown, i] = 0.0
    o[OUTPUT.curve_out_of_range, i] = 1.0 if (oor and n_on > 0) else 0.0
    return q_unmet


@jit
def _power_chain(p, o, i):
    """Follow the power from the UPS up to the grid meter; writes losses and p_facility.

    Reads the IT power and the PDU and UPS losses already written for step ``i``.
    """
    ups_out = o[OUTPUT.p_it, i] + o[OUTPUT.p_pdu_loss, i]
    ups_loss = o[OUTPUT.p_ups_loss, i]
    mech = (o[OUTPUT.p_crah_fans, i] + o[OUTPUT.p_chillers, i] + o[OUTPUT.p_chw_pumps, i]
            + o[OUTPUT.p_cw_pumps, i] + o[OUTPUT.p_tower_fans, i])
    lv_bus = (ups_out + ups_loss + mech + p[PARAM.lighting_w] + p[PARAM.auxiliary_w]
              + p[PARAM.generator_heater_w])
    sw_loss = quadratic_loss_w(lv_bus, p[PARAM.switchgear_rating_w], 1.0, 0.0, 0.0,
                               p[PARAM.switchgear_square_law])
    tx_out = lv_bus + sw_loss
    tx_loss = transformer_loss_w(tx_out, p[PARAM.tx_units], p[PARAM.tx_rating_va],
                                 p[PARAM.tx_power_factor], p[PARAM.tx_no_load_w],
                                 p[PARAM.tx_load_loss_w])
    o[OUTPUT.p_lighting, i] = p[PARAM.lighting_w]
    o[OUTPUT.p_auxiliary, i] = p[PARAM.auxiliary_w]
    o[OUTPUT.p_generator_heaters, i] = p[PARAM.generator_heater_w]
    o[OUTPUT.p_switchgear_loss, i] = sw_loss
    o[OUTPUT.p_transformer_loss, i] = tx_loss
    o[OUTPUT.p_facility, i] = tx_out + tx_loss


@jit
def _it_side_losses(p, p_it):
    """PDU and UPS losses, which depend only on the IT power. Returns ``(pdu, ups)`` [W]."""
    pdu_loss = quadratic_loss_w(p_it, p[PARAM.pdu_rating_w], 1.0, p[PARAM.pdu_no_load], 0.0,
                                p[PARAM.pdu_square_law])
    ups_loss = quadratic_loss_w(p_it + pdu_loss, p[PARAM.ups_unit_rating_w], p[PARAM.ups_units],
                                p[PARAM.ups_no_load], p[PARAM.ups_proportional],
                                p[PARAM.ups_square_law])
    return pdu_loss, ups_loss


@jit
def _step(b, p, curves, o, i, state):
    """One time step; returns nothing, writes every channel of ``o[:, i]``."""
    cp = air.CP_AIR
    utilisation = b[BOUNDARY.utilisation, i] * p[PARAM.load_scale]
    t_sa = p[PARAM.supply_air_c]
    q_unmet = 0.0
    # pass 1 at the set point; pass 2 only if the plant falls short and the air warms up
    for _ in range(2):
        (p_it, p_fans, speed, m_server, m_crah, crah_ratio, r, t_inlet,
         dt_server) = _air_side(p, utilisation, t_sa, b[BOUNDARY.it_power_w, i])
        if p[PARAM.crah_variable_speed] > 0.5:
            p_crah = p[PARAM.crah_units] * air.affinity_fan_power_w(p[PARAM.crah_unit_fan_w], crah_ratio)
        else:
            p_crah = p[PARAM.crah_units] * p[PARAM.crah_unit_fan_w]
        pdu_loss, ups_loss = _it_side_losses(p, p_it)
        q_room = (p_it + pdu_loss + p[PARAM.ups_loss_to_room] * ups_loss + p[PARAM.lighting_w]
                  + p[PARAM.auxiliary_to_room] * p[PARAM.auxiliary_w] + p_crah
                  + p[PARAM.envelope_gain_w])
        q_latent = q_room * (1.0 / p[PARAM.sensible_heat_ratio] - 1.0)
        q_coil = q_room + q_latent
        t_return = t_sa + q_room / (m_crah * cp)
        crah_capacity = p[PARAM.crah_units] * p[PARAM.crah_unit_capacity_w]
        q_coil_unmet = q_room - crah_capacity if q_room > crah_capacity else 0.0
        if p[PARAM.plant_type] == PLANT_WATER_COOLED:
            q_unmet = _water_cooled_plant(p, curves, q_coil - q_coil_unmet,
                                          b[BOUNDARY.temp_wet_bulb, i], b[BOUNDARY.h_air, i],
                                          b[BOUNDARY.pressure, i], o, i)
        else:
            q_unmet = _dx_plant(p, curves, q_coil - q_coil_unmet, b[BOUNDARY.temp_air, i],
                                         t_return, b[BOUNDARY.pressure, i], o, i)
        q_unmet += q_coil_unmet
        if q_unmet <= 0.0:
            break
        t_sa = p[PARAM.supply_air_c] + q_unmet / (m_crah * cp)
    o[OUTPUT.p_it, i] = p_it
    o[OUTPUT.p_it_fans, i] = p_fans
    o[OUTPUT.p_pdu_loss, i] = pdu_loss
    o[OUTPUT.p_ups_loss, i] = ups_loss
    o[OUTPUT.p_crah_fans, i] = p_crah
    o[OUTPUT.q_room_sensible, i] = q_room
    o[OUTPUT.q_latent, i] = q_latent
    o[OUTPUT.q_coil, i] = q_coil
    o[OUTPUT.q_unmet, i] = q_unmet
    o[OUTPUT.t_supply_air, i] = t_sa
    o[OUTPUT.t_supply_air_setpoint, i] = p[PARAM.supply_air_c]
    o[OUTPUT.t_rack_inlet, i] = t_inlet
    o[OUTPUT.t_return_air, i] = t_return
    o[OUTPUT.server_fan_speed, i] = speed
    o[OUTPUT.recirculation, i] = r
    o[OUTPUT.crah_flow_ratio, i] = crah_ratio
    o[OUTPUT.utilisation, i] = utilisation
    _power_chain(p, o, i)
    # heat rejected directly to outdoors: condenser of air-cooled/DX plants, electrical rooms
    dry = (o[OUTPUT.p_switchgear_loss, i] + o[OUTPUT.p_transformer_loss, i]
           + o[OUTPUT.p_generator_heaters, i] + (1.0 - p[PARAM.ups_loss_to_room]) * ups_loss
           + (1.0 - p[PARAM.auxiliary_to_room]) * p[PARAM.auxiliary_w])
    if p[PARAM.plant_type] == PLANT_DX:
        dry += o[OUTPUT.q_condenser, i]
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
