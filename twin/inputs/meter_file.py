"""A meter file: which columns it may hold, reading it, and checking it.

A meter file is a CSV (``.csv`` or ``.csv.gz``; Parquet when pyarrow is installed) with one
timestamp column and any of the measurement columns listed, with their units, in
``twin/data/meter_columns.toml`` (for example ``it_kw``, ``facility_kw``, ``chiller_kw``,
``outdoor_temp_c``).  Lines starting with ``#`` are comments.

Time
    Each timestamp marks the START of the interval its values describe (a BMS average or an
    instantaneous reading).  Timestamps either carry a UTC offset (``2025-07-01T14:15+08:00``) or
    are naive and the caller names their zone (``tz="Asia/Shanghai"``, ``"UTC+8"``).  They are
    converted to the site's local standard time (the EPW's offset: UTC+8 for China, no daylight
    saving) and placed on the simulation calendar by month, day and time of day
    (:mod:`twin.inputs.meters`).  At most one year.

Checks (each an :class:`~twin.errors.InputError` naming file, line and column)
    empty file, unknown columns (with the accepted list and a unit hint for ``it_w``), unreadable or
    non-increasing timestamps, non-numeric cells, all-empty columns, resolution outside 1 min-1 h,
    and columns whose values lie mostly outside their physical bounds (wrong unit, e.g. W in a kW
    column or degF in a degC column).

Outliers, reported and never filled
    Values outside the physical bounds, or a robust z-score above ``outlier_z`` against a moving
    median (Hampel filter), are left out of the step means; nothing is interpolated.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import io
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from twin.errors import InputError

COLUMNS_FILE = Path(__file__).resolve().parents[1] / "data" / "meter_columns.toml"
MINUTES_PER_YEAR = 365 * 1440
_OFFSET = re.compile(r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$")
_FIXED_TZ = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_UNIT_SUFFIXES = {"kw": "kW", "w": "W", "mw": "MW", "c": "degC", "f": "degF", "k": "K",
                  "pct": "%", "frac": "fraction"}



@functools.cache
def meter_spec() -> dict:
    """The parsed ``twin/data/meter_columns.toml``."""
    with open(COLUMNS_FILE, "rb") as fh:
        return tomllib.load(fh)


def accepted_columns() -> dict[str, dict]:
    """Measurement columns a meter file may hold: ``{name: {unit, quantity, description, ...}}``."""
    return meter_spec()["columns"]


def channel_specs() -> dict[str, dict]:
    """Compared channels: ``{name: {meters, model, kind, label, ...}}``."""
    return meter_spec()["channels"]


def resolve_meters(path: str | Path) -> Path:
    """A meter file path, or the name of a bundled one (``example_meters.csv.gz``)."""
    path = Path(path)
    if path.exists() or len(path.parts) != 1:
        return path
    from twin.inputs.bundled import scenarios_dir

    bundled = scenarios_dir() / "meters" / path.name
    return bundled if bundled.exists() else path


@dataclass
class MeterFile:
    """A checked meter file; times in UTC, values in the file's units (NaN = missing or outlier)."""

    path: str
    columns: list[str]
    time_utc: pd.DatetimeIndex
    values: dict[str, np.ndarray]
    lines: np.ndarray
    line_word: str
    resolution_s: float
    timezone: str
    outliers: dict[str, list[tuple[int, float, str]]] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    dropped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def n_samples(self) -> int:
        return len(self.time_utc)


def _err(path, msg: str, line: int | None = None, column: str | None = None, word: str = "line"):
    where = []
    if line is not None:
        where.append(f"{word} {line}")
    if column is not None:
        where.append(f"column '{column}'")
    raise InputError((", ".join(where) + ": " if where else "") + msg, file=str(path))


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            _err(path, f"not a readable gzip file: {exc}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _err(path, f"not UTF-8 text (byte {exc.start}); save the meters as UTF-8 CSV")


def _read_csv(path: Path) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Cells as strings (NaN for empty/NA), the file line of each row, and the header line."""
    text = _read_text(path)
    numbered = [(k + 1, s) for k, s in enumerate(text.splitlines())
                if s.strip() and not s.lstrip().startswith("#")]
    if not numbered:
        _err(path, "the file is empty (no header and no data rows)")
    if len(numbered) == 1:
        _err(path, f"the file has a header (line {numbered[0][0]}) but no data rows")
    numbers = np.array([n for n, _ in numbered])
    try:
        df = pd.read_csv(io.StringIO("\n".join(s for _, s in numbered)), dtype=str,
                         skipinitialspace=True)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(numbers[int(m.group(1)) - 1]) if m and int(m.group(1)) <= len(numbers) else None
        _err(path, f"cannot parse CSV: {str(exc).split(':')[-1].strip()}", line=line)
    return df, numbers[1:], int(numbers[0])


def _read_parquet(path: Path) -> tuple[pd.DataFrame, np.ndarray, int]:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        _err(path, "reading Parquet needs pyarrow, which is not installed (pip install pyarrow); "
                   "or export the meters as CSV (.csv or .csv.gz)")
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for corrupt files
        _err(path, f"cannot read Parquet: {exc}")
    if df.empty:
        _err(path, "the file has no data rows")
    return df.reset_index(drop=True), np.arange(1, len(df) + 1), 0


def _unknown_column_message(name: str, accepted: dict) -> str:
    stem, _, suffix = name.rpartition("_")
    for known, spec in accepted.items():
        if stem and known.rpartition("_")[0] == stem:
            got = _UNIT_SUFFIXES.get(suffix, suffix)
            return (f"'{name}' is not an accepted column: '{stem}' is metered in {spec['unit']}, "
                    f"not {got}; rename it '{known}' and give the values in {spec['unit']}")
    close = difflib.get_close_matches(name, list(accepted), n=2, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    listing = ", ".join(f"{k} [{v['unit']}]" for k, v in accepted.items())
    return f"'{name}' is not an accepted column{hint} Accepted columns: {listing}"


def parse_tz(tz: str) -> tuple[str, object]:
    """``("fixed", hours)`` for ``UTC+8``/``+08:00``/``UTC``, else ``("iana", ZoneInfo)``."""
    s = tz.strip()
    if s.upper() in ("UTC", "GMT", "Z"):
        return "fixed", 0.0
    m = _FIXED_TZ.match(s)
    if m:
        hours = int(m.group(2)) + int(m.group(3) or 0) / 60.0
        return "fixed", hours if m.group(1) == "+" else -hours
    try:
        return "iana", zoneinfo.ZoneInfo(s)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InputError(f"unknown time zone {tz!r}; use an IANA name such as 'Asia/Shanghai' or "
                         f"a fixed offset such as 'UTC+8'", key="--tz") from None


def _parse_times(path, raw: pd.Series, lines, word, tcol, tz: str | None):
    """UTC times (tz-naive), a mask of rows to drop, and a note on how the zone was found."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        t = pd.DatetimeIndex(raw)
        aware = t.tz is not None
        text = None
    else:
        text = raw.astype("string").str.strip()
        empty = text.isna() | (text == "")
        if empty.any():
            k = int(np.flatnonzero(empty.to_numpy())[0])
            _err(path, "empty timestamp", line=int(lines[k]), column=tcol, word=word)
        has = text.str.contains(_OFFSET, regex=True).to_numpy(dtype=bool)
        if has.any() and not has.all():
            k = int(np.flatnonzero(has != has[0])[0])
            _err(path, f"timestamp {text.iloc[k]!r} {'has no' if has[0] else 'has a'} UTC offset, "
                       f"unlike line {int(lines[0])}; use one convention for the whole file",
                 line=int(lines[k]), column=tcol, word=word)
        aware = bool(has[0])
        t = None
        for fmt in ("ISO8601", None, "mixed"):
            kwargs = {"format": fmt} if fmt else {}
            try:
                cand = pd.to_datetime(text, errors="coerce", utc=aware, **kwargs)
            except (ValueError, TypeError):
                continue
            if t is None or cand.isna().sum() < t.isna().sum():
                t = cand
            if not t.isna().any():
                break
        t = pd.DatetimeIndex(t)
        if t.isna().any():
            k = int(np.flatnonzero(t.isna())[0])
            _err(path, f"{text.iloc[k]!r} is not a date and time (use ISO 8601, e.g. "
                       f"2025-07-01T14:15+08:00)", line=int(lines[k]), column=tcol, word=word)
    drop = np.zeros(len(t), dtype=bool)
    if aware:
        note = "UTC offsets in the file"
        if tz is not None:
            parse_tz(tz)  # not needed here, but a zone that does not exist is still a mistake
            note += f" (--tz {tz} ignored)"
        utc = t.tz_convert("UTC").tz_localize(None)
    elif tz is None:
        _err(path, "timestamps carry no UTC offset; name their time zone (--tz Asia/Shanghai or "
                   "--tz UTC+8) or write them with one, e.g. 2025-07-01T14:15+08:00",
             line=int(lines[0]), column=tcol, word=word)
    else:
        kind, zone = parse_tz(tz)
        note = f"--tz {tz}"
        if kind == "fixed":
            utc = t - pd.Timedelta(hours=zone)
        else:
            local = t.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
            drop = np.asarray(local.isna())
            utc = local.tz_convert("UTC").tz_localize(None)
    return pd.DatetimeIndex(utc).as_unit("ns"), drop, note


def _numeric(path, raw: pd.Series, lines, word, col) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(raw):
        return raw.to_numpy(dtype=float)
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna() & (raw.astype("string").str.strip() != "")
    if bad.any():
        k = int(np.flatnonzero(bad.to_numpy())[0])
        _err(path, f"{raw.iloc[k]!r} is not a number", line=int(lines[k]), column=col, word=word)
    return values.to_numpy(dtype=float)


def _bounds(spec: dict, design_it_kw: float | None) -> tuple[float, float, str]:
    lo, hi = spec["bounds"]
    how = f"{lo:g}-{hi:g} {spec['unit']}"
    if spec["quantity"] == "power" and design_it_kw and "per_design_it" in spec:
        a, b = spec["per_design_it"]
        lo, hi = a * design_it_kw, b * design_it_kw
        how = f"{lo:g}-{hi:g} kW, {a:g}-{b:g} x the design IT power of {design_it_kw:g} kW"
    return lo, hi, how


def _unit_hint(spec: dict, values: np.ndarray, hi: float) -> str:
    med = float(np.nanmedian(values))
    if spec["quantity"] == "power":
        if med > hi:
            return f"are these W? ({spec['unit']} expected: divide by 1000)"
        return f"expected {spec['unit']}"
    if spec["quantity"] == "temperature":
        if med > 200.0:
            return "are these kelvin? (degC expected: subtract 273.15)"
        if med > hi or np.nanmax(values) > hi:
            return "are these degF? (degC expected: (F - 32) / 1.8)"
        return "expected degC"
    if spec["quantity"] == "relative_humidity":
        return "expected percent 0-100"
    return f"expected {spec['unit']}"


def _check_values(path, col, spec, v, lines, word, design_it_kw, cfg, outliers):
    """Unit and bound checks; out-of-bound values and Hampel outliers become NaN (reported)."""
    lo, hi, how = _bounds(spec, design_it_kw)
    finite = np.isfinite(v)
    out = finite & ((v < lo) | (v > hi))
    n_valid = int(finite.sum())
    if out.sum() > cfg["unit_error_fraction"] * n_valid:
        k = int(np.flatnonzero(out)[0])
        share = 100.0 * out.sum() / n_valid
        _err(path, f"{v[k]:g} is outside the physical range {how}, and so are {share:.0f} % of the "
                   f"column's values: a unit mistake? {_unit_hint(spec, v[finite], hi)}",
             line=int(lines[k]), column=col, word=word)
    if spec["quantity"] == "relative_humidity" and n_valid and np.nanmax(v) <= 1.0:
        k = int(np.flatnonzero(finite)[0])
        _err(path, "every value is at most 1: this looks like a fraction; give relative humidity "
                   "in percent (0-100)", line=int(lines[k]), column=col, word=word)
    floor = spec.get("min_median_per_design_it")
    if floor and design_it_kw and n_valid:
        med = float(np.nanmedian(v))
        if med < floor * design_it_kw:
            k = int(np.flatnonzero(finite)[0])
            _err(path, f"median {med:g} kW is below {100 * floor:g} % of the design IT power "
                       f"({design_it_kw:g} kW): are these MW? (kW expected: multiply by 1000)",
                 line=int(lines[k]), column=col, word=word)
    found = [(int(lines[k]), float(v[k]), f"outside {how}") for k in np.flatnonzero(out)]
    v = np.where(out, np.nan, v)
    spikes = _hampel(v, spec, cfg)
    found += [(int(lines[k]), float(v[k]), why) for k, why in spikes]
    if spikes:
        v = v.copy()
        v[[k for k, _ in spikes]] = np.nan
    if found:
        outliers[col] = sorted(found)
    return v


def _hampel(v: np.ndarray, spec, cfg) -> list[tuple[int, str]]:
    """Indices (and reasons) of samples far from the moving median, in robust standard deviations.

    Hampel filter: ``z = |x - median_w| / (1.4826 * max(MAD_w, floor))`` over a centred window of
    ``outlier_window_h``; a clean step change is not flagged (each side is the window majority).
    """
    window = int(cfg["_window_samples"])
    s = pd.Series(v)
    med = s.rolling(window, center=True, min_periods=3).median()
    mad = (s - med).abs().rolling(window, center=True, min_periods=3).median()
    # the spread never counts as smaller than the typical change from one sample to the next (a
    # smooth but fast signal is not a spike) nor than a floor per quantity (noise-free or
    # quantised data have a MAD of zero): see [outlier_spread_floor] in meter_columns.toml
    floors = cfg["_spread_floor"]
    step_change = float(np.nanmedian(np.abs(np.diff(v)))) if np.isfinite(v).sum() > 2 else 0.0
    if spec["quantity"] == "power":
        floor = floors["power_fraction"] * float(np.nanmedian(np.abs(v)))
    elif spec["quantity"] == "temperature":
        floor = floors["temperature_k"]
    else:
        floor = floors["relative_humidity_pct"]
    floor = max(floor, np.nan_to_num(step_change), 1e-9)
    scale = 1.4826 * np.maximum(mad.to_numpy(), floor)
    z = np.abs(v - med.to_numpy()) / scale
    hit = np.flatnonzero(np.nan_to_num(z, nan=0.0) > cfg["outlier_z"])
    return [(int(k), f"robust z-score {z[k]:.0f} against the {cfg['outlier_window_h']:g} h moving "
                     f"median {med.iloc[k]:.4g}") for k in hit]


def read_meters(path: str | Path, *, tz: str | None = None,
                design_it_kw: float | None = None) -> MeterFile:
    """Read and check a meter file.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``) file.
    tz : str, optional
        Time zone of naive timestamps (``"Asia/Shanghai"``, ``"UTC+8"``); ignored when the
        timestamps carry UTC offsets.
    design_it_kw : float, optional
        Design IT power of the site [kW]; scales the plausible range of power columns so that
        values in W (1000 x too large) or MW are caught.

    Raises
    ------
    InputError
        Naming the file, the line (row for Parquet) and the column of the first problem.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("meter file not found", file=str(path))
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        df, lines, _ = _read_parquet(path)
        word = "row"
    elif name.endswith((".csv", ".csv.gz", ".txt", ".tsv")):
        df, lines, _ = _read_csv(path)
        word = "line"
    else:
        raise InputError("meter files must be .csv, .csv.gz or .parquet", file=str(path))
    cfg = {k: v for k, v in meter_spec().items() if not isinstance(v, dict)}
    cfg["_spread_floor"] = meter_spec()["outlier_spread_floor"]
    accepted = accepted_columns()

    names = [str(c).strip().lower() for c in df.columns]
    df.columns = names
    dup = [c for c in names if names.count(c) > 1]
    if dup:
        _err(path, f"column '{dup[0]}' appears {names.count(dup[0])} times", word=word)
    tnames = meter_spec()["timestamp"]["names"]
    tcol = next((c for c in names if c in tnames), None)
    if tcol is None:
        _err(path, f"no timestamp column; name it one of {tnames}")
    for pos, c in enumerate(names, start=1):
        if c != tcol and c not in accepted:
            raise InputError(f"column {pos} {_unknown_column_message(c, accepted)}", file=str(path))
    columns = [c for c in names if c != tcol]
    if not columns:
        _err(path, f"no measurement column; give one or more of {list(accepted)}", word=word)

    utc, drop, tz_note = _parse_times(path, df[tcol], lines, word, tcol, tz)
    dropped = [(int(lines[k]), "local time is ambiguous or does not exist (daylight saving change)")
               for k in np.flatnonzero(drop)]
    keep = ~drop
    utc, df, lines = utc[keep], df.loc[keep].reset_index(drop=True), lines[keep]
    if len(utc) < 2:
        _err(path, "fewer than two usable rows", word=word)
    d = np.diff(utc.asi8)
    if (d <= 0).any():
        k = int(np.flatnonzero(d <= 0)[0]) + 1
        what = "repeats" if d[k - 1] == 0 else "is earlier than"
        _err(path, f"timestamp {str(df[tcol].iloc[k]).strip()!r} {what} the previous one "
                   f"({str(df[tcol].iloc[k - 1]).strip()!r}, {word} {int(lines[k - 1])}); "
                   f"rows must be in increasing time order without duplicates",
             line=int(lines[k]), column=tcol, word=word)
    resolution = float(np.median(d) / 1e9)
    if not 60.0 <= resolution <= 3600.0:
        _err(path, f"median spacing of the timestamps is {resolution / 60:g} min; dctwin accepts "
                   f"1 min to 1 h", column=tcol, word=word)
    span_days = (utc[-1] - utc[0]).total_seconds() / 86400.0
    if span_days > 365.0:
        _err(path, f"the meters span {span_days:.0f} days ({utc[0]} to {utc[-1]} UTC); give at most "
                   f"one year (split the file)", column=tcol, word=word)
    cfg["_window_samples"] = max(7, int(round(cfg["outlier_window_h"] * 3600.0 / resolution)) | 1)

    values, outliers, missing = {}, {}, {}
    for col in columns:
        v = _numeric(path, df[col], lines, word, col)
        if not np.isfinite(v).any():
            _err(path, f"the column has no numeric value in {word}s {int(lines[0])}-{int(lines[-1])}",
                 column=col, word=word)
        missing[col] = int((~np.isfinite(v)).sum())
        values[col] = _check_values(path, col, accepted[col], v, lines, word, design_it_kw, cfg,
                                    outliers)
    return MeterFile(path=str(path), columns=columns, time_utc=utc, values=values, lines=lines,
                     line_word=word, resolution_s=resolution, timezone=tz_note, outliers=outliers,
                     missing=missing, dropped=dropped)
