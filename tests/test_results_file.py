"""The NetCDF4 files dctwin writes (:func:`twin.engine.results.write_netcdf`, ``write_dataset``): what
the run holds, read back identical by both NetCDF4 readers, written atomically."""

import numpy as np
import pytest
import xarray as xr

from twin.engine.results import NETCDF_ENGINE, write_dataset, write_netcdf
from twin.metrics.policy import policy_attrs
from twin.metrics.summary import build_summary


@pytest.mark.parametrize("reader", ["h5netcdf", "netcdf4"])
def test_results_nc_reads_back_every_number(legacy_result, tmp_path, reader):
    """Every variable bit for bit, units and attributes (the summary's policy figures among them)
    as written, by netCDF-C (the writer's own library) and by h5netcdf (h5py), an independent reader."""
    attrs = policy_attrs(build_summary(legacy_result))
    path = tmp_path / "results.nc"
    write_netcdf(legacy_result, path, attrs=attrs)
    expected = legacy_result.to_dataset()
    expected.attrs.update(attrs)
    with xr.open_dataset(path, engine=reader) as nc:
        assert set(nc.data_vars) == set(expected.data_vars)
        for name, var in expected.data_vars.items():
            np.testing.assert_array_equal(nc[name].values, var.values, err_msg=name)
            assert nc[name].attrs["units"] == var.attrs["units"], name
        np.testing.assert_array_equal(nc["time"].values, expected["time"].values)
        assert {k: str(v) for k, v in nc.attrs.items()} == {k: str(v) for k, v in expected.attrs.items()}


def test_text_variables_and_unicode_attributes(tmp_path):
    """Text variables (a comparison's mix names) and non-ASCII attributes survive the writer."""
    ds = xr.Dataset({"mix": ("case", np.array(["containment", "液冷 + IEC", ""], dtype=object)),
                     "pue": ("case", np.array([1.31, 1.24, np.nan]), {"units": "-", "long_name": "PUE ≤ 1.3"})},
                    attrs={"site": "韶关 Shaoguan", "limit": 1.25})
    write_dataset(ds, tmp_path / "study.nc")
    with xr.open_dataset(tmp_path / "study.nc", engine="h5netcdf") as nc:
        assert list(nc["mix"].values) == ["containment", "液冷 + IEC", ""]
        np.testing.assert_array_equal(nc["pue"].values, ds["pue"].values)
        assert nc["pue"].attrs["long_name"] == "PUE ≤ 1.3"
        assert nc.attrs["site"] == "韶关 Shaoguan" and nc.attrs["limit"] == 1.25


def test_failed_write_leaves_no_file(tmp_path):
    """A dataset the format cannot hold (a boolean attribute) raises, and leaves neither the file nor a
    temporary file behind."""
    ds = xr.Dataset({"x": ("t", np.arange(3.0))}, attrs={"flag": True})
    with pytest.raises((TypeError, ValueError)):
        write_dataset(ds, tmp_path / "bad.nc")
    assert list(tmp_path.iterdir()) == []


def test_engine_is_installed():
    """The writer's engine is one xarray finds (a dependency of dctwin, not an optional extra)."""
    assert NETCDF_ENGINE in xr.backends.list_engines()
