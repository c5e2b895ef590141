"""Speed cost of inverter DX units (components/cooling/dx_variable_speed.py) in an annual hourly run.

The bundled DX room (``scenarios/guangzhou_dx_room.toml``, 8 single-speed units) against the same
room with ``variable_speed_drives`` ``compressor = "inverter"`` (fans, pumps and tower fans left
as they are, so that only the compressor model changes).  Median of warm runs of the SimPy loop
and kernels (``run_plant``): wall time and process CPU time (the steadier on a shared machine).
Results go to ``benchmarks/results/dx_inverter_run.json``; they are measurements, not tests.
"""

from __future__ import annotations

import json
import os
import time
import tomllib
from pathlib import Path

from measures_run import warm_times  # benchmarks/ is on sys.path when a script here runs

ROOT = Path(__file__).resolve().parent.parent
MIXES = {
    "single-speed DX units": [],
    "inverter DX units": [{"name": "variable_speed_drives", "compressor": "inverter", "fans": False,
                           "pumps": False, "tower_fans": False}],
}


def timed(measures: list[dict], runs: int = 15) -> dict:
    """Median wall and CPU time of a warm annual run [ms], and the DX compressor energy [MWh]."""
    from twin.inputs.schema import validate_scenario
    from twin.engine.simulate import prepare, run_plant

    with open(ROOT / "scenarios" / "guangzhou_dx_room.toml", "rb") as fh:
        data = tomllib.load(fh)
    data["measures"] = measures
    plant = prepare(validate_scenario(data), base_dir=ROOT / "scenarios")
    result = run_plant(plant)
    wall_ms, cpu_ms = warm_times(plant, runs)
    return {"median_wall_ms": wall_ms, "median_cpu_ms": cpu_ms,
            "compressor_mwh": float(result["p_chillers"].sum() * result.dt_h / 1e6), "runs": runs}


def main() -> None:
    rows = {name: timed(m) for name, m in MIXES.items()}
    base, inv = rows["single-speed DX units"], rows["inverter DX units"]
    out = {"scenario": "scenarios/guangzhou_dx_room.toml", "mixes": rows,
           "inverter_extra_cpu_ms": inv["median_cpu_ms"] - base["median_cpu_ms"],
           "cpu_count": os.cpu_count(), "load_average": os.getloadavg(),
           "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    (ROOT / "benchmarks" / "results" / "dx_inverter_run.json").write_text(json.dumps(out, indent=1) + "\n")
    for name, r in rows.items():
        print(f"{name:24s} wall {r['median_wall_ms']:6.1f} ms  cpu {r['median_cpu_ms']:6.1f} ms  "
              f"compressors {r['compressor_mwh']:.1f} MWh")


if __name__ == "__main__":
    main()
