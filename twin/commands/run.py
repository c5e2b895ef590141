"""``dctwin run [SCENARIO] [--out DIR] [--json] [--meters FILE [--tz TZ]]``: simulate one scenario or site.

A site file (``[[halls]]``, see :mod:`twin.site_schema`) prints one line per hall and the site
totals; ``--json`` gives the site summary with a ``halls`` list (:mod:`twin.site_summary`).
"""

from __future__ import annotations

from pathlib import Path

from twin.bundled import resolve_scenario
from twin.errors import InputError
from twin.schema import read_toml
from twin.site_schema import is_site


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="simulate one scenario and print its summary")
    p.add_argument("scenario", nargs="?", default=None,
                   help="scenario or site ([[halls]]) TOML (path or bundled name); default: the bundled guangzhou_legacy")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for results.nc (full time series) and summary.json")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("--meters", type=Path, default=None,
                   help="meter file (CSV/Parquet): drive the twin with the measured IT power and outdoor air "
                        "and compare simulated with measured power (also meters.png with --out)")
    p.add_argument("--tz", default=None, help="time zone of naive meter timestamps, e.g. Asia/Shanghai or UTC+8")
    p.add_argument("--years", type=int, default=None,
                   help="Monte Carlo: simulate N stochastic years (grid outages, failures, maintenance) and print the "
                        "distribution of unserved IT energy and thermal excursions (montecarlo.json with --out)")
    p.add_argument("--seed", type=int, default=None,
                   help="seed of the Monte Carlo years (default: scenario.seed); needs --years")
    p.set_defaults(func=main)


def main(args) -> int:
    from twin.metrics.policy import policy_attrs
    from twin.report.terminal import print_run_summary
    from twin.results import write_netcdf
    from twin.replay import main_replay
    from twin.simulate import run_file
    from twin.summary import build_summary

    path = resolve_scenario(args.scenario)
    if is_site(read_toml(path)):  # several halls (twin/site.py)
        return main_site(args, path)
    if getattr(args, "years", None) is not None:  # Monte Carlo over years (twin/montecarlo.py, issue 4)
        from twin.montecarlo import main_montecarlo
        return main_montecarlo(args, path)
    if getattr(args, "seed", None) is not None:
        raise InputError("--seed sets the Monte Carlo seed; it needs --years (a single run uses scenario.seed)",
                         key="--seed")
    if args.meters is not None:
        return main_replay(args, path)
    if args.tz is not None:
        raise InputError("--tz applies to meter timestamps; it needs --meters", key="--tz")
    result = run_file(path)
    summary = build_summary(result, scenario_file=str(path))

    def show(summary: dict) -> None:
        print_run_summary(summary)
        if "calibration" in summary:
            from twin.replay import print_calibration_block
            print_calibration_block(summary["calibration"])

    return _finish(args, summary, lambda p: write_netcdf(result, p, attrs=policy_attrs(summary)), show)


def _finish(args, summary: dict, write_series, show) -> int:
    """Write ``results.nc`` (by ``write_series(path)``) and ``summary.json`` to ``--out``; print the JSON or ``show`` it."""
    from twin.results import print_json, write_json

    if args.out is not None:
        write_series(args.out / "results.nc")
        write_json(summary, args.out / "summary.json")
    if args.json:
        print_json(summary)
    else:
        show(summary)
        if args.out is not None:
            print(f"wrote {args.out / 'results.nc'} and {args.out / 'summary.json'}")
    return 0


def main_site(args, path: Path) -> int:
    """``dctwin run SITE``: every hall and the shared plant, the site summary and one line per hall."""
    from twin.results import atomic_write
    from twin.site import run_site_file
    from twin.site_summary import build_site_summary, print_site_summary, site_dataset

    for flag, value in (("--years", args.years), ("--seed", args.seed), ("--meters", args.meters), ("--tz", args.tz)):
        if value is not None:
            raise InputError(f"{flag} runs one scenario; a site file ([[halls]]) takes only --out and --json",
                             file=str(path), key=flag)
    site = run_site_file(path)
    summary = build_site_summary(site, scenario_file=str(path))

    def write_series(path: Path) -> None:
        ds = site_dataset(site)
        atomic_write(path, lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))

    return _finish(args, summary, write_series, print_site_summary)
