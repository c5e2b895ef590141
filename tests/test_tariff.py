"""Guangdong TOU periods and critical peak, cost by period and component, PUE surcharge rules."""

import numpy as np
import pandas as pd
import pytest

from twin.errors import InputError
from twin.inputs import tariffs
from twin.inputs.schema import validate_scenario
from twin.metrics import tariff as tou

GD = tariffs.load_tou("guangdong_tou_2021")
BEIJING = tariffs.load_surcharge("beijing_2021")
GD_SURCHARGE = tariffs.load_surcharge("guangdong_assumption")


def _day(date: str, temp_c: float = 25.0, step_min: int = 60):
    time = pd.date_range(date, periods=24 * 60 // step_min, freq=f"{step_min}min")
    return time, np.full(len(time), temp_c)


@pytest.mark.parametrize("hour, period", [
    (0, "valley"), (7, "valley"), (8, "flat"), (9, "flat"), (10, "peak"), (11, "peak"), (12, "flat"),
    (13, "flat"), (14, "peak"), (18, "peak"), (19, "flat"), (23, "flat"),
])
def test_peak_hour_edges(hour, period):
    assert tariffs.hour_periods(GD)[hour] == period


def test_sub_hourly_steps_take_the_period_of_their_starting_hour():
    time, temp = _day("2025-03-04", step_min=15)
    periods, _ = tariffs.step_periods(time, temp, GD)
    at = dict(zip(time.strftime("%H:%M"), periods))
    assert at["09:45"] == "flat" and at["10:00"] == "peak"
    assert at["18:45"] == "peak" and at["19:00"] == "flat"


def test_flat_load_multiplier_normal_and_critical_day():
    # docs/sources.md 4.4 (C): (7 x 1.7 + 8 x 0.38 + 9 x 1) / 24 = 0.9975; with 3 critical hours 1.0506
    assert tariffs.day_multipliers(GD).mean() == pytest.approx(0.9975, abs=1e-12)
    assert tariffs.day_multipliers(GD, critical_day=True).mean() == pytest.approx(25.215 / 24, abs=1e-12)
    assert round(tariffs.day_multipliers(GD, critical_day=True).mean(), 4) == 1.0506


@pytest.mark.parametrize("date, temp_c, multiplier", [
    ("2025-03-04", 25.0, 0.9975),       # normal day
    ("2025-07-15", 25.0, 1.050625),     # every day of July is a critical-peak day
    ("2025-09-30", 25.0, 1.050625),
    ("2025-10-01", 34.9, 0.9975),       # below the hot-day threshold
    ("2025-05-20", 35.0, 1.050625),     # daily max >= 35 degC
])
def test_flat_load_cost_reproduces_the_period_table(date, temp_c, multiplier):
    time, temp = _day(date, temp_c)
    periods, mult = tariffs.step_periods(time, temp, GD)
    grid = np.full(len(time), 1000.0)  # 1 kW for 24 h = 24 kWh
    bill = tou.electricity_cost(time.month.to_numpy() - 1, grid, grid[None], {"p_it": 0}, 3600.0, periods, mult, flat_price_cny_per_kwh=1.0)
    assert bill["energy_cny"] == pytest.approx(24.0 * multiplier, rel=1e-12)
    assert bill["grid_kwh"] == pytest.approx(24.0)
    assert sum(v["kwh"] for v in bill["by_period"].values()) == pytest.approx(24.0)
    if multiplier > 1:
        assert bill["by_period"]["critical"]["kwh"] == pytest.approx(3.0)
        assert set(time.hour[periods == "critical"]) == {11, 15, 16}


def test_critical_peak_can_be_switched_off():
    time, temp = _day("2025-07-15")
    periods, mult = tariffs.step_periods(time, temp, GD, critical_peak=False)
    assert "critical" not in set(periods) and mult.mean() == pytest.approx(0.9975)


def test_cost_split_by_component_and_demand_charge():
    time = pd.date_range("2025-03-01", periods=24 * 3, freq="h")
    a = np.full(len(time), 1000.0)
    b = np.full(len(time), 3000.0)
    b[30] = 7000.0  # the March peak step
    periods, mult = tariffs.step_periods(time, np.full(len(time), 20.0), GD)
    bill = tou.electricity_cost(time.month.to_numpy() - 1, a + b, np.stack([a, b]), {"a": 0, "b": 1}, 3600.0, periods, mult, flat_price_cny_per_kwh=0.5,
                                demand_charge_cny_per_kw_month=30.0, surcharge_cny_per_kwh=0.2)
    assert bill["monthly_peak_kw"][2] == pytest.approx(8.0)
    assert bill["demand_cny"] == pytest.approx(8.0 * 30.0)
    assert bill["surcharge_cny"] == pytest.approx(0.2 * bill["grid_kwh"])
    assert sum(bill["by_component"].values()) == pytest.approx(bill["total_cny"])
    # each step's cost splits pro rata to power: 1:3 normally, 1:7 at the peak step, which
    # also carries the whole demand charge
    kwh = (a + b) / 1e3
    step = kwh * (0.5 * mult + 0.2)
    step[30] += 8.0 * 30.0
    assert bill["by_component"]["a"] == pytest.approx(np.sum(step * a / (a + b)), rel=1e-12)


@pytest.mark.parametrize("rule, pue, price", [
    (BEIJING, 1.0, 0.0), (BEIJING, 1.4, 0.0), (BEIJING, 1.4001, 0.2), (BEIJING, 1.8, 0.2), (BEIJING, 1.8001, 0.5),
    (GD_SURCHARGE, 1.5, 0.0), (GD_SURCHARGE, 1.5001, 0.2), (GD_SURCHARGE, 1.8, 0.2), (GD_SURCHARGE, 3.0, 0.5),
])
def test_surcharge_band_edges(rule, pue, price):
    assert tou.surcharge_band(pue, rule.bands)[1] == price


def test_guangdong_surcharge_is_labelled_an_assumption():
    assert "ASSUMPTION" in GD_SURCHARGE.name and "ASSUMPTION" in GD_SURCHARGE.source


def test_monthly_basis():
    time = pd.date_range("2025-01-01", periods=8760, freq="h")
    rule = BEIJING.model_copy(update={"basis": "monthly"})
    monthly = [1.3] * 6 + [1.5] * 5 + [1.9]
    price, bands = tou.monthly_surcharge(time.month.to_numpy() - 1, rule, 1.45, monthly)
    assert bands == [0] * 6 + [1] * 5 + [2]
    assert price[time.month == 1].max() == 0.0 and price[time.month == 12].min() == 0.5


def _write_rule(tmp_path, bands: str):
    path = tmp_path / "rule.toml"
    path.write_text('name = "test"\nsource = "test"\n' + bands, encoding="utf-8")
    return path


GAP = """
[[bands]]
pue_min = 0.0
pue_max = 1.4
cny_per_kwh = 0.0
[[bands]]
pue_min = 1.5
pue_max = inf
cny_per_kwh = 0.3
"""
OVERLAP = GAP.replace("pue_min = 1.5", "pue_min = 1.3")


@pytest.mark.parametrize("bands, word", [(GAP, "gap"), (OVERLAP, "overlap")])
def test_surcharge_file_with_gap_or_overlap_is_rejected(tmp_path, bands, word):
    path = _write_rule(tmp_path, bands)
    with pytest.raises(InputError, match=word) as err:
        tariffs.load_surcharge(str(path), file="scenario.toml")
    assert err.value.file == str(path)
    assert err.value.key == "bands.1.pue_min"
    assert str(path) in str(err.value) and "bands.1.pue_min" in str(err.value)


@pytest.mark.parametrize("bands, word", [(GAP, "gap"), (OVERLAP, "overlap")])
def test_inline_surcharge_with_gap_or_overlap_is_rejected(bands, word):
    import tomllib

    rule = {"name": "inline", "source": "test", **tomllib.loads(bands)}
    scn = validate_scenario({"it": {"design_kw": 100.0, "racks": 20}, "policy": {"tariff": {"surcharge_rule": rule}}})
    with pytest.raises(InputError, match=word) as err:
        tariffs.load_surcharge(scn.policy.tariff.surcharge, scn.policy.tariff.surcharge_rule, file="scenario.toml")
    assert err.value.file == "scenario.toml"
    assert err.value.key == "policy.tariff.surcharge_rule.bands.1.pue_min"


def test_surcharge_bands_must_cover_every_pue(tmp_path):
    top_open = GAP.replace("pue_min = 1.5", "pue_min = 1.4").replace("inf", "3.0")
    with pytest.raises(InputError, match="inf") as err:
        tariffs.load_surcharge(str(_write_rule(tmp_path, top_open)))
    assert err.value.key == "bands.1.pue_max"
    late_start = GAP.replace("pue_min = 0.0", "pue_min = 1.1").replace("pue_min = 1.5", "pue_min = 1.4")
    with pytest.raises(InputError, match="first band") as err:
        tariffs.load_surcharge(str(_write_rule(tmp_path, late_start)))
    assert err.value.key == "bands.0.pue_min"


def test_unknown_surcharge_and_tariff_names():
    with pytest.raises(InputError, match="bundled rules") as err:
        tariffs.load_surcharge("shenzhen_2030", file="s.toml")
    assert err.value.key == "policy.tariff.surcharge"
    assert tariffs.load_surcharge("none") is None
    with pytest.raises(InputError, match="bundled tariffs"):
        tariffs.load_tou("nowhere_tou")


def test_tou_file_with_an_hour_in_two_periods_is_rejected(tmp_path):
    path = tmp_path / "tou.toml"
    path.write_text('name = "t"\nsource = "t"\n[periods.peak]\nhours = [[10, 12]]\nratio = 1.7\n'
                    '[periods.flat]\nhours = [[0, 11], [12, 24]]\nratio = 1.0\n', encoding="utf-8")
    with pytest.raises(InputError, match="hour 10:00 is in both") as err:
        tariffs.load_tou(str(path))
    assert err.value.file == str(path.resolve())
