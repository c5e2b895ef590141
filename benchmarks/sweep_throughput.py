"""Sweep throughput: annual hourly scenario-years per second with 1 and 2 Dask workers.

Runs a 2,000-case factorial sweep (5 sites x 8 cooling mixes x 5 loads x 5 chiller COPs x 2
condenser set points; every case one typical year at 60-min steps) into a fresh Zarr store,
once per worker count, on a LocalCluster of processes with one thread each.  Reports, per
worker count:

- ``rate``: cases per second from the first submission to the last write (cluster start-up and
  worker warm-up excluded; they are reported as ``startup_s``);
- ``per_case_ms``: the per-case cost by stage, summed over workers (validation, assembly,
  kernel, summary) and on the client (store);
- the machine's load average before and after (the machine may be shared).

Targets (docs/studies.md): >= 100 scenario-years/s with 2 workers and >= 1.7x from 1 to 2.

Usage::

    .venv/bin/python benchmarks/sweep_throughput.py       # both metric modes, 1 and 2 workers
    .venv/bin/python benchmarks/sweep_throughput.py --metrics energy --workers 2
    .venv/bin/python benchmarks/sweep_throughput.py --method bins   # the bin method (scenario.method)
                                    # -> results/sweep_throughput_bins.json
    # on a scheduler and two workers started by hand (dask scheduler; dask worker ADDRESS
    # --nthreads 1 --preload dctwin, twice):
    .venv/bin/python benchmarks/sweep_throughput.py --metrics full --workers 2 --scheduler tcp://127.0.0.1:8786
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULT = HERE / "results" / "sweep_throughput.json"

SWEEP = """
[sweep]
name = "throughput benchmark"
baseline = "{baseline}"
sites = ["guangzhou", "shaoguan", "guiyang", "hohhot", "beijing"]
loads = [0.3, 0.45, 0.6, 0.75, 0.9]
batch_size = {batch}
metrics = "{metrics}"

[parameters]
"plant.chiller_rated_cop" = [5.0, 5.5, 6.0, 6.5, 7.0]
"plant.cw_setpoint_c" = [29.0, 31.0]

"scenario.method" = ["{method}"]

[generate]
measures = ["containment", "variable_speed_drives", "waterside_economizer"]
"""


def _cpu_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs from /proc/stat (Linux)."""
    try:
        with open("/proc/stat") as fh:
            parts = [float(x) for x in fh.readline().split()[1:]]
    except OSError:  # pragma: no cover - not Linux
        return 0.0, 0.0
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0.0)
    return sum(parts) - idle, sum(parts)


def run_once(design_file: Path, n_workers: int, batch: int, scheduler: str | None = None) -> dict:
    from twin.study.design import load_sweep
    from twin.study.sweep import run_sweep

    design = load_sweep(design_file)
    tmp = Path(tempfile.mkdtemp(prefix="dctwin-bench-"))
    load_before = os.getloadavg()
    busy0, total0 = _cpu_busy()
    t0 = time.perf_counter()
    report = run_sweep(design, tmp / "results.zarr", workers=n_workers, scheduler=scheduler)
    wall = time.perf_counter() - t0
    busy1, total1 = _cpu_busy()
    shutil.rmtree(tmp, ignore_errors=True)
    return {
        "workers": report.workers,
        "scheduler": scheduler or "LocalCluster",
        "cases": report.computed,
        "failed": report.failed,
        "batch_size": batch,
        "startup_s": round(report.startup_s, 2),
        "compute_s": round(report.compute_s, 2),
        "wall_s": round(wall, 2),
        "rate_scenario_years_per_s": round(report.rate, 2),
        "per_case_ms": {k: round(v, 2) for k, v in report.per_case_ms().items()},
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "machine_cpu_busy_fraction": round((busy1 - busy0) / (total1 - total0), 3) if total1 > total0 else None,
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="a running Dask scheduler (tcp://127.0.0.1:8786) instead of a LocalCluster; its workers "
                        "are used and --workers only labels the run")
    p.add_argument("--metrics", choices=("full", "energy"), nargs="+", default=["energy", "full"],
                   help="summary per case: 'energy' (PUE, energy, water) and/or 'full' (plus policy, cost, carbon)")
    p.add_argument("--method", choices=("steps", "bins"), default="steps",
                   help="scenario.method of every case: every time step, or the bin method")
    p.add_argument("--out", type=Path, default=None,
                   help=f"result file (default {RESULT.name}, or sweep_throughput_bins.json with --method bins)")
    args = p.parse_args(argv)
    out = args.out or (RESULT if args.method == "steps" else RESULT.with_name("sweep_throughput_bins.json"))

    from twin.study.design import load_sweep

    tmp = Path(tempfile.mkdtemp(prefix="dctwin-bench-design-"))
    baseline = (ROOT / "scenarios" / "guangzhou_legacy.toml").as_posix()
    result = {
        "benchmark": "sweep_throughput",
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]},
        "design": "5 sites x 8 mixes (all combinations of containment, VSD, water-side economizer) x 5 loads "
                  "x 5 chiller COPs x 2 condenser set points; annual, 60-min steps",
        "method": args.method,
        "targets": {"rate_2_workers": 100.0, "scaling_1_to_2": 1.7},
        "modes": {},
    }
    for mode in args.metrics:
        design_file = tmp / f"sweep_{mode}.toml"
        design_file.write_text(SWEEP.format(baseline=baseline, batch=args.batch_size, metrics=mode,
                                           method=args.method), encoding="utf-8")
        n_cases = load_sweep(design_file).n_cases
        print(f"metrics '{mode}': {n_cases} cases, batch {args.batch_size}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()}", flush=True)
        runs = []
        for n in args.workers:
            r = run_once(design_file, n, args.batch_size, args.scheduler)
            runs.append(r)
            print(f"  {n} worker(s): {r['rate_scenario_years_per_s']:.1f} scenario-years/s "
                  f"({r['cases']} cases in {r['compute_s']:.1f} s, start-up {r['startup_s']:.1f} s); "
                  f"per case ms {r['per_case_ms']}; machine busy {r['machine_cpu_busy_fraction']}", flush=True)
        entry = {"cases": n_cases, "runs": runs}
        by = {r["workers"]: r["rate_scenario_years_per_s"] for r in runs}
        if 1 in by and 2 in by and by[1] > 0:
            entry["scaling_1_to_2"] = round(by[2] / by[1], 2)
            print(f"  scaling 1 -> 2 workers: {entry['scaling_1_to_2']:.2f}x")
        result["modes"][mode] = entry
    shutil.rmtree(tmp, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
