"""NPV, IRR, payback, replacement cycles and measure economics against hand-computed cases."""

import math

import numpy as np
import pytest

from twin.errors import InputError
from twin.inputs.costs import cost_table
from twin.inputs.policy_schema import Finance
from twin.metrics import economics as eco


def test_npv_hand_computed():
    # -100 + 60/1.1 + 60/1.1^2 = -100 + 54.5455 + 49.5868
    assert eco.npv(0.10, [-100, 60, 60]) == pytest.approx(4.132231405, abs=1e-9)
    assert eco.npv(0.0, [-100, 60, 60]) == pytest.approx(20.0)


def test_irr_hand_computed():
    assert eco.irr([-100, 110]) == pytest.approx(0.10, abs=1e-10)
    # 60x^2 + 60x - 100 = 0 with x = 1/(1+r): x = (-60 + sqrt(27600)) / 120
    x = (-60 + math.sqrt(27600)) / 120
    assert eco.irr([-100, 60, 60]) == pytest.approx(1 / x - 1, abs=1e-10)
    # never pays back: x^2 + x - 10 = 0, r = 1/x - 1 < 0
    assert eco.irr([-100, 10, 10]) == pytest.approx(2 / (-1 + math.sqrt(41)) - 1, abs=1e-10)
    assert eco.irr([100, 10]) is None  # no investment, no sign change


def test_simple_payback():
    assert eco.simple_payback(1000.0, 250.0) == 4.0
    assert eco.simple_payback(1000.0, -1.0) == math.inf
    assert eco.simple_payback(0.0, 10.0) == 0.0


def test_replacement_cycles_and_residual_value():
    vrla = eco.equipment_flows(100.0, 0.0, 5, 15)
    assert np.flatnonzero(vrla).tolist() == [0, 5, 10] and vrla[15] == 0.0
    lfp = eco.equipment_flows(100.0, 1.0, 12, 15)
    assert lfp[0] == -100.0 and lfp[12] == -101.0
    assert lfp[15] == pytest.approx(100.0 * 9 / 12 - 1.0)  # 9 of 12 years left at the horizon
    assert lfp[1:12].tolist() == [-1.0] * 11
    longer = eco.equipment_flows(100.0, 0.0, 20, 15)
    assert longer[15] == pytest.approx(25.0)


def test_cost_table_rows_are_sourced_and_overridable():
    rows = cost_table()
    assert {"containment", "vrla_battery", "lithium_battery", "pv"} <= set(rows)
    for row in rows.values():
        assert row["source"] and row["evidence"]
        assert row["evidence"] == "assumption" or "docs/sources.md" in row["source"]
    over = cost_table({"containment": {"capex_cny_per_unit": 2500.0}})
    assert over["containment"]["capex_cny_per_unit"] == 2500.0
    assert "scenario override" in over["containment"]["source"]
    with pytest.raises(InputError, match="missing") as err:
        cost_table({"new_thing": {"capex_cny_per_unit": 1.0}}, file="s.toml")
    assert err.value.key == "policy.finance.cost_overrides.new_thing"
    with pytest.raises(InputError) as err:
        cost_table({"pv": {"lifetime_years": 0}})
    assert err.value.key == "policy.finance.cost_overrides.pv.lifetime_years"


def _summary(kwh, water_l, energy_cny, surcharge_cny, co2_t):
    v = lambda x: {"value": x, "unit": ""}
    return {"energy_facility_kwh": v(kwh), "water_site_l": v(water_l),
            "policy": {"cost": {"energy_cny": v(energy_cny), "demand_cny": v(0.0), "surcharge_cny": v(surcharge_cny)},
                       "carbon": {"co2_net_t": v(co2_t)}}}


def test_measure_economics_hand_computed():
    row = {"id": "widget", "capacity": "racks", "unit": "rack", "capex_cny_per_unit": 1000.0,
           "om_cny_per_unit_year": 10.0, "lifetime_years": 10, "evidence": "assumption", "source": "test"}
    base = _summary(1e6, 2e6, 600e3, 100e3, 400.0)
    variant = _summary(0.9e6, 1.5e6, 540e3, 80e3, 360.0)
    fin = Finance(discount_rate=0.08, horizon_years=10, water_price_cny_per_m3=5.0, carbon_price_cny_per_t=50.0)
    out = eco.measure_economics([row], {"racks": 100}, base, variant, fin)
    s = out["savings"]
    assert s["energy_kwh"] == pytest.approx(1e5) and s["water_m3"] == pytest.approx(500.0)
    # 60k electricity + 20k surcharge + 2.5k water + 2k carbon
    assert s["total_cny"] == pytest.approx(84_500.0)
    assert out["capex_cny"] == 100_000.0 and out["om_cny_per_year"] == 1_000.0
    assert out["net_saving_year1_cny"] == pytest.approx(83_500.0)
    assert out["simple_payback_years"] == pytest.approx(100_000 / 83_500)
    annuity = (1 - 1.08 ** -10) / 0.08
    assert out["npv_cny"] == pytest.approx(-100_000 + 83_500 * annuity, rel=1e-12)
    assert eco.npv(out["irr"], out["flows"]) == pytest.approx(0.0, abs=1e-6)
    assert out["items"][0]["source"] == "test"


def test_purchased_cooling_is_a_cost_in_the_savings():
    """A mix that buys chilled water (power-plant cooling) saves its electricity minus the cooling bill."""
    base = _summary(1e6, 0.0, 600e3, 0.0, 400.0)
    variant = _summary(0.7e6, 0.0, 420e3, 0.0, 280.0)
    variant["policy"]["cost"]["purchased_cooling_cny"] = {"value": 150e3, "unit": "CNY"}
    fin = Finance(discount_rate=0.08, horizon_years=10, electricity_escalation=0.0, carbon_price_cny_per_t=0.0)
    out = eco.measure_economics([], {}, base, variant, fin)
    s = out["savings"]
    assert s["purchased_cooling_cny"] == pytest.approx(-150e3)
    assert s["total_cny"] == pytest.approx(180e3 - 150e3)
    annuity = (1 - 1.08 ** -10) / 0.08
    assert out["npv_cny"] == pytest.approx(30e3 * annuity, rel=1e-12)


def test_vrla_vs_lithium_lifecycle_and_avoided_cost():
    rows = cost_table()
    fin = Finance(horizon_years=15)
    cap = {"battery_kwh": 500.0}
    vrla = eco.lifecycle_cost([rows["vrla_battery"]], cap, fin)
    lfp = eco.lifecycle_cost([rows["lithium_battery"]], cap, fin)
    assert vrla["flows"][5] < 0 and vrla["flows"][10] < 0  # two replacements in 15 years
    assert lfp["flows"][12] < 0 and lfp["flows"][15] > 0    # one replacement, residual value back
    same = _summary(1e6, 0.0, 1e5, 0.0, 1.0)
    swap = eco.measure_economics([rows["lithium_battery"]], cap, same, same, fin, avoided_rows=[rows["vrla_battery"]])
    assert swap["npv_cny"] == pytest.approx(vrla["pv_cost_cny"] - lfp["pv_cost_cny"], rel=1e-12)


def test_missing_capacity_is_an_input_error():
    rows = cost_table()
    with pytest.raises(InputError, match="no capacity"):
        eco.cost_flows([rows["pv"]], {"racks": 1}, 10)


def test_capacities_from_design():
    design = {"it_design_kw": 2000.0, "racks": 400, "kw_per_rack": 5.0, "chiller_capacity_total_kw": 3600.0,
              "crah_capacity_total_kw": 2420.0, "ups_capacity_kw": 1200.0, "transformer_capacity_kva": 4000.0}
    cap = eco.capacities_from_design(design)
    assert cap == {"racks": 400.0, "it_kw": 2000.0, "cooling_kw": 3600.0, "crah_kw": 2420.0, "ups_kw": 1200.0}
    rows = cost_table()
    assert eco.cost_flows([rows["containment"]], cap, 15)["capex_cny"] == 400 * rows["containment"]["capex_cny_per_unit"]
