"""Grid outages, ride-through, failures, maintenance and the Monte Carlo over years."""

import copy
import json
import math

import numpy as np
import pytest

from conftest import assert_energy_closes, assert_heat_closes, run_dict
from components.layout import OUTPUT
from components.storage.backup import outage_timeline
from twin.engine.events import excursion_seconds

OUTAGE_AT = "2025-07-01T14:20:00"
K_OUTAGE = 181 * 24 + 14  # step starting 2025-07-01 14:00


# ---------------------------------------------------------------------------------------------
# The analytic ride-through
# ---------------------------------------------------------------------------------------------

def test_flywheel_15s_generator_10s_carries_the_load():
    o = outage_timeline(duration_s=1800.0, ride_through_s=15.0, backup_on_s=10.0)
    assert not o.dropped and o.unpowered_s == 0.0


def test_flywheel_15s_generator_20s_drops_the_load():
    o = outage_timeline(duration_s=1800.0, ride_through_s=15.0, backup_on_s=20.0)
    assert o.dropped and o.drop_s == 15.0 and o.restore_s == 20.0 and o.unpowered_s == pytest.approx(5.0)


def test_generator_that_fails_drops_the_load_when_the_battery_runs_out():
    o = outage_timeline(duration_s=7200.0, ride_through_s=2400.0, backup_on_s=math.inf)
    assert o.dropped and o.drop_s == 2400.0 and o.restore_s == 7200.0 and o.unpowered_s == pytest.approx(4800.0)


def test_short_outage_inside_the_ride_through_and_failed_transfer():
    assert not outage_timeline(5.0, 15.0, math.inf).dropped
    o = outage_timeline(1800.0, 900.0, 10.0, transfer_failed=True)
    assert o.dropped and o.drop_s == 0.0 and o.unpowered_s == pytest.approx(10.0)


def test_excursion_seconds():
    # 1 MW into 10 MJ/K heats 0.1 K/s: from 25 to 32 degC in 70 s
    kw = dict(t0_c=25.0, allowable_c=32.0, heat_w=1e6, capacity_j_per_k=1e7)
    assert excursion_seconds(fans_back_s=60.0, chillers_back_s=60.0, cold_store_j=0.0, **kw) == 0.0
    assert excursion_seconds(fans_back_s=100.0, chillers_back_s=100.0, cold_store_j=0.0, **kw) == pytest.approx(30.0)
    # fans back at 10 s, stored cold for 300 s, chillers back at 610 s: heats again from 310 s
    assert excursion_seconds(fans_back_s=10.0, chillers_back_s=610.0, cold_store_j=3e8, **kw) == pytest.approx(230.0)
    # the dropped IT stops heating
    assert excursion_seconds(fans_back_s=1000.0, chillers_back_s=1000.0, cold_store_j=0.0, it_off_s=100.0,
                             **kw) == pytest.approx(30.0)


# ---------------------------------------------------------------------------------------------
# Outages in the loop
# ---------------------------------------------------------------------------------------------

def _critical_w(result, k):
    o = result.out
    return float(o[OUTPUT.p_it, k] + o[OUTPUT.p_pdu_loss, k] + o[OUTPUT.p_ups_loss, k])


@pytest.mark.parametrize("start_s, dropped", [(10.0, False), (20.0, True)])
def test_flywheel_and_generator_start_in_the_loop(legacy_dict, legacy_result, start_s, dropped):
    """A flywheel with 15 s of ride-through at the load carries a 10 s generator start, not a 20 s one."""
    crit = _critical_w(legacy_result, K_OUTAGE - 1)
    d = copy.deepcopy(legacy_dict)
    d["measures"] = [{"name": "flywheel", "ride_through_s": 15.0}]
    d["flywheel"] = {"rated_kw": crit / 1e3}
    d["backup"] = {"start_delay_s": start_s}
    d["events"] = {"outages": {"scheduled": [{"at": OUTAGE_AT, "duration_min": 30.0}]}}
    r = run_dict(d)
    rec = r.extras["power"]["records"][0]
    assert rec["ride_through_s"] == pytest.approx(15.0)
    assert rec["dropped"] is dropped
    p_it = float(legacy_result.out[OUTPUT.p_it, K_OUTAGE - 1])
    expected = p_it * 5.0 / 3.6e6 if dropped else 0.0
    assert rec["unserved_it_kwh"] == pytest.approx(expected, rel=1e-9)
    assert_energy_closes(r)
    assert_heat_closes(r)


@pytest.fixture(scope="module")
def failed_start(legacy_dict):
    d = copy.deepcopy(legacy_dict)
    d["backup"] = {"fail_to_start_probability": 1.0}
    d["events"] = {"outages": {"scheduled": [{"at": OUTAGE_AT, "duration_min": 120.0}]}}
    return run_dict(d)


def test_generator_failing_to_start_drops_the_load_after_the_battery(failed_start, legacy_result):
    rec = failed_start.extras["power"]["records"][0]
    assert rec["units_started"] == 0 and rec["backup_on_s"] is None
    assert 600.0 < rec["ride_through_s"] < 7200.0  # the VRLA battery lasts tens of minutes, not two hours
    assert rec["dropped"]
    p_it = float(legacy_result.out[OUTPUT.p_it, K_OUTAGE - 1])
    assert rec["unserved_it_kwh"] == pytest.approx(p_it * (7200.0 - rec["ride_through_s"]) / 3.6e6, rel=1e-9)
    assert rec["hours_above_allowable"] > 0.0  # two hours without cooling
    out = failed_start.out
    assert out[OUTPUT.p_not_supplied, K_OUTAGE + 1] > 0.0 and out[OUTPUT.p_grid, K_OUTAGE + 1] == 0.0


def test_energy_closes_with_storage_flows_at_every_step(failed_start):
    """Meter identity at every step; the cells' energy follows the booked flows."""
    r = failed_start
    assert_energy_closes(r)
    assert_heat_closes(r)
    out = r.out
    assert out[OUTPUT.p_storage_discharge].sum() > 0 and out[OUTPUT.p_storage_charge].sum() > 0
    from twin.inputs.schema_power import power_setup
    setup = power_setup(r.plant.scenario)
    flows = float(((out[OUTPUT.p_storage_charge] - out[OUTPUT.p_storage_discharge]) * r.plant.timestep_s).sum())
    rep = r.extras["power"]
    e0 = setup.battery_rated_j
    cap_end = setup.battery_rated_j * rep["battery_soh_end"]
    assert rep["battery_energy_end_kwh"] * 3.6e6 == pytest.approx(min(e0 + flows, cap_end), rel=1e-9)
    # the battery was recharged to full after the outage
    assert rep["battery_energy_end_kwh"] * 3.6e6 == pytest.approx(cap_end, rel=1e-9)


def test_eco_mode_transfer_failure_drops_until_the_generator(legacy_dict, legacy_result):
    d = copy.deepcopy(legacy_dict)
    d["measures"] = [{"name": "modular_ups", "eco_mode": True}]
    d["power_chain"] = {"eco_transfer_failure_probability": 1.0}
    d["events"] = {"outages": {"scheduled": [{"at": OUTAGE_AT, "duration_min": 10.0}]}}
    r = run_dict(d)
    rep = r.extras["power"]
    assert rep["eco_transfers"] == 1 and rep["failed_transfers"] == 1
    rec = rep["records"][0]
    assert rec["dropped"] and rec["storage_kwh"] == 0.0
    assert rec["unserved_it_kwh"] == pytest.approx(float(r.out[OUTPUT.p_it, K_OUTAGE - 1]) * 10.0 / 3.6e6, rel=1e-9)


def test_chiller_out_of_service_without_redundancy_counts_hours_above_envelope(legacy_dict):
    from twin.metrics.summary import build_summary
    d = copy.deepcopy(legacy_dict)
    d["plant"]["chillers"] = 1
    d["events"] = {"enabled": True, "outages": {"per_year": 0.0},
                   "chiller": {"mtbf_h": 1e8, "mttr_h": 1.0}, "crah": {"mtbf_h": 1e8, "mttr_h": 1.0},
                   "ups": {"mtbf_h": 1e8, "mttr_h": 1.0},
                   "maintenance": [{"equipment": "chiller", "every_days": 365.0, "duration_h": 8.0}]}
    r = run_dict(d)
    s = build_summary(r)
    out = r.out
    window = out[OUTPUT.chillers_on] == 0
    assert window.sum() == 8 and np.all(out[OUTPUT.q_unmet][window] > 1e6)
    # the steady-state kernel alone raises the supply air by one pass of the unmet load only ...
    assert not np.any(out[OUTPUT.t_rack_inlet_max] > 32.0)
    # ... the events integrate the lost cooling in the room: 1.2 MW into 30 MJ/K crosses 32 degC in minutes
    hours = s["power"]["hours_above_allowable"]["value"]
    assert 7.5 < hours < 8.0
    assert r.extras["power"]["maintenance_windows"] == 1


# ---------------------------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stochastic_scenario(legacy_dict):
    from twin.inputs.schema import validate_scenario
    d = copy.deepcopy(legacy_dict)
    d["events"] = {"outages": {"per_year": 4.0, "median_duration_min": 60.0}}
    d["backup"] = {"fail_to_start_probability": 0.3}
    return validate_scenario(d)


def test_same_seed_same_monte_carlo(stochastic_scenario):
    from twin.study.montecarlo import run_years
    from conftest import SCENARIOS
    a = run_years(stochastic_scenario, 4, 11, base_dir=SCENARIOS, keep_records=True)
    b = run_years(stochastic_scenario, 4, 11, base_dir=SCENARIOS, keep_records=True)
    c = run_years(stochastic_scenario, 4, 12, base_dir=SCENARIOS, keep_records=True)
    assert json.dumps(a["per_year"], default=str) == json.dumps(b["per_year"], default=str)
    assert a["distribution"] == b["distribution"]
    assert json.dumps(a["per_year"], default=str) != json.dumps(c["per_year"], default=str)
    assert sum(y["outages"] for y in a["per_year"]) > 0


def test_year_zero_equals_a_single_seeded_run(stochastic_scenario):
    from twin.engine.simulate import run_scenario
    from twin.study.montecarlo import run_years
    from conftest import SCENARIOS
    mc = run_years(stochastic_scenario, 2, 5, base_dir=SCENARIOS)
    scn = stochastic_scenario.model_copy(deep=True)
    scn.events.enabled = True
    scn.scenario.seed = 5
    single = run_scenario(scn, base_dir=SCENARIOS).extras["power"]
    y0 = mc["per_year"][0]
    assert single["outages"] == y0["outages"]
    assert single["unserved_it_kwh"] == pytest.approx(y0["unserved_it_kwh"], rel=1e-12)
    assert single["failures"] == y0["failures"]


def test_cli_years_and_seed(tmp_path, capsys):
    from twin.cli import main
    assert main(["run", "--years", "2", "--seed", "3", "--json", "--out", str(tmp_path)]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["years"] == 2 and res["seed"] == 3 and "unserved_it_kwh" in res["distribution"]
    assert (tmp_path / "montecarlo.json").exists()
    assert main(["run", "--seed", "3"]) == 2
    assert "--seed" in capsys.readouterr().err
    assert main(["run", "--years", "0"]) == 2
