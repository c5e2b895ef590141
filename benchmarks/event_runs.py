"""Speed of annual hourly runs whose SimPy events cut the year into many spans.

A run without events is one compiled call over the year; each SimPy event (a change of the battery's
dispatch, an outage, a failure, a monthly set point) ends a span, runs Python and starts the next
span.  For each mix of :data:`MIXES` (the bundled default with those measures): the median CPU time
of warm runs of the SimPy loop and kernels (``run_plant``, as ``measures_run.py`` times them), the
number of spans and the CPU time per span above the default room's year.  The lithium battery's
time-of-use peak shaving is the busiest: a dispatch at every change of tariff period (2,469 spans a
year in Guangzhou).

Usage: ``.venv/bin/python benchmarks/event_runs.py``.  Results go to
``benchmarks/results/event_runs.json``; a measurement, not a test.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

import measures_run  # noqa: E402  (benchmarks/ sibling)

MIXES = {
    "baseline": [],
    "lithium battery": [{"name": "lithium_battery"}],
    "lithium battery + peak shaving": [{"name": "lithium_battery", "peak_shaving": True,
                                        "shaving_capacity_kwh": 1000.0}],
    "rooftop PV + lithium battery": [{"name": "pv", "pv_kwp": 300.0}, {"name": "lithium_battery"}],
}


def spans_of(plant) -> int:
    """Spans (compiled calls between events) of one run of ``plant``. [-]"""
    from twin.engine import loop
    from twin.engine.simulate import run_plant

    count = 0
    advance = loop.Simulation.advance_to

    def counted(sim, t_s):
        nonlocal count
        before = sim.spans
        advance(sim, t_s)
        count += sim.spans - before

    loop.Simulation.advance_to = counted
    try:
        run_plant(plant)
    finally:
        loop.Simulation.advance_to = advance
    return count


def main() -> int:
    res = {"benchmark": "event_runs", "date": time.strftime("%Y-%m-%d %H:%M:%S %z"), "cpus": os.cpu_count(),
           "load_average_before": [round(x, 2) for x in os.getloadavg()], "mixes": {}}
    for name, measures in MIXES.items():
        plant = measures_run.prepared(measures)
        _, cpu = measures_run.warm_times(plant, 20)
        res["mixes"][name] = {"cpu_ms": round(cpu, 3), "spans": spans_of(plant)}
    base = res["mixes"]["baseline"]["cpu_ms"]
    for name, row in res["mixes"].items():
        extra = row["spans"] - 1
        row["us_per_span_above_baseline"] = round(1e3 * (row["cpu_ms"] - base) / extra, 2) if extra > 0 else None
        per_span = (f" ({row['us_per_span_above_baseline']:.1f} us a span above the default room's year)"
                    if extra > 0 else "")
        print(f"{name}: {row['cpu_ms']:.2f} ms CPU, {row['spans']} span(s){per_span}")
    res["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    out = HERE / "results" / "event_runs.json"
    out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
