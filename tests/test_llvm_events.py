"""Numba's LLVM-lock events switched off (components/_llvm_events.py), its other events kept."""

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
