"""Supervisory control: fixed set points or model-based optimisation at each control interval.

With ``control.mode = "optimise"`` a :class:`SetpointOptimiser` is attached to the simulation
(:meth:`SetpointOptimiser.attach`).  Step by step, the loop then integrates every span with
:func:`components.supervisory.controlled_kernel`, which takes the decision of each control
interval inside the kernel: it averages the boundary conditions of the coming interval into one
representative step, searches the set points that minimise facility power with every rack inlet
within its limit, and puts them into the plant parameters; the interval then runs with the real
hourly weather.  Decisions fall on the same steps as a SimPy event every ``interval_h`` from the
start would (:attr:`SetpointOptimiser.decide_at`), and SimPy events that change the plant still cut
spans, so a decision sees the plant as they left it.  The bin method integrates whole spans by
bins, so there the decisions stay SimPy events (:func:`twin.engine.loop.control_updates` calls
the optimiser) and use the same kernel function, :func:`components.supervisory.decide`.

It stands for the best a model-based or AI supervisory controller could do on this model, not
for a trained network, and it sees the interval average, not each hour.
"""

from __future__ import annotations

import numpy as np

from components.cooling.chiller import CURVE_LAYOUT
from components.layout import BOUNDARY, N_DEFERRED, N_OUTPUT, PARAM, STATE
from components.step_block import step_block, step_blocks
from components.supervisory import CHOSEN, SETUP, controlled_kernel, decide
from twin.engine.plant import PlantArrays

#: Memo bins of the representative step (see :func:`components.supervisory.decide`): outdoor wet
#: bulb [K], dry bulb [K], load [fraction of peak IT], and the most bins remembered (a power of two, for
#: the memo's index: components.supervisory._memo_row).
BIN_WET_BULB_K, BIN_DRY_BULB_K, BIN_LOAD, MEMO_SIZE = 1.0, 1.0, 0.02, 1024
assert MEMO_SIZE & (MEMO_SIZE - 1) == 0, "the memo's index probes modulo a power of two"


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
        self.setup = np.zeros(len(SETUP))
        self.setup[SETUP.inlet_limit_c] = c.inlet_limit_c
        self.setup[SETUP.interval_steps] = max(1, int(round(c.interval_h * 3600 / plant.timestep_s)))
        self.setup[SETUP.bin_wet_bulb_k] = BIN_WET_BULB_K
        self.setup[SETUP.bin_dry_bulb_k] = BIN_DRY_BULB_K
        self.setup[SETUP.bin_load] = BIN_LOAD
        self.interval_s = c.interval_h * 3600.0
        self.plant = plant
        #: step of each decision: where a SimPy timeout every ``interval_s`` from the start lands
        self.decide_at = self._decision_steps()
        #: set points chosen at each decision and the single-step evaluations it took (:data:`CHOSEN`)
        self.chosen = np.full((len(self.decide_at), len(CHOSEN)), np.nan)
        self.decisions = 0
        self._b = np.empty((len(BOUNDARY), 1))
        self._p = np.empty(len(PARAM))
        # a decision's one-step output (its first column), in Fortran order as the steps' block, with
        # its deferred rows (components.layout.DEFERRED): the search reads no water, so its steps
        # leave the towers' water uncomputed
        self._o = step_block(N_OUTPUT + N_DEFERRED)
        self._blocks = step_blocks(N_OUTPUT, len(BOUNDARY))  # the steps' scratch (components.facility.run_blocked)
        self._scratch = np.empty(len(STATE))
        # the memo of decisions by bin, the parameters it belongs to, its index by bin (components.supervisory._memo_row)
        self._memo = (np.full((MEMO_SIZE, 8), np.nan), np.full(len(PARAM), np.nan),
                      np.full(2 * MEMO_SIZE, -1, dtype=np.int64))

    def _decision_steps(self) -> np.ndarray:
        """Step of each decision before the end: :meth:`twin.engine.loop.Simulation.step_at` of event
        times every ``interval_s`` from the start, summed one interval at a time as SimPy sums its
        timeouts (in numpy: a Python loop over a year's 730 decisions cost 1 ms a run)."""
        dt, n = float(self.plant.timestep_s), self.plant.n_steps
        count = int(n * dt / self.interval_s) + 2  # event times enough to pass the end
        times = np.concatenate(([0.0], np.add.accumulate(np.full(count, self.interval_s))))
        steps = np.minimum(n, np.ceil(times / dt - 1e-9)).astype(np.int64)
        return steps[:np.searchsorted(steps, n)]

    def attach(self, sim) -> None:
        """Take the decisions inside the kernel (step by step) or as SimPy events (bin method)."""
        from twin.engine.loop import control_updates

        if sim.plant.bins is None:
            sim.control = self
        else:
            sim.env.process(control_updates(sim, self.interval_s, self))

    def run_span(self, sim, i0: int, i1: int) -> None:
        """Integrate steps ``i0 .. i1-1`` of ``sim``, deciding at the interval boundaries among them."""
        kernel = controlled_kernel(self.plant.params[PARAM.plant_type])
        self.decisions += kernel(i0, i1, self.plant.boundary, sim.params, self.plant.curves, sim.out, sim.state,
                                 self.grids, self.setup, self.decide_at, self.chosen, self._b, self._p, self._o,
                                 self._scratch, *self._memo, *self._blocks)

    def __call__(self, sim) -> None:
        """One decision now (a SimPy control event; the bin method)."""
        i0 = sim.step_at(sim.env.now)
        if i0 >= sim.n_steps:
            return
        decide(i0, self.plant.boundary, sim.params, self.plant.curves, sim.state, self.grids, self.setup,
               self._b, self._p, self._o, self._scratch, *self._memo, self.chosen[self.decisions])
        self.decisions += 1
