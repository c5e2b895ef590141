"""Speed of one annual hourly run of the bundled default scenario.

Three numbers, each in its own sense of "time to a result":

- **warm**: median of repeated runs in one process after a warm-up (weather cached, kernels
  compiled) - the per-scenario cost inside a sweep;
- **first run, fresh install**: ``dctwin run`` (:data:`COMMAND`) in a new process with an empty
  Numba cache directory, so every kernel compiles (`NUMBA_CACHE_DIR` points to a temporary folder;
  the weather disk cache is also emptied with `DCTWIN_CACHE_DIR`); until 2026-12-07 a script of the
  same calls without the command line, which ended without :func:`twin.cli.console`'s quick exit.  As in `dctwin run`, a second process compiles the
  plant kernels meanwhile (:mod:`twin.engine.parallel_compile`, here whatever the machine's
  load: `DCTWIN_COMPILE_PROCESSES=2`); the same is measured in one process
  (`DCTWIN_COMPILE_PROCESSES=1`).  Wall time of the process and CPU time of it and its
  child;
- **later process**: a new process that finds the Numba and weather caches filled by the run
  before.

Run: ``.venv/bin/python benchmarks/annual_run.py``.  Results go to
``benchmarks/results/annual_run.json`` with the machine's CPU count and load average, because
these are measurements, not pass/fail tests.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "guangzhou_legacy.toml"
#: the command a user types for a first run, as a new process: ``dctwin run`` (its summary as JSON)
COMMAND = [sys.executable, "-m", "dctwin", "run", "--json"]


def warm(n: int = 30) -> dict:
    from twin.engine.simulate import prepare, run_plant
    from twin.inputs.schema import load_scenario
    from twin.metrics.summary import build_summary

    scn = load_scenario(SCENARIO)
    build_summary(run_plant(prepare(scn)))
    times_total, times_loop = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        plant = prepare(scn)
        result = run_plant(plant)
        build_summary(result)
        t2 = time.perf_counter()
        times_total.append(t2 - t0)
        times_loop.append(result.runtime_s)
    return {"median_total_ms": 1e3 * statistics.median(times_total),
            "median_simpy_plus_kernels_ms": 1e3 * statistics.median(times_loop),
            "runs": n}


def child(env: dict, scenario: Path = SCENARIO) -> dict:
    """Wall time of a new process running :data:`COMMAND` on ``scenario`` (start to exit), the CPU time
    of it and of every process it started [s], and the annual PUE it printed [-]."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([*COMMAND, str(scenario)], env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
    return {"process_wall": wall, "cpu_all_processes": cpu, "pue": json.loads(out)["pue"]["value"]}


def first_and_later(scenario: Path = SCENARIO, **extra_env) -> tuple[dict, dict]:
    """A first run of ``scenario`` with empty Numba and weather caches, then a later process with
    them filled."""
    with tempfile.TemporaryDirectory() as numba_cache, tempfile.TemporaryDirectory() as dctwin_cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=numba_cache, DCTWIN_CACHE_DIR=dctwin_cache, **extra_env)
        return child(env, scenario), child(env, scenario)


def main() -> None:
    results = {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg()}
    results["first_run_fresh_install_s"], results["later_process_s"] = first_and_later(DCTWIN_COMPILE_PROCESSES="2")
    results["first_run_one_process_s"], _ = first_and_later(DCTWIN_COMPILE_PROCESSES="1")
    results["warm"] = warm()
    results["loadavg_after"] = os.getloadavg()
    out = ROOT / "benchmarks" / "results" / "annual_run.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
