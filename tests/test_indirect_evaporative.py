"""Indirect evaporative cooler kernels: EnergyPlus unit-test values, limits, power and water."""

import numpy as np
import pytest

from components.cooling import indirect_evaporative as iec

C = iec.CONSTANT_CURVE
L = iec.LINEAR_CURVE


def _t_out(mode, t_in=24.0, w=0.013, tdb=14.0, twb=11.0, tdp=-50.0, ws=0.0075, fr=1.0,
           eff_wb=0.75, eff_db=0.8, beta=0.9, wb_mod=C, db_mod=C):
    return iec.iec_outlet_temperature(mode, t_in, w, tdb, twb, tdp, ws, fr, eff_wb, eff_db,
                                      wb_mod, db_mod, beta)


def test_energyplus_unit_test_values():
    # EnergyPlus tst/EnergyPlus/unit/EvaporativeCoolers.unit.cc,
    # EvaporativeCoolers_CalcIndirectRDDEvapCoolerOutletTemp: 16.0 degC dry, 14.25 degC wet
    assert _t_out(iec.MODE_DRY)[0] == pytest.approx(16.0, abs=1e-12)
    assert _t_out(iec.MODE_WET)[0] == pytest.approx(14.25, abs=1e-12)


def test_off_and_zero_flow_do_nothing():
    assert _t_out(iec.MODE_OFF)[0] == 24.0
    assert _t_out(iec.MODE_WET, fr=0.0)[0] == 24.0
    assert iec.iec_fan_pump_power_w(iec.MODE_WET, 0.0, 100.0, 50.0, L, L) == 0.0


def test_never_heats_the_primary_air():
    assert _t_out(iec.MODE_DRY, tdb=30.0)[0] == pytest.approx(24.0)
    assert _t_out(iec.MODE_WET, twb=26.0)[0] == pytest.approx(24.0)


def test_dry_mode_secondary_capacity_limit():
    # tiny secondary flow: the secondary air would leave above the primary inlet
    t_out, _, _ = _t_out(iec.MODE_DRY, fr=0.05)
    cp_sys = iec.cp_moist_air(0.013)
    cp_sec = 0.05 * iec.cp_moist_air(0.0075)
    expected = 24.0 - cp_sec * (24.0 - 0.2 - 14.0) / cp_sys
    assert t_out == pytest.approx(expected)
    assert t_out > 16.0


def test_dew_point_bound_in_wet_mode():
    t_out, eff, limited = _t_out(iec.MODE_WET, twb=11.0, tdp=14.0, eff_wb=1.2)
    assert limited
    assert t_out == pytest.approx(24.0 - 0.9 * (24.0 - 14.0))


def test_effectiveness_modifier_curve_is_applied():
    curve = np.array([0.5, 0.5, 0.0, 0.0, 0.0, 2.0])  # 0.75 at FR 0.5, 1 at FR 1
    t_out, eff, _ = _t_out(iec.MODE_WET, fr=0.5, wb_mod=curve)
    assert eff == pytest.approx(0.75 * 0.75)
    assert t_out == pytest.approx(24.0 - eff * 13.0)


def test_power_fan_always_pump_only_wet():
    dry = iec.iec_fan_pump_power_w(iec.MODE_DRY, 0.5, 200.0, 100.0, L, L)
    wet = iec.iec_fan_pump_power_w(iec.MODE_WET, 0.5, 200.0, 100.0, L, L)
    assert dry == pytest.approx(100.0)
    assert wet == pytest.approx(150.0)


def test_water_use_balance():
    q = 50_000.0
    evap, drift, blow = iec.iec_water_use_kg_s(iec.MODE_WET, q, 20.0, 3.0, 0.01)
    assert evap == pytest.approx(q / (2500940.0 + 1858.95 * 20.0))
    assert drift == pytest.approx(0.01 * evap)
    assert blow == pytest.approx(evap / 2.0 - drift)
    assert iec.iec_water_use_kg_s(iec.MODE_DRY, q, 20.0, 3.0, 0.01) == (0.0, 0.0, 0.0)


def test_modulation_meets_setpoint():
    ff, t = iec.iec_secondary_fraction_for_setpoint(
        iec.MODE_WET, 18.0, 24.0, 0.013, 14.0, 11.0, -50.0, 0.0075, 1.0, 1.0, 0.75, 0.8,
        np.array([0.3, 0.7, 0.0, 0.0, 0.0, 2.0]), C, 0.9)
    assert 0.0 < ff < 1.0
    assert t == pytest.approx(18.0, abs=1e-6)
    ff_full, t_full = iec.iec_secondary_fraction_for_setpoint(
        iec.MODE_WET, 10.0, 24.0, 0.013, 14.0, 11.0, -50.0, 0.0075, 1.0, 1.0, 0.75, 0.8, C, C, 0.9)
    assert ff_full == 1.0 and t_full == pytest.approx(14.25)


def test_sizing_helper_rejects_bad_flow():
    assert iec.secondary_design_flow_m3s(2.0, 1.2) == pytest.approx(2.4)
    with pytest.raises(ValueError, match="primary design flow"):
        iec.secondary_design_flow_m3s(0.0)


FLOW_MODIFIER = np.array([0.05510467, 1.90439481, -1.26864098, 0.31010841, 0.2, 1.5])  # data/iec flow_modifier


def test_cubic_curve_inverse_round_trips_and_refuses_flat_curves():
    for curve in (FLOW_MODIFIER, L, np.array([0.2, 0.5, 0.3, 0.0, 0.1, 2.0])):
        for x in np.linspace(curve[4], curve[5], 41)[1:-1]:
            assert iec.cubic_curve_inverse(curve, iec.cubic_curve(curve, x)) == pytest.approx(x, rel=1e-13)
    assert np.isnan(iec.cubic_curve_inverse(C, 1.0))  # constant: no inverse
    assert np.isnan(iec.cubic_curve_inverse(FLOW_MODIFIER, iec.cubic_curve(FLOW_MODIFIER, 0.2)))  # at a range end
    assert np.isnan(iec.cubic_curve_inverse(FLOW_MODIFIER, 2.0))  # beyond the curve


def test_modulation_meets_its_stated_tolerance_over_the_operating_range():
    """Dry and wet, cold to hot secondary air, dry to humid (dew-point bound in force), a small and
    a large secondary flow (secondary limit and the flat curve below x_min): the returned ff meets
    the set point, to 1e-9 K, or lies within 2e-10 of where T_out(ff) steps across it."""
    checked = stepped = 0
    for mode in (iec.MODE_DRY, iec.MODE_WET):
        for t_sec in np.linspace(-5.0, 26.0, 12):
            for depression in (0.5, 4.0, 10.0):
                for ratio in (0.4, 1.0, 2.5):
                    for t_set in (16.0, 20.0, 24.0, 27.0):
                        t_wb, t_in = t_sec - depression / 2.0, 30.0
                        args = (t_in, 0.009, t_sec, t_wb, t_wb - depression / 2.0, 0.006)
                        ff, t = iec.iec_secondary_fraction_for_setpoint(
                            mode, t_set, *args, 1.0, ratio, 0.75, 0.6, FLOW_MODIFIER, FLOW_MODIFIER, 0.9)

                        def t_out(f):
                            return iec.iec_outlet_temperature(mode, *args, f * ratio, 0.75, 0.6, FLOW_MODIFIER,
                                                              FLOW_MODIFIER, 0.9)[0]
                        if ff in (0.0, 1.0):
                            continue
                        checked += 1
                        assert t == t_out(ff) and t <= t_set
                        if t_set - t >= 1e-9:
                            stepped += 1
                            assert t_out(ff - 2e-10) > t_set
    assert checked > 200 and stepped > 10
