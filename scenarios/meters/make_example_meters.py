"""Make ``example_meters.csv.gz``: SYNTHETIC meters of a Guangzhou legacy room, with known answers.

The "true" site is the bundled ``guangzhou_legacy`` scenario with three parameters changed (these
are what ``dctwin calibrate`` should find again):

=====================  ==================  ========================================
parameter              base scenario       true site
=====================  ==================  ========================================
chiller COP scale      1.0 (rated 5.5)     0.85 (rated 4.675: age and fouling)
UPS no-load loss       0.04 (WP113)        0.05 of unit rating
recirculation_min      0.12                0.20 (missing blanking panels)
=====================  ==================  ========================================

and an IT load that varies (a daily cycle of utilisation 0.28-0.48, and 25 % more from 1 June
when a tenant moves in) so that the UPS no-load and proportional losses can be told apart.

The true site is simulated by dctwin at 15-minute steps on the Guangzhou typical-year weather;
then, deterministically from ``SEED``:

* noise: 0.5 % of reading on power meters (accuracy class 0.5), 0.2 K on temperatures, 2 % RH;
* gaps: 1 % of rows lost at random (polling failures), 0.3 % of cells blank, a 54-hour
  BMS outage in March, the chiller meter off for ten days in August, the rack-inlet sensors off
  for a week in November;
* outliers: a few facility-meter resets (0 kW), two readings in W instead of kW, three chiller
  spikes (x3).

Run from the repository root::

    .venv/bin/python scenarios/meters/make_example_meters.py

It rewrites ``scenarios/meters/example_meters.csv.gz`` byte for byte (gzip mtime 0).
"""

from __future__ import annotations

import copy
import dataclasses
import gzip
import io
import sys
import tomllib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from components.layout import PARAM  # noqa: E402
from twin.engine.simulate import prepare, run_plant  # noqa: E402
from twin.inputs.meters import synthetic_meters  # noqa: E402
from twin.inputs.schema import validate_scenario  # noqa: E402

SEED = 20250701
OUT = HERE / "example_meters.csv.gz"
COLUMNS = ["it_kw", "facility_kw", "chiller_kw", "crah_kw", "ups_in_kw", "ups_out_kw",
           "outdoor_temp_c", "outdoor_rh_pct", "supply_air_c", "return_air_c", "rack_inlet_c"]
TRUE = {"chiller_cop_scale": 0.85, "ups_no_load": 0.05, "recirculation_min": 0.20}
UTILISATION = [round(0.38 + 0.10 * np.cos(2 * np.pi * (h - 15) / 24), 3) for h in range(24)]


def true_site(base: dict, timestep_min: int = 15) -> dict:
    """The true site's scenario dictionary (without the UPS no-load loss, which is a PARAM)."""
    d = copy.deepcopy(base)
    d["scenario"]["timestep_min"] = timestep_min
    d["scenario"]["name"] = "Guangzhou legacy room (synthetic true site)"
    d["it"]["utilisation"] = UTILISATION
    d["it"]["load_steps"] = [{"at": "2025-06-01", "scale": 1.25}]
    d["plant"]["chiller_rated_cop"] = d["plant"].get("chiller_rated_cop", 5.5) * TRUE["chiller_cop_scale"]
    d["air"]["recirculation_min"] = TRUE["recirculation_min"]
    return d


def simulate_true_site(base: dict, base_dir: Path, timestep_min: int = 15, ups_no_load: float | None = None):
    """Simulate the true site; returns the dctwin Result."""
    scn = validate_scenario(true_site(base, timestep_min))
    plant = prepare(scn, base_dir=base_dir)
    p = plant.params.copy()
    p[PARAM.ups_no_load] = TRUE["ups_no_load"] if ups_no_load is None else ups_no_load
    return run_plant(dataclasses.replace(plant, params=p))


def degrade(df, rng: np.random.Generator):
    """Gaps and outliers of a real BMS export (see the module docstring)."""
    n = len(df)
    t = df["timestamp"].str.slice(0, 16)
    outage = (t >= "2025-03-10T08:00") & (t < "2025-03-12T14:00")
    lost = rng.random(n) < 0.01
    df = df.copy()
    for col in COLUMNS:
        df.loc[rng.random(n) < 0.003, col] = np.nan
    df.loc[(t >= "2025-08-04T00:00") & (t < "2025-08-14T00:00"), "chiller_kw"] = np.nan
    df.loc[(t >= "2025-11-01T00:00") & (t < "2025-11-08T00:00"), "rack_inlet_c"] = np.nan
    pick = rng.choice(np.flatnonzero(~(outage | lost)), size=8, replace=False)
    df.loc[pick[:3], "facility_kw"] = 0.0
    df.loc[pick[3:5], "facility_kw"] = df.loc[pick[3:5], "facility_kw"] * 1000.0
    df.loc[pick[5:8], "chiller_kw"] = df.loc[pick[5:8], "chiller_kw"] * 3.0
    return df.loc[~(outage | lost)].reset_index(drop=True)


def main() -> None:
    with open(ROOT / "scenarios" / "guangzhou_legacy.toml", "rb") as fh:
        base = tomllib.load(fh)
    rng = np.random.default_rng(SEED)
    result = simulate_true_site(base, ROOT / "scenarios")
    df = degrade(synthetic_meters(result, COLUMNS, rng), rng)
    for col in COLUMNS:
        df[col] = df[col].round(1 if col.endswith(("_kw", "_pct")) else 2)
    buf = io.StringIO()
    buf.write("# SYNTHETIC meter data made by dctwin, not measurements: see make_example_meters.py.\n"
              "# True site = scenarios/guangzhou_legacy.toml with chiller COP scale 0.85, UPS no-load\n"
              "# loss 0.05, recirculation_min 0.20, a daily IT cycle and +25 % load from 2025-06-01;\n"
              f"# 15-min samples + noise, gaps and outliers; seed {SEED}.\n")
    df.to_csv(buf, index=False, lineterminator="\n")
    with open(OUT, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    print(f"wrote {OUT.relative_to(ROOT)}: {len(df)} rows, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
