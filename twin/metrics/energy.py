"""Energy metrics: PUE, monthly PUE, partial PUE, the energy breakdown and water.

Definitions
-----------
- PUE = facility energy at the grid meter / IT energy (The Green Grid WP#49; the same ratio
  as GB 40879-2021's "electric energy ratio", annual metered method R_M2).  IT energy is
  measured at the IT equipment input (after the PDU), server fans included.
- pPUE_cooling = (IT + cooling energy) / IT and pPUE_power = (IT + power-chain losses) / IT
  (The Green Grid WP#49 partial PUE); cooling = CRAH fans, chillers or DX compressors, pumps,
  tower fans; power chain = PDU, UPS, switchgear/wiring and transformer losses.  Lighting,
  auxiliary loads and generator heaters belong to neither, so
  ``PUE - 1 = (pPUE_cooling - 1) + (pPUE_power - 1) + other / IT``.
- WUE (site) = tower evaporation + blowdown + drift in litres / IT kWh (The Green Grid WP#35).
"""

from __future__ import annotations

import numpy as np

from components.channel_stats import monthly_sums
from components.layout import IT_ITE_CURVES, PARAM, POWER_COMPONENTS
from twin.engine.results import CHANNELS, Result
from twin.inputs.envelope import A1_ALLOWABLE_C, A1_RECOMMENDED_C, extremes_inside, outside

COOLING = ("p_crah_fans", "p_chillers", "p_chw_pumps", "p_cw_pumps", "p_tower_fans", "p_iec_secondary",
           "p_liquid_pumps", "p_dry_cooler_fans", "p_condenser_fans", "p_refrigerant_pumps",
           "p_evaporative_pumps")
# storage float/cycling and flywheel spinning losses belong to the power chain (the backup system's
# own overhead); their heat reaches the cooling plant through the UPS-room share (docs/power_and_storage.md)
POWER_CHAIN = ("p_pdu_loss", "p_ups_loss", "p_switchgear_loss", "p_transformer_loss",
               "p_distribution_loss", "p_battery_loss", "p_flywheel_loss")
OTHER = ("p_lighting", "p_auxiliary", "p_generator_heaters")
J_PER_KWH = 3.6e6
SETPOINT_TOLERANCE_K = 0.1  # supply air this much above its set point counts as "not held" [K]

# how the curves were evaluated outside their data (plant.curve_extrapolation)
_EXTRAPOLATION_NOTE = {"tangent": "curves extrapolated along their tangent at the data edge",
                       "hold": "inputs held at the data edge, as EnergyPlus does"}


def metric(value, unit: str, note: str = "") -> dict:
    """A summary entry: value with its unit and, where useful, its definition or source."""
    entry = {"value": value, "unit": unit}
    if note:
        entry["note"] = note
    return entry


def energy_kwh(result: Result, channel: str) -> float:
    """Energy of a power channel over the period. [kWh]"""
    return float(result.total(channel) * result.plant.timestep_s / J_PER_KWH)


def hours(mask: np.ndarray, dt_h: float) -> float:
    """Hours of the steps where ``mask`` holds, ``mask.sum() * dt_h`` (counted without summing booleans). [h]"""
    return float(np.count_nonzero(mask) * dt_h)


def hours_outside(t_hot: np.ndarray, t_cold: np.ndarray, band: tuple[float, float], dt_h: float,
                  hot_max: float, cold_min: float) -> float:
    """Hours with any rack inlet :func:`~twin.inputs.envelope.outside` ``band`` [degC]; 0 without a pass over
    the steps when the hottest inlet ``hot_max`` and the coldest supply air ``cold_min`` lie inside it. [h]"""
    if extremes_inside(hot_max, cold_min, band):
        return 0.0
    return hours(outside(t_hot, t_cold, band), dt_h)


def monthly_energy_kwh(result: Result, channel: str) -> np.ndarray:
    """Energy of a power channel by calendar month (12 values). [kWh]"""
    sums = np.empty(12)
    monthly_sums(result[channel], result.month_index, sums)
    return sums * result.plant.timestep_s / J_PER_KWH


def _server_fan_limit(result) -> float:
    """The server fan speed (linear model) or air-flow fraction (ITE curves) at which the fans are flat out. [-]"""
    p = result.plant.params
    if p[PARAM.it_model] == IT_ITE_CURVES:
        return float(p[PARAM.ite_flow_out_max])
    return float(p[PARAM.fan_speed_max])


def energy_summary(result: Result) -> dict:
    """PUE, pPUE, breakdown, peak power, unmet hours and water of one result."""
    assert set(COOLING + POWER_CHAIN + OTHER + ("p_it",)) == set(POWER_COMPONENTS)
    it = energy_kwh(result, "p_it")
    fac = energy_kwh(result, "p_facility")
    parts = {c: energy_kwh(result, c) for c in POWER_COMPONENTS}
    cooling = sum(parts[c] for c in COOLING)
    power = sum(parts[c] for c in POWER_CHAIN)
    purchased = energy_kwh(result, "q_purchased_cooling")
    k_purchased = result.plant.scenario.district_cooling.electricity_equivalent
    equivalent = k_purchased * purchased
    monthly_fac = monthly_energy_kwh(result, "p_facility") + k_purchased * monthly_energy_kwh(result, "q_purchased_cooling")
    monthly_pue = monthly_fac / monthly_energy_kwh(result, "p_it")
    dt_h = result.dt_h
    hot, cold = result["t_rack_inlet_max"], result["t_supply_air"]
    hot_max, cold_min = hot.max(), cold.min()
    not_held = result["t_supply_air"] > result["t_supply_air_setpoint"] + SETPOINT_TOLERANCE_K
    water_kg = float((result["water_evaporation"] + result["water_blowdown"] + result["water_drift"]
                      + result["water_direct_evaporative"] + result["water_liquid_tower"]).sum()
                     * result.plant.timestep_s)
    breakdown = [
        {"component": c, "label": CHANNELS[c][1], "kwh": parts[c], "share": parts[c] / fac}
        for c in sorted(POWER_COMPONENTS, key=lambda c: -parts[c])
    ]
    return {
        "pue": metric((fac + equivalent) / it, "-",
                      "facility energy / IT energy, annual metered (TGG WP#49; GB 40879-2021 method B)"
                      + (f"; purchased cooling counted at {k_purchased} kWh electricity per kWh cooling" if purchased else "")),
        "pue_metered_electricity_only": metric(fac / it, "-", "grid electricity / IT energy, purchased cooling not counted"),
        "purchased_cooling_kwh": metric(purchased, "kWh", "chilled water bought from a district or power-plant supplier (thermal)"),
        "pue_monthly": metric([float(x) for x in monthly_pue], "-", "calendar months January..December"),
        "ppue_cooling": metric((it + cooling + equivalent) / it, "-",
                               "(IT + CRAH fans + chillers + pumps + towers + IEC/liquid auxiliaries"
                               " + purchased-cooling equivalent) / IT"),
        "ppue_power": metric((it + power) / it, "-", "(IT + PDU + UPS + switchgear/wiring + transformer losses) / IT"),
        "energy_facility_kwh": metric(fac, "kWh"),
        "energy_it_kwh": metric(it, "kWh"),
        "energy_cooling_kwh": metric(cooling, "kWh"),
        "energy_power_chain_losses_kwh": metric(power, "kWh"),
        "energy_other_kwh": metric(sum(parts[c] for c in OTHER), "kWh", "lighting, auxiliary, generator heaters"),
        "breakdown": breakdown,
        "peak_facility_kw": metric(float(result["p_facility"].max() / 1e3), "kW"),
        "mean_it_kw": metric(float(result["p_it"].mean() / 1e3), "kW"),
        "hours_setpoint_not_held": metric(hours(not_held, dt_h), "h",
                                          f"supply air more than {SETPOINT_TOLERANCE_K} K above its set point"),
        "hours_chiller_curve_extrapolated": metric(hours(result["curve_out_of_range"] >= 1, dt_h), "h",
                                                   "a chiller or DX compressor ran outside its curve data: "
                                                   + _EXTRAPOLATION_NOTE[result.plant.scenario.plant.curve_extrapolation]),
        "hours_chiller_curve_at_bound": metric(hours(result["curve_out_of_range"] >= 2, dt_h), "h",
                                               "of those, hours beyond the curve set's physical bounds (inputs held there)"),
        "hours_server_fans_at_max": metric(hours(result["server_fan_speed"] >= _server_fan_limit(result) - 1e-9, dt_h), "h",
                                           "server fans at their maximum speed (it.model = 'ite_curves': air flow at the "
                                           "air-flow curve's maximum output)"),
        "max_rack_inlet_c": metric(float(hot_max), "degC", "hottest rack inlet, hottest step"),
        "hours_outside_a1_recommended": metric(hours_outside(hot, cold, A1_RECOMMENDED_C, dt_h, hot_max, cold_min), "h",
                                               f"any rack inlet outside ASHRAE A1 recommended {A1_RECOMMENDED_C[0]:g}-{A1_RECOMMENDED_C[1]:g} degC (docs/sources.md 2.3)"),
        "hours_outside_a1_allowable": metric(hours_outside(hot, cold, A1_ALLOWABLE_C, dt_h, hot_max, cold_min), "h",
                                             f"any rack inlet outside ASHRAE A1 allowable {A1_ALLOWABLE_C[0]:g}-{A1_ALLOWABLE_C[1]:g} degC (docs/sources.md 2.3)"),
        "iec_mode_hours": {name: metric(hours(result["iec_mode"] == code, dt_h), "h")
                           for name, code in (("dry", 1), ("wet", 2), ("mixed", 3))}
        | ({"bypassed": metric(hours(result["iec_mode"] == 0, dt_h), "h",
                               "IEC bypassed, DX only: the outdoor air could not cool the return air, "
                               "or the IEC fans and pumps would cost more than the DX power they save")}
           if result.plant.scenario.plant.type == "iec" else {}),
        "liquid_heat_share": metric(result.total("q_liquid") / max(result.total("p_it"), 1e-9), "-",
                                    "heat captured by liquid cooling / IT energy"),
        "tes_shifted_kwh": {
            "charged_valley": metric(energy_kwh(result, "q_tes_charge"), "kWh", "cold made in valley hours"),
            "discharged_peak": metric(energy_kwh(result, "q_tes_discharge"), "kWh", "cold delivered in peak hours"),
        },
        "tes_ride_through_min": metric(float(np.min(result["tes_ride_through_min"])) if result["tes_energy"].max() > 0 else 0.0,
                                       "min", "least minutes of chilled-water load the store could carry after a chiller trip"),
        "economizer_hours": {
            "free": metric(hours(result["economizer_mode"] == 2, dt_h), "h"),
            "partial": metric(hours(result["economizer_mode"] == 1, dt_h), "h"),
        },
        **_pump_table_hours(result),
        **_outdoor_air_lockout_hours(result),
        "water_site_l": metric(water_kg, "L", "evaporation + blowdown + drift, 1 kg = 1 L"),
        "wue": metric(water_kg / it, "L/kWh", "site WUE, The Green Grid WP#35"),
    }


def _outdoor_air_lockout_hours(result) -> dict:
    """Hours the outdoor-air stage was locked out by its dew-point band although the outdoor air was
    colder than the return air reaching its dampers: too dry (below ``dew_point_range_c``) or too humid
    (above it).  The dampers are ahead of the CRAH fans, so they see the return air less the fans'
    rise (:func:`components.cooling.air_management.fan_rise_k`, :func:`components.plant.outdoor_air.outdoor_air_stage`)."""
    from components.cooling.air_management import CP_AIR

    eco = result.plant.scenario.air_economizer
    if not eco.enabled:
        return {}
    w = result.plant.weather
    p = result.plant.params
    m_crah = result["crah_flow_ratio"] * p[PARAM.crah_units] * p[PARAM.crah_unit_flow_kgs]
    rise = np.divide(result["p_crah_fans"], m_crah * CP_AIR, out=np.zeros_like(m_crah), where=m_crah > 0.0)
    locked = (w.temp_air < result["t_return_air"] - rise) & (result["outdoor_air_fraction"] <= 0.0)
    dew_min, dew_max = eco.dew_point_range_c
    note = ("outdoor air colder than the return air but its dew point {} the economizer's "
            f"dew_point_range_c {dew_min:g}-{dew_max:g} degC: locked out (no dehumidifier is modelled; "
            + ("a humidifier: too dry only where the outdoor air's enthalpy is not below the return air's)"
               if eco.humidify else "no humidifier: air_economizer.humidify = false)"))
    return {"outdoor_air_locked_out_hours": {
        "too_dry": metric(hours(locked & (w.temp_dew < dew_min), result.dt_h), "h", note.format("below")),
        "too_humid": metric(hours(locked & (w.temp_dew > dew_max), result.dt_h), "h", note.format("above")),
    }}


def _pump_table_hours(result) -> dict:
    """Hours the pumped refrigerant ran beyond its vendor table's last point (capacity held there)."""
    table = result.plant.scenario.plant.pumped_refrigerant_capacity
    if not table:
        return {}
    dt = result["t_return_air"] - result.plant.weather.temp_air
    beyond = (result["q_pumped_refrigerant"] > 0.0) & (dt > table[-1][0])
    return {"hours_pumped_refrigerant_table_held": metric(
        hours(beyond, result.dt_h), "h",
        f"pump circuits ran with the return-to-outdoor difference above the table's last {table[-1][0]:g} K "
        "(capacity held at its last value)")}
