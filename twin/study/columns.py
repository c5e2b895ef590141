"""The headline columns of a comparison, read from run summaries as far as they exist.

A run summary (:func:`twin.metrics.summary.build_summary`) always holds the energy block (PUE, energy,
water).  Policy and economics modules add their own blocks (tariff cost, CO2, CAPEX, payback,
compliance, GB 40879 grade) when they are installed.  This module does not import them: it
looks for their entries in the summary by key, so a comparison shows whatever the running
installation computes and "—" for the rest.

A *metric entry* is a ``{"value": ..., "unit": ...}`` dictionary (:func:`twin.metrics.energy.metric`).
Each :class:`Column` names the summary paths that hold its metric, most specific first, plus a
pattern used when none of them exists (a new block may choose its own key names).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

MISSING = "—"


def is_metric(obj: Any) -> bool:
    return isinstance(obj, dict) and "value" in obj and "unit" in obj


def walk_metrics(summary: dict, prefix: str = "") -> list[tuple[str, dict]]:
    """Every metric entry of a summary as ``(dotted path, entry)``, depth first."""
    found: list[tuple[str, dict]] = []
    _collect_metrics(summary, prefix, found)
    return found


def _collect_metrics(node: dict, prefix: str, found: list) -> None:
    """Append the metric entries under ``node`` to ``found`` (one recursion per block, no generators:
    a sweep flattens a summary of a few hundred entries per case)."""
    for key, obj in node.items():
        if key in ("scenario", "run"):
            continue
        if is_metric(obj):
            found.append((prefix + key, obj))
        elif isinstance(obj, dict):
            _collect_metrics(obj, f"{prefix}{key}.", found)


def get_path(summary: dict, path: str) -> Any:
    node: Any = summary
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def metric_values(summary: dict) -> tuple[dict[str, tuple[float, str]], dict[str, str]]:
    """In one walk: every numeric scalar metric ``{path: (value, unit)}`` (booleans as 0/1) and
    every text metric ``{path: text}``."""
    numbers, texts = {}, {}
    for path, entry in walk_metrics(summary):
        v = entry["value"]
        if isinstance(v, str):
            texts[path] = v
        elif isinstance(v, (bool, int, float)):
            numbers[path] = (float(v), entry["unit"])
    return numbers, texts


def scalar_metrics(summary: dict) -> dict[str, tuple[float, str]]:
    """Every numeric scalar metric ``{path: (value, unit)}`` (booleans as 0/1)."""
    return metric_values(summary)[0]


@dataclass(frozen=True)
class Column:
    """One column of the ranked table."""

    key: str                       # short name (table header lookups, rank_by)
    header: str                    # shown in tables
    paths: tuple[str, ...] = ()    # summary paths tried in order
    pattern: str | None = None     # regex on metric paths, tried when no path exists
    avoid: str | None = None       # regex of paths the pattern must not match
    fmt: str = ",.0f"
    scale: dict = field(default_factory=dict)  # unit -> (factor, shown unit)
    kind: str = "number"           # "number" or "status" (compliance, grade)

    def find(self, summary: dict) -> tuple[str, Any] | None:
        """``(path, entry)`` of this column's metric in ``summary``, or None."""
        for p in self.paths:
            obj = get_path(summary, p)
            if obj is not None:
                return p, obj
        if self.pattern is None:
            return None
        rx, av = re.compile(self.pattern), re.compile(self.avoid) if self.avoid else None
        candidates = [(p, e) for p, e in walk_metrics(summary) if rx.search(p) and not (av and av.search(p))]
        if self.kind == "status":
            candidates += [(p, o) for p, o in _walk_blocks(summary) if rx.search(p) and not (av and av.search(p))]
        if not candidates:
            return None
        return min(candidates, key=lambda pe: (pe[0].count("."), len(pe[0])))


def _walk_blocks(summary: dict, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, obj in summary.items():
        if key in ("scenario", "run"):
            continue
        path = f"{prefix}{key}"
        if isinstance(obj, (dict, str, bool)) and not is_metric(obj):
            yield path, obj
            if isinstance(obj, dict):
                yield from _walk_blocks(obj, path + ".")


_MONEY = {"CNY": (1e-4, "10k CNY"), "yuan": (1e-4, "10k CNY"), "RMB": (1e-4, "10k CNY"),
          "CNY/yr": (1e-4, "10k CNY/yr"), "CNY/a": (1e-4, "10k CNY/yr")}
_MASS = {"kg": (1e-3, "t"), "kgCO2": (1e-3, "tCO2"), "kg CO2": (1e-3, "t CO2"), "kgCO2e": (1e-3, "tCO2e"),
         "kg CO2e": (1e-3, "t CO2e")}

#: The headline columns, in display order (after rank and mix name).
COLUMNS: tuple[Column, ...] = (
    Column("pue", "PUE", ("pue",), fmt=".3f"),
    Column("energy", "Energy", ("energy_facility_kwh",), pattern=r"energy_facility", scale={"kWh": (1e-3, "MWh")}),
    Column("cost", "Cost", ("policy.cost.total_cny", "cost.total_cny", "cost.annual_cost_cny", "energy_cost_cny"),
           pattern=r"(^|[._])(annual_)?(energy_|electricity_)?(bill|cost)(_total|\.total)?(_cny|_yuan|_rmb|_usd)?$",
           avoid=r"capex|capital|saving|per_|_per|unit|price|levelised|lcoe|npv|by_", scale=_MONEY),
    Column("co2", "CO2", ("policy.carbon.co2_net_t", "policy.carbon.co2_location_t", "carbon.co2_t", "co2_t"),
           pattern=r"co2|carbon|emission", avoid=r"factor|intensity|per_|_per|saving|cue|share|price|avoided|kwh",
           fmt=",.0f", scale=_MASS),
    Column("cost_surcharge", "Cost + surch.", ("policy.cost.total_with_assumed_surcharge_cny",), scale=_MONEY),
    Column("water", "Water", ("water_site_l",), pattern=r"water_site", scale={"L": (1e-3, "m³")}),
    Column("ppue_cooling", "pPUE cool", ("ppue_cooling",), fmt=".3f"),
    Column("ppue_power", "pPUE power", ("ppue_power",), fmt=".3f"),
    Column("itue", "ITUE", ("itue",), fmt=".3f"),
    Column("tue", "TUE", ("tue",), fmt=".3f"),
    Column("cue", "CUE", ("policy.carbon.cue",), fmt=".3f"),
    Column("cooling", "Cooling", ("energy_cooling_kwh",), scale={"kWh": (1e-3, "MWh")}),
    Column("wue", "WUE", ("wue",), fmt=".2f"),
    Column("envelope", "h > A1 rec.", ("hours_outside_a1_recommended",), fmt=",.0f"),
    Column("allowable", "h > A1 allow.", ("feasibility.checks.inlet.hours_outside_allowable",
                                          "hours_outside_a1_allowable"), fmt=",.0f"),
    Column("degree_hours", "K·h > A1 rec.", ("feasibility.checks.inlet.degree_hours_outside_recommended",),
           fmt=",.0f"),
    Column("degree_hours_allowable", "K·h > A1 allow.",
           ("feasibility.checks.inlet.degree_hours_outside_allowable",), fmt=",.0f"),
    Column("unserved", "Unserved IT", ("power.unserved_it_kwh",), scale={"kWh": (1e-3, "MWh")}, fmt=",.1f"),
    # hours the chiller or DX curves ran outside their data: the figures of those hours rest on the curves'
    # tangent at the data edge (docs/plants.md, "Chiller curves outside their data")
    Column("extrapolated", "h curves extrap.", ("hours_chiller_curve_extrapolated",), fmt=",.0f"),
    Column("max_inlet", "Max inlet", ("feasibility.checks.inlet.max_rack_inlet_c", "max_rack_inlet_c"), fmt=".1f"),
    Column("unmet", "Unmet cooling", ("feasibility.checks.cooling.unmet_hours",), fmt=",.0f"),
    Column("feasibility", "Feasibility", ("feasibility.verdict",), kind="status"),
    Column("capex", "CAPEX", ("economics.capex_cny",), pattern=r"capex|capital_cost|investment",
           avoid=r"per_|_per|annuali", scale=_MONEY),
    Column("npv", "NPV", ("economics.npv_cny",), scale=_MONEY),
    Column("payback", "Payback", ("economics.simple_payback_years", "economics.payback_years"),
           pattern=r"payback", fmt=".2g"),
    Column("compliance", "Compliance", ("policy.compliance", "compliance"), pattern=r"complian", kind="status"),
    Column("grade", "Grade", ("policy.gb40879_grade", "grade", "policy.grade"), pattern=r"grade", kind="status"),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def _number(entry: Any) -> float | None:
    v = entry.get("value") if isinstance(entry, dict) else entry
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def column_value(col: Column, summary: dict) -> float | None:
    """The numeric value of a column in ``summary`` (None when absent or not a number)."""
    found = col.find(summary)
    return None if found is None else _number(found[1])


def _status_text(obj: Any) -> str:
    """A short text for a compliance / grade block whose layout this module does not know."""
    if is_metric(obj):
        v = obj["value"]
        text = _status_text(v) if not isinstance(v, (int, float)) or isinstance(v, bool) else f"{v:g}"
        if text != MISSING and isinstance(obj.get("limit"), (int, float)):
            text += f" (≤ {obj['limit']:g})"
        return text
    if isinstance(obj, bool):
        return "pass" if obj else "FAIL"
    if isinstance(obj, (int, float)):
        return f"{obj:g}"
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):
        for k in ("label", "grade", "status", "verdict", "summary", "text"):
            if isinstance(obj.get(k), (str, int)) and not isinstance(obj.get(k), bool):
                return str(obj[k])
        for k in ("pass", "passed", "compliant", "ok", "meets"):
            if isinstance(obj.get(k), bool):
                return "pass" if obj[k] else "FAIL"
            if is_metric(obj.get(k)) and isinstance(obj[k]["value"], bool):
                return "pass" if obj[k]["value"] else "FAIL"
        checks = {k: _status_text(v) for k, v in obj.items() if isinstance(v, (dict, bool))}
        checks = {k: v for k, v in checks.items() if v in ("pass", "FAIL")}
        if checks:
            failed = [k for k, v in checks.items() if v == "FAIL"]
            return f"{len(checks) - len(failed)}/{len(checks)} pass" + (f" (fails {', '.join(failed)})" if failed else "")
    return MISSING


def column_cell(col: Column, summary: dict) -> tuple[str, str | None]:
    """``(text, unit)`` of one cell; ``("—", None)`` when the metric does not exist."""
    found = col.find(summary)
    if found is None:
        return MISSING, None
    _, entry = found
    if col.kind == "status":
        return _status_text(entry), None
    value = _number(entry)
    if value is None or not math.isfinite(value):
        never = isinstance(entry, dict) and "never" in str(entry.get("note", ""))
        return ("never" if never else MISSING), None
    unit = entry.get("unit", "") if isinstance(entry, dict) else ""
    factor, unit = col.scale.get(unit, (1.0, unit))
    return f"{value * factor:{col.fmt}}", ("" if unit in ("-", "1") else unit)


def column_json(col: Column, summary: dict) -> tuple[str, Any] | None:
    """``(summary path, entry)`` as ``dctwin run --json`` prints it, or None."""
    return col.find(summary)
