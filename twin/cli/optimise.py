"""``dctwin optimise [SCENARIO|STUDY] [--limit X] [--objective npv|capex|annual] [--json] [--out DIR]``:
the cheapest feasible mix of measures that meets a PUE limit, and the Pareto front of PUE against cost."""

from __future__ import annotations

import contextlib
from pathlib import Path

from twin.cli.run import DEFAULT_RUN_SAMPLES
from twin.study.optimise import DEFAULT_PARETO_MAX, DEFAULT_POPULATION, DEFAULT_TRIALS, OBJECTIVES


def add_parser(sub) -> None:
    p = sub.add_parser("optimise", help="find the cheapest feasible mix of measures that meets a PUE limit",
                       description="Search the measures of the registry (or those a study file names) with "
                                   "Optuna's NSGA-II for the feasible mix that meets a PUE limit at the least "
                                   "cost, and the Pareto front of PUE against cost. Candidates are screened by "
                                   "the bin method on Dask and the answer is confirmed step by step.")
    p.add_argument("file", nargs="?", default=None,
                   help="scenario (search every registry measure) or study TOML (search the measures it names); "
                        "default: the bundled guangzhou_legacy")
    p.add_argument("--limit", type=float, default=None, metavar="PUE",
                   help="annual PUE limit, e.g. 1.25, 1.3 or 1.5 (default: the scenario's policy limit)")
    p.add_argument("--objective", choices=sorted(OBJECTIVES), default="npv",
                   help="cost to minimise: npv = highest NPV of the savings over policy.finance.horizon_years, "
                        "capex = lowest capital cost, annual = lowest electricity bill + O&M (default npv)")
    p.add_argument("--trials", type=int, default=DEFAULT_TRIALS, metavar="N",
                   help=f"candidates the optimiser proposes (default {DEFAULT_TRIALS}; a mix proposed again is not re-run)")
    p.add_argument("--population", type=int, default=DEFAULT_POPULATION, metavar="P",
                   help=f"NSGA-II population: candidates evaluated per batch (default {DEFAULT_POPULATION})")
    p.add_argument("--seed", type=int, default=None, help="seed of the search and of the band (default: scenario.seed)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    where.add_argument("--workers", type=int, default=None, metavar="N",
                       help="local cluster of N worker processes (default: one per CPU; 0: this process, no Dask)")
    p.add_argument("--band", type=int, default=DEFAULT_RUN_SAMPLES, metavar="N",
                   help=f"samples of the 90 %% PUE band of the best mix and each front point (default "
                        f"{DEFAULT_RUN_SAMPLES}; 0: no band)")
    p.add_argument("--confirm", choices=("steps", "bins"), default="steps",
                   help="method that confirms the best mix and the front (default steps)")
    p.add_argument("--pareto-max", type=int, default=DEFAULT_PARETO_MAX, metavar="N",
                   help=f"front points reported, evenly spread (default {DEFAULT_PARETO_MAX})")
    p.add_argument("--out", type=Path, default=None, help="folder for optimise.json, pareto.png and candidates.nc")
    p.add_argument("--json", action="store_true", help="print the answer as JSON on stdout")
    p.add_argument("--check", action="store_true",
                   help="validate the inputs and --out, then stop before simulating (exit 0: valid; 2: one line)")
    p.set_defaults(func=main)


def _options(args) -> dict:
    from twin.errors import InputError

    if args.workers is not None and args.workers < 0:
        raise InputError(f"--workers must be >= 0, got {args.workers}", key="--workers")
    return {"limit": args.limit, "objective": args.objective, "trials": args.trials, "population": args.population,
            "band": args.band, "confirm_method": args.confirm, "pareto_max": args.pareto_max}


def main(args) -> int:
    from rich.console import Console

    from twin.inputs.bundled import resolve_scenario
    from twin.cli.writable import check_out_dir
    from twin.engine.results import print_json
    from twin.study.optimise import optimise_file
    from twin.report.optimise import print_table, summary, write_outputs
    from twin.study.progress import progress_bar

    path = resolve_scenario(args.file)
    if args.out is not None:
        check_out_dir(args.out)
    options = _options(args)
    optimise_file(path, seed=args.seed, check=True, **options)
    if args.check:
        print(f"{path}: valid")
        return 0
    err = Console(stderr=True, soft_wrap=True)
    with contextlib.ExitStack() as bars:  # one progress bar per stage: candidates, then band samples
        state: dict = {}

        def progress(stage: str, n: int, total: int) -> None:
            if state.get("stage") != stage:
                bars.close()
                state.update(stage=stage, advance=bars.enter_context(
                    progress_bar(err, total=total, description=stage, unit=stage.split()[-1])))
            state["advance"](n)

        result = optimise_file(path, seed=args.seed, workers=args.workers, scheduler=args.scheduler,
                               progress=progress, **options)
    if args.out is not None:
        write_outputs(result, args.out)
    if args.json:
        print_json(summary(result))
    else:
        print_table(result)
        print(f"{result.evaluations:,} mixes evaluated in {result.runtime_s:.1f} s"
              + (f"; wrote optimise.json, pareto.png and candidates.nc to {args.out}" if args.out else ""))
    return 0
