"""The on-disk cache of processed hourly weather: one ``.npz`` per EPW file, keyed on the SHA-256 of its
bytes and of the code that processes them (:func:`twin.inputs.weather.cache_key`).

Folder: ``$DCTWIN_CACHE_DIR/weather``, else ``$XDG_CACHE_HOME/dctwin/weather`` or
``~/.cache/dctwin/weather``.  Writes are atomic; a stale, corrupt or unwritable cache is rebuilt or
skipped, never an error.  Used by :mod:`twin.inputs.weather`; imports nothing of :mod:`twin`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

#: Bump when the cache's format changes.  The code that processes the weather is part of each key
#: (:func:`twin.inputs.weather.cache_key`), so a change of it needs no bump.  2 (2026-12-07): the
#: keys include that code.
CACHE_VERSION = 2
HOURS_PER_YEAR = 8760
#: The fields of the processed hourly data that the cache holds.
HOURLY_ARRAYS = ("temp_air", "temp_dew", "relative_humidity", "pressure", "humidity_ratio",
                  "temp_wet_bulb", "ghi", "dni", "dhi", "wind_speed")
HOURLY_SCALARS = ("latitude", "longitude", "elevation_m", "tz_hours", "repaired_hours",
                   "repaired_pressure_hours", "filled_missing_hours")
HOURLY_STRINGS = ("city",)


def cache_dir() -> Path:
    """Folder of the on-disk weather cache (not created here)."""
    root = os.environ.get("DCTWIN_CACHE_DIR")
    if root:
        return Path(root).expanduser() / "weather"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "dctwin" / "weather"


def cache_file(digest: str) -> Path:
    return cache_dir() / f"{digest}.v{CACHE_VERSION}.npz"


def read_cache(digest: str) -> dict | None:
    """The cached hourly data, or ``None`` if absent, stale or corrupt."""
    path = cache_file(digest)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            if int(z["cache_version"]) != CACHE_VERSION or str(z["sha256"]) != digest:
                return None
            out = {name: np.array(z[name], dtype=float) for name in HOURLY_ARRAYS}
            for name in HOURLY_SCALARS:
                out[name] = z[name].item()
            for name in HOURLY_STRINGS:
                out[name] = str(z[name])
    except Exception:  # noqa: BLE001 - any unreadable cache is simply rebuilt
        return None
    if any(out[name].shape != (HOURS_PER_YEAR,) for name in HOURLY_ARRAYS):
        return None
    return out


def write_cache(digest: str, hourly: dict) -> None:
    """Write the cache atomically (temporary file + rename); failures are ignored."""
    path = cache_file(digest)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, cache_version=CACHE_VERSION, sha256=digest,
                     **{k: hourly[k] for k in HOURLY_ARRAYS + HOURLY_SCALARS + HOURLY_STRINGS})
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass  # a read-only or full cache folder must not stop a run
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
