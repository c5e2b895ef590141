"""Run a site: several halls on one weather year, each on its own plant or on a shared chilled-water plant.

How a site runs (:func:`run_site`):

1. Every hall is prepared and run by the ordinary machinery (:func:`twin.engine.simulate.prepare`,
   :func:`twin.engine.simulate.run_plant`: measures, events, set-point schedules, the facility kernel),
   with its own IT load, air side and power chain.  A hall with its own plant is exactly the
   scenario it would be on its own, so a site of two identical own-plant halls uses exactly
   twice one hall's energy.
2. A hall on the shared plant runs with ``plant.type = "district"`` and no distribution pumps
   (``twin/inputs/site_schema.py``): its ``q_purchased_cooling`` is the chilled-water load it hands to
   the plant, coil load (sensible + latent, within the CRAH capacity) plus liquid heat sent to
   the chillers [W].
3. The shared plant (:func:`components.plant.shared.shared_plant_span`) runs once over the sum
   of those loads, month by month with the plant's chilled-water and tower set points: chillers
   staged on the total, chilled-water pumps (their heat joins the load), towers, economizer.  It
   is fed by its own LV board (switchgear and transformers sized on its design load: every hall
   on it full, at utilisation 1, over the weather year; :func:`twin.engine.plant_power.supply_params`).
4. Heat the shared plant cannot remove does not vanish: it is handed back to the halls in
   proportion to their chilled-water load at that step, added to each hall's ``q_unmet`` (and
   taken off its ``q_purchased_cooling``, so the hall's heat balance still closes), and it warms
   that hall's supply air, rack inlets and return air by ``q / (m_crah c_p)`` for the step.
   Approximation: one pass, the servers' fan speed and IT power are not re-solved at the warmer
   inlet (a hall on its own plant re-solves its air side once at the warmer supply air), and the
   chilled-water load is not recomputed.  The halls' feasibility checks (cooling, inlet) then judge
   the effect, and the shared plant's own chiller and transformer loading are checked.
5. The shared plant's electricity is allocated to its halls in proportion to their chilled-water
   load at each step (by IT power in steps with no load), so the halls' allocated energies add up
   to the site meter.  Site PUE = site facility energy / site IT energy.
"""

from __future__ import annotations

import contextlib
import time as _time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from components.cooling.air_management import CP_AIR
from components.layout import CHAIN_LEGACY, N_OUTPUT, OUTPUT, PARAM
from components.plant.shared import shared_plant_span
from components.step_block import step_blocks
from twin.engine.plant import PlantArrays, assemble
from twin.engine.plant_power import design_run, supply_params
from twin.engine.results import Result
from twin.engine.simulate import prepare, run_plant
from twin.errors import InputError
from twin.inputs.envelope import thresholds
from twin.inputs.site_schema import HallSpec, SiteSpec, load_site, rekeyed

# the critical path of the plant board is empty: no IT, UPS, PDU, lighting, storage or generators
_BOARD_ZERO = (PARAM.pdu_no_load, PARAM.ups_units, PARAM.lighting_w, PARAM.auxiliary_w, PARAM.generator_heater_w,
               PARAM.battery_float_w, PARAM.storage_charge_w, PARAM.storage_discharge_w, PARAM.flywheel_standby_w,
               PARAM.distribution_square_law, PARAM.psu_capacity_w, PARAM.supply_backup_fraction)
# temperatures of a hall that the shared plant's handed-back unmet heat raises (one pass, see the docstring)
_WARMED = ("t_supply_air", "t_rack_inlet", "t_rack_inlet_max", "t_return_air")


@dataclass
class HallRun:
    """One hall of a site and its result (for a shared hall, after the unmet heat is handed back)."""

    spec: HallSpec
    result: Result
    #: the hall's share of the shared plant's electric power per step [W] (zeros for an own plant)
    shared_power_w: np.ndarray
    #: the shared plant's unmet heat handed back to this hall per step [W] (zeros for an own plant)
    unmet_from_plant_w: np.ndarray

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass
class SharedPlantRun:
    """The shared chilled-water plant: its assembled parameters, output channels and served load."""

    plant: PlantArrays
    out: np.ndarray
    load_w: np.ndarray       # summed chilled-water load of its halls per step [W]
    unmet_w: np.ndarray      # load it could not meet per step (handed back to the halls) [W]
    design: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.out[OUTPUT[name]]


@dataclass
class SiteResult:
    """Every hall of a site, the shared plant (or None), and the site meter."""

    spec: SiteSpec
    halls: list[HallRun]
    shared: SharedPlantRun | None
    runtime_s: float = 0.0

    @property
    def timestep_s(self) -> int:
        return self.halls[0].result.plant.timestep_s

    def channel(self, name: str) -> np.ndarray:
        """A power or heat channel summed over the halls and the shared plant, per step. [W]"""
        total = sum(h.result[name] for h in self.halls)
        return total + self.shared[name] if self.shared is not None else total


@contextlib.contextmanager
def _under(key: str, file: str | None, table: str | None = None):
    """Re-raise an :class:`InputError` with its key path under ``key`` (a table of the site file).

    ``table``: a scenario table the error's key starts with that ``key`` stands for (the shared
    plant is assembled as the ``[plant]`` of a scenario).
    """
    try:
        yield
    except InputError as exc:
        if table and exc.key and exc.key.startswith(f"{table}."):
            exc = InputError(exc.message, key=exc.key[len(table) + 1:])
        raise rekeyed(InputError(exc.message, file=file, key=exc.key), key) from None


def _run_hall(spec: HallSpec, file: str | None, base_dir: Path | None) -> Result:
    with _under(spec.key, file):
        plant = prepare(spec.scenario, file=file, base_dir=base_dir)
        if spec.shared and plant.scenario.plant.type != "district":
            raise InputError("a measure changed the plant of a hall on the shared plant; apply plant measures "
                             "to [shared_plant]", file=file, key="measures")
        return run_plant(plant, file=file)


def plant_board_params(p: np.ndarray) -> np.ndarray:
    """The plant's parameters with an empty critical path, so :func:`power_chain` meters only the plant."""
    q = p.copy()
    q[list(_BOARD_ZERO)] = 0.0
    q[PARAM.chain_kind] = CHAIN_LEGACY
    q[PARAM.supply_grid_fraction] = 1.0
    return q


def _run_shared_span(plant: PlantArrays, p: np.ndarray, q_load: np.ndarray) -> np.ndarray:
    """Run the shared plant over the year, month by month with its set-point schedule; return ``out``."""
    out = np.zeros((N_OUTPUT, plant.n_steps))
    block, steps_in = step_blocks(N_OUTPUT, plant.boundary.shape[0])
    block[:] = 0.0  # the channels the shared plant does not write stay 0
    state = plant.initial_state.copy()
    months = plant.weather.month_index
    p = p.copy()
    for m in np.unique(months):
        steps = np.flatnonzero(months == m)
        p[PARAM.chw_supply_c] = plant.monthly_setpoints["chw_supply_c"][m]
        p[PARAM.cw_setpoint_c] = plant.monthly_setpoints["cw_setpoint_c"][m]
        shared_plant_span(int(steps[0]), int(steps[-1]) + 1, plant.boundary, p, plant.curves, q_load, out, state, block, steps_in)
    return out


def _refuse_tiny_plant(spec: SiteSpec, halls: list[HallRun]) -> None:
    """A shared plant below ``min_capacity_ratio`` of its halls' installed IT is an input error (twin/engine/sizing.py)."""
    sp = spec.shared_plant
    it_w = sum(h.result.plant.params[PARAM.it_peak_w] for h in halls if h.spec.shared)
    ratio = thresholds()["refuse"]["min_capacity_ratio"]
    installed = sp.chillers * sp.chiller_capacity_kw * 1e3
    if installed < ratio * it_w:
        raise InputError(f"installed chiller capacity ({sp.chillers} x {sp.chiller_capacity_kw:g} kW) is "
                         f"{installed / it_w:.2%} of the installed IT it serves ({it_w / 1e3:,.0f} kW); at least "
                         f"{ratio:.0%} is needed to simulate (check the units)", file=spec.file,
                         key="shared_plant.chiller_capacity_kw")


def run_shared_plant(spec: SiteSpec, halls: list[HallRun], base_dir: Path | None = None) -> SharedPlantRun:
    """Assemble and run the shared plant over its halls' summed load; hand its unmet heat back to them."""
    on_plant = [h for h in halls if h.spec.shared]
    _refuse_tiny_plant(spec, halls)
    first = on_plant[0].result.plant
    # the plant's parameters: the first shared hall's scenario with the shared plant in place of its
    # purchase; that hall's transformers stay on its own chain (the board's are sized below)
    scn = first.scenario.model_copy(update={"plant": spec.shared_plant,
                                            "power": first.scenario.power.model_copy(update={"transformers": "none"})})
    with _under("shared_plant", spec.file, table="plant"):
        plant = assemble(scn, first.weather, file=spec.file, base_dir=base_dir)
    p = plant_board_params(plant.params)
    design_load = sum(design_run(h.result.plant.params, h.result.plant.boundary, h.result.plant.curves,
                                 h.result.plant.initial_state, h.spec.scenario.it.design_kw * 1e3,
                                 h.spec.scenario.power_chain.psu_capacity_ratio)[OUTPUT.q_purchased_cooling]
                      for h in on_plant)
    board = spec.shared_plant.power

    def design_electric_w() -> float:
        q = p.copy()
        q[PARAM.tx_units] = 0.0
        q[PARAM.switchgear_square_law] = 0.0
        q[PARAM.switchgear_rating_w] = 1.0
        return float(_run_shared_span(plant, q, design_load)[OUTPUT.p_facility].max())

    p[PARAM.switchgear_square_law] = board.switchgear_square_law
    design = supply_params(p, board, board.transformer_topology, design_electric_w, spec.file, "shared_plant.power")
    design["chiller_capacity_total_kw"] = spec.shared_plant.chillers * spec.shared_plant.chiller_capacity_kw
    design["design_chilled_water_load_kw"] = float(design_load.max() / 1e3)
    loads = np.array([h.result["q_purchased_cooling"] for h in on_plant])
    total = loads.sum(axis=0)
    out = _run_shared_span(plant, p, total)
    plant.params = p
    unmet = out[OUTPUT.q_unmet].copy()
    _allocate(on_plant, loads, total, unmet, out[OUTPUT.p_facility])
    return SharedPlantRun(plant=plant, out=out, load_w=total, unmet_w=unmet, design=design)


def _allocate(on_plant: list[HallRun], loads: np.ndarray, total: np.ndarray, unmet: np.ndarray,
              p_plant: np.ndarray) -> None:
    """Share the plant's unmet heat and electric power among its halls (see the module docstring)."""
    it = np.array([h.result["p_it"] for h in on_plant])
    it_total = it.sum(axis=0)
    has_load = total > 0.0
    weights = np.where(has_load, loads / np.where(has_load, total, 1.0),
                       it / np.where(it_total > 0.0, it_total, 1.0))
    for h, w in zip(on_plant, weights):
        out = h.result.out
        back = w * unmet
        h.unmet_from_plant_w = back
        h.shared_power_w = w * p_plant
        out[OUTPUT.q_unmet] += back
        out[OUTPUT.q_purchased_cooling] -= back
        p = h.result.plant.params
        m_crah = out[OUTPUT.crah_flow_ratio] * p[PARAM.crah_units] * p[PARAM.crah_unit_flow_kgs]
        rise = np.where(back > 0.0, back / (m_crah * CP_AIR), 0.0)
        for name in _WARMED:
            out[OUTPUT[name]] += rise


def run_site(spec: SiteSpec, *, base_dir: Path | None = None) -> SiteResult:
    """Simulate every hall of a validated site, then its shared plant."""
    t0 = _time.perf_counter()
    halls = []
    for h in spec.halls:
        result = _run_hall(h, spec.file, base_dir)
        zeros = np.zeros(result.plant.n_steps)
        halls.append(HallRun(spec=h, result=result, shared_power_w=zeros, unmet_from_plant_w=zeros.copy()))
    shared = run_shared_plant(spec, halls, base_dir) if spec.shared_plant is not None else None
    return SiteResult(spec=spec, halls=halls, shared=shared, runtime_s=_time.perf_counter() - t0)


def run_site_file(path: str | Path) -> SiteResult:
    """Read, validate and simulate a site file."""
    path = Path(path)
    return run_site(load_site(path), base_dir=path.parent)
