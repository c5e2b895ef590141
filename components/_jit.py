"""The single place where Numba compilation options are chosen.

Both decorators compile in nopython mode with ``cache=True`` so that a second process loads
machine code from ``__pycache__`` instead of compiling again.  Setting ``NUMBA_DISABLE_JIT=1``
runs the very same source as plain Python (used by a fast test subset and for tracebacks).

- :func:`jit` is for the physics: functions over scalars and arrays they are *given*.  It
  compiles without Numba's reference-counting runtime (NRT).  With NRT every array passed
  between compiled functions is reference counted by atomic increments and decrements, and
  the facility kernel spent about a third of its time in them (measured with ``perf`` on
  the EnergyPlus Tampa case: 12.1 ms -> 9.8 ms per simulated year without them).  Such a
  function cannot allocate or return a new array; Numba refuses to compile one that tries.
- :func:`jit_alloc` keeps NRT, for the few functions that allocate arrays (whole-array
  psychrometrics, the set-point optimiser's scratch copies).
- :func:`jit_inlined` and :func:`jit_llvm_inlined` are :func:`jit` compiled into their callers'
  code: at Numba's intermediate representation (the callers type it again), or by LLVM from its
  compiled code (they do not).

Both use NumPy's floating-point error model (``error_model="numpy"``): a division by zero gives
``inf`` or ``nan`` as in NumPy instead of raising ``ZeroDivisionError``.  Under Numba's default
(Python) model every division tests its divisor and branches to an exception path, which the
kernels never take (they guard their divisions); the results are bit-identical and the span
kernels 2-5 % faster (``benchmarks/ab_kernel.py``, 2026-12-06: the default room, the chilled-water
package, IEC + liquid and the outdoor-air + IEC hybrid with AI control, channels identical).

Neither builds a C-callable wrapper (``no_cfunc_wrapper``): it is only needed to pass a compiled
function as a first-class function value or to take its address, which no kernel does, and
building it for each of the ~140 compiled functions cost about 1-2 s of the first run (of
17-21 s CPU; 2026-12-05).  Python still calls every kernel through its usual wrapper.

Several processes may fill the same cache at once (:mod:`twin.engine.parallel_compile` compiles
the plant kernels in a second process; sweep workers compile side by side).  Numba numbers a
function's cache files by reading, extending and rewriting its index, without a lock, so two
processes saving different specialisations of one function at the same moment could both take
number 1 and leave an index entry that points at the other's machine code.  :func:`_lock_cache`
therefore serialises the cache reads and writes of each cache folder between processes with
an advisory file lock (POSIX ``flock``; where there is none, nothing changes).  It wraps two
methods of Numba's (undocumented) cache file object, as :func:`has_cached_machine_code` reads it.

Numba checks a cached kernel against its own source file only: a kernel that calls a function of
another file keeps the machine code compiled from that file's old text after it changes (measured
2026-12-07: the bundled default's WUE unchanged after the saturation pressure in
``components/saturation.py`` was doubled).  So every cache folder holds the digest of the whole
package's sources it was filled from (:data:`SOURCES_FILE`, :func:`sources_digest`), and a folder
whose digest differs is emptied of machine code the first time this process decorates a function
caching there (:func:`_drop_stale`): after an update, or an edit, the kernels compile again, as
after ``make clean-cache``.

Importing this module makes Numba's inlining copy the inlined functions' scopes cheaply
(:mod:`components._inline_copy`): the same machine code, 1.3 s less compilation in a first run.
It also switches off Numba's timing events at every call into LLVM (:mod:`components._llvm_events`):
about 4 % of the compilation.

``_nrt`` is an undocumented Numba option (present from before 0.59 to 0.68 at least); a Numba
without it gets the default, reference-counted compilation: the same results, a little slower.
"""

import contextlib
import functools
import hashlib
import os
from pathlib import Path

from numba import config, njit

from components import _inline_copy, _llvm_events

try:  # ``_nrt`` is a target option Numba has long had but does not document; use it if present
    from numba.core.cpu import CPUTargetOptions
    _NO_NRT = {"_nrt": False} if hasattr(CPUTargetOptions, "_nrt") else {}
except ImportError:  # pragma: no cover - a Numba without it compiles with NRT, only slower
    _NO_NRT = {}
try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, the cache is used unlocked
    fcntl = None
_OPTIONS = {"cache": True, "nogil": True, "no_cfunc_wrapper": True, "error_model": "numpy"}
#: options of an ``@overload`` implementation called from :func:`jit` code: those of :func:`jit`
#: but the cache (it is compiled into its caller, whose cache holds it)
OVERLOAD_OPTIONS = {"nogil": True, "no_cfunc_wrapper": True, "error_model": "numpy", **_NO_NRT}
#: the lock file in each cache folder (see :func:`_lock_cache`)
LOCK_FILE = "dctwin-cache.lock"
#: whether cache reads and writes are locked between processes (parallel compilation needs it)
CACHE_LOCKS = fcntl is not None
#: the file in each cache folder holding the :func:`sources_digest` its machine code was compiled from
SOURCES_FILE = "dctwin-sources.sha256"
#: cache folders this process has checked (:func:`_drop_stale`)
_CHECKED: set[str] = set()

_inline_copy.install()
_llvm_events.install()


def jit(func):
    """Compile ``func`` in nopython mode with on-disk caching and no reference counting."""
    return _cached(njit(**_OPTIONS, **_NO_NRT)(func))


def jit_inlined(func):
    """``func`` (or a :func:`jit` function's Python source) compiled into each caller's code, not on its own.

    Numba compiles a call to a :func:`jit` function as a call: arguments and results go through
    memory.  The facility step (:func:`components.facility._step_from`) passes the 27 numbers it
    reuses from the step before (``reuse``) in and out so at every step, which cost about a tenth
    of a default room's year (perf, 2026-12-06).  This form is inlined into its callers' code at
    Numba's intermediate representation (``inline="always"``), so a span kernel's loop keeps
    ``reuse`` in registers: the same numbers, bit for bit, 8-10 % faster.  Each caller then
    compiles the inlined body itself, so it is for functions with few callers.

    As a decorator it also saves compilation: Numba compiles each function on its own and then
    optimises and generates machine code again for everything it calls, in every caller, so a
    chain of small functions over the step (the set-point search: ``_try`` < ``_line_search`` <
    ``_search`` < ``_decide``) regenerates the step's code at each link.  With
    ``NUMBA_DISABLE_JIT=1``: ``func`` itself, plain Python.
    """
    if config.DISABLE_JIT:
        return func
    return _cached(njit(inline="always", **_OPTIONS, **_NO_NRT)(getattr(func, "py_func", func)))


def jit_llvm_inlined(func):
    """:func:`jit`, and LLVM inlines ``func``'s machine code into its callers' (``forceinline``).

    A :func:`jit` function is compiled, optimised and cached once; its callers link its optimised
    code, and LLVM decides at each call whether to inline it.  Numba passes each array argument as
    its 7-field structure (data, shape, strides...), so LLVM's cost model leaves a call to a small
    function over ``p`` and ``o`` a call, with every argument passed at every step.  This form
    marks the function ``alwaysinline`` for LLVM: the callers still do not type or lower its body
    (unlike :func:`jit_inlined`), and their machine code holds it in place of the call.  Used for
    the power chain's meter sums and the chiller curves, called at every step: the warm annual
    run 4-6 % faster (``benchmarks/ab_kernel.py``, 2026-12-07: the default room -4.9 %, the
    chilled-water package -3.7 %, IEC + liquid -6.0 %, with AI control -4.5 %; channels identical).
    Functions it calls that are compiled with it inherit the mark (Numba's ``forceinline``).
    """
    if config.DISABLE_JIT:
        return func
    return _cached(njit(forceinline=True, **_OPTIONS, **_NO_NRT)(func))


def jit_alloc(func):
    """Compile ``func`` in nopython mode with on-disk caching; it may allocate arrays."""
    return _cached(njit(**_OPTIONS)(func))


@contextlib.contextmanager
def _locked(folder: str):
    """Hold the exclusive lock of a cache folder.

    Unlocked where the lock file cannot be opened: a folder not created yet holds no cache to
    read (Numba creates it before the first save, which is then locked); and without ``fcntl``.
    """
    if fcntl is None:
        yield
        return
    try:
        lock = open(os.path.join(folder, LOCK_FILE), "a")
    except OSError:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


@functools.cache
def sources_digest() -> str:
    """SHA-256 of the package's sources: every ``.py`` and ``.toml`` file under ``components/``, its
    path and its bytes (about 1 MB, a few ms, once per process)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _drop_stale(folder: str) -> None:
    """Empty the cache ``folder`` of Numba's machine code (``*.nbi``, ``*.nbc``) unless its
    :data:`SOURCES_FILE` names the current :func:`sources_digest`; then write that digest.  Once per
    folder and process; under the folder's lock (:func:`_locked`), so a process saving there waits.
    A folder that cannot be read or written is left as it is (Numba then compiles as it would)."""
    if folder in _CHECKED:
        return
    _CHECKED.add(folder)
    stamp, digest = os.path.join(folder, SOURCES_FILE), sources_digest()
    try:
        with _locked(folder):
            try:
                with open(stamp, encoding="ascii") as fh:
                    if fh.read().strip() == digest:
                        return
            except (OSError, UnicodeDecodeError):
                pass
            for name in os.listdir(folder):
                if name.endswith((".nbi", ".nbc")):
                    os.remove(os.path.join(folder, name))
            with open(stamp + ".tmp", "w", encoding="ascii") as fh:
                fh.write(digest + "\n")
            os.replace(stamp + ".tmp", stamp)
    except OSError:
        return


def _cached(dispatcher):
    """``dispatcher`` with its cache folder checked for stale machine code (:func:`_drop_stale`) and
    its cache loads and saves locked (:func:`_lock_cache`)."""
    folder = getattr(getattr(getattr(dispatcher, "_cache", None), "_cache_file", None), "_cache_path", None)
    if folder is not None:
        _drop_stale(folder)
    return _lock_cache(dispatcher)


def _lock_cache(dispatcher):
    """Serialise ``dispatcher``'s cache loads and saves between processes; return it.

    Wraps ``save`` and ``load`` of Numba's index-and-data cache file (each reads the index and
    a data file, ``save`` rewrites both) in :func:`_locked`.  A dispatcher without that cache
    file (``NUMBA_DISABLE_JIT=1``: a plain function) is returned unchanged.
    """
    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    if cache_file is None or fcntl is None:
        return dispatcher
    folder, save, load = cache_file._cache_path, cache_file.save, cache_file.load

    def locked_save(key, data):
        with _locked(folder):
            save(key, data)

    def locked_load(key):
        with _locked(folder):
            return load(key)

    cache_file.save, cache_file.load = locked_save, locked_load
    return dispatcher


def has_cached_machine_code(dispatcher) -> bool:
    """Whether a ``cache=True`` function has machine code on disk for its current source.

    Reads Numba's small cache index (about 0.1 ms; an index written for another version of
    the source counts as empty); compiles and loads nothing.  Where the index cannot be read,
    or with ``NUMBA_DISABLE_JIT=1``, the answer is True: better no notice than a wrong one.
    """
    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    load_index = getattr(cache_file, "_load_index", None)
    if load_index is None:
        return True
    try:
        return bool(load_index())
    except (OSError, EOFError, ValueError):
        return True
