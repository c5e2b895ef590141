"""``dctwin catalog MEASURE [--param K=V] [--sites ...] [--loads ...] [--out DIR]``: a catalog entry."""

from __future__ import annotations

import tomllib
from pathlib import Path

from twin.cli.run import add_band_arguments

#: samples of each row's band: 2 x (16 + 1) extra annual runs per site and load
DEFAULT_CATALOG_SAMPLES = 16


def add_parser(sub) -> None:
    p = sub.add_parser("catalog", help="standard evaluation of one measure at every bundled site and 30/50/80/100 %% IT load",
                       description="Apply one measure to the reference baseline at each climate site and IT load "
                                   "level and tabulate PUE, energy, water, CO2 and cost savings (CSV, Markdown, PNG).")
    p.add_argument("measure", help="registered measure name (see twin/measures/)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="measure parameter, TOML value (repeatable), e.g. --param supply_air_c=25")
    p.add_argument("--sites", nargs="+", default=None, metavar="SITE",
                   help="bundled site ids or EPW paths (default: every bundled site, see `dctwin sites`)")
    p.add_argument("--loads", nargs="+", type=float, default=None, metavar="PERCENT",
                   help="IT load levels in %% of design IT (default: 30 50 80 100)")
    p.add_argument("--baseline", default=None,
                   help="reference baseline scenario (path or bundled name; default guangzhou_legacy)")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for catalog_<measure>.csv/.md/.png (default ./dctwin-out/catalog_<measure>)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON on stdout")
    add_band_arguments(p, default=DEFAULT_CATALOG_SAMPLES)
    p.set_defaults(func=main)


def _params(items: list[str]) -> dict:
    from twin.errors import InputError

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"expected KEY=VALUE, got {item!r}", key="--param")
        try:
            out[key.strip()] = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            out[key.strip()] = value.strip()  # a bare word, e.g. kind=hot_aisle
    return out


def main(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from twin.cli.run import band_options
    from twin.cli.writable import check_out_dir
    from twin.engine.results import print_json
    from twin.errors import InputError
    from twin.inputs.bundled import resolve_scenario
    from twin.inputs.schema import load_scenario
    from twin.inputs.weather import list_sites
    from twin.report.catalog import write_outputs
    from twin.study.catalog import LOAD_LEVELS, evaluate_measure
    from twin.study.progress import progress_bar

    measure = {"name": args.measure, **_params(args.param)}
    loads = LOAD_LEVELS if args.loads is None else tuple(x / 100.0 for x in args.loads)
    for x in loads:
        if not 0.0 < x <= 1.0:
            raise InputError(f"a load level is a percentage of design IT in (0, 100], got {100 * x:g}", key="--loads")
    if len(set(loads)) < len(loads):
        raise InputError("a load level is listed twice", key="--loads")
    out = args.out if args.out is not None else Path("dctwin-out") / f"catalog_{args.measure}"
    check_out_dir(out)
    path = resolve_scenario(args.baseline)
    baseline = load_scenario(path)
    sites = args.sites if args.sites is not None else list(list_sites())
    err = Console(stderr=True)
    opts = band_options(args)
    runs = 2 + opts["samples"]  # per site and load: the two runs, then one progress step per band sample
    with progress_bar(err, total=runs * len(sites) * len(loads), description=f"catalog {args.measure}", unit="runs") as adv:
        res = evaluate_measure(measure, baseline=baseline, baseline_file=str(path), base_dir=path.parent,
                               sites=sites, loads=loads, progress=adv, band=opts if opts["samples"] else None)
    files = write_outputs(res, out)
    if args.json:
        print_json(res.rows)
        return 0
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, 120))
    table = Table(title=f"{res.title} ({args.measure}) on '{res.baseline_name}': PUE change / energy saving by IT load",
                  caption="infeasible: the baseline or the run with the measure cannot carry its load or hold ASHRAE A1 "
                          "allowable; its max rack inlet and unmet cooling hours are shown instead (docs/feasibility.md)")
    table.add_column("site")
    table.add_column("region")
    for load in loads:
        table.add_column(f"{100 * load:.0f} %", justify="right")
    for site in dict.fromkeys(r["site"] for r in res.rows):
        rows = [r for r in res.rows if r["site"] == site]
        cells = [f"{r['delta_pue']:+.3f} / {r['energy_saving_pct']:.1f} %" if r["feasible"] else
                 f"{r['feasibility']}, {r['max_inlet_c']:.0f} °C, {r['unmet_hours']:,.0f} h unmet" for r in rows]
        table.add_row(rows[0]["site_name"], rows[0]["region"].split(" (")[0], *cells)
    console.print(table)
    if opts["samples"]:
        print(f"90 % bands ({opts['samples']} samples) of the PUE change, energy and cost saving, with their top "
              "drivers: in the CSV (_low/_high), the Markdown ([a, b]) and --json (docs/uncertainty.md)")
    print("wrote " + ", ".join(str(f) for f in files))
    return 0
