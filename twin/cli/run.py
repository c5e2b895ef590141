"""``dctwin run [SCENARIO] [--out DIR] [--json] [--meters FILE [--tz TZ]]``: simulate one scenario or site.

A site file (``[[halls]]``, see :mod:`twin.inputs.site_schema`) prints one line per hall and the site
totals; ``--json`` gives the site summary with a ``halls`` list (:mod:`twin.metrics.site_summary`).
"""

from __future__ import annotations

from pathlib import Path

from twin.cli.arguments import name_values
from twin.cli.writable import check_out_dir
from twin.engine import parallel_compile
from twin.engine.compile_ahead import compile_ahead
from twin.errors import InputError
from twin.inputs.bundled import resolve_scenario
from twin.inputs.schema import load_scenario
from twin.inputs.schema_base import read_toml
from twin.inputs.site_schema import is_site
from twin.measures import apply_measures

#: samples of the band of ``dctwin run`` (about 10 ms each on the step-by-step engine)
DEFAULT_RUN_SAMPLES = 64


def add_band_arguments(p, *, default: int) -> None:
    """``--band N``, ``--band-seed S`` and ``--spread NAME=R`` (run, compare, catalog)."""
    p.add_argument("--band", type=int, default=default, metavar="N",
                   help=f"samples of the 90 %% uncertainty band and its top drivers (default {default}; 0: no band; "
                        "docs/uncertainty.md)")
    p.add_argument("--band-seed", type=int, default=None, help="seed of the band's design (default: scenario.seed)")
    p.add_argument("--spread", action="append", default=[], metavar="NAME=R",
                   help="relative half-width R of a sampled input, replacing its evidence grade's (0 fixes it); "
                        "repeatable, e.g. --spread plant.chiller_rated_cop=0.1")


def band_options(args) -> dict:
    """``samples``, ``seed`` and ``spreads`` of the band from the command line (InputError when malformed)."""
    spreads = name_values(args.spread, "--spread")
    if args.band < 0:
        raise InputError(f"--band must be 0 (off) or >= 8 samples (got {args.band})", key="--band")
    return {"samples": args.band, "seed": args.band_seed, "spreads": spreads}


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="simulate one scenario and print its summary")
    p.add_argument("scenario", nargs="?", default=None,
                   help="scenario or site ([[halls]]) TOML (path or bundled name); default: the bundled guangzhou_legacy")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for results.nc (full time series) and summary.json")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("--check", action="store_true", help="validate the inputs and --out, then stop before simulating (exit 0: valid; 2: one line naming the problem)")
    p.add_argument("--meters", type=Path, default=None,
                   help="meter file (CSV/Parquet): drive the twin with the measured IT power and outdoor air "
                        "and compare simulated with measured power (also meters.png with --out)")
    p.add_argument("--tz", default=None, help="time zone of naive meter timestamps, e.g. Asia/Shanghai or UTC+8")
    p.add_argument("--years", type=int, default=None,
                   help="Monte Carlo: simulate N stochastic years (grid outages, failures, maintenance) and print the "
                        "distribution of unserved IT energy and thermal excursions (montecarlo.json with --out)")
    p.add_argument("--seed", type=int, default=None,
                   help="seed of the Monte Carlo years (default: scenario.seed); needs --years")
    add_band_arguments(p, default=DEFAULT_RUN_SAMPLES)
    p.set_defaults(func=main)


def _check(args, path: Path) -> int:
    """``--check``: everything before the simulation (with ``--meters``, the meter file and ``--tz`` too)."""
    if args.meters is not None:
        from twin.calibration.replay import prepare_replay
        from twin.inputs.meter_file import resolve_meters
        prepare_replay(load_scenario(path), resolve_meters(args.meters), tz=args.tz, file=str(path),
                       base_dir=path.parent)
    else:
        from twin.engine.simulate import check_file
        check_file(path)
    print(f"{path}: valid")
    return 0


def main_replay(args, path: Path) -> int:
    """``dctwin run SCENARIO --meters FILE``: the run summary plus the meter comparison."""
    from twin.calibration.replay import run_with_meters, write_netcdf, write_plot
    from twin.engine.results import print_json, write_json
    from twin.inputs.meter_file import resolve_meters
    from twin.metrics.summary import build_summary
    from twin.report.meters import print_comparison, print_meter_report
    from twin.report.terminal import print_run_summary

    result, replay, comparison = run_with_meters(path, resolve_meters(args.meters), tz=args.tz)
    summary = build_summary(result, scenario_file=str(path))
    summary["meters"] = {"data": replay.report(), "comparison": comparison}
    if args.out is not None:
        from twin.metrics.policy import policy_attrs

        write_netcdf(result, replay, args.out / "results.nc", attrs=policy_attrs(summary))
        write_plot(result, replay, args.out / "meters.png",
                   title=f"{result.plant.scenario.scenario.name}: daily means, measured vs simulated")
        write_json(summary, args.out / "summary.json")
    if args.json:
        print_json(summary)
        return 0
    print_run_summary(summary)
    print_meter_report(summary["meters"]["data"])
    print_comparison(comparison)
    if args.out is not None:
        print(f"wrote {args.out / 'results.nc'}, {args.out / 'meters.png'} and {args.out / 'summary.json'}")
    return 0


def main(args) -> int:
    path = resolve_scenario(args.scenario)
    if args.out is not None:
        check_out_dir(args.out)
    if is_site(read_toml(path)):  # several halls (twin/engine/site.py)
        return main_site(args, path)
    opts = band_options(args)
    if args.seed is not None and args.years is None:
        raise InputError("--seed sets the Monte Carlo seed; it needs --years (a single run uses scenario.seed)",
                         key="--seed")
    if args.tz is not None and args.meters is None:
        raise InputError("--tz applies to meter timestamps; it needs --meters", key="--tz")
    if args.check:
        return _check(args, path)
    # first run after installing: the plant kernels compile on a second core, and this process imports the
    # band's statistics while it waits for them
    parallel_compile.enable(imports=("scipy.stats",) if opts["samples"] else ())
    if args.years is not None:  # Monte Carlo over years (twin/study/montecarlo.py, issue 4)
        from twin.study.montecarlo import main_montecarlo
        return main_montecarlo(args, path)
    if args.meters is not None:
        return main_replay(args, path)
    scn = load_scenario(path)
    # before pandas and the engine are imported: a first run's kernels compile from here
    compile_ahead(apply_measures(scn, file=str(path)), file=str(path), base_dir=path.parent)
    from twin.engine.simulate import run_scenario
    from twin.metrics.summary import build_summary, save_run
    from twin.report.terminal import print_run_summary

    result = run_scenario(scn, file=str(path), base_dir=path.parent)
    summary = build_summary(result, scenario_file=str(path))
    if opts["samples"]:
        from twin.study.uncertainty import band

        summary["band"] = band(scn, file=str(path), base_dir=path.parent, **opts)

    def show(summary: dict) -> None:
        print_run_summary(summary)
        if "band" in summary:
            from twin.report.band import print_band
            print_band(summary["band"])
        if "calibration" in summary:
            from twin.report.meters import print_calibration_block
            print_calibration_block(summary["calibration"])

    return _finish(args, summary, lambda out: save_run(result, summary, out), show)


def _finish(args, summary: dict, save, show) -> int:
    """Write ``results.nc`` and ``summary.json`` to ``--out`` (by ``save(out)``); print the JSON or ``show`` it."""
    from twin.engine.results import print_json

    if args.out is not None:
        save(args.out)
    if args.json:
        print_json(summary)
    else:
        show(summary)
        if args.out is not None:
            print(f"wrote {args.out / 'results.nc'} and {args.out / 'summary.json'}")
    return 0


def main_site(args, path: Path) -> int:
    """``dctwin run SITE``: every hall and the shared plant, the site summary and one line per hall."""
    from twin.engine.results import write_dataset, write_json
    from twin.engine.site import run_site_file
    from twin.metrics.site_summary import build_site_summary, print_site_summary, site_dataset

    for flag, value in (("--years", args.years), ("--seed", args.seed), ("--meters", args.meters), ("--tz", args.tz)):
        if value is not None:
            raise InputError(f"{flag} runs one scenario; a site file ([[halls]]) takes only --out, --json and --check",
                             file=str(path), key=flag)
    if args.check:
        from twin.inputs.site_schema import load_site
        load_site(path)
        print(f"{path}: valid (a site of several halls)")
        return 0
    parallel_compile.enable()
    site = run_site_file(path)
    summary = build_site_summary(site, scenario_file=str(path))

    def save(out: Path) -> None:
        write_dataset(site_dataset(site), out / "results.nc")
        write_json(summary, out / "summary.json")

    return _finish(args, summary, save, print_site_summary)
