"""Speed of annual hourly runs with the measure-10 technologies active, and the cost of AI control.

For each mix: median of 10 warm runs of the SimPy loop and kernels (``run_plant``), plus the
ratio of the AI-controlled mix to the same mix with fixed set points.  Targets (issue 3): all
measures active <= 30 ms after warm-up; the optimiser <= 5x a fixed-set-point run.  Results go
to ``benchmarks/results/measures_run.json``; they are measurements, not pass/fail tests.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIXES = {
    "baseline": [],
    "chilled-water package, fixed set points": [
        {"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
        {"name": "waterside_economizer"}, {"name": "liquid_cooling"}, {"name": "thermal_storage"}],
    "chilled-water package + AI control": [
        {"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
        {"name": "waterside_economizer"}, {"name": "liquid_cooling"}, {"name": "thermal_storage"},
        {"name": "ai_control"}],
    "IEC + liquid, fixed set points": [{"name": "indirect_evaporative_cooling"}, {"name": "liquid_cooling"}],
    "IEC + liquid + AI control": [{"name": "indirect_evaporative_cooling"}, {"name": "liquid_cooling"},
                                  {"name": "ai_control"}],
    # the most complex hybrids: every stage of the chain at once (issue 14: <= 10 ms)
    "hybrid: outdoor air + pad + chilled-water package": [
        {"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
        {"name": "air_side_economizer", "evaporative": True}, {"name": "waterside_economizer"},
        {"name": "liquid_cooling"}, {"name": "thermal_storage"}],
    "hybrid: outdoor air + pad + IEC + DX trim + liquid": [
        {"name": "air_side_economizer", "evaporative": True}, {"name": "indirect_evaporative_cooling"},
        {"name": "liquid_cooling"}],
}


def timed(measures: list[dict], runs: int = 10) -> float:
    from twin.schema import validate_scenario
    from twin.simulate import prepare, run_plant

    with open(ROOT / "scenarios" / "guangzhou_legacy.toml", "rb") as fh:
        data = tomllib.load(fh)
    data = copy.deepcopy(data)
    data["measures"] = measures
    plant = prepare(validate_scenario(data))
    run_plant(plant)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        run_plant(plant)
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def main() -> None:
    res = {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg()}
    res["median_ms"] = {name: timed(m) for name, m in MIXES.items()}
    ms = res["median_ms"]
    res["ai_over_fixed"] = {
        "chilled-water package": ms["chilled-water package + AI control"] / ms["chilled-water package, fixed set points"],
        "IEC + liquid": ms["IEC + liquid + AI control"] / ms["IEC + liquid, fixed set points"],
    }
    res["loadavg_after"] = os.getloadavg()
    out = ROOT / "benchmarks" / "results" / "measures_run.json"
    out.write_text(json.dumps(res, indent=2))
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
