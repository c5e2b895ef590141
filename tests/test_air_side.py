"""The air side follows the load: server air flow, CRAH air flow, and the EnergyPlus ITE server model."""

import copy

import numpy as np
import pytest

from conftest import assert_energy_closes, assert_heat_closes, run_dict
from components.cooling.air_management import CP_AIR
from components.layout import OUTPUT, PARAM
from twin.engine.simulate import prepare
from twin.errors import InputError
from twin.inputs.schema import validate_scenario


def _room(legacy_dict, utilisation, **crah):
    """The default room with variable-speed CRAH fans (no minimum speed in the way) at one utilisation."""
    d = copy.deepcopy(legacy_dict)
    d["it"]["utilisation"] = utilisation
    d["crah"].update(fan_control="variable", min_speed=0.05, **crah)
    return d


def _ite(d, curves="energyplus_reference_hall"):
    d["it"].pop("idle_fraction", None)
    d["it"].update(model="ite_curves", ite_curves=curves)
    return d


def test_crah_air_follows_server_air_which_follows_compute_power(legacy_dict):
    """Variable CRAH flow = server flow (1 - r_min) / (1 - b), and server flow at nominal fan speed is
    design flow x (idle + (1 - idle) u): the CRAH flow ratio between two loads is that of compute power."""
    runs = {u: run_dict(_room(legacy_dict, u)) for u in (0.2, 0.8)}
    p = runs[0.2].plant.params
    idle = p[PARAM.idle_fraction]
    for u, r in runs.items():
        assert r.out[OUTPUT.server_fan_speed].max() == 1.0  # inlets below the fan threshold all year
        m_design = p[PARAM.it_peak_w] / (CP_AIR * p[PARAM.server_delta_t_k])
        m_crah = m_design * (idle + (1 - idle) * u) * (1 - p[PARAM.recirculation_min]) / (1 - p[PARAM.bypass])
        m_max = p[PARAM.crah_units] * p[PARAM.crah_unit_flow_kgs]
        np.testing.assert_allclose(r.out[OUTPUT.crah_flow_ratio], m_crah / m_max, rtol=1e-12)
        assert_energy_closes(r)
        assert_heat_closes(r)
    assert runs[0.8].out[OUTPUT.p_crah_fans].mean() > 3.0 * runs[0.2].out[OUTPUT.p_crah_fans].mean()


def test_crah_air_follows_air_side_heat_at_design_rise(legacy_dict):
    """flow_control = 'heat': CRAH flow carries the room heat other than its own fans at the unit's
    design rise, capacity / (flow cp), and it rises with the load."""
    runs = {u: run_dict(_room(legacy_dict, u, flow_control="heat")) for u in (0.2, 0.8)}
    for r in runs.values():
        p, o = r.plant.params, r.out
        m_max = p[PARAM.crah_units] * p[PARAM.crah_unit_flow_kgs]
        rise = p[PARAM.crah_unit_capacity_w] / (p[PARAM.crah_unit_flow_kgs] * CP_AIR)
        heat = o[OUTPUT.q_room_sensible] - o[OUTPUT.p_crah_fans]
        np.testing.assert_allclose(o[OUTPUT.crah_flow_ratio] * m_max * CP_AIR * rise, heat, rtol=1e-9)
        assert_energy_closes(r)
        assert_heat_closes(r)
    assert runs[0.8].out[OUTPUT.crah_flow_ratio].mean() > 1.3 * runs[0.2].out[OUTPUT.crah_flow_ratio].mean()


def test_ite_curves_give_the_energyplus_reference_hall_power(legacy_dict):
    """The EnergyPlus reference halls' ITE (CPU 0.5 + 0.5 u, fans constant) run through the kernel gives
    design x ((1 - f_fan)(0.5 + 0.5 u) + f_fan) at every step, whatever the inlet temperature."""
    d = _ite(copy.deepcopy(legacy_dict))
    r = run_dict(d)
    p = r.plant.params
    u = r.out[OUTPUT.utilisation]
    ff = p[PARAM.fan_fraction]
    np.testing.assert_allclose(r.out[OUTPUT.p_it], p[PARAM.it_peak_w] * ((1 - ff) * (0.5 + 0.5 * u) + ff), rtol=1e-12)
    np.testing.assert_allclose(r.out[OUTPUT.p_it_fans], p[PARAM.it_peak_w] * ff, rtol=1e-12)
    assert_energy_closes(r)
    assert_heat_closes(r)


def test_ite_example_curves_raise_power_with_inlet_temperature(legacy_dict):
    """EnergyPlus's example curves: CPU power rises 6.67 % of design per K of inlet and air flow 0.1 per K,
    so a warmer supply raises IT power and server air flow; energy still closes."""
    runs = {}
    for t_sa in (18.0, 22.0):
        d = _ite(copy.deepcopy(legacy_dict), "energyplus_example")
        d["air"]["supply_air_c"] = t_sa
        runs[t_sa] = run_dict(d)
        assert_energy_closes(runs[t_sa])
        assert_heat_closes(runs[t_sa])
    assert runs[22.0].out[OUTPUT.p_it].mean() > 1.1 * runs[18.0].out[OUTPUT.p_it].mean()
    assert runs[22.0].out[OUTPUT.server_fan_speed].mean() > runs[18.0].out[OUTPUT.server_fan_speed].mean() + 0.3


@pytest.mark.parametrize("change,key", [
    (lambda d: d["it"].update(model="ite_curves"), "it.idle_fraction"),            # a linear-model key with curves
    (lambda d: _ite(d, "no_such_set"), "it.ite_curves"),
    (lambda d: d["crah"].update(flow_control="heat"), "crah.flow_control"),        # the default room has fixed fans
    (lambda d: _ite(d, {"source": "vendor sheet", "cpu_power": {"coefficients": [0.5, 0.5, 0, 0, 0, 0],
                                                                 "x_range": [1.0, 0.0], "y_range": [10.0, 40.0]},
                         "air_flow": {"coefficients": [1, 0, 0, 0, 0, 0], "x_range": [0.0, 1.0], "y_range": [10.0, 40.0]},
                         "fan_power": {"coefficients": [1, 0, 0], "x_range": [0.0, 2.0]}}), "it.ite_curves"),
])
def test_bad_air_side_inputs_are_input_errors(legacy_dict, change, key):
    d = copy.deepcopy(legacy_dict)
    change(d)
    with pytest.raises(InputError) as err:
        prepare(validate_scenario(d))
    assert err.value.key.startswith(key)


def test_hours_at_the_servers_air_flow_limit_follow_the_model(legacy_dict):
    """The 'server fans at max' hours count the linear model's fan_speed_max, or with ITE curves the air-flow
    curve's maximum output: a cap of 1.0 on EnergyPlus's example flow curve, which passes 1 above about 20 degC at
    40 % load, makes most hours of a 22 degC room flat out."""
    from twin.metrics.energy import energy_summary
    d = _ite(copy.deepcopy(legacy_dict), "energyplus_example")
    d["air"]["supply_air_c"] = 22.0
    free = run_dict(d)
    assert energy_summary(free)["hours_server_fans_at_max"]["value"] == 0.0       # output_range [0, 99]
    capped = copy.deepcopy(d)
    from twin.inputs.component_data import data_table
    curves = data_table("ite_curves", "energyplus_example")
    curves["air_flow"]["output_range"] = [0.0, 1.0]
    capped["it"]["ite_curves"] = curves
    r = run_dict(capped)
    at_max = r.out[OUTPUT.server_fan_speed] >= 1.0 - 1e-9
    assert at_max.mean() > 0.5
    assert energy_summary(r)["hours_server_fans_at_max"]["value"] == pytest.approx(at_max.sum() * 1.0)
