"""Meter files: reading, time zones, resampling, gaps and outliers, bad files, replay."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest

from twin.errors import InputError
from twin.inputs.meter_file import read_meters
from twin.inputs.meters import measured_weather, resample, synthetic_meters
from twin.metrics import guideline14 as g14

COLUMNS = ["it_kw", "facility_kw", "chiller_kw", "crah_kw", "ups_in_kw", "ups_out_kw",
           "outdoor_temp_c", "outdoor_rh_pct", "supply_air_c", "return_air_c"]


@pytest.fixture(scope="module")
def exact(legacy_result):
    """Noise-free hourly meters of the default scenario."""
    return synthetic_meters(legacy_result, COLUMNS, np.random.default_rng(0), power_noise=0.0,
                            temperature_noise_k=0.0, rh_noise_pct=0.0)


def _write(df, path, comments=""):
    path.write_text(comments + df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ reading and time


def test_reads_a_year_and_puts_it_on_the_step(exact, legacy_result, tmp_path):
    f = _write(exact, tmp_path / "m.csv", comments="# two comment lines\n#\n")
    mf = read_meters(f, design_it_kw=2000.0)
    assert mf.resolution_s == 3600.0 and mf.timezone == "UTC offsets in the file"
    assert mf.lines[0] == 4  # two comments, the header on line 3
    sm = resample(mf, legacy_result.time, 3600, 8.0)
    np.testing.assert_allclose(sm.channel("p_facility"), legacy_result["p_facility"], rtol=1e-6)
    assert sm.in_period.all() and not mf.outliers


def test_fifteen_minute_samples_average_onto_hourly_steps(tmp_path, legacy_result):
    t = pd.date_range("2025-01-01", periods=4 * 48, freq="15min")
    it = 800.0 + 40.0 * np.tile([-1.5, -0.5, 0.5, 1.5], 48)  # mean 800 in every hour
    df = pd.DataFrame({"timestamp": t.strftime("%Y-%m-%dT%H:%M+08:00"), "it_kw": it})
    sm = resample(read_meters(_write(df, tmp_path / "m.csv")), legacy_result.time, 3600, 8.0)
    np.testing.assert_allclose(sm.values["it_kw"][:48], 800.0)
    assert np.isnan(sm.values["it_kw"][48:]).all() and sm.in_period.sum() == 48


def test_coverage_threshold_makes_gaps(tmp_path, legacy_result):
    t = pd.date_range("2025-01-01", periods=4 * 24, freq="15min")
    df = pd.DataFrame({"timestamp": t.strftime("%Y-%m-%dT%H:%M+08:00"), "it_kw": 800.0})
    df = df.drop(index=[4, 5, 8]).reset_index(drop=True)  # hour 1 has 2 of 4 samples, hour 2 has 3
    mf = read_meters(_write(df, tmp_path / "m.csv"))
    sm = resample(mf, legacy_result.time, 3600, 8.0)
    assert np.isnan(sm.values["it_kw"][1]) and sm.values["it_kw"][2] == 800.0
    rep = sm.report()["columns"]["it_kw"]
    assert rep["gap_steps"] == 1 and rep["gaps"] == [["2025-01-01 01:00", "2025-01-01 02:00"]]
    loose = resample(mf, legacy_result.time, 3600, 8.0, min_coverage=0.5)
    assert loose.values["it_kw"][1] == 800.0


def test_hourly_meters_hold_over_fifteen_minute_steps(tmp_path):
    t = pd.date_range("2025-01-01", periods=3, freq="h")
    df = pd.DataFrame({"timestamp": t.strftime("%Y-%m-%dT%H:%M+08:00"), "it_kw": [1.0, 2.0, 3.0]})
    grid = pd.date_range("2025-01-01", periods=8760 * 4, freq="15min")
    sm = resample(read_meters(_write(df, tmp_path / "m.csv")), grid, 900, 8.0)
    np.testing.assert_array_equal(sm.values["it_kw"][:12], np.repeat([1.0, 2.0, 3.0], 4))


def test_time_zones(exact, legacy_result, tmp_path):
    naive = exact.head(48).copy()
    naive["timestamp"] = naive["timestamp"].str.slice(0, 16)
    f = _write(naive, tmp_path / "naive.csv")
    with pytest.raises(InputError, match=r"line 2, column 'timestamp'.*no UTC offset.*--tz"):
        read_meters(f)
    a = resample(read_meters(f, tz="Asia/Shanghai"), legacy_result.time, 3600, 8.0)
    b = resample(read_meters(f, tz="UTC+8"), legacy_result.time, 3600, 8.0)
    utc = resample(read_meters(f, tz="UTC"), legacy_result.time, 3600, 8.0)
    np.testing.assert_array_equal(a.values["it_kw"], b.values["it_kw"])
    np.testing.assert_array_equal(utc.values["it_kw"][8:56], a.values["it_kw"][:48])  # UTC is 8 h earlier
    with pytest.raises(InputError, match="unknown time zone"):
        read_meters(f, tz="Mars/Olympus")


def test_period_over_new_year_fills_the_calendar_by_date(tmp_path, legacy_result):
    t = pd.date_range("2024-12-31T22:00", periods=4, freq="h")
    df = pd.DataFrame({"timestamp": t.strftime("%Y-%m-%dT%H:%M+08:00"), "it_kw": [1.0, 2.0, 3.0, 4.0]})
    sm = resample(read_meters(_write(df, tmp_path / "m.csv")), legacy_result.time, 3600, 8.0)
    assert sm.values["it_kw"][-2:].tolist() == [1.0, 2.0] and sm.values["it_kw"][:2].tolist() == [3.0, 4.0]


# ------------------------------------------------------------------------------ outliers, weather


def test_outliers_are_reported_with_lines_and_left_out(exact, legacy_result, tmp_path):
    df = exact.copy()
    df.loc[100, "facility_kw"] = 0.0            # a meter reset: far below its neighbours
    df.loc[200, "chiller_kw"] = 1.0e6           # one reading far outside the physical bounds
    mf = read_meters(_write(df, tmp_path / "m.csv"), design_it_kw=2000.0)
    assert [o[0] for o in mf.outliers["facility_kw"]] == [102]
    assert mf.outliers["chiller_kw"][0][0] == 202 and "outside" in mf.outliers["chiller_kw"][0][2]
    sm = resample(mf, legacy_result.time, 3600, 8.0)
    assert np.isnan(sm.values["facility_kw"][100]) and np.isnan(sm.values["chiller_kw"][200])
    assert sm.report()["columns"]["facility_kw"]["outliers"] == 1


def test_measured_weather_replaces_the_epw(legacy_result, tmp_path):
    w = legacy_result.plant.weather
    t = pd.date_range("2025-07-01", periods=24, freq="h")
    df = pd.DataFrame({"timestamp": t.strftime("%Y-%m-%dT%H:%M+08:00"), "outdoor_temp_c": 35.0,
                       "outdoor_rh_pct": 60.0})
    sm = resample(read_meters(_write(df, tmp_path / "m.csv")), w.time, 3600, w.tz_hours)
    mw, n = measured_weather(w, sm)
    k = int(np.flatnonzero(w.time == pd.Timestamp("2025-07-01"))[0])
    assert n == 24 and np.all(mw.temp_air[k:k + 24] == 35.0)
    assert np.all(mw.temp_wet_bulb[k:k + 24] < 35.0) and np.all(mw.temp_wet_bulb[k:k + 24] > 27.0)
    np.testing.assert_array_equal(mw.pressure, w.pressure)
    np.testing.assert_array_equal(mw.temp_air[:k], w.temp_air[:k])


# ------------------------------------------------------------------------------ bad files


def _bad(tmp_path, exact, case):
    df = exact.head(30).copy()
    if case == "it_w":
        df = df.rename(columns={"it_kw": "it_w"})
    elif case == "watts":
        df["it_kw"] = df["it_kw"] * 1000.0
    elif case == "non_monotonic":
        df.loc[[3, 4], "timestamp"] = df.loc[[4, 3], "timestamp"].to_numpy()
    elif case == "all_nan":
        df["chiller_kw"] = np.nan
    elif case == "unknown":
        df["humidity"] = 1.0
    elif case == "not_a_number":
        df["crah_kw"] = df["crah_kw"].astype(object)
        df.loc[6, "crah_kw"] = "12,5"
    elif case == "fahrenheit":
        df["outdoor_temp_c"] = df["outdoor_temp_c"] * 1.8 + 32.0 + 40.0
    elif case == "rh_fraction":
        df["outdoor_rh_pct"] = df["outdoor_rh_pct"] / 100.0
    elif case == "bad_time":
        df.loc[9, "timestamp"] = "2025-13-01T00:00+08:00"
    elif case == "megawatts":
        df["facility_kw"] = df["facility_kw"] / 1000.0
    return _write(df, tmp_path / f"{case}.csv")


@pytest.mark.parametrize("case, pattern", [
    ("it_w", r"column 2 'it_w' is not an accepted column: 'it' is metered in kW, not W; rename it 'it_kw'"),
    ("watts", r"line 2, column 'it_kw': 8.*outside the physical range 0-3000 kW.*unit mistake\? are these W\?"),
    ("non_monotonic", r"line 6, column 'timestamp': timestamp .* is earlier than the previous one \('.*', line 5\)"),
    ("all_nan", r"column 'chiller_kw': the column has no numeric value in lines 2-31"),
    ("unknown", r"column 12 'humidity' is not an accepted column.*Accepted columns: it_kw \[kW\]"),
    ("not_a_number", r"line 8, column 'crah_kw': '12,5' is not a number"),
    ("fahrenheit", r"column 'outdoor_temp_c'.*are these degF\?"),
    ("rh_fraction", r"column 'outdoor_rh_pct'.*looks like a fraction"),
    ("bad_time", r"line 11, column 'timestamp': '2025-13-01T00:00\+08:00' is not a date and time"),
    ("megawatts", r"column 'facility_kw': median .* are these MW\?"),
])
def test_bad_meter_files_name_line_and_column(tmp_path, exact, case, pattern):
    f = _bad(tmp_path, exact, case)
    with pytest.raises(InputError, match=pattern) as info:
        read_meters(f, design_it_kw=2000.0)
    assert str(f) in str(info.value)


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("# only a comment\n\n")
    with pytest.raises(InputError, match="empty"):
        read_meters(empty)
    head = tmp_path / "head.csv.gz"
    head.write_bytes(gzip.compress(b"timestamp,it_kw\n"))
    with pytest.raises(InputError, match=r"header \(line 1\) but no data rows"):
        read_meters(head)
    with pytest.raises(InputError, match="not found"):
        read_meters(tmp_path / "missing.csv")


def test_parquet_needs_pyarrow_or_says_so(tmp_path, exact):
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        f = tmp_path / "m.parquet"
        f.write_bytes(b"PAR1")
        with pytest.raises(InputError, match="pyarrow.*CSV"):
            read_meters(f)
        return
    f = tmp_path / "m.parquet"
    exact.head(48).to_parquet(f)
    assert read_meters(f).n_samples == 48


# ------------------------------------------------------------------------------ statistics, replay


def test_guideline14_definitions():
    m = np.array([100.0, 110.0, 90.0, 100.0])
    s = np.array([90.0, 100.0, 80.0, 90.0])  # under-predicts by 10
    assert g14.nmbe_pct(m, s) == pytest.approx(40.0 / (3 * 100.0) * 100.0)
    assert g14.cv_rmse_pct(m, s) == pytest.approx(np.sqrt(400.0 / 3) / 100.0 * 100.0)
    assert g14.meets({"cv_rmse_hourly_pct": 29.0, "nmbe_hourly_pct": -9.0, "cv_rmse_monthly_pct": 16.0}) is False
    assert g14.meets({"cv_rmse_hourly_pct": 29.0, "nmbe_hourly_pct": -9.0}) is True


def test_cli_replay_writes_measured_variables_and_plot(legacy_result, tmp_path, capsys):
    import xarray as xr

    from conftest import LEGACY
    from twin.cli import main

    df = synthetic_meters(legacy_result, ["it_kw", "facility_kw", "chiller_kw", "supply_air_c"],
                          np.random.default_rng(3), power_noise=0.0, temperature_noise_k=0.0)
    f = _write(df, tmp_path / "meters.csv")
    assert main(["run", str(LEGACY), "--meters", str(f), "--out", str(tmp_path / "out")]) == 0
    text = capsys.readouterr().out
    assert "Simulated vs metered" in text and "Monthly totals" in text
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    fac = summary["meters"]["comparison"]["channels"]["p_facility"]
    assert fac["cv_rmse_hourly_pct"] < 1e-6 and fac["meets_guideline14"] and len(fac["monthly"]) == 12
    with xr.open_dataset(tmp_path / "out" / "results.nc", engine="h5netcdf") as ds:
        assert ds["meas_p_facility"].attrs["units"] == "W"
        np.testing.assert_allclose(ds["meas_p_facility"].values, ds["p_facility"].values, rtol=1e-6)
    assert (tmp_path / "out" / "meters.png").stat().st_size > 10_000
    assert main(["run", str(LEGACY), "--tz", "UTC"]) == 2
