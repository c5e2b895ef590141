"""Issue 15: the report's answers (cheapest feasible compliant mix per limit, Pareto front) and the
ranked table at 80 and 120 terminal columns."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.cells import cell_len
from rich.console import Console

from twin.report import answers
from twin.study.table import ORDER, PRIORITY, fit_columns, print_ranked_table, ranked_rows

ROOT = Path(__file__).resolve().parent.parent
LEGACY = (ROOT / "scenarios" / "guangzhou_legacy.toml").as_posix()


def _mix(name, pue, capex=None, cost=1e6, verdict="feasible", reasons=()):
    summary = {"pue": {"value": pue, "unit": "-"}, "energy_facility_kwh": {"value": 1e6 * pue, "unit": "kWh"},
               "policy": {"cost": {"total_cny": {"value": cost, "unit": "CNY"}}},
               "feasibility": {"verdict": {"value": verdict, "unit": "-"}, "reasons": list(reasons)}}
    if capex is not None:
        summary["economics"] = {"capex_cny": {"value": capex, "unit": "CNY"}}
    return SimpleNamespace(mix=SimpleNamespace(name=name), pue=pue, summary=summary)


def _comp(outcomes):
    return SimpleNamespace(outcomes=outcomes, baseline=outcomes[0], ranked=lambda: sorted(outcomes, key=lambda o: o.pue))


def test_cheapest_compliant_mix_per_limit():
    base = _mix("baseline", 1.60)
    cheap_bad = _mix("cheap but infeasible", 1.20, capex=1e5, verdict="infeasible", reasons=["CRAH overloaded."])
    a = _mix("a", 1.45, capex=2e6)
    b = _mix("b", 1.28, capex=5e6)
    c = _mix("c", 1.24, capex=9e6)
    d = _mix("d", 1.22, capex=None)                 # no cost row: not a candidate, counted
    e = _mix("e", 1.28, capex=5e6, cost=0.9e6)       # same CAPEX as b, lower annual cost
    comp = _comp([base, cheap_bad, a, b, c, d, e])
    assert answers.cheapest_compliant(comp, 1.5).best is a
    got = answers.cheapest_compliant(comp, 1.3)
    assert got.best is e and got.compliant == 4 and got.unpriced == 1
    assert answers.cheapest_compliant(comp, 1.25).best is c
    assert answers.cheapest_compliant(comp, 1.21).best is None   # only the infeasible mix gets there
    assert answers.cheapest_compliant(comp, 1.7).best is base    # the baseline buys nothing
    assert answers.lowest(comp, "pue") is d
    assert answers.infeasible(comp) == [(cheap_bad, ["CRAH overloaded."])]


def test_pareto_front_equals_brute_force():
    rng = __import__("numpy").random.default_rng(15)
    pts = [(float(c), float(p), k) for k, (c, p) in enumerate(zip(rng.integers(0, 20, 60), rng.uniform(1.1, 1.9, 60)))]
    from twin.study.pareto import pareto_front

    front = pareto_front(pts)
    dominated = {k for (c1, p1, k), (c2, p2, _) in itertools.permutations(pts, 2)
                 if c2 <= c1 and p2 <= p1 and (c2 < c1 or p2 < p1)}
    assert {k for _, _, k in front} == {k for _, _, k in pts} - dominated
    assert [c for c, _, _ in front] == sorted(c for c, _, _ in front)


def test_priority_covers_every_column():
    assert sorted(PRIORITY) == sorted(ORDER) and len(set(PRIORITY)) == len(PRIORITY)
    assert PRIORITY[:3] == ("pue", "compliance", "feasibility")


@pytest.fixture(scope="module")
def small_comparison(tmp_path_factory):
    from twin.study.compare import run_study
    from twin.study.design import load_study

    study = tmp_path_factory.mktemp("answers") / "study.toml"
    study.write_text(f"""
[study]
name = "width check"
baseline = "{LEGACY}"
[[mixes]]
name = "drives"
measures = ["variable_speed_drives"]
[[mixes]]
name = "containment + drives + economizer"
measures = ["containment", "variable_speed_drives", {{name = "waterside_economizer", chw_supply_c = 12.0}}]
""", encoding="utf-8")
    return run_study(load_study(study))


@pytest.mark.parametrize("width", [80, 120])
def test_terminal_table_keeps_mix_pue_and_compliance(small_comparison, width):
    console = Console(record=True, width=width, color_system=None)
    print_ranked_table(small_comparison, console)
    text = console.export_text()
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    header = "\n".join(lines[:6])
    for title in ("Mix", "PUE", "Compliance"):
        assert title in header, f"{title} missing at {width} columns"
    assert "…" not in text, "a cell was cut"
    for o in small_comparison.outcomes:
        assert f"{o.pue:.3f}" in text
    for name in ("baseline", "drives"):
        assert name in text
    keys, head, rows = ranked_rows(small_comparison)
    kept, dropped = fit_columns(keys, head, rows, width)
    assert dropped, "every column fits: the test no longer checks dropping"
    caption = " ".join(text.split())
    assert f"Dropped to fit {width} columns:" in caption
    for title in dropped:
        assert title in caption
    assert keys.index("compliance") in kept and keys.index("mix") in kept


def test_wider_terminal_drops_fewer_columns(small_comparison):
    keys, head, rows = ranked_rows(small_comparison)
    counts = [len(fit_columns(keys, head, rows, w)[1]) for w in (80, 120, 400)]
    assert counts[0] > counts[1] > counts[2] == 0


def test_ranked_table_shows_the_hours_curves_left_their_data(small_comparison):
    """Chilled water at 12 degC lies beyond the legacy chillers' curve data (5-10 degC): the economizer mix's
    row shows the hours its run summary counts, the others none."""
    keys, head, rows = ranked_rows(small_comparison)
    col = keys.index("extrapolated")
    assert head[col].startswith("h curves extrap.")
    shown = {r[1]: r[col] for r in rows}
    for o in [small_comparison.baseline, *small_comparison.outcomes]:
        hours = o.summary["hours_chiller_curve_extrapolated"]["value"]
        assert shown[o.mix.name] == f"{hours:,.0f}"
    assert shown["containment + drives + economizer"] != "0" and shown["drives"] == "0"


@pytest.fixture(scope="module")
def banded_comparison(small_comparison):
    """The small comparison with 8-sample bands (a copy: the ranked-table tests see none)."""
    import dataclasses

    from twin.study.bands import study_bands

    return dataclasses.replace(small_comparison, bands=study_bands(small_comparison, samples=8, seed=1))


@pytest.mark.parametrize("width", [80, 120, 400])
def test_band_table_fits_the_terminal_without_folding(banded_comparison, width):
    """The band table is laid out as the ranked one: no line wider than the terminal, no cell folded
    over two lines (every row holds its mix's PUE band whole), dropped columns named."""
    from twin.report.band import BAND_PRIORITY, print_band_rows, range_cell

    console = Console(record=True, width=width, color_system=None)
    print_band_rows(banded_comparison, console)
    text = console.export_text()
    assert max(cell_len(line) for line in text.splitlines()) <= width
    assert "…" not in text, "a cell was cut"
    for band in banded_comparison.bands.values():
        assert range_cell(band, "pue") in text, f"a PUE band is not whole on its line at {width} columns"
    caption = " ".join(text.split())
    assert ("Dropped to fit" in caption) == (width < 400)
    if width == 400:
        assert "Payback [yr]" in text  # units in brackets are text, not rich markup
    assert BAND_PRIORITY[:2] == ("pue", "share") and "P(≤ 1.5) [%]" in text
