"""Inverter DX units (components/cooling/dx_variable_speed.py) against hand calculations from the
source coefficients of dx_inverter_eplus_heatpumpvsas (EnergyPlus HeatPumpVSAS.idf)."""

from pathlib import Path

import numpy as np
import pytest

from components import psychrometrics as ps
from components.cooling import chiller as chl
from components.cooling import dx_coil
from components.cooling import dx_variable_speed as vs
from twin.inputs.component_data import data_table
from twin.errors import InputError
from twin.measures import apply_measures
from twin.inputs.schema import load_scenario, validate_scenario
from twin.inputs.schema_curves import curve_array

P = 101325.0
ROW = data_table("chillers", "dx_inverter_eplus_heatpumpvsas")
CURVES = curve_array(ROW)
N = len(ROW["speed_capacity_w"])
CAPS = np.array(ROW["speed_capacity_w"], float)
COPS = np.array(ROW["speed_cop"], float)
NO_FLOW_CURVES = np.zeros(N)      # rated flows 0: flow-fraction curves off
FFF = np.array([*ROW["capfff"], *ROW["eirfff"], *ROW["fff_range"]], float)
PLF = np.array(ROW["plf"], float)
T_RATED, T_ODB = 19.44, 35.0
W_RATED = ps.humidity_ratio_from_wet_bulb(26.67, T_RATED, P)   # the AHRI 210/240 entering air: a wet coil


def _hand_biquadratic(c, x, y):
    """The source's Curve:Biquadratic written out by hand."""
    return c[0] + c[1] * x + c[2] * x ** 2 + c[3] * y + c[4] * y ** 2 + c[5] * x * y


def _run(q, a0=np.zeros(N), m_rated=NO_FLOW_CURVES, t_in=26.67, w=W_RATED, t_odb=T_ODB, flow=0.5):
    return vs.unit_performance(CURVES, CAPS, COPS, a0, m_rated, FFF, N, PLF, ROW["plf_min"], q, t_in, w, t_odb,
                               flow, P)


def _capft_eirft(t_odb=T_ODB):
    t_wb = dx_coil.entering_wet_bulb(26.67, W_RATED, P)  # as the unit solves it
    return _hand_biquadratic(ROW["capft"], t_wb, t_odb), _hand_biquadratic(ROW["eirft"], t_wb, t_odb)


@pytest.mark.parametrize("k", range(N))
def test_each_speed_at_its_capacity_draws_its_rated_power(k):
    """Load = Q_k CapFT: power Q_k CapFT EIRFT / COP_k, speed k (1-based)."""
    capft, eirft = _capft_eirft()
    power, q_met, speed, status = _run(CAPS[k] * capft)
    assert power == pytest.approx(CAPS[k] * capft * eirft / COPS[k], rel=1e-9)
    assert q_met == pytest.approx(CAPS[k] * capft, rel=1e-9)
    assert speed == pytest.approx(k + 1.0, abs=1e-9)
    assert status == chl.STATUS_IN_DATA


def test_rated_point_of_the_source_is_its_rating():
    """CapFT and EIRFT of the source equal 1 within 0.1 % at 19.44 degC wet bulb / 35 degC outdoor."""
    assert _hand_biquadratic(ROW["capft"], T_RATED, T_ODB) == pytest.approx(1.0, abs=1e-3)
    assert _hand_biquadratic(ROW["eirft"], T_RATED, T_ODB) == pytest.approx(1.0, abs=1e-3)


def test_between_speeds_the_speed_ratio_mixes_capacity_and_power():
    capft, eirft = _capft_eirft()
    sr = 0.3
    q = ((1 - sr) * CAPS[3] + sr * CAPS[4]) * capft
    power, _, speed, _ = _run(q)
    assert speed == pytest.approx(4.0 + sr, abs=1e-9)
    assert power == pytest.approx(capft * eirft * ((1 - sr) * CAPS[3] / COPS[3] + sr * CAPS[4] / COPS[4]), rel=1e-9)


@pytest.mark.parametrize("plr", [0.1, 0.5, 0.9])
def test_below_speed_one_the_unit_cycles_with_the_part_load_fraction(plr):
    capft, eirft = _capft_eirft()
    power, q_met, rtf, _ = _run(plr * CAPS[0] * capft)
    plf = max(0.85 + 0.15 * plr, ROW["plf_min"])
    assert rtf == pytest.approx(plr / plf, rel=1e-9)
    assert power == pytest.approx(CAPS[0] * capft * eirft / COPS[0] * plr / plf, rel=1e-9)
    assert q_met == pytest.approx(plr * CAPS[0] * capft, rel=1e-9)


def test_load_beyond_the_top_speed_is_not_met():
    capft, eirft = _capft_eirft()
    power, q_met, speed, _ = _run(1.2 * CAPS[-1] * capft)
    assert q_met == pytest.approx(CAPS[-1] * capft, rel=1e-9)
    assert power == pytest.approx(CAPS[-1] * capft * eirft / COPS[-1], rel=1e-9)
    assert speed == pytest.approx(N, abs=1e-9)


def test_flow_fraction_curves_take_each_speeds_own_rated_flow():
    """At the top speed's rated flow ff = 1 there (CapFFF = EIRFFF = 1); a lower speed with a smaller
    rated flow sees ff > 1: capacity x (0.8 + 0.2 ff), EIR x (1.156 - 0.1816 ff + 0.0256 ff^2)."""
    capft, eirft = _capft_eirft()
    m_rated = 0.9 * np.array(ROW["speed_air_flow_m3s"]) / ROW["speed_air_flow_m3s"][-1]
    flow = m_rated[-1]
    power, _, _, _ = _run(CAPS[-1] * capft, m_rated=m_rated, flow=flow)
    assert power == pytest.approx(CAPS[-1] * capft * eirft / COPS[-1], rel=1e-9)
    ff = min(flow / m_rated[2], 1.5)
    capfff, eirfff = 0.8 + 0.2 * ff, 1.156 - 0.1816 * ff + 0.0256 * ff * ff
    power, _, speed, _ = _run(CAPS[2] * capfff * capft, m_rated=m_rated, flow=flow)
    assert speed == pytest.approx(3.0, abs=1e-9)
    assert power == pytest.approx(CAPS[2] * capfff * capft * eirft * eirfff / COPS[2], rel=1e-9)


def test_a_speed_held_at_the_edge_of_its_flow_fraction_data_is_counted():
    """The reference unit's flows behind a constant-volume fan at the top speed's rated flow: speed 3 runs
    at 1.70 times its own rated flow, held at the curves' 1.5 (as EnergyPlus holds it); speed 10 at 1.
    The first is reported as extrapolated, the second in the data, the curve temperatures being in it."""
    capft, _ = _capft_eirft()
    m_rated = 0.9 * np.array(ROW["speed_air_flow_m3s"]) / ROW["speed_air_flow_m3s"][-1]
    flow = m_rated[-1]
    assert flow / m_rated[2] > ROW["fff_range"][1] and flow / m_rated[3] > ROW["fff_range"][1]
    *_, status = _run(CAPS[2] * 1.1 * capft, m_rated=m_rated, flow=flow)  # between speeds 3 and 4
    assert status == chl.STATUS_EXTRAPOLATED
    *_, status = _run(CAPS[-1] * capft, m_rated=m_rated, flow=flow)       # speeds 9 and 10: 1.09 and 1.0
    assert status == chl.STATUS_IN_DATA
    *_, status = _run(CAPS[2] * 1.1 * capft)                               # no flow-fraction curves
    assert status == chl.STATUS_IN_DATA


def test_dry_coil_between_speeds_sees_the_dry_out_point_of_the_load():
    """A dry hall: both curves see the wet bulb at which W equals the apparatus dew point's of the load."""
    w_dry = ps.humidity_ratio_from_dew_point(-5.0, P)
    flow = 50.0 * 1.2 / 1.2e6 * CAPS[-1]  # a CRAC-like air flow per W
    a0 = np.array([-np.log(dx_coil.rated_bypass_factor(c, flow * f / ROW["speed_air_flow_m3s"][-1], 0.75, P))
                   * flow * f / ROW["speed_air_flow_m3s"][-1] for c, f in zip(CAPS, ROW["speed_air_flow_m3s"])])
    q = 0.6 * CAPS[-1]
    power, _, speed, _ = _run(q, a0=a0, t_in=31.7, w=w_dry, t_odb=18.0, flow=flow)
    k, sr = int(speed), speed - int(speed)
    cbf = dx_coil.bypass_factor(a0[k - 1] * (1 - sr) + a0[k] * sr, flow)
    h_adp = ps.enthalpy_moist_air(31.7, w_dry) - q / (flow * (1 - cbf))
    w_adp = ps.saturation_humidity_ratio(dx_coil.saturation_temperature_from_enthalpy(h_adp, P), P)
    t_c = ps.wet_bulb_from_humidity_ratio(31.7, w_adp, P)
    assert t_c > ps.wet_bulb_from_humidity_ratio(31.7, w_dry, P) + 1.0
    capft, eirft = _hand_biquadratic(ROW["capft"], t_c, 18.0), _hand_biquadratic(ROW["eirft"], t_c, 18.0)
    assert q / capft == pytest.approx((1 - sr) * CAPS[k - 1] + sr * CAPS[k], rel=1e-5)
    assert power == pytest.approx(capft * eirft * ((1 - sr) * CAPS[k - 1] / COPS[k - 1] + sr * CAPS[k] / COPS[k]),
                                  rel=1e-5)


@pytest.mark.parametrize("load", [0.3, 0.4, 0.5, 0.6])
def test_inverter_part_load_power_beats_the_single_speed_set(load):
    """At 30-60 % load, same rated capacity and full-load COP, rating temperatures: the inverter set
    (power follows load, no cycling above speed 1) draws less than the single-speed set
    dx_crac_eplus_curve_i (cycling with PLF = 0.85 + 0.15 PLR), as their source curves say."""
    single = data_table("chillers", "dx_crac_eplus_curve_i")
    ss = curve_array(single)
    cap, cop = 45e3, 3.0
    ss_cap_ref = cap / chl.biquadratic(ss[0:6], T_RATED, T_ODB)
    ss_cop_ref = cop * chl.biquadratic(ss[6:12], T_RATED, T_ODB) * chl.quadratic(ss[12:15], 1.0)
    ss_power = chl.chiller_power_w(ss, ss_cap_ref * chl.biquadratic(ss[0:6], T_RATED, T_ODB), ss_cop_ref, load,
                                   T_RATED, T_ODB)
    caps = CAPS / CAPS[-1] * cap / chl.biquadratic(CURVES[0:6], T_RATED, T_ODB)
    cops = COPS / COPS[-1] * cop * chl.biquadratic(CURVES[6:12], T_RATED, T_ODB)
    w = ps.humidity_ratio_from_wet_bulb(26.67, T_RATED, P)
    vs_power, _, _, _ = vs.unit_performance(CURVES, caps, cops, np.zeros(N), NO_FLOW_CURVES, FFF, N, PLF,
                                            ROW["plf_min"], load * cap, 26.67, w, T_ODB, 2.5, P)
    full = cap / cop
    assert vs_power / full == pytest.approx(load, rel=0.01)  # power follows load at the rating point
    assert ss_power / full > load / (0.85 + 0.15 * load) - 0.01  # the single-speed unit cycles
    assert vs_power < 0.97 * ss_power


GZ = Path(__file__).resolve().parent.parent / "scenarios" / "guangzhou_dx_room.toml"


def test_variable_speed_drives_gives_a_dx_room_inverter_units_and_counts_curve_hours():
    from twin.engine.simulate import run_scenario

    base = load_scenario(GZ)
    data = base.model_dump()
    data["measures"] = [{"name": "variable_speed_drives", "compressor": "inverter", "pumps": False,
                         "tower_fans": False}]
    scn = apply_measures(validate_scenario(data))
    assert scn.plant.chiller_curves == "dx_inverter_eplus_heatpumpvsas"
    assert scn.plant.chiller_rated_cop == base.plant.chiller_rated_cop
    result = run_scenario(scn, base_dir=GZ.parent)
    # Guangzhou has hours below the set's 18 degC outdoor data: counted, not hidden
    cold = result.plant.boundary[0] < ROW["cwe_range_c"][0]
    on = result["chillers_on"] > 0
    assert np.all(result["curve_out_of_range"][cold & on] >= 1)
    assert np.all(result["q_evaporator"] >= 0.0)


def test_an_inverter_set_outside_a_dx_room_is_refused():
    from twin.engine.simulate import prepare

    data = load_scenario(GZ).model_dump()
    data["plant"].update(type="iec", chiller_curves="dx_inverter_eplus_heatpumpvsas")
    scn = validate_scenario(data)
    with pytest.raises(InputError, match="needs plant.type = 'dx'"):
        prepare(scn, base_dir=GZ.parent)


def test_flow_fraction_curves_are_refused_for_a_single_speed_set():
    from twin.engine.simulate import prepare

    data = load_scenario(GZ).model_dump()
    data["plant"]["dx_flow_fraction_curves"] = True
    with pytest.raises(InputError, match="variable-speed"):
        prepare(validate_scenario(data), base_dir=GZ.parent)
    data["plant"]["chiller_curves"] = "dx_inverter_eplus_heatpumpvsas"
    plant = prepare(validate_scenario(data), base_dir=GZ.parent)
    from components.layout import PARAM
    flows = plant.params[PARAM.dx_speed_m0:PARAM.dx_speed_m0 + N]
    assert np.all(np.diff(flows) > 0.0)
    assert flows[-1] / flows[0] == pytest.approx(ROW["speed_air_flow_m3s"][-1] / ROW["speed_air_flow_m3s"][0])
