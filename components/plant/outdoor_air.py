"""The outdoor-air stage ahead of every plant: direct air-side economizer, optionally evaporative.

Kernel piece of :mod:`components.facility`.  It runs on the air leaving the room before the
plant's coils (:mod:`components.cooling.air_economizer` gives the control and the physics): the
outdoor air takes what it can of the room's sensible heat, and the plant (CRAH coils on chilled
water, DX, IEC) sees the air at the mixed-air temperature.  The heat it removes leaves with the
exhaust air.  Simplification: the outdoor air brings its humidity, and the economizer is locked
out whenever that (after the pad) would leave the room's dew-point band, unless a humidifier
(``economizer_humidify``) brings outdoor air that is too dry up to the band's lower dew point; no
dehumidification is modelled; relief is by the CRAH fans (no extra fan power).
"""

from components._jit import jit, jit_inlined
from components.cooling.air_economizer import (dew_point_in_band, evaporated_outdoor_air,
                                               humidified_outdoor_air_fraction, outdoor_air_fraction)
from components.cooling.air_management import CP_AIR, fan_rise_k
from components.layout import BOUNDARY, OUTPUT, PARAM
from components.psychrometrics import humidity_ratio_from_dew_point


@jit_inlined
def outdoor_air_stage(p, b, i, t_return, t_supply, m_crah, p_fans, o):
    """Economize on outdoor air at step ``i``; writes its channels of ``o[:, i]``.

    Returns the air temperature entering the plant's coils [degC]: ``t_return`` when the stage is
    absent or the room air is no warmer than the supply set point, else that of
    :func:`_economizing_stage`.  Inlined into the step (:func:`components._jit.jit_inlined`): a plant
    without the stage only zeroes its channels, with no call (a call passes the three arrays as some
    thirty machine arguments: 3.7 % of the default room's kernel time went to the call and the
    zeroing, perf 2026-12-07; timed side by side the gain is within the +-5 % that separate builds
    of the same kernels differ by).
    """
    o[OUTPUT.q_air_economizer, i] = 0.0
    o[OUTPUT.outdoor_air_fraction, i] = 0.0
    o[OUTPUT.p_evaporative_pumps, i] = 0.0
    o[OUTPUT.water_direct_evaporative, i] = 0.0
    if p[PARAM.air_economizer] < 0.5 or t_return <= t_supply:
        return t_return
    return _economizing_stage(p, b, i, t_return, t_supply, m_crah, p_fans, o)


@jit
def _economizing_stage(p, b, i, t_return, t_supply, m_crah, p_fans, o):
    """The outdoor-air stage of :func:`outdoor_air_stage` where it may run (a room warmer than the
    supply set point); writes its channels of ``o[:, i]``.

    The mixing box is ahead of the CRAH fans.  Their heat ``P_fan`` [W] is in ``t_return`` (the
    room's heat balance books it there), but the fans blow the mixed air, so their rise
    ``dT_fan = P_fan / (m_crah c_p)`` [K] comes after the box: the dampers see
    ``T_return - dT_fan``, the box mixes to ``T_supply - dT_fan`` so that the fans deliver
    ``T_supply``, and the coils see ``T_mix + dT_fan`` (0.6-0.8 K at 40 kW on 50 m3/s).  Source:
    EnergyPlus ``SetpointManager:MixedAir`` (Input Output Reference: the mixed-air set point is the
    supply set point minus the fan's temperature rise), as the reference plants of
    ``validation/energyplus/plant_models.py`` have it; with the fan heat at the dampers instead, the
    pad ran 405 h a year fewer than EnergyPlus's in Golden (validation case
    ``evaporative_water_energyplus``).

    Returns the air temperature entering the plant's coils [degC] (``t_return`` when the stage
    is locked out).  Heat removed: ``m_crah c_p (T_return - dT_fan - T_mix)`` [W], at
    most the room's (fans included).
    """
    rise = fan_rise_k(p_fans, m_crah)
    coil_in = t_return
    t_return, t_supply = t_return - rise, t_supply - rise  # at the dampers, and the mixing target
    t_oa = b[BOUNDARY.temp_air, i]
    dew_min, dew_max = p[PARAM.economizer_dew_min_c], p[PARAM.economizer_dew_max_c]
    f, t_mix = outdoor_air_fraction(t_oa, t_return, t_supply, dew_min <= b[BOUNDARY.temp_dew, i] <= dew_max)
    water = 0.0
    pump = 0.0
    if p[PARAM.economizer_humidify] > 0.5 and b[BOUNDARY.temp_dew, i] < dew_min and t_oa < t_return:
        # too dry for the band: a humidifier on the mixed air holds the supply at the band's floor
        f, t_mix, w_added = humidified_outdoor_air_fraction(
            t_oa, b[BOUNDARY.humidity_ratio, i], t_return, t_supply,
            humidity_ratio_from_dew_point(dew_min, b[BOUNDARY.pressure, i]))
        if f > 0.0:
            water = m_crah * w_added
            pump = m_crah * p[PARAM.evaporative_pump_w_per_kgs]
    if p[PARAM.direct_evaporative] > 0.5 and t_oa > t_supply:
        pressure = b[BOUNDARY.pressure, i]
        t_e, w_e = evaporated_outdoor_air(t_oa, b[BOUNDARY.temp_wet_bulb, i], p[PARAM.evaporative_effectiveness],
                                          pressure)
        # the humidified air's dew-point band is tested only if its temperature could use it at all
        in_band = t_e < t_return and dew_point_in_band(w_e, pressure, dew_min, dew_max)
        f_e, t_mix_e = outdoor_air_fraction(t_e, t_return, t_supply, in_band)
        if t_mix_e < t_mix - 1e-9:
            f, t_mix = f_e, t_mix_e
            water = f * m_crah * (w_e - b[BOUNDARY.humidity_ratio, i])
            pump = f * m_crah * p[PARAM.evaporative_pump_w_per_kgs]
    o[OUTPUT.q_air_economizer, i] = m_crah * CP_AIR * (t_return - t_mix)
    o[OUTPUT.outdoor_air_fraction, i] = f
    o[OUTPUT.p_evaporative_pumps, i] = pump
    o[OUTPUT.water_direct_evaporative, i] = water
    return t_mix + rise if f > 0.0 else coil_in

