"""Typical-year weather for the twin: bundled sites, EPW reading, repair, resampling and caching.

A scenario names its weather either by a short site id from ``twin/data/sites.toml`` (for
example ``"guangzhou"``) or by the path of an EnergyPlus weather file (``.epw`` or ``.epw.gz``).
:func:`load_weather` returns a :class:`Weather` with one value per simulation step.

Time convention
    EPW rows are hour-ENDING: row ``k`` (EPW hour ``k % 24 + 1``) describes the hour that ends at
    ``k + 1`` hours after 1 January 00:00.  Here row ``k`` is the step that STARTS at
    ``1 January 00:00 + k hours`` of the caller's ``year`` (local standard time, tz-naive).  The
    year field inside the EPW is ignored: typical-year files mix months from different years.
    The calendar is always 365 days (8760 hours), so ``year`` must not be a leap year.

Sub-hourly steps
    ``timestep_s`` must divide 3600 s and be a whole number of minutes.  Each hourly value is taken
    as the value at the MIDPOINT of its hour; dry bulb, dew point, station pressure and wind speed
    are linearly interpolated to the midpoint of every sub-step (periodically across the year end,
    as a typical year is cyclic), so the mean over the sub-steps of an hour stays close to the hourly
    value.  Irradiance (an hourly integral in the EPW) is held constant within its hour, which keeps
    the hourly energy exact.  Humidity ratio, wet bulb and relative humidity are then recomputed on
    the fine grid from the interpolated dry bulb, dew point and pressure.

Repairs (reported, never silent)
    * ``repaired_hours``: hours where the EPW dew point exceeds the dry bulb or the EPW relative
      humidity exceeds 100 % (a known quirk of CSWD files).  The dew point is capped at the dry bulb;
      relative humidity is recomputed from the humidity ratio, so it is at most 1.
    * ``repaired_pressure_hours``: hours whose station pressure is the EPW missing code (999999) or
      outside 50-110 kPa; the standard-atmosphere pressure at the station elevation is used instead.
    * ``filled_missing_hours``: hours where dry bulb, dew point, wind speed or irradiance carry an
      EPW missing code; they are filled by linear interpolation between the nearest valid hours.

Caching
    Parsing needs pvlib and pandas (about 1 s to import).  The processed hourly arrays are cached
    in memory (keyed on the resolved path, modification time and size) and on disk as ``.npz`` in
    ``$DCTWIN_CACHE_DIR/weather`` (default ``$XDG_CACHE_HOME/dctwin/weather`` or
    ``~/.cache/dctwin/weather``), keyed on the SHA-256 of the file bytes and of the code that
    processes them (:func:`cache_key`), and on :data:`twin.inputs.weather_cache.CACHE_VERSION`.
    With a warm disk cache pvlib is not imported at all.  Arrays in a :class:`Weather` are
    read-only because they are shared between callers.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import gzip
import hashlib
import io
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from components import psychrometrics as psy
from twin.errors import InputError
from twin.inputs.bundled import portable_path
from twin.inputs.weather_cache import HOURLY_ARRAYS, HOURS_PER_YEAR, read_cache, write_cache

if TYPE_CHECKING:
    import pandas

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
WEATHER_DIR = DATA_DIR / "weather"
SITES_FILE = DATA_DIR / "sites.toml"

#: Valid station pressure range; values outside are treated as missing [Pa].
PRESSURE_RANGE_PA = (50_000.0, 110_000.0)
#: Plausible range for dry bulb and dew point after filling missing values [°C].
TEMPERATURE_RANGE_C = (-70.0, 70.0)

# EPW missing-value codes (EnergyPlus Auxiliary Programs, "Weather Converter", data field table):
# a value at or above the code is missing.
_MISSING_AT_OR_ABOVE = {
    "temp_air": 99.9,
    "temp_dew": 99.9,
    "relative_humidity": 999.0,
    "wind_speed": 999.0,
    "ghi": 9999.0,
    "dni": 9999.0,
    "dhi": 9999.0,
}


@dataclass(frozen=True)
class Weather:
    """Weather for one simulation year, one value per time step.

    All arrays have ``len(time)`` elements and are read-only.

    Attributes
    ----------
    site_id : str
        Short site id, or the file name without ``.epw``/``.epw.gz`` for a path.
    name : str
        Display name (``sites.toml`` ``name``, else the EPW city).
    source_file : str
        Absolute path of the EPW file that was read (for caches; never written to outputs).
    latitude, longitude : float
        Station position [degrees, north and east positive].
    elevation_m : float
        Station elevation [m].
    tz_hours : float
        Offset of local standard time from UTC [h].
    time : pandas.DatetimeIndex
        START of each step, local standard time, tz-naive, 365 days from 1 January of ``year``.
    timestep_s : int
        Step length [s].
    temp_air : numpy.ndarray
        Dry-bulb temperature [°C].
    temp_dew : numpy.ndarray
        Dew-point temperature [°C], ``<= temp_air``.
    relative_humidity : numpy.ndarray
        Relative humidity as a fraction [-], 0 to 1.
    pressure : numpy.ndarray
        Station pressure [Pa].
    humidity_ratio : numpy.ndarray
        Humidity ratio [kg/kg dry air].
    temp_wet_bulb : numpy.ndarray
        Thermodynamic wet-bulb temperature [°C], between ``temp_dew`` and ``temp_air``.
    ghi, dni, dhi : numpy.ndarray
        Global horizontal, direct normal and diffuse horizontal irradiance, mean over the hour
        [W/m²].
    wind_speed : numpy.ndarray
        Wind speed [m/s].
    repaired_hours : int
        Hours with EPW dew point above dry bulb or EPW RH above 100 % (repaired).
    repaired_pressure_hours : int
        Hours whose station pressure was missing or out of range (standard atmosphere used).
    filled_missing_hours : int
        Hours where a missing-value code was filled by interpolation.
    site : dict
        The ``sites.toml`` row of a short site id, ``{}`` for a path.
    source_name : str
        How outputs name the weather file: the bare name of a bundled file, else the path
        relative to the scenario's folder (:func:`twin.inputs.bundled.portable_path`).
    """

    site_id: str
    name: str
    source_file: str
    latitude: float
    longitude: float
    elevation_m: float
    tz_hours: float
    time: pandas.DatetimeIndex
    timestep_s: int
    temp_air: np.ndarray
    temp_dew: np.ndarray
    relative_humidity: np.ndarray
    pressure: np.ndarray
    humidity_ratio: np.ndarray
    temp_wet_bulb: np.ndarray
    ghi: np.ndarray
    dni: np.ndarray
    dhi: np.ndarray
    wind_speed: np.ndarray
    repaired_hours: int
    repaired_pressure_hours: int = 0
    filled_missing_hours: int = 0
    site: dict = dataclasses.field(default_factory=dict)
    source_name: str = ""

    @functools.cached_property
    def month_index(self) -> np.ndarray:
        """Calendar month of each step, 0 = January, computed once per weather (read-only). [-]"""
        return _read_only(self.time.month.to_numpy() - 1)

    @functools.cached_property
    def enthalpy(self) -> np.ndarray:
        """Moist-air enthalpy of the outdoor air (:func:`components.psychrometrics.enthalpy_moist_air`),
        computed once per weather (read-only; a sweep assembles many plants on one site). [J/kg dry air]"""
        return _read_only(psy.enthalpy_moist_air(self.temp_air, self.humidity_ratio))

    @functools.cached_property
    def dry_air_density(self) -> np.ndarray:
        """Dry air per volume of the outdoor air, ``1 / v``
        (:func:`components.psychrometrics.moist_air_specific_volume`), computed once per weather
        (read-only). [kg dry air/m3]"""
        return _read_only(1.0 / psy.moist_air_specific_volume(self.temp_air, self.humidity_ratio, self.pressure))

    @functools.cached_property
    def mean_pressure(self) -> float:
        """Mean station pressure of the year, computed once per weather. [Pa]"""
        return float(np.mean(self.pressure))


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


# ---------------------------------------------------------------------------------------------
# Sites
# ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _sites() -> dict[str, dict]:
    with open(SITES_FILE, "rb") as f:
        return tomllib.load(f)


def list_sites() -> dict[str, dict]:
    """Bundled sites, ``{site_id: row of twin/data/sites.toml}`` (a fresh copy)."""
    return copy.deepcopy(_sites())


def site_row(site_id: str) -> dict:
    """The row of one bundled site in ``twin/data/sites.toml`` (a fresh copy; KeyError if unknown)."""
    return copy.deepcopy(_sites()[site_id])


def _looks_like_path(site: str | Path) -> bool:
    if isinstance(site, Path):
        return True
    s = str(site)
    return "/" in s or "\\" in s or s.lower().endswith((".epw", ".gz")) or s.startswith(("~", "."))


def resolve_site(site: str | Path, base_dir: Path | None = None, *,
                 file_for_errors: str | None = None,
                 key_for_errors: str = "scenario.site") -> Path:
    """Path of the EPW file for a short site id or a file path.

    Parameters
    ----------
    site : str or pathlib.Path
        A short id from ``twin/data/sites.toml`` (e.g. ``"guangzhou"``) or the path of an
        ``.epw`` / ``.epw.gz`` file.
    base_dir : pathlib.Path, optional
        Folder that relative paths are resolved against (the scenario file's folder); the current
        directory if ``None``.
    file_for_errors, key_for_errors : str, optional
        File and dotted key named in an :class:`~twin.errors.InputError`.

    Returns
    -------
    pathlib.Path
        Absolute path of an existing file.

    Raises
    ------
    InputError
        Unknown site id (the message lists the known ids), or the file does not exist.
    """
    if not isinstance(site, (str, Path)) or str(site).strip() == "":
        raise InputError(f"must be a site id or the path of an .epw/.epw.gz file, got {site!r}",
                         file=file_for_errors, key=key_for_errors)
    if not _looks_like_path(site):
        sites = _sites()
        if site not in sites:
            known = ", ".join(sorted(sites))
            raise InputError(f"unknown site id {site!r}; known site ids: {known} "
                             "(or give the path of an .epw/.epw.gz file)",
                             file=file_for_errors, key=key_for_errors)
        path = WEATHER_DIR / sites[site]["file"]
    else:
        path = Path(site).expanduser()
        if not path.is_absolute():
            path = (Path(base_dir) if base_dir is not None else Path.cwd()) / path
    path = path.resolve()
    if not path.is_file():
        raise InputError(f"weather file not found: {path}", file=file_for_errors,
                         key=key_for_errors)
    return path


# ---------------------------------------------------------------------------------------------
# Reading and repairing the hourly data
# ---------------------------------------------------------------------------------------------


def _fill_missing(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Replace ``values[missing]`` by periodic linear interpolation between valid hours."""
    if not missing.any():
        return values
    hours = np.arange(values.size, dtype=float)
    out = values.copy()
    out[missing] = np.interp(hours[missing], hours[~missing], values[~missing],
                             period=values.size)
    return out


def _expected_calendar() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Month, day and EPW hour (1-24) of every hour of a non-leap year."""
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    month = np.repeat(np.arange(1, 13), days * 24)
    day = np.concatenate([np.repeat(np.arange(1, d + 1), 24) for d in days])
    hour = np.tile(np.arange(1, 25), 365)
    return month, day, hour


def _parse_epw(path: Path) -> tuple[dict, dict]:
    """Read an EPW file with pvlib; return (columns as float arrays, metadata). May raise."""
    import pvlib.iotools  # lazy: ~1 s import, not needed when the cache is warm

    raw = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        raw = gzip.decompress(raw)
    with io.TextIOWrapper(io.BytesIO(raw), encoding="latin-1") as text:
        data, meta = pvlib.iotools.read_epw(text)
    cols = {}
    for name in ("month", "day", "hour", "temp_air", "temp_dew", "relative_humidity",
                 "atmospheric_pressure", "ghi", "dni", "dhi", "wind_speed"):
        cols[name] = np.asarray(data[name], dtype=float)
    return cols, meta


def _process_hourly(path: Path, cols: dict, meta: dict, where: dict) -> dict:
    """Validate, repair and complete the hourly EPW columns (pure numpy + psychrometrics)."""
    n = cols["temp_air"].size
    if n != HOURS_PER_YEAR:
        raise InputError(f"weather file {path} has {n} hourly data rows, expected "
                         f"{HOURS_PER_YEAR} (one non-leap typical year)", **where)
    month, day, hour = _expected_calendar()
    bad = ((cols["month"] != month) | (cols["day"] != day) | (cols["hour"] != hour))
    if bad.any():
        k = int(np.argmax(bad))
        raise InputError(f"weather file {path}: data row {k + 1} is month {cols['month'][k]:g} "
                         f"day {cols['day'][k]:g} hour {cols['hour'][k]:g}, expected month "
                         f"{month[k]} day {day[k]} hour {hour[k]} (rows must run 1 Jan hour 1 to "
                         "31 Dec hour 24 without 29 Feb)", **where)

    filled = np.zeros(n, dtype=bool)
    out = {}
    for name in ("temp_air", "temp_dew", "wind_speed", "ghi", "dni", "dhi"):
        v = cols[name]
        missing = ~np.isfinite(v) | (v >= _MISSING_AT_OR_ABOVE[name])
        if name in ("wind_speed", "ghi", "dni", "dhi"):
            missing |= v < 0.0
        if missing.all():
            raise InputError(f"weather file {path}: field '{name}' is missing in every hour",
                             **where)
        filled |= missing
        out[name] = _fill_missing(v, missing)
    lo, hi = TEMPERATURE_RANGE_C
    for name in ("temp_air", "temp_dew"):
        v = out[name]
        wrong = (v < lo) | (v > hi)
        if wrong.any():
            k = int(np.argmax(wrong))
            raise InputError(f"weather file {path}: '{name}' is {v[k]:g} °C in data row {k + 1}; "
                             f"{int(wrong.sum())} values lie outside {lo:g}..{hi:g} °C", **where)

    elevation = float(meta["altitude"])
    p = cols["atmospheric_pressure"]
    p_bad = ~np.isfinite(p) | (p < PRESSURE_RANGE_PA[0]) | (p > PRESSURE_RANGE_PA[1])
    pressure = np.where(p_bad, psy.pressure_from_altitude(elevation), p)

    rh_raw = cols["relative_humidity"]
    rh_over = np.isfinite(rh_raw) & (rh_raw > 100.0) & (rh_raw < _MISSING_AT_OR_ABOVE[
        "relative_humidity"])
    dew_over = out["temp_dew"] > out["temp_air"]
    out["temp_dew"] = np.minimum(out["temp_dew"], out["temp_air"])

    out["pressure"] = pressure
    out.update(_psychrometrics(out["temp_air"], out["temp_dew"], pressure))
    out.update(latitude=float(meta["latitude"]), longitude=float(meta["longitude"]),
               elevation_m=elevation, tz_hours=float(meta["TZ"]),
               repaired_hours=int((dew_over | rh_over).sum()),
               repaired_pressure_hours=int(p_bad.sum()),
               filled_missing_hours=int(filled.sum()),
               city=str(meta.get("city", "")).strip())
    return out


def _psychrometrics(temp_air: np.ndarray, temp_dew: np.ndarray, pressure: np.ndarray) -> dict:
    """Humidity ratio, wet bulb and relative humidity from dry bulb, dew point and pressure."""
    state = psy.moist_air_state(np.ascontiguousarray(temp_air, dtype=float),
                                np.ascontiguousarray(temp_dew, dtype=float),
                                np.ascontiguousarray(pressure, dtype=float), True)
    return {
        "humidity_ratio": state[psy.STATE_HUMIDITY_RATIO],
        "temp_wet_bulb": state[psy.STATE_WET_BULB],
        # dew point <= dry bulb is enforced (and counted) before this, so the clip removes
        # rounding only (|RH - 1| ~ 1e-16)
        "relative_humidity": np.clip(state[psy.STATE_RELATIVE_HUMIDITY], 0.0, 1.0),
    }


# ---------------------------------------------------------------------------------------------
# Caches
# ---------------------------------------------------------------------------------------------


@functools.cache
def _processing_digest() -> bytes:
    """SHA-256 of the code that turns an EPW file into the cached hourly data: this module and the
    compiled psychrometrics under it (:func:`components._jit.sources_digest`)."""
    from components._jit import sources_digest

    return hashlib.sha256(Path(__file__).read_bytes() + sources_digest().encode()).digest()


def cache_key(path: Path) -> str:
    """Key of ``path``'s processed hourly data in the disk cache: the SHA-256 of the file's bytes and
    of :func:`_processing_digest`, so that a cache written by other code (an update, an edit of the
    psychrometrics) is rebuilt, not read."""
    return hashlib.sha256(path.read_bytes() + _processing_digest()).hexdigest()


def _load_hourly_uncached(path: Path, where: dict) -> dict:
    digest = cache_key(path)
    hourly = read_cache(digest)
    if hourly is None:
        try:
            cols, meta = _parse_epw(path)
        except Exception as exc:  # noqa: BLE001 - pvlib/pandas/gzip raise many kinds
            raise InputError(f"cannot read EPW weather file {path}: {type(exc).__name__}: {exc}",
                             **where) from exc
        hourly = _process_hourly(path, cols, meta, where)
        write_cache(digest, hourly)
    for name in HOURLY_ARRAYS:
        hourly[name].setflags(write=False)
    return hourly


@functools.lru_cache(maxsize=32)
def _load_hourly_cached(path_str: str, mtime_ns: int, size: int) -> dict:
    # Errors are raised without file/key here (lru_cache must not key on them); see _load_hourly.
    return _load_hourly_uncached(Path(path_str), {})


def _load_hourly(path: Path, st: os.stat_result, where: dict) -> dict:
    """Processed hourly data of ``path``; memory cache keyed on path, mtime and size."""
    try:
        return _load_hourly_cached(str(path), st.st_mtime_ns, st.st_size)
    except InputError as exc:
        raise InputError(exc.message, **where) from None


def clear_memory_cache() -> None:
    """Forget the in-memory caches (the disk cache is left alone)."""
    _load_hourly_cached.cache_clear()
    _resampled_cached.cache_clear()


# ---------------------------------------------------------------------------------------------
# Public loader
# ---------------------------------------------------------------------------------------------


def _check_timestep(timestep_s, where: dict) -> int:
    ok = (isinstance(timestep_s, (int, float, np.integer, np.floating))
          and not isinstance(timestep_s, bool) and float(timestep_s).is_integer())
    if ok:
        step = int(timestep_s)
        ok = 60 <= step <= 3600 and 3600 % step == 0 and step % 60 == 0
    if not ok:
        got = (f"{timestep_s / 60:g} min ({timestep_s!r} s)" if isinstance(timestep_s, (int, float))
               and not isinstance(timestep_s, bool) else repr(timestep_s))
        raise InputError("time step must be a whole number of minutes that divides 60 min (60, 30, "
                         f"20, 15, 12, 10, 6, 5, 4, 3, 2 or 1 min), got {got}",
                         file=where.get("file"), key="scenario.timestep_min")
    return step


def _check_year(year, where: dict) -> int:
    ok = isinstance(year, (int, np.integer)) and not isinstance(year, bool) and 1 <= year <= 9999
    if not ok:
        raise InputError(f"year must be an integer, got {year!r}", file=where.get("file"),
                         key="scenario.year")
    if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0:
        raise InputError(f"{year} is a leap year; typical-year weather has 365 days, choose a "
                         "non-leap year", file=where.get("file"), key="scenario.year")
    return int(year)


def _resample(hourly: dict, steps_per_hour: int) -> dict:
    """Sub-hourly arrays: midpoint-linear for states, hold for irradiance (see module doc)."""
    if steps_per_hour == 1:
        return {name: hourly[name] for name in HOURLY_ARRAYS}
    x_hour = np.arange(HOURS_PER_YEAR) + 0.5
    x_fine = (np.arange(HOURS_PER_YEAR * steps_per_hour) + 0.5) / steps_per_hour
    out = {}
    for name in ("temp_air", "temp_dew", "pressure", "wind_speed"):
        out[name] = np.interp(x_fine, x_hour, hourly[name], period=HOURS_PER_YEAR)
    # Linear interpolation keeps dew <= dry bulb; the minimum only guards rounding.
    out["temp_dew"] = np.minimum(out["temp_dew"], out["temp_air"])
    for name in ("ghi", "dni", "dhi"):
        out[name] = np.repeat(hourly[name], steps_per_hour)
    out.update(_psychrometrics(out["temp_air"], out["temp_dew"], out["pressure"]))
    for v in out.values():
        v.setflags(write=False)
    return out


@functools.lru_cache(maxsize=16)
def _time_index(year: int, n: int, timestep_s: int):
    import pandas as pd

    return pd.date_range(f"{year}-01-01", periods=n, freq=pd.Timedelta(seconds=timestep_s))


@functools.lru_cache(maxsize=16)
def _month_index(year: int, n: int, timestep_s: int) -> np.ndarray:
    """Calendar month of each step of :func:`_time_index`, 0 = January (read-only). [-]"""
    months = _time_index(year, n, timestep_s).month.to_numpy() - 1
    months.flags.writeable = False
    return months


@functools.lru_cache(maxsize=4)
def _resampled_cached(path_str: str, mtime_ns: int, size: int, steps_per_hour: int) -> dict:
    return _resample(_load_hourly_cached(path_str, mtime_ns, size), steps_per_hour)


def check_site(site: str | Path, *, timestep_s: int = 3600, year: int = 2025, base_dir: Path | None = None,
               file_for_errors: str | None = None, key_for_errors: str = "scenario.site") -> Path:
    """The weather file of ``site``, once the arguments of :func:`load_weather` are checked: the time
    step, the year and that the site id is known or the file exists, without reading it.

    Raises
    ------
    InputError
        As :func:`load_weather`, for those checks.
    """
    where = {"file": file_for_errors, "key": key_for_errors}
    _check_timestep(timestep_s, where)
    _check_year(year, where)
    return resolve_site(site, base_dir, file_for_errors=file_for_errors, key_for_errors=key_for_errors)


def load_weather(site: str | Path, *, timestep_s: int = 3600, year: int = 2025,
                 base_dir: Path | None = None, file_for_errors: str | None = None,
                 key_for_errors: str = "scenario.site") -> Weather:
    """Load, repair and resample typical-year weather for a site.

    Parameters
    ----------
    site : str or pathlib.Path
        Short site id from ``twin/data/sites.toml`` (see :func:`list_sites`) or the path of an
        ``.epw`` / ``.epw.gz`` file (relative to ``base_dir``).
    timestep_s : int, default 3600
        Step length [s]; must divide 3600 and be whole minutes (3600, 1800, 900, 600, 300, ...).
    year : int, default 2025
        Calendar year of the returned time index; must not be a leap year.
    base_dir : pathlib.Path, optional
        Folder for relative paths (the scenario file's folder).
    file_for_errors : str, optional
        Scenario file named in errors; defaults to the weather file itself.
    key_for_errors : str, default "scenario.site"
        Dotted key named in errors about the site or the weather file.

    Returns
    -------
    Weather
        ``8760 * 3600 // timestep_s`` steps starting 1 January 00:00 of ``year``.

    Raises
    ------
    InputError
        Unknown site id, missing/unreadable/corrupt file, not 8760 rows in calendar order,
        implausible temperatures, a time step that does not divide one hour
        (key ``scenario.timestep_min``) or a leap year (key ``scenario.year``).
    """
    path = check_site(site, timestep_s=timestep_s, year=year, base_dir=base_dir,
                      file_for_errors=file_for_errors, key_for_errors=key_for_errors)
    timestep_s, year = int(timestep_s), int(year)  # whole numbers, as checked
    where = {"file": file_for_errors or str(path), "key": key_for_errors}
    st = path.stat()
    hourly = _load_hourly(path, st, where)
    steps_per_hour = 3600 // timestep_s
    arrays = _resampled_cached(str(path), st.st_mtime_ns, st.st_size, steps_per_hour)

    is_id = not _looks_like_path(site)
    row = site_row(str(site)) if is_id else {}
    if is_id:
        site_id = str(site)
        name = row.get("name", hourly["city"])
    else:
        site_id = path.name
        for suffix in (".gz", ".epw"):
            if site_id.lower().endswith(suffix):
                site_id = site_id[: -len(suffix)]
        name = hourly["city"] or site_id
    n = HOURS_PER_YEAR * steps_per_hour
    weather = Weather(
        site_id=site_id, name=name, source_file=str(path),
        latitude=hourly["latitude"], longitude=hourly["longitude"],
        elevation_m=hourly["elevation_m"], tz_hours=hourly["tz_hours"],
        time=_time_index(year, n, timestep_s), timestep_s=timestep_s,
        repaired_hours=int(hourly["repaired_hours"]),
        repaired_pressure_hours=int(hourly["repaired_pressure_hours"]),
        filled_missing_hours=int(hourly["filled_missing_hours"]),
        site=row, source_name=portable_path(path, base_dir), **arrays,
    )
    # the calendar months of the shared time index, computed once per index (functools.cached_property
    # keeps its value in the instance's __dict__ under the property's name)
    weather.__dict__["month_index"] = _month_index(year, n, timestep_s)
    return weather
