"""``dctwin sweep SWEEP.toml [--scheduler ADDRESS | --workers N] [--out DIR]``: a factorial sweep on Dask."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help="run a factorial sweep (mixes x sites x loads x parameters) on Dask",
                       description="Run every case of a sweep file on dask.distributed and stream one row per "
                                   "case to a Zarr store. Rerunning the same command resumes: finished cases "
                                   "are not computed again.")
    p.add_argument("sweep", help="sweep TOML (path or bundled name, e.g. sweep_example)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (SLURM: see docs/studies.md)")
    where.add_argument("--workers", type=int, default=None, metavar="N",
                       help="start a local cluster of N worker processes, one thread each "
                            "(default: one per CPU; 0 runs in this process without Dask)")
    p.add_argument("--out", type=Path, default=None,
                   help="folder of the results (results.zarr); default ./dctwin-out/<sweep name>")
    p.add_argument("--batch-size", type=int, default=None, metavar="N",
                   help="cases per task and per Zarr chunk (overrides sweep.batch_size for a new store)")
    p.add_argument("--check", action="store_true", help="validate the inputs and --out, then stop before simulating (exit 0: valid; 2: one line naming the problem)")
    p.add_argument("--max-batches", type=int, default=None, metavar="K",
                   help="stop after K batches (the rest stays pending; rerun the command to resume)")
    p.set_defaults(func=main)


def _check_args(args) -> None:
    from twin.errors import InputError

    if args.workers is not None and args.workers < 0:
        raise InputError(f"--workers must be >= 0, got {args.workers}")
    if args.batch_size is not None and args.batch_size < 1:
        raise InputError(f"--batch-size must be >= 1, got {args.batch_size}")
    if args.max_batches is not None and args.max_batches < 1:
        raise InputError(f"--max-batches must be >= 1, got {args.max_batches}")


def main(args: argparse.Namespace) -> int:
    from twin.cli.writable import check_out_dir
    from twin.inputs.bundled import default_out_dir, resolve_scenario
    from twin.study.design import load_sweep
    from twin.study.store import store_lock

    _check_args(args)
    path = resolve_scenario(args.sweep)
    out = args.out if args.out is not None else default_out_dir(path)
    check_out_dir(out)
    design = load_sweep(path)
    if args.check:
        from twin.engine.simulate import prepare
        from twin.inputs.schema import validate_scenario
        prepare(validate_scenario(design.scenario_data(0), file=design.file), file=design.file,
                base_dir=Path(design.base_dir))
        print(f"{path}: valid ({design.n_cases:,} cases)")
        return 0
    if args.batch_size is not None:
        design.batch_size = args.batch_size
    store_path = out / "results.zarr"
    with store_lock(store_path):  # refused here, before any output, when another sweep writes the store
        return _sweep(args, design, store_path)


def _sweep(args: argparse.Namespace, design, store_path: Path) -> int:
    from rich.console import Console

    from twin.study.progress import progress_bar
    from twin.study.store import SweepStore
    from twin.study.sweep import run_sweep

    done, total = 0, design.n_cases
    if SweepStore.exists(store_path):  # a resumed store: check it holds this design before anything starts
        store = SweepStore(store_path, design)
        done = store.n_finished()
        del store
    console = Console(stderr=True, soft_wrap=True)
    where = args.scheduler or ("this process" if args.workers == 0 else
                               f"a local cluster of {args.workers or 'one worker per CPU'}"
                               f"{' workers' if args.workers else ''}")
    console.print(f"sweep '{design.name}': {total:,} cases ({' x '.join(str(n) for n in design.shape)} over "
                  f"{', '.join(a.name for a in design.axes)}), {done:,} already in {store_path}; running on {where}")
    with progress_bar(console, total=total, completed=done, description="cases", unit="cases") as advance:
        report = run_sweep(design, store_path, scheduler=args.scheduler, workers=args.workers,
                           max_batches=args.max_batches, progress=advance)
    per = report.per_case_ms()
    stages = ", ".join(f"{k} {per[k]:.1f}" for k in ("validation", "assembly", "kernel", "summary", "store") if k in per)
    console.print(f"computed {report.computed:,} cases in {report.compute_s:.1f} s on {report.workers} worker(s) "
                  f"({report.rate:,.1f} scenario-years/s; start-up {report.startup_s:.1f} s); "
                  f"failed {report.failed}; per case (ms): {stages}")
    finished = report.already_done + report.computed
    if finished < total:
        console.print(f"{total - finished:,} cases still pending: rerun the same command to resume")
    if report.failed:
        from twin.study.store import json_meta
        errors = json_meta(store_path).get("errors", {})
        for case, msg in list(errors.items())[:5]:
            console.print(f"  case {case}: {msg}")
    print(f"wrote {store_path}")
    return 0
