"""The calibrated scenario file: the fitted values written into the base scenario's own keys, its
relative paths made relative to the new file, and the whole serialised as TOML.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
from pathlib import Path

import numpy as np


def significant(x: float, digits: int = 6) -> float:
    """``x`` rounded to ``digits`` significant figures (as the calibrated file and its report write it)."""
    return float(f"{x:.{digits}g}")


def _looks_like_path(s: str) -> bool:
    return "/" in s or "\\" in s or s.lower().endswith((".epw", ".gz", ".csv"))


def calibrated_dict(data: dict, scn, values: dict, base_values: dict, free: list[str]) -> dict:
    """The base scenario dictionary with the identifiable fitted values written in."""
    d = copy.deepcopy(data)
    d.pop("calibration", None)

    def put(path: str, value):
        section, key = path.split(".")
        d.setdefault(section, {})[key] = value

    for n in free:
        v = values[n]
        if n == "chiller_cop_scale":
            put("plant.chiller_rated_cop", significant(scn.plant.chiller_rated_cop * v))
        elif n == "crah_unit_fan_kw":
            put("crah.unit_fan_kw", significant(v))
        elif n == "recirculation_min":
            put("air.recirculation_min", significant(v))
        elif n == "tower_approach_k":
            put("plant.tower_approach_k", significant(v))
        elif n in ("supply_air_c", "chw_supply_c"):
            section = "air" if n == "supply_air_c" else "plant"
            current = getattr(getattr(scn, section), n)
            shift = v - base_values[n]
            new = ([round(x + shift, 3) for x in current] if isinstance(current, list)
                   else round(current + shift, 3))
            put(f"{section}.{n}", new)
    return d


def relocate(d: dict, out_path: Path, base_dir: Path) -> dict:
    """``d`` with its relative file paths (weather, utilisation CSV) made relative to ``out_path``."""
    d = copy.deepcopy(d)
    out_dir = Path(out_path).resolve().parent
    site = d.get("scenario", {}).get("site")
    if isinstance(site, str) and _looks_like_path(site) and not Path(site).is_absolute():
        d["scenario"]["site"] = os.path.relpath((base_dir / site).resolve(), out_dir)
    util = d.get("it", {}).get("utilisation")
    if isinstance(util, dict) and "csv" in util and not Path(util["csv"]).is_absolute():
        util["csv"] = os.path.relpath((base_dir / util["csv"]).resolve(), out_dir)
    return d


# ---------------------------------------------------------------------------------------------
# TOML writing (tomllib reads, the standard library has no writer)
# ---------------------------------------------------------------------------------------------

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE.match(k) else json.dumps(k, ensure_ascii=False)


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        x = float(v)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return repr(x)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items() if x is not None) + "}"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _is_table_array(v) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def dumps_toml(data: dict, header: str = "") -> str:
    """Serialise nested dictionaries to TOML (tables, arrays of tables, inline scalars and lists)."""
    lines = [f"# {h}" if h else "#" for h in header.splitlines()] if header else []

    def table(d: dict, path: list[str], array: bool = False):
        scalars = [(k, v) for k, v in d.items() if v is not None and not isinstance(v, dict)
                   and not _is_table_array(v)]
        subs = [(k, v) for k, v in d.items() if isinstance(v, dict)]
        arrays = [(k, v) for k, v in d.items() if _is_table_array(v)]
        if path and (scalars or array or not (subs or arrays)):
            if lines:
                lines.append("")
            name = ".".join(_key(p) for p in path)
            lines.append(f"[[{name}]]" if array else f"[{name}]")
        for k, v in scalars:
            lines.append(f"{_key(k)} = {_value(v)}")
        for k, v in subs:
            table(v, path + [k])
        for k, v in arrays:
            for item in v:
                table(item, path + [k], array=True)

    table(data, [])
    return "\n".join(lines) + "\n"


def write_calibrated(fit, path: Path, *, base_file: str | None = None) -> None:
    """Write the calibrated scenario TOML of ``fit`` (a :class:`twin.calibration.calibrate.FitResult`) atomically."""
    from twin.engine.results import atomic_write

    cal = fit.calibrated["calibration"]
    header = (f"Calibrated by `dctwin calibrate` on {cal['date']} from {cal['base_scenario'] or base_file}\n"
              f"against the meters {cal['meters']} ({cal['period'][0]} to {cal['period'][1]}).\n"
              f"Paths are relative to this file.  Fitted values are written into their usual keys;\n"
              f"[calibration] records the statistics, the uncertainty and identifiability of each\n"
              f"parameter, and overrides of kernel parameters that have no scenario key.")
    text = dumps_toml(fit.calibrated, header=header)
    atomic_write(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
