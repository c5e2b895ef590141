"""The command line end to end, and bad input: one clear message, exit 2, no output files."""

import gzip
import json
import shutil
import subprocess
import sys

import pytest
import xarray as xr

from conftest import LEGACY, ROOT
from twin.cli import main


def test_run_default_end_to_end(tmp_path):
    """The installed console script on the bundled default, as a user types it."""
    exe = shutil.which("dctwin") or str((ROOT / ".venv" / "bin" / "dctwin"))
    out = tmp_path / "res"
    proc = subprocess.run([exe, "run", str(LEGACY), "--out", str(out), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert 1.6 < summary["pue"]["value"] < 2.0
    assert summary["pue"]["unit"] == "-"
    assert len(summary["pue_monthly"]["value"]) == 12
    assert {"ppue_cooling", "ppue_power", "breakdown", "peak_facility_kw", "hours_setpoint_not_held"} <= set(summary)
    assert json.loads((out / "summary.json").read_text()) == summary
    ds = xr.open_dataset(out / "results.nc", engine="h5netcdf")
    assert ds.sizes["time"] == 8760
    assert ds["p_facility"].attrs["units"] == "W"
    assert ds["t_rack_inlet"].attrs["units"] == "degC"
    assert abs(float(ds["p_facility"].sum()) * 3600 / 3.6e6 - summary["energy_facility_kwh"]["value"]) < 1e-6 * summary["energy_facility_kwh"]["value"]
    ds.close()


def test_run_prints_table(capsys):
    assert main(["run"]) == 0
    text = capsys.readouterr().out
    for words in ("PUE (annual)", "pPUE cooling", "pPUE power", "Monthly PUE", "Energy by component",
                  "Peak facility power", "Hours set point not held"):
        assert words in text


def _write(tmp_path, text, name="bad.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


BASE = LEGACY.read_text()


@pytest.mark.parametrize("edit, key, words", [
    (lambda s: s.replace("[it]\n", "[it]\nbogus_key = 1\n"), "it.bogus_key", "unknown key"),
    (lambda s: s.replace("design_kw = 2000.0", 'design_kw = "lots"'), "it.design_kw", "expected a number"),
    (lambda s: s.replace("utilisation = 0.40", "utilisation = 1.2"), "it.utilisation", "<= 1"),
    (lambda s: s.replace("supply_air_c = 18.0", "supply_air_c = 40.0"), "air.supply_air_c", "10-32"),
    (lambda s: s.replace('site = "guangzhou"', 'site = "atlantis"'), "scenario.site", "guangzhou"),
    (lambda s: s.replace('site = "guangzhou"', 'site = "missing.epw"'), "scenario.site", "missing.epw"),
    (lambda s: s.replace('ups_curve = "wp113_typical"', 'ups_curve = "magic"'), "power.ups_curve", "wp113_typical"),
    (lambda s: s + '\n[[measures]]\nname = "teleportation"\n', "measures.0.name", "containment"),
    (lambda s: s.replace("[plant]\n", "[plant]\ntower_approach_k = 0.5\n"), "plant.tower_approach_k", ">= 1.5"),
    (lambda s: s + "\n[liquid]\nfraction = 0.75\ndry_cooler_air_rise_k = 12.0\n", "liquid.dry_cooler_air_rise_k",
     "below 10.4 K"),
])
def test_bad_scenario_is_one_clear_error(tmp_path, capsys, edit, key, words):
    bad = _write(tmp_path, edit(BASE))
    out = tmp_path / "out"
    code = main(["run", str(bad), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(bad) in err and key in err and words in err, err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_corrupt_epw_is_a_clear_error(tmp_path, capsys):
    epw = tmp_path / "broken.epw.gz"
    with gzip.open(epw, "wt") as fh:
        fh.write("LOCATION,Nowhere\nthis is not weather\n")
    bad = _write(tmp_path, BASE.replace('site = "guangzhou"', f'site = "{epw}"'))
    code = main(["run", str(bad), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "broken.epw.gz" in err and "scenario.site" in err
    assert not (tmp_path / "out").exists()


def test_malformed_toml(tmp_path, capsys):
    bad = _write(tmp_path, "[it\ndesign_kw = 1")
    assert main(["run", str(bad)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_unknown_file(capsys):
    assert main(["run", "no_such_scenario.toml"]) == 2
    assert "guangzhou_legacy" in capsys.readouterr().err


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "twin.cli", "sites"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "shaoguan" in proc.stdout


def test_json_output_is_strict(tmp_path, capsys):
    """NaN and infinities become null and numpy scalars plain numbers, on stdout and on disk."""
    import numpy as np

    from twin.engine.results import print_json, write_json
    obj = {"pue": np.float64(1.5), "n": np.int64(3), "ok": np.bool_(True), "missing": float("nan"),
           "rows": [{"x": float("inf")}], "name": "韶关"}
    expected = {"pue": 1.5, "n": 3, "ok": True, "missing": None, "rows": [{"x": None}], "name": "韶关"}
    print_json(obj)
    strict = {"parse_constant": lambda c: pytest.fail(f"non-standard JSON constant {c}")}
    assert json.loads(capsys.readouterr().out, **strict) == expected
    write_json(obj, tmp_path / "out.json")
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"), **strict) == expected
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


def test_console_is_main_then_a_quick_exit(monkeypatch):
    """The console script and ``python -m`` run :func:`twin.cli.console`: main's exit status, then every
    object exempted from the exit's garbage collections."""
    import gc
    import tomllib

    import twin.cli

    frozen = []
    monkeypatch.setattr(twin.cli, "main", lambda: 3)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    assert twin.cli.console() == 3 and frozen == [True]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["dctwin"] == "dctwin:console"
