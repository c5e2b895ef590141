"""Bundled weather sites, EPW loading, repair, resampling, errors and caches."""

import gzip
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from twin.errors import InputError
from twin.inputs import weather as wx
from twin.inputs import weather_cache

REPO = Path(__file__).resolve().parents[1]
GRID_REGIONS = {"guangdong", "southern", "north", "northeast", "east", "central", "northwest",
                "southwest"}
ARRAYS = ("temp_air", "temp_dew", "relative_humidity", "pressure", "humidity_ratio",
          "temp_wet_bulb", "ghi", "dni", "dhi", "wind_speed")


pytestmark = pytest.mark.usefixtures("private_weather_cache")


def _epw_rows(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="latin-1") as f:
        lines = f.read().splitlines()
    return lines[:8], [line.split(",") for line in lines[8:]]


def _write_epw(path, header, rows):
    path.write_text("\n".join(header + [",".join(r) for r in rows]) + "\n", encoding="latin-1")


def _assert_same(a, b):
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert (a.repaired_hours, a.repaired_pressure_hours) == (b.repaired_hours,
                                                             b.repaired_pressure_hours)


# --- bundled data ------------------------------------------------------------------------------


def test_sites_table_is_consistent():
    sites = wx.list_sites()
    assert set(sites) == {"guangzhou", "shaoguan", "shenzhen", "guiyang", "hohhot", "qingyang",
                          "yinchuan", "beijing", "shanghai", "heyuan", "shantou", "nanxiong",
                          "zengcheng", "shanwei", "yangjiang", "dianbai"}
    files = set()
    for sid, row in sites.items():
        assert set(row) == {"file", "name", "province", "dataset", "grid_region", "hub",
                            "in_guangdong", "shaoguan_cluster"}, sid
        assert (wx.WEATHER_DIR / row["file"]).is_file()
        assert row["dataset"] in {"CSWD", "SWERA"} and f"_{row['dataset']}." in row["file"]
        assert row["grid_region"] in GRID_REGIONS
        assert row["in_guangdong"] == (row["province"] == "Guangdong")
        assert row["in_guangdong"] == (row["grid_region"] == "guangdong")
        assert row["shaoguan_cluster"] == (sid in {"shaoguan", "nanxiong"})
        files.add(row["file"])
    # Every bundled file is used by exactly one site, and nothing else is bundled.
    assert files == {p.name for p in wx.WEATHER_DIR.glob("*.epw.gz")}
    assert len(files) == len(sites)
    # list_sites returns a copy.
    sites["guangzhou"]["file"] = "x"
    assert wx.list_sites()["guangzhou"]["file"] != "x"


def test_bundled_files_match_provenance_checksums():
    text = (wx.WEATHER_DIR / "PROVENANCE.md").read_text()
    sha = dict(re.findall(r"\| `([^`]+\.epw\.gz)` \|[^\n]*`([0-9a-f]{64})` \|", text))
    bundled = {p.name for p in wx.WEATHER_DIR.glob("*.epw.gz")}
    assert set(sha) == bundled
    for name, digest in sha.items():
        raw = gzip.decompress((wx.WEATHER_DIR / name).read_bytes())
        assert hashlib.sha256(raw).hexdigest() == digest, name


@pytest.mark.parametrize("site_id", sorted(wx.list_sites()))
def test_every_site_loads_with_plausible_values(site_id):
    w = wx.load_weather(site_id)
    assert w.site_id == site_id and w.site == wx.list_sites()[site_id]
    assert len(w.time) == 8760 and w.timestep_s == 3600
    assert str(w.time[0]) == "2025-01-01 00:00:00" and str(w.time[-1]) == "2025-12-31 23:00:00"
    assert w.time.tz is None
    for name in ARRAYS:
        v = getattr(w, name)
        assert v.shape == (8760,) and v.dtype == np.float64 and np.all(np.isfinite(v)), name
        assert not v.flags.writeable, name
    assert 18 < w.latitude < 42 and 100 < w.longitude < 125 and w.tz_hours == 8.0
    assert np.all((w.temp_air > -30) & (w.temp_air < 40))
    assert np.all(w.temp_dew <= w.temp_air)
    assert np.all(w.temp_wet_bulb <= w.temp_air + 1e-9)
    assert np.all(w.temp_wet_bulb >= w.temp_dew - 1e-9)
    assert np.all((w.relative_humidity >= 0) & (w.relative_humidity <= 1))
    assert np.all((w.humidity_ratio > 0) & (w.humidity_ratio < 0.03))
    assert np.all((w.pressure > 80_000) & (w.pressure < 105_000))
    assert abs(np.median(w.pressure) - wx.psy.pressure_from_altitude(w.elevation_m)) < 2500
    for name in ("ghi", "dni", "dhi"):
        assert np.all((getattr(w, name) >= 0) & (getattr(w, name) < 1400)), name
    assert 800 < w.ghi.sum() / 1000 < 2000  # annual kWh/m2
    assert np.all((w.wind_speed >= 0) & (w.wind_speed < 40))
    assert w.repaired_pressure_hours == 0 and w.filled_missing_hours == 0


# --- paths, formats, repair ----------------------------------------------------------------------


def test_short_id_and_paths_give_same_data(tmp_path):
    by_id = wx.load_weather("guangzhou")
    path = wx.WEATHER_DIR / wx.list_sites()["guangzhou"]["file"]
    by_path = wx.load_weather(path)
    rel = wx.load_weather(f"weather/{path.name}", base_dir=wx.DATA_DIR)
    for w in (by_path, rel):
        _assert_same(by_id, w)
        assert w.site == {} and w.site_id == "CHN_Guangdong.Guangzhou.592870_CSWD"
        assert w.source_file == by_id.source_file
    assert by_id.name == "Guangzhou"


def test_plain_epw_equals_gz(tmp_path):
    gz = wx.WEATHER_DIR / wx.list_sites()["qingyang"]["file"]
    plain = tmp_path / gz.name[:-3]
    plain.write_bytes(gzip.decompress(gz.read_bytes()))
    a, b = wx.load_weather(gz), wx.load_weather(plain)
    _assert_same(a, b)
    assert (a.latitude, a.longitude, a.elevation_m) == (b.latitude, b.longitude, b.elevation_m)


def test_guangzhou_repaired_hours_match_raw_file():
    w = wx.load_weather("guangzhou")
    _, rows = _epw_rows(w.source_file)
    db = np.array([float(r[6]) for r in rows])
    dp = np.array([float(r[7]) for r in rows])
    rh = np.array([float(r[8]) for r in rows])
    union = int(np.sum((dp > db) | (rh > 100)))
    assert np.sum(dp > db) == 55 and np.sum(rh > 100) == 38  # PROVENANCE.md QA table
    assert w.repaired_hours == union == 55
    np.testing.assert_array_equal(w.temp_dew, np.minimum(dp, db))
    assert np.all(w.temp_dew <= w.temp_air) and np.all(w.relative_humidity <= 1.0)
    assert wx.load_weather("qingyang").repaired_hours == 72


def test_missing_values_are_filled_and_counted(tmp_path):
    header, rows = _epw_rows(wx.WEATHER_DIR / wx.list_sites()["shantou"]["file"])
    ref = wx.load_weather("shantou")
    rows[100][9] = "999999"  # station pressure missing
    rows[101][9] = "12000"  # out of range
    rows[200][6] = "99.9"  # dry bulb missing
    rows[300][13] = "9999"  # GHI missing
    path = tmp_path / "gaps.epw"
    _write_epw(path, header, rows)
    w = wx.load_weather(path)
    assert w.repaired_pressure_hours == 2 and w.filled_missing_hours == 2
    assert w.pressure[100] == pytest.approx(wx.psy.pressure_from_altitude(w.elevation_m))
    assert w.temp_air[200] == pytest.approx(0.5 * (ref.temp_air[199] + ref.temp_air[201]))
    assert w.ghi[300] == pytest.approx(0.5 * (ref.ghi[299] + ref.ghi[301]))


# --- resampling --------------------------------------------------------------------------------


def test_fifteen_minute_steps():
    hourly = wx.load_weather("shaoguan")
    w = wx.load_weather("shaoguan", timestep_s=900, year=2023)
    assert len(w.time) == 35040 and w.timestep_s == 900
    assert str(w.time[0]) == "2023-01-01 00:00:00" and str(w.time[-1]) == "2023-12-31 23:45:00"
    for name in ARRAYS:
        v = getattr(w, name)
        assert v.shape == (35040,) and not v.flags.writeable
        means = v.reshape(8760, 4).mean(axis=1)
        ref = getattr(hourly, name)
        if name in ("ghi", "dni", "dhi"):
            np.testing.assert_array_equal(means, ref)
        else:
            assert np.mean(np.abs(means - ref)) < 0.05 * (np.std(ref) + 1e-12), name
    for name in ("temp_air", "temp_dew", "pressure", "wind_speed"):
        # Midpoint-linear periodic interpolation keeps the annual mean exactly.
        assert getattr(w, name).mean() == pytest.approx(getattr(hourly, name).mean(), rel=1e-12)
    assert np.max(np.abs(w.temp_air.reshape(8760, 4).mean(axis=1) - hourly.temp_air)) < 1.0
    assert np.all(w.temp_dew <= w.temp_air) and np.all(w.relative_humidity <= 1)
    assert np.all(w.temp_wet_bulb <= w.temp_air + 1e-9)
    assert np.all(w.temp_wet_bulb >= w.temp_dew - 1e-9)


@pytest.mark.parametrize("step", [700, 7200, 30, 0, -900, 900.5, float("nan"), True, "900"])
def test_bad_timestep(step):
    with pytest.raises(InputError) as e:
        wx.load_weather("guangzhou", timestep_s=step, file_for_errors="s.toml")
    assert e.value.key == "scenario.timestep_min" and e.value.file == "s.toml"


def test_integral_float_timestep_accepted():
    assert len(wx.load_weather("guangzhou", timestep_s=1800.0).time) == 17520


def test_leap_year_rejected():
    with pytest.raises(InputError, match="leap year") as e:
        wx.load_weather("guangzhou", year=2024)
    assert e.value.key == "scenario.year"


# --- errors ------------------------------------------------------------------------------------


def test_unknown_site_lists_known_ids():
    with pytest.raises(InputError) as e:
        wx.load_weather("atlantis", file_for_errors="scen.toml", key_for_errors="scenario.site")
    msg = str(e.value)
    assert e.value.file == "scen.toml" and e.value.key == "scenario.site"
    assert "atlantis" in msg and all(sid in msg for sid in wx.list_sites())


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found") as e:
        wx.load_weather("nowhere.epw", base_dir=tmp_path, file_for_errors="scen.toml")
    assert str(tmp_path / "nowhere.epw") in str(e.value) and e.value.key == "scenario.site"


def test_corrupt_files(tmp_path):
    garbage = tmp_path / "garbage.epw"
    garbage.write_bytes(b"this is not,an epw\n\x00\x01\x02" * 50)
    header, rows = _epw_rows(wx.WEATHER_DIR / wx.list_sites()["guangzhou"]["file"])
    short = tmp_path / "short.epw"
    _write_epw(short, header, rows[:100])
    truncated = tmp_path / "truncated.epw.gz"
    full = (wx.WEATHER_DIR / wx.list_sites()["guangzhou"]["file"]).read_bytes()
    truncated.write_bytes(full[: len(full) // 2])
    shuffled = tmp_path / "shuffled.epw"
    _write_epw(shuffled, header, rows[24:] + rows[:24])
    hot = tmp_path / "hot.epw"
    rows_hot = [list(r) for r in rows]
    rows_hot[5][6] = "85.0"
    _write_epw(hot, header, rows_hot)
    empty = tmp_path / "empty.epw"
    empty.write_bytes(b"")
    for path in (garbage, short, truncated, shuffled, hot, empty):
        with pytest.raises(InputError) as e:
            wx.load_weather(path, key_for_errors="scenario.weather_file")
        assert str(path) in str(e.value), path
        assert e.value.key == "scenario.weather_file" and e.value.file == str(path)
    with pytest.raises(InputError, match="8760"):
        wx.load_weather(short)


# --- caches ------------------------------------------------------------------------------------


def test_disk_cache_hit_and_corrupt_cache(monkeypatch):
    wx.clear_memory_cache()
    first = wx.load_weather("hohhot")
    path = Path(first.source_file)
    cache = weather_cache.cache_file(wx.cache_key(path))
    assert cache.is_file() and cache.parent == weather_cache.cache_dir()
    assert not list(cache.parent.glob(".tmp-*"))

    def no_parse(*args, **kwargs):
        raise AssertionError("EPW parsed although the disk cache is warm")

    wx.clear_memory_cache()
    with monkeypatch.context() as mp:
        mp.setattr(wx, "_parse_epw", no_parse)
        cached = wx.load_weather("hohhot")
    _assert_same(first, cached)
    assert cached.temp_air is not first.temp_air  # really rebuilt from the .npz
    assert (cached.latitude, cached.elevation_m, cached.name) == (first.latitude,
                                                                  first.elevation_m, first.name)

    cache.write_bytes(b"not an npz file")
    wx.clear_memory_cache()
    rebuilt = wx.load_weather("hohhot")
    _assert_same(first, rebuilt)
    assert rebuilt.temp_air is not first.temp_air
    assert weather_cache.read_cache(wx.cache_key(path)) is not None


def test_disk_cache_written_by_other_code_is_not_read(monkeypatch):
    """The disk cache's key holds the processing code (twin.inputs.weather.cache_key): a cache
    written by other code (an update, an edit of the psychrometrics) is parsed again, not read."""
    wx.clear_memory_cache()
    wx.load_weather("hohhot")  # the cache of this code is on disk
    parsed, parse = [], wx._parse_epw
    monkeypatch.setattr(wx, "_parse_epw", lambda *a, **k: parsed.append(1) or parse(*a, **k))
    wx.clear_memory_cache()
    wx.load_weather("hohhot")
    assert not parsed  # the same code reads its cache
    monkeypatch.setattr(wx, "_processing_digest", lambda: b"other code")
    wx.clear_memory_cache()
    wx.load_weather("hohhot")
    assert parsed == [1]
    wx.clear_memory_cache()


def test_memory_cache_returns_shared_read_only_arrays():
    a = wx.load_weather("beijing")
    b = wx.load_weather("beijing")
    assert a.temp_air is b.temp_air
    with pytest.raises(ValueError):
        a.temp_air[0] = 0.0
    a.site["name"] = "changed"
    assert wx.load_weather("beijing").site["name"] == "Beijing"


def test_derived_outdoor_air_is_computed_once_as_the_psychrometrics_give_it():
    from components import psychrometrics as psy

    w = wx.load_weather("hohhot")
    assert w.enthalpy is w.enthalpy and w.dry_air_density is w.dry_air_density
    assert np.array_equal(w.enthalpy, psy.enthalpy_moist_air(w.temp_air, w.humidity_ratio))
    assert np.array_equal(w.dry_air_density, 1.0 / psy.moist_air_specific_volume(w.temp_air, w.humidity_ratio,
                                                                                  w.pressure))
    assert w.mean_pressure == float(np.mean(w.pressure))
    for a in (w.enthalpy, w.dry_air_density):
        with pytest.raises(ValueError):
            a[0] = 0.0


def test_warm_cache_process_does_not_import_pvlib():
    wx.load_weather("guiyang")  # warms the disk cache of this test run
    code = ("import sys\nfrom twin.inputs.weather import load_weather\n"
            "w = load_weather('guiyang', timestep_s=1800)\n"
            "print(len(w.time), 'pvlib' in sys.modules)\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()
    assert out == ["17520", "False"]
