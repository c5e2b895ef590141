"""The outdoor-air stage sits ahead of the CRAH fans: the mixed air is aimed at the supply set
point minus the fans' temperature rise (EnergyPlus SetpointManager:MixedAir), and the economizer
and the evaporative pad compare the outdoor air with the air reaching the dampers (the return air
without the fans' heat).  components/plant/outdoor_air.py: outdoor_air_stage."""

import numpy as np
import pytest

from components.cooling.air_management import CP_AIR
from components.layout import BOUNDARY, N_OUTPUT, OUTPUT, PARAM
from components.plant.outdoor_air import outdoor_air_stage
from components.psychrometrics import dew_point_from_humidity_ratio, humidity_ratio_from_wet_bulb

M_CRAH = 60.0       # kg/s
P_FANS = 40_000.0   # W: a rise of 0.663 K
T_SUPPLY = 18.0
T_RETURN = T_SUPPLY + (775_000.0 + P_FANS) / (M_CRAH * CP_AIR)


def _hour(t_oa, t_wb, evaporative=True):
    p = np.zeros(len(PARAM))
    p[PARAM.air_economizer] = 1.0
    p[PARAM.direct_evaporative] = 1.0 if evaporative else 0.0
    p[PARAM.evaporative_effectiveness] = 0.85
    p[PARAM.evaporative_pump_w_per_kgs] = 50.0
    p[PARAM.economizer_dew_min_c], p[PARAM.economizer_dew_max_c] = -9.0, 15.0
    b = np.zeros((len(BOUNDARY), 1))
    pressure = 101325.0
    w = humidity_ratio_from_wet_bulb(t_oa, t_wb, pressure)
    b[BOUNDARY.temp_air, 0], b[BOUNDARY.temp_wet_bulb, 0], b[BOUNDARY.pressure, 0] = t_oa, t_wb, pressure
    b[BOUNDARY.humidity_ratio, 0] = w
    b[BOUNDARY.temp_dew, 0] = dew_point_from_humidity_ratio(w, pressure)
    o = np.zeros((2, N_OUTPUT)).T  # Fortran order, as the span kernels' block (the same compiled plant)
    t_coil = outdoor_air_stage(p, b, 0, T_RETURN, T_SUPPLY, M_CRAH, P_FANS, o)
    return t_coil, o[:, 0]


def test_dry_economizer_aims_the_mixed_air_below_the_supply_by_the_fan_rise():
    """Outdoor air at 10 degC: the dampers mix to T_supply - dT_fan, the fans bring it to T_supply;
    the outdoor air carries the whole room load, the fans' heat included."""
    rise = P_FANS / (M_CRAH * CP_AIR)
    t_coil, o = _hour(10.0, 6.0, evaporative=False)
    assert t_coil == pytest.approx(T_SUPPLY, abs=1e-12)
    f = ((T_RETURN - rise) - (T_SUPPLY - rise)) / ((T_RETURN - rise) - 10.0)
    assert o[OUTPUT.outdoor_air_fraction] == pytest.approx(f, rel=1e-12)
    assert o[OUTPUT.q_air_economizer] == pytest.approx(M_CRAH * CP_AIR * (T_RETURN - T_SUPPLY), rel=1e-12)


def test_pad_runs_when_the_outdoor_air_is_between_the_mixed_air_target_and_the_supply():
    """Outdoor air at 17.8 degC is colder than the 18 degC supply but warmer than the mixed air must
    be (18 - 0.66 K) ahead of the fans: without the pad the coil would be left a load, so the pad
    runs (EnergyPlus ran its pad in these hours; with the fans' heat put in the return air dctwin
    did not: 405 hours, 93 m3 of Golden's reference year)."""
    t_coil, o = _hour(17.8, 12.0)
    assert o[OUTPUT.water_direct_evaporative] > 0.0
    assert o[OUTPUT.p_evaporative_pumps] > 0.0
    assert t_coil == pytest.approx(T_SUPPLY, abs=1e-9)
    # heat balance: what the outdoor air removes is what the coil no longer sees
    assert o[OUTPUT.q_air_economizer] == pytest.approx(M_CRAH * CP_AIR * (T_RETURN - t_coil), rel=1e-12)


def test_locked_out_stage_leaves_the_return_air():
    """Outdoor air hotter than the return air and too humid for the pad: no outdoor air, and the
    coils see the return air unchanged (fans' heat included)."""
    t_coil, o = _hour(35.0, 28.0)
    assert t_coil == T_RETURN
    assert o[OUTPUT.outdoor_air_fraction] == 0.0
    assert o[OUTPUT.q_air_economizer] == 0.0
