"""The bin method: integrate a span by simulating each distinct weather-and-load bin once.

Between two events the plant's parameters are constant and, without thermal storage, no step
depends on another (the kernel is steady state at each step, see :mod:`components.facility`).
A step's result then depends only on its boundary values (weather and utilisation), so steps
with nearly equal boundaries give nearly equal results.  :func:`run_span_binned` groups the
steps of a span into bins of outdoor wet bulb, outdoor dry bulb and utilisation, simulates each
bin once at its centroid (the mean of every boundary value over the bin's steps), and gives each
step the result of its bin::

    bin(i)  = (floor(T_wb,i / dT_wb), floor(T_db,i / dT_db), floor(u_i / du))
    b_j     = mean of boundary[:, i] over the steps i with bin(i) = j
    out[:, i] = step(b_bin(i))

This is the bin method of ASHRAE Handbook - Fundamentals (2017) ch. 19, "Energy estimating
and modeling methods", with finer bins than its 5 degF classes and the full hourly physics
evaluated at each bin.  Each step's result is a complete kernel step, so energy and heat close
at every step exactly as in the step-by-step run; annual sums carry the bin error: the
curvature of the plant's response over a bin's width (second order in the width, because the
centroid cancels the first-order term).  ``tests/test_bin_method.py`` and
``validation/energyplus`` measure it.

Validity: no thermal storage (its charge carries from step to step) and no metered IT power
(each metered hour is its own load); the caller checks both.  Quantities other than wet bulb,
dry bulb and utilisation (pressure, dew point, humidity ratio, enthalpy, time-of-use period)
enter through their bin means.
"""

import math

import numpy as np

from components._jit import jit_alloc
from components.layout import BOUNDARY
from components.facility import _step

_EMPTY = -1
_HASH_MULTIPLIER = np.int64(-7046029254386353131)  # 0x9E3779B97F4A7C15 (Fibonacci hashing)
_OFFSET = 1 << 20                                   # keeps each bin coordinate positive
_BITS = 21                                          # bits per bin coordinate in the key


@jit_alloc
def _bin_key(boundary, i, width_wet_bulb, width_dry_bulb, width_utilisation):
    """One integer for a step's (wet bulb, dry bulb, utilisation) bin. [-]"""
    a = int(math.floor(boundary[BOUNDARY.temp_wet_bulb, i] / width_wet_bulb)) + _OFFSET
    b = int(math.floor(boundary[BOUNDARY.temp_air, i] / width_dry_bulb)) + _OFFSET
    c = int(math.floor(boundary[BOUNDARY.utilisation, i] / width_utilisation)) + _OFFSET
    return (a << (2 * _BITS)) | (b << _BITS) | c


@jit_alloc
def assign_bins(i0, i1, boundary, width_wet_bulb, width_dry_bulb, width_utilisation):
    """Bin index of each step ``i0 <= i < i1`` and the number of bins. [-]

    Bins are numbered in order of first appearance.  Keys go through an open-addressing hash
    table (linear probing, load factor <= 0.5), so the cost is linear in the number of steps.
    Widths are in K, K and utilisation fraction; each must be positive and small enough that a
    bin coordinate stays within +-2**20 (checked by the caller's schema).
    Returns ``(bin_of_step, n_bins)``.
    """
    n = i1 - i0
    size = 16
    while size < 2 * n:
        size *= 2
    mask = size - 1
    shift = 64 - int(math.log2(size))
    keys = np.full(size, _EMPTY, dtype=np.int64)
    ids = np.empty(size, dtype=np.int64)
    bin_of = np.empty(n, dtype=np.int64)
    n_bins = 0
    for k in range(n):
        key = _bin_key(boundary, i0 + k, width_wet_bulb, width_dry_bulb, width_utilisation)
        h = ((key * _HASH_MULTIPLIER) >> shift) & mask
        while keys[h] != _EMPTY and keys[h] != key:
            h = (h + 1) & mask
        if keys[h] == _EMPTY:
            keys[h] = key
            ids[h] = n_bins
            n_bins += 1
        bin_of[k] = ids[h]
    return bin_of, n_bins


@jit_alloc
def bin_centroids(i0, i1, boundary, bin_of, n_bins):
    """Mean of every boundary row over the steps of each bin, shape (len(BOUNDARY), n_bins)."""
    n = i1 - i0
    count = np.zeros(n_bins)
    for k in range(n):
        count[bin_of[k]] += 1.0
    sums = np.zeros((boundary.shape[0], n_bins))
    for r in range(boundary.shape[0]):
        row, total = boundary[r, i0:i1], sums[r]
        for k in range(n):
            total[bin_of[k]] += row[k]
        for j in range(n_bins):
            total[j] /= count[j]
    return sums


@jit_alloc
def run_span_binned(i0, i1, boundary, params, curves, out, state, width_wet_bulb, width_dry_bulb,
                    width_utilisation, family):
    """Integrate steps ``i0 <= i < i1`` by the bin method; results go to ``out``.

    Arguments as :func:`components.facility.run_span`, plus the bin widths: wet bulb [K], dry
    bulb [K] and utilisation [-], and the plant family compiled in, a constant
    (:mod:`components.plant.families`; Python calls the family's form,
    :func:`components.spans.binned_kernel`).  ``state`` is passed to the bin steps unchanged in
    meaning: the method is only valid when no step changes it (no thermal storage).
    Returns the number of bins simulated. [-]
    """
    bin_of, n_bins = assign_bins(i0, i1, boundary, width_wet_bulb, width_dry_bulb, width_utilisation)
    centroids = bin_centroids(i0, i1, boundary, bin_of, n_bins)
    # the bins' steps in Fortran order, as the span kernels' block (components.facility.run_blocked):
    # the plant kernels compile once for both methods
    results = np.empty((n_bins, out.shape[0])).T
    for j in range(n_bins):  # the span of the bins' centroids, as components.facility.run_span steps it
        _step(centroids, params, curves, results, j, state, family)
    for c in range(out.shape[0]):
        row, target = results[c], out[c, i0:i1]
        for k in range(i1 - i0):
            target[k] = row[bin_of[k]]
    return n_bins
