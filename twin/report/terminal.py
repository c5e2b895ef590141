"""Terminal rendering of run summaries with rich tables."""

from __future__ import annotations

import calendar

from rich.console import Console
from rich.table import Table


def _v(entry: dict, fmt: str) -> str:
    return f"{entry['value']:{fmt}} {entry['unit']}".replace(" -", "")


def print_run_summary(summary: dict, console: Console | None = None) -> None:
    """Print the headline figures, monthly PUE and the energy breakdown of one run."""
    console = console or Console()
    s = summary["scenario"]
    head = Table(title=f"{s['name']} - {s['site_name']} ({s['site']}), {s['year']}, "
                       f"{s['timestep_min']} min steps", show_header=False)
    head.add_column("metric")
    head.add_column("value", justify="right")
    head.add_column("meaning")
    rows = [
        ("PUE (annual)", _v(summary["pue"], ".3f"), summary["pue"]["note"]),
        ("pPUE cooling", _v(summary["ppue_cooling"], ".3f"), summary["ppue_cooling"]["note"]),
        ("pPUE power", _v(summary["ppue_power"], ".3f"), summary["ppue_power"]["note"]),
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
    for row in rows:
        head.add_row(*row)
    console.print(head)

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
