"""Which compiled kernel a sweep's case calls (``twin.engine.batch.case_kernel``), and the sweep's
compile notice, which looks at every kernel its cases call (``twin.study.sweep.design_kernels``)."""

from __future__ import annotations

import copy

import pytest

from components.batch import cases_kernel
from components.layout import PARAM, PLANT_IEC, PLANT_WATER_COOLED
from components.spans import binned_kernel, span_kernel
from components.supervisory import controlled_kernel
from conftest import LEGACY, SCENARIOS
from twin.engine import compile_ahead
from twin.engine.batch import case_kernel, single_span
from twin.engine.plant import assemble
from twin.inputs.schema import validate_scenario
from twin.inputs.weather import load_weather
from twin.measures import apply_measures
from twin.study.design import load_sweep
from twin.study.sweep import design_kernels

CW, IEC = float(PLANT_WATER_COOLED), float(PLANT_IEC)
#: changes to the bundled default, and the kernel its case calls
CASES = {
    "default": ({}, cases_kernel(CW)),
    "IEC": ({"measures": [{"name": "indirect_evaporative_cooling"}]}, cases_kernel(IEC)),
    "bin method": ({"scenario": {"method": "bins"}}, binned_kernel(CW)),
    "AI control": ({"measures": [{"name": "ai_control"}]}, controlled_kernel(CW)),
    "monthly supply air": ({"air": {"supply_air_c": [18.0] * 6 + [20.0] * 6}}, span_kernel(CW)),
    "stochastic outages": ({"events": {"enabled": True}}, span_kernel(CW)),
}


def _scenario(legacy_dict, changes):
    data = copy.deepcopy(legacy_dict)
    for section, values in changes.items():
        if isinstance(values, dict):
            data.setdefault(section, {}).update(values)
        else:
            data[section] = values
    return apply_measures(validate_scenario(data))


@pytest.mark.parametrize("name", list(CASES))
def test_a_case_calls_the_kernel_its_scenario_asks_for(legacy_dict, name):
    changes, kernel = CASES[name]
    scn = _scenario(legacy_dict, changes)
    assert case_kernel(scn) is kernel
    # the batched kernel exactly when the assembled plant is one span
    s = scn.scenario
    plant = assemble(scn, load_weather(s.site, timestep_s=s.timestep_min * 60, year=s.year, base_dir=SCENARIOS))
    assert single_span(plant) == (kernel is cases_kernel(plant.params[PARAM.plant_type]))


SWEEP = f"""
[sweep]
name = "kernels"
baseline = "{LEGACY.as_posix()}"
sites = ["guangzhou"]
loads = [0.5]
[parameters]
"plant.chiller_rated_cop" = [5.0, 6.0]
{{method}}
[[mixes]]
name = "containment"
measures = ["containment"]
{{iec}}
"""
IEC_MIX = '[[mixes]]\nname = "iec"\nmeasures = ["indirect_evaporative_cooling"]'


def _design(tmp_path, method: str = "", iec: str = ""):
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP.format(method=method, iec=iec), encoding="utf-8")
    return load_sweep(path)


def test_a_sweep_lists_the_kernels_of_its_plant_families_and_methods(tmp_path):
    assert design_kernels(_design(tmp_path)) == [cases_kernel(CW)]
    assert design_kernels(_design(tmp_path, iec=IEC_MIX)) == [cases_kernel(CW), cases_kernel(IEC)]
    method = '"scenario.method" = ["steps", "bins"]'
    assert design_kernels(_design(tmp_path, method=method)) == [cases_kernel(CW), binned_kernel(CW)]


def test_the_notice_tells_when_any_kernel_of_a_sweep_is_not_compiled(monkeypatch, capsys):
    class Kernel:  # a kernel not loaded in this process
        signatures: list = []

    cached, missing = Kernel(), Kernel()
    from components import _jit

    monkeypatch.setattr(compile_ahead, "_on_disk", set())
    monkeypatch.setattr(compile_ahead, "_notified", False)
    monkeypatch.setattr(_jit, "has_cached_machine_code", lambda kernel: kernel is cached)
    assert compile_ahead.notify_if_compiling(cached) is False
    assert capsys.readouterr().err == ""
    assert compile_ahead.notify_if_compiling(cached, missing) is True
    assert compile_ahead.COMPILE_NOTICE in capsys.readouterr().err
