"""Installed capacities of an assembled plant, and the refusal of impossible sizes before a run.

A plant that is merely undersized is simulated and its run is reported ``infeasible``
(:mod:`twin.metrics.feasibility`).  A capacity below ``[refuse] min_capacity_ratio`` (1 %) of
the load it serves is not an undersized plant but an input error, most likely a unit slip (kW
for MW, W for kW): the kernel would book nearly all heat as unmet and its temperatures would
lose physical meaning (``design_kw = 1e6`` on the default plant gave a 23,024 degC rack inlet).
Such a scenario is refused with one :class:`~twin.errors.InputError` line before simulating.

Loads compared (installed IT peak ``P_IT = it.design_kw x it.occupancy``, liquid share ``phi``):

- chillers (water- or air-cooled) or DX compressors: ``P_IT``, or ``(1 - phi) P_IT`` when dry coolers take the liquid heat;
- CRAH coils: ``(1 - phi) P_IT``;
- UPS units or power modules: ``P_IT``.

It runs before the transformers are sized (:func:`twin.engine.plant_power.transformer_params`, which
simulates a design step), so an absurd scenario is refused before anything is simulated; given
transformers that are merely short are reported by the feasibility verdict.

When every compared capacity is short, the IT size is the likelier error and the message names
``it.design_kw``; otherwise it names the short capacity's key.
"""

from __future__ import annotations

import numpy as np

from components.layout import CHAIN_LEGACY, PARAM
from twin.errors import InputError
from twin.inputs.envelope import thresholds


def conversion_rating_w(p: np.ndarray) -> float:
    """Output rating of every energised UPS unit, power module or rectifier together. [W]"""
    if p[PARAM.chain_kind] == CHAIN_LEGACY:
        return float(p[PARAM.ups_units] * p[PARAM.ups_unit_rating_w])
    return float(p[PARAM.chain_systems] * p[PARAM.modules_per_system] * p[PARAM.module_rating_w])


def transformer_rating_w(p: np.ndarray) -> float:
    """Real-power rating of the energised LV transformers, units x kVA x power factor (0 when absent). [W]"""
    return float(p[PARAM.tx_units] * p[PARAM.tx_rating_va] * p[PARAM.tx_power_factor])


def capacity_needs(p: np.ndarray, scn) -> list[tuple[str, str, float, float]]:
    """``(key, label, installed W, load W)`` of each capacity compared before a run (see the module docstring)."""
    it_w = p[PARAM.it_peak_w]
    phi = scn.liquid.fraction
    air_w = (1.0 - phi) * it_w
    rows = []
    if scn.plant.type in ("water_cooled_chiller", "air_cooled_chiller", "dx"):
        plant_w = air_w if (phi > 0.0 and scn.liquid.rejection == "dry_cooler") else it_w
        rows.append(("plant.chiller_capacity_kw", f"installed chiller capacity ({scn.plant.chillers} x "
                     f"{scn.plant.chiller_capacity_kw:g} kW)", scn.plant.chillers * scn.plant.chiller_capacity_kw * 1e3,
                     plant_w))
    rows.append(("crah.unit_capacity_kw", f"installed CRAH coil capacity ({scn.crah.units} x "
                 f"{scn.crah.unit_capacity_kw:g} kW)", p[PARAM.crah_units] * p[PARAM.crah_unit_capacity_w], air_w))
    ups_key = "power.ups_unit_kw" if p[PARAM.chain_kind] == CHAIN_LEGACY else "power_chain.system_kw"
    rows.append((ups_key, "installed UPS / power-module output", conversion_rating_w(p), it_w))
    return [r for r in rows if r[3] > 0.0]


def _kw(watts: float) -> str:
    kw = watts / 1e3
    return f"{kw:,.0f}" if kw >= 10.0 else f"{kw:.3g}"


def refuse_impossible_sizes(p: np.ndarray, scn, *, file: str | None = None) -> None:
    """Raise :class:`InputError` when an installed capacity is below ``min_capacity_ratio`` of its load."""
    limit = thresholds()["refuse"]["min_capacity_ratio"]
    rows = capacity_needs(p, scn)
    short = [r for r in rows if r[2] < limit * r[3]]
    if not short:
        return
    key, label, installed, load = min(short, key=lambda r: r[2] / r[3])
    it_kw = p[PARAM.it_peak_w] / 1e3
    found = f"{label} of {_kw(installed)} kW is {100 * installed / load:.2g} % of the {load / 1e3:,.0f} kW it serves"
    if len(short) == len(rows):
        key, found = "it.design_kw", (f"{it_kw:,.0f} kW of IT (it.design_kw x it.occupancy) is over "
                                      f"{1 / limit:,.0f} x every installed capacity: {found}")
    raise InputError(f"{found}; a capacity below {100 * limit:g} % of its load is a unit slip, not an undersized "
                     "plant (an undersized plant runs and is reported infeasible)", file=file, key=key)
