"""The Python API: :func:`run`, :func:`compare`, :func:`sweep` and :func:`optimise`, over the CLI's own code paths.

Each function returns a small object whose ``summary()`` / ``table()`` is exactly what the
matching ``--json`` prints and whose ``to_dataset()`` is what the matching ``--out`` file holds
(``results.nc``, ``results.zarr`` or ``candidates.nc``).  Inputs are checked the same way: a bad
scenario raises :class:`twin.errors.InputError` naming the file and the key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from twin.cli.run import DEFAULT_RUN_SAMPLES
from twin.errors import InputError

PathLike = str | Path


def apply_overrides(data: dict, overrides: dict[str, Any]) -> dict:
    """Write keyword overrides into a scenario dictionary, in place, and return it.

    ``it__utilisation=0.6`` sets ``data["it"]["utilisation"]`` (a double underscore separates
    the levels of the TOML key path); a dictionary value is merged into the table it names
    (``it={"utilisation": 0.6}``).  The result is validated by the scenario schema afterwards,
    so an unknown key or a value out of range is an :class:`InputError` naming the key path.
    """
    for name, value in overrides.items():
        parts = name.split("__")
        if any(p == "" for p in parts):
            raise InputError(f"override {name!r}: use single words joined by '__', e.g. it__utilisation",
                             key=name)
        node = data
        for p in parts[:-1]:
            child = node.setdefault(p, {})
            if not isinstance(child, dict):
                raise InputError(f"override {name!r}: {p!r} is a value, not a table", key=".".join(parts))
            node = child
        leaf = parts[-1]
        if isinstance(value, dict) and isinstance(node.get(leaf), dict):
            apply_overrides(node[leaf], dict(value))
        else:
            node[leaf] = value
    return data


def _json_copy(obj) -> Any:
    """``obj`` exactly as ``--json`` prints it, read back (NaN as None, tuples as lists)."""
    from twin.engine.results import json_text

    return json.loads(json_text(obj))


@dataclass
class Result:
    """One simulated scenario (what ``dctwin run`` computes).

    Attributes
    ----------
    raw : twin.engine.results.Result
        The engine's result: plant arrays, the output matrix, events, run time [s].
    scenario_file : pathlib.Path
        The scenario that was run (relative inputs resolve against its folder).
    """

    raw: Any
    scenario_file: Path
    scenario: Any = None
    _summary: dict | None = field(default=None, repr=False)
    _bands: dict = field(default_factory=dict, repr=False)

    def _build(self, band: int = 0) -> dict:
        if self._summary is None:
            from twin.metrics.summary import build_summary
            self._summary = build_summary(self.raw, scenario_file=str(self.scenario_file))
        if not band:
            return self._summary
        if band not in self._bands:
            from twin.study.uncertainty import band as uncertainty_band
            self._bands[band] = uncertainty_band(self.scenario, file=str(self.scenario_file),
                                                 base_dir=self.scenario_file.parent, samples=band)
        return dict(self._summary, band=self._bands[band])

    def summary(self, band: int = DEFAULT_RUN_SAMPLES) -> dict:
        """The run summary: the dictionary ``dctwin run --json`` prints (every figure with its unit).

        ``band`` samples give the 90 % uncertainty band and its drivers under ``"band"``
        (:mod:`twin.study.uncertainty`; about 10-20 ms each), as ``dctwin run --band N`` does; 0: none.
        """
        return _json_copy(self._build(band))

    def to_dataset(self):
        """The full time series as an :class:`xarray.Dataset`: the content of ``results.nc``."""
        from twin.metrics.summary import run_dataset

        return run_dataset(self.raw, self._build())

    def save(self, out: PathLike, band: int = DEFAULT_RUN_SAMPLES) -> Path:
        """Write ``results.nc`` and ``summary.json`` to the folder ``out`` (as ``dctwin run --out``)."""
        from twin.metrics.summary import save_run

        return save_run(self.raw, self._build(band), Path(out))


def run(scenario: PathLike | None = None, /, **overrides: Any) -> Result:
    """Simulate one scenario, as ``dctwin run`` does.

    Parameters
    ----------
    scenario : str or pathlib.Path, optional
        A scenario TOML path, or the name of a bundled scenario (``"guangzhou_legacy"``, with or
        without ``.toml``); default: the bundled ``guangzhou_legacy``.
    **overrides
        Scenario keys to change before validation, e.g. ``it__utilisation=0.6``,
        ``scenario__site="beijing"`` or ``it={"utilisation": 0.6}`` (see :func:`apply_overrides`).

    Raises
    ------
    twin.errors.InputError
        Unknown scenario, invalid TOML, or a key or value the schema refuses.
    """
    from twin.engine.simulate import run_scenario
    from twin.inputs.bundled import resolve_scenario
    from twin.inputs.schema import validate_scenario
    from twin.inputs.schema_base import read_toml

    path = resolve_scenario(None if scenario is None else str(scenario))
    data = apply_overrides(read_toml(path), overrides)
    scn = validate_scenario(data, file=str(path))
    return Result(run_scenario(scn, file=str(path), base_dir=path.parent), path, scn)


@dataclass
class StudyResult:
    """The mixes of a study, simulated and ranked (what ``dctwin compare`` computes).

    ``raw`` is the engine's :class:`twin.study.compare.Comparison`.
    """

    raw: Any
    hourly: bool = False

    def table(self) -> list[dict]:
        """The ranked table, best first: what ``dctwin compare --json`` prints."""
        from twin.study.compare import ranked_json

        return _json_copy(ranked_json(self.raw))

    def to_dataset(self):
        """Every mix's metrics (and hourly series with ``hourly=True``): the content of ``results.nc``."""
        from twin.study.compare import to_dataset

        return to_dataset(self.raw, hourly=self.hourly)

    def save(self, out: PathLike, *, report: bool = True) -> Path:
        """Write ``results.nc`` (and the self-contained ``report.html``) to the folder ``out``."""
        from twin.study.compare import write_dataset

        out = Path(out)
        write_dataset(self.raw, out / "results.nc", hourly=self.hourly)
        if report:
            from twin.report.html import write_report
            write_report(self.raw, out / "report.html")
        return out


def compare(study: PathLike | None = None, /, *, hourly: bool = False,
            progress: Callable[[str], None] | None = None) -> StudyResult:
    """Simulate and rank the technology mixes of a study, as ``dctwin compare`` does.

    ``study`` is a study TOML path or bundled name (default: the bundled
    ``guangzhou_retrofit_study``); ``hourly`` keeps every mix's hourly series;
    ``progress(mix_name)`` is called after each mix.
    """
    from twin.cli.compare import DEFAULT_STUDY
    from twin.inputs.bundled import resolve_scenario
    from twin.study.compare import run_study
    from twin.study.design import load_study

    path = resolve_scenario(None if study is None else str(study), default=DEFAULT_STUDY)
    return StudyResult(run_study(load_study(path), hourly=hourly, progress=progress), hourly=hourly)


@dataclass
class SweepRun:
    """A sweep's store and what this call computed (what ``dctwin sweep`` does).

    ``report`` is the engine's :class:`twin.study.sweep.SweepReport` (cases computed, failed,
    time per stage); ``store`` the ``results.zarr`` folder.
    """

    store: Path
    report: Any

    def to_dataset(self):
        """The store as an :class:`xarray.Dataset`, one labelled variable per metric (``case`` dimension)."""
        from twin.study.store import open_sweep

        return open_sweep(self.store)


def sweep(sweep_file: PathLike, /, out: PathLike | None = None, *, workers: int | None = None,
          scheduler: Any = None, max_batches: int | None = None,
          progress: Callable[[int], None] | None = None) -> SweepRun:
    """Run (or resume) a factorial sweep into ``<out>/results.zarr``, as ``dctwin sweep`` does.

    Parameters
    ----------
    sweep_file : str or pathlib.Path
        A sweep TOML path or bundled name (``"sweep_example"``).
    out : str or pathlib.Path, optional
        Folder of the store; default ``./dctwin-out/<sweep file stem>``.
    workers : int, optional
        Worker processes of a local Dask cluster (default one per CPU; 0 runs in this process).
    scheduler : str or distributed.Client, optional
        A running Dask scheduler's address, or a connected client, instead of a local cluster.
    max_batches : int, optional
        Stop after this many batches; call again to resume.
    progress : callable, optional
        ``progress(n_cases)`` after each batch is stored.
    """
    from twin.inputs.bundled import default_out_dir, resolve_scenario
    from twin.study.design import load_sweep
    from twin.study.sweep import run_sweep

    path = resolve_scenario(str(sweep_file))
    design = load_sweep(path)
    store = (Path(out) if out is not None else default_out_dir(path)) / "results.zarr"
    report = run_sweep(design, store, scheduler=scheduler, workers=workers, max_batches=max_batches,
                       progress=progress)
    return SweepRun(store=store, report=report)


@dataclass
class OptimiseResult:
    """The cheapest compliant mix and the Pareto front (what ``dctwin optimise`` computes).

    ``raw`` is the engine's :class:`twin.study.optimise.Optimisation` (every screened and confirmed mix).
    """

    raw: Any

    def summary(self) -> dict:
        """The answer: what ``dctwin optimise --json`` prints (``best``, ``pareto``, ``limit``, ...)."""
        from twin.report.optimise import summary

        return _json_copy(summary(self.raw))

    def to_dataset(self):
        """Every evaluated candidate along ``candidate``: the content of ``candidates.nc``."""
        from twin.report.optimise import to_dataset

        return to_dataset(self.raw)

    def save(self, out: PathLike) -> Path:
        """Write ``optimise.json``, ``pareto.png`` and ``candidates.nc`` to the folder ``out``."""
        from twin.report.optimise import write_outputs

        write_outputs(self.raw, Path(out))
        return Path(out)


def optimise(file: PathLike | None = None, /, *, limit: float | None = None, objective: str = "npv",
             trials: int | None = None, population: int | None = None, seed: int | None = None,
             workers: int | None = None, scheduler: Any = None, band: int = DEFAULT_RUN_SAMPLES,
             confirm: str = "steps", progress: Callable[[str, int, int], None] | None = None) -> OptimiseResult:
    """Find the cheapest feasible mix that meets a PUE limit, as ``dctwin optimise`` does.

    Parameters
    ----------
    file : str or pathlib.Path, optional
        A scenario (the search covers every registry measure) or a study file (the measures it
        names); default: the bundled ``guangzhou_legacy``.
    limit : float, optional
        Annual PUE limit (default: the scenario's policy limit).
    objective : {"npv", "capex", "annual"}
        Highest NPV of the savings, lowest CAPEX, or lowest annual cost (bill + O&M).
    trials, population, seed : int, optional
        Candidates proposed, NSGA-II population, seed (defaults: 2,000, 100, ``scenario.seed``).
    workers, scheduler
        As :func:`sweep`: a local cluster of ``workers`` processes (0: this process), or a scheduler.
    band : int
        Samples of the PUE band of the best mix and each front point (0: none).
    confirm : {"steps", "bins"}
        Method that confirms the screened answer.
    progress : callable, optional
        ``progress(stage, n, total)`` as candidates and band samples are done.
    """
    from twin.inputs.bundled import resolve_scenario
    from twin.study.optimise import DEFAULT_POPULATION, DEFAULT_TRIALS, optimise_file

    path = resolve_scenario(None if file is None else str(file))
    return OptimiseResult(optimise_file(
        path, seed=seed, limit=limit, objective=objective, trials=DEFAULT_TRIALS if trials is None else trials,
        population=DEFAULT_POPULATION if population is None else population, workers=workers, scheduler=scheduler,
        band=band, confirm_method=confirm, progress=progress))
