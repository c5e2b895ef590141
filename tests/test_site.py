"""Sites with several halls (twin/engine/site.py): energy and heat closure, own and shared plants, input errors, CLI."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import tomllib
from types import SimpleNamespace

import numpy as np
import pytest

from components.layout import OUTPUT, POWER_COMPONENTS
from conftest import SCENARIOS, assert_energy_closes, run_dict
from test_plant_operation import THERMAL_FLOWS
from twin.errors import InputError

EXAMPLE = SCENARIOS / "guangzhou_three_halls.toml"
PLANT = ("p_chillers", "p_chw_pumps", "p_cw_pumps", "p_tower_fans")


@pytest.fixture(scope="module")
def example():
    from twin.engine.site import run_site_file
    return run_site_file(EXAMPLE)


@pytest.fixture(scope="module")
def example_summary(example):
    from twin.metrics.site_summary import build_site_summary
    return build_site_summary(example, scenario_file=str(EXAMPLE))


def _hall(legacy: dict, name: str, *, shared: bool = False, **it) -> dict:
    """A hall table built from the bundled legacy room (every table but [scenario])."""
    d = {k: copy.deepcopy(v) for k, v in legacy.items() if k != "scenario"}
    d["name"] = name
    d["it"].update(it)
    if shared:
        d["plant"] = "shared"
    return d


def _site(legacy: dict, halls: list[dict], shared_plant: dict | None = None):
    from twin.engine.site import run_site
    from twin.inputs.site_schema import validate_site
    data = {"scenario": copy.deepcopy(legacy["scenario"]), "halls": halls}
    if shared_plant is not None:
        data["shared_plant"] = shared_plant
    return run_site(validate_site(data), base_dir=SCENARIOS)


def _energy_kwh(x: np.ndarray) -> float:
    return float(x.sum() / 1e3)  # hourly steps


# ---------------------------------------------------------------------------------------------
# Closure and signs
# ---------------------------------------------------------------------------------------------

def test_site_energy_closes_at_every_step(example):
    """Site meter = sum of every component of every hall and of the shared plant, to 1e-9, at every step."""
    for h in example.halls:
        assert_energy_closes(h.result)
    assert_energy_closes(SimpleNamespace(out=example.shared.out))
    site = sum(h.result["p_facility"] for h in example.halls) + example.shared["p_facility"]
    parts = sum(example.channel(c) for c in POWER_COMPONENTS)
    np.testing.assert_allclose(parts, site, rtol=1e-9, atol=0.0)
    np.testing.assert_allclose(example.channel("p_facility"), site, rtol=1e-12, atol=0.0)
    # the halls' allocated shares add up to the shared plant's meter
    allocated = sum(h.shared_power_w for h in example.halls)
    np.testing.assert_allclose(allocated, example.shared["p_facility"], rtol=1e-9, atol=0.0)


def assert_site_heat_closes(site) -> None:
    """First law over the site: the shared halls' purchased chilled water is what the shared plant rejects.

    Also: no thermal flow of any hall or of the shared plant is negative, and the plant served exactly
    the halls' summed chilled-water load (what they still buy plus what it handed back).
    """
    lhs = np.zeros(site.halls[0].result.plant.n_steps)
    rhs = site.channel("p_facility").copy()
    for h in site.halls:
        o = h.result.out
        lhs += (o[OUTPUT.q_rejected_wet] + o[OUTPUT.q_rejected_dry] + o[OUTPUT.q_unmet] + o[OUTPUT.p_tower_fans]
                + o[OUTPUT.p_iec_secondary] + o[OUTPUT.p_dry_cooler_fans])
        if not h.spec.shared:
            lhs += o[OUTPUT.q_purchased_cooling]
        rhs += o[OUTPUT.q_latent] + h.spec.scenario.crah.envelope_gain_kw * 1e3
        for k in THERMAL_FLOWS:
            assert o[OUTPUT[k]].min() >= -1e-6, (h.name, k)
    s = site.shared
    lhs += s["q_rejected_wet"] + s["q_rejected_dry"] + s["p_tower_fans"]
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=0.0)
    for k in THERMAL_FLOWS:
        assert s[k].min() >= -1e-6, ("shared plant", k)
    load = sum(h.result["q_purchased_cooling"] + h.unmet_from_plant_w for h in site.halls if h.spec.shared)
    np.testing.assert_allclose(s.load_w, load, rtol=1e-12)


def test_site_heat_closes_and_no_flow_is_negative(example):
    assert_site_heat_closes(example)


def test_example_summary_against_its_time_series(example, example_summary, tmp_path):
    """Site and hall PUE recomputed from the written NetCDF (an independent path through the numbers)."""
    import xarray as xr

    from twin.metrics.site_summary import site_dataset
    path = tmp_path / "site.nc"
    site_dataset(example).to_netcdf(path, engine="h5netcdf")
    ds = xr.open_dataset(path, engine="h5netcdf")
    halls = ds.sel(hall=ds.kind == "hall")
    fac = float(ds["p_facility"].sum()) / 1e3
    it = float(halls["p_it"].sum()) / 1e3
    dx_purchased = 0.0  # no hall buys district cooling in the example
    assert example_summary["pue"]["value"] == pytest.approx((fac + dx_purchased) / it, rel=1e-9)
    assert float(ds["site_p_facility"].sum()) / 1e3 == pytest.approx(fac, rel=1e-12)
    for line in example_summary["halls"]:
        h = ds.sel(hall=line["name"])
        own = float(h["p_facility"].sum() + h["shared_plant_allocated"].sum()) / 1e3
        assert line["pue"]["value"] == pytest.approx(own / (float(h["p_it"].sum()) / 1e3), rel=1e-9)
    # the halls' PUE x IT add up to the site's facility energy
    total = sum(x["pue"]["value"] * x["energy_it_kwh"]["value"] for x in example_summary["halls"])
    assert total == pytest.approx(example_summary["energy_facility_kwh"]["value"], rel=1e-9)
    assert [x["name"] for x in example_summary["halls"]] == ["legacy DX room", "hall A", "hall B"]
    assert example_summary["feasibility"]["verdict"]["value"] == "feasible"


def test_own_plant_hall_is_its_scenario_alone(example):
    """The example's legacy DX room on its own plant gives exactly what guangzhou_dx_room.toml gives alone."""
    from twin.engine.simulate import run_file
    alone = run_file(SCENARIOS / "guangzhou_dx_room.toml")
    hall = example.halls[0].result
    for c in POWER_COMPONENTS + ("p_facility", "t_rack_inlet_max", "q_unmet"):
        np.testing.assert_array_equal(hall[c], alone[c], err_msg=c)


def test_two_identical_own_plant_halls_are_twice_one_hall(legacy_dict):
    one = run_dict(copy.deepcopy(legacy_dict))
    site = _site(legacy_dict, [_hall(legacy_dict, "a"), _hall(legacy_dict, "b")])
    for c in POWER_COMPONENTS + ("p_facility",):
        np.testing.assert_array_equal(site.channel(c), 2.0 * one[c], err_msg=c)
    from twin.metrics.site_summary import build_site_summary
    from twin.metrics.summary import build_summary
    assert build_site_summary(site)["pue"]["value"] == pytest.approx(build_summary(one)["pue"]["value"], rel=1e-12)


@pytest.mark.parametrize("utilisation", [0.2, 0.4, 0.7])
def test_shared_plant_stages_better_than_two_separate_plants(legacy_dict, utilisation):
    """Same total chiller capacity (2 x 3 chillers vs 6): the shared plant, staged on the total, uses less.

    At part load each separate plant runs at least its own lead chiller, pump and tower cell; the shared
    plant runs one chiller fewer for the same total (measured: 8-10 % less plant energy at 20-70 %).
    """
    separate = _site(legacy_dict, [_hall(legacy_dict, "a", utilisation=utilisation),
                                   _hall(legacy_dict, "b", utilisation=utilisation)])
    plant = dict(legacy_dict["plant"], chillers=2 * legacy_dict["plant"]["chillers"])
    shared = _site(legacy_dict, [_hall(legacy_dict, "a", shared=True, utilisation=utilisation),
                                 _hall(legacy_dict, "b", shared=True, utilisation=utilisation)], plant)
    e_sep = sum(_energy_kwh(separate.channel(c)) for c in PLANT)
    e_shared = sum(_energy_kwh(shared.channel(c)) for c in PLANT)
    assert e_shared < e_sep
    assert shared.shared["chillers_on"].mean() < sum(h.result["chillers_on"].mean() for h in separate.halls)
    # and the halls' own air sides are untouched by the change of plant
    for a, b in zip(separate.halls, shared.halls):
        np.testing.assert_allclose(a.result["p_crah_fans"], b.result["p_crah_fans"], rtol=1e-12)


def test_shared_plant_at_full_load_equals_separate_plants(legacy_dict):
    """When both layouts need every duty chiller the plant energies agree (no staging to gain)."""
    separate = _site(legacy_dict, [_hall(legacy_dict, "a", utilisation=1.0), _hall(legacy_dict, "b", utilisation=1.0)])
    plant = dict(legacy_dict["plant"], chillers=2 * legacy_dict["plant"]["chillers"])
    shared = _site(legacy_dict, [_hall(legacy_dict, "a", shared=True, utilisation=1.0),
                                 _hall(legacy_dict, "b", shared=True, utilisation=1.0)], plant)
    for c in PLANT:
        assert _energy_kwh(shared.channel(c)) == pytest.approx(_energy_kwh(separate.channel(c)), rel=1e-9), c


def test_shared_plant_shortfall_is_handed_back_to_the_halls(legacy_dict):
    """An undersized shared plant: the unmet heat reaches the halls in proportion to their load, warms them,
    and makes the site infeasible with the halls named."""
    from twin.metrics.site_summary import build_site_summary
    plant = dict(legacy_dict["plant"], chillers=2, chiller_capacity_kw=500.0)
    site = _site(legacy_dict, [_hall(legacy_dict, "big", shared=True, utilisation=0.8),
                               _hall(legacy_dict, "small", shared=True, utilisation=0.3)], plant)
    unmet = site.shared.unmet_w
    assert unmet.max() > 0.0
    back = [h.unmet_from_plant_w for h in site.halls]
    np.testing.assert_allclose(back[0] + back[1], unmet, rtol=1e-12)
    loads = [h.result["q_purchased_cooling"] + b for h, b in zip(site.halls, back)]
    short = unmet > 0.0
    np.testing.assert_allclose(back[0][short] / back[1][short], loads[0][short] / loads[1][short], rtol=1e-9)
    assert back[0].sum() > back[1].sum()
    for h in site.halls:
        o = h.result.out
        assert (o[OUTPUT.q_unmet] >= h.unmet_from_plant_w - 1e-9).all()
        assert (o[OUTPUT.t_supply_air][short] > o[OUTPUT.t_supply_air_setpoint][short]).all()
    assert_site_heat_closes(site)  # the handed-back heat is neither lost nor counted twice
    s = build_site_summary(site)
    assert s["feasibility"]["verdict"]["value"] == "infeasible"
    assert any(r.startswith("Hall 'big':") for r in s["feasibility"]["reasons"])
    assert any(r.startswith("Shared plant:") for r in s["feasibility"]["reasons"])
    assert s["shared_plant"]["unmet_hours"]["value"] == pytest.approx(float(short.sum()))


# ---------------------------------------------------------------------------------------------
# Input errors
# ---------------------------------------------------------------------------------------------

def _example_data() -> dict:
    return tomllib.loads(EXAMPLE.read_text())


def _edit_plant_type(d):
    d["shared_plant"]["type"] = "dx"


def _edit_design(d):
    d["halls"][1]["it"]["design_kw"] = -5.0


def _edit_no_shared(d):
    d["halls"][1]["plant"] = "shared_plant"


def _edit_duplicate(d):
    d["halls"][2]["name"] = "hall A"


def _edit_top_level(d):
    d["it"] = {"design_kw": 100.0, "racks": 10}


def _edit_hall_scenario(d):
    d["halls"][0]["scenario"] = {"site": "beijing"}


def _edit_no_hall_on_plant(d):
    for h in d["halls"]:
        h["plant"] = copy.deepcopy(d["halls"][0]["plant"])


def _edit_missing_plant(d):
    del d["shared_plant"]


def _edit_optimise(d):
    d["halls"][2]["control"] = {"mode": "optimise"}


def _edit_board(d):
    d["shared_plant"]["power"]["transformers"] = -1


def _edit_board_model(d):
    d["shared_plant"]["power"]["transformer_model"] = "abc"


def _edit_tiny(d):
    d["shared_plant"]["chiller_capacity_kw"] = 1.0


def _edit_curves(d):
    d["shared_plant"]["chiller_curves"] = "dx_crac_eplus_curve_i"


@pytest.mark.parametrize("edit, key", [
    (_edit_plant_type, "shared_plant.type"),
    (_edit_design, "halls.1.it.design_kw"),
    (_edit_no_shared, "halls.1.plant"),
    (_edit_duplicate, "halls.2.name"),
    (_edit_top_level, "it"),
    (_edit_hall_scenario, "halls.0.scenario"),
    (_edit_no_hall_on_plant, "shared_plant"),
    (_edit_missing_plant, "halls.1.plant"),
    (_edit_optimise, "halls.2.control.mode"),
    (_edit_board, "shared_plant.power.transformers"),
    (_edit_board_model, "shared_plant.power.transformer_model"),
    (_edit_tiny, "shared_plant.chiller_capacity_kw"),
    (_edit_curves, "shared_plant.chiller_curves"),
])
def test_bad_site_is_one_clear_error(edit, key):
    """Each bad site names the file and the key path inside it, before anything is written."""
    from twin.engine.site import run_site
    from twin.inputs.site_schema import validate_site
    data = _example_data()
    edit(data)
    with pytest.raises(InputError) as err:
        run_site(validate_site(data, file="site.toml"), base_dir=SCENARIOS)
    assert err.value.key == key and err.value.file == "site.toml", str(err.value)
    assert "\n" not in str(err.value)


def test_bad_site_file_exits_2_with_one_line(tmp_path, capsys):
    from twin.cli import main as cli_main
    path = tmp_path / "site.toml"
    path.write_text(EXAMPLE.read_text().replace("chillers = 4 ", "chillers = 0 ", 1))
    out = tmp_path / "out"
    assert cli_main(["run", str(path), "--out", str(out)]) == InputError.exit_code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and "key 'shared_plant.chillers'" in err[0] and ">= 1" in err[0], err
    assert not out.exists()


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def test_cli_runs_the_example_site(tmp_path, example_summary):
    import xarray as xr

    from twin.cli import main as cli_main
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli_main(["run", str(EXAMPLE), "--json", "--out", str(tmp_path)]) == 0
    summary = json.loads(buf.getvalue())
    assert summary["scenario"]["kind"] == "site"
    assert [h["name"] for h in summary["halls"]] == [h["name"] for h in example_summary["halls"]]
    assert summary["pue"]["value"] == pytest.approx(example_summary["pue"]["value"], rel=1e-12)
    assert summary["halls"][1]["plant"] == "shared" and summary["halls"][0]["plant"] == "dx"
    ds = xr.open_dataset(tmp_path / "results.nc", engine="h5netcdf")
    assert list(ds["hall"].values) == ["legacy DX room", "hall A", "hall B", "shared plant"]
    assert json.loads((tmp_path / "summary.json").read_text())["pue"] == summary["pue"]


def test_cli_prints_one_line_per_hall(capsys):
    from twin.cli import main as cli_main
    assert cli_main(["run", str(EXAMPLE)]) == 0
    text = capsys.readouterr().out
    for name in ("legacy DX room", "hall A", "hall B", "Shared plant", "site"):
        assert name in text


def test_cli_refuses_monte_carlo_on_a_site(capsys):
    from twin.cli import main as cli_main
    assert cli_main(["run", str(EXAMPLE), "--years", "3"]) == InputError.exit_code
    assert "--years" in capsys.readouterr().err


def test_one_hall_commands_refuse_a_site_file():
    from twin.inputs.schema import load_scenario
    with pytest.raises(InputError) as err:
        load_scenario(EXAMPLE)
    assert err.value.key == "halls" and "dctwin run" in err.value.message


def test_hall_breakdowns_add_up_to_the_site(example_summary):
    """Per component: the halls' own breakdowns plus the shared plant's equal the site breakdown."""
    site = {r["component"]: r["kwh"] for r in example_summary["breakdown"]}
    shared = example_summary["shared_plant"]["energy_by_component_kwh"]
    for c, kwh in site.items():
        halls = sum(r["kwh"] for h in example_summary["halls"] for r in h["breakdown"] if r["component"] == c)
        assert halls + shared.get(c, 0.0) == pytest.approx(kwh, rel=1e-9, abs=1e-9), c


def test_example_shared_plant_against_separate_plants(example):
    """The bundled example with halls A and B each on half the shared plant (2 x 1000 kW each) instead:
    the shared plant uses less plant energy and the site less energy, despite its own board's
    transformers (docs/plants.md quotes these figures)."""
    from twin.engine.site import run_site
    from twin.inputs.site_schema import validate_site
    data = _example_data()
    plant = {k: v for k, v in data.pop("shared_plant").items() if k != "power"}
    for hall in data["halls"]:
        if hall.get("plant") == "shared":
            hall["plant"] = dict(plant, chillers=plant["chillers"] // 2)
    separate = run_site(validate_site(data), base_dir=SCENARIOS)
    e_sep = sum(_energy_kwh(separate.channel(c)) for c in PLANT)
    e_shared = sum(_energy_kwh(example.channel(c)) for c in PLANT)
    assert e_shared / e_sep - 1.0 == pytest.approx(-0.028, abs=0.002)
    assert _energy_kwh(example.channel("p_facility")) < _energy_kwh(separate.channel("p_facility"))
    assert _energy_kwh(example.shared["p_transformer_loss"]) > 0.0


def test_site_summary_names_files_without_machine_paths(example_summary):
    """A bundled site file and its weather are named by their bare names (as `dctwin run --json` does)."""
    scn = example_summary["scenario"]
    assert scn["file"] == EXAMPLE.name
    assert scn["weather_file"] and "/" not in scn["weather_file"] and "\\" not in scn["weather_file"]
