"""Liquid cooling (cold plate or single-phase immersion) and its heat rejection.

A fraction ``phi`` of the IT heat is captured by liquid; the rest stays in the room air.  The
liquid side has a coolant distribution unit (CDU) and facility-water pumps whose power is a
fraction of the liquid heat (all pump work ends up in the water), and rejects its heat through
a dry cooler when the outdoor air is cold enough, otherwise the remainder goes to the
chilled-water plant through a heat exchanger ("chiller trim").

Dry cooler (air-to-water coil with fans), the effectiveness-NTU model of EnergyPlus's
``FluidCooler:SingleSpeed`` (cross flow, both streams unmixed) with the water entering at the
return temperature ``T_w,in = T_s + range``::

    Q_full = eps(NTU, C_r) C_min (T_w,in - T_db),   NTU = UA / C_min,   C_r = C_min / C_max
    C_w = Q / range   (the facility water holds its range: its flow follows the load)

``C_a`` is the air's capacity rate at full fan and ``UA`` the coil's there, both sized at the design
point (:func:`dry_cooler_design_ua`).  The water cannot give up more than ``C_w (T_w,in - T_db)``, so at part
load in hot air the dry cooler takes less of the heat than at full load, not more.  Below full
capacity the fans slow to ``s = (Q / Q_full)**(1 / 0.6)`` (the heat taken as ``UA ~ s**0.6`` at a
fixed temperature difference) and draw ``P_design s**3``; what the dry cooler cannot take at full
fan goes to the chillers.  Until 2026-12-07 the capacity was ``UA (T_w,mean - T_db)`` with the
mean water temperature and no water-side limit: nothing above the mean water temperature (W32: 35
degC, where the water entering at 38 degC still gives up 27 % of the design heat at full load), and
at low load in hot air more than the water can give (all of a 10 % load at 33 degC, where the water
can give 83 % of it).

Facility-water supply classes (ASHRAE TC 9.9 liquid cooling white paper 2021; docs/sources.md 2.5,
S): W32, W40, W45 give the warmest allowed supply, used here as the supply set point.  Cold
plates capture typically 70-80 % of IT heat (docs/sources.md 2.5, M/V); immersion ~95-100 %.

Cooling tower (open tower with a plate HX, or a closed-circuit cooler) on the facility water: the
tower cells cool the water from its return ``T_s + range`` to the supply set point ``T_s``, its flow
following the load as for the dry cooler, by the effectiveness-NTU (Merkel) model of
:mod:`components.cooling.cooling_tower`.  If the tower
cannot reach the set point at full fan (a warm wet bulb), it takes what it can between those two
temperatures and the rest goes to the chillers, as with the dry cooler.

Simplifications: steady state; the CDU approach only shifts the secondary (chip-side) coolant
temperature and is reported, not simulated; no adiabatic pre-cooling on the dry cooler; the dry
cooler's air mass flow at full fan is its design's (EnergyPlus's follows the outdoor density; the
difference is within 0.5 % of the load from -10 to 37 degC at 30-100 % load, validation case
``dry_cooler_energyplus_replica``); its fan law is approximate (annual fan energy within about
11 % of an exact solve at the default design, more at other air rises; the fans draw about 0.1 %
of a year's facility energy); the tower's plate-HX approach is folded into its design approach.
"""

import numpy as np

from components._jit import jit
from components.cooling.cooling_tower import CP_WATER, heat_rejected_w, operate

UA_AIRFLOW_EXPONENT = 0.6


@jit
def crossflow_effectiveness(ntu, capacity_ratio):
    r"""Effectiveness of a single-pass cross-flow heat exchanger, both streams unmixed. [-]

    .. math:: \varepsilon = 1 - \exp\left[\frac{NTU^{0.22}}{C_r}\left(e^{-C_r NTU^{0.78}} - 1\right)\right]

    and ``1 - exp(-NTU)`` as ``C_r`` goes to 0 (below 1e-9); 0 at ``NTU <= 0``.  Source: Incropera & DeWitt,
    Fundamentals of Heat and Mass Transfer, Table 11.3 (an approximation to the exact series); the
    form EnergyPlus's ``FluidCooler`` objects use (``FluidCoolers.cc``, ``CalcFluidCoolerOutlet``:
    ``ETA = NTU^0.22``, ``A = C_r NTU / ETA``).  Validity: ``NTU > 0``, ``0 <= C_r <= 1``.

    Parameters
    ----------
    ntu : float
        Number of transfer units, ``UA / C_min`` [-].
    capacity_ratio : float
        ``C_min / C_max`` [-].
    """
    if ntu <= 0.0:
        return 0.0
    if capacity_ratio < 1e-9:
        return 1.0 - np.exp(-ntu)
    eta = ntu ** 0.22
    return 1.0 - np.exp((np.exp(-capacity_ratio * ntu / eta) - 1.0) * eta / capacity_ratio)


#: largest design effectiveness :func:`dry_cooler_design_ua` sizes a coil for (above it the coil
#: would need an NTU of tens; a selection error, not a dry cooler) [-]
MAX_DESIGN_EFFECTIVENESS = 0.95


@jit
def dry_cooler_design_ua(q_design, temp_difference, c_water, c_air):
    """UA at full fan of a dry cooler that rejects ``q_design`` [W] at its design point. [W/K]

    ``temp_difference``: entering water minus outdoor air at the design point [K]; ``c_water``,
    ``c_air``: the design capacity rates [W/K].  Inverts :func:`crossflow_effectiveness` for
    ``eps = q_design / (C_min dT)`` by bisection on ``NTU`` (80 halvings of [0, 1000]: the
    effectiveness rises monotonically with NTU), as EnergyPlus sizes a fluid cooler's UA
    (``SimpleFluidCoolerUAResidual``, solved on the design point).  Returns ``nan`` when the design
    needs an effectiveness above :data:`MAX_DESIGN_EFFECTIVENESS` or out of reach at NTU 1000 (at
    ``C_r = 1`` this approximation reaches 0.95 only near NTU 140).
    """
    c_min = min(c_water, c_air)
    c_r = c_min / max(c_water, c_air)
    eps = q_design / (c_min * temp_difference)
    lo, hi = 0.0, 1000.0
    if not 0.0 < eps <= MAX_DESIGN_EFFECTIVENESS or crossflow_effectiveness(hi, c_r) < eps:
        return np.nan
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if crossflow_effectiveness(mid, c_r) < eps:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi) * c_min


@jit
def dry_cooler_conductance(q_w, range_k, ua_w_per_k, air_w_per_k):
    """Full-fan conductance ``eps C_min`` of a dry cooler carrying ``q_w`` at its range. [W/K]

    The facility water holds ``range_k`` [K], so its capacity rate is ``C_w = q_w / range_k``; with the
    air's ``air_w_per_k`` and the coil's ``ua_w_per_k`` [W/K] at full fan, the heat at full fan is this
    conductance times the entering water minus the outdoor air (:func:`crossflow_effectiveness`,
    EnergyPlus's ``FluidCooler:SingleSpeed``).  A pure function of the load: the facility step
    computes it once for as long as the IT power holds (:func:`components.facility._room`).
    0 for no load.
    """
    if q_w <= 0.0:
        return 0.0
    c_water = q_w / range_k
    c_min = min(c_water, air_w_per_k)
    c_max = max(c_water, air_w_per_k)
    return crossflow_effectiveness(ua_w_per_k / c_min, c_min / c_max) * c_min


@jit
def dry_cooler(q_w, temp_water_in, temp_air, conductance_w_per_k, fan_design_w):
    """Heat a dry cooler rejects, its fan power and fan speed.

    At full fan the coil rejects ``G (T_w,in - T_db)`` with ``G`` its conductance at this load
    (:func:`dry_cooler_conductance`); when that covers ``q_w`` the fans slow down (module docstring).

    Parameters
    ----------
    q_w : float
        Heat the liquid loop must reject. [W]
    temp_water_in : float
        Facility water entering the coil: supply set point plus range. [degC]
    temp_air : float
        Outdoor dry bulb. [degC]
    conductance_w_per_k : float
        :func:`dry_cooler_conductance` of ``q_w``. [W/K]
    fan_design_w : float
        Fan power at full speed. [W]

    Returns
    -------
    tuple
        ``(q_rejected [W], fan_power [W], speed [-])``; ``q_rejected < q_w`` when the air is too
        warm for the dry cooler to take everything.

    Validity: water entering 17-70 degC, outdoor air -40 degC to the entering water; checked
    against a transcription of EnergyPlus's fluid cooler at 30-100 % load, -10 to 37 degC
    (validation case ``dry_cooler_energyplus_replica``).
    """
    if q_w <= 0.0 or temp_water_in <= temp_air:
        return 0.0, 0.0, 0.0
    q_full = conductance_w_per_k * (temp_water_in - temp_air)
    if q_full <= q_w:
        return q_full, fan_design_w, 1.0
    ratio = q_w / q_full
    # P = P_design s**3 = P_design ratio**(3 / 0.6) = P_design ratio**5: five products, where the cube of
    # the speed's pow took 5 % of the chilled-water package's year; the speed's pow is left out by the
    # compiler wherever the caller does not use it (the facility step)
    ratio2 = ratio * ratio
    return q_w, fan_design_w * (ratio2 * ratio2 * ratio), ratio ** (1.0 / UA_AIRFLOW_EXPONENT)


@jit
def liquid_tower(q_w, temp_supply, range_k, h_air_in, pressure, air_flow, ntu_design, fan_design_w):
    """Heat the liquid loop's cooling tower rejects, and its fan power.

    The facility water holds its range, as with the dry cooler: it returns at ``T_s + range`` and its
    flow follows the load, ``m_w = q_w / (c_p range)``.  At full fan the cells reject
    :func:`components.cooling.cooling_tower.heat_rejected_w` of that water; when that covers ``q_w``
    the fans slow to hold the set point (:func:`components.cooling.cooling_tower.operate` at the same
    flow), else the tower runs flat out, its water leaves warmer than the set point and the chillers
    trim the rest.  Until 2026-12-07 the full-fan heat was taken at the design water flow while the
    fans were then solved at that flow for this load (water returning at ``T_s + q_w / (m_w,design
    c_p)``, not ``T_s + range``): at part load in humid heat the tower was booked the whole heat while
    its water left up to 3 K above the set point (W27, 30 % load, wet bulb 26-29 degC).

    Parameters
    ----------
    q_w : float
        Heat the liquid loop must reject. [W]
    temp_supply, range_k : float
        Facility-water supply set point [degC] and range [K].
    h_air_in, pressure : float
        Outdoor air enthalpy [J/kg dry air] and pressure [Pa].
    air_flow, ntu_design : float
        Tower design air flow [kg/s] and design NTU [-] at this step's outdoor air density
        (:func:`components.cooling.cooling_tower.cell_air`).
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
    water_flow = q_w / (CP_WATER * range_k)
    q_full = heat_rejected_w(1.0, temp_supply + range_k, temp_supply, h_air_in, pressure, water_flow, air_flow,
                             ntu_design)
    if q_full <= 0.0:
        return 0.0, 0.0, 0.0
    if q_full < q_w:
        return q_full, fan_design_w, 1.0
    # a typed True: a literal would make Numba compile (and cache) a second, Literal[bool](True)
    # specialisation of operate next to the one the chilled-water towers use
    _, fan_fraction, air_ratio = operate(q_w, temp_supply, h_air_in, pressure, water_flow, air_flow, ntu_design,
                                         np.bool_(True), temp_supply)
    return q_w, fan_fraction * fan_design_w, air_ratio
