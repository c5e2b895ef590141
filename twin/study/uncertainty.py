"""The uncertainty band of a run or a mix: a 90 % interval and its top three drivers.

Sources of uncertainty (``twin/data/uncertainty.toml``, docs/uncertainty.md):

* the sourced defaults: every listed scenario key ``x0`` (its value after the scenario's measures
  are applied) is drawn uniformly on ``x0 (1 +- r)``, ``r`` the relative half-width of its evidence
  grade (P 5 %, S 10 %, V 15 %, C 10 %, M 20 %, A 25 %) or an absolute ``half_width`` with a reason;
  named groups of kernel parameters (the UPS loss curve) are scaled by one factor the same way;
* the weather: each sample runs one of the site's typical-year files with equal weight (the
  bundled file and the ``[weather]`` alternatives), the files ordered by annual mean wet bulb so
  that the draw is ordinal;
* the compressor curves beyond their data: the slope of their tangent extrapolation is multiplied
  by a factor from 0 (held at the data edge, as EnergyPlus does) to 2 (``[curve_extrapolation]``;
  docs/plants.md); it acts only in the hours a run leaves the curve data;
* IT utilisation: every step's utilisation is multiplied by one factor and kept within 0-1;
* costs (mixes only): one factor on the CAPEX and O&M of the mix's cost rows, with the weakest
  grade among them.

Sampling: a Latin hypercube of ``samples`` points in the unit cube, one dimension per input
(:class:`scipy.stats.qmc.LatinHypercube`, seeded, so the same seed gives the same band).  Each
point is one annual run on the step-by-step engine (or the bin method when the scenario asks for
it), with the same draw for the baseline and the mix (common random numbers), so a saving's band
holds the uncertainty of the saving, not of two independent runs.

Feasibility: a sample whose plant cannot carry its load (a failed check of
:mod:`twin.metrics.feasibility`) gives no number; the band's percentiles are over the feasible
samples, and it counts the infeasible ones, which never meet a PUE limit.

Interval: the 5th and 95th percentiles of the sampled outputs, with how firmly the samples settle
them (:mod:`twin.study.band_ends`); ``value`` is the nominal run (no input moved).  Drivers: the
inputs whose rank correlation with the output is largest (:mod:`twin.study.band_drivers`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import time as _time
import tomllib
from pathlib import Path
from typing import Callable

import numpy as np

from components.cooling.chiller import CURVE_LAYOUT
from components.layout import BOUNDARY, PARAM
from twin.errors import InputError
from twin.inputs.schema import Scenario
from twin.inputs.weather import WEATHER_DIR, Weather, load_weather
from twin.study.band_drivers import drivers
from twin.study.band_ends import interval, share_interval

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "uncertainty.toml"
YEARS_DIR = WEATHER_DIR / "years"
#: two-sided coverage of the band and its percentiles
LEVEL = 0.90
PERCENTILES = (100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2)
DEFAULT_SAMPLES = 64
#: headline quantities of a single run: summary path -> (band key, unit)
RUN_METRICS = {"pue": ("pue", "-"), "energy_facility_kwh": ("energy_facility_kwh", "kWh"),
               "policy.cost.total_cny": ("cost_total_cny", "CNY/yr")}
#: plant types whose chillers or DX units run on curve sets (the IEC's DX trim included)
COMPRESSOR_PLANTS = ("water_cooled_chiller", "air_cooled_chiller", "dx", "iec")
#: headline quantities of a mix against its baseline (band key -> unit)
MIX_METRICS = {"delta_pue": "-", "energy_saving_kwh": "kWh", "cost_saving_cny": "CNY/yr",
               "simple_payback_years": "yr"}


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    with open(DATA_FILE, "rb") as f:
        return tomllib.load(f)


def spread_table() -> dict:
    """A copy of ``twin/data/uncertainty.toml`` (grades, inputs, groups, weather)."""
    import copy

    return copy.deepcopy(_data())


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Input:
    """One sampled input: a scenario key, a kernel-parameter group, the utilisation, the weather
    or the costs.  ``half_width`` is absolute when ``relative`` is false."""

    name: str
    kind: str            # "key", "group", "curves", "utilisation", "weather", "costs"
    grade: str
    half_width: float    # relative [-] or absolute [unit of the key]
    relative: bool = True
    params: tuple[str, ...] = ()


def _get(scn: Scenario, key: str):
    node = scn
    for part in key.split("."):
        node = getattr(node, part)
    return node


def _active(entry: dict, scn: Scenario) -> bool:
    if "plant_types" in entry and scn.plant.type not in entry["plant_types"]:
        return False
    if "it_models" in entry and scn.it.model not in entry["it_models"]:
        return False
    return not ("needs" in entry and not _get(scn, entry["needs"]))


def _inputs(scns: list[Scenario], spreads: dict[str, float] | None, *, utilisation: bool, weather: bool,
            costs: str | None) -> list[Input]:
    """The inputs sampled for ``scns`` (a baseline and its mix): those that act on either plant.

    ``spreads`` maps an input name to a relative half-width that replaces the table's (0 fixes it).
    """
    data = _data()
    grades = data["grades"]
    spreads = dict(spreads or {})
    curves = data["curve_extrapolation"]
    known = ([e["key"] for e in data["input"]] + [g["name"] for g in data["group"]]
             + [curves["name"], "it.utilisation", "costs"])
    unknown = sorted(set(spreads) - set(known))
    if unknown:
        raise InputError(f"no sampled input named {unknown}; choose from {sorted(known)}", key="--spread")
    for name, r in spreads.items():
        if not 0.0 <= r < 1.0:
            raise InputError(f"the relative half-width of {name} must be within 0-1 (got {r})", key="--spread")
    out = []
    for e in data["input"]:
        if not any(_active(e, scn) for scn in scns):
            continue
        value = _get(scns[0], e["key"])
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if e["key"] in spreads:
            out.append(Input(e["key"], "key", e["grade"], float(spreads[e["key"]])))
        elif "half_width" in e:
            out.append(Input(e["key"], "key", e["grade"], float(e["half_width"]), relative=False))
        else:
            out.append(Input(e["key"], "key", e["grade"], grades[e["grade"]]))
    for g in data["group"]:
        out.append(Input(g["name"], "group", g["grade"], float(spreads.get(g["name"], grades[g["grade"]])),
                         params=tuple(g["params"])))
    if any(scn.plant.curve_extrapolation == "tangent" and scn.plant.type in COMPRESSOR_PLANTS for scn in scns):
        out.append(Input(curves["name"], "curves", curves["grade"],
                         float(spreads.get(curves["name"], curves["half_width"]))))
    if utilisation:
        grade = data["utilisation"]["grade"]
        out.append(Input("it.utilisation", "utilisation", grade, float(spreads.get("it.utilisation", grades[grade]))))
    if costs is not None:
        out.append(Input("costs", "costs", costs, float(spreads.get("costs", grades[costs]))))
    if weather:
        out.append(Input("weather", "weather", "-", 0.0))
    return [i for i in out if i.kind == "weather" or i.half_width > 0.0]


def _bounds(scn: Scenario, key: str) -> tuple[float, float]:
    """Allowed range of a scenario key from its pydantic constraints (open ends nudged in)."""
    section, name = key.rsplit(".", 1)
    field = type(_get(scn, section)).model_fields[name]
    lo, hi = -math.inf, math.inf
    for m in field.metadata:
        if getattr(m, "ge", None) is not None:
            lo = max(lo, float(m.ge))
        if getattr(m, "gt", None) is not None:
            lo = max(lo, float(m.gt) + 1e-9 * max(1.0, abs(float(m.gt))))
        if getattr(m, "le", None) is not None:
            hi = min(hi, float(m.le))
        if getattr(m, "lt", None) is not None:
            hi = min(hi, float(m.lt) - 1e-9 * max(1.0, abs(float(m.lt))))
    return lo, hi


def _with(scn: Scenario, updates: dict[str, float]) -> Scenario:
    """``scn`` with dotted keys replaced (sections copied, values already within range)."""
    sections: dict[str, dict] = {}
    for key, v in updates.items():
        section, name = key.split(".", 1)
        sections.setdefault(section, {})[name] = v
    return scn.model_copy(update={s: getattr(scn, s).model_copy(update=u) for s, u in sections.items()})


# ---------------------------------------------------------------------------------------------
# Weather
# ---------------------------------------------------------------------------------------------

def typical_years(scn: Scenario, *, file: str | None = None, base_dir: Path | None = None,
                  alternatives: bool = True) -> tuple[list[Weather], int]:
    """The typical-year weathers of the scenario's site, ordered by annual mean wet bulb, and the
    index of the site's own file among them.

    The site's own file is loaded as the scenario names it; the alternatives of ``[weather]`` in
    ``twin/data/uncertainty.toml`` (with ``alternatives``) keep the site's identity (id, name,
    policy region) so that only the weather changes.
    """
    s = scn.scenario
    own = load_weather(s.site, timestep_s=s.timestep_min * 60, year=s.year, base_dir=base_dir,
                       file_for_errors=file, key_for_errors="scenario.site")
    out = [own]
    for name in _data()["weather"].get(own.site_id, []) if alternatives else []:
        alt = load_weather(YEARS_DIR / name, timestep_s=own.timestep_s, year=s.year)
        out.append(dataclasses.replace(alt, site_id=own.site_id, name=own.name, site=own.site))
    out.sort(key=lambda w: float(np.mean(w.temp_wet_bulb)))
    return out, next(k for k, w in enumerate(out) if w is own)


# ---------------------------------------------------------------------------------------------
# Sampling and evaluation
# ---------------------------------------------------------------------------------------------

def design(n_inputs: int, samples: int, seed: int) -> np.ndarray:
    """``samples x n_inputs`` Latin-hypercube points in [0, 1) (scipy.stats.qmc, seeded)."""
    from scipy.stats import qmc

    if n_inputs == 0:
        return np.zeros((samples, 0))
    return qmc.LatinHypercube(d=n_inputs, seed=np.random.default_rng(seed)).random(samples)


@dataclasses.dataclass
class Draw:
    """One sample: ``z`` in [-1, 1) per input (a scenario key becomes ``x0 (1 + r z)`` or
    ``x0 + h z`` in each scenario it is applied to; a factor is ``1 + r z``) and the weather index."""

    z: dict[str, float]
    weather: int = 0

    def factor(self, inp: Input) -> float:
        return 1.0 + inp.half_width * self.z.get(inp.name, 0.0)


def draw(inputs: list[Input], u: np.ndarray, n_weather: int) -> Draw:
    """Map one point ``u`` of the unit cube to a :class:`Draw` (uniform on each input's interval)."""
    d = Draw({})
    for inp, x in zip(inputs, u):
        if inp.kind == "weather":
            d.weather = min(int(x * n_weather), n_weather - 1)
        else:
            d.z[inp.name] = 2.0 * float(x) - 1.0
    return d


def perturbed(scn: Scenario, inputs: list[Input], d: Draw) -> tuple[Scenario, list[str]]:
    """``scn`` with the draw's scenario keys moved; also the keys moved back into their range."""
    updates, clipped = {}, []
    for inp in inputs:
        if inp.kind != "key" or inp.name not in d.z:
            continue
        x0, z = float(_get(scn, inp.name)), d.z[inp.name]
        v = x0 * (1.0 + inp.half_width * z) if inp.relative else x0 + inp.half_width * z
        lo, hi = _bounds(scn, inp.name)
        if not lo <= v <= hi:
            clipped.append(inp.name)
            v = min(max(v, lo), hi)
        updates[inp.name] = v
    return _with(scn, updates), clipped


def run_draw(applied: Scenario, inputs: list[Input], d: Draw, weathers: list[Weather], *,
             file: str | None = None, base_dir: Path | None = None):
    """Simulate one draw of an applied scenario (measures applied, list emptied: :func:`applied`).

    Returns ``(result, clipped)``: the run, and the clipped keys plus ``"it.utilisation"`` once per
    step whose scaled utilisation left 0-1 and was kept at the edge.
    """
    from twin.engine.simulate import prepare, run_plant

    scn, clipped = perturbed(applied, inputs, d)
    plant = prepare(scn, file=file, base_dir=base_dir, weather=weathers[d.weather])
    for inp in inputs:
        if inp.kind == "group":
            for p in inp.params:
                plant.params[getattr(PARAM, p)] *= d.factor(inp)
        elif inp.kind == "curves":
            plant.curves[CURVE_LAYOUT.index("extrapolation_slope")] = d.factor(inp)
        elif inp.kind == "utilisation" and d.factor(inp) != 1.0:
            row = plant.boundary[BOUNDARY.utilisation] * d.factor(inp)
            clipped += ["it.utilisation"] * int(np.count_nonzero((row < 0.0) | (row > 1.0)))
            plant.boundary[BOUNDARY.utilisation] = np.clip(row, 0.0, 1.0)
    return run_plant(plant, file=file), clipped


def applied(scn: Scenario, *, file: str | None = None) -> Scenario:
    """The scenario with its measures applied and its measure list emptied (so that
    :func:`twin.engine.simulate.prepare` does not apply them again)."""
    from twin.measures import apply_measures

    return apply_measures(scn, file=file).model_copy(update={"measures": []})


def _path_value(summary: dict, path: str) -> float:
    node = summary
    for part in path.split("."):
        node = node[part]
    v = node["value"] if isinstance(node, dict) else node
    return float("nan") if v is None else float(v)


def _cost_rows(scn: Scenario, measures: list[dict], file: str | None) -> list[dict] | None:
    """The cost rows of a mix's measures, or None when one has no row (no economics then)."""
    from twin.inputs.costs import cost_table

    table = cost_table(scn.policy.finance.cost_overrides, file=file)
    rows = [table.get(m["name"]) for m in measures]
    return None if any(r is None for r in rows) else rows


def cost_grade(rows: list[dict]) -> str:
    """Weakest evidence grade among cost rows: every grade letter its ``evidence`` names counts
    ("C (fit to M/V range)" is M); a label without one ("assumption", "scenario input") counts as
    ``[costs] assumption_grade`` of the table."""
    order = list(_data()["grades"])  # strongest first
    found = [re.findall(r"\b[" + "".join(order) + r"]\b", str(r.get("evidence", ""))) for r in rows]
    grades = [g for f in found for g in f] + [_data()["costs"]["assumption_grade"] for f in found if not f]
    return max(grades, key=order.index)


def _failed_checks(summary: dict) -> list[str]:
    """The feasibility checks a run summary fails (empty: feasible; :mod:`twin.metrics.feasibility`)."""
    return [name for name, check in summary["feasibility"]["checks"].items() if not check["ok"]]


def _run_metrics(summary: dict) -> dict[str, float]:
    return {name: _path_value(summary, path) for path, (name, _) in RUN_METRICS.items()}


def _mix_metrics(base: dict, mix: dict, economics: dict | None, cost_factor: float) -> dict[str, float]:
    """Mix quantities against the baseline (see :data:`MIX_METRICS`).

    ``cost_saving_cny`` is the baseline's annual cost minus the mix's (``policy.cost.total_cny``:
    energy, demand, surcharge, purchased cooling), as the catalog's cost saving.  The payback is
    :func:`twin.metrics.economics.simple_payback` of the CAPEX over the first-year net saving of
    :func:`twin.study.economics.mix_economics`, with CAPEX and O&M scaled by ``cost_factor``.
    """
    from twin.metrics.economics import simple_payback

    out = {"delta_pue": _path_value(mix, "pue") - _path_value(base, "pue"),
           "energy_saving_kwh": _path_value(base, "energy_facility_kwh") - _path_value(mix, "energy_facility_kwh"),
           "cost_saving_cny": _path_value(base, "policy.cost.total_cny") - _path_value(mix, "policy.cost.total_cny")}
    if economics is not None:
        om = economics["om_cny_per_year"]["value"]
        net = economics["net_saving_year1_cny"]["value"] - om * (cost_factor - 1.0)
        out["simple_payback_years"] = simple_payback(economics["capex_cny"]["value"] * cost_factor, net)
    return out


class Sampler:
    """One Latin-hypercube design over a baseline and any number of its mixes.

    The inputs are those that act on the baseline or on any of ``mixes`` (lists of measure
    entries), plus the weather, the utilisation and (when some mix has cost rows) the costs.  The
    baseline runs once per sample, whatever the number of mixes, and every mix runs the same draws
    (common random numbers), so bands of different mixes can be compared.  :meth:`band` gives the
    band of the baseline (``measures=None``) or of one mix; a mix's drivers are chosen among the
    inputs that act on it or on the baseline.
    """

    def __init__(self, scn: Scenario, mixes: list[list[dict]] = (), *, samples: int = DEFAULT_SAMPLES,
                 seed: int | None = None, spreads: dict[str, float] | None = None, file: str | None = None,
                 base_dir: Path | None = None, utilisation: bool = True, weather: bool = True):
        if samples < 8:
            raise InputError(f"the band needs at least 8 samples (got {samples})", key="--band")
        self.seed = scn.scenario.seed if seed is None else int(seed)
        if self.seed < 0:
            raise InputError(f"the seed must be >= 0 (got {self.seed})", key="--seed")
        self.samples, self.scn, self.file, self.base_dir = samples, scn, file, base_dir
        self.weathers, self.nominal_weather = typical_years(scn, file=file, base_dir=base_dir, alternatives=weather)
        self.base = applied(scn, file=file)
        self._mixes: dict[str, tuple[Scenario, str | None]] = {}
        scns = [self.base] + [self._mix(m)[0] for m in mixes]
        grades = [g for _, g in self._mixes.values() if g is not None]
        order = list(_data()["grades"])
        self.inputs = _inputs(scns, spreads, utilisation=utilisation, weather=len(self.weathers) > 1,
                              costs=max(grades, key=order.index) if grades else None)
        self.spreads = dict(spreads or {})
        self.u = design(len(self.inputs), samples, self.seed)
        self._base_runs: dict[int, tuple[dict, list[str]]] = {}

    def _key(self, measures: list[dict]) -> str:
        import json

        return json.dumps(measures, sort_keys=True)

    def _mix(self, measures: list[dict]) -> tuple[Scenario, str | None]:
        """The applied scenario of a mix and the evidence grade of its costs (None: not priced)."""
        key = self._key(measures)
        if key not in self._mixes:
            scn = self.scn.model_copy(update={"measures": list(self.scn.measures) + [dict(m) for m in measures]})
            rows = _cost_rows(self.scn, measures, self.file)
            self._mixes[key] = (applied(scn, file=self.file), cost_grade(rows) if rows else None)
        return self._mixes[key]

    def _draw(self, k: int | None) -> Draw:
        return Draw({}, weather=self.nominal_weather) if k is None else draw(self.inputs, self.u[k], len(self.weathers))

    def _baseline(self, k: int | None) -> tuple[dict, list[str]]:
        """Summary of the baseline in sample ``k`` (None: nominal) and its clipped inputs, cached."""
        from twin.metrics.summary import build_summary

        key = -1 if k is None else k
        if key not in self._base_runs:
            res, clipped = run_draw(self.base, self.inputs, self._draw(k), self.weathers, file=self.file,
                                    base_dir=self.base_dir)
            self._base_runs[key] = (build_summary(res), clipped)
        return self._base_runs[key]

    def _evaluate(self, measures: list[dict] | None, k: int | None) -> tuple[dict[str, float], list[str], list[str], bool]:
        """The band quantities of sample ``k`` (None: nominal), its clipped inputs, the feasibility checks
        its run fails (the mix's, or the baseline's without ``measures``; :mod:`twin.metrics.feasibility`)
        and whether both runs are feasible."""
        from twin.metrics.summary import build_summary
        from twin.study.design import Mix
        from twin.study.economics import mix_economics

        base, clipped = self._baseline(k)
        base_failed = _failed_checks(base)
        if not measures:
            return _run_metrics(base), clipped, base_failed, not base_failed
        scn, grade = self._mix(measures)
        d = self._draw(k)
        res, clipped_mix = run_draw(scn, self.inputs, d, self.weathers, file=self.file, base_dir=self.base_dir)
        mix = build_summary(res)
        out = _run_metrics(mix)
        economics = mix_economics(Mix("band", tuple(measures)), res.plant, base, mix) if grade else None
        cost = next((i for i in self.inputs if i.kind == "costs"), None)
        factor = 1.0
        if cost is not None and grade is not None:
            factor = 1.0 + float(self.spreads.get("costs", _data()["grades"][grade])) * d.z.get("costs", 0.0)
        out.update(_mix_metrics(base, mix, economics, factor))
        failed = _failed_checks(mix)
        return out, clipped + clipped_mix, failed, not failed and not base_failed

    def _acting(self, measures: list[dict] | None) -> list[int]:
        """Columns of the inputs that act on the baseline or on the mix (driver candidates)."""
        scns = [self.base] + ([self._mix(measures)[0]] if measures else [])
        entries = {e["key"]: e for e in _data()["input"]}
        has_costs = bool(measures) and self._mix(measures)[1] is not None
        return [j for j, i in enumerate(self.inputs)
                if (i.kind != "key" or any(_active(entries[i.name], s) for s in scns))
                and (i.kind != "costs" or has_costs)]

    def band(self, measures: list[dict] | None = None, progress: Callable[[int], None] | None = None,
             limit: float | None = None) -> dict:
        """The band of the baseline (``measures=None``) or of one mix (see :func:`band`);
        ``progress(1)`` after each sample.  With a PUE ``limit``, the ``pue`` block also holds
        ``limit`` and ``share_at_or_below_limit``: the share of the samples whose PUE is at or below it
        (a sample without a PUE, or whose plant cannot carry its load, counts as above), the chance of
        meeting the limit over the sampled inputs.

        A sample whose run fails a feasibility check (:mod:`twin.metrics.feasibility`) has no number
        in the band: each quantity's percentiles and drivers are over the feasible samples (for a mix's
        savings, those where both runs are), each block counts the others (``infeasible_samples``), and
        the band counts the run's samples that are infeasible and the checks they fail
        (``infeasible_samples``, ``infeasible_checks``)."""
        t0 = _time.perf_counter()
        measures = [dict(m) for m in measures or []]
        value = self._evaluate(measures, None)[0]
        rows, clipped, failed, pair_ok = [], {}, [], []
        for k in range(self.samples):
            row, clip, fail, both = self._evaluate(measures, k)
            if progress is not None:
                progress(1)
            rows.append(row)
            failed.append(fail)
            pair_ok.append(both)
            for c in clip:
                clipped[c] = clipped.get(c, 0) + 1
        run_ok = np.array([not f for f in failed])
        pair_ok = np.array(pair_ok)
        cols = self._acting(measures)
        names = [self.inputs[j].name for j in cols]
        out: dict = {}
        for key, v in value.items():
            unit = MIX_METRICS.get(key) or next(unit for name, unit in RUN_METRICS.values() if name == key)
            ok = pair_ok if key in MIX_METRICS else run_ok
            # a sample whose plant cannot carry its load has no number to put in the band
            y = np.where(ok, np.array([r[key] for r in rows], dtype=float), np.nan)
            out[key] = {"value": v if math.isfinite(v) else None, **interval(y, PERCENTILES), "unit": unit,
                        "level": LEVEL, "infeasible_samples": int(np.sum(~ok)),
                        "drivers": drivers(names, self.u[:, cols], y)}
            if key == "pue" and limit is not None:
                hits = int(np.sum(y <= limit))  # an infeasible sample (NaN) does not meet it
                out[key].update(limit=float(limit), share_at_or_below_limit=hits / y.size,
                                share_ci=share_interval(hits, y.size))
        checks: dict[str, int] = {}
        for c in (c for f in failed for c in f):
            checks[c] = checks.get(c, 0) + 1
        out.update({
            "drivers": out["pue"]["drivers"],
            "infeasible_samples": int(np.sum(~run_ok)),
            "infeasible_checks": checks,
            "samples": self.samples,
            "seed": self.seed,
            "inputs": [{"name": self.inputs[j].name, "grade": self.inputs[j].grade,
                        "half_width": self.inputs[j].half_width, "relative": self.inputs[j].relative} for j in cols],
            "weather_files": [Path(w.source_file).name for w in self.weathers],
            "clipped": clipped,
            "method": "Latin hypercube (scipy.stats.qmc) of uniform draws, half-width per evidence grade "
                      "(twin/data/uncertainty.toml); 5th-95th percentile; drivers by Spearman rank correlation "
                      "(docs/uncertainty.md)",
            "runtime_s": _time.perf_counter() - t0,
        })
        return out


def band(scn: Scenario, *, measures: list[dict] | None = None, samples: int = DEFAULT_SAMPLES,
         seed: int | None = None, spreads: dict[str, float] | None = None, file: str | None = None,
         base_dir: Path | None = None, utilisation: bool = True, weather: bool = True) -> dict:
    """The 90 % band and top drivers of a scenario's (or a mix's) headline numbers.

    Parameters
    ----------
    scn : Scenario
        The validated scenario (its own measures are part of it).
    measures : list of dict, optional
        Measures of a mix (``{"name": ..., **parameters}``) appended to ``scn``'s; the band then
        also covers ``delta_pue``, ``energy_saving_kwh`` [kWh/yr], ``cost_saving_cny`` (annual cost
        saving, CNY/yr) and, for a priced mix, ``simple_payback_years`` of the mix against ``scn``.
    samples : int
        Latin-hypercube points (>= 8); each is one annual run (two with ``measures``).  To band many
        mixes of one baseline, use one :class:`Sampler` (the baseline then runs once per sample).
    seed : int, optional
        Seed of the design (default ``scn.scenario.seed``).
    spreads : dict, optional
        Relative half-widths that replace the table's for named inputs (0 fixes an input).
    utilisation, weather : bool
        Sample the IT utilisation factor / the site's typical years.

    Returns
    -------
    dict
        One block per headline quantity (``pue``, ``energy_facility_kwh`` [kWh/yr],
        ``cost_total_cny`` [CNY/yr] of the run, of the mix's run with ``measures``, and the mix
        quantities above) with ``value`` (nominal run), ``low`` and ``high`` (5th and 95th
        percentiles of the samples), ``unit``, ``level`` and ``drivers`` (``input``, ``rho``,
        ``share``); plus ``drivers`` (those of ``pue``), ``samples``, ``seed``, ``inputs``,
        ``weather_files``, ``clipped`` (per input, draws moved into the key's range; for
        ``it.utilisation``, steps kept within 0-1), ``method`` and ``runtime_s``.
    """
    mixes = [list(measures)] if measures else []
    return Sampler(scn, mixes, samples=samples, seed=seed, spreads=spreads, file=file, base_dir=base_dir,
                   utilisation=utilisation, weather=weather).band(measures)
