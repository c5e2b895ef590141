"""The liquid loop's dry coolers: effectiveness-NTU with the water entering at the return temperature
(components/cooling/liquid.py), sized on their design point (twin/engine/plant.py).  The comparison
with EnergyPlus's fluid cooler is the validation case dry_cooler_energyplus_replica."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from components.cooling.liquid import (crossflow_effectiveness, dry_cooler, dry_cooler_conductance,
                                      dry_cooler_design_ua)
from components.layout import OUTPUT, PARAM

Q_D, T_S, RANGE, APPROACH, RISE = 1.0e6, 32.0, 6.0, 8.0, 8.0   # the schema defaults (W32)
T_IN = T_S + RANGE
T_DESIGN = T_S + 0.5 * RANGE - APPROACH
C_AIR = Q_D / RISE
UA = dry_cooler_design_ua(Q_D, T_IN - T_DESIGN, Q_D / RANGE, C_AIR)


def _cooler(q, t_db, fan_w=1.0):
    return dry_cooler(q, T_IN, t_db, dry_cooler_conductance(q, RANGE, UA, C_AIR), fan_w)


def _share(load, t_db):
    q = load * Q_D
    return _cooler(q, t_db)[0] / q


def test_design_point_at_full_fan():
    q, fan, speed = _cooler(Q_D, T_DESIGN, 10e3)
    assert q == pytest.approx(Q_D, rel=1e-9) and speed == pytest.approx(1.0, abs=1e-6)
    assert fan == pytest.approx(10e3, rel=1e-5)


@pytest.mark.parametrize("load", [0.05, 0.3, 0.6, 0.9])
def test_part_load_fans_draw_the_cube_of_their_speed(load):
    # the fan power is computed as the load ratio to the fifth power, 3 / UA_AIRFLOW_EXPONENT
    q, fan, speed = _cooler(load * Q_D, 5.0, 10e3)
    assert q == load * Q_D and 0.0 < speed < 1.0
    assert fan == pytest.approx(10e3 * speed ** 3, rel=1e-14)


def test_effectiveness_limits():
    assert crossflow_effectiveness(0.0, 0.5) == 0.0
    assert crossflow_effectiveness(2.0, 0.0) == pytest.approx(1.0 - np.exp(-2.0))
    assert crossflow_effectiveness(2.0, 1e-8) == pytest.approx(1.0 - np.exp(-2.0), abs=1e-6)
    e = [crossflow_effectiveness(n, 0.75) for n in (0.5, 1.0, 2.0, 5.0, 20.0)]
    assert all(b > a for a, b in zip(e, e[1:])) and e[-1] < 1.0


@pytest.mark.parametrize("load", [0.3, 0.5, 0.75, 1.0])
def test_no_more_than_the_water_can_give(load):
    """At part load in hot air the water's own capacity bounds the heat: C_w (T_in - T_db).  The model
    before 2026-12-07 (UA (T_mean - T_db), no water-side limit) took all of a 10 % load at 33 degC,
    where the water can give 83 % of it."""
    q = load * Q_D
    for t_db in np.arange(-10.0, T_IN, 0.5):
        taken = _cooler(q, t_db)[0]
        assert taken <= q / RANGE * (T_IN - t_db) * (1 + 1e-12)
    assert _share(0.3, 35.0) < 0.5 and _share(0.1, 33.0) < 5.0 / 6.0


def test_takes_heat_above_the_mean_water_temperature():
    """Between the mean water (35 degC) and the entering water (38 degC) the coil still cools the
    water (the model before 2026-12-07 took nothing there); nothing at or above the entering water."""
    assert 0.2 < _share(1.0, 35.0) < 0.35
    assert _share(1.0, 37.9) > 0.0
    assert _share(1.0, T_IN) == 0.0 and _share(1.0, 40.0) == 0.0


def test_monotone_in_air_temperature_and_fan_speed_in_load():
    temps = np.arange(20.0, T_IN, 0.5)
    for load in (0.3, 0.75, 1.0):
        shares = [_share(load, t) for t in temps]
        assert all(b <= a + 1e-12 for a, b in zip(shares, shares[1:]))
    speeds = [_cooler(f * Q_D, 15.0)[2] for f in (0.2, 0.4, 0.6, 0.8, 1.0)]
    assert all(b > a for a, b in zip(speeds, speeds[1:])) and speeds[-1] < 1.0


def test_sizing_refuses_an_unreachable_design(scenario_dict):
    from twin.engine.simulate import prepare
    from twin.errors import InputError
    from twin.inputs.schema import validate_scenario

    data = copy.deepcopy(scenario_dict)
    data["measures"] = [{"name": "liquid_cooling"}]
    data["liquid"] = {"dry_cooler_air_rise_k": 10.6}  # above 0.95 x (8 + 3) K
    with pytest.raises(InputError, match=r"liquid\.dry_cooler_air_rise_k.*below 10\.4 K"):
        prepare(validate_scenario(data))
    data["liquid"] = {"dry_cooler_approach_k": 2.5, "range_k": 10.0}  # the range binds
    with pytest.raises(InputError, match=r"liquid\.dry_cooler_approach_k"):
        prepare(validate_scenario(data))


def test_hot_hours_send_less_to_the_chillers(scenario_dict):
    """The bundled room with cold plates in Guangzhou: the dry coolers take the liquid heat until the
    air nears the entering water, and the chillers trim what they cannot take; energy closes."""
    from conftest import assert_energy_closes
    from twin.engine.simulate import prepare, run_plant
    from twin.inputs.schema import validate_scenario

    data = copy.deepcopy(scenario_dict)
    data["measures"] = [{"name": "liquid_cooling"}]
    r = run_plant(prepare(validate_scenario(data)))
    out, p = r.out, r.plant.params
    t_db = r.plant.boundary[0]
    q, trim = out[OUTPUT.q_liquid], out[OUTPUT.q_liquid_to_plant]
    hot = t_db > p[PARAM.liquid_supply_c] + 0.5 * p[PARAM.liquid_range_k]  # above the mean water temperature
    assert np.all(trim[hot] < q[hot]) and np.all(trim[t_db < 20.0] == 0.0)
    assert 0.0 < trim.sum() / q.sum() < 0.1
    assert_energy_closes(r)
