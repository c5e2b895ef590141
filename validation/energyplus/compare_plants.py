"""dctwin side by side with every EnergyPlus reference plant of ``plant_models.py``, on seven climates.

Usage (from the repository root)::

    .venv/bin/python validation/energyplus/compare_plants.py               # every model and city
    .venv/bin/python validation/energyplus/compare_plants.py --model dx    # one model
    .venv/bin/python validation/energyplus/compare_plants.py --model dx guangzhou

For each model and city it reads ``reference_<stem>.json`` (written by ``run_energyplus.py``),
derives the same plant in dctwin's terms from the reference's parameters only (nothing is fitted
to EnergyPlus's results), writes it as ``scenario_<stem>.toml``, runs dctwin on it and compares
the annual PUE on EnergyPlus's boundary ((IT + cooling) / IT, as ``compare.py``).  Per model it
reports the difference in each climate and the spread (max - min over the climates) of both.
Results go to ``comparison_plants.json``.  ``compare.py`` stays the detailed (timed, hourly)
comparison of the original water-cooled reference.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import compare  # noqa: E402  (also puts the repository root on sys.path)
import run_energyplus  # noqa: E402

CITIES = tuple(run_energyplus.CITIES)


def derive_water_cooled(ref: dict) -> tuple[dict, dict]:
    """The water-cooled reference (with or without economizer) in dctwin terms."""
    scenario, notes = compare.derive_scenario(ref)
    eco = ref["plant"]["parameters"].get("economizer")
    if eco:
        plant = scenario["plant"]
        eps = eco["design_effectiveness"]
        # dctwin: eps = chw_design_dt / (chw_design_dt + approach)  ->  approach = dt (1 - eps) / eps
        plant["economizer"] = True
        plant["economizer_approach_k"] = plant["chw_design_dt_k"] * (1.0 - eps) / eps
        plant["economizer_margin_k"] = eco["min_delta_t_k"]
        notes["economizer_approach_k"] = (f"EnergyPlus plate HX effectiveness {eps} (UA {eco['ua_w_per_k']:.0f} W/K at the "
                                          f"design flows) = dctwin's chw_design_dt / (chw_design_dt + approach)")
        notes["economizer_margin_k"] = "EnergyPlus: HX on when tower water is this much colder than the CHW return"
        plant["economizer_control"] = "temperature"
        plant["economizer_tower"] = "setpoint"
        notes["economizer_control"] = ("EnergyPlus's EMS makes the HX available whenever the tower water is the margin "
                                       "colder than the return, whatever it costs; its towers keep the wet-bulb reset")
    return scenario, notes


def derive_cold_plate(ref: dict) -> tuple[dict, dict]:
    """The cold-plate hall (liquid heat to the chilled water) in dctwin terms.

    dctwin's ``liquid.fraction`` phi is both the cold-plated share of the servers (their fans go:
    fan fraction x (1 - phi)) and the share of IT heat in the liquid; EnergyPlus's IT is the
    air-cooled ITE at schedule 1 - phi plus the fan-less cold-plated servers, which is dctwin's
    IT power exactly when phi = the share of servers.  dctwin's pump_fraction is per W of
    liquid heat phi x IT, so it is EnergyPlus's pump power over that. [-]
    """
    import plant_models

    scenario, notes = derive_water_cooled(ref)
    par = ref["plant"]["parameters"]
    liq = par["liquid"]
    phi = liq["fraction_of_it"]
    it_w = plant_models.dc.derived(par)["ite_total_w"] + liq["it_power_w"]
    scenario["liquid"] = {"kind": "cold_plate", "fraction": phi, "rejection": "chillers",
                          "pump_fraction": liq["pump_power_w"] / (phi * it_w)}
    notes["liquid"] = (f"EnergyPlus: {1 - phi:.0%} of the servers as ITE with fans, {phi:.0%} fan-less on cold plates "
                       f"({liq['it_power_w'] / 1e3:.1f} kW); IT {it_w / 1e3:.2f} kW; the liquid heat and the "
                       f"{liq['pump_power_w'] / 1e3:.2f} kW of facility pumps go into the chilled water: rejection "
                       f"'chillers', pump_fraction = {liq['pump_power_w']:.1f} W / ({phi} x {it_w:.0f} W). dctwin puts "
                       f"phi of every server's heat (fans included) in the liquid, {phi * it_w / 1e3 - liq['it_power_w'] / 1e3:.1f} "
                       "kW more than EnergyPlus; both go to the same chiller")
    return scenario, notes


#: dctwin curve set of each DX reference model
DX_CURVE_SETS = {"dx": "dx_carrier_50pg24_eplus", "dx_inverter": "dx_inverter_eplus_heatpumpvsas",
                 "dx_pre": "dx_liebert_dse_compressor_eplus",
                 "air_econ_evap_dx": "dx_carrier_50pg24_eplus", "iec_dx": "dx_carrier_50pg24_eplus"}


def _dx_curve_set(ref: dict) -> tuple[str, dict]:
    """dctwin's curve set for the DX reference ``ref``, checked against the reference: the same
    coefficients (``dx``), or the compressor-mode fit of the reference's tables (``dx_pre``)."""

    import plant_models
    from twin.inputs.component_data import data_table

    dx = ref["plant"]["parameters"]["dx_coil"]
    name = DX_CURVE_SETS[ref["model"]]
    curves = data_table("chillers")[name]
    if dx["capft"]["type"] == "Table:Lookup":
        fit = plant_models.compressor_mode_fit(ref["plant"]["parameters"])
        expected = {k: fit[k]["coefficients"] for k in ("capft", "eirft")}
    else:
        expected = {k: dx[k]["coefficients"] for k in ("capft", "eirft")}
    for key, coef in expected.items():  # the same curve set must be in both models
        assert np.allclose(curves[key], coef, rtol=1e-9, atol=1e-12), key
    return name, curves


def pumped_refrigerant_keys(ref: dict, capacity_kw: float) -> tuple[dict, dict]:
    """dctwin's pumped-refrigerant keys from the reference's EIR table, and their notes.

    * w_per_kw: in full pump mode EnergyPlus draws P = Q_full EIR_min EIRFFF(ff) / COP RTF with
      RTF = PLR / PLF(PLR), i.e. P / Q_coil = EIR_min EIRFFF(ff) / (COP PLF(PLR)) at the hall's
      load (PLR = Q_hall / (Q_rated CapFFF(ff) CapFT), CapFT = 1 in the table's cold column). [W/kW]
    * capacity table: the EIR table mixes the two modes below the compressor-only points.  At an
      outdoor point T_k with ratio E_k, read it as the pump circuits carrying the share
      s_k = (E_c - E_k) / (E_c - E_min) of the hall's load, with E_c the compressor-only ratio that
      dctwin holds below the table's compressor-only points (at their lowest, 32.11 degC) and E_min
      the floor (pumps only): then the two modes' energies add up to the table's at the hall's load.
      As dctwin's table: dT_k = T_return - T_k (the hall's design return air) and the fraction of the
      installed capacity s_k Q_hall / Q_installed, for every table point from the floor up, read
      against the outdoor air alone (``pumped_refrigerant_table_return_c`` = T_return), as EnergyPlus
      reads its table.
    """
    import plant_models
    from components.cooling.chiller import quadratic

    par = ref["plant"]["parameters"]
    dx = par["dx_coil"]
    d = plant_models.dc.derived(par)
    q_hall = d["ite_total_w"] + d["crah_fan_w"]
    eir = dx["eirft"]
    n_y = len(eir["y_grid"])
    row = eir["values"][:n_y]
    eir_min = min(row)
    t_floor = max(y for y, v in zip(eir["y_grid"], row) if v == eir_min)
    cap = dx["capft"]
    cold = [cap["values"][k * len(cap["y_grid"])] for k in range(len(cap["x_grid"]))]
    assert max(cold) == min(cold), "CapFT varies with wet bulb in the cold column"
    ff = par["crah"]["air_flow_m3s"] / dx["rated_air_flow_m3s"]
    eirfff = quadratic(np.asarray(dx["eirfff"]["coefficients"], float), ff)
    plr = q_hall / (dx["rated_capacity_w"] * quadratic(np.asarray(dx["capfff"]["coefficients"], float), ff) * cold[0])
    plf = quadratic(np.asarray(dx["plffplr"]["coefficients"], float), plr)
    w_per_kw = eir_min * eirfff / (dx["rated_cop"] * plf) * 1e3
    t_return = plant_models.hall_return_air_c(par)
    t_comp = min(y for y in eir["y_grid"] if y >= t_return)  # lowest compressor-only point
    eir_comp = row[eir["y_grid"].index(t_comp)]
    points = [(t_return - y, (eir_comp - v) / (eir_comp - eir_min) * q_hall / (capacity_kw * 1e3))
              for y, v in sorted(zip(eir["y_grid"], row), reverse=True) if t_floor <= y < t_return]
    table = [[round(dt, 4), round(f, 6)] for dt, f in points]
    keys = {"pumped_refrigerant": True, "pumped_refrigerant_capacity": table,
            "pumped_refrigerant_table_return_c": round(t_return, 4), "pumped_refrigerant_w_per_kw": w_per_kw}
    notes = {
        "pumped_refrigerant_w_per_kw": (f"EIR table floor {eir_min} x EIRFFF({ff:.3f}) {eirfff:.4f} / (COP {dx['rated_cop']} x "
                                        f"PLF(PLR {plr:.3f}) {plf:.4f}) = {w_per_kw:.2f} W per kW of coil load"),
        "pumped_refrigerant_capacity": (
            f"the EIR table's points from {t_floor} degC (floor {eir_min}, pumps only) to below the hall's return air "
            f"{t_return:.2f} degC: pump share of the {q_hall / 1e3:.1f} kW load s = ({eir_comp} - E) / ({eir_comp} - "
            f"{eir_min}), {eir_comp} = the compressor-only ratio at {t_comp} degC that dctwin holds below it; "
            f"dT = {t_return:.2f} - T_outdoor, fraction = s x {q_hall / 1e3:.1f} / {capacity_kw:.1f} kW installed"),
        "pumped_refrigerant_table_return_c": ("the hall's design return air: EnergyPlus's table is in the outdoor dry "
                                              "bulb alone, so dctwin reads the table against the outdoor air too"),
    }
    return keys, notes


def derive_dx(ref: dict) -> tuple[dict, dict]:
    """The DX computer room (``dx``, ``dx_pre``) in dctwin terms."""
    from components.cooling.chiller import quadratic
    from components.psychrometrics import (dew_point_from_humidity_ratio, humidity_ratio_from_dew_point,
                                           wet_bulb_from_humidity_ratio)
    from twin.inputs.schema import Plant

    par = ref["plant"]["parameters"]
    dx = par["dx_coil"]
    name, curves = _dx_curve_set(ref)
    # EnergyPlus multiplies by the flow-fraction curves at the hall's flow over the rated flow
    ff = par["crah"]["air_flow_m3s"] / dx["rated_air_flow_m3s"]
    capfff = quadratic(np.asarray(dx["capfff"]["coefficients"], float), ff)
    eirfff = quadratic(np.asarray(dx["eirfff"]["coefficients"], float), ff)
    if "speeds" in dx:  # dctwin's inverter units take each speed's flow-fraction curves themselves (below)
        for key in ("capfff", "eirfff"):
            assert list(curves[key]) == list(dx[key]["coefficients"]), key
        capfff = eirfff = 1.0
    cap_kw, cop = compare.rated_point(curves, dx["rated_capacity_w"] * capfff, dx["rated_cop"] / eirfff)
    # the sealed hall keeps one humidity ratio all year (see the reference); dctwin takes a dew point
    p_site = ref["site"]["standard_pressure_pa"]
    dew = float(dew_point_from_humidity_ratio(ref["mean_zone_humidity_ratio"], p_site))
    low = Plant.model_fields["indoor_dew_point_c"].metadata[0].ge
    # the coil's entering air: the zone air plus the fan's heat (the fan is ahead of the coil)
    fan_w = ref["annual_fan_kwh"] / 8.76  # kWh a year -> mean W
    t_coil_in = ref["mean_zone_air_c"] + fan_w / (ref["crah_air_mass_flow_kg_s"] * 1006.0)  # degC
    wb_raise = (float(wet_bulb_from_humidity_ratio(t_coil_in, humidity_ratio_from_dew_point(low, p_site), p_site))
                - float(wet_bulb_from_humidity_ratio(t_coil_in, ref["mean_zone_humidity_ratio"], p_site)))
    scenario = compare.hall_sections(ref, dx["rated_capacity_w"])
    scenario["plant"] = {"type": "dx", "chillers": dx["count"], "chiller_capacity_kw": cap_kw,
                         "chiller_rated_cop": cop, "chiller_curves": name, "curve_extrapolation": "hold",
                         "stage_up_plr": 1.0,
                         "dx_rated_shr": dx["rated_sensible_heat_ratio"],
                         "dx_rated_air_flow_m3s_per_kw": dx["rated_air_flow_m3s"] / (
                             cap_kw if "speeds" in dx else dx["rated_capacity_w"] / 1e3),
                         "indoor_dew_point_c": max(dew, low)}
    notes = {
        "chiller_capacity_kw": (f"{dx['rated_capacity_w'] / 1e3:.0f} kW x CapFFF({ff:.3f}) {capfff:.5f} x CapFT"
                                f"({curves['rated_first_c']}, {curves['rated_second_c']}) = {cap_kw:.2f} kW"),
        "chiller_rated_cop": (f"{dx['rated_cop']} / EIRFFF({ff:.3f}) {eirfff:.5f} / (EIRFT x EIRFPLR(1) at rating) "
                              f"= {cop:.4f}"),
        "indoor_dew_point_c": (f"EnergyPlus zone humidity ratio {ref['mean_zone_humidity_ratio']:.5f} -> dew point "
                               f"{dew:.2f} degC" + (f"; below dctwin's lower limit {low} degC, so {low} degC is used "
                                                    f"(entering wet bulb {wb_raise:.2f} K higher than EnergyPlus's at "
                                                    f"{t_coil_in:.1f} degC; with the higher entering enthalpy, the "
                                                    "dry-out wet bulb the curves of a dry coil take is higher too)"
                                                    if dew < low else "")),
        "power_chain": "excluded from the comparison (EnergyPlus has none); its losses are kept out of the room",
        "dx_rated_shr": "EnergyPlus Gross Rated Sensible Heat Ratio and Rated Air Flow Rate: the coil bypass factor "
                        "of the dry-coil adjustment (components/cooling/dx_coil.py)",
    }
    if "speeds" in dx:
        scenario["plant"]["dx_flow_fraction_curves"] = True
        notes["chiller_capacity_kw"] = (f"{dx['rated_capacity_w'] / 1e3:.0f} kW at the top speed x CapFT"
                                        f"({curves['rated_first_c']}, {curves['rated_second_c']}) = {cap_kw:.2f} kW")
        notes["chiller_rated_cop"] = f"{dx['rated_cop']} / (EIRFT at rating) = {cop:.4f}"
        notes["dx_flow_fraction_curves"] = (f"EnergyPlus's constant {par['crah']['air_flow_m3s']} m3/s fan: every speed takes "
                                            "CapFFF and EIRFFF at that flow over its own rated flow")
        notes["dx_rated_air_flow_m3s_per_kw"] = (f"EnergyPlus rated flow {dx['rated_air_flow_m3s']:.2f} m3/s at the top speed "
                                                 "over dctwin's capacity, so that both rate the same air flow")
    if dx["eirft"]["type"] == "Table:Lookup":
        keys, pre_notes = pumped_refrigerant_keys(ref, cap_kw)
        scenario["plant"].update(keys)
        notes.update(pre_notes)
    if "outdoor_air" in par:
        scenario["air_economizer"], oa_notes = air_economizer_keys(par["outdoor_air"])
        notes.update(oa_notes)
    if "iec" in par:
        scenario["plant"]["type"] = "iec"
        scenario["iec"], iec_notes = iec_keys(par["iec"])
        notes.update(iec_notes)
    return scenario, notes


def iec_keys(c: dict) -> tuple[dict, dict]:
    """dctwin's [iec] section for the reference's indirect evaporative cooler, and its notes."""
    import numpy as np

    from twin.inputs.component_data import data_table

    modifier = data_table("iec", "flow_modifier")  # the same curve must be in both models
    assert np.allclose(modifier["coefficients"], c["effectiveness_modifier"]["coefficients"], rtol=0, atol=0)
    for key, shape in (("fan_modifier", [0, 0, 0, 1]), ("pump_modifier", [0, 1, 0, 0])):
        assert list(c[key]["coefficients"]) == shape, f"dctwin's IEC {key} is {shape}"
    keys = {"effectiveness_wet": c["wetbulb_design_effectiveness"], "effectiveness_dry": c["drybulb_design_effectiveness"],
            "secondary_flow_ratio": c["secondary_design_flow_m3s"] / c["primary_design_flow_m3s"],
            "secondary_fan_w_per_m3s": c["secondary_fan_design_power_w"] / c["secondary_design_flow_m3s"],
            "pump_w_per_m3s": c["pump_design_power_w"] / c["secondary_design_flow_m3s"],
            "dew_point_factor": c["dewpoint_effectiveness_factor"]}
    notes = {"iec": ("EnergyPlus EvaporativeCooler:Indirect:ResearchSpecial: design effectiveness wet/dry, flows, fan and "
                     "pump design power and dew-point factor copied; the flow-modifier curve is dctwin's own "
                     "(components/data/iec.toml), fan ~ ff^3, pump ~ ff as in dctwin")}
    return keys, notes


def air_economizer_keys(oa: dict) -> tuple[dict, dict]:
    """dctwin's [air_economizer] section for the reference's outdoor-air stage, and its notes."""
    pad = oa["evaporative_cooler"]
    keys = {"enabled": True, "dew_point_range_c": list(oa["dew_point_range_c"]), "evaporative": True,
            "evaporative_effectiveness": pad["design_effectiveness"],
            "evaporative_pump_w_per_m3s": pad["pump_design_power_w"] / pad["primary_air_design_flow_m3s"]}
    notes = {"air_economizer": (f"EnergyPlus {oa['controller']} {oa['economizer_control_type']}, dew point "
                                f"{oa['dew_point_range_c']} degC; {pad['object']} effectiveness {pad['design_effectiveness']}, "
                                f"pump {pad['pump_design_power_w']:.0f} W at {pad['primary_air_design_flow_m3s']} m3/s")}
    return keys, notes


def derive_air_cooled(ref: dict) -> tuple[dict, dict]:
    """The air-cooled chiller plant in dctwin terms."""
    from twin.inputs.component_data import data_table

    par = ref["plant"]["parameters"]
    ch = par["chiller"]
    name = "trane_cgam130_air_cooled"
    curves = data_table("chillers")[name]
    for key in ("capft", "eirft", "eirfplr"):  # the same curve set must be in both models
        assert np.allclose(curves[key], ch[key]["coefficients"], rtol=1e-12, atol=0), key
    cap_kw, cop = compare.rated_point(curves, ch["reference_capacity_w"], ch["reference_cop"])
    scenario = compare.hall_sections(ref, ch["reference_capacity_w"])
    scenario["plant"] = {"type": "air_cooled_chiller", "chillers": ch["count"], "chiller_capacity_kw": cap_kw,
                         "chiller_rated_cop": cop, "chiller_curves": name, "curve_extrapolation": "hold",
                         "stage_up_plr": 1.0, **compare.chw_pump_keys(par["chw_loop"], cap_kw),
                         "condenser_fan_w_per_kw": ch["condenser_fan_power_ratio"] * 1e3}
    notes = {
        "chiller_capacity_kw": (f"{ch['reference_capacity_w'] / 1e3:.0f} kW x CAPFT({curves['rated_first_c']}, "
                                f"{curves['rated_second_c']}) = {cap_kw:.2f} kW"),
        "chiller_rated_cop": f"{ch['reference_cop']} / (EIRFT x EIRFPLR(1) at rating) = {cop:.4f}",
        "chw_design_dt_k": f"flow {par['chw_loop']['pump_flow_m3s']} m3/s for the rated capacity",
        "condenser_fan_w_per_kw": "EnergyPlus condenser fan power ratio 0 W/W: the fans are inside the COP",
        "power_chain": "excluded from the comparison (EnergyPlus has none); its losses are kept out of the room",
    }
    return scenario, notes


DERIVE = {"water_cooled": derive_water_cooled, "dx": derive_dx, "dx_inverter": derive_dx, "dx_pre": derive_dx, "air_econ_evap_dx": derive_dx, "iec_dx": derive_dx, "air_cooled_chiller": derive_air_cooled,
          "cold_plate": derive_cold_plate,
          "wse_7": derive_water_cooled, "wse_14": derive_water_cooled}


def compare_one(model: str, city: str) -> dict:
    """dctwin vs EnergyPlus for one model and city (annual PUE and cooling electricity)."""
    import plant_models

    stem = plant_models.MODELS[model].reference_stem(city)
    ref = compare.load_reference(stem)
    scenario, notes = DERIVE[model](ref)
    path = compare.write_scenario_toml(stem, scenario, notes)
    scn = compare.load_scenario_file(path)
    result, _, _ = compare.run_dctwin(scn)
    pue = compare.energyplus_boundary_pue(result)
    dt_h = 1.0  # hourly steps
    cooling = {c: float(result[c].sum() * dt_h / 1e3) for c in compare.COOLING}
    row = {"city": city, "pue_energyplus": ref["annual_pue"], "pue_dctwin": pue, "delta": pue - ref["annual_pue"],
           "annual_cooling_kwh_energyplus": ref["annual_cooling_kwh"],
           "annual_cooling_kwh_dctwin": sum(cooling.values()),
           "energyplus_by_end_use_kwh": ref["annual_cooling_by_end_use_kwh"], "dctwin_by_channel_kwh": cooling,
           "scenario": path.name, "notes": notes}
    if "annual_tower_makeup_m3" in ref:
        row["tower_water_m3"] = tower_water_m3(ref, result)
    if "annual_evaporative_water_m3" in ref:
        row["evaporative_water_m3"] = evaporative_water_m3(ref, result)
    return row


def evaporative_water_m3(ref: dict, result) -> dict:
    """Annual water of the evaporative coolers [m3]: EnergyPlus's 'Evaporative Cooler Water Volume' (its
    references model no drift and no blowdown, so this is evaporation) against dctwin's evaporation (IEC
    spray, ``water_evaporation``; direct pad, ``water_direct_evaporative``) and, apart, its drift and
    blowdown at the scenario's cycles of concentration."""
    from components.cooling.pumps import RHO_WATER

    ts = result.plant.timestep_s

    def m3(channel):
        return float(result.total(channel) * ts / RHO_WATER)
    return {"energyplus": ref["annual_evaporative_water_m3"],
            "dctwin_evaporation": m3("water_evaporation") + m3("water_direct_evaporative"),
            "dctwin_drift_and_blowdown": m3("water_drift") + m3("water_blowdown")}


def tower_water_m3(ref: dict, result) -> dict:
    """Annual tower water [m3] by EnergyPlus and by dctwin: make-up = evaporation + drift + blowdown.

    dctwin's channels are mass flows [kg/s]; their annual mass is turned into volume at
    ``RHO_WATER`` (EnergyPlus reports volumes at the water density of the air temperature, within
    0.5 % of it)."""
    from components.cooling.pumps import RHO_WATER

    ts = result.plant.timestep_s
    ours = {k: float(result.total(f"water_{c}") * ts / RHO_WATER)
            for k, c in (("evaporation", "evaporation"), ("drift", "drift"), ("blowdown", "blowdown"))}
    ours["makeup"] = ours["evaporation"] + ours["drift"] + ours["blowdown"]
    theirs = {k: ref[f"annual_tower_{k}_m3"] for k in ("makeup", "evaporation", "drift", "blowdown")}
    return {"energyplus": theirs, "dctwin": ours}


def evaporative_water_rows(case) -> list:
    """Rows of the validation case evaporative_water_energyplus: annual evaporation of the IEC spray and of
    the direct pad, dctwin against EnergyPlus (the case declares its known deviation)."""
    from validation import Row

    rel = float(case.tolerance["water_rel"])
    rows = []
    for model in case.inputs["models"]:
        for city in case.inputs.get("cities", CITIES):
            w = compare_one(model, city)["evaporative_water_m3"]
            rows.append(Row(f"{model}, {city}: annual evaporative-cooler evaporation", w["energyplus"],
                            w["dctwin_evaporation"], "m3", rel * w["energyplus"]))
    return rows


def tower_water_rows(case) -> list:
    """Rows of the validation case tower_water_energyplus: annual make-up water and evaporation of the
    towers of each model and climate, dctwin against EnergyPlus, within ``water_rel`` of EnergyPlus."""
    from validation import Row

    rel = float(case.tolerance["water_rel"])
    rows = []
    for model in case.inputs["models"]:
        for city in case.inputs.get("cities", CITIES):
            w = compare_one(model, city)["tower_water_m3"]
            for k, label in (("makeup", "make-up water"), ("evaporation", "evaporation")):
                ref = w["energyplus"][k]
                rows.append(Row(f"{model}, {city}: annual tower {label}", ref, w["dctwin"][k], "m3", rel * ref))
    return rows


def compare_model(model: str, cities=CITIES) -> dict:
    rows = [compare_one(model, c) for c in cities]
    ep = [r["pue_energyplus"] for r in rows]
    tw = [r["pue_dctwin"] for r in rows]
    spread_ep, spread_tw = max(ep) - min(ep), max(tw) - min(tw)
    return {"model": model, "cities": rows,
            "max_abs_delta": max(abs(r["delta"]) for r in rows),
            "spread_energyplus": spread_ep, "spread_dctwin": spread_tw,
            "spread_ratio_dctwin_over_energyplus": spread_tw / spread_ep if spread_ep > 0 else None}


def dataset_curve(dataset: str, name: str) -> list[float]:
    """Coefficients of the curve object ``name`` (Curve:Biquadratic: 6, Curve:Quadratic: 3) in an
    EnergyPlus DataSet file of the installed package."""
    import re

    text = (compare.canmet_payload() / "DataSets" / dataset).read_text(encoding="latin-1")
    found = re.search(r"Curve:(Biquadratic|Quadratic),\s*\n\s*" + re.escape(name) + r"\s*,([^;]*);", text)
    if found is None:
        raise KeyError(f"{name} not in DataSets/{dataset}")
    fields = [line.split("!")[0].strip().rstrip(",") for line in found.group(2).splitlines()]
    fields = [f for f in fields if f]
    return [float(f) for f in fields[:6 if found.group(1) == "Biquadratic" else 3]]


#: dctwin curve sets taken from EnergyPlus DataSets: set -> (DataSet file, curve-name prefix)
DATASET_SOURCES = {
    "dx_carrier_50pg24_eplus": ("DXCoolingCoil.idf", "Carrier Centurion 50PG24 {}", ("CapFT", "EIRFT")),
    "trane_cgam130_air_cooled": ("AirCooledChiller.idf", "ElectricEIRChiller Trane CGAM130 433.6kW/3.08COP {}",
                                      ("CAPFT", "EIRFT", "EIRFPLR")),
}


def validation_rows(case) -> list:
    """Rows of the validation case energyplus_plant_types: curve sets against their DataSets, then
    dPUE per model and climate (|dPUE| <= pue_abs) and the climate spread of each model (dctwin's
    spread within spread_rel of EnergyPlus's)."""
    from twin.inputs.component_data import data_table
    from validation import Row

    rows = []
    for set_name, (dataset, pattern, curves) in DATASET_SOURCES.items():
        entry = data_table("chillers")[set_name]
        for curve in curves:
            source = dataset_curve(dataset, pattern.format(curve))
            ours = list(entry[curve.lower()])
            rows.append(Row(f"{set_name}: {curve} coefficients vs DataSets/{dataset} (max |difference|)", 0.0,
                            max(abs(a - b) for a, b in zip(ours, source)), "-", 1e-12))
    import plant_models

    fit = plant_models.compressor_mode_fit()
    entry = data_table("chillers")[DX_CURVE_SETS["dx_pre"]]
    for curve in ("capft", "eirft"):
        rows.append(Row(f"{DX_CURVE_SETS['dx_pre']}: {curve} coefficients vs the compressor-mode fit of the Liebert DSE "
                        "tables (max |difference|)", 0.0,
                        max(abs(a - b) for a, b in zip(entry[curve], fit[curve]["coefficients"])), "-", 1e-9))
    tol, rel = float(case.tolerance["pue_abs"]), float(case.tolerance["spread_rel"])
    deviations = case.inputs.get("known_deviations", {})  # model -> why its rows do not gate
    for model in case.inputs.get("models", []):
        m = compare_model(model, tuple(case.inputs.get("cities", CITIES)))
        gating, note = model not in deviations, deviations.get(model, "")
        for r in m["cities"]:
            rows.append(Row(f"{model}, {r['city']}: annual PUE (IT + cooling)", r["pue_energyplus"], r["pue_dctwin"],
                            "-", tol, gating=gating, note=note))
        rows.append(Row(f"{model}: spread of annual PUE across the climates", m["spread_energyplus"],
                        m["spread_dctwin"], "-", rel * m["spread_energyplus"], gating=gating, note=note))
    return rows


def main(argv=None) -> int:
    import plant_models

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cities", nargs="*", default=list(CITIES), help=f"subset of {CITIES}")
    ap.add_argument("--model", action="append", choices=list(plant_models.MODELS), help="repeatable; default all")
    args = ap.parse_args(argv)
    unknown = [c for c in args.cities if c not in CITIES]
    if unknown:
        ap.error(f"unknown city {unknown}; expected some of {CITIES}")
    out = [compare_model(m, tuple(args.cities)) for m in (args.model or plant_models.MODELS)]
    for m in out:
        for r in m["cities"]:
            water = r.get("tower_water_m3")
            print(f"{m['model']:20s} {r['city']:14s} E+ {r['pue_energyplus']:.4f}  dctwin {r['pue_dctwin']:.4f}  "
                  f"dPUE {r['delta']:+.4f}" + ("" if water is None else
                                               f"  tower make-up E+ {water['energyplus']['makeup']:,.0f} m3, "
                                               f"dctwin {water['dctwin']['makeup']:,.0f} m3"))
        print(f"{m['model']:20s} {'spread':14s} E+ {m['spread_energyplus']:.4f}  dctwin {m['spread_dctwin']:.4f}  "
              f"max |dPUE| {m['max_abs_delta']:.4f}")
    if args.model is None and args.cities == list(CITIES):
        payload = {"generated_by": "validation/energyplus/compare_plants.py", "boundary": "(IT + cooling) / IT",
                   "models": out}
        (HERE / "comparison_plants.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print("wrote", HERE / "comparison_plants.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
