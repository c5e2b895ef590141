"""Liquid cooling (cold plate or single-phase immersion) and its heat rejection.

A fraction ``phi`` of the IT heat is captured by liquid; the rest stays in the room air.  The
liquid side has a coolant distribution unit (CDU) and facility-water pumps whose power is a
fraction of the liquid heat (all pump work ends up in the water), and rejects its heat through
a dry cooler when the outdoor air is cold enough, otherwise the remainder goes to the
chilled-water plant through a heat exchanger ("chiller trim").

Dry cooler (air-to-water coil with fans)::

    Q = UA(s) * (T_w,mean - T_db),   UA(s) = UA_design * s**0.6,   P_fan = P_design * s**3

``T_w,mean`` is the mean facility-water temperature (supply set point plus half the range).  The
fan speed ``s`` that rejects the load follows in closed form; if ``s`` would exceed 1 the dry
cooler runs flat out and the rest goes to the chillers.  ``UA_design`` comes from the design
approach between mean water temperature and ambient at design load.

Facility-water supply classes (ASHRAE TC 9.9 liquid cooling white paper 2021; docs/sources.md 2.5,
S): W32, W40, W45 give the warmest allowed supply, used here as the supply set point.  Cold
plates capture typically 70-80 % of IT heat (docs/sources.md 2.5, M/V); immersion ~95-100 %.

Cooling tower (open tower with a plate HX, or a closed-circuit cooler) on the facility water: the
tower cells cool the water from its return ``T_s + range`` to the supply set point ``T_s``, by
the effectiveness-NTU (Merkel) model of :mod:`components.cooling.cooling_tower`.  If the tower
cannot reach the set point at full fan (a warm wet bulb), it takes what it can between those two
temperatures and the rest goes to the chillers, as with the dry cooler.

Simplifications: steady state; the CDU approach only shifts the secondary (chip-side) coolant
temperature and is reported, not simulated; no adiabatic pre-cooling on the dry cooler; the
tower's plate-HX approach is folded into its design approach.
"""

import numpy as np

from components._jit import jit
from components.cooling.cooling_tower import heat_rejected_w, operate

UA_AIRFLOW_EXPONENT = 0.6


@jit
def dry_cooler(q_w, temp_water_mean, temp_air, ua_design_w_per_k, fan_design_w):
    """Heat a dry cooler rejects, its fan power and fan speed.

    Parameters
    ----------
    q_w : float
        Heat the liquid loop must reject. [W]
    temp_water_mean : float
        Mean facility-water temperature in the coil. [degC]
    temp_air : float
        Outdoor dry bulb. [degC]
    ua_design_w_per_k : float
        Coil UA at full fan speed. [W/K]
    fan_design_w : float
        Fan power at full speed. [W]

    Returns
    -------
    tuple
        ``(q_rejected [W], fan_power [W], speed [-])``; ``q_rejected < q_w`` when the air is too
        warm for the dry cooler to take everything.
    """
    if q_w <= 0.0:
        return 0.0, 0.0, 0.0
    dt = temp_water_mean - temp_air
    if dt <= 0.0:
        return 0.0, 0.0, 0.0
    q_full = ua_design_w_per_k * dt
    if q_full <= q_w:
        return q_full, fan_design_w, 1.0
    speed = (q_w / q_full) ** (1.0 / UA_AIRFLOW_EXPONENT)
    return q_w, fan_design_w * speed * speed * speed, speed


@jit
def liquid_tower(q_w, temp_supply, range_k, h_air_in, pressure, water_flow, air_flow, ntu_design, fan_design_w):
    """Heat the liquid loop's cooling tower rejects, and its fan power.

    Parameters
    ----------
    q_w : float
        Heat the liquid loop must reject. [W]
    temp_supply, range_k : float
        Facility-water supply set point [degC] and design temperature rise [K].
    h_air_in, pressure : float
        Outdoor air enthalpy [J/kg dry air] and pressure [Pa].
    water_flow, air_flow, ntu_design : float
        Tower water flow [kg/s], design air flow [kg/s] and design NTU [-] at this step's outdoor air
        density (:func:`components.cooling.cooling_tower.cell_air`).
    fan_design_w : float
        Tower fan power at full speed. [W]

    Returns
    -------
    tuple
        ``(q_rejected [W], fan_power [W], air_ratio [-])``; ``q_rejected < q_w`` when the wet bulb
        is too warm for the tower to bring the water down to its set point; ``air_ratio`` is the air
        flow over design (for the tower's evaporation).
    """
    if q_w <= 0.0:
        return 0.0, 0.0, 0.0
    q_full = heat_rejected_w(1.0, temp_supply + range_k, temp_supply, h_air_in, pressure, water_flow,
                             air_flow, ntu_design)
    if q_full <= 0.0:
        return 0.0, 0.0, 0.0
    if q_full < q_w:
        return q_full, fan_design_w, 1.0
    # a typed True: a literal would make Numba compile (and cache) a second, Literal[bool](True)
    # specialisation of operate next to the one the chilled-water towers use
    _, fan_fraction, air_ratio = operate(q_w, temp_supply, h_air_in, pressure, water_flow, air_flow, ntu_design,
                                         np.bool_(True), temp_supply)
    return q_w, fan_fraction * fan_design_w, air_ratio
