"""Flywheel energy storage for UPS ride-through.

A flywheel stores ``E = J w^2 / 2``; it can deliver energy until the rotor slows to the lowest
speed at which its machine still holds the bus voltage, so the usable share is
``1 - (w_min / w_max)^2`` (75 % at half speed, M).  Installations are specified by ride-through
time at rated power, ~15 s at full UPS load for the installed cost of a >= 10 min battery
(TechTarget, docs/sources.md 3, P), which fixes the usable energy ``E_use = P_r t_r / eta_d`` (so that
the rated load is carried for exactly ``t_r``).

While spinning on standby it draws a loss (bearings, windage in the vacuum enclosure, magnetic
bearing and vacuum pump power), "slightly more than batteries" (docs/sources.md 3, P qualitative),
~0.5-2 % of rated power (M)::

    P_standby = f_s P_r

Carrying a bus load ``P`` it lasts ``t = E_use eta_d / P`` [s].  After a discharge it recharges
in minutes (``recharge_s``).  Parameters: ``[flywheel]`` in ``components/data/storage.toml``.
Validity: ride-through up to ~1 min; operating range 0-40 degC (Legrand 2016, V).  Units: SI.
"""

from __future__ import annotations

import math


def usable_energy_j(rated_w: float, ride_through_s_at_rated: float, discharge_efficiency: float) -> float:
    """Usable energy of a flywheel that carries ``rated_w`` for ``ride_through_s_at_rated``. [J]"""
    return rated_w * ride_through_s_at_rated / discharge_efficiency


def stored_energy_j(usable_j: float, min_speed_ratio: float) -> float:
    """Kinetic energy at full speed for a given usable energy: ``E_use / (1 - r^2)``. [J]"""
    return usable_j / (1.0 - min_speed_ratio ** 2)


def standby_loss_w(rated_w: float, standby_loss_fraction: float) -> float:
    """Spinning (standby) loss. [W]"""
    return rated_w * standby_loss_fraction


def ride_through_s(usable_j: float, load_w: float, discharge_efficiency: float) -> float:
    """Seconds the flywheel carries ``load_w`` at the bus (``inf`` at no load). [s]"""
    if load_w <= 0.0:
        return math.inf
    return usable_j * discharge_efficiency / load_w
