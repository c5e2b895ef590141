"""Run one scenario: weather, plant assembly, the SimPy loop, and the result."""

from __future__ import annotations

import time as _time
from pathlib import Path

import pandas as pd

from twin.engine import events, loop, parallel_compile
from twin.engine.control import SetpointOptimiser
from twin.engine.compile_ahead import compile_ahead, site_options
from twin.engine.plant import PlantArrays, assemble
from twin.engine.results import Result
from twin.errors import InputError
from twin.inputs.calibration_schema import apply_calibration
from twin.inputs.schema import Scenario, load_scenario
from twin.inputs.weather import Weather, load_weather
from twin.measures import apply_measures


def prepare(scn: Scenario, *, file: str | None = None, base_dir: Path | None = None,
            weather: Weather | None = None) -> PlantArrays:
    """Apply the scenario's measures, load its weather (unless ``weather`` is given: another
    typical year of the site, :mod:`twin.study.uncertainty`) and assemble its plant arrays.

    A calibrated scenario's ``[calibration.overrides]`` (fitted kernel parameters without a
    scenario key, such as UPS loss coefficients) are written into the parameters last.
    """
    scn = apply_measures(scn, file=file)
    # a first run from the command line: the kernels compile in two processes, and the run's kernel beside
    # the weather and the assembly below; a wrong site or file is reported before any compilation
    compile_ahead(scn, file=file, base_dir=base_dir, check=weather is None)
    weather = weather or load_weather(scn.scenario.site, **site_options(scn, file=file, base_dir=base_dir))
    return apply_calibration(assemble(scn, weather, file=file, base_dir=base_dir))


def _load_steps(plant: PlantArrays, file: str | None) -> list[tuple[pd.Timestamp, float]]:
    steps = []
    for k, step in enumerate(plant.scenario.it.load_steps):
        try:
            at = pd.Timestamp(step.at)
        except ValueError:
            raise InputError(f"not a date/time: {step.at!r}", file=file, key=f"it.load_steps.{k}.at") from None
        if not plant.time[0] <= at <= plant.time[-1]:
            raise InputError(f"{at} is outside the simulated period {plant.time[0]} .. {plant.time[-1]}",
                             file=file, key=f"it.load_steps.{k}.at")
        steps.append((at, step.scale))
    return steps


def standard_processes(sim: loop.Simulation, steps: list[tuple[pd.Timestamp, float]]) -> None:
    """Register the scenario's schedule, load-step and supervisory-control processes."""
    plant, env = sim.plant, sim.env
    env.process(loop.monthly_setpoints(sim, plant.monthly_setpoints))
    if steps:
        env.process(loop.load_steps(sim, steps))
    control = plant.scenario.control
    if control.mode == "optimise":
        # with fixed set points there is nothing to decide; otherwise decisions are taken in the kernel
        SetpointOptimiser(plant).attach(sim)


def run_plant(plant: PlantArrays, *, file: str | None = None) -> Result:
    """Simulate a prepared plant with the standard event processes."""
    parallel_compile.join()  # a first run: the plant kernels the second process compiled, before run_span
    t0 = _time.perf_counter()
    sim = loop.Simulation(plant)
    standard_processes(sim, _load_steps(plant, file))
    power = events.install(sim)  # storage dispatch, grid outages, failures, PV (issue 4; None for legacy)
    out = sim.run()
    extras = {"power": events.finalise(power, sim), "kernel_steps": sim.kernel_steps}
    return Result(plant=plant, out=out, events=sim.events, runtime_s=_time.perf_counter() - t0, extras=extras)


def run_scenario(scn: Scenario, *, file: str | None = None, base_dir: Path | None = None) -> Result:
    """Simulate a validated scenario."""
    return run_plant(prepare(scn, file=file, base_dir=base_dir), file=file)


def check_file(path: str | Path) -> PlantArrays:
    """Everything :func:`run_file` does before simulating: read and validate the file, apply its
    measures, load its weather, assemble its plant and check its load steps (``dctwin run --check``)."""
    path = Path(path)
    plant = prepare(load_scenario(path), file=str(path), base_dir=path.parent)
    _load_steps(plant, str(path))
    return plant


def run_file(path: str | Path) -> Result:
    """Read, validate and simulate a scenario file."""
    path = Path(path)
    return run_scenario(load_scenario(path), file=str(path), base_dir=path.parent)
