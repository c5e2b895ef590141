"""Carbon roadmap: the year-k scaling rules, a short multi-year run, and `dctwin roadmap`."""

import json

import pytest

from twin.cli import main as cli_main
from twin.errors import InputError
from twin.inputs.bundled import resolve_scenario
from twin.inputs.schema import load_scenario
from twin.study.roadmap import grid_factor_scale, renewable_share_of_year, run_roadmap, year_utilisation

pytestmark = pytest.mark.usefixtures("private_weather_cache")


def test_year_rules():
    assert year_utilisation(0.4, 0.05, 0) == 0.4
    assert year_utilisation(0.4, 0.05, 3) == pytest.approx(0.4 * 1.05 ** 3)
    assert year_utilisation([0.5] * 24, 0.1, 2) == pytest.approx([0.605] * 24)
    assert year_utilisation(0.5, 1.0, 1) == 1.0  # exactly full is allowed
    with pytest.raises(InputError, match="would reach 1.080") as err:
        year_utilisation(0.9, 0.2, 1, file="s.toml")
    assert err.value.key == "roadmap.it_growth" and err.value.file == "s.toml"
    assert grid_factor_scale(0.024, 2) == pytest.approx(0.976 ** 2)
    assert renewable_share_of_year(0.1, 0.05, 4) == pytest.approx(0.3)
    assert renewable_share_of_year(0.9, 0.05, 4) == 1.0


@pytest.fixture(scope="module")
def default():
    path = resolve_scenario(None)
    return path, load_scenario(path)


def test_roadmap_years(default):
    path, scn = default
    scn = scn.model_copy(deep=True)
    scn.roadmap.renewable_share_start = 0.2
    scn.roadmap.renewable_share_step = 0.1
    rows = run_roadmap(scn, years=3, file=str(path), base_dir=path.parent)
    assert [r["k"] for r in rows] == [0, 1, 2]
    assert [r["year"] for r in rows] == [scn.scenario.year + k for k in range(3)]
    base = rows[0]
    for r in rows:
        k = r["k"]
        assert r["utilisation_mean"] == pytest.approx(0.4 * 1.05 ** k)
        assert r["grid_factor"] == pytest.approx(0.4419 * (1 - 0.024) ** k)
        assert r["renewable_share"] == pytest.approx(0.2 + 0.1 * k)
        assert r["co2_location_t"] == pytest.approx(r["energy_facility_mwh"] * r["grid_factor"])
        assert r["co2_net_t"] == pytest.approx(r["co2_location_t"] * (1 - r["renewable_share"]))
        assert r["cue"] == pytest.approx(r["grid_factor"] * r["pue"])
    assert rows[2]["energy_it_mwh"] > base["energy_it_mwh"]
    assert rows[2]["co2_net_t"] < base["co2_net_t"]


def test_roadmap_rejects_utilisation_above_one_before_running(default):
    path, scn = default
    scn = scn.model_copy(deep=True)
    scn.roadmap.it_growth = 0.5
    with pytest.raises(InputError) as err:
        run_roadmap(scn, years=4, file=str(path))
    assert err.value.key == "roadmap.it_growth"


def test_roadmap_command_writes_csv_json_png(tmp_path, capsys):
    assert cli_main(["roadmap", "--years", "2", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2026" in out and "wrote" in out
    data = json.loads((tmp_path / "roadmap.json").read_text(encoding="utf-8"))
    assert len(data["rows"]) == 2 and data["units"]["co2_net_t"] == "t"
    assert (tmp_path / "roadmap.csv").read_text(encoding="utf-8").count("\n") == 3
    assert (tmp_path / "roadmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_roadmap_command_input_error(tmp_path, capsys):
    assert cli_main(["roadmap", "--years", "0", "--out", str(tmp_path)]) == 2
    assert "--years" in capsys.readouterr().err
    assert not (tmp_path / "roadmap.csv").exists()
