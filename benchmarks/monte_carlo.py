"""Speed of the Monte Carlo over years (``dctwin run --years 100``) for the bundled default site.

Target (issue 4): 100 simulated years of the default scenario (Guangzhou legacy room, default
``[events]``: grid outages, chiller / CRAH / UPS failures and repairs, planned maintenance) in
at most 10 s on the project machine.  How: the plant is assembled once; each year is one SimPy
run of the hourly kernel (~20-30 ms) with the event processes, and the years reuse the plant.

Two numbers:

- **warm**: ``twin.study.montecarlo.run_years`` in a process whose kernels are compiled and whose
  weather is cached (median of ``--repeat`` runs) - what a sweep or a notebook sees;
- **command**: ``dctwin run --years 100 --seed 1`` as a new process with warm on-disk caches
  (Python start-up and imports included) - what a user at the terminal sees.

Run: ``.venv/bin/python benchmarks/monte_carlo.py [--years 100] [--repeat 3]``.  Results go to
``benchmarks/results/monte_carlo.json`` with the CPU count and load average: these are
measurements, not pass/fail tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "guangzhou_legacy.toml"
RESULT = ROOT / "benchmarks" / "results" / "monte_carlo.json"
TARGET_S = 10.0


def warm(years: int, repeat: int, seed: int) -> dict:
    from twin.inputs.schema import load_scenario
    from twin.study.montecarlo import run_years

    scn = load_scenario(SCENARIO)
    run_years(scn, 2, seed, base_dir=SCENARIO.parent)  # compile and cache
    times, per_year, res = [], [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = run_years(scn, years, seed, base_dir=SCENARIO.parent)
        times.append(time.perf_counter() - t0)
        per_year.append(res["runtime_s"]["per_year"])
    d = res["distribution"]
    return {"years": years, "repeat": repeat, "median_s": statistics.median(times), "runs_s": times,
            "median_per_year_ms": 1e3 * statistics.median(per_year),
            "outages_per_year_mean": d["outages"]["mean"],
            "unserved_it_kwh_mean": d["unserved_it_kwh"]["mean"],
            "hours_above_allowable_mean": d["hours_above_allowable"]["mean"],
            "failures_per_year_mean": d["failures_total"]["mean"]}


def command(years: int, seed: int) -> dict:
    exe = ROOT / ".venv" / "bin" / "dctwin"
    cmd = [str(exe), "run", str(SCENARIO), "--years", str(years), "--seed", str(seed), "--json"]
    subprocess.run(cmd, check=True, capture_output=True)  # warm the on-disk caches
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t0
    inner = json.loads(out)["runtime_s"]["total"]
    return {"wall_s": wall, "inside_s": inner, "command": " ".join(cmd[1:])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    w = warm(args.years, args.repeat, args.seed)
    c = command(args.years, args.seed)
    result = {
        "benchmark": "Monte Carlo over years, default scenario (guangzhou_legacy, default [events])",
        "target_s": TARGET_S,
        "warm": w,
        "command": c,
        "meets_target": c["wall_s"] <= TARGET_S and w["median_s"] <= TARGET_S,
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": sys.version.split()[0],
                    "platform": platform.platform()},
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{args.years} years: warm {w['median_s']:.2f} s ({w['median_per_year_ms']:.1f} ms/year), "
          f"command {c['wall_s']:.2f} s wall ({c['inside_s']:.2f} s inside); target {TARGET_S:g} s -> "
          f"{'met' if result['meets_target'] else 'NOT met'}")
    print(f"wrote {RESULT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
