"""Numba compilation settings of components/_jit.py: the LLVM-lock events off (components/_llvm_events.py),
its other events kept; small per-step callees inlined by LLVM (``jit_llvm_inlined``)."""

import numpy as np
import pytest

pytest.importorskip("numba")

from numba import njit  # noqa: E402
from numba.core import config, event  # noqa: E402

import components._jit  # noqa: E402,F401  (installs it)
from components import _llvm_events  # noqa: E402


class _Count(event.Listener):
    def __init__(self):
        self.starts = 0

    def on_start(self, ev):
        self.starts += 1

    def on_end(self, ev):
        pass


def test_numba_lock_callbacks_are_gone_and_stay_gone():
    assert _llvm_events.numba_callbacks() == []
    assert _llvm_events.install() == 0  # the package's import removed them; again is a no-op


@pytest.mark.skipif(config.DISABLE_JIT, reason="needs Numba to compile")
def test_a_compilation_broadcasts_no_llvm_lock_event_but_its_compile_event():
    llvm, compiles = _Count(), _Count()

    def add(a, b):
        return a + 2.0 * b

    with event.install_listener("numba:llvm_lock", llvm), event.install_listener("numba:compile", compiles):
        kernel = njit(add)  # not cached: compiled here
        assert kernel(1.0, 2.0) == 5.0
    assert compiles.starts == 1
    assert llvm.starts == 0  # with Numba's callbacks, one event per call into LLVM (hundreds here)


@pytest.mark.skipif(config.DISABLE_JIT, reason="needs Numba to compile")
def test_the_step_s_small_callees_are_marked_for_llvm_to_inline():
    """``jit_llvm_inlined`` (components/_jit.py): the power chain and the chiller curves, called at
    every step, are compiled with Numba's ``forceinline``, which marks them ``alwaysinline`` for LLVM,
    so the kernels' machine code holds them in place of a call (their results are every other
    test's).  Numba does not show the code of a cached kernel, so the mark is shown on a fresh one."""
    import re

    from components.cooling import chiller
    from components.power_chain import power_chain

    for kernel in (power_chain, chiller.chiller_capacity_w, chiller.chiller_power_w):
        assert kernel.targetoptions.get("forceinline") is True, kernel.__name__

    def scaled(a, k):
        return a[0] * k

    fresh = njit(**{k: v for k, v in power_chain.targetoptions.items() if k not in ("cache", "nopython")})(scaled)
    fresh(np.ones(1), 2.0)
    ir = fresh.inspect_llvm(fresh.signatures[0])
    define = next(line for line in ir.splitlines() if line.startswith("define") and "scaled" in line
                  and "cpython" not in line)
    group = re.search(r"#(\d+) \{$", define).group(1)
    assert "alwaysinline" in next(line for line in ir.splitlines() if line.startswith(f"attributes #{group} "))
