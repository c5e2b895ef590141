"""Supervisory set-point optimisation, solved inside the kernel (``scenario.control.mode = "optimise"``).

:func:`run_span_controlled` integrates a span like :func:`components.facility.run_span` and, at
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
economizer on/off; other plants search the supply air.  Decisions are remembered by the bin of
their representative step (1 K of wet bulb, 1 K of dry bulb, 2 % of load, time-of-use period:
:data:`twin.engine.control.BIN_WET_BULB_K` and the rest).  In a bin met before, the remembered
choice is checked with one evaluation of the step and taken; in a new bin one pass of coordinate
descent (:func:`_search`) starts from the set points in force or the nearest bin's choice, the
better of the two.  A year of 730
decisions then costs about 5 single-step evaluations a decision (the chilled-water package of
``benchmarks/measures_run.py``; 3 for a supply-air plant) instead of 24 for a scan of every grid.
Annual PUE stays within 0.002 of an exhaustive search of the whole grid product at the same
representative steps (``tests/test_supervisory.py``) and within 0.001 of the earlier scan of
every grid in nine bundled cases (two rooms, five technology mixes, stochastic events).

It is the optimum a model-based (or learned) supervisory controller could reach on this model
at the interval-average conditions, not a trained network.
"""

from enum import IntEnum

import numpy as np

from components._jit import jit
from components.facility import _step
from components.layout import BOUNDARY, OUTPUT, PARAM
from components.plant.families import ANY_PLANT

#: Layout of the ``setup`` array of :func:`run_span_controlled`.
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

_COARSE = 3  # stride of the first scan of the chilled-water grid in a search [-]
_WINDOW = 2  # places either side of the value in force scanned from an adjacent bin's choice [-]
_FULL, _NEW, _ADJACENT = 0, 1, 2  # reach of a search: every grid value, from a far bin, from an adjacent bin


@jit
def evaluate(b, p, curves, state, o, scratch):
    """Facility power [W], hottest rack inlet [degC] and unmet load [W] of one representative step.

    ``state`` is not changed (the step runs on ``scratch``, a copy); ``o`` is a one-column output.
    """
    for k in range(state.shape[0]):
        scratch[k] = state[k]
    # a typed column: a literal 0 would make Numba compile (and cache) a Literal[int](0) copy of the
    # step and of every plant kernel it calls, next to the int64 one run_span_controlled uses
    _step(b, p, curves, o, np.int64(0), scratch, ANY_PLANT)
    return o[OUTPUT.p_facility, 0], o[OUTPUT.t_rack_inlet_max, 0], o[OUTPUT.q_unmet, 0]


@jit
def _set(p, k, v, sa_floor):
    """Put candidate ``v`` into set point ``k`` (a chilled-water candidate carries the supply air)."""
    index = (PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer)
    p[index[k]] = v
    if k == 1:
        sa = v + p[PARAM.coil_approach_k]
        p[PARAM.supply_air_c] = sa if sa > sa_floor else sa_floor


@jit
def _try(k, v, b, p, curves, state, o, scratch, grids, limit, best, feasible):
    """Power at candidate ``v`` of set point ``k``, and whether it is kept: it lowers power with
    every rack inlet within the limit and no unmet load, or the best so far breaks the limit and it
    does not.  ``p`` is left at the candidate.  Returns ``(power, kept)``."""
    _set(p, k, v, grids[0, 0])
    power, t_max, unmet = evaluate(b, p, curves, state, o, scratch)
    return power, t_max <= limit and unmet <= 0.0 and (power < best or not feasible)


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


@jit
def _grid_scan(k, b, p, curves, state, o, scratch, grids, limit, best, feasible, stride, window):
    """Try every ``stride``-th grid value of set point ``k``, counted down from the highest, or
    (``window`` > 0) the values within ``window`` places of the value in force; ``p`` ends at the
    best kept.  Returns ``(best, feasible, evaluations)``."""
    index = (PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer)
    keep = p[index[k]]
    keep_sa = p[PARAM.supply_air_c]
    j, n = _nearest(k, grids, keep)
    lo, hi = (max(0, j - window), min(n, j + window + 1)) if window > 0 else (0, n)
    evaluations = 0
    for j in range(lo + (hi - 1 - lo) % stride, hi, stride):
        v = grids[k, j]
        if v == keep:
            continue
        power, kept = _try(k, v, b, p, curves, state, o, scratch, grids, limit, best, feasible)
        evaluations += 1
        if kept:
            best, feasible = power, True
            keep, keep_sa = v, p[PARAM.supply_air_c]
    p[index[k]] = keep
    p[PARAM.supply_air_c] = keep_sa
    return best, feasible, evaluations


@jit
def _line_search(k, b, p, curves, state, o, scratch, grids, limit, best, feasible):
    """Move set point ``k`` along its grid from the value in force, steepest neighbour first.

    Tries both grid neighbours of the nearest grid value, moves to the better one that is kept,
    and goes on in that direction while each next value is kept.
    Returns ``(best, feasible, evaluations)``.
    """
    index = (PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer)
    keep = p[index[k]]
    keep_sa = p[PARAM.supply_air_c]
    j, n = _nearest(k, grids, keep)
    evaluations = 0
    direction = 0
    for d in (-1, 1):
        if 0 <= j + d < n:
            power, kept = _try(k, grids[k, j + d], b, p, curves, state, o, scratch, grids, limit, best, feasible)
            evaluations += 1
            if kept:
                best, feasible, direction = power, True, d
                keep, keep_sa = p[index[k]], p[PARAM.supply_air_c]
    m = j + 2 * direction
    while direction != 0 and 0 <= m < n:
        power, kept = _try(k, grids[k, m], b, p, curves, state, o, scratch, grids, limit, best, feasible)
        evaluations += 1
        if not kept:
            break
        best, feasible = power, True
        keep, keep_sa = p[index[k]], p[PARAM.supply_air_c]
        m += direction
    p[index[k]] = keep
    p[PARAM.supply_air_c] = keep_sa
    return best, feasible, evaluations


@jit
def _search(b, p, curves, state, o, scratch, grids, limit, reach, best, feasible):
    """One pass of coordinate descent from the set points in ``p`` (facility power ``best``, within
    the limits if ``feasible``); ``p`` ends at the choice.

    Chilled-water plants search the chilled water (supply air following it), then the tower set
    point, then the economizer; other plants search the supply air.  How far depends on
    ``reach``.  ``_FULL``: every grid value of each.  ``_NEW``: the chilled water on every
    ``_COARSE``-th value, then refined by :func:`_line_search` (power along it can have two
    valleys: with an air-side economizer, cold water with the supply air at its floor, or warm
    water); the others over their whole grids (along the tower set point power has a flat shelf,
    where the towers cannot reach it, and a narrow dip where they just can; along the supply air,
    shallow valleys a few steps apart).  ``_ADJACENT`` (a start from the choice of a bin next to
    this one): the chilled water by :func:`_line_search` alone and the tower set point within
    ``_WINDOW`` places of the start, the rest as ``_NEW``.
    Returns ``(feasible, evaluations)``.
    """
    evaluations = 0
    chilled_water = not np.isnan(grids[1, 0])
    for k in range(4):
        if k == 0 and chilled_water:
            continue
        if k == 1 and reach != _FULL:
            if reach == _NEW:
                best, feasible, n = _grid_scan(k, b, p, curves, state, o, scratch, grids, limit, best, feasible,
                                               _COARSE, 0)
                evaluations += n
            best, feasible, n = _line_search(k, b, p, curves, state, o, scratch, grids, limit, best, feasible)
        else:
            window = _WINDOW if reach == _ADJACENT and k == 2 else 0
            best, feasible, n = _grid_scan(k, b, p, curves, state, o, scratch, grids, limit, best, feasible, 1,
                                           window)
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
def decide(i, boundary, params, curves, state, grids, setup, b, p, o, scratch, memo, memo_params, chosen_row):
    """One supervisory decision at step ``i``: the set points for the interval starting there.

    The decisions of a run are remembered by bin of their representative step (``memo``).  In a
    bin met before, the remembered choice is taken if it keeps every inlet within the limit at
    these conditions (one evaluation).  Otherwise one pass of coordinate descent (:func:`_search`)
    starts from the set points in force or, for a chilled-water plant, from the choice of the
    nearest bin met before (same time-of-use period first) when that is better here (a narrower
    search when that bin is adjacent), and the memo remembers its result; the first decision, and
    any whose search finds nothing within the limit, scan every grid value.
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
        Work arrays: shapes (len(BOUNDARY), 1), (len(PARAM),), (len(OUTPUT), 1), (len(STATE),).
    memo, memo_params : ndarray
        The memo, shape (m, 8): bin (see :func:`_bins`) and chosen set points per row, NaN in
        column 0 where empty; and the parameters it was filled with.
    chosen_row : ndarray, shape (len(CHOSEN),)
        Receives the chosen set points and the number of single-step evaluations.
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
    for r in range(params.shape[0]):
        p[r] = params[r]
        same = params[r] == memo_params[r] or (np.isnan(params[r]) and np.isnan(memo_params[r]))
        if not same and r != index[0] and r != index[1] and r != index[2] and r != index[3]:
            changed = True
    if changed:
        for r in range(params.shape[0]):
            memo_params[r] = params[r]
        for r in range(memo.shape[0]):
            memo[r, 0] = np.nan
    limit = setup[SETUP.inlet_limit_c]
    _bins(b, p, setup, chosen_row)  # the bin, in the row's first four places for now
    slot, near, hit = memo.shape[0] - 1, -1, False
    nearest = np.inf
    for r in range(memo.shape[0]):
        if np.isnan(memo[r, 0]):
            slot = r
            break
        distance = (abs(memo[r, 0] - chosen_row[0]) + abs(memo[r, 1] - chosen_row[1])
                    + abs(memo[r, 2] - chosen_row[2]) + 1e3 * abs(memo[r, 3] - chosen_row[3]))
        if distance == 0.0:
            slot, hit = r, True
            break
        if distance < nearest:
            near, nearest = r, distance
    for k in range(4):
        memo[slot, k] = chosen_row[k]
    evaluations = 0
    feasible = False
    if hit:
        for k in range(4):
            p[index[k]] = memo[slot, 4 + k]
        _, t_max, unmet = evaluate(b, p, curves, state, o, scratch)
        evaluations = 1
        feasible = t_max <= limit and unmet <= 0.0
    elif near >= 0:
        best, t_max, unmet = evaluate(b, p, curves, state, o, scratch)  # the set points in force
        ok = t_max <= limit and unmet <= 0.0
        evaluations = 1
        reach = _NEW
        if not np.isnan(grids[1, 0]):  # chilled water: or from the nearest bin's choice, if better
            for k in range(4):
                p[index[k]] = memo[near, 4 + k]
            there, t_max, unmet = evaluate(b, p, curves, state, o, scratch)
            evaluations += 1
            if t_max <= limit and unmet <= 0.0 and (there < best or not ok):
                best, ok = there, True
                reach = _ADJACENT if nearest <= 1.0 else _NEW
            else:
                for k in range(4):
                    p[index[k]] = params[index[k]]
        feasible, n = _search(b, p, curves, state, o, scratch, grids, limit, reach, best, ok)
        evaluations += n
    if not feasible:
        for k in range(4):
            p[index[k]] = params[index[k]]
        best, t_max, unmet = evaluate(b, p, curves, state, o, scratch)
        feasible, n = _search(b, p, curves, state, o, scratch, grids, limit, _FULL, best,
                              t_max <= limit and unmet <= 0.0)
        evaluations += 1 + n
    for k in range(4):
        memo[slot, 4 + k] = p[index[k]]
        params[index[k]] = p[index[k]]
        chosen_row[k] = p[index[k]]
    chosen_row[CHOSEN.evaluations] = evaluations


@jit
def run_span_controlled(i0, i1, boundary, params, curves, out, state, grids, setup, decide_at, chosen, b, p, o,
                        scratch, memo, memo_params):
    """Integrate steps ``i0 <= i < i1``, deciding the set points at each step of ``decide_at`` first.

    ``decide_at`` (ascending step indices, one per control interval) and ``chosen`` (one row per
    entry, see :data:`CHOSEN`) belong to the whole period; the other arguments are those of
    :func:`components.facility.run_span` and :func:`decide`.  Returns the number of decisions taken.
    """
    k = 0
    while k < decide_at.shape[0] and decide_at[k] < i0:
        k += 1
    taken = 0
    for i in range(i0, i1):
        while k < decide_at.shape[0] and decide_at[k] == i:
            decide(i, boundary, params, curves, state, grids, setup, b, p, o, scratch, memo, memo_params, chosen[k])
            k += 1
            taken += 1
        _step(boundary, params, curves, out, i, state, ANY_PLANT)
    return taken
