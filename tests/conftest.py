"""Shared fixtures: the bundled default scenario, a scenario builder, and invariant checks."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

# property tests draw the same examples on every run, so a CI result is reproducible
settings.register_profile("dctwin", derandomize=True)
settings.load_profile("dctwin")

from components.layout import OUTPUT, POWER_COMPONENTS

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
LEGACY = SCENARIOS / "guangzhou_legacy.toml"


@pytest.fixture(scope="module")
def private_weather_cache(tmp_path_factory):
    """A module's tests use their own weather disk cache, never the user's."""
    from twin.inputs import weather as wx
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DCTWIN_CACHE_DIR", str(tmp_path_factory.mktemp("dctwin-cache")))
        wx.clear_memory_cache()
        yield
    wx.clear_memory_cache()


@pytest.fixture(scope="session")
def legacy_dict() -> dict:
    with open(LEGACY, "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture
def scenario_dict(legacy_dict) -> dict:
    """A fresh, mutable copy of the bundled default scenario."""
    return copy.deepcopy(legacy_dict)


@pytest.fixture(scope="session")
def legacy_result():
    from twin.engine.simulate import run_file
    return run_file(LEGACY)


def run_dict(data: dict):
    """Validate and simulate a scenario given as a dictionary."""
    from twin.engine.simulate import run_scenario
    from twin.inputs.schema import validate_scenario
    return run_scenario(validate_scenario(data), base_dir=SCENARIOS)


def compare_cli(tmp: Path, study_text: str) -> tuple[list[dict], Path]:
    """Write a study file in ``tmp``, run ``dctwin compare --json`` on it; return (ranked rows, out folder)."""
    import contextlib
    import io
    import json

    from twin.cli import main as cli_main

    study = tmp / "study.toml"
    study.write_text(study_text, encoding="utf-8")
    out = tmp / "out"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli_main(["compare", str(study), "--out", str(out), "--json"]) == 0
    return json.loads(buf.getvalue()), out


def run_mixes(base: dict, mixes: dict) -> dict:
    """Simulate the scenario ``base`` with each mix of ``mixes`` (name -> list of measure tables)."""
    out = {}
    for name, measures in mixes.items():
        d = copy.deepcopy(base)
        d["measures"] = measures
        out[name] = run_dict(d)
    return out


def assert_energy_closes(result, rel=1e-9):
    """Grid meter equals the sum of the component attributions at every step."""
    out = result.out
    facility = out[OUTPUT.p_facility]
    parts = sum(out[OUTPUT[c]] for c in POWER_COMPONENTS)
    np.testing.assert_allclose(parts, facility, rtol=rel, atol=0.0)
    # meter identity with storage, PV and outages (components.power_chain.power_chain):
    # grid + PV + backup generation + not supplied = facility + energy into the cells - energy out of them
    supplied = (out[OUTPUT.p_grid] + out[OUTPUT.p_pv] + out[OUTPUT.p_backup_generation]
                + out[OUTPUT.p_not_supplied])
    demand = facility + out[OUTPUT.p_storage_charge] - out[OUTPUT.p_storage_discharge]
    np.testing.assert_allclose(supplied, demand, rtol=rel, atol=rel * float(np.max(np.abs(facility))))


def assert_heat_closes(result, rel=1e-9):
    """First law: everything drawn from the grid (plus latent and envelope gains) leaves as heat.

    Heat rejected by towers and directly to outdoor air, heat left unremoved, heat handed to a
    district-cooling supplier, and the power of fans whose heat leaves with their exhaust air
    (towers, IEC secondary air, dry coolers) equal facility power plus the latent coil load and
    the envelope gain, plus the cold put into thermal storage minus the cold taken out.
    """
    out = result.out
    lhs = (out[OUTPUT.q_rejected_wet] + out[OUTPUT.q_rejected_dry] + out[OUTPUT.q_unmet]
           + out[OUTPUT.p_tower_fans] + out[OUTPUT.p_iec_secondary] + out[OUTPUT.p_dry_cooler_fans]
           + out[OUTPUT.q_purchased_cooling])
    envelope = result.plant.scenario.crah.envelope_gain_kw * 1e3
    rhs = (out[OUTPUT.p_facility] + out[OUTPUT.q_latent] + envelope + out[OUTPUT.q_tes_charge]
           - out[OUTPUT.q_tes_discharge])
    np.testing.assert_allclose(lhs, rhs, rtol=rel, atol=0.0)
