"""Pump power at design and part flow.

Design power from the hydraulic power::

    P_design = rho * g * H * V / eta_total

Constant-speed pumps (throttled or bypassed) draw design power whenever they run.  Variable-speed
pumps follow ``P = P_design * (V/V_d)**n`` with the exponent ``n`` about 2.5-3 when the system
curve has little static head (affinity law with a small static-head correction).

Source: ASHRAE Handbook HVAC Systems and Equipment 2020, ch. 44 (centrifugal pumps).
"""

from components._jit import jit

RHO_WATER = 997.0  # kg/m3 at 25 degC
G = 9.80665        # m/s2


@jit
def pump_design_power_w(volume_flow_m3s, head_m, total_efficiency):
    """Electric power of a pump at its design point. [W]

    Parameters
    ----------
    volume_flow_m3s : float
        Design volume flow. [m3/s]
    head_m : float
        Design head. [m]
    total_efficiency : float
        Wire-to-water efficiency (pump x motor x drive), 0-1. [-]
    """
    return RHO_WATER * G * head_m * volume_flow_m3s / total_efficiency


@jit
def pump_power_w(design_power_w, flow_ratio, variable_speed, exponent):
    """Electric power of one pump at a flow ratio of design. [W]

    Constant speed: ``P = P_design`` whenever ``flow_ratio > 0``.  Variable speed:
    ``P = P_design * flow_ratio**exponent``.
    """
    if flow_ratio <= 0.0:
        return 0.0
    if variable_speed:
        return design_power_w * flow_ratio ** exponent
    return design_power_w
