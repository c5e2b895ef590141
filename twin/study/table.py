"""The ranked comparison table, as plain rows (shared by the terminal and the HTML report).

Every column of :data:`ORDER` is a headline metric of :mod:`twin.study.columns` (or ΔPUE and the
energy saving against the baseline).  A terminal too narrow for all of them keeps "#", "Mix" and
the columns of :data:`PRIORITY` from the front, drops the rest from the back, and says in the
caption which it dropped.  Costs that rest on assumption-grade inputs carry the marker
:data:`ASSUMED`.
"""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from twin.study.columns import COLUMNS, MISSING, column_cell, get_path
from twin.study.compare import Comparison, delta_pue, energy_saving_kwh

#: Columns after "#" and "Mix", left to right.
ORDER = ("pue", "delta_pue", "energy", "saving", "cost", "cost_surcharge", "capex", "payback", "npv", "co2", "cue",
         "water", "wue", "cooling", "ppue_cooling", "ppue_power", "itue", "tue", "unserved", "envelope",
         "degree_hours", "max_inlet", "extrapolated", "feasibility", "compliance", "grade")
#: The same columns, most important first: a narrow terminal drops them from the end.
PRIORITY = ("pue", "compliance", "feasibility", "energy", "saving", "cost", "capex", "payback", "delta_pue",
            "max_inlet", "degree_hours", "co2", "npv", "cost_surcharge", "tue", "ppue_cooling", "ppue_power", "itue",
            "cue", "wue", "water", "cooling", "unserved", "envelope", "extrapolated", "grade")
#: Marker of a cost that rests on assumption-grade inputs (listed under ``assumptions`` in --json).
ASSUMED = "*"
#: Money columns: the bill's (policy.cost) and the investment's (economics).
BILL_KEYS = ("cost", "cost_surcharge")
INVESTMENT_KEYS = ("capex", "payback", "npv")
#: Widest the folding "Mix" column is counted when fitting the table (longer names wrap). [characters]
MIX_WIDTH = 24
#: Console width used when the output is not a terminal (a pipe or a file): wide enough for every column.
PIPE_WIDTH = 400


def _marked(text: str, assumed: bool) -> str:
    return text + ASSUMED if assumed and text != MISSING else text


def ranked_rows(comp: Comparison) -> tuple[list[str], list[str], list[list[str]]]:
    """Keys, header and text rows of the ranked table (best first); "—" where a metric is absent.

    The keys are ``"#"``, ``"mix"`` and then :data:`ORDER`.  Bill and investment cells carry
    :data:`ASSUMED` when assumption-grade inputs lie behind them.
    """
    cells = []
    units: dict[str, str] = {}
    base_kwh = comp.baseline.summary["energy_facility_kwh"]["value"]
    for o in comp.ranked():
        row = {}
        for col in COLUMNS:
            text, unit = column_cell(col, o.summary)
            row[col.key] = text
            if unit and text != MISSING:
                units.setdefault(col.key, unit)
        bill = bool(get_path(o.summary, "policy.cost.assumptions"))
        investment = bool(get_path(o.summary, "economics.assumptions"))
        for k in BILL_KEYS:
            row[k] = _marked(row[k], bill)
        for k in INVESTMENT_KEYS:
            row[k] = _marked(row[k], investment)
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
    titles = {c.key: c.header for c in COLUMNS} | {"delta_pue": "ΔPUE", "saving": "Saving",
                                                   "compliance": compliance_title}
    units["saving"] = "%"
    header = ["#", "Mix"] + [titles[k] + (f"\n[{units[k]}]" if k in units else "") for k in ORDER]
    rows = [[str(i), o.mix.name] + [row[k] for k in ORDER] for i, (o, row) in enumerate(cells, start=1)]
    return ["#", "mix", *ORDER], header, rows


def column_width(header: str, cells: list[str], *, cap: int | None = None) -> int:
    """Terminal cells a column needs: its widest header line or cell, one space of padding each side and
    its left divider (the table's right edge adds one more cell, see :func:`fit_columns`)."""
    widest = max([cell_len(line) for line in header.split("\n")] + [cell_len(c) for c in cells])
    return (min(widest, cap) if cap else widest) + 3


def fit_columns(keys: list[str], header: list[str], rows: list[list[str]], width: int,
                priority: tuple[str, ...] = PRIORITY) -> tuple[list[int], list[str]]:
    """Indices of the columns that fit in ``width`` terminal cells, and the titles of those dropped.

    "#", "Mix" and PUE always stay; the other columns go in reverse ``priority`` order (default
    :data:`PRIORITY`) until the rest fit (a table may hold only some of its keys, as ``dctwin
    optimise``'s).
    """
    need = {i: column_width(header[i], [r[i] for r in rows], cap=MIX_WIDTH if keys[i] == "mix" else None)
            for i in range(len(keys))}
    kept = set(range(len(keys)))
    for key in (k for k in reversed(priority[1:]) if k in keys):
        if sum(need[i] for i in kept) + 1 <= width:
            break
        kept.discard(keys.index(key))
    dropped = [header[i].split("\n")[0] for i in range(len(keys)) if i not in kept]
    return sorted(kept), dropped


def print_ranked_table(comp: Comparison, console: Console | None = None) -> None:
    """Print the ranked table of a comparison with rich, dropping low-priority columns to fit the width."""
    if console is None:
        console = Console()
        if not console.is_terminal:  # a pipe or a file: do not squeeze the table into 80 columns
            console = Console(width=max(console.width, PIPE_WIDTH))
    s = comp.baseline.summary["scenario"]
    by = {"pue": "annual PUE", "energy": "annual facility energy", "cost": "annual electricity cost"}.get(
        comp.rank_by, comp.rank_by)
    keys, header, rows = ranked_rows(comp)
    kept, dropped = fit_columns(keys, header, rows, console.width)
    caption = (f"ΔPUE and saving are against the baseline; infeasible mixes are ranked last (docs/feasibility.md); "
               f"{ASSUMED} cost rests on assumption-grade inputs (--json 'assumptions'); h curves extrap.: hours the "
               f"chiller or DX curves ran outside their data (docs/plants.md); — : not computed")
    if dropped:
        caption += f". Dropped to fit {console.width} columns: {', '.join(dropped)} (widen the terminal, or see " \
                   "report.html / --json)"
    table = Table(title=f"{comp.study.name} - {s['site_name']} ({s['site']}), {s['year']}; ranked by {by}",
                  caption=caption, header_style="bold", box=box.SIMPLE_HEAD)
    for i in kept:
        if keys[i] == "mix":
            widest = max(cell_len(r[i]) for r in rows)
            table.add_column(escape(header[i]), justify="left", overflow="fold", min_width=min(widest, MIX_WIDTH))
        else:
            table.add_column(escape(header[i]), justify="right", no_wrap=True)
    for row in rows:
        style = "dim" if row[1] == "baseline" else None
        table.add_row(*(escape(row[i]) for i in kept), style=style)
    console.print(table)
