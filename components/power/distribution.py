"""Critical-power distribution from the UPS (or rectifier) output to the racks: cable or busway.

Conductor (I^2 R) loss.  Conductors are sized by a design current density ``J`` at the rated
current, so the cross-section is ``A = I_r / J`` and a run of length ``l`` carrying the rated
current loses ``k I_r^2 rho l / A = k I_r rho J l`` (``k`` current-carrying conductors).  Relative
to the rated power ``P_r`` this is a square-law coefficient (the WP113 ``c``)::

    three-phase AC (k = 3):  c = sqrt(3) rho J l_eff / (V_LL pf),   P_r = sqrt(3) V_LL I_r pf
    two-wire DC   (k = 2):  c = 2 rho J l_eff / V_DC,               P_r = V_DC I_r
    loss(P) = c P^2 / P_r

``rho`` is the conductor resistivity at its operating temperature,
``rho(T) = rho_20 (1 + alpha (T - 20))``.  The effective length ``l_eff`` depends on how the load
hangs on the conductor:

- a **feeder** carries the whole current over its length: ``l_eff = l_feeder``;
- **cables** (home runs from a row-head cabinet, 列头柜, to each rack, racks spread evenly along a
  row of length ``L``): each cable carries one rack's current over its own length, average
  ``L / 2``, so ``l_eff = L / 2``;
- a **busway** (小母线) along the row with racks tapped off evenly: the current falls linearly
  from ``I`` at the head to 0 at the end, ``integral_0^L I^2 (1 - s/L)^2 ds = I^2 L / 3``, so
  ``l_eff = L / 3``.

Busways are also designed for a lower current density than cables (their enclosed bars are sized
for temperature rise), which the data file reflects.  Resistivities: annealed copper 1/58
Ohm mm^2/m at 20 degC (IEC 60028), hard aluminium 0.028264 Ohm mm^2/m (IEC 60889), temperature
coefficients 0.00393 and 0.00403 1/K (textbook constants, M).  Current densities and lengths are
assumptions (``components/data/power_chain.toml``); the resulting busway 0.3-0.8 % and cable
~1 % at full load fall in the ranges of docs/sources.md 1.5 (M) and WP113's 1 % wiring term (S).

Validity: resistive (I^2 R) loss at power frequency or DC; skin and proximity effects (below
~2 % for conductors under ~240 mm^2 at 50 Hz) and harmonics are neglected.  Units: SI.
"""

from __future__ import annotations

import math

from components._jit import jit

#: Resistivity at 20 degC [Ohm m] and temperature coefficient [1/K] (IEC 60028 / IEC 60889, M).
MATERIALS = {"copper": (1.0 / 58.0 * 1e-6, 0.00393), "aluminium": (0.028264e-6, 0.00403)}
#: Effective-length factor of the row conductors by kind (see the module docstring). [-]
ROW_LENGTH_FACTOR = {"cable": 0.5, "busway": 1.0 / 3.0}


def resistivity(material: str, temp_c: float) -> float:
    """Conductor resistivity at ``temp_c``. [Ohm m]"""
    rho20, alpha = MATERIALS[material]
    return rho20 * (1.0 + alpha * (temp_c - 20.0))


def square_law_coefficient(rho_ohm_m: float, current_density_a_m2: float, length_eff_m: float,
                           voltage_v: float, dc: bool, power_factor: float = 1.0) -> float:
    """Loss at rated power as a fraction of rated power, ``c`` of ``loss = c P^2 / P_r``. [-]

    Parameters
    ----------
    rho_ohm_m : float
        Resistivity at the operating temperature. [Ohm m]
    current_density_a_m2 : float
        Design current density at rated current. [A/m^2]
    length_eff_m : float
        Effective run length (see the module docstring). [m]
    voltage_v : float
        Line-to-line voltage (AC) or bus voltage (DC). [V]
    dc : bool
        Two-wire DC instead of three-phase AC.
    power_factor : float
        Load power factor (AC only). [-]
    """
    if dc:
        return 2.0 * rho_ohm_m * current_density_a_m2 * length_eff_m / voltage_v
    return math.sqrt(3.0) * rho_ohm_m * current_density_a_m2 * length_eff_m / (voltage_v * power_factor)


def run_coefficient(kind: str, material: str, temp_c: float, feeder_length_m: float,
                    feeder_current_density_a_mm2: float, row_length_m: float,
                    row_current_density_a_mm2: float, voltage_v: float, dc: bool,
                    power_factor: float) -> float:
    """Square-law coefficient of a feeder plus row distribution of ``kind`` (cable or busway). [-]"""
    rho = resistivity(material, temp_c)
    feeder = square_law_coefficient(rho, feeder_current_density_a_mm2 * 1e6, feeder_length_m, voltage_v,
                                    dc, power_factor)
    row = square_law_coefficient(rho, row_current_density_a_mm2 * 1e6, ROW_LENGTH_FACTOR[kind] * row_length_m,
                                 voltage_v, dc, power_factor)
    return feeder + row


@jit
def conductor_loss_w(load_w, rating_w, square_law):
    """I^2 R loss of a run sized for ``rating_w``: ``c P^2 / P_r``. [W]"""
    if rating_w <= 0.0:
        return 0.0
    return square_law * load_w * load_w / rating_w
