"""The search space of ``dctwin optimise``: which measures, and which of their parameters, are decisions.

A **mix** is at most one measure per registry ``slot`` (:mod:`twin.measures`; two UPS topologies
cannot be combined), each with its parameters.  Most parameters of a measure are physics or
price assumptions (a containment's residual leakage, a PSU curve): the optimiser must not tune
those, or it would pick the most optimistic physics.  :data:`DECISIONS` names the parameters that
are design choices an engineer makes; each takes the values of its registry field (a ``Literal``'s
options, both values of a ``bool``) or, for a number, the grid ``step`` apart over the field's
registry range (its ``ge``/``gt`` and ``le`` bounds).  Every other parameter keeps its registry
default.

Two sources of a space:

- :func:`registry_space`: every registered measure that applies to the baseline's plant type.
- :func:`study_space`: the measures a study file names, in the file format of ``dctwin compare``
  (``[generate] measures`` and/or ``[[mixes]]``; a measure entry's own parameters are fixed), with
  ``[generate] exclude`` groups and ``max_size`` honoured and an optional ``[parameters]`` table
  (the format of ``dctwin sweep``: ``"<measure>.<parameter>" = [values]``) that replaces a
  decision's grid or makes another parameter a decision::

      [study]
      baseline = "guangzhou_legacy.toml"
      [generate]
      measures = ["containment", "variable_speed_drives", {name = "liquid_cooling", kind = "cold_plate"}]
      exclude = [["containment", "liquid_cooling"]]
      [parameters]
      "containment.supply_air_c" = [22.0, 24.0, 26.0]
"""

from __future__ import annotations

import itertools
import json
import math
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from twin.errors import InputError
from twin.measures import MEASURES, build_measure
from twin.inputs.schema import Scenario, read_toml
from twin.inputs.schema_base import input_error

#: Design decisions of each measure: parameter -> grid step of a number (None: a ``Literal`` or ``bool``).
#: The values come from the registry field (twin/measures/cooling.py, twin/measures/power.py).
DECISIONS: dict[str, dict[str, float | None]] = {
    "containment": {"supply_air_c": 1.0},                       # 15-27 degC, the ASHRAE/GB 50174 band
    "variable_speed_drives": {"compressor": None},              # fixed / inverter / magnetic bearing
    "waterside_economizer": {"chw_supply_c": 1.0},              # 5-18 degC chilled water
    "air_side_economizer": {"evaporative": None},
    "indirect_evaporative_cooling": {"supply_air_c": 1.0},      # 15-27 degC
    "liquid_cooling": {"kind": None, "water_class": None, "rejection": None},
    "thermal_storage": {"kind": None, "hours_of_design_load": 2.0},   # 2-24 h of design IT heat
    "modular_ups": {"eco_mode": None},
    "psu_titanium": {"level": None},                            # platinum / titanium
}
#: Name of the mix without measures.
BASELINE_MIX = "baseline"


def _bounds(info) -> tuple[float | None, bool, float | None]:
    """(lower bound, lower bound exclusive, upper bound) of a pydantic field."""
    lo = hi = None
    open_lo = False
    for m in info.metadata:
        if getattr(m, "ge", None) is not None:
            lo = m.ge
        if getattr(m, "gt", None) is not None:
            lo, open_lo = m.gt, True
        if getattr(m, "le", None) is not None:
            hi = m.le
    return lo, open_lo, hi


def field_values(measure: str, param: str, step: float | None) -> tuple:
    """The values a decision takes: a ``Literal``'s options, ``(False, True)``, or a number grid."""
    info = MEASURES[measure].model_fields[param]
    ann = info.annotation
    if typing.get_origin(ann) is typing.Literal:
        return tuple(typing.get_args(ann))
    if ann is bool:
        return (False, True)
    lo, open_lo, hi = _bounds(info)
    if step is None or lo is None or hi is None:
        raise InputError(f"parameter '{param}' of '{measure}' has no finite range to search; list its values "
                         f"in [parameters] \"{measure}.{param}\" = [...]", key=f"parameters.{measure}.{param}")
    start = lo + step if open_lo else lo
    n = int(math.floor((hi - start) / step + 1e-9)) + 1
    cast = int if ann is int else float
    return tuple(cast(round(start + k * step, 9)) for k in range(n))


@dataclass(frozen=True)
class MeasureOption:
    """One measure of the space: its fixed parameters and its decisions ``{param: values}``."""

    name: str
    fixed: dict = field(default_factory=dict)
    decisions: dict[str, tuple] = field(default_factory=dict)

    @property
    def slot(self) -> str:
        return MEASURES[self.name].slot

    def variants(self) -> int:
        return math.prod(len(v) for v in self.decisions.values())


@dataclass(frozen=True)
class Space:
    """Measures grouped by slot; a mix takes at most one per slot (``"none"`` leaves the slot empty)."""

    options: tuple[MeasureOption, ...]
    exclude: tuple[frozenset, ...] = ()
    max_size: int | None = None
    source: str = "registry"

    @property
    def slots(self) -> dict[str, list[MeasureOption]]:
        out: dict[str, list[MeasureOption]] = {}
        for o in self.options:
            out.setdefault(o.slot, []).append(o)
        return out

    def _option(self, name: str) -> MeasureOption:
        return next(o for o in self.options if o.name == name)

    def size(self) -> int:
        """Mixes in the space before the study file's ``exclude``/``max_size`` (upper bound). [-]"""
        return math.prod(1 + sum(o.variants() for o in opts) for opts in self.slots.values())

    def allowed(self, mix: tuple[dict, ...]) -> bool:
        """False for a mix the study file rules out (an ``exclude`` group, more than ``max_size`` measures)."""
        names = {m["name"] for m in mix}
        if self.max_size is not None and len(names) > self.max_size:
            return False
        return not any(g <= names for g in self.exclude)

    def mix(self, chosen: dict[str, dict]) -> tuple[dict, ...]:
        """The mix of ``{measure: decision values}``, in registry order (the order measures apply)."""
        order = list(MEASURES)
        return tuple({"name": n, **self._option(n).fixed, **chosen[n]} for n in sorted(chosen, key=order.index))

    def _slot_choices(self, opts: list[MeasureOption]) -> list[tuple]:
        """What one slot can hold: ``()`` (empty) or ``((measure, decision values),)`` per variant."""
        choices: list[tuple] = [()]
        for o in opts:
            keys = list(o.decisions)
            for values in itertools.product(*(o.decisions[k] for k in keys)):
                choices.append(((o.name, dict(zip(keys, values))),))
        return choices

    def enumerate(self):
        """Every allowed mix (exhaustive search; the space must be small)."""
        for combo in itertools.product(*(self._slot_choices(opts) for opts in self.slots.values())):
            mix = self.mix(dict(c for part in combo for c in part))
            if self.allowed(mix):
                yield mix

    def neighbours(self, mix: tuple[dict, ...]):
        """Every allowed mix that differs from ``mix`` in one slot (emptied, or another measure or variant)."""
        chosen = {m["name"]: {k: m[k] for k in self._option(m["name"]).decisions} for m in mix}
        for slot, opts in self.slots.items():
            rest = {n: v for n, v in chosen.items() if MEASURES[n].slot != slot}
            for choice in self._slot_choices(opts):
                other = self.mix({**rest, **dict(choice)})
                if other != mix and self.allowed(other):
                    yield other

    def suggest(self, trial) -> tuple[dict, ...]:
        """The mix an Optuna trial proposes (define-by-run: a measure's decisions only when it is chosen)."""
        chosen = {}
        for slot, opts in self.slots.items():
            pick = trial.suggest_categorical(f"slot:{slot}", ["none"] + [o.name for o in opts])
            if pick == "none":
                continue
            o = self._option(pick)
            values = {}
            for p, grid in o.decisions.items():
                name = f"{pick}.{p}"
                if len(grid) == 1:
                    values[p] = grid[0]
                elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in grid):
                    x = trial.suggest_float(name, float(grid[0]), float(grid[-1]), step=float(grid[1] - grid[0]))
                    values[p] = min(grid, key=lambda v: abs(v - x))
                else:
                    values[p] = trial.suggest_categorical(name, list(grid))
            chosen[pick] = values
        return self.mix(chosen)

    def label(self, mix: tuple[dict, ...]) -> str:
        """Display name: measures joined by " + ", each with its decision values."""
        if not mix:
            return BASELINE_MIX
        parts = []
        for m in mix:
            dec = self._option(m["name"]).decisions
            shown = ", ".join(f"{k}={m[k]:g}" if isinstance(m[k], float) else f"{k}={m[k]}" for k in dec if k in m)
            parts.append(f"{m['name']}({shown})" if shown else m["name"])
        return " + ".join(parts)


def mix_key(mix: tuple[dict, ...]) -> str:
    """Cache key of a mix (same measures and parameters: same key)."""
    return json.dumps(list(mix), sort_keys=True)


def _option(name: str, fixed: dict, grids: dict[str, tuple]) -> MeasureOption:
    decisions = {p: grids.get(p) or field_values(name, p, s) for p, s in DECISIONS.get(name, {}).items() if p not in fixed}
    decisions.update({p: v for p, v in grids.items() if p not in decisions})
    return MeasureOption(name, dict(fixed), decisions)


def registry_space(baseline: Scenario) -> Space:
    """Every registered measure that applies to the baseline's plant type (and whose slot the baseline's
    own measures leave free), with :data:`DECISIONS`."""
    taken = {MEASURES[m["name"]].slot for m in baseline.measures if m.get("name") in MEASURES}
    options = [_option(n, {}, {}) for n, cls in MEASURES.items()
               if (cls.plant_types is None or baseline.plant.type in cls.plant_types) and cls.slot not in taken]
    return Space(tuple(options))


def _grids(params: dict, names: set[str], file: str) -> dict[str, dict[str, tuple]]:
    """``[parameters]`` ``"<measure>.<param>" = [values]`` -> ``{measure: {param: values}}``, validated."""
    out: dict[str, dict[str, tuple]] = {}
    for key, values in params.items():
        where = f"parameters.{key}"
        name, _, param = key.partition(".")
        if name not in MEASURES or not param:
            raise InputError(f"give '<measure>.<parameter>' of a registered measure; known measures are "
                             f"{sorted(MEASURES)}", file=file, key=where)
        if name not in names:
            raise InputError(f"measure '{name}' is not in this study's space {sorted(names)}", file=file, key=where)
        if param not in MEASURES[name].model_fields:
            raise InputError(f"measure '{name}' has no parameter '{param}'; its parameters are "
                             f"{sorted(MEASURES[name].model_fields)}", file=file, key=where)
        if not isinstance(values, list) or not values:
            raise InputError(f"give a non-empty list of values, got {values!r}", file=file, key=where)
        for v in values:
            build_measure({"name": name, param: v}, file=file, key=where)
        out.setdefault(name, {})[param] = tuple(values)
    return out


def study_space(path: str | Path, baseline: Scenario) -> Space:
    """The space a study file names (see the module docstring); every problem is an :class:`InputError`."""
    from twin.study.design import StudyFile, _normalise_measure

    file = str(path)
    data = read_toml(path)
    params = data.pop("parameters", {})
    try:
        spec = StudyFile.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, data, file=file, model=StudyFile) from None
    entries: list[tuple[dict, str]] = []
    if spec.generate is not None:
        entries += [(e, f"generate.measures.{k}") for k, e in enumerate(spec.generate.measures)]
    for i, m in enumerate(spec.mixes or []):
        entries += [(e, f"mixes.{i}.measures.{k}") for k, e in enumerate(m.measures)]
    if not entries:
        raise InputError("the study names no measure: add a [generate] table or [[mixes]]", file=file, key="generate")
    fixed: dict[str, dict] = {}
    for entry, key in entries:
        m, _ = _normalise_measure(entry, file=file, key=key, allow_label=True)
        name = m.pop("name")
        if fixed.setdefault(name, m) != m:
            raise InputError(f"measure '{name}' is listed with different parameters ({fixed[name]} and {m}); "
                             "list it once and search a parameter with [parameters]", file=file, key=key)
    grids = _grids(params if isinstance(params, dict) else {}, set(fixed), file)
    for name, g in grids.items():
        clash = sorted(set(g) & set(fixed[name]))
        if clash:
            raise InputError(f"{clash} of '{name}' is both fixed in the measure entry and searched", file=file,
                             key=f"parameters.{name}.{clash[0]}")
    taken = {MEASURES[m["name"]].slot for m in baseline.measures if m.get("name") in MEASURES}
    for name in fixed:
        cls = MEASURES[name]
        if cls.plant_types is not None and baseline.plant.type not in cls.plant_types:
            raise InputError(f"measure '{name}' applies to plant.type {list(cls.plant_types)}, not "
                             f"'{baseline.plant.type}'", file=file, key="generate.measures")
        if cls.slot in taken:
            raise InputError(f"the baseline already holds a measure of slot '{cls.slot}'", file=file,
                             key="generate.measures")
    gen = spec.generate
    exclude = tuple(frozenset(g) for g in (gen.exclude if gen else []))
    for i, g in enumerate(exclude):
        unknown = sorted(g - set(fixed))
        if unknown:
            raise InputError(f"{unknown} not in this study's measures {sorted(fixed)}", file=file,
                             key=f"generate.exclude.{i}")
    options = tuple(_option(n, fixed[n], grids.get(n, {})) for n in MEASURES if n in fixed)
    return Space(options, exclude=exclude, max_size=gen.max_size if gen else None, source=file)


def is_study_file(data: dict[str, Any]) -> bool:
    """A TOML that names a study (``[study]``, ``[generate]`` or ``[[mixes]]``) rather than a scenario."""
    return any(k in data for k in ("study", "generate", "mixes"))


def load_space(path: str | Path) -> tuple[Scenario, Path, Space]:
    """The baseline scenario, the folder its relative inputs resolve against, and the space of a file:
    a study file (:func:`study_space`) or a scenario (:func:`registry_space` around it)."""
    from twin.inputs.schema import load_scenario
    from twin.study.design import _load_baseline

    path = Path(path)
    data = read_toml(path)
    if not is_study_file(data):
        scn = load_scenario(path)
        return scn, path.parent, registry_space(scn)
    study = data.get("study") if isinstance(data.get("study"), dict) else {}
    baseline, _, base_dir = _load_baseline(study.get("baseline"), data.get("baseline"), file=str(path), section="study")
    return baseline, base_dir, study_space(path, baseline)
