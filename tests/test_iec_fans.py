"""The IEC sits ahead of the CRAH fans, the DX trim behind them (EnergyPlus's iec_dx reference:
IEC, fan, DX coil): the IEC sees the return air without the fans' heat and is held at the supply
set point minus the fans' rise.  components/plant/air_side.py: iec_plant."""

import copy

import numpy as np
import pytest

from components.cooling import indirect_evaporative as iec
from components.cooling.air_management import CP_AIR
from components.layout import BOUNDARY, N_OUTPUT, OUTPUT, PARAM
from components.plant.air_side import iec_plant
from components.psychrometrics import dew_point_from_humidity_ratio, humidity_ratio_from_wet_bulb
from tests.conftest import SCENARIOS

M_CRAH = 60.0       # kg/s
P_FANS = 40_000.0   # W: a rise of 0.663 K
Q_ROOM = 775_000.0 + P_FANS
PRESSURE = 101325.0


@pytest.fixture(scope="module")
def plant(legacy_dict):
    from twin.engine.simulate import prepare
    from twin.inputs.schema import validate_scenario
    d = copy.deepcopy(legacy_dict)
    d["measures"] = [{"name": "indirect_evaporative_cooling"}]
    arrays = prepare(validate_scenario(d), base_dir=SCENARIOS)
    p = arrays.params.copy()
    p[PARAM.iec_secondary_kgs] = M_CRAH  # secondary / primary flow ratio 1
    return p, arrays.curves


def _hour(plant, t_oa, t_wb, p_fans=P_FANS):
    p, curves = plant
    t_return = p[PARAM.supply_air_c] + Q_ROOM / (M_CRAH * CP_AIR)
    w = humidity_ratio_from_wet_bulb(t_oa, t_wb, PRESSURE)
    b = np.zeros((len(BOUNDARY), 1))
    b[BOUNDARY.temp_air, 0], b[BOUNDARY.temp_wet_bulb, 0], b[BOUNDARY.pressure, 0] = t_oa, t_wb, PRESSURE
    b[BOUNDARY.humidity_ratio, 0] = w
    b[BOUNDARY.temp_dew, 0] = dew_point_from_humidity_ratio(w, PRESSURE)
    o = np.zeros((2, N_OUTPUT)).T  # Fortran order, as the span kernels' block (the same compiled plant)
    unmet = iec_plant(p, curves, Q_ROOM, M_CRAH, t_return, p_fans, b, o, 0)
    return t_return, unmet, o[:, 0]


def _full_wet_outlet(p, t_in, t_oa, t_wb):
    w = humidity_ratio_from_wet_bulb(t_oa, t_wb, PRESSURE)
    mod = p[PARAM.iec_mod_c0:PARAM.iec_mod_max + 1]
    t_out, _, _ = iec.iec_outlet_temperature(iec.MODE_WET, t_in, p[PARAM.indoor_humidity_ratio], t_oa, t_wb,
                                             dew_point_from_humidity_ratio(w, PRESSURE), w, 1.0,
                                             p[PARAM.iec_eff_wb], p[PARAM.iec_eff_db], mod, mod,
                                             p[PARAM.iec_dew_point_factor])
    return t_out


def test_wet_hour_with_trim_cools_the_return_air_without_the_fans_heat(plant):
    """Warm humid hour: full wet operation plus DX trim.  The IEC takes m c_p (T_return - dT_fan -
    T_out) with T_out its full-flow outlet from T_return - dT_fan, not from T_return (with the
    fans' heat at the IEC it took 6-7 % more, and evaporated 6-7 % more water, than EnergyPlus)."""
    p, _ = plant
    t_oa, t_wb = 26.0, 20.0
    t_return, unmet, o = _hour(plant, t_oa, t_wb)
    rise = P_FANS / (M_CRAH * CP_AIR)
    t_in = t_return - rise
    t_out = _full_wet_outlet(p, t_in, t_oa, t_wb)
    assert t_out > p[PARAM.supply_air_c] - rise  # the IEC alone cannot reach its set point: trim
    assert o[OUTPUT.iec_mode] == iec.MODE_WET + 1
    assert unmet == 0.0
    assert o[OUTPUT.q_iec] == pytest.approx(M_CRAH * CP_AIR * (t_in - t_out), rel=1e-9)
    assert o[OUTPUT.water_evaporation] == pytest.approx(o[OUTPUT.q_iec] / iec.vapour_enthalpy(t_oa), rel=1e-12)
    # the heat balance closes: the DX trim takes the rest of the room's heat, fans' heat included
    assert o[OUTPUT.q_evaporator] > 0.0 and o[OUTPUT.p_chillers] > 0.0
    assert o[OUTPUT.q_iec] + o[OUTPUT.q_evaporator] == pytest.approx(Q_ROOM, rel=1e-12)
    # with no fans the IEC would see the full return air and take more
    _, _, no_fans = _hour(plant, t_oa, t_wb, p_fans=0.0)
    assert no_fans[OUTPUT.q_iec] > o[OUTPUT.q_iec]


def test_dry_mode_limit_moves_down_by_the_fans_rise(plant):
    """Dry mode reaches T_supply - dT_fan from T_return - dT_fan below T* = T_in - (T_in - T_sp) /
    eps_db f(1) (flow ratio 1): just below T* the IEC runs dry, just above it it sprays.  With the fans'
    heat at the IEC, T* was dT_fan higher and both hours ran dry."""
    p, _ = plant
    rise = P_FANS / (M_CRAH * CP_AIR)
    t_return = p[PARAM.supply_air_c] + Q_ROOM / (M_CRAH * CP_AIR)
    t_in, t_sp = t_return - rise, p[PARAM.supply_air_c] - rise
    eps = p[PARAM.iec_eff_db] * iec.cubic_curve(p[PARAM.iec_mod_c0:PARAM.iec_mod_max + 1], 1.0)
    limit = t_in - (t_in - t_sp) / eps
    below = _hour(plant, limit - 0.25 * rise, limit - 0.25 * rise - 3.0)[2]
    above = _hour(plant, limit + 0.25 * rise, limit + 0.25 * rise - 3.0)[2]
    assert below[OUTPUT.iec_mode] == iec.MODE_DRY and below[OUTPUT.water_evaporation] == 0.0
    assert above[OUTPUT.iec_mode] == iec.MODE_WET and above[OUTPUT.water_evaporation] > 0.0
    for o in (below, above):  # the IEC alone carries the room: no trim, no heat flow negative
        assert o[OUTPUT.q_iec] == pytest.approx(Q_ROOM, rel=1e-9)
        assert o[OUTPUT.p_chillers] == 0.0
        assert o[OUTPUT.p_iec_secondary] > 0.0
