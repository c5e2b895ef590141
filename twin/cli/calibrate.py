"""``dctwin calibrate METERS --scenario BASE --out CALIBRATED.toml``: fit a scenario to its meters."""

from __future__ import annotations

from pathlib import Path

from twin.cli.arguments import name_values
from twin.cli.writable import check_out_dir, check_out_file
from twin.errors import InputError
from twin.inputs.bundled import portable_path, resolve_scenario


def add_parser(sub) -> None:
    p = sub.add_parser(
        "calibrate", help="estimate uncertain parameters of a scenario from meter data (ASHRAE Guideline 14)",
        description=("Replays the meters (measured IT power and outdoor air drive the twin), fits the "
                     "uncertain parameters by bounded least squares on every metered channel, reports "
                     "Guideline 14 statistics before and after, and writes the calibrated scenario."))
    p.add_argument("meters", type=Path, nargs="?", default=None,
                   help="meter file: CSV (.csv, .csv.gz) or Parquet, columns in twin/data/meter_columns.toml; "
                        "or a bundled one by name (example_meters.csv.gz)")
    p.add_argument("--scenario", default=None,
                   help="base scenario TOML (path or bundled name); default: the bundled guangzhou_legacy")
    p.add_argument("--out", type=Path, default=None, help="calibrated scenario TOML to write (required)")
    p.add_argument("--tz", default=None, help="time zone of naive meter timestamps, e.g. Asia/Shanghai or UTC+8")
    p.add_argument("--params", default=None,
                   help="comma-separated parameters to estimate (default: all that apply); see --list-params")
    p.add_argument("--start", action="append", default=[], metavar="NAME=VALUE",
                   help="start the fit from this value instead of the base scenario's (repeatable)")
    p.add_argument("--min-coverage", type=float, default=None,
                   help="fraction of a step that valid samples must cover (default 0.75)")
    p.add_argument("--time-budget", type=float, default=60.0, help="wall-time limit of the fit [s] (default 60)")
    p.add_argument("--holdout", default=None, metavar="MONTHS",
                   help=("months left out of a second fit and checked against it (out-of-sample error), comma-"
                         "separated 1-12, e.g. 12,1,2 for winter; 'none' to skip; default every third month: 3,6,9,12"))
    p.add_argument("--report", type=Path, default=None,
                   help=("folder for results.nc (calibrated run with meas_* variables), meters.png, residuals.png "
                         "(hourly residuals against outdoor temperature and IT power) and calibration.json"))
    p.add_argument("--json", action="store_true", help="print the outcome as JSON on stdout")
    p.add_argument("--list-params", action="store_true", help="list the parameters that can be estimated and exit")
    p.set_defaults(func=main)


def _list_params() -> int:
    from rich.console import Console
    from rich.table import Table

    from twin.calibration.parameters import PARAMETERS
    from twin.inputs.meter_file import channel_specs

    t = Table(title="Parameters dctwin calibrate can estimate")
    for col in ("name", "unit", "meaning", "written to", "meters that observe it (any of)"):
        t.add_column(col)
    for p in PARAMETERS.values():
        meters = sorted({m.lstrip("-") for ch in p.observed_by for m in channel_specs()[ch]["meters"]})
        t.add_row(p.name, p.unit, p.description, p.written_to, ", ".join(meters))
    Console().print(t)
    return 0


def main(args) -> int:
    if args.list_params:
        return _list_params()
    if args.meters is None or args.out is None:
        raise InputError("give a meter file and --out CALIBRATED.toml "
                         "(dctwin calibrate METERS --scenario BASE --out CALIBRATED.toml)")
    from rich.console import Console

    from twin.calibration.calibrate import calibrate
    from twin.calibration.checks import parse_holdout
    from twin.calibration.scenario_file import write_calibrated
    from twin.engine.results import print_json
    from twin.inputs.schema_base import read_toml

    from twin.inputs.meter_file import resolve_meters

    path = resolve_scenario(args.scenario)
    meters = resolve_meters(args.meters)
    if args.out.resolve() == path.resolve():
        raise InputError("--out would overwrite the base scenario; choose another file", key="--out")
    check_out_file(args.out)
    if args.report is not None:
        check_out_dir(args.report, "--report")
    if not args.time_budget > 0.0:
        raise InputError(f"--time-budget is a wall time in seconds, > 0 (got {args.time_budget:g})",
                         key="--time-budget")
    params = [p.strip() for p in args.params.split(",") if p.strip()] if args.params else None
    holdout = parse_holdout(args.holdout)
    err = Console(stderr=True)
    with err.status("calibrating...") as status:
        fit = calibrate(read_toml(path), meters, file=str(path), base_dir=path.parent, tz=args.tz,
                        parameters=params, start=name_values(args.start, "--start"), min_coverage=args.min_coverage,
                        time_budget_s=args.time_budget, out_path=args.out, holdout_months=holdout,
                        progress=lambda msg: status.update(msg))
    write_calibrated(fit, args.out, base_file=str(path))
    outcome = {
        "calibrated_scenario": str(args.out),
        "base_scenario": portable_path(path),
        "meters": fit.replay.report(),
        "parameters": {k: v.model_dump() for k, v in fit.parameters.items()},
        "before": fit.before,
        "after": fit.after,
        "worsened_channels": fit.worsened,
        "out_of_sample": fit.out_of_sample,
        "residual_structure": fit.residual_structure,
        "warnings": fit.warnings,
        "runtime_s": fit.runtime_s,
        "simulations": fit.simulations,
        "details": fit.details,
    }
    if args.report is not None:
        from twin.calibration.replay import write_netcdf, write_plot
        from twin.calibration.residuals import hourly_residuals
        from twin.engine.results import write_json
        from twin.report.residuals import write_residual_plot

        write_netcdf(fit.result_after, fit.replay, args.report / "results.nc")
        write_plot(fit.result_after, fit.replay, args.report / "meters.png",
                   title="Calibrated twin vs meters: daily means")
        write_residual_plot(hourly_residuals(fit.result_after, fit.replay), args.report / "residuals.png",
                            title="Calibrated twin: hourly residuals against outdoor temperature and IT power")
        outcome["report"] = str(args.report)
        write_json(outcome, args.report / "calibration.json")
    if args.json:
        print_json(outcome)
        return 0
    print_outcome(outcome)
    return 0


def _fmt(x, spec: str) -> str:
    return "-" if x is None or x != x else f"{x:{spec}}"


def _status(p: dict) -> str:
    if p.get("on_bound"):
        return f"[red]ON {p['on_bound'].upper()} BOUND[/red]"
    return "[green]identifiable[/green]" if p["identifiable"] else "[yellow]not identifiable[/yellow]"


def _parameter_table(outcome: dict):
    from rich.table import Table

    t = Table(title=("Estimated parameters (std from the Jacobian; a lower bound: it assumes the model form is "
                     "right; none for a parameter on a bound)"))
    for col in ("parameter", "unit", "base", "calibrated", "± std", "status", "written to / note"):
        t.add_column(col, justify="right" if col in ("base", "calibrated", "± std") else "left")
    for name, p in outcome["parameters"].items():
        std = "-" if p["std"] is None else f"{p['std']:.3g}"
        where = p["written_to"] + (f" ({p['note']})" if p["note"] and p["identifiable"] else "")
        t.add_row(name, p["unit"], f"{p['base']:.4g}", f"{p['value']:.4g}", std, _status(p),
                  where if p["identifiable"] else p["note"])
    return t


def _g14_table(title: str, left: dict, right: dict, marked: set[tuple[str, str]] = frozenset()):
    """Power channels, ``left -> right`` for each statistic, hourly and monthly verdicts apart.

    ``marked`` holds (channel, resolution) pairs whose verdict is shown as a worsening.
    """
    from rich.table import Table

    from twin.report.meters import verdict_text

    g = Table(title=title)
    for col in ("channel", "CV(RMSE) hourly %", "NMBE hourly %", "hourly verdict",
                "CV(RMSE) monthly %", "NMBE monthly %", "monthly verdict"):
        g.add_column(col, justify="left" if col == "channel" else "right")

    def pair(name, key, spec):
        return f"{_fmt(left[name].get(key), spec)} -> {_fmt(right[name].get(key), spec)}"

    for name, s in right.items():
        if s["kind"] != "power" or s["boundary"] or name not in left:
            continue
        cells = [s["label"]]
        for res in ("hourly", "monthly"):
            key = f"meets_guideline14_{res}"
            verdict = f"{verdict_text(left[name].get(key))} -> {verdict_text(s.get(key))}"
            cells += [pair(name, f"cv_rmse_{res}_pct", ".1f"), pair(name, f"nmbe_{res}_pct", "+.1f"),
                      f"[b]{verdict} (!)[/b]" if (name, res) in marked else verdict]
        g.add_row(*cells)
    return g


def print_outcome(outcome: dict, console=None) -> None:
    """Meter report, fitted parameters, Guideline 14 before/after and out of sample, residual structure, warnings."""
    from rich.console import Console
    from rich.table import Table

    from twin.metrics.guideline14 import SOURCE
    from twin.report.meters import print_meter_report

    console = console or Console()
    print_meter_report(outcome["meters"], console)
    console.print(_parameter_table(outcome))
    worse = {(w["channel"], w["resolution"]) for w in outcome["worsened_channels"]}
    console.print(_g14_table(f"Guideline 14 in sample, before -> after ({SOURCE}); (!) = the fit made it fail",
                             outcome["before"]["channels"], outcome["after"]["channels"], worse))
    temps = [(n, s) for n, s in outcome["after"]["channels"].items() if s["kind"] == "temperature"]
    if temps:
        tt = Table(title="Temperatures, before -> after (hourly)")
        for col in ("channel", "RMSE K", "bias K"):
            tt.add_column(col, justify="left" if col == "channel" else "right")
        for name, s in temps:
            b = outcome["before"]["channels"][name]
            tt.add_row(s["label"], *(f"{_fmt(b.get(k), f)} -> {_fmt(s.get(k), f)}"
                                     for k, f in (("rmse_k", ".2f"), ("bias_k", "+.2f"))))
        console.print(tt)
    oos = outcome["out_of_sample"]
    if oos.get("held_out"):
        console.print(_g14_table(
            f"Out of sample: in sample (all months) -> held-out months {oos['held_out_months']} of a fit without "
            f"them ({oos['steps_fit']} steps fitted, {oos['steps_held_out']} held out)",
            outcome["after"]["channels"], oos["held_out"]["channels"]))
        fitted = ", ".join(f"{n} {p['value']:.4g}" + (f" (ON its {p['on_bound']} bound)" if p["on_bound"] else "")
                           for n, p in oos["parameters"].items() if p["fitted"])
        console.print(f"Fitted without the held-out months: {fitted or 'nothing'}")
    rs = Table(title="Residual structure: correlation ratio eta² of hourly residuals (0 = noise, 1 = a function "
                     "of the driver; warning from 0.1)")
    for col in ("channel", "vs outdoor dry bulb", "vs IT power"):
        rs.add_column(col, justify="left" if col == "channel" else "right")
    for row in outcome["residual_structure"].values():
        rs.add_row(row["label"], *(f"{row[k]:.3f}" if row[k] == row[k] else "-"
                                    for k in ("eta2_outdoor_temp", "eta2_it_power")))
    console.print(rs)
    for w in outcome["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {w}")
    if outcome.get("report"):
        console.print(f"wrote {outcome['report']}: results.nc, meters.png, residuals.png, calibration.json")
    console.print(f"wrote {outcome['calibrated_scenario']} ({outcome['simulations']} simulations, "
                  f"{outcome['runtime_s']:.1f} s)")
