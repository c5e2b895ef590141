"""Economics of a measure: capital and running cost, savings against a baseline, payback, NPV, IRR.

Everything here is a pure function of numbers, so the study/compare command can call it with
any pair of run summaries.  Money is in CNY, constant (real) prices; years are counted from 0
(the investment) to the horizon.

Cash-flow model
---------------
- Year 0: minus the capital cost of every cost row (``capex_cny_per_unit x capacity``).
- Years 1..H: plus the annual savings (electricity, surcharge, purchased cooling, water, carbon
  value; electricity escalated by ``(1 + escalation)^(year - 1)``), minus the fixed O&M of every row.
- Replacements: a row with a lifetime ``L < H`` is bought again at years ``L, 2L, ...`` below H.
- Residual value: at year H the unexpired part of the last purchase of each row is credited at
  straight-line value, ``capex x (remaining life / L)``.  With replacements and residual value a
  short-lived option (VRLA, 5 yr) is compared fairly with a long-lived one (LFP, 12 yr).
- Optional ``avoided_rows``: equipment the baseline would have to buy anyway (e.g. the VRLA
  strings a lithium retrofit replaces); their cash flows enter with the opposite sign.

NPV = sum of CF_t / (1 + r)^t; IRR solves NPV = 0 (scipy.optimize.brentq); simple payback =
capital cost / first-year net saving.
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from twin.errors import InputError


class FinanceLike(Protocol):
    """What the economics needs from :class:`twin.inputs.policy_schema.Finance`."""

    discount_rate: float
    horizon_years: int
    electricity_escalation: float
    water_price_cny_per_m3: float
    carbon_price_cny_per_t: float


def capacities_from_design(design: dict) -> dict[str, float]:
    """The capacities a cost row can scale with that follow from ``result.plant.design``.

    ``racks``, ``it_kw`` (design IT), ``cooling_kw`` (installed chiller capacity), ``crah_kw``
    (installed CRAH sensible capacity) and ``ups_kw`` (UPS output, one side for 2N).  Others
    (``motor_kw``, ``battery_kwh``, ``pv_kwp``, ``storage_kwh_th``, ``transformer_kw``) depend
    on the measure and must be given by the caller.
    """
    return {"racks": float(design["racks"]), "it_kw": float(design["it_design_kw"]),
            "cooling_kw": float(design["chiller_capacity_total_kw"]),
            "crah_kw": float(design["crah_capacity_total_kw"]), "ups_kw": float(design["ups_capacity_kw"])}


# ---------------------------------------------------------------------------------------------
# Finance primitives
# ---------------------------------------------------------------------------------------------

def npv(rate: float, flows: np.ndarray | list[float]) -> float:
    """Net present value of yearly cash flows ``flows[t]`` at years t = 0, 1, ... [CNY]."""
    flows = np.asarray(flows, dtype=float)
    return float(np.sum(flows / (1.0 + rate) ** np.arange(flows.size)))


def irr(flows: np.ndarray | list[float], low: float = -0.99, high: float = 10.0) -> float | None:
    """Internal rate of return: the rate with NPV = 0, by Brent's method. [-/yr]

    Returns ``None`` when NPV does not change sign between ``low`` and ``high`` (for example a
    measure that never pays back, or flows without an investment).  With one sign change in the
    flows (a conventional investment) the root is unique.
    """
    f_low, f_high = npv(low, flows), npv(high, flows)
    if not (np.isfinite(f_low) and np.isfinite(f_high)) or f_low * f_high > 0:
        return None
    from scipy.optimize import brentq  # here, not at the top: scipy.optimize costs ~0.4 s of every run's start-up

    return float(brentq(lambda r: npv(r, flows), low, high, xtol=1e-12, maxiter=500))


def simple_payback(capex: float, annual_net_saving: float) -> float:
    """Years to recover the capital cost from the first year's net saving; inf if it never does. [yr]"""
    if capex <= 0.0:
        return 0.0
    return capex / annual_net_saving if annual_net_saving > 0.0 else math.inf


def equipment_flows(capex: float, om_per_year: float, lifetime_years: float, horizon_years: int) -> np.ndarray:
    """Yearly cash flows (negative = spending) of owning one item over the horizon. [CNY]

    Buys at year 0 and again every ``lifetime_years`` strictly before the horizon; pays O&M in
    years 1..H; credits the straight-line residual value of the last purchase at year H.
    Non-integer lifetimes are bought in the year the previous one runs out (rounded up).
    """
    flows = np.zeros(horizon_years + 1)
    flows[1:] -= om_per_year
    bought, t = [], 0.0
    while t < horizon_years:
        year = int(math.ceil(t - 1e-9))
        flows[year] -= capex
        bought.append(t)
        t += lifetime_years
    remaining = bought[-1] + lifetime_years - horizon_years
    flows[horizon_years] += capex * remaining / lifetime_years
    return flows


def cost_flows(rows: list[dict], capacities: dict[str, float], horizon_years: int) -> dict:
    """Capital, O&M and the yearly flows of a set of cost rows at the given capacities.

    ``capacities`` maps a row's ``capacity`` name (e.g. ``"racks"``) or its ``id`` to a
    quantity in the row's ``unit``; the id wins when both are given.
    """
    flows = np.zeros(horizon_years + 1)
    items, capex, om = [], 0.0, 0.0
    for row in rows:
        qty = capacities.get(row["id"], capacities.get(row["capacity"]))
        if qty is None:
            raise InputError(f"no capacity given for cost row {row['id']!r} (needs {row['capacity']!r} in {row['unit']})",
                             key=f"capacities.{row['capacity']}")
        c, o = row["capex_cny_per_unit"] * qty, row["om_cny_per_unit_year"] * qty
        flows += equipment_flows(c, o, row["lifetime_years"], horizon_years)
        capex += c
        om += o
        items.append({"id": row["id"], "quantity": float(qty), "unit": row["unit"], "capex_cny": c, "om_cny_per_year": o,
                      "lifetime_years": row["lifetime_years"], "evidence": row["evidence"], "source": row["source"]})
    return {"capex_cny": capex, "om_cny_per_year": om, "flows": flows, "items": items}


# ---------------------------------------------------------------------------------------------
# Savings between two run summaries
# ---------------------------------------------------------------------------------------------

def _value(summary: dict, *path: str) -> float:
    node = summary
    for p in path:
        node = node[p]
    return float(node["value"])


def _purchased_cooling_cny(summary: dict) -> float:
    """``policy.cost.purchased_cooling_cny`` (0 in a summary without purchased cooling). [CNY/yr]"""
    entry = summary["policy"]["cost"].get("purchased_cooling_cny")
    return 0.0 if entry is None else float(entry["value"])


def annual_savings(baseline: dict, variant: dict, finance: FinanceLike) -> dict:
    """What a variant saves per year relative to a baseline, from two run summaries.

    Uses the summary entries ``energy_facility_kwh``, ``water_site_l``, ``policy.cost.*`` and
    ``policy.carbon.co2_net_t``.  Positive = the variant uses or pays less.  Chilled water bought
    from a district or power-plant supplier (``policy.cost.purchased_cooling_cny``) is a cost like
    electricity: a mix that buys cooling saves its electricity minus what the cooling costs.

    Returns
    -------
    dict
        ``energy_kwh``, ``water_m3``, ``co2_t`` (quantities) and ``electricity_cny`` (energy +
        demand charge), ``surcharge_cny``, ``purchased_cooling_cny``, ``water_cny``, ``carbon_cny``,
        ``total_cny`` (money).
    """
    d = lambda *path: _value(baseline, *path) - _value(variant, *path)
    electricity = d("policy", "cost", "energy_cny") + d("policy", "cost", "demand_cny")
    water_m3 = d("water_site_l") / 1e3
    co2_t = d("policy", "carbon", "co2_net_t")
    out = {
        "energy_kwh": d("energy_facility_kwh"),
        "water_m3": water_m3,
        "co2_t": co2_t,
        "electricity_cny": electricity,
        "surcharge_cny": d("policy", "cost", "surcharge_cny"),
        "purchased_cooling_cny": _purchased_cooling_cny(baseline) - _purchased_cooling_cny(variant),
        "water_cny": water_m3 * finance.water_price_cny_per_m3,
        "carbon_cny": co2_t * finance.carbon_price_cny_per_t,
    }
    out["total_cny"] = (out["electricity_cny"] + out["surcharge_cny"] + out["purchased_cooling_cny"]
                        + out["water_cny"] + out["carbon_cny"])
    return out


def saving_flows(savings: dict, finance: FinanceLike) -> np.ndarray:
    """Yearly saving cash flows, years 0..H (year 0 = 0); electricity and surcharge escalated, the
    purchased-cooling saving at its constant price. [CNY]"""
    years = np.arange(finance.horizon_years + 1)
    growth = (1.0 + finance.electricity_escalation) ** np.maximum(years - 1, 0)
    power = (savings["electricity_cny"] + savings["surcharge_cny"]) * growth
    flows = power + savings["purchased_cooling_cny"] + savings["water_cny"] + savings["carbon_cny"]
    flows[0] = 0.0
    return flows


def measure_economics(cost_rows: list[dict], capacities: dict[str, float], baseline: dict, variant: dict,
                      finance: FinanceLike, *, avoided_rows: list[dict] | None = None) -> dict:
    """Capital cost, savings, payback, NPV and IRR of a measure against a baseline.

    Parameters
    ----------
    cost_rows : list of dict
        Rows of :func:`twin.inputs.costs.cost_table` for what the measure buys.
    capacities : dict
        Quantities by row ``capacity`` name or ``id`` (e.g. ``{"racks": 400}``).
    baseline, variant : dict
        Run summaries (:func:`twin.metrics.summary.build_summary`) without and with the measure.
    finance : Finance
        Discount rate, horizon, escalation, water and carbon prices.
    avoided_rows : list of dict, optional
        Equipment the baseline would buy anyway; its costs count as savings.

    Returns
    -------
    dict
        ``capex_cny``, ``om_cny_per_year``, ``savings`` (see :func:`annual_savings`),
        ``net_saving_year1_cny``, ``simple_payback_years``, ``npv_cny``, ``irr``, ``flows``
        (years 0..H), ``items`` (each row with quantity, cost and source), ``finance``.
    """
    horizon = finance.horizon_years
    bought = cost_flows(cost_rows, capacities, horizon)
    avoided = cost_flows(avoided_rows or [], capacities, horizon)
    savings = annual_savings(baseline, variant, finance)
    flows = bought["flows"] - avoided["flows"] + saving_flows(savings, finance)
    capex = bought["capex_cny"] - avoided["capex_cny"]
    net1 = savings["total_cny"] - bought["om_cny_per_year"] + avoided["om_cny_per_year"]
    return {
        "capex_cny": capex,
        "om_cny_per_year": bought["om_cny_per_year"] - avoided["om_cny_per_year"],
        "savings": savings,
        "net_saving_year1_cny": net1,
        "simple_payback_years": simple_payback(capex, net1),
        "npv_cny": npv(finance.discount_rate, flows),
        "irr": irr(flows),
        "flows": flows.tolist(),
        "items": bought["items"] + [dict(i, avoided=True) for i in avoided["items"]],
        "finance": {"discount_rate": finance.discount_rate, "horizon_years": horizon,
                    "electricity_escalation": finance.electricity_escalation},
    }


def lifecycle_cost(cost_rows: list[dict], capacities: dict[str, float], finance: FinanceLike) -> dict:
    """Present value of owning a set of rows over the horizon (replacements, O&M, residual). [CNY]

    Use it to compare alternatives that deliver the same service (VRLA vs LFP strings).
    """
    out = cost_flows(cost_rows, capacities, finance.horizon_years)
    return {"pv_cost_cny": -npv(finance.discount_rate, out["flows"]), "capex_cny": out["capex_cny"],
            "flows": out["flows"].tolist(), "items": out["items"]}
