"""Where the time goes: one sweep case and the default annual run, phase by phase.

Two warm paths, each timed in CPU time of the process (``time.process_time``, steadier
than wall time on a shared machine) and reported as medians:

- **sweep case**: the cases of the full-cooling-retrofit sweep of ``sweep_throughput.py``
  (full metrics), run batch by batch in this process through :func:`twin.study.sweep.run_batch`
  and written to a fresh Zarr store with :meth:`twin.study.store.SweepStore.write`, so every
  phase is the one a worker (or, for the store, the client) runs.  Per case: validation,
  assembly, SimPy loop, kernel, summary (summary and its flattening into columns), store write.
- **default annual run**: ``scenarios/guangzhou_legacy.toml`` as ``dctwin run --out`` does it:
  read and validate the file, assemble, SimPy loop, kernel, build the summary, write
  ``results.nc`` and ``summary.json``.

- **first run**: ``dctwin run`` in a new process with empty Numba and weather caches, compiling in
  that one process, with the compile time of each kernel from Numba's compile events, then in a
  later process.

The kernel phase is the time inside the plant's span kernel (:func:`components.spans.span_kernel`; or the bin method's
span function, or the batched kernel of :func:`components.batch.cases_kernel`); the SimPy loop is the rest of
``run_plant`` (for the batched cases: stacking their arrays).  A cProfile of the sweep batches
lists the functions that cost most outside the kernel.

Usage::

    .venv/bin/python benchmarks/profile_case.py            # -> results/profile.md and profile.json
    .venv/bin/python benchmarks/profile_case.py --cases 200 --runs 20
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from sweep_throughput import SWEEP  # noqa: E402  (the same 2,000-case design)

CLOCK = time.process_time
#: Child process of :func:`first_run`: ``dctwin run`` with Numba's compile events recorded.
COMPILE_CHILD = r"""
import contextlib, io, json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from numba.core import event
from numba.core.dispatcher import Dispatcher
rec = event.RecordingListener()
event.register("numba:compile", rec)
from twin.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["run"])
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
stack, own, top = [], {}, {}
for ts, ev in rec.buffer:
    f = ev.data["dispatcher"].py_func
    name = f"{f.__module__}.{f.__qualname__}"
    if ev.is_start:
        stack.append([name, ts, 0.0])
        continue
    name, start, inner = stack.pop()
    own[name] = own.get(name, 0.0) + ts - start - inner
    if stack:
        stack[-1][2] += ts - start
    else:
        top[name] = top.get(name, 0.0) + ts - start
import gc
sigs = [len(d.signatures) for d in gc.get_objects() if isinstance(d, Dispatcher) and d.signatures]
json.dump({"wall_s": wall, "cpu_s": cpu, "compile_s": sum(top.values()), "top_level_s": top,
           "slowest_own_s": dict(sorted(own.items(), key=lambda kv: -kv[1])[:10]),
           "functions": len(sigs), "specialisations": sum(sigs)}, sys.stdout)
"""
PHASES = ("validation", "assembly", "simpy_loop", "kernel", "summary", "store")


class KernelTimer:
    """Wraps the loop's span functions and the batched kernels (the kernels ``span_kernel``,
    ``binned_kernel`` and ``cases_kernel`` return) so their CPU time is summed in ``seconds``."""

    def __init__(self):
        import twin.engine.batch as batch
        import twin.engine.loop as loop
        self.seconds = 0.0
        self.saved = {(m, name): getattr(m, name)
                      for m, name in ((loop, "span_kernel"), (loop, "binned_kernel"), (batch, "cases_kernel"))}

    def _wrap(self, fn):
        def timed(*args):
            t0 = CLOCK()
            try:
                return fn(*args)
            finally:
                self.seconds += CLOCK() - t0
        return timed

    def __enter__(self):
        for (module, name), fn in self.saved.items():
            timed = lambda plant_type, fn=fn: self._wrap(fn(plant_type))  # each returns the kernel of a plant type
            setattr(module, name, timed)
        return self

    def __exit__(self, *exc):
        for (module, name), fn in self.saved.items():
            setattr(module, name, fn)


def sweep_phases(n_cases: int, batch: int, tmp: Path) -> tuple[dict, str]:
    """Per-case CPU ms of each phase (median over batches) and a cProfile text of the batches."""
    from twin.study import sweep
    from twin.study.design import load_sweep
    from twin.study.store import SweepStore

    design_file = tmp / "sweep.toml"
    design_file.write_text(SWEEP.format(baseline=(ROOT / "scenarios" / "guangzhou_legacy.toml").as_posix(),
                                        batch=batch, metrics="full", method="steps"), encoding="utf-8")
    design = load_sweep(design_file)
    store = SweepStore(tmp / "results.zarr", design)
    sweep.STAGE_CLOCK = CLOCK
    sweep.warm_up(design)
    # whole chunks (a store write holds one chunk), spread over the sites and mixes: every 11th chunk
    n_chunks = -(-design.n_cases // batch)
    chunks = [(11 * k) % n_chunks for k in range(max(1, n_cases // batch))]
    batches = [list(range(c * batch, min(design.n_cases, (c + 1) * batch))) for c in chunks]
    ids = [i for b in batches for i in b]
    per_batch = []
    profile = cProfile.Profile()
    for case_ids in batches:
        with KernelTimer() as kt:
            res = sweep.run_batch(design, case_ids)
        t0 = CLOCK()
        store.write(res)
        t_store = CLOCK() - t0
        n = len(case_ids)
        tm = res.timings
        per_batch.append({"validation": tm["validation"] / n, "assembly": tm["assembly"] / n,
                          "simpy_loop": (tm["kernel"] - kt.seconds) / n, "kernel": kt.seconds / n,
                          "summary": tm["summary"] / n, "store": t_store / n, "case_total": tm["cases"] / n + t_store / n})
        profile.enable()
        sweep.run_batch(design, case_ids)
        profile.disable()
    sweep.STAGE_CLOCK = time.perf_counter
    medians = {k: 1e3 * statistics.median(b[k] for b in per_batch) for k in per_batch[0]}
    medians["outside_kernel"] = sum(medians[k] for k in ("validation", "assembly", "summary", "store"))
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(25)
    return {"cases": len(ids), "batches": len(batches), "per_case_ms": medians}, text.getvalue()


def annual_phases(runs: int, tmp: Path) -> dict:
    """Per-phase CPU ms (medians over ``runs`` warm runs) of the default annual run with --out."""
    from twin.inputs.schema import load_scenario
    from twin.engine.simulate import prepare, run_plant
    from twin.metrics.summary import build_summary, save_run

    path = ROOT / "scenarios" / "guangzhou_legacy.toml"
    rows = []
    for k in range(runs + 1):  # the first run warms the caches and is dropped
        with KernelTimer() as kt:
            t0 = CLOCK()
            scn = load_scenario(path)
            t1 = CLOCK()
            plant = prepare(scn, file=str(path), base_dir=path.parent)
            t2 = CLOCK()
            result = run_plant(plant, file=str(path))
            t3 = CLOCK()
        summary = build_summary(result, scenario_file=str(path))
        t4 = CLOCK()
        save_run(result, summary, tmp / f"run{k}")
        t5 = CLOCK()
        rows.append({"validation": t1 - t0, "assembly": t2 - t1, "simpy_loop": t3 - t2 - kt.seconds,
                     "kernel": kt.seconds, "summary": t4 - t3, "store": t5 - t4, "case_total": t5 - t0})
    medians = {key: 1e3 * statistics.median(r[key] for r in rows[1:]) for key in rows[0]}
    medians["outside_kernel"] = sum(medians[k] for k in ("validation", "assembly", "summary", "store"))
    return {"runs": runs, "per_run_ms": medians}


def first_run() -> dict:
    """``dctwin run`` in a new process with empty Numba and weather caches, then in a later process."""
    import subprocess

    out = {}
    with tempfile.TemporaryDirectory() as numba_cache, tempfile.TemporaryDirectory() as dctwin_cache:
        # one process, so that Numba's compile events list every kernel (annual_run.py times two)
        env = dict(os.environ, NUMBA_CACHE_DIR=numba_cache, DCTWIN_CACHE_DIR=dctwin_cache, DCTWIN_COMPILE_PROCESSES="1",
                   PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
        for label in ("empty_caches", "later_process"):
            text = subprocess.run([sys.executable, "-c", COMPILE_CHILD], env=env, capture_output=True, text=True,
                                  check=True, cwd=ROOT).stdout
            out[label] = json.loads(text)
    return out


def markdown(result: dict, profile_text: str) -> str:
    sw, an = result["sweep_case"]["per_case_ms"], result["annual_run"]["per_run_ms"]
    lines = [
        "# Where the time goes (benchmarks/profile_case.py)", "",
        f"Measured {result['date']} on {result['machine']['cpus']} CPUs, load average before "
        f"{result['load_average_before']}, after {result['load_average_after']}. CPU time of the process "
        "(time.process_time), medians; warm (kernels compiled, weather cached).", "",
        f"Sweep case: {result['sweep_case']['cases']} cases of the 2,000-case full-cooling-retrofit sweep "
        "(`sweep_throughput.py`, full metrics), median over batches. Annual run: the default scenario with "
        f"`--out`, median of {result['annual_run']['runs']} runs.", "",
        "| phase | what | sweep case [ms] | default annual run [ms] |", "|---|---|---|---|",
    ]
    what = {"validation": "scenario dictionary, pydantic validation (annual run: read the file too)",
            "assembly": "measures, weather from the cache, plant arrays",
            "simpy_loop": "SimPy processes and the loop around the kernel (batched cases: stacking their arrays)",
            "kernel": "Numba span kernel (sweep: mostly the batched kernel, one case a call)", "summary": "run summary and (sweep) its flattening to columns",
            "store": "sweep: Zarr write of the batch, per case; annual run: results.nc and summary.json",
            "outside_kernel": "validation + assembly + summary + store", "case_total": "everything"}
    for key in (*PHASES, "outside_kernel", "case_total"):
        lines.append(f"| {key} | {what[key]} | {sw[key]:.2f} | {an[key]:.2f} |")
    fr = result.get("first_run")
    if fr:
        first, later = fr["empty_caches"], fr["later_process"]
        lines += ["", "## First run: `dctwin run` with empty Numba and weather caches", "",
                  f"New process, empty caches: {first['cpu_s']:.1f} s CPU ({first['wall_s']:.1f} s wall), of which "
                  f"{first['compile_s']:.1f} s (wall) compiling {first['functions']} functions in "
                  f"{first['specialisations']} specialisations. Later process (caches filled): "
                  f"{later['cpu_s']:.1f} s CPU ({later['wall_s']:.1f} s wall), {later['functions']} kernels loaded.", "",
                  "| compiled from Python (with every kernel it calls) | s |", "|---|---|"]
        lines += [f"| `{k}` | {v:.2f} |" for k, v in sorted(first["top_level_s"].items(), key=lambda kv: -kv[1])]
        lines += ["", "| slowest functions to compile, own time (callees excluded) | s |", "|---|---|"]
        lines += [f"| `{k}` | {v:.2f} |" for k, v in first["slowest_own_s"].items()]
    lines += ["", "## cProfile of the sweep batches (top 25 by own time)", "", "```", profile_text.strip(), "```", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=200, help="sweep cases to time (default 200)")
    p.add_argument("--batch-size", type=int, default=50)
    p.add_argument("--runs", type=int, default=15, help="warm annual runs to time (default 15)")
    p.add_argument("--no-first-run", action="store_true", help="skip the first run with empty caches (~20 s)")
    p.add_argument("--out", type=Path, default=HERE / "results" / "profile.md")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="dctwin-profile-"))
    result = {"benchmark": "profile_case", "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
              "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
              "clock": "time.process_time", "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    try:
        result["sweep_case"], profile_text = sweep_phases(args.cases, args.batch_size, tmp)
        result["annual_run"] = annual_phases(args.runs, tmp)
        if not args.no_first_run:
            result["first_run"] = first_run()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    for part in ("sweep_case", "annual_run"):
        block = result[part]
        key = "per_case_ms" if part == "sweep_case" else "per_run_ms"
        block[key] = {k: round(v, 3) for k, v in block[key].items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(result, profile_text), encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("sweep_case", "annual_run", "first_run") if k in result}, indent=2))
    print(f"wrote {args.out} and {args.out.with_suffix('.json').name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
