"""The cost table: capital and running cost of each technology (``twin/data/costs.toml``).

Each row gives the capital cost per unit of capacity, the fixed O&M per unit and year, the
lifetime and its source with an evidence label (docs/sources.md); a scenario may override rows
(``policy.finance.cost_overrides``).  The economics that use it are in
:mod:`twin.metrics.economics`; the schema reads it to price battery replacements.
"""

from __future__ import annotations

import functools
from pathlib import Path

from twin.errors import InputError
from twin.inputs.schema_base import read_toml

COSTS_FILE = Path(__file__).resolve().parents[1] / "data" / "costs.toml"
REQUIRED = ("description", "capacity", "unit", "capex_cny_per_unit", "om_cny_per_unit_year", "lifetime_years",
            "evidence", "source")


@functools.lru_cache(maxsize=1)
def _bundled_costs() -> dict:
    return read_toml(COSTS_FILE)


def check_cost_row(row: dict, *, file: str | None, key: str) -> None:
    """A cost row needs every field of :data:`REQUIRED`, non-negative costs and a positive life."""
    missing = [f for f in REQUIRED if f not in row]
    if missing:
        raise InputError(f"cost row is missing {missing}", file=file, key=key)
    for f in ("capex_cny_per_unit", "om_cny_per_unit_year"):
        if not isinstance(row[f], (int, float)) or row[f] < 0:
            raise InputError(f"must be a number >= 0, got {row[f]!r}", file=file, key=f"{key}.{f}")
    if not isinstance(row["lifetime_years"], (int, float)) or row["lifetime_years"] <= 0:
        raise InputError(f"must be a number > 0, got {row['lifetime_years']!r}", file=file, key=f"{key}.lifetime_years")


def cost_table(overrides: dict[str, dict] | None = None, *, file: str | None = None) -> dict[str, dict]:
    """Rows of ``twin/data/costs.toml`` by id, with a scenario's overrides applied and checked.

    ``overrides`` maps a row id to changed fields (``policy.finance.cost_overrides``); a new id
    adds a row, which then needs every field.  An overridden row's ``source`` becomes "scenario
    override" unless the override gives one.
    """
    rows = {k: dict(v, id=k) for k, v in _bundled_costs().items()}
    for k, row in rows.items():
        check_cost_row(row, file=str(COSTS_FILE), key=k)
    for k, change in (overrides or {}).items():
        row = dict(rows.get(k, {"id": k}))
        row.update(change)
        if "source" not in change:
            row["source"] = f"scenario override of {sorted(change)}" + (f"; was: {row['source']}" if "source" in row else "")
            row.setdefault("evidence", "scenario input")
        check_cost_row(row, file=file, key=f"policy.finance.cost_overrides.{k}")
        rows[k] = row
    return rows
