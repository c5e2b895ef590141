"""The liquid loop's cooling tower (components/cooling/liquid.py::liquid_tower): the heat it is booked is
heat it can reject, the water returning at the supply set point plus the range, its flow following the load."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from components import psychrometrics as psy
from components.cooling import cooling_tower as ct
from components.cooling.liquid import liquid_tower
from components.layout import PARAM

P_SITE = 101325.0


@pytest.fixture(scope="module")
def tower(legacy_dict):
    """The bundled room's liquid-loop tower (cold plates, W27), as twin/engine/plant.py sizes it."""
    from twin.engine.simulate import prepare
    from twin.inputs.schema import validate_scenario

    data = copy.deepcopy(legacy_dict)
    data["measures"] = [{"name": "liquid_cooling", "water_class": "W27", "rejection": "tower"}]
    p = prepare(validate_scenario(data)).params
    air, ntu = ct.cell_air(p[PARAM.liquid_tower_air_m3s], p[PARAM.liquid_tower_ua_per_m3], 1.16)
    q_design = p[PARAM.liquid_tower_water_kgs] * ct.CP_WATER * p[PARAM.liquid_range_k]
    return p[PARAM.liquid_supply_c], p[PARAM.liquid_range_k], air, ntu, q_design


def _saturated_air(t_wb):
    return float(psy.enthalpy_moist_air(t_wb, float(psy.saturation_humidity_ratio(t_wb, P_SITE))))


def test_booked_heat_is_heat_the_tower_rejects(tower):
    """Either the tower takes the whole load and its fans hold the set point, or it runs flat out and
    takes less; never the whole load with its water leaving above the set point, as before 2026-12-07
    at part load in humid heat (30 % load, wet bulb 26-29 degC: up to 3 K above)."""
    t_s, rng, air, ntu, q_design = tower
    flat_out = 0
    for load in (0.3, 0.5, 0.75, 1.0):
        q = load * q_design
        for t_wb in np.arange(10.0, 30.0, 0.5):
            h = _saturated_air(t_wb)
            q_taken, fan, _ = liquid_tower(q, t_s, rng, h, P_SITE, air, ntu, 1.0)
            if q_taken >= q:
                t_out = ct.operate(q, t_s, h, P_SITE, q / (ct.CP_WATER * rng), air, ntu, np.bool_(True), t_s)[0]
                assert t_out == pytest.approx(t_s, abs=1e-3), (load, t_wb)
            else:
                flat_out += 1
                assert 0.0 <= q_taken < q and (fan == 1.0 or q_taken == 0.0)  # flat out, or off: air too warm
    assert flat_out > 0


def test_the_flow_follows_the_load(tower):
    """The water holds its range, so at part load the cells carry less water at the same air flow and
    take at least the share of the load they take at full load."""
    t_s, rng, air, ntu, q_design = tower
    for t_wb in (24.0, 26.0, 27.0, 28.0):
        h = _saturated_air(t_wb)
        shares = [liquid_tower(f * q_design, t_s, rng, h, P_SITE, air, ntu, 1.0)[0] / (f * q_design)
                  for f in (1.0, 0.75, 0.5, 0.3)]
        assert all(b >= a - 1e-12 for a, b in zip(shares, shares[1:])), (t_wb, shares)
