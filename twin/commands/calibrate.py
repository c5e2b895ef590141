"""``dctwin calibrate METERS --scenario BASE --out CALIBRATED.toml``: fit a scenario to its meters."""

from __future__ import annotations

from pathlib import Path

from twin.bundled import resolve_scenario
from twin.errors import InputError


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
    p.add_argument("--report", type=Path, default=None,
                   help="folder for results.nc (calibrated run with meas_* variables), meters.png and calibration.json")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON on stdout")
    p.add_argument("--list-params", action="store_true", help="list the parameters that can be estimated and exit")
    p.set_defaults(func=main)


def _parse_start(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"expected NAME=VALUE with a number, got {item!r}", key="--start") from None
        if not sep:
            raise InputError(f"expected NAME=VALUE, got {item!r}", key="--start")
    return out


def _list_params() -> int:
    from rich.console import Console
    from rich.table import Table

    from twin.calibrate import PARAMETERS
    from twin.meters import channel_specs

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

    from twin.calibrate import calibrate, write_calibrated
    from twin.results import print_json
    from twin.schema import read_toml

    from twin.meters import resolve_meters

    path = resolve_scenario(args.scenario)
    meters = resolve_meters(args.meters)
    if args.out.resolve() == path.resolve():
        raise InputError("--out would overwrite the base scenario; choose another file", key="--out")
    params = [p.strip() for p in args.params.split(",") if p.strip()] if args.params else None
    err = Console(stderr=True)
    with err.status("calibrating...") as status:
        fit = calibrate(read_toml(path), meters, file=str(path), base_dir=path.parent, tz=args.tz,
                        parameters=params, start=_parse_start(args.start), min_coverage=args.min_coverage,
                        time_budget_s=args.time_budget, out_path=args.out,
                        progress=lambda msg: status.update(msg))
    write_calibrated(fit, args.out, base_file=str(path))
    outcome = {
        "calibrated_scenario": str(args.out),
        "base_scenario": str(path),
        "meters": fit.replay.report(),
        "parameters": {k: v.model_dump() for k, v in fit.parameters.items()},
        "before": fit.before,
        "after": fit.after,
        "warnings": fit.warnings,
        "runtime_s": fit.runtime_s,
        "simulations": fit.simulations,
        "details": fit.details,
    }
    if args.report is not None:
        from twin.replay import write_netcdf, write_plot
        from twin.results import write_json

        write_netcdf(fit.result_after, fit.replay, args.report / "results.nc")
        write_plot(fit.result_after, fit.replay, args.report / "meters.png",
                   title="Calibrated twin vs meters: daily means")
        write_json(outcome, args.report / "calibration.json")
    if args.json:
        print_json(outcome)
        return 0
    print_outcome(outcome)
    return 0


def print_outcome(outcome: dict, console=None) -> None:
    """Meter report, fitted parameters, Guideline 14 before/after, warnings."""
    from rich.console import Console
    from rich.table import Table

    from twin.metrics.guideline14 import SOURCE
    from twin.replay import print_meter_report

    console = console or Console()
    print_meter_report(outcome["meters"], console)

    t = Table(title="Estimated parameters (std from the Jacobian; a lower bound: it assumes the model form is right)")
    for col in ("parameter", "unit", "base", "calibrated", "± std", "identifiable", "written to / note"):
        t.add_column(col, justify="right" if col in ("base", "calibrated", "± std") else "left")
    for name, p in outcome["parameters"].items():
        ok = "[green]yes[/green]" if p["identifiable"] else "[yellow]no[/yellow]"
        std = "-" if p["std"] is None else f"{p['std']:.3g}"
        where = p["written_to"] + (f" ({p['note']})" if p["note"] and p["identifiable"] else "")
        t.add_row(name, p["unit"], f"{p['base']:.4g}", f"{p['value']:.4g}", std, ok,
                  where if p["identifiable"] else p["note"])
    console.print(t)

    g = Table(title=f"Guideline 14, before -> after ({SOURCE})")
    for col in ("channel", "CV(RMSE) hourly %", "NMBE hourly %", "CV(RMSE) monthly %", "NMBE monthly %", "meets"):
        g.add_column(col, justify="left" if col == "channel" else "right")

    def pair(name, key, fmt):
        a = outcome["before"]["channels"][name].get(key)
        b = outcome["after"]["channels"][name].get(key)
        f = lambda x: "-" if x is None else f"{x:{fmt}}"  # noqa: E731
        return f"{f(a)} -> {f(b)}"

    verdict = {True: "[green]yes[/green]", False: "[red]no[/red]", None: "-"}
    for name, s in outcome["after"]["channels"].items():
        if s["kind"] != "power" or s["boundary"]:
            continue
        before_ok = outcome["before"]["channels"][name].get("meets_guideline14")
        g.add_row(s["label"], pair(name, "cv_rmse_hourly_pct", ".1f"), pair(name, "nmbe_hourly_pct", "+.1f"),
                  pair(name, "cv_rmse_monthly_pct", ".1f"), pair(name, "nmbe_monthly_pct", "+.1f"),
                  f"{verdict[before_ok]} -> {verdict[s.get('meets_guideline14')]}")
    console.print(g)
    temps = [(n, s) for n, s in outcome["after"]["channels"].items() if s["kind"] == "temperature"]
    if temps:
        tt = Table(title="Temperatures, before -> after (hourly)")
        for col in ("channel", "RMSE K", "bias K"):
            tt.add_column(col, justify="left" if col == "channel" else "right")
        for name, s in temps:
            tt.add_row(s["label"], pair(name, "rmse_k", ".2f"), pair(name, "bias_k", "+.2f"))
        console.print(tt)
    for w in outcome["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {w}")
    console.print(f"wrote {outcome['calibrated_scenario']} ({outcome['simulations']} simulations, "
                  f"{outcome['runtime_s']:.1f} s)")
