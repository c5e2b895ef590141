"""Carbon, renewables and standard coal: CUE, net CO2, renewable share, tce and the monitoring flag.

Definitions
-----------
- Grid electricity = facility electricity - on-site PV used by the facility.  On-site PV is an
  annual input number for now; with a PV result channel it becomes a time series.
- Location-based CO2 = grid electricity x grid emission factor (regional factor of the site's
  grid, MEE/NBS, docs/sources.md 4.5; or an hourly factor series).
- CUE = location-based CO2 / IT energy [kgCO2/kWh IT] (The Green Grid WP#32; for a constant
  factor CUE = factor x PUE when there is no PV).
- Net CO2 = location-based CO2 x (1 - contracted renewables / grid electricity), floored at 0:
  green-power contracts and green certificates displace grid electricity pro rata (at the
  run's mean factor for an hourly series).  This is an accounting convention, not physics.
- Renewable share = (on-site PV + green-power contracts + green certificates) / facility
  electricity, capped at 1.
- Standard coal (GB/T 2589-2020): equivalent value (当量值) 0.1229 kgce/kWh; equal value (等价值) =
  the year's power-supply coal rate (302.4 gce/kWh in 2024, CEC).  Both use grid electricity
  (the energy the site buys).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from twin.errors import InputError
from twin.inputs.schema_base import read_toml

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
GRID_FACTORS_FILE = DATA_DIR / "grid_factors.toml"
J_PER_KWH = 3.6e6


# ---------------------------------------------------------------------------------------------
# Emission factors
# ---------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def load_grid_factors() -> dict:
    """The table of ``twin/data/grid_factors.toml``."""
    return read_toml(GRID_FACTORS_FILE)


def grid_factor(region: str | None, year: int | None = None, *, file: str | None = None) -> dict:
    """Regional grid emission factor [kgCO2/kWh] with its source.

    Parameters
    ----------
    region : str or None
        ``grid_region`` of the site (``sites.toml``); ``None`` or empty uses the table's
        fallback region (national average).
    year : int or None
        Data year; default: the table's ``default_year`` (2023).

    Returns
    -------
    dict
        ``value`` [kgCO2/kWh], ``region``, ``year``, ``source``.
    """
    table = load_grid_factors()
    year = int(year if year is not None else table["default_year"])
    region = region or table["fallback_region"]
    if region not in table["regions"]:
        raise InputError(f"no grid emission factor for region {region!r}; regions are {sorted(table['regions'])}",
                         file=file, key="scenario.site")
    row = table["regions"][region]
    if str(year) not in row:
        years = sorted(int(k) for k in row if k.isdigit())
        raise InputError(f"no {year} emission factor for grid region {region!r}; years available: {years}",
                         file=file, key="policy.carbon.grid_factor_year")
    return {"value": float(row[str(year)]), "region": region, "label": row["label"], "year": year,
            "source": row["source"]}


def hourly_factors(path: Path, column: str, time: pd.DatetimeIndex, *, file: str | None = None,
                   key: str = "policy.carbon.grid_factor_csv") -> np.ndarray:
    """Emission factor of every step from an 8760-row hour-of-year CSV. [kgCO2/kWh]

    Row ``i`` holds hour ``i`` of a non-leap year (January 1 00:00-01:00 local standard time
    first); sub-hourly steps take the value of the hour they start in.
    """
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(f"file not found: {path}", file=file, key=key) from None
    if column not in frame.columns:
        raise InputError(f"column {column!r} not in {path} (columns: {list(frame.columns)})", file=file,
                         key="policy.carbon.grid_factor_column")
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    if values.size != 8760:
        raise InputError(f"{path} must have 8760 hourly rows (hour of a non-leap year), got {values.size}",
                         file=file, key=key)
    if not np.all(np.isfinite(values)) or np.any(values < 0.0) or np.any(values > 2.0):
        raise InputError(f"factors in {path} must be numbers within 0-2 kgCO2/kWh", file=file, key=key)
    hour_of_year = (time.day_of_year.to_numpy() - 1) * 24 + time.hour.to_numpy()
    return values[hour_of_year]


# ---------------------------------------------------------------------------------------------
# Renewables and CO2
# ---------------------------------------------------------------------------------------------

def grid_import_w(facility_w: np.ndarray, onsite_pv_kwh: float, timestep_s: float) -> np.ndarray:
    """Power bought from the grid when an annual on-site PV yield is spread pro rata to load. [W]

    Until PV is simulated, on-site PV is one number for the run; it is spread over the steps in
    proportion to facility power (so it never exceeds the load in a step).  PV above the
    facility's consumption is not exported here: it is capped at the facility energy.
    """
    facility_w = np.asarray(facility_w, dtype=float)
    facility_kwh = facility_w.sum() * timestep_s / J_PER_KWH
    if facility_kwh <= 0.0:
        return facility_w.copy()
    return facility_w * (1.0 - min(onsite_pv_kwh, facility_kwh) / facility_kwh)


def co2_kg(grid_w: np.ndarray, factor_kg_per_kwh: float | np.ndarray, timestep_s: float) -> float:
    """Location-based CO2 of the grid electricity. [kg]"""
    return float(np.sum(np.asarray(grid_w, dtype=float) * factor_kg_per_kwh) * timestep_s / J_PER_KWH)


def renewable_share(onsite_pv_kwh: float, green_power_kwh: float, green_certificates_kwh: float,
                    facility_kwh: float) -> float:
    """Renewable share of facility electricity, capped at 1. [-]"""
    if facility_kwh <= 0.0:
        return 0.0
    return min(1.0, (onsite_pv_kwh + green_power_kwh + green_certificates_kwh) / facility_kwh)


def net_co2_kg(location_co2_kg: float, grid_kwh: float, contracted_kwh: float) -> float:
    """CO2 after green-power contracts and certificates displace grid electricity pro rata. [kg]"""
    if grid_kwh <= 0.0:
        return 0.0
    return location_co2_kg * max(0.0, 1.0 - contracted_kwh / grid_kwh)


def cue(co2: float, it_kwh: float) -> float:
    """Carbon usage effectiveness: CO2 / IT energy [kgCO2/kWh] (The Green Grid WP#32)."""
    return co2 / it_kwh


# ---------------------------------------------------------------------------------------------
# Standard coal
# ---------------------------------------------------------------------------------------------

def tce_equivalent(kwh: float, kgce_per_kwh: float) -> float:
    """Standard coal at the calorific equivalent value (当量值) [tce].

    ``kgce_per_kwh`` is 0.1229 (GB/T 2589-2020 App. A; ``[coal]`` of twin/data/policy.toml).
    """
    return kwh * kgce_per_kwh / 1e3


def tce_equal_value(kwh: float, coal_rate_gce_per_kwh: float) -> float:
    """Standard coal at the equal value (等价值): kWh x power-supply coal rate [tce]."""
    return kwh * coal_rate_gce_per_kwh / 1e6


def monitoring_required(tce_per_year: float, threshold_tce: float) -> bool:
    """Measure 21: online energy monitoring is required strictly above the threshold [tce/yr].

    The text says 大于5000吨标准煤 ("greater than 5000 tce"), so exactly 5000 tce does not trigger it.
    """
    return tce_per_year > threshold_tce
