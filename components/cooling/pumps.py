"""Pump power at design and part flow.

Design power from the hydraulic power::

    P_design = rho * g * H * V / eta_total

Constant-speed pumps (throttled or bypassed) draw design power whenever they run.  Variable-speed
pumps follow ``P = P_design * (V/V_d)**n`` with the exponent ``n`` about 2.5-3 when the system
curve has little static head (affinity law with a small static-head correction).

Source: ASHRAE Handbook HVAC Systems and Equipment 2020, ch. 44 (centrifugal pumps).
"""

from components._jit import jit
from components.hermite_table import hermite, hermite_table

RHO_WATER = 997.0  # kg/m3 at 25 degC
G = 9.80665        # m/s2

#: part-flow exponent of variable-speed chilled-water pumps unless a scenario sets another
#: (``plant.chw_pump_exponent``; assumption: the affinity law's 3, lowered by the static head a
#: differential-pressure set point keeps)
DEFAULT_EXPONENT = 2.7


def _default_law_value_and_slope(flow_ratio, upper):
    """``(x**n, n x**(n-1))`` with ``n = DEFAULT_EXPONENT`` at a flow ratio ``x``, for :data:`_LAW_TABLE`
    (``upper``: unused, one branch). [-], [-]"""
    return flow_ratio ** DEFAULT_EXPONENT, DEFAULT_EXPONENT * flow_ratio ** (DEFAULT_EXPONENT - 1.0)


#: ``flow_ratio**DEFAULT_EXPONENT`` from a tenth of design flow to design flow at every 1/1000 of the
#: flow ratio (:mod:`components.hermite_table`; the fourth derivative is ``0.96 x**-1.3`` in magnitude,
#: at most 19 here, so the interpolation error is below 5e-14 of design power), within 3e-11 of the
#: power law relative to its value (at a tenth of design flow; tests/test_pumps.py): the chilled-water
#: loop evaluates it at every step
_LAW_LO, _LAW_PER_UNIT = 0.1, 1000.0
_LAW_TABLE = hermite_table(_default_law_value_and_slope, _LAW_LO, 1.0, _LAW_PER_UNIT)


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
    ``P = P_design * flow_ratio**exponent``, read from :data:`_LAW_TABLE` for the default exponent
    between a tenth of design flow and design flow (a ``pow`` costs about 25 ns of latency in the
    step's chain of dependent operations).
    """
    if flow_ratio <= 0.0:
        return 0.0
    if not variable_speed:
        return design_power_w
    if exponent == DEFAULT_EXPONENT and _LAW_LO <= flow_ratio <= 1.0:
        return design_power_w * hermite(_LAW_TABLE, _LAW_LO, _LAW_PER_UNIT, flow_ratio)
    return design_power_w * flow_ratio ** exponent
