"""Meters on the simulation step: resampling a meter file (:mod:`twin.inputs.meter_file`) onto the
weather's grid, gaps and coverage, the measured outdoor air as weather, and synthetic meters.

Calendar
    Local standard time stamps are placed on the simulation calendar by month, day and time of
    day, so a period that crosses New Year fills January from one year and December from the other.

Resampling
    A sample covers its interval (the file's median spacing, cut short by the next sample).  The
    value of a simulation step is the time-weighted mean of the samples covering it; a step
    covered for less than ``min_coverage`` of its length is a gap.  Coarser meters than the step
    (hourly meters, 15-min steps) hold each value over its hour.

Reported, never filled
    Gaps (steps below coverage: count, longest, where); outliers (:mod:`twin.inputs.meter_file`)
    are left out of the step means.  Nothing is interpolated.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from components import psychrometrics as psy
from twin.errors import InputError
from twin.inputs.meter_file import MINUTES_PER_YEAR, MeterFile, accepted_columns, channel_specs, meter_spec, read_meters
from twin.inputs.weather import Weather


# ---------------------------------------------------------------------------------------------
# Resampling onto the simulation step
# ---------------------------------------------------------------------------------------------


@dataclass
class SteppedMeters:
    """Meters on the simulation grid: one mean per step, NaN where the step is a gap."""

    source: MeterFile
    time: pd.DatetimeIndex
    timestep_s: int
    values: dict[str, np.ndarray]
    coverage: dict[str, np.ndarray]
    in_period: np.ndarray
    min_coverage: float
    tz_hours: float
    local_start: pd.Timestamp
    local_end: pd.Timestamp
    leap_day_samples: int = 0

    @property
    def columns(self) -> list[str]:
        return self.source.columns

    def channel(self, name: str) -> np.ndarray | None:
        """Measured channel in SI (W or degC) per step; None when a meter it needs is absent."""
        spec = channel_specs()[name]
        total = np.zeros(len(self.time))
        for m in spec["meters"]:
            sign, col = (-1.0, m[1:]) if m.startswith("-") else (1.0, m)
            if col not in self.values:
                return None
            total = total + sign * self.values[col]
        return total * 1e3 if spec["kind"] == "power" else total

    def available_channels(self) -> list[str]:
        """Channels every meter of which is in the file, in data-file order."""
        return [c for c, spec in channel_specs().items()
                if all(m.lstrip("-") in self.values for m in spec["meters"])]

    def it_power_w(self) -> np.ndarray | None:
        """Measured IT power per step for ``BOUNDARY.it_power_w`` (NaN where unknown). [W]"""
        col = next((c for c, s in accepted_columns().items() if s.get("boundary") == "it_power"), None)
        return None if col not in self.values else self.values[col] * 1e3

    def boundary_valid(self) -> np.ndarray:
        """Steps where every metered boundary (IT power, outdoor dry bulb and RH) is measured."""
        ok = self.in_period.copy()
        for col, spec in accepted_columns().items():
            if spec.get("boundary") and col in self.values:
                ok &= np.isfinite(self.values[col])
        return ok

    def report(self, max_ranges: int = 20) -> dict:
        """Gaps and outliers per column, JSON-serialisable."""
        f = self.source
        step_h = self.timestep_s / 3600.0
        step = pd.Timedelta(seconds=self.timestep_s)

        def span(a: int, b: int) -> list[str]:
            return [_stamp(self.time[a]), _stamp(self.time[b - 1] + step)]

        cols = {}
        for col in f.columns:
            gap = self.in_period & ~np.isfinite(self.values[col])
            runs = _runs(gap)
            longest = max(runs, key=lambda r: r[1] - r[0]) if runs else None
            outl = f.outliers.get(col, [])
            cols[col] = {
                "unit": accepted_columns()[col]["unit"],
                "samples": int(np.isfinite(f.values[col]).sum()),
                "empty_cells": f.missing.get(col, 0),
                "outliers": len(outl),
                "outlier_examples": [{f.line_word: ln, "value": val, "reason": why}
                                     for ln, val, why in outl[:10]],
                "gap_steps": int(gap.sum()),
                "gap_hours": float(gap.sum() * step_h),
                "longest_gap_hours": float((longest[1] - longest[0]) * step_h) if longest else 0.0,
                "longest_gap": span(*longest) if longest else None,
                "gaps": [span(a, b) for a, b in runs[:max_ranges]],
                "gaps_not_listed": max(0, len(runs) - max_ranges),
            }
        return {
            "file": Path(f.path).name,  # outputs carry no machine paths (twin.inputs.bundled.portable_path)
            "samples": f.n_samples,
            "resolution_min": f.resolution_s / 60.0,
            "timezone": f.timezone,
            "local_standard_time": f"UTC{self.tz_hours:+g}",
            "period_local": [_stamp(self.local_start), _stamp(self.local_end)],
            "steps_in_period": int(self.in_period.sum()),
            "timestep_min": self.timestep_s / 60.0,
            "min_coverage": self.min_coverage,
            "rows_dropped": [{f.line_word: ln, "reason": why} for ln, why in f.dropped[:20]],
            "leap_day_samples_dropped": self.leap_day_samples,
            "columns": cols,
        }


def _stamp(t: pd.Timestamp) -> str:
    """Local standard time to the minute, e.g. ``2025-03-10 08:00``."""
    return t.strftime("%Y-%m-%d %H:%M")


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges ``[a, b)`` of consecutive True values."""
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(m)
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def resample(meters: MeterFile, time: pd.DatetimeIndex, timestep_s: int, tz_hours: float,
             *, min_coverage: float | None = None) -> SteppedMeters:
    """Time-weighted step means of the meters on a simulation grid.

    ``time`` is the grid of :class:`~twin.inputs.weather.Weather` (step starts, local standard time,
    365 days from 1 January).  Samples are placed by month, day and time of day; 29 February is
    left out (and counted).
    """
    cov_min = meter_spec()["min_coverage"] if min_coverage is None else float(min_coverage)
    if not 0.0 < cov_min <= 1.0:
        raise InputError(f"minimum coverage must be in (0, 1], got {cov_min}", key="min_coverage")
    step_min = timestep_s // 60
    n = len(time)
    local = meters.time_utc + pd.Timedelta(hours=tz_hours)
    leap = np.asarray(local.is_leap_year)
    doy = np.asarray(local.day_of_year)
    leap_day = leap & (doy == 60)
    day = doy - 1 - (leap & (doy > 60))
    minute = day * 1440 + np.asarray(local.hour) * 60 + np.asarray(local.minute)
    res_min = max(1, int(round(meters.resolution_s / 60.0)))
    gaps = np.diff(meters.time_utc.asi8) // 60_000_000_000
    length = np.minimum(np.append(gaps, res_min), res_min).clip(min=1)
    length[leap_day] = 0
    offsets = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    slots = (np.repeat(minute, length) + offsets) % MINUTES_PER_YEAR
    step_of = slots // step_min
    values, coverage = {}, {}
    for col in meters.columns:
        v = np.repeat(meters.values[col], length)
        ok = np.isfinite(v)
        count = np.bincount(step_of[ok], minlength=n)[:n].astype(float)
        total = np.bincount(step_of[ok], weights=v[ok], minlength=n)[:n]
        cov = count / step_min
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
        values[col] = np.where(cov >= cov_min - 1e-12, mean, np.nan)
        coverage[col] = cov
    in_period = np.zeros(n, dtype=bool)
    first, last = int(step_of[0]), int(step_of[-1])
    if first <= last:
        in_period[first:last + 1] = True
    else:  # the period wraps over New Year
        in_period[first:] = True
        in_period[:last + 1] = True
    end_local = local[-1] + pd.Timedelta(minutes=int(length[-1]) if length[-1] else res_min)
    return SteppedMeters(source=meters, time=time, timestep_s=int(timestep_s), values=values,
                         coverage=coverage, in_period=in_period, min_coverage=cov_min,
                         tz_hours=float(tz_hours), local_start=local[0], local_end=end_local,
                         leap_day_samples=int(leap_day.sum()))


def load_meters(path: str | Path, weather: Weather, *, tz: str | None = None,
                design_it_kw: float | None = None, min_coverage: float | None = None) -> SteppedMeters:
    """:func:`read_meters` then :func:`resample` onto the grid of ``weather``."""
    mf = read_meters(path, tz=tz, design_it_kw=design_it_kw)
    return resample(mf, weather.time, weather.timestep_s, weather.tz_hours, min_coverage=min_coverage)


# ---------------------------------------------------------------------------------------------
# Measured weather
# ---------------------------------------------------------------------------------------------


def measured_weather(weather: Weather, meters: SteppedMeters) -> tuple[Weather, int]:
    """The weather with measured dry bulb and RH wherever both are metered for a step.

    Pressure and irradiance stay those of the EPW; humidity ratio, dew point and wet bulb are
    recomputed with :mod:`components.psychrometrics`.  Returns the weather and the number of
    steps replaced (0 and the weather unchanged without outdoor meters).
    """
    cols = {s["boundary"]: c for c, s in accepted_columns().items()
            if s.get("boundary") in ("temp_air", "relative_humidity")}
    if not all(c in meters.values for c in cols.values()):
        return weather, 0
    t = meters.values[cols["temp_air"]]
    rh = meters.values[cols["relative_humidity"]] / 100.0
    use = np.isfinite(t) & np.isfinite(rh)
    if not use.any():
        return weather, 0
    p = np.ascontiguousarray(weather.pressure, dtype=float)
    temp_air = np.where(use, t, weather.temp_air)
    # the meter bounds already keep RH within 0-100 % (meter_columns.toml); a reading below 0.1 %
    # is taken as 0.1 % because bone-dry air has no dew point (log of zero vapour pressure)
    rh = np.clip(np.where(use, rh, weather.relative_humidity), 1e-3, 1.0)
    state = psy.moist_air_state(np.ascontiguousarray(temp_air), np.ascontiguousarray(rh), p, False)
    arrays = {
        "temp_air": temp_air,
        "relative_humidity": rh,
        "humidity_ratio": np.where(use, state[psy.STATE_HUMIDITY_RATIO], weather.humidity_ratio),
        "temp_dew": np.where(use, state[psy.STATE_DEW_POINT], weather.temp_dew),
        "temp_wet_bulb": np.where(use, state[psy.STATE_WET_BULB], weather.temp_wet_bulb),
    }
    for a in arrays.values():
        a.setflags(write=False)
    out = dataclasses.replace(weather, name=f"{weather.name} (measured outdoor air)",
                              source_file=f"{weather.source_file} + {meters.source.path}",
                              source_name=f"{weather.source_name} + {Path(meters.source.path).name}", **arrays)
    return out, int(use.sum())


# ---------------------------------------------------------------------------------------------
# Synthetic meters (tests, examples, documentation)
# ---------------------------------------------------------------------------------------------


def synthetic_meters(result, columns: list[str], rng: np.random.Generator, *,
                     power_noise: float = 0.005, temperature_noise_k: float = 0.2,
                     rh_noise_pct: float = 2.0) -> pd.DataFrame:
    """Meter readings made from a simulation result plus independent Gaussian noise.

    Power columns get a relative noise of ``power_noise`` (meter accuracy class), temperatures an
    absolute ``temperature_noise_k`` and RH ``rh_noise_pct``.  Timestamps are step starts with the
    site's UTC offset.  Gaps and outliers are the caller's business.
    """
    w = result.plant.weather
    n = len(result.time)
    sign = "+" if w.tz_hours >= 0 else "-"
    hh, mm = divmod(int(round(abs(w.tz_hours) * 60)), 60)
    stamps = result.time.strftime("%Y-%m-%dT%H:%M") + f"{sign}{hh:02d}:{mm:02d}"
    data = {"timestamp": stamps}
    spec = accepted_columns()
    single = {s["meters"][0]: s["model"] for s in channel_specs().values() if len(s["meters"]) == 1}
    for col in columns:
        q = spec[col]["quantity"]
        if col in single:
            exact = sum(result[m] for m in single[col])
            exact = exact / 1e3 if q == "power" else exact
        elif spec[col].get("boundary") == "temp_air":
            exact = np.asarray(w.temp_air, dtype=float)
        elif spec[col].get("boundary") == "relative_humidity":
            exact = 100.0 * np.asarray(w.relative_humidity, dtype=float)
        else:  # pragma: no cover - every column is either a channel or a boundary
            raise ValueError(col)
        if q == "power":
            noisy = exact * (1.0 + power_noise * rng.standard_normal(n))
        elif q == "temperature":
            noisy = exact + temperature_noise_k * rng.standard_normal(n)
        else:
            noisy = np.clip(exact + rh_noise_pct * rng.standard_normal(n), 1.0, 100.0)
        data[col] = noisy
    return pd.DataFrame(data)
