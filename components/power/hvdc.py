"""High-voltage DC (240 V / 336 V) power systems and the DC-input server PSUs they feed.

Chinese telecom and internet operators use two DC standards: 240 V (China Telecom, Baidu,
Tencent; YD/T 2378) and 336 V (China Mobile; YD/T 3089) (docs/sources.md 1.3, S/M).  An HVDC system
is a frame of rectifier modules feeding a DC bus with the batteries floating on it; there is no
inverter stage, so one conversion (AC -> DC) replaces the two of a double-conversion UPS
(AC -> DC -> AC).  The rectifier frame follows the same module-hibernation rule as a modular
UPS (:func:`components.power.modular_ups.system_loss_w`) with its own loss curve
(``hvdc_rectifier`` in ``components/data/power_chain.toml``: peak 96-97.5 %, docs/sources.md 1.3, M).

The server PSU on a DC bus skips its power-factor-correction and rectifier stage.  The PSU curve
and the DC-input adjustment live in :mod:`components.power.psu`; this module only turns an IT
input power into the power at the PSU output (the "chips", for ITUE) and back::

    P_out = P_in * eta_ref(P_out / C)                     (solved in closed form per curve segment)
    P_in' = P_out / eta_new(P_out / C)                    (same boards, another PSU)

with ``C`` the installed PSU output capacity [W] (both PSUs of a 1+1 pair share the load).  The
server power model of the twin describes the IT input power of the *reference* PSU fleet, so the
board power ``P_out`` is held fixed when the PSU (class or AC/DC input) changes.

Conductor losses of the DC distribution are in :mod:`components.power.distribution` (current
is ``P / V`` on two conductors, which is why 240 V needs more copper than 400 V AC).
Validity: PSU load fractions 0-1 (above rating the 100 % efficiency is held).  Units: W.
"""

from __future__ import annotations

import math

from components._jit import jit
from components.power.psu import dc_input_efficiency, psu_efficiency

#: DC bus voltages of the two Chinese HVDC standards [V] (YD/T 2378 and YD/T 3089, docs/sources.md 1.3).
BUS_VOLTAGE_V = {"hvdc_240": 240.0, "hvdc_336": 336.0, "mv_ups_10kv": 240.0}

_EDGE = 1e-12  # tolerance on a segment's ends for rounding in the closed form [-]


@jit
def psu_output_w(input_w, capacity_w, loads, efficiencies):
    """Power at the PSU outputs for a given PSU input power. [W]

    Solves ``P_out = P_in * eta(P_out / C)`` exactly.  Below the first certification point the
    PSU curve has a fixed loss ``L0 C`` and ``P_out = P_in - L0 C``; above the last point
    ``eta`` is constant; on segment ``k`` of the piecewise-linear curve
    ``eta = e_k + s_k (x - l_k)`` with ``x = P_out / C``, so ``P_out`` is linear in itself and

        x = (P_in / C) (e_k - s_k l_k) / (1 - (P_in / C) s_k)

    The segment whose solution lies inside it is the answer.  It is unique when
    ``(P_in / C) s_k < 1`` on every segment (the map is a contraction; true for PSUs sized
    above the server peak, whose curve slopes are below 1).  Returns NaN if no segment holds a
    solution, which only a non-physical curve can cause.

    Parameters
    ----------
    input_w : float
        AC (or DC) power drawn by the PSUs. [W]
    capacity_w : float
        Rated output of all PSUs sharing the load. [W]
    loads, efficiencies : ndarray
        PSU curve points (see :func:`components.power.psu.psu_efficiency`).
    """
    if input_w <= 0.0 or capacity_w <= 0.0:
        return 0.0
    fixed_loss = capacity_w * loads[0] * (1.0 / efficiencies[0] - 1.0)
    if input_w - fixed_loss <= loads[0] * capacity_w:
        out = input_w - fixed_loss
        return out if out > 0.0 else 0.0
    n = loads.shape[0]
    load_in = input_w / capacity_w
    if load_in * efficiencies[n - 1] >= loads[n - 1]:
        return input_w * efficiencies[n - 1]
    for k in range(n - 1):
        slope = (efficiencies[k + 1] - efficiencies[k]) / (loads[k + 1] - loads[k])
        denominator = 1.0 - load_in * slope
        if denominator <= 0.0:
            continue
        x = load_in * (efficiencies[k] - slope * loads[k]) / denominator
        if loads[k] - _EDGE <= x <= loads[k + 1] + _EDGE:
            return x * capacity_w
    return math.nan


@jit
def psu_input_w(output_w, capacity_w, loads, efficiencies, dc_input, loss_reduction):
    """PSU input power for a given output, AC or DC input. [W]

    ``P_in = P_out / eta(P_out / C)``, with the DC-input efficiency of
    :func:`components.power.psu.dc_input_efficiency` when ``dc_input`` (WP127: 20 % less PSU loss,
    docs/sources.md 1.3, P excerpt).
    """
    if output_w <= 0.0 or capacity_w <= 0.0:
        return 0.0
    eta = psu_efficiency(output_w / capacity_w, loads, efficiencies)
    if dc_input:
        eta = dc_input_efficiency(eta, loss_reduction)
    return output_w / eta
