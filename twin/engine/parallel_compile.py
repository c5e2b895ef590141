"""The first run compiles the kernels in two processes at once.

Numba compiles a kernel together with every kernel it calls, one after the other in one
process: the span kernel of a chilled-water plant (:func:`components.spans.span_kernel`), about
11-13 s on one core in a new install.  With ``cache=True`` each compiled kernel is saved on disk, and when
a caller is compiled later Numba loads a callee found there instead of compiling it again (its
machine code and its optimised LLVM bitcode, which the caller links and inlines as before: the
result is the same machine code).

So when the cache is empty, :func:`start` (called by :func:`twin.engine.compile_ahead.compile_ahead`
once the plant type is known, if the command line has called :func:`enable`; ``dctwin run`` calls it
as soon as it has read the scenario, before it imports pandas) launches a child process that
compiles the plant kernels of the plant's family (:data:`CHILD`) into the cache, and compiles
:data:`PARENT` here meanwhile.  Then it tells the child, which compiles the kernel the run will call
(the span kernel, or the controlled span kernel of AI control: :data:`RUN_KERNELS`), now finding
every kernel the step calls on disk, while this process imports the engine, reads the weather and
assembles the plant (:func:`twin.engine.simulate.prepare`) and compiles the run summary's kernels
(:data:`SUMMARY`, in :func:`join`).  :func:`join`, called before the first simulation, waits until
the child reports the run's kernel saved; the simulation then loads it from disk.

Until 2026-12-07 the child compiled the plants only, and this process the span kernel after them
(3-3.5 s on one core, the other idle): timed in turns against that, the bundled default's first run
12.6-12.9 s -> 11.1-11.4 s, with AI control 18.0-18.2 s -> 15.8-16.6 s, the DX room 13.3-13.7 s ->
12.6-13.3 s (this 2-core machine at a slow moment; the default 8.7-9.3 s at a fast one).  The two
processes' cache writes are serialised by the lock in :mod:`components._jit`.  If the child fails,
this process compiles what is missing itself: the results never depend on it.

The signatures are those :func:`~components.facility._step` calls the kernels with (float
arrays C-contiguous, but the steps' outputs, a Fortran-ordered block:
:func:`components.facility.run_blocked`; indices int64), and those :func:`~twin.engine.simulate.run_plant`
calls the run's kernels with; ``tests/test_parallel_compile.py`` checks that they still are, since a
kernel precompiled with other argument types would be compiled again.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib
import os
import select
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
_TUPLES = {"R": 19, "P": 7, "T": 13}

_AIR_SIDE = ("components.facility", "_air_side", "Vfff")
_LIQUID_LOOP = ("components.facility", "_liquid_loop", "Vffffff")
_OUTDOOR_AIR = ("components.plant.outdoor_air", "_economizing_stage", "VMiffffF")
_CRITICAL_PATH = ("components.power_chain", "critical_path", "Vf")
_ROOM = ("components.facility", "_room", "VfffR")
_POWER_CHAIN = ("components.power_chain", "power_chain", "VFifP")
#: the floating towers' solve, which the chilled-water plant calls (through its towers' cells)
_FLOATING_TOWER = ("components.cooling.cooling_tower", "_floating_temperature", "fffffffff")
#: (module, kernel, argument types) by plant family (:mod:`components.plant.families`): compiled
#: by the child process before the run's kernel.  The liquid loop's tower is the chilled-water
#: plant's, compiled once.  The IEC plant stays with the DX plant: its DX trim calls the same
#: kernels, which two processes would both compile.
CHILD = {
    CHILLED_WATER: (("components.plant.chilled_water", "chilled_water_plant", "VVfMfFiT"),
                    ("components.plant.chilled_water", "district_plant", "VfFi")),
    AIR_SIDE: (("components.plant.air_side", "dx_plant", "VVfffffFi"), ("components.plant.air_side", "iec_plant", "VVffffMFi")),
}
#: compiled by this process in :func:`start` while the child compiles :data:`CHILD`, by plant family,
#: in this order.  The split balances the two processes (2026-12-07, the chilled-water family, seconds
#: after the command started: this process done at 6.0-6.3 s, the child at 6.1-6.4 s; with the liquid
#: loop in the child it ended 1.6 s after this process, with the liquid loop first here 1.2 s before).
#: The floating towers come first, so that they are on disk before the child's chilled-water plant
#: asks for them.  DX and IEC (the DX room): this process done at 6.1 s, the child at 7.4 s, the run
#: ready at 10.7-10.9 s; with the IEC plant compiled here instead, 11.9-12.0 s (both compile the DX
#: kernels its trim calls).
PARENT = {
    CHILLED_WATER: (_FLOATING_TOWER, _OUTDOOR_AIR, _AIR_SIDE, _CRITICAL_PATH, _ROOM, _POWER_CHAIN, _LIQUID_LOOP),
    AIR_SIDE: (_AIR_SIDE, _CRITICAL_PATH, _ROOM, _POWER_CHAIN, _LIQUID_LOOP, _OUTDOOR_AIR),
}
#: the kernel the run calls, compiled by the child last, by plant family: the span kernel
#: (:func:`components.spans.span_kernel`) or, with AI control, the controlled span kernel
#: (:func:`components.supervisory.controlled_kernel`), as :func:`twin.engine.simulate.run_plant` calls them
RUN_KERNELS = {
    (CHILLED_WATER, False): ("components.spans", "run_span_chilled_water", "iiMVVMVFM"),
    (AIR_SIDE, False): ("components.spans", "run_span_air_side", "iiMVVMVFM"),
    (CHILLED_WATER, True): ("components.supervisory", "run_span_controlled_chilled_water", "iiMVVMVMVIMMVFVMVIFM"),
    (AIR_SIDE, True): ("components.supervisory", "run_span_controlled_air_side", "iiMVVMVMVIMMVFVMVIFM"),
}
#: the run summary's kernels (:mod:`components.channel_stats`), compiled by this process in :func:`join`
#: while the child compiles the run's kernel (about 0.4 s it would otherwise spend after the
#: simulation); ``tests/test_parallel_compile.py`` checks the signatures against a summary's calls
SUMMARY = (("components.channel_stats", "monthly_sums", "VjV"),
           ("components.channel_stats", "bill_steps", "VifvvjfMIVVVVVVVI"))
#: the line this process writes to the child once the :data:`PARENT` kernels are on disk, and the line
#: the child writes back once the run's kernel is
_GO = "parent kernels compiled"
_READY = "run kernel compiled"
#: "1" or "2" compiles in that many processes whatever the load (benchmarks/annual_run.py
#: measures both); unset, see :func:`needed`
PROCESSES_ENV = "DCTWIN_COMPILE_PROCESSES"

_enabled = False
_imports: tuple[str, ...] = ()  # modules :func:`join` imports while the child compiles (:func:`enable`)
_child: subprocess.Popen | None = None  # compiling: :func:`join` not called yet


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


def run_kernel(plant_type: float, controlled: bool):
    """The kernel a run of ``plant_type`` (a ``PARAM.plant_type`` code) calls: its family's span kernel
    (:func:`components.spans.span_kernel`), or with ``controlled`` (AI control, stepped) its controlled
    span kernel (:func:`components.supervisory.controlled_kernel`); :data:`RUN_KERNELS` names it."""
    from components.spans import span_kernel
    from components.supervisory import controlled_kernel

    return (controlled_kernel if controlled else span_kernel)(plant_type)


def needed(plant_type: float, controlled: bool = False) -> bool:
    """Whether a child process would help: the kernel the run calls (:func:`run_kernel`) is neither
    loaded nor on disk, Numba compiles (no ``NUMBA_DISABLE_JIT``), cache writes are locked, and there
    is a free CPU.

    Free means 2+ CPUs and a load average (last minute) below the CPU count less one, unless
    :data:`PROCESSES_ENV` says 1 or 2.  On a busy machine the child gains no wall time and costs
    1.5-2.5 s of CPU (measured 2026-12-05 on 2 CPUs at load 4-5: 23-26 s wall either way).
    """
    from components._jit import CACHE_LOCKS, has_cached_machine_code

    cpus, forced = os.cpu_count() or 1, os.environ.get(PROCESSES_ENV)
    if not CACHE_LOCKS or forced == "1" or cpus < 2:
        return False
    if forced != "2" and os.getloadavg()[0] >= cpus - 1:
        return False
    kernel = run_kernel(plant_type, controlled)
    if not hasattr(kernel, "signatures"):  # NUMBA_DISABLE_JIT: plain Python
        return False
    return not kernel.signatures and not has_cached_machine_code(kernel)


def enable(imports: tuple[str, ...] = ()) -> None:
    """Let :func:`start` launch a child: the command line's runs (a library call compiles in its own process).

    ``imports`` names modules the command imports after the run (``dctwin run``'s uncertainty band:
    ``scipy.stats``, 0.3-0.4 s); :func:`join` imports them while it waits for the child.
    """
    global _enabled, _imports
    _enabled, _imports = True, tuple(imports)


def start(plant_type: float, controlled: bool = False) -> bool:
    """If the run's kernel must be compiled and :func:`enable` was called: launch the child compiling
    the :data:`CHILD` kernels of ``plant_type``'s family and then the run's kernel
    (:data:`RUN_KERNELS`), compile the :data:`PARENT` kernels here meanwhile, and tell the child;
    return whether.

    The child inherits the environment (so ``NUMBA_CACHE_DIR``) and finds this package first on
    its path; it writes nothing but Numba's cache and one line to this process (:data:`_READY`), and
    then ends at once.  Before :func:`join` it is stopped at exit if still running.
    """
    global _child
    if not _enabled or _child is not None or not needed(plant_type, controlled):
        return False
    family = family_of(plant_type)
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    _child = subprocess.Popen([sys.executable, "-m", __name__, str(family), str(int(controlled))], env=env, cwd=root,
                              text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    atexit.register(_stop)
    try:
        compile_kernels(PARENT[family])
        _child.stdin.write(_GO + "\n")
    except OSError:  # the child has ended: join() finds it so, and the run compiles what is missing here
        pass
    finally:  # without the line (this process failed) the child ends without compiling the run's kernel
        with contextlib.suppress(OSError):
            _child.stdin.close()
    return True


def join() -> None:
    """If a child is compiling: compile the :data:`SUMMARY` kernels here and import the modules named
    to :func:`enable`, each unless the child is done already, then wait until it has saved the run's
    kernel (or ended: whatever it did not save, Numba compiles here).

    In the bundled default's first run this process reaches here 0.6-1.1 s before the child is done
    (2026-12-07): the summary's kernels take 0.45 s of that, the band's ``scipy.stats`` 0.3-0.4 s.
    """
    global _child
    if _child is None:
        return
    for work in (functools.partial(compile_kernels, SUMMARY), *(functools.partial(importlib.import_module, m)
                                                               for m in _imports)):
        if select.select([_child.stdout], [], [], 0)[0]:  # its line is there: the child is done
            break
        work()
    _child.stdout.readline()  # its ready line, or "" once it has ended
    _child.wait()  # it ends at once after its line (so its CPU time counts as this process's children's)
    _child = None


def _stop() -> None:
    """At exit: end a child still compiling (an error ended this process before :func:`join`)."""
    if _child is not None and _child.poll() is None:
        _child.terminate()
        _child.wait()


if __name__ == "__main__":
    _family, _controlled = int(sys.argv[1]), sys.argv[2] == "1"
    compile_kernels(CHILD[_family])
    if sys.stdin.readline().strip() == _GO:  # else the parent ended or failed before compiling its kernels
        compile_kernels((RUN_KERNELS[_family, _controlled],))
        print(_READY, flush=True)
    os._exit(0)  # the cache is written; the interpreter's teardown (0.3-0.5 s with Numba loaded) would only delay join()
