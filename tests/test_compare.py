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
    from twin.summary import build_summary

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
