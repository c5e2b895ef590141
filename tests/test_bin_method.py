"""The bin method (scenario.method = "bins"): bins are exact where steps repeat, close to the
step-by-step run everywhere else, close energy and heat at every step, and refuse stateful plants."""

import copy

import numpy as np
import pytest

from components import bin_method as bm
from components.layout import BOUNDARY, OUTPUT, PARAM
from conftest import assert_energy_closes, assert_heat_closes, run_dict
from twin.engine.simulate import prepare
from twin.errors import InputError
from twin.inputs.schema import validate_scenario
from twin.metrics.energy import energy_summary

MIXES = {
    "baseline": [],
    "vsd_economizer": [{"name": "variable_speed_drives"}, {"name": "waterside_economizer"}],
    "iec_cold_plate": [{"name": "indirect_evaporative_cooling"}, {"name": "liquid_cooling"}],
    # supervisory control: a SimPy event every few hours, so every span is binned on its own
    "ai_control": [{"name": "ai_control"}],
    "power_plant_cooling": [{"name": "power_plant_cooling"}],
    # the warmest set points of the cooling-measures study (measured: 9e-6 annual, 2.9e-4 monthly)
    "supply_27_vsd_economizer_14": [{"name": "containment", "supply_air_c": 27.0}, {"name": "variable_speed_drives"},
                                    {"name": "waterside_economizer", "chw_supply_c": 14.0}],
}

# annual PUE error of the bin method where a mix exceeds the default 1e-3 (measured: 2.4e-3)
BIN_PUE_TOLERANCE = {"iec_cold_plate": 3e-3}
# monthly: measured 5.9e-3 for IEC + cold plate in the shoulder months (April, October)
BIN_MONTHLY_TOLERANCE = {"iec_cold_plate": 8e-3}


def _with(legacy_dict, measures, **scenario):
    d = copy.deepcopy(legacy_dict)
    d["measures"] = measures
    d["scenario"].update(scenario)
    return d


@pytest.fixture(scope="module")
def pairs(legacy_dict):
    """Each mix run step by step and by the bin method."""
    return {name: (run_dict(_with(legacy_dict, m)), run_dict(_with(legacy_dict, m, method="bins")))
            for name, m in MIXES.items()}


@pytest.mark.parametrize("name", sorted(MIXES))
def test_bins_match_steps_and_close(pairs, name):
    steps, bins = pairs[name]
    assert_energy_closes(bins)
    assert_heat_closes(bins)
    e_steps, e_bins = energy_summary(steps), energy_summary(bins)
    # the bin error on annual PUE: about 1e-5 for plants without mode switches, up to ~6e-4 where
    # a bin straddles an economizer mode change and ~2.8e-3 where it straddles the IEC's bypass /
    # dry / wet / mixed modes, all its steps taking the centroid's mode, and the dry coolers' kink at
    # their design air (2.4e-3 before their effectiveness model, 2026-12-07; measured, README); each is
    # more than 10 times below the 0.03 EnergyPlus goal
    assert abs(e_bins["pue"]["value"] - e_steps["pue"]["value"]) <= BIN_PUE_TOLERANCE.get(name, 1e-3)
    # a month has a twelfth of the steps to average the mode-switch error out (README)
    np.testing.assert_allclose(e_bins["pue_monthly"]["value"], e_steps["pue_monthly"]["value"],
                               atol=BIN_MONTHLY_TOLERANCE.get(name, 5e-3))
    # IT energy is nearly linear in the binned utilisation
    assert abs(bins["p_it"].sum() / steps["p_it"].sum() - 1.0) <= 1e-4
    assert bins.extras["kernel_steps"] < steps.extras["kernel_steps"]


def test_default_simulates_far_fewer_steps(pairs):
    steps, bins = pairs["baseline"]
    assert steps.extras["kernel_steps"] == steps.plant.n_steps
    assert bins.extras["kernel_steps"] < steps.plant.n_steps / 10


def test_repeated_weather_is_exact(legacy_dict):
    """Where steps repeat exactly, each bin holds identical steps and the result is the step's."""
    plant = prepare(validate_scenario(_with(legacy_dict, [])))
    n = plant.n_steps
    day = np.arange(n) % 24 + 24 * 200                   # one July day, repeated all year
    boundary = np.ascontiguousarray(plant.boundary[:, day])
    out_steps = np.empty((len(OUTPUT), n))
    out_bins = np.empty((len(OUTPUT), n))
    from components.facility import run_span
    from components.step_block import step_blocks
    run_span(0, n, boundary, plant.params, plant.curves, out_steps, plant.initial_state.copy(),
             *step_blocks(len(OUTPUT), boundary.shape[0]))
    from components.spans import binned_kernel
    n_bins = binned_kernel(plant.params[PARAM.plant_type])(0, n, boundary, plant.params, plant.curves, out_bins,
                                                           plant.initial_state.copy(), 1e-3, 1e-3, 1e-4)
    assert n_bins == 24
    np.testing.assert_allclose(out_bins, out_steps, rtol=1e-12, atol=1e-9)



def test_bins_call_the_common_step(legacy_dict):
    """The bin method steps its bins with an int64 column, as every span does, not a literal one
    that Numba would compile and cache as a second copy of the step and of every plant kernel."""
    from numba import njit, types

    from components import facility
    from components.plant.families import CHILLED_WATER
    from twin.engine.parallel_compile import signature
    if not hasattr(facility._step, "signatures"):
        pytest.skip("NUMBA_DISABLE_JIT: nothing is specialised")
    # compiled afresh (not loaded from the cache) so that its call to the step is typed here
    njit(bm.run_span_binned.py_func).compile(signature("iiMVVMVfff") + (types.literal(CHILLED_WATER),))
    assert not any(isinstance(sig[4], types.Literal) for sig in facility._step.signatures)


def test_bins_partition_like_numpy_unique():
    rng = np.random.default_rng(3)
    n = 5000
    boundary = np.zeros((len(BOUNDARY), n))
    boundary[BOUNDARY.temp_wet_bulb] = rng.uniform(-20, 30, n)
    boundary[BOUNDARY.temp_air] = rng.uniform(-20, 45, n)
    boundary[BOUNDARY.utilisation] = rng.uniform(0, 1, n)
    widths = (0.7, 1.3, 0.05)
    bin_of, n_bins = bm.assign_bins(0, n, boundary, *widths)
    cells = np.floor(np.stack([boundary[BOUNDARY.temp_wet_bulb] / widths[0], boundary[BOUNDARY.temp_air] / widths[1],
                               boundary[BOUNDARY.utilisation] / widths[2]]))
    _, inverse = np.unique(cells, axis=1, return_inverse=True)
    assert n_bins == inverse.max() + 1
    # the same partition: a bin id maps to exactly one unique cell and back
    pairs = set(zip(bin_of.tolist(), inverse.ravel().tolist()))
    assert len(pairs) == n_bins
    # bins are numbered in order of first appearance
    first = [int(np.flatnonzero(bin_of == j)[0]) for j in range(n_bins)]
    assert first == sorted(first)
    centroids = bm.bin_centroids(0, n, boundary, bin_of, n_bins)
    for j in (0, n_bins // 2, n_bins - 1):
        np.testing.assert_allclose(centroids[:, j], boundary[:, bin_of == j].mean(axis=1), rtol=1e-12)


def test_bins_refuse_thermal_storage(legacy_dict):
    d = _with(legacy_dict, [{"name": "thermal_storage", "kind": "ice"}], method="bins")
    with pytest.raises(InputError, match="thermal storage") as err:
        prepare(validate_scenario(d))
    assert err.value.key == "scenario.method"


def test_bins_refuse_metered_it_power(legacy_dict):
    from twin.engine.plant import assemble
    scn = validate_scenario(_with(legacy_dict, [], method="bins"))
    plant = prepare(validate_scenario(_with(legacy_dict, [])))
    with pytest.raises(InputError, match="metered IT power") as err:
        assemble(scn, plant.weather, it_power_w=np.full(plant.n_steps, 5e5))
    assert err.value.key == "scenario.method"


@pytest.mark.parametrize("key,value", [("method", "monthly"), ("bin_wet_bulb_k", 0.0), ("bin_utilisation", 0.5)])
def test_bad_bin_settings_are_input_errors(legacy_dict, key, value):
    with pytest.raises(InputError) as err:
        validate_scenario(_with(legacy_dict, [], **{key: value}))
    assert err.value.key == f"scenario.{key}"


def test_bins_with_outage_events_close_and_agree(legacy_dict):
    """Event processes (a grid outage with a failed generator start, then recharging) still work:
    each span between their events is binned on its own."""
    from test_events import OUTAGE_AT
    events = {"outages": {"scheduled": [{"at": OUTAGE_AT, "duration_min": 120.0}]}}
    runs = {}
    for method in ("steps", "bins"):
        d = _with(legacy_dict, [], method=method)
        d["backup"] = {"fail_to_start_probability": 1.0}
        d["events"] = events
        runs[method] = run_dict(d)
    steps, bins = runs["steps"], runs["bins"]
    assert_energy_closes(bins)
    assert_heat_closes(bins)
    rec_s, rec_b = steps.extras["power"]["records"][0], bins.extras["power"]["records"][0]
    assert rec_b["dropped"] and rec_s["dropped"]
    assert rec_b["unserved_it_kwh"] == pytest.approx(rec_s["unserved_it_kwh"], rel=0.02)
    assert abs(energy_summary(bins)["pue"]["value"] - energy_summary(steps)["pue"]["value"]) <= 1e-3


# the bin method's error per plant type (README, "The bin method"); measured in Guangzhou and Beijing
PLANT_TYPES = {
    "dx_room": ("guangzhou_dx_room.toml", None, []),
    "dx_pumped_refrigerant_air_economizer": ("guangzhou_dx_room.toml", None, [
        {"name": "pumped_refrigerant_economizer"}, {"name": "air_side_economizer", "evaporative": True}]),
    "air_cooled_chiller": ("guangzhou_legacy.toml", {"type": "air_cooled_chiller", "chillers": 4,
                                                     "chiller_capacity_kw": 450.0, "chiller_rated_cop": 3.08,
                                                     "chiller_curves": "trane_cgam130_air_cooled"}, []),
    "liquid_loop_tower": ("guangzhou_legacy.toml", None, [
        {"name": "liquid_cooling", "water_class": "W27", "rejection": "tower"}]),
    "chilled_water_air_economizer": ("guangzhou_legacy.toml", None, [
        {"name": "containment"}, {"name": "air_side_economizer", "evaporative": True}]),
}
# (annual, monthly) |dPUE| where a plant type exceeds the default (2e-3, 1e-2).  Outdoor air with a
# pad ahead of chilled-water CRAHs: a bin holds hours on both sides of the economizer's dry-bulb and
# dew-point switches and all take its centroid's mode (measured: 6.8e-3 annual in Guangzhou and
# Beijing, 2.9e-2 in a month)
PLANT_TYPE_TOLERANCE = {"chilled_water_air_economizer": (8e-3, 3.5e-2)}


@pytest.mark.parametrize("site", ["guangzhou", "beijing"])
@pytest.mark.parametrize("name", sorted(PLANT_TYPES))
def test_bin_method_error_per_plant_type(name, site):
    """Measured: annual |dPUE| <= 1.5e-3 (DX with pumped refrigerant and outdoor air, Beijing: mode
    switches), 6.8e-3 with outdoor air and a pad ahead of chilled-water CRAHs, <= 2.2e-4 elsewhere;
    monthly <= 7.1e-3 (2.9e-2 with outdoor air ahead of chilled water)."""
    import tomllib
    from conftest import SCENARIOS
    file, plant, measures = PLANT_TYPES[name]
    with open(SCENARIOS / file, "rb") as fh:
        data = tomllib.load(fh)
    if plant:
        data["plant"] = plant
    data["measures"] = measures
    data["scenario"]["site"] = site
    steps, bins = run_dict(data), run_dict(_with(data, measures, method="bins"))
    assert_energy_closes(bins)
    assert_heat_closes(bins)
    e_steps, e_bins = energy_summary(steps), energy_summary(bins)
    annual, monthly = PLANT_TYPE_TOLERANCE.get(name, (2e-3, 1e-2))
    assert abs(e_bins["pue"]["value"] - e_steps["pue"]["value"]) <= annual
    np.testing.assert_allclose(e_bins["pue_monthly"]["value"], e_steps["pue_monthly"]["value"], atol=monthly)
