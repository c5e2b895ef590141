"""Speed of annual hourly runs with the measure-10 technologies active, and the cost of AI control.

For each mix: median of 10 warm runs of the SimPy loop and kernels (``run_plant``), plus the
ratio of the AI-controlled mix to the same mix with fixed set points (the two timed in turns,
:func:`interleaved`), and the kernel alone at the set points the AI chose (no decisions).  Targets (issue 3): all measures active <= 30 ms after
warm-up; the optimiser <= 5x a fixed-set-point run (issue 17: <= 1.5x).  Results go
to ``benchmarks/results/measures_run.json``; they are measurements, not pass/fail tests.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIXES = {
    "baseline": [],
    "chilled-water package, fixed set points": [
        {"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
        {"name": "waterside_economizer"}, {"name": "liquid_cooling"}, {"name": "thermal_storage"}],
    "chilled-water package + AI control": [
        {"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
        {"name": "waterside_economizer"}, {"name": "liquid_cooling"}, {"name": "thermal_storage"},
        {"name": "ai_control"}],
    "IEC + liquid, fixed set points": [{"name": "indirect_evaporative_cooling"}, {"name": "liquid_cooling"}],
    "IEC + liquid + AI control": [{"name": "indirect_evaporative_cooling"}, {"name": "liquid_cooling"},
                                  {"name": "ai_control"}],
    # the most complex hybrids: every stage of the chain at once (issue 14: <= 10 ms)
    "hybrid: outdoor air + pad + chilled-water package": [
        {"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
        {"name": "air_side_economizer", "evaporative": True}, {"name": "waterside_economizer"},
        {"name": "liquid_cooling"}, {"name": "thermal_storage"}],
    "hybrid: outdoor air + pad + IEC + DX trim + liquid": [
        {"name": "air_side_economizer", "evaporative": True}, {"name": "indirect_evaporative_cooling"},
        {"name": "liquid_cooling"}],
}


def measures_of(mix: str) -> list[dict]:
    """The measures of a mix of :data:`MIXES`, or of ``"<mix> + AI control"`` for any of them."""
    if mix not in MIXES and mix.endswith(" + AI control") and mix[:-len(" + AI control")] in MIXES:
        return MIXES[mix[:-len(" + AI control")]] + [{"name": "ai_control"}]
    if mix not in MIXES:
        raise SystemExit(f"unknown mix {mix!r}; choose from {sorted(MIXES)} (each also with ' + AI control')")
    return MIXES[mix]


def prepared(measures: list[dict], site: str | None = None):
    """The bundled default with ``measures`` instead of its own (and at ``site``, a bundled site id,
    if given), prepared and run once (compiled)."""
    from twin.engine.simulate import prepare, run_plant

    plant = prepare(scenario(measures, site))
    run_plant(plant)
    return plant


def scenario(measures: list[dict], site: str | None = None):
    """The bundled default with ``measures`` instead of its own (and at ``site``, if given), validated."""
    from twin.inputs.schema import validate_scenario

    with open(ROOT / "scenarios" / "guangzhou_legacy.toml", "rb") as fh:
        data = tomllib.load(fh)
    data = copy.deepcopy(data)
    data["measures"] = measures
    if site is not None:
        data["scenario"]["site"] = site
    return validate_scenario(data)


def timed(measures: list[dict], runs: int = 10) -> tuple[float, float]:
    """Median wall time and median process CPU time of a warm annual run [ms]; on a shared machine
    the CPU time is the steadier of the two (it does not count time spent waiting for a core)."""
    return warm_times(prepared(measures), runs)


def interleaved(mixes: dict[str, list[dict]], rounds: int = 5, runs: int = 3) -> dict[str, float]:
    """Median process CPU time [ms] of a warm annual run of each mix, the mixes taking turns
    (``rounds`` times ``runs`` runs each), so that ratios between them compare runs made on the
    same machine at the same time."""
    plants = {name: prepared(m) for name, m in mixes.items()}
    cpu = {name: [] for name in mixes}
    for _ in range(rounds):
        for name, plant in plants.items():
            cpu[name] += [warm_times(plant, 1)[1] for _ in range(runs)]
    return {name: statistics.median(c) for name, c in cpu.items()}


def warm_times(plant, runs: int) -> tuple[float, float]:
    """Median wall time and median process CPU time of ``runs`` warm runs of a prepared plant [ms]."""
    from twin.engine.simulate import run_plant

    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        run_plant(plant)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return 1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)


def replayed(measures: list[dict], runs: int = 10) -> float:
    """Median process CPU time [ms] of the kernel alone over a year at the set points an AI-controlled
    run chose, without deciding: the part of the AI run's cost that is the plant's physics.

    The year is replayed one control interval at a time (one call of the span kernel from Python per
    decision, 730 a year at the default 12 h); the cost of those calls themselves (1.3-1.9 ms a year,
    measured 2026-12-06) is measured with empty spans in the same loop and subtracted.
    """
    import numpy as np

    from components.layout import OUTPUT, PARAM
    from components.spans import span_kernel
    from components.step_block import step_blocks
    from twin.engine.loop import Simulation
    from twin.engine.simulate import prepare, standard_processes

    plant = prepare(scenario(measures))
    sim = Simulation(plant)
    standard_processes(sim, [])
    sim.run()
    at = np.append(sim.control.decide_at, plant.n_steps)
    chosen = sim.control.chosen[:, :4]
    set_points = [PARAM.supply_air_c, PARAM.chw_supply_c, PARAM.cw_setpoint_c, PARAM.economizer]
    run_span = span_kernel(plant.params[PARAM.plant_type])

    def replay(empty: bool) -> float:
        out, state, params = np.empty((len(OUTPUT), plant.n_steps)), plant.initial_state.copy(), plant.params.copy()
        blocks = step_blocks(len(OUTPUT), plant.boundary.shape[0])
        c0 = time.process_time()
        for k in range(len(chosen)):
            params[set_points] = chosen[k]
            run_span(at[k], at[k] if empty else at[k + 1], plant.boundary, params, plant.curves, out, state, *blocks)
        return time.process_time() - c0

    replay(False)
    full, calls = [], []
    for _ in range(runs):  # interleaved, so that both see the same machine
        full.append(replay(False))
        calls.append(replay(True))
    return 1e3 * (statistics.median(full) - statistics.median(calls))


def main() -> None:
    res = {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg()}
    both = {name: timed(m) for name, m in MIXES.items()}
    res["median_ms"] = {name: w for name, (w, _) in both.items()}
    res["median_cpu_ms"] = {name: c for name, (_, c) in both.items()}
    pairs = {pair: {k: MIXES[k] for k in (f"{pair}, fixed set points", f"{pair} + AI control")}
             for pair in ("chilled-water package", "IEC + liquid")}
    res["ai_and_fixed_interleaved_cpu_ms"] = {pair: interleaved(mixes) for pair, mixes in pairs.items()}
    res["ai_over_fixed"] = {pair: ms[f"{pair} + AI control"] / ms[f"{pair}, fixed set points"]
                            for pair, ms in res["ai_and_fixed_interleaved_cpu_ms"].items()}
    # the kernel alone at the AI's chosen set points: how much of the ratio is physics, not deciding
    res["ai_setpoints_replayed_cpu_ms"] = {name: replayed(MIXES[name + " + AI control"])
                                           for name in ("chilled-water package", "IEC + liquid")}
    res["loadavg_after"] = os.getloadavg()
    out = ROOT / "benchmarks" / "results" / "measures_run.json"
    out.write_text(json.dumps(res, indent=2))
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
