"""Energy and heat close at every step, for the default plant and its variants."""

import numpy as np
import pytest

from conftest import assert_energy_closes, assert_heat_closes, run_dict
from components.layout import OUTPUT


def test_default_closes(legacy_result):
    assert_energy_closes(legacy_result)
    assert_heat_closes(legacy_result)


def _variant(d, name):
    if name == "economizer_vsd_containment":
        d["measures"] = [{"name": "containment"}, {"name": "variable_speed_drives"},
                         {"name": "waterside_economizer"}]
    elif name == "dx":
        d["plant"] = {"type": "dx", "chillers": 24, "chiller_capacity_kw": 100.0,
                      "chiller_rated_cop": 3.0, "chiller_curves": "dx_crac_eplus_curve_i"}
    elif name == "dx_pumped_refrigerant":
        d["plant"] = {"type": "dx", "chillers": 24, "chiller_capacity_kw": 100.0,
                      "chiller_rated_cop": 3.0, "chiller_curves": "dx_crac_eplus_curve_i"}
        d["scenario"]["site"] = "hohhot"
        d["measures"] = [{"name": "pumped_refrigerant_economizer"},
                         {"name": "air_side_economizer", "evaporative": True}]
    elif name == "liquid_tower_iec":
        d["measures"] = [{"name": "indirect_evaporative_cooling"},
                         {"name": "liquid_cooling", "water_class": "W27", "rejection": "tower"}]
    elif name == "air_cooled_chiller":
        d["plant"] = {"type": "air_cooled_chiller", "chillers": 4, "chiller_capacity_kw": 450.0,
                      "chiller_rated_cop": 3.08, "chiller_curves": "trane_cgam130_air_cooled"}
    elif name == "fifteen_minutes":
        d["scenario"]["timestep_min"] = 15
    elif name == "n_plus_1_ups_load_steps":
        d["power"]["ups_topology"] = "n+1"
        d["power"]["ups_units"] = 3
        d["it"]["load_steps"] = [{"at": "2025-04-01", "scale": 1.3}, {"at": "2025-09-15T12:00", "scale": 0.8}]
    elif name == "undersized_plant":
        d["plant"]["chillers"] = 1
        d["plant"]["chiller_capacity_kw"] = 600.0
    elif name == "monthly_setpoints_envelope_gain":
        d["air"]["supply_air_c"] = [18, 18, 19, 20, 21, 22, 22, 22, 21, 20, 19, 18]
        d["crah"]["envelope_gain_kw"] = 15.0
    return d


@pytest.mark.parametrize("name", ["economizer_vsd_containment", "dx", "dx_pumped_refrigerant",
                                  "air_cooled_chiller", "liquid_tower_iec", "fifteen_minutes",
                                  "n_plus_1_ups_load_steps", "undersized_plant",
                                  "monthly_setpoints_envelope_gain"])
def test_variants_close(scenario_dict, name):
    result = run_dict(_variant(scenario_dict, name))
    assert np.all(np.isfinite(result.out[OUTPUT.p_facility]))
    assert_energy_closes(result)
    assert_heat_closes(result)


def test_closure_check_can_fail(legacy_result):
    """The closure assertion detects a watt that is not attributed to a component."""
    import copy
    broken = copy.copy(legacy_result)
    broken.out = legacy_result.out.copy()
    broken.out[OUTPUT.p_facility, 100] += 0.01  # 0.01 W in ~1.5 MW: 7e-9 relative
    with pytest.raises(AssertionError):
        assert_energy_closes(broken)


def test_undersized_plant_reports_unmet_hours(scenario_dict):
    from twin.metrics.energy import energy_summary
    result = run_dict(_variant(scenario_dict, "undersized_plant"))
    s = energy_summary(result)
    assert s["hours_setpoint_not_held"]["value"] > 0
    assert result.out[OUTPUT.q_unmet].max() > 0
    hot = result.out[OUTPUT.q_unmet] > 0
    assert np.all(result.out[OUTPUT.t_supply_air][hot] > result.out[OUTPUT.t_supply_air_setpoint][hot])
