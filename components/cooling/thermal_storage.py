"""Ice or chilled-water thermal energy storage (TES) run on the time-of-use periods.

Control (load shifting, the common strategy in Guangdong under 粤发改价格〔2021〕331号): charge
during valley hours until full, discharge during peak and critical-peak hours, idle otherwise::

    valley:  Q_charge    = min(charge rate, (E_max - E) / dt)
    peak:    Q_discharge = min(discharge rate, E / dt, chilled-water load)
    always:  E <- E + (Q_charge - Q_discharge) dt - lambda E dt          (standing loss)

Who makes the cold: a chilled-water tank is charged through the water-side economizer where it can
carry the charge besides the load, the chillers make the rest
(:func:`components.plant.chilled_water._water_cooled_plant`); ice only by the chillers.
Making ice, chillers run at reduced capacity and COP (brine at -5 to -6 degC): their capacity is
multiplied by ``capacity_factor`` (~0.6-0.7) and their COP by ``cop_factor`` (~0.65-0.8);
docs/sources.md 2.6 (Trane "Ice Storage Systems", M).  Chilled-water tanks keep both factors at 1.
Standing loss ``lambda``: 1-5 % of stored energy per day for stratified tanks (Yau & Rismanchi
2012, M).  The cold stored also rides through a chiller trip: ``E / Q_chw`` is reported in
minutes.  Valid for a fully mixed (ice) or perfectly stratified (water) store; no partial-charge
efficiency effects.
"""

from components._jit import jit

PERIOD_VALLEY = 0
PERIOD_FLAT = 1
PERIOD_PEAK = 2
PERIOD_CRITICAL = 3


@jit
def tes_flows(period, energy_j, capacity_j, charge_w, discharge_w, q_chw_w, dt_s):
    """Charge and discharge rates for one step. Returns ``(q_charge, q_discharge)`` [W]."""
    if capacity_j <= 0.0:
        return 0.0, 0.0
    if period == PERIOD_VALLEY:
        room = (capacity_j - energy_j) / dt_s
        return (charge_w if charge_w < room else room) if room > 0.0 else 0.0, 0.0
    if period >= PERIOD_PEAK:
        q = discharge_w
        if energy_j / dt_s < q:
            q = energy_j / dt_s
        if q_chw_w < q:
            q = q_chw_w
        return 0.0, q if q > 0.0 else 0.0
    return 0.0, 0.0


@jit
def tes_energy_after(energy_j, q_charge_w, q_discharge_w, loss_per_s, dt_s):
    """Stored cold energy at the end of a step. [J]"""
    e = energy_j + (q_charge_w - q_discharge_w) * dt_s
    return e - e * loss_per_s * dt_s


@jit
def charging_power_factor(load_w, q_charge_w, capacity_factor, cop_factor):
    """Multiplier on chiller power when part of the evaporator duty is ice making. [-]

    The chillers are staged for ``L = Q_load + Q_charge / capacity_factor`` and the charging
    share of their power is divided by ``cop_factor``::

        P = P_model(L) * (1 + (Q_charge / capacity_factor) / L * (1 / cop_factor - 1))
    """
    staged = load_w + q_charge_w / capacity_factor
    if staged <= 0.0:
        return 1.0
    return 1.0 + (q_charge_w / capacity_factor) / staged * (1.0 / cop_factor - 1.0)
