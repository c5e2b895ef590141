"""``dctwin sites``: list the bundled weather sites."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from twin.inputs.weather import list_sites


def add_parser(sub) -> None:
    p = sub.add_parser("sites", help="list bundled weather sites")
    p.set_defaults(func=main)


def main(args) -> int:
    table = Table(title="Bundled weather sites (twin/data/weather, see PROVENANCE.md)")
    for col in ("id", "name", "province", "dataset", "grid region", "hub"):
        table.add_column(col)
    for sid, row in list_sites().items():
        table.add_row(sid, row["name"], row["province"], row["dataset"], row["grid_region"], row.get("hub", ""))
    Console().print(table)
    return 0
