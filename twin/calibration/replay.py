"""Replay metered data through the twin and compare simulated with measured, channel by channel.

The metered IT power replaces the server model (``BOUNDARY.it_power_w``) and, where outdoor dry
bulb and RH are metered, they replace the EPW weather (:func:`twin.inputs.meters.measured_weather`).
Every other metered channel (facility, chillers, CRAH fans, UPS, temperatures...) is compared
with its simulated counterpart, as time series and as monthly totals, with the ASHRAE
Guideline 14 statistics of :mod:`twin.metrics.guideline14`.  Steps where a boundary meter (IT
power, outdoor air) is missing are left out of the comparison: there the twin runs on its own
models and the comparison would not test what it claims to.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from twin.inputs.calibration_schema import apply_calibration
from twin.inputs.meters import SteppedMeters, channel_specs, load_meters, measured_weather, resolve_meters
from twin.metrics import guideline14 as g14
from twin.engine.plant import PlantArrays, assemble
from twin.engine.results import Result, atomic_write, print_json, write_json


@dataclass
class Replay:
    """A plant driven by meters, and the meters on its step."""

    plant: PlantArrays
    meters: SteppedMeters
    weather_steps_measured: int
    file: str | None = None
    base_dir: Path | None = None

    @property
    def mask(self) -> np.ndarray:
        """Steps whose boundaries are all metered (the steps that are compared)."""
        return self.meters.boundary_valid()

    def report(self) -> dict:
        rep = self.meters.report()
        rep["weather_steps_measured"] = self.weather_steps_measured
        rep["steps_compared"] = int(self.mask.sum())
        return rep


def prepare_replay(scn, meters_path: str | Path, *, tz: str | None = None, file: str | None = None,
                   base_dir: Path | None = None, min_coverage: float | None = None) -> Replay:
    """Assemble ``scn`` with the metered IT power and outdoor air of ``meters_path``."""
    from twin.engine.simulate import prepare

    base = prepare(scn, file=file, base_dir=base_dir)
    sm = load_meters(meters_path, base.weather, tz=tz, design_it_kw=base.scenario.it.design_kw,
                     min_coverage=min_coverage)
    weather, n_weather = measured_weather(base.weather, sm)
    plant = assemble(base.scenario, weather, file=file, base_dir=base_dir, it_power_w=sm.it_power_w())
    return Replay(plant=apply_calibration(plant), meters=sm, weather_steps_measured=n_weather,
                  file=file, base_dir=base_dir)


def simulated_channel(out_or_result, name: str) -> np.ndarray:
    """Simulated counterpart of a compared channel (sum of its model outputs). [W or degC]"""
    from components.layout import OUTPUT

    out = out_or_result.out if isinstance(out_or_result, Result) else out_or_result
    model = channel_specs()[name]["model"]
    return sum(out[OUTPUT[m]] for m in model)


def compare(result: Result, replay: Replay, mask: np.ndarray | None = None) -> dict:
    """Guideline 14 statistics and monthly totals of every metered channel.

    ``mask`` (boolean per step) restricts the comparison to some of the compared steps, for
    example the held-out months of a calibration; default all of ``replay.mask``.
    """
    sm = replay.meters
    mask = replay.mask if mask is None else replay.mask & mask
    channels = {}
    for name in sm.available_channels():
        spec = channel_specs()[name]
        meas = np.where(mask, sm.channel(name), np.nan)
        sim = simulated_channel(result, name)
        if spec["kind"] == "power":
            stats = g14.compare_power(result.time, meas, sim, result.plant.timestep_s)
        else:
            stats = g14.compare_temperature(result.time, meas, sim)
        stats["label"] = spec["label"]
        stats["kind"] = spec["kind"]
        stats["boundary"] = not spec.get("calibrate", True)
        channels[name] = stats
    return {"criteria": g14.SOURCE, "channels": channels}


def meter_dataset(result: Result, replay: Replay):
    """The result's Dataset plus ``meas_<channel>`` (and ``sim_<channel>`` for sums) variables."""
    from twin.engine.results import CHANNELS

    ds = result.to_dataset()
    sm = replay.meters
    for name in sm.available_channels():
        spec = channel_specs()[name]
        unit = "W" if spec["kind"] == "power" else "degC"
        meters = " ".join(f"- {m[1:]}" if m.startswith("-") else f"+ {m}" for m in spec["meters"])[2:]
        ds[f"meas_{name}"] = ("time", sm.channel(name), {
            "units": unit, "long_name": f"measured {spec['label']} ({meters}; step mean, NaN = gap)"})
        if name not in CHANNELS:
            ds[f"sim_{name}"] = ("time", simulated_channel(result, name), {
                "units": unit, "long_name": f"simulated {spec['label']} ({' + '.join(spec['model'])})"})
    ds["meas_boundary_valid"] = ("time", replay.mask.astype(np.int8), {
        "units": "1", "long_name": "1 where IT power (and outdoor air, if metered) are measured: compared steps"})
    ds.attrs["meter_file"] = Path(sm.source.path).name
    return ds


def write_netcdf(result: Result, replay: Replay, path: Path, attrs: dict | None = None) -> None:
    """:func:`twin.engine.results.write_netcdf` with the measured channels (and extra ``attrs``)."""
    ds = meter_dataset(result, replay)
    if attrs:
        ds.attrs.update(attrs)
    atomic_write(path, lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))


def write_plot(result: Result, replay: Replay, path: Path, title: str = "") -> None:
    """Daily means, measured against simulated, one panel per metered channel (PNG).

    No pyplot (as in :mod:`twin.report.figures`): the figure is its own object, nothing global changes.
    """
    import pandas as pd
    from matplotlib.figure import Figure

    sm, mask = replay.meters, replay.mask
    names = sm.available_channels()
    fig = Figure(figsize=(10, 1.9 * len(names) + 0.6), layout="tight")
    axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
    for ax, name in zip(axes, names):
        spec = channel_specs()[name]
        scale, unit = (1e-3, "kW") if spec["kind"] == "power" else (1.0, "°C")
        meas = pd.Series(np.where(mask, sm.channel(name), np.nan) * scale, index=result.time)
        sim = pd.Series(np.where(np.isfinite(meas), simulated_channel(result, name) * scale, np.nan),
                        index=result.time)
        ax.plot(meas.resample("D").mean(), color="black", lw=0.9, label="measured")
        ax.plot(sim.resample("D").mean(), color="tab:red", lw=0.9, ls="--", label="simulated")
        ax.set_ylabel(f"{spec['label']}\n[{unit}]", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper right", ncols=2)
    axes[0].set_title(title or "Daily means: measured vs simulated (compared steps only)", fontsize=10)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))


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


def run_with_meters(path: Path, meters: Path, *, tz: str | None = None):
    """Simulate a scenario file driven by meters: ``(result, replay, comparison)``."""
    from twin.inputs.schema import load_scenario
    from twin.engine.simulate import run_plant

    scn = load_scenario(path)
    replay = prepare_replay(scn, meters, tz=tz, file=str(path), base_dir=path.parent)
    result = run_plant(replay.plant, file=str(path))
    return result, replay, compare(result, replay)


def main_replay(args, path: Path) -> int:
    """``dctwin run SCENARIO --meters FILE``: the run summary plus the meter comparison."""
    from twin.report.terminal import print_run_summary
    from twin.metrics.summary import build_summary

    result, replay, comparison = run_with_meters(path, resolve_meters(args.meters), tz=args.tz)
    summary = build_summary(result, scenario_file=str(path))
    summary["meters"] = {"data": replay.report(), "comparison": comparison}
    if args.out is not None:
        from twin.metrics.policy import policy_attrs

        write_netcdf(result, replay, args.out / "results.nc", attrs=policy_attrs(summary))
        write_plot(result, replay, args.out / "meters.png",
                   title=f"{result.plant.scenario.scenario.name}: daily means, measured vs simulated")
        write_json(summary, args.out / "summary.json")
    if args.json:
        print_json(summary)
        return 0
    print_run_summary(summary)
    print_meter_report(summary["meters"]["data"])
    print_comparison(comparison)
    if args.out is not None:
        print(f"wrote {args.out / 'results.nc'}, {args.out / 'meters.png'} and {args.out / 'summary.json'}")
    return 0


__all__ = ["Replay", "prepare_replay", "compare", "meter_dataset", "write_plot", "print_comparison",
           "run_with_meters", "simulated_channel"]
