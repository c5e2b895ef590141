"""A sweep gives, bit for bit, what the one-case path gives: every numeric and text metric and the
monthly PUE of every case in the store equal those of validating the case's scenario, running it
and building its summary on its own (``dctwin run``'s path).  The sweep's speed-ups (the batched
kernel for the cases without events, batched writes, cached weather, tariff periods and masks,
section-wise measure validation) must not change a single bit.  Half the cases have random outages and
failures (``events.enabled``: event processes, so the SimPy path), half none (the batched kernel),
mixed in every batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from twin.inputs.schema import validate_scenario
from twin.engine import batch
from twin.engine.simulate import prepare, run_plant, run_scenario
from twin.study.columns import scalar_metrics, walk_metrics
from twin.study.design import load_sweep
from twin.study.store import DONE, open_sweep
from twin.study.sweep import run_sweep
from twin.metrics.summary import build_summary

ROOT = Path(__file__).resolve().parent.parent

# 2 sites x 2 mixes x 2 COPs x 2 condenser set points x events or none = 32 cases in batches of 3
# (the last one short); the cases with events go the SimPy path, the others run batched
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
"events.enabled" = [false, true]
[[mixes]]
name = "containment + economizer"
measures = ["containment", "waterside_economizer"]
"""


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    folder = tmp_path_factory.mktemp("identity")
    (folder / "sweep.toml").write_text(SWEEP, encoding="utf-8")
    design = load_sweep(folder / "sweep.toml")
    batched = []

    def spy(plants):
        batched.extend(p.scenario.events.enabled for p in plants)
        return run_single_spans(plants)

    run_single_spans = batch.run_single_spans
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(batch, "run_single_spans", spy)
        run_sweep(design, folder / "results.zarr", workers=0)
    return design, open_sweep(folder / "results.zarr").load(), batched


def test_the_cases_without_events_ran_batched(swept):
    design, _, batched = swept
    # every case without events, and case 0 once more: the worker's warm-up
    assert len(batched) == design.n_cases // 2 + 1 and set(batched) == {False}


def test_batched_kernel_equals_the_simpy_loop_channel_for_channel(swept):
    """Every channel of every step, for cases of both sites and both mixes in one call."""
    design, _, _ = swept
    plants = [prepare(validate_scenario(design.scenario_data(case), file=design.file)) for case in range(design.n_cases)]
    plants = [p for p in plants if batch.single_span(p)]
    assert len(plants) == design.n_cases // 2
    for plant, result in zip(plants, batch.run_single_spans(plants)):
        one = run_plant(plant)
        assert np.array_equal(result.out, one.out, equal_nan=True)
        assert (result.extras, result.events) == (one.extras, one.events)


def test_sweep_equals_the_one_case_path_bit_for_bit(swept):
    design, ds, _ = swept
    assert design.n_cases == 32
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
