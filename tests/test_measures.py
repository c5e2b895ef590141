"""Measure 10 technologies: each alone and combined closes energy and heat; bad input is caught."""

import copy

import pytest

from conftest import assert_energy_closes, assert_heat_closes, run_dict, run_mixes
from twin.errors import InputError
from twin.metrics.energy import energy_summary

MIXES = {
    "containment": [{"name": "containment"}],
    "vsd": [{"name": "variable_speed_drives"}],
    "vsd_inverter": [{"name": "variable_speed_drives", "compressor": "inverter"}],
    "vsd_magnetic_bearing": [{"name": "variable_speed_drives", "compressor": "magnetic_bearing"}],
    "economizer": [{"name": "waterside_economizer"}],
    "iec": [{"name": "indirect_evaporative_cooling"}],
    "cold_plate": [{"name": "liquid_cooling"}],
    "immersion_w40": [{"name": "liquid_cooling", "kind": "immersion", "water_class": "W40"}],
    "cold_plate_to_chillers": [{"name": "liquid_cooling", "rejection": "chillers"}],
    "ice_storage": [{"name": "thermal_storage", "kind": "ice"}],
    "water_storage_economizer": [{"name": "thermal_storage"}, {"name": "waterside_economizer"}],
    "power_plant_cooling": [{"name": "power_plant_cooling"}],
    "ai_control": [{"name": "ai_control"}],
    "everything_air": [{"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
                       {"name": "waterside_economizer"}, {"name": "ai_control"}],
    "iec_liquid_ai": [{"name": "indirect_evaporative_cooling"}, {"name": "liquid_cooling"}, {"name": "ai_control"}],
}


@pytest.fixture(scope="module")
def results(legacy_dict):
    return run_mixes(legacy_dict, MIXES)


@pytest.mark.parametrize("name", sorted(MIXES))
def test_measure_closes(results, name):
    assert_energy_closes(results[name])
    assert_heat_closes(results[name])


def test_savings_have_the_expected_sign(results, legacy_result):
    base = energy_summary(legacy_result)["pue"]["value"]
    pue = {k: energy_summary(r)["pue"]["value"] for k, r in results.items()}
    for k in ("vsd", "vsd_inverter", "iec", "cold_plate", "immersion_w40", "ai_control", "everything_air"):
        assert pue[k] < base, k
    assert pue["vsd_inverter"] < pue["vsd"]
    assert pue["vsd_magnetic_bearing"] < pue["vsd"]
    assert pue["everything_air"] < pue["vsd_inverter"]
    # storage shifts energy in time and loses some: PUE goes up, not down
    assert pue["ice_storage"] > base


def test_iec_reports_modes_and_water(results):
    s = energy_summary(results["iec"])
    hours = {k: v["value"] for k, v in s["iec_mode_hours"].items()}
    assert sum(hours.values()) == 8760
    assert hours["dry"] > 0 and hours["mixed"] + hours["bypassed"] > 0  # Guangzhou: dry in winter, DX in summer
    assert 0 < s["wue"]["value"] < energy_summary(results["containment"])["wue"]["value"]


def test_storage_shifts_peak_to_valley(results):
    r = results["ice_storage"]
    from components.layout import BOUNDARY
    period = r.plant.boundary[BOUNDARY.tou_period]
    assert r["q_tes_charge"][period != 0].max() == 0.0
    assert r["q_tes_discharge"][period < 2].max() == 0.0
    assert r["q_tes_discharge"].sum() > 0
    assert energy_summary(r)["tes_ride_through_min"]["value"] >= 0


def test_power_plant_cooling_boundary_is_explicit(results):
    s = energy_summary(results["power_plant_cooling"])
    assert s["purchased_cooling_kwh"]["value"] > 0
    assert s["pue"]["value"] > s["pue_metered_electricity_only"]["value"]
    assert "purchased cooling counted at 0.2" in s["pue"]["note"]


def test_liquid_cooling_shrinks_server_fans_and_room_load(results, legacy_result):
    r = results["cold_plate"]
    assert r["p_it_fans"].mean() < 0.3 * legacy_result["p_it_fans"].mean()
    share = energy_summary(r)["liquid_heat_share"]["value"]
    assert 0.74 < share < 0.8


def test_ai_control_keeps_inlets_and_costs_little(results, legacy_dict):
    import time
    from twin.engine.simulate import prepare, run_plant
    from twin.inputs.schema import validate_scenario
    r = results["everything_air"]
    assert r["t_rack_inlet_max"].max() <= 27.0 + 1e-9
    fixed = copy.deepcopy(legacy_dict)
    fixed["measures"] = MIXES["everything_air"][:-1]
    timed = {}  # least process CPU time of 5 warm runs: steadier than wall time on a shared machine
    for key, d in (("fixed", fixed), ("ai", dict(legacy_dict, measures=MIXES["everything_air"]))):
        plant = prepare(validate_scenario(d))
        run_plant(plant)
        cpu = []
        for _ in range(5):
            t0 = time.process_time()
            run_plant(plant)
            cpu.append(time.process_time() - t0)
        timed[key] = min(cpu)
    # decided in the kernel: about 1.6x (2x before the local searches of components/supervisory.py;
    # the set points it picks make the plant slower to integrate, 1.5x for the kernel alone at them);
    # a SimPy event and a scan of every grid per decision took 4.7x
    assert timed["ai"] < 3.0 * timed["fixed"] + 0.005, timed


@pytest.mark.parametrize("measure, key", [
    ({"name": "liquid_cooling", "fraction": 1.2}, "measures.0.fraction"),
    ({"name": "indirect_evaporative_cooling", "effectiveness_wet": 1.1}, "measures.0.effectiveness_wet"),
    ({"name": "containment", "supply_air_c": 35.0}, "measures.0.supply_air_c"),
    ({"name": "cryogenic_magic"}, "measures.0.name"),
    ({"name": "containment", "colour": "red"}, "measures.0.colour"),
])
def test_bad_measure_input(scenario_dict, measure, key):
    scenario_dict["measures"] = [measure]
    with pytest.raises(InputError) as err:
        run_dict(scenario_dict)
    assert key in str(err.value)


def test_exclusive_measures_rejected(scenario_dict):
    scenario_dict["measures"] = [{"name": "indirect_evaporative_cooling"}, {"name": "power_plant_cooling"}]
    with pytest.raises(InputError, match="mutually exclusive"):
        run_dict(scenario_dict)



def test_a_measure_without_apply_cannot_be_built():
    from twin.measures import Measure

    class Incomplete(Measure):
        name = "incomplete"
        title = "no apply"
        policy_measure = 10
        slot = "incomplete"

    with pytest.raises(TypeError, match="abstract method apply"):
        Incomplete()
