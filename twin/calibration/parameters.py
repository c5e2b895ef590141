"""The parameters a calibration may estimate: what each one changes, its plausible bounds, and
which metered channels observe it (:mod:`twin.calibration.calibrate` fits them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from components.layout import PARAM
from twin.engine.plant import monthly


@dataclass(frozen=True)
class Parameter:
    """An uncertain scenario quantity the calibration may estimate."""

    name: str
    unit: str
    description: str
    written_to: str
    observed_by: tuple[str, ...]            # channels that observe its component
    reassemble: bool                        # True: changes design quantities, re-assemble
    base: Callable                          # (plant) -> base value
    bounds: Callable                        # (base, plant) -> (lo, hi)
    applies: Callable = lambda scn: True    # (scenario) -> bool
    without_meter: str = "the facility meter alone cannot separate it from the other loads"


def _monthly_mean(value) -> float:
    return float(np.mean(monthly(value)))


def _setpoint_bounds(lo_abs, hi_abs, below, above):
    def bounds(base, plant, key):
        months = plant.monthly_setpoints[key]
        return max(base - below, base + lo_abs - months.min()), min(base + above, base + hi_abs - months.max())
    return bounds


_SA_BOUNDS = _setpoint_bounds(10.0, 32.0, 6.0, 6.0)
_CHW_BOUNDS = _setpoint_bounds(4.0, 18.0, 3.0, 8.0)

PARAMETERS: dict[str, Parameter] = {p.name: p for p in [
    Parameter("chiller_cop_scale", "-", "chiller (or DX) COP relative to the base scenario's rated COP: "
              "age, fouling, refrigerant charge", "plant.chiller_rated_cop", ("p_chillers", "p_facility"),
              True, lambda pl: 1.0,
              lambda b, pl: (max(0.4, 1.05 / pl.scenario.plant.chiller_rated_cop),
                             min(1.6, 15.0 / pl.scenario.plant.chiller_rated_cop)),
              lambda scn: scn.plant.type in ("water_cooled_chiller", "air_cooled_chiller", "dx", "iec")),
    Parameter("ups_no_load", "-", "UPS no-load loss, fraction of unit rating (WP113 a)",
              "calibration.overrides.ups_no_load", ("p_ups_loss", "p_ups_in"), False,
              lambda pl: float(pl.params[PARAM.ups_no_load]), lambda b, pl: (0.0, 0.15),
              without_meter=("through the facility meter alone it is confounded with the chiller COP scale "
                             "and the other losses")),
    Parameter("ups_proportional", "-", "UPS proportional loss, fraction of load (WP113 b)",
              "calibration.overrides.ups_proportional", ("p_ups_loss", "p_ups_in"), False,
              lambda pl: float(pl.params[PARAM.ups_proportional]), lambda b, pl: (0.0, 0.15),
              without_meter=("through the facility meter alone it is confounded with the chiller COP scale "
                             "and the other losses")),
    Parameter("crah_unit_fan_kw", "kW", "CRAH fan power per unit at design airflow", "crah.unit_fan_kw",
              ("p_crah_fans",), False, lambda pl: float(pl.scenario.crah.unit_fan_kw),
              lambda b, pl: (0.25 * b, 3.0 * b),
              without_meter=("through the facility meter alone it is confounded with every other constant "
                             "load (lighting, auxiliaries)")),
    Parameter("recirculation_min", "-", "minimum recirculated fraction of server intake",
              "air.recirculation_min", ("t_rack_inlet",), False,
              lambda pl: float(pl.scenario.air.recirculation_min), lambda b, pl: (0.0, 0.6),
              without_meter="while IT power is metered no power meter responds to it"),
    Parameter("supply_air_c", "degC", "supply-air set point (annual mean; a monthly schedule shifts as a whole)",
              "air.supply_air_c", ("t_supply_air", "t_rack_inlet", "t_return_air"), False,
              lambda pl: _monthly_mean(pl.scenario.air.supply_air_c),
              lambda b, pl: _SA_BOUNDS(b, pl, "supply_air_c"),
              without_meter="while IT power is metered power meters hardly respond to it"),
    Parameter("chw_supply_c", "degC", "chilled-water supply set point (annual mean; a monthly schedule shifts)",
              "plant.chw_supply_c", ("t_chw_supply",), False,
              lambda pl: _monthly_mean(pl.scenario.plant.chw_supply_c),
              lambda b, pl: _CHW_BOUNDS(b, pl, "chw_supply_c"),
              lambda scn: scn.plant.type == "water_cooled_chiller",
              "through the power meters it is confounded with the chiller COP scale"),
    Parameter("tower_approach_k", "K", "cooling-tower design approach (sets the tower NTU)",
              "plant.tower_approach_k", ("p_tower_fans", "t_condenser", "p_chillers"), True,
              lambda pl: float(pl.scenario.plant.tower_approach_k), lambda b, pl: (1.5, 10.0),
              lambda scn: scn.plant.type == "water_cooled_chiller",
              "through the facility meter alone it is confounded with the chiller COP scale"),
]}
