"""Run many prepared plants at once: the cases without discrete events in one compiled call.

:func:`twin.engine.simulate.run_plant` hands a plant to the SimPy loop, which integrates it span
by span between its events.  A plant with no event at all (:func:`single_span`) is integrated by
that loop as one span from the first step to the last, with the parameters as assembled.
:func:`run_single_spans` does exactly that for a list of such plants through
:func:`components.batch.cases_kernel`, one compiled call over a case axis per plant family, and returns the same
:class:`~twin.engine.results.Result` as :func:`~twin.engine.simulate.run_plant` would, bit for bit
(``tests/test_sweep_identity.py``).  Plants with events keep the SimPy path.
"""

from __future__ import annotations

import time as _time

import numpy as np

from components.batch import cases_kernel
from components.layout import OUTPUT, PARAM
from components.spans import binned_kernel
from components.step_block import step_blocks
from twin.engine.events import needs_events
from twin.engine.loop import varying_setpoints
from twin.engine.parallel_compile import run_kernel
from twin.engine.compile_ahead import PLANT_CODES
from twin.engine.plant import PlantArrays, setpoint_schedule
from twin.engine.results import Result
from twin.inputs.schema import Scenario


def single_span(plant: PlantArrays) -> bool:
    """Whether the SimPy loop would integrate ``plant`` as one span with its assembled parameters:
    every step simulated (``scenario.method = "steps"``), no set point that changes by month, no IT
    load step, fixed set points (no supervisory control), and no power, storage or grid event
    (:func:`twin.engine.events.needs_events`)."""
    return plant.bins is None and _one_span(plant.scenario, plant.monthly_setpoints)


def _one_span(scn: Scenario, setpoints: dict[str, np.ndarray]) -> bool:
    """Whether a stepped run of ``scn`` with the monthly ``setpoints`` is one span (see :func:`single_span`)."""
    return (not varying_setpoints(setpoints) and not scn.it.load_steps and scn.control.mode != "optimise"
            and not needs_events(scn))


def case_kernel(scn: Scenario):
    """The compiled kernel that simulates a case of ``scn`` (its measures applied) in a sweep: the bin
    method's span kernel (``scenario.method = "bins"``, :func:`components.spans.binned_kernel`), its plant
    family's batched kernel for a case that is one span (:func:`single_span`, :func:`run_single_spans`),
    else the kernel the SimPy loop calls (:func:`twin.engine.parallel_compile.run_kernel`: the controlled
    span kernel with AI control, the span kernel otherwise)."""
    plant_type = PLANT_CODES[scn.plant.type]
    if scn.scenario.method == "bins":
        return binned_kernel(plant_type)
    if _one_span(scn, setpoint_schedule(scn)):
        return cases_kernel(plant_type)
    return run_kernel(plant_type, scn.control.mode == "optimise")


def run_single_spans(plants: list[PlantArrays]) -> list[Result]:
    """Simulate plants that are each one span (:func:`single_span`) in one kernel call per plant family
    (:func:`components.batch.cases_kernel`).

    The plants must share the number of steps.  Each result's ``out`` is a view into one array
    of its family's plants' channels, so the results of one call are kept, or dropped, together;
    ``runtime_s`` is the calls' wall time shared equally. [s]
    """
    if not plants:
        return []
    assert all(single_span(p) for p in plants), "a plant with events needs the SimPy loop (run_plant)"
    n_steps = plants[0].n_steps
    if any(p.n_steps != n_steps for p in plants):
        raise ValueError("plants of one batched call must have the same number of steps")
    t0 = _time.perf_counter()
    by_kernel: dict = {}
    for c, p in enumerate(plants):
        by_kernel.setdefault(cases_kernel(p.params[PARAM.plant_type]), []).append(c)
    outs = [None] * len(plants)
    blocks = step_blocks(len(OUTPUT), plants[0].boundary.shape[0])
    for kernel, cases in by_kernel.items():
        out = np.empty((len(cases), len(OUTPUT), n_steps))
        # the kernel reads the weather only: one case's is passed as a view with a leading axis of one
        # (a sweep runs one case a call; copying its 10 x 8,760 numbers took 36 us); the states are
        # copies, which the kernel advances
        boundary = (plants[cases[0]].boundary[np.newaxis] if len(cases) == 1
                    else np.stack([plants[c].boundary for c in cases]))
        kernel(boundary, np.stack([plants[c].params for c in cases]), np.stack([plants[c].curves for c in cases]),
               out, np.stack([plants[c].initial_state for c in cases]), *blocks)
        for k, c in enumerate(cases):
            outs[c] = out[k]
    runtime = (_time.perf_counter() - t0) / len(plants)
    return [Result(plant=p, out=outs[c], events=[], runtime_s=runtime, extras={"power": {}, "kernel_steps": n_steps})
            for c, p in enumerate(plants)]
