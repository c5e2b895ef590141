"""Supervisory set-point optimisation, solved inside the kernel (``scenario.control.mode = "optimise"``).

:func:`run_span_controlled` integrates a span like :func:`components.facility.run_span` and, at
each control-interval boundary inside it (the steps of ``decide_at``), first takes a decision
(:func:`decide`): it averages the boundary of the coming interval into one representative step
(the time-of-use period of the first step), searches the set points that minimise facility power
with every rack inlet within its limit and no unmet load, and puts them into ``params``.  No
Python and no SimPy event runs per decision; SimPy keeps the genuinely discrete events (outages,
load steps, failures), which cut spans as before, and a decision sees the plant as they left it.

The search is a warm-started cyclic coordinate search on the candidate grids (:func:`_line_search`):
from the set points in force it tries the grid neighbours of one set point and keeps moving in
the direction that lowers power, then turns to the next set point, until every set point has
been tried once since the last move (or ``max_passes`` cycles).  Chilled-water plants search the
chilled-water supply temperature with the supply air at the lowest temperature the coils can
then deliver (water plus coil approach, or the supply-air grid's floor), the tower leaving-water
set point and economizer on/off; other plants search the supply air.  A candidate is kept when
it lowers power with the hottest rack inlet at or below the limit and no unmet load (or when the
set points in force break the limit and it does not).  Between decisions the conditions change
little, so a decision costs about five single-step evaluations instead of a scan of every grid.
``tests/test_supervisory.py`` compares it with an exhaustive search of the whole grid product.

It is the optimum a model-based (or learned) supervisory controller could reach on this model
at the interval-average conditions, not a trained network.
"""

from enum import IntEnum

import numpy as np

from components._jit import jit
from components.facility import _step
from components.layout import BOUNDARY, OUTPUT, PARAM

#: Layout of the ``setup`` array of :func:`run_span_controlled`.
SETUP = IntEnum("SETUP", [
    "inlet_limit_c",    # hottest rack inlet allowed [degC]
    "interval_steps",   # steps averaged into a decision's representative step [-]
    "bin_wet_bulb_k",   # memo bin width of the interval-mean outdoor wet bulb [K]
    "bin_dry_bulb_k",   # memo bin width of the interval-mean outdoor dry bulb [K]
    "bin_load",         # memo bin width of the interval-mean load, a fraction of peak IT [-]
], start=0)

_OFFSET = 1 << 16  # keeps each bin coordinate of a memo key positive
_BITS = 18         # bits per bin coordinate in a memo key

#: Columns of the ``chosen`` record: the set points of each decision and the evaluations it took.
CHOSEN = IntEnum("CHOSEN", ["supply_air_c", "chw_supply_c", "cw_setpoint_c", "economizer", "evaluations"],
                 start=0)


@jit
def _evaluate(b, p, curves, state, o, scratch):
    """Facility power [W], hottest rack inlet [degC] and unmet load [W] of one representative step.

    ``state`` is not changed (the step runs on ``scratch``, a copy); ``o`` is a one-column output.
    """
    for k in range(state.shape[0]):
        scratch[k] = state[k]
    _step(b, p, curves, o, 0, scratch)
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
def _scan(b, p, curves, state, o, scratch, grids, limit):
    """Coordinate descent over whole grids from the set points in force; ``p`` ends at the choice.

    Chilled-water plants scan the chilled water (supply air following it), then the tower set
    point, then the economizer; other plants scan the supply air.  A candidate is kept when it
    lowers power with every rack inlet within the limit and no unmet load (or when the set points
    before it break the limit and it does not).  Returns ``(feasible, evaluations)``.
    """
    index = (PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer)
    best, t_max, unmet = _evaluate(b, p, curves, state, o, scratch)
    feasible = t_max <= limit and unmet <= 0.0
    evaluations = 1
    chilled_water = not np.isnan(grids[1, 0])
    for k in range(4):
        if k == 0 and chilled_water:
            continue
        keep = p[index[k]]
        keep_sa = p[PARAM.supply_air_c]
        for j in range(grids.shape[1]):
            v = grids[k, j]
            if np.isnan(v) or v == keep:
                continue
            _set(p, k, v, grids[0, 0])
            power, t_max, unmet = _evaluate(b, p, curves, state, o, scratch)
            evaluations += 1
            if t_max <= limit and unmet <= 0.0 and (power < best or not feasible):
                best = power
                feasible = True
                keep = v
                keep_sa = p[PARAM.supply_air_c]
        p[index[k]] = keep
        p[PARAM.supply_air_c] = keep_sa
    return feasible, evaluations


@jit
def _key(b, p, setup):
    """One integer for the bin of a representative step: wet bulb, dry bulb, load, time-of-use period. [-]

    The load is the utilisation, or the metered IT power over the peak when a meter is replayed.
    """
    load = b[BOUNDARY.utilisation, 0]
    if b[BOUNDARY.it_power_w, 0] >= 0.0:
        load = b[BOUNDARY.it_power_w, 0] / p[PARAM.it_peak_w]
    wet = int(np.floor(b[BOUNDARY.temp_wet_bulb, 0] / setup[SETUP.bin_wet_bulb_k])) + _OFFSET
    dry = int(np.floor(b[BOUNDARY.temp_air, 0] / setup[SETUP.bin_dry_bulb_k])) + _OFFSET
    use = int(np.floor(load / setup[SETUP.bin_load])) + _OFFSET
    return (((wet << _BITS) | dry) << _BITS | use) << 3 | int(b[BOUNDARY.tou_period, 0])


@jit
def decide(i, boundary, params, curves, state, grids, setup, b, p, o, scratch, memo_keys, memo, memo_params,
           chosen_row):
    """One supervisory decision at step ``i``: the set points for the interval starting there.

    Looks the representative step's bin up in the memo of this run's decisions; a remembered
    choice that keeps every inlet within the limit at these conditions is taken at the cost of one
    evaluation, otherwise :func:`_scan` decides and the memo remembers.  The memo is emptied
    whenever a parameter other than the four set points has changed since it was filled (an
    event changed the plant).

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
    memo_keys, memo, memo_params : ndarray
        The memo: bin keys (int64, -1 where empty), set points per key (shape (len(memo_keys), 4))
        and the parameters it was filled with.
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
        for r in range(memo_keys.shape[0]):
            memo_keys[r] = -1
    limit = setup[SETUP.inlet_limit_c]
    key = _key(b, p, setup)
    slot = 0
    while slot < memo_keys.shape[0] - 1 and memo_keys[slot] != key and memo_keys[slot] >= 0:
        slot += 1
    evaluations = 0
    feasible = False
    if memo_keys[slot] == key:
        for k in range(4):
            p[index[k]] = memo[slot, k]
        _, t_max, unmet = _evaluate(b, p, curves, state, o, scratch)
        evaluations = 1
        feasible = t_max <= limit and unmet <= 0.0
        if not feasible:
            for k in range(4):
                p[index[k]] = params[index[k]]
    if not feasible:
        feasible, n = _scan(b, p, curves, state, o, scratch, grids, limit)
        evaluations += n
        memo_keys[slot] = key
        for k in range(4):
            memo[slot, k] = p[index[k]]
    for k in range(4):
        params[index[k]] = p[index[k]]
        chosen_row[k] = p[index[k]]
    chosen_row[CHOSEN.evaluations] = evaluations


@jit
def run_span_controlled(i0, i1, boundary, params, curves, out, state, grids, setup, decide_at, chosen, b, p, o,
                        scratch, memo_keys, memo, memo_params):
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
            decide(i, boundary, params, curves, state, grids, setup, b, p, o, scratch, memo_keys, memo, memo_params,
                   chosen[k])
            k += 1
            taken += 1
        _step(boundary, params, curves, out, i, state)
    return taken
