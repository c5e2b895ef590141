"""Run a sweep on dask.distributed in batches, streaming each batch's rows to the Zarr store.

How it scales and survives
--------------------------
- **Batches.**  One Dask task runs one batch of cases (``batch_size``, default 100; also the
  Zarr chunk), so scheduling overhead (~1 ms per task) is amortised over many scenario-years.
  Near the end of a sweep the batches are split (:func:`split_tasks`) so that no worker idles
  while another finishes a long batch.
- **Bounded window.**  At most ``window`` batches are in flight (default three per worker
  thread); a new one is submitted when one completes (``distributed.as_completed``).  The
  client never holds more than the window's results, and the task graph never holds more than
  ``window`` tasks, so memory does not grow with the number of cases.
- **Warm workers.**  :func:`warm_up` runs once per worker (and again lazily on a worker that
  was restarted): it loads the weather of every site into the in-memory cache and runs one
  short simulation so Numba loads the kernels from its on-disk cache.
- **Resume.**  A case's row is written before its ``status`` flag (see :mod:`twin.study.store`);
  restarting the same command skips every case already written.
- **Worker loss.**  A task whose worker dies is rerun elsewhere by the scheduler
  (``retries``); results are deterministic, so a rerun gives the same row.

Per-case path (timed per stage and reported): ``validation`` (build the case's scenario
dictionary and validate it), ``assembly`` (apply measures, weather from the cache, plant
arrays), ``kernel`` (the cases without discrete events :data:`KERNEL_CASES` at a time in one
compiled call, the others through the SimPy loop and the Numba spans; bit-identical either way),
``summary`` (the run summary and its flattening into metric columns) and, on the client, ``store``
(Zarr writes).

Diagnostics: with ``DCTWIN_SWEEP_TRACE=<folder>`` every worker appends the id of each case it
computes to ``<folder>/trace-<pid>.txt`` (used by the resume test).
"""

from __future__ import annotations

import importlib
import itertools
import logging
import os
import time as _time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from twin.study.design import SweepDesign
from twin.study.store import DONE, FAILED, BatchResult, SweepStore, store_lock

STAGES = ("validation", "assembly", "kernel", "summary")
#: Clock of the per-stage timings (wall time; ``benchmarks/profile_case.py`` sets ``time.process_time``).
STAGE_CLOCK = _time.perf_counter
#: Smallest task: below this the per-task overhead (scheduling, pickling the design) shows.
MIN_TASK_CASES = 5
_WARM: set[str] = set()


def split_tasks(chunks, n_pending: int, threads: int):
    """Tasks from pending chunks: whole chunks while much work remains, smaller pieces near the end.

    A task never exceeds one chunk and holds about ``remaining / (3 x threads)`` cases at most,
    so the last tasks are small and no worker idles long while another finishes a big batch.
    """
    done = 0
    for ids in chunks:
        k = 0
        while k < len(ids):
            remaining = n_pending - done
            size = max(MIN_TASK_CASES, min(len(ids) - k, -(-remaining // (3 * max(threads, 1)))))
            yield ids[k:k + size]
            k += size
            done += size


def _summary_of(result, mode: str) -> dict:
    """The case's summary: the full run summary, or (``metrics = "energy"``) energy, ITUE/TUE and the power
    block (unserved IT energy), and feasibility: no policy, cost or carbon."""
    if mode == "energy":
        from twin.metrics.energy import energy_summary
        from twin.metrics.feasibility import feasibility_summary
        from twin.metrics.power import power_summary
        energy = energy_summary(result)
        return {**energy, **power_summary(result, energy), **feasibility_summary(result)}
    from twin.metrics.summary import build_summary
    return build_summary(result)


#: Scenario keys (or key prefixes) whose values can change the compiled kernel a case calls
#: (:func:`twin.engine.batch.case_kernel`): its plant family, the method, the control mode, anything that
#: makes events (:func:`twin.engine.events.needs_events`), IT load steps and monthly set points.
KERNEL_KEYS = ("plant.type", "scenario.method", "control.", "events.", "battery.peak_shaving", "pv.",
               "it.load_steps", "air.supply_air_c", "plant.chw_supply_c", "plant.cw_setpoint_c")


def design_kernels(design: SweepDesign) -> list:
    """The compiled kernels the cases of ``design`` call (:func:`twin.engine.batch.case_kernel`).

    Found on one case per mix and per value of every axis that can change the kernel (a measure
    parameter, or a key of :data:`KERNEL_KEYS`), one such axis at a time with the others at their first
    value.  A case that does not validate is left out (the sweep reports it when it runs it).
    """
    from twin.engine.batch import case_kernel
    from twin.errors import InputError
    from twin.inputs.schema import validate_scenario
    from twin.measures import apply_measures

    deciding = [k for k, a in enumerate(design.axes)
                if k != 1 and (a.kind == "measure" or (a.kind == "scenario" and a.name.startswith(KERNEL_KEYS)))]
    kernels = []
    for mix in range(design.shape[1]):  # axis 1 is the mix (SweepDesign.scenario_data)
        for axis in [None, *deciding]:
            for value in range(1 if axis is None else design.shape[axis]):
                index = [0] * len(design.axes)
                index[1] = mix
                if axis is not None:
                    index[axis] = value
                data = design.scenario_data(int(np.ravel_multi_index(index, design.shape)))
                try:
                    kernel = case_kernel(apply_measures(validate_scenario(data, file=design.file), file=design.file))
                except InputError:
                    continue
                if kernel not in kernels:
                    kernels.append(kernel)
    return kernels


def warm_up(design: SweepDesign) -> str:
    """Load every site's weather and run one case's kernel once, so later cases are warm."""
    if design.digest in _WARM:
        return f"{os.getpid()}: warm"
    from twin.inputs.weather import load_weather

    t0 = _time.perf_counter()
    ts = design.baseline_data["scenario"]["timestep_min"] * 60
    year = design.baseline_data["scenario"]["year"]
    for site in design.axes[0].values:
        load_weather(site, timestep_s=ts, year=year, base_dir=Path(design.base_dir))
    _simulate(design, {0: _prepare_case(design, 0, {})}, {})
    _WARM.add(design.digest)
    return f"{os.getpid()}: warmed in {_time.perf_counter() - t0:.2f} s"


#: The last case validated in this process: ``(design digest, scenario dictionary, Scenario)``.
_LAST_CASE: list = []


def validate_case(design: SweepDesign, case_id: int):
    """The validated scenario of one case, re-using the previous case's validation.

    Consecutive cases of a batch usually differ in one parameter; only the sections whose
    dictionaries differ are validated again, and the relations between sections checked again,
    which gives the same :class:`~twin.inputs.schema.Scenario` as validating the whole dictionary.
    Any other difference (the measures, the top-level keys), or an invalid section, goes
    through :func:`twin.inputs.schema.validate_scenario`, so errors read the same.
    """
    from twin.inputs.schema import check_relations, validate_scenario

    data = design.scenario_data(case_id)
    if _LAST_CASE and _LAST_CASE[0] == design.digest:
        _, last, scn = _LAST_CASE
        changed = [k for k in data if data[k] != last.get(k)]
        if data.keys() == last.keys() and "measures" not in changed:
            try:
                update = {k: type(getattr(scn, k)).model_validate(data[k]) for k in changed}
                new = scn.model_copy(update=update)
                check_relations(new, file=design.file)
            except Exception:  # noqa: BLE001 - the whole validation names the error as a single run would
                new = None
            if new is not None:
                _LAST_CASE[:] = [design.digest, data, new]
                return new
    scn = validate_scenario(data, file=design.file)
    _LAST_CASE[:] = [design.digest, data, scn]
    return scn


#: Weather of the sites of the current design in this process: ``{(digest, site, step, year): Weather}``.
_WEATHER: dict = {}


def _case_weather(design: SweepDesign, scn):
    """The case's weather, loaded once per site for the whole sweep (as :func:`twin.engine.simulate.prepare`
    loads it; its arrays are shared between loads anyway)."""
    from twin.inputs.weather import load_weather

    s = scn.scenario
    key = (design.digest, s.site, s.timestep_min, s.year)
    weather = _WEATHER.get(key)
    if weather is None:
        weather = load_weather(s.site, timestep_s=s.timestep_min * 60, year=s.year, base_dir=Path(design.base_dir),
                               file_for_errors=design.file, key_for_errors="scenario.site")
        if any(k[0] != design.digest for k in _WEATHER):
            _WEATHER.clear()
        _WEATHER[key] = weather
    return weather


def _prepare_case(design: SweepDesign, case_id: int, timings: dict):
    """The case's validated scenario assembled into plant arrays; adds the stage times."""
    from twin.engine.simulate import prepare

    t0 = STAGE_CLOCK()
    scn = validate_case(design, case_id)
    t1 = STAGE_CLOCK()
    plant = prepare(scn, file=design.file, base_dir=Path(design.base_dir), weather=_case_weather(design, scn))
    t2 = STAGE_CLOCK()
    _add(timings, validation=t1 - t0, assembly=t2 - t1)
    return plant


def _simulate(design: SweepDesign, plants: dict, timings: dict) -> dict:
    """Run prepared plants ``{k: plant}``; returns ``{k: Result}``, or ``{k: exception}`` for a case
    that failed.  Plants without discrete events run together, one compiled call per number of
    steps (:func:`twin.engine.batch.run_single_spans`, bit-identical to the one-case path); the
    others go through the SimPy loop one by one (:func:`twin.engine.simulate.run_plant`)."""
    from twin.engine.batch import run_single_spans, single_span
    from twin.engine.simulate import run_plant

    t0 = STAGE_CLOCK()
    results, spans = {}, {}
    for k, plant in plants.items():
        if single_span(plant):
            spans.setdefault(plant.n_steps, []).append(k)
            continue
        try:
            results[k] = run_plant(plant, file=design.file)
        except Exception as exc:  # noqa: BLE001 - one bad case must not stop a long sweep
            results[k] = exc
    for ks in spans.values():
        results.update(zip(ks, run_single_spans([plants[k] for k in ks])))
    _add(timings, kernel=STAGE_CLOCK() - t0)
    return results


def _add(timings: dict, **seconds: float) -> None:
    for k, v in seconds.items():
        timings[k] = timings.get(k, 0.0) + v


#: Cases simulated per batched kernel call.  Each holds its channels (73 x 8,760 float64, 5 MB for a
#: year of hours) until its summary is built, and the summary reads them back.  Measured per case on
#: the benchmarks/sweep_throughput.py design, both sizes in turns in one process (CPU time, medians of
#: batches): on 2026-12-06 one case a call was fastest, its summary reading channels the kernel had
#: just written, still in the CPU's caches (7.27 ms against 8.14 ms for 4 cases a call); since the
#: kernels write the channels past the caches (:mod:`components.streaming_store`, 2026-12-08) the
#: two are alike (400 cases: 5.29 ms against 5.22 ms for 4, paired -2 %, within the noise).
#: Earlier (2026-12-05): 4 cases 0.1-0.15 ms faster than one by one through SimPy, 8 or 10 cases
#: 0.5 ms slower.  Both go through the same compiled call (:func:`twin.engine.batch.run_single_spans`),
#: bit-identical to the SimPy path.
KERNEL_CASES = 1


def run_batch(design: SweepDesign, case_ids) -> BatchResult:
    """Compute a batch of cases (runs on a worker).  A case that fails is marked FAILED with
    its message; the batch itself only fails on a bug outside the per-case path.

    The cases go :data:`KERNEL_CASES` at a time: validated and assembled, simulated together
    (:func:`_simulate`), then summarised."""
    from twin.study.columns import metric_values

    warm_up(design)
    t_batch = STAGE_CLOCK()
    case_ids = np.asarray(case_ids, dtype=np.int64)
    n = len(case_ids)
    timings: dict[str, float] = {}
    status = np.full(n, DONE, dtype=np.uint8)
    rows: list[dict[str, float]] = [{} for _ in range(n)]
    texts: list[dict[str, str]] = [{} for _ in range(n)]
    units: dict[str, str] = {}
    monthly = np.full((n, 12), np.nan, dtype=np.float32)
    hourly = {c: np.full((n, 0), np.nan, dtype=np.float32) for c in design.hourly}
    errors: dict[int, str] = {}
    trace = os.environ.get("DCTWIN_SWEEP_TRACE")

    def fail(k: int, exc: Exception) -> None:
        status[k] = FAILED
        errors[int(case_ids[k])] = f"{type(exc).__name__}: {exc}"

    for lo in range(0, n, KERNEL_CASES):
        plants = {}
        for k in range(lo, min(n, lo + KERNEL_CASES)):
            try:
                plants[k] = _prepare_case(design, int(case_ids[k]), timings)
            except Exception as exc:  # noqa: BLE001 - one bad case must not stop a long sweep
                fail(k, exc)
        for k, result in _simulate(design, plants, timings).items():
            t0 = STAGE_CLOCK()
            try:
                if isinstance(result, Exception):
                    raise result
                summary = _summary_of(result, design.metrics)
                flat, text = metric_values(summary)
                rows[k] = {p: v for p, (v, _) in flat.items()}
                units.update({p: u for p, (_, u) in flat.items()})
                texts[k] = text
                monthly[k] = summary["pue_monthly"]["value"]
                for c in design.hourly:
                    series = np.asarray(result[c], dtype=np.float32)
                    if hourly[c].shape[1] != series.size:
                        hourly[c] = np.full((n, series.size), np.nan, dtype=np.float32)
                    hourly[c][k] = series
            except Exception as exc:  # noqa: BLE001 - one bad case must not stop a long sweep
                rows[k], texts[k] = {}, {}
                fail(k, exc)
            _add(timings, summary=STAGE_CLOCK() - t0)
        if trace:
            with open(Path(trace) / f"trace-{os.getpid()}.txt", "a") as fh:
                fh.writelines(f"{int(case_ids[k])}\n" for k in range(lo, min(n, lo + KERNEL_CASES)))
    timings["cases"] = STAGE_CLOCK() - t_batch
    names = sorted({p for r in rows for p in r})
    values = {p: np.array([r.get(p, np.nan) for r in rows], dtype=np.float64) for p in names}
    text_names = sorted({p for t in texts for p in t})
    text_values = {p: [t.get(p, "") for t in texts] for p in text_names}
    return BatchResult(case_ids=case_ids, status=status, values=values, units=units, texts=text_values,
                       monthly=monthly, hourly=hourly if design.hourly else {}, errors=errors,
                       timings=timings, worker=f"{os.uname().nodename}:{os.getpid()}")


@dataclass
class SweepReport:
    """What a sweep run did."""

    store: str
    n_cases: int
    already_done: int
    computed: int = 0
    failed: int = 0
    batches: int = 0
    workers: int = 0
    startup_s: float = 0.0            # cluster start and worker warm-up
    compute_s: float = 0.0            # from the first submission to the last write
    timings: dict[str, float] = field(default_factory=dict)   # summed over cases [s]
    stopped_early: bool = False

    @property
    def rate(self) -> float:
        """Scenario-years (cases) computed per second of wall time, start-up excluded."""
        return self.computed / self.compute_s if self.compute_s > 0 else float("nan")

    def per_case_ms(self) -> dict[str, float]:
        n = max(self.computed, 1)
        return {k: 1e3 * v / n for k, v in self.timings.items()}


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS
        return max(1, os.cpu_count() or 1)


#: Imported first in every worker process: in a wheel install, importing ``dctwin`` is what makes
#: the names ``twin`` and ``components`` resolve (dctwin/_layout.py).  Workers of an external
#: cluster that join after the sweep started need ``dask worker --preload dctwin`` (which also keeps
#: their freed memory, :func:`dctwin.dask_setup`).
ENGINE_MODULE = "dctwin"


def prepare_workers(client) -> None:
    """Import :data:`ENGINE_MODULE` on every worker of ``client``, before anything of ``twin`` is unpickled
    there, and keep their freed memory for the next case (:func:`twin.study.worker_memory.keep_freed_memory`).
    A worker that preloads dctwin has done both (:func:`dctwin.dask_setup`); those of an external scheduler
    may not have."""
    from twin.study.worker_memory import keep_freed_memory

    client.run(importlib.import_module, ENGINE_MODULE)
    client.run(keep_freed_memory)


#: Dask settings of the LocalCluster a sweep or an optimisation starts (:func:`start_local_cluster`):
#: Dask's background work, which every process of a cluster does whether it computes or not, made
#: rarer.  Defaults of distributed 2026.8: the event loop's watchdog tick every 20 ms, the system
#: monitor (CPU, memory, network for the dashboard) every 500 ms, each worker's statistical profiler
#: sampling its threads every 10 ms, its memory monitor every 100 ms.  An idle two-worker cluster
#: spent 1.4 s of CPU in 10 s on them (the client's IO loop 0.6 s, each worker 0.4 s), 0.8 s with these.
#: The full-summary sweep of ``benchmarks/sweep_throughput.py`` on 2 workers, three rounds in turns
#: (2026-12-07): 228-234 scenario-years/s with Dask's defaults, 236-255/s with these.  A cluster
#: started elsewhere (``--scheduler``) keeps its own settings (docs/studies.md, "Throughput").
LOCAL_CLUSTER_CONFIG = {
    "distributed.admin.tick.interval": "1s",                 # warns of a blocked event loop (limit 3 s) a little later
    "distributed.admin.system-monitor.interval": "5s",       # monitoring only: no dashboard is started
    "distributed.worker.profile.enabled": False,             # the dashboard's profiles: none
    "distributed.worker.memory.monitor-interval": "1s",      # memory limits enforced within 1 s (a case holds ~10 MB)
}


def start_local_cluster(n_workers: int, **kwargs):
    """A LocalCluster of ``n_workers`` processes with one thread each, quiet, no dashboard, with Dask's
    background work made rarer (:data:`LOCAL_CLUSTER_CONFIG`).

    ``kwargs`` go to :class:`distributed.LocalCluster` (e.g. ``env={...}`` for the workers).
    """
    import dask
    from distributed import LocalCluster

    options = dict(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                   silence_logs=logging.ERROR, preload=[ENGINE_MODULE],
                   config=dict(LOCAL_CLUSTER_CONFIG))  # each nanny's, for every worker process it (re)starts
    options.update(kwargs)
    with dask.config.set(LOCAL_CLUSTER_CONFIG):  # the scheduler's, read when it is made
        return LocalCluster(**options)


def _connect(address: str):
    """A Client of a running scheduler; a wrong address is an input error."""
    from distributed import Client

    try:
        return Client(address, timeout="15s")
    except (OSError, TimeoutError, ValueError) as exc:
        from twin.errors import InputError
        raise InputError(f"cannot connect to the Dask scheduler {address!r}: {exc}", key="--scheduler") from None


def run_sweep(design: SweepDesign, store_path: str | Path, *, scheduler=None, workers: int | None = None,
              window: int | None = None, max_batches: int | None = None,
              progress: Callable[[int], None] | None = None,
              on_batch: Callable[[int, object], None] | None = None, retries: int = 3) -> SweepReport:
    """Run the pending cases of ``design`` into the store at ``store_path``.

    Parameters
    ----------
    scheduler : str or distributed.Client or None
        Address of a running scheduler (``tcp://host:8786``), or a connected Client; when
        None a LocalCluster of ``workers`` processes is started (``workers=0`` runs in this
        process without Dask, for debugging).
    window : int, optional
        Batches in flight (default: three per worker thread, at least four).
    max_batches : int, optional
        Stop after writing this many batches (the rest stays pending; rerun to resume).
    progress : callable, optional
        ``progress(n_cases)`` after each batch is written.
    on_batch : callable, optional
        ``on_batch(batches_written, client)`` after each batch (client is None in-process).

    Raises
    ------
    InputError
        Another sweep is writing the same store (:func:`twin.study.store.store_lock`).
    """
    with store_lock(store_path):
        return _run_pending(design, store_path, scheduler=scheduler, workers=workers, window=window,
                            max_batches=max_batches, progress=progress, on_batch=on_batch, retries=retries)


def _run_pending(design: SweepDesign, store_path, *, scheduler, workers, window, max_batches, progress, on_batch,
                 retries) -> SweepReport:
    """:func:`run_sweep` once the store is locked."""
    if SweepStore.exists(store_path):
        store = SweepStore(store_path, design)
        if store.n_pending() == 0:  # nothing to do: do not start or contact a cluster
            return SweepReport(store=str(store_path), n_cases=design.n_cases, already_done=store.n_finished())
    from twin.engine.compile_ahead import notify_if_compiling
    notify_if_compiling(*design_kernels(design))  # the workers compile: this says why the start-up takes a while
    connected = None
    if scheduler is not None and not hasattr(scheduler, "submit"):
        connected = _connect(scheduler)  # before anything is written
    try:
        store = SweepStore(store_path, design)
    except BaseException:
        if connected is not None:
            connected.close()
        raise
    report = SweepReport(store=str(store_path), n_cases=design.n_cases, already_done=store.n_finished())
    pending = store.pending_batches()
    first = next(pending, None)
    if first is None:  # nothing to do: do not start a cluster
        if connected is not None:
            connected.close()
        return report
    pending = itertools.chain([first], pending)
    n_pending = store.n_pending()
    t_start = _time.perf_counter()

    def record(res: BatchResult) -> None:
        t0 = _time.perf_counter()
        store.write(res)
        report.timings["store"] = report.timings.get("store", 0.0) + (_time.perf_counter() - t0)
        for k, v in res.timings.items():
            report.timings[k] = report.timings.get(k, 0.0) + v
        report.computed += len(res.case_ids)
        report.failed += int(np.count_nonzero(res.status == FAILED))
        report.batches += 1
        if progress is not None:
            progress(len(res.case_ids))

    if workers == 0 and scheduler is None:
        report.workers = 1
        warm_up(design)
        report.startup_s = _time.perf_counter() - t_start
        t_compute = _time.perf_counter()
        for ids in pending:
            record(run_batch(design, ids))
            if on_batch is not None:
                on_batch(report.batches, None)
            if max_batches is not None and report.batches >= max_batches:
                report.stopped_early = any(True for _ in store.pending_batches())
                break
        report.compute_s = _time.perf_counter() - t_compute
        return report

    from distributed import Client, as_completed

    cluster = None
    own_client = not hasattr(scheduler, "submit")
    if scheduler is None:
        cluster = start_local_cluster(workers or default_workers())
        client = Client(cluster)
    elif own_client:
        client = connected
    else:
        client = scheduler
    futures = []
    try:
        info = client.scheduler_info()
        threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or 1
        report.workers = len(info.get("workers", {}))
        window = window or max(4, 3 * threads)
        tasks = split_tasks(pending, n_pending, threads)
        prepare_workers(client)
        client.run(warm_up, design)
        report.startup_s = _time.perf_counter() - t_start
        token = uuid.uuid4().hex[:8]
        t_compute = _time.perf_counter()
        ac = as_completed()

        def submit_next() -> bool:
            ids = next(tasks, None)
            if ids is None:
                return False
            fut = client.submit(run_batch, design, ids, key=f"dctwin-batch-{token}-{int(ids[0])}",
                                pure=False, retries=retries)
            futures.append(fut)
            ac.add(fut)
            return True

        for _ in range(window):
            if not submit_next():
                break
        for fut in ac:
            res = fut.result()
            futures.remove(fut)
            fut.release()
            record(res)
            if on_batch is not None:
                on_batch(report.batches, client)
            if max_batches is not None and report.batches >= max_batches:
                report.stopped_early = True
                break
            submit_next()
        report.compute_s = _time.perf_counter() - t_compute
    finally:
        if futures:
            client.cancel(futures)
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()
    return report
