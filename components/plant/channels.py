"""Output channels written by every compressor plant (see :mod:`components.layout`)."""

from components._jit import jit
from components.layout import OUTPUT


@jit
def write_compressors(o, i, p_ch, q_evap_met, t_cond, n_on, plr, curve_status):
    """Channels every compressor plant writes: power, evaporator and condenser heat, staging.

    ``curve_status``: where the curve inputs lay (:func:`components.cooling.chiller.curve_status`).
    """
    o[OUTPUT.p_chillers, i] = p_ch
    o[OUTPUT.q_evaporator, i] = q_evap_met
    o[OUTPUT.q_condenser, i] = q_evap_met + p_ch
    o[OUTPUT.t_condenser, i] = t_cond
    o[OUTPUT.chillers_on, i] = n_on
    o[OUTPUT.chiller_plr, i] = plr
    o[OUTPUT.curve_out_of_range, i] = float(curve_status) if n_on > 0 else 0.0


@jit
def write_water(o, i, evaporation, drift, blowdown):
    """Water-use channels of an evaporative plant (towers or IEC spray). [kg/s]"""
    o[OUTPUT.water_evaporation, i] = evaporation
    o[OUTPUT.water_drift, i] = drift
    o[OUTPUT.water_blowdown, i] = blowdown
