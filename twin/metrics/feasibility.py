"""The feasibility verdict of a run: can the plant as built carry its load and hold the inlet envelope?

Every run summary carries a ``feasibility`` block (``dctwin run --json``, ``summary.json``, the
terminal table).  It is computed after the run from the result channels of
:data:`components.facility.OUTPUT` and the assembled plant (:class:`twin.engine.plant.PlantArrays`):

============  ==================================================================  ===================
check         compared                                                            infeasible when
============  ==================================================================  ===================
cooling       unmet heat ``q_unmet`` stored in the room's heat capacity over      hours not absorbed
              consecutive unmet steps, lifting the hottest inlet                  > max
crah          room sensible heat ``q_room_sensible`` against the installed        peak loading > max
              CRAH coil capacity (air flow: warning only, see below)
chillers      compressor duty asked, ``q_evaporator`` + plant share of            peak loading > max
              ``q_unmet``, against chillers x rated capacity (water- and
              air-cooled chillers, DX and IEC trim plants)
ups           critical output ``p_it + p_pdu_loss + p_distribution_loss``         peak loading > max
              against every energised UPS unit or power module
transformers  LV load against units x kVA x power factor                          peak loading > max
generators    peak facility demand against ``[power] generator_kw``               peak loading > max
inlet         hottest inlet ``t_rack_inlet_max`` and supply air against ASHRAE    hours outside
              A1 allowable 15-32 degC (recommended 18-27 degC reported)           allowable > max
============  ==================================================================  ===================

The thresholds (``max``) and their sources are in ``twin/data/feasibility.toml``.  A run is
``"infeasible"`` when any check fails, with one plain sentence per failed check in ``reasons``.

CRAH air flow below the servers' intake is not infeasible by itself: the kernel then raises the
recirculated fraction ``r`` above its geometric minimum ``r_min`` (see
:func:`components.cooling.air_management.recirculation_fraction`), which warms the inlets, and
the inlet check judges the result.  Its hours and peak need ``(1 - r_min) / (1 - r)`` (server
intake over the CRAH air that reaches it) are reported as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from components.layout import CHAIN_LEGACY, CHAIN_MV, PARAM
from twin.engine.results import Result
from twin.engine.sizing import conversion_rating_w, transformer_rating_w
from twin.inputs.envelope import A1_ALLOWABLE_C, A1_RECOMMENDED_C, degree_hours, extremes_inside, outside, thresholds
from twin.metrics.energy import J_PER_KWH, SETPOINT_TOLERANCE_K, hours, metric

FEASIBLE, INFEASIBLE = "feasible", "infeasible"
#: plant types whose compressors (chillers, DX or IEC trim) are checked against their duty
COMPRESSOR_PLANTS = ("water_cooled_chiller", "air_cooled_chiller", "dx", "iec")
_RISE_TOLERANCE = 1e-9  # recirculation above its minimum by less than this is round-off [-]


@dataclass
class Check:
    """One feasibility check: its metric entries, and a sentence when it fails."""

    name: str
    metrics: dict = field(default_factory=dict)
    reason: str | None = None     # one sentence with numbers and units; None: the check passes
    warnings: list[str] = field(default_factory=list)  # worth knowing, not infeasible


# ---------------------------------------------------------------------------------------------
# Pure functions
# ---------------------------------------------------------------------------------------------

def stored_unmet_rise_k(q_unmet_w: np.ndarray, dt_s: float, capacity_j_per_k: float) -> np.ndarray:
    """Room temperature rise from unmet heat stored over consecutive unmet steps, per step. [K]

    ``rise_i = (sum of q_unmet * dt over the run of unmet steps ending at i) / C``; a step without
    unmet heat (``q_unmet <= 0``) ends a run and has no rise.  Example: 10 kW unmet for two
    one-hour steps in a room of C = 30 MJ/K gives 1.2 K, then 2.4 K.
    """
    q = np.maximum(np.asarray(q_unmet_w, dtype=float), 0.0)
    if not q.any():  # no unmet heat (most runs): no rise, as the general case below gives
        return np.zeros_like(q) / capacity_j_per_k
    stored = np.cumsum(q * dt_s)
    cleared = np.maximum.accumulate(np.where(q > 0.0, 0.0, stored))  # store total at the last step without unmet heat
    return (stored - cleared) / capacity_j_per_k


def peak_loading(load_w: np.ndarray | float, rating_w: float) -> float:
    """Highest load over the rating of the installed units, ``max(load) / rating`` (``load_w``: the
    loads of the steps, or their peak when the caller has it already). [-]

    NaN when nothing is installed (``rating_w <= 0``).
    """
    if rating_w <= 0.0:
        return float("nan")
    return float(np.max(load_w) / rating_w)


def airflow_need_ratio(recirculation: np.ndarray, recirculation_min: float) -> np.ndarray:
    """Server intake over the CRAH air that reaches it, per step. [-]

    The kernel's recirculation is ``r = max(r_min, 1 - m_crah (1 - b) / m_server)``; where
    ``r > r_min`` the servers draw ``(1 - r_min) / (1 - r)`` times the CRAH air reaching them
    (bypass ``b`` removed) for the geometric minimum recirculation.  1 where ``r = r_min``.
    """
    r = np.asarray(recirculation, dtype=float)
    above = r > recirculation_min + _RISE_TOLERANCE
    if not above.any():  # recirculation at its minimum throughout (most runs)
        return np.ones_like(r)
    return np.where(above, (1.0 - recirculation_min) / (1.0 - r), 1.0)


def transformer_load_w(result: Result) -> np.ndarray:
    """Real power through the 10/0.4 kV transformers, per step. [W]

    From the meter identity of :func:`components.facility._power_chain`: the LV bus plus the
    switchgear loss.  With a 10 kV power module (``CHAIN_MV``) the IT path bypasses the
    transformers, which then carry mechanical, lighting, auxiliary and generator standby loads;
    otherwise ``facility + energy into storage - energy out of it - transformer loss``.
    """
    if result.plant.params[PARAM.chain_kind] == CHAIN_MV:
        return sum(result[c] for c in ("p_crah_fans", "p_chillers", "p_chw_pumps", "p_cw_pumps", "p_tower_fans",
                                       "p_iec_secondary", "p_liquid_pumps", "p_dry_cooler_fans", "p_lighting",
                                       "p_auxiliary", "p_generator_heaters", "p_switchgear_loss"))
    return (result["p_facility"] + result["p_storage_charge"] - result["p_storage_discharge"]
            - result["p_transformer_loss"])


def crah_coil_unmet_w(result: Result) -> np.ndarray:
    """Room sensible heat beyond the installed CRAH coil capacity, per step (the kernel's coil share of ``q_unmet``). [W]"""
    p = result.plant.params
    capacity = p[PARAM.crah_units] * p[PARAM.crah_unit_capacity_w]
    return np.maximum(result["q_room_sensible"] - capacity, 0.0)


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------

def _pct(x: float) -> str:
    return f"{100.0 * x:,.0f} %" if x >= 0.01 else f"{100.0 * x:.2g} %"


def _kwh(kwh: float) -> str:
    return f"{kwh / 1e3:,.1f} MWh" if kwh >= 1e4 else f"{kwh:,.0f} kWh"


def _loading_check(name: str, what: str, load_w: np.ndarray, rating_w: float, installed: str, unit: str) -> Check:
    """Peak loading of one kind of equipment against its rating (load and rating in W or VA, shown in ``unit``: kW or kVA)."""
    limit = thresholds()["loading"]["max_fraction"]
    peak = float(np.max(load_w))
    frac = peak_loading(peak, rating_w)  # the highest load found once
    chk = Check(name, {
        "peak_load": metric(peak * 1e-3, unit, what),
        "rating": metric(float(rating_w) * 1e-3, unit, installed),
        "peak_loading": metric(frac, "-", f"peak load / rating; infeasible above {limit:g}"),
    })
    if frac > limit:
        chk.reason = (f"{what[0].upper()}{what[1:]} peaked at {peak * 1e-3:,.0f} {unit}, {_pct(frac)} of the "
                      f"installed {rating_w * 1e-3:,.0f} {unit} ({installed}).")
    return chk


def cooling_check(result: Result) -> Check:
    """Unmet heat: hours, energy, peak, and the hours the room's heat capacity cannot absorb it."""
    t = thresholds()["unmet"]
    scn = result.plant.scenario
    dt_h = result.dt_h
    q_unmet = result["q_unmet"]
    hot = result["t_rack_inlet_max"]
    capacity = scn.events.heat_capacity_kj_per_k_per_kw * 1e3 * scn.it.design_kw
    unmet = q_unmet > 0.0
    unmet_h = hours(unmet, dt_h)
    rise = lost_h = 0.0  # without unmet steps (most runs) no step is unmet and not absorbed
    if unmet_h > 0.0:
        rise = stored_unmet_rise_k(q_unmet, result.plant.timestep_s, capacity)
        lost_h = hours(unmet & (hot + rise > A1_ALLOWABLE_C[1]), dt_h)
    peak_w = q_unmet.max()
    rate = float(peak_w / capacity * 3600.0)
    energy = float(result.total("q_unmet") * result.plant.timestep_s / J_PER_KWH)
    share = 0.0  # no unmet energy: no share of the load, whatever the load
    if energy != 0.0:
        load_kwh = float((result["q_coil"] + result["q_liquid_to_plant"]).sum() * result.plant.timestep_s / J_PER_KWH)
        share = energy / load_kwh if load_kwh > 0 else 0.0
    chk = Check("cooling", {
        "unmet_hours": metric(unmet_h, "h", "steps with heat the plant or the CRAH coils could not remove"),
        "unmet_hours_not_absorbed": metric(lost_h, "h", (
            f"unmet steps whose stored heat would lift the hottest inlet above {A1_ALLOWABLE_C[1]:g} degC "
            f"(room heat capacity {capacity / 1e6:,.1f} MJ/K); infeasible above {t['max_hours_not_absorbed']:g} h")),
        "unmet_energy_kwh": metric(energy, "kWh", "heat the plant and CRAH coils could not remove"),
        "unmet_share": metric(share, "-", "unmet heat / heat the plant was asked to remove"),
        "peak_unmet_kw": metric(float(peak_w / 1e3), "kW"),
        "peak_warming_k_per_h": metric(rate, "K/h", "room warming by the largest unmet heat, q_unmet / C"),
    })
    if lost_h > t["max_hours_not_absorbed"]:
        chk.reason = (f"Cooling fell short of the load in {unmet_h:,.0f} h of the year ({_kwh(energy)}, {_pct(share)} "
                      f"of the cooling load, up to {peak_w / 1e3:,.0f} kW); in {lost_h:,.0f} h the stored "
                      f"heat would lift the hottest rack inlet above {A1_ALLOWABLE_C[1]:g} degC "
                      f"(the room warms by up to {rate:,.1f} K per hour of shortfall).")
    elif unmet_h > 0.0:
        chk.warnings.append(f"Cooling fell short of the load in {unmet_h:,.0f} h ({_kwh(energy)}, up to "
                       f"{peak_w / 1e3:,.0f} kW); the room's heat capacity absorbs it within A1 allowable "
                       f"(it warms by up to {rise.max():.1f} K).")
    excess = result["t_supply_air"] - result["t_supply_air_setpoint"]
    not_held_h = hours(excess > SETPOINT_TOLERANCE_K, dt_h)
    chk.metrics["max_supply_air_excess_k"] = metric(float(excess.max()), "K",
                                                    "largest supply air above its set point")
    if not_held_h > 0.0:
        chk.warnings.append(f"The supply air stayed above its set point in {not_held_h:,.0f} h (by up to "
                            f"{excess.max():.1f} K): the plant could not hold it; the rack-inlet check judges the effect.")
    return chk


def crah_check(result: Result) -> Check:
    """CRAH coil loading; air flow short of the servers' intake as a warning."""
    scn = result.plant.scenario
    p = result.plant.params
    chk = _loading_check("crah", "the room's sensible heat on the CRAH coils", result["q_room_sensible"],
                         p[PARAM.crah_units] * p[PARAM.crah_unit_capacity_w],
                         f"{scn.crah.units} x {scn.crah.unit_capacity_kw:g} kW", "kW")
    need = airflow_need_ratio(result["recirculation"], p[PARAM.recirculation_min])
    short_h = hours(need > 1.0, result.dt_h)
    chk.metrics["airflow_short_hours"] = metric(short_h, "h", "CRAH air reaching the servers below their intake "
                                                             "(recirculation above its minimum)")
    chk.metrics["peak_airflow_need_ratio"] = metric(float(need.max()), "-",
                                                    "server intake / CRAH air reaching it, highest step")
    if short_h > 0.0:
        chk.warnings.append(f"CRAH air flow fell short of the servers' intake in {short_h:,.0f} h (up to "
                       f"{need.max():.2f} x the air reaching them): hot exhaust recirculates, as counted in the "
                       "rack-inlet check.")
    return chk


def chiller_check(result: Result) -> Check | None:
    """Compressor duty asked of the chillers, DX or IEC trim against their rated capacity; None without compressors."""
    scn = result.plant.scenario
    if scn.plant.type not in COMPRESSOR_PLANTS:
        return None
    duty = result["q_evaporator"] + np.maximum(result["q_unmet"] - crah_coil_unmet_w(result), 0.0)
    rating = result.plant.design["chiller_capacity_total_kw"] * 1e3
    what = "the cooling duty asked of the " + ("DX compressors" if scn.plant.type == "dx" else
                                               "IEC trim compressors" if scn.plant.type == "iec" else "chillers")
    return _loading_check("chillers", what, duty, rating,
                          f"{scn.plant.chillers} x {scn.plant.chiller_capacity_kw:g} kW rated", "kW")


def ups_check(result: Result) -> Check:
    """Critical output against every energised UPS unit or power module."""
    p = result.plant.params
    rating = conversion_rating_w(p)
    crit = result["p_it"] + result["p_pdu_loss"] + result["p_distribution_loss"]
    if p[PARAM.chain_kind] == CHAIN_LEGACY:
        what, installed = "the UPS output", f"{p[PARAM.ups_units]:.0f} x {p[PARAM.ups_unit_rating_w] / 1e3:,.0f} kW UPS units"
    else:
        what = "the power-module output"
        installed = (f"{p[PARAM.chain_systems]:.0f} system(s) x {p[PARAM.modules_per_system]:.0f} x "
                     f"{p[PARAM.module_rating_w] / 1e3:,.0f} kW modules")
    return _loading_check("ups", what, crit, rating, installed, "kW")


def transformer_check(result: Result) -> Check | None:
    """Transformer kVA loading; None when the site has no LV transformers."""
    p = result.plant.params
    if transformer_rating_w(p) <= 0.0:
        return None
    pf = p[PARAM.tx_power_factor]
    return _loading_check("transformers", "the transformer load", transformer_load_w(result) / pf,
                          transformer_rating_w(p) / pf,
                          f"{p[PARAM.tx_units]:.0f} x {p[PARAM.tx_rating_va] / 1e3:,.0f} kVA at power factor {pf:g}",
                          "kVA")


def generator_check(result: Result) -> Check | None:
    """Peak facility demand against the backup generation rating; None without backup generation."""
    scn = result.plant.scenario
    if scn.backup.kind == "none" or scn.power.generator_kw <= 0.0:
        return None
    return _loading_check("generators", "the site demand the generators must carry in an outage",
                          result["p_facility"], scn.power.generator_kw * 1e3,
                          f"[power] generator_kw, {scn.backup.units} unit(s)", "kW")


def inlet_check(result: Result) -> Check:
    """Hours and degree-hours of the rack inlets outside ASHRAE A1 allowable and recommended."""
    t = thresholds()["inlet"]
    dt_h = result.dt_h
    hot, cold = result["t_rack_inlet_max"], result["t_supply_air"]
    hot_max, cold_min = hot.max(), cold.min()

    def excursion(band: tuple[float, float]) -> tuple[float, float]:
        """Hours [h] and degree-hours [K h] outside ``band``; both 0 when the extremes lie inside it."""
        if extremes_inside(hot_max, cold_min, band):
            return 0.0, 0.0
        return hours(outside(hot, cold, band), dt_h), degree_hours(hot, cold, band, dt_h)

    allow_h, allow_kh = excursion(A1_ALLOWABLE_C)
    rec_h, rec_kh = excursion(A1_RECOMMENDED_C)
    allowable = f"{A1_ALLOWABLE_C[0]:g}-{A1_ALLOWABLE_C[1]:g} degC"
    recommended = f"{A1_RECOMMENDED_C[0]:g}-{A1_RECOMMENDED_C[1]:g} degC"
    chk = Check("inlet", {
        "max_rack_inlet_c": metric(float(hot_max), "degC", "hottest rack inlet, hottest step"),
        "min_supply_air_c": metric(float(cold_min), "degC", "coldest supply air (coldest possible inlet)"),
        "hours_outside_allowable": metric(allow_h, "h", f"any inlet outside ASHRAE A1 allowable {allowable}; "
                                                        f"infeasible above {t['max_hours_outside_allowable']:g} h"),
        "degree_hours_outside_allowable": metric(allow_kh, "K h", f"sum of the excursions beyond {allowable}"),
        "hours_outside_recommended": metric(rec_h, "h",
                                            f"any inlet outside ASHRAE A1 recommended {recommended}"),
        "degree_hours_outside_recommended": metric(rec_kh, "K h",
                                                   f"sum of the excursions beyond {recommended}"),
    })
    if allow_h > t["max_hours_outside_allowable"]:
        chk.reason = (f"Rack inlets left ASHRAE A1 allowable ({allowable}) in {allow_h:,.0f} h "
                      f"({allow_kh:,.0f} K h), the hottest reaching {hot_max:.1f} degC"
                      + (f" and the supply air falling to {cold_min:.1f} degC" if cold_min < A1_ALLOWABLE_C[0]
                         else "") + ".")
    return chk


CHECKS = (cooling_check, crah_check, chiller_check, ups_check, transformer_check, generator_check, inlet_check)


def feasibility_summary(result: Result) -> dict:
    """The ``feasibility`` block of a run summary.

    ``{"feasibility": {"verdict": {"value": "feasible" | "infeasible", "unit": "-", ...},
    "reasons": [sentence, ...], "warnings": [...], "checks": {name: {"ok": bool, metric entries}}}}``.
    """
    checks = [c for c in (f(result) for f in CHECKS) if c is not None]
    reasons = [c.reason for c in checks if c.reason]
    verdict = INFEASIBLE if reasons else FEASIBLE
    return {"feasibility": {
        "verdict": metric(verdict, "-", "infeasible when any check fails (thresholds: twin/data/feasibility.toml; "
                                        "docs/feasibility.md)"),
        "reasons": reasons,
        "warnings": [w for c in checks for w in c.warnings],
        "checks": {c.name: {"ok": c.reason is None, **c.metrics} for c in checks},
    }}


def is_infeasible(summary: dict) -> bool:
    """Whether a run summary carries an ``infeasible`` verdict (False when it has no verdict)."""
    block = summary.get("feasibility")
    return bool(block) and block["verdict"]["value"] == INFEASIBLE
