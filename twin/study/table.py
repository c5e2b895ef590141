"""The ranked comparison table, as plain rows (shared by the terminal and the HTML report)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from twin.study.columns import COLUMNS, MISSING, column_cell
from twin.study.compare import Comparison, delta_pue, energy_saving_kwh


def ranked_rows(comp: Comparison) -> tuple[list[str], list[list[str]]]:
    """Header and text rows of the ranked table (best first); "—" where a metric is absent."""
    cells = []
    units: dict[str, str] = {}
    for o in comp.ranked():
        row = {}
        for col in COLUMNS:
            text, unit = column_cell(col, o.summary)
            row[col.key] = text
            if unit and text != MISSING:
                units.setdefault(col.key, unit)
        base_kwh = comp.baseline.summary["energy_facility_kwh"]["value"]
        row["delta_pue"] = f"{delta_pue(o, comp.baseline):+.3f}"
        row["saving"] = f"{100.0 * energy_saving_kwh(o, comp.baseline) / base_kwh:+.1f}"
        cells.append((o, row))
    # a limit shared by every row goes into the header: "fail (≤ 1.5)" -> "fail"
    suffixes = {r["compliance"][r["compliance"].find(" (≤"):] if " (≤" in r["compliance"] else None for _, r in cells}
    compliance_title = "Compliance"
    if len(suffixes) == 1 and None not in suffixes:
        suffix = suffixes.pop()
        compliance_title += "\n" + suffix.strip()
        for _, r in cells:
            r["compliance"] = r["compliance"].removesuffix(suffix)
    order = ["pue", "delta_pue", "energy", "saving", "cooling", "cost", "co2", "water", "wue", "envelope", "max_inlet",
             "feasibility", "capex", "payback", "compliance", "grade"]
    titles = {c.key: c.header for c in COLUMNS} | {"delta_pue": "ΔPUE", "saving": "Saving",
                                                   "compliance": compliance_title}
    units["saving"] = "%"
    header = ["#", "Mix"] + [titles[k] + (f"\n[{units[k]}]" if k in units else "") for k in order]
    rows = [[str(i), o.mix.name] + [row[k] for k in order] for i, (o, row) in enumerate(cells, start=1)]
    return header, rows


def print_ranked_table(comp: Comparison, console: Console | None = None) -> None:
    """Print the ranked table of a comparison with rich."""
    if console is None:
        console = Console()
        if not console.is_terminal:  # a pipe or a file: do not squeeze the table into 80 columns
            console = Console(width=max(console.width, 210))
    s = comp.baseline.summary["scenario"]
    by = {"pue": "annual PUE"}.get(comp.rank_by, comp.rank_by)
    table = Table(title=f"{comp.study.name} - {s['site_name']} ({s['site']}), {s['year']}; ranked by {by}",
                  caption="ΔPUE and saving are against the baseline; infeasible mixes are ranked last "
                          "(docs/feasibility.md); — : metric not computed by this installation",
                  header_style="bold", box=box.SIMPLE_HEAD)
    header, rows = ranked_rows(comp)
    for i, h in enumerate(header):
        h = escape(h)
        if i == 1:
            table.add_column(h, justify="left", overflow="fold", min_width=22, ratio=1)
        else:
            table.add_column(h, justify="right", no_wrap=True)
    for row in rows:
        style = "dim" if row[1] == "baseline" else None
        table.add_row(*(escape(c) for c in row), style=style)
    console.print(table)
