"""Peak shaving with a battery (``battery.peak_shaving``), a process of :class:`twin.engine.events.PowerEvents`.

At every change of the time-of-use period the battery charges through the valley hours,
discharges the energy above its autonomy reserve evenly over the day's peak hours, and idles in
flat hours.  It only runs when the price spread beats the degradation cost:
``p_peak - p_valley / (eta_c eta_d) > c_deg`` (:func:`components.storage.battery.degradation_cost_cny_per_kwh`).
"""

from __future__ import annotations

import numpy as np

from components.layout import OUTPUT, STATE
from components.storage import battery as bat
from twin.engine.event_records import J_PER_KWH


def period_runs(names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First step of each run of consecutive steps in one time-of-use period, and the step after
    the run: ``(starts, ends)``, together tiling the steps of ``names`` (period names). [-]"""
    starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
    return starts, np.r_[starts[1:], len(names)]


class ShavingPlan:
    """Time-of-use peak shaving with a battery (see the module docstring)."""

    def __init__(self, ev):  # ev: the year's twin.engine.events.PowerEvents
        from twin.inputs import tariffs as tou

        self.ev = ev
        plant = ev.plant
        t = ev.scn.policy.tariff
        tariff = tou.load_tou(t.tou)
        periods, mult = tou.step_periods(plant.time, plant.weather.temp_air, tariff, critical_peak=t.critical_peak)
        self.periods = np.asarray(periods).astype(str)
        self.mult = mult
        self.flat = t.flat_price_cny_per_kwh
        chem = ev.chem
        peak = float(tariff.periods["peak"].ratio)
        valley = float(tariff.periods["valley"].ratio)
        self.c_deg = bat.degradation_cost_cny_per_kwh(chem, ev.setup.replacement_cny_per_kwh)
        self.margin = self.flat * (peak - valley / chem.round_trip) - self.c_deg
        self.profitable = self.margin > 0.0
        steps_per_h = 3600.0 / plant.timestep_s
        is_peak = np.isin(self.periods, ("peak", "critical"))
        # peak steps still to come in the same day, from each step on
        day = (np.arange(len(is_peak)) // int(round(24 * steps_per_h)))
        rev = np.zeros(len(is_peak))
        for d in np.unique(day):
            idx = np.flatnonzero(day == d)
            rev[idx] = np.cumsum(is_peak[idx][::-1])[::-1]
        self.peak_steps_left = rev
        self.is_peak = is_peak
        self.changes, self.run_ends = period_runs(self.periods)

    def process(self):
        ev = self.ev
        env = ev.sim.env
        dt = ev.dt
        names = self.periods
        s = ev.setup
        for k, end in zip(self.changes.tolist(), self.run_ends.tolist()):
            if k * dt > env.now:
                yield env.timeout(k * dt - env.now)
            if ev.in_outage or ev.recharge_active:
                continue
            ev.advance()
            name = names[k]
            if name == "valley":
                run = end - k  # the valley's steps from here
                need = ev.deficit_j() / ev.chem.charge_efficiency
                ev.set_flows(min(s.shaving_power_w, need / (run * dt)), 0.0)
            elif name in ("peak", "critical"):
                reserve_cells = s.battery_reserve_j
                avail = max(0.0, ev.sim.state[STATE.battery_energy_j] - reserve_cells)
                left = self.peak_steps_left[k] * dt
                cap_bus = 0.9 * ev._critical_w(max(ev.sim.step_done - 1, 0))
                power = min(s.shaving_power_w, avail / left if left > 0 else 0.0,
                            cap_bus / ev.chem.discharge_efficiency)
                ev.set_flows(0.0, power)
            else:
                ev.set_flows(0.0, 0.0)

    def summary(self) -> dict:
        out = self.ev.sim.out
        ts = self.ev.plant.timestep_s
        delivered = out[OUTPUT.p_storage_discharge] * self.ev.chem.discharge_efficiency
        charged_grid = out[OUTPUT.p_storage_charge] / self.ev.chem.charge_efficiency
        delivered_kwh = float(delivered.sum() * ts / J_PER_KWH)
        saving = float(np.sum((delivered - charged_grid) * self.mult) * ts / J_PER_KWH * self.flat)
        wear = delivered_kwh * self.c_deg
        return {"profitable": self.profitable, "margin_cny_per_kwh": self.margin,
                "degradation_cny_per_kwh": self.c_deg, "delivered_kwh": delivered_kwh,
                "grid_charged_kwh": float(charged_grid.sum() * ts / J_PER_KWH),
                "energy_cost_saving_cny": saving, "degradation_cost_cny": wear, "net_cny": saving - wear}
