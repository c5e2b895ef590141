"""Compressor curves over the whole operating range, and part load as real chillers run.

The source numbers are the curve sets' own coefficients (components/data/chillers.toml, copied
from EnergyPlus DataSets/Chillers.idf); each expectation below is computed from them here,
independently of the kernel's code path.
"""

import numpy as np
import pytest

from components.cooling import chiller as chl
from twin.inputs.component_data import data_table
from twin.inputs.schema_curves import curve_array

AHRI_ECWT_C = 29.44  # AHRI 550/590 entering condenser water [degC]


def _bq(c, x, y):
    return c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y


def _source_cop(row, t_chws, t_cond):
    """Full-load COP relative to the reference, from the source coefficients.

    Inside the data: the biquadratics.  Beyond the chilled-water data edge: their value there
    plus the slope there (a central finite difference of the source polynomial) times the
    distance, i.e. the tangent continuation the docstring of components.cooling.chiller states.
    """
    lo, hi = row["chws_range_c"]
    x_edge = min(max(t_chws, lo), hi)
    h = 1e-4

    def tangent(c):
        slope = (_bq(c, x_edge + h, t_cond) - _bq(c, x_edge - h, t_cond)) / (2 * h)
        return _bq(c, x_edge, t_cond) + slope * (t_chws - x_edge)
    return 1.0 / tangent(row["eirft"]) / sum(row["eirfplr"])  # EIRFPLR(1) = p1 + p2 + p3


def _model_cop(curves, t_chws, t_cond):
    cap, _ = chl.chiller_capacity_w(curves, 1.0e6, t_chws, t_cond)
    return cap / chl.chiller_power_w(curves, cap, 1.0, 1.0, t_chws, t_cond)


@pytest.mark.parametrize("name", ["doe2_centrifugal_5_50cop", "carrier_19xr_1410kw_vsd",
                                  "trane_cvhe_1442kw_vsd"])
def test_warmer_chilled_water_raises_cop_as_the_source_curves_say(name):
    row = data_table("chillers", name)
    curves = curve_array(row)
    t_cond = min(AHRI_ECWT_C, row["cwe_range_c"][1])
    cop7, cop14 = _model_cop(curves, 7.0, t_cond), _model_cop(curves, 14.0, t_cond)
    assert cop14 > cop7 * 1.05, f"{name}: 7 -> 14 degC chilled water must buy efficiency"
    for t in (7.0, 10.0, 12.0, 14.0):
        assert _model_cop(curves, t, t_cond) == pytest.approx(_source_cop(row, t, t_cond), rel=1e-6)


@pytest.mark.parametrize("name", ["trane_cvhe_1442kw_vsd", "magnetic_bearing_vsd"])
@pytest.mark.parametrize("t_cond", [12.8, 16.5, 20.2, 23.89])
def test_tangent_is_conservative_against_a_same_class_machine_with_data_there(name, t_cond):
    """Beyond 8.89 degC chilled water the VSD centrifugal sets have no data; the Carrier 19XR VSD set (the
    same class, EnergyPlus DataSets) has data to 12.78 degC at 12.8-23.89 degC condenser water.  From
    8.89 to 12.78 degC the tangent earns 39-56 % of the COP gain 19XR's data show (docs/plants.md,
    "Chiller curves outside their data"): conservative, not optimistic.  The test fails if the
    extrapolation stops gaining, or gains more than the neighbour's data."""
    curves = curve_array(data_table("chillers", name))
    neighbour = curve_array(data_table("chillers", "carrier_19xr_1410kw_vsd"))
    gain = _model_cop(curves, 12.78, t_cond) / _model_cop(curves, 8.89, t_cond) - 1.0
    data_gain = _model_cop(neighbour, 12.78, t_cond) / _model_cop(neighbour, 8.89, t_cond) - 1.0
    assert chl.curve_status(neighbour, 12.78, t_cond) == chl.STATUS_IN_DATA
    assert chl.curve_status(curves, 12.78, t_cond) == chl.STATUS_EXTRAPOLATED
    assert 0.3 * data_gain < gain < data_gain


def test_hold_mode_reproduces_energyplus_curve_limits():
    row = data_table("chillers", "doe2_centrifugal_5_50cop")
    held = curve_array(row, extrapolate=False)
    assert _model_cop(held, 14.0, 29.44) == pytest.approx(_model_cop(held, row["chws_range_c"][1], 29.44), rel=1e-12)
    assert _model_cop(curve_array(row), 14.0, 29.44) > _model_cop(held, 14.0, 29.44)


@pytest.mark.parametrize("name", sorted(data_table("chillers")))
def test_extrapolated_cop_stays_below_carnot(name):
    """Everywhere inside the physical bounds the full-load COP is below the reversed-Carnot COP.

    Evaporating 2 K below the leaving chilled water (or 10 K below the coil entering wet bulb
    of a DX coil) and condensing 2 K above the leaving condenser water (entering + 5 K range) or
    10 K above the outdoor air: approach temperatures on the tight side, so the bound is loose
    and a failure means unphysical curves.
    """
    row = data_table("chillers", name)
    curves = curve_array(row)
    air = row["condenser"] == "air"
    for t1 in np.linspace(*row["first_bounds_c"], 7):
        for t2 in np.linspace(*row["second_bounds_c"], 7):
            t_evap = t1 - (10.0 if air else 2.0) + 273.15
            t_cond = t2 + (10.0 if air else 7.0) + 273.15
            cop_ref = row.get("reference_cop", 3.0)
            eirft = chl.curve_value(curves[6:12], curves, t1, t2)
            assert eirft > 0.0
            cop = cop_ref / (eirft * sum(row["eirfplr"]))
            assert cop < t_evap / (t_cond - t_evap), (name, t1, t2, cop)


def test_curve_status_counts_extrapolation_and_bounds():
    curves = curve_array(data_table("chillers", "doe2_centrifugal_5_50cop"))
    assert chl.curve_status(curves, 7.0, 29.0) == chl.STATUS_IN_DATA
    assert chl.curve_status(curves, 14.0, 29.0) == chl.STATUS_EXTRAPOLATED
    assert chl.curve_status(curves, 7.0, 37.0) == chl.STATUS_EXTRAPOLATED
    assert chl.curve_status(curves, 25.0, 29.0) == chl.STATUS_AT_BOUND
    # this constant-speed set's bound is its data edge on the cold condenser side (chillers.toml)
    assert chl.curve_status(curves, 7.0, 20.0) == chl.STATUS_AT_BOUND


def test_below_minimum_part_load_the_chiller_cycles_with_the_ahri_degradation():
    """At PLR 0.003 the old false-loading model drew 63 kW for 4 kW of cooling; cycling does not."""
    row = data_table("chillers", "doe2_centrifugal_5_50cop")
    curves = curve_array(row)
    cap, _ = chl.chiller_capacity_w(curves, 1.2e6, 7.0, 30.0)
    p_min = chl.chiller_power_w(curves, cap, 5.5, row["min_plr"], 7.0, 30.0)
    for plr in (0.003, 0.03, 0.07):
        lf = plr / row["min_plr"]
        expected = p_min * lf * (1.13 - 0.13 * lf)
        assert chl.chiller_power_w(curves, cap, 5.5, plr, 7.0, 30.0) == pytest.approx(expected, rel=1e-12)
    tiny = chl.chiller_power_w(curves, cap, 5.5, 0.003, 7.0, 30.0)
    assert tiny < 0.05 * p_min
    # continuous at the minimum part-load ratio, false-loaded (flat) up to minimum unloading
    below = chl.chiller_power_w(curves, cap, 5.5, row["min_plr"] - 1e-9, 7.0, 30.0)
    assert below == pytest.approx(p_min, rel=1e-6)
    assert chl.chiller_power_w(curves, cap, 5.5, 0.15, 7.0, 30.0) == pytest.approx(p_min, rel=1e-12)


def _vendor_block() -> dict:
    """The vendor-curve example of docs/plants.md, as TOML."""
    import re
    import tomllib
    from conftest import ROOT
    text = (ROOT / "docs" / "plants.md").read_text(encoding="utf-8")
    section = text.split("### Entering a vendor's curves", 1)[1]
    return tomllib.loads(re.search(r"```toml\n(.*?)```", section, re.S).group(1))


def test_vendor_curves_of_the_docs_run(scenario_dict):
    from conftest import assert_energy_closes, assert_heat_closes, run_dict
    vendor = _vendor_block()
    scenario_dict["plant"] = vendor["plant"]
    result = run_dict(scenario_dict)
    assert_energy_closes(result)
    assert_heat_closes(result)
    curves = result.plant.curves
    assert list(curves[0:6]) == vendor["plant"]["chiller_curves"]["capft"]
    # no bounds given: the inputs are held at the data edge outside it
    assert chl.curve_value(curves[6:12], curves, 6.67, 50.0) == chl.curve_value(curves[6:12], curves, 6.67, 46.0)


@pytest.mark.parametrize("change,key", [
    ({"condenser": "water"}, "plant.chiller_curves"),
    ({"chws_range_c": [10.0, 5.5]}, "plant.chiller_curves"),
    ({"capft": [-1.0, 0.0, 0.0, 0.0, 0.0, 0.0]}, "plant.chiller_curves"),
    ({"source": ""}, "plant.chiller_curves.source"),
])
def test_bad_vendor_curves_are_refused_in_one_line(scenario_dict, change, key):
    from twin.engine.simulate import prepare
    from twin.errors import InputError
    from twin.inputs.schema import validate_scenario
    from conftest import SCENARIOS
    plant = _vendor_block()["plant"]
    plant["chiller_curves"].update(change)
    scenario_dict["plant"] = plant
    with pytest.raises(InputError) as err:
        prepare(validate_scenario(scenario_dict), base_dir=SCENARIOS)
    assert key in str(err.value) and "\n" not in str(err.value)
