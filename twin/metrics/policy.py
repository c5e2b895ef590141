"""Policy metrics: PUE compliance by site class, GB 40879-2021 grade, Guangdong layout tier, rack
density, and the ``policy`` block of the run summary (with cost, carbon and coal).

The rule numbers live in ``twin/data/policy.toml`` (each with its source); the functions here
are pure and compare the unrounded PUE against them.  A limit is met when ``PUE <= limit``; a
grade or tier is the first whose ``max_pue`` the PUE does not exceed.

:func:`policy_summary` assembles every policy and money figure of one run.  Each entry is
``{"value", "unit", "rule", "source", ...}``: ``rule`` says what was compared or computed,
``source`` names the document (or "ASSUMPTION" and why).  See ``docs/policy.md``.  A run whose
feasibility verdict is ``infeasible`` (:mod:`twin.metrics.feasibility`) gets no compliance pass:
its compliance, GB 40879 grade and Guangdong tier read ``"infeasible"``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from components.layout import POWER_COMPONENTS
from twin.engine.results import CHANNELS, ROW, Result
from twin.inputs import tariffs
from twin.inputs.policy_schema import Policy
from twin.inputs.schema_base import read_toml
from twin.metrics import carbon as co2
from twin.metrics import tariff as tou
from twin.metrics.energy import J_PER_KWH
from twin.metrics.feasibility import INFEASIBLE, feasibility_summary

POLICY_FILE = Path(__file__).resolve().parents[1] / "data" / "policy.toml"
HOURS_PER_YEAR = 8760.0
NO_VERDICT = "no compliance verdict: the run is infeasible (docs/feasibility.md). "
#: Entries of the compliance block that rest on national rules (kept with ``policy.region = 'none'``).
NATIONAL_KEYS = ("gb40879_grade", "gb40879_method_a")

# Why GB 40879 method A (operating-point method) is not computed; see docs/policy.md.
METHOD_A_NOTE = (
    "not computed: method A (特性工况法) weights the power at 5 characteristic operating points by the share of "
    "annual hours in 5 outdoor-temperature bins (GB 40879-2021 §6.3.2.2-6.3.2.3). The bin edges, the IT-load "
    "conditions of the points and the regional coefficients (Table 2, Appendix B) were not read (docs/sources.md 4.1 "
    "gap), and with the twin's hourly simulation a bin-weighted sum of bin-mean powers equals the annual metered "
    "ratio (method B) exactly, so an approximation would add no information")


@functools.lru_cache(maxsize=1)
def load_rules() -> dict:
    """The rule table of ``twin/data/policy.toml``."""
    return read_toml(POLICY_FILE)


def entry(value, unit: str, rule: str, source: str, **extra) -> dict:
    """A policy summary entry: value, unit, the rule applied and its source."""
    return {"value": value, "unit": unit, "rule": rule, "source": source, **extra}


# ---------------------------------------------------------------------------------------------
# Rules (pure)
# ---------------------------------------------------------------------------------------------

def compliance(pue: float, limit: float) -> dict:
    """Pass/fail of an annual PUE against a limit (pass when ``pue <= limit``) and the margin.

    Returns ``{"pass": bool, "margin": limit - pue}``; a positive margin is headroom.
    """
    return {"pass": bool(pue <= limit), "margin": float(limit - pue)}


def gb40879_grade(pue: float, grades: list[dict]) -> str:
    """GB 40879-2021 energy-efficiency grade of an electric energy ratio (PUE).

    ``grades`` are rows ``{"grade", "max_pue"}`` in ascending ``max_pue`` (grade 1 <= 1.20,
    grade 2 <= 1.30, grade 3 = limit value <= 1.50); above the last: ``"non-compliant"``.
    Example: 1.2999 is grade 2, 1.3001 grade 3, 1.50 grade 3, 1.5001 non-compliant.
    """
    for row in grades:
        if pue <= row["max_pue"]:
            return str(row["grade"])
    return "non-compliant"


def layout_tier(pue: float, tiers: list[dict]) -> dict:
    """Guangdong layout-plan tier of a PUE: the first row with ``pue <= max_pue``.

    Tiers: prioritised <= 1.25, supported (1.25, 1.30], controlled (1.30, 1.50], banned > 1.50.
    """
    for row in tiers:
        if pue <= row["max_pue"]:
            return row
    raise ValueError(f"PUE {pue} above every tier")  # the last tier ends at inf


def rack_density(design_kw: float, racks: int, min_kw_per_rack: float) -> dict:
    """Design rack power density and the measure-13 minimum (``>= min_kw_per_rack`` passes). [kW/rack]"""
    kw = design_kw / racks
    return {"kw_per_rack": kw, "pass": bool(kw >= min_kw_per_rack)}


def density_headroom(racks: int, installed_kw: dict[str, float], target_kw_per_rack: float) -> dict:
    """Can the installed cooling and power carry every rack at ``target_kw_per_rack``?

    The need is ``racks x target`` kW of IT: of sensible cooling from the CRAH units, of
    evaporator capacity from the chillers and of UPS output.  Installed capacity counts every
    unit, standby included (no redundancy is deducted), so ``ok`` is a necessary, not a
    sufficient, condition.

    Parameters
    ----------
    installed_kw : dict
        Installed capacity per system [kW], e.g. ``{"crah": 2420, "chillers": 3600, "ups": 1200}``.

    Returns
    -------
    dict
        ``required_kw``, ``systems`` {name: {installed_kw, ratio, ok}}, ``ok`` (all systems).
    """
    need = racks * target_kw_per_rack
    systems = {name: {"installed_kw": float(kw), "ratio": float(kw / need), "ok": bool(kw >= need)}
               for name, kw in installed_kw.items()}
    return {"required_kw": float(need), "systems": systems, "ok": all(s["ok"] for s in systems.values())}


def policy_region(choice: str, site: dict) -> dict:
    """Which policy region's rules a run is judged and priced by.

    Parameters
    ----------
    choice : str
        ``policy.region``: ``"guangdong"``, ``"none"`` or ``"auto"``.
    site : dict
        The ``twin/data/sites.toml`` row of the weather site (``{}`` for an EPW path).

    Returns
    -------
    dict
        ``region`` (``"guangdong"`` or ``"none"``), ``assumed`` (True when ``auto`` applied
        Guangdong's rules to a site not known to be in Guangdong) and ``why`` (one sentence).
        Guangdong is the only region whose rules are bundled (``twin/data/policy.toml``).
    """
    where = (f"a site in {site['province']}" if site.get("province") else
             "a weather file outside the bundled sites (province unknown)")
    if choice == "none":
        return {"region": "none", "assumed": False,
                "why": "policy.region = 'none': no regional limit, tariff or cost is applied"}
    if choice == "guangdong":
        return {"region": "guangdong", "assumed": False, "why": f"policy.region = 'guangdong' (scenario input), {where}"}
    if site.get("in_guangdong"):
        return {"region": "guangdong", "assumed": False, "why": f"{where} (twin/data/sites.toml)"}
    return {"region": "guangdong", "assumed": True,
            "why": f"ASSUMPTION: Guangdong's limit, tariff and CNY prices are applied to {where} because no other "
                   "region's rules are bundled; set policy.region = 'none' to drop them"}


# ---------------------------------------------------------------------------------------------
# The summary block
# ---------------------------------------------------------------------------------------------

def _compliance_block(pue: float, policy: Policy, site: dict, design: dict, racks: int,
                      feasibility: dict) -> dict:
    rules = load_rules()
    cls = rules["site_classes"][policy.site_class]
    result = compliance(pue, cls["limit"])
    infeasible = feasibility["verdict"]["value"] == INFEASIBLE
    notes = []
    if policy.site_class == "shaoguan_new" and not site.get("shaoguan_cluster", False):
        notes.append("the site is not in the Shaoguan cluster, where measure 1 concentrates new large DCs")
    if policy.site_class == "guangdong_new" and (not site.get("in_guangdong", False) or site.get("shaoguan_cluster", False)):
        notes.append("guangdong_new is meant for Guangdong sites outside the Shaoguan cluster")
    block = {
        "site_class": entry(policy.site_class, "-", cls["label"], cls["source"], limit=cls["limit"]),
        "compliance": entry(INFEASIBLE if infeasible else ("pass" if result["pass"] else "fail"), "-",
                            (NO_VERDICT + feasibility["reasons"][0] if infeasible else
                             f"pass when annual PUE <= {cls['limit']} ({policy.site_class}); PUE = {pue:.4f}"),
                            cls["source"], pue=pue, limit=cls["limit"], margin=result["margin"],
                            **({"pue_only": "pass" if result["pass"] else "fail"} if infeasible else {}),
                            **({"notes": notes} if notes else {})),
        "pue_margin": entry(result["margin"], "-", f"limit {cls['limit']} - annual PUE; positive = headroom", cls["source"]),
    }

    gb = rules["gb40879"]
    grade = gb40879_grade(pue, gb["grades"])
    scope = []
    if racks <= gb["edge_racks_max"]:
        scope.append(f"{racks} racks: edge DCs of <= {gb['edge_racks_max']} standard racks are outside the standard's scope")
    if not cls["new_build"]:
        scope.append("the standard covers new and re-/expanded DCs; an existing site is graded for information")
    block["gb40879_grade"] = entry(
        INFEASIBLE if infeasible else grade, "-", "grade 1 <= 1.20, grade 2 <= 1.30, grade 3 (limit value) <= 1.50, above: non-compliant; "
        + gb["method"], gb["source"], method="B", **({"scope": scope} if scope else {}),
        **({"pue_only": grade} if infeasible else {}))
    block["gb40879_method_a"] = entry(None, "-", "operating-point method (特性工况法)", gb["source"], note=METHOD_A_NOTE)

    plan = rules["layout_plan"]
    tier = layout_tier(pue, plan["tiers"])
    block["guangdong_tier"] = entry(INFEASIBLE if infeasible else tier["tier"], "-", tier["meaning"], plan["source"],
                                    **({"pue_only": tier["tier"]} if infeasible else {}))

    rd = rules["rack_density"]
    dens = rack_density(design["it_design_kw"], racks, rd["min_kw_per_rack"])
    block["rack_density"] = entry(
        dens["kw_per_rack"], "kW/rack", f"design IT kW / racks >= {rd['min_kw_per_rack']} kW/rack "
        f"({'required: new build' if cls['new_build'] else 'not required for an existing site; shown for information'})",
        rd["source"], **{"pass": dens["pass"], "required": bool(cls["new_build"])})
    head = density_headroom(racks, {"crah": design["crah_capacity_total_kw"],
                                    "chillers": design["chiller_capacity_total_kw"],
                                    "ups": design["ups_capacity_kw"]}, rd["headroom_check_kw_per_rack"])
    block["rack_headroom"] = entry(head["ok"], "-", rd["headroom_rule"], rd["source"],
                                   target_kw_per_rack=rd["headroom_check_kw_per_rack"],
                                   required_kw=head["required_kw"], systems=head["systems"])
    return block


def _assumption(key: str, value, unit: str, why: str) -> dict:
    return {"input": key, "value": value, "unit": unit, "evidence": "assumption", "why": why}


def at_default(model, name: str) -> bool:
    """Whether a schema field holds its default value.  Measures rebuild the scenario with every field
    set, so ``model_fields_set`` cannot tell a user's input from a default; the value can."""
    return getattr(model, name) == type(model).model_fields[name].default


def cost_assumptions(policy: Policy, rule, region: dict, purchased_kwh: float, purchased_price: float) -> list[dict]:
    """The assumption-grade inputs behind an electricity bill (each ``{input, value, unit, evidence, why}``).

    An input counts when it holds a schema default that carries no published source (``twin/inputs/policy_schema.py``), when the surcharge rule's source says ASSUMPTION, when the
    policy region was assumed (:func:`policy_region`), and whenever chilled water is bought (no
    public tariff for it exists; ``district_cooling.price_cny_per_kwh``).
    """
    t = policy.tariff
    out = []
    if region["assumed"]:
        out.append(_assumption("policy.region", region["region"], "-", region["why"]))
    if at_default(t, "flat_price_cny_per_kwh"):
        out.append(_assumption("policy.tariff.flat_price_cny_per_kwh", t.flat_price_cny_per_kwh, "CNY/kWh",
                               "the notice fixes only the peak : flat : valley ratios; 0.65 stands for a 1-10 kV "
                               "commercial price with funds and surcharges (put the site's bill)"))
    if at_default(t, "demand_charge_cny_per_kw_month"):
        out.append(_assumption("policy.tariff.demand_charge_cny_per_kw_month", t.demand_charge_cny_per_kw_month,
                               "CNY/(kW month)", "no sourced demand charge; 0 leaves it out"))
    if rule is not None and "ASSUMPTION" in rule.source:
        out.append(_assumption("policy.tariff.surcharge", rule.name, "-", rule.source))
    if purchased_kwh > 0.0:
        out.append(_assumption("district_cooling.price_cny_per_kwh", purchased_price, "CNY/kWh",
                               "no public tariff for purchased chilled water"))
    return out


def _cost_block(result: Result, policy: Policy, grid_w: np.ndarray, energy: dict, region: dict, *,
                file: str | None, base_dir: Path | None) -> dict:
    t = policy.tariff
    tariff = tariffs.load_tou(t.tou, base_dir=base_dir, file=file)
    rule = tariffs.load_surcharge(t.surcharge, t.surcharge_rule, base_dir=base_dir, file=file)
    assumed = tariffs.load_surcharge(tariffs.ASSUMED_SURCHARGE)
    periods, mult, crit_days = tariffs.weather_tariff_steps(result.plant.weather, tariff, critical_peak=t.critical_peak)
    surcharge_price, bands = tou.monthly_surcharge(result.month_index, rule, energy["pue"]["value"], energy["pue_monthly"]["value"])
    bill = tou.electricity_cost(result.month_index, grid_w, result.out, {c: ROW[c] for c in POWER_COMPONENTS},
                                result.plant.timestep_s,
                                periods, mult, flat_price_cny_per_kwh=t.flat_price_cny_per_kwh,
                                demand_charge_cny_per_kw_month=t.demand_charge_cny_per_kw_month,
                                surcharge_cny_per_kwh=surcharge_price)

    def given(field: str) -> str:
        return "scenario input" if not at_default(t, field) else "ASSUMPTION (schema default; see twin/inputs/policy_schema.py)"

    district = result.plant.scenario.district_cooling
    purchased_kwh = energy["purchased_cooling_kwh"]["value"]
    purchased_cny = purchased_kwh * district.price_cny_per_kwh
    total = bill["total_cny"] + purchased_cny
    # what the named assumed rule would charge on the same grid energy (reported, never added)
    assumed_price, _ = tou.monthly_surcharge(result.month_index, assumed, energy["pue"]["value"],
                                                 energy["pue_monthly"]["value"])
    assumed_cny = float(np.sum(grid_w * assumed_price) * result.plant.timestep_s / J_PER_KWH)
    applied = rule is not None and rule.name == assumed.name
    assumptions = cost_assumptions(policy, rule, region, purchased_kwh, district.price_cny_per_kwh)
    if rule is None:
        sur_rule = "no surcharge rule (policy.tariff.surcharge = 'none'" + (", the default)" if at_default(t, "surcharge")
                                                                           else ")")
        sur_source = "Guangdong has published no PUE surcharge amounts (docs/sources.md 4.3)"
    else:
        fmt = lambda k: (f"band ({rule.bands[k].pue_min}, {rule.bands[k].pue_max}] +{rule.bands[k].cny_per_kwh} CNY/kWh"
                         if k >= 0 else "no data")
        sur_rule = f"{rule.name}; {rule.basis} PUE selects the band: " + "; ".join(fmt(k) for k in bands)
        sur_source = rule.source
    return {
        "total_cny": entry(total, "CNY", "energy charge + demand charge + PUE surcharge + purchased cooling",
                           tariff.source),
        "purchased_cooling_cny": entry(purchased_cny, "CNY",
                                       f"{purchased_kwh:,.0f} kWh of purchased chilled water x "
                                       f"{district.price_cny_per_kwh} CNY/kWh",
                                       "district_cooling.price_cny_per_kwh (ASSUMPTION unless set in the scenario)"),
        "energy_cny": entry(bill["energy_cny"], "CNY",
                            "grid kWh x flat price x TOU ratio (peak 1.7, flat 1, valley 0.38, critical peak 1.7 x 1.25)",
                            tariff.source),
        "demand_cny": entry(bill["demand_cny"], "CNY",
                            f"sum over months of peak step-mean grid kW x {t.demand_charge_cny_per_kw_month} CNY/(kW month)",
                            given("demand_charge_cny_per_kw_month")),
        "surcharge_cny": entry(bill["surcharge_cny"], "CNY", sur_rule, sur_source),
        "surcharge_cny_per_kwh": entry(float(surcharge_price.mean()) if len(surcharge_price) else 0.0, "CNY/kWh",
                                       "mean surcharge per grid kWh", sur_source),
        "assumed_surcharge_cny": entry(
            assumed_cny, "CNY", f"what the assumed rule '{tariffs.ASSUMED_SURCHARGE}' charges on this run's grid "
            "energy; " + ("applied: it is in total_cny" if applied else
                          f"NOT in total_cny (set policy.tariff.surcharge = '{tariffs.ASSUMED_SURCHARGE}' to apply it)"),
            assumed.source, applied=applied),
        "total_with_assumed_surcharge_cny": entry(
            total + (0.0 if applied else assumed_cny), "CNY",
            "total_cny with the assumed surcharge applied (what-if; evidence: assumption)", assumed.source),
        "assumptions": assumptions,
        "average_price_cny_per_kwh": entry(bill["total_cny"] / bill["grid_kwh"], "CNY/kWh",
                                           "electricity cost / grid kWh", tariff.source),
        "flat_price_cny_per_kwh": entry(t.flat_price_cny_per_kwh, "CNY/kWh", "flat-period price",
                                        given("flat_price_cny_per_kwh")),
        "critical_peak_days": entry(crit_days, "d",
                                    "days of Jul/Aug/Sep plus days whose site daily max dry bulb >= 35 degC "
                                    "(proxy for Guangzhou's)" if t.critical_peak else "critical peak switched off",
                                    tariff.source),
        "by_period": [{"period": p, "kwh": v["kwh"], "cny": v["cny"],
                       "share": v["cny"] / bill["energy_cny"] if bill["energy_cny"] else 0.0}
                      for p, v in bill["by_period"].items()],
        "by_component": [{"component": c, "label": CHANNELS[c][1], "cny": v, "share": v / total if total else 0.0}
                         for c, v in sorted(bill["by_component"].items(), key=lambda kv: -kv[1])],
        "monthly_peak_grid_kw": entry(bill["monthly_peak_kw"], "kW", "highest step-mean grid power of each month",
                                      "computed"),
        "tariff": entry(tariff.name, "-", "time-of-use periods, hour-starting steps, local standard time", tariff.source),
    }


def _carbon_block(result: Result, policy: Policy, grid_w: np.ndarray, energy: dict, *, file: str | None,
                  base_dir: Path | None) -> tuple[dict, dict]:
    c, r = policy.carbon, policy.renewables
    ts = result.plant.timestep_s
    site = result.plant.weather.site
    if c.grid_factor_csv is not None:
        path = Path(c.grid_factor_csv)
        path = path if path.is_absolute() or base_dir is None else Path(base_dir) / path
        factor = co2.hourly_factors(path, c.grid_factor_column, result.time, file=file)
        factor_source, factor_rule = f"hourly series {c.grid_factor_csv} (scenario input)", "hourly factors"
    elif c.grid_factor_kg_per_kwh is not None:
        factor = c.grid_factor_kg_per_kwh
        factor_source, factor_rule = "scenario input policy.carbon.grid_factor_kg_per_kwh", "constant factor"
    else:
        row = co2.grid_factor(site.get("grid_region"), c.grid_factor_year, file=file)
        factor = row["value"]
        factor_source = row["source"]
        factor_rule = f"{row['label']} ({row['region']}), {row['year']} location-based factor"
    grid_kwh = float(np.sum(grid_w) * ts / J_PER_KWH)
    fac_kwh = energy["energy_facility_kwh"]["value"]
    it_kwh = energy["energy_it_kwh"]["value"]
    location = co2.co2_kg(grid_w, factor, ts)
    contracted = r.green_power_kwh + r.green_certificates_kwh
    net = co2.net_co2_kg(location, grid_kwh, contracted)
    pv_kwh = r.onsite_pv_kwh + float(result.total("p_pv") * ts / J_PER_KWH)
    share = co2.renewable_share(min(pv_kwh, fac_kwh), r.green_power_kwh, r.green_certificates_kwh, fac_kwh)
    inputs = "scenario inputs policy.renewables (on-site PV, green-power contracts, green certificates)"
    carbon = {
        "grid_factor": entry(float(factor) if np.ndim(factor) == 0 else location / max(grid_kwh, 1e-12), "kgCO2/kWh",
                             factor_rule + " (energy-weighted mean)", factor_source),
        "co2_location_t": entry(location / 1e3, "t", "grid kWh x grid emission factor (location-based)", factor_source),
        "co2_net_t": entry(net / 1e3, "t", "location-based CO2 x (1 - (green power + certificates) / grid kWh), >= 0",
                           f"{factor_source}; {inputs}"),
        "cue": entry(co2.cue(location, it_kwh), "kgCO2/kWh", "location-based CO2 / IT energy (per kWh IT)",
                     f"The Green Grid WP#32; factor: {factor_source}"),
        "cue_net": entry(co2.cue(net, it_kwh), "kgCO2/kWh", "net CO2 after contracts and certificates / IT energy",
                         "The Green Grid WP#32 with contracted renewables deducted (convention of this project)"),
        "wue": entry(energy["wue"]["value"], energy["wue"]["unit"], energy["wue"]["note"] + " (from the energy summary)",
                     "The Green Grid WP#35"),
        "renewable_share": entry(share, "-", "(on-site PV + green power + green certificates) / facility kWh, <= 1",
                                 inputs + "; Guangdong measures 15-18"),
        "renewable_kwh": entry({"onsite_pv": pv_kwh, "green_power": r.green_power_kwh,
                                "green_certificates": r.green_certificates_kwh}, "kWh", "inputs", inputs),
        "grid_kwh": entry(grid_kwh, "kWh", "facility kWh - on-site PV", "computed"),
    }

    rules = load_rules()["coal"]
    years = len(result.time) * result.dt_h / HOURS_PER_YEAR
    eq = co2.tce_equivalent(grid_kwh, rules["equivalent_kgce_per_kwh"]) / years
    ev = co2.tce_equal_value(grid_kwh, policy.coal.coal_rate_gce_per_kwh) / years
    threshold = rules["monitoring_threshold_tce"]
    basis_value = eq if policy.coal.monitoring_basis == "equivalent" else ev
    coal_src = ("scenario input" if not at_default(policy.coal, "coal_rate_gce_per_kwh")
                else "CEC 中国电力行业年度发展报告2025: 302.4 gce/kWh for 2024 (docs/sources.md 4.6, S)")
    coal = {
        "tce_equivalent": entry(eq, "tce/yr", f"grid kWh x {rules['equivalent_kgce_per_kwh']} kgce/kWh (当量值), per year",
                                rules["equivalent_source"]),
        "tce_equal_value": entry(ev, "tce/yr", f"grid kWh x {policy.coal.coal_rate_gce_per_kwh} gce/kWh (等价值), per year",
                                 coal_src),
        "monitoring_required": entry(
            bool(co2.monitoring_required(basis_value, threshold)), "-",
            f"required when the {policy.coal.monitoring_basis} value (here {basis_value:,.0f} tce/yr) > {threshold:,.0f} tce/yr; the "
            f"{policy.coal.monitoring_basis} value is used because GB/T 2589-2020 counts purchased electricity at its "
            "calorific equivalent in comprehensive energy consumption (policy.coal.monitoring_basis)",
            rules["monitoring_source"], basis=policy.coal.monitoring_basis, threshold_tce=threshold),
        "monitoring_required_equal_value": entry(
            bool(co2.monitoring_required(ev, threshold)), "-",
            f"same check on the equal value (here {ev:,.0f} tce/yr; some energy-review rules count 等价值)",
            rules["monitoring_source"]),
    }
    return carbon, coal


def policy_summary(result: Result, energy: dict, *, scenario_file: str | None = None,
                   policy: Policy | None = None, feasibility: dict | None = None) -> dict:
    """The ``policy`` block of the run summary: compliance, grade, tier, rack density, cost, carbon, coal.

    Parameters
    ----------
    result : Result
        A simulated run.
    energy : dict
        :func:`twin.metrics.energy.energy_summary` of the same run (PUE and WUE are reused).
    scenario_file : str or None
        The scenario file: relative rule and CSV paths are resolved from its folder, and input
        errors name it.
    policy : Policy or None
        Overrides the scenario's ``[policy]`` (the roadmap changes factor and renewables per year).
    feasibility : dict or None
        The ``feasibility`` block of the same run (:func:`twin.metrics.feasibility.feasibility_summary`;
        computed here when None).  An infeasible run gets no compliance verdict, grade or tier:
        each becomes ``"infeasible"`` and keeps the PUE-only answer under ``pue_only``.
    """
    plant = result.plant
    policy = policy or plant.scenario.policy
    base_dir = Path(scenario_file).parent if scenario_file else None
    # the grid meter: facility consumption less simulated PV and storage discharge, plus charging;
    # an on-site PV yield given as a number (no PV model) reduces it pro rata
    grid_w = co2.grid_import_w(result["p_grid"], policy.renewables.onsite_pv_kwh, plant.timestep_s)
    if feasibility is None:
        feasibility = feasibility_summary(result)["feasibility"]
    region = policy_region(policy.region, plant.weather.site)
    block = {"region": entry(region["region"], "-", region["why"],
                             "scenario input policy.region" if not at_default(policy, "region") else
                             "policy.region = 'auto' (schema default) and twin/data/sites.toml",
                             assumed=region["assumed"])}
    rules = _compliance_block(energy["pue"]["value"], policy, plant.weather.site, plant.design, plant.scenario.it.racks,
                              feasibility)
    carbon, coal = _carbon_block(result, policy, grid_w, energy, file=scenario_file, base_dir=base_dir)
    if region["region"] == "none":  # national figures only: GB 40879 grade, carbon, standard coal
        block |= {k: rules[k] for k in NATIONAL_KEYS}
        block |= {"carbon": carbon, "coal": {k: coal[k] for k in ("tce_equivalent", "tce_equal_value")}}
        return {"policy": block}
    block |= rules
    block["cost"] = _cost_block(result, policy, grid_w, energy, region, file=scenario_file, base_dir=base_dir)
    block["carbon"], block["coal"] = carbon, coal
    return {"policy": block}


def policy_attrs(summary: dict) -> dict[str, str | float | int]:
    """Flat headline policy figures, with the feasibility verdict the compliance rests on, for a results
    file's ``attrs`` (netCDF allows no nesting or bools)."""
    p = summary["policy"]
    f = summary["feasibility"]
    head = {"feasibility_verdict": f["verdict"]["value"], "feasibility_reasons": " ".join(f["reasons"]),
            "policy_region": p["region"]["value"], "policy_region_assumed": int(p["region"]["assumed"]),
            "policy_gb40879_grade": p["gb40879_grade"]["value"],
            "policy_cue_kgco2_per_kwh": p["carbon"]["cue"]["value"],
            "policy_renewable_share": p["carbon"]["renewable_share"]["value"],
            "policy_tce_equivalent_per_year": p["coal"]["tce_equivalent"]["value"]}
    if p["region"]["value"] == "none":
        return head
    return head | {
        "policy_site_class": p["site_class"]["value"],
        "policy_pue_limit": p["site_class"]["limit"],
        "policy_compliance": p["compliance"]["value"],
        "policy_pue_margin": p["pue_margin"]["value"],
        "policy_guangdong_tier": p["guangdong_tier"]["value"],
        "policy_cost_total_cny": p["cost"]["total_cny"]["value"],
        "policy_monitoring_required": int(p["coal"]["monitoring_required"]["value"]),
    }
