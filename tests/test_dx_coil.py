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
    assert dx_coil.curve_wet_bulb(curves, cap_ref, 26.67, w_wet, 35.0, m, cbf, P) == pytest.approx(
        ps.wet_bulb_from_humidity_ratio(26.67, w_wet, P), abs=1e-9)
    # a dry hall (dew point -5 degC): the curves see a higher wet bulb, where the ADP humidity ratio
    # equals the inlet humidity ratio the iteration converged to
    w_dry = ps.humidity_ratio_from_dew_point(-5.0, P)
    t_wb = dx_coil.curve_wet_bulb(curves, cap_ref, 30.0, w_dry, 35.0, m, cbf, P)
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
        x0 = ps.wet_bulb_from_humidity_ratio(t_in, w, P)
        is_wet = dx_coil._dry_out_residual(curves, cap_ref, t_in, h_in, x0, t_out, m, cbf, P) >= 0.0
        got = dx_coil.curve_wet_bulb(curves, cap_ref, t_in, w, t_out, m, cbf, P)
        assert (got == x0) == is_wet, dew
        wet += is_wet
        dry += not is_wet
    assert wet > 10 and dry > 10  # the sweep crosses the boundary
