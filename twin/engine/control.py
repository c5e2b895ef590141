"""Supervisory control: fixed set points or model-based optimisation at each control interval.

The optimiser (:class:`SetpointOptimiser`) runs as the controller of
:func:`twin.engine.loop.control_updates`.  At the start of every control interval it averages the
boundary conditions of the coming interval into one representative step, asks
:func:`components.facility.optimise_setpoints` for the set points that minimise facility power
with every rack inlet within its limit, and puts them into the plant parameters.  The interval
then runs with the real hourly weather.  It stands for the best a model-based or AI supervisory
controller could do on this model, not for a trained network, and it sees the interval average,
not each hour.
"""

from __future__ import annotations

import numpy as np

from components.cooling.chiller import CURVE_LAYOUT
from components.facility import optimise_setpoints
from components.layout import BOUNDARY, PARAM
from twin.engine.plant import PlantArrays


def _grid(lo: float, hi: float, step: float) -> np.ndarray:
    return np.arange(lo, hi + 1e-9, step)


class SetpointOptimiser:
    """Controller picking supply-air, chilled-water and tower set points (and economizer use)."""

    def __init__(self, plant: PlantArrays):
        c = plant.scenario.control
        curves = plant.curves
        # chilled water within the curves' physical bounds (their data range when they are held)
        extrapolate = curves[CURVE_LAYOUT.index("extrapolate")] > 0.5
        first = CURVE_LAYOUT.index("first_bound_min" if extrapolate else "first_data_min")
        chw_lo, chw_hi = curves[first], curves[first + 1]
        rows = [
            _grid(*c.supply_air_range_c, c.step_k),
            _grid(max(c.chw_range_c[0], chw_lo), min(c.chw_range_c[1], chw_hi), c.step_k),
            _grid(*c.cw_range_c, c.cw_step_k),
            np.array([0.0, 1.0]) if plant.scenario.plant.economizer else np.array([0.0]),
        ]
        if plant.scenario.plant.type == "air_cooled_chiller":
            rows[2] = rows[2][:0]  # no towers
        elif plant.scenario.plant.type != "water_cooled_chiller":
            rows[1] = rows[1][:0]
            rows[2] = rows[2][:0]
            rows[3] = rows[3][:0]
        width = max(len(r) for r in rows)
        self.grids = np.full((4, width), np.nan)
        for k, r in enumerate(rows):
            self.grids[k, :len(r)] = r
        self.limit = c.inlet_limit_c
        self.steps = max(1, int(round(c.interval_h * 3600 / plant.timestep_s)))
        self.plant = plant
        self.decisions = 0

    def __call__(self, sim) -> None:
        i0 = sim.step_at(sim.env.now)
        if i0 >= sim.n_steps:
            return
        i1 = min(sim.n_steps, i0 + self.steps)
        b = self.plant.boundary[:, i0:i1].mean(axis=1, keepdims=True)
        b[BOUNDARY.tou_period, 0] = self.plant.boundary[BOUNDARY.tou_period, i0]
        chosen = optimise_setpoints(b, sim.params, self.plant.curves, sim.state, self.grids, self.limit)
        sim.params[PARAM.supply_air_c] = chosen[0]
        sim.params[PARAM.chw_supply_c] = chosen[1]
        sim.params[PARAM.cw_setpoint_c] = chosen[2]
        sim.params[PARAM.economizer] = chosen[3]
        self.decisions += 1
