"""``dctwin compare [STUDY] [--out DIR] [--json] [--hourly] [--rank-by KEY]``: rank technology mixes of a study."""

from __future__ import annotations

from pathlib import Path

from twin.cli.run import add_band_arguments
from twin.study.design import RANK_KEYS

DEFAULT_STUDY = "guangzhou_retrofit_study.toml"
#: samples of each mix's band: (mixes + 1) x 64 annual runs, about 0.6-1 s per mix; 64 keeps the drivers of a
#: 25-input design clear of chance above |rho| 0.39 (twin.study.band_drivers.noise_floor)
DEFAULT_COMPARE_SAMPLES = 64


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
    p.add_argument("--rank-by", choices=RANK_KEYS, default=None,
                   help="rank by this metric, lower first (default: the study's rank_by, else pue); "
                        "energy = annual facility energy, cost = annual electricity cost")
    add_band_arguments(p, default=DEFAULT_COMPARE_SAMPLES)
    p.add_argument("--check", action="store_true", help="validate the inputs and --out, then stop before simulating (exit 0: valid; 2: one line naming the problem)")
    p.set_defaults(func=main)


def main(args) -> int:
    from rich.console import Console

    from twin.cli.run import band_options
    from twin.cli.writable import check_out_dir
    from twin.engine.results import print_json
    from twin.inputs.bundled import default_out_dir, resolve_scenario
    from twin.study.compare import ranked_json, run_study, write_dataset
    from twin.study.design import load_study
    from twin.study.progress import progress_bar

    path = resolve_scenario(args.study, default=DEFAULT_STUDY)
    out = args.out if args.out is not None else default_out_dir(path)
    check_out_dir(out)
    opts = band_options(args)
    study = load_study(path)
    if args.rank_by is not None:
        study.rank_by = args.rank_by
    if args.check:
        from twin.engine.simulate import prepare
        for mix in study.mixes:
            prepare(study.scenario(mix), file=study.file, base_dir=study.base_dir)
        print(f"{path}: valid ({len(study.mixes)} mixes)")
        return 0
    from twin.engine import parallel_compile
    parallel_compile.enable()  # first run after installing: the plant kernels compile on a second core
    err = Console(stderr=True)
    n = len(study.mixes) + (0 if any(m.name == "baseline" for m in study.mixes) else 1)
    with progress_bar(err, total=n, description="simulating mixes", unit="mixes") as advance:
        comp = run_study(study, hourly=args.hourly, progress=lambda name: advance(1))
    if opts["samples"]:
        from twin.study.bands import study_bands
        with progress_bar(err, total=n, description="uncertainty bands", unit="mixes") as advance:
            comp.bands = study_bands(comp, progress=lambda name: advance(1), **opts)
    write_dataset(comp, out / "results.nc", hourly=args.hourly)
    if not args.no_report:
        from twin.report.html import write_report
        write_report(comp, out / "report.html")
    if args.json:
        print_json(ranked_json(comp))
    else:
        from twin.study.table import print_ranked_table
        print_ranked_table(comp)
        from twin.report.band import print_band_rows
        print_band_rows(comp)
        written = "results.nc" if args.no_report else "report.html and results.nc"
        print(f"wrote {written} to {out} ({len(comp.outcomes)} mixes in {comp.runtime_s:.1f} s)")
    return 0
