"""What the power events of a year record: one :class:`OutageRecord` per grid outage and the
year's :class:`EventTotals` (counts, energies, fuel), as :mod:`twin.engine.events` books them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

J_PER_KWH = 3.6e6  # J per kWh: the records, the PV and the shaving summaries are in kWh


@dataclass
class OutageRecord:
    start_s: float
    duration_s: float
    ride_through_s: float
    backup_on_s: float
    dropped: bool
    transfer_failed: bool
    units_started: int
    units_needed: int
    unserved_it_kwh: float
    storage_kwh: float
    backup_kwh: float
    fuel: float                    # L diesel or kg H2
    hours_above_allowable: float

    def as_dict(self) -> dict:
        """Plain JSON types; infinite times (never) become None."""
        out = {}
        for k, v in self.__dict__.items():
            if isinstance(v, (bool, np.bool_)):
                out[k] = bool(v)
            elif isinstance(v, (int, np.integer)):
                out[k] = int(v)
            else:
                v = float(v)
                out[k] = v if math.isfinite(v) else None
        return out


@dataclass
class EventTotals:
    outages: int = 0
    dropped_load_events: int = 0
    unserved_it_kwh: float = 0.0
    outage_hours_above_allowable: float = 0.0
    eco_transfers: int = 0
    failed_transfers: int = 0
    failures: dict = field(default_factory=lambda: {"chiller": 0, "crah": 0, "ups": 0})
    maintenance_windows: int = 0
    unprotected_hours: float = 0.0     # critical load on static bypass (UPS capacity short)
    backup_kwh: float = 0.0
    diesel_l: float = 0.0
    h2_kg: float = 0.0
    battery_cycles_efc: float = 0.0
    battery_replacements: int = 0
    shaving_kwh: float = 0.0           # energy delivered to the bus by peak shaving
    records: list = field(default_factory=list)
