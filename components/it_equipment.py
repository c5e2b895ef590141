"""Server power and air flow as functions of utilisation and inlet temperature.

Two models, chosen by ``[it] model`` (``PARAM.it_model``).

``linear`` (:data:`~components.layout.IT_LINEAR`, the default).  Compute power follows the
linear idle-to-peak relation used by SPECpower-based models (Fan, Weber & Barroso, ISCA 2007)::

    P_compute = P_peak * (1 - f_fan) * (f_idle + (1 - f_idle) * u)

Server fans run at their nominal speed up to an inlet threshold and then speed up linearly; fan
power follows the cube (affinity) law::

    s     = 1 + k * max(0, T_in - T_thr),   s <= s_max
    P_fan = P_peak * f_fan * s**3

so raising the supply temperature above the threshold costs IT power.  Server air flow follows
the compute power at nominal speed and the fan speed above it (:func:`linear_air_flow_fraction`)::

    V / V_design = s * (f_idle + (1 - f_idle) * u)

i.e. the fans hold the design exhaust rise at nominal speed (they are controlled on component
temperatures, so air flow rises with power; ASHRAE TC 9.9, Thermal Guidelines 5th ed., 2021), and
the exhaust rise falls as they speed up for a hot inlet.  The fan power does not follow the
utilisation term: SPECpower's measured idle-to-peak line already includes the servers' fans at
the speeds the load sets.

``ite_curves`` (:data:`~components.layout.IT_ITE_CURVES`): EnergyPlus's
``ElectricEquipment:ITE:AirCooled`` (EnergyPlus Engineering Reference, "Electric Equipment ITE
Air Cooled"; :func:`ite_power_w`)::

    P_cpu  = P_design * (1 - f_fan) * max(0, f_cpu(u, T_in))
    F      = max(0, f_flow(u, T_in))                          air flow / design air flow
    P_fan  = P_design * f_fan * max(0, f_fan_flow(F))

with ``f_cpu``, ``f_flow`` EnergyPlus ``Curve:Biquadratic`` and ``f_fan_flow`` a
``Curve:Quadratic``, each with its input limits (inputs held at them) and output limits, as
EnergyPlus evaluates curves.  Curve sets are in ``components/data/ite_curves.toml``.

Simplifications: one aggregate server; the linear model's fan speed does not depend on
utilisation and is bounded by the physical maximum ``s_max`` (the hours at that bound are
counted by the caller: the inlet is too hot for the servers to compensate).
"""

from components._jit import jit
from components.cooling.chiller import biquadratic, quadratic

# Parameter layout of one curve (a slice of PARAM, in this order).
ITE_BIQUADRATIC = ("c0", "c1", "c2", "c3", "c4", "c5", "x_min", "x_max", "y_min", "y_max", "out_min", "out_max")
ITE_QUADRATIC = ("c0", "c1", "c2", "x_min", "x_max", "out_min", "out_max")


@jit
def _within(value, low, high):
    return low if value < low else (high if value > high else value)


@jit
def limited_biquadratic(curve, x, y):
    """EnergyPlus ``Curve:Biquadratic`` with its limits (layout :data:`ITE_BIQUADRATIC`). [-]

    ``x`` and ``y`` are held inside ``[x_min, x_max]`` and ``[y_min, y_max]``, the value inside
    ``[out_min, out_max]`` (EnergyPlus Input Output Reference, Curve:Biquadratic: "the curve
    output is limited" / inputs "limited to" their minimum and maximum).
    """
    v = biquadratic(curve, _within(x, curve[6], curve[7]), _within(y, curve[8], curve[9]))
    return _within(v, curve[10], curve[11])


@jit
def limited_quadratic(curve, x):
    """EnergyPlus ``Curve:Quadratic`` with its limits (layout :data:`ITE_QUADRATIC`). [-]"""
    return _within(quadratic(curve, _within(x, curve[3], curve[4])), curve[5], curve[6])


@jit
def ite_power_w(utilisation, temp_inlet, design_w, fan_fraction, cpu_curve, flow_curve, fan_curve):
    """Power and air flow of EnergyPlus's ``ElectricEquipment:ITE:AirCooled``.

    Parameters
    ----------
    utilisation : float
        CPU loading, 0-1 (EnergyPlus "CPU Loading Schedule"). [-]
    temp_inlet : float
        Server inlet air temperature. [degC]
    design_w : float
        Design power input of all servers (EnergyPlus design level times the design-power
        schedule). [W]
    fan_fraction : float
        Design fan power input fraction. [-]
    cpu_curve, flow_curve : array, layout :data:`ITE_BIQUADRATIC`
        "CPU Power Input Function of Loading and Air Temperature" and "Air Flow Function of
        Loading and Air Temperature", x = utilisation, y = inlet temperature. [-]
    fan_curve : array, layout :data:`ITE_QUADRATIC`
        "Fan Power Input Function of Flow", x = air-flow fraction. [-]

    Returns
    -------
    tuple of float
        (total power [W], fan power [W], air flow as a fraction of design [-]).

    Notes
    -----
    ``P_cpu = design (1 - f_fan) max(0, f_cpu(u, T))``, ``F = max(0, f_flow(u, T))``,
    ``P_fan = design f_fan max(0, f_fan(F))`` (EnergyPlus 25.2 Engineering Reference, ITE Air
    Cooled; InternalHeatGains.cc ``CalcZoneITEq``).  Checked against EnergyPlus 25.2 runs in
    the validation case ``ite_energyplus_aircooled``.
    """
    flow = max(limited_biquadratic(flow_curve, utilisation, temp_inlet), 0.0)
    cpu = design_w * (1.0 - fan_fraction) * max(limited_biquadratic(cpu_curve, utilisation, temp_inlet), 0.0)
    fans = design_w * fan_fraction * max(limited_quadratic(fan_curve, flow), 0.0)
    return cpu + fans, fans, flow


@jit
def linear_air_flow_fraction(utilisation, fan_speed, idle_fraction):
    """Server air flow of the ``linear`` model relative to design (100 % load, nominal speed). [-]

    ``V / V_design = s (f_idle + (1 - f_idle) u)``: at nominal speed the fans move air in
    proportion to the compute power (constant exhaust rise), and above it in proportion to the
    speed (fan law ``V ~ s``; ASHRAE Handbook HVAC Systems and Equipment 2020, ch. 21).
    """
    return fan_speed * (idle_fraction + (1.0 - idle_fraction) * utilisation)


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
