"""The run summary: every headline figure with its unit and definition, as one dictionary.

``dctwin run --json`` prints it, ``--out`` writes it as ``summary.json``, and the terminal
table is rendered from it, so the three never disagree.  Metric modules add their own blocks.
"""

from __future__ import annotations

from pathlib import Path

from twin.engine.results import Result, write_json, write_netcdf
from twin.inputs.bundled import portable_path
from twin.metrics.energy import energy_summary, metric
from twin.metrics.feasibility import feasibility_summary
from twin.metrics.policy import policy_attrs, policy_summary
from twin.metrics.power import power_summary


def build_summary(result: Result, *, scenario_file: str | None = None) -> dict:
    """Summary dictionary of one result (JSON-serialisable).

    ``scenario_file`` locates relative inputs (policy tables); the summary names it and the
    weather file without machine paths (:func:`twin.inputs.bundled.portable_path`).
    """
    plant = result.plant
    scn = plant.scenario
    w = plant.weather
    summary = {
        "scenario": {
            "name": scn.scenario.name,
            "file": None if scenario_file is None else portable_path(scenario_file),
            "site": w.site_id,
            "site_name": w.name,
            "weather_file": w.source_name,
            "weather_repaired_hours": metric(w.repaired_hours, "h",
                                             "hours whose dew point > dry bulb or RH > 100 % were repaired on load"),
            "year": scn.scenario.year,
            "timestep_min": scn.scenario.timestep_min,
            "design": plant.design,
        },
        "run": {"runtime_s": metric(result.runtime_s, "s"), "events": len(result.events),
                "method": scn.scenario.method,
                "simulated_steps": metric(result.extras.get("kernel_steps", plant.n_steps), "-",
                                          "steps the kernel simulated: every step, or each bin once per span "
                                          "(method 'bins')")},
    }
    energy = energy_summary(result)
    summary.update(energy)
    summary.update(feasibility_summary(result))  # can the plant carry its load and hold the envelope?
    summary.update(policy_summary(result, energy, scenario_file=scenario_file,
                                  feasibility=summary["feasibility"]))
    summary.update(power_summary(result, energy))  # ITUE/TUE, storage, PV, events (twin/engine/events.py, issue 4)
    if getattr(scn, "calibration", None) is not None:
        from twin.inputs.calibration_schema import calibration_summary
        summary["calibration"] = calibration_summary(scn.calibration, plant)
    return summary


def run_dataset(result: Result, summary: dict):
    """The run's time series with the summary's policy figures as attributes (``results.nc``)."""
    ds = result.to_dataset()
    ds.attrs.update(policy_attrs(summary))
    return ds


def save_run(result: Result, summary: dict, out: Path) -> Path:
    """Write ``results.nc`` and ``summary.json`` of one run to the folder ``out``; return ``out``."""
    out = Path(out)
    write_netcdf(result, out / "results.nc", attrs=policy_attrs(summary))
    write_json(summary, out / "summary.json")
    return out
