"""Monte Carlo over years: ``dctwin run SCENARIO --years N --seed S``.

The plant is assembled once (weather, curves, parameters) and each year ``k`` is one SimPy run
of it with the stochastic processes of :mod:`twin.engine.events` drawing from
``numpy.random.SeedSequence(S).spawn(N)[k]``: grid outages, failures and repairs, maintenance.
Years are consecutive: the battery state (stored energy, state of health, replacements) carries
over, so ageing lowers the ride-through of later years.  The weather and IT load repeat the
design year (a stationary climate and load).  The same seed gives identical results, and year 0
equals a single ``dctwin run`` with ``[events] enabled = true`` and the same seed.

Per year the run records unserved IT energy and dropped-load events (sub-second outage
ride-through, :mod:`components.storage.backup`), hours with the hottest rack inlet above the
allowable temperature (hourly kernel, room heating while cooling units are out, sub-hourly
outage excursions), PUE, fuel, battery health; the
summary gives their distribution (mean, percentiles, maximum, probability of any).
"""

from __future__ import annotations

import sys
import time as _time
from pathlib import Path

import numpy as np

from components.layout import OUTPUT
from twin.engine import events as ev
from twin.engine import loop
from twin.engine.simulate import standard_processes
from twin.errors import InputError
from twin.metrics.energy import J_PER_KWH

#: per-year quantities whose distribution the summary reports
YEAR_KEYS = ("unserved_it_kwh", "dropped_load_events", "outages", "hours_above_allowable",
             "outage_hours_above_allowable", "unprotected_hours", "pue", "backup_kwh", "diesel_l", "h2_kg",
             "battery_soh_end", "battery_replacements", "failures_total")


def _year(plant, rng, state, steps) -> tuple[dict, np.ndarray]:
    sim = loop.Simulation(plant)
    sim.state[:] = state
    standard_processes(sim, steps)
    power = ev.PowerEvents(sim, rng=rng, stochastic=True).install()
    out = sim.run()
    rep = power.finalise()
    ts = plant.timestep_s
    fac = float(out[OUTPUT.p_facility].sum())
    it = float(out[OUTPUT.p_it].sum())
    row = {k: rep[k] for k in ("unserved_it_kwh", "dropped_load_events", "outages", "outage_hours_above_allowable",
                               "unprotected_hours", "backup_kwh", "diesel_l", "h2_kg", "battery_soh_end",
                               "battery_replacements", "eco_transfers", "failed_transfers", "maintenance_windows")}
    row["failures"] = rep["failures"]
    row["failures_total"] = int(sum(rep["failures"].values()))
    row["hours_above_allowable"] = rep["hours_above_allowable"]
    row["pue"] = fac / it if it > 0 else float("nan")
    row["facility_kwh"] = fac * ts / J_PER_KWH
    row["records"] = rep["records"]
    return row, sim.state.copy()


def _stats(values: list[float]) -> dict:
    a = np.asarray(values, dtype=float)
    return {"mean": float(a.mean()), "std": float(a.std(ddof=1)) if a.size > 1 else 0.0,
            "p50": float(np.percentile(a, 50)), "p90": float(np.percentile(a, 90)),
            "p99": float(np.percentile(a, 99)), "max": float(a.max()),
            "probability_positive": float(np.mean(a > 0.0))}


def run_years(scn, years: int, seed: int, *, file: str | None = None, base_dir: Path | None = None,
              keep_records: bool = False) -> dict:
    """Simulate ``years`` consecutive stochastic years of a scenario; return the distribution.

    Raises :class:`InputError` for ``years < 1`` or a negative seed.
    """
    from twin.engine.simulate import _load_steps, prepare

    if years < 1:
        raise InputError(f"--years must be >= 1 (got {years})", key="--years")
    if seed < 0:
        raise InputError(f"--seed must be >= 0 (got {seed})", key="--seed")
    t0 = _time.perf_counter()
    plant = prepare(scn, file=file, base_dir=base_dir)
    steps = _load_steps(plant, file)
    t_prep = _time.perf_counter() - t0
    state = plant.initial_state.copy()
    rows = []
    allowable = plant.scenario.events.allowable_inlet_c
    for k, child in enumerate(ev.seed_sequence(seed, years)):
        row, state = _year(plant, np.random.default_rng(child), state, steps)
        row["year"] = k
        if not keep_records:
            row.pop("records")
        rows.append(row)
    elapsed = _time.perf_counter() - t0
    dist = {key: _stats([r[key] for r in rows]) for key in YEAR_KEYS}
    return {
        "scenario": plant.scenario.scenario.name,
        "years": years,
        "seed": seed,
        "definitions": {
            "unserved_it_kwh": "IT energy not delivered while the IT load was unpowered (sub-second outage ride-through)",
            "dropped_load_events": "outages in which the IT load lost power",
            "hours_above_allowable": f"hours with the hottest rack inlet above {allowable:g} degC (ASHRAE A1 allowable): "
                                     "hourly kernel, room heating while chillers or CRAH units are out (failures, "
                                     "maintenance), and outage excursions",
            "unprotected_hours": "hours the UPS capacity was below the critical load (static bypass, no ride-through)",
        },
        "distribution": dist,
        "per_year": rows,
        "runtime_s": {"total": elapsed, "prepare": t_prep, "per_year": (elapsed - t_prep) / years},
    }


def print_montecarlo(res: dict, file=None) -> None:
    """A plain table of the distribution (terminal)."""
    f = file or sys.stdout
    units = {"unserved_it_kwh": "kWh", "dropped_load_events": "-", "outages": "-", "hours_above_allowable": "h",
             "outage_hours_above_allowable": "h", "unprotected_hours": "h", "pue": "-", "backup_kwh": "kWh",
             "diesel_l": "L", "h2_kg": "kg", "battery_soh_end": "-", "battery_replacements": "-", "failures_total": "-"}
    print(f"Monte Carlo: {res['scenario']} - {res['years']} years, seed {res['seed']} "
          f"({res['runtime_s']['total']:.1f} s)", file=f)
    print(f"{'per year':32s} {'unit':>5s} {'mean':>11s} {'p50':>11s} {'p90':>11s} {'p99':>11s} {'max':>11s} {'P(>0)':>7s}",
          file=f)
    for key, s in res["distribution"].items():
        print(f"{key:32s} {units[key]:>5s} {s['mean']:11.4g} {s['p50']:11.4g} {s['p90']:11.4g} {s['p99']:11.4g} "
              f"{s['max']:11.4g} {s['probability_positive']:7.2f}", file=f)


def main_montecarlo(args, path: Path) -> int:
    """``dctwin run SCENARIO --years N [--seed S] [--out DIR] [--json]``."""
    from twin.engine.results import print_json, write_json
    from twin.inputs.schema import load_scenario

    scn = load_scenario(path)
    seed = scn.scenario.seed if args.seed is None else args.seed
    res = run_years(scn, args.years, seed, file=str(path), base_dir=path.parent)
    if args.out is not None:
        write_json(res, args.out / "montecarlo.json")
    if args.json:
        print_json(res)
    else:
        print_montecarlo(res)
        if args.out is not None:
            print(f"wrote {args.out / 'montecarlo.json'}")
    return 0
