"""A sweep gives, bit for bit, what the one-case path gives: every numeric and text metric and the
monthly PUE of every case in the store equal those of validating the case's scenario, running it
and building its summary on its own (``dctwin run``'s path).  The sweep's speed-ups (batched
writes, cached weather, tariff periods and masks, section-wise measure validation) must not
change a single bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from twin.inputs.schema import validate_scenario
from twin.engine.simulate import run_scenario
from twin.study.columns import scalar_metrics, walk_metrics
from twin.study.design import load_sweep
from twin.study.store import DONE, open_sweep
from twin.study.sweep import run_sweep
from twin.metrics.summary import build_summary

ROOT = Path(__file__).resolve().parent.parent

# 2 sites x 2 mixes x 2 COPs x 2 condenser set points = 16 cases in batches of 3 (the last one short)
SWEEP = f"""
[sweep]
name = "identity"
baseline = "{(ROOT / 'scenarios' / 'guangzhou_legacy.toml').as_posix()}"
sites = ["guangzhou", "hohhot"]
batch_size = 3
metrics = "full"
[parameters]
"plant.chiller_rated_cop" = [5.0, 6.5]
"plant.cw_setpoint_c" = [29.0, 31.0]
[[mixes]]
name = "containment + economizer"
measures = ["containment", "waterside_economizer"]
"""


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    folder = tmp_path_factory.mktemp("identity")
    (folder / "sweep.toml").write_text(SWEEP, encoding="utf-8")
    design = load_sweep(folder / "sweep.toml")
    run_sweep(design, folder / "results.zarr", workers=0)
    return design, open_sweep(folder / "results.zarr")


def test_sweep_equals_the_one_case_path_bit_for_bit(swept):
    design, ds = swept
    assert design.n_cases == 16
    assert (ds["status"].values == DONE).all()
    for case in range(design.n_cases):
        summary = build_summary(run_scenario(validate_scenario(design.scenario_data(case), file=design.file)))
        numbers = scalar_metrics(summary)
        texts = {p: e["value"] for p, e in walk_metrics(summary) if isinstance(e["value"], str)}
        assert len(numbers) > 100
        for path, (value, _) in numbers.items():
            stored = float(ds[path].values[case])
            # equal bits (NaN equals NaN); not a tolerance
            assert np.array_equal(np.float64(stored), np.float64(value), equal_nan=True), (case, path, stored, value)
        for path, text in texts.items():
            assert ds[path].values[case] == text, (case, path)
        monthly = np.asarray(summary["pue_monthly"]["value"], dtype=np.float32)
        assert np.array_equal(ds["pue_monthly"].values[case], monthly), case


def test_validation_reused_across_cases_equals_validating_each(tmp_path):
    """A case validated from the previous one (only the changed sections) is the same scenario, with
    the same keys given, and a case that breaks a relation between sections fails with the same error."""
    from twin.errors import InputError
    from twin.study.sweep import validate_case

    # each value is valid on the baseline; 12 degC chilled water for 11.5 degC supply air is not
    text = SWEEP.replace('"plant.cw_setpoint_c" = [29.0, 31.0]',
                         '"plant.chw_supply_c" = [7.0, 12.0]\n"air.supply_air_c" = [23.0, 11.5, 24.0]')
    (tmp_path / "sweep.toml").write_text(text, encoding="utf-8")
    design = load_sweep(tmp_path / "sweep.toml")
    failed = 0
    for case in range(design.n_cases):
        data = design.scenario_data(case)
        try:
            whole = validate_scenario(data, file=design.file)
        except InputError as exc:
            with pytest.raises(InputError) as err:
                validate_case(design, case)
            assert (err.value.key, err.value.message) == (exc.key, exc.message)
            failed += 1
            continue
        reused = validate_case(design, case)
        assert reused == whole
        assert reused.model_dump() == whole.model_dump()
        for section in type(whole).model_fields:
            a, b = getattr(reused, section), getattr(whole, section)
            assert getattr(a, "model_fields_set", None) == getattr(b, "model_fields_set", None), section
    assert 0 < failed < design.n_cases
