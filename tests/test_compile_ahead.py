"""``dctwin run`` starts a first run's compilation before it imports pandas and the engine
(twin/engine/compile_ahead.py)."""

import json
import subprocess
import sys

from conftest import ROOT

# replaces parallel_compile.start with a probe that reports what is imported when it is called, then stops
_PROBE = """
import json, sys
from twin.engine import parallel_compile

def start(plant_type, controlled=False):
    print(json.dumps({"plant_type": plant_type, "controlled": controlled,
                      "imported": [m for m in ("pandas", "xarray", "twin.engine.simulate", "twin.engine.plant")
                                   if m in sys.modules]}))
    raise SystemExit(0)

parallel_compile.start = start
from twin.cli import main
main(["run", "--json", sys.argv[1]])
"""


def _probe(scenario: str) -> dict:
    out = subprocess.run([sys.executable, "-c", _PROBE, scenario], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=120).stdout
    return json.loads(out)


def test_dctwin_run_starts_compiling_before_pandas_and_the_engine_are_imported():
    from components.layout import PLANT_WATER_COOLED

    seen = _probe("guangzhou_legacy")
    assert seen["plant_type"] == PLANT_WATER_COOLED and seen["controlled"] is False
    assert seen["imported"] == []  # each of these costs the first run's compilation its time


def test_the_plant_type_is_the_one_after_the_measures(tmp_path):
    from components.layout import PLANT_IEC

    scenario = tmp_path / "iec.toml"  # the bundled default with its chillers replaced by IEC air handlers
    default = (ROOT / "scenarios" / "guangzhou_legacy.toml").read_text()
    scenario.write_text('measures = [{name = "indirect_evaporative_cooling"}]\n' + default)
    assert _probe(str(scenario))["plant_type"] == PLANT_IEC
