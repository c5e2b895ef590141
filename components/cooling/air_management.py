"""Air management on the white floor: bypass, recirculation and rack inlet temperature.

Mass balance of a room with CRAH airflow ``m_c`` and server airflow ``m_s`` (after Herrlin's
Return Temperature Index; docs/sources.md 2.3)::

    cold air reaching servers   m_c * (1 - b) = m_s * (1 - r)

``b`` is the bypass fraction of CRAH air that returns without passing a server and ``r`` the
recirculated fraction of server intake drawn from hot exhaust.  The room geometry sets a
minimum recirculation ``r_min`` (open aisles, missing blanking panels) and a bypass ``b``.  When
the CRAHs deliver less cold air than the servers draw, recirculation grows::

    r = max(r_min, 1 - m_c (1 - b) / m_s)

Mixing at the rack face gives the mean inlet temperature::

    T_in = (1 - r) T_sa + r (T_in + dT_server)   =>   T_in = T_sa + r/(1 - r) dT_server

Simplifications: one well-mixed hot aisle and one cold aisle (a mean rack); hot-spot spread
between racks is not modelled here.
"""

from components._jit import jit

CP_AIR = 1006.0  # J/(kg K), dry air near 20 degC (ASHRAE Fundamentals 2017 ch. 1)


@jit
def recirculation_fraction(crah_flow, server_flow, bypass, recirculation_min):
    """Fraction of server intake air that is recirculated exhaust. [-]

    Parameters
    ----------
    crah_flow, server_flow : float
        Mass flows of CRAH supply and server intake. [kg/s]
    bypass : float
        Fraction of CRAH air that bypasses the servers, 0-1. [-]
    recirculation_min : float
        Geometric minimum recirculation of the room, 0-1. [-]
    """
    if server_flow <= 0.0:
        return recirculation_min
    r = 1.0 - crah_flow * (1.0 - bypass) / server_flow
    if r < recirculation_min:
        r = recirculation_min
    return r


@jit
def rack_inlet_temperature(temp_supply, recirculation, delta_t_server):
    """Mean rack inlet temperature from supply temperature and recirculation. [degC]

    ``T_in = T_sa + r/(1-r) * dT_server``; valid for 0 <= r < 1.
    """
    return temp_supply + recirculation / (1.0 - recirculation) * delta_t_server


@jit
def affinity_fan_power_w(design_power_w, flow_ratio):
    """Fan power by the affinity (cube) law at a flow ratio of design. [W]

    ``P = P_design * (V / V_design)**3``; valid between the fan's minimum speed and 1.
    Source: fan affinity laws (ASHRAE Handbook HVAC Systems and Equipment 2020, ch. 21).
    """
    return design_power_w * flow_ratio * flow_ratio * flow_ratio


@jit
def crah_flow_for_servers(server_flow, bypass, recirculation_min):
    """CRAH air flow that feeds the servers at the room's minimum recirculation. [kg/s]

    From the mass balance above with ``r = r_min``: ``m_c = m_s (1 - r_min) / (1 - b)``.  This is
    what variable-speed fans controlled on the cold-aisle (or underfloor) pressure deliver; it
    follows the load because the servers' air flow does.
    """
    return server_flow * (1.0 - recirculation_min) / (1.0 - bypass)


@jit
def crah_flow_for_heat(q_air_w, design_rise_k):
    """CRAH air flow that carries the air-side heat at the CRAH's design air rise. [kg/s]

    ``m_c = Q_air / (cp dT_design)`` with ``Q_air`` the heat released into the room air (IT heat
    less what liquid cooling captures, plus the electrical losses indoors) and ``dT_design`` the
    unit's capacity over its design air flow times ``cp``: return-temperature (or supply-return
    difference) control of variable-speed fans.  In an open room it can starve the servers; the
    mass balance then raises the recirculation.
    """
    return q_air_w / (CP_AIR * design_rise_k)


@jit
def fan_rise_k(fan_power_w, air_flow):
    """Temperature rise of the air through the CRAH fans. [K]

    ``dT_fan = P_fan / (m c_p)``: the fans' power all ends up as heat in the air they move
    (``air_flow`` [kg/s]); 0 without air flow.  The outdoor-air mixing box and the IEC sit ahead of
    the fans and the coils behind them, so those stages see the return air less this rise
    (:func:`components.plant.outdoor_air.outdoor_air_stage`, :func:`components.plant.air_side.iec_plant`).
    """
    return fan_power_w / (air_flow * CP_AIR) if air_flow > 0.0 else 0.0
