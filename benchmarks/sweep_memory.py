"""Sweep memory: peak resident memory of the client and of each worker against the number of cases.

Runs the design of ``sweep_throughput.py`` (full summary) at three sizes, 400, 1,000 and 2,000
cases (the condenser set point and chiller COP axes shortened for the smaller ones), on a
LocalCluster of 2 worker processes, into a fresh Zarr store each time.  A thread samples the
resident set size (RSS) of this process (client and scheduler) and of every worker process
every 0.1 s; the peak of each is reported.  Results stream to the store batch by batch, so the
peaks should not grow with the number of cases.

Usage::

    .venv/bin/python benchmarks/sweep_memory.py

Writes ``benchmarks/results/sweep_memory.json``.  A measurement, not a test; the test suite's
``test_sweep_memory_does_not_grow_with_the_number_of_cases`` checks the same property in-process.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULT = HERE / "results" / "sweep_memory.json"
sys.path.insert(0, str(HERE))

from sweep_throughput import SWEEP  # noqa: E402  (the same factorial design)

# (chiller COPs, condenser set points) per size; 5 sites x 8 mixes x 5 loads = 200 cases each
SIZES = {400: ("[5.0, 6.0]", "[29.0]"),
         1000: ("[5.0, 5.5, 6.0, 6.5, 7.0]", "[29.0]"),
         2000: ("[5.0, 5.5, 6.0, 6.5, 7.0]", "[29.0, 31.0]")}


class _Sampler(threading.Thread):
    """Peak RSS of a set of processes, sampled every ``interval_s``."""

    def __init__(self, pids: dict[str, int], interval_s: float = 0.1):
        super().__init__(daemon=True)
        import psutil

        self.procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.peak = {name: 0 for name in pids}
        self.interval_s = interval_s
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for name, proc in self.procs.items():
                try:
                    self.peak[name] = max(self.peak[name], proc.memory_info().rss)
                except Exception:  # a worker that ended
                    pass
            time.sleep(self.interval_s)


def measure(n_label: int, tmp: Path) -> dict:
    from distributed import Client

    from twin.study.design import load_sweep
    from twin.study.sweep import run_sweep, start_local_cluster

    cops, setpoints = SIZES[n_label]
    text = SWEEP.format(baseline=(ROOT / "scenarios" / "guangzhou_legacy.toml").as_posix(), batch=100,
                        metrics="full")
    text = text.replace("[5.0, 5.5, 6.0, 6.5, 7.0]", cops).replace("[29.0, 31.0]", setpoints)
    design_file = tmp / f"sweep_{n_label}.toml"
    design_file.write_text(text, encoding="utf-8")
    design = load_sweep(design_file)
    cluster = start_local_cluster(2)
    client = Client(cluster)
    try:
        pids = {"client": os.getpid()}
        pids.update({f"worker {k}": pid for k, pid in enumerate(client.run(os.getpid).values())})
        sampler = _Sampler(pids)
        sampler.start()
        t0 = time.perf_counter()
        report = run_sweep(design, tmp / f"results_{n_label}.zarr", scheduler=client)
        wall = time.perf_counter() - t0
        sampler.stop.set()
        sampler.join()
    finally:
        client.close()
        cluster.close()
    return {"cases": design.n_cases, "computed": report.computed, "wall_s": round(wall, 1),
            "peak_rss_mb": {k: round(v / 2**20, 1) for k, v in sampler.peak.items()}}


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="dctwin-bench-memory-"))
    runs = []
    try:
        for n in SIZES:
            r = measure(n, tmp)
            runs.append(r)
            print(f"{r['cases']:5d} cases: peak RSS MB {r['peak_rss_mb']} ({r['wall_s']} s)", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "benchmark": "sweep_memory",
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]},
        "design": "sweep_throughput.py's design at three sizes, full summary, 2 worker processes, batch 100",
        "runs": runs,
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
