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
