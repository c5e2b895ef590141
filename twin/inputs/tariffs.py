"""Tariff rules: time-of-use periods, critical-peak days and the PUE surcharge rules, read from
``twin/data/tariffs`` and ``twin/data/surcharges`` (or a scenario's own file) and mapped onto the
simulation steps.  The bill itself is computed in :mod:`twin.metrics.tariff`.

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
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import ValidationError

from twin.errors import InputError
from twin.inputs.policy_schema import SurchargeRule, TouTariff, check_bands, check_tou_periods
from twin.inputs.schema_base import input_error, read_toml

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TARIFF_DIR = DATA_DIR / "tariffs"
SURCHARGE_DIR = DATA_DIR / "surcharges"
PERIODS = ("valley", "flat", "peak", "critical")  # reporting order; "critical" = critical-peak hours
#: The named assumed surcharge rule (ASSUMPTION: Beijing's 2021 amounts above Guangdong's limit 1.5;
#: twin/data/surcharges/guangdong_assumption.toml).  Off by default; every cost block reports what it would add.
ASSUMED_SURCHARGE = "guangdong_assumption"


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


#: Resolved paths of the rule files found so far: ``{(name, folder, base_dir): path}``.
_FOUND: dict[tuple, str] = {}


def _found_rule(name: str, folder: Path, base_dir: Path | None) -> str | None:
    """The resolved path of :func:`_rule_path`, or None where no file is there.  A file found is
    remembered (a sweep prices thousands of runs with the same few rules); a missing one is looked
    for again."""
    key = (name, folder, base_dir)
    if key not in _FOUND:
        path = _rule_path(name, folder, base_dir)
        if not path.exists():
            return None
        _FOUND[key] = str(path.resolve())
    return _FOUND[key]


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
    path = _found_rule(name, TARIFF_DIR, base_dir)
    if path is None:
        known = sorted(p.stem for p in TARIFF_DIR.glob("*.toml"))
        raise InputError(f"no tariff file {name!r}; bundled tariffs are {known}", file=file, key=key)
    return _tou_cached(path)


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
    path = _found_rule(name, SURCHARGE_DIR, base_dir)
    if path is None:
        known = sorted(p.stem for p in SURCHARGE_DIR.glob("*.toml"))
        raise InputError(f"no surcharge rule {name!r}; bundled rules are {known} (or 'none')",
                         file=file, key=f"{key}.surcharge")
    return _surcharge_cached(path, file, key)


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



_PERIOD_CACHE: dict[tuple, tuple[np.ndarray, np.ndarray, int]] = {}
DAY_NS = 86400 * 10**9


def weather_periods(weather, tariff: TouTariff, critical_peak: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """:func:`step_periods` of a :class:`twin.inputs.weather.Weather`, cached per weather file, calendar,
    step and tariff (sweeps evaluate thousands of cases on the same few sites)."""
    periods, mult, _ = weather_tariff_steps(weather, tariff, critical_peak)
    return periods, mult


def weather_tariff_steps(weather, tariff: TouTariff, critical_peak: bool = True) -> tuple[np.ndarray, np.ndarray, int]:
    """:func:`weather_periods` and the number of calendar days with at least one critical-peak step,
    cached together. [-, -, d]"""
    time = weather.time
    key = (weather.source_file, int(time.asi8[0]), len(time), weather.timestep_s, tariff.name, critical_peak)
    if key not in _PERIOD_CACHE:
        periods, mult = step_periods(time, weather.temp_air, tariff, critical_peak)
        periods.flags.writeable = mult.flags.writeable = False  # shared by every case: read-only
        days = int(np.unique((time.asi8 // DAY_NS)[period_masks(periods)["critical"]]).size)
        _PERIOD_CACHE[key] = periods, mult, days
    return _PERIOD_CACHE[key]


_MASK_CACHE: dict[int, tuple[np.ndarray, dict, tuple, np.ndarray, np.ndarray]] = {}


def period_masks(periods: np.ndarray) -> dict[str, np.ndarray]:
    """``{period: steps in it}`` for the named :data:`PERIODS` and any other name in ``periods``,
    computed once per read-only array of :func:`weather_periods` (string comparisons over a
    year of steps cost more than the bill itself)."""
    return _period_index(periods)[1]


def period_order(periods: np.ndarray) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """The periods of :func:`period_masks` in its order, the steps sorted by period (in time order
    within each period) and where each period's steps start in that order (``len + 1`` bounds),
    cached as the masks are: ``values[order[bounds[k]:bounds[k + 1]]]`` is ``values[masks[name k]]``."""
    _, _, names, order, bounds = _period_index(periods)
    return names, order, bounds


def _period_index(periods: np.ndarray) -> tuple[np.ndarray, dict, tuple, np.ndarray, np.ndarray]:
    """``(periods, masks, names, order, bounds)`` of :func:`period_masks` and :func:`period_order`."""
    cached = _MASK_CACHE.get(id(periods))
    if cached is not None and cached[0] is periods:
        return cached
    masks = {p: periods == p for p in PERIODS}
    unnamed = ~np.logical_or.reduce(list(masks.values()))
    if unnamed.any():  # a tariff with periods of its own names
        masks.update({p: periods == p for p in sorted(set(periods[unnamed].tolist()))})
    order = np.concatenate([np.flatnonzero(m) for m in masks.values()])
    bounds = np.concatenate(([0], np.cumsum([np.count_nonzero(m) for m in masks.values()])))
    index = (periods, masks, tuple(masks), order, bounds)
    if not periods.flags.writeable:  # the array is kept in the cache, so its id is not reused
        _MASK_CACHE[id(periods)] = index
    return index
