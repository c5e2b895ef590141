"""Grid emission factors, CUE, renewables, net CO2, standard coal and the monitoring flag."""

import numpy as np
import pandas as pd
import pytest

from twin.errors import InputError
from twin.inputs.weather import list_sites
from twin.metrics import carbon as co2
from twin.metrics.policy import load_rules

COAL = load_rules()["coal"]

# docs/sources.md 4.5, 2023 factors [kgCO2/kWh]
FACTORS_2023 = {"guangdong": 0.4419, "southern": 0.4042, "north": 0.6361, "northeast": 0.5122, "east": 0.5500,
                "central": 0.5271, "northwest": 0.5543, "southwest": 0.2472, "national": 0.5306}


@pytest.mark.parametrize("region, factor", FACTORS_2023.items())
def test_regional_factors_2023(region, factor):
    row = co2.grid_factor(region)
    assert row["value"] == factor and row["year"] == 2023 and row["source"]


def test_factor_years_fallback_and_errors():
    assert co2.grid_factor("guangdong", 2021)["value"] == 0.4715
    assert co2.grid_factor(None)["region"] == "national"
    with pytest.raises(InputError, match="years available") as err:
        co2.grid_factor("north", 2021, file="s.toml")
    assert err.value.key == "policy.carbon.grid_factor_year" and err.value.file == "s.toml"


def test_every_bundled_site_has_a_factor():
    for site_id, row in list_sites().items():
        assert co2.grid_factor(row["grid_region"])["value"] > 0, site_id


def test_cue_is_factor_times_pue_without_pv():
    facility = np.full(8760, 1.5e6)  # PUE 1.5 on a 1 MW IT load
    it_kwh = 1e3 * 8760
    grid = co2.grid_import_w(facility, 0.0, 3600.0)
    location = co2.co2_kg(grid, 0.4419, 3600.0)
    assert location == pytest.approx(1.5e3 * 8760 * 0.4419)
    assert co2.cue(location, it_kwh) == pytest.approx(0.4419 * 1.5)


def test_pv_contracts_and_certificates():
    facility = np.full(100, 1e6)  # 100 kWh... x 1e3: 100 steps of 1 MW for 1 h = 100 MWh
    grid = co2.grid_import_w(facility, 20e3, 3600.0)  # 20 MWh PV spread pro rata
    assert grid.sum() * 3600 / 3.6e6 == pytest.approx(80e3)
    assert np.all(grid <= facility)
    assert co2.grid_import_w(facility, 1e9, 3600.0).sum() == 0.0  # PV capped at the load
    location = co2.co2_kg(grid, 0.5, 3600.0)
    assert location == pytest.approx(40e3)
    assert co2.net_co2_kg(location, 80e3, 30e3) == pytest.approx(0.5 * 50e3)
    assert co2.net_co2_kg(location, 80e3, 200e3) == 0.0
    assert co2.renewable_share(20e3, 20e3, 10e3, 100e3) == pytest.approx(0.5)
    assert co2.renewable_share(20e3, 200e3, 0.0, 100e3) == 1.0


def test_hourly_factor_csv(tmp_path):
    values = np.linspace(0.3, 0.6, 8760)
    path = tmp_path / "factors.csv"
    pd.DataFrame({"kg_co2_per_kwh": values}).to_csv(path, index=False)
    time = pd.date_range("2025-01-01", periods=8760 * 4, freq="15min")
    f = co2.hourly_factors(path, "kg_co2_per_kwh", time)
    assert f[0] == values[0] and f[4] == values[1] and f[-1] == values[-1]
    pd.DataFrame({"kg_co2_per_kwh": values[:-1]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="8760") as err:
        co2.hourly_factors(path, "kg_co2_per_kwh", time, file="s.toml")
    assert err.value.key == "policy.carbon.grid_factor_csv"
    with pytest.raises(InputError, match="column") as err:
        co2.hourly_factors(path, "factor", time)
    assert err.value.key == "policy.carbon.grid_factor_column"


def test_standard_coal_conversions():
    assert COAL["equivalent_kgce_per_kwh"] == 0.1229
    assert co2.tce_equivalent(1e6, COAL["equivalent_kgce_per_kwh"]) == pytest.approx(122.9)
    assert co2.tce_equal_value(1e6, 302.4) == pytest.approx(302.4)


@pytest.mark.parametrize("tce, required", [(4999.0, False), (5000.0, False), (5001.0, True)])
def test_monitoring_threshold_edges(tce, required):
    assert co2.monitoring_required(tce, COAL["monitoring_threshold_tce"]) is required


@pytest.mark.parametrize("tce, required", [(4999.0, False), (5001.0, True)])
def test_monitoring_threshold_from_kwh(tce, required):
    kwh = tce * 1e3 / COAL["equivalent_kgce_per_kwh"]
    eq = co2.tce_equivalent(kwh, COAL["equivalent_kgce_per_kwh"])
    assert co2.monitoring_required(eq, COAL["monitoring_threshold_tce"]) is required
