"""Power-chain, storage and grid events: SimPy processes around the facility kernel (issue 4).

One :class:`PowerEvents` object per simulated year holds the processes and their records.  It
follows the loop's rule (:mod:`twin.engine.loop`): before a process changes the plant it calls
:meth:`PowerEvents.advance`, which integrates the span up to now and books the storage flows
of that span.  Stochastic processes draw from one ``numpy.random.Generator`` seeded from the
scenario seed (``numpy.random.SeedSequence(seed).spawn(years)[k]`` for year ``k``, so year 0 of a
Monte Carlo run equals a single ``dctwin run`` with the same seed), split into one independent
stream per kind of draw (:data:`STREAMS`: outage times, ECO transfers, backup starts, chiller,
CRAH and UPS failures) so that two mixes that differ in one technology see the same outages and
failures (common random numbers).

Processes
---------
- **storage bookkeeping**: the kernel writes the energy going into and out of the cells per step
  (``p_storage_charge``, ``p_storage_discharge``); :meth:`PowerEvents.book` adds them to
  ``state[battery_energy_j]`` and ages the battery (calendar fade at the room temperature, cycle
  fade per equivalent full cycle, :mod:`components.storage.battery`); a battery at its
  end-of-life SOH is replaced (counted).
- **peak shaving** (``battery.peak_shaving``): charge in valley hours, discharge in peak hours
  when the price spread beats the degradation cost (:mod:`twin.engine.peak_shaving`).
- **grid outages** (random Poisson arrivals with lognormal durations, and scheduled ones): the
  ride-through is computed analytically to the second (:func:`components.storage.backup.outage_timeline`):
  storage energy and ride-through seconds against the backup start delay, units failing to start,
  ECO-mode transfer failures, fuel.  Unserved IT energy and dropped-load events are counted; the
  time shares of grid, backup generation and "not supplied" go to the kernel step by step
  (``supply_grid_fraction``, ``supply_backup_fraction``), the ride-through energy as a storage
  discharge, and the battery recharges after the mains (or backup) returns.  The loss of cooling
  (fans and chillers stop until power returns, then chillers need ``chiller_restart_s``) heats the
  room at ``q / C``; the stored cold of the chilled-water loop and of thermal storage bridges it;
  the time above the allowable inlet temperature is counted analytically.
- **failures and repairs** of chillers, CRAH units and UPS units / power modules (exponential
  times between failures of the units in service, exponential repair times): they lower
  ``chillers_available``, ``crah_units``, ``ups_units`` or ``modules_per_system`` so the kernel
  sees the lost capacity; hot rack inlets follow from the kernel (``t_rack_inlet_max``).
- **planned maintenance** windows take units out of service on a fixed calendar.

Event times of plant changes are snapped to step boundaries; outage shares are exact within steps.
Beside: records :mod:`twin.engine.event_records`, PV :mod:`twin.engine.pv`, peak shaving
:mod:`twin.engine.peak_shaving`; the summary's ``power`` block: :mod:`twin.metrics.power`.

Simplifications: the kernel keeps the mechanical plant running through an outage step (minutes of
cooling power at most), the flywheel's re-spin energy (~10 kWh) is not drawn, and the
per-type failure rate is recomputed at each failure (exact for exponential lifetimes).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from components.layout import OUTPUT, PARAM, STATE
from components.spans import span_kernel
from components.storage import backup as bk
from components.storage import battery as bat
from twin.engine.event_records import J_PER_KWH, EventTotals, OutageRecord
from twin.engine.peak_shaving import ShavingPlan
from twin.engine.pv import apply_pv

STREAMS = ("outages", "transfer", "backup_start", "chiller", "crah", "ups")  # random streams of a year
RHO_CP_WATER = 1000.0 * 4186.0  # J/(m3 K)


def excursion_seconds(*, t0_c: float, allowable_c: float, heat_w: float, capacity_j_per_k: float,
                      fans_back_s: float, chillers_back_s: float, cold_store_j: float,
                      it_off_s: float = math.inf) -> float:
    """Seconds the hottest rack inlet spends above the allowable temperature in one outage.

    Cooling is lost at 0.  Until ``fans_back_s`` no air moves and the room heats at
    ``heat_w / C`` from ``t0_c``; when the CRAH fans run again the stored cold (chilled-water
    loop and thermal storage, ``cold_store_j``) brings the room back and holds it for
    ``cold_store_j / heat_w`` seconds; if that runs out before the chillers are back at
    ``chillers_back_s`` the room heats again from ``t0_c``.  Heat stops when the IT load is dropped
    (``it_off_s``).  A heating interval of length ``L`` spends ``max(0, L - (T_allow - T0) C / q)``
    above the limit.
    """
    if heat_w <= 0.0 or capacity_j_per_k <= 0.0:
        return 0.0
    margin_s = max(0.0, allowable_c - t0_c) * capacity_j_per_k / heat_w

    def above(start: float, end: float) -> float:
        end = min(end, it_off_s)
        return max(0.0, (end - start) - margin_s) if end > start else 0.0

    fans = min(fans_back_s, chillers_back_s)
    total = above(0.0, fans)
    bridge_end = fans + cold_store_j / heat_w
    if bridge_end < chillers_back_s:
        total += above(bridge_end, chillers_back_s)
    return total



class PowerEvents:
    """Storage bookkeeping, peak shaving, outages, failures and maintenance of one simulated year."""

    def __init__(self, sim, *, rng: np.random.Generator | None = None, stochastic: bool = False):
        self.sim = sim
        self.plant = sim.plant
        self.scn = sim.plant.scenario
        self.setup = sim.plant.power
        self.cfg = self.scn.events
        self.rng = rng if rng is not None else np.random.default_rng(seed_sequence(self.scn.scenario.seed)[0])
        # one independent stream per kind of draw, so that mixes differing in one technology see the
        # same outages and failures (common random numbers)
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS))))
        self.stochastic = stochastic
        self.dt = sim.dt
        self.booked = 0
        self.booked_t = 0.0
        self.totals = EventTotals()
        self.chem = self.setup.chemistry
        self.down = {"chiller": 0, "crah": 0, "ups": 0, "generator": 0}
        self.base = {"chiller": float(sim.params[PARAM.chillers_available]),
                     "crah": float(sim.params[PARAM.crah_units]),
                     "ups": float(sim.params[PARAM.ups_units] if self.setup.architecture == "legacy_ups"
                                  else sim.params[PARAM.modules_per_system] * sim.params[PARAM.chain_systems])}
        self.recharge_active = False
        self.in_outage = False
        self.soh_start = float(sim.state[STATE.battery_health])
        self.bypass_since: float | None = None
        self.shaving = None
        # room heating while cooling units are out (the kernel is steady state; see _integrate_room)
        self.heat_capacity_j_per_k = self.cfg.heat_capacity_kj_per_k_per_kw * 1e3 * self.scn.it.design_kw
        self.window_above = np.zeros(sim.n_steps)   # share of each step above the allowable inlet
        self.room_excess_k = 0.0
        self.room_from = 0
        self.room_base_unmet = 0.0
        self.room_t0 = 0.0
        self.hours_above = 0.0

    # -- bookkeeping ---------------------------------------------------------------------------

    def advance(self) -> None:
        """Integrate up to now (loop rule) and book the storage flows of the span."""
        self.sim.advance_to(self.sim.env.now)
        self.book()

    def book(self) -> None:
        """Add the stored-energy flows of the integrated steps to the state; age the battery."""
        sim, chem = self.sim, self.chem
        i0, i1 = self.booked, sim.step_done
        if i1 <= i0 or chem is None:
            self.booked = max(self.booked, i1)
            return
        dt = self.dt
        e_in = float(sim.out[OUTPUT.p_storage_charge, i0:i1].sum()) * dt
        e_out = float(sim.out[OUTPUT.p_storage_discharge, i0:i1].sum()) * dt
        st = sim.state
        rated = self.setup.battery_rated_j
        soh = st[STATE.battery_health]
        efc = e_out / rated if rated > 0.0 else 0.0
        self.totals.battery_cycles_efc += efc
        years = (i1 - i0) * dt / bat.SECONDS_PER_YEAR
        soh -= bat.calendar_fade_per_year(chem, self.setup.battery_room_c) * years + bat.cycle_fade_per_efc(chem) * efc
        energy = min(max(st[STATE.battery_energy_j] + e_in - e_out, 0.0), rated * max(soh, 0.0))
        if soh <= chem.eol_soh:
            soh = chem.start_soh  # replaced at end of life (full, as installed)
            energy = rated * soh
            self.totals.battery_replacements += 1
            sim.log("battery replaced at end of life")
        st[STATE.battery_health] = soh
        st[STATE.battery_energy_j] = energy
        self.booked = i1

    def set_flows(self, charge_w: float, discharge_w: float) -> None:
        """Set the battery charge (grid side) and discharge (cell side) power from now on. [W]"""
        self.advance()
        self.sim.params[PARAM.storage_charge_w] = max(0.0, charge_w)
        self.sim.params[PARAM.storage_discharge_w] = max(0.0, discharge_w)

    def usable_battery_j(self) -> float:
        if self.chem is None:
            return 0.0
        st = self.sim.state
        return bat.usable_energy_j(self.chem, st[STATE.battery_energy_j], self.setup.battery_rated_j,
                                   st[STATE.battery_health])

    def deficit_j(self) -> float:
        """Energy the cells miss to be full at the current SOH. [J]"""
        if self.chem is None:
            return 0.0
        st = self.sim.state
        return max(0.0, self.setup.battery_rated_j * st[STATE.battery_health] - st[STATE.battery_energy_j])

    # -- installation ----------------------------------------------------------------------------

    def install(self) -> "PowerEvents":
        env = self.sim.env
        if self.setup.peak_shaving:
            self.shaving = ShavingPlan(self)
            if self.shaving.profitable:
                env.process(self.shaving.process())
        if self.stochastic or self.cfg.outages.scheduled:
            env.process(self.outages_process())
        if self.stochastic:
            for kind in ("chiller", "crah", "ups"):
                if self.base[kind] > 0:
                    env.process(self.failures_process(kind))
            for window in self.cfg.maintenance:
                env.process(self.maintenance_process(window))
        return self

    # -- availability ----------------------------------------------------------------------------

    def change(self, kind: str, delta: int) -> None:
        """Take ``-delta`` units of ``kind`` out of service (or return them), from now on."""
        self.advance()
        cooling = kind in ("chiller", "crah")
        degraded_before = self.down["chiller"] + self.down["crah"] > 0
        if cooling and degraded_before:
            self._integrate_room()
        self.down[kind] -= delta
        if cooling and not degraded_before and self.down["chiller"] + self.down["crah"] > 0:
            k = max(self.sim.step_done - 1, 0)
            self.room_base_unmet = float(self.sim.out[OUTPUT.q_unmet, k]) if self.sim.step_done else 0.0
            self.room_t0 = float(self.sim.out[OUTPUT.t_rack_inlet_max, k]) if self.sim.step_done else 20.0
            self.room_excess_k = 0.0
            self.room_from = self.sim.step_done
        avail = max(0.0, self.base.get(kind, 0.0) - self.down[kind])
        p = self.sim.params
        if kind == "chiller":
            p[PARAM.chillers_available] = avail
        elif kind == "crah":
            p[PARAM.crah_units] = avail
        elif kind == "ups":
            if self.setup.architecture == "legacy_ups":
                p[PARAM.ups_units] = avail
            else:
                p[PARAM.modules_per_system] = avail / p[PARAM.chain_systems]
            self._check_bypass()

    def _integrate_room(self) -> None:
        """Heat the room with the cooling the plant lost since the window started.

        The kernel is steady state: it raises the supply air by one pass of the unmet load.  While
        chillers or CRAH units are out, the unmet load above its level just before (``q_base``)
        accumulates in the room, ``dT/dt = (q_unmet - q_base) / C``, from the hottest inlet before
        the event; the share of each step above the allowable inlet is recorded.  Repairs bring
        the room back at once.
        """
        sim = self.sim
        i0, i1 = self.room_from, sim.step_done
        c = self.heat_capacity_j_per_k
        limit = self.cfg.allowable_inlet_c - self.room_t0
        for i in range(i0, i1):
            rate = max(0.0, float(sim.out[OUTPUT.q_unmet, i]) - self.room_base_unmet) / c  # K/s
            a = self.room_excess_k
            b = a + rate * self.dt
            if b > limit:
                self.window_above[i] = 1.0 if a >= limit else (b - limit) / (b - a)
            self.room_excess_k = b
        self.room_from = i1

    def ups_capacity_w(self) -> float:
        p = self.sim.params
        if self.setup.architecture == "legacy_ups":
            return p[PARAM.ups_units] * p[PARAM.ups_unit_rating_w]
        return p[PARAM.modules_per_system] * p[PARAM.chain_systems] * p[PARAM.module_rating_w]

    def _check_bypass(self) -> None:
        k = max(self.sim.step_done - 1, 0)
        crit = self._critical_w(k)
        short = self.ups_capacity_w() < crit
        now = self.sim.env.now
        if short and self.bypass_since is None:
            self.bypass_since = now
            self.sim.log("UPS capacity below the critical load: load on bypass / unprotected")
        elif not short and self.bypass_since is not None:
            self.totals.unprotected_hours += (now - self.bypass_since) / 3600.0
            self.bypass_since = None

    def _critical_w(self, k: int) -> float:
        o = self.sim.out
        if self.sim.step_done == 0:
            return self.setup.autonomy_load_w * 0.5
        return float(o[OUTPUT.p_it, k] + o[OUTPUT.p_pdu_loss, k] + o[OUTPUT.p_distribution_loss, k]
                     + o[OUTPUT.p_ups_loss, k])

    # -- failures and maintenance ----------------------------------------------------------------

    def failures_process(self, kind: str):
        rel = getattr(self.cfg, kind)
        rng, env = self.streams[kind], self.sim.env
        while True:
            up = self.base[kind] - self.down[kind]
            if up <= 0:
                yield env.timeout(rel.mttr_h * 3600.0)
                continue
            yield env.timeout(rng.exponential(rel.mtbf_h / up) * 3600.0)
            self.change(kind, -1)
            self.totals.failures[kind] += 1
            self.sim.log(f"{kind} failure")
            env.process(self._repair(kind, rng.exponential(rel.mttr_h) * 3600.0))

    def _repair(self, kind: str, after_s: float):
        yield self.sim.env.timeout(after_s)
        self.change(kind, +1)
        self.sim.log(f"{kind} repaired")

    def maintenance_process(self, w):
        env = self.sim.env
        end = self.sim.n_steps * self.dt
        t = (math.floor(w.every_days / 2.0) * 24.0 + w.start_hour) * 3600.0
        units = w.units if w.equipment == "generator" else min(w.units, int(self.base.get(w.equipment, 0)))
        while t < end and units > 0:
            yield env.timeout(t - env.now)
            if w.equipment == "generator":
                self.down["generator"] += units
            else:
                self.change(w.equipment, -units)
            self.totals.maintenance_windows += 1
            yield env.timeout(w.duration_h * 3600.0)
            if w.equipment == "generator":
                self.down["generator"] -= units
            else:
                self.change(w.equipment, +units)
            t += w.every_days * 86400.0

    # -- grid outages ----------------------------------------------------------------------------

    def outage_list(self) -> list[tuple[float, float]]:
        """(start, duration) of this year's outages in seconds, sorted, overlaps merged."""
        end = self.sim.n_steps * self.dt
        out = []
        o = self.cfg.outages
        if self.stochastic and o.per_year > 0.0:
            rng = self.streams["outages"]
            n = rng.poisson(o.per_year * end / bat.SECONDS_PER_YEAR)
            starts = rng.uniform(0.0, end, size=n)
            durations = np.exp(rng.normal(math.log(o.median_duration_min * 60.0), o.duration_sigma, size=n))
            out += list(zip(starts.tolist(), durations.tolist()))
        t_first = self.plant.time[0]
        for s in o.scheduled:
            at = (pd.Timestamp(s.at) - t_first).total_seconds()
            if 0.0 <= at < end:
                out.append((at, s.duration_min * 60.0))
        out.sort()
        merged: list[list[float]] = []
        for start, dur in out:
            dur = min(dur, end - start)
            if merged and start <= merged[-1][0] + merged[-1][1] + self.dt:
                last = merged[-1]
                last[1] = max(last[1], start + dur - last[0])
            else:
                merged.append([start, dur])
        return [(a, b) for a, b in merged]

    def outages_process(self):
        env = self.sim.env
        for start, duration in self.outage_list():
            k0 = int(math.floor(start / self.dt))
            if k0 * self.dt < env.now:
                continue
            yield env.timeout(k0 * self.dt - env.now)
            yield from self._outage(start, duration)

    def _operating_point(self, k: int) -> np.ndarray:
        """Output column of step ``k - 1`` (or a scratch run of step ``k`` at the year start)."""
        sim = self.sim
        if k >= 1 and sim.step_done >= k:
            return sim.out[:, k - 1]
        scratch = np.empty((sim.out.shape[0], sim.n_steps))
        span_kernel(sim.params[PARAM.plant_type])(k, k + 1, self.plant.boundary, sim.params.copy(), self.plant.curves,
                                                  scratch, sim.state.copy(), *sim.blocks)
        return scratch[:, k].copy()

    def _outage(self, start: float, duration: float):
        """Process body of one outage starting at ``start`` (we are at the start of its step)."""
        sim, s, cfg = self.sim, self.setup, self.cfg
        env = sim.env
        self.advance()
        self.in_outage = True
        k0 = sim.step_at(env.now)
        col = self._operating_point(k0)
        p_it = float(col[OUTPUT.p_it])
        crit = float(col[OUTPUT.p_it] + col[OUTPUT.p_pdu_loss] + col[OUTPUT.p_distribution_loss]
                     + col[OUTPUT.p_ups_loss])
        mech_ups = float(col[OUTPUT.p_crah_fans] + col[OUTPUT.p_chw_pumps]) if s.mechanical_on_ups else 0.0
        storage_load = crit + mech_ups
        facility = float(col[OUTPUT.p_facility])
        self.totals.outages += 1

        # transfer to storage
        transfer_failed = False
        if s.eco_mode:
            self.totals.eco_transfers += 1
            transfer_failed = self.streams["transfer"].random() < s.eco_transfer_failure_probability
        if self.ups_capacity_w() < crit:
            transfer_failed = True  # load was on static bypass: nothing to transfer to
        if transfer_failed:
            self.totals.failed_transfers += 1
        fly_j = s.flywheel_usable_j * s.flywheel_efficiency
        bat_j = self.usable_battery_j() * (self.chem.discharge_efficiency if self.chem is not None else 0.0)
        ride = (fly_j + bat_j) / storage_load if storage_load > 0.0 else math.inf

        # backup generation
        needed = bk.units_needed(facility, s.backup_unit_w) if s.backup_kind != "none" else 0
        available = max(0, s.backup_units - self.down["generator"]) if s.backup_kind != "none" else 0
        draws = self.streams["backup_start"].random(max(available, s.backup_units))[:available]
        started = int(np.sum(draws >= s.backup_fail_probability))
        backup_on = s.backup_start_s if (started >= needed and started > 0) else math.inf
        # fuel
        backup_end = duration
        fuel = 0.0
        if math.isfinite(backup_on) and backup_on < duration:
            run_w = started * s.backup_unit_w
            if s.backup_kind == "diesel":
                rate = bk.diesel_fuel_l_per_h(facility, run_w, s.diesel_intercept, s.diesel_slope)
            else:
                rate = bk.h2_kg_per_h(facility, s.fuel_cell_efficiency)
            hours = (duration - backup_on) / 3600.0
            if rate * hours > s.backup_fuel_limit:
                hours = s.backup_fuel_limit / rate
                backup_end = backup_on + hours * 3600.0
            fuel = rate * hours
        outcome = bk.outage_timeline(duration, ride, backup_on, transfer_failed)
        unpowered = outcome.unpowered_s
        drop_s = outcome.drop_s
        if backup_end < duration and (not outcome.dropped or outcome.restore_s < duration):
            # fuel ran out before the mains returned: dark until the mains is back
            unpowered += duration - backup_end
            drop_s = min(drop_s, backup_end)
        dropped = unpowered > 0.0
        unserved_kwh = p_it * (unpowered + (cfg.it_recovery_min * 60.0 if dropped else 0.0)) / J_PER_KWH

        # storage energy used (bus side), taken from the flywheel first
        t_storage = 0.0 if transfer_failed else min(ride, backup_on, duration)
        bus_j = storage_load * t_storage
        from_fly = min(bus_j, fly_j)
        cells_j = (bus_j - from_fly) / self.chem.discharge_efficiency if self.chem is not None else 0.0

        # cooling and thermal excursion
        power_back = min(backup_on, duration) if math.isfinite(backup_on) else duration
        fans_back = 0.0 if (s.mechanical_on_ups and t_storage >= power_back) else power_back
        chillers_back = power_back + cfg.chiller_restart_s
        cold = (cfg.chw_loop_volume_m3 * RHO_CP_WATER * cfg.chw_loop_usable_rise_k
                + float(sim.state[STATE.tes_energy_j]))
        heat = float(col[OUTPUT.q_room_sensible])
        above_s = excursion_seconds(
            t0_c=float(col[OUTPUT.t_rack_inlet_max]), allowable_c=cfg.allowable_inlet_c, heat_w=heat,
            capacity_j_per_k=cfg.heat_capacity_kj_per_k_per_kw * 1e3 * self.scn.it.design_kw,
            fans_back_s=fans_back, chillers_back_s=chillers_back, cold_store_j=cold,
            it_off_s=drop_s if dropped else math.inf)

        backup_s = max(0.0, min(backup_end, duration) - backup_on) if math.isfinite(backup_on) else 0.0
        rec = OutageRecord(start_s=start, duration_s=duration, ride_through_s=ride, backup_on_s=backup_on,
                           dropped=dropped, transfer_failed=transfer_failed, units_started=started,
                           units_needed=needed, unserved_it_kwh=unserved_kwh, storage_kwh=bus_j / J_PER_KWH,
                           backup_kwh=facility * backup_s / J_PER_KWH, fuel=fuel,
                           hours_above_allowable=above_s / 3600.0)
        t = self.totals
        t.records.append(rec)
        t.dropped_load_events += int(dropped)
        t.unserved_it_kwh += unserved_kwh
        t.outage_hours_above_allowable += above_s / 3600.0
        t.backup_kwh += rec.backup_kwh
        if s.backup_kind == "diesel":
            t.diesel_l += fuel
        elif s.backup_kind == "fuel_cell":
            t.h2_kg += fuel
        sim.log(f"grid outage {duration / 60.0:.1f} min: " + ("load dropped" if dropped else "load carried"))

        # time shares of grid / backup / storage per step, applied span by span
        grid = [(-math.inf, start), (start + duration, math.inf)]
        backup = [(start + backup_on, start + min(backup_end, duration))] if math.isfinite(backup_on) else []
        storage = (start, start + t_storage)
        k_last = min(sim.n_steps - 1, int(math.floor((start + max(duration, t_storage)) / self.dt)))
        plan = []
        for k in range(k0, k_last + 1):
            a, b_ = k * self.dt, (k + 1) * self.dt
            g = sum(max(0.0, min(b_, y) - max(a, x)) for x, y in grid)
            bu = sum(max(0.0, min(b_, y) - max(a, x)) for x, y in backup)
            st = max(0.0, min(b_, storage[1]) - max(a, storage[0]))
            rest = self.dt - st
            gf, bf = (g / rest, bu / rest) if rest > 0.0 else (0.0, 0.0)
            dis = cells_j * (st / t_storage) / self.dt if t_storage > 0.0 else 0.0
            plan.append((k, round(gf, 12), round(bf, 12), dis))
        p = sim.params
        for n, (k, gf, bf, dis) in enumerate(plan):
            if n == 0 or (gf, bf, dis) != plan[n - 1][1:]:
                if k * self.dt > env.now:
                    yield env.timeout(k * self.dt - env.now)
                self.advance()
                p[PARAM.supply_grid_fraction] = gf
                p[PARAM.supply_backup_fraction] = bf
                p[PARAM.storage_discharge_w] = dis
                p[PARAM.storage_charge_w] = 0.0
        yield env.timeout((plan[-1][0] + 1) * self.dt - env.now)
        self.advance()
        p[PARAM.supply_grid_fraction] = 1.0
        p[PARAM.supply_backup_fraction] = 0.0
        p[PARAM.storage_discharge_w] = 0.0
        self.in_outage = False
        if self.chem is not None and self.deficit_j() > 0.0:
            env.process(self.recharge())

    def recharge(self):
        """Recharge the battery after an outage at the charger limit (0.1 C, M), step by step."""
        if self.recharge_active:
            return
        self.recharge_active = True
        env = self.sim.env
        limit_w = 0.1 * self.setup.battery_rated_j / 3600.0  # 0.1 C charger (M: typical UPS charger sizing)
        eta = self.chem.charge_efficiency
        while True:
            self.advance()
            need = self.deficit_j()
            if need <= 1e-6 * self.setup.battery_rated_j or self.in_outage:
                break
            steps = max(1, math.ceil(need / eta / (limit_w * self.dt)))
            power = need / eta / (steps * self.dt)
            self.sim.params[PARAM.storage_charge_w] = power
            yield env.timeout(steps * self.dt - (env.now % self.dt))
        if not self.in_outage:
            self.sim.params[PARAM.storage_charge_w] = 0.0
        self.recharge_active = False

    # -- end of the year -------------------------------------------------------------------------

    def finalise(self) -> dict:
        """Book the last span, move PV into the meters, and return the year's report."""
        sim = self.sim
        self.book()
        if self.bypass_since is not None:
            self.totals.unprotected_hours += (sim.n_steps * self.dt - self.bypass_since) / 3600.0
            self.bypass_since = None
        if self.down["chiller"] + self.down["crah"] > 0:
            self._integrate_room()
        pv = apply_pv(sim.out, self.plant)
        kernel = sim.out[OUTPUT.t_rack_inlet_max] > self.cfg.allowable_inlet_c
        self.hours_above = float(np.maximum(kernel, self.window_above).sum() * self.dt / 3600.0)
        return self.report(pv)

    def report(self, pv: dict) -> dict:
        t = self.totals
        st = self.sim.state
        return {
            "stochastic": self.stochastic,
            "outages": t.outages, "dropped_load_events": t.dropped_load_events,
            "unserved_it_kwh": t.unserved_it_kwh,
            "outage_hours_above_allowable": t.outage_hours_above_allowable,
            "hours_above_allowable": self.hours_above + t.outage_hours_above_allowable,
            "eco_transfers": t.eco_transfers, "failed_transfers": t.failed_transfers,
            "failures": dict(t.failures), "maintenance_windows": t.maintenance_windows,
            "unprotected_hours": t.unprotected_hours,
            "backup_kwh": t.backup_kwh, "diesel_l": t.diesel_l, "h2_kg": t.h2_kg,
            "battery_soh_start": self.soh_start, "battery_soh_end": float(st[STATE.battery_health]),
            "battery_energy_end_kwh": float(st[STATE.battery_energy_j]) / J_PER_KWH,
            "battery_cycles_efc": t.battery_cycles_efc, "battery_replacements": t.battery_replacements,
            "shaving": self.shaving.summary() if self.shaving is not None else None,
            "pv": pv,
            "records": [r.as_dict() for r in t.records],
        }


# ---------------------------------------------------------------------------------------------
# Entry points for twin.engine.simulate and twin.study.montecarlo
# ---------------------------------------------------------------------------------------------

def needs_events(scn) -> bool:
    """Whether a scenario has anything for this module to do in a single run."""
    return bool(scn.events.enabled or scn.events.outages.scheduled or scn.battery.peak_shaving
                or scn.pv.capacity_kwp > 0.0)


def seed_sequence(seed: int, years: int = 1) -> list[np.random.SeedSequence]:
    """Child seed of each simulated year (year ``k`` reproducible on its own)."""
    return np.random.SeedSequence(seed).spawn(years)


def install(sim, *, rng: np.random.Generator | None = None, stochastic: bool | None = None) -> PowerEvents | None:
    """Register the power processes of ``sim`` (called by :func:`twin.engine.simulate.run_plant`).

    Returns ``None`` when the scenario has no power events, PV or storage dispatch, so the legacy
    run is untouched.
    """
    scn = sim.plant.scenario
    if stochastic is None:
        stochastic = scn.events.enabled
    if not (stochastic or needs_events(scn)):
        return None
    if rng is None:  # scheduled outages draw start failures from the same seeded generator
        rng = np.random.default_rng(seed_sequence(scn.scenario.seed)[0])
    return PowerEvents(sim, rng=rng, stochastic=stochastic).install()


def finalise(events: PowerEvents | None, sim) -> dict:
    """After ``sim.run()``: the year's power report (``Result.extras['power']``), or ``{}``."""
    if events is None:
        return {}
    return events.finalise()
