"""DX coil bypass factor and the dry-coil wet bulb (EnergyPlus single-speed DX coil method)."""

import numpy as np
import pytest

from components import psychrometrics as ps
from components.cooling import dx_coil
from twin.inputs.component_data import data_table
from twin.inputs.schema_curves import curve_array

P = 101325.0


@pytest.mark.parametrize("shr,flow_m3s", [(0.71, 3.776), (0.8, 5.3), (0.9, 6.0)])
def test_rated_bypass_factor_reproduces_the_rated_sensible_heat_ratio(shr, flow_m3s):
    """Leaving air = CBF inlet + (1 - CBF) ADP on the line to saturation; its SHR is the rated one."""
    cap, m = 73810.8, flow_m3s * 1.2
    cbf = dx_coil.rated_bypass_factor(cap, m, shr, P)
    assert 0.0 < cbf < 0.5
    t_in = dx_coil.RATED_INLET_DRY_BULB_C
    w_in = ps.humidity_ratio_from_wet_bulb(t_in, dx_coil.RATED_INLET_WET_BULB_C, P)
    h_in = ps.enthalpy_moist_air(t_in, w_in)
    h_adp = h_in - cap / m / (1.0 - cbf)
    t_adp = dx_coil.saturation_temperature_from_enthalpy(h_adp, P)
    assert ps.saturated_enthalpy(t_adp, P) == pytest.approx(h_adp, rel=1e-9)
    w_adp = ps.saturation_humidity_ratio(t_adp, P)
    w_out = cbf * w_in + (1.0 - cbf) * w_adp
    h_out = h_in - cap / m
    # EnergyPlus's SHR: (h(T_in, W_out) - h_out) / (h_in - h_out)
    assert (ps.enthalpy_moist_air(t_in, w_out) - h_out) / (h_in - h_out) == pytest.approx(shr, abs=1e-3)


def test_a_rated_point_beyond_saturation_has_no_bypass_factor():
    assert np.isnan(dx_coil.rated_bypass_factor(73810.8, 3.776 * 1.2, 0.95, P))


def test_dry_coil_wet_bulb_is_the_dry_out_point_and_a_wet_coil_keeps_its_own():
    row = data_table("chillers", "dx_carrier_50pg24_eplus")
    curves = curve_array(row)
    cap_ref, m = 73810.8, 3.776 * 1.2
    cbf = dx_coil.rated_bypass_factor(cap_ref, m, row["rated_shr"], P)
    # humid room air: the coil is wet, the curves see the actual wet bulb
    w_wet = ps.humidity_ratio_from_wet_bulb(26.67, 19.44, P)
    t_wb_wet = dx_coil.entering_wet_bulb(26.67, w_wet, P)
    assert t_wb_wet == pytest.approx(19.44, abs=1e-9)
    assert dx_coil.curve_wet_bulb(curves, cap_ref, 26.67, w_wet, 35.0, m, cbf, P, t_wb_wet) == t_wb_wet
    # a dry hall (dew point -5 degC): the curves see a higher wet bulb, where the ADP humidity ratio
    # equals the inlet humidity ratio the iteration converged to
    w_dry = ps.humidity_ratio_from_dew_point(-5.0, P)
    t_wb = dx_coil.curve_wet_bulb(curves, cap_ref, 30.0, w_dry, 35.0, m, cbf, P,
                                  dx_coil.entering_wet_bulb(30.0, w_dry, P))
    assert t_wb > ps.wet_bulb_from_humidity_ratio(30.0, w_dry, P) + 1.0
    w_star = ps.humidity_ratio_from_wet_bulb(30.0, t_wb, P)
    from components.cooling.chiller import chiller_capacity_w
    cap, _ = chiller_capacity_w(curves, cap_ref, t_wb, 35.0)
    h_adp = ps.enthalpy_moist_air(30.0, w_dry) - cap / m / (1.0 - cbf)
    w_adp = ps.saturation_humidity_ratio(dx_coil.saturation_temperature_from_enthalpy(h_adp, P), P)
    assert w_star == pytest.approx(w_adp, rel=0.02)


def test_bypass_factor_follows_the_coil_ntu():
    a0 = -np.log(0.1) * 4.5
    assert dx_coil.bypass_factor(a0, 4.5) == pytest.approx(0.1)
    assert dx_coil.bypass_factor(a0, 9.0) == pytest.approx(np.sqrt(0.1))
    assert dx_coil.bypass_factor(a0, 0.0) == 0.0


def test_the_wet_coil_shortcut_decides_as_the_dry_out_residual():
    """Across the wet/dry boundary the curves see the actual wet bulb exactly when the residual says wet."""
    row = data_table("chillers", "dx_carrier_50pg24_eplus")
    curves = curve_array(row)
    cap_ref, m, t_in, t_out = 73810.8, 3.776 * 1.2, 26.0, 35.0
    cbf = dx_coil.rated_bypass_factor(cap_ref, m, row["rated_shr"], P)
    wet = dry = 0
    for dew in np.linspace(-5.0, 20.0, 501):
        w = ps.humidity_ratio_from_dew_point(dew, P)
        h_in = ps.enthalpy_moist_air(t_in, w)
        x0 = dx_coil.entering_wet_bulb(t_in, w, P)
        is_wet = dx_coil._dry_out_residual(curves, cap_ref, t_in, h_in, x0, t_out, m, cbf, P, 20.0)[0] >= 0.0
        got = dx_coil.curve_wet_bulb(curves, cap_ref, t_in, w, t_out, m, cbf, P, x0)
        assert (got == x0) == is_wet, dew
        wet += is_wet
        dry += not is_wet
    assert wet > 10 and dry > 10  # the sweep crosses the boundary


def _wet_bulb_reference(t, w, p):
    """Wet bulb by bisection of eq. 33 to the last bit. [degC]"""
    lo, hi = ps.dew_point_from_humidity_ratio(w, p) - 1e-6, t
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if ps.humidity_ratio_from_wet_bulb(t, mid, p) > w:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def _wet_bulb_grid():
    """Coil-entering states over the validity range and past it: cold to hot, dry to saturated, 60-110 kPa."""
    for p in (60000.0, 80000.0, 101325.0, 110000.0):
        for t in np.linspace(0.5, 60.0, 35):
            for w in np.geomspace(0.0005, 0.03, 25):
                if w < ps.saturation_humidity_ratio(t, p):
                    yield t, w, p


def test_entering_wet_bulb_is_within_its_stated_tolerance_of_the_root():
    """Newton to 1e-9 K wherever the wet bulb is above freezing (the stated accuracy), which the
    bracketing solve, stopping within 1e-5 K, does not reach: so this check can fail."""
    newton = bracketing = 0.0
    n = 0
    for t, w, p in _wet_bulb_grid():
        ref = _wet_bulb_reference(t, w, p)
        if ref <= 0.0:
            continue
        n += 1
        newton = max(newton, abs(dx_coil.entering_wet_bulb(t, w, p) - ref))
        bracketing = max(bracketing, abs(ps.wet_bulb_from_humidity_ratio(t, w, p) - ref))
    assert n > 2000
    assert newton <= 1e-9
    assert bracketing > 1e-9


def test_entering_wet_bulb_edges():
    """Saturated and supersaturated air: the dry bulb; a wet bulb below freezing (ice, eq. 35) and
    air at or below freezing: the bracketing solve's answer."""
    for t in (0.5, 15.0, 40.0):
        ws = ps.saturation_humidity_ratio(t, P)
        assert dx_coil.entering_wet_bulb(t, ws, P) == t
        assert dx_coil.entering_wet_bulb(t, 1.1 * ws, P) == t
    for t, w in ((5.0, 0.0005), (2.0, 0.001), (-5.0, 0.001), (0.0, 0.002)):
        assert ps.wet_bulb_from_humidity_ratio(t, w, P) < 0.5
        assert dx_coil.entering_wet_bulb(t, w, P) == ps.wet_bulb_from_humidity_ratio(t, w, P)
