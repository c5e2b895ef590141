"""Terminal rendering of run summaries with rich tables."""

from __future__ import annotations

import calendar

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def _v(entry: dict, fmt: str) -> str:
    return f"{entry['value']:{fmt}} {entry['unit']}".replace(" -", "")


def print_run_summary(summary: dict, console: Console | None = None) -> None:
    """Print the headline figures, monthly PUE and the energy breakdown of one run."""
    console = console or Console()
    s = summary["scenario"]
    run = summary["run"]
    method = ("" if run["method"] == "steps" else
              f", bin method ({run['simulated_steps']['value']:,} bins simulated)")
    head = Table(title=f"{s['name']} - {s['site_name']} ({s['site']}), {s['year']}, "
                       f"{s['timestep_min']} min steps{method}", show_header=False)
    head.add_column("metric")
    head.add_column("value", justify="right")
    head.add_column("meaning")
    rows = [
        ("PUE (annual)", _v(summary["pue"], ".3f"), summary["pue"]["note"]),
        ("pPUE cooling", _v(summary["ppue_cooling"], ".3f"), summary["ppue_cooling"]["note"]),
        ("pPUE power", _v(summary["ppue_power"], ".3f"), summary["ppue_power"]["note"]),
        ("ITUE / TUE", f"{summary['itue']['value']:.3f} / {summary['tue']['value']:.3f}",
         "server PSU losses (inside the IT boundary); TUE = ITUE x PUE"),
        ("IT energy", _v(summary["energy_it_kwh"], ",.0f"), f"mean IT load {summary['mean_it_kw']['value']:,.0f} kW"),
        ("Facility energy", _v(summary["energy_facility_kwh"], ",.0f"), ""),
        ("Peak facility power", _v(summary["peak_facility_kw"], ",.0f"), ""),
        ("Hours set point not held", _v(summary["hours_setpoint_not_held"], ".0f"),
         summary["hours_setpoint_not_held"]["note"]),
        ("Max mean rack inlet", _v(summary["max_rack_inlet_c"], ".1f"), ""),
        ("Site WUE", _v(summary["wue"], ".2f"), summary["wue"]["note"]),
        ("Chiller curve extrapolated", _v(summary["hours_chiller_curve_extrapolated"], ".0f"),
         summary["hours_chiller_curve_extrapolated"]["note"]),
    ]
    if "outdoor_air_locked_out_hours" in summary:
        locked = summary["outdoor_air_locked_out_hours"]
        rows.append(("Outdoor air locked out",
                     f"{locked['too_dry']['value']:,.0f} / {locked['too_humid']['value']:,.0f} h",
                     "too dry / too humid: colder than the return air, dew point outside the economizer's "
                     "dew_point_range_c (see air_economizer.humidify)"))
    for row in rows:
        head.add_row(*row)
    console.print(head)
    print_feasibility(summary, console)

    monthly = summary["pue_monthly"]["value"]
    months = Table(title="Monthly PUE")
    for m in range(1, 7):
        months.add_column(f"{calendar.month_abbr[m]} / {calendar.month_abbr[m + 6]}", justify="right")
    months.add_row(*[f"{x:.3f}" for x in monthly[:6]])
    months.add_row(*[f"{x:.3f}" for x in monthly[6:]])
    console.print(months)

    parts = Table(title="Energy by component")
    parts.add_column("component")
    parts.add_column("kWh", justify="right")
    parts.add_column("share of facility", justify="right")
    for row in summary["breakdown"]:
        parts.add_row(row["label"], f"{row['kwh']:,.0f}", f"{100 * row['share']:.1f} %")
    parts.add_row("[b]facility total[/b]", f"[b]{summary['energy_facility_kwh']['value']:,.0f}[/b]", "100.0 %")
    console.print(parts)
    print_policy_summary(summary, console)


def print_feasibility(summary: dict, console: Console | None = None) -> None:
    """Print the feasibility verdict, one line per reason and warning, and the check figures."""
    if "feasibility" not in summary:
        return
    console = console or Console()
    f = summary["feasibility"]
    checks = f["checks"]
    table = Table(title=f"Feasibility: {'[b red]INFEASIBLE[/b red]' if f['reasons'] else '[green]feasible[/green]'}",
                  show_header=False)
    table.add_column("check")
    table.add_column("value", justify="right")
    table.add_column("meaning")
    for text in f["reasons"]:
        table.add_row("[red]reason[/red]", "", escape(text))
    for text in f["warnings"]:
        table.add_row("warning", "", escape(text))
    inlet = checks["inlet"]
    rows = [
        ("Unmet cooling", _v(checks["cooling"]["unmet_hours"], ",.0f"), checks["cooling"]["unmet_hours"]["note"]),
        ("Hottest rack inlet", _v(inlet["max_rack_inlet_c"], ".1f"), inlet["max_rack_inlet_c"]["note"]),
        ("Outside A1 allowable", f"{inlet['hours_outside_allowable']['value']:,.0f} h / "
         f"{inlet['degree_hours_outside_allowable']['value']:,.0f} K h", inlet["hours_outside_allowable"]["note"]),
        ("Outside A1 recommended", f"{inlet['hours_outside_recommended']['value']:,.0f} h / "
         f"{inlet['degree_hours_outside_recommended']['value']:,.0f} K h", inlet["hours_outside_recommended"]["note"]),
    ]
    rows += [(f"Peak loading, {name}", f"{100 * c['peak_loading']['value']:,.0f} %",
              f"{c['peak_load']['value']:,.0f} of {c['rating']['value']:,.0f} {c['rating']['unit']} ({c['rating']['note']})")
             for name, c in checks.items() if "peak_loading" in c]
    for row in rows:
        table.add_row(*(escape(x) for x in row))
    console.print(table)


def print_policy_summary(summary: dict, console: Console | None = None) -> None:
    """Print the compact "Policy and money" table (compliance, grade, cost, carbon, coal).

    Rules and sources are in the summary entries (``rule``, ``source``); the table shows the
    values with a short reminder of each rule.
    """
    if "policy" not in summary:
        return
    console = console or Console()
    p = summary["policy"]
    carbon, coal = p["carbon"], p["coal"]
    table = Table(title="Policy and money", show_header=False)
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("rule")
    region = p["region"]
    table.add_row("Policy region", region["value"] + (" (ASSUMED)" if region["assumed"] else ""), escape(region["rule"]))
    national = [
        ("Grid emission factor", _v(carbon["grid_factor"], ".4f"), carbon["grid_factor"]["rule"].split(" location-based")[0]),
        ("CUE location / net", f"{carbon['cue']['value']:.3f} / {carbon['cue_net']['value']:.3f}", "kgCO2/kWh IT"),
        ("CO2 location / net", f"{carbon['co2_location_t']['value']:,.0f} / {carbon['co2_net_t']['value']:,.0f} t",
         "net: after green power, certificates"),
        ("Renewable share", f"{100 * carbon['renewable_share']['value']:.1f} %", "PV + green power + certificates"),
        ("Site WUE", _v(carbon["wue"], ".2f"), "The Green Grid WP#35"),
        ("Standard coal", f"{coal['tce_equivalent']['value']:,.0f} / {coal['tce_equal_value']['value']:,.0f}",
         "tce/yr, equivalent / equal value"),
    ]
    if region["value"] == "none":
        for row in [("GB 40879-2021 grade", p["gb40879_grade"]["value"], "1 <= 1.20, 2 <= 1.30, 3 <= 1.50; method B")] \
                + national:
            table.add_row(*row)
        console.print(table)
        return
    cost = p["cost"]
    comp, head, dens = p["compliance"], p["rack_headroom"], p["rack_density"]
    short = [k for k, v in head["systems"].items() if not v["ok"]]
    yes_no = {True: "yes", False: "no"}
    assumed = lambda e: " (ASSUMPTION)" if "ASSUMPTION" in e["source"] else ""
    flag = coal["monitoring_required"]
    what_if = cost["assumed_surcharge_cny"]
    rows = [
        ("PUE limit", f"{comp['limit']:.2f}", p["site_class"]["value"]),
        ("Compliance", f"{comp['value'].upper()} ({comp['margin']:+.3f})",
         f"no verdict for an infeasible run (PUE alone: {comp['pue_only']})" if "pue_only" in comp
         else f"annual PUE {comp['pue']:.3f} <= limit"),
        ("GB 40879-2021 grade", p["gb40879_grade"]["value"], "1 <= 1.20, 2 <= 1.30, 3 <= 1.50; method B"),
        ("Guangdong layout tier", p["guangdong_tier"]["value"], "<= 1.25 / 1.30 / 1.50 / above"),
        ("Rack density", f"{dens['value']:.1f} kW/rack",
         f">= 6 {'met' if dens['pass'] else 'not met'}{'' if dens['required'] else ' (not required)'}"),
        (f"Headroom {head['target_kw_per_rack']:g} kW/rack", yes_no[head["value"]],
         "short: " + ", ".join(short) if short else "CRAH, chillers, UPS"),
        ("Electricity cost" + ("*" if cost["assumptions"] else ""), _v(cost["total_cny"], ",.0f"),
         "energy + demand + surcharge" + ("; * rests on assumptions: " + ", ".join(
             a["input"].rsplit(".", 1)[-1] for a in cost["assumptions"]) if cost["assumptions"] else "")),
        ("  energy (TOU)", _v(cost["energy_cny"], ",.0f"),
         ", ".join(f"{r['period']} {100 * r['share']:.0f}%" for r in cost["by_period"])),
        ("  demand charge", _v(cost["demand_cny"], ",.0f"), f"monthly peak kW{assumed(cost['demand_cny'])}"),
        ("  PUE surcharge", _v(cost["surcharge_cny"], ",.0f"),
         f"{cost['surcharge_cny_per_kwh']['value']:.2f} CNY/kWh{assumed(cost['surcharge_cny'])}"),
        ("  with assumed surcharge", _v(cost["total_with_assumed_surcharge_cny"], ",.0f"),
         "what-if (ASSUMPTION, " + ("applied)" if what_if["applied"] else
                                    f"not applied; it would add {what_if['value']:,.0f} CNY)")),
        ("  largest components", "", ", ".join(f"{r['component'].removeprefix('p_')} {100 * r['share']:.0f}%"
                                              for r in cost["by_component"][:3])),
        ("Average price", _v(cost["average_price_cny_per_kwh"], ".3f"),
         f"flat {cost['flat_price_cny_per_kwh']['value']:g} CNY/kWh{assumed(cost['flat_price_cny_per_kwh'])}"),
    ] + national + [
        ("Online monitoring", yes_no[flag["value"]],
         f"> {flag['threshold_tce']:,.0f} tce/yr ({flag['basis']}); equal value: "
         f"{yes_no[coal['monitoring_required_equal_value']['value']]}"),
    ]
    for row in rows:
        table.add_row(*row)
    console.print(table)
