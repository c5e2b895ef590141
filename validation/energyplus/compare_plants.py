"""dctwin side by side with every EnergyPlus reference plant of ``plant_models.py``, on six climates.

Usage (from the repository root)::

    .venv/bin/python validation/energyplus/compare_plants.py               # every model and city
    .venv/bin/python validation/energyplus/compare_plants.py --model dx    # one model
    .venv/bin/python validation/energyplus/compare_plants.py --model dx guangzhou

For each model and city it reads ``reference_<stem>.json`` (written by ``run_energyplus.py``),
derives the same plant in dctwin's terms from the reference's parameters only (nothing is fitted
to EnergyPlus's results), writes it as ``scenario_<stem>.toml``, runs dctwin on it and compares
the annual PUE on EnergyPlus's boundary ((IT + cooling) / IT, as ``compare.py``).  Per model it
reports the difference in each climate and the spread (max - min over the climates) of both.
Where dctwin has no way to describe a plant, the model is listed with the missing feature instead.
Results go to ``comparison_plants.json``.  ``compare.py`` stays the detailed (timed, hourly)
comparison of the original water-cooled reference.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import compare  # noqa: E402  (also puts the repository root on sys.path)
import run_energyplus  # noqa: E402

CITIES = tuple(run_energyplus.CITIES)

#: plants dctwin cannot describe yet: model -> what is missing (checked against twin/schema.py)
NOT_REPRESENTABLE = {
    "dx_pre": ("plant.chiller_curves takes biquadratic curve sets only, and this reference (EnergyPlus's own "
               "Liebert DSE example) gives CapFT and EIRFT as Table:Lookup grids with the pumped-refrigerant mode "
               "inside the EIR table; dctwin's pumped_refrigerant model needs the unit's compressor-mode curves "
               "(a biquadratic set for the same unit, or tabular curve input) besides pumped_refrigerant_design_dt_k "
               "and pumped_refrigerant_w_per_kw, for which the table implies about 36 K (full pump mode at -4 degC "
               "outdoor with ~31.7 degC coil inlet air) and 0.042 / 4.5669 = 9.2 W/kW (dctwin defaults 25 K, 33 W/kW)"),
}


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


def derive_dx(ref: dict) -> tuple[dict, dict]:
    """The DX computer room in dctwin terms."""
    import numpy as np

    from components.cooling.chiller import quadratic
    from components.psychrometrics import dew_point_from_humidity_ratio
    from twin.component_data import data_table
    from twin.schema import Plant

    dx = ref["plant"]["parameters"]["dx_coil"]
    name = "dx_carrier_50pg24_eplus"
    curves = data_table("chillers")[name]
    for key in ("capft", "eirft"):  # the same curve set must be in both models
        assert np.allclose(curves[key], dx[key]["coefficients"], rtol=1e-12, atol=0), key
    # EnergyPlus multiplies by the flow-fraction curves at the (rated) flow fraction 1
    capfff = quadratic(np.asarray(dx["capfff"]["coefficients"], float), 1.0)
    eirfff = quadratic(np.asarray(dx["eirfff"]["coefficients"], float), 1.0)
    cap_kw, cop = compare.rated_point(curves, dx["rated_capacity_w"] * capfff, dx["rated_cop"] / eirfff)
    # the sealed hall keeps one humidity ratio all year (see the reference); dctwin takes a dew point
    dew = float(dew_point_from_humidity_ratio(ref["mean_zone_humidity_ratio"], ref["site"]["standard_pressure_pa"]))
    low = Plant.model_fields["indoor_dew_point_c"].metadata[0].ge
    scenario = compare.hall_sections(ref, dx["rated_capacity_w"])
    scenario["plant"] = {"type": "dx", "chillers": dx["count"], "chiller_capacity_kw": cap_kw,
                         "chiller_rated_cop": cop, "chiller_curves": name, "curve_extrapolation": "hold",
                         "stage_up_plr": 1.0,
                         "dx_rated_shr": dx["rated_sensible_heat_ratio"],
                         "dx_rated_air_flow_m3s_per_kw": dx["rated_air_flow_m3s"] / (dx["rated_capacity_w"] / 1e3),
                         "indoor_dew_point_c": max(dew, low)}
    notes = {
        "chiller_capacity_kw": (f"{dx['rated_capacity_w'] / 1e3:.0f} kW x CapFFF(1) {capfff:.5f} x CapFT"
                                f"({curves['rated_first_c']}, {curves['rated_second_c']}) = {cap_kw:.2f} kW"),
        "chiller_rated_cop": f"{dx['rated_cop']} / EIRFFF(1) {eirfff:.5f} / (EIRFT x EIRFPLR(1) at rating) = {cop:.4f}",
        "indoor_dew_point_c": (f"EnergyPlus zone humidity ratio {ref['mean_zone_humidity_ratio']:.5f} -> dew point "
                               f"{dew:.2f} degC" + (f"; below dctwin's lower limit {low} degC, so {low} degC is used "
                                                    "(entering wet bulb about 0.3 K higher than EnergyPlus's)"
                                                    if dew < low else "")),
        "power_chain": "excluded from the comparison (EnergyPlus has none); its losses are kept out of the room",
        "dx_rated_shr": "EnergyPlus Gross Rated Sensible Heat Ratio and Rated Air Flow Rate: the coil bypass factor "
                        "of the dry-coil adjustment (components/cooling/dx_coil.py)",
    }
    return scenario, notes


def derive_air_cooled(ref: dict) -> tuple[dict, dict]:
    """The air-cooled chiller plant in dctwin terms."""
    import numpy as np

    from twin.component_data import data_table

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


DERIVE = {"water_cooled": derive_water_cooled, "dx": derive_dx, "air_cooled_chiller": derive_air_cooled,
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
    return {"city": city, "pue_energyplus": ref["annual_pue"], "pue_dctwin": pue, "delta": pue - ref["annual_pue"],
            "annual_cooling_kwh_energyplus": ref["annual_cooling_kwh"],
            "annual_cooling_kwh_dctwin": sum(cooling.values()),
            "energyplus_by_end_use_kwh": ref["annual_cooling_by_end_use_kwh"], "dctwin_by_channel_kwh": cooling,
            "scenario": path.name, "notes": notes}


def compare_model(model: str, cities=CITIES) -> dict:
    if model in NOT_REPRESENTABLE:
        return {"model": model, "representable": False, "missing": NOT_REPRESENTABLE[model]}
    rows = [compare_one(model, c) for c in cities]
    ep = [r["pue_energyplus"] for r in rows]
    tw = [r["pue_dctwin"] for r in rows]
    spread_ep, spread_tw = max(ep) - min(ep), max(tw) - min(tw)
    return {"model": model, "representable": True, "cities": rows,
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
    from twin.component_data import data_table
    from twin.validation import Row

    rows = []
    for set_name, (dataset, pattern, curves) in DATASET_SOURCES.items():
        entry = data_table("chillers")[set_name]
        for curve in curves:
            source = dataset_curve(dataset, pattern.format(curve))
            ours = list(entry[curve.lower()])
            rows.append(Row(f"{set_name}: {curve} coefficients vs DataSets/{dataset} (max |difference|)", 0.0,
                            max(abs(a - b) for a, b in zip(ours, source)), "-", 1e-12))
    tol, rel = float(case.tolerance["pue_abs"]), float(case.tolerance["spread_rel"])
    for model in case.inputs.get("models", []):
        m = compare_model(model, tuple(case.inputs.get("cities", CITIES)))
        if not m["representable"]:
            continue
        for r in m["cities"]:
            rows.append(Row(f"{model}, {r['city']}: annual PUE (IT + cooling)", r["pue_energyplus"], r["pue_dctwin"],
                            "-", tol))
        rows.append(Row(f"{model}: spread of annual PUE across the climates", m["spread_energyplus"],
                        m["spread_dctwin"], "-", rel * m["spread_energyplus"]))
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
        if not m["representable"]:
            print(f"{m['model']:20s} not representable in dctwin: {m['missing']}")
            continue
        for r in m["cities"]:
            print(f"{m['model']:20s} {r['city']:14s} E+ {r['pue_energyplus']:.4f}  dctwin {r['pue_dctwin']:.4f}  "
                  f"dPUE {r['delta']:+.4f}")
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
