"""Water a wet cooling tower uses: evaporation into air that leaves saturated, drift and blowdown.

The air leaves saturated (EnergyPlus's ``SaturatedExit``; :func:`saturated_exit_evaporation_kg_s`),
drift and blowdown after Lei & Masanet ("Statistical analysis for predicting location-specific data
center PUE and its improvement potential", Energy 2020, Eq. 6-7; docs/sources.md 2.2)::

    h_out = h_in + Q / m_a;  h_sat(T_out) = h_out;  evaporation = m_a (W_sat(T_out) - W_in)
    drift = f_drift * m_w;   blowdown = evaporation/(CoC - 1) - drift

(Lei & Masanet's ``evaporation = Q / h_fg``, used before 2026-12-07, counts every joule as latent
heat and gave 22-46 % more evaporation than EnergyPlus's towers.)

Kernel piece of :mod:`components.cooling.cooling_tower` (the tower's heat rejection and fan control),
which these functions follow: the search for the leaving air starts from the towers' set-point terms
(:func:`components.cooling.cooling_tower.setpoint_terms`).
"""

from components._jit import jit
from components.psychrometric_slopes import saturated_enthalpy_and_slope
from components.psychrometrics import humidity_ratio_from_enthalpy

# error left in the saturated exit-air temperature [K]: the evaporation then moves by about 1e-4 of itself
# (dW_sat/dT ~ 1.5e-3 /K against a pick-up W_out - W_in of ~1e-2)
_EXIT_AIR_TOLERANCE_K = 1e-3
# cap on the Newton steps of the leaving-air search (the tower solves' cap)
_ITERATIONS = 60


@jit
def _exit_air_start_c(h_out, temp_water_in, temp_wet_bulb, h_air_in, pressure, terms):
    """Where the search for the saturated leaving-air temperature starts. [degC]

    The inverse quadratic through three points of the saturation curve: the inlet air at its wet bulb
    (``h_sat(T_wb) ~ h_a,in``) and the two the towers' set-point terms hold (water in and out,
    :func:`components.cooling.cooling_tower.setpoint_terms`) when they are for this pressure; else the water entering
    (``temp_water_in``), which the air cannot leave warmer than.  The interpolated start is kept
    within the bracket of the root, the wet bulb to the entering water (the leaving air's enthalpy
    lies between the inlet air's and the saturated enthalpy at the entering water).  Only the number
    of Newton steps depends on it.
    """
    if not (terms[2] == pressure and terms[1] > 0.05 and temp_wet_bulb < terms[0]):
        return temp_water_in
    t1, h1 = terms[0] + terms[1], terms[4]
    t2, h2 = terms[0], terms[4] - terms[5] * terms[1]
    t3, h3 = temp_wet_bulb, h_air_in
    if not (h3 < h2 < h1):
        return temp_water_in
    t = (t1 * (h_out - h2) * (h_out - h3) / ((h1 - h2) * (h1 - h3))
         + t2 * (h_out - h1) * (h_out - h3) / ((h2 - h1) * (h2 - h3))
         + t3 * (h_out - h1) * (h_out - h2) / ((h3 - h1) * (h3 - h2)))
    return min(max(t, temp_wet_bulb), temp_water_in)


@jit
def saturated_exit_evaporation_kg_s(q_w, air_flow, temp_water_in, temp_wet_bulb, h_air_in, w_air_in, pressure,
                                    terms):
    """Water a wet tower evaporates into its air, the air leaving saturated. [kg/s]

    The air takes the rejected heat, ``h_out = h_in + Q / m_a``, and leaves saturated at the
    temperature where ``h_sat(T_out) = h_out`` (Newton steps from :func:`_exit_air_start_c`; ``h_sat``
    is increasing and convex, so from above the steps fall monotonically onto the root, from below
    the first overshoots; they stop when the error left, about ``(h''/2h') step**2``, is below 1e-3
    K); it carries ``W_out`` away (:func:`components.psychrometrics.humidity_ratio_from_enthalpy` at
    ``T_out``, ``h_out``), ``evaporation = m_a (W_out - W_in)``, at least 0.  The rest of the heat warms
    the air: in EnergyPlus's comparison plants over six climates, 68-82 % of the annual heat leaves as
    latent heat (validation case ``tower_water_energyplus``), where ``Q / h_fg`` counts all of it.

    Parameters
    ----------
    q_w : float
        Heat rejected [W].
    air_flow : float
        Dry-air flow through the cells [kg/s] (time-averaged over fan cycling).
    temp_water_in, temp_wet_bulb : float
        Water entering the tower and outdoor wet bulb [degC].
    h_air_in, w_air_in : float
        Outdoor air enthalpy [J/kg dry air] and humidity ratio [kg/kg dry air].
    pressure : float
        Total pressure [Pa].
    terms : tuple
        The towers' :func:`components.cooling.cooling_tower.setpoint_terms` (or its ``NO_TERMS``):
        points of the saturation curve to start the search from.

    Source: EnergyPlus Engineering Reference 25.2, cooling towers, "Evaporative Water Loss"
    (``Evaporation Loss Mode = SaturatedExit``); ASHRAE Handbook - Fundamentals (2017) ch. 1,
    eq. 32 (moist-air enthalpy).  Validity: as the tower model (wet bulb -10 to 32 degC); below
    the triple point the saturation is over ice.
    """
    if q_w <= 0.0 or air_flow <= 0.0:
        return 0.0
    h_out = h_air_in + q_w / air_flow
    t = _exit_air_start_c(h_out, temp_water_in, temp_wet_bulb, h_air_in, pressure, terms)
    for _ in range(_ITERATIONS):
        h_sat, slope = saturated_enthalpy_and_slope(t, pressure)
        step = (h_sat - h_out) / slope
        t -= step
        # Newton's error after the step is about (h''/2h') step**2, h''/h' < 0.1 /K from -10 to 60 degC
        if 0.05 * step * step < _EXIT_AIR_TOLERANCE_K:
            break
    return max(air_flow * (humidity_ratio_from_enthalpy(t, h_out) - w_air_in), 0.0)


@jit
def water_use_kg_s(evaporation, water_flow_total, cycles_of_concentration, drift_fraction):
    """Drift and blowdown of a tower that evaporates ``evaporation`` [kg/s]. [kg/s]

    Returns ``(evaporation, drift, blowdown)``, all 0 for a tower that evaporates nothing (rejects
    no heat).  When drift alone bleeds more than the concentration limit requires, blowdown is zero
    (the tower then runs at higher cycles).  Source: Lei & Masanet (2020) Eq. 6-7; docs/sources.md 2.2.
    """
    if evaporation <= 0.0:
        return 0.0, 0.0, 0.0
    drift = drift_fraction * water_flow_total
    blow = evaporation / (cycles_of_concentration - 1.0) - drift
    if blow < 0.0:
        blow = 0.0
    return evaporation, drift, blow
