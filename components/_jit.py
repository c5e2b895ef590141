"""The single place where Numba compilation options are chosen.

``jit`` is :func:`numba.njit` with ``cache=True`` so that a second process loads machine code
from ``__pycache__`` instead of compiling again.  Setting ``NUMBA_DISABLE_JIT=1`` runs the very
same source as plain Python (used by a fast test subset and for tracebacks).
"""

from numba import njit


def jit(func):
    """Compile ``func`` in nopython mode with on-disk caching."""
    return njit(cache=True, nogil=True)(func)
