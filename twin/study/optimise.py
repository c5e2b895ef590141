"""``dctwin optimise``: the cheapest feasible mix of measures that meets a PUE limit, and the Pareto front.

Search
------
The space is :mod:`twin.study.optimise_space` (measures per slot, each with its decision grid).
Optuna's NSGA-II (:class:`optuna.samplers.NSGAIISampler`, seeded) minimises two objectives, the
annual PUE and the cost (:data:`OBJECTIVES`), with two constraints, ``PUE - limit <= 0`` and
"the plant is feasible" (:mod:`twin.metrics.feasibility`), set on each trial (``Trial.set_constraint``).  It is
driven by ask/tell: each generation (``population`` trials) is asked at once and its new mixes are
evaluated in one batch on Dask (the cluster machinery of :mod:`twin.study.sweep`: a local cluster of
``workers`` processes, or the scheduler at ``scheduler``), so the same call scales to a cluster.
Every evaluated mix is cached by its measures and parameters: a mix asked again is not re-run.

Screening and confirmation
--------------------------
Candidates are screened with the bin method (``scenario.method = "bins"``, about 5x faster; a mix
the bin method refuses, such as thermal storage, runs step by step).  The screened Pareto front
(thinned to ``pareto_max`` points), the ``TOP`` cheapest compliant mixes and, when none complies,
the closest mix are then run again step by step (``confirm``), and every reported number is the
confirmed one.  Should no confirmed mix comply, the next cheapest screened ones are confirmed, up to
``ROUNDS`` times.

Cost and sign
-------------
Each mix is priced against the baseline (:func:`twin.study.economics.mix_economics`): ``capex_cny``,
``npv_cny`` (the NPV of the mix's *savings* over ``policy.finance.horizon_years``: positive pays)
and ``annual_cost_cny`` (the electricity bill, purchased cooling included, plus the measures'
O&M).  "Least cost" is the lowest CAPEX, the lowest annual cost, or the *highest* NPV (the
optimiser minimises ``-npv``).  The baseline (no measure) costs 0 CAPEX and 0 NPV.
"""

from __future__ import annotations

import copy
import math
import time as _time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from twin.errors import InputError
from twin.study.optimise_space import Space, mix_key

#: objective -> (record key, sign): the optimiser minimises sign x value.
OBJECTIVES = {"npv": ("npv_cny", -1.0), "capex": ("capex_cny", 1.0), "annual": ("annual_cost_cny", 1.0)}
#: Cheapest compliant screened mixes confirmed step by step in each round.
TOP = 3
#: Confirmation rounds when no confirmed mix complies.
ROUNDS = 4
#: Generations that bring no new mix before the search stops (the sampler keeps proposing known mixes).
STALE_GENERATIONS = 5
#: Share of a mix's band samples that must meet the limit for the mix to count as compliant with
#: confidence (:attr:`Optimisation.robust`); the band's own level is 90 % two-sided, so 95 % is its upper end.
ROBUST_SHARE = 0.95
#: Defaults of the command line and the API: trials asked, NSGA-II population, front points reported.
DEFAULT_TRIALS = 2000
DEFAULT_POPULATION = 100
DEFAULT_PARETO_MAX = 12
#: Most moves of the local search that polishes the screened answer (:func:`refine`).
REFINE_ROUNDS = 10
#: Completed trials, in generations, above which the search restarts its study from the current parents
#: (:func:`_trimmed`).
TRIM_GENERATIONS = 10
#: Fewest mixes in one Dask task (below this the per-task overhead shows).
MIN_TASK_MIXES = 5


@dataclass
class Problem:
    """What a worker needs to evaluate a mix: the baseline (a model_dump) and its summaries by method."""

    baseline_data: dict
    base_dir: str
    file: str | None
    baseline_summaries: dict[str, dict] = field(default_factory=dict)


def _scenario(problem: Problem, mix: tuple[dict, ...], method: str):
    from twin.inputs.schema import validate_scenario

    data = copy.deepcopy(problem.baseline_data)
    data["scenario"]["method"] = method
    data["measures"] = list(data.get("measures") or []) + [dict(m) for m in mix]
    return validate_scenario(data, file=problem.file)


def _run(problem: Problem, mix: tuple[dict, ...], method: str):
    """The result of a mix by ``method``, step by step where the bin method refuses the plant.

    The measures are applied once (:func:`twin.study.uncertainty.applied`), so a refusal by the bin method
    (thermal storage) costs only the plant assembly again.
    """
    from twin.engine.simulate import prepare, run_plant
    from twin.study.uncertainty import applied

    scn = applied(_scenario(problem, mix, method), file=problem.file)
    try:
        plant = prepare(scn, file=problem.file, base_dir=Path(problem.base_dir))
    except InputError as exc:
        if method != "bins" or exc.key != "scenario.method":
            raise
        method = "steps"
        scn = scn.model_copy(update={"scenario": scn.scenario.model_copy(update={"method": method})})
        plant = prepare(scn, file=problem.file, base_dir=Path(problem.base_dir))
    return run_plant(plant, file=problem.file), method


def record(summary: dict, economics: dict | None, method: str, priced: bool) -> dict:
    """The figures of one evaluated mix (see the module docstring for the cost definitions)."""
    from twin.study.columns import COLUMNS, get_path

    om = economics["om_cny_per_year"]["value"] if economics else 0.0
    bill = get_path(summary, "policy.cost.total_cny")
    bill = None if bill is None else bill["value"]
    metrics = {}
    for col in COLUMNS:
        found = col.find(summary)
        if found is not None and isinstance(found[1].get("value"), (int, float)) and not isinstance(found[1]["value"], bool):
            metrics[col.key] = float(found[1]["value"])
    return {
        "method": method,
        "pue": float(summary["pue"]["value"]),
        "energy_facility_kwh": float(summary["energy_facility_kwh"]["value"]),
        "feasible": summary["feasibility"]["verdict"]["value"] == "feasible",
        "reasons": list(summary["feasibility"]["reasons"]),
        "priced": priced and bill is not None,
        "capex_cny": economics["capex_cny"]["value"] if economics else 0.0,
        "npv_cny": economics["npv_cny"]["value"] if economics else 0.0,
        "annual_cost_cny": None if bill is None else bill + om,
        "payback_years": economics["simple_payback_years"]["value"] if economics else 0.0,
        "metrics": metrics,
    }


def evaluate(problem: Problem, mix: tuple[dict, ...], method: str) -> dict:
    """Simulate one mix by ``method`` and price it against the baseline (runs on a worker).

    A mix the model refuses (an impossible combination) gives ``{"error": message}``.
    """
    from twin.study.design import Mix
    from twin.study.economics import mix_economics
    from twin.metrics.summary import build_summary

    try:
        result, used = _run(problem, mix, method)
    except InputError as exc:
        return {"method": method, "error": f"{exc.key}: {exc.message}" if exc.key else exc.message}
    except Exception as exc:  # noqa: BLE001 - one bad mix must not stop a long search
        return {"method": method, "error": f"{type(exc).__name__}: {exc}"}
    summary = build_summary(result)
    economics = mix_economics(Mix("candidate", mix), result.plant, problem.baseline_summaries[used], summary)
    return record(summary, economics, used, priced=economics is not None or not mix)


def evaluate_mixes(problem: Problem, mixes: list[tuple[dict, ...]], method: str) -> list[dict]:
    """:func:`evaluate` of each mix (one Dask task)."""
    return [evaluate(problem, m, method) for m in mixes]


class Evaluator:
    """Evaluates lists of mixes in this process (``workers=0``) or on Dask, as :func:`twin.study.sweep.run_sweep`
    does: a local cluster of ``workers`` processes (default one per CPU) or a running ``scheduler``."""

    def __init__(self, problem: Problem, *, workers: int | None = None, scheduler=None):
        self.problem, self.workers, self.scheduler = problem, workers, scheduler
        self.client = self.cluster = self._problem = None
        self.threads = 1

    def __enter__(self) -> "Evaluator":
        if self.workers == 0 and self.scheduler is None:
            return self
        from distributed import Client

        from twin.study.sweep import _connect, default_workers, prepare_workers, start_local_cluster

        if self.scheduler is None:
            self.cluster = start_local_cluster(self.workers or default_workers())
            self.client = Client(self.cluster)
        elif hasattr(self.scheduler, "submit"):
            self.client = self.scheduler
        else:
            self.client = _connect(self.scheduler)
        prepare_workers(self.client)
        info = self.client.scheduler_info()
        self.threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or 1
        self._problem = self.client.scatter(self.problem, broadcast=True)
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None and self.client is not self.scheduler:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def map(self, mixes: list[tuple[dict, ...]], method: str) -> list[dict]:
        """Records of ``mixes`` by ``method``, in order."""
        if not mixes:
            return []
        if self.client is None:
            return evaluate_mixes(self.problem, mixes, method)
        size = max(MIN_TASK_MIXES, -(-len(mixes) // (4 * self.threads)))  # small tasks: mixes differ in cost
        futures = [self.client.submit(evaluate_mixes, self._problem, mixes[k:k + size], method, pure=False)
                   for k in range(0, len(mixes), size)]
        return [r for part in self.client.gather(futures) for r in part]


def cost(rec: dict, objective: str) -> float | None:
    """The value the optimiser minimises for ``objective`` (None: the mix cannot be priced)."""
    key, sign = OBJECTIVES[objective]
    v = rec.get(key)
    if not rec.get("priced") or v is None or not math.isfinite(v):
        return None
    return sign * v


def counts(rec: dict | None, objective: str) -> bool:
    """A simulated, feasible and priced mix (only these count for the best mix and the front)."""
    return rec is not None and "error" not in rec and rec["feasible"] and cost(rec, objective) is not None


def ranked_compliant(records: dict[str, dict], labels: dict[str, str], limit: float, objective: str) -> list[str]:
    """Keys of the mixes that count and meet ``limit``, cheapest first (ties: lower PUE, then the name)."""
    ok = [k for k, r in records.items() if counts(r, objective) and r["pue"] <= limit]
    return sorted(ok, key=lambda k: (cost(records[k], objective), records[k]["pue"], labels[k]))


def pareto_front(records: dict[str, dict], labels: dict[str, str], objective: str) -> list[str]:
    """Keys of the non-dominated mixes on (PUE, cost) among those that count, by rising PUE
    (:func:`twin.study.pareto.pareto_front`, the front of the compare report)."""
    from twin.study.pareto import pareto_front as front_of

    pts = [(cost(records[k], objective), records[k]["pue"], k)
           for k in sorted(records, key=lambda k: labels[k]) if counts(records[k], objective)]
    return [k for _, _, k in sorted(front_of(pts), key=lambda p: (p[1], p[0]))]


def thin(keys: list[str], n: int, keep: str | None = None) -> list[str]:
    """At most ``n`` of ``keys``, evenly spread along the list, both ends and ``keep`` included."""
    if len(keys) <= n:
        return list(keys)
    idx = {round(i * (len(keys) - 1) / (n - 1)) for i in range(n)} if n > 1 else {0}
    out = [keys[i] for i in sorted(idx)]
    if keep is not None and keep in keys and keep not in out:
        out[min(range(len(out)), key=lambda i: abs(keys.index(out[i]) - keys.index(keep)))] = keep
        out.sort(key=keys.index)
    return out


def closest(records: dict[str, dict], labels: dict[str, str], objective: str) -> str | None:
    """The mix nearest to compliance: the lowest-PUE mix that counts, else the lowest-PUE simulated mix."""
    pool = [k for k, r in records.items() if counts(r, objective)] or \
           [k for k, r in records.items() if r is not None and "error" not in r]
    return min(pool, key=lambda k: (records[k]["pue"], labels[k])) if pool else None


def blocked_by(rec: dict, limit: float, objective: str) -> list[str]:
    """Why a mix does not count as a compliant answer: the limit missed (by how much), infeasibility, no price."""
    out = []
    if rec["pue"] > limit:
        out.append(f"annual PUE {rec['pue']:.3f} misses the limit {limit:g} by {rec['pue'] - limit:.3f}")
    if not rec["feasible"]:
        out += [f"infeasible: {r}" for r in rec["reasons"]] or ["infeasible"]
    if cost(rec, objective) is None:
        out.append("cannot be priced (a measure without a cost row in twin/data/costs.toml, or no tariff)")
    return out


def _trimmed(study, sampler, population: int):
    """The study, or at a generation boundary a fresh one holding only the next generation's parents.

    Optuna's GA samplers find a new trial's generation by scanning every completed trial, so each
    ask costs O(trials): about 2 s per generation of 200 after 10,000 trials, while the workers wait.
    At a boundary (the latest generation G is full) the parents of generation G+1, the elite of G and
    its parents (``sampler.select_parent``), are all NSGA-II uses from the history; they are re-added
    to a new study as generation G, whose own parents are then empty, so the next generation is bred
    from the same parents.  The sampler (its random state, the search space it has seen) is kept.
    """
    import optuna
    from optuna.trial import TrialState

    done = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if len(done) < TRIM_GENERATIONS * population:
        return study
    g = sampler.get_trial_generation(study, done[-1])
    if len(sampler.get_population(study, g)) < population:
        return study
    key = sampler._get_generation_key()  # noqa: SLF001 - the generation label of optuna's GA samplers (optuna < 6)
    parents = sampler.select_parent(study, g + 1)
    fresh = optuna.create_study(directions=study.directions, sampler=sampler)
    fresh.add_trials([optuna.trial.create_trial(params=t.params, distributions=t.distributions, values=t.values,
                                                system_attrs={**t.system_attrs, key: g}) for t in parents])
    return fresh


def search(space: Space, evaluator: Evaluator, *, limit: float, objective: str, trials: int, population: int,
           seed: int, cache: dict[str, dict], mixes: dict[str, tuple], method: str = "bins",
           progress: Callable[[int], None] | None = None) -> int:
    """Run NSGA-II over ``space``; fills ``cache`` (key -> record) and ``mixes`` (key -> mix); returns the trials asked."""
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.NSGAIISampler(population_size=population, seed=seed)
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    asked = stale = 0
    while asked < trials and stale < STALE_GENERATIONS:
        batch = [study.ask() for _ in range(min(population, trials - asked))]
        proposed = [space.suggest(t) for t in batch]
        new: dict[str, tuple] = {}
        for m in proposed:
            k = mix_key(m)
            mixes.setdefault(k, m)
            if k not in cache and space.allowed(m):
                new.setdefault(k, m)
        cache.update(zip(new, evaluator.map(list(new.values()), method)))
        for t, m in zip(batch, proposed):
            rec = cache.get(mix_key(m))
            c = cost(rec, objective) if rec is not None and "error" not in rec else None
            if c is None:
                study.tell(t, state=TrialState.FAIL)
                continue
            t.set_constraint("pue_over_limit", rec["pue"] - limit)
            t.set_constraint("infeasible", 0.0 if rec["feasible"] else 1.0)
            study.tell(t, [rec["pue"], c])
        asked += len(batch)
        study = _trimmed(study, sampler, population)
        stale = 0 if new else stale + 1
        if progress is not None:
            progress(len(batch))
    return asked


def _merit(rec: dict | None, limit: float, objective: str) -> tuple:
    """Order of the local search: compliant mixes that count by cost, then the rest by PUE (lower first)."""
    if counts(rec, objective) and rec["pue"] <= limit:
        return (0, cost(rec, objective), rec["pue"])
    if counts(rec, objective):
        return (1, rec["pue"], 0.0)
    return (2, math.inf, math.inf)


def refine(space: Space, evaluator: Evaluator, *, limit: float, objective: str, cache: dict[str, dict],
           mixes: dict[str, tuple], method: str = "bins", rounds: int = REFINE_ROUNDS) -> int:
    """Local search from the best screened mix: evaluate every neighbour (:meth:`Space.neighbours`, one slot
    changed) in one batch and move to the best, until no neighbour is better; returns the moves made.

    NSGA-II finds the region; this polishes the answer inside it (a slot the evolution left at a costly
    but useless measure is emptied; a set point next to the best is tried)."""
    labels = lambda k: space.label(mixes[k])  # noqa: E731
    pool = [k for k in cache if cache[k] is not None]
    if not pool:
        return 0
    here = min(pool, key=lambda k: (_merit(cache[k], limit, objective), labels(k)))
    for moves in range(rounds):
        around = {mix_key(m): m for m in space.neighbours(mixes[here])}
        for k, m in around.items():
            mixes.setdefault(k, m)
        new = [k for k in around if k not in cache]
        cache.update(zip(new, evaluator.map([around[k] for k in new], method)))
        best = min(around, key=lambda k: (_merit(cache[k], limit, objective), labels(k)), default=here)
        if _merit(cache[best], limit, objective) >= _merit(cache[here], limit, objective):
            return moves
        here = best
    return rounds


def confirm(evaluator: Evaluator, screened: dict[str, dict], mixes: dict[str, tuple], labels: dict[str, str], *,
            limit: float, objective: str, pareto_max: int, method: str) -> dict[str, dict]:
    """Re-run the screened front, the cheapest compliant mixes (and, if none complies, the closest) by ``method``."""
    if method == "bins":  # the screening numbers are already by the bin method
        return dict(screened)
    ranked = ranked_compliant(screened, labels, limit, objective)
    front = thin(pareto_front(screened, labels, objective), pareto_max, keep=ranked[0] if ranked else None)
    first = ranked[:TOP] + front
    near = closest(screened, labels, objective)
    if near is not None:
        first.append(near)
    done: dict[str, dict] = {}
    todo = list(dict.fromkeys(first))
    for r in range(ROUNDS):
        done.update(zip(todo, evaluator.map([mixes[k] for k in todo], method)))
        if ranked_compliant(done, labels, limit, objective) or not ranked:
            break
        todo = [k for k in ranked[TOP * (r + 1):TOP * (r + 2)] if k not in done]
        if not todo:
            break
    return done


def baseline_summaries(problem: Problem, methods: set[str]) -> None:
    """Fill ``problem.baseline_summaries`` for each method (the economics compare each mix with them)."""
    from twin.metrics.summary import build_summary

    for m in sorted(methods):
        result, _ = _run(problem, (), m)
        problem.baseline_summaries[m] = build_summary(result)


def policy_limit(summary: dict) -> float:
    """The PUE limit the baseline is judged against (``policy.site_class.limit``); InputError without one."""
    from twin.study.bands import policy_limit as limit_of

    limit = limit_of(summary)
    if limit is None:
        raise InputError("this scenario has no policy PUE limit (policy.region = 'none' or no site class); "
                         "give one with --limit", key="--limit")
    return float(limit)


def check_options(*, limit: float | None = None, objective: str = "npv", trials: int = DEFAULT_TRIALS,
                  population: int = DEFAULT_POPULATION, pareto_max: int = DEFAULT_PARETO_MAX, band: int = 64,
                  confirm_method: str = "steps", **_other) -> None:
    """One-line InputErrors for options of :func:`optimise` out of range (before anything runs)."""
    if objective not in OBJECTIVES:
        raise InputError(f"unknown objective {objective!r}; choose one of {sorted(OBJECTIVES)}", key="--objective")
    if limit is not None and not (math.isfinite(limit) and 1.0 < limit <= 5.0):
        raise InputError(f"a PUE limit is a number in (1, 5], got {limit:g}", key="--limit")
    if trials < 1:
        raise InputError(f"--trials must be >= 1, got {trials}", key="--trials")
    if population < 2:
        raise InputError(f"--population must be >= 2, got {population}", key="--population")
    if pareto_max < 2:
        raise InputError(f"--pareto-max must be >= 2, got {pareto_max}", key="--pareto-max")
    if band < 0 or 0 < band < 8:
        raise InputError(f"--band must be 0 (off) or >= 8 samples (got {band})", key="--band")
    if confirm_method not in ("steps", "bins"):
        raise InputError(f"--confirm must be 'steps' or 'bins', got {confirm_method!r}", key="--confirm")


@dataclass
class Optimisation:
    """What :func:`optimise` found: every screened and confirmed mix, the best, the front and the closest."""

    space: Space
    limit: float
    objective: str
    horizon_years: int
    screened: dict[str, dict]          # key -> record by the screening method
    confirmed: dict[str, dict]         # key -> record by the confirming method
    mixes: dict[str, tuple]            # key -> mix
    labels: dict[str, str]             # key -> display name
    best: str | None
    pareto: list[str]
    closest: str | None
    bands: dict[str, dict]             # key -> band (twin.study.uncertainty), empty with band = 0
    trials: int
    seed: int
    confirm_method: str
    baseline_pue: float
    runtime_s: float = 0.0

    @property
    def evaluations(self) -> int:
        """Mixes simulated by the screening method (cache hits and ruled-out mixes not counted)."""
        return sum(1 for r in self.screened.values() if r is not None)

    def share_complying(self, key: str) -> float | None:
        """Share of the mix's band samples with PUE at or below the limit (None: not banded)."""
        return self.bands.get(key, {}).get("pue", {}).get("share_at_or_below_limit")

    @property
    def robust(self) -> str | None:
        """The cheapest banded mix that is feasible, meets the limit and meets it in at least
        :data:`ROBUST_SHARE` of its band's samples (None without bands or when no banded mix does).
        The banded mixes are the best, the closest and the Pareto front."""
        ok = [k for k in self.bands if (self.share_complying(k) or 0.0) >= ROBUST_SHARE]
        ranked = ranked_compliant({k: self.confirmed[k] for k in ok}, self.labels, self.limit, self.objective)
        return ranked[0] if ranked else None


def optimise(baseline, base_dir: Path, space: Space, *, file: str | None = None, limit: float | None = None,
             objective: str = "npv", trials: int = DEFAULT_TRIALS, population: int = DEFAULT_POPULATION,
             seed: int = 0, workers: int | None = None, scheduler=None, band: int = 64, confirm_method: str = "steps",
             pareto_max: int = DEFAULT_PARETO_MAX, progress: Callable[[str, int, int], None] | None = None) -> Optimisation:
    """Search ``space`` around ``baseline`` (a validated :class:`twin.inputs.schema.Scenario`); see the module docstring.

    ``progress(stage, n, total)`` is called as work is done (stages "candidates", "band samples").
    """
    check_options(limit=limit, objective=objective, trials=trials, population=population, pareto_max=pareto_max,
                  band=band, confirm_method=confirm_method)
    t0 = _time.perf_counter()
    problem = Problem(baseline.model_dump(), str(base_dir), file)
    baseline_summaries(problem, {"bins", "steps"})
    confirm_summary = problem.baseline_summaries[confirm_method]
    limit = policy_limit(confirm_summary) if limit is None else float(limit)
    finance = getattr(getattr(baseline, "policy", None), "finance", None)
    screened: dict[str, dict] = {}
    mixes: dict[str, tuple] = {}
    tick = (lambda stage, total: (lambda n: progress(stage, n, total))) if progress else (lambda stage, total: None)
    with Evaluator(problem, workers=workers, scheduler=scheduler) as ev:
        asked = search(space, ev, limit=limit, objective=objective, trials=trials, population=population, seed=seed,
                       cache=screened, mixes=mixes, progress=tick("candidates", trials))
        refine(space, ev, limit=limit, objective=objective, cache=screened, mixes=mixes)
        labels = {k: space.label(m) for k, m in mixes.items()}
        confirmed = confirm(ev, screened, mixes, labels, limit=limit, objective=objective, pareto_max=pareto_max,
                            method=confirm_method)
    ranked = ranked_compliant(confirmed, labels, limit, objective)
    best = ranked[0] if ranked else None
    front = thin(pareto_front(confirmed, labels, objective), pareto_max, keep=best)
    near = None if best is not None else closest(confirmed, labels, objective)
    bands = {}
    if band:
        from twin.study.uncertainty import Sampler

        keys = list(dict.fromkeys([k for k in [best, near] if k is not None] + front))
        scn = baseline.model_copy(update={"scenario": baseline.scenario.model_copy(update={"method": confirm_method})})
        sampler = Sampler(scn, [list(mixes[k]) for k in keys if mixes[k]], samples=band, seed=seed, file=file,
                          base_dir=base_dir)
        step = tick("band samples", band * len(keys))
        bands = {k: sampler.band(list(mixes[k]) or None, progress=step, limit=limit) for k in keys}
    return Optimisation(space=space, limit=limit, objective=objective,
                        horizon_years=int(finance.horizon_years) if finance is not None else 0,
                        screened=screened, confirmed=confirmed, mixes=mixes, labels=labels, best=best, pareto=front,
                        closest=near, bands=bands, trials=asked, seed=seed, confirm_method=confirm_method,
                        baseline_pue=float(confirm_summary["pue"]["value"]), runtime_s=_time.perf_counter() - t0)


def optimise_file(path: str | Path, *, seed: int | None = None, check: bool = False, **options) -> Optimisation | None:
    """:func:`optimise` on a scenario (the registry's space) or a study file (the space it names).

    ``seed`` defaults to the baseline's ``scenario.seed``.  With ``check=True`` the inputs and options are
    validated (space, baseline, every option) and nothing is simulated (returns None).
    """
    from twin.study.optimise_space import load_space

    baseline, base_dir, space = load_space(path)
    seed = baseline.scenario.seed if seed is None else int(seed)
    if seed < 0:
        raise InputError(f"the seed must be >= 0 (got {seed})", key="--seed")
    if check:
        check_options(**options)
        return None
    return optimise(baseline, base_dir, space, file=str(path), seed=seed, **options)
