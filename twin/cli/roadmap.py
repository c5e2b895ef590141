"""``dctwin roadmap [SCENARIO] [--years N] [--out DIR]``: carbon roadmap over several years."""

from __future__ import annotations

from pathlib import Path

from twin.cli.writable import check_out_dir
from twin.inputs.bundled import resolve_scenario


def add_parser(sub) -> None:
    p = sub.add_parser("roadmap", help="emissions and PUE year by year (IT growth, grid decarbonisation, renewables)")
    p.add_argument("scenario", nargs="?", default=None,
                   help="scenario TOML (path or bundled name); default: the bundled guangzhou_legacy")
    p.add_argument("--years", type=int, default=None,
                   help="number of years, the base year included (default: roadmap.years of the scenario, 10)")
    p.add_argument("--out", type=Path, default=None, help="folder for roadmap.csv, roadmap.json and roadmap.png")
    p.set_defaults(func=main)


def main(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from twin.inputs.schema import load_scenario
    from twin.metrics.policy import load_rules
    from twin.study.roadmap import run_roadmap, write_roadmap

    path = resolve_scenario(args.scenario)
    if args.out is not None:
        check_out_dir(args.out)
    scn = load_scenario(path)
    rows = run_roadmap(scn, years=args.years, file=str(path), base_dir=path.parent)
    limit = load_rules()["site_classes"][scn.policy.site_class]["limit"]
    r = scn.roadmap
    title = (f"{scn.scenario.name}: IT +{100 * r.it_growth:g} %/yr, grid factor -{100 * r.grid_factor_decline:g} %/yr, "
             f"renewables +{100 * r.renewable_share_step:g} pt/yr")
    table = Table(title=title)
    for col in ("year", "util.", "PUE", "grid kg/kWh", "RE share", "CO2 t", "net CO2 t", "CUE net", "cost MCNY"):
        table.add_column(col, justify="right")
    for row in rows:
        table.add_row(str(row["year"]), f"{row['utilisation_mean']:.3f}", f"{row['pue']:.3f}",
                      f"{row['grid_factor']:.4f}", f"{100 * row['renewable_share']:.0f} %",
                      f"{row['co2_location_t']:,.0f}", f"{row['co2_net_t']:,.0f}", f"{row['cue_net']:.3f}",
                      f"{row['cost_cny'] / 1e6:,.2f}")
    Console().print(table)
    if args.out is not None:
        files = write_roadmap(rows, args.out, title=title, pue_limit=limit)
        print("wrote " + ", ".join(str(f) for f in files))
    return 0
