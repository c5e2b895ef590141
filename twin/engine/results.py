"""Simulation results: the raw output channels, their units, and the xarray view.

The kernel writes every channel of :data:`components.layout.OUTPUT` in SI units (W, degC,
kg/s).  :class:`Result` keeps that array and builds an :class:`xarray.Dataset` on demand, with
``units`` and ``long_name`` in each variable's ``attrs``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from components.layout import OUTPUT
from twin.engine.plant import PlantArrays

# channel -> (unit, description)
CHANNELS: dict[str, tuple[str, str]] = {
    "p_facility": ("W", "facility power at the grid meter (transformer primary)"),
    "p_it": ("W", "IT equipment power, server fans included"),
    "p_it_fans": ("W", "server fan power (part of p_it)"),
    "p_pdu_loss": ("W", "PDU loss"),
    "p_ups_loss": ("W", "UPS loss"),
    "p_switchgear_loss": ("W", "LV switchgear and wiring loss"),
    "p_transformer_loss": ("W", "10/0.4 kV transformer loss"),
    "p_lighting": ("W", "lighting"),
    "p_auxiliary": ("W", "auxiliary loads (BMS, security, fire systems)"),
    "p_generator_heaters": ("W", "generator block heaters"),
    "p_crah_fans": ("W", "CRAH/CRAC fans"),
    "p_chillers": ("W", "chiller or DX compressors"),
    "p_chw_pumps": ("W", "chilled-water pumps"),
    "p_cw_pumps": ("W", "condenser-water pumps"),
    "p_tower_fans": ("W", "cooling-tower fans"),
    "q_room_sensible": ("W", "sensible heat removed from conditioned rooms"),
    "q_latent": ("W", "latent load on the cooling coils"),
    "q_coil": ("W", "total cooling-coil load"),
    "q_economizer": ("W", "heat removed by the water-side economizer"),
    "q_evaporator": ("W", "chiller evaporator load met"),
    "q_condenser": ("W", "chiller condenser heat"),
    "q_rejected_wet": ("W", "heat rejected by cooling towers"),
    "q_rejected_dry": ("W", "heat rejected to outdoor air directly (air-cooled condensers, electrical rooms)"),
    "q_unmet": ("W", "cooling load the plant could not meet"),
    "t_supply_air": ("degC", "supply-air temperature"),
    "t_supply_air_setpoint": ("degC", "supply-air set point in force"),
    "t_rack_inlet": ("degC", "mean rack inlet temperature"),
    "t_return_air": ("degC", "CRAH return-air temperature"),
    "t_chw_supply": ("degC", "chilled-water supply temperature"),
    "t_condenser": ("degC", "condenser entering temperature (water, or outdoor air for air-cooled)"),
    "server_fan_speed": ("1", "server fan speed relative to nominal (it.model = 'ite_curves': air flow relative to design)"),
    "recirculation": ("1", "recirculated fraction of server intake air"),
    "economizer_mode": ("1", "0 mechanical, 1 partial economizer, 2 free cooling"),
    "chillers_on": ("1", "chillers running"),
    "chiller_plr": ("1", "part-load ratio of each running chiller"),
    "tower_air_ratio": ("1", "cooling-tower air flow relative to design"),
    "crah_flow_ratio": ("1", "CRAH airflow relative to design"),
    "t_rack_inlet_max": ("degC", "hottest rack inlet (hot-spot factor applied to the mean recirculation rise)"),
    "p_iec_secondary": ("W", "IEC secondary fans and spray pumps"),
    "p_liquid_pumps": ("W", "liquid-cooling CDU and facility-water pumps"),
    "p_dry_cooler_fans": ("W", "liquid-loop heat-rejection fans: dry coolers or the liquid loop's cooling tower"),
    "q_liquid": ("W", "heat captured by liquid cooling, pump heat included"),
    "q_liquid_to_plant": ("W", "liquid heat the dry cooler could not take, sent to the chillers"),
    "q_iec": ("W", "heat removed by indirect evaporative coolers"),
    "iec_mode": ("1", "IEC mode: 0 off, 1 dry, 2 wet, 3 mixed (wet + DX trim)"),
    "q_tes_charge": ("W", "thermal storage charging rate"),
    "q_tes_discharge": ("W", "thermal storage discharge rate"),
    "tes_energy": ("J", "cold energy stored at the end of the step"),
    "tes_ride_through_min": ("min", "minutes the stored cold would carry the chilled-water load"),
    "q_purchased_cooling": ("W", "chilled water bought from a district or power-plant supplier"),
    "water_evaporation": ("kg s-1", "tower evaporation"),
    "water_drift": ("kg s-1", "tower drift"),
    "water_blowdown": ("kg s-1", "tower blowdown"),
    "curve_out_of_range": ("1", "compressor curves: 0 inside their data, 1 extrapolated (or held at the data edge), "
                                "2 held at the set's physical bounds"),
    "utilisation": ("1", "IT utilisation after events"),
    # power chain and storage (issue 4; docs/power_and_storage.md)
    "p_psu_loss": ("W", "server power-supply (PSU) loss, part of p_it (ITUE = p_it / (p_it - p_psu_loss))"),
    "p_distribution_loss": ("W", "critical distribution (cable or busway) I2R loss, when modelled explicitly"),
    "p_battery_loss": ("W", "battery float / BMS standby loss plus charge and discharge losses"),
    "p_flywheel_loss": ("W", "flywheel spinning (standby) loss"),
    "p_storage_charge": ("W", "energy going into the battery cells (after charge losses)"),
    "p_storage_discharge": ("W", "energy taken out of the battery cells (before discharge losses)"),
    "p_pv": ("W", "on-site PV power used by the facility"),
    "p_backup_generation": ("W", "power from backup generation (diesel or fuel cell) during outages"),
    "p_not_supplied": ("W", "facility demand nobody supplied during an outage"),
    "p_grid": ("W", "power bought from the grid (meter): facility + charge - discharge - PV - backup - not supplied"),
    "p_condenser_fans": ("W", "air-cooled chiller condenser fans"),
    "p_refrigerant_pumps": ("W", "DX pumped-refrigerant economizer: refrigerant pumps and condenser fans"),
    "q_pumped_refrigerant": ("W", "heat moved by the DX pumped-refrigerant economizer (compressors off)"),
    "q_air_economizer": ("W", "room heat removed by outdoor air (air-side economizer, with its evaporative pad)"),
    "outdoor_air_fraction": ("1", "outdoor-air share of the supply air"),
    "p_evaporative_pumps": ("W", "direct evaporative pad recirculation pumps"),
    "water_direct_evaporative": ("kg s-1", "water evaporated by the direct evaporative pad"),
    "water_liquid_tower": ("kg s-1", "make-up water of the liquid loop's cooling tower (evaporation, drift, blowdown)"),
}
assert list(CHANNELS) == [m.name for m in OUTPUT], "CHANNELS must describe every OUTPUT"
#: Row of each channel in ``out`` (a plain dictionary: a metric reads about 120 channels per run).
ROW = {m.name: int(m) for m in OUTPUT}


@dataclass
class Result:
    """Output of one simulated period."""

    plant: PlantArrays
    out: np.ndarray
    events: list[tuple[float, str]] = field(default_factory=list)
    runtime_s: float = 0.0
    extras: dict = field(default_factory=dict)  # per-run blocks from event processes (twin.engine.events: "power")
    _totals: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def time(self) -> pd.DatetimeIndex:
        return self.plant.time

    @property
    def month_index(self) -> np.ndarray:
        """Calendar month of each step, 0 = January. [-]"""
        return self.plant.weather.month_index

    @property
    def dt_h(self) -> float:
        return self.plant.timestep_s / 3600.0

    def __getitem__(self, name: str) -> np.ndarray:
        return self.out[ROW[name]]

    def total(self, name: str) -> float:
        """``self[name].sum()`` over the period, summed once per channel (the summary's metrics read the
        same totals several times); ``out`` must not change after the first call. [channel unit x steps]"""
        value = self._totals.get(name)
        if value is None:
            value = self._totals[name] = float(self.out[ROW[name]].sum())
        return value

    def to_dataset(self):
        """The full time series as an :class:`xarray.Dataset` with units in ``attrs``."""
        import xarray as xr

        w = self.plant.weather
        data = {name: ("time", self.out[OUTPUT[name]], {"units": unit, "long_name": desc})
                for name, (unit, desc) in CHANNELS.items()}
        data["temp_air"] = ("time", w.temp_air, {"units": "degC", "long_name": "outdoor dry bulb"})
        data["temp_wet_bulb"] = ("time", w.temp_wet_bulb, {"units": "degC", "long_name": "outdoor wet bulb"})
        utc = (self.time - pd.Timedelta(hours=w.tz_hours)).to_numpy()
        ds = xr.Dataset(data, coords={"time": ("time", utc, {"long_name": "step start, UTC"})})
        ds.attrs.update({
            "title": f"dctwin results: {self.plant.scenario.scenario.name}",
            "site": w.site_id, "weather_file": w.source_name,
            "timezone": f"UTC{w.tz_hours:+g}", "timestep_s": self.plant.timestep_s,
            "conventions": "power in W (consumer frame), temperatures in degC, water in kg/s",
        })
        return ds


def atomic_write(path: Path, write) -> None:
    """Write a file through a temporary file in the same folder, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_safe(x):
    """A copy of nested dicts/lists with NaN and infinities as None and numpy scalars as Python."""
    if isinstance(x, dict):
        return {k: json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    if isinstance(x, (np.floating, float)):
        return float(x) if np.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def json_text(obj) -> str:
    """``obj`` as indented JSON (UTF-8 text kept), through :func:`json_safe`: strict JSON, NaN as null."""
    return json.dumps(json_safe(obj), indent=2, ensure_ascii=False)


def write_json(obj, path: Path) -> None:
    """Write ``obj`` as :func:`json_text` to ``path``, atomically."""
    text = json_text(obj)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def print_json(obj) -> None:
    """Print ``obj`` as :func:`json_text` on standard output (for ``--json``)."""
    sys.stdout.write(json_text(obj) + "\n")


#: xarray's engine for the NetCDF4 files dctwin writes: netCDF4-python, over Unidata's netCDF-C library.
#: It writes the bundled default's ``results.nc`` (75 variables of 8,760 steps, 5.4 MB) in 42-47 ms,
#: h5netcdf in 232-251 ms: h5netcdf creates each variable and attaches its dimension scale through
#: h5py, 3.3 ms a variable (2026-12-08, this 2-core VM).  The format is the same (NetCDF4 on HDF5),
#: and either engine reads the file back identical (``tests/test_results_file.py``).
NETCDF_ENGINE = "netcdf4"


def write_dataset(ds, path: Path) -> None:
    """Write the :class:`xarray.Dataset` ``ds`` to the NetCDF4 file ``path`` (:data:`NETCDF_ENGINE`), atomically."""
    atomic_write(path, lambda tmp: ds.to_netcdf(tmp, engine=NETCDF_ENGINE))


def write_netcdf(result: Result, path: Path, attrs: dict | None = None) -> None:
    """Write the full time series to NetCDF4 (:func:`write_dataset`), atomically.

    ``attrs`` (flat name -> number or string) are added to the dataset attributes, e.g. the
    policy figures of the run summary.
    """
    ds = result.to_dataset()
    if attrs:
        ds.attrs.update(attrs)
    write_dataset(ds, path)
