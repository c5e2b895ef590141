"""The SimPy event loop that drives a simulated year.

SimPy owns the discrete events; Numba integrates the time steps between them.  Every process
follows one rule: **before it changes the plant, it calls** :meth:`Simulation.advance_to`, which
hands the span since the previous event to the span kernel of the plant's family
(:func:`components.spans.span_kernel`, :func:`components.facility.run_span` without the other
plant families' code; or, for ``scenario.method = "bins"``, to the family's
:func:`components.bin_method.run_span_binned`; with supervisory control, to :func:`components.supervisory.controlled_kernel`, which takes the control decisions
that fall inside the span, see :mod:`twin.engine.control`).  The span
runs with the parameters as they were; the process then changes ``params`` (a set point, an
availability, a load scale) and yields its next timeout.  There is never one event per time step.

How a later process plugs in (a grid outage, a chiller failure)::

    def chiller_failures(sim, rng, mtbf_h, mttr_h):
        while True:
            yield sim.env.timeout(rng.exponential(mtbf_h) * 3600)
            sim.advance_to(sim.env.now)                      # integrate up to the failure
            sim.params[PARAM.chillers_available] -= 1        # change the plant
            yield sim.env.timeout(rng.exponential(mttr_h) * 3600)
            sim.advance_to(sim.env.now)
            sim.params[PARAM.chillers_available] += 1

and is registered with ``sim.env.process(chiller_failures(sim, ...))`` before :meth:`run`.
Event times are snapped to step boundaries (a change applies from the step that starts at or
after the event); sub-step transients such as ride-through seconds are computed inside the
process itself.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import simpy

from components.layout import BOUNDARY, OUTPUT, PARAM
from components.spans import binned_kernel, span_kernel
from components.step_block import step_blocks
from twin.engine.plant import PlantArrays


class Simulation:
    """One simulated period of one plant."""

    def __init__(self, plant: PlantArrays):
        self.plant = plant
        self.env = simpy.Environment()
        self.params = plant.params.copy()
        self.dt = float(plant.timestep_s)
        self.n_steps = plant.n_steps
        self.out = np.empty((len(OUTPUT), self.n_steps))
        self.blocks = step_blocks(len(OUTPUT), len(BOUNDARY))  # the span kernels' scratch (components.step_block)
        self.state = plant.initial_state.copy()
        self.step_done = 0
        self.spans = 0
        self.kernel_steps = 0  # steps the kernel simulated: every step, or the bins of each span
        self.events: list[tuple[float, str]] = []
        self.control = None  # a SetpointOptimiser deciding inside the kernel (twin.engine.control)

    def step_at(self, t_s: float) -> int:
        """Index of the first step that starts at or after ``t_s``. [-]"""
        return min(self.n_steps, int(np.ceil(t_s / self.dt - 1e-9)))

    def advance_to(self, t_s: float) -> None:
        """Integrate every step that starts before ``t_s`` with the current parameters."""
        i1 = self.step_at(t_s)
        if i1 > self.step_done:
            if self.control is not None:
                self.control.run_span(self, self.step_done, i1)
                self.kernel_steps += i1 - self.step_done
            elif self.plant.bins is None:
                span_kernel(self.params[PARAM.plant_type])(self.step_done, i1, self.plant.boundary, self.params,
                                                           self.plant.curves, self.out, self.state, *self.blocks)
                self.kernel_steps += i1 - self.step_done
            else:
                self.kernel_steps += binned_kernel(self.params[PARAM.plant_type])(
                    self.step_done, i1, self.plant.boundary, self.params, self.plant.curves, self.out, self.state,
                    *self.plant.bins)
            self.step_done = i1
            self.spans += 1

    def log(self, what: str) -> None:
        self.events.append((self.env.now, what))

    def run(self) -> np.ndarray:
        """Run every registered process to the end of the period; return the output array."""
        end = self.n_steps * self.dt
        self.env.run(until=end)
        self.advance_to(end)
        return self.out


def _seconds_from_start(time: pd.DatetimeIndex, at: pd.Timestamp) -> float:
    return (at - time[0]).total_seconds()


def varying_setpoints(setpoints: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The set points of a monthly schedule that change during the year (each a change at a month
    boundary, so an event); set points constant all year are in ``params`` already."""
    return {k: v for k, v in setpoints.items() if np.ptp(v) > 0}


def monthly_setpoints(sim: Simulation, setpoints: dict[str, np.ndarray]):
    """Process: apply the monthly set-point schedule at each month boundary."""
    time = sim.plant.time
    index = {"supply_air_c": PARAM.supply_air_c, "chw_supply_c": PARAM.chw_supply_c,
             "cw_setpoint_c": PARAM.cw_setpoint_c}
    varying = varying_setpoints(setpoints)
    if not varying:
        return
    first = time[0].normalize().replace(day=1)
    for month in range(1, 12):
        at = first + pd.DateOffset(months=month)
        delay = _seconds_from_start(time, at) - sim.env.now
        if delay < 0:
            continue
        yield sim.env.timeout(delay)
        sim.advance_to(sim.env.now)
        for name, values in varying.items():
            sim.params[index[name]] = values[at.month - 1]
        sim.log(f"set points for month {at.month}")


def load_steps(sim: Simulation, steps: list[tuple[pd.Timestamp, float]]):
    """Process: IT load step changes (utilisation multiplier from each time on)."""
    for at, scale in sorted(steps):
        delay = _seconds_from_start(sim.plant.time, at) - sim.env.now
        if delay < 0:
            continue
        yield sim.env.timeout(delay)
        sim.advance_to(sim.env.now)
        sim.params[PARAM.load_scale] = scale
        sim.log(f"load scale {scale}")


def control_updates(sim: Simulation, interval_s: float, controller: Callable[[Simulation], None]):
    """Process: call the supervisory controller at every control interval boundary."""
    while True:
        controller(sim)
        yield sim.env.timeout(interval_s)
        sim.advance_to(sim.env.now)
