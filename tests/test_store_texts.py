"""A sweep store's text metrics: one (case, text) matrix of codes (layout 2), decoded by open_sweep."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import zarr

from twin.study.design import load_sweep
from twin.study.store import DONE, LAYOUT_VERSION, BatchResult, SweepStore, open_sweep

LEGACY = (Path(__file__).resolve().parent.parent / "scenarios" / "guangzhou_legacy.toml").as_posix()
# 2 sites x 2 mixes (baseline, containment) x 3 loads = 12 cases in 4 chunks of 3
SWEEP = f"""
[sweep]
name = "text metrics"
baseline = "{LEGACY}"
sites = ["guangzhou", "hohhot"]
loads = [0.3, 0.5, 0.7]
batch_size = 3
[[mixes]]
name = "containment"
measures = ["containment"]
"""


@pytest.fixture()
def design(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP, encoding="utf-8")
    design = load_sweep(path)
    assert design.n_cases == 12
    return design


def _batch(ids, texts: dict[str, list[str]]) -> BatchResult:
    ids = np.asarray(ids, dtype=np.int64)
    return BatchResult(case_ids=ids, status=np.full(len(ids), DONE, dtype=np.uint8),
                       values={"pue": 1.2 + 0.01 * ids}, units={"pue": "-"}, texts=texts,
                       monthly=np.ones((len(ids), 12), dtype=np.float32))


def test_text_metrics_are_one_matrix_decoded_per_metric(design, tmp_path):
    store = SweepStore(tmp_path / "results.zarr", design)
    store.write(_batch([0, 1, 2], {"policy.compliance": ["meets", "fails", "meets"],
                                   "feasibility.verdict": ["feasible", "", "feasible"]}))
    # a batch in two pieces (its chunk read back and completed), in reverse order, with a new label
    store.write(_batch([5, 3], {"policy.compliance": ["fails", "exempt"], "feasibility.verdict": ["infeasible", "feasible"]}))
    store.write(_batch([4], {"policy.compliance": ["meets"], "feasibility.verdict": ["feasible"]}))
    # a text metric first seen after the matrix was made: its own array
    store.write(_batch([6, 7, 8], {"policy.compliance": ["meets"] * 3, "feasibility.verdict": ["feasible"] * 3,
                                   "policy.grade": ["1", "2", ""]}))
    group = zarr.open_group(str(tmp_path / "results.zarr"), mode="r")
    assert group.attrs["dctwin_sweep"]["layout_version"] == LAYOUT_VERSION == 2
    texts = group["texts"]
    assert texts.shape == (12, 2) and texts.dtype == np.int16
    assert list(texts.attrs["names"]) == ["feasibility.verdict", "policy.compliance"]
    assert "policy.compliance" not in group and "policy.grade" in group  # the matrix, and the latecomer apart
    ds = open_sweep(tmp_path / "results.zarr")
    assert "texts" not in ds.variables and "text" not in ds.variables
    assert list(ds["policy.compliance"].values[:9]) == ["meets", "fails", "meets", "exempt", "meets", "fails",
                                                        "meets", "meets", "meets"]
    assert list(ds["feasibility.verdict"].values[:9]) == ["feasible", "", "feasible", "feasible", "feasible",
                                                          "infeasible", "feasible", "feasible", "feasible"]
    assert list(ds["policy.grade"].values[6:9]) == ["1", "2", ""]
    assert list(ds["policy.compliance"].values[9:]) == ["", "", ""]  # not computed yet
    assert ds["policy.compliance"].attrs["summary_path"] == "policy.compliance"
    np.testing.assert_allclose(ds["pue"].values[:9], 1.2 + 0.01 * np.arange(9))


def test_a_layout_1_store_goes_on_with_one_array_per_text_metric(design, tmp_path):
    """A store begun before the matrix (layout 1) is resumed, and read, as it was written."""
    path = tmp_path / "results.zarr"
    store = SweepStore(path, design)
    meta = dict(store.group.attrs["dctwin_sweep"], layout_version=1)
    store.group.attrs["dctwin_sweep"] = meta
    store = SweepStore(path, design)  # reopened, as a resumed sweep does
    store.write(_batch([0, 1, 2], {"policy.compliance": ["meets", "fails", ""]}))
    group = zarr.open_group(str(path), mode="r")
    assert "texts" not in group and group["policy.compliance"].dtype == np.int16
    assert list(open_sweep(path)["policy.compliance"].values[:3]) == ["meets", "fails", ""]
