"""On-site photovoltaics from the weather file's irradiance, with pvlib (PVWatts-style chain).

For each step (hour-starting, local standard time; EPW irradiance is the mean over the hour):

1. solar position at the middle of the step (pvlib SPA, ``solarposition.get_solarposition``);
2. plane-of-array irradiance from GHI, DNI and DHI with the Hay-Davies sky model
   (``irradiance.get_total_irradiance``) and ASHRAE incidence-angle loss on the beam
   (``iam.ashrae``, b = 0.05);
3. cell temperature by Faiman (``temperature.faiman``, pvlib default coefficients);
4. DC power ``P_dc = P_dc0 (E_eff / 1000) (1 + gamma (T_cell - 25))`` (``pvsystem.pvwatts_dc``)
   derated by the PVWatts system losses (14.08 %, ``pvsystem.pvwatts_losses`` defaults);
5. AC power through the PVWatts inverter model (``inverter.pvwatts``) clipped at
   ``P_ac0 = P_dc0 / (DC/AC ratio)``.

Source: Dobos, PVWatts Version 5 Manual, NREL/TP-6A20-62641 (2014), as implemented in pvlib
(Holmgren et al., JOSS 2018).  Parameters: ``[pv]`` in ``components/data/storage.toml``.
Validity: flat-plate crystalline modules, no row-to-row shading, no snow.  Units: W, degrees.
"""

from __future__ import annotations

import numpy as np


def pv_ac_power_w(*, time_local, timestep_s: float, tz_hours: float, latitude: float, longitude: float,
                  ghi, dni, dhi, temp_air, wind_speed, capacity_kw_dc: float, tilt_deg: float,
                  azimuth_deg: float, gamma_pdc: float, system_loss_fraction: float,
                  inverter_efficiency: float, dc_ac_ratio: float, albedo: float) -> np.ndarray:
    """AC power of a PV array at each step. [W]

    Parameters
    ----------
    time_local : pandas.DatetimeIndex
        Step starts, local standard time, tz-naive (:class:`twin.inputs.weather.Weather` convention).
    timestep_s : float
        Step length. [s]
    tz_hours : float
        Local standard time minus UTC. [h]
    latitude, longitude : float
        Site position, north and east positive. [degrees]
    ghi, dni, dhi : array
        Global horizontal, direct normal, diffuse horizontal irradiance, step means. [W/m2]
    temp_air, wind_speed : array
        Dry bulb [degC] and wind speed [m/s].
    capacity_kw_dc : float
        Module nameplate (STC) capacity. [kWp]
    tilt_deg, azimuth_deg : float
        Module tilt from horizontal and azimuth (180 = south). [degrees]
    gamma_pdc : float
        Power temperature coefficient. [1/K]
    system_loss_fraction : float
        PVWatts system losses (soiling, wiring, mismatch...). [-]
    inverter_efficiency : float
        Nominal inverter efficiency. [-]
    dc_ac_ratio : float
        DC nameplate / inverter AC rating. [-]
    albedo : float
        Ground reflectance. [-]
    """
    import pandas as pd
    import pvlib

    mid = (pd.DatetimeIndex(time_local) - pd.Timedelta(hours=tz_hours)
           + pd.Timedelta(seconds=timestep_s / 2.0)).tz_localize("UTC")
    sun = pvlib.solarposition.get_solarposition(mid, latitude, longitude)
    zenith = sun["apparent_zenith"].to_numpy()
    azimuth = sun["azimuth"].to_numpy()
    dni_extra = pvlib.irradiance.get_extra_radiation(mid).to_numpy()
    ghi, dni, dhi = (np.maximum(np.asarray(x, dtype=float), 0.0) for x in (ghi, dni, dhi))
    up = zenith < 90.0
    dni = np.where(up, dni, 0.0)
    poa = pvlib.irradiance.get_total_irradiance(tilt_deg, azimuth_deg, zenith, azimuth, dni, ghi, dhi,
                                                dni_extra=dni_extra, albedo=albedo, model="haydavies")
    aoi = pvlib.irradiance.aoi(tilt_deg, azimuth_deg, zenith, azimuth)
    iam = np.nan_to_num(pvlib.iam.ashrae(aoi, b=0.05), nan=0.0)
    beam = np.nan_to_num(np.asarray(poa["poa_direct"], dtype=float), nan=0.0)
    diffuse = np.nan_to_num(np.asarray(poa["poa_diffuse"], dtype=float), nan=0.0)
    effective = np.maximum(beam * iam + diffuse, 0.0)
    poa_global = np.maximum(beam + diffuse, 0.0)
    temp_cell = pvlib.temperature.faiman(poa_global, np.asarray(temp_air, dtype=float),
                                         np.asarray(wind_speed, dtype=float))
    pdc0 = capacity_kw_dc * 1e3
    pdc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, pdc0, gamma_pdc)
    pdc = np.maximum(np.asarray(pdc, dtype=float), 0.0) * (1.0 - system_loss_fraction)
    pac0 = pdc0 / dc_ac_ratio
    pac = pvlib.inverter.pvwatts(pdc, pac0 / inverter_efficiency, eta_inv_nom=inverter_efficiency)
    return np.clip(np.nan_to_num(np.asarray(pac, dtype=float), nan=0.0), 0.0, pac0)
