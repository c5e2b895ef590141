"""Plant assembly: a validated scenario and its weather become the kernel's flat arrays.

Everything that turns engineering inputs (kW, m3/s, rated COP at AHRI conditions, tower design
approach) into the SI parameters of :mod:`components.facility` happens here, once per run.
Curve sets, UPS curves and transformer data come from the TOML files in ``components/data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from components import psychrometrics as psy
from components.cooling import chiller as chl
from components.cooling import dx_coil
from components.cooling import dx_variable_speed as vs
from components.cooling import thermal_storage as tes
from components.cooling.air_management import CP_AIR
from components.cooling.cooling_tower import CP_WATER, design_ntu
from components.cooling.liquid import MAX_DESIGN_EFFECTIVENESS, dry_cooler_design_ua
from components.cooling.pumps import RHO_WATER, pump_design_power_w
from components.plant import chilled_water as cw
from components.layout import (BOUNDARY, CRAH_FLOW_HEAT, CRAH_FLOW_SERVERS, LIQUID_CHILLERS, LIQUID_DRY_COOLER, LIQUID_TOWER, PARAM,
                               STATE)
from twin.engine.compile_ahead import PLANT_CODES
from twin.engine.plant_power import transformer_params, ups_coefficients
from twin.engine.sizing import refuse_impossible_sizes
from twin.errors import InputError
from twin.inputs.component_data import data_table, table_entry
from twin.inputs.load import utilisation_series
from twin.inputs.schema import Scenario
from twin.inputs.schema_curves import curve_array
from twin.inputs.schema_ite import assemble_ite
from twin.inputs.schema_power import PowerSetup, assemble_power, power_setup
from twin.inputs.weather import Weather

RHO_AIR = 1.204  # kg/m3, dry air at 20 degC and 101325 Pa (ideal gas, ASHRAE Fundamentals 2017 ch. 1)
P_STANDARD = 101325.0  # Pa

# the curve family each plant type needs (the 'condenser' key of components/data/chillers.toml)
CRAH_FLOW_CODES = {"servers": CRAH_FLOW_SERVERS, "heat": CRAH_FLOW_HEAT}
LIQUID_REJECTION_CODES = {"dry_cooler": LIQUID_DRY_COOLER, "tower": LIQUID_TOWER, "chillers": LIQUID_CHILLERS}
ECONOMIZER_CONTROL_CODES = {"cheapest": cw.CONTROL_CHEAPEST, "temperature": cw.CONTROL_TEMPERATURE}
ECONOMIZER_TOWER_CODES = {"flat_out": cw.TOWER_FLAT_OUT, "setpoint": cw.TOWER_SETPOINT, "cheapest": cw.TOWER_EITHER}
CONDENSER_OF_PLANT = {"water_cooled_chiller": "water", "dx": "air", "iec": "air", "air_cooled_chiller": "air"}
WATER_CLASS_SUPPLY_C = {"W17": 17.0, "W27": 27.0, "W32": 32.0, "W40": 40.0, "W45": 45.0}  # ASHRAE TC 9.9 (2021)
TES_DEFAULT_FACTORS = {"ice": (0.65, 0.75), "chilled_water": (1.0, 1.0), "none": (1.0, 1.0)}  # docs/sources.md 2.6
TOU_CODES = {"valley": tes.PERIOD_VALLEY, "flat": tes.PERIOD_FLAT, "peak": tes.PERIOD_PEAK,
             "critical": tes.PERIOD_CRITICAL}


def monthly(value) -> np.ndarray:
    """Twelve monthly values from a constant or a 12-list."""
    return np.asarray(value if isinstance(value, list) else [value] * 12, dtype=float)


def setpoint_schedule(scn: Scenario) -> dict[str, np.ndarray]:
    """The monthly set points of a scenario (its measures applied): supply air, chilled-water supply and
    condenser water, twelve each. [degC]"""
    return {"supply_air_c": monthly(scn.air.supply_air_c), "chw_supply_c": monthly(scn.plant.chw_supply_c),
            "cw_setpoint_c": monthly(scn.plant.cw_setpoint_c)}


@dataclass
class PlantArrays:
    """The kernel inputs of one scenario plus what the event processes need."""

    scenario: Scenario
    weather: Weather
    boundary: np.ndarray
    params: np.ndarray
    curves: np.ndarray
    timestep_s: int
    initial_state: np.ndarray
    #: the scenario's power chain, storage and backup as assembled (:func:`twin.inputs.schema_power.power_setup`),
    #: read again by the event processes and the run summary
    power: PowerSetup
    monthly_setpoints: dict[str, np.ndarray] = field(default_factory=dict)
    design: dict[str, float] = field(default_factory=dict)
    #: bin widths (wet bulb [K], dry bulb [K], utilisation [-]) for the bin method; None: every step
    bins: tuple[float, float, float] | None = None

    @property
    def n_steps(self) -> int:
        return self.boundary.shape[1]

    @property
    def time(self) -> pd.DatetimeIndex:
        return self.weather.time


def assemble(scn: Scenario, weather: Weather, *, file: str | None = None,
             base_dir: Path | None = None, it_power_w: np.ndarray | None = None) -> PlantArrays:
    """Turn a scenario and its weather into kernel arrays (see :mod:`components.facility`).

    ``it_power_w`` (one value per step, W; NaN or negative where unknown) replaces the server
    model's IT power, e.g. to replay metered data.
    """
    ts = weather.timestep_s
    p = np.zeros(len(PARAM))
    it, air, crah, plant, pw = scn.it, scn.air, scn.crah, scn.plant, scn.power

    # IT equipment
    p[PARAM.it_peak_w] = it.design_kw * it.occupancy * 1e3
    p[PARAM.idle_fraction] = it.idle_fraction
    # server fans shrink with the share of heat taken by liquid (assumption: fans serve the air share)
    p[PARAM.fan_fraction] = it.fan_fraction * (1.0 - scn.liquid.fraction)
    p[PARAM.fan_threshold_c] = it.fan_threshold_c
    p[PARAM.fan_slope_per_k] = it.fan_slope_per_k
    p[PARAM.fan_speed_max] = it.fan_speed_max
    p[PARAM.server_delta_t_k] = it.server_delta_t_k
    p[PARAM.load_scale] = 1.0
    assemble_ite(p, it, file)

    # air side
    setpoints = setpoint_schedule(scn)
    p[PARAM.supply_air_c] = setpoints["supply_air_c"][0]
    p[PARAM.recirculation_min] = air.recirculation_min
    p[PARAM.bypass] = air.bypass
    p[PARAM.crah_units] = crah.units
    p_site = weather.mean_pressure
    rho_air = RHO_AIR * p_site / P_STANDARD  # ideal gas at the site's mean pressure
    p[PARAM.crah_unit_flow_kgs] = crah.unit_airflow_m3s * rho_air
    p[PARAM.crah_unit_fan_w] = crah.unit_fan_kw * 1e3
    p[PARAM.crah_unit_capacity_w] = crah.unit_capacity_kw * 1e3
    p[PARAM.crah_variable_speed] = crah.fan_control == "variable"
    p[PARAM.crah_min_speed] = crah.min_speed
    if crah.flow_control == "heat" and crah.fan_control != "variable":
        raise InputError("flow_control = 'heat' needs variable-speed fans (crah.fan_control = 'variable')",
                         file=file, key="crah.flow_control")
    p[PARAM.crah_flow_control] = CRAH_FLOW_CODES[crah.flow_control]
    p[PARAM.crah_design_dt_k] = crah.unit_capacity_kw * 1e3 / (p[PARAM.crah_unit_flow_kgs] * CP_AIR)
    p[PARAM.sensible_heat_ratio] = crah.sensible_heat_ratio
    p[PARAM.envelope_gain_w] = crah.envelope_gain_kw * 1e3
    p[PARAM.indoor_humidity_ratio] = psy.humidity_ratio_from_dew_point(plant.indoor_dew_point_c, p_site)

    # power chain
    ups, ups_design = ups_coefficients(pw, file)
    p[PARAM.pdu_rating_w] = pw.pdu_rating_kw * 1e3
    p[PARAM.pdu_no_load] = pw.pdu_no_load
    p[PARAM.pdu_square_law] = pw.pdu_square_law
    p[PARAM.ups_units] = pw.ups_units * (2 if pw.ups_topology == "2n" else 1)
    p[PARAM.ups_unit_rating_w] = pw.ups_unit_kw * 1e3
    p[PARAM.ups_no_load], p[PARAM.ups_proportional], p[PARAM.ups_square_law] = ups
    p[PARAM.ups_loss_to_room] = pw.ups_loss_to_room
    p[PARAM.lighting_w] = pw.lighting_fraction * it.design_kw * 1e3
    p[PARAM.auxiliary_w] = pw.auxiliary_fraction * it.design_kw * 1e3
    p[PARAM.auxiliary_to_room] = pw.auxiliary_to_room
    p[PARAM.switchgear_square_law] = pw.switchgear_square_law  # rating and transformers: transformer_params
    p[PARAM.generator_heater_w] = pw.generator_kw * 1e3 * pw.generator_heater_fraction

    # cooling plant
    if isinstance(plant.chiller_curves, str):
        curve_row = table_entry("chillers", plant.chiller_curves, "plant.chiller_curves", file)
    else:
        curve_row = plant.chiller_curves.model_dump()
    wanted = CONDENSER_OF_PLANT.get(plant.type, curve_row["condenser"])
    if curve_row["condenser"] != wanted:
        fitting = sorted(k for k, v in data_table("chillers").items() if v["condenser"] == wanted)
        label = plant.chiller_curves if isinstance(plant.chiller_curves, str) else "given"
        raise InputError(f"curve set '{label}' is for '{curve_row['condenser']}' "
                         f"condensers; plant.type '{plant.type}' needs one of {fitting}",
                         file=file, key="plant.chiller_curves")
    curves = curve_array(curve_row, extrapolate=plant.curve_extrapolation == "tangent")
    t1, t2 = curve_row["rated_first_c"], curve_row["rated_second_c"]
    cap_rated = plant.chiller_capacity_kw * 1e3
    capft_rated = chl.biquadratic(curves[0:6], t1, t2)
    eir_rated = chl.biquadratic(curves[6:12], t1, t2) * chl.quadratic(curves[12:15], 1.0)
    p[PARAM.plant_type] = PLANT_CODES[plant.type]
    p[PARAM.chw_supply_c] = setpoints["chw_supply_c"][0]
    p[PARAM.chw_design_dt_k] = plant.chw_design_dt_k
    p[PARAM.chillers_available] = plant.chillers
    p[PARAM.chiller_cap_ref_w] = cap_rated / capft_rated
    p[PARAM.chiller_cop_ref] = plant.chiller_rated_cop * eir_rated
    p[PARAM.stage_up_plr] = plant.stage_up_plr
    chw_flow_m3s = cap_rated / (RHO_WATER * CP_WATER * plant.chw_design_dt_k)
    q_cond_design = cap_rated * (1.0 + 1.0 / plant.chiller_rated_cop)
    cw_flow_kgs = q_cond_design / (CP_WATER * plant.cw_design_dt_k)
    p[PARAM.chw_pump_w] = pump_design_power_w(chw_flow_m3s, plant.chw_pump_head_m, plant.pump_efficiency)
    p[PARAM.chw_pump_variable] = plant.chw_pump_control == "variable"
    p[PARAM.chw_pump_exponent] = plant.chw_pump_exponent
    p[PARAM.chw_pump_min_flow] = plant.chw_pump_min_flow
    p[PARAM.cw_setpoint_c] = setpoints["cw_setpoint_c"][0]
    if plant.type == "water_cooled_chiller":
        p[PARAM.cw_pump_w] = pump_design_power_w(cw_flow_kgs / RHO_WATER, plant.cw_pump_head_m,
                                                 plant.pump_efficiency)
        ntu = design_ntu(plant.tower_design_wet_bulb_c, plant.tower_approach_k, plant.cw_design_dt_k,
                         plant.tower_water_to_air, p_site)
        if not np.isfinite(ntu):
            raise InputError(
                f"a tower with approach {plant.tower_approach_k} K and L/G {plant.tower_water_to_air} "
                f"cannot reach its design point; raise the approach or lower L/G",
                file=file, key="plant.tower_approach_k")
        rho_design = tower_design_density(plant, p_site, file)
        p[PARAM.tower_water_flow_kgs] = cw_flow_kgs
        p[PARAM.tower_air_m3s] = cw_flow_kgs / plant.tower_water_to_air / rho_design
        p[PARAM.tower_ua_per_m3] = ntu * rho_design
        p[PARAM.tower_fan_w] = plant.tower_fan_kw_per_mw * q_cond_design / 1e3
        p[PARAM.tower_variable_speed] = plant.tower_fan_control == "variable"
        p[PARAM.economizer] = plant.economizer
        p[PARAM.economizer_effectiveness] = plant.chw_design_dt_k / (plant.chw_design_dt_k + plant.economizer_approach_k)
        p[PARAM.economizer_margin_k] = plant.economizer_margin_k
        if plant.economizer_control == "temperature" and plant.economizer_tower == "cheapest":
            raise InputError("economizer_control = 'temperature' needs economizer_tower 'flat_out' or 'setpoint'",
                             file=file, key="plant.economizer_tower")
        p[PARAM.economizer_control] = ECONOMIZER_CONTROL_CODES[plant.economizer_control]
        p[PARAM.economizer_tower] = ECONOMIZER_TOWER_CODES[plant.economizer_tower]
    elif plant.economizer:
        raise InputError("a water-side economizer needs plant.type = 'water_cooled_chiller'",
                         file=file, key="plant.economizer")
    if plant.pumped_refrigerant and plant.type != "dx":
        raise InputError(f"a pumped-refrigerant economizer needs plant.type = 'dx', not '{plant.type}'",
                         file=file, key="plant.pumped_refrigerant")
    p[PARAM.condenser_fan_w_per_w] = plant.condenser_fan_w_per_kw / 1e3
    p[PARAM.dx_coil_a0_kgs] = _dx_coil_a0(plant, curve_row, file)
    # read by the IEC plant only (its DX trim); other plants skip the grid and its compilation
    p[PARAM.dx_cop_upper] = chl.cop_upper_bound(curves, p[PARAM.chiller_cop_ref]) if plant.type == "iec" else 0.0
    _inverter_params(p, plant, curve_row, rho_air, file)
    p[PARAM.pre_economizer] = plant.pumped_refrigerant
    p[PARAM.pre_design_w] = plant.chillers * cap_rated
    p[PARAM.pre_design_dt_k] = plant.pumped_refrigerant_design_dt_k
    p[PARAM.pre_power_w_per_w] = plant.pumped_refrigerant_w_per_kw / 1e3
    table = plant.pumped_refrigerant_capacity or []
    p[PARAM.pre_table_points] = len(table)
    p[PARAM.pre_table_return_c] = (np.nan if plant.pumped_refrigerant_table_return_c is None
                                   else plant.pumped_refrigerant_table_return_c)
    for k, (dt, frac) in enumerate(table):
        p[PARAM.pre_table_dt0 + k] = dt
        p[PARAM.pre_table_f0 + k] = frac
    # every evaporative device (towers, IEC spray, the liquid loop's tower) blows down at these
    p[PARAM.cycles_of_concentration] = plant.cycles_of_concentration
    p[PARAM.drift_fraction] = plant.drift_fraction
    p[PARAM.timestep_s] = ts
    p[PARAM.hotspot_factor] = air.hotspot_factor
    p[PARAM.coil_approach_k] = crah.coil_approach_k
    p[PARAM.cw_reset] = plant.cw_setpoint_mode == "wet_bulb_reset"
    p[PARAM.cw_reset_approach_k] = plant.cw_reset_approach_k
    p[PARAM.cw_reset_min_c], p[PARAM.cw_reset_max_c] = plant.cw_reset_range_c
    _liquid_params(p, scn, p_site, file)
    _iec_params(p, scn, rho_air)
    _air_economizer_params(p, scn, rho_air)
    _storage_params(p, scn, file)
    p[PARAM.district_pump_w_per_w] = scn.district_cooling.pump_w_per_kw / 1e3

    # boundary conditions
    b = np.empty((len(BOUNDARY), len(weather.time)))
    b[BOUNDARY.temp_air] = weather.temp_air
    b[BOUNDARY.temp_wet_bulb] = weather.temp_wet_bulb
    b[BOUNDARY.h_air] = weather.enthalpy
    b[BOUNDARY.pressure] = weather.pressure
    b[BOUNDARY.temp_dew] = weather.temp_dew
    b[BOUNDARY.humidity_ratio] = weather.humidity_ratio
    b[BOUNDARY.dry_air_density] = weather.dry_air_density
    b[BOUNDARY.tou_period] = tou_periods(weather) if scn.thermal_storage.kind != "none" else tes.PERIOD_FLAT
    b[BOUNDARY.utilisation] = utilisation_series(it, weather.time, ts, base_dir=base_dir, file=file)
    b[BOUNDARY.it_power_w] = -1.0
    if it_power_w is not None:
        measured = np.asarray(it_power_w, dtype=float)
        b[BOUNDARY.it_power_w] = np.where(np.isfinite(measured) & (measured >= 0.0), measured, -1.0)

    design = {
        "it_design_kw": it.design_kw,
        "racks": it.racks,
        "kw_per_rack": it.design_kw / it.racks,
        "chiller_capacity_total_kw": plant.chiller_capacity_kw * plant.chillers,
        "crah_capacity_total_kw": crah.unit_capacity_kw * crah.units,
        "ups_capacity_kw": pw.ups_unit_kw * pw.ups_units,
        **ups_design,
    }
    state = np.zeros(len(STATE))
    power = power_setup(scn, file=file)
    design.update(assemble_power(p, state, scn, power, weather, file=file))  # power chain and storage (issue 4)
    refuse_impossible_sizes(p, scn, file=file)  # a capacity below 1 % of its load is an input error
    design.update(transformer_params(p, b, curves, state, scn, file))  # last: sized on the assembled plant
    return PlantArrays(scenario=scn, weather=weather, boundary=b, params=p, curves=curves,
                       timestep_s=ts, initial_state=state, power=power, monthly_setpoints=setpoints,
                       design=design, bins=_bin_widths(scn, p, b, file))


def _bin_widths(scn: Scenario, p: np.ndarray, b: np.ndarray, file: str | None) -> tuple[float, float, float] | None:
    """The bin widths of ``scenario.method = 'bins'``, after checking the method is valid here."""
    s = scn.scenario
    if s.method != "bins":
        return None
    if p[PARAM.tes_capacity_j] > 0.0:
        raise InputError("method 'bins' needs a plant without thermal storage (its charge carries from one "
                         "step to the next); use method = 'steps'", file=file, key="scenario.method")
    if (b[BOUNDARY.it_power_w] >= 0.0).any():
        raise InputError("method 'bins' cannot replay metered IT power (every metered step is a load of its "
                         "own); use method = 'steps'", file=file, key="scenario.method")
    return (s.bin_wet_bulb_k, s.bin_dry_bulb_k, s.bin_utilisation)


def tou_periods(weather: Weather) -> np.ndarray:
    """Guangdong time-of-use period code of every step (valley 0, flat 1, peak 2, critical 3)."""
    from twin.inputs.tariffs import load_tou, weather_periods

    names, _ = weather_periods(weather, load_tou("guangdong_tou_2021"))
    return np.array([TOU_CODES[n] for n in names], dtype=float)


def _dx_coil_a0(plant, curve_row: dict, file: str | None) -> float:
    """``-ln(CBF_rated) m_rated`` of one DX coil (:mod:`components.cooling.dx_coil`); 0 when not used. [kg/s]"""
    if plant.type not in ("dx", "iec") or not plant.dx_dry_coil:
        return 0.0
    shr = plant.dx_rated_shr or curve_row.get("rated_shr")
    flow = plant.dx_rated_air_flow_m3s_per_kw or curve_row.get("rated_air_flow_m3s_per_kw")
    if shr is None or flow is None:
        raise InputError("the DX curve set gives no rated_shr / rated_air_flow_m3s_per_kw; give "
                         "plant.dx_rated_shr and plant.dx_rated_air_flow_m3s_per_kw, or set plant.dx_dry_coil = false",
                         file=file, key="plant.dx_dry_coil")
    # rating conditions are at standard pressure (AHRI 210/240), whatever the site's altitude
    m_rated = flow * plant.chiller_capacity_kw * RHO_AIR
    cbf = dx_coil.rated_bypass_factor(plant.chiller_capacity_kw * 1e3, m_rated, shr, P_STANDARD)
    if not 0.0 < cbf < 1.0:
        raise InputError(f"a DX coil with rated SHR {shr} and {flow} m3/s per kW has no apparatus dew point "
                         f"(bypass factor {cbf:.3g}); check plant.dx_rated_shr", file=file, key="plant.dx_rated_shr")
    return -float(np.log(cbf)) * m_rated


def _inverter_params(p: np.ndarray, plant, curve_row: dict, rho_air: float, file: str | None) -> None:
    """Speed table of inverter DX units (:mod:`components.cooling.dx_variable_speed`) from a
    ``variable_speed`` curve set; nothing for a single-speed set.

    The scenario's ``chiller_capacity_kw`` and ``chiller_rated_cop`` rate the top speed at the set's
    rating point and rated air flow; the other speeds keep the set's capacity, COP and air-flow
    ratios to the top speed (the flows give each speed's bypass factor and, with
    ``plant.dx_flow_fraction_curves``, its flow fraction; ``dx_rated_*`` keys apply to the top speed).
    """
    if not curve_row.get("variable_speed"):
        if plant.dx_flow_fraction_curves:
            raise InputError("needs a variable-speed (inverter) curve set; the single-speed sets have no flow-fraction "
                             "curves", file=file, key="plant.dx_flow_fraction_curves")
        return
    if plant.type != "dx":
        raise InputError(f"a variable-speed (inverter) curve set needs plant.type = 'dx', not '{plant.type}'",
                         file=file, key="plant.chiller_curves")
    caps = np.asarray(curve_row["speed_capacity_w"], dtype=float)
    cops = np.asarray(curve_row["speed_cop"], dtype=float)
    flows = np.asarray(curve_row["speed_air_flow_m3s"], dtype=float)
    n = len(caps)
    if not 2 <= n <= vs.MAX_SPEEDS or np.any(np.diff(caps) <= 0.0):
        raise InputError(f"an inverter set needs 2-{vs.MAX_SPEEDS} speeds with capacities rising, got {list(caps)}",
                         file=file, key="plant.chiller_curves")
    p[PARAM.dx_speeds] = n
    p[PARAM.dx_plf0:PARAM.dx_plf2 + 1] = curve_row["plf"]
    p[PARAM.dx_plf_min] = curve_row["plf_min"]
    p[PARAM.dx_speed_cap0:PARAM.dx_speed_cap0 + n] = p[PARAM.chiller_cap_ref_w] * caps / caps[-1]
    p[PARAM.dx_speed_cop0:PARAM.dx_speed_cop0 + n] = p[PARAM.chiller_cop_ref] * cops / cops[-1]
    flow = plant.dx_rated_air_flow_m3s_per_kw or curve_row["rated_air_flow_m3s_per_kw"]
    m_top = flow * plant.chiller_capacity_kw * RHO_AIR  # rated at standard pressure, as _dx_coil_a0
    if plant.dx_flow_fraction_curves:  # the fans move volume: the flow fraction compares the site's mass flows
        p[PARAM.dx_speed_m0:PARAM.dx_speed_m0 + n] = m_top * rho_air / RHO_AIR * flows / flows[-1]
        p[PARAM.dx_capfff0:PARAM.dx_fff_max + 1] = [*curve_row["capfff"], *curve_row["eirfff"], *curve_row["fff_range"]]
    if p[PARAM.dx_coil_a0_kgs] <= 0.0:
        return  # dry-coil adjustment off
    for k in range(n):
        shr = plant.dx_rated_shr or curve_row["speed_shr"][k]
        a0 = vs.speed_a0_kgs(plant.chiller_capacity_kw * 1e3 * caps[k] / caps[-1], m_top * flows[k] / flows[-1],
                             shr, P_STANDARD)
        if not np.isfinite(a0):
            raise InputError(f"speed {k + 1} of the inverter set (rated SHR {shr}) has no apparatus dew point; "
                             "check plant.dx_rated_shr", file=file, key="plant.dx_rated_shr")
        p[PARAM.dx_speed_a00 + k] = a0


def _dry_cooler_params(p: np.ndarray, liq, q_design: float, file: str | None) -> None:
    """Dry coolers sized at their design point: design load at full fan with the outdoor air
    ``liquid.dry_cooler_approach_k`` below the mean facility water, the water entering at supply plus
    range and the air warming by ``liquid.dry_cooler_air_rise_k`` (:mod:`components.cooling.liquid`)."""
    difference = liq.dry_cooler_approach_k + 0.5 * liq.range_k  # entering water minus design outdoor air
    c_water, c_air = q_design / liq.range_k, q_design / liq.dry_cooler_air_rise_k
    ua = dry_cooler_design_ua(q_design, difference, c_water, c_air)
    if not np.isfinite(ua):
        largest = MAX_DESIGN_EFFECTIVENESS * difference
        key = "dry_cooler_air_rise_k" if liq.dry_cooler_air_rise_k >= liq.range_k else "dry_cooler_approach_k"
        raise InputError(f"no dry cooler reaches its design point: the air rise {liq.dry_cooler_air_rise_k:g} K and the "
                         f"range {liq.range_k:g} K must both stay below {largest:.3g} K ({MAX_DESIGN_EFFECTIVENESS:g} x "
                         f"(approach {liq.dry_cooler_approach_k:g} K + half the range)); lower the rise or raise the approach",
                         file=file, key=f"liquid.{key}")
    p[PARAM.dry_cooler_ua_w_per_k] = ua
    p[PARAM.dry_cooler_air_w_per_k] = c_air
    p[PARAM.dry_cooler_fan_w] = liq.dry_cooler_fan_w_per_kw * q_design / 1e3


def _liquid_params(p: np.ndarray, scn: Scenario, p_site: float, file: str | None) -> None:
    liq = scn.liquid
    p[PARAM.liquid_fraction] = liq.fraction
    p[PARAM.liquid_supply_c] = WATER_CLASS_SUPPLY_C[liq.water_class]
    p[PARAM.liquid_range_k] = liq.range_k
    p[PARAM.liquid_rejection] = LIQUID_REJECTION_CODES[liq.rejection]
    p[PARAM.liquid_pump_fraction] = liq.pump_fraction
    q_design = liq.fraction * p[PARAM.it_peak_w] * (1.0 + liq.pump_fraction)
    if liq.fraction > 0 and liq.rejection == "dry_cooler":
        _dry_cooler_params(p, liq, q_design, file)
    if liq.fraction > 0 and liq.rejection == "tower":
        # tower cells sized like the plant's: design wet bulb, approach, L/G and fan power per MW
        plant = scn.plant
        ntu = design_ntu(plant.tower_design_wet_bulb_c, liq.tower_approach_k, liq.range_k,
                         plant.tower_water_to_air, p_site)
        if not np.isfinite(ntu):
            raise InputError(f"a liquid-loop tower with approach {liq.tower_approach_k} K and L/G "
                             f"{plant.tower_water_to_air} cannot reach its design point; raise the approach",
                             file=file, key="liquid.tower_approach_k")
        water = q_design / (CP_WATER * liq.range_k)
        rho_design = tower_design_density(plant, p_site, file)
        p[PARAM.liquid_tower_water_kgs] = water
        p[PARAM.liquid_tower_air_m3s] = water / plant.tower_water_to_air / rho_design
        p[PARAM.liquid_tower_ua_per_m3] = ntu * rho_design
        p[PARAM.liquid_tower_fan_w] = plant.tower_fan_kw_per_mw * q_design / 1e3
    if liq.fraction > 0 and liq.rejection == "dry_cooler" and scn.plant.type == "district":
        raise InputError("liquid cooling with dry coolers needs a chiller plant for trim; use "
                         "rejection = 'chillers' with district cooling", file=file, key="liquid.rejection")


def tower_design_density(plant, p_site: float, file: str | None = None) -> float:
    """Dry air per volume of the towers' design inlet air (``plant.tower_design_dry_bulb_c`` and
    ``tower_design_wet_bulb_c`` at the site's mean pressure ``p_site`` [Pa]), where their L/G is a
    mass ratio. [kg/m3]

    The fans move the volume this air fills at L/G, so the air's mass flow follows the outdoor
    density (:func:`components.cooling.cooling_tower.cell_air`)."""
    t_db, t_wb = plant.tower_design_dry_bulb_c, plant.tower_design_wet_bulb_c
    if t_db < t_wb:
        raise InputError(f"the towers' design dry bulb {t_db} degC is below their design wet bulb {t_wb} degC; "
                         f"allowed: {t_wb}-50 degC", file=file, key="plant.tower_design_dry_bulb_c")
    w = float(psy.humidity_ratio_from_wet_bulb(t_db, t_wb, p_site))
    return 1.0 / float(psy.moist_air_specific_volume(t_db, w, p_site))


def _iec_params(p: np.ndarray, scn: Scenario, rho_air: float) -> None:
    iec, crah = scn.iec, scn.crah
    modifier = data_table("iec", "flow_modifier")
    secondary_m3s = iec.secondary_flow_ratio * crah.unit_airflow_m3s * crah.units
    p[PARAM.iec_eff_wb] = iec.effectiveness_wet
    p[PARAM.iec_eff_db] = iec.effectiveness_dry
    p[PARAM.iec_secondary_kgs] = secondary_m3s * rho_air
    p[PARAM.iec_fan_w] = iec.secondary_fan_w_per_m3s * secondary_m3s
    p[PARAM.iec_pump_w] = iec.pump_w_per_m3s * secondary_m3s
    p[PARAM.iec_dew_point_factor] = iec.dew_point_factor
    p[PARAM.iec_mod_c0:PARAM.iec_mod_c3 + 1] = modifier["coefficients"]
    p[PARAM.iec_mod_min], p[PARAM.iec_mod_max] = modifier["x_range"]


def _air_economizer_params(p: np.ndarray, scn: Scenario, rho_air: float) -> None:
    eco = scn.air_economizer
    p[PARAM.air_economizer] = eco.enabled
    p[PARAM.economizer_dew_min_c], p[PARAM.economizer_dew_max_c] = eco.dew_point_range_c
    p[PARAM.direct_evaporative] = eco.enabled and eco.evaporative
    p[PARAM.evaporative_effectiveness] = eco.evaporative_effectiveness
    p[PARAM.evaporative_pump_w_per_kgs] = eco.evaporative_pump_w_per_m3s / rho_air
    p[PARAM.economizer_humidify] = eco.enabled and eco.humidify


def _storage_params(p: np.ndarray, scn: Scenario, file: str | None) -> None:
    st = scn.thermal_storage
    cap_default, cop_default = TES_DEFAULT_FACTORS[st.kind]
    p[PARAM.tes_capacity_factor] = st.capacity_factor or cap_default
    p[PARAM.tes_cop_factor] = st.cop_factor or cop_default
    # the plate HX chills water, it cannot make ice (components.plant.chilled_water._water_cooled_plant)
    p[PARAM.tes_economizer_charges] = st.kind == "chilled_water"
    if st.kind == "none":
        return
    if scn.plant.type != "water_cooled_chiller":
        raise InputError("thermal storage needs plant.type = 'water_cooled_chiller'", file=file,
                         key="thermal_storage.kind")
    for key in ("capacity_kwh", "charge_kw", "discharge_kw"):
        if getattr(st, key) <= 0:
            raise InputError(f"must be > 0 when thermal storage is used (kind = '{st.kind}')", file=file,
                             key=f"thermal_storage.{key}")
    p[PARAM.tes_capacity_j] = st.capacity_kwh * 3.6e6
    p[PARAM.tes_charge_w] = st.charge_kw * 1e3
    p[PARAM.tes_discharge_w] = st.discharge_kw * 1e3
    p[PARAM.tes_loss_per_s] = st.loss_per_day / 86400.0
