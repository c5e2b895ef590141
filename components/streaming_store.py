"""Streaming (non-temporal) stores: numbers written to memory without passing through the caches.

A span kernel copies each block of steps into the year's result channels ``out``
(:func:`components.step_block.copy_block`): 73 channels x 8,760 steps, 5.1 MB a year, written once
and not read again until the run is summarised.  A plain store first brings the cache line it
writes into the core's caches, reading it from memory, and the year's channels then push out of
those caches the curves, parameters and block the steps read again.  A store marked non-temporal
(LLVM's ``!nontemporal`` metadata; on x86 ``MOVNTI``/``MOVNT*``, combined into whole cache lines in
the write-combining buffers) does neither.  Side by side in one process (``benchmarks/ab_kernel.py``,
2026-12-08, channels identical, against plain stores): the bundled default's warm annual run 15-20 %
faster, the chilled-water package 7-12 %, IEC + liquid 13 %, the package with AI control 7 %; a run
and its summary together 9-10 % (the summary reads the channels from memory either way).  A line
only partly written goes to memory alone, so short copies are better plain
(:data:`components.step_block.STREAMING_MIN_STEPS`).

Non-temporal stores are weakly ordered: other cores may see them late.  :func:`streaming_fence`
orders them (LLVM ``fence seq_cst``; on x86 ``MFENCE``) before anything the kernel writes or
returns after its copies, so a reader on another thread (Dask's worker threads, ``nogil``
kernels) sees the whole year.

Without Numba (``NUMBA_DISABLE_JIT=1``) both are plain Python: an assignment, and ``True``.
Source: LLVM Language Reference Manual, "'store' Instruction" (``!nontemporal`` metadata) and
"'fence' Instruction"; Intel 64 and IA-32 Architectures Software Developer's Manual, vol. 1,
10.4.6.2 "Caching of Temporal vs. Non-Temporal Data".
"""

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic, overload

from components._jit import OVERLOAD_OPTIONS


def store_streaming(a, k, i, value):
    """``a[k, i] = value`` for a 2-D float array ``a`` and indices ``0 <= k, i`` within its shape,
    through the caches' side door (see the module docstring); no bounds check, no negative indices.
    Returns the number stored (``value`` in ``a``'s type), as an assignment expression does.
    [units of ``a``]"""
    a[k, i] = value
    return a[k, i]


def streaming_fence():
    """Order the :func:`store_streaming` stores before every later load and store (see the module
    docstring); returns ``True`` once they are ordered."""
    return True


@intrinsic
def _store_nontemporal(typingctx, a, k, i, value):
    """``a[k, i] = value`` as one store marked ``!nontemporal``; the number stored."""
    if not (isinstance(a, types.Array) and a.ndim == 2 and isinstance(a.dtype, types.Float)
            and isinstance(k, types.Integer)
            and isinstance(i, types.Integer) and isinstance(value, types.Float)):
        return None

    def codegen(context, builder, signature, args):
        aty = signature.args[0]
        array = context.make_array(aty)(context, builder, args[0])
        index = [context.cast(builder, v, t, types.intp) for v, t in zip(args[1:3], signature.args[1:3])]
        pointer = cgutils.get_item_pointer2(context, builder, array.data, cgutils.unpack_tuple(builder, array.shape),
                                            cgutils.unpack_tuple(builder, array.strides), aty.layout, index,
                                            wraparound=False, boundscheck=False)
        number = context.cast(builder, args[3], signature.args[3], aty.dtype)
        store = builder.store(number, pointer)
        store.set_metadata("nontemporal", builder.module.add_metadata([ir.Constant(ir.IntType(32), 1)]))
        return number

    return a.dtype(a, k, i, value), codegen


@intrinsic
def _fence(typingctx):
    """A sequentially consistent fence; ``True`` after it."""
    def codegen(context, builder, signature, args):
        builder.fence("seq_cst")
        return context.get_constant(types.boolean, True)

    return types.boolean(), codegen


@overload(store_streaming, jit_options=OVERLOAD_OPTIONS)
def _store_streaming_compiled(a, k, i, value):
    """Numba's form of :func:`store_streaming`."""
    def store(a, k, i, value):
        return _store_nontemporal(a, k, i, value)

    return store


@overload(streaming_fence, jit_options=OVERLOAD_OPTIONS)
def _streaming_fence_compiled():
    """Numba's form of :func:`streaming_fence`."""
    def fence():
        return _fence()

    return fence
