"""Side-by-side speed of the span kernel at two revisions, timed in turns in one process.

On a shared or throttled machine the speed of the same code drifts by tens of percent within a
minute (2026-12-06 on this 2-core VM: the default room 2.7-3.7 ms from one process to the next),
which hides a 5 % change between two separate runs.  This script loads ``components/`` as it is
at ``--base`` (a git revision) as a second package, ``components_base``, next to the working
tree's, and times both span kernels in turns on the same prepared plant arrays (assembled by the
working tree's ``twin``), so that both see the same machine.  It also says whether the two give
the same channels, bit for bit.

Usage::

    .venv/bin/python benchmarks/ab_kernel.py --base HEAD~1 baseline "IEC + liquid, fixed set points"
    .venv/bin/python benchmarks/ab_kernel.py --base HEAD~1 --site hohhot "chilled-water package + AI control"

Mixes are those of ``measures_run.py`` (``baseline``: the bundled default); an AI-controlled mix
times the controlled kernels (decisions inside the kernel), each year from an empty memo.  The base package is
extracted to ``$TMPDIR/dctwin-ab/<commit>`` and keeps its Numba cache there, so a second
comparison against the same revision starts warm.  Both revisions must have the same array
layout (``components/layout.py``); a measurement, not a test.
"""

from __future__ import annotations

import argparse
import importlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

import measures_run  # noqa: E402  (benchmarks/ sibling)

_IMPORT = re.compile(r"^(\s*)(from|import) components(?=[ .])", re.MULTILINE)


def base_package(rev: str) -> Path:
    """Folder holding ``components_base``: ``components/`` at ``rev`` with its imports renamed."""
    commit = subprocess.run(["git", "rev-parse", rev], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    folder = Path(tempfile.gettempdir()) / "dctwin-ab" / commit
    package = folder / "components_base"
    if not package.exists():
        staging = folder / "staging"
        staging.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit, "components"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(staging)], input=archive.stdout, check=True)
        for source in (staging / "components").rglob("*.py"):
            source.write_text(_IMPORT.sub(r"\1\2 components_base", source.read_text(encoding="utf-8")),
                              encoding="utf-8")
        (staging / "components").rename(package)
    return folder


def kernel_times(plant, kernels: dict, rounds: int, runs: int) -> tuple[dict, dict]:
    """Median process CPU time [ms] of a year of each kernel, in turns, and each kernel's channels.

    An AI-controlled plant (``scenario.control.mode = "optimise"``) runs the controlled kernels,
    each year with a fresh decision memo (:class:`twin.engine.control.SetpointOptimiser`).
    """
    import numpy as np

    from components.layout import OUTPUT
    from components.step_block import step_blocks
    from twin.engine.control import SetpointOptimiser

    controlled = plant.scenario.control.mode == "optimise"

    def year(kernel):
        out, state = np.empty((len(OUTPUT), plant.n_steps)), plant.initial_state.copy()
        # the arguments after the first seven, by name: revisions differ in which they take (the steps'
        # block since 2026-12-07, the memo's index since 2026-12-08)
        if controlled:
            c = SetpointOptimiser(plant)
            args = dict(grids=c.grids, setup=c.setup, decide_at=c.decide_at, chosen=c.chosen, b=c._b, p=c._p,
                        o=c._o, scratch=c._scratch, **dict(zip(("block", "steps_in"), c._blocks)),
                        **dict(zip(("memo", "memo_params", "memo_index"), c._memo)))
        else:
            args = dict(zip(("block", "steps_in"), step_blocks(len(OUTPUT), plant.boundary.shape[0])))
        code = kernel.py_func.__code__
        extra = tuple(args[name] for name in code.co_varnames[7:code.co_argcount])
        c0 = time.process_time()
        kernel(0, plant.n_steps, plant.boundary, plant.params.copy(), plant.curves, out, state, *extra)
        return time.process_time() - c0, out

    channels = {name: year(k)[1] for name, k in kernels.items()}  # compiles (or loads) both
    cpu = {name: [] for name in kernels}
    for _ in range(rounds):
        for name, kernel in kernels.items():
            cpu[name] += [year(kernel)[0] for _ in range(runs)]
    return {name: 1e3 * statistics.median(c) for name, c in cpu.items()}, channels


def difference(base, new) -> str:
    """'identical', or how far two runs' channels lie apart: the largest relative difference of any
    channel at any step (against the channel's largest magnitude) and that of the annual facility
    energy."""
    import numpy as np

    from components.layout import OUTPUT

    if np.array_equal(base, new, equal_nan=True):
        return "identical"
    scale = np.nanmax(np.abs(base), axis=1, keepdims=True)
    worst = np.nanmax(np.abs(new - base) / np.where(scale > 0.0, scale, 1.0))
    energy = new[OUTPUT.p_facility].sum() / base[OUTPUT.p_facility].sum() - 1.0
    return f"differ: at most {worst:.1e} of a channel's range, annual facility energy {energy:+.1e}"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mixes", nargs="*", default=["baseline"],
                   help="mixes of measures_run.MIXES, each also with ' + AI control'")
    p.add_argument("--base", default="HEAD", help="git revision to compare the working tree with")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--site", default=None, help="a bundled site id instead of the default room's (e.g. hohhot)")
    args = p.parse_args(argv)
    import numpy as np

    from components.layout import OUTPUT, PARAM
    from components.spans import span_kernel
    from components.supervisory import controlled_kernel

    sys.path.insert(0, str(base_package(args.base)))
    base_layout = importlib.import_module("components_base.layout")
    if len(base_layout.PARAM) != len(PARAM) or len(base_layout.OUTPUT) != len(OUTPUT):
        print(f"error: {args.base} has another array layout (components/layout.py); cannot compare", file=sys.stderr)
        return 2
    base_spans = importlib.import_module("components_base.spans")
    base_supervisory = importlib.import_module("components_base.supervisory")
    for mix in args.mixes:
        plant = measures_run.prepared(measures_run.measures_of(mix), args.site)
        kind = plant.params[PARAM.plant_type]
        if plant.scenario.control.mode == "optimise":
            kernels = {"base": base_supervisory.controlled_kernel(kind), "new": controlled_kernel(kind)}
        else:
            kernels = {"base": base_spans.span_kernel(kind), "new": span_kernel(kind)}
        ms, channels = kernel_times(plant, kernels, args.rounds, args.runs)
        print(f"{mix}: {args.base} {ms['base']:.3f} ms, working tree {ms['new']:.3f} ms "
              f"({ms['new'] / ms['base'] - 1:+.1%}); channels {difference(channels['base'], channels['new'])}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
