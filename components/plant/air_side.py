"""Plants that cool the room air directly: DX units (with a pumped-refrigerant economizer) and IEC air handlers.

Kernel pieces of :mod:`components.facility`.  Each writes its channels of ``o[:, i]`` (see
:mod:`components.layout`) and returns the unmet load [W].  The physics is in the components it
calls (:mod:`components.cooling`); the docstrings here say how they are put together.
"""

import numpy as np

from components._jit import jit
from components.cooling import chiller as chl
from components.cooling import dx_coil
from components.cooling import dx_variable_speed as vs
from components.cooling import indirect_evaporative as iec
from components.cooling import pumped_refrigerant as pre
from components.cooling.air_management import fan_rise_k
from components.layout import BOUNDARY, OUTPUT, PARAM
from components.plant.channels import write_compressors, write_water

_CUBE_LAW = np.array([0.0, 0.0, 0.0, 1.0, 0.0, 1.0])  # fan power ~ flow fraction**3 (affinity law)
_LINEAR = iec.LINEAR_CURVE                              # spray pump power ~ flow fraction


@jit
def _coil_wet_bulb(p, curves, t_in, m_crah, t_outdoor, pressure):
    """Entering wet bulb for the DX curves: the dry-out point on a dry coil (:mod:`components.cooling.dx_coil`).

    Every available DX unit takes an equal share of the room air; ``dx_coil_a0 = 0`` turns the
    dry-coil adjustment off (the actual entering wet bulb).  [degC]
    """
    w_in = p[PARAM.indoor_humidity_ratio]
    t_wb = dx_coil.entering_wet_bulb(t_in, w_in, pressure)
    if p[PARAM.dx_coil_a0_kgs] <= 0.0:
        return t_wb
    m_unit = m_crah / p[PARAM.chillers_available]
    return dx_coil.curve_wet_bulb(curves, p[PARAM.chiller_cap_ref_w], t_in, w_in, t_outdoor, m_unit,
                                  dx_coil.bypass_factor(p[PARAM.dx_coil_a0_kgs], m_unit), pressure, t_wb)


@jit
def _dx_compressors(p, curves, q, t_in, m_crah, t_outdoor, pressure):
    """Staged DX units meeting ``q``. Returns ``(q_unmet, p_ch, n_on, plr, curve_state)`` [W].

    Single-speed units (:mod:`components.cooling.chiller` forms) or, with ``dx_speeds > 0``,
    inverter units (:mod:`components.cooling.dx_variable_speed`); either way the number running is
    staged on the units' full capacity and they share the load equally.
    """
    if p[PARAM.dx_speeds] > 0.5:
        return _inverter_units(p, curves, q, t_in, m_crah, t_outdoor, pressure)
    t_wb_in = _coil_wet_bulb(p, curves, t_in, m_crah, t_outdoor, pressure)
    cap, curve_state = chl.chiller_capacity_w(curves, p[PARAM.chiller_cap_ref_w], t_wb_in, t_outdoor)
    n_on, plr, q_unmet = chl.stage_chillers(q, cap, int(p[PARAM.chillers_available]), p[PARAM.stage_up_plr])
    p_ch = n_on * chl.chiller_power_w(curves, cap, p[PARAM.chiller_cop_ref], plr, t_wb_in, t_outdoor)
    return q_unmet, p_ch, n_on, plr, curve_state


@jit
def _inverter_units(p, curves, q, t_in, m_crah, t_outdoor, pressure):
    """Inverter DX units: staged on their top-speed capacity, each at the speed its share needs."""
    n_avail = int(p[PARAM.chillers_available])
    n_speeds = int(p[PARAM.dx_speeds])
    m_unit = m_crah / n_avail
    w_in = p[PARAM.indoor_humidity_ratio]
    caps = p[PARAM.dx_speed_cap0:PARAM.dx_speed_cap0 + vs.MAX_SPEEDS]
    a0s = p[PARAM.dx_speed_a00:PARAM.dx_speed_a00 + vs.MAX_SPEEDS]
    flows = p[PARAM.dx_speed_m0:PARAM.dx_speed_m0 + vs.MAX_SPEEDS]
    fff = p[PARAM.dx_capfff0:PARAM.dx_fff_max + 1]
    top = n_speeds - 1
    cap = vs.full_capacity_w(curves, caps[top], a0s[top], flows[top], fff, t_in, w_in, t_outdoor, m_unit, pressure)
    n_on, plr, q_unmet = chl.stage_chillers(q, cap, n_avail, p[PARAM.stage_up_plr])
    if n_on == 0:
        return q_unmet, 0.0, 0, 0.0, chl.STATUS_IN_DATA
    power, _, _, curve_state = vs.unit_performance(
        curves, caps, p[PARAM.dx_speed_cop0:PARAM.dx_speed_cop0 + vs.MAX_SPEEDS], a0s, flows, fff, n_speeds,
        p[PARAM.dx_plf0:PARAM.dx_plf2 + 1], p[PARAM.dx_plf_min], (q - q_unmet) / n_on, t_in, w_in, t_outdoor,
        m_unit, pressure)
    return q_unmet, n_on * power, n_on, plr, curve_state


@jit
def _free_capacity_w(p, t_return_air, t_outdoor):
    """Pump-circuit capacity: the vendor's table when the scenario gives one, else the linear law. [W]

    A table rated at a fixed return air (``pre_table_return_c``) is read against the outdoor air
    alone, as published; either way the circuits move nothing unless the outdoor air is colder
    than the actual return air.
    """
    n = int(p[PARAM.pre_table_points])
    if n > 0:
        if t_outdoor >= t_return_air:
            return 0.0
        t_ref = p[PARAM.pre_table_return_c]
        return pre.free_capacity_table_w(p[PARAM.pre_design_w], t_return_air if np.isnan(t_ref) else t_ref, t_outdoor,
                                         p[PARAM.pre_table_dt0:PARAM.pre_table_dt15 + 1],
                                         p[PARAM.pre_table_f0:PARAM.pre_table_f15 + 1], n)
    return pre.free_capacity_w(p[PARAM.pre_design_w], t_return_air, t_outdoor, p[PARAM.pre_design_dt_k])


@jit
def dx_plant(p, curves, q_coil, t_outdoor, t_return_air, m_crah, pressure, o, i):
    """DX CRAC compressors with air-cooled condensers, optionally a pumped-refrigerant economizer.

    The curves take (coil entering wet bulb, outdoor dry bulb); condenser fans are inside the
    rated COP.  With the economizer (:mod:`components.cooling.pumped_refrigerant`) the pump
    circuits take what they can of the load and the compressors trim the rest, whenever that
    costs less than the compressors alone.  Writes ``o[:, i]``; returns the unmet load [W].
    """
    q_unmet, p_ch, n_on, plr, curve_state = _dx_compressors(p, curves, q_coil, t_return_air, m_crah, t_outdoor,
                                                            pressure)
    q_free = 0.0
    p_pump = 0.0
    if p[PARAM.pre_economizer] > 0.5 and q_coil > 0.0:
        q_try = min(q_coil, _free_capacity_w(p, t_return_air, t_outdoor))
        if q_try > 0.0:
            unmet_m, p_ch_m, n_m, plr_m, state_m = _dx_compressors(p, curves, q_coil - q_try, t_return_air, m_crah,
                                                                      t_outdoor, pressure)
            p_pump_m = q_try * p[PARAM.pre_power_w_per_w]
            if unmet_m <= q_unmet + 1e-9 and p_ch_m + p_pump_m < p_ch:
                q_unmet, p_ch, n_on, plr, curve_state = unmet_m, p_ch_m, n_m, plr_m, state_m
                q_free, p_pump = q_try, p_pump_m
    write_compressors(o, i, p_ch, q_coil - q_free - q_unmet, t_outdoor, n_on, plr, curve_state)
    o[OUTPUT.q_pumped_refrigerant, i] = q_free
    o[OUTPUT.p_refrigerant_pumps, i] = p_pump
    return q_unmet


@jit
def _iec_option(p, curves, q_room, t_in, t_target, t_out, rise, m_crah, b, i):
    """Heat split, DX trim and IEC fans and pumps in one mode, without writing anything.

    ``t_in``, ``t_target``, ``t_out``: primary air entering the IEC, its set point and the air
    leaving it (all ahead of the CRAH fans); the DX coil, behind the fans, sees ``t_out + rise``.
    The IEC and trim shares of the room load are split in proportion to the primary-air
    temperature drops so that the heat balance closes exactly.  Returns ``(q_unmet, p_ch, n_on,
    plr, curve_state, q_iec, q_trim)`` [W, W, -, -, -, W, W].
    """
    t_db = b[BOUNDARY.temp_air, i]
    drop = t_in - t_target
    share = (t_in - t_out) / drop if drop > 0.0 else 1.0
    if share > 1.0:
        share = 1.0
    q_iec = q_room * share
    q_trim = q_room - q_iec
    n_on, plr, q_unmet, p_ch, curve_state = 0, 0.0, 0.0, 0.0, chl.STATUS_IN_DATA
    if q_trim > 0.0:
        t_wb_in = _coil_wet_bulb(p, curves, t_out + rise, m_crah, t_db, b[BOUNDARY.pressure, i])
        cap, curve_state = chl.chiller_capacity_w(curves, p[PARAM.chiller_cap_ref_w], t_wb_in, t_db)
        n_on, plr, q_unmet = chl.stage_chillers(q_trim, cap, int(p[PARAM.chillers_available]),
                                                p[PARAM.stage_up_plr])
        p_ch = n_on * chl.chiller_power_w(curves, cap, p[PARAM.chiller_cop_ref], plr, t_wb_in, t_db)
    return q_unmet, p_ch, n_on, plr, curve_state, q_iec, q_trim


@jit
def _iec_write(p, mode, ff, option, b, o, i):
    """Write the channels of one IEC option (:func:`_iec_option`) in ``mode``. Returns the unmet load [W]."""
    q_unmet, p_ch, n_on, plr, curve_state, q_iec, q_trim = option
    t_db = b[BOUNDARY.temp_air, i]
    evap, drift, blow = iec.iec_water_use_kg_s(mode, q_iec, t_db, p[PARAM.cycles_of_concentration],
                                               p[PARAM.drift_fraction])
    write_compressors(o, i, p_ch, q_trim - q_unmet, t_db, n_on, plr, curve_state)
    write_water(o, i, evap, drift, blow)
    o[OUTPUT.p_iec_secondary, i] = _iec_fans_pumps(p, mode, ff)
    o[OUTPUT.q_iec, i] = q_iec
    o[OUTPUT.iec_mode, i] = mode + (1 if q_trim > 0.0 and mode != iec.MODE_OFF else 0)
    o[OUTPUT.q_rejected_wet, i] = q_iec if mode == iec.MODE_WET else 0.0
    return q_unmet


@jit
def _iec_fans_pumps(p, mode, ff):
    """IEC secondary fans and spray pumps at secondary flow fraction ``ff``. [W]"""
    return iec.iec_fan_pump_power_w(mode, ff, p[PARAM.iec_fan_w], p[PARAM.iec_pump_w], _CUBE_LAW, _LINEAR)


@jit
def iec_plant(p, curves, q_room, m_crah, t_return, p_fans, b, o, i):
    """Indirect evaporative cooling air handlers with DX trim; writes ``o[:, i]``.

    The IEC cools the return air (primary) with outdoor air (secondary).  Mode: *dry* if the
    heat exchanger alone reaches its set point with some secondary flow, *wet* if it does
    with spray, otherwise *mixed*: wet at full secondary flow plus DX trim down to the set
    point.  The IEC is bypassed (DX only) when the outdoor air cannot cool the return air, and
    whenever its fans and pumps would cost more than the DX power they save, as a controller
    that locks the IEC out when it does not pay would: so it never heats the air and never costs
    energy.  Returns the unmet load [W].

    The IEC is ahead of the CRAH fans, the DX coil behind them (EnergyPlus's reference
    ``validation/energyplus/plant_models.py`` iec_dx: IEC, fan, DX coil).  The fans' heat
    ``P_fan`` [W] is in ``t_return`` (the air entering the coils, behind the fans), so the IEC sees
    ``t_return - dT_fan`` with ``dT_fan = P_fan / (m_crah c_p)`` and is held at
    ``T_supply - dT_fan`` (EnergyPlus ``SetpointManager:MixedAir``), and the DX coil sees the IEC's
    outlet plus ``dT_fan``; as :func:`components.plant.outdoor_air.outdoor_air_stage` does for
    the mixing box.  With the fans' heat at the IEC instead, dctwin's IEC removed ~6-7 % more heat
    (and evaporated as much more water) than EnergyPlus's in the wet hours with DX trim
    (validation case ``evaporative_water_energyplus``).
    Simplification: the IEC neither adds nor removes moisture; room humidity control is not
    modelled for this plant.
    """
    rise = fan_rise_k(p_fans, m_crah)
    t_in = t_return - rise
    t_target = p[PARAM.supply_air_c] - rise
    w_room = p[PARAM.indoor_humidity_ratio]
    mod = p[PARAM.iec_mod_c0:PARAM.iec_mod_max + 1]
    mode = iec.MODE_DRY
    ff, t_out = 0.0, t_in
    for mode in (iec.MODE_DRY, iec.MODE_WET):  # dry if it reaches the set point, else wet
        ff, t_out = iec.iec_secondary_fraction_for_setpoint(
            mode, t_target, t_in, w_room, b[BOUNDARY.temp_air, i], b[BOUNDARY.temp_wet_bulb, i],
            b[BOUNDARY.temp_dew, i], b[BOUNDARY.humidity_ratio, i], m_crah, p[PARAM.iec_secondary_kgs],
            p[PARAM.iec_eff_wb], p[PARAM.iec_eff_db], mod, mod, p[PARAM.iec_dew_point_factor])
        if t_out <= t_target + 1e-6:
            break
    if t_out >= t_in:
        off = _iec_option(p, curves, q_room, t_in, t_target, t_in, rise, m_crah, b, i)
        return _iec_write(p, iec.MODE_OFF, 0.0, off, b, o, i)
    option = _iec_option(p, curves, q_room, t_in, t_target, t_out, rise, m_crah, b, i)
    power = option[1] + _iec_fans_pumps(p, mode, ff)
    if option[0] <= 0.0 and power * p[PARAM.dx_cop_upper] <= q_room:
        return _iec_write(p, mode, ff, option, b, o, i)  # DX alone would need a COP above any its curves reach
    bypass = _iec_option(p, curves, q_room, t_in, t_target, t_in, rise, m_crah, b, i)
    if bypass[0] <= option[0] + 1e-9 and bypass[1] < power:
        return _iec_write(p, iec.MODE_OFF, 0.0, bypass, b, o, i)
    return _iec_write(p, mode, ff, option, b, o, i)
