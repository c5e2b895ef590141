"""Numba's LLVM-lock events, switched off: 4 % of a first run's compilation.

Numba (``numba/core/base.py``) registers two callbacks on llvmlite's LLVM lock, which every call
into LLVM takes, that broadcast a ``numba:llvm_lock`` event (:mod:`numba.core.event`) at each
call: about 89,000 calls in a first chilled-water run, 180,000 events.  Every compilation in
progress listens to them with a timer for its compile statistics (the ``"llvm_lock"`` entry of a
compiled function's ``metadata["timers"]``), and compilations nest (a kernel compiles the functions
it calls), so each event reaches one listener per level: 558,000 notifications.  Compiling the
bundled default's kernels in one process took 13.0-14.8 s with them and 0.5 s less on average
without (seven rounds in turns, 2026-12-07, numba 0.68.1).

:func:`install` unregisters those two callbacks, through llvmlite's public
``unregister_lock_callback``.  The lock itself, and the ``numba:compile`` and
``numba:compiler_lock`` events, stay as they are: only the LLVM-lock timing of Numba's compile
statistics is lost (nothing here reads it).  The machine code is unchanged (the callbacks only
record time).  The callbacks are found as the lock's registered pairs whose functions are defined in
``numba.core.base``; a Numba that registers none, or an llvmlite without that list, is left as it
is.
"""

import numba.core.base  # noqa: F401  (registers the callbacks this removes)
from llvmlite.binding import ffi

#: the module whose LLVM-lock callbacks :func:`install` removes
NUMBA_MODULE = "numba.core.base"


def numba_callbacks() -> list[tuple]:
    """The ``(acquire, release)`` callback pairs Numba has registered on llvmlite's LLVM lock."""
    pairs = getattr(getattr(getattr(ffi, "lib", None), "_lock", None), "_cblist", None)
    if not isinstance(pairs, list):
        return []
    return [pair for pair in pairs if all(getattr(f, "__module__", None) == NUMBA_MODULE for f in pair)]


def install() -> int:
    """Unregister Numba's LLVM-lock callbacks (:func:`numba_callbacks`); return how many pairs."""
    pairs = numba_callbacks()
    for acquire, release in pairs:
        ffi.unregister_lock_callback(acquire, release)
    return len(pairs)
