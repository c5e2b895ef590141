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

Neither builds a C-callable wrapper (``no_cfunc_wrapper``): it is only needed to pass a compiled
function as a first-class function value or to take its address, which no kernel does, and
building it for each of the ~140 compiled functions cost about 1-2 s of the first run (of
17-21 s CPU; 2026-12-05).  Python still calls every kernel through its usual wrapper.

``_nrt`` is an undocumented Numba option (present from before 0.59 to 0.68 at least); a Numba
without it gets the default, reference-counted compilation: the same results, a little slower.
"""

from numba import njit

try:  # ``_nrt`` is a target option Numba has long had but does not document; use it if present
    from numba.core.cpu import CPUTargetOptions
    _NO_NRT = {"_nrt": False} if hasattr(CPUTargetOptions, "_nrt") else {}
except ImportError:  # pragma: no cover - a Numba without it compiles with NRT, only slower
    _NO_NRT = {}
_OPTIONS = {"cache": True, "nogil": True, "no_cfunc_wrapper": True}


def jit(func):
    """Compile ``func`` in nopython mode with on-disk caching and no reference counting."""
    return njit(**_OPTIONS, **_NO_NRT)(func)


def jit_alloc(func):
    """Compile ``func`` in nopython mode with on-disk caching; it may allocate arrays."""
    return njit(**_OPTIONS)(func)


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
