"""Pumped-refrigerant economizer (氟泵双循环) of DX computer-room units.

In cold weather the compressor of a DX unit is switched off and a small liquid pump moves the
refrigerant from the outdoor condenser back to the indoor evaporator: the refrigerant boils in
the indoor coil on the room's return air and condenses outdoors, with no lift.  The heat it can
move is set by the two coils in series between the return air and the outdoor air.  With both
fan flows fixed and one side of each coil changing phase, each coil's effectiveness is constant
(``eps = 1 - exp(-NTU)``) and the free capacity is linear in the temperature difference::

    Q_free = (T_return - T_outdoor) / (1/(eps_in C_in) + 1/(eps_out C_out))
           = Q_design * (T_return - T_outdoor) / dT_design,        0 <= Q_free

``dT_design`` is the return-to-outdoor difference at which the pump circuits alone carry the
installed capacity ``Q_design``.  Between that and ``T_outdoor = T_return`` the unit runs *mixed*:
the pump circuit takes ``Q_free`` and the compressors trim the rest.  The pump and the
condenser fans draw ``Q_free * w_pump`` (W per W of heat moved).  The caller runs the economizer
only when it costs less than the compressors alone.

A vendor's table can replace the linear law: the free capacity as a fraction of the installed
capacity at a few return-to-outdoor differences (:func:`free_capacity_table_w`), linear between
the points, from zero at ``dT = 0`` to the first point, and held at the last point beyond it (a
vendor's table ends where the pump circuits carry their full capacity; the hours beyond it are
counted by the caller).

Validity: ``T_outdoor < T_return``; dT_design 10-40 K.  Sources: the series-coil form is the
standard effectiveness-NTU result (Incropera & DeWitt ch. 11); dT_design and w_pump are
assumptions (evidence M/V): vendors state that the pumped mode draws about a tenth of the
compressor power (Vertiv Liebert DSE literature, V) and that full pump mode is reached some 20-25 K
below the return air.
"""

from components._jit import jit


@jit
def free_capacity_w(q_design_w, temp_return_c, temp_outdoor_c, design_dt_k):
    """Heat the pump circuits can move from the return air to the outdoor air. [W]

    Parameters
    ----------
    q_design_w : float
        Installed capacity of the circuits (all units). [W]
    temp_return_c, temp_outdoor_c : float
        Return air entering the indoor coils and outdoor air entering the condensers. [degC]
    design_dt_k : float
        Return-to-outdoor difference at which the pump circuits carry ``q_design_w``. [K]
    """
    dt = temp_return_c - temp_outdoor_c
    if dt <= 0.0:
        return 0.0
    return q_design_w * dt / design_dt_k


@jit
def free_capacity_table_w(q_design_w, temp_return_c, temp_outdoor_c, dt_points_k, fractions, n_points):
    """Heat the pump circuits can move, from a vendor's table. [W]

    ``Q_free = Q_design f(dT)`` with ``dT = T_return - T_outdoor`` and ``f`` linear between the
    table points ``(dt_points_k[k], fractions[k])``, ``k < n_points``, from ``f(0) = 0`` to the
    first point and held at the last one beyond it.

    Parameters
    ----------
    q_design_w : float
        Installed capacity of the circuits (all units). [W]
    temp_return_c, temp_outdoor_c : float
        Return air and outdoor air. [degC]
    dt_points_k, fractions : ndarray
        Table: return-to-outdoor differences, strictly increasing and > 0 [K], and free capacity
        as a fraction of ``q_design_w`` [-].
    n_points : int
        Points in use (>= 1).
    """
    dt = temp_return_c - temp_outdoor_c
    if dt <= 0.0:
        return 0.0
    x0, f0 = 0.0, 0.0
    for k in range(n_points):
        x1, f1 = dt_points_k[k], fractions[k]
        if dt <= x1:
            return q_design_w * (f0 + (f1 - f0) * (dt - x0) / (x1 - x0))
        x0, f0 = x1, f1
    return q_design_w * f0
