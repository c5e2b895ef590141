"""IT utilisation over the simulated period.

Utilisation is a constant, 24 hourly values (local time) or a CSV time series at any
resolution, resampled onto the simulation step (mean when the CSV is finer, linear
interpolation in time when it is coarser).  Annual growth compounds over simulated time:
``u(t) = u0(t) * (1 + g) ** (t / 1 year)``.  Server power and fans are physics and live in
:mod:`components.it_equipment`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from twin.errors import InputError
from twin.inputs.schema import It, UtilisationCsv

SECONDS_PER_YEAR = 365.0 * 86400.0


def _from_csv(spec: UtilisationCsv, time: pd.DatetimeIndex, timestep_s: int, base_dir: Path,
              file: str | None) -> np.ndarray:
    path = Path(spec.csv)
    if not path.is_absolute():
        path = base_dir / path
    key = "it.utilisation.csv"
    try:
        df = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(f"utilisation CSV not found: {path}", file=file, key=key) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read utilisation CSV {path}: {exc}", file=file, key=key) from None
    for col in (spec.time_column, spec.column):
        if col not in df.columns:
            raise InputError(f"column '{col}' not in {path}; columns are {list(df.columns)}",
                             file=file, key=key)
    try:
        t = pd.to_datetime(df[spec.time_column])
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}: column '{spec.time_column}' is not a timestamp: {exc}",
                         file=file, key=key) from None
    u = pd.to_numeric(df[spec.column], errors="coerce")
    bad = np.flatnonzero(~np.isfinite(u.to_numpy()) | (u.to_numpy() < 0) | (u.to_numpy() > 1))
    if bad.size:
        row = int(bad[0]) + 2  # header is line 1
        raise InputError(f"{path} line {row}: utilisation must be a number in [0, 1], got "
                         f"{df[spec.column].iloc[bad[0]]!r}", file=file, key=key)
    if not t.is_monotonic_increasing or t.duplicated().any():
        raise InputError(f"{path}: timestamps must increase strictly", file=file, key=key)
    series = pd.Series(u.to_numpy(), index=pd.DatetimeIndex(t))
    step = pd.Timedelta(seconds=timestep_s)
    start = time[0]
    if series.index[0] > start or series.index[-1] < time[-1]:
        raise InputError(f"{path} covers {series.index[0]} to {series.index[-1]}, but the "
                         f"simulation needs {start} to {time[-1]}", file=file, key=key)
    median_dt = series.index.to_series().diff().median()
    if median_dt < step:
        binned = series.resample(step, origin=start).mean()
        out = binned.reindex(time).interpolate(method="time").to_numpy()
    else:
        union = series.index.union(time)
        out = series.reindex(union).interpolate(method="time").reindex(time).to_numpy()
    return out.astype(float)


def utilisation_series(it: It, time: pd.DatetimeIndex, timestep_s: int, *,
                       base_dir: Path | None = None, file: str | None = None) -> np.ndarray:
    """Utilisation at every step, growth included. [-]

    Raises :class:`InputError` when growth would take utilisation above 1, or when the servers
    would draw no power at all (zero utilisation, idle and fan power): PUE divides by IT energy.
    """
    u_spec = it.utilisation
    if isinstance(u_spec, UtilisationCsv):
        u = _from_csv(u_spec, time, timestep_s, base_dir or Path.cwd(), file)
    elif isinstance(u_spec, list):
        u = np.asarray(u_spec, dtype=float)[time.hour]
    else:
        u = np.full(len(time), float(u_spec))
    if it.annual_growth:
        t_s = np.arange(len(time)) * float(timestep_s)
        u = u * (1.0 + it.annual_growth) ** (t_s / SECONDS_PER_YEAR)
        if u.max() > 1.0:
            k = int(np.argmax(u > 1.0))
            raise InputError(f"growth takes utilisation above 1 at {time[k]} ({u[k]:.3f}); raise "
                             f"it.design_kw or lower the growth", file=file, key="it.annual_growth")
    if it.idle_fraction == 0.0 and it.fan_fraction == 0.0 and not np.any(u > 0.0):
        raise InputError("the IT load is zero at every step (utilisation 0 with it.idle_fraction = 0 and "
                         "it.fan_fraction = 0), so PUE is undefined: give some utilisation or idle power",
                         file=file, key="it.utilisation")
    return u
