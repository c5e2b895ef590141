"""Terminal tables of a run against meters: the meter file's report, the simulated-vs-metered
comparison with its Guideline 14 verdicts (:mod:`twin.calibration.replay`), and the note of a
calibrated scenario.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import numpy as np

from twin.metrics import guideline14 as g14


def _fmt(x, spec=".1f") -> str:
    return "-" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:{spec}}"


def verdict_text(ok: bool | None) -> str:
    """A Guideline 14 verdict as rich markup: pass, fail or '-' (not enough data)."""
    return "[green]pass[/green]" if ok else "[red]fail[/red]" if ok is False else "-"


def print_comparison(block: dict, console=None, title: str = "Simulated vs metered") -> None:
    """Rich tables: Guideline 14 statistics per channel, then monthly totals."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    ch = block["channels"]
    t = Table(title=f"{title} (CV(RMSE), NMBE: {g14.SOURCE.split(': ', 1)[1]})")
    for col in ("channel", "hours", "metered MWh", "simulated MWh", "CV(RMSE) h %", "NMBE h %",
                "CV(RMSE) mo %", "NMBE mo %", "G14 h", "G14 mo"):
        t.add_column(col, justify="left" if col == "channel" else "right")
    for name, s in ch.items():
        if s["kind"] != "power":
            continue
        verdicts = ["input"] * 2 if s["boundary"] else [
            verdict_text(s.get(f"meets_guideline14_{res}")) for res in ("hourly", "monthly")]
        t.add_row(s["label"], str(s["hours"]), _fmt(s.get("measured_kwh", np.nan) / 1e3, ",.1f"),
                  _fmt(s.get("simulated_kwh", np.nan) / 1e3, ",.1f"), _fmt(s.get("cv_rmse_hourly_pct")),
                  _fmt(s.get("nmbe_hourly_pct"), "+.1f"), _fmt(s.get("cv_rmse_monthly_pct")),
                  _fmt(s.get("nmbe_monthly_pct"), "+.1f"), *verdicts)
    console.print(t)
    temps = {n: s for n, s in ch.items() if s["kind"] == "temperature"}
    if temps:
        tt = Table(title="Temperatures (hourly)")
        for col in ("channel", "hours", "metered mean °C", "simulated mean °C", "RMSE K", "bias K"):
            tt.add_column(col, justify="left" if col == "channel" else "right")
        for s in temps.values():
            tt.add_row(s["label"], str(s["hours"]), _fmt(s.get("measured_mean_c"), ".2f"),
                       _fmt(s.get("simulated_mean_c"), ".2f"), _fmt(s.get("rmse_k"), ".2f"),
                       _fmt(s.get("bias_k"), "+.2f"))
        console.print(tt)
    power = {n: s for n, s in ch.items() if s["kind"] == "power" and s.get("monthly") and not s["boundary"]}
    if power:
        first = next(iter(power))
        mt = Table(title=(f"Monthly totals over the compared hours: {power[first]['label']} in MWh, every "
                          f"channel as simulated minus metered in % of metered"))
        for col in ("month", "coverage", f"{power[first]['label']} metered", "simulated"):
            mt.add_column(col, justify="left" if col == "month" else "right")
        for s in power.values():
            mt.add_column(f"{s['label']} %", justify="right")
        months = sorted({m["month"] for s in power.values() for m in s["monthly"]})
        for m in months:
            e0 = next((x for x in power[first]["monthly"] if x["month"] == m), None)
            row = [calendar.month_abbr[m], "-" if e0 is None else f"{100 * e0['coverage']:.0f} %",
                   "-" if e0 is None else f"{e0['measured_kwh'] / 1e3:,.1f}",
                   "-" if e0 is None else f"{e0['simulated_kwh'] / 1e3:,.1f}"]
            for s in power.values():
                e = next((x for x in s["monthly"] if x["month"] == m), None)
                if e is None or e["measured_kwh"] == 0:
                    row.append("-")
                else:
                    row.append(f"{100.0 * (e['simulated_kwh'] - e['measured_kwh']) / e['measured_kwh']:+.1f}")
            mt.add_row(*row)
        console.print(mt)


def print_meter_report(rep: dict, console=None) -> None:
    """One table of samples, gaps and outliers per meter column."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    t = Table(title=(f"Meters {Path(rep['file']).name}: {rep['samples']} samples every "
                     f"{rep['resolution_min']:g} min, {rep['period_local'][0]} to {rep['period_local'][1]} "
                     f"({rep['local_standard_time']}; {rep['timezone']})"))
    for col in ("column", "unit", "samples", "outliers", "gap steps", "gap h", "longest gap"):
        t.add_column(col, justify="left" if col in ("column", "longest gap") else "right")
    for name, c in rep["columns"].items():
        longest = f"{c['longest_gap_hours']:g} h from {c['longest_gap'][0]}" if c["longest_gap"] else "-"
        t.add_row(name, c["unit"], str(c["samples"]), str(c["outliers"]), str(c["gap_steps"]),
                  f"{c['gap_hours']:g}", longest)
    console.print(t)
    console.print(f"{rep['steps_compared']} of {rep['steps_in_period']} steps in the metered period are "
                  f"compared (IT power and outdoor air metered); measured outdoor air replaced the EPW in "
                  f"{rep['weather_steps_measured']} steps; a step needs {100 * rep['min_coverage']:g} % "
                  f"coverage.")


def print_calibration_block(block: dict, console=None) -> None:
    """Short note that a run's scenario is calibrated, with its Guideline 14 figures."""
    from rich.console import Console

    console = console or Console()
    after = block["facility_guideline14"]["after"]
    fit = ", ".join(f"{k} {v['value']:.4g}" + (f" ± {v['std']:.2g}" if v.get("std") is not None else "")
                    + (f" (ON its {v['on_bound']} bound)" if v.get("on_bound") else "")
                    for k, v in block["parameters"].items() if v["identifiable"] or v.get("on_bound"))
    console.print(f"[b]Calibrated[/b] to {block['meters']} ({block['period'][0]} to {block['period'][1]}) on "
                  f"{block['date']}: facility CV(RMSE) hourly {_fmt(after.get('cv_rmse_hourly_pct'))} %, "
                  f"NMBE {_fmt(after.get('nmbe_hourly_pct'), '+.1f')} %, meets Guideline 14: "
                  f"{after.get('meets_guideline14')}.  Fitted: {fit or 'nothing'}.")
    for w in block.get("warnings", []):
        if "NOT applied" in w:
            console.print(f"[red]warning:[/red] {w}")
