"""Optimiser throughput: candidate evaluations per second of ``dctwin optimise`` on Dask workers.

Runs the optimiser on the default Guangzhou room over the whole measure registry (the space of
``dctwin optimise`` without a study file), PUE limit 1.5, objective NPV, no band, on a LocalCluster
of ``--workers`` processes.  Reports:

- ``evaluations``: distinct mixes simulated by the bin method (a mix the sampler proposes again is a
  cache hit and not counted; the local search's neighbours are counted);
- ``screen_s``: from the start (baselines, cluster start-up included) to the last screened
  generation; ``total_s``: the whole call, the step-by-step confirmation included;
- ``evaluations_per_s`` = evaluations / total_s, and the answer (best mix, its PUE and NPV);
- the machine's load average before and after and the share of CPU time the machine was busy
  (the machine may be shared with other work).

Target (issue 15): >= 10,000 candidate evaluations in <= 5 min on 2 cores.

Usage::

    .venv/bin/python benchmarks/optimise.py                      # 2 workers, 13,000 trials
    .venv/bin/python benchmarks/optimise.py --workers 2 --trials 3000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULT = HERE / "results" / "optimise.json"
sys.path.insert(0, str(HERE))

from sweep_throughput import _cpu_busy  # noqa: E402  (the same machine-load probe)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--trials", type=int, default=13_000)
    p.add_argument("--population", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=RESULT)
    args = p.parse_args(argv)

    from twin.study.optimise import optimise_file

    load_before = os.getloadavg()
    busy0, total0 = _cpu_busy()
    t0 = time.perf_counter()
    marks: dict[str, float] = {}

    def progress(stage: str, n: int, total: int) -> None:
        marks[stage] = time.perf_counter() - t0

    o = optimise_file(ROOT / "scenarios" / "guangzhou_legacy.toml", limit=1.5, objective="npv", trials=args.trials,
                      population=args.population, seed=args.seed, workers=args.workers, band=0, progress=progress)
    total = time.perf_counter() - t0
    busy1, total1 = _cpu_busy()
    best = o.confirmed[o.best] if o.best else None
    result = {
        "benchmark": "optimise",
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]},
        "problem": "default Guangzhou room, every registry measure (twin/study/optimise_space.py), limit 1.5, "
                   "objective npv, screening by the bin method, confirmation step by step, no band",
        "target": {"evaluations": 10_000, "seconds": 300, "cores": 2},
        "workers": args.workers,
        "trials": o.trials,
        "population": args.population,
        "seed": args.seed,
        "evaluations": o.evaluations,
        "confirmed": len(o.confirmed),
        "screen_s": round(marks.get("candidates", float("nan")), 1),
        "total_s": round(total, 1),
        "evaluations_per_s": round(o.evaluations / total, 1),
        "meets_target": o.evaluations >= 10_000 and total <= 300,
        "best": {"mix": o.labels[o.best], "pue": round(best["pue"], 4), "npv_cny": round(best["npv_cny"])}
        if best else None,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "machine_cpu_busy_fraction": round((busy1 - busy0) / (total1 - total0), 3) if total1 > total0 else None,
    }
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
