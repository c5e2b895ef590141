"""On-site PV: the AC power of the array on the weather file (pvlib PVWatts chain,
:mod:`components.storage.pv`) and its place behind the grid meter after a run.
"""

from __future__ import annotations

import numpy as np

from components.layout import OUTPUT
from twin.engine.event_records import J_PER_KWH
from twin.inputs.schema_power import storage_data


def pv_power_w(plant) -> np.ndarray:
    """On-site PV AC power of a plant at each step [W] (zeros without PV)."""
    scn = plant.scenario
    if scn.pv.capacity_kwp <= 0.0:
        return np.zeros(plant.n_steps)
    w = plant.weather
    d = storage_data("pv")
    key = (w.source_file, w.timestep_s, int(plant.time[0].year), scn.pv.capacity_kwp, scn.pv.tilt_deg,
           scn.pv.azimuth_deg, scn.pv.dc_ac_ratio or d["dc_ac_ratio"])
    return _pv_cached(key, plant)


_PV_CACHE: dict = {}  # PV series by weather file and array (Monte Carlo years share it)


def _pv_cached(key, plant) -> np.ndarray:
    if key not in _PV_CACHE:
        from components.storage.pv import pv_ac_power_w

        w = plant.weather
        d = storage_data("pv")
        scn = plant.scenario
        _PV_CACHE[key] = pv_ac_power_w(
            time_local=w.time, timestep_s=w.timestep_s, tz_hours=w.tz_hours, latitude=w.latitude,
            longitude=w.longitude, ghi=w.ghi, dni=w.dni, dhi=w.dhi, temp_air=w.temp_air, wind_speed=w.wind_speed,
            capacity_kw_dc=scn.pv.capacity_kwp, tilt_deg=scn.pv.tilt_deg, azimuth_deg=scn.pv.azimuth_deg,
            gamma_pdc=d["gamma_pdc"], system_loss_fraction=d["system_loss_fraction"],
            inverter_efficiency=d["inverter_efficiency"], dc_ac_ratio=scn.pv.dc_ac_ratio or d["dc_ac_ratio"],
            albedo=d["albedo"])
        _PV_CACHE[key].setflags(write=False)
    return _PV_CACHE[key]


def apply_pv(out: np.ndarray, plant) -> dict:
    """Move on-site PV from the grid meter to ``p_pv`` (behind the meter) and return its energies.

    PV inverters trip while the grid is down (anti-islanding), so PV only offsets the grid share
    of each step; PV above the grid draw is exported (or all of it, with
    ``pv.behind_the_meter = false``).
    """
    pv_w = pv_power_w(plant)
    ts = plant.timestep_s
    if not np.any(pv_w > 0.0):
        return {"generation_kwh": 0.0, "used_kwh": 0.0, "exported_kwh": 0.0}
    grid = out[OUTPUT.p_grid]
    supply = grid + out[OUTPUT.p_backup_generation] + out[OUTPUT.p_not_supplied]
    share = np.divide(grid, supply, out=np.ones_like(grid), where=supply > 0.0)
    available = pv_w * share
    used = np.minimum(available, grid) if plant.scenario.pv.behind_the_meter else np.zeros_like(grid)
    out[OUTPUT.p_pv] = used
    out[OUTPUT.p_grid] = grid - used
    gen = float(pv_w.sum() * ts / J_PER_KWH)
    used_kwh = float(used.sum() * ts / J_PER_KWH)
    return {"generation_kwh": gen, "used_kwh": used_kwh, "exported_kwh": gen - used_kwh}
