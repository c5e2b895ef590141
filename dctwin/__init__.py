"""dctwin: a digital twin of data-centre cooling and power chains.

The front door of the package: one importable name and a small API over the same code paths as
the ``dctwin`` command line, so that a script, a notebook and the CLI print the same numbers.

>>> import dctwin
>>> res = dctwin.run("guangzhou_legacy", it__utilisation=0.6)   # doctest: +SKIP
>>> res.summary()["pue"]["value"]                                # doctest: +SKIP
>>> ds = res.to_dataset()                                        # xarray, one variable per channel

- :func:`run`: one scenario (a path or a bundled name) -> :class:`Result`;
- :func:`compare`: the technology mixes of a study, ranked -> :class:`StudyResult`;
- :func:`sweep`: a factorial sweep into a Zarr store -> :class:`SweepRun`;
- :func:`optimise`: the cheapest feasible mix that meets a PUE limit, and the Pareto front -> :class:`OptimiseResult`.

The engine lives in the packages ``twin`` (weather, plant assembly, SimPy loop, metrics,
studies, CLI) and ``components`` (Numba kernels); :mod:`dctwin._layout` makes those two names
resolve to dctwin's own copies (see docs/api.md).
"""

from dctwin._layout import install as _install_layout

_install_layout()

from twin import __version__  # noqa: E402  (the one source of the version)
from dctwin.api import OptimiseResult, Result, StudyResult, SweepRun, compare, optimise, run, sweep  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """The ``dctwin`` command line (console script and ``python -m dctwin``)."""
    from twin.cli import main as cli_main

    return cli_main(argv)


def console() -> int:
    """The ``dctwin`` console script and ``python -m dctwin`` (:func:`twin.cli.console`: :func:`main`, and a
    quicker exit)."""
    from twin.cli import console as cli_console

    return cli_console()


def dask_setup(worker) -> None:
    """Called by Dask in every worker that preloads this package (``dask worker --preload dctwin``, and
    the LocalCluster of a sweep): keeps freed memory for the next case
    (:func:`twin.study.worker_memory.keep_freed_memory`)."""
    from twin.study.worker_memory import keep_freed_memory

    keep_freed_memory()


__all__ = ["__version__", "run", "compare", "sweep", "optimise", "Result", "StudyResult", "SweepRun", "OptimiseResult",
           "main", "console"]
