"""Moist-air psychrometrics (SI), compiled with Numba.

Every function is a small, pure ``@jit`` function that can be called from Python or from inside
another Numba kernel.  The equations are those of ASHRAE Handbook - Fundamentals (2017), chapter 1
"Psychrometrics" [1]_ (SI edition), the same set that PsychroLib [2]_ implements; this is an
independent implementation checked against PsychroLib in ``tests/test_psychrometrics.py``.  The
saturation curve they all build on is in :mod:`components.saturation`; the slopes of these relations
for Newton solvers are in :mod:`components.psychrometric_slopes`.

Conventions (SI): temperatures in °C, pressures in Pa, humidity ratio ``w`` in kg of water vapour
per kg of dry air [kg/kg], specific enthalpy in J per kg of dry air [J/kg], relative humidity as a
fraction in [0, 1] (not percent).

:func:`moist_air_state` loops over 1-D ``float64`` arrays of equal length and returns a new array.

References
----------
.. [1] ASHRAE, 2017. ASHRAE Handbook - Fundamentals, SI edition, chapter 1 "Psychrometrics".
   American Society of Heating, Refrigerating and Air-Conditioning Engineers, Atlanta.
.. [2] Meyer, D. and Thevenard, D., 2019. PsychroLib: a library of psychrometric functions to
   calculate thermodynamic properties of air. Journal of Open Source Software 4(33), 1137.
   https://doi.org/10.21105/joss.01137
"""

from __future__ import annotations

import numpy as np

from components._jit import jit_alloc
from components.saturation import ZERO_CELSIUS_K, dew_point_from_vapor_pressure, saturation_vapor_pressure

#: Ratio of the molar masses of water vapour and dry air, ASHRAE (2017) ch. 1 eq. 20 [-].
MOLAR_MASS_RATIO = 0.621945
#: Freezing point used to switch the wet-bulb energy balance to ice, ASHRAE eq. 35 [°C].
FREEZING_POINT_C = 0.0
#: Standard sea-level atmospheric pressure, ASHRAE (2017) ch. 1 eq. 3 [Pa].
STANDARD_PRESSURE_PA = 101325.0
#: Specific gas constant of dry air, ASHRAE (2017) ch. 1 eq. 28 [J/(kg K)].
R_DRY_AIR = 287.042
#: Smallest humidity ratio returned by the solvers (avoids log(0)) [kg/kg].
MIN_HUMIDITY_RATIO = 1e-7


@jit_alloc
def humidity_ratio_from_vapor_pressure(p_w, pressure):
    r"""Humidity ratio from the partial pressure of water vapour.

    .. math:: W = 0.621945\, p_w / (p - p_w)

    Parameters
    ----------
    p_w : float
        Partial pressure of water vapour [Pa], ``0 <= p_w < pressure``.
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Humidity ratio [kg/kg dry air].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 20.
    """
    return MOLAR_MASS_RATIO * p_w / (pressure - p_w)


@jit_alloc
def vapor_pressure_from_humidity_ratio(w, pressure):
    r"""Partial pressure of water vapour from the humidity ratio.

    .. math:: p_w = p\, W / (0.621945 + W)

    Parameters
    ----------
    w : float
        Humidity ratio [kg/kg dry air], ``>= 0``.
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Partial pressure of water vapour [Pa].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 20 solved for :math:`p_w`.
    """
    return pressure * w / (MOLAR_MASS_RATIO + w)


@jit_alloc
def saturation_humidity_ratio(temp_c, pressure):
    r"""Humidity ratio of saturated air.

    .. math:: W_s = 0.621945\, p_{ws}(t) / (p - p_{ws}(t))

    Parameters
    ----------
    temp_c : float
        Dry-bulb temperature [°C], -100 to 200 °C (and ``p_ws(t) < pressure``).
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Saturation humidity ratio [kg/kg dry air], at least ``MIN_HUMIDITY_RATIO``.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 23.
    """
    p_ws = saturation_vapor_pressure(temp_c)
    return max(humidity_ratio_from_vapor_pressure(p_ws, pressure), MIN_HUMIDITY_RATIO)


@jit_alloc
def humidity_ratio_from_rh(temp_c, rh, pressure):
    r"""Humidity ratio from dry bulb and relative humidity.

    .. math:: p_w = \phi\, p_{ws}(t), \qquad W = 0.621945\, p_w / (p - p_w)

    Parameters
    ----------
    temp_c : float
        Dry-bulb temperature [°C], -100 to 200 °C.
    rh : float
        Relative humidity as a fraction [-], 0 to 1.
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Humidity ratio [kg/kg dry air].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 12, 20 and 24.
    """
    p_w = rh * saturation_vapor_pressure(temp_c)
    return humidity_ratio_from_vapor_pressure(p_w, pressure)


@jit_alloc
def humidity_ratio_from_dew_point(temp_dew, pressure):
    r"""Humidity ratio from the dew-point temperature.

    .. math:: p_w = p_{ws}(t_d), \qquad W = 0.621945\, p_w / (p - p_w)

    Parameters
    ----------
    temp_dew : float
        Dew-point (frost-point below 0.01 °C) temperature [°C], -100 to 200 °C.
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Humidity ratio [kg/kg dry air].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 20 and 36.
    """
    return humidity_ratio_from_vapor_pressure(saturation_vapor_pressure(temp_dew), pressure)


@jit_alloc
def dew_point_from_humidity_ratio(w, pressure):
    r"""Dew-point temperature from the humidity ratio.

    .. math:: p_w = p\,W/(0.621945 + W), \qquad p_{ws}(t_d) = p_w

    Parameters
    ----------
    w : float
        Humidity ratio [kg/kg dry air], ``>= 0``.
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Dew-point (frost-point below 0.01 °C) temperature [°C], accurate to about 1e-9 K; clipped to
        [-100, 200] °C.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 20 and 36.
    See :func:`dew_point_from_vapor_pressure` for the solver.
    """
    w = max(w, MIN_HUMIDITY_RATIO)
    return dew_point_from_vapor_pressure(vapor_pressure_from_humidity_ratio(w, pressure))


@jit_alloc
def humidity_ratio_from_wet_bulb(temp_c, temp_wet_bulb, pressure):
    r"""Humidity ratio from dry bulb and thermodynamic wet bulb (psychrometric energy balance).

    Above freezing (:math:`t^* \ge 0` °C), eq. 33:

    .. math::

        W = \frac{(2501 - 2.326\,t^*)\,W_s^* - 1.006\,(t - t^*)}{2501 + 1.86\,t - 4.186\,t^*}

    Below freezing (:math:`t^* < 0` °C), eq. 35:

    .. math::

        W = \frac{(2830 - 0.24\,t^*)\,W_s^* - 1.006\,(t - t^*)}{2830 + 1.86\,t - 2.1\,t^*}

    with :math:`W_s^* = W_s(t^*, p)`.

    Parameters
    ----------
    temp_c : float
        Dry-bulb temperature [°C].
    temp_wet_bulb : float
        Thermodynamic wet-bulb temperature [°C], ``<= temp_c``.
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Humidity ratio [kg/kg dry air], at least ``MIN_HUMIDITY_RATIO``.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 33 and 35.
    """
    ws = saturation_humidity_ratio(temp_wet_bulb, pressure)
    if temp_wet_bulb >= FREEZING_POINT_C:
        w = (((2501.0 - 2.326 * temp_wet_bulb) * ws - 1.006 * (temp_c - temp_wet_bulb))
             / (2501.0 + 1.86 * temp_c - 4.186 * temp_wet_bulb))
    else:
        w = (((2830.0 - 0.24 * temp_wet_bulb) * ws - 1.006 * (temp_c - temp_wet_bulb))
             / (2830.0 + 1.86 * temp_c - 2.1 * temp_wet_bulb))
    return max(w, MIN_HUMIDITY_RATIO)


@jit_alloc
def wet_bulb_from_humidity_ratio(temp_c, w, pressure, temp_dew=np.nan):
    r"""Thermodynamic wet-bulb temperature from dry bulb and humidity ratio.

    Solves the psychrometric energy balance :math:`W(t, t^*, p) = W` (eq. 33 above 0 °C, eq. 35
    below, see :func:`humidity_ratio_from_wet_bulb`) for :math:`t^*` on the bracket [dew point,
    dry bulb] until it is narrower than 1e-5 K: by the Illinois (modified regula falsi) method,
    or by bisection when the bracket spans 0 °C, where the ice and water forms of the balance
    meet with a jump.  The result therefore satisfies ``dew point <= wet bulb <= dry bulb``.

    Parameters
    ----------
    temp_c : float
        Dry-bulb temperature [°C], -100 to 200 °C.
    w : float
        Humidity ratio [kg/kg dry air].  Values above saturation at ``temp_c`` return ``temp_c``.
    pressure : float
        Total (station) pressure [Pa].
    temp_dew : float, optional
        Dew point of ``w`` [°C] if the caller has it (NaN, the default: computed here).

    Returns
    -------
    float
        Thermodynamic wet-bulb temperature [°C].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 33 and 35.
    """
    w = max(w, MIN_HUMIDITY_RATIO)
    if w >= saturation_humidity_ratio(temp_c, pressure):
        return temp_c
    lo = min(dew_point_from_humidity_ratio(w, pressure) if np.isnan(temp_dew) else temp_dew, temp_c)
    hi = temp_c
    if lo < 0.0 < hi:
        # W(t*) jumps where eq. 35 (ice) hands over to eq. 33 (water), so regula falsi can stop
        # at a second crossing; plain bisection finds the same root as PsychroLib.
        t = 0.5 * (lo + hi)
        for _ in range(100):
            if hi - lo < 1e-5:
                break
            if humidity_ratio_from_wet_bulb(temp_c, t, pressure) > w:
                hi = t
            else:
                lo = t
            t = 0.5 * (lo + hi)
        return t
    # W(t*) increases with t*: f < 0 at the dew point, f > 0 at the dry bulb.
    f_lo = humidity_ratio_from_wet_bulb(temp_c, lo, pressure) - w
    f_hi = humidity_ratio_from_wet_bulb(temp_c, hi, pressure) - w
    if f_lo >= 0.0:
        return lo
    t = hi
    side = 0
    for _ in range(100):
        t = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)  # Illinois (modified regula falsi) step
        f = humidity_ratio_from_wet_bulb(temp_c, t, pressure) - w
        if f > 0.0:
            hi, f_hi = t, f
            if side == 1:
                f_lo *= 0.5
            side = 1
        else:
            lo, f_lo = t, f
            if side == -1:
                f_hi *= 0.5
            side = -1
        if hi - lo < 1e-5 or f == 0.0:
            break
    return t


@jit_alloc
def enthalpy_moist_air(temp_c, w):
    r"""Specific enthalpy of moist air per kilogram of dry air.

    .. math:: h = 1006\,t + W\,(2\,501\,000 + 1860\,t)

    Parameters
    ----------
    temp_c : float
        Dry-bulb temperature [°C].  The linearised form is valid for about -50 to 110 °C.
    w : float
        Humidity ratio [kg/kg dry air].

    Returns
    -------
    float
        Specific enthalpy [J/kg dry air], zero for dry air at 0 °C.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 30.
    """
    return (1.006 * temp_c + w * (2501.0 + 1.86 * temp_c)) * 1000.0


@jit_alloc
def dry_bulb_from_enthalpy(h, w):
    r"""Dry-bulb temperature from specific enthalpy and humidity ratio (inverse of eq. 30).

    .. math:: t = (h/1000 - 2501\,W) / (1.006 + 1.86\,W)

    Parameters
    ----------
    h : float
        Specific enthalpy [J/kg dry air].
    w : float
        Humidity ratio [kg/kg dry air].

    Returns
    -------
    float
        Dry-bulb temperature [°C].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 30 solved for :math:`t`.
    """
    return (h / 1000.0 - 2501.0 * w) / (1.006 + 1.86 * w)


@jit_alloc
def humidity_ratio_from_enthalpy(temp_c, h):
    r"""Humidity ratio from dry-bulb temperature and specific enthalpy (eq. 30 solved for :math:`W`).

    .. math:: W = (h/1000 - 1.006\,t) / (2501 + 1.86\,t)

    Parameters
    ----------
    temp_c : float
        Dry-bulb temperature [°C].
    h : float
        Specific enthalpy [J/kg dry air].

    Returns
    -------
    float
        Humidity ratio [kg/kg dry air].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 30 solved for :math:`W`.
    """
    return (h / 1000.0 - 1.006 * temp_c) / (2501.0 + 1.86 * temp_c)


@jit_alloc
def saturated_enthalpy(temp_c, pressure):
    r"""Specific enthalpy of saturated moist air.

    .. math:: h_s = h(t, W_s(t, p))

    Parameters
    ----------
    temp_c : float
        Temperature [°C], about -50 to 110 °C.
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Specific enthalpy of saturated air [J/kg dry air].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 23 and 30.
    """
    return enthalpy_moist_air(temp_c, saturation_humidity_ratio(temp_c, pressure))


@jit_alloc
def relative_humidity_from_humidity_ratio(temp_c, w, pressure):
    r"""Relative humidity from dry bulb and humidity ratio.

    .. math:: \phi = p_w / p_{ws}(t), \qquad p_w = p\,W/(0.621945 + W)

    Parameters
    ----------
    temp_c : float
        Dry-bulb temperature [°C], -100 to 200 °C.
    w : float
        Humidity ratio [kg/kg dry air].
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Relative humidity as a fraction [-].  Not clipped: above 1 means supersaturated input.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 12 and 20.
    """
    return vapor_pressure_from_humidity_ratio(w, pressure) / saturation_vapor_pressure(temp_c)


@jit_alloc
def moist_air_specific_volume(temp_c, w, pressure):
    r"""Specific volume of moist air per kilogram of dry air (ideal-gas mixture).

    .. math:: v = R_{da}\,(t + 273.15)\,(1 + 1.607858\,W) / p

    Parameters
    ----------
    temp_c : float
        Dry-bulb temperature [°C].
    w : float
        Humidity ratio [kg/kg dry air].
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Specific volume [m³/kg dry air].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 26.
    """
    return R_DRY_AIR * (temp_c + ZERO_CELSIUS_K) * (1.0 + 1.607858 * w) / pressure


@jit_alloc
def moist_air_density(temp_c, w, pressure):
    r"""Density of moist air (mass of dry air plus vapour per unit volume).

    .. math:: \rho = (1 + W) / v

    Parameters
    ----------
    temp_c : float
        Dry-bulb temperature [°C].
    w : float
        Humidity ratio [kg/kg dry air].
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    float
        Density [kg/m³].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 11 and 26.
    """
    return (1.0 + w) / moist_air_specific_volume(temp_c, w, pressure)


@jit_alloc
def pressure_from_altitude(altitude_m):
    r"""Standard-atmosphere pressure at an altitude.

    .. math:: p = 101\,325\,(1 - 2.25577\times10^{-5} Z)^{5.2559}

    Parameters
    ----------
    altitude_m : float
        Altitude above sea level [m], valid about -5000 to 11 000 m (troposphere).

    Returns
    -------
    float
        Atmospheric pressure [Pa].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 3.
    """
    return STANDARD_PRESSURE_PA * (1.0 - 2.25577e-5 * altitude_m) ** 5.2559


# ---------------------------------------------------------------------------------------------
# Array version: the whole moist-air state of a weather series in one pass.
# ---------------------------------------------------------------------------------------------

#: Rows of :func:`moist_air_state`'s result.
STATE_HUMIDITY_RATIO, STATE_DEW_POINT, STATE_WET_BULB, STATE_RELATIVE_HUMIDITY = 0, 1, 2, 3


@jit_alloc
def moist_air_state(temp_c, humidity, pressure, humidity_is_dew_point):
    """Humidity ratio, dew point, wet bulb and relative humidity of a series of air states.

    Each state is given by its dry bulb, pressure and one humidity measure: the dew point
    (``humidity_is_dew_point`` true, as in an EPW file) or the relative humidity (as from
    outdoor meters).  The other quantities follow from :func:`humidity_ratio_from_dew_point` or
    :func:`humidity_ratio_from_rh`, then :func:`dew_point_from_humidity_ratio`,
    :func:`wet_bulb_from_humidity_ratio` and :func:`relative_humidity_from_humidity_ratio`.

    Parameters
    ----------
    temp_c : 1-D float64 array
        Dry-bulb temperature [°C].
    humidity : 1-D float64 array
        Dew point [°C] or relative humidity [-] (0-1), as ``humidity_is_dew_point`` says.
    pressure : 1-D float64 array
        Total (station) pressure [Pa].
    humidity_is_dew_point : bool
        Which humidity measure ``humidity`` holds.

    Returns
    -------
    2-D float64 array, shape (4, n)
        Rows ``STATE_HUMIDITY_RATIO`` [kg/kg], ``STATE_DEW_POINT`` [°C], ``STATE_WET_BULB``
        [°C] and ``STATE_RELATIVE_HUMIDITY`` [-]; a given dew point or relative humidity is
        copied through unchanged.

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 20-25 and 33-35 (see the scalar functions).
    """
    n = temp_c.shape[0]
    out = np.empty((4, n))
    for i in range(n):
        t, p = temp_c[i], pressure[i]
        if humidity_is_dew_point:
            w = humidity_ratio_from_dew_point(humidity[i], p)
            dew, rh = humidity[i], relative_humidity_from_humidity_ratio(t, w, p)
        else:
            w = humidity_ratio_from_rh(t, humidity[i], p)
            dew, rh = dew_point_from_humidity_ratio(w, p), humidity[i]
        out[STATE_HUMIDITY_RATIO, i] = w
        out[STATE_DEW_POINT, i] = dew
        # the dew point as NaN, given rather than omitted: the form the DX kernels compile too
        out[STATE_WET_BULB, i] = wet_bulb_from_humidity_ratio(t, w, p, np.nan)
        out[STATE_RELATIVE_HUMIDITY, i] = rh
    return out
