"""The SimPy loop: spans between events, never one event per step; events change the plant."""

import numpy as np

from conftest import run_dict
from components.layout import OUTPUT
from twin.engine import loop
from twin.engine.simulate import prepare
from twin.inputs.schema import validate_scenario


def test_spans_are_few_and_cover_the_year(scenario_dict):
    plant = prepare(validate_scenario(scenario_dict))
    sim = loop.Simulation(plant)
    calls = []
    sim.env.process(loop.control_updates(sim, 24 * 3600.0, calls.append))
    sim.run()
    assert sim.step_done == plant.n_steps == 8760
    assert sim.spans == 365 and len(calls) == 365  # one per control interval, not one per step


def test_load_step_applies_from_its_time(scenario_dict):
    scenario_dict["it"]["load_steps"] = [{"at": "2025-03-01T06:00", "scale": 1.5}]
    r = run_dict(scenario_dict)
    u = r.out[OUTPUT.utilisation]
    k = int(np.flatnonzero(r.time == np.datetime64("2025-03-01T06:00"))[0])
    assert np.all(u[:k] == 0.4) and np.all(np.isclose(u[k:], 0.6))
    assert any("load scale" in what for _, what in r.events)


def test_monthly_setpoints_follow_the_calendar(scenario_dict):
    months = [18.0 + m for m in range(12)]
    scenario_dict["air"]["supply_air_c"] = months
    r = run_dict(scenario_dict)
    sp = r.out[OUTPUT.t_supply_air_setpoint]
    assert np.array_equal(sp, np.asarray(months)[r.time.month - 1])


def test_fifteen_minute_steps_agree_with_hourly(scenario_dict, legacy_result):
    from twin.metrics.energy import energy_summary
    scenario_dict["scenario"]["timestep_min"] = 15
    r = run_dict(scenario_dict)
    assert r.out.shape[1] == 35040
    assert abs(energy_summary(r)["pue"]["value"] - energy_summary(legacy_result)["pue"]["value"]) < 0.005


def test_growth_above_full_utilisation_is_rejected(scenario_dict):
    import pytest
    from twin.errors import InputError
    scenario_dict["it"]["annual_growth"] = 2.0 / 3.0 - 0.01
    scenario_dict["it"]["utilisation"] = 0.7
    with pytest.raises(InputError, match="it.annual_growth"):
        run_dict(scenario_dict)


def test_every_bundled_scenario_runs(tmp_path):
    """Every scenario file (not study or sweep files) shipped in scenarios/ validates and runs."""
    import tomllib
    from conftest import SCENARIOS
    from twin.engine.simulate import run_file
    ran = 0
    for path in sorted(SCENARIOS.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        if "it" not in data:
            continue
        r = run_file(path)
        assert np.isfinite(r.out).any()
        ran += 1
    assert ran >= 1
