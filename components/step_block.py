"""The step-major block a span kernel computes its steps into before they go into ``out``.

``out[OUTPUT.*, i]`` holds one row per channel (the layout every reader of a run wants: a channel's
year is one contiguous row).  A step that wrote straight into it would write one number into each
of 73 rows far apart in memory: 73 streams of writes, more than the processor's prefetchers
follow, so the step waits on them.  A synthetic loop writing 73 rows of 8,760 steps takes 0.49 ms,
one writing 43 rows 0.15 ms, one writing the same numbers step by step (each step's 73 numbers
side by side) 0.17 ms (2026-12-07, this 2-core VM).  So the span kernels
(:func:`components.facility.run_blocked`, :func:`components.plant.shared.shared_plant_span`) let
each step write into a block holding :data:`STEP_BLOCK` steps side by side, seen as ``(channels,
steps)`` in Fortran order so that the step indexes it as it would ``out``, and copy each full block
into ``out`` row by row (:func:`copy_block`): each row's steps in one run.  The steps of a block
read their weather from a copy of the block's columns of ``boundary`` (:func:`load_block`, 10 rows),
so that they index both with the same column and the plant kernels see a C-ordered boundary as
before: with a slice of ``boundary`` instead (any layout) the first run's kernels took about 1 s
longer to compile.  Copies
only: the numbers are those of the steps, bit for bit.

Both copies index the year's arrays without Python's negative indices (``lo >= 0``).  Numba gives a
signed index Python's meaning, a negative one counting from the end, and computes that fix-up for
every number copied, which LLVM cannot drop since it does not know that ``lo`` is not negative.
:func:`load_block` indexes with an unsigned step number (``np.uint64(lo + j)``), which has none;
:func:`copy_block` writes a copy of :data:`STREAMING_MIN_STEPS` steps or more through
:func:`components.streaming_store.store_streaming`, which takes no negative index, past the caches,
and a shorter one with unsigned indices.  The bundled default's warm annual run 3-5 % faster with
unsigned indices in both copies, and 15-20 % faster again with the streaming stores
(``benchmarks/ab_kernel.py``, channels identical, 2026-12-08).
"""

import numpy as np

from components._jit import jit_inlined
from components.layout import N_DEFERRED
from components.streaming_store import store_streaming, streaming_fence

#: Steps a span kernel computes into its step-major block before copying them into ``out``
#: (:func:`components.facility.run_blocked`): 256 steps of the 73 channels, 150 kB, stay in a core's L2
#: cache.  Measured on a first version (the boundary sliced, not copied) with the bundled default's warm
#: annual runs (2026-12-07): 128 steps 2.07-2.09 ms, 256 2.01, 512 1.99-2.02, 1024 2.08; 2.26-2.29 ms
#: writing ``out`` directly.
STEP_BLOCK = 256
#: Fewest steps :func:`copy_block` writes with streaming stores.  A streaming store fills a cache line
#: in the processor's write-combining buffers and sends it to memory whole; a copy of a few steps
#: writes a piece of a line in each of the 73 rows, and each piece goes to memory alone.  The
#: lithium battery's peak shaving cuts its year into 2,469 spans of 1-8 steps (2026-12-08): with every
#: copy streamed, its run took 4 % longer than with plain stores.  64 steps: 8 whole lines a row.
STREAMING_MIN_STEPS = 64


def step_blocks(n_channels: int, n_boundary: int) -> tuple[np.ndarray, np.ndarray]:
    """The two scratch arrays a span kernel takes: :func:`step_block` and the block's boundary,
    ``(n_boundary, STEP_BLOCK)`` in C order (:func:`load_block`).  The block has the
    :data:`components.layout.DEFERRED` rows below its ``n_channels`` channels, zero: a step that
    defers a computation to the end of its block marks it there, and the span kernel clears the mark
    when it computes it (:func:`components.plant.chilled_water.deferred_tower_water`), so they are
    zero again between blocks."""
    block = step_block(n_channels + N_DEFERRED)
    block[n_channels:] = 0.0
    return block, np.empty((n_boundary, STEP_BLOCK))


def step_block(n_channels: int) -> np.ndarray:
    """The step-major scratch of :func:`components.facility.run_blocked`: :data:`STEP_BLOCK` steps of ``n_channels``
    channels, each step's channels side by side in memory, seen as ``(n_channels, STEP_BLOCK)``
    (Fortran order) so that the step writes ``block[OUTPUT.*, j]`` as it writes ``out``. [channel units]

    Plain NumPy, called by the span kernels' callers: a compiled kernel that allocated it would
    need Numba's reference-counting runtime, whose wrapper took 0.6 s to compile on the first
    run's critical path (2026-12-07)."""
    return np.empty((STEP_BLOCK, n_channels)).T


@jit_inlined
def load_block(boundary, steps_in, lo, hi):
    """Copy steps ``lo <= i < hi`` of ``boundary`` into columns ``i - lo`` of ``steps_in``. [boundary units]"""
    for k in range(boundary.shape[0]):
        for j in range(hi - lo):
            steps_in[k, j] = boundary[k, np.uint64(lo + j)]


@jit_inlined
def copy_block(block, out, lo, hi):
    """Copy steps ``lo <= i < hi`` from a step-major ``block`` (:func:`step_block`, its column ``i - lo``)
    into ``out``, row by row: with streaming stores, fenced (:mod:`components.streaming_store`), when
    they are at least :data:`STREAMING_MIN_STEPS`; else with plain stores. [channel units]"""
    if hi - lo < STREAMING_MIN_STEPS:
        for k in range(out.shape[0]):
            for j in range(hi - lo):
                out[k, np.uint64(lo + j)] = block[k, j]
        return
    for k in range(out.shape[0]):
        for j in range(hi - lo):
            store_streaming(out, k, lo + j, block[k, j])
    streaming_fence()
