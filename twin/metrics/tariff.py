"""Electricity cost: time-of-use periods, critical-peak days, the PUE-tiered surcharge, and the
split of the bill by period and by component.

Conventions
-----------
- Time is local standard time (China, UTC+8) with hour-starting steps: a step belongs to the
  tariff period of the clock hour it starts in, so the step starting 18:00 is peak and the one
  starting 19:00 is flat under the Guangdong tariff.
- Prices are multiples (``ratio``) of the flat price, which the scenario supplies; the Guangdong
  notice 粤发改价格〔2021〕331号 fixes peak : flat : valley = 1.7 : 1 : 0.38 and critical peak =
  peak x 1.25 (docs/sources.md 4.4).
- A critical-peak day is a day of a listed month, or a day whose maximum dry bulb reaches the
  threshold.  The notice uses Guangzhou's daily maximum; the twin uses the site weather's
  (documented proxy).
- Energy is charged on the power bought from the grid (facility power minus on-site PV), the
  demand charge on each calendar month's highest step-mean grid power, and the PUE surcharge on
  every kWh bought.  Each step's energy and surcharge cost, and each month's demand charge at its
  peak step, are allocated to the components pro rata to their power in that step.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from twin.errors import InputError
from twin.inputs.policy_schema import SurchargeBand, SurchargeRule, TouTariff, check_bands, check_tou_periods
from twin.inputs.schema import read_toml
from twin.inputs.schema_base import input_error

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TARIFF_DIR = DATA_DIR / "tariffs"
SURCHARGE_DIR = DATA_DIR / "surcharges"
PERIODS = ("valley", "flat", "peak", "critical")  # reporting order; "critical" = critical-peak hours
J_PER_KWH = 3.6e6
#: The named placeholder surcharge rule (ASSUMPTION: Beijing's 2021 amounts above Guangdong's limit 1.5;
#: twin/data/surcharges/guangdong_assumption.toml).  Off by default; every cost block reports what it would add.
PLACEHOLDER_SURCHARGE = "guangdong_assumption"


# ---------------------------------------------------------------------------------------------
# Rule files
# ---------------------------------------------------------------------------------------------

def _rule_path(name: str, folder: Path, base_dir: Path | None) -> Path:
    """A bundled rule by name (``folder/<name>.toml``) or a path relative to ``base_dir``."""
    bundled = folder / f"{name}.toml"
    if "/" not in name and "\\" not in name and not name.endswith(".toml") and bundled.exists():
        return bundled
    path = Path(name).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    return path


def _validate_file(model, path: Path, *, file: str | None, key: str):
    if not path.exists():
        known = sorted(p.stem for p in path.parent.glob("*.toml")) if path.parent.exists() else []
        raise InputError(f"no rule file {path}" + (f"; files there: {known}" if known else ""), file=file, key=key)
    data = read_toml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, data, file=str(path), model=model) from None


@functools.lru_cache(maxsize=16)
def _tou_cached(path: str) -> TouTariff:
    tariff = _validate_file(TouTariff, Path(path), file=None, key="")
    check_tou_periods(tariff, file=path)
    return tariff


def load_tou(name: str, *, base_dir: Path | None = None, file: str | None = None,
             key: str = "policy.tariff.tou") -> TouTariff:
    """Read and check a time-of-use tariff: a bundled name (``guangdong_tou_2021``) or a path."""
    path = _rule_path(name, TARIFF_DIR, base_dir)
    if not path.exists():
        known = sorted(p.stem for p in TARIFF_DIR.glob("*.toml"))
        raise InputError(f"no tariff file {name!r}; bundled tariffs are {known}", file=file, key=key)
    return _tou_cached(str(path.resolve()))


def load_surcharge(name: str | None, inline: SurchargeRule | None = None, *, base_dir: Path | None = None,
                   file: str | None = None, key: str = "policy.tariff") -> SurchargeRule | None:
    """The PUE surcharge rule of a scenario, checked for gaps and overlaps; ``None`` for 'none'.

    ``inline`` (the scenario's ``surcharge_rule`` table) wins over ``name``.  Errors in an
    inline table name the scenario ``file`` and ``policy.tariff.surcharge_rule.bands.<k>...``;
    errors in a rule file name that file and ``bands.<k>...``.
    """
    if inline is not None:
        check_bands(inline.bands, file=file, key=f"{key}.surcharge_rule.bands")
        return inline
    if name is None or name.strip().lower() == "none":
        return None
    path = _rule_path(name, SURCHARGE_DIR, base_dir)
    if not path.exists():
        known = sorted(p.stem for p in SURCHARGE_DIR.glob("*.toml"))
        raise InputError(f"no surcharge rule {name!r}; bundled rules are {known} (or 'none')",
                         file=file, key=f"{key}.surcharge")
    return _surcharge_cached(str(path.resolve()), file, key)


@functools.lru_cache(maxsize=16)
def _surcharge_cached(path: str, file: str | None, key: str) -> SurchargeRule:
    rule = _validate_file(SurchargeRule, Path(path), file=file, key=f"{key}.surcharge")
    check_bands(rule.bands, file=path, key="bands")
    return rule


# ---------------------------------------------------------------------------------------------
# Periods and multipliers
# ---------------------------------------------------------------------------------------------

def hour_periods(tariff: TouTariff) -> np.ndarray:
    """Period name of each clock hour 0..23 (hour-starting), without critical peak. [-]"""
    out = np.empty(24, dtype=object)
    for name, period in tariff.periods.items():
        for start, end in period.hours:
            out[start:end] = name
    return out


def critical_hours(tariff: TouTariff) -> np.ndarray:
    """Boolean mask of the clock hours 0..23 charged at critical peak on a critical-peak day."""
    mask = np.zeros(24, dtype=bool)
    if tariff.critical_peak is not None:
        for start, end in tariff.critical_peak.hours:
            mask[start:end] = True
    return mask


def day_multipliers(tariff: TouTariff, critical_day: bool = False) -> np.ndarray:
    """Price / flat price of each clock hour 0..23 of a normal or a critical-peak day. [-]

    Example: the mean over 24 h is the cost of a flat load relative to the flat price,
    (7 x 1.7 + 8 x 0.38 + 9 x 1) / 24 = 0.9975 on a normal Guangdong day and, with 3 of the 7 peak
    hours at 1.7 x 1.25 = 2.125, 1.0506 on a critical-peak day (docs/sources.md 4.4, C).
    """
    names = hour_periods(tariff)
    mult = np.array([tariff.periods[n].ratio for n in names], dtype=float)
    if critical_day and tariff.critical_peak is not None:
        mult[critical_hours(tariff)] = tariff.periods["peak"].ratio * tariff.critical_peak.multiplier_of_peak
    return mult


def critical_peak_days(days: pd.DatetimeIndex, daily_max_c: np.ndarray, tariff: TouTariff) -> np.ndarray:
    """Which days are critical-peak days: in a listed month, or daily max dry bulb >= threshold.

    Parameters
    ----------
    days : pandas.DatetimeIndex
        Local calendar days.
    daily_max_c : numpy.ndarray
        Daily maximum dry bulb of each day [degC] (the site weather as a proxy for Guangzhou).
    """
    cp = tariff.critical_peak
    if cp is None:
        return np.zeros(len(days), dtype=bool)
    flag = np.isin(days.month, cp.months)
    if cp.hot_day_threshold_c is not None:
        flag |= np.asarray(daily_max_c) >= cp.hot_day_threshold_c
    return flag


def step_periods(time: pd.DatetimeIndex, temp_air_c: np.ndarray, tariff: TouTariff,
                 critical_peak: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Period name and price / flat price of every simulation step.

    Parameters
    ----------
    time : pandas.DatetimeIndex
        Step start times, local standard time.
    temp_air_c : numpy.ndarray
        Outdoor dry bulb of each step [degC], for the hot-day rule.
    critical_peak : bool
        Apply the critical-peak rule.

    Returns
    -------
    periods : numpy.ndarray of str
        ``valley``/``flat``/``peak``/``critical`` (or the tariff's own names).
    multiplier : numpy.ndarray
        Price relative to the flat price [-].
    """
    hours = time.hour.to_numpy()
    periods = hour_periods(tariff)[hours].astype("U16")
    mult = np.array([tariff.periods[n].ratio for n in hour_periods(tariff)], dtype=float)[hours]
    if critical_peak and tariff.critical_peak is not None:
        day = time.normalize()
        daily_max = pd.Series(np.asarray(temp_air_c, dtype=float), index=time).groupby(day).max()
        crit_day = pd.Series(critical_peak_days(pd.DatetimeIndex(daily_max.index), daily_max.to_numpy(), tariff),
                             index=daily_max.index)
        crit = crit_day.reindex(day).to_numpy() & critical_hours(tariff)[hours]
        periods[crit] = "critical"
        mult[crit] = tariff.periods["peak"].ratio * tariff.critical_peak.multiplier_of_peak
    return periods, mult



_PERIOD_CACHE: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


def weather_periods(weather, tariff: TouTariff, critical_peak: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """:func:`step_periods` of a :class:`twin.inputs.weather.Weather`, cached per weather file, calendar,
    step and tariff (sweeps evaluate thousands of cases on the same few sites)."""
    key = (weather.source_file, weather.time[0], len(weather.time), weather.timestep_s, tariff.name,
           critical_peak)
    if key not in _PERIOD_CACHE:
        _PERIOD_CACHE[key] = step_periods(weather.time, weather.temp_air, tariff, critical_peak)
    return _PERIOD_CACHE[key]

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

def electricity_cost(month_index: np.ndarray, grid_w: np.ndarray, components_w: dict[str, np.ndarray],
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
    components_w : dict of str to numpy.ndarray
        Power of each facility component [W]; each step's cost is split pro rata to these.
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
    grid_kwh = np.asarray(grid_w, dtype=float) * timestep_s / J_PER_KWH
    energy_cny = grid_kwh * flat_price_cny_per_kwh * multiplier
    surcharge_cny = grid_kwh * np.broadcast_to(np.asarray(surcharge_cny_per_kwh, dtype=float), grid_kwh.shape)

    demand_cny = np.zeros_like(grid_kwh)
    monthly_peak_kw = np.zeros(12)
    for m in range(12):
        idx = np.flatnonzero(month_index == m)
        if idx.size:
            peak = idx[np.argmax(grid_w[idx])]
            monthly_peak_kw[m] = grid_w[peak] / 1e3
            demand_cny[peak] += monthly_peak_kw[m] * demand_charge_cny_per_kw_month

    step_cny = energy_cny + surcharge_cny + demand_cny
    # each step's cost is shared pro rata to power: component c pays sum_i P_c,i * cny_i / P_i
    total_w = sum(np.asarray(w, dtype=float) for w in components_w.values())
    cny_per_w = np.divide(step_cny, total_w, out=np.zeros_like(step_cny), where=total_w > 0)
    by_component = {c: float(np.dot(w, cny_per_w)) for c, w in components_w.items()}

    masks = {p: periods == p for p in PERIODS}
    unnamed = ~np.logical_or.reduce(list(masks.values()))
    if unnamed.any():  # a tariff with periods of its own names
        masks.update({p: periods == p for p in sorted(set(periods[unnamed].tolist()))})
    by_period = {p: {"kwh": float(grid_kwh[m].sum()), "cny": float(energy_cny[m].sum())}
                 for p, m in masks.items() if m.any()}
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
