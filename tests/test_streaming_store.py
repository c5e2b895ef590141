"""Streaming stores (components/streaming_store.py): the compiled store writes what an assignment writes."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from numba.core import config
from numba.core.errors import TypingError

from components.streaming_store import store_streaming, streaming_fence


@njit
def _scatter(a, rows, cols, values):
    """Store ``values`` at ``(rows, cols)``; the numbers the stores return, and the fence's answer."""
    stored = np.empty(values.shape[0], a.dtype)
    for n in range(values.shape[0]):
        stored[n] = store_streaming(a, rows[n], cols[n], values[n])
    return stored, streaming_fence()


@pytest.mark.parametrize("order", ["C", "F"])
def test_stores_are_assignments(order):
    """Every element of C- and F-ordered arrays, and a strided view, written in a random order: the
    same array as NumPy's fancy assignment, bit for bit (NaN, infinities and signed zeros included)."""
    rng = np.random.default_rng(7)
    shape = (7, 300)
    rows, cols = np.divmod(rng.permutation(shape[0] * shape[1]), shape[1])
    values = rng.normal(size=rows.size) * 1e3
    values[:4] = np.nan, np.inf, -np.inf, -0.0
    for target in (np.zeros(shape, order=order), np.zeros((shape[0], 2 * shape[1]), order=order)[:, ::2]):
        expected = np.zeros(shape)
        expected[rows, cols] = values
        stored, fenced = _scatter(target, rows, cols, values)
        assert np.array_equal(target.view(np.int64), expected.view(np.int64))
        assert np.array_equal(stored.view(np.int64), values.view(np.int64)) and fenced


def test_the_store_casts_its_indices_and_number():
    """Indices of any integer type and a float32 number land where an assignment puts them, and the
    store returns the number as the array holds it (float64)."""
    a = np.zeros((3, 5))
    stored, _ = _scatter(a, np.array([2], dtype=np.int32), np.array([4], dtype=np.uint16),
                         np.array([1.5], dtype=np.float32))
    assert a[2, 4] == 1.5 and np.count_nonzero(a) == 1
    assert stored.dtype == np.float64 and stored[0] == 1.5


@pytest.mark.skipif(config.DISABLE_JIT, reason="needs Numba to compile")
def test_other_arrays_are_refused():
    """A 1-D array or an integer array is a typing error, not a store somewhere else."""
    with pytest.raises(TypingError):
        _scatter(np.zeros(5), np.zeros(1, np.int64), np.zeros(1, np.int64), np.ones(1))
    with pytest.raises(TypingError):
        _scatter(np.zeros((2, 2), np.int64), np.zeros(1, np.int64), np.zeros(1, np.int64), np.ones(1))
