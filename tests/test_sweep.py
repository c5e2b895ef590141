"""``dctwin sweep`` on a real LocalCluster: a killed worker, resume without recomputation, the CLI."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from twin.cli import main as cli_main
from twin.study.design import load_sweep
from twin.study.store import DONE, json_meta, open_sweep
from twin.study.sweep import run_sweep, start_local_cluster

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
LEGACY = (ROOT / "scenarios" / "guangzhou_legacy.toml").as_posix()

# 2 sites x 3 mixes x 2 loads x 2 COPs = 24 cases in 8 batches of 3
SWEEP = f"""
[sweep]
name = "test sweep"
baseline = "{LEGACY}"
sites = ["guangzhou", "hohhot"]
loads = [0.4, 0.8]
batch_size = 3
[parameters]
"plant.chiller_rated_cop" = [5.0, 6.0]
[[mixes]]
name = "containment"
measures = ["containment"]
[[mixes]]
name = "drives"
measures = ["variable_speed_drives"]
"""
METRICS = ("pue", "energy_facility_kwh", "energy_it_kwh", "water_site_l", "ppue_cooling")


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "sweep.toml"
    path.write_text(SWEEP, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trace_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("trace")


@pytest.fixture(scope="module")
def client(trace_dir):
    """Two worker processes; they inherit DCTWIN_SWEEP_TRACE and log every case they compute."""
    from distributed import Client

    cluster = start_local_cluster(2, env={"DCTWIN_SWEEP_TRACE": str(trace_dir)})  # restarted workers too
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def serial_store(sweep_file, tmp_path_factory) -> Path:
    """The reference store: every case computed in this process, without Dask."""
    out = tmp_path_factory.mktemp("serial") / "results.zarr"
    report = run_sweep(load_sweep(sweep_file), out, workers=0)
    assert report.computed == 24 and report.failed == 0
    return out


@pytest.fixture(scope="module")
def serial(serial_store):
    return open_sweep(serial_store)


async def _exit_now():
    """Run on a worker: end its process at once, as a crash or an OOM kill would."""
    os._exit(1)


def _traced(trace_dir: Path) -> list[int]:
    ids = []
    for f in trace_dir.glob("trace-*.txt"):
        ids += [int(x) for x in f.read_text().split()]
    return ids


def _clear(trace_dir: Path) -> None:
    for f in trace_dir.glob("trace-*.txt"):
        f.unlink()


def _assert_same(ds, ref) -> None:
    assert (ds["status"].values == DONE).all()
    for m in METRICS:
        np.testing.assert_array_equal(ds[m].values, ref[m].values, err_msg=m)
    np.testing.assert_array_equal(ds["pue_monthly"].values, ref["pue_monthly"].values)
    assert list(ds["mix"].values) == list(ref["mix"].values)


def test_killed_worker_sweep_completes_and_equals_serial(client, sweep_file, serial, tmp_path):
    design = load_sweep(sweep_file)
    killed = []
    in_flight = []

    def kill_one(batches: int, c) -> None:
        in_flight.append(len(c.futures))
        if batches == 1 and not killed:
            victim = sorted(c.scheduler_info()["workers"])[0]
            c.run(_exit_now, workers=[victim], wait=False)
            killed.append(victim)

    report = run_sweep(design, tmp_path / "results.zarr", scheduler=client, window=4, on_batch=kill_one)
    assert killed, "the worker was not killed"
    assert report.computed == 24 and report.failed == 0 and not report.stopped_early
    assert max(in_flight) <= 4, "no more than the window of batches is ever in flight"
    ds = open_sweep(tmp_path / "results.zarr")
    _assert_same(ds, serial)
    assert (ds["writes"].values == 1).all()


def test_interrupted_sweep_resumes_without_recomputing(client, sweep_file, serial, trace_dir, tmp_path):
    design = load_sweep(sweep_file)
    store = tmp_path / "results.zarr"
    first = run_sweep(design, store, scheduler=client, window=2, max_batches=3)
    assert first.stopped_early and first.batches == 3
    stored = set(np.flatnonzero(open_sweep(store)["status"].values == DONE).tolist())
    assert len(stored) == 9
    _clear(trace_dir)
    second = run_sweep(load_sweep(sweep_file), store, scheduler=client)
    assert second.already_done == 9 and second.computed == 15
    recomputed = _traced(trace_dir)
    assert len(recomputed) == len(set(recomputed)), "a case was computed twice in the resumed run"
    assert not stored & set(recomputed), "a finished case was computed again"
    assert stored | set(recomputed) == set(range(24)), "a case is missing"
    ds = open_sweep(store)
    assert (ds["writes"].values == 1).all()
    _assert_same(ds, serial)


def test_cli_sweep_resume_and_changed_design(tmp_path, sweep_file, capsys):
    out = tmp_path / "run"
    assert cli_main(["sweep", str(sweep_file), "--workers", "0", "--out", str(out), "--max-batches", "2"]) == 0
    err = capsys.readouterr().err
    assert "18 cases still pending" in err
    assert cli_main(["sweep", str(sweep_file), "--workers", "0", "--out", str(out)]) == 0
    assert "computed 18 cases" in capsys.readouterr().err
    meta = json_meta(out / "results.zarr")
    assert meta["n_cases"] == 24 and meta["units"]["pue"] == "-"
    changed = tmp_path / "changed.toml"
    changed.write_text(SWEEP.replace("[5.0, 6.0]", "[5.0, 6.5]"), encoding="utf-8")
    assert cli_main(["sweep", str(changed), "--workers", "0", "--out", str(out)]) == 2
    assert "holds a different sweep" in capsys.readouterr().err


def test_workers_keep_freed_memory(client):
    # the workers preload dctwin, whose dask_setup undoes Dask's MALLOC_TRIM_THRESHOLD_=65536 for them
    # (twin/study/worker_memory.py): a case's 5 MB of channels is not faulted in again case after case
    def faults_per_case() -> float:
        import resource

        a = np.empty((73, 8760))
        a[:] = 1.0
        del a
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(20):
            a = np.empty((73, 8760))
            a[:] = 1.0
            del a
        return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / 20

    faults = client.run(faults_per_case)
    assert len(faults) == 2 and all(f < 10 for f in faults.values()), faults


def test_local_cluster_does_less_background_work(client):
    """Every process of the sweep's LocalCluster runs Dask's background work at the rarer intervals of
    LOCAL_CLUSTER_CONFIG: no profiler, the monitors and the watchdog tick every 1-5 s."""
    def worker_callbacks(dask_worker):
        return {k: v.callback_time for k, v in dask_worker.periodic_callbacks.items()}

    for callbacks in client.run(worker_callbacks).values():
        assert "profile" not in callbacks and "profile-cycle" not in callbacks
        assert (callbacks["tick"], callbacks["monitor"], callbacks["memory_monitor"]) == (1000, 5000, 1000)
    scheduler = client.run_on_scheduler(lambda dask_scheduler: {k: v.callback_time
                                                                for k, v in dask_scheduler.periodic_callbacks.items()})
    assert (scheduler["tick"], scheduler["monitor"]) == (1000, 5000)


def test_split_tasks_covers_every_case_once_and_shrinks_at_the_end():
    from twin.study.sweep import MIN_TASK_CASES, split_tasks

    chunks = [np.arange(lo, min(lo + 100, 1000)) for lo in range(0, 1000, 100)]
    tasks = list(split_tasks(iter(chunks), 1000, threads=2))
    ids = np.concatenate(tasks)
    np.testing.assert_array_equal(np.sort(ids), np.arange(1000))
    sizes = [len(t) for t in tasks]
    assert sizes[0] == 100 and max(sizes) <= 100
    assert sizes[-1] <= 2 * MIN_TASK_CASES < 100
    assert all(len(np.unique(t // 100)) == 1 for t in tasks), "a task never spans two chunks"


def _memory_design(tmp_path: Path, n_cops: int) -> Path:
    cops = ", ".join(f"{4.0 + 0.1 * k:.1f}" for k in range(n_cops))
    text = SWEEP.replace('sites = ["guangzhou", "hohhot"]', 'sites = ["guangzhou"]').replace(
        "[5.0, 6.0]", f"[{cops}]").replace("batch_size = 3", "batch_size = 8")
    path = tmp_path / f"memory_{n_cops}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sweep_memory_does_not_grow_with_the_number_of_cases(tmp_path):
    # peak Python + NumPy memory (tracemalloc) of an in-process sweep of 18 cases and of 144 cases:
    # results stream to the store batch by batch, so 8x the cases may not need more memory
    import tracemalloc

    small, large = _memory_design(tmp_path, 3), _memory_design(tmp_path, 24)
    run_sweep(load_sweep(small), tmp_path / "warm.zarr", workers=0)  # weather and kernels cached
    tracemalloc.start()
    try:
        report = run_sweep(load_sweep(small), tmp_path / "small.zarr", workers=0)
        peak_small = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        report_large = run_sweep(load_sweep(large), tmp_path / "large.zarr", workers=0)
        peak_large = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.computed == 18 and report_large.computed == 144
    assert peak_large < 1.25 * peak_small + 2e6, (peak_small, peak_large)


def test_damaged_axis_index_is_a_clear_error(serial_store, tmp_path):
    """An index outside its axis is reported, never clamped to a neighbouring label."""
    import shutil

    import zarr

    from twin.errors import InputError
    store = tmp_path / "damaged.zarr"
    shutil.copytree(serial_store, store)
    zarr.open_group(str(store))["mix_index"][0] = 99
    with pytest.raises(InputError, match="'mix_index' holds values outside"):
        open_sweep(store)


def test_every_case_carries_the_complete_metrics(serial, serial_store):
    """Issue 15: pPUE, ITUE, TUE, CUE, WUE, unserved IT energy, feasibility, hottest inlet and
    degree-hours outside A1 in every row; each mix's measures with every parameter in the attributes."""
    import zarr

    for name in ("ppue_cooling", "ppue_power", "itue", "tue", "policy.carbon.cue", "wue", "power.unserved_it_kwh",
                 "feasibility.checks.inlet.max_rack_inlet_c", "feasibility.checks.inlet.degree_hours_outside_recommended",
                 "feasibility.verdict"):
        assert name in serial, name
        assert serial[name].notnull().all(), name
    np.testing.assert_allclose(serial["tue"].values, serial["itue"].values * serial["pue"].values, rtol=1e-6)
    mixes = zarr.open_group(str(serial_store), mode="r").attrs["dctwin_sweep"]["mixes"]
    drives = next(m for m in mixes if m["name"] == "drives")
    assert drives["parameters"][0]["name"] == "variable_speed_drives"
    assert "inverter_rated_cop" in drives["parameters"][0]["parameters"]  # a default, filled in


def test_plain_open_zarr_is_labelled_and_quiet(serial_store, serial):
    """``xr.open_zarr`` alone (consolidated metadata, no warning) gives the labelled coordinates
    and metric names that :func:`open_sweep` builds from the design."""
    import warnings

    import xarray as xr

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = xr.open_zarr(serial_store)
    for axis in ("site", "mix", "utilisation", "plant.chiller_rated_cop"):
        assert axis in ds.coords and ds[axis].dims == ("case",)
        assert [str(x) for x in ds[axis].values] == [str(x) for x in serial[axis].values], axis
    assert list(ds["month"].values) == list(range(1, 13))
    for m in METRICS:
        np.testing.assert_array_equal(ds["metrics"].sel(metric=m).values, serial[m].values, err_msg=m)
    by_site = ds["metrics"].sel(metric="pue").groupby(ds["site"].load()).mean()
    assert set(by_site["site"].values) == {"guangzhou", "hohhot"}


HOLD_LOCK = """
import sys, time
from twin.study.store import store_lock
with store_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_a_second_sweep_on_a_store_in_use_is_refused(sweep_file, tmp_path, capsys):
    """Another process (a first sweep) holds the store: the API and the CLI are refused with one
    line and write nothing; once it lets go, the sweep runs."""
    import subprocess
    import sys

    from twin.errors import InputError

    store = tmp_path / "run" / "results.zarr"
    design = load_sweep(sweep_file)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(store)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(InputError, match=f"being written by another sweep .pid {holder.pid} "):
            run_sweep(design, store, workers=0)
        assert cli_main(["sweep", str(sweep_file), "--workers", "0", "--out", str(tmp_path / "run")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "another sweep" in err[0]
        assert not store.exists()  # nothing was written
    finally:
        holder.communicate("\n", timeout=60)
    report = run_sweep(design, store, workers=0, max_batches=1)  # released: the next one runs
    assert report.computed == 3


def test_non_terminal_progress_prints_plain_lines(sweep_file, tmp_path, capsys):
    """Under SLURM stderr is a file: a sweep prints plain progress lines there."""
    import io

    from rich.console import Console

    from twin.study.progress import plain_line, progress_bar

    buf = io.StringIO()
    with progress_bar(Console(file=buf), total=10, description="cases", completed=4, interval_s=0.0) as advance:
        for _ in range(3):
            advance(2)
    lines = buf.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == ["cases: 6/10 (60.0 %)", "cases: 8/10 (80.0 %)",
                                                      "cases: 10/10 (100.0 %)"]
    assert plain_line("cases", 30, 100, new=20, elapsed_s=10.0, unit="cases") == \
        "cases: 30/100 (30.0 %), 2.0 cases/s, elapsed 0:00:10, ETA 0:00:35"
    assert cli_main(["sweep", str(sweep_file), "--workers", "0", "--out", str(tmp_path / "cli")]) == 0
    assert "cases: 24/24 (100.0 %)" in capsys.readouterr().err


def test_api_sweep_equals_the_serial_store(sweep_file, serial, tmp_path):
    import dctwin

    run = dctwin.sweep(sweep_file, tmp_path / "api", workers=0)
    assert run.report.computed == 24 and run.store == tmp_path / "api" / "results.zarr"
    _assert_same(run.to_dataset(), serial)
