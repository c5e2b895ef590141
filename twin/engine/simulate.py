"""Run one scenario: weather, plant assembly, the SimPy loop, and the result."""

from __future__ import annotations

import sys
import time as _time
from pathlib import Path

import pandas as pd

from twin.engine import events, loop, parallel_compile
from twin.engine.control import SetpointOptimiser
from twin.engine.plant import PLANT_CODES, PlantArrays, assemble
from twin.engine.results import Result
from twin.errors import InputError
from twin.inputs.calibration_schema import apply_calibration
from twin.inputs.schema import Scenario, load_scenario
from twin.inputs.weather import Weather, check_site, load_weather
from twin.measures import apply_measures


#: Printed on stderr before Numba compiles the kernels (the first run after installing or editing);
#: 8.7-24 s measured on this 2-core machine (benchmarks/results/speed_targets.md, README "Speed").
COMPILE_NOTICE = "dctwin: compiling kernels, first run only (about 10-25 s)"
_notified = False
#: span kernels found on disk by :func:`notify_if_compiling`: their cache index is read once a
#: process, not for every case of a sweep (whose batched calls never load the span kernel)
_on_disk: set = set()


def notify_if_compiling(*kernels) -> bool:
    """Print :data:`COMPILE_NOTICE` on stderr, once a process, when one of the span kernels a run or a sweep
    will call (``kernels``) is neither loaded nor on disk; return whether."""
    global _notified
    from components._jit import has_cached_machine_code

    if _notified or not kernels or not hasattr(kernels[0], "signatures"):  # NUMBA_DISABLE_JIT=1: plain Python
        return False
    for target in kernels:  # loaded in this process (by the event loop, or by a sweep's batched calls), or on disk
        if target.signatures or target in _on_disk:
            continue
        if not has_cached_machine_code(target):
            print(COMPILE_NOTICE, file=sys.stderr, flush=True)
            _notified = True
            return True
        _on_disk.add(target)
    return False


def prepare(scn: Scenario, *, file: str | None = None, base_dir: Path | None = None,
            weather: Weather | None = None) -> PlantArrays:
    """Apply the scenario's measures, load its weather (unless ``weather`` is given: another
    typical year of the site, :mod:`twin.study.uncertainty`) and assemble its plant arrays.

    A calibrated scenario's ``[calibration.overrides]`` (fitted kernel parameters without a
    scenario key, such as UPS loss coefficients) are written into the parameters last.
    """
    scn = apply_measures(scn, file=file)
    plant_type = PLANT_CODES[scn.plant.type]
    controlled = scn.control.mode == "optimise" and scn.scenario.method == "steps"
    s = scn.scenario
    site = {"timestep_s": s.timestep_min * 60, "year": s.year, "base_dir": base_dir, "file_for_errors": file,
            "key_for_errors": "scenario.site"}
    if weather is None:  # a wrong site or file is reported before any compilation
        check_site(s.site, **site)
    notify_if_compiling(parallel_compile.run_kernel(plant_type, controlled))
    # a first run from the command line: the kernels compile in two processes, and the run's kernel beside
    # the weather and the assembly below
    parallel_compile.start(plant_type, controlled)
    weather = weather or load_weather(s.site, **site)
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
