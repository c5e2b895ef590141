"""The whole facility at each time step: IT, air management, cooling plant and power chain.

:func:`run_span` integrates steps ``i0 .. i1-1`` of a year.  It is the kernel the event loop
calls (with supervisory control, :func:`components.supervisory._run_span_controlled`, which
decides set points between the same steps); everything it needs arrives in four flat arrays so that a call costs a few
microseconds:

- ``boundary[BOUNDARY.*, i]``: weather and utilisation at each step;
- ``params[PARAM.*]``: plant parameters and the current set points (the event loop changes
  set points and availabilities between spans);
- ``curves``: the chiller (or DX) curve set, laid out as :data:`components.cooling.chiller.CURVE_LAYOUT`;
- ``out[OUTPUT.*, i]``: every result channel, written in place;
- ``state[STATE.*]``: quantities carried from one step to the next (stored energies, state of
  health), updated in place so a later span continues where the previous one stopped.

The layout of the four arrays is :mod:`components.layout`.  This module holds the room (servers,
air management, CRAH units, liquid loop) and the step; the plants are in
:mod:`components.plant` (chilled water: :mod:`~components.plant.chilled_water`; DX and IEC:
:mod:`~components.plant.air_side`) and the electrical chain in :mod:`components.power_chain`.

Energy accounting (consumer frame, W).  The meters are computed by following the power
upstream from the IT boards (server PSUs, PDU, distribution, UPS/HVDC/10 kV conversion, storage,
LV bus, switchgear and wiring, transformers) in :func:`components.power_chain.power_chain`, whose
docstring gives the full meter identity; separately every watt is attributed to exactly one entry
of :data:`components.layout.POWER_COMPONENTS`, and a test asserts that both agree at every step.  Heat: IT power, PDU
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

import math

import numpy as np

from components._jit import jit, jit_inlined
from components.cooling import air_management as air
from components.cooling import cooling_tower as tower
from components.cooling import thermal_storage as tes
from components.cooling import tower_water
from components.cooling.liquid import dry_cooler, dry_cooler_conductance, liquid_tower
from components.it_equipment import fan_speed_ratio, ite_power_w, linear_air_flow_fraction, server_power_w
from components.layout import (BOUNDARY, CRAH_FLOW_HEAT, IT_ITE_CURVES, LIQUID_CHILLERS, LIQUID_DRY_COOLER, LIQUID_TOWER, OUTPUT, PARAM, PLANT_AIR_COOLED, PLANT_CHANNELS,
                               PLANT_DISTRICT, PLANT_DX, PLANT_IEC, PLANT_WATER_COOLED, STATE)
from components.plant.chilled_water import deferred_tower_water
from components.plant.families import ANY_PLANT, family_plant
from components.plant.outdoor_air import outdoor_air_stage
from components.power_chain import critical_path, heat_split, it_side_losses, power_chain
from components.step_block import copy_block, load_block

# rack inlet <-> server air flow <-> recirculation: iterations of the fixed point in _air_side
_FIXED_POINT_ITERATIONS = 30
# a :func:`_room` solved for no inputs: 3 inputs, 9 air-side results, 7 of the critical path
_NO_ROOM = (math.nan,) * 19
# the dry coolers' conductance of no liquid heat: (liquid heat [W], conductance [W/K])
_NO_DRY_COOLER = (math.nan, 0.0)
# what a step reuses of an earlier one (see :func:`_step_from`), before the first step
_NO_REUSE = (_NO_ROOM, tower.NO_TERMS, _NO_DRY_COOLER)


@jit
def _fan_speed(p, t_inlet):
    """Fan speed of the linear server model at an inlet temperature, relative to nominal. [-]"""
    return fan_speed_ratio(t_inlet, p[PARAM.fan_threshold_c], p[PARAM.fan_slope_per_k], p[PARAM.fan_speed_max])


@jit
def _server(p, utilisation, t_inlet, it_power_measured):
    """Servers at an inlet temperature: ``(p_it, p_fans, speed, flow)`` [W, W, -, -].

    ``speed`` is the fan speed relative to nominal (``ite_curves``: the air-flow fraction) and
    ``flow`` the air flow relative to design (:mod:`components.it_equipment`).  A measured IT
    power (>= 0) replaces the model's total; the air flow scales with it.
    """
    if p[PARAM.it_model] == IT_ITE_CURVES:
        p_it, p_fans, flow = ite_power_w(utilisation, t_inlet, p[PARAM.it_peak_w], p[PARAM.fan_fraction],
                                         p[PARAM.ite_cpu_c0:PARAM.ite_cpu_out_max + 1],
                                         p[PARAM.ite_flow_c0:PARAM.ite_flow_out_max + 1],
                                         p[PARAM.ite_fan_c0:PARAM.ite_fan_out_max + 1])
        speed = flow
    else:
        speed = _fan_speed(p, t_inlet)
        p_it, p_fans = server_power_w(utilisation, speed, p[PARAM.it_peak_w], p[PARAM.idle_fraction],
                                      p[PARAM.fan_fraction])
        flow = linear_air_flow_fraction(utilisation, speed, p[PARAM.idle_fraction])
    if it_power_measured >= 0.0:
        if p_it > 0.0:
            flow *= it_power_measured / p_it
        p_fans = min(p_fans, it_power_measured)
        p_it = it_power_measured
    return p_it, p_fans, speed, flow


@jit
def _air_heat_w(p, p_it, room_loss, ups_loss):
    """Heat released into the room air before the CRAH fans: IT heat less liquid capture, plus the
    electrical losses indoors (``room_loss``, the room share of ``ups_loss``; from
    :func:`components.power_chain.it_side_losses`), lighting, auxiliaries in the room and the
    envelope gain. [W]"""
    return ((1.0 - p[PARAM.liquid_fraction]) * p_it + room_loss + p[PARAM.ups_loss_to_room] * ups_loss
            + p[PARAM.lighting_w] + p[PARAM.auxiliary_to_room] * p[PARAM.auxiliary_w] + p[PARAM.envelope_gain_w])


@jit
def _air_side(p, utilisation, temp_supply, it_power_measured):
    """IT power, server fans and air management at a given supply-air temperature.

    Solves the coupling inlet temperature -> server power and air flow -> CRAH flow ->
    recirculation -> inlet temperature ``T = g(T)``.  The map contracts (the air-flow slope
    times the recirculation rise is well below one for physical inputs, ``|g'| < 1``), so
    ``f(T) = g(T) - T`` falls strictly and its root is bracketed by every pair of iterates with
    opposite signs of ``f``.  The first step is the plain one, ``T1 = g(T0)`` (a room whose fans
    do not react converges there); later steps are secant steps on ``f``, kept when they land
    inside the bracket, else plain steps: 4-5 evaluations where plain iteration takes 10 at a
    contraction of -0.11.  Stops when the fan speed (linear servers) or the inlet temperature
    (``ite_curves``) changes by less than 1e-9 over a step.  Server air flow
    follows the load (:mod:`components.it_equipment`); variable-speed CRAH fans follow it
    (``CRAH_FLOW_SERVERS``) or the air-side heat (``CRAH_FLOW_HEAT``), between their minimum and
    full speed.  ``it_power_measured`` < 0 means "use the server model"; otherwise it is the
    metered IT power.
    Returns ``(p_it, p_fans, speed, m_server, m_crah, crah_ratio, r, t_inlet, dt_server)``.
    """
    cp = air.CP_AIR
    # servers move air for the heat that leaves them as air: the liquid-cooled share does not
    air_share = 1.0 - p[PARAM.liquid_fraction]
    m_server_design = air_share * p[PARAM.it_peak_w] / (cp * p[PARAM.server_delta_t_k])
    m_crah_max = p[PARAM.crah_units] * p[PARAM.crah_unit_flow_kgs]
    m_crah_min = p[PARAM.crah_min_speed] * m_crah_max
    variable = p[PARAM.crah_variable_speed] > 0.5
    linear = p[PARAM.it_model] != IT_ITE_CURVES
    t_inlet = x = temp_supply  # x: the inlet the servers see in this pass; t_inlet = g(x)
    x_prev = f_prev = 0.0
    below, above = -np.inf, np.inf  # inlet temperatures known to lie below / above the fixed point
    m_crah = m_crah_max
    converged = False
    p_it = p_fans = speed = m_server = dt_server = 0.0
    r = p[PARAM.recirculation_min]
    for k in range(_FIXED_POINT_ITERATIONS):
        p_it, p_fans, speed, flow = _server(p, utilisation, x, it_power_measured)
        m_server = m_server_design * flow
        dt_server = air_share * p_it / (m_server * cp) if m_server > 0.0 else 0.0
        if variable:
            if p[PARAM.crah_flow_control] == CRAH_FLOW_HEAT:
                room_loss, ups_loss = it_side_losses(p, p_it)
                m_need = air.crah_flow_for_heat(_air_heat_w(p, p_it, room_loss, ups_loss), p[PARAM.crah_design_dt_k])
            else:
                m_need = air.crah_flow_for_servers(m_server, p[PARAM.bypass], p[PARAM.recirculation_min])
            m_crah = min(max(m_need, m_crah_min), m_crah_max)
        r = air.recirculation_fraction(m_crah, m_server, p[PARAM.bypass], p[PARAM.recirculation_min])
        t_inlet = air.rack_inlet_temperature(temp_supply, r, dt_server)
        if linear:  # the linear servers see the inlet only through their fan speed
            converged = abs(_fan_speed(p, t_inlet) - speed) < 1e-9
        else:
            converged = abs(t_inlet - x) < 1e-9
        if converged:
            break
        f = t_inlet - x
        if f > 0.0:
            below = x
        else:
            above = x
        x_next = t_inlet
        if k > 0 and f != f_prev:
            secant = x - f * (x - x_prev) / (f - f_prev)
            if below < secant < above:
                x_next = secant
        x_prev, f_prev, x = x, f, x_next
    if not converged:  # the servers at the last inlet temperature
        p_it, p_fans, speed, flow = _server(p, utilisation, t_inlet, it_power_measured)
    return p_it, p_fans, speed, m_server, m_crah, m_crah / m_crah_max, r, t_inlet, dt_server


@jit
def _same(a, b):
    """Whether two floats are the same number: equal, and zeros of the same sign."""
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


@jit
def _room(p, utilisation, t_sa, it_power_measured, previous):
    """The air side at a supply-air temperature and the critical path of its IT power.

    Returns ``(utilisation, t_sa, it_power_measured, *air, *path)``: the inputs, the
    :func:`_air_side` results ``air`` and ``path`` = :func:`components.power_chain.critical_path`
    of its IT power.  Both are pure functions of these inputs and ``p``, so ``previous`` (such a
    tuple from the same ``p``, or :data:`_NO_ROOM`) is returned as it is when its inputs are the
    same numbers: a room whose utilisation holds from step to step (the bundled default's does all
    year) solves its air side once, not at every step.
    """
    if (_same(utilisation, previous[0]) and _same(t_sa, previous[1])
            and _same(it_power_measured, previous[2])):
        return previous
    air = _air_side(p, utilisation, t_sa, it_power_measured)
    return (utilisation, t_sa, it_power_measured) + air + critical_path(p, air[0])


@jit
def _dry_cooler_reused(p, p_it, previous):
    """``(liquid heat, its dry-cooler conductance)`` at IT power ``p_it`` [W, W/K]
    (:func:`components.cooling.liquid.dry_cooler_conductance`), or ``previous`` (such a pair from the
    same ``p``, or :data:`_NO_DRY_COOLER`) when its liquid heat is the same number: an IT power that
    holds from step to step evaluates the coil's effectiveness once."""
    q_liquid = _liquid_heat_w(p, p_it)[0]
    if _same(q_liquid, previous[0]):
        return previous
    return q_liquid, dry_cooler_conductance(q_liquid, p[PARAM.liquid_range_k], p[PARAM.dry_cooler_ua_w_per_k],
                                            p[PARAM.dry_cooler_air_w_per_k])


@jit
def _liquid_heat_w(p, p_it):
    """Heat the liquid loop captures (pump heat included) and its pumps' power at IT power ``p_it``. [W]"""
    q_it = p[PARAM.liquid_fraction] * p_it
    p_pumps = q_it * p[PARAM.liquid_pump_fraction]
    return q_it + p_pumps, p_pumps


@jit
def _liquid_loop(p, p_it, t_db, h_air, pressure, rho_air, conductance):
    """Liquid-cooling heat capture and rejection (see :mod:`components.cooling.liquid`) with outdoor
    air at ``t_db`` [degC], ``h_air`` [J/kg], ``pressure`` [Pa] and dry-air density ``rho_air`` [kg/m3];
    ``conductance``: the dry coolers' at this IT power [W/K] (:func:`_room`).

    Returns ``(q_liquid, p_pumps, p_fans, q_to_plant, air_ratio)``: heat captured by liquid (pump
    heat included), pump power, dry-cooler or tower fan power, and the part of the liquid heat the
    dry cooler or tower cannot take, which goes to the chilled-water (or trim) plant [W]; and the
    liquid tower's air flow over design [-] (0 without one).
    """
    if p[PARAM.liquid_fraction] <= 0.0:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    q_liquid, p_pumps = _liquid_heat_w(p, p_it)
    if p[PARAM.liquid_rejection] == LIQUID_CHILLERS:
        return q_liquid, p_pumps, 0.0, q_liquid, 0.0
    if p[PARAM.liquid_rejection] == LIQUID_TOWER:
        air_flow, ntu = tower.cell_air(p[PARAM.liquid_tower_air_m3s], p[PARAM.liquid_tower_ua_per_m3], rho_air)
        q_tower, p_fans, air_ratio = liquid_tower(q_liquid, p[PARAM.liquid_supply_c], p[PARAM.liquid_range_k], h_air,
                                                  pressure, air_flow, ntu, p[PARAM.liquid_tower_fan_w])
        return q_liquid, p_pumps, p_fans, q_liquid - q_tower, air_ratio
    q_dry, p_fans, _ = dry_cooler(q_liquid, p[PARAM.liquid_supply_c] + p[PARAM.liquid_range_k], t_db, conductance,
                                  p[PARAM.dry_cooler_fan_w])
    return q_liquid, p_pumps, p_fans, q_liquid - q_dry, 0.0


@jit
def liquid_tower_water_kg_s(q_rejected, q_liquid, air_ratio, p, b, i):
    """Make-up water of the liquid loop's tower rejecting ``q_rejected`` [W] of the loop's
    ``q_liquid`` [W] at ``air_ratio`` of its design air flow in step ``i``: evaporation into saturated
    leaving air (from the water entering it at the supply set point plus the range, its flow carrying
    ``q_liquid`` over the range, :func:`components.cooling.liquid.liquid_tower`), drift and blowdown.
    [kg/s]"""
    water_flow = q_liquid / (tower.CP_WATER * p[PARAM.liquid_range_k])
    evaporation = tower_water.saturated_exit_evaporation_kg_s(
        q_rejected, air_ratio * p[PARAM.liquid_tower_air_m3s] * b[BOUNDARY.dry_air_density, i],
        p[PARAM.liquid_supply_c] + p[PARAM.liquid_range_k], b[BOUNDARY.temp_wet_bulb, i],
        b[BOUNDARY.h_air, i], b[BOUNDARY.humidity_ratio, i], b[BOUNDARY.pressure, i], tower.NO_TERMS)
    evap, drift, blow = tower_water.water_use_kg_s(evaporation, water_flow, p[PARAM.cycles_of_concentration],
                                             p[PARAM.drift_fraction])
    return evap + drift + blow


@jit
def _step(b, p, curves, o, i, state, family):
    """One time step; writes every channel of ``o[:, i]`` and advances ``state``.

    ``family``: the plants compiled in, a constant (:mod:`components.plant.families`)."""
    _step_from(b, p, curves, o, i, state, _NO_REUSE, family)


@jit
def _step_from(b, p, curves, o, i, state, reuse, family):
    """:func:`_step` given ``reuse`` of an earlier step with the same ``p`` (or :data:`_NO_REUSE`);
    returns the ``reuse`` of this step.

    ``reuse`` is ``(room, terms, coil)``: the :func:`_room` of that step's last pass, its cooling
    towers' set-point terms (:func:`components.cooling.cooling_tower.setpoint_terms`) and its dry
    coolers' conductance (:func:`_dry_cooler_reused`).  All are reused only where their inputs are
    the same numbers; the terms also carry where the towers'
    solves start (a fan speed, a flat-out approach), so the results depend on them within those
    solves' tolerances only (:func:`components.plant.chilled_water._water_cooled_plant`).
    """
    room, terms, coil = reuse
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
    chilled_water = plant == PLANT_WATER_COOLED or plant == PLANT_AIR_COOLED
    for _ in range(2):
        if not chilled_water:  # the chilled-water plant writes every plant channel itself
            for k in PLANT_CHANNELS:
                o[k, i] = 0.0
            o[OUTPUT.t_chw_supply, i] = np.nan
            o[OUTPUT.t_condenser, i] = np.nan
        room = _room(p, utilisation, t_sa, b[BOUNDARY.it_power_w, i], room)
        p_it, p_fans, speed, m_server, m_crah, crah_ratio, r, t_inlet, dt_server = room[3:12]
        if p[PARAM.liquid_rejection] == LIQUID_DRY_COOLER and p[PARAM.liquid_fraction] > 0.0:
            coil = _dry_cooler_reused(p, p_it, coil)
        path = room[12:]
        if p[PARAM.crah_variable_speed] > 0.5:
            p_crah = p[PARAM.crah_units] * air.affinity_fan_power_w(p[PARAM.crah_unit_fan_w], crah_ratio)
        else:
            p_crah = p[PARAM.crah_units] * p[PARAM.crah_unit_fan_w]
        room_loss, ups_loss = heat_split(path, p_it)
        q_liquid, p_liq_pumps, p_dc_fans, q_liq_plant, liquid_air_ratio = _liquid_loop(
            p, p_it, b[BOUNDARY.temp_air, i], b[BOUNDARY.h_air, i], b[BOUNDARY.pressure, i],
            b[BOUNDARY.dry_air_density, i], coil[1])
        q_room = _air_heat_w(p, p_it, room_loss, ups_loss) + p_crah
        t_return = t_sa + q_room / (m_crah * cp)
        # the outdoor-air stage takes its share first, ahead of the CRAH fans; the coils see the mixed air
        t_coil_in = outdoor_air_stage(p, b, i, t_return, t_sa, m_crah, p_crah, o)
        q_room_coil = q_room - o[OUTPUT.q_air_economizer, i]
        if q_room_coil < 0.0:
            # the outdoor air carries the whole room load (mixed air at the supply temperature) and
            # round-off left the coil a load of -1e-11 W: booked to the outdoor air, so no flow is negative
            o[OUTPUT.q_air_economizer, i] = q_room
            q_room_coil = 0.0
        q_latent = 0.0 if plant == PLANT_IEC else q_room_coil * (1.0 / p[PARAM.sensible_heat_ratio] - 1.0)
        q_coil = q_room_coil + q_latent
        crah_capacity = p[PARAM.crah_units] * p[PARAM.crah_unit_capacity_w]
        q_coil_unmet = q_room_coil - crah_capacity if q_room_coil > crah_capacity else 0.0
        q_plant = q_coil - q_coil_unmet + q_liq_plant
        q_unmet, terms = family_plant(family, p, curves, q_plant, b, tes_energy, t_coil_in, m_crah, p_crah, o, i,
                                      terms)
        q_unmet += q_coil_unmet
        if q_unmet <= 0.0:
            break
        t_sa = t_sa_first + q_unmet / (m_crah * cp)
    o[OUTPUT.p_it_fans, i] = p_fans
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
    power_chain(p, o, i, p_it, path)
    # heat rejected directly to outdoor air: economizer exhaust air, dry coolers, air-cooled
    # condensers, dry-mode IEC, electrical rooms
    dry = (o[OUTPUT.q_air_economizer, i] + o[OUTPUT.p_evaporative_pumps, i] + o[OUTPUT.p_switchgear_loss, i]
           + o[OUTPUT.p_transformer_loss, i] + o[OUTPUT.p_generator_heaters, i] + (1.0 - p[PARAM.ups_loss_to_room]) * ups_loss
           + (1.0 - p[PARAM.auxiliary_to_room]) * p[PARAM.auxiliary_w])
    liquid_wet = q_liquid - q_liq_plant if p[PARAM.liquid_rejection] == LIQUID_TOWER else 0.0
    dry += q_liquid - q_liq_plant - liquid_wet
    if plant == PLANT_AIR_COOLED:
        dry += o[OUTPUT.q_condenser, i] + o[OUTPUT.p_condenser_fans, i]
    elif plant == PLANT_DX:
        dry += o[OUTPUT.q_condenser, i] + o[OUTPUT.q_pumped_refrigerant, i] + o[OUTPUT.p_refrigerant_pumps, i]
    elif plant == PLANT_IEC:
        dry += o[OUTPUT.q_condenser, i] + o[OUTPUT.q_iec, i] - o[OUTPUT.q_rejected_wet, i]
    o[OUTPUT.q_rejected_dry, i] = dry
    o[OUTPUT.q_rejected_wet, i] += liquid_wet  # after the plant's own share above
    o[OUTPUT.water_liquid_tower, i] = (liquid_tower_water_kg_s(liquid_wet, q_liquid, liquid_air_ratio, p, b, i)
                                       if liquid_wet > 0.0 else 0.0)
    return room, terms, coil


#: :func:`_step_from` inlined into the loops over steps (:func:`components._jit.jit_inlined`)
_step_inlined = jit_inlined(_step_from)


@jit_inlined
def run_blocked(i0, i1, boundary, params, curves, out, state, block, steps_in, family):
    """Steps ``i0 <= i < i1`` (:func:`_step_from`) computed block by block into ``block`` (from
    :func:`components.step_block.step_block`), the towers' water the steps deferred then computed
    (:func:`components.plant.chilled_water.deferred_tower_water`) and each block copied into ``out``
    (:func:`components.step_block.copy_block`): the same numbers, bit for bit, as steps written
    straight into ``out``, without its 73 streams of writes (:mod:`components.step_block`; the bundled
    default's warm annual run 4-10 % faster, side by side in one process, 2026-12-07).  A step of a block
    reads the block's columns of ``boundary``, copied into ``steps_in``
    (:func:`components.step_block.load_block`), and writes its column of ``block``; nothing a step
    computes depends on its index.  ``family``: the plants compiled in (:mod:`components.plant.families`).  Returns the
    ``reuse`` of the last step (:func:`_step_from`).
    """
    reuse = _NO_REUSE
    lo = i0
    while lo < i1:
        hi = min(lo + block.shape[1], i1)
        load_block(boundary, steps_in, lo, hi)
        for j in range(hi - lo):
            reuse = _step_inlined(steps_in, params, curves, block, j, state, reuse, family)
        deferred_tower_water(params, steps_in, block, hi - lo)
        copy_block(block, out, lo, hi)
        lo = hi
    return reuse


@jit
def run_span(i0, i1, boundary, params, curves, out, state, block, steps_in):
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
        Result channels, written in place (see :data:`OUTPUT`), through ``block``.
    state : ndarray, shape (len(STATE),)
        Quantities carried between steps (see :data:`STATE`), updated in place.
    block, steps_in : ndarray, shapes (len(OUTPUT), k) and (len(BOUNDARY), k)
        Scratch of ``k`` steps (:func:`components.step_block.step_blocks`; :func:`run_blocked`).
    """
    run_blocked(i0, i1, boundary, params, curves, out, state, block, steps_in, ANY_PLANT)
