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

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from twin.engine.plant import PlantArrays, assemble
from twin.engine.results import Result, atomic_write, write_dataset
from twin.inputs.calibration_schema import apply_calibration
from twin.inputs.meter_file import channel_specs
from twin.inputs.meters import SteppedMeters, load_meters, measured_weather
from twin.metrics import guideline14 as g14


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
    write_dataset(ds, path)


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


def run_with_meters(path: Path, meters: Path, *, tz: str | None = None):
    """Simulate a scenario file driven by meters: ``(result, replay, comparison)``."""
    from twin.engine.simulate import run_plant
    from twin.inputs.schema import load_scenario

    scn = load_scenario(path)
    replay = prepare_replay(scn, meters, tz=tz, file=str(path), base_dir=path.parent)
    result = run_plant(replay.plant, file=str(path))
    return result, replay, compare(result, replay)


__all__ = ["Replay", "prepare_replay", "compare", "meter_dataset", "write_netcdf", "write_plot",
           "run_with_meters", "simulated_channel"]
