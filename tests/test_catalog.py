"""``dctwin catalog``: the load-level mapping, the table files, and errors."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from twin.cli import main as cli_main
from twin.inputs.schema import load_scenario
from twin.study.catalog import reference_scenario

ROOT = Path(__file__).resolve().parent.parent
LEGACY = ROOT / "scenarios" / "guangzhou_legacy.toml"


@pytest.mark.parametrize("load", [0.3, 1.0])
def test_load_level_is_the_fraction_of_design_it(load):
    """At nominal server fans (cool inlet air) the IT power is the load level x design IT."""
    from twin.engine.simulate import run_scenario

    scn = reference_scenario(load_scenario(LEGACY), "hohhot", load)
    assert scn.it.occupancy == load and scn.it.utilisation == 1.0 and scn.it.annual_growth == 0.0
    result = run_scenario(scn)
    p_it = result["p_it"]
    nominal = result["server_fan_speed"] <= 1.0 + 1e-12
    assert nominal.mean() > 0.5
    np.testing.assert_allclose(p_it[nominal], load * scn.it.design_kw * 1e3, rtol=1e-9)


def test_catalog_writes_csv_markdown_and_figure(tmp_path, capsys):
    out = tmp_path / "cat"
    code = cli_main(["catalog", "containment", "--param", "supply_air_c=25", "--sites", "guangzhou", "hohhot",
                     "--loads", "30", "100", "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "Guangzhou" in text and "Hohhot" in text
    rows = list(csv.DictReader(open(out / "catalog_containment.csv", encoding="utf-8")))
    assert [(r["site"], r["load"]) for r in rows] == [("guangzhou", "30"), ("guangzhou", "100"),
                                                      ("hohhot", "30"), ("hohhot", "100")]
    for r in rows:
        if r["feasibility"] == "feasible":
            assert float(r["delta_pue"]) == pytest.approx(float(r["pue_measure"]) - float(r["pue_baseline"]), abs=1e-5)
        else:  # no PUE change against or towards an infeasible plant (docs/feasibility.md)
            assert r["delta_pue"] == "" and r["feasibility"].startswith("infeasible")
    assert all(r["feasibility"] == "feasible" for r in rows if r["load"] == "30")
    for r in rows:  # issue 15: the complete metrics and every parameter of the measure
        for key in ("ppue_cooling", "ppue_power", "itue", "tue", "cue", "wue", "unserved_it_kwh",
                    "degree_hours_outside_recommended", "degree_hours_outside_allowable", "max_inlet_c"):
            assert r[key] != "", key
        assert float(r["tue"]) == pytest.approx(float(r["itue"]) * float(r["pue_measure"]), rel=1e-5)
        assert "supply_air_c=25.0" in r["parameters"] and "kind=cold_aisle" in r["parameters"]
    # Hohhot is not in Guangdong: its Guangdong tariff and CNY are said to be assumed
    assert {(r["site"], r["policy_region"]) for r in rows} == {("guangzhou", "guangdong"),
                                                               ("hohhot", "guangdong (assumed)")}
    md = (out / "catalog_containment.md").read_text(encoding="utf-8")
    assert "supply_air_c = 25" in md and "it.occupancy = L" in md and "catalog_containment.png" in md
    assert "Cost saving rests on assumption-grade inputs" in md and "policy.region" in md
    assert md.count("\n| ") == 5  # header + 4 rows
    assert (out / "catalog_containment.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_catalog_says_which_rows_rest_on_extrapolated_curves(tmp_path, capsys):
    """Chilled water at 14 degC lies beyond the legacy chillers' curve data (5-10 degC): the rows carry each
    run's extrapolated hours, as its run summary counts them, and the Markdown says so under the table."""
    from twin.engine.simulate import run_scenario
    from twin.metrics.energy import energy_summary

    out = tmp_path / "cat"
    code = cli_main(["catalog", "waterside_economizer", "--param", "chw_supply_c=14", "--sites", "guangzhou",
                     "--loads", "50", "--out", str(out)])
    assert code == 0
    capsys.readouterr()
    (row,) = list(csv.DictReader(open(out / "catalog_waterside_economizer.csv", encoding="utf-8")))
    base = reference_scenario(load_scenario(LEGACY), "guangzhou", 0.5)
    with_m = reference_scenario(load_scenario(LEGACY), "guangzhou", 0.5,
                                [{"name": "waterside_economizer", "chw_supply_c": 14.0}])
    expected = [energy_summary(run_scenario(s))["hours_chiller_curve_extrapolated"]["value"] for s in (base, with_m)]
    assert [float(row["curve_hours_baseline"]), float(row["curve_hours_measure"])] == expected
    assert expected[0] == 0.0 and expected[1] > 1000.0
    md = (out / "catalog_waterside_economizer.md").read_text(encoding="utf-8")
    assert "h curves extrapolated, with measure" in md
    assert f"**Compressor curves outside their data** in 1 of 1 rows (up to {expected[1]:,.0f} h" in md


def test_catalog_explains_a_pue_that_rises_while_energy_falls(tmp_path, capsys):
    """Titanium PSUs cut IT power itself: PUE rises, energy and TUE fall, and the Markdown says why."""
    from twin.engine.simulate import run_scenario
    from twin.metrics.summary import build_summary
    from twin.report.catalog import _it_side_note

    out = tmp_path / "cat"
    assert cli_main(["catalog", "psu_titanium", "--sites", "guangzhou", "--loads", "50", "--out", str(out)]) == 0
    capsys.readouterr()
    (row,) = list(csv.DictReader(open(out / "catalog_psu_titanium.csv", encoding="utf-8")))
    assert float(row["delta_pue"]) > 0.0 and float(row["energy_saving_mwh"]) > 0.0
    tue = [build_summary(run_scenario(reference_scenario(load_scenario(LEGACY), "guangzhou", 0.5, extra)))["tue"]["value"]
           for extra in ([], [{"name": "psu_titanium"}])]
    assert tue[1] < tue[0] and float(row["tue"]) == pytest.approx(tue[1], rel=1e-5)
    md = (out / "catalog_psu_titanium.md").read_text(encoding="utf-8")
    assert "**PUE rises although energy falls** in 1 of 1 rows" in md
    saving = type("R", (), {"rows": [{"delta_pue": -0.01, "energy_saving_mwh": 5.0, "feasible": True},
                                     {"delta_pue": 0.01, "energy_saving_mwh": -5.0, "feasible": True},
                                     {"delta_pue": 0.01, "energy_saving_mwh": 5.0, "feasible": False}]})()
    assert _it_side_note(saving) == []


def test_catalog_note_only_where_curves_left_their_data():
    from twin.report.catalog import _extrapolation_note
    from twin.study.catalog import CatalogResult

    res = CatalogResult(measure={"name": "containment"}, title="t", baseline_name="b", baseline_file=None,
                        rows=[{"curve_hours_baseline": 0.0, "curve_hours_measure": 0.0},
                              {"curve_hours_baseline": None, "curve_hours_measure": None}])
    assert _extrapolation_note(res) == []
    res.rows.append({"curve_hours_baseline": 12.0, "curve_hours_measure": 3.0})
    assert "in 1 of 3 rows (up to 12 h of a run)" in _extrapolation_note(res)[1]


@pytest.mark.parametrize("argv, message", [
    (["catalog", "free_cooling_magic"], "unknown measure"),
    (["catalog", "containment", "--loads", "0", "50"], "load level"),
    (["catalog", "containment", "--param", "supply_air_c=99", "--sites", "guangzhou"], "supply_air_c"),
    (["catalog", "containment", "--sites", "atlantis"], "unknown site"),
])
def test_catalog_errors_exit_2(tmp_path, capsys, argv, message):
    assert cli_main(argv + ["--out", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
