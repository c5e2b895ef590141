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

Validity: sea-level to ~2,000 m sites; steady state; mixing of dry-air mass flows with a
constant specific heat.  Units: degC, kg/kg, -.
"""

from components._jit import jit
from components.psychrometrics import dew_point_from_humidity_ratio, humidity_ratio_from_wet_bulb


@jit
def outdoor_air_fraction(temp_outdoor, temp_return, temp_supply, dew_outdoor, dew_min, dew_max):
    """Outdoor-air share of the supply air and the mixed-air temperature. Returns ``(f [-], T_mix [degC])``."""
    if temp_outdoor >= temp_return or dew_outdoor < dew_min or dew_outdoor > dew_max:
        return 0.0, temp_return
    if temp_outdoor <= temp_supply:
        return (temp_return - temp_supply) / (temp_return - temp_outdoor), temp_supply
    return 1.0, temp_outdoor


@jit
def evaporated_outdoor_air(temp_outdoor, temp_wet_bulb, effectiveness, pressure):
    """Outdoor air after a direct evaporative pad. Returns ``(T [degC], w [kg/kg], dew point [degC])``."""
    t = temp_outdoor - effectiveness * (temp_outdoor - temp_wet_bulb)
    w = humidity_ratio_from_wet_bulb(t, temp_wet_bulb, pressure)
    return t, w, dew_point_from_humidity_ratio(w, pressure)
