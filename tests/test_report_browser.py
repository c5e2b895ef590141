"""The HTML report rendered in a real browser (headless Chromium): tables present, every figure
decoded and visible, the page not blank.  Skipped where Chromium is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
                 if p and Path(p).exists()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")

ROOT = Path(__file__).resolve().parent.parent
LEGACY = (ROOT / "scenarios" / "guangzhou_legacy.toml").as_posix()
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from twin.report.html import write_report
    from twin.study.compare import run_study
    from twin.study.design import load_study

    tmp = tmp_path_factory.mktemp("report")
    study = tmp / "study.toml"
    study.write_text(f"""
[study]
name = "browser check"
baseline = "{LEGACY}"
[[mixes]]
name = "drives"
measures = ["variable_speed_drives"]
[[mixes]]
name = "containment + drives"
measures = ["containment", "variable_speed_drives"]
""", encoding="utf-8")
    comp = run_study(load_study(study))
    write_report(comp, tmp / "report.html")
    return tmp / "report.html"


def test_dom_after_load_has_tables_and_rendered_figures(report, tmp_path):
    run = _chromium(["--window-size=1280,1000", "--virtual-time-budget=5000", "--dump-dom", report.as_uri()],
                    tmp_path / "profile")
    dom = run.stdout
    assert run.returncode == 0, run.stderr[-2000:]
    assert 'data-checked="yes"' in dom, "the page's load handler did not run"
    # issue 15: the answers table, the infeasible mixes and the Pareto figure fit the first screen
    for element in ("answers", "infeasible", "fig-pareto"):
        tag = re.search(rf'<[^>]*id="{element}"[^>]*>', dom).group(0)
        assert 'data-first-screen="yes"' in tag, f"{element} is below the first 1280 x 1000 screen"
    images = re.findall(r"<img[^>]*>", dom)
    assert len(images) == 5
    for img in images:
        assert 'data-rendered="yes"' in img, f"figure not decoded or not visible: {img[:120]}"
    answers = re.search(r'<table id="answers-table">(.*?)</table>', dom, re.S).group(1)
    # header + three limits + lowest PUE and lowest energy (one row when the same mix)
    assert answers.count("<tr") in (5, 6)
    for table_id in ("ranked-table", "compliance-table", "mix-table"):
        table = re.search(rf'<table id="{table_id}">(.*?)</table>', dom, re.S)
        assert table, table_id
        assert table.group(1).count("<tr") == 4  # header + baseline + 2 mixes
    assert "containment + drives" in dom and "baseline" in dom


def test_screenshot_is_not_blank(report, tmp_path):
    from matplotlib.image import imread

    shot = tmp_path / "shot.png"
    run = _chromium(["--window-size=1200,2400", f"--screenshot={shot}", report.as_uri()], tmp_path / "profile")
    assert shot.exists(), run.stderr[-2000:]
    pixels = imread(shot)[..., :3]
    assert pixels.shape[0] >= 2000 and pixels.shape[1] == 1200
    # a blank page is one colour; a rendered report has text, table rules and coloured bars
    assert pixels.std() > 0.05
    coloured = np.abs(pixels[..., 0] - pixels[..., 2]) > 0.2
    assert coloured.mean() > 0.005
