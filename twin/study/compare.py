"""Run every mix of a study, rank the mixes, and gather what the report and ``results.nc`` show.

Each mix is the baseline scenario with the mix's measures appended; it is simulated with
:func:`twin.engine.simulate.run_scenario` and summarised with :func:`twin.metrics.summary.build_summary`, the
same path as ``dctwin run``, so the metric names and values agree with ``dctwin run --json``.
Besides the summary, a few compact views of the hourly result are kept per mix (PUE by outdoor
wet-bulb bin and the facility load-duration curve); the full hourly series only on request.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import time as _time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from twin.inputs.bundled import portable_path
from twin.measures import measure_parameters
from twin.metrics.energy import J_PER_KWH, metric
from twin.metrics.feasibility import is_infeasible
from twin.study.columns import COLUMN_BY_KEY, COLUMNS, column_value, get_path, scalar_metrics, walk_metrics
from twin.study.design import BASELINE_MIX, Mix, Study
from twin.study.economics import mix_economics

#: Outdoor wet-bulb bin edges for the temperature-bin view [degC] (2 K bins).
WET_BULB_EDGES_C = np.arange(-30.0, 36.0 + 1e-9, 2.0)
#: Points of the stored load-duration curve (quantiles of facility power).
LOAD_DURATION_POINTS = 101
#: Channels kept per mix with ``hourly=True``.
HOURLY_CHANNELS = ("p_facility", "p_it", "p_crah_fans", "p_chillers", "t_supply_air", "economizer_mode")


@dataclass
class MixOutcome:
    """What one simulated mix contributes to the comparison."""

    mix: Mix
    summary: dict
    wet_bulb_facility_kwh: np.ndarray      # facility energy per wet-bulb bin [kWh]
    wet_bulb_it_kwh: np.ndarray            # IT energy per wet-bulb bin [kWh]
    wet_bulb_hours: np.ndarray             # hours per wet-bulb bin [h]
    load_duration_kw: np.ndarray           # facility power exceeded for 0..100 % of the time [kW]
    hourly: dict[str, np.ndarray] | None = None
    runtime_s: float = 0.0
    weather: object = None                 # the run's twin.inputs.weather.Weather (shared, read-only)

    @property
    def pue(self) -> float:
        return float(self.summary["pue"]["value"])


@dataclass
class Comparison:
    """The outcome of a study: every mix, the baseline, and the ranking."""

    study: Study
    outcomes: list[MixOutcome]              # in study order (the baseline first when listed)
    baseline: MixOutcome
    rank_by: str
    order: list[int] = field(default_factory=list)   # indices into outcomes, best first
    time_utc: np.ndarray | None = None
    temp_wet_bulb: np.ndarray | None = None
    runtime_s: float = 0.0
    created: str = ""
    bands: dict = field(default_factory=dict)       # mix name -> twin.study.uncertainty band (twin/study/bands.py)

    def ranked(self) -> list[MixOutcome]:
        return [self.outcomes[i] for i in self.order]


def _outcome(mix: Mix, result, *, scenario_file: str | None, hourly: bool) -> MixOutcome:
    from twin.metrics.summary import build_summary

    summary = build_summary(result, scenario_file=scenario_file)
    summary["scenario"]["mix"] = mix.name
    summary["scenario"]["measures"] = [dict(m) for m in mix.measures]
    w = result.plant.weather
    to_kwh = result.plant.timestep_s / J_PER_KWH
    p_fac, p_it = result["p_facility"], result["p_it"]
    idx = np.clip(np.digitize(w.temp_wet_bulb, WET_BULB_EDGES_C) - 1, 0, len(WET_BULB_EDGES_C) - 2)
    nb = len(WET_BULB_EDGES_C) - 1
    q = np.linspace(0.0, 1.0, LOAD_DURATION_POINTS)
    return MixOutcome(
        mix=mix, summary=summary,
        wet_bulb_facility_kwh=np.bincount(idx, weights=p_fac, minlength=nb) * to_kwh,
        wet_bulb_it_kwh=np.bincount(idx, weights=p_it, minlength=nb) * to_kwh,
        wet_bulb_hours=np.bincount(idx, minlength=nb) * result.dt_h,
        load_duration_kw=np.quantile(p_fac, 1.0 - q) / 1e3,
        hourly={c: np.asarray(result[c], dtype=np.float32) for c in HOURLY_CHANNELS} if hourly else None,
        runtime_s=result.runtime_s,
        weather=w,
    )


def rank_value(outcome: MixOutcome, rank_by: str) -> float:
    v = column_value(COLUMN_BY_KEY[rank_by], outcome.summary)
    return math.inf if v is None or not math.isfinite(v) else v


def rank_key(outcome: MixOutcome, rank_by: str) -> tuple[bool, float, str]:
    """Sort key of a mix: feasible mixes first (an infeasible mix is never ranked best), then
    the ``rank_by`` metric (lower is better), then the name."""
    return is_infeasible(outcome.summary), rank_value(outcome, rank_by), outcome.mix.name


def run_study(study: Study, *, hourly: bool = False,
              progress: Callable[[str], None] | None = None) -> Comparison:
    """Simulate every mix of ``study`` (plus the baseline when it is not listed) and rank them.

    Feasible mixes come first, then the infeasible ones (:func:`rank_key`).
    ``progress(mix_name)`` is called after each mix.  A ``rank_by`` metric that this
    installation does not compute falls back to PUE (``Comparison.rank_by`` says which was used).
    """
    from twin.engine.simulate import run_scenario

    t0 = _time.perf_counter()
    outcomes: list[MixOutcome] = []
    baseline = None
    time_utc = wb = None
    mixes = list(study.mixes)
    listed_baseline = any(m.name == BASELINE_MIX and not m.measures for m in mixes)
    if not listed_baseline:
        mixes = [Mix(BASELINE_MIX)] + mixes
    for mix in mixes:
        result = run_scenario(study.scenario(mix), file=study.file, base_dir=study.base_dir)
        out = _outcome(mix, result, scenario_file=study.baseline_file or study.file, hourly=hourly)
        if baseline is not None:
            block = mix_economics(mix, result.plant, baseline.summary, out.summary)
            if block is not None:
                out.summary["economics"] = block
        del result
        if mix.name == BASELINE_MIX and not mix.measures:
            baseline = out
            if time_utc is None:
                w = out.weather
                time_utc = (w.time - np.timedelta64(int(round(w.tz_hours * 3600)), "s")).to_numpy()
                wb = np.asarray(w.temp_wet_bulb, dtype=np.float32)
            if listed_baseline:
                outcomes.append(out)
        else:
            outcomes.append(out)
        if progress is not None:
            progress(mix.name)
    assert baseline is not None
    rank_by = study.rank_by
    if all(column_value(COLUMN_BY_KEY[rank_by], o.summary) is None for o in outcomes):
        rank_by = "pue"
    order = sorted(range(len(outcomes)), key=lambda i: rank_key(outcomes[i], rank_by))
    return Comparison(study=study, outcomes=outcomes, baseline=baseline, rank_by=rank_by, order=order,
                      time_utc=time_utc, temp_wet_bulb=wb, runtime_s=_time.perf_counter() - t0,
                      created=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


# ------------------------------------------------------------------------------------------------
# Derived quantities
# ------------------------------------------------------------------------------------------------

def delta_pue(outcome: MixOutcome, baseline: MixOutcome) -> float:
    """PUE of the mix minus PUE of the baseline (negative is better). [-]"""
    return outcome.pue - baseline.pue


def energy_saving_kwh(outcome: MixOutcome, baseline: MixOutcome) -> float:
    """Facility energy saved against the baseline. [kWh]"""
    return baseline.summary["energy_facility_kwh"]["value"] - outcome.summary["energy_facility_kwh"]["value"]


def pue_by_wet_bulb(outcome: MixOutcome) -> np.ndarray:
    """PUE of the hours in each wet-bulb bin (NaN for empty bins). [-]"""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(outcome.wet_bulb_it_kwh > 0, outcome.wet_bulb_facility_kwh / outcome.wet_bulb_it_kwh, np.nan)


def mix_assumptions(summary: dict) -> list[dict]:
    """Every assumption-grade input behind a mix's costs: the bill's (``policy.cost.assumptions``) and,
    for a priced mix, the CAPEX and finance ones (``economics.assumptions``), without repeats."""
    found = (get_path(summary, "economics.assumptions") or []) + (get_path(summary, "policy.cost.assumptions") or [])
    return list({a["input"]: a for a in found}.values())


def baseline_label(study: Study) -> str:
    """The study's baseline file without machine paths (:func:`twin.inputs.bundled.portable_path`):
    relative to the study file's folder, a bundled file by its name, or "inline [baseline]"."""
    if not study.baseline_file:
        return "inline [baseline]"
    return Path(portable_path(study.baseline_file, Path(study.file).parent if study.file else None)).as_posix()


def ranked_json(comp: Comparison) -> list[dict]:
    """One object per mix, best first, with the metric names of ``dctwin run --json``.

    Each headline metric that exists in this installation appears under its summary key
    (e.g. ``"pue"``, ``"energy_facility_kwh"``, ``"water_site_l"``) with its unit and note;
    ``delta_pue`` and ``energy_saving_kwh`` are against the baseline; ``feasibility`` is the run's
    verdict block (verdict, reasons, warnings, checks); ``measures`` lists each measure with every
    parameter (:func:`twin.measures.measure_parameters`); ``assumptions`` the assumption-grade inputs
    behind the mix's costs (:func:`mix_assumptions`).
    """
    rows = []
    for rank, o in enumerate(comp.ranked(), start=1):
        row = {"rank": rank, "mix": o.mix.name, "measures": [measure_parameters(m) for m in o.mix.measures],
               "delta_pue": metric(delta_pue(o, comp.baseline), "-", "PUE of the mix minus PUE of the baseline"),
               "energy_saving_kwh": metric(energy_saving_kwh(o, comp.baseline), "kWh",
                                           "baseline facility energy minus the mix's")}
        for col in COLUMNS:
            found = col.find(o.summary)
            if found is not None:
                row[found[0]] = found[1]
        row["pue_monthly"] = o.summary["pue_monthly"]
        row["feasibility"] = o.summary["feasibility"]
        row["assumptions"] = mix_assumptions(o.summary)
        if o.mix.name in comp.bands:
            row["band"] = comp.bands[o.mix.name]
        rows.append(row)
    return rows


def _var_name(path: str) -> str:
    return path.replace(".", "__")


def to_dataset(comp: Comparison, *, hourly: bool = False):
    """The comparison as an :class:`xarray.Dataset` with a ``mix`` dimension (best first).

    Variables: every numeric scalar metric of the summaries (dots in summary paths become
    ``__``; ``attrs["summary_path"]`` keeps the original), ``delta_pue``,
    ``pue_monthly(mix, month)``, ``energy_kwh(mix, component)``, ``pue_by_wet_bulb(mix,
    wet_bulb)``, ``hours_by_wet_bulb(wet_bulb)``, ``load_duration_kw(mix, time_fraction)`` and,
    with ``hourly=True``, the hourly channels ``(mix, time)``.
    """
    import xarray as xr

    from twin.engine.results import CHANNELS
    from twin.study.bands import band_variables

    ranked = comp.ranked()
    names = [o.mix.name for o in ranked]
    metrics = [scalar_metrics(o.summary) for o in ranked]
    paths = sorted({p for m in metrics for p in m})
    data = {}
    for p in paths:
        unit = next(m[p][1] for m in metrics if p in m)
        note_obj = next((o.summary for o in ranked), {})
        for part in p.split("."):
            note_obj = note_obj.get(part, {}) if isinstance(note_obj, dict) else {}
        attrs = {"units": unit, "summary_path": p}
        if isinstance(note_obj, dict) and note_obj.get("note"):
            attrs["long_name"] = note_obj["note"]
        data[_var_name(p)] = ("mix", np.array([m.get(p, (np.nan, ""))[0] for m in metrics]), attrs)
    for p in sorted({p for o in ranked for p, e in walk_metrics(o.summary) if isinstance(e["value"], str)}):
        values = []
        for o in ranked:
            e = get_path(o.summary, p)
            values.append(e["value"] if isinstance(e, dict) and isinstance(e.get("value"), str) else "")
        data[_var_name(p)] = ("mix", np.array(values, dtype=object), {"summary_path": p})
    data["feasibility_reasons"] = ("mix", np.array([" ".join(o.summary["feasibility"]["reasons"]) for o in ranked],
                                                   dtype=object), {"long_name": "why the mix is infeasible ('' if feasible)"})
    data["cost_assumptions"] = ("mix", np.array([json.dumps(mix_assumptions(o.summary), ensure_ascii=False)
                                                 for o in ranked], dtype=object),
                                {"long_name": "assumption-grade inputs behind the mix's costs, JSON"})
    data["delta_pue"] = ("mix", np.array([delta_pue(o, comp.baseline) for o in ranked]),
                         {"units": "1", "long_name": "PUE of the mix minus PUE of the baseline"})
    data["energy_saving_kwh"] = ("mix", np.array([energy_saving_kwh(o, comp.baseline) for o in ranked]),
                                 {"units": "kWh", "long_name": "baseline facility energy minus the mix's"})
    data.update(band_variables(comp))
    data["pue_monthly"] = (("mix", "month"), np.array([o.summary["pue_monthly"]["value"] for o in ranked]),
                           {"units": "1", "long_name": "monthly PUE"})
    components = [r["component"] for r in ranked[0].summary["breakdown"]]
    energy = np.array([[{r["component"]: r["kwh"] for r in o.summary["breakdown"]}.get(c, np.nan) for c in components]
                       for o in ranked])
    data["energy_kwh"] = (("mix", "component"), energy, {"units": "kWh", "long_name": "annual energy by component"})
    data["pue_by_wet_bulb"] = (("mix", "wet_bulb"), np.array([pue_by_wet_bulb(o) for o in ranked]),
                               {"units": "1", "long_name": "PUE of the hours in each outdoor wet-bulb bin"})
    data["hours_by_wet_bulb"] = ("wet_bulb", comp.baseline.wet_bulb_hours,
                                 {"units": "h", "long_name": "hours in each outdoor wet-bulb bin"})
    data["load_duration_kw"] = (("mix", "time_fraction"), np.array([o.load_duration_kw for o in ranked]),
                                {"units": "kW", "long_name": "facility power exceeded for this fraction of the year"})
    coords = {
        "mix": ("mix", np.array(names, dtype=object)),
        "rank": ("mix", np.arange(1, len(names) + 1)),
        "measures": ("mix", np.array([json.dumps([measure_parameters(m) for m in o.mix.measures]) for o in ranked],
                                     dtype=object),
                     {"long_name": "measures of the mix with every parameter, JSON"}),
        "month": ("month", np.arange(1, 13)),
        "component": ("component", np.array(components, dtype=object)),
        "wet_bulb": ("wet_bulb", 0.5 * (WET_BULB_EDGES_C[1:] + WET_BULB_EDGES_C[:-1]),
                     {"units": "degC", "long_name": "outdoor wet-bulb bin centre (2 K bins)"}),
        "time_fraction": ("time_fraction", np.linspace(0.0, 1.0, LOAD_DURATION_POINTS),
                          {"units": "1", "long_name": "fraction of the year"}),
    }
    if hourly and all(o.hourly is not None for o in ranked):
        for c in HOURLY_CHANNELS:
            unit, desc = CHANNELS[c]
            data[f"hourly_{c}"] = (("mix", "time"), np.stack([o.hourly[c] for o in ranked]),
                                   {"units": unit, "long_name": desc})
        coords["time"] = ("time", comp.time_utc, {"long_name": "step start, UTC"})
        data["temp_wet_bulb"] = ("time", comp.temp_wet_bulb, {"units": "degC", "long_name": "outdoor wet bulb"})
    s = comp.baseline.summary["scenario"]
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({
        "title": f"dctwin comparison: {comp.study.name}",
        "study_file": portable_path(comp.study.file) if comp.study.file else "",
        "baseline_file": baseline_label(comp.study),
        "site": s["site"], "site_name": s["site_name"], "year": s["year"],
        "ranked_by": comp.rank_by, "created": comp.created,
        "conventions": "one entry per technology mix, best first; energy in kWh, water in L",
    })
    return ds


def write_dataset(comp: Comparison, path, *, hourly: bool = False) -> None:
    """Write :func:`to_dataset` to NetCDF4 (:func:`twin.engine.results.write_dataset`), atomically."""
    from twin.engine import results

    results.write_dataset(to_dataset(comp, hourly=hourly), path)
