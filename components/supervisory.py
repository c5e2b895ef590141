"""Supervisory set-point optimisation, solved inside the kernel (``scenario.control.mode = "optimise"``).

:func:`_run_span_controlled` (through the kernel of the plant's family, :func:`controlled_kernel`)
integrates a span like :func:`components.facility.run_span` and, at
each control-interval boundary inside it (the steps of ``decide_at``), first takes a decision
(:func:`decide`): it averages the boundary of the coming interval into one representative step
(the time-of-use period of the first step), searches the set points that minimise facility power
with every rack inlet within its limit and no unmet load, and puts them into ``params``.  No
Python and no SimPy event runs per decision; SimPy keeps the genuinely discrete events (outages,
load steps, failures), which cut spans as before, and a decision sees the plant as they left it.

The search (:func:`decide`) works on candidate grids and keeps a candidate when it lowers power
with the hottest rack inlet at or below the limit and no unmet load (or when the set points before
it break the limit and it does not).  Chilled-water plants search the chilled-water supply
temperature with the supply air at the lowest temperature the coils can then deliver (water plus
coil approach, or the supply-air grid's floor), then the tower leaving-water set point, then
economizer on/off; other plants search the supply air.  The economizer is allowed while the
other set points are searched and switched off at the end when that costs no more at the
representative step (it then does not run there, and off spares the kernel trying it every
hour).  Decisions are remembered by the bin of their representative step (1 K of wet bulb, 1 K of
dry bulb, 2 % of load, time-of-use period: :data:`twin.engine.control.BIN_WET_BULB_K` and the
rest).  In a bin met before, the remembered choice is checked with one evaluation of the step and
taken; in a new bin one pass of local coordinate descent (:func:`_search`) starts from the
nearest bin's choice: line searches along the chilled water and the tower set point, the tower
set point jumping over the set points the towers cannot reach (all cost the same), probes of the
warmest chilled water and the coldest tower water where an economizer gains most; for IEC plants
a line search along the supply air, for DX plants a scan of its whole grid (their compressors
stage, so power along the supply air is a sawtooth: it rises, drops where one unit fewer runs,
and rises again).  A year of 730 decisions then costs about 2.4 single-step evaluations a
decision (the chilled-water package of ``benchmarks/measures_run.py``; 4.6 before these local
searches) instead of 24 for a scan of every grid, and 1.5 for IEC + liquid (3.1 with a scan of
the supply air).  Annual PUE stays within 0.002 of an exhaustive search of the whole grid product
at the same representative steps (the stated tolerance, ``tests/test_supervisory.py``; at most
0.0009 above it in eight bundled cases; on 2026-12-06, the four mixes of the test in Guangzhou,
Shaoguan, Beijing and Hohhot at most 0.00004 above it (up to 0.0007 in Hohhot with towers at
their set point while economizing, ``economizer_tower = "setpoint"``), and IEC + liquid and the
hybrid with outdoor air, pad and IEC 0.00002 to 0.0008 below it) and within 0.0004 of the
earlier, wider search in ten (two rooms, six technology mixes, stochastic events).  In Hohhot and Beijing the
search was 0.014 and 0.011 above the exhaustive search while economizing towers ran their fans
flat out (power was then flat along each set point alone, and the search stalled short of the
partial economizer at warm chilled and cold tower water); with the towers holding the water the
economizer can use (:func:`components.plant.chilled_water.free_cooling_water_c`) it is 0.0001
below it.

It is the optimum a model-based (or learned) supervisory controller could reach on this model
at the interval-average conditions, not a trained network.
"""

from enum import IntEnum

import numpy as np

from components._jit import jit, jit_inlined
from components.facility import _NO_REUSE, _step_inlined
from components.layout import BOUNDARY, OUTPUT, PARAM, PLANT_IEC
from components.plant.chilled_water import deferred_tower_water
from components.plant.families import AIR_SIDE, ANY_PLANT, CHILLED_WATER, family_of
from components.step_block import copy_block, load_block

#: Layout of the ``setup`` array of :func:`_run_span_controlled`.
SETUP = IntEnum("SETUP", [
    "inlet_limit_c",    # hottest rack inlet allowed [degC]
    "interval_steps",   # steps averaged into a decision's representative step [-]
    "bin_wet_bulb_k",   # memo bin width of the interval-mean outdoor wet bulb [K]
    "bin_dry_bulb_k",   # memo bin width of the interval-mean outdoor dry bulb [K]
    "bin_load",         # memo bin width of the interval-mean load, a fraction of peak IT [-]
], start=0)


#: Columns of the ``chosen`` record: the set points of each decision and the evaluations it took.
CHOSEN = IntEnum("CHOSEN", ["supply_air_c", "chw_supply_c", "cw_setpoint_c", "economizer", "evaluations"],
                 start=0)

# reach of a search: every grid value, or around the start (see _search); passed typed (np.int64), as a
# literal each would compile a copy of the search
_FULL, _LOCAL = 0, 1


@jit
def evaluate(b, p, curves, state, o, scratch):
    """Facility power [W], hottest rack inlet [degC] and unmet load [W] of one representative step.

    ``state`` is not changed (the step runs on ``scratch``, a copy); ``o`` is a one-column output, in
    Fortran order as the span kernels' block (:func:`components.step_block.step_block`; a C-ordered
    ``o`` works too, with the plant kernels compiled again for it).
    Any plant type (the search's own evaluations compile their plant family only).
    """
    return _evaluate(b, p, curves, state, o, scratch, ANY_PLANT)


@jit
def _evaluate(b, p, curves, state, o, scratch, family):
    """:func:`evaluate` with the plants of ``family`` compiled in (a constant,
    :mod:`components.plant.families`); so are the ``family`` arguments below."""
    for k in range(state.shape[0]):
        scratch[k] = state[k]
    # a typed column: a literal 0 would make Numba compile (and cache) a Literal[int](0) copy of every
    # plant kernel the step calls, next to the int64 one the spans use; ``o`` in Fortran order as the
    # span kernels' block (components.facility.run_blocked): the same plant kernels again
    _step_inlined(b, p, curves, o, np.int64(0), scratch, _NO_REUSE, family)
    return o[OUTPUT.p_facility, 0], o[OUTPUT.t_rack_inlet_max, 0], o[OUTPUT.q_unmet, 0]


@jit
def _set(p, k, v, sa_floor):
    """Put candidate ``v`` into set point ``k`` (a chilled-water candidate carries the supply air)."""
    index = (PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer)
    p[index[k]] = v
    if k == 1:
        sa = v + p[PARAM.coil_approach_k]
        p[PARAM.supply_air_c] = sa if sa > sa_floor else sa_floor


@jit_inlined
def _try(k, v, b, p, curves, state, o, scratch, grids, limit, best, feasible, family):
    """Power at candidate ``v`` of set point ``k``, and whether it is kept: it lowers power with
    every rack inlet within the limit and no unmet load, or the best so far breaks the limit and it
    does not.  ``p`` is left at the candidate and ``o`` holds its step.  Returns ``(power, kept)``.

    Economizer off is also kept at equal power (the tie rule): an economizer that does not run at
    the representative step leaves the step's power unchanged to the last bit (the plant then
    writes its mechanical solve, :func:`components.plant.chilled_water.chilled_water_plant`), but
    switched on it makes the kernel try it every hour of the interval.
    """
    _set(p, k, v, grids[0, 0])
    power, t_max, unmet = _evaluate(b, p, curves, state, o, scratch, family)
    lower = power < best or (power == best and k == 3 and v == 0.0)
    return power, t_max <= limit and unmet <= 0.0 and (lower or not feasible)


@jit
def _nearest(k, grids, v):
    """Index of the grid value of set point ``k`` nearest ``v``, and the number of grid values. [-]"""
    n = 0
    while n < grids.shape[1] and not np.isnan(grids[k, n]):
        n += 1
    j = 0
    for m in range(1, n):
        if abs(grids[k, m] - v) < abs(grids[k, j] - v):
            j = m
    return j, n


@jit_inlined
def _grid_scan(k, b, p, curves, state, o, scratch, grids, limit, best, feasible, economizing, family):
    """Try every grid value of set point ``k`` but the one in force (its power is ``best``), lowest
    first; ``p`` ends at the best kept.
    Returns ``(best, feasible, economizing, evaluations)`` (see :func:`_search`)."""
    index = (PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer)
    start = keep = p[index[k]]
    keep_sa = p[PARAM.supply_air_c]
    _, n = _nearest(k, grids, keep)
    evaluations = 0
    for j in range(n):
        v = grids[k, j]
        if v == start:
            continue
        power, kept = _try(k, v, b, p, curves, state, o, scratch, grids, limit, best, feasible, family)
        evaluations += 1
        if kept:
            best, feasible, economizing = power, True, o[OUTPUT.q_economizer, 0] > 0.0
            keep, keep_sa = v, p[PARAM.supply_air_c]
    p[index[k]] = keep
    p[PARAM.supply_air_c] = keep_sa
    return best, feasible, economizing, evaluations


@jit
def _first_at_or_above(k, grids, n, t):
    """Index of the lowest of the ``n`` grid values of set point ``k`` at or above ``t`` (``n`` if none). [-]"""
    j = 0
    while j < n and grids[k, j] < t:
        j += 1
    return j


@jit_inlined
def _line_search(k, b, p, curves, state, o, scratch, grids, limit, best, feasible, economizing, family):
    """Move set point ``k`` along its grid from the value in force while power falls.

    Tries the grid neighbour above the nearest grid value, then (if that is not kept) the one
    below, and goes on in the direction of the first kept while each next value is kept.
    For the tower leaving-water set point a neighbour above that the towers cannot reach in
    mechanical cooling (their water leaves warmer than it, fans at full speed) shows that power is
    flat from there down: every set point below the temperature the towers deliver costs the same
    at this step.  The search then goes on from the lowest grid value at or above that temperature,
    where the fans start to throttle (power along the tower set point: a flat shelf, a dip where
    the towers just reach the set point, then a rise).
    Returns ``(best, feasible, economizing, evaluations)`` (see :func:`_search`).
    """
    index = (PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer)
    keep = p[index[k]]
    keep_sa = p[PARAM.supply_air_c]
    j, n = _nearest(k, grids, keep)
    evaluations = 0
    direction = 0
    m = j
    for d in (1, -1):
        if not 0 <= j + d < n:
            continue
        power, kept = _try(k, grids[k, j + d], b, p, curves, state, o, scratch, grids, limit, best, feasible, family)
        evaluations += 1
        if kept:
            best, feasible, economizing, direction, m = power, True, o[OUTPUT.q_economizer, 0] > 0.0, d, j + d
            keep, keep_sa = p[index[k]], p[PARAM.supply_air_c]
            break
        t_delivered = o[OUTPUT.t_condenser, 0]
        if k == 2 and d == 1 and t_delivered > grids[k, j + 1] and o[OUTPUT.q_economizer, 0] == 0.0:
            direction, m = 1, _first_at_or_above(k, grids, n, t_delivered) - 1  # past the shelf
            break
    while direction != 0 and 0 <= m + direction < n:
        m += direction
        power, kept = _try(k, grids[k, m], b, p, curves, state, o, scratch, grids, limit, best, feasible, family)
        evaluations += 1
        if not kept:
            break
        best, feasible, economizing = power, True, o[OUTPUT.q_economizer, 0] > 0.0
        keep, keep_sa = p[index[k]], p[PARAM.supply_air_c]
    p[index[k]] = keep
    p[PARAM.supply_air_c] = keep_sa
    return best, feasible, economizing, evaluations


@jit
def _allow_economizer(p, grids):
    """Allow the economizer for a search: the highest value of its grid (none if the row is empty).

    Under the cheapest economizer control (the default) an economizer allowed costs no more than
    one switched off, since the plant keeps its mechanical solve when that is cheaper; the search
    runs with it allowed, and its last stage switches it off where that costs no more (the tie
    rule of :func:`_try`).
    """
    _, n = _nearest(3, grids, 0.0)
    if n > 0:
        p[PARAM.economizer] = grids[3, n - 1]


@jit_inlined
def _probe(k, j, b, p, curves, state, o, scratch, grids, limit, best, feasible, economizing, family):
    """Try grid value ``j`` of set point ``k`` unless it is in force; ``p`` ends at the better.

    Returns ``(best, feasible, economizing, evaluations)`` (see :func:`_search`).
    """
    index = (PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer)
    keep, keep_sa = p[index[k]], p[PARAM.supply_air_c]
    if grids[k, j] == keep:
        return best, feasible, economizing, 0
    power, kept = _try(k, grids[k, j], b, p, curves, state, o, scratch, grids, limit, best, feasible, family)
    if kept:
        best, feasible, economizing = power, True, o[OUTPUT.q_economizer, 0] > 0.0
    else:
        p[index[k]], p[PARAM.supply_air_c] = keep, keep_sa
    return best, feasible, economizing, 1


@jit
def _search(b, p, curves, state, o, scratch, grids, limit, reach, best, feasible, economizing, family):
    """One pass of coordinate descent from the set points in ``p`` (facility power ``best``, within
    the limits if ``feasible``, the economizer running if ``economizing``); ``p`` ends at the
    choice.

    Chilled-water plants search the chilled water (supply air following it), then the tower set
    point, then the economizer; other plants search the supply air.  ``reach`` ``_FULL``: every
    grid value of each (:func:`_grid_scan`).
    ``_LOCAL``: the supply air of DX plants over its whole grid (along it, shallow valleys a few
    steps apart where the compressors stage) and the economizer both ways; the supply air of IEC
    plants (power falls smoothly towards the highest set point that keeps the inlets within the
    limit; the valleys of their DX trim lie far below it) by :func:`_line_search` from the start;
    the chilled water and the tower set point by :func:`_line_search` from the start or from a
    probe of the end of their grid where an economizer runs most, whichever is better: the warmest
    chilled water (an economizer can make power along the chilled water fall in two valleys, the
    warm one deeper), the coldest tower water while the economizer is allowed.  (Until economizing
    towers held the water the economizer can use, 2026-12-06, power along the tower set point
    jumped where the economizer stopped and started again, and an economizer running at the
    coldest tower water had the whole grid scanned; a line search now gives the same answers or
    better, within 0.00015 of annual PUE in four climates, with 2-21 % fewer evaluations.)  An
    economizer allowed that does not run at the choice
    is switched off without an evaluation: the step is then the same to the last bit (the tie
    rule of :func:`_try`).
    Returns ``(feasible, evaluations)``.
    """
    evaluations = 0
    chilled_water = not np.isnan(grids[1, 0])
    for k in range(4):
        if (k == 0 and chilled_water) or np.isnan(grids[k, 0]):
            continue  # chilled-water plants: the supply air follows the water; an empty grid row
        if k == 3 and p[PARAM.economizer] > 0.5 and not economizing and grids[3, 0] == 0.0:
            p[PARAM.economizer] = 0.0
            continue
        if reach == _LOCAL and (k == 1 or (k == 2 and p[PARAM.economizer] > 0.5)):
            j = _nearest(k, grids, np.inf)[1] - 1 if k == 1 else 0
            best, feasible, economizing, n = _probe(k, j, b, p, curves, state, o, scratch, grids, limit,
                                                    best, feasible, economizing, family)
            evaluations += n
        if reach == _LOCAL and (k == 1 or k == 2 or (k == 0 and p[PARAM.plant_type] == PLANT_IEC)):
            best, feasible, economizing, n = _line_search(k, b, p, curves, state, o, scratch, grids, limit, best,
                                                          feasible, economizing, family)
        else:
            best, feasible, economizing, n = _grid_scan(k, b, p, curves, state, o, scratch, grids, limit, best,
                                                        feasible, economizing, family)
        evaluations += n
    return feasible, evaluations


@jit
def _bins(b, p, setup, out):
    """Memo bin of a representative step: wet bulb, dry bulb, load, time-of-use period. [-]

    The load is the utilisation, or the metered IT power over the peak when a meter is replayed.
    """
    load = b[BOUNDARY.utilisation, 0]
    if b[BOUNDARY.it_power_w, 0] >= 0.0:
        load = b[BOUNDARY.it_power_w, 0] / p[PARAM.it_peak_w]
    out[0] = np.floor(b[BOUNDARY.temp_wet_bulb, 0] / setup[SETUP.bin_wet_bulb_k])
    out[1] = np.floor(b[BOUNDARY.temp_air, 0] / setup[SETUP.bin_dry_bulb_k])
    out[2] = np.floor(load / setup[SETUP.bin_load])
    out[3] = b[BOUNDARY.tou_period, 0]


@jit
def _memo_start(key, size):
    """Where bin ``key`` (its first four values, whole numbers: :func:`_bins`) starts its search of the
    memo's index of ``size`` entries, a power of two. [-]"""
    h = ((key[0] * 97.0 + key[1]) * 97.0 + key[2]) * 97.0 + key[3]
    return int(h) & (size - 1)


@jit
def _memo_row(memo, memo_index, key):
    """Row of the memo holding bin ``key``, or ``-1`` where it holds none, and the entry of the index
    where the search ended (the bin's entry, or the empty one where it goes).

    ``memo_index`` (a power of two of entries, at least twice the memo's rows) holds each filled
    row's number at the entry its bin hashes to (:func:`_memo_start`), or the next free one after it
    (linear probing), ``-1`` where empty.  Rows hold distinct bins, so this finds the row a scan of
    the rows for the bin would.  Over a year of the chilled-water package with AI control (730
    decisions, 253 bins) such scans read 88,000 rows; with the index only a new bin's search for the
    nearest one scans (32,000 rows), and the decisions' own time fell from 0.24 to 0.18 ms a year
    (``benchmarks/kernel_profile.py``, 2026-12-08)."""
    size = memo_index.shape[0]
    h = _memo_start(key, size)
    while memo_index[h] >= 0:
        r = memo_index[h]
        if memo[r, 0] == key[0] and memo[r, 1] == key[1] and memo[r, 2] == key[2] and memo[r, 3] == key[3]:
            return r, h
        h = (h + 1) & (size - 1)
    return -1, h


@jit
def _index_memo(memo, memo_index):
    """Rebuild ``memo_index`` (see :func:`_memo_row`) from the bins in the memo's filled rows."""
    memo_index[:] = -1
    for r in range(memo.shape[0]):
        if np.isnan(memo[r, 0]):
            break
        memo_index[_memo_row(memo, memo_index, memo[r])[1]] = r


@jit
def _memo_slot(memo, memo_index, key):
    """The memo's row for bin ``key`` (its first four values), with the bin written there.

    Returns ``(slot, near, hit)``: the row holding the bin (``hit``), else the first empty row (the
    last row when the memo is full, its bin replaced) and ``near``, the first of the rows met before
    whose bin is nearest (:func:`_decide`), ``-1`` with none.  ``memo_index`` is kept in step
    (:func:`_memo_row`).
    """
    slot, entry = _memo_row(memo, memo_index, key)
    hit = slot >= 0
    near, full = -1, False
    if not hit:  # the first empty row (the last row when the memo is full), and the nearest bin met before
        slot = memo.shape[0] - 1
        nearest = np.inf
        for r in range(memo.shape[0]):
            if np.isnan(memo[r, 0]):
                slot = r
                break
            distance = (abs(memo[r, 0] - key[0]) + abs(memo[r, 1] - key[1])
                        + abs(memo[r, 2] - key[2]) + 1e3 * abs(memo[r, 3] - key[3]))
            if distance < nearest:
                near, nearest = r, distance
        full = not np.isnan(memo[slot, 0])
    for k in range(4):
        memo[slot, k] = key[k]
    if not hit:
        if full:  # the last row's bin is replaced: index the rows again
            _index_memo(memo, memo_index)
        else:
            memo_index[entry] = slot
    return slot, near, hit


@jit
def decide(i, boundary, params, curves, state, grids, setup, b, p, o, scratch, memo, memo_params, memo_index,
           chosen_row):
    """One supervisory decision at step ``i``: the set points for the interval starting there.

    The decisions of a run are remembered by bin of their representative step (``memo``).  In a
    bin met before, the remembered choice is taken if it keeps every inlet within the limit at
    these conditions (one evaluation).  Otherwise one pass of local coordinate descent
    (:func:`_search`) starts from the choice of the nearest bin met before (same time-of-use
    period first), with the economizer allowed (:func:`_allow_economizer`), and the memo remembers
    its result; the first decision, and any whose search finds nothing within the limit, scan
    every grid value.
    The memo is emptied whenever a parameter other than the four set points has changed since it
    was filled (an event changed the plant).

    Parameters
    ----------
    i : int
        Step the decision applies from. [-]
    boundary, params, curves, state : ndarray
        The kernel's arrays (see :func:`components.facility.run_span`); the chosen set points are
        written into ``params``; ``state`` is not changed.
    grids : ndarray, shape (4, k)
        Candidate values per set point, NaN-padded: rows supply air [degC], chilled water [degC],
        tower leaving water [degC], economizer (0/1).  An empty (all-NaN) row is not searched; a
        non-empty chilled-water row marks a chilled-water plant.
    setup : ndarray, shape (len(SETUP),)
        See :data:`SETUP`.
    b, p, o, scratch : ndarray
        Work arrays: shapes (len(BOUNDARY), 1), (len(PARAM),), (len(OUTPUT), k >= 1), (len(STATE),); ``o``
        in Fortran order (see :func:`evaluate`), its first column used.
    memo, memo_params, memo_index : ndarray
        The memo, shape (m, 8): bin (see :func:`_bins`) and chosen set points per row, NaN in
        column 0 where empty; the parameters it was filled with; and its index by bin, int64, shape
        (k,), ``k >= 2 m`` a power of two, ``-1`` where empty (all ``-1`` with the memo empty;
        :func:`_memo_row`).
    chosen_row : ndarray, shape (len(CHOSEN),)
        Receives the chosen set points and the number of single-step evaluations.
    """
    _decide(i, boundary, params, curves, state, grids, setup, b, p, o, scratch, memo, memo_params, memo_index,
            chosen_row, True, ANY_PLANT)


@jit
def _decide(i, boundary, params, curves, state, grids, setup, b, p, o, scratch, memo, memo_params, memo_index,
            chosen_row, fresh, family):
    """:func:`decide`, told whether ``p`` may differ from ``params`` outside the four set points.

    ``fresh`` False: the decision before this one was taken in the same call of
    :func:`_run_span_controlled`, which changes no parameter between them but the set points that
    decision wrote into ``params`` and ``p`` alike; ``p`` is then ``params`` already, and
    ``params`` has not changed since it was compared with the memo's.  Copying and comparing the
    283 parameters at every decision cost about 3 % of a controlled year (perf, 2026-12-06).
    """
    index = (PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer)
    i1 = min(boundary.shape[1], i + int(setup[SETUP.interval_steps]))
    for r in range(boundary.shape[0]):
        total = 0.0
        for s in range(i, i1):
            total += boundary[r, s]
        b[r, 0] = total / (i1 - i)
    b[BOUNDARY.tou_period, 0] = boundary[BOUNDARY.tou_period, i]
    changed = False
    for r in range(params.shape[0] if fresh else 0):
        p[r] = params[r]
        same = params[r] == memo_params[r] or (np.isnan(params[r]) and np.isnan(memo_params[r]))
        if not same and r != index[0] and r != index[1] and r != index[2] and r != index[3]:
            changed = True
    if changed:
        for r in range(params.shape[0]):
            memo_params[r] = params[r]
        for r in range(memo.shape[0]):
            memo[r, 0] = np.nan
        memo_index[:] = -1
    limit = setup[SETUP.inlet_limit_c]
    _bins(b, p, setup, chosen_row)  # the bin, in the row's first four places for now
    slot, near, hit = _memo_slot(memo, memo_index, chosen_row)
    evaluations = 0
    feasible = False
    if hit:
        for k in range(4):
            p[index[k]] = memo[slot, 4 + k]
        _, t_max, unmet = _evaluate(b, p, curves, state, o, scratch, family)
        evaluations = 1
        feasible = t_max <= limit and unmet <= 0.0
    elif near >= 0:  # from the nearest bin's choice
        for k in range(3):
            p[index[k]] = memo[near, 4 + k]
        _allow_economizer(p, grids)
        best, t_max, unmet = _evaluate(b, p, curves, state, o, scratch, family)
        evaluations = 1
        feasible, n = _search(b, p, curves, state, o, scratch, grids, limit, np.int64(_LOCAL), best,
                              t_max <= limit and unmet <= 0.0, o[OUTPUT.q_economizer, 0] > 0.0, family)
        evaluations += n
    if not feasible:
        for k in range(3):
            p[index[k]] = params[index[k]]
        _allow_economizer(p, grids)
        best, t_max, unmet = _evaluate(b, p, curves, state, o, scratch, family)
        feasible, n = _search(b, p, curves, state, o, scratch, grids, limit, np.int64(_FULL), best,
                              t_max <= limit and unmet <= 0.0, o[OUTPUT.q_economizer, 0] > 0.0, family)
        evaluations += 1 + n
    for k in range(4):
        memo[slot, 4 + k] = p[index[k]]
        params[index[k]] = p[index[k]]
        chosen_row[k] = p[index[k]]
    chosen_row[CHOSEN.evaluations] = evaluations


@jit_inlined
def _run_span_controlled(i0, i1, boundary, params, curves, out, state, grids, setup, decide_at, chosen, b, p, o,
                         scratch, memo, memo_params, memo_index, block, steps_in, family):
    """Integrate steps ``i0 <= i < i1``, deciding the set points at each step of ``decide_at`` first.

    ``decide_at`` (ascending step indices, one per control interval) and ``chosen`` (one row per
    entry, see :data:`CHOSEN`) belong to the whole period; ``block`` and ``steps_in`` are the steps'
    scratch (:func:`components.step_block.step_blocks`, see :func:`components.facility.run_blocked`); the
    other arguments are those of :func:`components.facility.run_span` and :func:`decide`.  The steps reuse what an earlier step
    solved, as :func:`components.facility.run_span` does (:func:`components.facility._step_from`),
    across decisions too: a decision changes only the four set points, and the room and the towers'
    terms are reused only where the set points they depend on are the same numbers.  ``family``:
    the plants compiled in, a constant (:mod:`components.plant.families`; see
    :func:`controlled_kernel`).  Returns the number of decisions taken.
    """
    k = 0
    while k < decide_at.shape[0] and decide_at[k] < i0:
        k += 1
    taken = 0
    reuse = _NO_REUSE
    lo = i0
    while lo < i1:  # block by block, as components.facility.run_blocked
        hi = min(lo + block.shape[1], i1)
        load_block(boundary, steps_in, lo, hi)
        for j in range(hi - lo):
            while k < decide_at.shape[0] and decide_at[k] == lo + j:
                _decide(lo + j, boundary, params, curves, state, grids, setup, b, p, o, scratch, memo, memo_params,
                        memo_index, chosen[k], taken == 0, family)
                k += 1
                taken += 1
            reuse = _step_inlined(steps_in, params, curves, block, j, state, reuse, family)
        deferred_tower_water(params, steps_in, block, hi - lo)
        copy_block(block, out, lo, hi)
        lo = hi
    return taken


@jit
def run_span_controlled_chilled_water(i0, i1, boundary, params, curves, out, state, grids, setup, decide_at, chosen, b,
                                      p, o, scratch, memo, memo_params, memo_index, block, steps_in):
    """:func:`_run_span_controlled` of a chilled-water or district plant (the family
    :data:`~components.plant.families.CHILLED_WATER` only is compiled in)."""
    return _run_span_controlled(i0, i1, boundary, params, curves, out, state, grids, setup, decide_at, chosen, b, p, o,
                                scratch, memo, memo_params, memo_index, block, steps_in, CHILLED_WATER)


@jit
def run_span_controlled_air_side(i0, i1, boundary, params, curves, out, state, grids, setup, decide_at, chosen, b, p,
                                 o, scratch, memo, memo_params, memo_index, block, steps_in):
    """:func:`_run_span_controlled` of a DX or IEC plant (the family
    :data:`~components.plant.families.AIR_SIDE` only is compiled in)."""
    return _run_span_controlled(i0, i1, boundary, params, curves, out, state, grids, setup, decide_at, chosen, b, p, o,
                                scratch, memo, memo_params, memo_index, block, steps_in, AIR_SIDE)


_CONTROLLED = {CHILLED_WATER: run_span_controlled_chilled_water, AIR_SIDE: run_span_controlled_air_side}


def controlled_kernel(plant_type: float):
    """The controlled span kernel of a plant type (``params[PARAM.plant_type]``), called as
    :func:`_run_span_controlled` without its last argument: only that plant family's code is compiled
    (a first AI-controlled run of the default room compiled every plant: 31-45 s, 20 s with its family
    only, 2026-12-06)."""
    return _CONTROLLED[family_of(plant_type)]
