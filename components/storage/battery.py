"""UPS batteries: VRLA, lithium (LFP) and second-life EV modules.

State of a battery: stored energy ``E`` [J] (state of charge ``SOC = E / (Q_r SOH)``) and state
of health ``SOH`` (capacity / rated capacity ``Q_r``).  The equations, with the parameter sets
of ``components/data/storage.toml`` (each with its source; read into a :class:`Chemistry` by
:func:`twin.inputs.component_data.battery_chemistry`):

Standby (float) loss
    Lead-acid sits on a float charger whose current keeps the cells full; the power is
    ``P_float = f Q_r[kWh] 2^((T - 25)/T_d)`` with ``f`` [W/kWh] at 25 degC and doubling ``T_d``
    (VRLA ~1.1 W/kWh, doubling per ~10 K, M).  Lithium has no float current: ``f`` covers the BMS
    and self-discharge make-up (~0.3 W/kWh, M).  The float power is a loss (heat in the battery
    room).

Charge and discharge
    Charging at grid power ``P_c`` stores ``eta_c P_c``; discharging ``P_d`` from the cells
    delivers ``eta_d P_d`` to the DC bus.  Round trip ``eta_c eta_d``: VRLA 0.80, LFP 0.94 (M).

Usable energy and ride-through
    ``E_use = max(0, E - SOC_min Q_r SOH) k_rate`` with the rate-capacity factor ``k_rate``
    (a VRLA block gives ~60 % of its C10 capacity at a 15-min rate, LFP ~95 %, M).  Carrying a
    load ``P`` at the bus the battery lasts ``t = E_use eta_d / P``.

Sizing and the autonomy check
    To carry ``P`` for ``t_a`` at end of life the rated capacity must be
    ``Q_r >= P t_a / (eta_d k_rate (1 - SOC_min)) x A`` with the ageing design factor ``A``
    (IEEE 485: 1.25, M).  :func:`autonomy_s` gives what a given battery actually supplies.

Ageing (SOH loss per year)
    calendar: VRLA ``dSOH/dt = (1 - SOH_eol) / L(T)`` with ``L(T) = L_25 2^(-(T - 25)/8.3)``
    (service life halves per 8.3 K above 25 degC, DOE/FEMP, P); LFP and second life
    ``dSOH/dt = k_25 2^((T - 25)/T_a)`` (Arrhenius, doubling per ~13 K, M).
    cycling: ``dSOH = (1 - SOH_eol) / N_efc`` per equivalent full cycle (discharged energy /
    rated capacity), ``N_efc`` VRLA ~250, LFP ~2,500 (WP229: "up to 10x", P).

Degradation cost of cycling (for peak shaving)
    ``c_deg = C_batt / (N_efc eta_d (1 - SOC_min))`` CNY per kWh delivered, with ``C_batt`` the
    replacement cost per kWh of rated capacity.

Validity: 0 <= SOC <= 1, room 15-40 degC, discharge times above ~1 min (below, the rate factor
is lower than tabulated).  Units: SI (J, W, s) unless the name says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

KINDS = ("vrla", "lithium", "second_life")
SECONDS_PER_YEAR = 365.0 * 86400.0


@dataclass(frozen=True)
class Chemistry:
    """One battery parameter set (a row of ``[battery.*]`` in ``storage.toml``)."""

    name: str
    charge_efficiency: float
    discharge_efficiency: float
    float_w_per_kwh: float
    float_doubling_k: float
    self_discharge_per_month: float
    rate_capacity_factor: float
    soc_min: float
    rated_temp_c: float
    room_max_c: float
    calendar_life_years: float
    life_halving_k: float
    calendar_fade_per_year: float
    arrhenius_doubling_k: float
    cycle_life_efc: float
    eol_soh: float
    start_soh: float
    ageing_design_factor: float

    @property
    def round_trip(self) -> float:
        return self.charge_efficiency * self.discharge_efficiency


def float_loss_w(chem: Chemistry, rated_kwh: float, room_c: float) -> float:
    """Standby (float / BMS) power of a battery of ``rated_kwh`` in a room at ``room_c``. [W]"""
    factor = 2.0 ** ((room_c - 25.0) / chem.float_doubling_k) if chem.float_doubling_k > 0.0 else 1.0
    return chem.float_w_per_kwh * rated_kwh * factor


def usable_energy_j(chem: Chemistry, stored_j: float, rated_j: float, soh: float) -> float:
    """Energy the battery can deliver from the cells at the UPS discharge rate. [J]"""
    return max(0.0, stored_j - chem.soc_min * rated_j * soh) * chem.rate_capacity_factor


def ride_through_s(usable_j: float, load_w: float, discharge_efficiency: float) -> float:
    """Seconds a usable energy carries ``load_w`` at the bus (``inf`` for no load). [s]"""
    if load_w <= 0.0:
        return math.inf
    return usable_j * discharge_efficiency / load_w


def required_rated_kwh(chem: Chemistry, load_kw: float, autonomy_min: float) -> float:
    """Rated capacity that carries ``load_kw`` for ``autonomy_min`` at end of life. [kWh]

    ``Q_r = P t_a / (eta_d k_rate (1 - SOC_min)) x A`` (IEEE 485 ageing factor ``A``, M).
    """
    energy_kwh = load_kw * autonomy_min / 60.0
    return energy_kwh / (chem.discharge_efficiency * chem.rate_capacity_factor * (1.0 - chem.soc_min)) \
        * chem.ageing_design_factor


def autonomy_s(chem: Chemistry, rated_kwh: float, soh: float, load_kw: float) -> float:
    """Seconds a full battery of ``rated_kwh`` at ``soh`` carries ``load_kw``. [s]"""
    rated_j = rated_kwh * 3.6e6
    return ride_through_s(usable_energy_j(chem, rated_j * soh, rated_j, soh), load_kw * 1e3,
                          chem.discharge_efficiency)


def calendar_fade_per_year(chem: Chemistry, room_c: float) -> float:
    """SOH lost per year of calendar ageing at room temperature ``room_c``. [1/yr]"""
    if not math.isnan(chem.calendar_life_years):
        life = chem.calendar_life_years * 2.0 ** (-(room_c - chem.rated_temp_c) / chem.life_halving_k)
        return (1.0 - chem.eol_soh) / life
    return chem.calendar_fade_per_year * 2.0 ** ((room_c - chem.rated_temp_c) / chem.arrhenius_doubling_k)


def cycle_fade_per_efc(chem: Chemistry) -> float:
    """SOH lost per equivalent full cycle. [-]"""
    return (1.0 - chem.eol_soh) / chem.cycle_life_efc


def degradation_cost_cny_per_kwh(chem: Chemistry, replacement_cny_per_kwh: float) -> float:
    """Wear cost of cycling per kWh delivered at the bus. [CNY/kWh]

    ``c = C / (N_efc eta_d (1 - SOC_min))``: the battery delivers about
    ``N_efc (1 - SOC_min) eta_d`` kWh per kWh of rated capacity before it is worn out.
    """
    return replacement_cny_per_kwh / (chem.cycle_life_efc * chem.discharge_efficiency * (1.0 - chem.soc_min))


def years_to_end_of_life(chem: Chemistry, room_c: float, start_soh: float | None = None,
                         efc_per_year: float = 0.0) -> float:
    """Years until SOH reaches the end-of-life threshold at a steady duty. [yr]"""
    soh0 = chem.start_soh if start_soh is None else start_soh
    rate = calendar_fade_per_year(chem, room_c) + efc_per_year * cycle_fade_per_efc(chem)
    return max(0.0, soh0 - chem.eol_soh) / rate if rate > 0.0 else math.inf
