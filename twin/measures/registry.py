"""The measure registry: the base class, the registry, and how a scenario's measures are applied.

A scenario lists the measures it applies::

    [[measures]]
    name = "containment"
    supply_air_c = 24.0        # overrides the measure's default parameter

Each measure is a pydantic model (its parameters, with units, ranges and sourced defaults) with
an :meth:`Measure.apply` method that returns a changed copy of the scenario.  Measures compose:
they are applied in the order listed.  Two measures that occupy the same ``slot`` (for example
two UPS topologies) cannot be combined; :func:`apply_measures` rejects such a mix.

The physics of each technology lives in :mod:`components`; a measure only switches it on and
sets its parameters.  Register a new measure with the :func:`register` decorator.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from pydantic import ValidationError

from twin.errors import InputError
from twin.inputs.schema import Scenario, check_relations
from twin.inputs.schema_base import InputModel, input_error

MEASURES: dict[str, type["Measure"]] = {}


class Measure(InputModel):
    """Base class: a measure's parameters plus how it changes a scenario."""

    name: ClassVar[str]
    title: ClassVar[str]
    policy_measure: ClassVar[int]  # number of the Guangdong plan measure (10 cooling, 11 power, 12 storage)
    slot: ClassVar[str]            # measures sharing a slot are mutually exclusive
    plant_types: ClassVar[tuple[str, ...] | None] = None  # plant.type values it applies to (None: any)

    @abstractmethod
    def apply(self, scn: Scenario) -> Scenario:
        """The scenario with this measure applied (every registered measure defines it)."""

    @staticmethod
    def updated(scn: Scenario, section: str, **changes) -> Scenario:
        """Copy of ``scn`` with ``changes`` applied to one section, that section re-validated and
        the relations between sections checked again (:func:`twin.inputs.schema.check_relations`).

        The other sections are shared with ``scn`` (validated models are not changed in place), so
        they keep the keys the user gave (``model_fields_set``)."""
        model = type(getattr(scn, section))
        data = getattr(scn, section).model_dump()
        data.update(changes)
        try:
            new = model.model_validate(data)
        except ValidationError as exc:
            raise input_error(exc, data, prefix=f"{section}.", model=model) from None
        out = scn.model_copy(update={section: new})
        check_relations(out)
        return out


def register(cls: type[Measure]) -> type[Measure]:
    """Class decorator adding a measure to :data:`MEASURES`."""
    MEASURES[cls.name] = cls
    return cls


def list_measures() -> list[dict]:
    """Name, title, plan measure, slot and parameter schema of every registered measure."""
    return [{"name": n, "title": c.title, "policy_measure": c.policy_measure, "slot": c.slot,
             "parameters": {k: {"default": f.default, "description": f.description}
                            for k, f in c.model_fields.items()}}
            for n, c in sorted(MEASURES.items())]


def build_measure(spec: dict, *, file: str | None = None, key: str = "measures.0") -> Measure:
    """Validate one ``{name = ..., **params}`` entry into a measure object."""
    params = dict(spec)
    name = params.pop("name", None)
    if not isinstance(name, str) or name not in MEASURES:
        raise InputError(f"unknown measure {name!r}; known measures are {sorted(MEASURES)}",
                         file=file, key=f"{key}.name")
    try:
        return MEASURES[name].model_validate(params)
    except ValidationError as exc:
        raise input_error(exc, params, file=file, prefix=f"{key}.", model=MEASURES[name]) from None


def measure_parameters(spec: dict) -> dict:
    """A measure entry with every parameter: ``{"name", "parameters": {...}}``, registry defaults filled in.

    ``spec`` is a ``{"name": ..., **params}`` entry (as in a scenario's or mix's ``measures``);
    parameters it does not set take their defaults from the measure's schema, so a reader sees
    e.g. the supply-air set point a bare ``"containment"`` implies.
    """
    built = build_measure(spec)
    return {"name": built.name, "parameters": built.model_dump(mode="json")}


def check_exclusive(measures: list[Measure], *, file: str | None = None, key: str = "measures") -> None:
    """Reject a mix in which two measures occupy the same slot."""
    seen: dict[str, str] = {}
    for m in measures:
        if m.slot in seen:
            raise InputError(f"measures '{seen[m.slot]}' and '{m.name}' are mutually exclusive "
                             f"(both change the {m.slot})", file=file, key=key)
        seen[m.slot] = m.name


def apply_measures(scn: Scenario, *, file: str | None = None) -> Scenario:
    """The scenario with every listed measure applied in order (the list itself is kept)."""
    if not scn.measures:
        return scn
    built = [build_measure(spec, file=file, key=f"measures.{k}") for k, spec in enumerate(scn.measures)]
    check_exclusive(built, file=file)
    out = scn
    for k, m in enumerate(built):
        if m.plant_types is not None and out.plant.type not in m.plant_types:
            raise InputError(f"measure '{m.name}' applies to plant.type {list(m.plant_types)}, "
                             f"not '{out.plant.type}'", file=file, key=f"measures.{k}.name")
        try:
            out = m.apply(out)
        except InputError as exc:
            raise InputError(f"measure '{m.name}' gives an impossible scenario: {exc.key}: {exc.message}",
                             file=file, key=f"measures.{k}") from None
    return out
