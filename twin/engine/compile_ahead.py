"""The kernels a scenario's run calls, found and compiled from the scenario alone, before its run.

:func:`twin.engine.simulate.prepare` calls :func:`compile_ahead` once the scenario's measures are
applied, before it reads the weather.  The command line calls it earlier, as soon as it has read
the scenario (``dctwin run``, :func:`twin.cli.run.main`): this module imports neither pandas nor
the plant assembly, so a first run reaches :func:`twin.engine.parallel_compile.start` 0.55-0.64 s
after the command starts instead of 0.8-0.95 s.  Pandas (0.2-0.25 s) and the rest load after this
process's share of the kernels, while the second process compiles the run's kernel
(:mod:`twin.engine.parallel_compile`).  Timed in turns on 2026-12-07, three rounds of the bundled
default's first run: 10.32-10.86 s -> 10.13-10.23 s.  ``dctwin run`` then applies the measures and
checks the site once more in :func:`~twin.engine.simulate.prepare` (0.04 ms), which library calls
need.
"""

from __future__ import annotations

import sys
from pathlib import Path

from components.layout import PLANT_AIR_COOLED, PLANT_DISTRICT, PLANT_DX, PLANT_IEC, PLANT_WATER_COOLED
from twin.engine import parallel_compile
from twin.inputs.schema import Scenario
from twin.inputs.weather import check_site

#: a scenario's ``plant.type`` -> the kernels' plant code (``params[PARAM.plant_type]``)
PLANT_CODES = {"water_cooled_chiller": PLANT_WATER_COOLED, "dx": PLANT_DX, "iec": PLANT_IEC,
               "district": PLANT_DISTRICT, "air_cooled_chiller": PLANT_AIR_COOLED}
#: Printed on stderr before Numba compiles the kernels (the first run after installing or editing);
#: 8.7-24 s measured on this 2-core machine (benchmarks/results/speed_targets.md, README "Speed").
COMPILE_NOTICE = "dctwin: compiling kernels, first run only (about 10-25 s)"
_notified = False
#: span kernels found on disk by :func:`notify_if_compiling`: their cache index is read once a
#: process, not for every case of a sweep (whose batched calls never load the span kernel)
_on_disk: set = set()


def notify_if_compiling(*kernels) -> bool:
    """Print :data:`COMPILE_NOTICE` on stderr, once a process, when one of the span kernels a run or a sweep
    will call (``kernels``) is neither loaded nor on disk; return whether."""
    global _notified
    from components._jit import has_cached_machine_code

    if _notified or not kernels or not hasattr(kernels[0], "signatures"):  # NUMBA_DISABLE_JIT=1: plain Python
        return False
    for target in kernels:  # loaded in this process (by the event loop, or by a sweep's batched calls), or on disk
        if target.signatures or target in _on_disk:
            continue
        if not has_cached_machine_code(target):
            print(COMPILE_NOTICE, file=sys.stderr, flush=True)
            _notified = True
            return True
        _on_disk.add(target)
    return False


def site_options(scn: Scenario, *, file: str | None = None, base_dir: Path | None = None) -> dict:
    """Keyword arguments of :func:`twin.inputs.weather.check_site` and ``load_weather`` for ``scn``'s site."""
    s = scn.scenario
    return {"timestep_s": s.timestep_min * 60, "year": s.year, "base_dir": base_dir, "file_for_errors": file,
            "key_for_errors": "scenario.site"}


def compile_ahead(scn: Scenario, *, file: str | None = None, base_dir: Path | None = None,
                  check: bool = True) -> None:
    """Before ``scn``'s run (its measures applied): check its site (with ``check``; a wrong site or
    weather file is reported before any compilation), say so when its kernel must compile
    (:func:`notify_if_compiling`) and, on a first run from the command line, compile the kernels in two
    processes (:func:`twin.engine.parallel_compile.start`; it returns once this process's share is
    compiled, the other process going on with the run's kernel).  A second call does nothing more."""
    plant_type = PLANT_CODES[scn.plant.type]
    controlled = scn.control.mode == "optimise" and scn.scenario.method == "steps"
    if check:
        check_site(scn.scenario.site, **site_options(scn, file=file, base_dir=base_dir))
    notify_if_compiling(parallel_compile.run_kernel(plant_type, controlled))
    parallel_compile.start(plant_type, controlled)
