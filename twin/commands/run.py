"""``dctwin run [SCENARIO] [--out DIR] [--json]``: simulate one scenario."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from twin.bundled import resolve_scenario


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="simulate one scenario and print its summary")
    p.add_argument("scenario", nargs="?", default=None,
                   help="scenario TOML (path or bundled name); default: the bundled guangzhou_legacy")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for results.nc (full time series) and summary.json")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.set_defaults(func=main)


def main(args) -> int:
    from twin.report.terminal import print_run_summary
    from twin.results import atomic_write, write_netcdf
    from twin.simulate import run_file
    from twin.summary import build_summary

    path = resolve_scenario(args.scenario)
    result = run_file(path)
    summary = build_summary(result, scenario_file=str(path))
    if args.out is not None:
        write_netcdf(result, args.out / "results.nc")
        text = json.dumps(summary, indent=2, ensure_ascii=False)
        atomic_write(args.out / "summary.json", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    if args.json:
        json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_run_summary(summary)
        if args.out is not None:
            print(f"wrote {args.out / 'results.nc'} and {args.out / 'summary.json'}")
    return 0
