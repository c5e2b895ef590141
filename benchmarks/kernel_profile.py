"""Where the span kernel's time goes, function by function, sampled with Linux ``perf``.

Numba's machine code carries no symbols that ``perf`` can see.  This script compiles the kernels
in this process (a new, temporary Numba cache and one compiling process, so that every compiled
function's LLVM module is at hand), writes ``perf``'s map of JIT code (``/tmp/perf-<pid>.map``:
start, size and name of each compiled function), then samples the warm annual runs of each mix
with ``perf record`` attached to this process for the timed runs only, and reports each
function's share of the samples.

Shares are own time: a function compiled on its own counts apart from its callers; one inlined
into its caller (:func:`components._jit.jit_inlined`, or inlined by LLVM) counts in the caller.
Library code is reported by library: ``libm`` holds the ``exp``, ``log`` and ``pow`` the kernels
call, ``libpython`` the Python of ``run_plant`` (SimPy, the loop around the kernel, the garbage
collector).  The ms column is the share times the median CPU time of a run while sampled.

Usage::

    .venv/bin/python benchmarks/kernel_profile.py            # the default room
    .venv/bin/python benchmarks/kernel_profile.py baseline "chilled-water package, fixed set points"

Mixes are those of ``measures_run.py`` (each also with ``" + AI control"``).  Needs ``perf``
(linux-tools) allowed to attach to this process (root, or ``kernel.perf_event_paranoid`` <= 1);
exits 2 with a message otherwise.  It compiles every kernel first (20-60 s).  Results go to
``benchmarks/results/kernel_profile.md`` and ``.json``; a measurement, not a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

#: libraries reported as one line each, by the start of their file name
LIBRARIES = {"libm": "libm (exp, log, pow called by the kernels)",
             "libpython": "Python (run_plant, SimPy, garbage collector)"}
#: samples per second and per CPU
FREQUENCY = 2000


def readable(symbol: str) -> str:
    """``module.function`` of a Numba symbol (``_ZN10components5spans22run_span_...B...E...``); the
    Python wrapper of a kernel is ``cpython.<module>.<function>``; other symbols are returned as given."""
    if not symbol.startswith("_ZN"):
        return symbol
    i, parts = 3, []
    while i < len(symbol) and symbol[i].isdigit():
        j = i
        while symbol[j].isdigit():
            j += 1
        n = int(symbol[i:j])
        parts.append(symbol[j:j + n])
        i = j + n
    return ".".join(parts) if parts else symbol


def jit_symbols() -> dict[int, str]:
    """Start address -> symbol of every function Numba compiled in this process (none loaded from a cache)."""
    from numba.core.registry import CPUDispatcher

    starts = {}
    for obj in gc.get_objects():
        if not isinstance(obj, CPUDispatcher):
            continue
        for cres in obj.overloads.values():
            library = cres.library
            module = getattr(library, "_final_module", None)  # None for machine code loaded from a cache
            if module is None:
                continue
            for f in module.functions:
                if f.is_declaration:
                    continue
                address = library.get_pointer_to_function(f.name)
                if address:
                    starts[address] = f.name
    return starts


def write_perf_map(starts: dict[int, str]) -> Path:
    """``/tmp/perf-<pid>.map`` for ``perf report``: each function runs to the next one's start."""
    path = Path(f"/tmp/perf-{os.getpid()}.map")
    ordered = sorted(starts)
    with open(path, "w", encoding="ascii") as fh:
        for k, start in enumerate(ordered):
            size = ordered[k + 1] - start if k + 1 < len(ordered) else 1 << 16
            fh.write(f"{start:x} {min(size, 1 << 20):x} {starts[start]}\n")
    return path


def sampled_runs(plant, runs: int, data: Path) -> list[float]:
    """Run ``plant``'s year ``runs`` times under ``perf record`` (attached to this process); CPU ms of each run."""
    from twin.engine.simulate import run_plant

    perf = subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-F", str(FREQUENCY), "-p", str(os.getpid()),
                             "-o", str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # perf attaches; this process sleeps meanwhile, so it takes no samples
    if perf.poll() is not None:
        raise SystemExit(f"kernel_profile: perf record failed: {perf.stderr.read().decode().strip()}")
    cpu = []
    try:
        for _ in range(runs):
            c0 = time.process_time()
            run_plant(plant)
            cpu.append(1e3 * (time.process_time() - c0))
    finally:
        perf.send_signal(signal.SIGINT)
        perf.wait(timeout=60)
    return cpu


def shares(data: Path) -> dict[str, float]:
    """Share of the samples in ``data`` [%] by function (JIT code) or library (the rest)."""
    report = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "-q", "--no-children",
                             "--sort", "dso,sym", "--field-separator", "\t"],
                            capture_output=True, text=True, check=True).stdout
    out: dict[str, float] = defaultdict(float)
    for line in report.splitlines():
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < 3 or not fields[0].endswith("%"):
            continue
        share, dso, sym = float(fields[0].rstrip("%")), fields[1], fields[2].split("] ", 1)[-1]
        if dso.startswith("[JIT]"):
            out[readable(sym)] += share
            continue
        name = Path(dso).name
        key = next((label for prefix, label in LIBRARIES.items() if name.startswith(prefix)), "other libraries")
        out[key] += share
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def markdown(result: dict, top: int) -> str:
    lines = ["# Where the span kernel's time goes, function by function (benchmarks/kernel_profile.py)", "",
             f"Measured {result['date']} on {result['cpus']} CPUs, load average before {result['load_average_before']}, "
             f"after {result['load_average_after']}; `perf record` at {FREQUENCY} samples/s attached to the process "
             "during warm annual runs (`run_plant`, the kernels compiled in the process). Own time: a function "
             "compiled on its own counts apart from its callers, one inlined into its caller counts there.", ""]
    for mix, block in result["mixes"].items():
        lines += [f"## {mix}", "",
                  f"{block['runs']} runs, median {block['cpu_ms_median']:.2f} ms CPU a year while sampled; "
                  f"shares of all the process's samples (the {top} largest).", "",
                  "| function or library | share [%] | ms a year |", "|---|---|---|"]
        for name, share in list(block["shares"].items())[:top]:
            lines.append(f"| `{name}` | {share:.1f} | {share / 100 * block['cpu_ms_median']:.2f} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mixes", nargs="*", default=["baseline"], help="mixes of measures_run.py (default: baseline)")
    p.add_argument("--runs", type=int, default=1000, help="sampled annual runs per mix (default 1000)")
    p.add_argument("--top", type=int, default=20, help="rows per mix in the markdown table (default 20)")
    p.add_argument("--out", type=Path, default=HERE / "results" / "kernel_profile.md")
    args = p.parse_args(argv)
    if shutil.which("perf") is None:
        print("kernel_profile: needs Linux perf (linux-tools) on PATH", file=sys.stderr)
        return 2
    cache = tempfile.mkdtemp(prefix="dctwin-kernel-profile-")
    # before Numba is imported: compile here (a new cache, one compiling process), keeping the LLVM modules
    os.environ["NUMBA_CACHE_DIR"] = cache
    os.environ["DCTWIN_COMPILE_PROCESSES"] = "1"
    import measures_run

    result = {"benchmark": "kernel_profile", "date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "cpus": os.cpu_count(),
              "load_average_before": [round(x, 2) for x in os.getloadavg()], "mixes": {}}
    perf_map = None
    try:
        print(f"compiling the kernels of {len(args.mixes)} mix(es) in this process ...", flush=True)
        plants = {mix: measures_run.prepared(measures_run.measures_of(mix)) for mix in args.mixes}
        perf_map = write_perf_map(jit_symbols())
        for mix, plant in plants.items():
            print(f"sampling {args.runs} runs of {mix!r} ...", flush=True)
            data = Path(cache) / "perf.data"
            cpu = sampled_runs(plant, args.runs, data)
            listed = shares(data)
            result["mixes"][mix] = {"runs": args.runs, "cpu_ms_median": round(statistics.median(cpu), 4),
                                    "shares": {k: round(v, 2) for k, v in listed.items()}}
    finally:
        if perf_map is not None:
            perf_map.unlink(missing_ok=True)
        shutil.rmtree(cache, ignore_errors=True)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(result, args.top), encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} and {args.out.with_suffix('.json').name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
