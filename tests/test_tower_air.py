"""A tower fan moves a volume: the air's mass flow follows the outdoor density, its UA does not
(components.cooling.cooling_tower.cell_air), checked against the EnergyPlus tower replica."""

import copy
import sys
from pathlib import Path

import numpy as np
import pytest

from components import psychrometrics as psy
from components.cooling import cooling_tower as tower
from components.layout import BOUNDARY, PARAM
from twin.engine.plant import tower_design_density
from twin.engine.simulate import prepare
from twin.errors import InputError
from twin.inputs.schema import validate_scenario

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "validation" / "energyplus"))
import ep_models  # noqa: E402  (the EnergyPlus 25.2 tower replica written with the references)
import tower_equivalent  # noqa: E402  (dctwin's cell for that tower, as compare.py derives it)

# EnergyPlus's reference tower (validation/energyplus/datacenter_idf.py): 40 m3/s of air, UA 84,200 W/K,
# 0.06 m3/s of water, design inlet air 35 / 25.6 degC, rejecting the plant's 1,104 kW design heat
V_AIR, UA, M_WATER, Q_DESIGN = 40.0, 84200.0, 59.99, 1104.3e3
DB_DESIGN, WB_DESIGN = 35.0, 25.6


@pytest.mark.parametrize("p_pa", [101325.0, 89190.0])  # sea level; Hohhot, 1,063 m
@pytest.mark.parametrize("t_db", [-10.0, 0.0, 10.0, 20.0, 30.0, 38.0])
@pytest.mark.parametrize("rh", [0.2, 0.6, 1.0])
def test_full_fan_outlet_matches_energyplus_from_cold_to_hot_air(p_pa, t_db, rh):
    """At full fan dctwin's cell leaves the water within 0.1 K of EnergyPlus's tower (its replica) from
    -10 to 38 degC outdoor air, 20-100 % relative humidity (wet bulb -13 to 31 degC), at sea level and
    89 kPa.  With the design mass flow at every density (dctwin before 2026-12-07) it was 0.14-0.47 K
    warmer at 10 degC and below (the test fails there)."""
    w = psy.humidity_ratio_from_rh(t_db, rh, p_pa)
    t_wb = psy.wet_bulb_from_humidity_ratio(t_db, w, p_pa)
    if t_wb > 32.0:
        pytest.skip("beyond the tower model's validity (wet bulb up to 32 degC)")
    cell = tower_equivalent.dctwin_cell(M_WATER, V_AIR, UA, Q_DESIGN, DB_DESIGN, WB_DESIGN, p_pa)
    assert cell[0] == pytest.approx(V_AIR, rel=1e-12)  # the same fan
    t_in = max(t_wb + 8.0, 10.0)
    reference, _ = ep_models.tower_outlet_fan_on(t_in, M_WATER, V_AIR, UA, t_db, t_wb, p_pa)
    assert abs(tower_equivalent.full_fan_outlet_c(cell, M_WATER, t_in, t_db, w, p_pa) - reference) <= 0.1
    # the replica's air mass flow is the same
    rho = 1.0 / psy.moist_air_specific_volume(t_db, w, p_pa)
    assert tower.cell_air(*cell, rho)[0] == pytest.approx(V_AIR * ep_models.rho_air(p_pa, t_db, w), rel=2e-3)


def test_cell_air_keeps_ua_and_volume():
    """Mass flow = volume x density; NTU x mass flow (the UA) is the same at every density."""
    for rho in (0.9, 1.1, 1.45):
        m, ntu = tower.cell_air(40.0, 2.5, rho)
        assert m == 40.0 * rho and ntu * m == pytest.approx(2.5 * 40.0, rel=1e-15)


def test_assembled_tower_moves_its_design_volume(legacy_dict):
    """The plant's towers: at the design inlet air the mass ratio is the scenario's L/G; the boundary
    carries the outdoor dry-air density of every step (1 / specific volume)."""
    plant = prepare(validate_scenario(legacy_dict))
    p, b = plant.params, plant.boundary
    s = plant.scenario.plant
    p_site = float(np.mean(b[BOUNDARY.pressure]))
    rho_d = tower_design_density(s, p_site)
    water_to_air = p[PARAM.tower_water_flow_kgs] / (p[PARAM.tower_air_m3s] * rho_d)
    assert water_to_air == pytest.approx(s.tower_water_to_air, rel=1e-12)
    assert p[PARAM.tower_ua_per_m3] / rho_d == pytest.approx(
        tower.design_ntu(s.tower_design_wet_bulb_c, s.tower_approach_k, s.cw_design_dt_k, s.tower_water_to_air, p_site),
        rel=1e-12)
    v = psy.moist_air_specific_volume(b[BOUNDARY.temp_air], b[BOUNDARY.humidity_ratio], b[BOUNDARY.pressure])
    assert np.allclose(b[BOUNDARY.dry_air_density] * v, 1.0, rtol=1e-14, atol=0.0)
    assert 1.05 < b[BOUNDARY.dry_air_density].min() < b[BOUNDARY.dry_air_density].max() < 1.35  # Guangzhou


def test_design_dry_bulb_below_the_wet_bulb_is_refused(legacy_dict):
    d = copy.deepcopy(legacy_dict)
    d["plant"]["tower_design_dry_bulb_c"] = d["plant"].get("tower_design_wet_bulb_c", 28.0) - 1.0
    with pytest.raises(InputError, match="tower_design_dry_bulb_c"):
        prepare(validate_scenario(d))


def test_ntu_factor_table_matches_the_power_law():
    """``NTU / NTU_design`` read from its table (components.hermite_table) lies within 1.5e-10 of
    ``x**(UA_AIRFLOW_EXPONENT - 1)`` from free convection to full air flow, equals it at the nodes,
    and is the power law outside the table."""
    b = tower.UA_AIRFLOW_EXPONENT - 1.0
    x = np.linspace(tower.FREE_CONVECTION, 1.0, 90_001)
    table = np.array([tower._ntu_factor(v) for v in x])
    assert np.max(np.abs(table / x ** b - 1.0)) < 1.5e-10
    nodes = tower.FREE_CONVECTION + np.arange(901) / tower._NTU_PER_UNIT
    assert np.max(np.abs(np.array([tower._ntu_factor(v) for v in nodes]) / nodes ** b - 1.0)) < 1e-14
    for v in (0.05, 1.2):
        assert tower._ntu_factor(v) == v ** b
