"""The first run's two-process compilation (twin/engine/parallel_compile.py) and the cache lock
it relies on (components/_jit.py)."""

from __future__ import annotations

import os

import pytest

from components import _jit
from twin.engine import parallel_compile

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="needs compiled kernels")


#: compiles the facility step of every plant family afresh in a new process with an empty cache,
#: then prints the kernels of parallel_compile.CHILD and PARENT not compiled for their listed
#: signature (one per line)
_MISSING = """
import importlib
from numba import njit, typeof, types
from components import facility
from components.plant.families import ANY_PLANT
from twin.engine import parallel_compile as pc
njit(facility._step_from.py_func).compile(pc.signature("MVVFiV") + (typeof(facility._NO_REUSE), types.literal(ANY_PLANT)))
for module, name, codes in sum((*pc.CHILD.values(), *pc.PARENT.values()), ()):
    kernel = getattr(importlib.import_module(module), name)
    if pc.signature(codes) not in kernel.signatures:
        print(name, codes, kernel.signatures)
"""


def test_precompiled_signatures_are_the_ones_run_span_calls(tmp_path):
    """Each kernel the two processes compile ahead is one the facility step calls, with these
    argument types: otherwise the work is done twice (the parent compiles its own version).

    The step of every plant family is compiled in a new process with an empty cache, so that its
    typing asks each callee for its signature (a kernel loaded from the cache, in this process or
    one before, would not ask its own callees)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path), PYTHONPATH=str(root))
    proc = subprocess.run([sys.executable, "-c", _MISSING], env=env, cwd=root, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == "", proc.stdout


def test_summary_kernels_precompiled_with_the_signatures_a_summary_calls(legacy_result):
    """The child's :data:`~twin.engine.parallel_compile.SUMMARY` kernels are compiled for the argument
    types the run summary of ``dctwin run`` passes (a call from Python registers its signature,
    loaded from the cache or not)."""
    import importlib

    from twin.metrics.summary import build_summary

    build_summary(legacy_result)
    for module, name, codes in parallel_compile.SUMMARY:
        kernel = getattr(importlib.import_module(module), name)
        assert parallel_compile.signature(codes) in kernel.signatures, (name, kernel.signatures)


@pytest.mark.parametrize("dx", [False, True], ids=["chilled water", "DX"])
@pytest.mark.parametrize("controlled", [False, True], ids=["fixed set points", "AI control"])
def test_run_kernels_precompiled_with_the_signatures_a_run_calls(legacy_dict, dx, controlled):
    """The kernel the child compiles last (:data:`~twin.engine.parallel_compile.RUN_KERNELS`) is the
    one :func:`~twin.engine.simulate.run_plant` calls for the plant family and control mode, with
    these argument types (a call from Python registers its signature, loaded from the cache or not)."""
    import copy
    import tomllib
    from pathlib import Path

    from components.plant.families import family_of
    from twin.engine.compile_ahead import PLANT_CODES
    from twin.engine.simulate import prepare, run_plant
    from twin.inputs.schema import validate_scenario

    root = Path(__file__).resolve().parents[1]
    if dx:
        with open(root / "scenarios" / "guangzhou_dx_room.toml", "rb") as fh:
            data = tomllib.load(fh)
    else:
        data = copy.deepcopy(legacy_dict)
    if controlled:
        data["measures"] = [*data.get("measures", []), {"name": "ai_control"}]
    plant = prepare(validate_scenario(data), base_dir=root / "scenarios")
    run_plant(plant)
    plant_type = PLANT_CODES[plant.scenario.plant.type]
    module, name, codes = parallel_compile.RUN_KERNELS[family_of(plant_type), controlled]
    kernel = parallel_compile.run_kernel(plant_type, controlled)
    assert kernel.__name__ == name
    assert parallel_compile.signature(codes) in kernel.signatures, (name, kernel.signatures)


_FIRST_RUN = """
import sys
from twin.engine import parallel_compile as pc
pc.enable()
from components.layout import PLANT_WATER_COOLED
from twin.engine.simulate import run_file
from twin.metrics.summary import build_summary
result = run_file(sys.argv[1])
stats = pc.run_kernel(PLANT_WATER_COOLED, False).stats
print(build_summary(result)["pue"]["value"], sum(stats.cache_hits.values()), sum(stats.cache_misses.values()))
"""


def test_a_first_run_compiles_in_two_processes_with_the_same_result(tmp_path, legacy_result):
    """A first run from the command line with empty caches (the child forced): the run kernel is loaded
    from the disk, where the child saved it, not compiled in the run's process, and the result is that
    of a run compiled in one process."""
    import subprocess
    import sys
    from pathlib import Path

    from twin.metrics.summary import build_summary

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"), DCTWIN_CACHE_DIR=str(tmp_path / "dctwin"),
               PYTHONPATH=str(root), **{parallel_compile.PROCESSES_ENV: "2"})
    proc = subprocess.run([sys.executable, "-c", _FIRST_RUN, str(root / "scenarios" / "guangzhou_legacy.toml")],
                          env=env, cwd=root, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    pue, hits, misses = proc.stdout.split()
    assert float(pue) == build_summary(legacy_result)["pue"]["value"]
    assert (hits, misses) == ("1", "0")  # loaded from the disk, not compiled here


def test_not_needed_once_the_span_kernel_is_compiled(legacy_result):
    from components.layout import PLANT_WATER_COOLED

    assert not parallel_compile.needed(PLANT_WATER_COOLED)
    parallel_compile.enable()
    assert parallel_compile.start(PLANT_WATER_COOLED) is False
    parallel_compile.join()  # nothing to wait for


def test_cache_reads_and_writes_hold_the_folder_lock(tmp_path):
    """While this process saves to or loads from a kernel's cache, no other can take the lock."""
    import fcntl
    from types import SimpleNamespace

    states = []

    def probe(*args):
        with open(tmp_path / _jit.LOCK_FILE, "a") as other:  # another open file: flock conflicts
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                states.append("free")
            except BlockingIOError:
                states.append("held")

    cache_file = SimpleNamespace(_cache_path=str(tmp_path), save=probe, load=probe)
    _jit._lock_cache(SimpleNamespace(_cache=SimpleNamespace(_cache_file=cache_file)))
    cache_file.save("key", b"data")
    cache_file.load("key")
    probe()
    assert states == ["held", "held", "free"]


def test_compile_notice_reads_a_kernel_cache_index_once(monkeypatch):
    """A span kernel found on disk is remembered: a sweep's cases (which never load the span
    kernel, running batched) do not read its cache index one by one."""
    from twin.engine import compile_ahead

    class Kernel:  # a span kernel not loaded in this process
        signatures: list = []

    reads = []
    monkeypatch.setattr(compile_ahead, "_on_disk", set())
    monkeypatch.setattr(compile_ahead, "_notified", False)
    monkeypatch.setattr(_jit, "has_cached_machine_code", lambda kernel: reads.append(kernel) or True)
    kernel = Kernel()
    assert compile_ahead.notify_if_compiling(kernel) is False
    assert compile_ahead.notify_if_compiling(kernel) is False
    assert reads == [kernel]


def test_a_cache_filled_from_other_sources_is_emptied_once(tmp_path, monkeypatch):
    """Numba checks a kernel's cache against its own file only; a folder whose recorded sources
    digest differs from the package's loses its machine code (and keeps Python's bytecode), a folder
    with the current digest keeps it, and each folder is checked once per process."""
    monkeypatch.setattr(_jit, "_CHECKED", set())
    for name in ("spans.run_span-17.py311.nbi", "spans.run_span-17.py311.1.nbc", "spans.cpython-311.pyc"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / _jit.SOURCES_FILE).write_text("0" * 64 + "\n")
    _jit._drop_stale(str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != _jit.LOCK_FILE) == [
        "dctwin-sources.sha256", "spans.cpython-311.pyc"]
    assert (tmp_path / _jit.SOURCES_FILE).read_text().strip() == _jit.sources_digest()
    (tmp_path / "spans.run_span-17.py311.nbi").write_bytes(b"x")
    _jit._drop_stale(str(tmp_path))  # checked already in this process
    monkeypatch.setattr(_jit, "_CHECKED", set())
    _jit._drop_stale(str(tmp_path))  # the current digest: kept
    assert (tmp_path / "spans.run_span-17.py311.nbi").exists()


def test_every_kernel_cache_folder_names_the_current_sources():
    """Each cache folder the package's kernels use records the digest of the sources in this tree."""
    import sys

    from numba.core.registry import CPUDispatcher

    import components.facility  # noqa: F401  (decorates the kernels)
    kernels = [v for name, module in list(sys.modules.items()) if name.startswith("components")
               for v in vars(module).values() if isinstance(v, CPUDispatcher)]
    folders = {f._cache_path for f in (getattr(k._cache, "_cache_file", None) for k in kernels) if f is not None}
    assert len(folders) >= 3  # components/ and its subpackages
    for folder in folders:
        with open(os.path.join(folder, _jit.SOURCES_FILE), encoding="ascii") as fh:
            assert fh.read().strip() == _jit.sources_digest()


def test_a_wrong_weather_file_is_reported_before_any_compilation(scenario_dict, monkeypatch, tmp_path):
    """A first run with a weather file that does not exist fails at once, not after the kernels of
    :func:`~twin.engine.parallel_compile.start` (about 5 s in a new install)."""
    from twin.engine import simulate
    from twin.errors import InputError
    from twin.inputs.schema import validate_scenario

    started = []
    monkeypatch.setattr(parallel_compile, "start", lambda *args: started.append(args) or False)
    scenario_dict["scenario"]["site"] = str(tmp_path / "missing.epw")
    with pytest.raises(InputError, match="scenario.site"):
        simulate.prepare(validate_scenario(scenario_dict), file="s.toml")
    assert started == []


def _fake_child(seconds: float):
    """A process that writes its ready line after ``seconds``, as the compiling child does."""
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds}); print('ready', flush=True)"],
                            stdout=subprocess.PIPE, text=True)


def test_join_imports_what_the_command_needs_while_the_child_compiles(monkeypatch):
    import sys

    compiled = []
    monkeypatch.setattr(parallel_compile, "compile_kernels", compiled.append)
    monkeypatch.setattr(parallel_compile, "_imports", ("json.tool",))
    monkeypatch.delitem(sys.modules, "json.tool", raising=False)
    monkeypatch.setattr(parallel_compile, "_child", _fake_child(1.0))
    parallel_compile.join()
    assert compiled == [parallel_compile.SUMMARY] and "json.tool" in sys.modules
    assert parallel_compile._child is None


def test_join_does_not_wait_to_work_once_the_child_is_done(monkeypatch):
    import select
    import sys

    compiled = []
    monkeypatch.setattr(parallel_compile, "compile_kernels", compiled.append)
    monkeypatch.setattr(parallel_compile, "_imports", ("json.tool",))
    monkeypatch.delitem(sys.modules, "json.tool", raising=False)
    child = _fake_child(0.0)
    monkeypatch.setattr(parallel_compile, "_child", child)
    assert select.select([child.stdout], [], [], 30)[0]  # its line is there
    parallel_compile.join()
    assert compiled == [] and "json.tool" not in sys.modules
