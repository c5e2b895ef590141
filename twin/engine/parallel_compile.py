"""The first run compiles the kernels in two processes at once.

Numba compiles a kernel together with every kernel it calls, one after the other in one
process: the span kernel of a chilled-water plant (:func:`components.spans.span_kernel`), about
11-13 s on one core in a new install.  With ``cache=True`` each compiled kernel is saved on disk, and when
a caller is compiled later Numba loads a callee found there instead of compiling it again (its
machine code and its optimised LLVM bitcode, which the caller links and inlines as before: the
result is the same machine code).

So when the cache is empty, :func:`start` (called once the plant type is known, if the command
line has called :func:`enable`) launches a child process that compiles the plant kernels of the
plant's family (:data:`CHILD`) into the cache while this process goes on reading the weather and
assembling the plant (which compiles their own kernels); :func:`join`, called before the first simulation,
compiles :data:`PARENT` here, waits until the child reports its plant kernels saved and returns,
and the facility kernel then finds the plants on disk.  The child goes on with the run summary's
kernels (:data:`SUMMARY`) while this process compiles the step and simulates, and this process
waits for it to end before exiting.  The two processes' cache writes are serialised by the lock in
:mod:`components._jit`.  If the child fails, this process compiles what is missing itself: the
results never depend on it.

The signatures are those :func:`~components.facility._step` calls the kernels with (float
arrays C-contiguous, but the steps' outputs, a Fortran-ordered block:
:func:`components.facility.run_blocked`; indices int64); ``tests/test_parallel_compile.py`` checks that they still
are, since a kernel precompiled with other argument types would be compiled again.
"""

from __future__ import annotations

import atexit
import importlib
import os
import subprocess
import sys
from pathlib import Path

from components.plant.families import AIR_SIDE, CHILLED_WATER, family_of

#: argument type codes of the signatures below: (dtype, dimensions, read-only, layout) of 1-D and 2-D
#: C-contiguous float64 arrays (parameters, curves, the steps' boundary; the summary's channels), the
#: steps' outputs in Fortran order as the span kernels pass them (:func:`components.facility.run_blocked`),
#: float64 and int64 scalars, an int64 vector, and the read-only vectors the summary passes (tariff
#: period arrays, the month of each step)
_TYPES = {"V": ("float64", 1, False, "C"), "M": ("float64", 2, False, "C"),
          "F": ("float64", 2, False, "F"), "f": ("float64", 0, False, ""), "i": ("int64", 0, False, ""),
          "I": ("int64", 1, False, "C"), "v": ("float64", 1, True, "C"), "j": ("int32", 1, True, "C")}
#: tuple codes, float64 tuples of this length: the step's room (``components.facility._NO_ROOM``),
#: its critical path (:func:`components.power_chain.critical_path`) and the towers' set-point
#: terms (:data:`components.cooling.cooling_tower.NO_TERMS`); tests/test_parallel_compile.py
#: checks them against the step
_TUPLES = {"R": 19, "P": 7, "T": 12}

_AIR_SIDE = ("components.facility", "_air_side", "Vfff")
_LIQUID_LOOP = ("components.facility", "_liquid_loop", "Vffffff")
_OUTDOOR_AIR = ("components.plant.outdoor_air", "_economizing_stage", "VMiffffF")
_CRITICAL_PATH = ("components.power_chain", "critical_path", "Vf")
_ROOM = ("components.facility", "_room", "VfffR")
_POWER_CHAIN = ("components.power_chain", "power_chain", "VFifP")
#: (module, kernel, argument types) by plant family (:mod:`components.plant.families`): compiled
#: by the child process.  The split balances the two processes (2026-12-07, the chilled-water
#: family: this process reads the weather and assembles the plant, compiling their kernels, until
#: 3.4-3.6 s, then :data:`PARENT` until 7.0-7.3 s; the child, started 1.1 s in, compiles the
#: chilled-water plant in 6.6 s and ends at 8.1-8.9 s.  With the outdoor-air stage (0.95 s there)
#: in the child, as until then, it ended at 9.9 s with this process idle for 3 s).  :data:`PARENT`
#: includes the step's room and power chain, which would otherwise compile after :func:`join`, in
#: the step's own compilation.  The
#: liquid loop's tower is the chilled-water plant's, compiled once in the child.  The IEC plant
#: stays with the DX plant: its DX trim calls the same kernels, which two processes would both compile.
CHILD = {
    CHILLED_WATER: (("components.plant.chilled_water", "chilled_water_plant", "VVfMfFiT"), _LIQUID_LOOP,
                    ("components.plant.chilled_water", "district_plant", "VfFi")),
    AIR_SIDE: (("components.plant.air_side", "dx_plant", "VVfffffFi"), ("components.plant.air_side", "iec_plant", "VVffffMFi")),
}
#: compiled by this process in :func:`join` while the child runs, by plant family
PARENT = {
    CHILLED_WATER: (_OUTDOOR_AIR, _AIR_SIDE, _CRITICAL_PATH, _ROOM, _POWER_CHAIN),
    AIR_SIDE: (_AIR_SIDE, _CRITICAL_PATH, _LIQUID_LOOP, _OUTDOOR_AIR),
}
#: the run summary's kernels (:mod:`components.channel_stats`), compiled by the child after
#: :data:`CHILD` while this process compiles the step (about 0.5 s it would otherwise spend after the
#: simulation); ``tests/test_parallel_compile.py`` checks the signatures against a summary's calls
SUMMARY = (("components.channel_stats", "monthly_sums", "VjV"),
           ("components.channel_stats", "bill_steps", "VifvvjfMIVVVVVVVI"))
#: the line the child writes once the :data:`CHILD` kernels are in the cache
_READY = "plants compiled"
#: "1" or "2" compiles in that many processes whatever the load (benchmarks/annual_run.py
#: measures both); unset, see :func:`needed`
PROCESSES_ENV = "DCTWIN_COMPILE_PROCESSES"

_enabled = False
_child: subprocess.Popen | None = None  # compiling the plant kernels: :func:`join` not called yet
_finishing: subprocess.Popen | None = None  # past :func:`join`, compiling :data:`SUMMARY`
_family = CHILLED_WATER  # of the child's kernels


def signature(codes: str) -> tuple:
    """Numba argument types of a code string of :data:`_TYPES` and :data:`_TUPLES` (``"VMi"``: vector, matrix, int)."""
    from numba import types

    out = []
    for c in codes:
        if c in _TUPLES:
            out.append(types.UniTuple(types.float64, _TUPLES[c]))
            continue
        name, ndim, readonly, layout = _TYPES[c]
        scalar = getattr(types, name)
        out.append(scalar if ndim == 0 else types.Array(scalar, ndim, layout, readonly=readonly))
    return tuple(out)


def compile_kernels(group) -> None:
    """Compile each kernel of ``group`` for its signature (loaded instead when on disk)."""
    for module, name, codes in group:
        getattr(importlib.import_module(module), name).compile(signature(codes))


def needed(plant_type: float) -> bool:
    """Whether a child process would help: the span kernel of ``plant_type`` (a ``PARAM.plant_type``
    code) is neither loaded nor on disk,
    Numba compiles (no ``NUMBA_DISABLE_JIT``), cache writes are locked, and there is a free CPU.

    Free means 2+ CPUs and a load average (last minute) below the CPU count less one, unless
    :data:`PROCESSES_ENV` says 1 or 2.  On a busy machine the child gains no wall time and costs
    1.5-2.5 s of CPU (measured 2026-12-05 on 2 CPUs at load 4-5: 23-26 s wall either way).
    """
    from components._jit import CACHE_LOCKS, has_cached_machine_code
    from components.spans import span_kernel

    cpus, forced = os.cpu_count() or 1, os.environ.get(PROCESSES_ENV)
    if not CACHE_LOCKS or forced == "1" or cpus < 2:
        return False
    if forced != "2" and os.getloadavg()[0] >= cpus - 1:
        return False
    kernel = span_kernel(plant_type)
    if not hasattr(kernel, "signatures"):  # NUMBA_DISABLE_JIT: plain Python
        return False
    return not kernel.signatures and not has_cached_machine_code(kernel)


def enable() -> None:
    """Let :func:`start` launch a child: the command line's runs (a library call compiles in its own process)."""
    global _enabled
    _enabled = True


def start(plant_type: float) -> bool:
    """Launch the child compiling the :data:`CHILD` kernels of ``plant_type``'s family if they must be
    compiled and :func:`enable` was called; return whether.

    The child inherits the environment (so ``NUMBA_CACHE_DIR``) and finds this package first on
    its path; it writes nothing but Numba's cache and one line to this process (:data:`_READY`).
    Before :func:`join` it is stopped at exit if still running; after, waited for.
    """
    global _child, _family
    if not _enabled or _child is not None or not needed(plant_type):
        return False
    _family = family_of(plant_type)
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    _child = subprocess.Popen([sys.executable, "-m", __name__, str(_family)], env=env, cwd=root, text=True,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    atexit.register(_stop)
    return True


def join() -> None:
    """If a child is compiling: compile the :data:`PARENT` kernels of its family here, then wait until
    the child has saved its plant kernels (or ended: whatever it did not save, Numba compiles here)."""
    global _child, _finishing
    if _child is None:
        return
    compile_kernels(PARENT[_family])
    _child.stdout.readline()  # its ready line, or "" once it has ended
    _child, _finishing = None, _child


def _stop() -> None:
    """At exit: end a child still compiling plant kernels (an error ended this process before
    :func:`join`); wait for one compiling the summary's (stopped mid-save, it would leave a cache
    entry half written)."""
    if _child is not None and _child.poll() is None:
        _child.terminate()
        _child.wait()
    if _finishing is not None:
        try:
            _finishing.wait(timeout=60)
        except subprocess.TimeoutExpired:
            _finishing.terminate()
            _finishing.wait()


if __name__ == "__main__":
    compile_kernels(CHILD[int(sys.argv[1])])
    print(_READY, flush=True)
    compile_kernels(SUMMARY)
