"""Backup generation (diesel gensets, hydrogen fuel cells) and the ride-through of a grid outage.

Diesel generator
    Starts and carries load ``t_start`` after the mains fails (NFPA 110 Type 10: within 10 s;
    utility loss to generator on line 10-20 s in practice, docs/sources.md 3, S).  Each unit fails to
    start on demand with probability ``p_fail`` (order 0.1-1 %, M).  Fuel follows a Willans line
    on the unit rating ``R``::

        F [L/h] = a R + b P          (a ~ 0.03, b ~ 0.23 L/kWh, M: ~0.26 L/kWh at full load)

    Block heaters keep the engines warm all year; their power is the WP113 generator row
    (0.3 % of rating, docs/sources.md 1.1, S) and lives in ``[power] generator_heater_fraction``, the
    twin's single source for it.

Hydrogen fuel cell (PEM)
    Starts in ``t_start`` (seconds to a minute, M) with efficiency ``eta`` (45-55 % LHV, M); it
    consumes ``m_H2 = P / (eta LHV)`` with LHV = 33.33 kWh/kg (120 MJ/kg).  A 3 MW PEM system
    passed the acceptance tests of diesel gensets (Microsoft/Plug Power 2022, docs/sources.md 3, P).

Outage timeline (:func:`outage_timeline`)
    At ``t = 0`` the mains fails.  Storage (flywheel, then battery) carries the critical load
    ``P_s`` (at the storage terminals) for ``t_rt = sum E_use,k eta_k / P_s``.  Backup generation
    is on line at ``t_b`` (its start delay) if enough units start.  The load is *carried* when
    ``t_rt >= t_b`` or the mains returns first (``D <= t_rt``); otherwise it is *dropped* at
    ``t_rt`` and powered again at ``min(t_b, D)`` (or ``D`` when no unit starts).  Unserved IT
    energy is ``P_IT x`` (unpowered time).  Everything is analytic and sub-second: an outage of
    a few seconds inside an hourly time step is resolved exactly.

Units: SI (W, J, s) unless the name says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

H2_LHV_J_PER_KG = 120.0e6  # lower heating value of hydrogen [J/kg] (33.33 kWh/kg)


def diesel_fuel_l_per_h(output_w: float, rated_w: float, intercept_l_per_kwh_rated: float,
                        slope_l_per_kwh: float) -> float:
    """Fuel flow of running gensets of total rating ``rated_w`` at ``output_w``. [L/h]"""
    if rated_w <= 0.0:
        return 0.0
    return intercept_l_per_kwh_rated * rated_w / 1e3 + slope_l_per_kwh * max(0.0, output_w) / 1e3


def h2_kg_per_h(output_w: float, efficiency_lhv: float) -> float:
    """Hydrogen a fuel cell consumes at ``output_w``. [kg/h]"""
    return max(0.0, output_w) / (efficiency_lhv * H2_LHV_J_PER_KG) * 3600.0


def units_needed(load_w: float, unit_rating_w: float) -> int:
    """Gensets (or fuel-cell units) needed to carry ``load_w``. [-]"""
    if unit_rating_w <= 0.0:
        return 0 if load_w <= 0.0 else 10**9
    return max(1, math.ceil(load_w / unit_rating_w - 1e-12))


@dataclass(frozen=True)
class OutageOutcome:
    """What happens to the load during one grid outage (times from the mains failure) [s]."""

    duration_s: float           # outage length D
    ride_through_s: float       # how long storage carries the critical load (inf: no limit)
    backup_on_s: float          # backup generation on line (inf: none started)
    dropped: bool               # the IT load lost power at some point
    drop_s: float               # when it lost power (inf if never)
    restore_s: float            # when it got power again (inf if never lost)
    unpowered_s: float          # restore - drop (0 if carried)

    @property
    def powered_by_backup_s(self) -> float:
        """Time on backup generation until the mains returns. [s]"""
        return max(0.0, self.duration_s - self.backup_on_s) if math.isfinite(self.backup_on_s) else 0.0

    @property
    def storage_supplied_s(self) -> float:
        """Time storage actually carried the critical load. [s]"""
        end = min(self.duration_s, self.backup_on_s, self.ride_through_s)
        return max(0.0, end)


def outage_timeline(duration_s: float, ride_through_s: float, backup_on_s: float,
                    transfer_failed: bool = False) -> OutageOutcome:
    """Analytic ride-through of one outage (see the module docstring).

    Parameters
    ----------
    duration_s : float
        Outage length ``D``. [s]
    ride_through_s : float
        Seconds the storage carries the critical load (0: no storage). [s]
    backup_on_s : float
        Seconds until backup generation carries the load (``inf``: no backup started). [s]
    transfer_failed : bool
        The UPS failed to transfer from ECO bypass to its inverter, so storage never took the
        load: the ride-through is zero.
    """
    t_rt = 0.0 if transfer_failed else ride_through_s
    supply_end = min(t_rt, duration_s)          # storage carries until empty or mains returns
    if t_rt >= duration_s or t_rt >= backup_on_s:
        return OutageOutcome(duration_s, t_rt, backup_on_s, False, math.inf, math.inf, 0.0)
    restore = min(backup_on_s, duration_s)
    return OutageOutcome(duration_s, t_rt, backup_on_s, True, supply_end, restore, max(0.0, restore - supply_end))
