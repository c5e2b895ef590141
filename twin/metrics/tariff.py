"""Electricity cost: the PUE-tiered surcharge and the split of the bill by period and by component.

The tariff rules (time-of-use periods, critical-peak days, the surcharge bands) are inputs, read
and mapped onto the simulation steps by :mod:`twin.inputs.tariffs`; this module prices a run's
grid power with them.

Conventions
-----------
- Energy is charged on the power bought from the grid (facility power minus on-site PV), the
  demand charge on each calendar month's highest step-mean grid power, and the PUE surcharge on
  every kWh bought.  Each step's energy and surcharge cost, and each month's demand charge at its
  peak step, are allocated to the components pro rata to their power in that step.
"""

from __future__ import annotations

import numpy as np

from components.channel_stats import bill_steps
from twin.inputs.policy_schema import SurchargeBand, SurchargeRule
from twin.inputs.tariffs import period_order

J_PER_KWH = 3.6e6


# ---------------------------------------------------------------------------------------------
# Surcharge
# ---------------------------------------------------------------------------------------------

def surcharge_band(pue: float, bands: list[SurchargeBand]) -> tuple[int, float]:
    """Index and price [CNY/kWh] of the band with ``pue_min < pue <= pue_max``.

    The bands must have passed :func:`twin.inputs.policy_schema.check_bands` (contiguous, covering
    PUE > first ``pue_min``).  A PUE at a band's upper edge belongs to that band: under the
    Beijing example, PUE 1.4 pays nothing and 1.4001 pays 0.2 CNY/kWh.
    """
    for k, band in enumerate(bands):
        if band.pue_min < pue <= band.pue_max:
            return k, band.cny_per_kwh
    raise ValueError(f"PUE {pue} is outside every surcharge band")


# ---------------------------------------------------------------------------------------------
# The bill
# ---------------------------------------------------------------------------------------------

def electricity_cost(month_index: np.ndarray, grid_w: np.ndarray, channels: np.ndarray, rows: dict[str, int],
                     timestep_s: float, periods: np.ndarray, multiplier: np.ndarray, *,
                     flat_price_cny_per_kwh: float, demand_charge_cny_per_kw_month: float = 0.0,
                     surcharge_cny_per_kwh: np.ndarray | float = 0.0) -> dict:
    """Electricity bill of one run, by TOU period and by component. [CNY]

    Parameters
    ----------
    month_index : numpy.ndarray of int
        Calendar month of each step, 0 = January (``Weather.month_index``).
    grid_w : numpy.ndarray
        Power bought from the grid in each step [W].
    channels : numpy.ndarray, shape (n_channels, n_steps)
        Power channels [W], e.g. ``Result.out``.
    rows : dict of str to int
        The facility components and their rows in ``channels``; each step's cost is split pro rata
        to their power.
    timestep_s : float
        Step length [s].
    periods, multiplier : numpy.ndarray
        From :func:`step_periods`.
    flat_price_cny_per_kwh : float
        Flat-period price [CNY/kWh].
    demand_charge_cny_per_kw_month : float
        Charge on each calendar month's highest step-mean grid power [CNY/(kW month)].
    surcharge_cny_per_kwh : float or numpy.ndarray
        PUE surcharge on every kWh bought, per step or constant [CNY/kWh].

    Returns
    -------
    dict
        ``energy_cny``, ``demand_cny``, ``surcharge_cny``, ``total_cny``, ``grid_kwh``,
        ``by_period`` {period: {"kwh", "cny"}} (energy charge only), ``by_component``
        {component: CNY} (energy + surcharge + demand), ``monthly_peak_kw`` (12 values).
    """
    grid_w = np.ascontiguousarray(grid_w, dtype=float)
    n = grid_w.size
    surcharge = np.ascontiguousarray(np.broadcast_to(np.asarray(surcharge_cny_per_kwh, dtype=float), (n,)))
    # grid kWh, energy, surcharge, demand and step cost [CNY], the step cost per component watt [CNY/W]
    per_step = np.empty((6, n))
    grid_kwh, energy_cny, surcharge_cny, demand_cny, step_cny, cny_per_w = per_step
    monthly_peak_kw = np.empty(12)
    bill_steps(grid_w, timestep_s, flat_price_cny_per_kwh, np.asarray(multiplier, dtype=float), surcharge,
               np.asarray(month_index), demand_charge_cny_per_kw_month, channels,
               np.fromiter(rows.values(), dtype=np.int64, count=len(rows)), grid_kwh, energy_cny, surcharge_cny,
               demand_cny, step_cny, cny_per_w, monthly_peak_kw, np.empty(12, dtype=np.int64))
    # component c pays sum_i P_c,i * cny_i / P_i
    by_component = {c: float(np.dot(channels[r], cny_per_w)) for c, r in rows.items()}
    names, order, bounds = period_order(periods)
    by_step = per_step[:2].take(order, axis=1)  # grid kWh and energy charge, each period's steps together in time order
    by_period = {p: {"kwh": float(by_step[0, lo:hi].sum()), "cny": float(by_step[1, lo:hi].sum())}
                 for p, lo, hi in zip(names, bounds[:-1], bounds[1:]) if hi > lo}
    return {
        "grid_kwh": float(grid_kwh.sum()),
        "energy_cny": float(energy_cny.sum()),
        "demand_cny": float(demand_cny.sum()),
        "surcharge_cny": float(surcharge_cny.sum()),
        "total_cny": float(step_cny.sum()),
        "by_period": by_period,
        "by_component": by_component,
        "monthly_peak_kw": monthly_peak_kw.tolist(),
    }


def monthly_surcharge(month_index: np.ndarray, rule: SurchargeRule | None, annual_pue: float,
                      monthly_pue: list[float]) -> tuple[np.ndarray, list[int]]:
    """Surcharge price of every step [CNY/kWh] and the band index used (one, or one per month).

    With ``basis = "monthly"`` each calendar month's PUE selects the band for that month's
    electricity; a month without simulated steps (NaN PUE) gets band -1 and no surcharge.
    """
    if rule is None:
        return np.zeros(len(month_index)), []
    if rule.basis == "annual":
        k, price = surcharge_band(annual_pue, rule.bands)
        return np.full(len(month_index), price), [k]
    bands = [surcharge_band(p, rule.bands) if np.isfinite(p) else (-1, 0.0) for p in monthly_pue]
    prices = np.array([price for _, price in bands])
    return prices[month_index], [k for k, _ in bands]
