"""The rack-inlet envelope (ASHRAE class A1) and the feasibility thresholds, from ``twin/data/feasibility.toml``.

The hottest rack inlet of a step is ``t_rack_inlet_max``; the coldest is the supply air
``t_supply_air`` (a rack fed by bypass air only sees supply air).  A step is outside a range
``(low, high)`` when the hottest inlet is above ``high`` or the supply air below ``low``.
Source of the A1 ranges: ASHRAE TC 9.9, Thermal Guidelines for Data Processing Environments,
5th ed. (2021): allowable 15-32 degC, recommended 18-27 degC (docs/sources.md 2.3, S).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from twin.inputs.schema_base import read_toml

THRESHOLD_FILE = Path(__file__).resolve().parents[1] / "data" / "feasibility.toml"


@functools.lru_cache(maxsize=1)
def thresholds() -> dict:
    """The threshold table of ``twin/data/feasibility.toml`` (read once)."""
    return read_toml(THRESHOLD_FILE)


A1_ALLOWABLE_C: tuple[float, float] = tuple(thresholds()["inlet"]["allowable_c"])
A1_RECOMMENDED_C: tuple[float, float] = tuple(thresholds()["inlet"]["recommended_c"])


def outside(t_hot: np.ndarray, t_cold: np.ndarray, band: tuple[float, float]) -> np.ndarray:
    """Per step, whether any rack inlet is outside ``band = (low, high)`` [degC]. [bool]"""
    return (t_hot > band[1]) | (t_cold < band[0])


def extremes_inside(hot_max: float, cold_min: float, band: tuple[float, float]) -> bool:
    """Whether the hottest inlet ``hot_max`` and the coldest supply air ``cold_min`` [degC] both lie inside
    ``band = (low, high)``: then no step is :func:`outside` it and its :func:`degree_hours` are 0
    (False when either is NaN). [bool]"""
    return bool(hot_max <= band[1] and cold_min >= band[0])


def degree_hours(t_hot: np.ndarray, t_cold: np.ndarray, band: tuple[float, float], dt_h: float) -> float:
    """Degree-hours outside ``band``: sum of ``max(0, t_hot - high) + max(0, low - t_cold)`` times the step. [K h]

    Example: one hour with the hottest inlet at 34 degC and the supply at 18 degC gives 2 K h
    outside (15, 32).
    """
    above = np.maximum(t_hot - band[1], 0.0)
    below = np.maximum(band[0] - t_cold, 0.0)
    return float((above + below).sum() * dt_h)
