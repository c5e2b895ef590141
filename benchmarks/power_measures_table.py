"""Table of the power-chain and storage measures: PUE, ITUE, TUE, losses, reliability.

For each mix of a study file in the simple form (top-level ``baseline = "..."`` and
``[[mixes]]`` tables with ``name`` and ``measures``; the baseline itself is the first row):

- one annual run (the same path as ``dctwin run``): PUE, ITUE, TUE (:func:`twin.metrics.power.power_summary`),
  the power-chain losses (PDU, UPS/rectifier/10 kV module, switchgear and wiring, transformer,
  distribution, battery and flywheel standby; ``energy_power_chain_losses_kwh``), on-site PV;
- a Monte Carlo over ``--years`` stochastic years with the same ``--seed`` for every mix
  (:func:`twin.study.montecarlo.run_years`, default ``[events]``): mean unserved IT energy, mean
  dropped-load events and mean hours with the hottest rack inlet above the allowable 32 degC.

Run: ``.venv/bin/python benchmarks/power_measures_table.py [STUDY] [--years 50] [--seed 1]
[--json FILE]``.  The default study is ``scenarios/guangzhou_power_measures.toml``.  Prints a
Markdown table (the one in docs/power_and_storage.md).  ``dctwin compare`` ranks mixes on the
annual metrics; this script adds the reliability columns, which need the Monte Carlo.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STUDY = ROOT / "scenarios" / "guangzhou_power_measures.toml"


def load_simple_study(path: Path) -> tuple[dict, list[tuple[str, list[dict]]]]:
    """Baseline scenario dictionary and ``(name, measures)`` of each mix, baseline first."""
    from twin.errors import InputError
    from twin.inputs.schema_base import read_toml

    data = read_toml(path)
    base_name = data.get("baseline") or (data.get("study") or {}).get("baseline")
    if not isinstance(base_name, str):
        raise InputError("needs baseline = \"<scenario file>\"", file=str(path), key="baseline")
    base = read_toml(path.parent / base_name)
    mixes = [("baseline (legacy)", [])]
    for k, m in enumerate(data.get("mixes", [])):
        if "name" not in m:
            raise InputError("mix has no name", file=str(path), key=f"mixes.{k}")
        entries = [x if isinstance(x, dict) else {"name": x} for x in m.get("measures", [])]
        mixes.append((m["name"], entries))
    return base, mixes


def evaluate(base: dict, measures: list[dict], years: int, seed: int, base_dir: Path) -> dict:
    from twin.engine.simulate import run_scenario
    from twin.inputs.schema import validate_scenario
    from twin.metrics.summary import build_summary
    from twin.study.montecarlo import run_years

    d = copy.deepcopy(base)
    d["measures"] = list(d.get("measures", [])) + measures
    scn = validate_scenario(d)
    s = build_summary(run_scenario(scn, base_dir=base_dir))
    row = {
        "pue": s["pue"]["value"], "itue": s["itue"]["value"], "tue": s["tue"]["value"],
        "power_chain_losses_kwh": s["energy_power_chain_losses_kwh"]["value"],
        "facility_kwh": s["energy_facility_kwh"]["value"],
        "onsite_pv_kwh": s["onsite_pv_kwh"]["value"],
        "critical_path_efficiency": s["power"]["critical_path_efficiency"]["value"],
    }
    if "peak_shaving" in s["power"]:
        row["peak_shaving_net_cny"] = s["power"]["peak_shaving"]["net_cny"]
    if years > 0:
        mc = run_years(scn, years, seed, base_dir=base_dir)["distribution"]
        row.update({"unserved_it_kwh_per_year": mc["unserved_it_kwh"]["mean"],
                    "dropped_events_per_year": mc["dropped_load_events"]["mean"],
                    "hours_above_allowable_per_year": mc["hours_above_allowable"]["mean"],
                    "years_with_unserved_energy": mc["unserved_it_kwh"]["probability_positive"]})
    return row


def markdown(rows: list[tuple[str, dict]], years: int, seed: int) -> str:
    head = ("| mix | PUE | ITUE | TUE | power-chain losses (MWh/yr) | unserved IT (kWh/yr) | dropped loads (/yr) "
            "| hours > 32 degC (h/yr) |")
    lines = [head, "|" + "---|" * 8]
    for name, r in rows:
        lines.append(f"| {name} | {r['pue']:.3f} | {r['itue']:.3f} | {r['tue']:.3f} | "
                     f"{r['power_chain_losses_kwh'] / 1e3:,.0f} | {r.get('unserved_it_kwh_per_year', float('nan')):.1f} | "
                     f"{r.get('dropped_events_per_year', float('nan')):.2f} | "
                     f"{r.get('hours_above_allowable_per_year', float('nan')):.2f} |")
    lines.append("")
    lines.append(f"Reliability columns: mean over a {years}-year Monte Carlo, seed {seed}, default [events].")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("study", nargs="?", type=Path, default=DEFAULT_STUDY)
    ap.add_argument("--years", type=int, default=50, help="Monte Carlo years per mix (0: no reliability columns)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    base, mixes = load_simple_study(args.study)
    rows = []
    for name, measures in mixes:
        rows.append((name, evaluate(base, measures, args.years, args.seed, args.study.parent)))
        print(f"  {name}: done ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    print(markdown(rows, args.years, args.seed))
    if args.json is not None:
        args.json.write_text(json.dumps([{"mix": n, **r} for n, r in rows], indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
