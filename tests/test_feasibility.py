"""The feasibility verdict (twin/metrics/feasibility.py) and the refusal of impossible sizes (twin/engine/sizing.py).

Each case reported by testers in issue 14 is here: three 10 kW chillers on an 844 kW room,
``design_kw = 1e6``, undersized UPS units, a cold-plate hall whose residual air side cannot hold
the inlets, the IEC catalog row at 100 % load in Guiyang, and a comparison whose lowest-PUE mix
is infeasible.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json

import numpy as np
import pytest

from conftest import LEGACY, compare_cli, run_dict
from twin.cli import main as cli_main
from twin.inputs.envelope import A1_ALLOWABLE_C, degree_hours, extremes_inside, outside
from twin.metrics import feasibility as fz


def _scenario(legacy_dict, **sections) -> dict:
    """The bundled default scenario with some sections updated."""
    data = copy.deepcopy(legacy_dict)
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return data


def _summary(result) -> dict:
    from twin.metrics.summary import build_summary
    return build_summary(result)


# ---------------------------------------------------------------------------------------------
# Pure functions, against hand calculations
# ---------------------------------------------------------------------------------------------

def test_stored_unmet_rise_adds_up_over_a_run_and_clears():
    # 10 kW for two hours in a room of 30 MJ/K: 36 MJ -> 1.2 K, 72 MJ -> 2.4 K; a met hour clears it
    q = np.array([0.0, 10e3, 10e3, 0.0, 5e3])
    rise = fz.stored_unmet_rise_k(q, 3600.0, 30e6)
    np.testing.assert_allclose(rise, [0.0, 1.2, 2.4, 0.0, 0.6], rtol=1e-12)


def test_airflow_need_ratio_from_recirculation():
    # r = 1 - m_crah (1 - b) / m_server: with r_min = 0.12, r = 0.56 means the servers draw 0.88 / 0.44 = 2x
    np.testing.assert_allclose(fz.airflow_need_ratio(np.array([0.12, 0.56]), 0.12), [1.0, 2.0], rtol=1e-12)


def test_peak_loading_and_envelope_helpers():
    assert fz.peak_loading(np.array([300e3, 1500e3]), 1200e3) == pytest.approx(1.25)
    assert np.isnan(fz.peak_loading(np.array([1.0]), 0.0))
    hot, cold = np.array([34.0, 30.0, 20.0]), np.array([18.0, 14.0, 18.0])
    assert list(outside(hot, cold, (15.0, 32.0))) == [True, True, False]
    assert degree_hours(hot, cold, (15.0, 32.0), 1.0) == pytest.approx(2.0 + 1.0)


@pytest.mark.parametrize("hot_edit, inside", [(None, True), (np.nan, False), (32.5, False)])
def test_extremes_inside_a_band_mean_no_step_outside_it(hot_edit, inside):
    """The summary skips the passes over the steps when the extremes lie inside a band: then the full
    computation gives exactly 0 hours and 0.0 degree-hours (inlets at the edges and -0.0 included)."""
    rng = np.random.default_rng(5)
    hot, cold = 15.0 + 17.0 * rng.random(8760), 15.0 + 17.0 * rng.random(8760)
    hot[:3], cold[:3] = 32.0, 15.0  # at the band's edges: max(0, t - edge) is -0.0 or 0.0
    if hot_edit is not None:
        hot[100] = hot_edit
    assert extremes_inside(hot.max(), cold.min(), (15.0, 32.0)) is inside
    if inside:
        assert np.count_nonzero(outside(hot, cold, (15.0, 32.0))) == 0
        assert np.signbit(degree_hours(hot, cold, (15.0, 32.0), 1.0)) == np.signbit(0.0)
        assert degree_hours(hot, cold, (15.0, 32.0), 1.0) == 0.0


def test_airflow_need_ratio_at_the_minimum_throughout_is_one():
    r = np.full(8760, 0.12)
    need = fz.airflow_need_ratio(r, 0.12)
    assert need.dtype == np.float64 and np.array_equal(need, np.where(r > 0.12 + 1e-9, 0.88 / (1.0 - r), 1.0))


def test_transformer_load_reproduces_the_kernels_transformer_loss(legacy_result):
    """The LV load the check reads from the meter identity gives back the kernel's transformer loss."""
    from components.layout import PARAM
    from components.power.losses import transformer_loss_w

    p = legacy_result.plant.params
    load = fz.transformer_load_w(legacy_result)
    loss = np.array([transformer_loss_w(x, p[PARAM.tx_units], p[PARAM.tx_rating_va], p[PARAM.tx_power_factor],
                                        p[PARAM.tx_no_load_w], p[PARAM.tx_load_loss_w]) for x in load[:200]])
    np.testing.assert_allclose(loss, legacy_result["p_transformer_loss"][:200], rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# The bundled default room is feasible; the verdict is in every summary
# ---------------------------------------------------------------------------------------------

def test_default_room_is_feasible(legacy_result):
    s = _summary(legacy_result)
    f = s["feasibility"]
    assert f["verdict"]["value"] == "feasible" and f["reasons"] == []
    checks = f["checks"]
    assert set(checks) == {"cooling", "crah", "chillers", "ups", "transformers", "generators", "inlet"}
    assert all(c["ok"] for c in checks.values())
    # loadings against the design figures of the scenario: 3 x 1,200 kW chillers, 2 x 2 x 600 kW UPS
    assert checks["chillers"]["rating"]["value"] == pytest.approx(3600.0)
    assert checks["ups"]["rating"]["value"] == pytest.approx(2400.0)
    crit = legacy_result["p_it"] + legacy_result["p_pdu_loss"] + legacy_result["p_distribution_loss"]
    assert checks["ups"]["peak_loading"]["value"] == pytest.approx(crit.max() / 2.4e6, rel=1e-12)
    assert checks["inlet"]["max_rack_inlet_c"]["value"] == pytest.approx(s["max_rack_inlet_c"]["value"])
    assert checks["inlet"]["hours_outside_allowable"]["value"] == s["hours_outside_a1_allowable"]["value"] == 0.0
    assert s["policy"]["compliance"]["value"] in ("pass", "fail")


def test_run_json_carries_the_verdict(tmp_path):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli_main(["run", str(LEGACY), "--json", "--out", str(tmp_path)]) == 0
    printed = json.loads(buf.getvalue())
    written = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    for s in (printed, written):
        assert s["feasibility"]["verdict"]["value"] == "feasible"
        assert s["feasibility"]["checks"]["cooling"]["unmet_hours"]["unit"] == "h"


# ---------------------------------------------------------------------------------------------
# The tester cases
# ---------------------------------------------------------------------------------------------

def test_three_10kw_chillers_on_844kw_are_infeasible_and_never_pass(legacy_dict):
    data = _scenario(legacy_dict, it={"design_kw": 844.0, "racks": 170, "occupancy": 1.0, "utilisation": 1.0},
                     plant={"chillers": 3, "chiller_capacity_kw": 10.0},
                     policy={"site_class": "existing_retrofit"})
    result = run_dict(data)
    s = _summary(result)
    f = s["feasibility"]
    assert f["verdict"]["value"] == "infeasible"
    assert not f["checks"]["cooling"]["ok"] and not f["checks"]["chillers"]["ok"]
    duty = f["checks"]["chillers"]["peak_load"]["value"]
    assert f["checks"]["chillers"]["peak_loading"]["value"] == pytest.approx(duty / 30.0)
    assert any("3 x 10 kW" in r for r in f["reasons"])
    comp = s["policy"]["compliance"]
    assert comp["value"] == "infeasible" and "infeasible" in comp["rule"]
    # the PUE alone would pass the 1.5 limit: the verdict, not the PUE, withholds the pass
    assert (comp["pue_only"] == "pass") == (s["pue"]["value"] <= comp["limit"])
    assert s["policy"]["gb40879_grade"]["value"] == s["policy"]["guangdong_tier"]["value"] == "infeasible"


def test_infeasible_run_gets_no_pass_whatever_its_pue(legacy_result):
    from twin.metrics.policy import policy_summary

    summary = _summary(legacy_result)
    bad = copy.deepcopy(summary["feasibility"])
    bad["verdict"]["value"] = "infeasible"
    bad["reasons"] = ["Cooling fell short of the load in 1 h of the year."]
    energy = {k: summary[k] for k in ("pue", "pue_monthly", "wue", "energy_facility_kwh", "energy_it_kwh",
                                      "purchased_cooling_kwh")}
    energy["pue"] = dict(energy["pue"], value=1.01)  # would pass every limit
    block = policy_summary(legacy_result, energy, feasibility=bad)["policy"]
    assert block["compliance"]["value"] == "infeasible" and block["compliance"]["pue_only"] == "pass"
    assert "Cooling fell short" in block["compliance"]["rule"]


def test_design_kw_1e6_is_refused_in_one_line(tmp_path, capsys):
    text = LEGACY.read_text(encoding="utf-8").replace("design_kw = 2000.0", "design_kw = 1e6")
    bad = tmp_path / "huge.toml"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert cli_main(["run", str(bad), "--out", str(out), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "it.design_kw" in lines[0] and "1 %" in lines[0]
    assert not out.exists()


def test_refusal_names_the_short_capacity_and_spares_undersized_plants(legacy_dict):
    from twin.errors import InputError

    with pytest.raises(InputError) as err:  # 3 x 5 W of chillers on 2 MW: a unit slip
        run_dict(_scenario(legacy_dict, plant={"chiller_capacity_kw": 0.005}))
    assert err.value.key == "plant.chiller_capacity_kw" and "1 %" in err.value.message
    # 3 x 10 kW on 844 kW (3.6 %) is undersized, not impossible: it runs (test above)


def test_undersized_ups_is_infeasible_with_a_loading_reason(legacy_dict):
    data = _scenario(legacy_dict, it={"occupancy": 1.0, "utilisation": 0.8},
                     power={"ups_units": 2, "ups_unit_kw": 300.0, "generator_kw": 5000.0})
    result = run_dict(data)
    f = _summary(result)["feasibility"]
    assert f["verdict"]["value"] == "infeasible"
    ups = f["checks"]["ups"]
    crit = result["p_it"] + result["p_pdu_loss"] + result["p_distribution_loss"]
    assert ups["rating"]["value"] == pytest.approx(1200.0)  # 2N: 2 sides x 2 units x 300 kW
    assert ups["peak_loading"]["value"] == pytest.approx(crit.max() / 1.2e6) and ups["peak_loading"]["value"] > 1.0
    assert [c for c, v in f["checks"].items() if not v["ok"]] == ["ups"]
    assert len(f["reasons"]) == 1 and "UPS output" in f["reasons"][0] and "1,200 kW" in f["reasons"][0]


def test_cold_plate_hall_with_too_few_crah_units_is_infeasible(legacy_dict):
    """Half the heat on cold plates, the other half on two 110 kW CRAH units: coils and inlets fail."""
    data = _scenario(legacy_dict, liquid={"fraction": 0.5, "water_class": "W45"}, crah={"units": 2})
    s = _summary(run_dict(data))
    f = s["feasibility"]
    assert f["verdict"]["value"] == "infeasible"
    crah = f["checks"]["crah"]
    assert not crah["ok"] and crah["peak_loading"]["value"] > 1.0 and crah["rating"]["value"] == pytest.approx(220.0)
    inlet = f["checks"]["inlet"]
    assert inlet["max_rack_inlet_c"]["value"] > A1_ALLOWABLE_C[1] and not inlet["ok"]
    assert s["policy"]["compliance"]["value"] == "infeasible"


def test_unmet_heat_the_room_absorbs_is_a_warning(legacy_dict):
    """A few hours of small shortfall that the room's heat capacity absorbs inside A1 allowable stay feasible."""
    data = _scenario(legacy_dict)
    # one 1,300 kW chiller: 11 hot hours short by up to 18 kW (measured)
    data["plant"]["chillers"] = 1
    data["plant"]["chiller_capacity_kw"] = 1300.0
    result = run_dict(data)
    f = _summary(result)["feasibility"]
    cooling = f["checks"]["cooling"]
    assert 0.0 < cooling["unmet_hours"]["value"] < 100.0
    capacity = data["it"]["design_kw"] * 15.0e3  # [events] heat_capacity_kj_per_k_per_kw default
    rise = fz.stored_unmet_rise_k(result["q_unmet"], 3600.0, capacity)
    absorbed = (result["t_rack_inlet_max"] + rise <= A1_ALLOWABLE_C[1]) | (result["q_unmet"] <= 0.0)
    assert cooling["ok"] == bool(absorbed.all())
    assert cooling["unmet_hours_not_absorbed"]["value"] == float((~absorbed).sum())
    if cooling["ok"]:
        assert any("absorbs it" in w for w in f["warnings"])


@pytest.mark.parametrize("unit_kw, verdict", [(42.0, "feasible"), (41.0, "infeasible")])
def test_docs_example_of_absorbed_unmet_heat(unit_kw, verdict):
    """docs/feasibility.md's example: the DX room with five 42 kW units leaves a few hours unmet that
    the room absorbs (feasible, with the warning); with 41 kW units some hours are not absorbed."""
    import tomllib

    from conftest import SCENARIOS

    with open(SCENARIOS / "guangzhou_dx_room.toml", "rb") as fh:
        data = tomllib.load(fh)
    data["plant"].update(chillers=5, chiller_capacity_kw=unit_kw)
    f = _summary(run_dict(data))["feasibility"]
    cooling = f["checks"]["cooling"]
    assert f["verdict"]["value"] == verdict and cooling["unmet_hours"]["value"] > 0.0
    if verdict == "feasible":
        assert cooling["unmet_hours"]["value"] < 10.0 and cooling["unmet_hours_not_absorbed"]["value"] == 0.0
        assert any("absorbs it" in w for w in f["warnings"])
    else:
        assert cooling["unmet_hours_not_absorbed"]["value"] > 0.0


# ---------------------------------------------------------------------------------------------
# Studies: compare never ranks an infeasible mix best; the catalog shows it
# ---------------------------------------------------------------------------------------------

INFEASIBLE_STUDY = f"""
[study]
name = "an infeasible low-PUE mix"
baseline = "{LEGACY.as_posix()}"

[[mixes]]
name = "drives"
measures = ["variable_speed_drives"]

[[mixes]]
name = "IEC with 5 % DX trim"
measures = [{{name = "indirect_evaporative_cooling", trim_fraction = 0.05}}]
"""


@pytest.fixture(scope="module")
def infeasible_study(tmp_path_factory):
    return compare_cli(tmp_path_factory.mktemp("feas-study"), INFEASIBLE_STUDY)


def test_compare_ranks_infeasible_mixes_last(infeasible_study):
    rows, out = infeasible_study
    verdicts = [r["feasibility"]["verdict"]["value"] for r in rows]
    assert "infeasible" in verdicts and verdicts[0] == "feasible"
    assert verdicts == sorted(verdicts, key=lambda v: v == "infeasible")  # every feasible mix first
    bad = next(r for r in rows if r["feasibility"]["verdict"]["value"] == "infeasible")
    good = [r for r in rows if r["feasibility"]["verdict"]["value"] == "feasible"]
    assert bad["pue"]["value"] < min(r["pue"]["value"] for r in good)  # the lowest PUE is not ranked best
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="feasibility-table"' in html
    # the report's answers (issue 15): the lowest-PUE answer is the best feasible mix, the infeasible
    # mix is never an answer and is listed with its reasons
    import html as html_lib
    import re
    answers = re.search(r'<table id="answers-table">(.*?)</table>', html, re.S).group(1)
    assert re.search(rf"Lowest PUE[^<]*</td><td>{re.escape(html_lib.escape(rows[0]['mix']))}</td>", answers)
    assert html_lib.escape(bad["mix"]) not in answers
    listed = re.search(r'<div id="infeasible"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert html_lib.escape(bad["mix"]) in listed and html_lib.escape(bad["feasibility"]["reasons"][0]) in listed


def test_rank_key_puts_infeasible_last():
    from types import SimpleNamespace

    from twin.study.compare import rank_key

    def outcome(name, pue, verdict):
        return SimpleNamespace(mix=SimpleNamespace(name=name),
                               summary={"pue": {"value": pue, "unit": "-"},
                                        "feasibility": {"verdict": {"value": verdict, "unit": "-"}}})

    mixes = [outcome("a", 1.2, "infeasible"), outcome("b", 1.6, "feasible"), outcome("c", 1.4, "feasible")]
    assert [o.mix.name for o in sorted(mixes, key=lambda o: rank_key(o, "pue"))] == ["c", "b", "a"]


def test_catalog_withholds_savings_of_infeasible_rows(tmp_path):
    """The IEC measure at 100 % IT load in Guiyang: the row carries its thermal figures and no saving."""
    from twin.inputs.schema import load_scenario
    from twin.report.catalog import to_csv, to_markdown
    from twin.study.catalog import evaluate_measure

    res = evaluate_measure({"name": "indirect_evaporative_cooling"}, baseline=load_scenario(LEGACY),
                           sites=["guiyang"], loads=(1.0, 0.5))
    rows = {r["load"]: r for r in res.rows}
    for r in rows.values():
        assert set(r) >= {"max_inlet_c", "hours_outside_allowable", "unmet_hours", "feasible", "feasibility"}
        assert r["feasible"] == (r["feasibility"] == "feasible")
    table = list(csv.DictReader(io.StringIO(to_csv(res))))
    md = to_markdown(res)
    for r, line in zip(res.rows, table):
        if r["feasible"]:
            assert float(line["delta_pue"]) == pytest.approx(r["delta_pue"], abs=1e-5)
        else:
            assert line["delta_pue"] == "" and line["energy_saving_mwh"] == ""
            assert r["infeasible_reason"] in md
    if not all(r["feasible"] for r in res.rows):
        assert "| infeasible |" in md


def test_sweep_energy_mode_keeps_the_verdict(legacy_result):
    from twin.study.sweep import _summary_of

    s = _summary_of(legacy_result, "energy")
    assert s["feasibility"]["verdict"]["value"] == "feasible" and "policy" not in s
