"""The compiled sums of the run summary (components/channel_stats.py) give NumPy's numbers bit for bit."""

import numpy as np
import pandas as pd
import pytest

from components.channel_stats import monthly_sums
from twin.inputs import tariffs
from twin.metrics import tariff as tou

GD = tariffs.load_tou("guangdong_tou_2021")


def _bits(x) -> np.ndarray:
    return np.asarray(x, dtype=float).view(np.int64)


def _numpy_bill(month_index, grid_w, components_w, timestep_s, periods, multiplier, flat, demand, surcharge):
    """The bill as NumPy computed it before the compiled loop (the reference order of operations)."""
    grid_kwh = np.asarray(grid_w, dtype=float) * timestep_s / 3.6e6
    energy_cny = grid_kwh * flat * multiplier
    surcharge_cny = grid_kwh * np.broadcast_to(np.asarray(surcharge, dtype=float), grid_kwh.shape)
    demand_cny = np.zeros_like(grid_kwh)
    monthly_peak_kw = np.zeros(12)
    by_month = np.argsort(month_index, kind="stable")
    ends = np.cumsum(np.bincount(month_index, minlength=12))
    for m in range(12):
        idx = by_month[ends[m - 1] if m else 0:ends[m]]
        if idx.size:
            peak = idx[np.argmax(grid_w[idx])]
            monthly_peak_kw[m] = grid_w[peak] / 1e3
            demand_cny[peak] += monthly_peak_kw[m] * demand
    step_cny = energy_cny + surcharge_cny + demand_cny
    total_w = np.zeros_like(grid_kwh)
    for w in components_w:
        total_w += w
    cny_per_w = np.divide(step_cny, total_w, out=np.zeros_like(step_cny), where=total_w > 0)
    return {"grid_kwh": float(grid_kwh.sum()), "energy_cny": float(energy_cny.sum()),
            "demand_cny": float(demand_cny.sum()), "surcharge_cny": float(surcharge_cny.sum()),
            "total_cny": float(step_cny.sum()),
            "by_component": [float(np.dot(w, cny_per_w)) for w in components_w],
            "by_period": {p: {"kwh": float(grid_kwh[m].sum()), "cny": float(energy_cny[m].sum())}
                          for p, m in tariffs.period_masks(periods).items() if m.any()},
            "monthly_peak_kw": monthly_peak_kw.tolist()}


@pytest.mark.parametrize("steps_per_hour", [1, 2, 4])
def test_monthly_sums_are_numpys_bincount(steps_per_hour):
    rng = np.random.default_rng(steps_per_hour)
    time = pd.date_range("2025-01-01", periods=8760 * steps_per_hour, freq=f"{60 // steps_per_hour}min")
    months = time.month.to_numpy() - 1
    for values in (rng.standard_normal(len(time)) * 1e6, rng.random(len(time)), np.full(len(time), -0.0)):
        sums = np.empty(12)
        monthly_sums(values, months, sums)
        assert np.array_equal(_bits(sums), _bits(np.bincount(months, weights=values, minlength=12)))


@pytest.mark.parametrize("demand, surcharge", [(0.0, 0.0), (30.0, 0.2), (12.5, "per step")])
def test_bill_is_numpys_bit_for_bit(demand, surcharge):
    rng = np.random.default_rng(7)
    time = pd.date_range("2025-01-01", periods=8760, freq="h")
    temp = 25.0 + 12.0 * rng.random(len(time))
    periods, mult = tariffs.step_periods(time, temp, GD)
    months = time.month.to_numpy() - 1
    parts = rng.random((5, len(time))) * 1e5
    parts[2, 100:200] = 0.0
    parts[:, 300] = 0.0  # a step without component power: no cost share
    grid = parts.sum(axis=0) - 2e4 * rng.random(len(time))
    grid[4000] = grid[4001] = grid.max() + 1.0  # a tie at June's peak: the first step carries the charge
    price = 0.3 * rng.random(len(time)) if surcharge == "per step" else surcharge
    bill = tou.electricity_cost(months, grid, parts, {f"c{k}": k for k in range(5)}, 3600.0, periods, mult,
                                flat_price_cny_per_kwh=0.65, demand_charge_cny_per_kw_month=demand,
                                surcharge_cny_per_kwh=price)
    ref = _numpy_bill(months, grid, parts, 3600.0, periods, mult, 0.65, demand, price)
    for key in ("grid_kwh", "energy_cny", "demand_cny", "surcharge_cny", "total_cny", "monthly_peak_kw"):
        assert np.array_equal(_bits(bill[key]), _bits(ref[key])), key
    assert np.array_equal(_bits(list(bill["by_component"].values())), _bits(ref["by_component"]))
    assert bill["by_period"] == ref["by_period"]


def test_bill_of_unordered_months_takes_each_months_first_peak():
    months = np.array([3, 1, 3, 1, 3])
    grid = np.array([5.0, 2.0, 5.0, 9.0, 1.0])
    bill = tou.electricity_cost(months, grid, grid[None], {"it": 0}, 3600.0, np.full(5, "flat"), np.ones(5),
                                flat_price_cny_per_kwh=1.0, demand_charge_cny_per_kw_month=1000.0)
    ref = _numpy_bill(months, grid, grid[None], 3600.0, np.full(5, "flat"), np.ones(5), 1.0, 1000.0, 0.0)
    assert bill["monthly_peak_kw"] == ref["monthly_peak_kw"] == [0.0, 9e-3, 0.0, 5e-3] + [0.0] * 8
    assert bill["total_cny"] == ref["total_cny"]
