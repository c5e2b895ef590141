"""The ``power`` block of a run summary: ITUE and TUE beside PUE, on-site PV, the power chain's
losses, storage, backup, redundancy and the events of the year (:mod:`twin.engine.events`).
"""

from __future__ import annotations

import math

from components.layout import STATE
from components.storage import backup as bk
from components.storage import battery as bat
from twin.inputs.schema_power import PowerSetup
from twin.metrics.energy import J_PER_KWH, hours, metric


ECO_RISK_NOTE = ("ECO mode runs the load on the static bypass; on every mains failure the UPS must transfer to its "
                 "inverter (2-10 ms; IEC 62040-3 class 1 allows up to 10 ms). Most IT PSUs ride through 10-20 ms, "
                 "but mains disturbances reach the load unfiltered and a failed or slow transfer drops it; the "
                 "events count transfers and drop the load with power_chain.eco_transfer_failure_probability")


def hours_above_allowable(result, allowable_c: float) -> float:
    """Hours the hottest rack inlet of the kernel run exceeds ``allowable_c``. [h]"""
    return hours(result["t_rack_inlet_max"] > allowable_c, result.dt_h)


def redundancy_label(installed: int, needed: int) -> str:
    """'2N', 'N+k' or 'N-k' for ``installed`` units of which ``needed`` carry the peak load."""
    if needed <= 0:
        return "N/A"
    if installed >= 2 * needed and installed > 1:
        return "2N" if installed == 2 * needed else f"2N+{installed - 2 * needed}"
    return f"N+{installed - needed}" if installed >= needed else f"N-{needed - installed}"


def redundancy(result, setup: PowerSetup) -> dict:
    """Installed units against the units the year's peak load needs, per equipment type."""
    scn = result.plant.scenario
    out = {}
    cap = scn.plant.chiller_capacity_kw * 1e3
    peak_coil = float(result["q_coil"].max())
    if cap > 0 and scn.plant.type in ("water_cooled_chiller", "air_cooled_chiller", "dx"):
        need = max(1, math.ceil(peak_coil / cap - 1e-9))
        out["chillers"] = {"installed": scn.plant.chillers, "needed": need,
                           "level": redundancy_label(scn.plant.chillers, need)}
    crah_cap = scn.crah.unit_capacity_kw * 1e3
    need = max(1, math.ceil(float(result["q_room_sensible"].max()) / crah_cap - 1e-9))
    out["crah"] = {"installed": scn.crah.units, "needed": need, "level": redundancy_label(scn.crah.units, need)}
    crit = float((result["p_it"] + result["p_pdu_loss"] + result["p_distribution_loss"]).max())
    per_system = setup.modules_per_system
    need = max(1, math.ceil(crit / setup.module_w - 1e-9))  # in 2N each system must carry the whole load
    out["ups"] = {"systems": setup.systems, "units_per_system": per_system, "needed_per_system": need,
                  "level": ("2N" if setup.systems == 2 else "N") + (f" (N+{per_system - need} per system)"
                                                                     if setup.systems == 2 else f"+{per_system - need}")}
    if setup.backup_kind != "none":
        need = bk.units_needed(float(result["p_facility"].max()), setup.backup_unit_w)
        out["backup"] = {"installed": setup.backup_units, "needed": need,
                         "level": redundancy_label(setup.backup_units, need)}
    return out


def power_summary(result, energy: dict) -> dict:
    """ITUE and TUE next to PUE, on-site PV, and the ``power`` block of a run summary.

    ITUE = IT input energy / energy after the server PSUs (The Green Grid ITUE, here with the PSU
    as the only IT-internal loss: fans and voltage regulators are not separated); TUE = ITUE x PUE.
    PUE stays consumption-based: on-site PV lowers the grid purchase (``grid_kwh``), not PUE.
    """
    kwh = result.plant.timestep_s / J_PER_KWH

    def total(ch: str) -> float:
        return float(result.total(ch) * kwh)

    scn = result.plant.scenario
    setup = result.plant.power
    it = total("p_it")
    chips = it - total("p_psu_loss")
    itue = it / chips if chips > 0.0 else float("nan")
    pue = energy["pue"]["value"]
    rep = dict(result.extras.get("power") or {})
    pv = rep.get("pv") or {"generation_kwh": 0.0, "used_kwh": 0.0, "exported_kwh": 0.0}
    fac = energy["energy_facility_kwh"]["value"]
    losses = {c: total(c) for c in ("p_psu_loss", "p_pdu_loss", "p_distribution_loss", "p_ups_loss",
                                    "p_battery_loss", "p_flywheel_loss", "p_switchgear_loss", "p_transformer_loss")}
    crit = it + losses["p_pdu_loss"] + losses["p_distribution_loss"] + losses["p_ups_loss"]
    allowable = scn.events.allowable_inlet_c
    kernel_hours = hours_above_allowable(result, allowable)
    chem = setup.chemistry
    block = {
        "architecture": setup.architecture,
        "eco_mode": {"value": setup.eco_mode, "unit": "-", "note": ECO_RISK_NOTE if setup.eco_mode else "off"},
        "losses_kwh": metric({k[2:]: v for k, v in losses.items()}, "kWh",
                             "psu_loss is inside IT energy; the others are facility energy (power chain)"),
        "critical_path_efficiency": metric(it / crit if crit > 0 else float("nan"), "-",
                                           "IT energy / (IT + PDU + distribution + UPS/rectifier/10 kV module losses)"),
        "battery": {
            "kind": setup.battery_kind,
            "losses": scn.battery.losses,
            "rated_kwh": metric(setup.battery_rated_j / J_PER_KWH, "kWh"),
            "autonomy_min_at_design": metric(setup.autonomy_s_installed / 60.0, "min",
                                             f"full battery, starting SOH, at {setup.autonomy_load_w / 1e3:g} kW per system"),
            "room_temp_c": metric(setup.battery_room_c, "degC", "battery-room set point; its heat is cooled by the plant"),
            "round_trip_efficiency": metric(chem.round_trip if chem is not None else None, "-"),
            "years_to_end_of_life": metric(bat.years_to_end_of_life(chem, setup.battery_room_c) if chem is not None else None,
                                           "yr", "calendar ageing at the room temperature (no cycling)"),
            "soh_end": metric(rep.get("battery_soh_end", float(result.plant.initial_state[STATE.battery_health])), "-"),
        },
        "flywheel_kw": metric(setup.flywheel_rated_w / 1e3, "kW"),
        "backup": {"kind": setup.backup_kind, "units": setup.backup_units,
                   "unit_kw": metric(setup.backup_unit_w / 1e3, "kW"),
                   "start_delay_s": metric(setup.backup_start_s, "s"),
                   "standby_kwh": metric(total("p_generator_heaters"), "kWh", "block heaters or fuel-cell standby")},
        "pv": {"capacity_kwp": metric(setup.pv_kwp, "kWp"),
               "generation_kwh": metric(pv["generation_kwh"], "kWh", "pvlib PVWatts chain on the weather file"),
               "used_kwh": metric(pv["used_kwh"], "kWh", "behind the meter, lowers grid purchases"),
               "exported_kwh": metric(pv["exported_kwh"], "kWh"),
               "share_of_facility": metric(pv["used_kwh"] / fac if fac > 0 else 0.0, "-",
                                           "PV used / facility energy; PUE is not reduced by PV")},
        "grid_kwh": metric(total("p_grid"), "kWh", "bought from the grid: facility + net storage charging - PV - backup"),
        "backup_generation_kwh": metric(total("p_backup_generation"), "kWh"),
        "not_supplied_kwh": metric(total("p_not_supplied"), "kWh", "facility demand during blackouts"),
        "unserved_it_kwh": metric(float(rep.get("unserved_it_kwh", 0.0)), "kWh",
                                  "IT energy not delivered while the IT load was unpowered (outage ride-through "
                                  "failures and reboots; 0 when the run simulates no outage)"),
        "redundancy": redundancy(result, setup),
        "hours_above_allowable": metric(rep.get("hours_above_allowable", kernel_hours), "h",
                                        f"hottest rack inlet above {allowable:g} degC (ASHRAE A1 allowable): hourly "
                                        "kernel, room heating while cooling units are out, and sub-hourly outage "
                                        "excursions"),
    }
    if rep.get("shaving"):
        block["peak_shaving"] = rep["shaving"]
    if rep.get("stochastic") or rep.get("outages"):
        block["events"] = {k: v for k, v in rep.items() if k not in ("pv", "shaving", "records")}
        block["events"]["records"] = rep.get("records", [])
    return {
        "itue": metric(itue, "-", "IT input energy / energy after the server PSUs (The Green Grid ITUE, PSU losses only)"),
        "tue": metric(itue * pue, "-", "ITUE x PUE (The Green Grid TUE)"),
        "onsite_pv_kwh": metric(pv["used_kwh"], "kWh", "on-site PV energy used by the facility (p_pv)"),
        "power": block,
    }
