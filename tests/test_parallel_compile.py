"""The first run's two-process compilation (twin/engine/parallel_compile.py) and the cache lock
it relies on (components/_jit.py)."""

from __future__ import annotations

import os

import pytest

from components import _jit
from twin.engine import parallel_compile

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="needs compiled kernels")


def test_precompiled_signatures_are_the_ones_run_span_calls():
    """Each kernel the two processes compile ahead is one the facility step calls, with these
    argument types: otherwise the work is done twice (the parent compiles its own version).

    The step of every plant family is compiled afresh here, and so is every kernel it calls that this
    process has not compiled yet: each dispatcher's on-disk cache is set aside meanwhile, so that
    typing asks each callee for its signature (a kernel loaded from the cache, filled by an earlier
    process, would not ask its own callees)."""
    import importlib
    import sys

    from numba import njit, typeof, types
    from numba.core.caching import NullCache
    from numba.core.registry import CPUDispatcher

    from components import facility
    from components.plant.families import ANY_PLANT

    dispatchers = [d for name, m in list(sys.modules.items()) if name.startswith("components") and m is not None
                   for d in vars(m).values() if isinstance(d, CPUDispatcher)]
    caches = [d._cache for d in dispatchers]
    reuse = typeof(facility._NO_REUSE)
    try:
        for d in dispatchers:
            d._cache = NullCache()
        njit(facility._step_from.py_func).compile(parallel_compile.signature("MVVMiV")
                                                  + (reuse, types.literal(ANY_PLANT)))
    finally:
        for d, cache in zip(dispatchers, caches):
            d._cache = cache
    for module, name, codes in sum((*parallel_compile.CHILD.values(), *parallel_compile.PARENT.values()), ()):
        kernel = getattr(importlib.import_module(module), name)
        assert parallel_compile.signature(codes) in kernel.signatures, (name, kernel.signatures)


def test_summary_kernels_precompiled_with_the_signatures_a_summary_calls(legacy_result):
    """The child's :data:`~twin.engine.parallel_compile.SUMMARY` kernels are compiled for the argument
    types the run summary of ``dctwin run`` passes (a call from Python registers its signature,
    loaded from the cache or not)."""
    import importlib

    from twin.metrics.summary import build_summary

    build_summary(legacy_result)
    for module, name, codes in parallel_compile.SUMMARY:
        kernel = getattr(importlib.import_module(module), name)
        assert parallel_compile.signature(codes) in kernel.signatures, (name, kernel.signatures)


def test_not_needed_once_the_span_kernel_is_compiled(legacy_result):
    from components.layout import PLANT_WATER_COOLED

    assert not parallel_compile.needed(PLANT_WATER_COOLED)
    parallel_compile.enable()
    assert parallel_compile.start(PLANT_WATER_COOLED) is False
    parallel_compile.join()  # nothing to wait for


def test_cache_reads_and_writes_hold_the_folder_lock(tmp_path):
    """While this process saves to or loads from a kernel's cache, no other can take the lock."""
    import fcntl
    from types import SimpleNamespace

    states = []

    def probe(*args):
        with open(tmp_path / _jit.LOCK_FILE, "a") as other:  # another open file: flock conflicts
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                states.append("free")
            except BlockingIOError:
                states.append("held")

    cache_file = SimpleNamespace(_cache_path=str(tmp_path), save=probe, load=probe)
    _jit._lock_cache(SimpleNamespace(_cache=SimpleNamespace(_cache_file=cache_file)))
    cache_file.save("key", b"data")
    cache_file.load("key")
    probe()
    assert states == ["held", "held", "free"]
