"""Slopes and bounds of the moist-air relations, for the Newton solvers of coils and towers.

The derivatives of :mod:`components.psychrometrics` functions with temperature, computed by the same
operations as the values (so a value here equals the one there bit for bit), and a cheap bound of
the dew point.  Same equations, conventions and references as :mod:`components.psychrometrics`:
ASHRAE Handbook - Fundamentals (2017), chapter 1 "Psychrometrics" (SI), differentiated.
"""

from __future__ import annotations

import numpy as np

from components._jit import jit_alloc
from components.psychrometrics import (MIN_HUMIDITY_RATIO, MOLAR_MASS_RATIO, enthalpy_moist_air,
                                       humidity_ratio_from_vapor_pressure)
from components.saturation import d_ln_saturation_vapor_pressure, saturation_vapor_pressure


@jit_alloc
def saturation_humidity_ratio_and_slope(temp_c, pressure):
    r"""Humidity ratio of saturated air and its derivative with temperature.

    .. math::

        W_s = 0.621945\,\frac{p_{ws}}{p - p_{ws}}, \qquad
        \frac{dW_s}{dt} = 0.621945\,\frac{p\,p_{ws}}{(p - p_{ws})^2}\,\frac{d\ln p_{ws}}{dt}

    :math:`W_s` is the value :func:`components.psychrometrics.saturation_humidity_ratio` gives, computed by the same
    operations; where that is held at ``MIN_HUMIDITY_RATIO`` the slope is 0.

    Parameters
    ----------
    temp_c : float
        Temperature [°C], -100 to 200 °C (and ``p_ws(t) < pressure``).
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    tuple of float
        ``(W_s, dW_s/dt)``: [kg/kg dry air] and [kg/kg dry air per K].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 5/6, 20 and 23, differentiated.
    """
    p_ws = saturation_vapor_pressure(temp_c)
    w = humidity_ratio_from_vapor_pressure(p_ws, pressure)
    if w <= MIN_HUMIDITY_RATIO:
        return MIN_HUMIDITY_RATIO, 0.0
    return w, (MOLAR_MASS_RATIO * pressure * p_ws * d_ln_saturation_vapor_pressure(temp_c)
               / ((pressure - p_ws) * (pressure - p_ws)))


@jit_alloc
def saturated_enthalpy_and_slope(temp_c, pressure):
    r"""Specific enthalpy of saturated moist air and its derivative with temperature.

    .. math::

        h_s = 1000\,[1.006\,t + W_s (2501 + 1.86\,t)], \qquad
        W_s = 0.621945\,\frac{p_{ws}}{p - p_{ws}}

        \frac{dh_s}{dt} = 1000\,\Big[1.006 + 1.86\,W_s + (2501 + 1.86\,t)\,
        \frac{dW_s}{dt}\Big], \qquad
        \frac{dW_s}{dt} = 0.621945\,\frac{p\,p_{ws}}{(p - p_{ws})^2}\,\frac{d\ln p_{ws}}{dt}

    :math:`h_s` is the value :func:`components.psychrometrics.saturated_enthalpy` gives, computed by the same operations.
    The slope is the saturation specific heat of Braun et al. (1989) in its differential form;
    Newton solvers of cooling-tower and coil balances use it.  ``dW_s/dt`` is
    :func:`saturation_humidity_ratio_and_slope`.

    Parameters
    ----------
    temp_c : float
        Temperature [°C], about 0.01 to 110 °C (over liquid water; below the triple point the
        slope uses the ice formulation).
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    tuple of float
        ``(h_s, dh_s/dt)``: [J/kg dry air] and [J/(kg dry air K)].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 5/6, 20, 23 and 30, differentiated.
    """
    w, dw = saturation_humidity_ratio_and_slope(temp_c, pressure)
    return (enthalpy_moist_air(temp_c, w),
            (1.006 + 1.86 * w + (2501.0 + 1.86 * temp_c) * dw) * 1000.0)


@jit_alloc
def humidity_ratio_from_wet_bulb_and_slope(temp_c, temp_wet_bulb, pressure):
    r"""Humidity ratio from dry bulb and wet bulb above freezing, and its derivative with the wet bulb.

    Eq. 33 (see :func:`components.psychrometrics.humidity_ratio_from_wet_bulb`) written :math:`W = N / D` with

    .. math::

        N = (2501 - 2.326\,t^*)\,W_s^* - 1.006\,(t - t^*), \qquad D = 2501 + 1.86\,t - 4.186\,t^*

        \frac{dW}{dt^*} = \frac{N' - W D'}{D}
        = \frac{(2501 - 2.326\,t^*)\,\frac{dW_s^*}{dt^*} - 2.326\,W_s^* + 1.006 + 4.186\,W}{D}

    with :math:`W_s^*, dW_s^*/dt^*` from :func:`saturation_humidity_ratio_and_slope`.  ``W`` is
    not held at ``MIN_HUMIDITY_RATIO``: a Newton solve needs the smooth balance.

    Parameters
    ----------
    temp_c : float
        Dry-bulb temperature [°C].
    temp_wet_bulb : float
        Thermodynamic wet-bulb temperature [°C], 0 to 100 °C (eq. 33 is the balance over
        liquid water; below 0 °C it is its analytic continuation, not eq. 35).
    pressure : float
        Total (station) pressure [Pa].

    Returns
    -------
    tuple of float
        ``(W, dW/dt*)``: [kg/kg dry air] and [kg/kg dry air per K].

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 33, differentiated.
    """
    ws, dws = saturation_humidity_ratio_and_slope(temp_wet_bulb, pressure)
    a = 2501.0 - 2.326 * temp_wet_bulb
    d = 2501.0 + 1.86 * temp_c - 4.186 * temp_wet_bulb
    w = (a * ws - 1.006 * (temp_c - temp_wet_bulb)) / d
    return w, (a * dws - 2.326 * ws + 1.006 + 4.186 * w) / d


@jit_alloc
def dew_point_lower_bound(temp_c, w, pressure):
    r"""A dew point no higher than that of ``w``, from the tangent of :math:`\ln W_s` at ``temp_c``.

    .. math::

        t_{lo} = t - \frac{\ln(W_s(t) / W)}{d\ln W_s/dt\,(t)} \le t_d
        \qquad \text{for any } t \ge t_d \text{ with } W_s(t) \le 0.08

    :math:`\ln W_s = \ln 0.621945 + \ln p_{ws} - \ln(p - p_{ws})` is concave in :math:`t` (the
    concave :math:`\ln p_{ws}` outweighs the convex :math:`-\ln(p - p_{ws})`) up to
    :math:`W_s \approx 0.083` at 50 to 110 kPa (about 36 °C at 50 kPa, 50 °C at 101 kPa), so
    there its tangent lies above it and meets :math:`\ln W` at or below the dew point.  The
    closer ``temp_c`` is to the dew point, the tighter the bound (second order in
    ``temp_c - t_d``).  One saturation evaluation instead of the dew-point solve
    (:func:`components.psychrometrics.dew_point_from_humidity_ratio`), for tests that a bound decides.

    Parameters
    ----------
    temp_c : float
        A temperature at or above the dew point [°C], -100 to 200 °C.
    w : float
        Humidity ratio [kg/kg dry air], ``> 0``.
    pressure : float
        Total (station) pressure [Pa], 50 to 110 kPa.

    Returns
    -------
    float
        Lower bound of the dew point [°C]; ``-inf`` where :math:`W_s(t) > 0.08` or is held at
        ``MIN_HUMIDITY_RATIO`` (no bound from this tangent).

    References
    ----------
    ASHRAE Handbook - Fundamentals (2017) ch. 1, eq. 5/6, 20, 23 and 36.
    """
    ws, dws = saturation_humidity_ratio_and_slope(temp_c, pressure)
    if ws > 0.08 or dws <= 0.0:
        return -np.inf
    return temp_c - np.log(ws / max(w, MIN_HUMIDITY_RATIO)) * ws / dws
