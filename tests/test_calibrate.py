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
from twin.calibration.calibrate import calibrate
from twin.calibration.scenario_file import dumps_toml, write_calibrated
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
    from twin.engine.simulate import run_file
    from twin.inputs.schema import load_scenario
    from twin.metrics.summary import build_summary

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
    from twin.inputs.schema import load_scenario
    assert load_scenario(out).scenario.site == site


# ---------------------------------------------------------------------------------------------
# Calibration that tells the truth: bounds, worsened channels, out of sample, residual structure
# ---------------------------------------------------------------------------------------------


def _site_meters(d: dict, columns: list[str], path, facility_offset_kw: float = 0.0, seed: int = 7):
    """Meters made by dctwin from the scenario dictionary ``d`` (0.5 % noise), written to ``path``."""
    from conftest import run_dict
    from twin.inputs.meters import synthetic_meters

    df = synthetic_meters(run_dict(d), columns, np.random.default_rng(seed))
    if facility_offset_kw:
        df["facility_kw"] += facility_offset_kw
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def worsening_meters(legacy_dict, tmp_path_factory):
    """A site whose chillers are 30 % worse than rated and whose utility meter does not see 100 kW
    that the scenario models (say transformer losses upstream of it): on the utility meter the two
    errors cancel, so the facility channel meets Guideline 14 before the fit and fails after it."""
    truth = copy.deepcopy(legacy_dict)
    truth["plant"]["chiller_rated_cop"] = 5.5 * 0.7
    return _site_meters(truth, ["it_kw", "facility_kw", "chiller_kw"],
                        tmp_path_factory.mktemp("worse") / "meters.csv", facility_offset_kw=-100.0)


DX_ROOM = SCENARIOS / "guangzhou_dx_room.toml"
UTILITY_METERS = ["it_kw", "facility_kw", "outdoor_temp_c", "outdoor_rh_pct"]


def _dx_room_without_its_economizer(site: str, tmp_path):
    """Model-form error (issue 14): utility meters of the bundled DX room WITH a pumped-refrigerant
    economizer, and the scenario of the same room WITHOUT one (the fit can only move the DX COP)."""
    base = tomllib.loads(DX_ROOM.read_text())
    base["scenario"]["site"] = site
    truth = copy.deepcopy(base)
    truth["plant"]["pumped_refrigerant"] = True
    return base, _site_meters(truth, UTILITY_METERS, tmp_path / f"{site}_meters.csv")


def test_a_parameter_forced_onto_its_bound_is_flagged_not_identifiable(legacy_dict, tmp_path):
    truth = copy.deepcopy(legacy_dict)
    truth["plant"]["chiller_rated_cop"] = 5.5 * 1.8          # beyond the upper bound of the COP scale (1.6)
    meters = _site_meters(truth, ["it_kw", "chiller_kw"], tmp_path / "meters.csv")
    fit = calibrate(copy.deepcopy(legacy_dict), meters, file=str(LEGACY), base_dir=SCENARIOS,
                    parameters=["chiller_cop_scale"])
    p = fit.parameters["chiller_cop_scale"]
    lo, hi = p.bounds
    assert hi == 1.6 and p.value == pytest.approx(hi, abs=0.01 * (hi - lo))
    assert p.on_bound == "upper" and not p.identifiable and p.std is None
    assert "not a confidence interval" in p.note
    assert any(w.startswith("chiller_cop_scale is ON its upper bound") for w in fit.warnings)
    # the value is still written (the fit needs it) and the [calibration] table says where it sits
    assert fit.calibrated["plant"]["chiller_rated_cop"] == pytest.approx(5.5 * p.value, rel=1e-4)
    assert fit.calibrated["calibration"]["parameters"]["chiller_cop_scale"]["on_bound"] == "upper"
    # the held-out fit ends on the same bound and says so
    assert fit.out_of_sample["parameters"]["chiller_cop_scale"]["on_bound"] == "upper"


def test_the_right_fit_inside_its_bounds_is_not_on_bound(example_fit):
    fit, _ = example_fit
    for name, p in fit.parameters.items():
        assert p.on_bound == "", name


def test_bound_side_uses_the_documented_tolerance():
    from twin.calibration.checks import ON_BOUND_TOLERANCE, bound_side

    assert bound_side(0.0, 0.0, 1.0) == "lower" and bound_side(1.0, 0.0, 1.0) == "upper"
    assert bound_side(ON_BOUND_TOLERANCE * 0.99, 0.0, 1.0) == "lower"
    assert bound_side(ON_BOUND_TOLERANCE * 1.01, 0.0, 1.0) == ""
    assert bound_side(15.0 - 0.099, 5.0, 15.0) == "upper" and bound_side(10.0, 5.0, 15.0) == ""


def test_a_fit_that_makes_a_passing_channel_fail_warns(legacy_dict, worsening_meters):
    fit = calibrate(copy.deepcopy(legacy_dict), worsening_meters, file=str(LEGACY), base_dir=SCENARIOS,
                    parameters=["chiller_cop_scale"])
    b, a = fit.before["channels"]["p_facility"], fit.after["channels"]["p_facility"]
    assert b["meets_guideline14_monthly"] and not a["meets_guideline14_monthly"]
    assert fit.parameters["chiller_cop_scale"].value == pytest.approx(0.7, abs=0.02)
    assert fit.worsened == [{"channel": "p_facility", "label": "facility", "resolution": "monthly",
                             "cv_rmse_pct": [b["cv_rmse_monthly_pct"], a["cv_rmse_monthly_pct"]],
                             "nmbe_pct": [b["nmbe_monthly_pct"], a["nmbe_monthly_pct"]]}]
    assert any("made the facility channel FAIL Guideline 14 monthly" in w for w in fit.warnings)
    assert any("FAIL Guideline 14 monthly" in w for w in fit.calibrated["calibration"]["warnings"])
    # hourly and monthly verdicts are separate: the facility still meets the hourly criteria
    assert a["meets_guideline14_hourly"] and not a["meets_guideline14"]


def test_worsened_channels_compares_each_resolution():
    from twin.calibration.checks import worsened_channels

    def block(h, m):
        return {"channels": {"p_x": {"label": "x", "kind": "power", "boundary": False,
                                     "meets_guideline14_hourly": h, "meets_guideline14_monthly": m}}}
    assert [w["resolution"] for w in worsened_channels(block(True, True), block(False, False))] == ["hourly", "monthly"]
    assert worsened_channels(block(False, True), block(False, True)) == []
    assert worsened_channels(block(True, None), block(True, False)) == []      # no monthly verdict before


def test_hourly_and_monthly_verdicts_are_both_reported(example_fit):
    from twin.metrics import guideline14 as g14

    fit, path = example_fit
    for ch, s in fit.after["channels"].items():
        if s["kind"] == "power":
            assert isinstance(s["meets_guideline14_hourly"], bool) and isinstance(s["meets_guideline14_monthly"], bool), ch
    stored = tomllib.loads(path.read_text())["calibration"]["statistics"]["after"]["p_chillers"]
    assert stored["meets_guideline14_hourly"] is True and stored["meets_guideline14_monthly"] is True
    # Guideline 14-2014 criteria: hourly CV(RMSE) <= 30 %, NMBE +-10 %; monthly <= 15 %, +-5 %
    stats = {"cv_rmse_hourly_pct": 29.9, "nmbe_hourly_pct": 9.9, "cv_rmse_monthly_pct": 14.9, "nmbe_monthly_pct": 5.1}
    assert g14.meets(stats, "hourly") is True and g14.meets(stats, "monthly") is False and g14.meets(stats) is False
    assert g14.meets({"cv_rmse_hourly_pct": 30.1}, "hourly") is False and g14.meets({}, "monthly") is None


def test_out_of_sample_error_matches_in_sample_when_the_model_form_is_right(example_fit):
    fit, _ = example_fit
    oos = fit.out_of_sample
    assert oos["held_out_months"] == [3, 6, 9, 12] and oos["fit_months"] == [1, 2, 4, 5, 7, 8, 10, 11]
    assert oos["steps_held_out"] + oos["steps_fit"] == fit.replay.report()["steps_compared"]
    held = oos["held_out"]["channels"]
    for ch in ("p_facility", "p_chillers", "p_ups_loss"):
        for key in ("cv_rmse_hourly_pct", "nmbe_hourly_pct", "cv_rmse_monthly_pct", "nmbe_monthly_pct"):
            assert held[ch][key] == pytest.approx(fit.after["channels"][ch][key], abs=0.5), (ch, key)
    assert held["p_facility"]["months_used"] == 4
    assert oos["parameters"]["chiller_cop_scale"]["value"] == pytest.approx(0.85, abs=0.01)


def test_model_form_error_shows_out_of_sample_and_as_residual_structure(tmp_path):
    base, meters = _dx_room_without_its_economizer("guangzhou", tmp_path)
    fit = calibrate(base, meters, file=str(DX_ROOM), base_dir=SCENARIOS, parameters=["chiller_cop_scale"],
                    holdout_months=(12, 1, 2))
    after = fit.after["channels"]["p_facility"]
    # in sample the utility meter meets Guideline 14 with a DX COP pushed far above its rating ...
    assert after["meets_guideline14"] and fit.parameters["chiller_cop_scale"].value > 1.1
    assert fit.parameters["chiller_cop_scale"].identifiable
    # ... but fitted without winter, the winter the economizer covers is far off
    held = fit.out_of_sample["held_out"]["channels"]["p_facility"]
    assert abs(held["nmbe_monthly_pct"]) > 5.0 > abs(after["nmbe_monthly_pct"])
    assert abs(held["nmbe_monthly_pct"]) > 3 * abs(after["nmbe_monthly_pct"])
    assert held["cv_rmse_hourly_pct"] > 1.5 * after["cv_rmse_hourly_pct"]
    assert fit.out_of_sample["parameters"]["chiller_cop_scale"]["value"] < fit.parameters["chiller_cop_scale"].value
    assert any("FAILS on the held-out months [1, 2, 12]" in w for w in fit.warnings)
    # the residuals follow outdoor temperature; the right model form leaves noise (example_fit)
    assert fit.residual_structure["p_facility"]["eta2_outdoor_temp"] > 0.5
    assert any("facility residuals follow outdoor dry bulb" in w for w in fit.warnings)


def test_dx_cop_that_absorbs_a_missing_economizer_in_a_cold_climate_is_on_bound(tmp_path):
    base, meters = _dx_room_without_its_economizer("beijing", tmp_path)
    fit = calibrate(base, meters, file=str(DX_ROOM), base_dir=SCENARIOS, parameters=["chiller_cop_scale"])
    p = fit.parameters["chiller_cop_scale"]
    assert p.on_bound == "upper" and not p.identifiable and p.std is None
    assert fit.after["channels"]["p_facility"]["meets_guideline14"]        # it still "meets" Guideline 14


def test_right_model_form_leaves_unstructured_residuals(example_fit):
    from twin.calibration.residuals import STRUCTURE_WARNING

    fit, _ = example_fit
    for ch, row in fit.residual_structure.items():
        assert row["eta2_outdoor_temp"] < STRUCTURE_WARNING / 5 and row["eta2_it_power"] < STRUCTURE_WARNING / 5, ch
    assert not any("residuals follow" in w for w in fit.warnings)


def test_correlation_ratio_equals_the_r2_of_a_regression_on_the_bins():
    from twin.metrics.residual_structure import correlation_ratio, temperature_edges

    rng = np.random.default_rng(3)
    x = rng.uniform(-10.0, 35.0, 5000)
    for r in (rng.normal(size=x.size), np.where(x > 12.0, -2.0, 1.0) + rng.normal(size=x.size)):
        edges = temperature_edges(x)
        k = np.searchsorted(edges, x, side="right") - 1
        dummies = (k[:, None] == np.unique(k)[None, :]).astype(float)
        fitted = dummies @ np.linalg.lstsq(dummies, r, rcond=None)[0]
        r2 = 1.0 - np.sum((r - fitted) ** 2) / np.sum((r - r.mean()) ** 2)
        assert correlation_ratio(x, r, edges) == pytest.approx(r2, rel=1e-9)
    assert correlation_ratio(x, rng.normal(size=x.size), temperature_edges(x)) < 0.01


def test_holdout_option(tmp_path):
    from twin.calibration.checks import DEFAULT_HOLDOUT_MONTHS, parse_holdout

    assert parse_holdout(None) == DEFAULT_HOLDOUT_MONTHS == (3, 6, 9, 12)
    assert parse_holdout("12, 1,2") == (1, 2, 12) and parse_holdout("none") == ()
    for bad in ("13", "winter", ",".join(map(str, range(1, 13)))):
        with pytest.raises(InputError, match="--holdout|held out|1-12"):
            parse_holdout(bad)


def test_cli_reports_worsened_channels_out_of_sample_and_writes_the_residual_figure(
        worsening_meters, tmp_path, capsys, monkeypatch):
    from twin.cli import main

    monkeypatch.setenv("COLUMNS", "300")
    out, report = tmp_path / "calibrated.toml", tmp_path / "report"
    assert main(["calibrate", str(worsening_meters), "--scenario", str(LEGACY), "--out", str(out),
                 "--params", "chiller_cop_scale", "--holdout", "6,7,8", "--report", str(report)]) == 0
    text = capsys.readouterr().out
    assert "made the facility channel FAIL Guideline 14 monthly" in text and "(!)" in text
    assert "hourly verdict" in text and "monthly verdict" in text
    assert "held-out months [6, 7, 8]" in text and "eta²" in text
    png = (report / "residuals.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    saved = json.loads((report / "calibration.json").read_text())
    assert saved["worsened_channels"][0]["channel"] == "p_facility"
    assert saved["out_of_sample"]["held_out_months"] == [6, 7, 8]
    assert saved["out_of_sample"]["held_out"]["channels"]["p_facility"]["hours"] == 92 * 24
    assert set(saved["residual_structure"]["p_chillers"]) >= {"eta2_outdoor_temp", "eta2_it_power"}
    assert main(["calibrate", str(worsening_meters), "--scenario", str(LEGACY), "--out", str(out),
                 "--holdout", "0"]) == 2


def test_out_of_sample_is_skipped_with_a_warning_when_no_held_out_month_is_metered(legacy_dict, tmp_path):
    df = pd.read_csv(EXAMPLE, comment="#")
    path = tmp_path / "jan_feb.csv"
    df.loc[df["timestamp"] < "2025-03", ["timestamp", "it_kw", "chiller_kw"]].to_csv(path, index=False)
    fit = calibrate(copy.deepcopy(legacy_dict), path, file=str(LEGACY), base_dir=SCENARIOS,
                    parameters=["chiller_cop_scale"])
    assert fit.out_of_sample["steps_held_out"] == 0 and "held_out" not in fit.out_of_sample
    assert any(w.startswith("no out-of-sample check: 0 compared steps") for w in fit.warnings)
    assert fit.calibrated["calibration"]["out_of_sample"]["skipped"].startswith("no out-of-sample check")
