"""Calibrate a scenario to its meters: bounded least squares, uncertainty, identifiability.

Method
------
The meters drive the twin (:mod:`twin.calibration.replay`: measured IT power and outdoor air) and the
uncertain parameters of :data:`PARAMETERS` are estimated by bounded least squares
(:func:`scipy.optimize.least_squares`, trust-region reflective) on the residuals of every
metered channel at every compared step.  Residuals are normalised per channel so that each
channel weighs the same whatever its size: a power channel by its metered mean (so its sum of
squares is its squared CV(RMSE)), a temperature channel by ``scale_k`` of
``twin/data/meter_columns.toml``; each channel is also divided by the square root of its number
of steps.  The optimiser works on each parameter scaled to ``[0, 1]`` over its bounds.

A parameter that maps one-to-one onto a kernel parameter (UPS coefficients, CRAH fan power,
recirculation, set points) is changed in a copy of ``plant.params``; the chiller COP scale and
the tower approach change design quantities (condenser flow, tower NTU) and re-assemble the plant
(about 2 ms; a simulation is about 30 ms).

Uncertainty and identifiability
-------------------------------
The covariance of the estimates is ``s^2 (J'J)^-1`` with ``J`` the Jacobian at the solution and
``s^2`` the residual variance, inflated by ``(1 + rho) / (1 - rho)`` for the lag-1
autocorrelation ``rho`` of the residuals (the effective-sample-size correction of ASHRAE
Guideline 14 Annex B); it still assumes the model structure is right, so it is a lower bound.
A parameter is reported as NOT identifiable, kept at its base value and left out of the fit when

1. no meter observes its component (``observed_by``; for example the tower approach without a
   chiller, tower-fan or condenser-water meter: through the facility meter alone it is confounded
   with the chiller COP scale);
2. no metered channel responds to it (a column of ``J`` near zero at the start);
3. its standard deviation exceeds :data:`MAX_RELATIVE_STD` of its plausible range after the fit.

A fitted parameter that ends on (within :data:`twin.calibration.checks.ON_BOUND_TOLERANCE` of) a
bound is reported as on bound, not identifiable, and without a standard deviation: its value is
written (the fit needs it) but the meters wanted one beyond the plausible range.  Pairs of
estimates correlated beyond :data:`MAX_CORRELATION` are reported as warnings.

What the fit cannot hide (:mod:`twin.calibration.checks`)
----------------------------------------------------------
A channel that met Guideline 14 (hourly or monthly) before the fit and fails after is a warning.
The out-of-sample check fits again without some months (default every third month) and reports
the Guideline 14 statistics of those months beside the in-sample ones.  The hourly residuals of
the calibrated run are set against outdoor dry bulb and IT power (:mod:`twin.calibration.residuals`);
a correlation ratio of 0.1 or more is a warning that the parameters absorb a model-form error.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import time as _time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np

from components.layout import PARAM
from twin.calibration import checks
from twin.calibration.checks import DEFAULT_HOLDOUT_MONTHS
from twin.calibration.parameters import PARAMETERS
from twin.calibration.replay import Replay, compare, prepare_replay, simulated_channel
from twin.calibration.scenario_file import calibrated_dict, relocate, significant
from twin.engine.plant import assemble
from twin.engine.results import Result
from twin.errors import InputError
from twin.inputs.calibration_schema import OVERRIDABLE, Calibration, CalibratedParameter, apply_calibration
from twin.inputs.meter_file import channel_specs

MAX_RELATIVE_STD = 0.10    # std above 10 % of the bounds' width: not identifiable
MAX_CORRELATION = 0.95     # |correlation| above this: reported
MIN_SENSITIVITY = 1e-4     # |J column| below this (normalised residual per unit of scaled range): no response
DIFF_STEP = 0.005          # finite-difference step, fraction of each parameter's range
DEFAULT_TIME_BUDGET_S = 60.0


# ---------------------------------------------------------------------------------------------
# The least-squares problem
# ---------------------------------------------------------------------------------------------


class _OutOfTime(Exception):
    pass


class _Problem:
    """Residuals of a replay as a function of parameter values."""

    def __init__(self, replay: Replay, channels: list[str], mask: np.ndarray | None = None):
        """Residuals over the compared steps of ``replay`` (and of ``mask`` when given)."""
        self.replay = replay
        self.base = replay.plant
        self.channels = channels
        mask = replay.mask if mask is None else replay.mask & mask
        self.idx, self.meas, self.norm = {}, {}, {}
        for ch in channels:
            spec = channel_specs()[ch]
            m = replay.meters.channel(ch)
            ok = mask & np.isfinite(m)
            self.idx[ch] = np.flatnonzero(ok)
            self.meas[ch] = m[ok]
            scale = float(np.mean(m[ok])) if spec["kind"] == "power" else float(spec["scale_k"])
            self.norm[ch] = abs(scale) * math.sqrt(max(1, ok.sum()))
        self.simulations = 0
        self._assembled: dict[tuple, object] = {}
        self.deadline = math.inf

    def plant_for(self, values: dict[str, float]):
        """The replay plant with ``values`` written in."""
        base = self.base
        scn = base.scenario
        key = tuple(sorted((k, round(v, 12)) for k, v in values.items() if PARAMETERS[k].reassemble))
        plant = base
        if key and any(abs(v - PARAMETERS[k].base(base)) > 1e-12 for k, v in key):
            plant = self._assembled.get(key)
            if plant is None:
                changes = {}
                d = dict(key)
                if "chiller_cop_scale" in d:
                    changes["chiller_rated_cop"] = scn.plant.chiller_rated_cop * d["chiller_cop_scale"]
                if "tower_approach_k" in d:
                    changes["tower_approach_k"] = d["tower_approach_k"]
                scn2 = scn.model_copy(update={"plant": scn.plant.model_copy(update=changes)})
                plant = apply_calibration(assemble(scn2, base.weather, file=self.replay.file,
                                                   base_dir=self.replay.base_dir,
                                                   it_power_w=self.replay.meters.it_power_w()))
                if len(self._assembled) > 64:
                    self._assembled.clear()
                self._assembled[key] = plant
        p = plant.params.copy()
        setpoints = {k: v.copy() for k, v in plant.monthly_setpoints.items()}
        for name, v in values.items():
            if name in ("ups_no_load", "ups_proportional"):
                p[PARAM[name]] = v
            elif name == "crah_unit_fan_kw":
                p[PARAM.crah_unit_fan_w] = v * 1e3
            elif name == "recirculation_min":
                p[PARAM.recirculation_min] = v
            elif name in ("supply_air_c", "chw_supply_c"):
                shift = v - PARAMETERS[name].base(base)
                setpoints[name] = setpoints[name] + shift
                p[PARAM[name]] = p[PARAM[name]] + shift
        return replace(plant, params=p, monthly_setpoints=setpoints)

    def simulate(self, values: dict[str, float]) -> np.ndarray:
        from twin.engine.simulate import run_plant

        if _time.perf_counter() > self.deadline:
            raise _OutOfTime
        self.simulations += 1
        return run_plant(self.plant_for(values), file=self.replay.file).out

    def residuals_of(self, out: np.ndarray) -> np.ndarray:
        parts = [(simulated_channel(out, ch)[self.idx[ch]] - self.meas[ch]) / self.norm[ch]
                 for ch in self.channels]
        return np.concatenate(parts)

    def channel_slices(self) -> list[slice]:
        out, a = [], 0
        for ch in self.channels:
            out.append(slice(a, a + len(self.idx[ch])))
            a += len(self.idx[ch])
        return out


def _lag1(r: np.ndarray) -> float:
    if r.size < 3 or np.std(r) == 0:
        return 0.0
    return float(np.corrcoef(r[:-1], r[1:])[0, 1])


@dataclass
class FitResult:
    """What :func:`calibrate` found."""

    values: dict[str, float]
    parameters: dict[str, CalibratedParameter]
    channels: list[str]
    before: dict
    after: dict
    warnings: list[str]
    correlations: dict[str, float]
    runtime_s: float
    simulations: int
    calibrated: dict                      # the calibrated scenario as a TOML-ready dictionary
    replay: Replay | None = None
    result_after: object = None
    details: dict = field(default_factory=dict)
    worsened: list[dict] = field(default_factory=list)       # channels the fit made fail (calibration_checks)
    out_of_sample: dict = field(default_factory=dict)         # the held-out check (_out_of_sample)
    residual_structure: dict = field(default_factory=dict)    # eta^2 per channel (twin.calibration.residuals)


def _stats_brief(block: dict) -> dict:
    """The per-channel statistics without the monthly lists (for the TOML table)."""
    keep = ("hours", "cv_rmse_hourly_pct", "nmbe_hourly_pct", "cv_rmse_monthly_pct", "nmbe_monthly_pct",
            "meets_guideline14_hourly", "meets_guideline14_monthly", "meets_guideline14", "rmse_k", "bias_k")
    def tidy(x):
        return round(x, 4) if isinstance(x, float) else x

    return {ch: {k: tidy(s[k]) for k in keep if s.get(k) is not None
                 and not (isinstance(s[k], float) and not math.isfinite(s[k]))}
            for ch, s in block["channels"].items() if not s.get("boundary")}


def calibrate(data: dict, meters: str | Path, *, file: str | None = None, base_dir: Path | None = None,
              tz: str | None = None, parameters: list[str] | None = None,
              start: dict[str, float] | None = None, min_coverage: float | None = None,
              time_budget_s: float = DEFAULT_TIME_BUDGET_S, out_path: Path | None = None,
              holdout_months: tuple[int, ...] | None = DEFAULT_HOLDOUT_MONTHS,
              progress: Callable[[str], None] | None = None) -> FitResult:
    """Estimate the uncertain parameters of a scenario from a meter file.

    Parameters
    ----------
    data : dict
        The base scenario as read from its TOML file (kept, apart from the fitted values, in the
        calibrated scenario).
    meters : path
        Meter file (see :mod:`twin.inputs.meters`).
    file, base_dir : optional
        The scenario file (for messages) and the folder its relative paths start from.
    tz : str, optional
        Time zone of naive meter timestamps.
    parameters : list of str, optional
        Names from :data:`PARAMETERS` to estimate; default all that apply to the plant type.
    start : dict, optional
        Starting values that differ from the base scenario (the "before" statistics use them).
    time_budget_s : float
        Wall-time limit of each fit (the calibration and the held-out check); the best point so far
        is used when it runs out.
    out_path : path, optional
        Where the calibrated scenario will be written (relative paths are rewritten for it).
    holdout_months : tuple of int, optional
        Months (1-12) left out of a second fit and checked against it (the out-of-sample error);
        default every third month (:data:`twin.calibration.checks.DEFAULT_HOLDOUT_MONTHS`);
        ``()`` or ``None``: no out-of-sample check.
    """
    from twin.inputs.schema import validate_scenario

    t0 = _time.perf_counter()
    say = progress or (lambda msg: None)
    base_dir = Path(base_dir) if base_dir is not None else (Path(file).parent if file else Path.cwd())
    scn = validate_scenario(data, file=file)
    if getattr(scn, "measures", None):
        raise InputError("calibrate a baseline without [[measures]]; apply measures to the calibrated "
                         "scenario afterwards", file=file, key="measures")
    replay = prepare_replay(scn, meters, tz=tz, file=file, base_dir=base_dir, min_coverage=min_coverage)
    sm = replay.meters
    warnings: list[str] = []
    if sm.it_power_w() is None:
        warnings.append("no it_kw meter: the server model's IT power is used, so every channel also "
                        "carries the IT model's error")
    available = sm.available_channels()
    replaced = {r for c in available for r in channel_specs()[c].get("replaces", [])}
    channels = [c for c in available if channel_specs()[c].get("calibrate", True) and c not in replaced]
    if not channels:
        raise InputError(f"no metered channel to calibrate against: the file only holds model inputs "
                         f"({', '.join(sm.columns)}); add facility_kw or a sub-meter", file=str(meters))
    if int(replay.mask.sum()) < 24:
        raise InputError(f"only {int(replay.mask.sum())} steps have IT power (and outdoor air) metered; "
                         f"a calibration needs at least a day", file=str(meters))
    problem = _Problem(replay, channels)

    names = [n for n, p in PARAMETERS.items() if p.applies(scn)]
    if parameters:
        unknown = [p for p in parameters if p not in PARAMETERS]
        if unknown:
            raise InputError(f"unknown parameter(s) {unknown}; choose from {list(PARAMETERS)}", key="--params")
        names = [n for n in names if n in parameters]
    base_values = {n: PARAMETERS[n].base(replay.plant) for n in names}
    bounds = {n: PARAMETERS[n].bounds(base_values[n], replay.plant) for n in names}
    values0 = dict(base_values)
    for k, v in (start or {}).items():
        if k not in values0:
            raise InputError(f"start value for '{k}', which is not estimated here; estimated: {names}")
        lo, hi = bounds[k]
        if not lo <= v <= hi:
            raise InputError(f"start value {k} = {v} is outside its bounds [{lo:g}, {hi:g}]")
        values0[k] = float(v)

    say(f"simulating the starting point ({len(channels)} channels: {', '.join(channels)})")
    out0 = problem.simulate(values0)
    before = compare(Result(plant=problem.plant_for(values0), out=out0), replay)

    say("screening which parameters the meters can see")
    est = _estimate(problem, names, values0, base_values, bounds, set(available), out0,
                    t0 + time_budget_s, say)
    values, std, corr, fit_info, free, notes, sens = (est[k] for k in (
        "values", "std", "corr", "info", "free", "notes", "sensitivity"))
    on_bound = {n: side for n in free if (side := checks.bound_side(values[n], *bounds[n]))}
    for n, side in on_bound.items():
        warnings.append(f"{n} is " + checks.on_bound_note(n, PARAMETERS[n].unit, values[n], side, *bounds[n],
                                                           std[n]))
    correlations = {}
    for (a, b), c in corr.items():
        if abs(c) > MAX_CORRELATION:
            correlations[f"{a}~{b}"] = c
            warnings.append(f"{a} and {b} are correlated ({c:+.2f}): the meters pin down a combination "
                            f"of the two better than each alone (their std include this)")
    for n, why in notes.items():
        warnings.append(f"{n} is not identifiable and stays at its base value {base_values[n]:.4g}: {why}")
    if fit_info.get("out_of_time"):
        warnings.append(f"the fit stopped at the time budget of {time_budget_s:g} s; the best point found is used")

    calibrated = calibrated_dict(data, scn, values, base_values, free)
    # overrides of an earlier calibration stay unless this one estimates them again
    overrides = dict(scn.calibration.overrides) if getattr(scn, "calibration", None) else {}
    overrides.update({n: values[n] for n in OVERRIDABLE if n in free})
    # re-run through the ordinary path from the written values: the TOML reproduces these figures
    cal_scn = _with_overrides(validate_scenario(calibrated, file=file), overrides)
    replay_after = prepare_replay(cal_scn, meters, tz=tz, file=file, base_dir=base_dir,
                                  min_coverage=min_coverage)
    from twin.engine.simulate import run_plant

    result_after = run_plant(replay_after.plant, file=file)
    problem.simulations += 1
    after = compare(result_after, replay_after)
    worsened = checks.worsened_channels(before, after)
    warnings.extend(checks.worsened_warning(w) for w in worsened)
    from twin.calibration.residuals import hourly_residuals, structure, structure_warnings

    residual_structure = structure(hourly_residuals(result_after, replay_after))
    warnings.extend(structure_warnings(residual_structure))
    out_of_sample = {}
    if holdout_months:
        say(f"fitting again without months {', '.join(map(str, holdout_months))} (out-of-sample check)")
        out_of_sample = _out_of_sample(replay, channels, checks.check_holdout(holdout_months), names,
                                       values0, base_values, bounds, set(available), after, time_budget_s, say)
        warnings.extend(out_of_sample.pop("warnings"))
        problem.simulations += out_of_sample["simulations"]
    runtime = _time.perf_counter() - t0

    params_out = {}
    for n in names:
        spec = PARAMETERS[n]
        identifiable = n in free and n not in on_bound
        note = notes.get(n, "") or (checks.on_bound_note(n, spec.unit, values[n], on_bound[n], *bounds[n], std[n])
                                    if n in on_bound else "")
        if n == "chiller_cop_scale" and n in free:
            note = "; ".join(x for x in (note, f"rated COP {cal_scn.plant.chiller_rated_cop:.4g}") if x)
        params_out[n] = CalibratedParameter(
            value=significant(values[n]), base=significant(base_values[n]),
            std=significant(std[n], 3) if identifiable and np.isfinite(std.get(n, np.nan)) else None,
            unit=spec.unit, identifiable=identifiable, on_bound=on_bound.get(n, ""),
            bounds=[significant(bounds[n][0]), significant(bounds[n][1])],
            written_to=spec.written_to if n in free else "", note=note)
    def shown(p) -> str:
        if not p:
            return ""
        return os.path.relpath(Path(p).resolve(), Path(out_path).resolve().parent) if out_path else str(p)

    cal = Calibration(
        meters=shown(meters), date=_dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        base_scenario=shown(file), period=replay.report()["period_local"],
        timestep_min=int(replay.plant.timestep_s // 60), channels=channels,
        method=("bounded least squares (scipy.optimize.least_squares, trf) on per-channel normalised "
                "residuals; std from s^2 (J'J)^-1 with a lag-1 autocorrelation correction"),
        runtime_s=round(runtime, 2), simulations=problem.simulations,
        overrides={k: significant(v) for k, v in overrides.items()}, parameters=params_out,
        statistics={"before": _stats_brief(before), "after": _stats_brief(after)},
        out_of_sample=_oos_brief(out_of_sample),
        residual_structure={ch: {k: round(v, 4) for k, v in row.items() if isinstance(v, float) and math.isfinite(v)}
                            for ch, row in residual_structure.items()},
        warnings=warnings)
    if out_path is not None:
        calibrated = relocate(calibrated, out_path, base_dir)
    calibrated["calibration"] = cal.model_dump(exclude_none=True)
    return FitResult(values=values, parameters=params_out, channels=channels, before=before, after=after,
                     warnings=warnings, correlations=correlations, runtime_s=runtime,
                     simulations=problem.simulations, calibrated=calibrated, replay=replay_after,
                     result_after=result_after, details={"sensitivity": sens, **fit_info.get("public", {})},
                     worsened=worsened, out_of_sample=out_of_sample, residual_structure=residual_structure)


def _estimate(problem: _Problem, names: list[str], values0: dict, base_values: dict, bounds: dict,
              metered: set[str], out0: np.ndarray, deadline: float, say: Callable[[str], None]) -> dict:
    """Screen, fit, drop what the data cannot pin down (rule 3), refit.

    Returns ``{"values", "std", "corr", "info", "free", "notes", "sensitivity"}``; a parameter
    that is not free keeps its base value.
    """
    width = {n: bounds[n][1] - bounds[n][0] for n in names}
    free, notes, sens = _screen(problem, names, values0, bounds, width, metered, out0)
    problem.deadline = deadline
    values = dict(values0)
    std, corr, fit_info = {}, {}, {}
    while free:
        say(f"fitting {', '.join(free)}")
        values, std, corr, fit_info = _fit(problem, free, values, bounds, width)
        bad = [n for n in free if not np.isfinite(std[n]) or std[n] > MAX_RELATIVE_STD * width[n]]
        if not bad:
            break
        for n in bad:
            notes[n] = (f"the data cannot pin it down: std {std[n]:.3g} {PARAMETERS[n].unit} is more than "
                        f"{100 * MAX_RELATIVE_STD:g} % of its plausible range {bounds[n][0]:g}-{bounds[n][1]:g}")
            values[n] = base_values[n]
            free.remove(n)
        if fit_info["out_of_time"]:  # no time for a refit: keep the joint fit of the others
            break
        std, corr, fit_info = {}, {}, {}
    for n in names:
        if n not in free:
            values[n] = base_values[n]
    problem.deadline = math.inf
    return {"values": values, "std": std, "corr": corr, "info": fit_info, "free": free, "notes": notes,
            "sensitivity": sens}


def _out_of_sample(replay: Replay, channels: list[str], months: tuple[int, ...], names: list[str],
                   values0: dict, base_values: dict, bounds: dict, metered: set[str], after: dict,
                   time_budget_s: float, say: Callable[[str], None]) -> dict:
    """Fit on the compared steps outside ``months``; Guideline 14 statistics on ``months`` only.

    Returns the block of :attr:`FitResult.out_of_sample` plus ``"warnings"`` (popped by the caller)
    and ``"simulations"``.  ``after`` (the in-sample statistics of the calibration) gives the
    channels whose verdict holds in sample and fails out of sample.
    """
    held = checks.holdout_mask(replay.plant.time.month.to_numpy(), months)
    block = {"held_out_months": list(months), "fit_months": [m for m in range(1, 13) if m not in months],
             "steps_fit": int((replay.mask & ~held).sum()), "steps_held_out": int((replay.mask & held).sum()),
             "warnings": [], "simulations": 0}
    if min(block["steps_fit"], block["steps_held_out"]) < 24:
        block["skipped"] = (f"no out-of-sample check: {block['steps_held_out']} compared steps in the held-out "
                            f"months {list(months)} and {block['steps_fit']} outside them; each part needs a day")
        block["warnings"].append(block["skipped"])
        return block
    problem = _Problem(replay, channels, mask=~held)
    out0 = problem.simulate(values0)
    est = _estimate(problem, names, values0, base_values, bounds, metered, out0,
                    _time.perf_counter() + time_budget_s, say)
    values, free = est["values"], est["free"]
    if est["info"].get("out_of_time"):
        block["warnings"].append(f"the out-of-sample fit stopped at the time budget of {time_budget_s:g} s; "
                                 f"its best point is used")
    result = Result(plant=problem.plant_for(values), out=problem.simulate(values))
    block["simulations"] = problem.simulations
    block["parameters"] = {n: {"value": significant(values[n]), "fitted": n in free,
                               "on_bound": checks.bound_side(values[n], *bounds[n]) if n in free else ""}
                           for n in names}
    block["fit_part"] = compare(result, replay, mask=~held)
    block["held_out"] = compare(result, replay, mask=held)
    for name, s in block["held_out"]["channels"].items():
        a = after["channels"].get(name, {})
        for res in checks.RESOLUTIONS:
            key = f"meets_guideline14_{res}"
            if a.get(key) is True and s.get(key) is False:
                block["warnings"].append(
                    f"the {s['label']} channel meets Guideline 14 {res} in sample but FAILS on the held-out months "
                    f"{list(months)} (CV(RMSE) {s.get(f'cv_rmse_{res}_pct', math.nan):.1f} %, NMBE "
                    f"{s.get(f'nmbe_{res}_pct', math.nan):+.1f} %) when they are left out of the fit: the "
                    f"in-sample fit does not carry to other weather or load")
    return block


def _oos_brief(block: dict) -> dict:
    """The out-of-sample block for the TOML table (statistics without the monthly lists)."""
    if not block:
        return {}
    out = {k: v for k, v in block.items() if k not in ("fit_part", "held_out", "simulations")}
    for part in ("fit_part", "held_out"):
        if part in block:
            out[part] = _stats_brief(block[part])
    return out


def _screen(problem: _Problem, names: list[str], values0: dict, bounds: dict, width: dict,
            metered: set[str], out0: np.ndarray) -> tuple[list[str], dict[str, str], dict[str, float]]:
    """Parameters worth fitting: ``(free, notes on the others, sensitivity of each)``.

    Rule 1: a meter must observe the parameter's component.  Rule 2: changing the parameter by
    2 % of its range must move the normalised residuals (finite difference at the start).
    """
    notes, sens, free = {}, {}, []
    for n in names:
        if metered & set(PARAMETERS[n].observed_by):
            free.append(n)
            continue
        need = sorted({m.lstrip("-") for ch in PARAMETERS[n].observed_by for m in channel_specs()[ch]["meters"]})
        notes[n] = f"no meter observes it (needs one of {', '.join(need)}); {PARAMETERS[n].without_meter}"
    r0 = problem.residuals_of(out0)
    for n in list(free):
        v = dict(values0)
        h = DIFF_STEP * 4 * width[n]
        v[n] = values0[n] + h if values0[n] + h <= bounds[n][1] else values0[n] - h
        dr = (problem.residuals_of(problem.simulate(v)) - r0) / ((v[n] - values0[n]) / width[n])
        sens[n] = float(np.linalg.norm(dr))
        if sens[n] < MIN_SENSITIVITY:
            notes[n] = "no metered channel responds to it"
            free.remove(n)
    return free, notes, sens


def _fit(problem: _Problem, free: list[str], values0: dict, bounds: dict, width: dict):
    """One bounded least-squares fit of ``free``; returns values, std, correlations, info."""
    from scipy.optimize import least_squares

    lo = np.array([bounds[n][0] for n in free])
    wd = np.array([width[n] for n in free])
    best = {"cost": math.inf, "u": None}

    def values_of(u):
        v = dict(values0)
        v.update({n: float(lo[k] + wd[k] * u[k]) for k, n in enumerate(free)})
        return v

    def fun(u):
        r = problem.residuals_of(problem.simulate(values_of(u)))
        c = float(r @ r)
        if c < best["cost"]:
            best.update(cost=c, u=np.array(u, dtype=float))
        return r

    u0 = np.clip(np.array([(values0[n] - bounds[n][0]) / width[n] for n in free]), 0.0, 1.0)
    out_of_time = False
    try:
        res = least_squares(fun, u0, bounds=(0.0, 1.0), method="trf", diff_step=DIFF_STEP,
                            x_scale=1.0, ftol=1e-10, xtol=1e-5, gtol=1e-10, max_nfev=40)
        u, r, jac = res.x, res.fun, res.jac
    except _OutOfTime:
        out_of_time = True
        u = best["u"] if best["u"] is not None else u0
        r, jac = None, None
    if jac is None:  # the budget ran out: one more Jacobian at the best point (without the deadline)
        problem.deadline = math.inf
        r = problem.residuals_of(problem.simulate(values_of(u)))
        jac = np.empty((r.size, len(free)))
        for k in range(len(free)):
            du = DIFF_STEP if u[k] + DIFF_STEP <= 1.0 else -DIFF_STEP
            uu = u.copy()
            uu[k] += du
            jac[:, k] = (problem.residuals_of(problem.simulate(values_of(uu))) - r) / du
    m, n = jac.shape
    dof = max(1, m - n)
    s2 = float(r @ r) / dof
    rho = float(np.mean([_lag1(r[s]) for s in problem.channel_slices()]))
    inflation = (1.0 + max(0.0, min(rho, 0.95))) / (1.0 - max(0.0, min(rho, 0.95)))
    jtj = jac.T @ jac
    try:
        cov_u = s2 * inflation * np.linalg.inv(jtj)
    except np.linalg.LinAlgError:
        cov_u = s2 * inflation * np.linalg.pinv(jtj)
    diag = np.clip(np.diag(cov_u), 0.0, None)
    std_u = np.sqrt(diag)
    std = {nm: float(std_u[k] * wd[k]) for k, nm in enumerate(free)}
    corr = {}
    for i in range(len(free)):
        for j in range(i + 1, len(free)):
            if std_u[i] > 0 and std_u[j] > 0:
                corr[(free[i], free[j])] = float(cov_u[i, j] / (std_u[i] * std_u[j]))
    values = values_of(u)
    info = {"std": std, "corr": corr, "out_of_time": out_of_time,
            "public": {"residual_lag1_autocorrelation": rho, "variance_inflation": inflation,
                       "cost": float(r @ r)}}
    return values, std, corr, info


def _with_overrides(scn, overrides: dict):
    """``scn`` with a [calibration] carrying only the overrides (for the verification run)."""
    cal = Calibration(meters="(verification)", date="", base_scenario="", overrides=overrides) if overrides else None
    return scn.model_copy(update={"calibration": cal})
