"""dctwin's cooling-tower cell for an EnergyPlus ``CoolingTower:SingleSpeed`` given by UA and air volume.

EnergyPlus describes its tower by UA, design air volume flow and water flow; dctwin by a design
point (wet bulb, approach, range) and L/G, a mass ratio at the design inlet air.  The same hardware
in dctwin's terms (as ``compare.derive_scenario`` writes it into the comparison scenarios):

- the approach EnergyPlus's own tower (:func:`ep_models.tower_outlet_fan_on`) reaches at its design
  inlet air when it rejects the design heat over the range ``q / (m_w c_p)``;
- L/G = the water mass flow over the design air volume times the density of the design inlet air
  at the site pressure (:func:`twin.engine.plant.tower_design_density`), so dctwin's fans move
  EnergyPlus's volume.

:func:`full_fan_outlet_c` runs dctwin's cell (``components.cooling.cooling_tower``) at full fan in
any outdoor air, its air mass flow and NTU from the air's density (``cell_air``), as the plant does.
"""

from __future__ import annotations

from types import SimpleNamespace

import ep_models


def design_approach_k(m_water: float, v_air: float, ua: float, rng: float, t_db: float, t_wb: float,
                      p_pa: float) -> float:
    """Approach of EnergyPlus's tower cooling its water flow ``m_water`` [kg/s] over the range ``rng``
    [K] at its design inlet air (bisection on the entering water, 80 halvings of 30 K). [K]"""
    lo, hi = t_wb + 0.1, t_wb + 30.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        t_out, _ = ep_models.tower_outlet_fan_on(mid, m_water, v_air, ua, t_db, t_wb, p_pa)
        lo, hi = (lo, mid) if mid - t_out > rng else (mid, hi)
    return 0.5 * (lo + hi) - rng - t_wb


def water_to_air(m_water: float, v_air: float, t_db: float, t_wb: float, p_pa: float) -> float:
    """dctwin's L/G for EnergyPlus's air volume: water over air mass at the design inlet air. [-]"""
    from twin.engine.plant import tower_design_density

    plant = SimpleNamespace(tower_design_dry_bulb_c=t_db, tower_design_wet_bulb_c=t_wb)
    return m_water / (v_air * tower_design_density(plant, p_pa))


def dctwin_cell(m_water: float, v_air: float, ua: float, q_design: float, t_db: float, t_wb: float,
                p_pa: float) -> tuple[float, float]:
    """``(air volume [m3/s], UA over volume [kg/m3])`` of dctwin's cell for EnergyPlus's tower, as the
    plant assembly derives them from the design point (``twin.engine.plant``)."""
    from components.cooling.cooling_tower import CP_WATER, design_ntu
    from twin.engine.plant import tower_design_density

    rho = tower_design_density(SimpleNamespace(tower_design_dry_bulb_c=t_db, tower_design_wet_bulb_c=t_wb), p_pa)
    lg = m_water / (v_air * rho)  # water_to_air
    rng = q_design / (CP_WATER * m_water)
    ntu = design_ntu(t_wb, design_approach_k(m_water, v_air, ua, rng, t_db, t_wb, p_pa), rng, lg, p_pa)
    return m_water / lg / rho, ntu * rho


def full_fan_outlet_c(cell: tuple[float, float], m_water: float, t_in: float, t_db: float, w: float,
                      p_pa: float) -> float:
    """Leaving water of dctwin's cell at full fan, water entering at ``t_in`` [degC], outdoor air at
    ``t_db`` [degC] and humidity ratio ``w`` [kg/kg] (bisection on the heat balance, 80 halvings). [degC]"""
    from components import psychrometrics as psy
    from components.cooling import cooling_tower as tower

    rho = 1.0 / float(psy.moist_air_specific_volume(t_db, w, p_pa))
    air_flow, ntu = tower.cell_air(cell[0], cell[1], rho)
    h_air = float(psy.enthalpy_moist_air(t_db, w))
    lo, hi = float(psy.wet_bulb_from_humidity_ratio(t_db, w, p_pa)), t_in  # no tower cools below the wet bulb
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        q = tower.heat_rejected_w(1.0, t_in, mid, h_air, p_pa, m_water, air_flow, ntu)
        lo, hi = (lo, mid) if q > m_water * tower.CP_WATER * (t_in - mid) else (mid, hi)
    return 0.5 * (lo + hi)
