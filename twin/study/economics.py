"""CAPEX, payback and NPV of each mix against the baseline, where the economics module exists.

:func:`twin.metrics.economics.measure_economics` prices a set of cost rows (one per measure,
``twin/data/costs.toml``, id = measure name) at given capacities and compares two run
summaries.  This module supplies what it needs from a study: the rows of the mix's measures,
the plant capacities they scale with, and the baseline and mix summaries.  It adds an
``economics`` block to the mix's summary (``capex_cny``, ``simple_payback_years``, ``npv_cny``,
``irr``, ``net_saving_year1_cny``) so that tables and ``--json`` read it like any other metric,
and ``assumptions``: every assumption-grade input behind these figures (cost rows without a
sourced price, finance defaults graded "assumption" or "M", and the bill's own assumptions).

Capacities (unit of each cost row's ``capacity``), from the scenario the mix runs:

=================  ==================================================================
``racks``          ``it.racks``
``it_kw``          ``it.design_kw``
``cooling_kw``     installed chiller capacity (``plant.chillers x chiller_capacity_kw``)
``motor_kw``       CRAH fans + chilled- and condenser-water pumps + tower fans at design
                   (one pump and tower cell per chiller, as the plant model assumes)
``ups_kw``         installed UPS capacity (``power.ups_units x ups_unit_kw``, per side)
``storage_kwh_th`` ``thermal_storage.capacity_kwh``
``battery_kwh``    rated battery energy, ``pv_kwp`` PV capacity (from the power-chain assembly)
=================  ==================================================================

A measure parameter with the same name as the capacity (e.g. ``pv_kwp = 500``) overrides it.
A mix with a measure that has no cost row, or whose capacity is unknown, gets no economics
block (its CAPEX and payback show "—").
"""

from __future__ import annotations

import math


def capacities(plant) -> dict[str, float]:
    """Capacities of a plant for pricing cost rows (see the module docstring)."""
    from components.layout import PARAM

    scn = plant.scenario
    p = plant.params
    caps: dict[str, float] = {"racks": float(scn.it.racks), "it_kw": float(scn.it.design_kw)}
    d = plant.design
    if "chiller_capacity_total_kw" in d:
        caps["cooling_kw"] = float(d["chiller_capacity_total_kw"])
    if "ups_capacity_kw" in d:
        caps["ups_kw"] = float(d["ups_capacity_kw"])
    for key in ("battery_kwh", "pv_kwp"):  # written by the power-chain assembly (twin/inputs/schema_power.py)
        if d.get(key):
            caps[key] = float(d[key])
    try:
        n = scn.plant.chillers
        motor_w = (p[PARAM.crah_units] * p[PARAM.crah_unit_fan_w]
                   + n * (p[PARAM.chw_pump_w] + p[PARAM.cw_pump_w] + p[PARAM.tower_fan_w]))
        caps["motor_kw"] = float(motor_w) / 1e3
    except (AttributeError, KeyError):  # pragma: no cover - a plant layout without these
        pass
    ts = getattr(scn, "thermal_storage", None)
    if ts is not None and getattr(ts, "capacity_kwh", 0.0):
        caps["storage_kwh_th"] = float(ts.capacity_kwh)
    return caps


def finance_assumptions(finance) -> list[dict]:
    """Finance inputs at a schema default whose description grades it "assumption" or "M" (from
    memory), each ``{input, value, unit, evidence, why}`` (``twin/inputs/policy_schema.py`` ``Finance``)."""
    out = []
    from twin.metrics.policy import at_default

    for name, f in type(finance).model_fields.items():
        desc = f.description or ""
        if name == "cost_overrides" or not at_default(finance, name):
            continue
        grade = "M" if "(M" in desc else "assumption" if "assumption" in desc.lower() else None
        if grade is not None:
            unit = desc[desc.find("[") + 1:desc.find("]")] if "[" in desc else "-"
            out.append({"input": f"policy.finance.{name}", "value": getattr(finance, name), "unit": unit,
                        "evidence": grade, "why": desc})
    return out


def cost_row_assumptions(items: list[dict], table: dict) -> list[dict]:
    """Cost rows (``twin/data/costs.toml``) priced for a mix whose evidence is not sourced (S or P)."""
    return [{"input": f"costs.toml [{i['id']}] capex_cny_per_unit", "value": table[i["id"]]["capex_cny_per_unit"],
             "unit": f"CNY/{table[i['id']]['unit']}", "evidence": table[i["id"]]["evidence"],
             "why": table[i["id"]]["source"]}
            for i in items if table[i["id"]]["evidence"] not in ("S", "P")]


def _finite(x):
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


def mix_economics(mix, plant, baseline_summary: dict, mix_summary: dict) -> dict | None:
    """The ``economics`` summary block of a mix, or None when it cannot be priced here."""
    if not mix.measures:
        return None
    try:
        from twin.inputs.costs import cost_table
        from twin.metrics import economics as eco
    except ImportError:  # pragma: no cover - installation without the economics module
        return None
    finance = getattr(getattr(plant.scenario, "policy", None), "finance", None)
    if finance is None or "policy" not in baseline_summary or "policy" not in mix_summary:
        return None
    table = cost_table(finance.cost_overrides)
    caps = capacities(plant)
    rows = []
    for m in mix.measures:
        row = table.get(m["name"])
        if row is None:
            return None
        if row["capacity"] in m:
            caps[row["capacity"]] = float(m[row["capacity"]])
        if row["id"] not in caps and row["capacity"] not in caps:
            return None
        rows.append(row)
    try:
        out = eco.measure_economics(rows, caps, baseline_summary, mix_summary, finance)
    except (KeyError, TypeError):  # a summary without the entries the economics needs
        return None
    payback = out["simple_payback_years"]
    rule = "twin.metrics.economics.measure_economics against the baseline; rows " + \
           ", ".join(f"{i['id']} x {i['quantity']:,.0f} {i['unit']}" for i in out["items"])
    return {
        "capex_cny": {"value": out["capex_cny"], "unit": "CNY", "note": rule},
        "om_cny_per_year": {"value": out["om_cny_per_year"], "unit": "CNY/yr"},
        "net_saving_year1_cny": {"value": out["net_saving_year1_cny"], "unit": "CNY",
                                 "note": "first-year saving (electricity, surcharge, water, carbon) minus O&M"},
        "simple_payback_years": {"value": _finite(payback), "unit": "yr",
                                 "note": "capital cost / first-year net saving" +
                                         ("; never pays back" if payback == math.inf else "")},
        "npv_cny": {"value": out["npv_cny"], "unit": "CNY",
                    "note": f"{finance.horizon_years} yr at {100 * finance.discount_rate:g} % real"},
        "irr": {"value": _finite(out["irr"]) if out["irr"] is not None else None, "unit": "1/yr"},
        "assumptions": (cost_row_assumptions(out["items"], table) + finance_assumptions(finance)
                        + mix_summary["policy"]["cost"]["assumptions"]),
    }
