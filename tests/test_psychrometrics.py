"""Psychrometrics against PsychroLib (SI) and against ASHRAE table values."""

import importlib.util
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from components import psychrometric_slopes as slopes
from components import psychrometrics as ps
from components import saturation as sat


def _pure_python_psychrolib():
    """A private copy of PsychroLib that runs as plain Python.

    With Numba installed PsychroLib turns its functions into Numba ufuncs, which are compiled anew
    in every process (seconds) and fail under NUMBA_DISABLE_JIT=1.  The copy is loaded while
    ``numba`` is hidden, so it takes its pure-Python path; the shared ``psychrolib`` module is left
    untouched for other tests.
    """
    origin = importlib.util.find_spec("psychrolib").origin
    spec = importlib.util.spec_from_file_location("_psychrolib_reference", origin)
    module = importlib.util.module_from_spec(spec)
    saved = sys.modules.get("numba")
    sys.modules["numba"] = None  # "from numba import ..." raises ImportError inside the copy
    try:
        spec.loader.exec_module(module)
    finally:
        if saved is None:
            del sys.modules["numba"]
        else:
            sys.modules["numba"] = saved
    assert not module.has_numba
    module.SetUnitSystem(module.SI)
    return module


pl = _pure_python_psychrolib()

WB_TOL = 0.005  # K; PsychroLib itself stops its bisection at 0.001 K
DEW_TOL = 0.002  # K; PsychroLib's Newton tolerance is 0.001 K
PRESSURES = (101325.0, 87000.0)  # sea level and ~1300 m (Guiyang, Qingyang, Yinchuan)
GRID_T = np.arange(-20.0, 45.0 + 1e-9, 1.0)
GRID_RH = np.arange(0.05, 1.0 + 1e-9, 0.05)

temps = st.floats(-20.0, 45.0, allow_nan=False)
rhs = st.floats(0.05, 1.0, allow_nan=False)
pressures = st.floats(80000.0, 105000.0, allow_nan=False)


def _grid():
    for p in PRESSURES:
        for t in GRID_T:
            for rh in GRID_RH:
                yield float(t), float(rh), p


def test_saturation_vapor_pressure_matches_ashrae_table():
    # ASHRAE Handbook - Fundamentals (2017) ch. 1 Table 3 (over ice below 0 °C) [kPa].
    for t, kpa in ((-20.0, 0.10326), (-10.0, 0.25990), (20.0, 2.3392), (30.0, 4.2467),
                   (50.0, 12.3513)):
        assert sat.saturation_vapor_pressure(t) == pytest.approx(kpa * 1000.0, rel=2e-4)


def test_saturation_vapor_pressure_matches_psychrolib_full_range():
    for t in np.linspace(-100.0, 200.0, 601):
        assert sat.saturation_vapor_pressure(t) == pytest.approx(pl.GetSatVapPres(t), rel=1e-10)


def test_grid_against_psychrolib():
    worst_wb = worst_dew = 0.0
    for t, rh, p in _grid():
        w_ref = pl.GetHumRatioFromRelHum(t, rh, p)
        w = ps.humidity_ratio_from_rh(t, rh, p)
        assert w == pytest.approx(w_ref, rel=1e-4)
        wb = ps.wet_bulb_from_humidity_ratio(t, w_ref, p)
        worst_wb = max(worst_wb, abs(wb - pl.GetTWetBulbFromHumRatio(t, w_ref, p)))
        dew = ps.dew_point_from_humidity_ratio(w_ref, p)
        worst_dew = max(worst_dew, abs(dew - pl.GetTDewPointFromHumRatio(t, w_ref, p)))
        assert dew <= wb + 1e-9 and wb <= t + 1e-9
    assert worst_wb < WB_TOL
    assert worst_dew < DEW_TOL


@settings(max_examples=300, deadline=None)
@given(t=temps, rh=rhs, p=pressures)
def test_wet_bulb_and_dew_point_random(t, rh, p):
    w = pl.GetHumRatioFromRelHum(t, rh, p)
    wb = ps.wet_bulb_from_humidity_ratio(t, w, p)
    dew = ps.dew_point_from_humidity_ratio(w, p)
    assert wb == pytest.approx(pl.GetTWetBulbFromHumRatio(t, w, p), abs=WB_TOL)
    assert dew == pytest.approx(pl.GetTDewPointFromHumRatio(t, w, p), abs=DEW_TOL)
    assert dew <= wb + 1e-9
    assert wb <= t + 1e-9
    # The wet bulb solves the energy balance it came from.
    assert ps.humidity_ratio_from_wet_bulb(t, wb, p) == pytest.approx(w, rel=1e-3, abs=1e-7)


@settings(max_examples=200, deadline=None)
@given(t=temps, rh=rhs, p=pressures)
def test_humidity_ratio_enthalpy_rh_random(t, rh, p):
    w = ps.humidity_ratio_from_rh(t, rh, p)
    assert w == pytest.approx(pl.GetHumRatioFromRelHum(t, rh, p), rel=1e-4)
    assert ps.relative_humidity_from_humidity_ratio(t, w, p) == pytest.approx(rh, rel=1e-9)
    assert ps.relative_humidity_from_humidity_ratio(t, w, p) == pytest.approx(
        pl.GetRelHumFromHumRatio(t, w, p), rel=1e-4)
    assert ps.enthalpy_moist_air(t, w) == pytest.approx(pl.GetMoistAirEnthalpy(t, w),
                                                        rel=1e-9, abs=1e-6)
    assert ps.saturated_enthalpy(t, p) == pytest.approx(pl.GetSatAirEnthalpy(t, p), rel=1e-9)
    assert ps.dry_bulb_from_enthalpy(ps.enthalpy_moist_air(t, w), w) == pytest.approx(t, abs=1e-9)
    assert ps.humidity_ratio_from_enthalpy(t, pl.GetMoistAirEnthalpy(t, w)) == pytest.approx(w, rel=1e-9, abs=1e-12)
    assert ps.vapor_pressure_from_humidity_ratio(w, p) == pytest.approx(
        pl.GetVapPresFromHumRatio(w, p), rel=1e-9)
    assert ps.moist_air_specific_volume(t, w, p) == pytest.approx(
        pl.GetMoistAirVolume(t, w, p), rel=1e-4)
    assert ps.moist_air_density(t, w, p) == pytest.approx(pl.GetMoistAirDensity(t, w, p),
                                                          rel=1e-4)


@settings(max_examples=200, deadline=None)
@given(td=st.floats(-40.0, 40.0, allow_nan=False), p=pressures)
def test_dew_point_round_trip(td, p):
    w = ps.humidity_ratio_from_dew_point(td, p)
    assert w == pytest.approx(pl.GetHumRatioFromTDewPoint(td, p), rel=1e-4)
    assert ps.dew_point_from_humidity_ratio(w, p) == pytest.approx(td, abs=1e-4)


def test_dew_point_accuracy_across_ice_water_switch():
    # Near the triple point the saturation formula switches from ice to water.
    for td in np.linspace(-0.5, 0.5, 101):
        w = ps.humidity_ratio_from_dew_point(td, 101325.0)
        assert ps.dew_point_from_humidity_ratio(w, 101325.0) == pytest.approx(td, abs=1e-3)


def test_wet_bulb_edge_cases():
    p = 101325.0
    # Saturated air: wet bulb = dry bulb = dew point.
    for t in (-15.0, 0.0, 25.0):
        ws = ps.saturation_humidity_ratio(t, p)
        assert ps.wet_bulb_from_humidity_ratio(t, ws, p) == pytest.approx(t, abs=1e-4)
    # Supersaturated input is clamped to the dry bulb.
    assert ps.wet_bulb_from_humidity_ratio(20.0, 0.05, p) == 20.0
    # Bone-dry air still gives a finite wet bulb well below the dry bulb.
    wb = ps.wet_bulb_from_humidity_ratio(30.0, 0.0, p)
    assert np.isfinite(wb) and wb < 12.0


def test_pressure_from_altitude():
    assert ps.pressure_from_altitude(0.0) == pytest.approx(101325.0)
    for z in (-100.0, 500.0, 1421.0, 3000.0):
        assert ps.pressure_from_altitude(z) == pytest.approx(pl.GetStandardAtmPressure(z),
                                                             rel=1e-12)
    # ASHRAE (2017) ch. 1 Table 1: 1000 m -> 89.88 kPa.
    assert ps.pressure_from_altitude(1000.0) == pytest.approx(89875.0, abs=10.0)


def test_moist_air_state_matches_scalars():
    rng = np.random.default_rng(1)
    t = rng.uniform(-20, 45, 200)
    rh = rng.uniform(0.05, 1.0, 200)
    p = rng.uniform(80000, 105000, 200)
    from_rh = ps.moist_air_state(t, rh, p, False)
    w, dew, wb = (from_rh[k] for k in (ps.STATE_HUMIDITY_RATIO, ps.STATE_DEW_POINT, ps.STATE_WET_BULB))
    for i in range(t.size):
        assert w[i] == ps.humidity_ratio_from_rh(t[i], rh[i], p[i])
        assert dew[i] == ps.dew_point_from_humidity_ratio(w[i], p[i])
        assert wb[i] == ps.wet_bulb_from_humidity_ratio(t[i], w[i], p[i])
    np.testing.assert_array_equal(from_rh[ps.STATE_RELATIVE_HUMIDITY], rh)
    # the round trip through the dew point returns the same state
    from_dew = ps.moist_air_state(t, dew, p, True)
    np.testing.assert_array_equal(from_dew[ps.STATE_DEW_POINT], dew)
    np.testing.assert_allclose(from_dew[ps.STATE_HUMIDITY_RATIO], w, rtol=1e-9)
    np.testing.assert_allclose(from_dew[ps.STATE_RELATIVE_HUMIDITY], rh, rtol=1e-9)
    np.testing.assert_allclose(from_dew[ps.STATE_WET_BULB], wb, atol=1e-6)
    assert np.all(dew <= wb + 1e-9) and np.all(wb <= t + 1e-9)


@pytest.mark.parametrize("with_slope, value", [("saturated_enthalpy_and_slope", "saturated_enthalpy"),
                                               ("saturation_humidity_ratio_and_slope", "saturation_humidity_ratio")])
@settings(max_examples=200, deadline=None)
@given(t=st.floats(0.02, 90.0), p=st.floats(60000.0, 110000.0))
def test_saturation_slopes(with_slope, value, t, p):
    # moist air exists only below boiling: keep the vapour pressure well under the total pressure
    assume(sat.saturation_vapor_pressure(t + 1e-4) < 0.5 * p)
    f = getattr(ps, value)
    y, dy = getattr(slopes, with_slope)(t, p)
    assert y == f(t, p)  # same operations, bit for bit
    step = 1e-4
    assert dy == pytest.approx((f(t + step, p) - f(t - step, p)) / (2 * step), rel=1e-6)


@settings(max_examples=200, deadline=None)
@given(t=st.floats(0.5, 60.0), depression=st.floats(0.0, 1.0), p=st.floats(60000.0, 110000.0))
def test_wet_bulb_balance_slope(t, depression, p):
    """The value is eq. 33 bit for bit; the slope is its derivative with the wet bulb."""
    t_wb = t - depression * (t - 0.3)
    w, dw = slopes.humidity_ratio_from_wet_bulb_and_slope(t, t_wb, p)
    assume(w > ps.MIN_HUMIDITY_RATIO)  # where eq. 33 is not held at its floor
    assert w == ps.humidity_ratio_from_wet_bulb(t, t_wb, p)
    step = 1e-4
    numeric = (ps.humidity_ratio_from_wet_bulb(t, t_wb + step, p)
               - ps.humidity_ratio_from_wet_bulb(t, t_wb - step, p)) / (2 * step)
    assert dw == pytest.approx(numeric, rel=1e-6)


def test_dew_point_lower_bound_is_a_bound_and_tight_near_the_dew_point():
    """Below the dew point wherever W_s(t) <= 0.08 (50-110 kPa, dry to humid, cold to hot); within
    0.1 K of it from up to 5 K above, over water (second order in t - t_d; the ice/water kink of
    p_ws at 0.01 degC loosens it below); and, as the validity range says, no bound from a hotter
    tangent."""
    worst, loosest = -np.inf, 0.0
    for p in (50000.0, 80000.0, 101325.0, 110000.0):
        for td in np.linspace(-30.0, 45.0, 76):
            w = ps.humidity_ratio_from_dew_point(td, p)
            exact = ps.dew_point_from_humidity_ratio(w, p)
            for t in np.linspace(td, td + 40.0, 81):
                lo = slopes.dew_point_lower_bound(t, w, p)
                if ps.saturation_humidity_ratio(t, p) > 0.08:
                    assert lo == -np.inf
                    continue
                worst = max(worst, lo - exact)
                if t - td <= 5.0 and td > 0.5:
                    loosest = max(loosest, exact - lo)
    assert worst <= 1e-9
    assert loosest < 0.1
    # the guard matters: beyond W_s = 0.08 the tangent overshoots the dew point (convex ln W_s)
    w, p = ps.humidity_ratio_from_dew_point(20.0, 60000.0), 60000.0
    ws, dws = slopes.saturation_humidity_ratio_and_slope(50.0, p)
    assert 50.0 - np.log(ws / w) * ws / dws > 20.0


def test_saturation_pressure_table_matches_the_equations():
    """The interpolated saturation pressure lies within 2e-10 of eq. 5/6 over its table (-60 to
    100 degC) and within 1e-11 from 0 to 60 degC; it equals them at every node (the triple point
    on the ice side) and outside the table.  It fails with the nodes' slopes off by 1 %."""
    import math

    exact = np.vectorize(lambda t: math.exp(sat.ln_saturation_vapor_pressure.py_func(t)))
    table = np.vectorize(sat.saturation_vapor_pressure)
    t = np.linspace(sat._TABLE_LO_C + 1e-6, sat._TABLE_HI_C, 160_001)
    error = np.abs(table(t) / exact(t) - 1.0)
    assert error.max() < 2e-10
    assert error[(t > 0.0) & (t < 60.0)].max() < 1e-11
    nodes = sat._TABLE_LO_C + np.arange(1, 1281) / sat._TABLE_PER_K
    assert np.max(np.abs(table(nodes) / exact(nodes) - 1.0)) < 1e-14
    assert sat.saturation_vapor_pressure(sat.TRIPLE_POINT_C) == exact(sat.TRIPLE_POINT_C)
    for t_out in (-80.0, sat._TABLE_LO_C, 150.0):
        assert sat.saturation_vapor_pressure(t_out) == exact(t_out)
