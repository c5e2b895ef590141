"""The front door: ``import dctwin`` and its API, ``python -m dctwin``, the version, portable paths,
the worked example, the first-run notice, and the sources every citation points at."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import dctwin
from conftest import LEGACY, ROOT, run_dict
from twin.cli import main as cli_main
from twin.errors import InputError


def _cli_json(argv: list[str]):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli_main(argv) == 0
    return json.loads(buf.getvalue())


def _without_runtime(summary: dict) -> dict:
    out = json.loads(json.dumps(summary))
    out["run"].pop("runtime_s")
    if "band" in out:
        out["band"].pop("runtime_s")
    return out


# ------------------------------------------------------------------------------------------------
# dctwin.run / Result
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def legacy():
    return dctwin.run("guangzhou_legacy")


def test_run_summary_is_the_cli_json(legacy):
    assert _without_runtime(legacy.summary()) == _without_runtime(_cli_json(["run", "--json"]))


def test_run_dataset_is_results_nc(legacy, tmp_path):
    """``to_dataset()`` holds what ``dctwin run --out`` writes to results.nc (variables and attributes)."""
    assert cli_main(["run", "--out", str(tmp_path)]) == 0
    with xr.open_dataset(tmp_path / "results.nc", engine="h5netcdf") as nc:
        ds = legacy.to_dataset()
        assert set(ds.data_vars) == set(nc.data_vars)
        for name in ("p_facility", "p_it", "t_supply_air", "temp_wet_bulb"):
            np.testing.assert_array_equal(ds[name].values, nc[name].values)
        assert {k: str(v) for k, v in ds.attrs.items()} == {k: str(v) for k, v in nc.attrs.items()}
    # and the energy it integrates to is the summary's (independent of the summary code path)
    kwh = float(ds["p_facility"].sum()) * 3600 / 3.6e6
    assert kwh == pytest.approx(legacy.summary()["energy_facility_kwh"]["value"], rel=1e-12)


def test_run_overrides_equal_an_edited_scenario(scenario_dict):
    """``it__utilisation=0.55`` gives what a scenario with that value in its TOML gives."""
    scenario_dict["it"]["utilisation"] = 0.55
    edited = run_dict(scenario_dict)
    res = dctwin.run(LEGACY, it__utilisation=0.55)
    np.testing.assert_array_equal(res.raw["p_facility"], edited["p_facility"])
    as_table = dctwin.run("guangzhou_legacy.toml", it={"utilisation": 0.55})
    np.testing.assert_array_equal(as_table.raw["p_facility"], edited["p_facility"])


@pytest.mark.parametrize("overrides, key", [({"it__no_such_key": 1}, "it.no_such_key"),
                                            ({"it__utilisation": 7.0}, "it.utilisation"),
                                            ({"it____utilisation": 0.5}, "it____utilisation")])
def test_bad_override_is_an_input_error_naming_the_key(overrides, key):
    with pytest.raises(InputError) as err:
        dctwin.run("guangzhou_legacy", **overrides)
    assert key in str(err.value)


def test_unknown_scenario_lists_the_bundled_ones():
    with pytest.raises(InputError, match="guangzhou_legacy"):
        dctwin.run("no_such_scenario")


def test_save_writes_what_the_cli_writes(legacy, tmp_path):
    legacy.save(tmp_path)
    assert _without_runtime(json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))) == \
        _without_runtime(legacy.summary())
    assert (tmp_path / "results.nc").exists()


def test_compare_table_is_the_cli_json(tmp_path):
    study = tmp_path / "study.toml"
    study.write_text(f'[study]\nname = "two"\nbaseline = "{LEGACY.as_posix()}"\n'
                     '[[mixes]]\nname = "contained"\nmeasures = ["containment"]\n', encoding="utf-8")
    res = dctwin.compare(study)
    table = res.table()
    cli = _cli_json(["compare", str(study), "--json", "--no-report", "--out", str(tmp_path / "out")])
    assert [r["mix"] for r in table] == [r["mix"] for r in cli]
    assert [r["pue"] for r in table] == [r["pue"] for r in cli]
    ds = res.to_dataset()
    assert ds.sizes["mix"] == len(table)


# ------------------------------------------------------------------------------------------------
# Outputs without machine paths
# ------------------------------------------------------------------------------------------------

def _strings(x):
    if isinstance(x, dict):
        for k, v in x.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from _strings(v)
    elif isinstance(x, str):
        yield x


def _machine_paths(strings, *roots: Path) -> list[str]:
    return [s for s in strings if s.startswith("/") or any(str(r) in s for r in roots)]


def test_outputs_name_inputs_without_machine_paths(tmp_path):
    """A user's scenario with its own weather file: --json, summary.json and results.nc name the
    scenario by its file name and the weather by its path relative to the scenario."""
    folder = tmp_path / "project"
    (folder / "weather").mkdir(parents=True)
    epw = next((ROOT / "twin" / "data" / "weather").glob("CHN_Guangdong.Guangzhou*.epw.gz"))
    shutil.copy(epw, folder / "weather" / "gz.epw.gz")
    text = LEGACY.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^site = .*$', 'site = "weather/gz.epw.gz"', text, count=1)
    (folder / "mine.toml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    summary = _cli_json(["run", str(folder / "mine.toml"), "--json", "--out", str(out)])
    assert summary["scenario"]["file"] == "mine.toml"
    assert summary["scenario"]["weather_file"] == "weather/gz.epw.gz"
    assert _machine_paths(_strings(summary), tmp_path, ROOT) == []
    assert _machine_paths(_strings(json.loads((out / "summary.json").read_text(encoding="utf-8"))), tmp_path, ROOT) == []
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as nc:
        attrs = [str(v) for v in nc.attrs.values()] + [str(v) for var in nc.variables.values() for v in var.attrs.values()]
        assert nc.attrs["weather_file"] == "weather/gz.epw.gz"
    assert _machine_paths(attrs, tmp_path, ROOT) == []


def test_bundled_files_are_named_by_their_bare_names(legacy):
    s = legacy.summary()["scenario"]
    assert s["file"] == "guangzhou_legacy.toml"
    assert s["weather_file"] == Path(legacy.raw.plant.weather.source_file).name
    assert "/" not in legacy.to_dataset().attrs["weather_file"]


# ------------------------------------------------------------------------------------------------
# Version, python -m dctwin, the worked example, sources, constraints
# ------------------------------------------------------------------------------------------------

def test_version_has_one_source(capsys):
    with pytest.raises(SystemExit) as exc:
        cli_main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"dctwin {dctwin.__version__}"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "twin/__init__.py"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {dctwin.__version__}" in changelog


def test_license_matches_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "BSD-3-Clause"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("BSD 3-Clause License") and "Neither the name of the copyright holder" in text


def test_python_m_dctwin(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dctwin", "--version"], capture_output=True, text=True,
                          cwd=tmp_path, env=_env(ROOT), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"dctwin {dctwin.__version__}"


def _env(*paths: Path) -> dict:
    import os
    env = dict(os.environ)
    env["PYTHONPATH"] = ":".join(str(p) for p in paths)
    return env


def test_quickstart_example_runs_and_prints_the_api_figures(tmp_path):
    """examples/quickstart.py, as a user runs it; its figures are the API's own."""
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py")], capture_output=True,
                          text=True, cwd=tmp_path, env=_env(ROOT), timeout=600)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"dctwin {dctwin.__version__}"
    base = _cli_json(["run", "--json"])
    busier = dctwin.run("guangzhou_legacy", it__utilisation=0.6).summary()
    for line, s in zip(lines[1:], (base, busier)):
        assert f"PUE {s['pue']['value']:.4f}" in line
        assert f"peak {s['peak_facility_kw']['value']:,.1f} kW" in line
    assert list(tmp_path.iterdir()) == []  # it writes nothing


def test_every_sources_citation_resolves():
    """Every ``docs/sources.md <section>`` citation names a section that exists, and no file
    cites the old, unshipped table by its old file name (README.md excepted until the lead edits it)."""
    text = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"(?m)^#{2,3} (\d+(?:\.\d+)?)[. ]", text))
    assert {"1.1", "2.4", "4.6", "3"} <= sections
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not files:
        pytest.skip("needs a git checkout")
    cited, stale = set(), []
    for name in files:
        path = ROOT / name
        if name == "README.md" or not path.is_file() or path.suffix not in {".py", ".md", ".toml", ".json"}:
            continue
        body = path.read_text(encoding="utf-8", errors="replace")
        if name != "docs/sources.md" and re.search(r"(?<![\w/.-])figures\.md", body):  # it names its origin
            stale.append(name)
        cited |= {(name, m) for m in re.findall(r"docs/sources\.md,? (?:section )?(\d+(?:\.\d+)?)", body)}
    assert stale == []
    assert len(cited) > 100
    missing = sorted((n, s) for n, s in cited if s not in sections)
    assert missing == []


def test_constraints_pin_every_dependency_inside_its_range():
    from packaging.requirements import Requirement

    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = pyproject["project"]["dependencies"] + pyproject["project"]["optional-dependencies"]["test"]
    for text in reqs:
        req = Requirement(text)
        assert any(spec.operator in ("<", "<=", "==", "~=") for spec in req.specifier), f"{text}: no cap"
        name = req.name.lower()
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {req.specifier}"


# ------------------------------------------------------------------------------------------------
# The wheel: one top-level name, safe from a local components/, first-run notice
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wheel_install(tmp_path_factory) -> Path:
    """The wheel built from this checkout, installed (without dependencies) into a bare folder."""
    wheels = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    if build.returncode != 0:
        pytest.skip(f"cannot build the wheel here: {build.stderr.strip().splitlines()[-1:]}")
    wheel = next(wheels.glob("dctwin-*.whl"))
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    return target


PROBE = """
import json, sys
import dctwin, twin, components
ds = dctwin.run("guangzhou_legacy").to_dataset()
print(json.dumps({"dctwin": dctwin.__file__, "twin": twin.__file__, "components": components.__file__,
                  "steps": ds.sizes["time"], "kwh": float(ds["p_facility"].sum()) * 3600 / 3.6e6}))
"""


@pytest.mark.slow
def test_wheel_has_one_top_level_name(wheel_install):
    tops = {p.name for p in wheel_install.iterdir() if p.name not in {"bin", "__pycache__"}}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"dctwin"}
    pkg = wheel_install / "dctwin"
    assert (pkg / "py.typed").exists() and (pkg / "twin" / "_bundled" / "scenarios" / "guangzhou_legacy.toml").exists()
    assert not list(pkg.rglob("*.nbi"))
    dist = next(wheel_install.glob("dctwin-*.dist-info"))
    assert (dist / "licenses" / "LICENSE").exists()


@pytest.mark.slow
def test_wheel_imports_from_a_folder_with_its_own_components(wheel_install, tmp_path, legacy):
    """A notebook folder with its own ``components/`` and ``twin/`` packages (which raise on import):
    ``import dctwin; dctwin.run("guangzhou_legacy").to_dataset()`` uses the wheel's copies; the
    first run says it compiles, the second does not; the console script and ``-m`` answer."""
    for name in ("components", "twin"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(f"raise RuntimeError('the user {name} was imported')\n")
    env = _env(wheel_install)
    first = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=tmp_path, env=env,
                           timeout=600)
    assert first.returncode == 0, first.stderr
    got = json.loads(first.stdout)
    for name in ("dctwin", "twin", "components"):
        assert Path(got[name]).is_relative_to(wheel_install / "dctwin"), (name, got[name])
    assert got["steps"] == 8760
    assert got["kwh"] == pytest.approx(legacy.summary()["energy_facility_kwh"]["value"], rel=1e-9)
    assert "compiling kernels, first run only" in first.stderr
    second = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=tmp_path, env=env,
                            timeout=600)
    assert second.returncode == 0 and "compiling kernels" not in second.stderr
    for cmd in ([str(wheel_install / "bin" / "dctwin"), "--version"], [sys.executable, "-m", "dctwin", "--version"]):
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
        assert proc.returncode == 0 and proc.stdout.strip() == f"dctwin {dctwin.__version__}", proc.stderr


@pytest.mark.slow
def test_wheel_validate_says_what_it_needs(wheel_install, tmp_path):
    """The validation package is not in the wheel: ``dctwin validate`` says what it needs (one line,
    exit 2); pointed at a checkout's ``validation/`` it runs its cases against the installed engine."""
    env = _env(wheel_install)
    proc = subprocess.run([sys.executable, "-m", "dctwin", "validate"], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=300)
    err = proc.stderr.strip()
    assert proc.returncode == 2 and len(err.splitlines()) == 1 and "source checkout" in err, proc.stderr
    assert list(tmp_path.iterdir()) == []
    proc = subprocess.run([sys.executable, "-m", "dctwin", "validate", "--validation-dir", str(ROOT / "validation"),
                           "--only", "ups_wp113_formula", "--no-report"], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=600)
    assert proc.returncode == 0 and "ups_wp113_formula" in proc.stdout, proc.stderr


def test_a_foreign_components_already_imported_is_refused(tmp_path):
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "__init__.py").write_text("")
    code = "import components, dctwin"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env=_env(ROOT), timeout=120)
    assert proc.returncode != 0
    assert "another package named 'components' is already imported" in proc.stderr


def test_compare_outputs_name_files_without_machine_paths(tmp_path):
    """A study next to its baseline: results.nc, report.html and --json name both relative to the study."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(LEGACY, folder / "base.toml")
    (folder / "study.toml").write_text('[study]\nname = "one"\nbaseline = "base.toml"\n'
                                       '[[mixes]]\nname = "contained"\nmeasures = ["containment"]\n', encoding="utf-8")
    out = tmp_path / "out"
    rows = _cli_json(["compare", str(folder / "study.toml"), "--json", "--out", str(out)])
    assert _machine_paths(_strings(rows), tmp_path, ROOT) == []
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as nc:
        assert nc.attrs["study_file"] == "study.toml" and nc.attrs["baseline_file"] == "base.toml"
        assert _machine_paths([str(v) for v in nc.attrs.values()], tmp_path, ROOT) == []
    html = (out / "report.html").read_text(encoding="utf-8")
    assert str(tmp_path) not in html and str(ROOT) not in html
    assert "<code>base.toml</code>" in html


def test_meter_replay_outputs_name_the_meter_file_by_its_name(tmp_path):
    meters = tmp_path / "site" / "meters.csv.gz"
    meters.parent.mkdir()
    shutil.copy(ROOT / "scenarios" / "meters" / "example_meters.csv.gz", meters)
    out = tmp_path / "out"
    summary = _cli_json(["run", "guangzhou_legacy", "--meters", str(meters), "--json", "--out", str(out)])
    assert _machine_paths(_strings(summary), tmp_path, ROOT) == []
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as nc:
        assert nc.attrs["meter_file"] == "meters.csv.gz"
        assert _machine_paths([str(v) for v in nc.attrs.values()], tmp_path, ROOT) == []
