"""The uncertainty band (twin/study/uncertainty.py): sampling, interval, drivers, and its data table."""

from __future__ import annotations

import re

import numpy as np
import pytest

from twin.inputs.bundled import resolve_scenario
from twin.inputs.component_data import data_table
from twin.inputs.schema import load_scenario
from twin.study import band_drivers
from twin.study import uncertainty as unc

SAMPLES = 16  # few samples: the tests check the mechanics, not the band's statistics


@pytest.fixture(scope="module")
def legacy():
    path = resolve_scenario(None)
    return load_scenario(path), path


def _band(legacy, **kw):
    scn, path = legacy
    return unc.band(scn, samples=kw.pop("samples", SAMPLES), file=str(path), base_dir=path.parent, **kw)


def test_widening_a_spread_widens_the_pue_band(legacy):
    """Only the chiller COP moves: 5 % -> 20 % half-width must widen the PUE band, and the COP must
    be the first driver with a negative rank correlation (a better chiller, a lower PUE)."""
    only = {i["key"]: 0.0 for i in unc.spread_table()["input"]}
    only.update({g["name"]: 0.0 for g in unc.spread_table()["group"]})
    only[unc.spread_table()["curve_extrapolation"]["name"]] = 0.0
    narrow = _band(legacy, spreads={**only, "plant.chiller_rated_cop": 0.05}, utilisation=False, weather=False)
    wide = _band(legacy, spreads={**only, "plant.chiller_rated_cop": 0.20}, utilisation=False, weather=False)
    w_narrow = narrow["pue"]["high"] - narrow["pue"]["low"]
    w_wide = wide["pue"]["high"] - wide["pue"]["low"]
    assert w_wide > 2.0 * w_narrow > 0.0
    assert [i["name"] for i in wide["inputs"]] == ["plant.chiller_rated_cop"]
    assert wide["drivers"][0]["input"] == "plant.chiller_rated_cop" and wide["drivers"][0]["rho"] < -0.9
    assert wide["pue"]["low"] < wide["pue"]["value"] < wide["pue"]["high"]


def _only_curve_slope(scn, path):
    """The band of ``scn`` with only the slope of the curves' extrapolation sampled."""
    table = unc.spread_table()
    only = {i["key"]: 0.0 for i in table["input"]} | {g["name"]: 0.0 for g in table["group"]}
    return unc.band(scn, samples=SAMPLES, file=str(path), base_dir=path.parent, spreads=only, utilisation=False,
                    weather=False)


def test_curve_extrapolation_slope_moves_only_runs_that_leave_the_data(legacy):
    """The slope factor (0: held at the data edge .. 2: twice the tangent) moves a run whose chillers
    work beyond their curve data, and leaves one inside its data where it was; a steeper tangent
    earns more COP, so PUE falls with it.  A scenario that holds its curves does not sample it."""
    import tomllib

    from twin.inputs.schema import validate_scenario

    scn, path = legacy
    name = unc.spread_table()["curve_extrapolation"]["name"]
    inside = _only_curve_slope(scn, path)
    assert [i["name"] for i in inside["inputs"]] == [name]
    assert inside["pue"]["low"] == inside["pue"]["high"] == pytest.approx(inside["pue"]["value"], rel=1e-12)

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    # the Trane CVHE VSD set's data end at 8.89 degC chilled water (components/data/chillers.toml)
    data["plant"].update(chiller_curves="trane_cvhe_1442kw_vsd", chw_supply_c=12.0)
    beyond = _only_curve_slope(validate_scenario(data), path)
    assert beyond["pue"]["low"] < beyond["pue"]["value"] < beyond["pue"]["high"]
    assert beyond["drivers"][0]["input"] == name and beyond["drivers"][0]["rho"] < -0.9

    data["plant"]["curve_extrapolation"] = "hold"
    assert name not in [i["name"] for i in _only_curve_slope(validate_scenario(data), path)["inputs"]]


def test_band_is_deterministic_and_complete(legacy):
    a = _band(legacy, seed=3)
    b = _band(legacy, seed=3)
    c = _band(legacy, seed=4)
    for key in ("pue", "energy_facility_kwh", "cost_total_cny"):
        assert a[key]["low"] == b[key]["low"] and a[key]["high"] == b[key]["high"]
        assert a[key]["low"] <= a[key]["high"]
        assert len(a[key]["drivers"]) == band_drivers.N_DRIVERS
        assert {"input", "rho", "share"} <= set(a[key]["drivers"][0])
    assert a["pue"]["low"] != c["pue"]["low"]
    assert a["samples"] == SAMPLES and a["seed"] == 3
    # the nominal value is the plain run
    from twin.engine.simulate import run_file
    from twin.metrics.summary import build_summary
    scn, path = legacy
    assert a["pue"]["value"] == pytest.approx(build_summary(run_file(path))["pue"]["value"], rel=1e-12)
    # Guangzhou has two typical years; both are drawn
    assert len(a["weather_files"]) == 2 and "weather" in [i["name"] for i in a["inputs"]]


def test_mix_band_has_savings_and_payback(legacy):
    res = _band(legacy, measures=[{"name": "containment"}])
    for key in ("delta_pue", "energy_saving_kwh", "cost_saving_cny", "simple_payback_years"):
        assert key in res and len(res[key]["drivers"]) == band_drivers.N_DRIVERS, key
    assert res["delta_pue"]["high"] < 0.0  # containment saves in every sample
    assert res["energy_saving_kwh"]["low"] > 0.0
    assert "costs" in [i["name"] for i in res["inputs"]]


def test_drivers_rank_a_known_dependence():
    rng = np.random.default_rng(0)
    u = rng.random((200, 3))
    y = 3.0 * u[:, 1] - 1.0 * u[:, 2] + 0.01 * rng.random(200)
    d = band_drivers.drivers(["a", "b", "c"], u, y)
    assert [r["input"] for r in d] == ["b", "c", "a"]
    assert d[0]["rho"] > 0.9 and d[1]["rho"] < 0 and sum(r["share"] for r in d) == pytest.approx(1.0)


def test_out_of_range_draws_are_clipped_and_counted(legacy):
    scn, _ = legacy
    inp = [unc.Input("crah.sensible_heat_ratio", "key", "S", 0.5)]
    moved, clipped = unc.perturbed(scn, inp, unc.Draw({"crah.sensible_heat_ratio": 0.9}))
    assert moved.crah.sensible_heat_ratio == 1.0 and clipped == ["crah.sensible_heat_ratio"]


def test_bad_inputs_are_refused(legacy):
    from twin.errors import InputError
    with pytest.raises(InputError, match="at least 8"):
        _band(legacy, samples=4)
    with pytest.raises(InputError, match="no sampled input"):
        _band(legacy, spreads={"plant.nonsense": 0.1})
    with pytest.raises(InputError, match="within 0-1"):
        _band(legacy, spreads={"air.bypass": -0.1})


def test_table_grades_match_the_schema_sources(legacy):
    """Each sampled key's grade is the one its schema description gives (A: an assumption)."""
    scn, _ = legacy
    table = unc.spread_table()
    assert list(table["grades"]) == ["P", "S", "V", "C", "M", "A"]
    widths = list(table["grades"].values())
    assert widths == sorted(widths) or widths[:3] == sorted(widths[:3])  # P < S < V: weaker is wider
    assert table["grades"]["A"] == max(widths)
    for e in table["input"]:
        section, name = e["key"].split(".")
        desc = type(getattr(scn, section)).model_fields[name].description
        if e["grade"] == "A":
            assert "assumption" in desc.lower(), e["key"]
        else:
            assert re.search(rf"(\(|, |evidence ){e['grade']}\b", desc), e["key"]
        assert ("half_width" in e) == ("reason" in e), e["key"]
    ups = data_table("ups_curves", scn.power.ups_curve)
    assert table["group"][0]["grade"] in ups["evidence"]


def test_second_typical_years_match_their_provenance():
    import gzip
    import hashlib
    text = (unc.YEARS_DIR / "PROVENANCE.md").read_text()
    sha = dict(re.findall(r"\| `([^`]+\.epw\.gz)` \|[^\n]*`([0-9a-f]{64})` \|", text))
    listed = {f for files in unc.spread_table()["weather"].values() for f in files}
    assert set(sha) == listed == {p.name for p in unc.YEARS_DIR.glob("*.epw.gz")}
    for name, digest in sha.items():
        assert hashlib.sha256(gzip.decompress((unc.YEARS_DIR / name).read_bytes())).hexdigest() == digest


def _cli_json(args: list[str]):
    import contextlib
    import io
    import json

    from twin.cli import main
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(args) == 0
    return json.loads(buf.getvalue())


def _has_band(block: dict, keys: tuple[str, ...]) -> None:
    for key in keys:
        b = block[key]
        assert b["low"] <= b["high"], key
        assert len(b["drivers"]) == band_drivers.N_DRIVERS and all(d["input"] for d in b["drivers"]), key


def test_run_json_carries_the_band(legacy):
    _, path = legacy
    summary = _cli_json(["run", str(path), "--json", "--band", "8", "--band-seed", "2"])
    _has_band(summary["band"], ("pue", "energy_facility_kwh", "cost_total_cny"))
    assert summary["band"]["pue"]["value"] == summary["pue"]["value"]
    assert summary["band"]["seed"] == 2 and summary["band"]["samples"] == 8
    assert "band" not in _cli_json(["run", str(path), "--json", "--band", "0"])


def test_compare_rows_results_and_report_carry_bands(tmp_path, legacy):
    import xarray as xr

    _, path = legacy
    study = tmp_path / "study.toml"
    study.write_text(f'[study]\nname = "s"\nbaseline = "{path.as_posix()}"\n\n[[mixes]]\nname = "c"\n'
                     'measures = ["containment"]\n', encoding="utf-8")
    rows = _cli_json(["compare", str(study), "--out", str(tmp_path / "out"), "--json", "--band", "8"])
    mix = next(r for r in rows if r["mix"] == "c")
    _has_band(mix["band"], ("pue", "delta_pue", "energy_saving_kwh", "cost_saving_cny", "simple_payback_years"))
    base = next(r for r in rows if r["mix"] == "baseline")
    _has_band(base["band"], ("pue",))
    assert mix["band"]["pue"]["value"] == pytest.approx(mix["pue"]["value"], rel=1e-12)
    # the legacy room's policy limit (existing retrofit, 1.5): the share of each band's samples meeting it
    for r in rows:
        p = r["band"]["pue"]
        assert p["limit"] == 1.5 and 0.0 <= p["share_at_or_below_limit"] <= 1.0
        assert p["share_at_or_below_limit"] * 8 == round(p["share_at_or_below_limit"] * 8)
        assert p["low"] > 1.5 and p["share_at_or_below_limit"] <= 1 / 8  # no sample of this room gets near 1.5
    with xr.open_dataset(tmp_path / "out" / "results.nc", engine="h5netcdf") as ds:
        i = list(ds["mix"].values).index("c")
        assert float(ds["band_pue_low"][i]) == mix["band"]["pue"]["low"]
        assert float(ds["band_pue_p_complies"][i]) == mix["band"]["pue"]["share_at_or_below_limit"]
        assert float(ds["band_delta_pue_settled"][i]) == float(mix["band"]["delta_pue"]["settled"])
        assert float(ds["band_infeasible_samples"][i]) == mix["band"]["infeasible_samples"] == 0
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="band-table"' in html and mix["band"]["pue"]["drivers"][0]["input"] in html
    assert "P(≤ 1.5) [%]" in html


def test_catalog_rows_carry_bands_on_the_savings(tmp_path):
    rows = _cli_json(["catalog", "containment", "--sites", "guangzhou", "--loads", "50", "--band", "8",
                      "--out", str(tmp_path), "--json"])
    _has_band(rows[0]["band"], ("delta_pue", "energy_saving_kwh", "cost_saving_cny"))
    assert "it.utilisation" not in [i["name"] for i in rows[0]["band"]["inputs"]]  # the load is the row's
    assert rows[0]["band"]["delta_pue"]["value"] == pytest.approx(rows[0]["delta_pue"], rel=1e-9)
    header = (tmp_path / "catalog_containment.csv").read_text().splitlines()[0].split(",")
    assert {"delta_pue_low", "delta_pue_high", "energy_saving_mwh_low", "cost_saving_cny_high"} <= set(header)


def test_band_ends_match_direct_runs_at_the_input_quantiles(legacy):
    """Independent check of the sampling and the percentiles: with only the chiller COP moving, PUE
    falls monotonically with the COP, so PUE's 5th/95th percentiles are the plain runs at the COP's
    95th/5th percentiles, x0 (1 +- 0.9 r).  A 1-D Latin hypercube of n points has one point in each
    1/n stratum, so the empirical percentiles sit within 1/n of the exact ones in u."""
    from twin.engine.simulate import run_scenario
    from twin.metrics.summary import build_summary

    scn, path = legacy
    only = {i["key"]: 0.0 for i in unc.spread_table()["input"]}
    only.update({g["name"]: 0.0 for g in unc.spread_table()["group"]})
    r, n = 0.2, 64
    res = _band(legacy, samples=n, spreads={**only, "plant.chiller_rated_cop": r}, utilisation=False, weather=False)

    def pue_at(cop):
        s = scn.model_copy(update={"plant": scn.plant.model_copy(update={"chiller_rated_cop": cop})})
        return build_summary(run_scenario(s, file=str(path), base_dir=path.parent))["pue"]["value"]

    x0 = scn.plant.chiller_rated_cop
    hi_ref, lo_ref = pue_at(x0 * (1 - 0.9 * r)), pue_at(x0 * (1 + 0.9 * r))
    # tolerance: one stratum of u (2 r x0 / n in COP) times the local slope of PUE in COP
    slope = abs(pue_at(x0 * 1.01) - pue_at(x0 * 0.99)) / (0.02 * x0)
    tol = slope * 2 * r * x0 / n
    assert res["pue"]["low"] == pytest.approx(lo_ref, abs=tol)
    assert res["pue"]["high"] == pytest.approx(hi_ref, abs=2 * tol)  # steeper at low COP


def test_noise_floor_flags_chance_drivers():
    """Inputs without any effect stay under the noise floor (here in all 20 seeds), a real one clears it."""
    assert band_drivers.noise_floor(25, 64) == pytest.approx(0.39, abs=0.005)
    assert band_drivers.noise_floor(25, 256) < band_drivers.noise_floor(25, 64) < band_drivers.noise_floor(25, 16)
    for seed in range(20):
        rng = np.random.default_rng(seed)
        u = rng.random((64, 25))
        d = band_drivers.drivers([f"x{j}" for j in range(25)], u, rng.random(64))
        assert not any(r["clear"] for r in d), seed
        d = band_drivers.drivers([f"x{j}" for j in range(25)], u, u[:, 3] + 0.3 * rng.random(64))
        assert d[0]["input"] == "x3" and d[0]["clear"]


def test_ite_curve_rooms_get_a_band_without_the_linear_model_keys(legacy):
    """With it.model = "ite_curves" the linear IT model's keys do not act: they are not sampled
    (sampling them used to make every band draw an input error)."""
    from twin.inputs.schema import validate_scenario

    scn, path = legacy
    data = scn.model_dump(exclude_unset=True)
    for key in ("idle_fraction", "fan_threshold_c", "fan_slope_per_k", "fan_speed_max"):
        data["it"].pop(key, None)
    data["it"]["model"] = "ite_curves"
    ite = validate_scenario(data)
    out = unc.band(ite, samples=8, file=str(path), base_dir=path.parent)
    names = {i["name"] for i in out["inputs"]}
    assert not names & {"it.idle_fraction", "it.fan_threshold_c", "it.fan_slope_per_k"}
    assert "it.fan_fraction" in names
    assert out["pue"]["low"] <= out["pue"]["value"] <= out["pue"]["high"]
