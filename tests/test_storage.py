"""Storage, backup and PV figures against docs/sources.md section 3, sizing checks and peak shaving."""

import copy
import math

import numpy as np
import pytest

from conftest import assert_energy_closes, assert_heat_closes, run_dict
from components.layout import OUTPUT, STATE
from components.storage import backup as bk
from components.storage import battery as bat
from components.storage import flywheel as fw
from twin.errors import InputError
from twin.inputs.component_data import battery_chemistry
from twin.inputs.schema_power import storage_data


# ---------------------------------------------------------------------------------------------
# Battery figures
# ---------------------------------------------------------------------------------------------

def test_round_trip_efficiencies():
    # docs/sources.md 3 (M): VRLA 75-85 %, LFP 92-96 % (battery only)
    assert 0.75 <= battery_chemistry("vrla").round_trip <= 0.85
    assert 0.92 <= battery_chemistry("lithium").round_trip <= 0.96


def test_vrla_life_halves_per_8_3_kelvin():
    # docs/sources.md 3 (P, DOE/FEMP): each 15 degF (8.3 K) above 25 degC halves the life
    v = battery_chemistry("vrla")
    assert bat.calendar_fade_per_year(v, 33.3) == pytest.approx(2 * bat.calendar_fade_per_year(v, 25.0))


def test_replacements_over_15_years():
    # docs/sources.md 3 (P): VRLA 2-3 replacements over 15 yr, Li-ion 0-1
    v, li = battery_chemistry("vrla"), battery_chemistry("lithium")
    assert 2 <= math.floor(15.0 / bat.years_to_end_of_life(v, 25.0)) <= 3
    assert 0 <= math.floor(15.0 / bat.years_to_end_of_life(li, 25.0)) <= 1


def test_cycle_life_ratio_and_self_discharge():
    # WP229 (P): Li-ion "up to 10x" the discharge cycles of VRLA; Yuasa SWL (P): < 3 %/month at 20 degC
    v, li = battery_chemistry("vrla"), battery_chemistry("lithium")
    assert 1.0 < li.cycle_life_efc / v.cycle_life_efc <= 10.0
    assert v.self_discharge_per_month <= 0.03
    assert 0.01 <= li.self_discharge_per_month <= 0.03


def test_lithium_tolerates_warmer_rooms():
    # docs/sources.md 3 (P): VRLA rated at 20-25 degC, Li-ion life sometimes specified at 40 degC
    v, li = battery_chemistry("vrla"), battery_chemistry("lithium")
    assert li.room_max_c >= 40.0 > v.room_max_c
    assert bat.calendar_fade_per_year(li, 35.0) / bat.calendar_fade_per_year(li, 25.0) < \
        bat.calendar_fade_per_year(v, 35.0) / bat.calendar_fade_per_year(v, 25.0)
    # VRLA float current grows with temperature, LFP standby does not
    assert bat.float_loss_w(v, 100.0, 35.0) == pytest.approx(2 * bat.float_loss_w(v, 100.0, 25.0))
    assert bat.float_loss_w(li, 100.0, 35.0) == bat.float_loss_w(li, 100.0, 25.0)


def test_sizing_carries_the_autonomy_at_end_of_life():
    for kind in ("vrla", "lithium"):
        c = battery_chemistry(kind)
        q = bat.required_rated_kwh(c, 1200.0, 15.0)
        # the ageing design factor A (IEEE 485) is the margin: at SOH = 1/A the autonomy is exactly met
        assert bat.autonomy_s(c, q, 1.0 / c.ageing_design_factor, 1200.0) == pytest.approx(15 * 60.0)
        assert bat.autonomy_s(c, q, 1.0, 1200.0) >= 15 * 60.0


def test_second_life_starts_lower_and_fades_faster():
    # docs/sources.md 3 (M): retired at ~70-80 % SOH, further fade ~2-3 % per year
    s, li = battery_chemistry("second_life"), battery_chemistry("lithium")
    assert 0.70 <= s.start_soh <= 0.80
    assert 0.02 <= bat.calendar_fade_per_year(s, 25.0) <= 0.03
    assert bat.calendar_fade_per_year(s, 25.0) > bat.calendar_fade_per_year(li, 25.0)


def test_degradation_cost():
    li = battery_chemistry("lithium")
    c = bat.degradation_cost_cny_per_kwh(li, 1500.0)
    assert c == pytest.approx(1500.0 / (li.cycle_life_efc * li.discharge_efficiency * (1 - li.soc_min)))


# ---------------------------------------------------------------------------------------------
# Flywheel, diesel, fuel cell
# ---------------------------------------------------------------------------------------------

def test_flywheel_ride_through_and_standby():
    # docs/sources.md 3 (P): ~15 s at full UPS load; standby ~0.5-2 % of rating (M)
    d = storage_data("flywheel")
    e = fw.usable_energy_j(1e6, d["ride_through_s"], d["discharge_efficiency"])
    assert fw.ride_through_s(e, 1e6, d["discharge_efficiency"]) == pytest.approx(15.0)
    assert fw.ride_through_s(e, 0.5e6, d["discharge_efficiency"]) == pytest.approx(30.0)
    assert 0.005 <= d["standby_loss_fraction"] <= 0.02
    assert fw.stored_energy_j(e, 0.5) == pytest.approx(e / 0.75)


def test_diesel_start_and_fuel():
    # NFPA 110 Type 10 (S): carry load within 10 s; ~0.26 L/kWh at full load (M)
    d = storage_data("diesel")
    assert d["start_delay_s"] == 10.0
    full = bk.diesel_fuel_l_per_h(2e6, 2e6, d["fuel_intercept_l_per_kwh_rated"], d["fuel_slope_l_per_kwh"]) / 2000.0
    half = bk.diesel_fuel_l_per_h(1e6, 2e6, d["fuel_intercept_l_per_kwh_rated"], d["fuel_slope_l_per_kwh"]) / 1000.0
    assert 0.24 <= full <= 0.30 and half > full


def test_fuel_cell_hydrogen():
    # m = P / (eta LHV), LHV 33.33 kWh/kg; 1 MW at 50 % LHV -> 60 kg/h
    assert bk.h2_kg_per_h(1e6, 0.5) == pytest.approx(60.0, rel=1e-3)
    assert 0.45 <= storage_data("fuel_cell")["efficiency_lhv"] <= 0.55


# ---------------------------------------------------------------------------------------------
# Scenario level: sizing checks, bad input, PV, peak shaving
# ---------------------------------------------------------------------------------------------

def test_second_life_capacity_check(scenario_dict):
    scenario_dict["measures"] = [{"name": "second_life_battery", "capacity_kwh": 500.0}]
    with pytest.raises(InputError, match="battery.capacity_kwh") as exc:
        run_dict(scenario_dict)
    assert "autonomy_min" in str(exc.value) and "capacity_kwh >=" in str(exc.value)


def test_enough_second_life_capacity_runs(scenario_dict):
    scenario_dict["measures"] = [{"name": "second_life_battery", "capacity_kwh": 3000.0}]
    r = run_dict(scenario_dict)
    assert r.plant.design["battery_kwh"] == pytest.approx(3000.0)
    assert r.plant.initial_state[STATE.battery_health] == pytest.approx(0.75)


def test_battery_room_limits_and_peak_shaving_rules(scenario_dict):
    d = copy.deepcopy(scenario_dict)
    d["battery"] = {"room_temp_c": 35.0}  # VRLA limit 30 degC
    with pytest.raises(InputError, match="battery.room_temp_c"):
        run_dict(d)
    d = copy.deepcopy(scenario_dict)
    d["battery"] = {"peak_shaving": True}  # VRLA cannot cycle daily
    with pytest.raises(InputError, match="battery.peak_shaving"):
        run_dict(d)


def test_explicit_vrla_adds_float_loss_to_the_cooling_load(legacy_result, scenario_dict):
    scenario_dict["measures"] = [{"name": "vrla_battery"}]
    r = run_dict(scenario_dict)
    float_w = r.out[OUTPUT.p_battery_loss]
    kwh_per_kwh = float_w[0] / r.plant.design["battery_kwh"] * 1e-3
    assert kwh_per_kwh == pytest.approx(battery_chemistry("vrla").float_w_per_kwh * 1e-3)
    # the float heat lands in the conditioned UPS/battery rooms: the room load rises by it
    np.testing.assert_allclose(r.out[OUTPUT.q_room_sensible] - legacy_result.out[OUTPUT.q_room_sensible], float_w,
                               rtol=1e-6)
    assert r.out[OUTPUT.p_facility].sum() > legacy_result.out[OUTPUT.p_facility].sum()
    assert_energy_closes(r)
    assert_heat_closes(r)


@pytest.fixture(scope="module")
def shaving_run(legacy_dict):
    d = copy.deepcopy(legacy_dict)
    d["measures"] = [{"name": "lithium_battery", "peak_shaving": True, "shaving_capacity_kwh": 1000.0}]
    return run_dict(d)


def test_peak_shaving_follows_the_tariff(shaving_run):
    r = shaving_run
    hours = r.time.hour.to_numpy()
    charge, discharge = r.out[OUTPUT.p_storage_charge], r.out[OUTPUT.p_storage_discharge]
    assert discharge.sum() > 0 and charge.sum() > 0
    assert np.all(discharge[(hours < 10) | ((hours >= 12) & (hours < 14)) | (hours >= 19)] == 0.0)
    assert np.all(charge[hours >= 8] == 0.0)
    s = r.extras["power"]["shaving"]
    assert s["profitable"] and s["net_cny"] > 0 and s["degradation_cost_cny"] > 0
    # grid purchases move out of peak hours; consumption (PUE) rises only by the cycling losses
    grid, fac = r.out[OUTPUT.p_grid], r.out[OUTPUT.p_facility]
    peak = (hours >= 14) & (hours < 19)
    assert np.mean(grid[peak]) < np.mean(fac[peak])
    assert_energy_closes(r)
    assert_heat_closes(r)


def test_peak_shaving_keeps_the_autonomy_reserve(shaving_run):
    from twin.inputs.schema_power import power_setup
    r = shaving_run
    setup = power_setup(r.plant.scenario)
    e = setup.battery_rated_j + np.cumsum((r.out[OUTPUT.p_storage_charge] - r.out[OUTPUT.p_storage_discharge])
                                          * r.plant.timestep_s)
    assert e.min() >= setup.battery_reserve_j * (1 - 1e-9)
    assert e.max() <= setup.battery_rated_j * (1 + 1e-9)


def test_period_runs_tile_the_year():
    """Each run of one time-of-use period, found once for the year, is the run a scan from its first
    step finds (the valley's length sets the charging power)."""
    from twin.engine.peak_shaving import period_runs

    rng = np.random.default_rng(3)
    for names in (np.array(["valley"]), rng.choice(["valley", "flat", "peak"], size=500, p=[0.5, 0.3, 0.2])):
        starts, ends = period_runs(names)
        assert starts[0] == 0 and ends[-1] == len(names) and np.array_equal(starts[1:], ends[:-1])
        for k, end in zip(starts, ends):
            assert end - k == (int(np.argmax(names[k:] != names[k])) or len(names) - k)


def test_pv_does_not_lower_pue_but_lowers_grid(legacy_result, scenario_dict):
    from twin.metrics.summary import build_summary
    scenario_dict["measures"] = [{"name": "pv", "pv_kwp": 300.0}]
    r = run_dict(scenario_dict)
    s = build_summary(r)
    base = build_summary(legacy_result)
    assert s["pue"]["value"] == base["pue"]["value"]
    yield_kwh_per_kwp = r.extras["power"]["pv"]["generation_kwh"] / 300.0
    assert 700.0 <= yield_kwh_per_kwp <= 1300.0  # Guangzhou: ~900-1000 kWh/kWp (M)
    assert s["onsite_pv_kwh"]["value"] == pytest.approx(r.out[OUTPUT.p_pv].sum() * 3600 / 3.6e6)
    assert r.out[OUTPUT.p_pv][r.time.hour.to_numpy() < 5].max() == 0.0
    assert r.out[OUTPUT.p_grid].sum() < legacy_result.out[OUTPUT.p_grid].sum()
    assert 0 < s["power"]["pv"]["share_of_facility"]["value"] < 0.05
    assert_energy_closes(r)
