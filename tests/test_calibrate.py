"""Calibration against meters made by dctwin from known parameters (scenarios/meters)."""

from __future__ import annotations

import copy
import importlib.util
import json
import tomllib

import numpy as np
import pandas as pd
import pytest

from conftest import LEGACY, SCENARIOS
from twin.calibrate import calibrate, dumps_toml, write_calibrated
from twin.errors import InputError

EXAMPLE = SCENARIOS / "meters" / "example_meters.csv.gz"
# the true site of the example (scenarios/meters/make_example_meters.py)
TRUE_COP = 5.5 * 0.85
TRUE_UPS_NO_LOAD = 0.05
TRUE_RECIRCULATION = 0.20


def _generator():
    spec = importlib.util.spec_from_file_location("make_example_meters", SCENARIOS / "meters" / "make_example_meters.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def example_fit(legacy_dict, tmp_path_factory):
    """The bundled example calibrated with every parameter, written out as TOML."""
    out = tmp_path_factory.mktemp("cal") / "calibrated.toml"
    fit = calibrate(copy.deepcopy(legacy_dict), EXAMPLE, file=str(LEGACY), out_path=out)
    write_calibrated(fit, out, base_file=str(LEGACY))
    return fit, out


def _reduced(tmp_path, columns):
    df = pd.read_csv(EXAMPLE, comment="#")
    path = tmp_path / "reduced.csv"
    df[["timestamp", *columns]].to_csv(path, index=False)
    return path


def test_example_calibrates_back_to_the_true_site(example_fit):
    fit, _ = example_fit
    p = fit.parameters
    # tolerances: 15-min truth fitted with hourly steps, 0.5 % meter noise, gaps and outliers
    assert p["chiller_cop_scale"].value == pytest.approx(0.85, abs=0.01)
    assert p["ups_no_load"].value == pytest.approx(TRUE_UPS_NO_LOAD, abs=0.002)
    assert p["ups_proportional"].value == pytest.approx(0.05, abs=0.003)       # WP113 value, unchanged
    assert p["recirculation_min"].value == pytest.approx(TRUE_RECIRCULATION, abs=0.01)
    assert p["crah_unit_fan_kw"].value == pytest.approx(5.5, rel=0.02)
    assert p["supply_air_c"].value == pytest.approx(18.0, abs=0.1)
    assert p["tower_approach_k"].identifiable and p["tower_approach_k"].value == pytest.approx(4.0, abs=0.3)
    assert not p["chw_supply_c"].identifiable and "chw_supply_c" in p["chw_supply_c"].note
    for name, par in p.items():
        assert (par.std is not None) == par.identifiable, name
    # Guideline 14: the chiller and UPS-loss channels fail before and pass after
    before, after = fit.before["channels"], fit.after["channels"]
    assert not before["p_chillers"]["meets_guideline14"] and not before["p_ups_loss"]["meets_guideline14"]
    for ch in ("p_facility", "p_chillers", "p_crah_fans", "p_ups_loss"):
        assert after[ch]["meets_guideline14"], ch
    assert after["p_facility"]["cv_rmse_hourly_pct"] < 1.0 and abs(after["p_facility"]["nmbe_hourly_pct"]) < 0.5
    assert after["t_rack_inlet"]["rmse_k"] < 0.2 < before["t_rack_inlet"]["rmse_k"]
    assert fit.runtime_s < 60.0


def test_calibrated_toml_is_a_valid_scenario_that_reproduces_the_fit(example_fit):
    from twin.schema import load_scenario
    from twin.simulate import run_file
    from twin.summary import build_summary

    fit, path = example_fit
    scn = load_scenario(path)
    assert scn.plant.chiller_rated_cop == pytest.approx(TRUE_COP, rel=0.01)
    assert scn.air.recirculation_min == pytest.approx(TRUE_RECIRCULATION, abs=0.01)
    assert scn.calibration.overrides["ups_no_load"] == pytest.approx(TRUE_UPS_NO_LOAD, abs=0.002)
    assert scn.calibration.statistics["after"]["p_facility"]["meets_guideline14"] is True
    assert scn.calibration.meters.endswith("example_meters.csv.gz")
    result = run_file(path)
    block = build_summary(result, scenario_file=str(path))["calibration"]
    assert block["calibrated"] and not any("NOT applied" in w for w in block["warnings"])
    assert result.plant.params[__import__("components.layout", fromlist=["PARAM"]).PARAM.ups_no_load] == \
        pytest.approx(scn.calibration.overrides["ups_no_load"])


def test_biased_start_is_corrected(legacy_dict, tmp_path):
    base = copy.deepcopy(legacy_dict)
    base["plant"]["chiller_rated_cop"] = round(TRUE_COP * 0.8, 3)      # 20 % worse than the truth
    fit = calibrate(base, _reduced(tmp_path, ["it_kw", "facility_kw", "chiller_kw", "ups_in_kw", "ups_out_kw"]),
                    file=str(LEGACY), base_dir=SCENARIOS,
                    parameters=["chiller_cop_scale", "ups_no_load", "ups_proportional"],
                    start={"ups_no_load": 2 * TRUE_UPS_NO_LOAD})                 # doubled no-load loss
    assert fit.calibrated["plant"]["chiller_rated_cop"] == pytest.approx(TRUE_COP, rel=0.01)
    assert fit.values["ups_no_load"] == pytest.approx(TRUE_UPS_NO_LOAD, abs=0.002)
    b, a = fit.before["channels"], fit.after["channels"]
    assert b["p_facility"]["nmbe_hourly_pct"] < -5.0 and not b["p_chillers"]["meets_guideline14"]
    assert a["p_facility"]["meets_guideline14"] and abs(a["p_facility"]["nmbe_hourly_pct"]) < 0.5


def test_tower_approach_is_unidentifiable_without_plant_meters(legacy_dict, tmp_path):
    meters = _reduced(tmp_path, ["it_kw", "facility_kw", "ups_in_kw", "ups_out_kw", "outdoor_temp_c",
                                 "outdoor_rh_pct"])
    fit = calibrate(copy.deepcopy(legacy_dict), meters, file=str(LEGACY), base_dir=SCENARIOS,
                    parameters=["chiller_cop_scale", "ups_no_load", "tower_approach_k", "recirculation_min"])
    p = fit.parameters
    assert not p["tower_approach_k"].identifiable and p["tower_approach_k"].value == 4.0
    assert p["tower_approach_k"].std is None and "chiller_kw" in p["tower_approach_k"].note
    assert not p["recirculation_min"].identifiable and "rack_inlet_c" in p["recirculation_min"].note
    assert "tower_approach_k" not in fit.calibrated["plant"] or fit.calibrated["plant"]["tower_approach_k"] == 4.0
    assert any("tower_approach_k is not identifiable" in w for w in fit.warnings)
    # the facility meter alone still carries the chiller COP scale
    assert p["chiller_cop_scale"].identifiable and p["chiller_cop_scale"].value == pytest.approx(0.85, abs=0.02)


def test_time_budget_returns_the_best_point_with_a_warning(legacy_dict, tmp_path):
    fit = calibrate(copy.deepcopy(legacy_dict), _reduced(tmp_path, ["it_kw", "chiller_kw"]),
                    file=str(LEGACY), base_dir=SCENARIOS, parameters=["chiller_cop_scale"], time_budget_s=0.0)
    assert any("time budget" in w for w in fit.warnings)
    assert fit.parameters["chiller_cop_scale"].std is not None


def test_calibrate_rejects_measures_and_useless_meters(legacy_dict, tmp_path):
    with_measures = copy.deepcopy(legacy_dict)
    with_measures["measures"] = [{"name": "containment"}]
    with pytest.raises(InputError, match="without \\[\\[measures\\]\\]"):
        calibrate(with_measures, EXAMPLE, file=str(LEGACY))
    with pytest.raises(InputError, match="no metered channel to calibrate against"):
        calibrate(copy.deepcopy(legacy_dict), _reduced(tmp_path, ["it_kw", "outdoor_temp_c"]), file=str(LEGACY))


def test_cli_calibrate_then_run(tmp_path, capsys):
    from twin.cli import main

    # UPS loss is heat in the room, so the chiller fit needs the UPS fitted too
    meters = _reduced(tmp_path, ["it_kw", "chiller_kw", "ups_in_kw", "ups_out_kw"])
    out = tmp_path / "site" / "calibrated.toml"
    assert main(["calibrate", str(meters), "--scenario", str(LEGACY), "--out", str(out),
                 "--params", "chiller_cop_scale,ups_no_load", "--json"]) == 0
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["parameters"]["chiller_cop_scale"]["value"] == pytest.approx(0.85, abs=0.01)
    assert main(["run", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["calibration"]["calibrated"] and summary["calibration"]["meters"] == "../reduced.csv"
    assert main(["calibrate", str(meters), "--scenario", str(out), "--out", str(out)]) == 2
    assert main(["calibrate", str(meters), "--out", str(out), "--params", "cop"]) == 2


def test_toml_writer_round_trips():
    data = {"a": 1, "b": [1.5, 2.0], "s": 'quote " and \\ and 中文', "t": {"x": True, "n": {"deep": "y"}},
            "measures": [{"name": "containment", "supply_air_c": 24.0}, {"name": "variable_speed_drives"}],
            "key with space": {"v": float("inf")}, "none": None}
    back = tomllib.loads(dumps_toml(data, header="header\nline two"))
    data.pop("none")
    assert back == data


def test_example_generator_is_deterministic():
    gen = _generator()
    n = 500
    df = pd.DataFrame({"timestamp": pd.date_range("2025-03-09", periods=n, freq="15min").strftime("%Y-%m-%dT%H:%M+08:00"),
                       **{c: np.arange(n, dtype=float) + 1.0 for c in gen.COLUMNS}})
    a = gen.degrade(df, np.random.default_rng(gen.SEED))
    b = gen.degrade(df, np.random.default_rng(gen.SEED))
    pd.testing.assert_frame_equal(a, b)
    assert len(a) < n and a["facility_kw"].isin([0.0]).sum() == 3


def test_relative_weather_path_follows_the_calibrated_file(legacy_dict, tmp_path):
    base = copy.deepcopy(legacy_dict)
    base["scenario"]["site"] = "../twin/data/weather/CHN_Guangdong.Guangzhou.592870_CSWD.epw.gz"
    out = tmp_path / "deeper" / "calibrated.toml"
    fit = calibrate(base, _reduced(tmp_path, ["it_kw", "chiller_kw"]), file=str(LEGACY), base_dir=SCENARIOS,
                    parameters=["chiller_cop_scale"], out_path=out)
    write_calibrated(fit, out)
    site = fit.calibrated["scenario"]["site"]
    assert (out.parent / site).resolve() == (SCENARIOS / base["scenario"]["site"]).resolve()
    from twin.schema import load_scenario
    assert load_scenario(out).scenario.site == site
