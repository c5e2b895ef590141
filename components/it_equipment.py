"""Server power as a function of utilisation and inlet temperature.

Model
-----
Compute power follows the linear idle-to-peak relation used by SPECpower-based models
(Fan, Weber & Barroso, ISCA 2007)::

    P_compute = P_peak * (1 - f_fan) * (f_idle + (1 - f_idle) * u)

Server fans run at their nominal speed up to an inlet threshold and then speed up linearly; fan
power follows the cube (affinity) law::

    s     = 1 + k * max(0, T_in - T_thr),   s <= s_max
    P_fan = P_peak * f_fan * s**3

so raising the supply temperature above the threshold costs IT power.  Server airflow is
proportional to fan speed, so the server air temperature rise falls as fans speed up.

Simplifications: one aggregate server; fan speed does not depend on utilisation; the fan speed
is bounded by the physical maximum ``s_max`` and the hours at that bound are counted by the
caller (they mean the inlet is too hot for the servers to compensate).
"""

from components._jit import jit


@jit
def fan_speed_ratio(temp_inlet, temp_threshold, slope_per_k, speed_max):
    """Server fan speed relative to nominal. [-]

    Parameters
    ----------
    temp_inlet : float
        Server inlet air temperature. [degC]
    temp_threshold : float
        Inlet temperature above which fans speed up. [degC]
    slope_per_k : float
        Speed increase per kelvin above the threshold. [1/K]
    speed_max : float
        Physical maximum fan speed relative to nominal. [-]

    Notes
    -----
    Typical servers hold nominal fan speed up to about 25-27 degC inlet (ASHRAE TC 9.9,
    Thermal Guidelines for Data Processing Environments, 5th ed., 2021: ITE power and airflow
    rise with inlet temperature within the allowable range).
    """
    s = 1.0
    if temp_inlet > temp_threshold:
        s = 1.0 + slope_per_k * (temp_inlet - temp_threshold)
    if s > speed_max:
        s = speed_max
    return s


@jit
def server_power_w(utilisation, fan_speed, peak_w, idle_fraction, fan_fraction):
    """Server electric power: compute part plus fans. [W]

    Parameters
    ----------
    utilisation : float
        CPU utilisation, 0-1. [-]
    fan_speed : float
        Fan speed relative to nominal (from :func:`fan_speed_ratio`). [-]
    peak_w : float
        Power of all servers at 100 % utilisation and nominal fan speed (design IT power). [W]
    idle_fraction : float
        Idle power as a fraction of peak compute power. [-]
    fan_fraction : float
        Fan share of peak power at nominal speed. [-]

    Returns
    -------
    tuple of float
        (total power, fan power). [W]
    """
    compute = peak_w * (1.0 - fan_fraction) * (idle_fraction + (1.0 - idle_fraction) * utilisation)
    fans = peak_w * fan_fraction * fan_speed * fan_speed * fan_speed
    return compute + fans, fans
