"""Direct air-side economizer with an optional direct evaporative stage on the outdoor air.

Economizer (ASHRAE 90.1-2019 section 6.5.1.1, "differential dry-bulb" high limit; EnergyPlus
``Controller:OutdoorAir`` with ``DifferentialDryBulb`` and a dew-point lockout)::

    locked out  if T_oa >= T_return  or  T_dew,oa outside [dew_min, dew_max]
    f = (T_return - T_sa) / (T_return - T_oa),  T_mix = T_sa    if T_oa <= T_sa   (full economizer)
    f = 1,                                       T_mix = T_oa    otherwise       (integrated: trim)

``f`` is the outdoor-air share of the supply air.  The dew-point limits keep the room inside the
humidity envelope without humidifiers or dehumidification (ASHRAE TC 9.9 2021 recommended dew
point -9 to 15 degC; GB 50174-2017 Appendix A 5.5-15 degC), since with outdoor air the room
takes the outdoor humidity.

Direct evaporative stage (EnergyPlus ``EvaporativeCooler:Direct:ResearchSpecial``, constant
effectiveness): the outdoor air is cooled adiabatically toward its wet bulb,
``T_e = T_oa - eps (T_oa - T_wb)``, at constant wet bulb; it is used when it makes the mixed air
colder and the humidified air stays below ``dew_max``.

Humidifier (optional): outdoor air too dry for the band (dew point below ``dew_min``) is still
used; an adiabatic humidifier on the mixed air (wet media or spray, constant enthalpy) adds water
up to the band's lower humidity ratio ``W_min = W(dew_min)``.  The room adds no moisture, so in
steady state the return air has the supply's ``W_min``, and by the enthalpy balance of mixing and
humidifying (ASHRAE Fundamentals 2017 ch. 1 eq. 30)::

    f h(T_oa, W_oa) + (1 - f) h(T_return, W_min) = h(T_out, W_min)
    f = (h(T_return, W_min) - h(T_sa, W_min)) / (h(T_return, W_min) - h(T_oa, W_oa)),  T_out = T_sa
    f = 1,  T_out = T(h(T_oa, W_oa), W_min)   where that f exceeds 1 (integrated: trim)

with ``f (W_min - W_oa)`` kg of water per kg of dry supply air.  At ``W_oa = W_min`` the enthalpy
balance is the temperature mixing above (the humidity terms cancel; the two shares agree to
round-off), so the share is continuous across the band's floor.

Validity: sea-level to ~2,000 m sites; steady state; mixing of dry-air mass flows with a
constant specific heat (the humidifier: with the enthalpy of eq. 30).  Units: degC, kg/kg, -.
"""

from components._jit import jit
from components.psychrometrics import (dew_point_from_humidity_ratio, dry_bulb_from_enthalpy, enthalpy_moist_air,
                                       humidity_ratio_from_dew_point, humidity_ratio_from_wet_bulb)

#: Humidity ratios within this fraction of a band limit's are decided by the dew point itself [-]:
#: far above the rounding of ``W_s`` (1e-15) and of the dew-point solve (1e-9 K, 6e-11 in ``W``).
DEW_BAND_PAD = 1e-9


@jit
def dew_point_in_band(w, pressure, dew_min, dew_max):
    """Whether air of humidity ratio ``w`` has its dew point in ``[dew_min, dew_max]`` [degC].

    ``W_s`` rises with temperature, so ``t_d <= dew_max  <=>  w <= W_s(dew_max)`` and likewise at
    ``dew_min`` (ASHRAE Fundamentals 2017 ch. 1 eq. 20, 36): two saturation evaluations
    (:func:`components.psychrometrics.humidity_ratio_from_dew_point`) instead of the dew-point
    solve.  A ``w`` within :data:`DEW_BAND_PAD` of a limit is decided by
    :func:`components.psychrometrics.dew_point_from_humidity_ratio`, so the answer is the
    dew-point comparison's.  Units: kg/kg, Pa, degC; limits -100 to 200 degC.
    """
    w_max = humidity_ratio_from_dew_point(dew_max, pressure)
    if w > w_max * (1.0 + DEW_BAND_PAD):
        return False
    w_min = humidity_ratio_from_dew_point(dew_min, pressure)
    if w < w_min * (1.0 - DEW_BAND_PAD):
        return False
    if w_min * (1.0 + DEW_BAND_PAD) < w < w_max * (1.0 - DEW_BAND_PAD):
        return True
    dew = dew_point_from_humidity_ratio(w, pressure)
    return dew_min <= dew <= dew_max


@jit
def outdoor_air_fraction(temp_outdoor, temp_return, temp_supply, dew_in_band):
    """Outdoor-air share of the supply air and the mixed-air temperature. Returns ``(f [-], T_mix [degC])``.

    ``dew_in_band``: whether the outdoor air's dew point is inside the economizer's range.
    """
    if temp_outdoor >= temp_return or not dew_in_band:
        return 0.0, temp_return
    if temp_outdoor <= temp_supply:
        return (temp_return - temp_supply) / (temp_return - temp_outdoor), temp_supply
    return 1.0, temp_outdoor


@jit
def humidified_outdoor_air_fraction(temp_outdoor, w_outdoor, temp_return, temp_supply, w_min):
    """Outdoor-air share with a humidifier holding the supply at ``w_min`` (see the module docstring).

    Returns ``(f [-], T_out [degC], water [kg per kg of dry supply air])``: ``(0, T_return, 0)``
    where the outdoor air's enthalpy is not below the return air's (it cannot cool it).
    """
    h_return = enthalpy_moist_air(temp_return, w_min)
    h_outdoor = enthalpy_moist_air(temp_outdoor, w_outdoor)
    if h_outdoor >= h_return:
        return 0.0, temp_return, 0.0
    f = (h_return - enthalpy_moist_air(temp_supply, w_min)) / (h_return - h_outdoor)
    if f >= 1.0:
        return 1.0, dry_bulb_from_enthalpy(h_outdoor, w_min), w_min - w_outdoor
    return f, temp_supply, f * (w_min - w_outdoor)


@jit
def evaporated_outdoor_air(temp_outdoor, temp_wet_bulb, effectiveness, pressure):
    """Outdoor air after a direct evaporative pad. Returns ``(T [degC], w [kg/kg])``."""
    t = temp_outdoor - effectiveness * (temp_outdoor - temp_wet_bulb)
    return t, humidity_ratio_from_wet_bulb(t, temp_wet_bulb, pressure)
