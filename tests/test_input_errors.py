"""Inputs that used to crash or pass although impossible (issue 16): each is one line, exit 2, no output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import LEGACY, ROOT, SCENARIOS
from twin.cli import main
from twin.errors import InputError, one_line

BASE = LEGACY.read_text(encoding="utf-8")
STUDY = SCENARIOS / "guangzhou_retrofit_study.toml"


def _refused(capsys, argv: list[str], out: Path, *words: str) -> str:
    """Run the CLI; assert exit 2, one line on stderr holding ``words``, and no ``out``."""
    code = main(argv)
    captured = capsys.readouterr()
    err = captured.err
    assert code == 2, (code, err, captured.out[-500:])
    assert err.startswith("dctwin: error: ") and err.endswith("\n") and err.count("\n") == 1, repr(err)
    for w in words:
        assert w in err, (w, err)
    assert not out.exists()
    return err


def _scenario(tmp_path: Path, text: str | bytes, name: str = "bad.toml") -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def _edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


@pytest.mark.parametrize("text, key, words", [
    # tracebacks before
    (_edit("occupancy = 0.618", "occupancy = 0"), "it.occupancy", ["must be > 0.0 and <= 1.0", "got 0"]),
    (_edit('name = "Guangzhou legacy room"', 'name = "room\\u0000one"'), "scenario.name", ["control characters", "\\x00"]),
    # accepted although impossible
    (_edit("chw_supply_c = 7.0", "chw_supply_c = -2.0"), "plant.chw_supply_c", ["above 0 degC", "-2.0"]),
    (_edit("chw_supply_c = 7.0", "chw_supply_c = 0.0"), "plant.chw_supply_c", ["above 0 degC"]),
    (_edit("chw_supply_c = 7.0", "chw_supply_c = 20.0"), "plant.chw_supply_c",
     ["plant.chw_supply_c < air.supply_air_c", "20 degC water for 18 degC air"]),
    (_edit("chw_supply_c = 7.0", "chw_supply_c = [7, 7, 7, 7, 7, 19, 7, 7, 7, 7, 7, 7]"), "plant.chw_supply_c",
     ["plant.chw_supply_c < air.supply_air_c", "in month 6"]),
    (_edit("cw_setpoint_c = 30.0", "cw_setpoint_c = 6.0"), "plant.cw_setpoint_c",
     ["plant.cw_setpoint_c > plant.chw_supply_c", "6 degC condenser water for 7 degC chilled water"]),
    (_edit("racks = 400 ", "racks = true "), "it.racks", ["expected a whole number", "got true"]),
    (_edit("year = 2025", 'year = "2025"'), "scenario.year", ["expected a whole number", 'got "2025"']),
    (_edit("economizer = false", "economizer = 0"), "plant.economizer", ["expected true or false", "got 0"]),
    (_edit("design_kw = 2000.0", 'design_kw = "2000"'), "it.design_kw", ["expected a number", 'got "2000"']),
    (_edit("design_kw = 2000.0", "design_kw = nan"), "it.design_kw", ["expected a finite number", "got nan"]),
    (_edit('site = "guangzhou"', "site = 7"), "scenario.site", ["expected a string", "got 7"]),
    # key paths as the user wrote them, never pydantic's union branches
    (_edit("utilisation = 0.40", 'utilisation = "high"'), "it.utilisation", ["expected a number or a list or a table", 'got "high"']),
    (_edit("utilisation = 0.40", "utilisation = [0.4, 0.5]"), "it.utilisation", ["at least 24 items"]),
    (_edit("utilisation = 0.40", "utilisation = 1.5"), "it.utilisation", ["must be >= 0.0 and <= 1.0", "got 1.5"]),
    (_edit("utilisation = 0.40", "utilisaton = 0.4"), "it.utilisaton", ["unknown key (did you mean 'utilisation'?)"]),
    (_edit("ups_unit_kw = 600.0", "ups_unit_kw = 6e8"), "power.ups_unit_kw", ["must be > 0.0 and <= 1000000.0"]),
    (_edit("[plant]\n", "[plant]\ncw_reset_range_c = [30, 20]\n"), "plant.cw_reset_range_c", ["low < high"]),
    (_edit("utilisation = 0.40", "utilisation = [" + "0.4, " * 23 + '"x"]'), "it.utilisation.23", ["expected a number", 'got "x"']),
    (_edit("utilisation = 0.40", "utilisation = {column = 'u'}"), "it.utilisation.csv", ["missing"]),
    (_edit("utilisation = 0.40", "utilisation = 0.0\nfan_fraction = 0.0\nidle_fraction = 0.0"), "it.utilisation",
     ["zero at every step"]),
])
def test_impossible_scenario_is_refused(tmp_path, capsys, text, key, words):
    if "idle_fraction = 0.0" in text:  # the legacy file sets idle_fraction itself
        text = text.replace("idle_fraction = 0.45\n", "", 1)
    bad = _scenario(tmp_path, text)
    out = tmp_path / "out"
    err = _refused(capsys, ["run", str(bad), "--out", str(out)], out, f"key '{key}'", *words)
    assert "constrained-" not in err and "function-" not in err and "union[" not in err


def test_non_utf8_scenario_and_study(tmp_path, capsys):
    """A file saved in GBK or Latin-1 (Chinese Windows, old editors) is one line naming the byte."""
    gbk = _scenario(tmp_path, ("# 广州机房\n" + BASE).encode("gbk"))
    _refused(capsys, ["run", str(gbk), "--out", str(tmp_path / "o1")], tmp_path / "o1", "not UTF-8", "save it as UTF-8")
    study = (tmp_path / "study.toml")
    study.write_bytes(STUDY.read_text(encoding="utf-8").replace('name = "', 'name = "café ', 1).encode("latin-1"))
    _refused(capsys, ["compare", str(study), "--out", str(tmp_path / "o2")], tmp_path / "o2", "not UTF-8", "0xe9")
    # a study whose baseline is not UTF-8 names the baseline file
    shutil.copy(gbk, tmp_path / "guangzhou_legacy.toml")
    study.write_text(STUDY.read_text(encoding="utf-8"), encoding="utf-8")
    _refused(capsys, ["compare", str(study), "--out", str(tmp_path / "o3")], tmp_path / "o3",
             "guangzhou_legacy.toml", "not UTF-8")


def test_utf8_bom_is_read(tmp_path, capsys):
    """Notepad's UTF-8 with a byte-order mark is UTF-8: accepted."""
    bom = _scenario(tmp_path, "\ufeff" + BASE)
    assert main(["run", str(bom), "--check"]) == 0
    assert "valid" in capsys.readouterr().out


def _read_only_place(tmp_path: Path) -> Path:
    """A folder this process cannot write in (as root, a read-only system folder)."""
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        return ro / "out"
    for candidate in ("/sys", "/proc"):
        try:
            (Path(candidate) / ".dctwin-probe").touch()
        except OSError:
            return Path(candidate) / "dctwin-out"
    pytest.skip("no read-only place on this machine")


OUT_COMMANDS = [
    ["run", str(LEGACY)],
    ["run", str(LEGACY), "--years", "2"],
    ["compare", str(STUDY)],
    ["sweep", "sweep_example", "--workers", "0"],
    ["optimise", str(LEGACY), "--workers", "0"],
    ["roadmap", str(LEGACY), "--years", "2"],
    ["catalog", "containment", "--sites", "guangzhou"],
]


@pytest.mark.parametrize("argv", OUT_COMMANDS, ids=lambda a: " ".join(a[:1] + a[2:]))
@pytest.mark.parametrize("where", ["existing file", "under a file", "read-only", "NUL", "name too long"])
def test_bad_out_is_refused_before_any_work(tmp_path, capsys, monkeypatch, argv, where):
    """An --out that cannot be written is refused at once, before weather, assembly or simulation."""
    import twin.engine.simulate

    def no_work(*a, **k):
        raise AssertionError("simulated although --out cannot be written")
    monkeypatch.setattr(twin.engine.simulate, "prepare", no_work)
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    out = {"existing file": blocker, "under a file": blocker / "sub",
           "read-only": _read_only_place(tmp_path) if where == "read-only" else None,
           "NUL": tmp_path / "bad\0name", "name too long": tmp_path / ("x" * 300)}[where]
    code = main(argv + ["--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "key '--out'" in err, err
    assert blocker.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "ro") == ["a_file"]


def test_calibrate_out_must_be_a_writable_file(tmp_path, capsys):
    meters = SCENARIOS / "meters" / "example_meters.csv.gz"
    _refused(capsys, ["calibrate", str(meters), "--scenario", str(LEGACY), "--out", str(tmp_path)],
             tmp_path / "nothing", "is a folder")
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    _refused(capsys, ["calibrate", str(meters), "--scenario", str(LEGACY), "--out", str(blocker / "cal.toml")],
             blocker / "cal.toml", "is a file")


def test_one_line_whatever_the_input():
    """Line breaks, NUL and escape sequences a user typed into a key are shown escaped."""
    err = InputError("unknown key", file="a\nb.toml", key="it.\x1b[31mred\n")
    text = str(err)
    assert "\n" not in text and "\x1b" not in text and "\\n" in text and "\\x1b" in text
    assert one_line("广州 café") == "广州 café"


def test_unknown_key_with_a_line_break(tmp_path, capsys):
    bad = _scenario(tmp_path, BASE.replace("[it]\n", '[it]\n"bogus\\nkey" = 1\n', 1))
    _refused(capsys, ["run", str(bad)], tmp_path / "out", "unknown key", "bogus\\nkey")


def test_measure_that_makes_the_scenario_impossible(tmp_path, capsys):
    """A measure may not take the plant where it cannot go: the chilled water above the supply air."""
    text = BASE.replace("supply_air_c = 18.0", "supply_air_c = 16.0").replace("chw_supply_c = 7.0", "chw_supply_c = 9.0")
    text += '\n[[measures]]\nname = "waterside_economizer"\nchw_supply_c = 17.0\n'
    bad = _scenario(tmp_path, text)
    _refused(capsys, ["run", str(bad), "--out", str(tmp_path / "out")], tmp_path / "out",
             "key 'measures.0'", "waterside_economizer", "plant.chw_supply_c < air.supply_air_c")


def test_check_flag_stops_before_simulating(tmp_path, capsys, monkeypatch):
    import twin.engine.simulate

    def no_simulation(*a, **k):
        raise AssertionError("--check simulated")
    monkeypatch.setattr(twin.engine.simulate, "run_plant", no_simulation)
    out = tmp_path / "out"
    assert main(["run", str(LEGACY), "--check", "--out", str(out)]) == 0
    assert main(["compare", str(STUDY), "--check", "--out", str(out)]) == 0
    assert main(["sweep", "sweep_example", "--check", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "valid (16 mixes)" in text and "valid (24 cases)" in text
    assert not out.exists()


def test_process_exit_code_and_stderr(tmp_path):
    """The installed entry point as a process: exit status 2, one stderr line, nothing on stdout."""
    bad = _scenario(tmp_path, ("# 广州\n" + BASE).encode("gbk"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "twin.cli", "run", str(bad), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "not UTF-8" in proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv, words", [
    (["sweep", "sweep_example", "--workers", "abc"], ["argument --workers: invalid int value: 'abc'", "dctwin sweep --help"]),
    (["run", "--bogus"], ["unrecognized arguments: --bogus"]),
    (["nosuch"], ["invalid choice: 'nosuch'"]),
])
def test_usage_error_is_one_line(capsys, argv, words):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.startswith("dctwin: error: ") and err.count("\n") == 1, err
    for w in words:
        assert w in err


@pytest.mark.parametrize("extra, key, words", [
    (["--time-budget", "-1"], "--time-budget", ["> 0"]),
    (["--report", "{blocker}"], "--report", ["is a file"]),
])
def test_calibrate_options_checked_first(tmp_path, capsys, extra, key, words):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    out = tmp_path / "cal.toml"
    argv = ["calibrate", "example_meters.csv.gz", "--scenario", str(LEGACY), "--out", str(out)]
    _refused(capsys, argv + [e.format(blocker=blocker) for e in extra], out, f"key '{key}'", *words)


def test_check_with_meters_checks_the_time_zone(capsys):
    assert main(["run", "--meters", "example_meters.csv.gz", "--check"]) == 0
    assert "valid" in capsys.readouterr().out
    # the example's timestamps carry UTC offsets, so --tz is not needed; a zone that does not exist is still refused
    code = main(["run", "--meters", "example_meters.csv.gz", "--tz", "Mars/Olympus", "--check"])
    err = capsys.readouterr().err
    assert code == 2 and "unknown time zone 'Mars/Olympus'" in err and err.count("\n") == 1


def test_control_character_is_unicode_category_cc():
    """The regular expression of twin.inputs.schema_base finds exactly the characters of category Cc."""
    import unicodedata
    from twin.inputs.schema_base import TEXT_WHITESPACE, control_character
    for code in range(0x110000):
        c = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        is_cc = unicodedata.category(c) == "Cc"
        assert (control_character(f"a{c}b") == c) is is_cc, hex(code)
        assert (control_character(c, TEXT_WHITESPACE) is None) is (not is_cc or c in TEXT_WHITESPACE)
    assert control_character({"k": ["ok", "x\x1by"]}) == "\x1b"
