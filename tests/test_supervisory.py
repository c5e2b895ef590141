"""Supervisory control decided inside the kernel (components/supervisory.py) against an exhaustive search."""

import copy
import itertools
import tomllib

import numpy as np
import pytest
from conftest import SCENARIOS

from components.layout import BOUNDARY, N_OUTPUT, OUTPUT, PARAM, STATE
from components.step_block import step_block
from components.supervisory import CHOSEN, SETUP, decide, evaluate
from twin.engine import loop
from twin.engine.control import SetpointOptimiser
from twin.engine.results import Result
from twin.engine.simulate import prepare, run_plant
from twin.inputs.schema import validate_scenario
from twin.metrics.energy import energy_summary

#: Annual PUE of the in-kernel search may differ from the exhaustive search by at most this much
#: (README "Speed" and docs: the stated tolerance of the fast supervisory control).
PUE_TOLERANCE = 0.002

PACKAGE = [{"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
           {"name": "waterside_economizer"}, {"name": "liquid_cooling"}, {"name": "thermal_storage"}]
MIXES = {"chilled-water package": PACKAGE,
         "containment + drives + water-side economizer": PACKAGE[:3],
         "IEC + liquid": [{"name": "indirect_evaporative_cooling"}, {"name": "liquid_cooling"}],
         # two economizers: power along the chilled water can fall in two valleys
         "outdoor air + pad + chilled-water package": PACKAGE[:2] + [
             {"name": "air_side_economizer", "evaporative": True}] + PACKAGE[2:]}
#: Further cases: (scenario file, site, measures).  The bundled DX room: compressor staging makes
#: power along the supply air a sawtooth, which the DX plants' search scans whole (a line search
#: there came to +0.0008 of the exhaustive search, 2026-12-06).  The water-side economizer in
#: Hohhot: +0.014 while economizing towers ran their fans flat out (power was flat along each set
#: point alone and the search stalled); -0.0001 since they hold the water the economizer can use.
CASES = {"DX room": ("guangzhou_dx_room.toml", "guangzhou", []),
         "containment + drives + water-side economizer in Hohhot": ("guangzhou_legacy.toml", "hohhot", PACKAGE[:3])}
SET_POINTS = [PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer]


def _plant(legacy_dict, measures):
    data = copy.deepcopy(legacy_dict)
    data["measures"] = measures
    return prepare(validate_scenario(data))


def _exhaustive(plant):
    """A SimPy controller trying every combination of the grids at the same representative step."""
    opt = SetpointOptimiser(plant)
    limit, width = opt.setup[SETUP.inlet_limit_c], int(opt.setup[SETUP.interval_steps])
    rows = {k: r[~np.isnan(r)] for k, r in enumerate(opt.grids) if not np.isnan(r[0])}
    if 1 in rows:
        rows.pop(0)  # chilled-water plants: the supply air follows the water
    o, scratch = step_block(N_OUTPUT), np.empty(len(STATE))

    def controller(sim):
        i = sim.step_at(sim.env.now)
        if i >= sim.n_steps:
            return
        b = plant.boundary[:, i:i + width].mean(axis=1, keepdims=True)
        b[BOUNDARY.tou_period, 0] = plant.boundary[BOUNDARY.tou_period, i]
        best, chosen = np.inf, None
        for combo in itertools.product(*rows.values()):
            p = sim.params.copy()
            for k, v in zip(rows, combo):
                p[SET_POINTS[k]] = v
                if k == 1:
                    p[PARAM.supply_air_c] = max(v + p[PARAM.coil_approach_k], opt.grids[0, 0])
            power, t_max, unmet = evaluate(b, p, plant.curves, sim.state, o, scratch)
            if t_max <= limit and unmet <= 0.0 and power < best:
                best, chosen = power, p
        if chosen is not None:
            sim.params[SET_POINTS] = chosen[SET_POINTS]
    return controller


def _summary(plant, out):
    r = Result(plant=plant, out=out, events=[], runtime_s=0.0, extras={"power": {}, "kernel_steps": 0})
    limit = plant.scenario.control.inlet_limit_c
    return energy_summary(r)["pue"]["value"], float((out[OUTPUT.t_rack_inlet_max] > limit + 1e-9).sum())


@pytest.mark.parametrize("mix", sorted(MIXES) + sorted(CASES))
def test_in_kernel_control_matches_an_exhaustive_search(legacy_dict, mix):
    if mix in CASES:
        file, site, measures = CASES[mix]
        with open(SCENARIOS / file, "rb") as fh:
            legacy_dict = tomllib.load(fh)
        legacy_dict["scenario"]["site"] = site
    else:
        measures = MIXES[mix]
    plant = _plant(legacy_dict, measures + [{"name": "ai_control"}])
    reference = loop.Simulation(plant)
    reference.env.process(loop.control_updates(reference, plant.scenario.control.interval_h * 3600.0,
                                               _exhaustive(plant)))
    pue_ref, hot_ref = _summary(plant, reference.run())
    r = run_plant(plant)
    pue, hot = _summary(plant, r.out)
    assert abs(pue - pue_ref) <= PUE_TOLERANCE, (pue, pue_ref)
    assert hot <= hot_ref
    # the tolerance is tight enough to tell control from none: fixed set points miss it
    pue_fixed, _ = _summary(plant, run_plant(_plant(legacy_dict, measures)).out)
    assert abs(pue_fixed - pue_ref) > PUE_TOLERANCE, (pue_fixed, pue_ref)


def test_decisions_fall_on_the_interval_boundaries_and_are_cheap(legacy_dict):
    plant = _plant(legacy_dict, PACKAGE + [{"name": "ai_control"}])
    sim = loop.Simulation(plant)
    SetpointOptimiser(plant).attach(sim)
    sim.run()
    c = sim.control
    every = 12 * 3600.0 / sim.dt
    assert np.array_equal(c.decide_at, np.arange(0, plant.n_steps, every).astype(np.int64))
    assert c.decisions == len(c.decide_at) == 730 and sim.spans == 1  # no SimPy event per decision
    assert np.isfinite(c.chosen).all()
    # 2.4; a scan of every grid took 24 per decision, 4.6 before local searches
    assert c.chosen[:, CHOSEN.evaluations].mean() < 3.0
    # the set points in force between two decisions are the last decision's
    sp = sim.out[OUTPUT.t_supply_air_setpoint]
    assert np.array_equal(sp[c.decide_at], c.chosen[:, CHOSEN.supply_air_c])
    assert np.array_equal(sp, np.repeat(c.chosen[:, CHOSEN.supply_air_c], np.diff(np.append(c.decide_at, plant.n_steps))))
    again = loop.Simulation(plant)  # deterministic: the memo belongs to one run
    SetpointOptimiser(plant).attach(again)
    assert np.array_equal(again.run(), sim.out, equal_nan=True)


def test_the_iec_search_runs_along_the_supply_air(legacy_dict):
    """IEC plants search the supply air by a line search from the nearest bin's choice (power along it
    is smooth near the optimum: the highest set point that keeps the inlets within the limit), not
    by a scan of its ten grid values: 1.5 evaluations a decision instead of 3.1."""
    plant = _plant(legacy_dict, MIXES["IEC + liquid"] + [{"name": "ai_control"}])
    sim = loop.Simulation(plant)
    SetpointOptimiser(plant).attach(sim)
    sim.run()
    evaluations = sim.control.chosen[:, CHOSEN.evaluations]
    assert evaluations.mean() < 2.0
    assert (evaluations >= 10).sum() == 1  # the first decision alone scans the grid


@pytest.mark.parametrize("interval_h", [12.0, 1.0, 1.5, 7.3, 0.4])
def test_decision_steps_are_where_simpy_timeouts_land(legacy_dict, interval_h):
    """The decision steps (computed in numpy) are those a SimPy process yielding a timeout every
    interval would reach, through ``Simulation.step_at``; a 0.4 h interval on hourly steps skips none."""
    plant = _plant(legacy_dict, [])
    opt = SetpointOptimiser(plant)
    opt.interval_s = interval_h * 3600.0
    sim = loop.Simulation(plant)
    landed = []

    def ticks():
        while (i := sim.step_at(sim.env.now)) < sim.n_steps:
            landed.append(i)
            yield sim.env.timeout(opt.interval_s)

    sim.env.process(ticks())
    sim.env.run()
    assert opt._decision_steps().tolist() == landed


def test_a_remembered_decision_is_reused_until_the_plant_changes(legacy_dict):
    plant = _plant(legacy_dict, PACKAGE + [{"name": "ai_control"}])
    opt = SetpointOptimiser(plant)
    params, state = plant.params.copy(), plant.initial_state.copy()
    row = np.empty(len(CHOSEN))

    def evaluations():
        decide(0, plant.boundary, params, plant.curves, state, opt.grids, opt.setup, opt._b, opt._p, opt._o,
               opt._scratch, *opt._memo, row)
        return row[CHOSEN.evaluations]

    assert evaluations() > 10   # the first decision scans the grids
    assert evaluations() == 1   # the same conditions again: the remembered choice, checked once
    params[PARAM.chillers_available] -= 1
    assert evaluations() > 1    # an event changed the plant: the memo is emptied


def test_an_economizer_that_does_not_change_the_power_is_switched_off(legacy_dict):
    """The tie rule: on a July afternoon the economizer cannot run, so on and off cost the same at
    the representative step; off is chosen, although on (the measure's setting) was in force."""
    plant = _plant(legacy_dict, PACKAGE + [{"name": "ai_control"}])
    opt = SetpointOptimiser(plant)
    params, state = plant.params.copy(), plant.initial_state.copy()
    assert params[PARAM.economizer] == 1.0
    row = np.empty(len(CHOSEN))
    i = 24 * 195 + 12
    decide(i, plant.boundary, params, plant.curves, state, opt.grids, opt.setup, opt._b, opt._p, opt._o,
           opt._scratch, *opt._memo, row)
    assert row[CHOSEN.economizer] == 0.0
    o, scratch = step_block(N_OUTPUT), np.empty(len(STATE))
    powers = []
    for economizer in (0.0, 1.0):
        params[PARAM.economizer] = economizer
        powers.append(evaluate(opt._b, params, plant.curves, state, o, scratch)[0])
    assert powers[0] == powers[1]  # a tie, decided by the rule


def _scanned_slot(memo, key):
    """The memo's row for ``key`` as a scan of its rows finds it (the search before the memo had an
    index): ``(slot, near, hit)``, the key written into the slot."""
    slot, near, nearest = memo.shape[0] - 1, -1, np.inf
    for r in range(memo.shape[0]):
        if np.isnan(memo[r, 0]):
            slot = r
            break
        distance = (abs(memo[r, 0] - key[0]) + abs(memo[r, 1] - key[1]) + abs(memo[r, 2] - key[2])
                    + 1e3 * abs(memo[r, 3] - key[3]))
        if distance == 0.0:
            memo[r, :4] = key[:4]
            return r, -1, True
        if distance < nearest:
            near, nearest = r, distance
    memo[slot, :4] = key[:4]
    return slot, near, False


@pytest.mark.parametrize("rows,draws", [(6, 3000), (64, 3000), (1024, 1200)])
def test_the_memo_index_finds_the_rows_a_scan_finds(rows, draws):
    """Bins looked up through the memo's index (components.supervisory._memo_slot) land in the rows,
    and start from the nearest bins, that a scan of the memo's rows gives, also once the memo is full
    and its last row is replaced again and again; negative bins (frost) and signed zeros included."""
    from components.supervisory import _memo_slot

    rng = np.random.default_rng(rows)
    memo, reference = np.full((rows, 8), np.nan), np.full((rows, 8), np.nan)
    memo_index = np.full(1 << (2 * rows - 1).bit_length(), -1, dtype=np.int64)  # a power of two, >= 2 rows
    hits = 0
    for _ in range(draws):
        key = np.array([*rng.integers(-12, 12, 2), rng.integers(0, 6), rng.integers(0, 4), 0.0], dtype=float)
        key[0] = -0.0 if key[0] == 0.0 and rng.random() < 0.5 else key[0]
        slot, near, hit = _memo_slot(memo, memo_index, key)
        expected = _scanned_slot(reference, key)
        assert (slot, hit) == expected[::2] and (hit or near == expected[1])
        hits += hit
    assert np.array_equal(memo, reference, equal_nan=True)
    assert 0 < hits < draws
