"""``dctwin compare [STUDY] [--out DIR] [--json] [--hourly]``: rank technology mixes of a study."""

from __future__ import annotations

from pathlib import Path

DEFAULT_STUDY = "guangzhou_retrofit_study.toml"


def add_parser(sub) -> None:
    p = sub.add_parser("compare", help="simulate the technology mixes of a study and rank them",
                       description="Simulate a baseline and its technology mixes, print a ranked table, "
                                   "and write report.html (self-contained) and results.nc.")
    p.add_argument("study", nargs="?", default=None,
                   help=f"study TOML (path or bundled name); default: the bundled {DEFAULT_STUDY.removesuffix('.toml')}")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for report.html and results.nc (default: ./dctwin-out/<study name>)")
    p.add_argument("--json", action="store_true", help="print the ranked table as JSON on stdout")
    p.add_argument("--hourly", action="store_true", help="also store every mix's hourly series in results.nc")
    p.add_argument("--no-report", action="store_true", help="write results.nc only (skip report.html)")
    p.set_defaults(func=main)


def main(args) -> int:
    from rich.console import Console

    from twin.bundled import default_out_dir, resolve_scenario
    from twin.results import print_json
    from twin.study.compare import ranked_json, run_study, write_dataset
    from twin.study.design import load_study
    from twin.study.progress import progress_bar

    path = resolve_scenario(args.study, default=DEFAULT_STUDY)
    study = load_study(path)
    out = args.out if args.out is not None else default_out_dir(path)
    err = Console(stderr=True)
    n = len(study.mixes) + (0 if any(m.name == "baseline" for m in study.mixes) else 1)
    with progress_bar(err, total=n, description="simulating mixes", unit="mixes") as advance:
        comp = run_study(study, hourly=args.hourly, progress=lambda name: advance(1))
    write_dataset(comp, out / "results.nc", hourly=args.hourly)
    if not args.no_report:
        from twin.report.html import write_report
        write_report(comp, out / "report.html")
    if args.json:
        print_json(ranked_json(comp))
    else:
        from twin.study.table import print_ranked_table
        print_ranked_table(comp)
        written = "results.nc" if args.no_report else "report.html and results.nc"
        print(f"wrote {written} to {out} ({len(comp.outcomes)} mixes in {comp.runtime_s:.1f} s)")
    return 0
