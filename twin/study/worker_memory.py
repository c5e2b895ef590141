"""The memory allocator of a sweep worker: freed memory kept for the next case, not given back.

Dask's nanny starts every worker with ``MALLOC_TRIM_THRESHOLD_=65536``
(``distributed.nanny.pre-spawn-environ``), so that glibc hands freed memory back to the system at
once.  Setting it also fixes glibc's mmap threshold at 128 kB.  A sweep case then maps fresh pages
for its channels (73 x 8,760 float64, 5 MB, :func:`twin.engine.batch.run_single_spans`) and its
boundary, faults them in page by page, and unmaps them after its summary.  The next case starts
over.  Measured on the 2,000-case design of ``benchmarks/sweep_throughput.py``, 600 cases in one
process (2026-12-07, 2 CPUs): with that setting, 1,027 page faults and 2.0 ms of system time a
case, 8.6 ms a case in all (kernel 4.7 ms); without it, 7 faults, 0.02 ms, 6.3 ms (kernel 3.3 ms).

:func:`keep_freed_memory` sets glibc's two thresholds to the values its own dynamic rule ends at
for such a process (mmap threshold 32 MiB, its ceiling on 64-bit; trim threshold twice that), so a
worker holds at most some tens of MB of freed memory for reuse.  The workers call it when they start
(:func:`dctwin.dask_setup`, the ``--preload dctwin`` hook).  ``ctypes`` and glibc's ``mallopt``:
no maintained package sets allocator options.
"""

from __future__ import annotations

import ctypes

#: ``mallopt`` parameters of glibc's ``malloc.h``.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
#: Blocks this large or larger are mapped on their own (glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit). [B]
MMAP_THRESHOLD_B = 32 * 2**20
#: Free memory at the top of the heap is given back beyond this (twice the mmap threshold, as glibc's
#: dynamic rule sets it). [B]
TRIM_THRESHOLD_B = 2 * MMAP_THRESHOLD_B


def keep_freed_memory() -> bool:
    """Set the process's glibc ``M_MMAP_THRESHOLD`` and ``M_TRIM_THRESHOLD`` to :data:`MMAP_THRESHOLD_B`
    and :data:`TRIM_THRESHOLD_B`; returns whether both were set (False without glibc's ``mallopt``,
    e.g. on macOS, where nothing changes)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_B)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_B))
