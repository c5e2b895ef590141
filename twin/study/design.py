"""Study and sweep files: validation, technology mixes, and the factorial case index.

A **study** (``dctwin compare``) is a baseline scenario plus technology mixes::

    [study]
    name = "Guangzhou legacy room: retrofit options"
    baseline = "guangzhou_legacy.toml"     # relative to this file; or an inline [baseline] table
                                           # (a top-level `baseline = "file.toml"` works too)
    rank_by = "pue"                        # pue | energy | cost | co2 | water | capex | payback

    [generate]                             # every combination of these measures ...
    measures = ["containment", "variable_speed_drives", {name = "waterside_economizer", chw_supply_c = 12.0}]
    min_size = 1
    max_size = 3
    exclude = [["containment", "waterside_economizer"]]   # ... except mixes holding a listed pair

    [[mixes]]                              # and/or mixes listed explicitly
    name = "containment at 25 degC"
    measures = [{name = "containment", supply_air_c = 25.0}]

A measure entry is a measure name or a ``{name = ..., <parameter> = ...}`` table (see
``twin.measures``); a ``[generate]`` entry may carry a ``label`` used in generated mix names.
Mixes whose measures share a registry ``slot`` are never generated and are an error when listed.
The baseline itself is always the first mix, named ``"baseline"`` (its own ``measures``, if any,
are applied to every mix first).

A **sweep** (``dctwin sweep``) adds factorial axes to the same mixes::

    [sweep]
    name = "..."
    baseline = "guangzhou_legacy.toml"
    sites = ["guangzhou", "shaoguan", "weather/my_site.epw"]   # bundled ids or EPW paths
    loads = [0.3, 0.5, 0.8]                # it.utilisation values
    batch_size = 100                       # cases per Dask task (also the Zarr chunk)
    hourly = false                         # true, or a list of channels, to store time series
    metrics = "full"                       # "full" run summary, or "energy" (PUE, energy, water, feasibility)

    [parameters]                           # dotted keys, each with a list of values
    "plant.chiller_rated_cop" = [5.0, 6.0]           # a baseline scenario key (before measures)
    "waterside_economizer.chw_supply_c" = [10, 12]   # a measure parameter (mixes holding it)

Cases are numbered in C order over the axes (site, mix, utilisation, parameter 1, parameter 2, ...), so
case ``k`` of a given design is always the same scenario; that is what makes a sweep resumable.
Every problem is an :class:`~twin.errors.InputError` naming the file and the key path.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twin.errors import InputError
from twin.inputs.schema import Scenario, load_scenario, validate_scenario
from twin.inputs.schema_base import InputModel, copy_tree, input_error, read_toml
from twin.measures import MEASURES, apply_measures, build_measure, check_exclusive

#: Name of the mix without any measure (the baseline itself).
BASELINE_MIX = "baseline"
#: Metrics a study may be ranked by (lower is better for all of them).
RANK_KEYS = ("pue", "energy", "cost", "co2", "water", "capex", "payback")

MeasureEntry = Union[str, dict[str, Any]]


class _Strict(InputModel):
    model_config = ConfigDict(validate_assignment=False)


class MixSpec(_Strict):
    name: str = Field(min_length=1, description="unique mix name shown in tables and figures")
    description: str = ""
    measures: list[MeasureEntry] = Field(default_factory=list, description="measures applied in order")


class GenerateSpec(_Strict):
    measures: list[MeasureEntry] = Field(min_length=1, description="measures to combine")
    min_size: int = Field(1, ge=1, description="fewest measures in a generated mix")
    max_size: int | None = Field(None, ge=1, description="most measures in a generated mix (default: all)")
    exclude: list[list[str]] = Field(default_factory=list, description="pairs (or groups) never combined")


class StudyHeader(_Strict):
    name: str = ""
    description: str = ""
    baseline: str | None = Field(None, description="baseline scenario file, relative to the study file")
    include_baseline: bool = True
    rank_by: Literal[RANK_KEYS] = "pue"  # type: ignore[valid-type]


class StudyFile(_Strict):
    study: StudyHeader = Field(default_factory=StudyHeader)
    baseline: str | dict[str, Any] | None = Field(None, description=(
        "baseline scenario: a file (relative to the study file) or an inline [baseline] table"))
    mixes: list[MixSpec] | None = None
    generate: GenerateSpec | None = None


class SweepHeader(_Strict):
    name: str = ""
    description: str = ""
    baseline: str | None = None
    include_baseline: bool = True
    sites: list[str] | None = Field(None, description="bundled site ids or EPW paths (default: the baseline's)")
    loads: list[float] | None = Field(None, description="it.utilisation values (default: the baseline's)")
    batch_size: int = Field(100, ge=1, le=100_000, description="cases per Dask task and per Zarr chunk")
    hourly: bool | list[str] = Field(False, description="store hourly series: true for the default channels or a list")
    metrics: Literal["full", "energy"] = Field("full", description=(
        "'full': every block of the run summary (energy, feasibility, policy, cost, carbon); 'energy': the "
        "energy and feasibility blocks only (PUE family, energy, water, verdict), about a third cheaper per case"))


class SweepFile(_Strict):
    sweep: SweepHeader = Field(default_factory=SweepHeader)
    baseline: str | dict[str, Any] | None = None
    mixes: list[MixSpec] | None = None
    generate: GenerateSpec | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class Mix:
    """A named list of measure entries, each ``{"name": ..., **params}`` (already validated)."""

    name: str
    measures: tuple[dict, ...] = ()
    description: str = ""

    @property
    def measure_names(self) -> list[str]:
        return [m["name"] for m in self.measures]

    def to_json(self) -> dict:
        return {"name": self.name, "measures": [dict(m) for m in self.measures]}


@dataclass
class Study:
    """A validated study: the baseline scenario and its mixes (the baseline mix first)."""

    name: str
    description: str
    file: str | None
    baseline: Scenario
    baseline_file: str | None
    base_dir: Path
    mixes: list[Mix]
    rank_by: str = "pue"

    def scenario(self, mix: Mix) -> Scenario:
        """The baseline with ``mix``'s measures appended (not yet applied)."""
        return self.baseline.model_copy(update={"measures": list(self.baseline.measures) + [dict(m) for m in mix.measures]})


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------

def _normalise_measure(entry: MeasureEntry, *, file: str | None, key: str, allow_label: bool = False) -> tuple[dict, str | None]:
    """``"name"`` or ``{name=..., ...}`` -> a validated ``{"name": ..., **params}`` and its label."""
    if isinstance(entry, str):
        spec = {"name": entry}
    elif isinstance(entry, dict):
        spec = dict(entry)
    else:
        raise InputError(f"a measure is a name or a {{name = ...}} table, got {entry!r}", file=file, key=key)
    label = spec.pop("label", None) if allow_label else None
    if label is not None and not (isinstance(label, str) and label.strip()):
        raise InputError(f"label must be a non-empty string, got {label!r}", file=file, key=f"{key}.label")
    if "name" not in spec:
        raise InputError("measure has no 'name'", file=file, key=key)
    build_measure(spec, file=file, key=key)  # raises InputError naming the key
    return spec, label


def _check_mix(measures: list[dict], baseline: Scenario, *, file: str | None, key: str) -> None:
    """Slot exclusivity (with the baseline's own measures) and a trial application."""
    every = list(baseline.measures) + measures
    built = [build_measure(m, file=file, key=f"{key}.{k}") for k, m in enumerate(every)]
    names = [m["name"] for m in every]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"measure(s) {dupes} listed twice in one mix", file=file, key=key)
    check_exclusive(built, file=file, key=key)
    try:
        apply_measures(baseline.model_copy(update={"measures": every}))
    except InputError as exc:
        raise InputError(f"cannot apply this mix to the baseline: {exc.message}", file=file, key=key) from None


def _load_baseline(header_baseline: str | None, inline: str | dict | None, *, file: str | None,
                   section: str) -> tuple[Scenario, str | None, Path]:
    base_dir = Path(file).resolve().parent if file else Path.cwd()
    if header_baseline is not None and inline is not None:
        raise InputError(f"give the baseline once: {section}.baseline or a top-level baseline, not both",
                         file=file, key="baseline")
    if isinstance(inline, str):  # top-level `baseline = "file.toml"`
        header_baseline, inline, section = inline, None, ""
    if inline is not None:
        return validate_scenario(inline, file=file, prefix="baseline."), None, base_dir
    if header_baseline is None:
        raise InputError(f"no baseline: set {section}.baseline to a scenario file or add a [baseline] table",
                         file=file, key=f"{section}.baseline")
    path = Path(header_baseline).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    key = f"{section}.baseline" if section else "baseline"
    if not path.is_file():
        raise InputError(f"baseline scenario not found: {path}", file=file, key=key)
    return load_scenario(path), str(path), path.parent


def _explicit_mixes(specs: list[MixSpec], baseline: Scenario, file: str | None) -> list[Mix]:
    out = []
    for i, spec in enumerate(specs):
        key = f"mixes.{i}.measures"
        if not spec.measures:
            raise InputError(f"mix '{spec.name}' lists no measures (the baseline is included automatically)",
                             file=file, key=key)
        measures = [_normalise_measure(e, file=file, key=f"{key}.{k}")[0] for k, e in enumerate(spec.measures)]
        _check_mix(measures, baseline, file=file, key=key)
        out.append(Mix(spec.name, tuple(measures), spec.description))
    return out


def generate_mixes(spec: GenerateSpec, baseline: Scenario, *, file: str | None = None) -> list[Mix]:
    """Every combination of ``spec.measures`` of ``min_size..max_size`` measures.

    Combinations holding two measures of the same registry slot, or a group listed in
    ``spec.exclude``, are skipped.  Order: by size, then in the order the measures are listed.
    """
    entries, labels = [], []
    for k, e in enumerate(spec.measures):
        m, label = _normalise_measure(e, file=file, key=f"generate.measures.{k}", allow_label=True)
        entries.append(m)
        labels.append(label or m["name"])
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        raise InputError(f"{dup} listed more than once; give each variant a distinct 'label'",
                         file=file, key="generate.measures")
    names = {m["name"] for m in entries}
    for i, group in enumerate(spec.exclude):
        if len(group) < 2:
            raise InputError(f"an exclusion names at least two measures, got {group}",
                             file=file, key=f"generate.exclude.{i}")
        for j, n in enumerate(group):
            if n not in MEASURES and n not in labels:
                raise InputError(f"unknown measure {n!r}; known measures are {sorted(MEASURES)}",
                                 file=file, key=f"generate.exclude.{i}.{j}")
            if n not in names and n not in labels:
                raise InputError(f"{n!r} is not one of generate.measures {sorted(labels)}",
                                 file=file, key=f"generate.exclude.{i}.{j}")
    max_size = len(entries) if spec.max_size is None else min(spec.max_size, len(entries))
    if spec.min_size > max_size:
        raise InputError(f"min_size {spec.min_size} is larger than max_size {max_size}",
                         file=file, key="generate.min_size")
    slots = [MEASURES[m["name"]].slot for m in entries]
    base_slots = {MEASURES[m["name"]].slot for m in baseline.measures if m.get("name") in MEASURES}
    excluded = [set(g) for g in spec.exclude]
    mixes = []
    for size in range(spec.min_size, max_size + 1):
        for combo in itertools.combinations(range(len(entries)), size):
            combo_slots = [slots[c] for c in combo]
            if len(set(combo_slots)) < size or base_slots & set(combo_slots):
                continue
            tags = {labels[c] for c in combo} | {entries[c]["name"] for c in combo}
            if any(g <= tags for g in excluded):
                continue
            measures = [entries[c] for c in combo]
            _check_mix(measures, baseline, file=file, key="generate")
            mixes.append(Mix(" + ".join(labels[c] for c in combo), tuple(copy.deepcopy(measures))))
    if not mixes:
        raise InputError("generates no mix: every combination is excluded or shares a slot",
                         file=file, key="generate")
    return mixes


def _resolve_mixes(mixes: list[MixSpec] | None, generate: GenerateSpec | None, baseline: Scenario,
                   include_baseline: bool, *, file: str | None, require: bool) -> list[Mix]:
    if mixes is not None and not mixes and generate is None:
        raise InputError("the mix list is empty: list at least one [[mixes]] entry or add a [generate] table",
                         file=file, key="mixes")
    if require and mixes is None and generate is None:
        raise InputError("the study has no mixes: add [[mixes]] entries or a [generate] table",
                         file=file, key="mixes")
    out = [Mix(BASELINE_MIX, (), "the baseline scenario as it is")] if include_baseline else []
    out += _explicit_mixes(mixes or [], baseline, file)
    if generate is not None:
        out += generate_mixes(generate, baseline, file=file)
    if not out:
        raise InputError("no mix to run (include_baseline = false and no other mix)", file=file, key="mixes")
    seen: dict[tuple, str] = {}
    names = [m.name for m in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"mix name(s) {dupes} used more than once", file=file, key="mixes")
    for m in out:
        sig = tuple(json.dumps(x, sort_keys=True) for x in m.measures)
        if sig in seen:
            raise InputError(f"mixes '{seen[sig]}' and '{m.name}' hold the same measures", file=file, key="mixes")
        seen[sig] = m.name
    return out


# ------------------------------------------------------------------------------------------------
# Studies
# ------------------------------------------------------------------------------------------------

def load_study(path: str | Path) -> Study:
    """Read and validate a study file (see the module docstring)."""
    file = str(path)
    data = read_toml(path)
    try:
        spec = StudyFile.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, data, file=file, model=StudyFile) from None
    baseline, baseline_file, base_dir = _load_baseline(spec.study.baseline, spec.baseline, file=file, section="study")
    mixes = _resolve_mixes(spec.mixes, spec.generate, baseline, spec.study.include_baseline, file=file, require=True)
    name = spec.study.name or Path(file).stem
    return Study(name=name, description=spec.study.description, file=file, baseline=baseline,
                 baseline_file=baseline_file, base_dir=base_dir, mixes=mixes, rank_by=spec.study.rank_by)


# ------------------------------------------------------------------------------------------------
# Sweeps
# ------------------------------------------------------------------------------------------------

#: Channels stored when ``hourly = true``.
DEFAULT_HOURLY = ("p_facility", "p_it")


def _flatten_parameters(params: dict, prefix: str = "") -> dict[str, Any]:
    """``{"plant": {"cop": [..]}}`` (unquoted dotted TOML keys) -> ``{"plant.cop": [..]}``."""
    out = {}
    for k, v in params.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten_parameters(v, key + "."))
        else:
            out[key] = v
    return out


#: The scenario section that a site or load axis sets (a scenario axis sets the first part of its name).
_AXIS_SECTION = {"site": "scenario", "load": "it"}


def _set_dotted(data: dict, key: str, value) -> None:
    parts = key.split(".")
    node = data
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def _scenario_key_exists(key: str) -> bool:
    model: Any = Scenario
    for part in key.split("."):
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return False
        ann = fields[part].annotation
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
    return True


@dataclass(frozen=True)
class Axis:
    """One factorial axis: its name, the values used in scenarios and their display labels."""

    name: str
    values: tuple
    labels: tuple[str, ...]
    kind: Literal["site", "mix", "load", "scenario", "measure"]


@dataclass
class SweepDesign:
    """A validated factorial design.  Picklable; sent to Dask workers with each batch."""

    name: str
    description: str
    file: str | None
    baseline_data: dict            # baseline scenario, model_dump() (site and measures replaced per case)
    base_dir: str                  # folder for relative paths inside the baseline (utilisation CSV)
    mixes: list[Mix]
    axes: list[Axis]               # site, mix, utilisation, then one per parameter
    batch_size: int = 100
    hourly: tuple[str, ...] = ()
    metrics: str = "full"
    digest: str = field(default="", init=False)

    def __post_init__(self):
        canon = json.dumps({"baseline": self.baseline_data, "mixes": [m.to_json() for m in self.mixes],
                            "axes": [[a.name, [repr(v) for v in a.values]] for a in self.axes],
                            "hourly": list(self.hourly), "metrics": self.metrics}, sort_keys=True, default=str)
        self.digest = hashlib.sha256(canon.encode()).hexdigest()

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a.values) for a in self.axes)

    @property
    def n_cases(self) -> int:
        return math.prod(self.shape)

    def indices(self, case_ids) -> np.ndarray:
        """Axis indices of each case, shape ``(n_axes, len(case_ids))``."""
        return np.array(np.unravel_index(np.asarray(case_ids, dtype=np.int64), self.shape), dtype=np.int64).reshape(len(self.axes), -1)

    def scenario_data(self, case_id: int) -> dict:
        """The scenario dictionary of one case (validate with :func:`twin.inputs.schema.validate_scenario`)."""
        idx = [int(i) for i in np.unravel_index(int(case_id), self.shape)]
        # copy on write: only the sections an axis sets are copied, the others are the baseline's
        data = dict(self.baseline_data)
        for key in {_AXIS_SECTION.get(axis.kind) or axis.name.split(".", 1)[0]
                    for axis in self.axes if axis.kind in ("site", "load", "scenario")}:
            if key in data:
                data[key] = copy_tree(data[key])
        mix = self.mixes[idx[1]]
        measures = [dict(m) for m in mix.measures]
        for axis, i in zip(self.axes, idx):
            value = axis.values[i]
            if axis.kind == "site":
                data["scenario"]["site"] = value
            elif axis.kind == "load":
                if value is not None:
                    data["it"]["utilisation"] = value
            elif axis.kind == "scenario":
                _set_dotted(data, axis.name, value)
            elif axis.kind == "measure":
                mname, param = axis.name.split(".", 1)
                for m in measures:
                    if m["name"] == mname:
                        m[param] = value
        data["measures"] = copy_tree(list(data.get("measures") or [])) + measures
        return data


def _site_axis(sites: list[str] | None, baseline: Scenario, file: str | None) -> Axis:
    from twin.inputs.weather import list_sites, resolve_site

    if sites is None:
        sites = [baseline.scenario.site]
    if not sites:
        raise InputError("the sweep has zero cases: sites is empty", file=file, key="sweep.sites")
    base = Path(file).resolve().parent if file else Path.cwd()
    known = list_sites()
    values, labels = [], []
    for i, s in enumerate(sites):
        path = resolve_site(s, base, file_for_errors=file, key_for_errors=f"sweep.sites.{i}")
        if s in known:
            values.append(s)
            labels.append(s)
        else:
            values.append(str(path))
            labels.append(path.name.removesuffix(".gz").removesuffix(".epw"))
    if len(set(values)) < len(values):
        raise InputError("a site is listed twice", file=file, key="sweep.sites")
    return Axis("site", tuple(values), tuple(labels), "site")


def _parameter_axes(params: dict, baseline: Scenario, mixes: list[Mix], file: str | None) -> list[Axis]:
    axes = []
    base = baseline.model_dump()
    for key, values in _flatten_parameters(params).items():
        where = f"parameters.{key}"
        if not isinstance(values, list):
            raise InputError(f"give a list of values, got {values!r}", file=file, key=where)
        if not values:
            raise InputError("the sweep has zero cases: this parameter has no values", file=file, key=where)
        if len({json.dumps(v, sort_keys=True) for v in values}) < len(values):
            raise InputError(f"a value is listed twice in {values}", file=file, key=where)
        head = key.split(".", 1)[0]
        if head in MEASURES and "." in key:
            param = key.split(".", 1)[1]
            holders = [m for m in mixes for spec in m.measures if spec["name"] == head]
            if not holders:
                raise InputError(f"no mix of this sweep uses measure '{head}'", file=file, key=where)
            if param not in MEASURES[head].model_fields:
                raise InputError(f"measure '{head}' has no parameter '{param}'; its parameters are "
                                 f"{sorted(MEASURES[head].model_fields)}", file=file, key=where)
            for v in values:
                spec = next(s for s in holders[0].measures if s["name"] == head)
                build_measure({**spec, param: v}, file=file, key=where)
            kind = "measure"
        else:
            if key in ("scenario.site", "it.utilisation") or head == "measures":
                raise InputError("use sweep.sites / sweep.loads / mixes for this key", file=file, key=where)
            if not _scenario_key_exists(key):
                raise InputError(f"not a scenario key (sections: {sorted(Scenario.model_fields)}) nor "
                                 f"'<measure>.<parameter>' of a registered measure", file=file, key=where)
            for v in values:
                trial = copy.deepcopy(base)
                _set_dotted(trial, key, v)
                try:
                    validate_scenario(trial)
                except InputError as exc:
                    raise InputError(f"value {v!r}: {exc.message}", file=file, key=where) from None
            kind = "scenario"
        axes.append(Axis(key, tuple(values), tuple(str(v) for v in values), kind))
    return axes


def load_sweep(path: str | Path) -> SweepDesign:
    """Read and validate a sweep file (see the module docstring)."""
    file = str(path)
    data = read_toml(path)
    try:
        spec = SweepFile.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, data, file=file, model=SweepFile) from None
    h = spec.sweep
    baseline, _, base_dir = _load_baseline(h.baseline, spec.baseline, file=file, section="sweep")
    mixes = _resolve_mixes(spec.mixes, spec.generate, baseline, h.include_baseline, file=file, require=False)
    sites = _site_axis(h.sites, baseline, file)
    if h.loads is not None and not h.loads:
        raise InputError("the sweep has zero cases: loads is empty", file=file, key="sweep.loads")
    for i, u in enumerate(h.loads or []):
        if not 0.0 <= u <= 1.0:
            raise InputError(f"a load is an it.utilisation value in [0, 1], got {u}", file=file, key=f"sweep.loads.{i}")
    if h.loads is not None and len(set(h.loads)) < len(h.loads):
        raise InputError("a load is listed twice", file=file, key="sweep.loads")
    loads = Axis("utilisation", tuple(h.loads) if h.loads else (None,),
                 tuple(f"{u:g}" for u in h.loads) if h.loads else ("baseline",), "load")
    mix_axis = Axis("mix", tuple(range(len(mixes))), tuple(m.name for m in mixes), "mix")
    axes = [sites, mix_axis, loads] + _parameter_axes(spec.parameters, baseline, mixes, file)
    if h.hourly is True:
        hourly = DEFAULT_HOURLY
    elif h.hourly is False:
        hourly = ()
    else:
        from twin.engine.results import CHANNELS
        bad = [c for c in h.hourly if c not in CHANNELS]
        if bad:
            raise InputError(f"unknown channel(s) {bad}; channels are {sorted(CHANNELS)}", file=file, key="sweep.hourly")
        hourly = tuple(h.hourly)
    design = SweepDesign(name=h.name or Path(file).stem, description=h.description, file=file,
                         baseline_data=baseline.model_dump(), base_dir=str(base_dir), mixes=mixes,
                         axes=axes, batch_size=h.batch_size, hourly=hourly, metrics=h.metrics)
    if design.n_cases == 0:  # pragma: no cover - every empty axis is rejected above
        raise InputError("the sweep has zero cases", file=file, key="sweep")
    return design
