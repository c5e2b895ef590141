"""An independent, plain-Python transcription of EnergyPlus's research-special IEC.

Written from the EnergyPlus Engineering Reference ("Indirect Evaporative Cooler Special Research
Model") and the structure of ``EvaporativeCoolers.cc`` (``CalcIndirectRDDEvapCoolerOutletTemp``,
``CalcSecondaryAirOutletCondition``, ``IndEvapCoolerPower``, the water-consumption block of
``CalcIndirectResearchSpecialEvapCoolerAdvanced``), with EnergyPlus's own psychrometric forms.
It deliberately shares no code with :mod:`components.cooling.indirect_evaporative`: it keeps a
state object like EnergyPlus, works on node enthalpies and humidity ratios, and computes the
water from the secondary-air outlet state rather than from a closed formula.  The validation
case ``iec_energyplus_equations`` compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DRY_FULL, WET_FULL = "DryFull", "WetFull"


# EnergyPlus Psychrometrics.hh forms
def psy_cp_air_fn_w(w: float) -> float:
    return 1.00484e3 + max(1.0e-5, w) * 1.85895e3


def psy_h_fn_tdb_w(tdb: float, w: float) -> float:
    return 1.00484e3 * tdb + max(1.0e-5, w) * (2.50094e6 + 1.85895e3 * tdb)


def psy_w_fn_tdb_h(tdb: float, h: float) -> float:
    return (h - 1.00484e3 * tdb) / (2.50094e6 + 1.85895e3 * tdb)


def psy_hfg_air_fn_w_tdb(w: float, tdb: float) -> float:
    t = max(tdb, 0.0)
    return (2.50094e6 + 1.85895e3 * t) - 4180.0 * t


def curve_cubic(coeffs, x: float) -> float:
    c0, c1, c2, c3, lo, hi = coeffs
    x = min(max(x, lo), hi)
    return c0 + c1 * x + c2 * x ** 2 + c3 * x ** 3


@dataclass
class EvapCond:
    """The subset of EnergyPlus's ``EvapConditions`` that the research-special IEC uses."""

    inlet_mass_flow_rate: float
    inlet_temp: float
    inlet_hum_rat: float
    wet_coil_max_efficiency: float
    dry_coil_max_efficiency: float
    wetbulb_effec_curve: tuple = (1.0, 0.0, 0.0, 0.0, 0.0, 1.0e9)
    drybulb_effec_curve: tuple = (1.0, 0.0, 0.0, 0.0, 0.0, 1.0e9)
    dp_bound_factor: float = 0.9
    indirect_fan_power: float = 0.0
    indirect_recirc_pump_power: float = 0.0
    fan_power_modifier_curve: tuple = (0.0, 1.0, 0.0, 0.0, 0.0, 1.0)
    pump_power_modifier_curve: tuple = (0.0, 1.0, 0.0, 0.0, 0.0, 1.0)
    drift_fraction: float = 0.0
    blowdown_ratio: float = 3.0
    outlet_temp: float = field(default=float("nan"))
    stage_eff: float = 0.0
    sec_outlet_temp: float = float("nan")


def calc_outlet_temp(ec: EvapCond, mode: str, air_mass_flow_sec: float, edbt_sec: float,
                     ewbt_sec: float, ehumrat_sec: float, dew_point_sec: float) -> None:
    """``CalcIndirectRDDEvapCoolerOutletTemp`` plus the full-load dew-point bound."""
    flow_ratio = air_mass_flow_sec / ec.inlet_mass_flow_rate if ec.inlet_mass_flow_rate > 0 else 1.0
    if air_mass_flow_sec <= 0.0:
        ec.outlet_temp = ec.inlet_temp
        ec.stage_eff = 0.0
        return
    if mode == DRY_FULL:
        eff = ec.dry_coil_max_efficiency * curve_cubic(ec.drybulb_effec_curve, flow_ratio)
        ec.stage_eff = eff
        out = ec.inlet_temp - eff * (ec.inlet_temp - edbt_sec)
        out = min(out, ec.inlet_temp)
        cap_sys = ec.inlet_mass_flow_rate * psy_cp_air_fn_w(ec.inlet_hum_rat)
        q = cap_sys * (ec.inlet_temp - out)
        cap_sec = air_mass_flow_sec * psy_cp_air_fn_w(ehumrat_sec)
        out_sec = edbt_sec + q / cap_sec
        if out_sec >= ec.inlet_temp:
            out_sec = ec.inlet_temp - 0.2
            q = cap_sec * (out_sec - edbt_sec)
            out = ec.inlet_temp - q / cap_sys
        ec.sec_outlet_temp = out_sec
    else:
        eff = ec.wet_coil_max_efficiency * curve_cubic(ec.wetbulb_effec_curve, flow_ratio)
        ec.stage_eff = eff
        out = ec.inlet_temp - eff * (ec.inlet_temp - ewbt_sec)
        out = min(out, ec.inlet_temp)
        bound = ec.inlet_temp - ec.dp_bound_factor * (ec.inlet_temp - dew_point_sec)
        out = max(out, bound)
    ec.outlet_temp = out


def heat_and_water(ec: EvapCond, mode: str, air_mass_flow_sec: float, edbt_sec: float,
                   ehumrat_sec: float) -> tuple[float, float, float, float]:
    """Primary heat removed [W] and evaporation, drift, blowdown [kg/s] (EnergyPlus way)."""
    q = ec.inlet_mass_flow_rate * psy_cp_air_fn_w(ec.inlet_hum_rat) * (ec.inlet_temp - ec.outlet_temp)
    if mode != WET_FULL or air_mass_flow_sec <= 0.0 or q <= 0.0:
        return q, 0.0, 0.0, 0.0
    h_in = psy_h_fn_tdb_w(edbt_sec, ehumrat_sec)
    h_out = h_in + q / air_mass_flow_sec
    w_out = psy_w_fn_tdb_h(edbt_sec, h_out)
    hfg = psy_hfg_air_fn_w_tdb(ehumrat_sec, edbt_sec)
    q_latent = min(q, air_mass_flow_sec * (w_out - ehumrat_sec) * hfg)
    evap = q_latent / hfg                       # kg/s (EnergyPlus divides by rho for m3/s)
    drift = evap * ec.drift_fraction
    blow = max(evap / (ec.blowdown_ratio - 1.0) - drift, 0.0) if ec.blowdown_ratio > 0 else 0.0
    return q, evap, drift, blow


def power(ec: EvapCond, mode: str, flow_fraction_sec: float) -> float:
    """``IndEvapCoolerPower``: secondary fan plus (wet) pump power [W]."""
    if flow_fraction_sec <= 0.0:
        return 0.0
    p = ec.indirect_fan_power * curve_cubic(ec.fan_power_modifier_curve, flow_fraction_sec)
    if mode == WET_FULL:
        p += ec.indirect_recirc_pump_power * curve_cubic(ec.pump_power_modifier_curve, flow_fraction_sec)
    return p
