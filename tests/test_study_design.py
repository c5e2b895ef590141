"""Study and sweep files: mixes, generation with exclusions, the case index, and clear errors."""

from __future__ import annotations

import math
from pathlib import Path
from typing import ClassVar

import pytest

from twin.cli import main as cli_main
from twin.errors import InputError
from twin.measures import MEASURES, Measure
from twin.study.design import BASELINE_MIX, load_study, load_sweep

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
LEGACY = (SCENARIOS / "guangzhou_legacy.toml").as_posix()


def write(tmp_path: Path, text: str, name: str = "study.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class _RivalEconomizer(Measure):
    """A test-only measure occupying the same slot as the water-side economizer."""

    name: ClassVar[str] = "rival_economizer"
    title: ClassVar[str] = "test measure"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "economizer"

    def apply(self, scn):
        return scn


@pytest.fixture
def rival(monkeypatch):
    monkeypatch.setitem(MEASURES, "rival_economizer", _RivalEconomizer)


# ------------------------------------------------------------------------------------------------
# bundled files
# ------------------------------------------------------------------------------------------------

def test_bundled_retrofit_study_spans_measures_10_to_12():
    study = load_study(SCENARIOS / "guangzhou_retrofit_study.toml")
    mixes = [m for m in study.mixes if m.name != BASELINE_MIX]
    names = [m.measure_names for m in mixes]
    assert study.mixes[0].name == BASELINE_MIX and not study.mixes[0].measures
    assert len(mixes) == 15
    assert len({tuple(x) for x in names}) == len(names)
    plans = {MEASURES[n].policy_measure for x in names for n in x}
    assert plans == {10, 11, 12}
    assert study.baseline.scenario.name == "Guangzhou legacy room"


def test_bundled_cooling_study_and_sweep_example_load():
    study = load_study(SCENARIOS / "guangzhou_cooling_measures.toml")
    assert len(study.mixes) == 23
    by_name = {m.name: m for m in study.mixes}
    assert by_name["containment 27 degC + VSD + economizer 14 degC"].measures[2] == \
        {"name": "waterside_economizer", "chw_supply_c": 14.0}
    from twin.measures import MEASURES
    used = {(m if isinstance(m, str) else m["name"]) for mix in study.mixes for m in mix.measures}
    # every measure-10 technology that applies to the study's water-cooled baseline is in the cooling study
    cooling = {n for n, c in MEASURES.items() if c.policy_measure == 10
               and (c.plant_types is None or study.baseline.plant.type in c.plant_types)}
    assert cooling <= used, cooling - used
    dx_study = load_study(SCENARIOS / "guangzhou_dx_measures.toml")
    dx_only = {n for n, c in MEASURES.items() if c.plant_types == ("dx",)}
    assert dx_only <= {(m if isinstance(m, str) else m["name"]) for mix in dx_study.mixes for m in mix.measures}
    sweep = load_sweep(SCENARIOS / "sweep_example.toml")
    assert sweep.shape == (3, 2, 2, 2) and sweep.n_cases == 24


# ------------------------------------------------------------------------------------------------
# generation and exclusions
# ------------------------------------------------------------------------------------------------

def test_generate_respects_exclusions_sizes_and_slots(tmp_path, rival):
    path = write(tmp_path, f"""
[study]
baseline = "{LEGACY}"
[generate]
measures = ["containment", "variable_speed_drives", "waterside_economizer", "rival_economizer"]
min_size = 2
max_size = 3
exclude = [["containment", "variable_speed_drives"]]
""")
    mixes = load_study(path).mixes[1:]
    sets = [set(m.measure_names) for m in mixes]
    assert all(2 <= len(s) <= 3 for s in sets)
    assert not any({"containment", "variable_speed_drives"} <= s for s in sets)
    assert not any({"waterside_economizer", "rival_economizer"} <= s for s in sets)  # same slot
    assert {"containment", "waterside_economizer"} in sets
    assert {"variable_speed_drives", "rival_economizer"} in sets


def test_generate_with_labels_and_parameters(tmp_path):
    path = write(tmp_path, f"""
[study]
baseline = "{LEGACY}"
[generate]
measures = ["containment", {{name = "waterside_economizer", chw_supply_c = 12.0, label = "economizer 12C"}}]
""")
    mixes = load_study(path).mixes
    assert [m.name for m in mixes] == ["baseline", "containment", "economizer 12C", "containment + economizer 12C"]
    assert mixes[2].measures == ({"name": "waterside_economizer", "chw_supply_c": 12.0},)


def test_top_level_baseline_file(tmp_path):
    path = write(tmp_path, f"""
baseline = "{LEGACY}"
[[mixes]]
name = "drives"
measures = [{{name = "variable_speed_drives"}}]
""")
    study = load_study(path)
    assert study.baseline_file == LEGACY and [m.name for m in study.mixes] == ["baseline", "drives"]
    both = write(tmp_path, f"baseline = '{LEGACY}'\n[study]\nbaseline = '{LEGACY}'\n[[mixes]]\nname = 'x'\n"
                           "measures = ['containment']\n", "both.toml")
    with pytest.raises(InputError, match="give the baseline once"):
        load_study(both)


def test_inline_baseline(tmp_path):
    path = write(tmp_path, """
[study]
name = "inline"
[baseline.it]
design_kw = 500.0
racks = 100
[[mixes]]
name = "drives"
measures = ["variable_speed_drives"]
""")
    study = load_study(path)
    assert study.baseline.it.design_kw == 500.0 and study.baseline_file is None
    assert [m.name for m in study.mixes] == ["baseline", "drives"]


# ------------------------------------------------------------------------------------------------
# errors: file and key path, exit code 2
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, key, message", [
    ("mixes = []\n[study]\nbaseline = '{legacy}'\n", "mixes", "mix list is empty"),
    ("[study]\nbaseline = '{legacy}'\n", "mixes", "no mixes"),
    ("[study]\nbaseline = '{legacy}'\n[generate]\nmeasures = ['containment', 'variable_speed_drives']\n"
     "exclude = [['containment', 'chiled_water_storage']]\n", "generate.exclude.0.1", "unknown measure 'chiled_water_storage'"),
    ("[study]\nbaseline = '{legacy}'\n[generate]\nmeasures = ['containment']\n"
     "exclude = [['containment', 'waterside_economizer']]\n", "generate.exclude.0.1", "not one of generate.measures"),
    ("[study]\nbaseline = '{legacy}'\n[[mixes]]\nname = 'x'\nmeasures = ['waterside_economizer', 'rival_economizer']\n",
     "mixes.0.measures", "mutually exclusive"),
    ("[study]\nbaseline = '{legacy}'\n[[mixes]]\nname = 'x'\nmeasures = [{{name = 'containment', supply_air_c = 40.0}}]\n",
     "mixes.0.measures.0.supply_air_c", "must be >= 15.0 and <= 27.0"),
    ("[study]\nbaseline = '{legacy}'\nrank = 'pue'\n[[mixes]]\nname = 'x'\nmeasures = ['containment']\n",
     "study.rank", "unknown key"),
    ("[study]\nbaseline = 'nope.toml'\n[[mixes]]\nname = 'x'\nmeasures = ['containment']\n",
     "study.baseline", "not found"),
    ("[study]\nbaseline = '{legacy}'\n[[mixes]]\nname = 'x'\nmeasures = ['containment']\n[[mixes]]\nname = 'x'\n"
     "measures = ['variable_speed_drives']\n", "mixes", "used more than once"),
    ("[study]\nbaseline = '{legacy}'\n[generate]\nmeasures = ['waterside_economizer', 'rival_economizer']\nmin_size = 2\n",
     "generate", "generates no mix"),
])
def test_bad_study_files(tmp_path, rival, body, key, message):
    path = write(tmp_path, body.format(legacy=LEGACY))
    with pytest.raises(InputError, match=message) as info:
        load_study(path)
    assert info.value.key == key
    assert info.value.file == str(path)


def test_bad_study_exits_2_before_writing(tmp_path, capsys):
    path = write(tmp_path, f"mixes = []\n[study]\nbaseline = '{LEGACY}'\n")
    out = tmp_path / "out"
    assert cli_main(["compare", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "key 'mixes'" in err and str(path) in err
    assert not out.exists()


# ------------------------------------------------------------------------------------------------
# sweeps
# ------------------------------------------------------------------------------------------------

SWEEP = f"""
[sweep]
baseline = "{LEGACY}"
sites = ["guangzhou", "hohhot"]
loads = [0.3, 0.6, 0.9]
batch_size = 4
[parameters]
"plant.chiller_rated_cop" = [5.0, 6.0]
"waterside_economizer.chw_supply_c" = [10.0, 12.0]
[[mixes]]
name = "economizer"
measures = ["waterside_economizer"]
"""


def test_sweep_case_index_is_factorial_and_stable(tmp_path):
    design = load_sweep(write(tmp_path, SWEEP, "sweep.toml"))
    assert design.shape == (2, 2, 3, 2, 2)
    assert design.n_cases == math.prod(design.shape) == 48
    last = design.scenario_data(47)
    assert last["scenario"]["site"] == "hohhot" and last["it"]["utilisation"] == 0.9
    assert last["plant"]["chiller_rated_cop"] == 6.0
    assert last["measures"] == [{"name": "waterside_economizer", "chw_supply_c": 12.0}]
    first = design.scenario_data(0)
    assert first["measures"] == [] and first["plant"]["chiller_rated_cop"] == 5.0
    assert load_sweep(tmp_path / "sweep.toml").digest == design.digest


@pytest.mark.parametrize("change, key, message", [
    (("sites = [\"guangzhou\", \"hohhot\"]", "sites = []"), "sweep.sites", "zero cases"),
    (("loads = [0.3, 0.6, 0.9]", "loads = []"), "sweep.loads", "zero cases"),
    (("\"plant.chiller_rated_cop\" = [5.0, 6.0]", "\"plant.chiller_rated_cop\" = []"),
     "parameters.plant.chiller_rated_cop", "zero cases"),
    (("\"plant.chiller_rated_cop\" = [5.0, 6.0]", "\"plant.chiller_rated_kop\" = [5.0]"),
     "parameters.plant.chiller_rated_kop", "not a scenario key"),
    (("\"plant.chiller_rated_cop\" = [5.0, 6.0]", "\"plant.chiller_rated_cop\" = [5.0, 60.0]"),
     "parameters.plant.chiller_rated_cop", "value 60.0"),
    (("sites = [\"guangzhou\", \"hohhot\"]", "sites = [\"guangzhou\", \"atlantis\"]"), "sweep.sites.1", "unknown site"),
    (("\"waterside_economizer.chw_supply_c\" = [10.0, 12.0]", "\"containment.supply_air_c\" = [24.0]"),
     "parameters.containment.supply_air_c", "no mix of this sweep uses"),
])
def test_bad_sweep_files(tmp_path, change, key, message):
    old, new = change
    assert old in SWEEP
    path = write(tmp_path, SWEEP.replace(old, new), "sweep.toml")
    with pytest.raises(InputError, match=message) as info:
        load_sweep(path)
    assert info.value.key == key


def test_zero_case_sweep_exits_2(tmp_path, capsys):
    path = write(tmp_path, SWEEP.replace("loads = [0.3, 0.6, 0.9]", "loads = []"), "sweep.toml")
    assert cli_main(["sweep", str(path), "--workers", "0", "--out", str(tmp_path / "out")]) == 2
    assert "zero cases" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
