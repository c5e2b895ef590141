"""The summary, terminal lines and time series of a site run (:mod:`twin.engine.site`).

``dctwin run SITE --json`` prints :func:`build_site_summary`; ``--out`` writes it as
``summary.json`` with the time series of every hall and of the shared plant in ``results.nc``
(:func:`site_dataset`: a ``hall`` dimension).  Definitions:

- site facility energy = the halls' meters + the shared plant's meter (its LV board included);
- site PUE = (site facility energy + purchased-cooling equivalent of halls on district cooling)
  / site IT energy (the metric of :mod:`twin.metrics.energy`, summed before dividing);
- a hall's PUE = (its meter + its purchased-cooling equivalent + its allocated share of the shared
  plant's meter) / its IT energy, the share following its chilled-water load at each step
  (``twin/engine/site.py``), so the halls' allocated energies add up to the site's;
- the site is ``infeasible`` when any hall is (its reasons are prefixed with the hall's name) or
  when the shared plant's chillers or transformers are loaded beyond their limit.

Policy, tariff and carbon blocks are per scenario and are not computed for a site.
"""

from __future__ import annotations

import numpy as np

from components.layout import OUTPUT, POWER_COMPONENTS
from twin.engine.results import CHANNELS
from twin.engine.site import SiteResult
from twin.inputs.bundled import portable_path
from twin.metrics.energy import COOLING, J_PER_KWH, OTHER, POWER_CHAIN, energy_summary, metric
from twin.metrics.feasibility import FEASIBLE, INFEASIBLE, _loading_check, feasibility_summary

_WATER = ("water_evaporation", "water_blowdown", "water_drift", "water_direct_evaporative", "water_liquid_tower")
SHARED_PLANT_LABEL = "shared plant"


def _kwh(series: np.ndarray, timestep_s: float) -> float:
    return float(series.sum() * timestep_s / J_PER_KWH)


def _shared_checks(site: SiteResult) -> list:
    """Loading of the shared plant's chillers and of its board's transformers."""
    sp, run = site.spec.shared_plant, site.shared
    checks = [_loading_check("chillers", "the cooling duty asked of the shared chillers",
                             run["q_evaporator"] + run.unmet_w, run.design["chiller_capacity_total_kw"] * 1e3,
                             f"{sp.chillers} x {sp.chiller_capacity_kw:g} kW rated", "kW")]
    units, kva = run.design["transformer_units"], run.design["transformer_kva"]
    if units > 0:
        pf = sp.power.power_factor
        checks.append(_loading_check("transformers", "the shared plant's transformer load",
                                     (run["p_facility"] - run["p_transformer_loss"]) / pf, units * kva * 1e3,
                                     f"{units} x {kva:,.0f} kVA at power factor {pf:g}", "kVA"))
    return checks


def _shared_block(site: SiteResult) -> dict:
    """Energy, load, unmet heat and operation of the shared plant."""
    run, sp = site.shared, site.spec.shared_plant
    ts = site.timestep_s
    dt_h = ts / 3600.0
    parts = {c: _kwh(run[c], ts) for c in POWER_COMPONENTS}
    return {
        "type": sp.type,
        "halls": [h.name for h in site.halls if h.spec.shared],
        "chillers": sp.chillers,
        "chiller_capacity_total_kw": metric(run.design["chiller_capacity_total_kw"], "kW"),
        "design": run.design,
        "energy_kwh": metric(_kwh(run["p_facility"], ts), "kWh", "the shared plant's meter, its LV board included"),
        "energy_by_component_kwh": {c: v for c, v in parts.items() if v != 0.0},
        "chilled_water_load_kwh": metric(_kwh(run.load_w, ts), "kWh", "the halls' summed chilled-water load"),
        "peak_chilled_water_load_kw": metric(float(run.load_w.max() / 1e3), "kW"),
        "unmet_hours": metric(float((run.unmet_w > 0.0).sum() * dt_h), "h",
                              "steps the plant could not meet the summed load (the heat is handed back to the halls)"),
        "unmet_kwh": metric(_kwh(run.unmet_w, ts), "kWh"),
        "peak_unmet_kw": metric(float(run.unmet_w.max() / 1e3), "kW"),
        "economizer_hours": {"free": metric(float((run["economizer_mode"] == 2).sum() * dt_h), "h"),
                             "partial": metric(float((run["economizer_mode"] == 1).sum() * dt_h), "h")},
        "mean_chillers_on": metric(float(run["chillers_on"].mean()), "-"),
        "hours_chiller_curve_extrapolated": metric(float((run["curve_out_of_range"] >= 1).sum() * dt_h), "h"),
    }


def _hall_line(h, ts: float) -> dict:
    """One hall's figures: its own meter, its share of the shared plant, PUE and feasibility."""
    energy = energy_summary(h.result)
    it = energy["energy_it_kwh"]["value"]
    own = energy["energy_facility_kwh"]["value"]
    equivalent = energy["pue"]["value"] * it - own  # purchased cooling counted as electricity (own district plant)
    shared = _kwh(h.shared_power_w, ts)
    return {
        "name": h.name,
        "plant": "shared" if h.spec.shared else h.spec.scenario.plant.type,
        "pue": metric((own + equivalent + shared) / it, "-", "(hall meter + purchased-cooling equivalent + "
                                                             "allocated shared-plant energy) / hall IT"),
        "pue_hall_meter": metric(energy["pue"]["value"], "-", "as the hall alone would report it (no shared plant)"),
        "energy_it_kwh": energy["energy_it_kwh"],
        "energy_facility_kwh": energy["energy_facility_kwh"],
        "shared_plant_kwh": metric(shared, "kWh", "share of the shared plant's meter, by chilled-water load per step"),
        "purchased_cooling_equivalent_kwh": metric(equivalent, "kWh"),
        "unmet_from_shared_plant_kwh": metric(_kwh(h.unmet_from_plant_w, ts), "kWh",
                                              "shared-plant shortfall handed back to this hall"),
        "max_rack_inlet_c": energy["max_rack_inlet_c"],
        "water_site_l": energy["water_site_l"],
        "breakdown": energy["breakdown"],  # the hall's own meter by component (the shared plant's: shared_plant)
        **feasibility_summary(h.result),
    }


def build_site_summary(site: SiteResult, *, scenario_file: str | None = None) -> dict:
    """Summary dictionary of a site run (JSON-serialisable): site totals, shared plant and a ``halls`` list."""
    ts = site.timestep_s
    w = site.halls[0].result.plant.weather
    halls = [_hall_line(h, ts) for h in site.halls]
    parts = {c: _kwh(site.channel(c), ts) for c in POWER_COMPONENTS}
    it = parts["p_it"]
    fac = _kwh(site.channel("p_facility"), ts)
    equivalent = sum(h["purchased_cooling_equivalent_kwh"]["value"] for h in halls)
    water = sum(h["water_site_l"]["value"] for h in halls)
    reasons = [f"Hall '{h['name']}': {r}" for h in halls for r in h["feasibility"]["reasons"]]
    warnings = [f"Hall '{h['name']}': {x}" for h in halls for x in h["feasibility"]["warnings"]]
    summary = {
        "scenario": {"name": site.spec.name, "file": None if scenario_file is None else portable_path(scenario_file),
                     "kind": "site", "site": w.site_id,
                     "site_name": w.name, "weather_file": w.source_name, "year": site.spec.scenario.year,
                     "timestep_min": site.spec.scenario.timestep_min, "halls": len(site.halls),
                     "shared_plant": site.shared is not None},
        "run": {"runtime_s": metric(site.runtime_s, "s")},
        "pue": metric((fac + equivalent) / it, "-", "site facility energy (every hall and the shared plant) / site "
                                                    "IT energy" + ("; purchased cooling counted as electricity"
                                                                   if equivalent else "")),
        "pue_metered_electricity_only": metric(fac / it, "-", "site grid electricity / site IT energy"),
        "energy_facility_kwh": metric(fac, "kWh", "sum of the halls' meters and the shared plant's"),
        "energy_it_kwh": metric(it, "kWh"),
        "energy_cooling_kwh": metric(sum(parts[c] for c in COOLING), "kWh"),
        "energy_power_chain_losses_kwh": metric(sum(parts[c] for c in POWER_CHAIN), "kWh"),
        "energy_other_kwh": metric(sum(parts[c] for c in OTHER), "kWh", "lighting, auxiliary, generator heaters"),
        "breakdown": [{"component": c, "label": CHANNELS[c][1], "kwh": parts[c], "share": parts[c] / fac}
                      for c in sorted(POWER_COMPONENTS, key=lambda c: -parts[c])],
        "peak_facility_kw": metric(float(site.channel("p_facility").max() / 1e3), "kW", "site meter, hottest step"),
    }
    checks = {}
    if site.shared is not None:
        summary["shared_plant"] = _shared_block(site)
        shared_checks = _shared_checks(site)
        checks = {c.name: {"ok": c.reason is None, **c.metrics} for c in shared_checks}
        reasons += [f"Shared plant: {c.reason}" for c in shared_checks if c.reason]
        if site.shared.unmet_w.max() > 0.0:
            block = summary["shared_plant"]
            warnings.append(f"Shared plant: fell short of the halls' summed load in {block['unmet_hours']['value']:,.0f} h "
                            f"(up to {block['peak_unmet_kw']['value']:,.0f} kW); the heat was handed back to the halls.")
        water += float(sum(site.shared[c] for c in _WATER).sum() * ts)
    summary["water_site_l"] = metric(water, "L", "every hall and the shared plant, 1 kg = 1 L")
    summary["wue"] = metric(water / it, "L/kWh", "site WUE, The Green Grid WP#35")
    summary["feasibility"] = {
        "verdict": metric(INFEASIBLE if reasons else FEASIBLE, "-",
                          "infeasible when any hall is, or the shared plant's chillers or transformers are overloaded"),
        "reasons": reasons,
        "warnings": warnings,
        "halls": {h["name"]: h["feasibility"]["verdict"]["value"] for h in halls},
        "shared_plant_checks": checks,
    }
    summary["halls"] = halls
    return summary


def site_dataset(site: SiteResult):
    """Every channel of every hall and of the shared plant on a ``hall`` dimension, plus the site meter."""
    import xarray as xr

    members = [h.result.out for h in site.halls] + ([site.shared.out] if site.shared is not None else [])
    names = [h.name for h in site.halls] + ([SHARED_PLANT_LABEL] if site.shared is not None else [])
    kinds = ["hall"] * len(site.halls) + (["shared_plant"] if site.shared is not None else [])
    stacked = np.stack(members)
    data = {name: (("hall", "time"), stacked[:, OUTPUT[name]], {"units": unit, "long_name": desc})
            for name, (unit, desc) in CHANNELS.items()}
    data["shared_plant_allocated"] = (("hall", "time"), np.stack([h.shared_power_w for h in site.halls]
                                                                  + ([np.zeros(stacked.shape[2])] if site.shared else [])),
                                      {"units": "W", "long_name": "share of the shared plant's power allocated to the hall"})
    data["site_p_facility"] = ("time", site.channel("p_facility"), {"units": "W", "long_name": "site meter"})
    data["site_p_it"] = ("time", site.channel("p_it"), {"units": "W", "long_name": "site IT power"})
    first = site.halls[0].result.to_dataset()
    ds = xr.Dataset(data, coords={"time": first["time"], "hall": ("hall", names),
                                  "kind": ("hall", kinds, {"long_name": "hall, or the shared chilled-water plant"})})
    ds.attrs.update({k: v for k, v in first.attrs.items() if k != "title"})
    ds.attrs["title"] = f"dctwin site results: {site.spec.name}"
    ds.attrs["note"] = ("q_unmet of the shared plant is the heat it handed back to its halls (already in their "
                        "q_unmet): sum q_unmet over kind = 'hall' only")
    return ds


def print_site_summary(summary: dict, console=None) -> None:
    """Print one line per hall, the site totals, the shared plant and the site's feasibility."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console()
    s = summary["scenario"]
    f = summary["feasibility"]
    verdict = "[b red]INFEASIBLE[/b red]" if f["reasons"] else "[green]feasible[/green]"
    table = Table(title=f"{s['name']} - {s['site_name']} ({s['site']}), {s['year']}, {s['halls']} halls: {verdict}")
    table.add_column("hall", no_wrap=True)
    table.add_column("plant", no_wrap=True)
    for col in ("IT MWh", "facility MWh", "PUE", "max inlet degC"):
        table.add_column(col, justify="right")
    table.add_column("verdict", no_wrap=True)
    for h in summary["halls"]:
        facility = h["energy_facility_kwh"]["value"] + h["shared_plant_kwh"]["value"]
        table.add_row(escape(h["name"]), h["plant"], f"{h['energy_it_kwh']['value'] / 1e3:,.0f}",
                      f"{facility / 1e3:,.0f}", f"{h['pue']['value']:.3f}", f"{h['max_rack_inlet_c']['value']:.1f}",
                      h["feasibility"]["verdict"]["value"])
    table.add_row("[b]site[/b]", "", f"[b]{summary['energy_it_kwh']['value'] / 1e3:,.0f}[/b]",
                  f"[b]{summary['energy_facility_kwh']['value'] / 1e3:,.0f}[/b]", f"[b]{summary['pue']['value']:.3f}[/b]",
                  "", f["verdict"]["value"])
    console.print(table)
    sp = summary.get("shared_plant")
    if sp is not None:
        eco = sp["economizer_hours"]
        console.print(f"{SHARED_PLANT_LABEL.capitalize()} ({sp['type']}, {sp['chillers']} chillers, "
                      f"{sp['chiller_capacity_total_kw']['value']:,.0f} kW) serving {', '.join(map(escape, sp['halls']))}: "
                      f"{sp['energy_kwh']['value'] / 1e3:,.0f} MWh for {sp['chilled_water_load_kwh']['value'] / 1e3:,.0f} "
                      f"MWh of chilled water; {sp['unmet_hours']['value']:,.0f} h unmet; economizer "
                      f"{eco['free']['value']:,.0f} h free, {eco['partial']['value']:,.0f} h partial. Hall facility "
                      "energy includes its share of the plant, by chilled-water load.")
    for text in f["reasons"]:
        console.print(f"[red]reason[/red] {escape(text)}")
    for text in f["warnings"]:
        console.print(f"warning {escape(text)}")
