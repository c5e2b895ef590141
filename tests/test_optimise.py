"""``dctwin optimise``: the optimiser's answer against the exhaustive one, its JSON, the nothing-complies
case, determinism, bad input and the API.  Small spaces by the bin method, in this process (workers=0)."""

from __future__ import annotations

import json

import pytest

from conftest import LEGACY
from twin.cli import main
from twin.study import optimise as opt
from twin.study.optimise_space import load_space, mix_key

#: 4 x 4 x 4 x 3 = 192 mixes: containment at 3 set points, VSD with 3 compressors, the water-side
#: economizer at 3 chilled-water temperatures, and two UPS options (each slot may also stay empty).
SMALL = f"""
[study]
name = "small optimise space"
baseline = "{LEGACY.as_posix()}"
[generate]
measures = ["containment", "variable_speed_drives", "waterside_economizer", {{name = "modular_ups", eco_mode = false}},
            "hvdc_240"]
[parameters]
"containment.supply_air_c" = [20.0, 23.0, 26.0]
"waterside_economizer.chw_supply_c" = [8.0, 10.0, 12.0]
"""
FAST = dict(trials=100, population=20, workers=0, band=0, confirm_method="bins")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("opt") / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def exhaustive(small):
    """Every mix of the small space, simulated by the bin method: (baseline, base_dir, space, records, labels)."""
    baseline, base_dir, space = load_space(small)
    mixes = list(space.enumerate())
    problem = opt.Problem(baseline.model_dump(), str(base_dir), str(small))
    opt.baseline_summaries(problem, {"bins"})
    with opt.Evaluator(problem, workers=0) as ev:
        records = dict(zip((mix_key(m) for m in mixes), ev.map(mixes, "bins")))
    return baseline, base_dir, space, records, {mix_key(m): space.label(m) for m in mixes}


def test_small_space_size(exhaustive):
    _, _, space, records, _ = exhaustive
    assert space.size() == len(records) == 192


@pytest.mark.parametrize("objective", ["npv", "capex", "annual"])
def test_optimiser_finds_the_exhaustive_answer(exhaustive, objective):
    """The cheapest feasible compliant mix of all 192, found with fewer evaluations than the space holds."""
    baseline, base_dir, space, records, labels = exhaustive
    limit = 1.4
    ranked = opt.ranked_compliant(records, labels, limit, objective)
    assert ranked and len(ranked) < len(records)  # the limit rules some mixes out: the answer is not trivial
    o = opt.optimise(baseline, base_dir, space, limit=limit, objective=objective, seed=0, **FAST)
    assert o.labels[o.best] == labels[ranked[0]]
    assert o.evaluations < len(records)
    # the reported front is non-dominated among every mix of the space
    for k in o.pareto:
        pue, c = o.confirmed[k]["pue"], opt.cost(o.confirmed[k], objective)
        assert not any(opt.counts(r, objective) and r["pue"] < pue - 1e-12 and opt.cost(r, objective) < c - 1e-6
                       for r in records.values())


def test_json_shape(small, capsys, tmp_path):
    out = tmp_path / "o"
    code = main(["optimise", str(small), "--limit", "1.4", "--trials", "40", "--population", "20", "--workers", "0",
                 "--band", "8", "--json", "--out", str(out)])
    assert code == 0
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) == {"best", "robust", "pareto", "limit", "objective", "evaluations", "complies"}
    assert answer["limit"] == 1.4 and answer["objective"] == "npv" and answer["complies"] is True
    assert answer["evaluations"] >= 20
    keys = {"mix", "measures", "pue", "feasible", "capex_cny", "annual_cost_cny", "npv_cny", "curve_extrapolated_hours"}
    for obj in [answer["best"], *answer["pareto"]]:
        assert set(obj) == keys
        # every compressor of this space has curve data up to 10 degC chilled water at most (docs/plants.md)
        chws = [m["parameters"]["chw_supply_c"] for m in obj["measures"] if m["name"] == "waterside_economizer"]
        assert obj["curve_extrapolated_hours"] >= 0.0
        assert chws != [12.0] or obj["curve_extrapolated_hours"] > 1000.0, obj["mix"]
        assert set(obj["pue"]) == {"value", "low", "high", "settled", "infeasible_samples", "p_complies", "p_complies_ci"}
        # a sample whose plant cannot carry its load never meets the limit
        assert obj["pue"]["p_complies"] <= 1.0 - obj["pue"]["infeasible_samples"] / 8
        ci = obj["pue"]["p_complies_ci"]
        assert isinstance(obj["pue"]["settled"], bool) and 0.0 <= ci[0] <= obj["pue"]["p_complies"] <= ci[1] <= 1.0
        assert obj["pue"]["low"] <= obj["pue"]["value"] <= obj["pue"]["high"]
        # 8 samples: a 95th percentile at or below the limit leaves at most one sample above it, a 5th above it
        # at most one at or below (linear interpolation between order statistics)
        p, n = obj["pue"]["p_complies"], 8
        assert 0.0 <= p <= 1.0 and p * n == round(p * n)
        assert obj["pue"]["high"] > 1.4 or p >= (n - 1) / n
        assert obj["pue"]["low"] <= 1.4 or p <= 1 / n
        assert obj["feasible"] is True
        assert all(set(m) == {"name", "parameters"} for m in obj["measures"])
    assert answer["best"]["pue"]["value"] <= 1.4
    robust = answer["robust"]
    if robust is not None:  # the cheapest banded mix meeting the limit in >= 95 % of its samples
        assert robust["pue"]["p_complies"] >= 0.95 and robust["pue"]["value"] <= 1.4 and robust["feasible"]
        assert robust["npv_cny"] <= answer["best"]["npv_cny"] + 1e-6
    if answer["best"]["pue"]["p_complies"] >= 0.95:
        assert robust == answer["best"]
    assert answer["best"]["mix"] in [p["mix"] for p in answer["pareto"]]
    pues = [p["pue"]["value"] for p in answer["pareto"]]
    assert pues == sorted(pues)
    assert json.loads((out / "optimise.json").read_text()) == answer
    assert (out / "pareto.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "candidates.nc").is_file()


def test_nothing_complies_names_the_closest(exhaustive):
    baseline, base_dir, space, records, labels = exhaustive
    o = opt.optimise(baseline, base_dir, space, limit=1.05, objective="npv", seed=0, **FAST)
    assert o.best is None
    from twin.report.optimise import summary
    s = summary(o)
    assert s["complies"] is False and s["best"] is None
    closest = s["closest"]
    lowest = min(r["pue"] for r in records.values() if opt.counts(r, "npv"))
    assert closest["pue"]["value"] == pytest.approx(lowest)
    assert any("misses the limit 1.05 by" in b for b in closest["blocked_by"])
    from rich.console import Console

    from twin.report.optimise import print_table
    console = Console(width=80, record=True)
    print_table(o, console)
    text = console.export_text()
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "PUE [90 % band]" in text and "Compliance" in text and "closest" in text and "Mix" in text
    assert "blocked by: annual PUE" in text and "Dropped to fit 80 columns" in text


def test_same_seed_same_answer(exhaustive):
    """Deterministic, also across the study restarts of a long search (small population: many generations)."""
    baseline, base_dir, space, records, labels = exhaustive
    options = dict(FAST, trials=150, population=5)
    assert options["trials"] > opt.TRIM_GENERATIONS * options["population"]
    runs = [opt.optimise(baseline, base_dir, space, limit=1.4, seed=3, **options) for _ in range(2)]
    assert runs[0].best == opt.ranked_compliant(records, labels, 1.4, "npv")[0]
    from twin.report.optimise import summary
    assert summary(runs[0]) == summary(runs[1])
    assert list(runs[0].screened) == list(runs[1].screened)


def test_dask_workers_give_the_in_process_answer(exhaustive):
    """The Dask path (one local worker) evaluates the same mixes as this process."""
    baseline, base_dir, space, _, _ = exhaustive
    options = dict(FAST, trials=40)
    here = opt.optimise(baseline, base_dir, space, limit=1.4, seed=1, **options)
    options["workers"] = 1
    there = opt.optimise(baseline, base_dir, space, limit=1.4, seed=1, **options)
    assert list(here.screened) == list(there.screened)
    assert here.best == there.best


@pytest.mark.parametrize("argv, words", [
    (["--limit", "1.0"], ["a PUE limit is a number in (1, 5]", "--limit"]),
    (["--limit", "0.9"], ["(1, 5]"]),
    (["--trials", "0"], ["--trials must be >= 1"]),
    (["--band", "3"], ["--band must be 0"]),
    (["--workers", "-1"], ["--workers must be >= 0"]),
])
def test_bad_options_are_one_line(small, capsys, tmp_path, argv, words):
    out = tmp_path / "o"
    code = main(["optimise", str(small), "--out", str(out), *argv])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.startswith("dctwin: error: ") and captured.err.count("\n") == 1
    assert all(w in captured.err for w in words), captured.err
    assert not out.exists()


def test_unknown_objective_is_a_usage_error(small, capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["optimise", str(small), "--objective", "cheapest", "--out", str(tmp_path / "o")])
    captured = capsys.readouterr()
    assert exc.value.code == 2 and captured.out == "" and captured.err.count("\n") == 1
    assert "--objective" in captured.err and not (tmp_path / "o").exists()


@pytest.mark.parametrize("change, words", [
    (('"hvdc_240"', '"hvdc_999"'), ["unknown measure 'hvdc_999'", "generate.measures.4.name"]),
    (('"containment.supply_air_c" = [20.0, 23.0, 26.0]', '"containment.colour" = ["red"]'),
     ["has no parameter 'colour'"]),
    (('"containment.supply_air_c" = [20.0, 23.0, 26.0]', '"containment.supply_air_c" = [40.0]'),
     ["parameters.containment.supply_air_c"]),
])
def test_bad_study_file_is_one_line(tmp_path, capsys, change, words):
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL.replace(*change), encoding="utf-8")
    out = tmp_path / "o"
    code = main(["optimise", str(bad), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and captured.err.count("\n") == 1
    assert all(w in captured.err for w in words), captured.err
    assert not out.exists()


def test_check_validates_without_simulating(small, capsys, monkeypatch):
    import twin.engine.simulate

    def no_work(*a, **k):
        raise AssertionError("simulated under --check")
    monkeypatch.setattr(twin.engine.simulate, "prepare", no_work)
    assert main(["optimise", str(small), "--limit", "1.3", "--check"]) == 0
    assert "valid" in capsys.readouterr().out


def test_no_policy_limit_needs_limit(tmp_path, capsys):
    scn = tmp_path / "none.toml"
    scn.write_text(LEGACY.read_text(encoding="utf-8") + '\n[policy]\nregion = "none"\n', encoding="utf-8")
    code = main(["optimise", str(scn), "--trials", "2", "--population", "2", "--workers", "0", "--band", "0"])
    captured = capsys.readouterr()
    assert code == 2 and "give one with --limit" in captured.err and captured.out == ""


def test_api(small):
    import dctwin

    res = dctwin.optimise(small, limit=1.4, objective="capex", trials=40, population=20, workers=0, band=0,
                          confirm="bins", seed=2)
    s = res.summary()
    assert s["objective"] == "capex" and s["complies"] is True
    assert s["best"]["pue"]["low"] is None and s["best"]["pue"]["high"] is None  # band=0 skips the band
    ds = res.to_dataset()
    assert ds.sizes["candidate"] == s["evaluations"]
    assert s["best"]["mix"] in set(ds["candidate"].values)
    assert {"pue", "capex_cny", "npv_cny", "annual_cost_cny", "feasible", "metric_ppue_cooling", "metric_itue",
            "metric_tue", "metric_unserved", "metric_max_inlet", "metric_extrapolated"} <= set(ds.data_vars)
    row = ds.sel(candidate=s["best"]["mix"])
    assert bool(row["feasible"]) and bool(row["complies"])
    assert float(row["capex_cny"]) == pytest.approx(s["best"]["capex_cny"])
    cheaper = ds.where(ds["feasible"] & ds["complies"] & (ds["capex_cny"] < s["best"]["capex_cny"] - 1e-6), drop=True)
    assert cheaper.sizes["candidate"] == 0  # no evaluated compliant mix is cheaper than the answer


def test_terminal_names_mixes_on_extrapolated_curves(exhaustive):
    """A shown mix whose chillers ran outside their curve data is named under the table with its hours."""
    from rich.console import Console

    from twin.report.optimise import candidate, print_table

    baseline, base_dir, space, _, _ = exhaustive
    o = opt.optimise(baseline, base_dir, space, limit=1.4, objective="npv", seed=0, **FAST)
    console = Console(record=True, width=400, color_system=None)
    print_table(o, console)
    text = " ".join(console.export_text().split())
    shown = list(dict.fromkeys(([o.best] if o.best else []) + o.pareto))
    hours = {o.labels[k]: candidate(o, k)["curve_extrapolated_hours"] for k in shown}
    assert any(hours.values()), "no shown mix leaves the curve data: the test no longer checks the note"
    for mix, h in hours.items():
        assert (f"{mix}: {h:,.0f} h" in text) == (h > 0.0), mix


def test_best_mix_whose_band_crosses_the_limit_names_a_robust_one(exhaustive):
    """When the best mix meets the limit in too few of its band's samples, the cheapest banded mix that
    meets it in >= 95 % is the robust answer: in the JSON, as a table row, and in a line under the table."""
    import dataclasses

    from rich.console import Console

    from twin.report.optimise import print_table, summary

    baseline, base_dir, space, _, _ = exhaustive
    o = opt.optimise(baseline, base_dir, space, limit=1.4, objective="npv", seed=0, **FAST)
    others = [k for k in o.pareto if k != o.best and o.confirmed[k]["pue"] <= 1.4]
    assert others, "the front has no second compliant mix: the test no longer checks the choice"

    def band(share):
        return {"pue": {"value": 1.3, "low": 1.2, "high": 1.45, "limit": 1.4, "share_at_or_below_limit": share}}
    o = dataclasses.replace(o, bands={o.best: band(0.6), **{k: band(1.0) for k in others}})
    expected = opt.ranked_compliant({k: o.confirmed[k] for k in others}, o.labels, 1.4, "npv")[0]
    assert o.robust == expected
    answer = summary(o)
    assert answer["robust"]["mix"] == o.labels[expected] and answer["best"]["pue"]["p_complies"] == 0.6
    console = Console(record=True, width=400, color_system=None)
    print_table(o, console)
    text = " ".join(console.export_text().split())
    assert f"the best mix meets PUE ≤ 1.4 in 60 % of its band's samples" in text
    assert f"in ≥ 95 %: {o.labels[expected]} (row 'robust')" in text and " robust " in text
    o = dataclasses.replace(o, bands={o.best: band(0.6)})
    assert o.robust is None and summary(o)["robust"] is None
    console = Console(record=True, width=400, color_system=None)
    print_table(o, console)
    assert "no banded mix meets it in ≥ 95 % of its samples" in " ".join(console.export_text().split())
