"""Plant families (components/plant/families.py, components/spans.py): a span kernel compiles only
its family's plants and computes what the any-plant kernel computes, bit for bit."""

from __future__ import annotations

import os

import numpy as np
import pytest

from components.layout import PARAM, PLANT_AIR_COOLED, PLANT_DISTRICT, PLANT_DX, PLANT_IEC, PLANT_WATER_COOLED
from components.plant.families import AIR_SIDE, ANY_PLANT, CHILLED_WATER, family_of
from components.spans import run_span_air_side, run_span_chilled_water, span_kernel

jit_only = pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="needs compiled kernels")


def test_every_plant_type_has_a_family_and_a_span():
    assert [family_of(t) for t in (PLANT_WATER_COOLED, PLANT_AIR_COOLED, PLANT_DISTRICT)] == [CHILLED_WATER] * 3
    assert [family_of(t) for t in (PLANT_DX, PLANT_IEC)] == [AIR_SIDE] * 2
    assert span_kernel(float(PLANT_DISTRICT)) is run_span_chilled_water
    assert span_kernel(float(PLANT_IEC)) is run_span_air_side


def _step_llvm(family) -> str:
    """LLVM IR of the facility step compiled afresh (not from the cache) for ``family``."""
    from numba import njit, types

    from components import facility
    from twin.engine.parallel_compile import signature

    step = njit(facility._step.py_func)
    sig = signature("MVVFiV") + (types.literal(family),)
    step.compile(sig)
    return step.inspect_llvm(sig)


@jit_only
def test_a_family_compiles_only_its_own_plants():
    """The chilled-water step of the default run holds no DX or IEC code, and the air-side step no
    chilled-water plant; the any-plant step holds both."""
    chilled_water, air_side, any_plant = (_step_llvm(f) for f in (CHILLED_WATER, AIR_SIDE, ANY_PLANT))
    assert "chilled_water_plant" in chilled_water and "dx_plant" not in chilled_water and "iec_plant" not in chilled_water
    assert "dx_plant" in air_side and "iec_plant" in air_side and "chilled_water_plant" not in air_side
    assert all(name in any_plant for name in ("chilled_water_plant", "district_plant", "dx_plant", "iec_plant"))


@pytest.mark.parametrize("plant_type", ["water_cooled_chiller", "district", "dx"])
def test_the_family_span_is_bit_identical_to_the_any_plant_span(scenario_dict, plant_type):
    from components.facility import run_span
    from components.layout import OUTPUT
    from components.step_block import step_blocks
    from twin.engine.simulate import prepare
    from twin.inputs.schema import validate_scenario

    if plant_type == "dx":
        scenario_dict["plant"].update(type="dx", chiller_curves="dx_crac_eplus_curve_i", chillers=8,
                                      chiller_capacity_kw=200.0, chiller_rated_cop=3.0)
    else:
        scenario_dict["plant"]["type"] = plant_type
    plant = prepare(validate_scenario(scenario_dict))
    n = 24 * 14
    outs = []
    for kernel in (run_span, span_kernel(plant.params[PARAM.plant_type])):
        out, state = np.full((len(OUTPUT), plant.n_steps), np.nan), plant.initial_state.copy()
        kernel(0, n, plant.boundary, plant.params.copy(), plant.curves, out, state, *step_blocks(len(OUTPUT), plant.boundary.shape[0]))
        outs.append((out, state))
    assert np.array_equal(outs[0][0], outs[1][0], equal_nan=True)
    assert np.array_equal(outs[0][1], outs[1][1])


def test_batched_cases_of_both_families_in_one_call_equal_their_one_case_runs(scenario_dict):
    """:func:`twin.engine.batch.run_single_spans` runs each family's cases through its family's batched
    kernel (:func:`components.batch.cases_kernel`), in the order given, bit-identical to the SimPy path."""
    import copy

    from components.batch import cases_kernel, run_cases_air_side, run_cases_chilled_water
    from twin.engine import batch
    from twin.engine.simulate import prepare, run_plant
    from twin.inputs.schema import validate_scenario

    dx = copy.deepcopy(scenario_dict)
    dx["plant"].update(type="dx", chiller_curves="dx_crac_eplus_curve_i", chillers=8, chiller_capacity_kw=200.0,
                       chiller_rated_cop=3.0)
    warm = copy.deepcopy(scenario_dict)
    warm["air"]["supply_air_c"] += 2.0
    plants = [prepare(validate_scenario(d)) for d in (scenario_dict, dx, warm)]
    assert [cases_kernel(p.params[PARAM.plant_type]) for p in plants] == [
        run_cases_chilled_water, run_cases_air_side, run_cases_chilled_water]
    for plant, result in zip(plants, batch.run_single_spans(plants)):
        one = run_plant(plant)
        assert result.plant is plant
        assert np.array_equal(result.out, one.out, equal_nan=True)
