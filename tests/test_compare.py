"""``dctwin compare``: ranking, JSON with run --json names, results.nc, a self-contained report."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from conftest import compare_cli
from twin.cli import main as cli_main
from twin.study.columns import COLUMN_BY_KEY, MISSING, column_cell

ROOT = Path(__file__).resolve().parent.parent
LEGACY = (ROOT / "scenarios" / "guangzhou_legacy.toml").as_posix()

SMALL_STUDY = f"""
[study]
name = "small study"
description = "two mixes on the legacy room"
baseline = "{LEGACY}"

[[mixes]]
name = "drives"
measures = ["variable_speed_drives"]

[[mixes]]
name = "drives + economizer"
measures = ["variable_speed_drives", {{name = "waterside_economizer", chw_supply_c = 12.0}}]
"""


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """The small study run once through the CLI with --json; returns (rows, out folder)."""
    return compare_cli(tmp_path_factory.mktemp("compare"), SMALL_STUDY)


def test_ranked_json_uses_run_metric_names(compared, legacy_result):
    from twin.metrics.summary import build_summary

    rows, _ = compared
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert sorted(r["mix"] for r in rows) == ["baseline", "drives", "drives + economizer"]
    pues = [r["pue"]["value"] for r in rows]
    assert pues == sorted(pues)
    run_json = build_summary(legacy_result)
    base = next(r for r in rows if r["mix"] == "baseline")
    for key in ("pue", "energy_facility_kwh", "water_site_l"):
        assert key in run_json and base[key]["unit"] == run_json[key]["unit"]
    assert base["pue"]["value"] == pytest.approx(run_json["pue"]["value"], rel=1e-12)
    assert base["delta_pue"]["value"] == 0.0
    best = rows[0]
    assert best["delta_pue"]["value"] == pytest.approx(best["pue"]["value"] - base["pue"]["value"])
    assert best["energy_saving_kwh"]["value"] > 0


def test_results_nc_has_mix_dimension(compared):
    rows, out = compared
    ds = xr.open_dataset(out / "results.nc", engine="h5netcdf")
    assert list(ds["mix"].values) == [r["mix"] for r in rows]
    assert ds["pue"].dims == ("mix",) and ds["pue_monthly"].dims == ("mix", "month")
    np.testing.assert_allclose(ds["pue"].values, [r["pue"]["value"] for r in rows])
    assert ds["energy_kwh"].dims == ("mix", "component")
    assert ds["pue"].attrs["units"] == "-"
    # the monthly PUE of each mix weights back to its annual PUE within the monthly spread
    assert np.all(ds["pue_monthly"].min("month") <= ds["pue"] + 1e-12)
    assert np.all(ds["pue_monthly"].max("month") >= ds["pue"] - 1e-12)
    ds.close()


def test_report_is_self_contained(compared):
    _, out = compared
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", html), "external resource"
    assert "<link" not in html and "<script src" not in html
    assert html.count('src="data:image/png;base64,') == 5
    for table_id in ("answers-table", "surcharge-table", "ranked-table", "compliance-table", "mix-table"):
        assert f'id="{table_id}"' in html
    for limit in ("1.25", "1.3", "1.5"):
        assert f"PUE ≤ {limit}" in html


def test_columns_degrade_gracefully():
    bare = {"pue": {"value": 1.6, "unit": "-"}, "energy_facility_kwh": {"value": 2e6, "unit": "kWh"}}
    assert column_cell(COLUMN_BY_KEY["pue"], bare) == ("1.600", "")
    assert column_cell(COLUMN_BY_KEY["energy"], bare) == ("2,000", "MWh")
    for key in ("cost", "co2", "water", "capex", "payback", "compliance", "grade"):
        assert column_cell(COLUMN_BY_KEY[key], bare)[0] == MISSING
    # blocks laid out differently by a future module are still found and summarised
    other = dict(bare, carbon={"co2_kg": {"value": 5e5, "unit": "kg"}},
                 compliance={"retrofit": {"pass": True}, "new_build": {"pass": False}},
                 grade={"value": "grade 3", "unit": "-"})
    assert column_cell(COLUMN_BY_KEY["co2"], other) == ("500", "t")
    assert column_cell(COLUMN_BY_KEY["compliance"], other)[0] == "1/2 pass (fails new_build)"
    assert column_cell(COLUMN_BY_KEY["grade"], other)[0] == "grade 3"


def test_default_study_runs_from_the_cli(tmp_path, monkeypatch, capsys):
    """`dctwin compare` without arguments runs the bundled retrofit study (the README demo)."""
    monkeypatch.chdir(tmp_path)
    assert cli_main(["compare"]) == 0
    text = capsys.readouterr().out
    assert "Guangzhou legacy room: retrofit options" in text and "baseline" in text
    out = tmp_path / "dctwin-out" / "guangzhou_retrofit_study"
    assert (out / "report.html").stat().st_size > 10_000
    assert (out / "results.nc").exists()
    assert not list(out.glob(".*.tmp")), "atomic writes leave no temporary files"


# ---------------------------------------------------------------------------------------------
# Issue 15: complete metrics in every row, honest costs, ranking one flag away
# ---------------------------------------------------------------------------------------------

POINT_3 = ("ppue_cooling", "ppue_power", "itue", "tue", "policy.carbon.cue", "wue", "power.unserved_it_kwh",
           "feasibility.checks.inlet.max_rack_inlet_c", "feasibility.checks.inlet.degree_hours_outside_recommended",
           "feasibility.checks.inlet.degree_hours_outside_allowable")


def test_json_rows_carry_every_metric(compared):
    from twin.measures import MEASURES

    rows, out = compared
    for r in rows:
        for key in POINT_3:
            assert isinstance(r[key]["value"], float) and r[key]["unit"], (r["mix"], key)
        assert r["feasibility"]["verdict"]["value"] in ("feasible", "infeasible")
        assert isinstance(r["feasibility"]["reasons"], list)
        # independent identities: TUE = ITUE x PUE; CUE = grid factor x PUE (no PV; Guangdong 0.4419)
        assert r["tue"]["value"] == pytest.approx(r["itue"]["value"] * r["pue"]["value"], rel=1e-12)
        assert r["policy.carbon.cue"]["value"] == pytest.approx(0.4419 * r["pue"]["value"], rel=1e-9)
        assert r["power.unserved_it_kwh"]["value"] == 0.0  # no outage is simulated
        # 15-32 degC contains 18-27 degC: an excursion beyond the first is larger beyond the second
        assert r["feasibility.checks.inlet.degree_hours_outside_allowable"]["value"] <= \
            r["feasibility.checks.inlet.degree_hours_outside_recommended"]["value"]
    econ = next(r for r in rows if r["mix"] == "drives + economizer")
    by_name = {m["name"]: m["parameters"] for m in econ["measures"]}
    assert by_name["waterside_economizer"]["chw_supply_c"] == 12.0                      # given
    defaults = MEASURES["variable_speed_drives"]().model_dump(mode="json")
    assert by_name["variable_speed_drives"] == defaults                                  # filled in
    ds = xr.open_dataset(out / "results.nc", engine="h5netcdf")
    for key in POINT_3:
        assert key.replace(".", "__") in ds
    assert "chw_supply_c" in str(ds["measures"].sel(mix="drives + economizer").values)
    assert "feasibility_reasons" in ds and "cost_assumptions" in ds
    ds.close()


def test_no_default_cost_contains_the_assumed_surcharge(compared):
    from twin.inputs import tariffs as tou

    rows, _ = compared
    rule = tou.load_surcharge(tou.ASSUMED_SURCHARGE)
    for r in rows:
        assert all("surcharge" not in a["input"] for a in r["assumptions"]), r["mix"]
        assert {"policy.tariff.flat_price_cny_per_kwh", "policy.tariff.demand_charge_cny_per_kw_month"} <= \
            {a["input"] for a in r["assumptions"]}
        # the what-if is the rule's band price on every grid kWh (no PV here: grid = facility energy)
        pue = r["pue"]["value"]
        price = next(b.cny_per_kwh for b in rule.bands if b.pue_min < pue <= b.pue_max)
        extra = r["policy.cost.total_with_assumed_surcharge_cny"]["value"] - r["policy.cost.total_cny"]["value"]
        assert extra == pytest.approx(price * r["energy_facility_kwh"]["value"], rel=1e-9)
    base = next(r for r in rows if r["mix"] == "baseline")
    assert base["policy.cost.total_with_assumed_surcharge_cny"]["value"] > base["policy.cost.total_cny"]["value"]
    priced = [r for r in rows if "economics.capex_cny" in r]
    assert priced and all(any(a["input"].startswith("costs.toml") for a in r["assumptions"]) for r in priced)


def test_rank_by_energy_is_one_flag_away(tmp_path):
    import contextlib
    import io
    import json

    study = tmp_path / "study.toml"
    study.write_text(SMALL_STUDY, encoding="utf-8")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli_main(["compare", str(study), "--out", str(tmp_path / "out"), "--json", "--no-report",
                         "--rank-by", "energy"]) == 0
    rows = json.loads(buf.getvalue())
    energy = [r["energy_facility_kwh"]["value"] for r in rows]
    assert energy == sorted(energy)
    ds = xr.open_dataset(tmp_path / "out" / "results.nc", engine="h5netcdf")
    assert ds.attrs["ranked_by"] == "energy"
    ds.close()
