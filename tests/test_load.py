"""IT utilisation inputs: constant, 24-hour profile, CSV series at any resolution, growth."""

import numpy as np
import pandas as pd
import pytest

from twin.errors import InputError
from twin.inputs.load import utilisation_series
from twin.inputs.schema import It

TIME = pd.date_range("2025-01-01", periods=8760, freq="h")


def _it(**kw):
    return It(design_kw=1000, racks=100, **kw)


def test_profile_follows_local_hours():
    prof = [0.2] * 8 + [0.6] * 12 + [0.3] * 4
    u = utilisation_series(_it(utilisation=prof), TIME, 3600)
    assert np.array_equal(u[:24], np.asarray(prof))
    assert np.array_equal(u[24 * 100: 24 * 101], np.asarray(prof))


def test_csv_finer_than_step_is_averaged(tmp_path):
    t = pd.date_range("2025-01-01", "2026-01-01", freq="15min", inclusive="left")
    u = 0.3 + 0.2 * (t.minute == 30)
    pd.DataFrame({"time": t, "u": u}).to_csv(tmp_path / "u.csv", index=False)
    out = utilisation_series(_it(utilisation={"csv": "u.csv", "column": "u"}), TIME, 3600, base_dir=tmp_path)
    np.testing.assert_allclose(out, 0.35)


def test_csv_coarser_than_step_is_interpolated(tmp_path):
    t = pd.date_range("2025-01-01", "2026-01-01", freq="1D")
    pd.DataFrame({"time": t, "utilisation": np.linspace(0.2, 0.8, len(t))}).to_csv(tmp_path / "d.csv", index=False)
    out = utilisation_series(_it(utilisation={"csv": "d.csv"}), TIME, 3600, base_dir=tmp_path)
    assert out[0] == pytest.approx(0.2) and np.all(np.diff(out) > 0)
    assert out[12] == pytest.approx(0.2 + 0.6 / 365 * 0.5)


@pytest.mark.parametrize("content, words", [
    ("time,utilisation\n2025-01-01,0.5\n2025-01-02,1.5\n", "line 3"),
    ("time,load\n2025-01-01,0.5\n", "column 'utilisation'"),
    ("time,utilisation\n2025-01-02,0.5\n2025-01-01,0.5\n", "increase"),
    ("time,utilisation\n2025-01-01,0.5\n2025-02-01,0.5\n", "covers"),
])
def test_bad_csv(tmp_path, content, words):
    (tmp_path / "bad.csv").write_text(content)
    with pytest.raises(InputError, match=words):
        utilisation_series(_it(utilisation={"csv": "bad.csv"}), TIME, 3600, base_dir=tmp_path, file="s.toml")


def test_growth_compounds_over_the_year():
    u = utilisation_series(_it(utilisation=0.5, annual_growth=0.2), TIME, 3600)
    assert u[0] == 0.5 and u[-1] == pytest.approx(0.5 * 1.2 ** (8759 / 8760))
