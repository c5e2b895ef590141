"""Retrofit measures: named, parameterised changes applied to a baseline scenario.

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

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twin.errors import InputError
from twin.schema import Scenario, _format_error

MEASURES: dict[str, type["Measure"]] = {}


class Measure(BaseModel):
    """Base class: a measure's parameters plus how it changes a scenario."""

    model_config = ConfigDict(extra="forbid")

    name: ClassVar[str]
    title: ClassVar[str]
    policy_measure: ClassVar[int]  # number of the Guangdong plan measure (10 cooling, 11 power, 12 storage)
    slot: ClassVar[str]            # measures sharing a slot are mutually exclusive

    def apply(self, scn: Scenario) -> Scenario:  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def updated(scn: Scenario, section: str, **changes) -> Scenario:
        """Copy of ``scn`` with ``changes`` applied to one section, re-validated."""
        data = scn.model_dump()
        data[section].update(changes)
        return Scenario.model_validate(data)


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
    if name not in MEASURES:
        raise InputError(f"unknown measure {name!r}; known measures are {sorted(MEASURES)}",
                         file=file, key=f"{key}.name")
    try:
        return MEASURES[name].model_validate(params)
    except ValidationError as exc:
        sub, msg = _format_error(exc.errors()[0])
        raise InputError(msg, file=file, key=f"{key}.{sub}") from None


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
    for m in built:
        out = m.apply(out)
    return out


# --------------------------------------------------------------------------------------------
# Measure 10: cooling
# --------------------------------------------------------------------------------------------

@register
class Containment(Measure):
    """Hot- or cold-aisle containment with blanking panels and sealed cable cut-outs."""

    name: ClassVar[str] = "containment"
    title: ClassVar[str] = "Aisle containment and blanking panels"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "air management"

    kind: Literal["cold_aisle", "hot_aisle"] = Field("cold_aisle", description="which aisle is contained")
    recirculation_min: float = Field(0.03, ge=0.0, lt=0.5, description=(
        "residual recirculation with containment and blanking [-] (assumption: well-sealed containment, "
        "SHI below 0.05)"))
    bypass: float = Field(0.08, ge=0.0, lt=0.9, description=(
        "residual bypass through containment leakage [-] (assumption: 5-10 % leakage)"))
    supply_air_c: float = Field(23.0, ge=15.0, le=27.0, description=(
        "supply-air set point made possible by containment [degC]. Source: containment lets the set point "
        "rise ~5.5 K (Schneider WP135 via figures.md 2.3, S weak); kept inside the ASHRAE/GB 50174 "
        "recommended 18-27 degC"))

    def apply(self, scn: Scenario) -> Scenario:
        return self.updated(scn, "air", containment=self.kind, recirculation_min=self.recirculation_min,
                            bypass=self.bypass, supply_air_c=self.supply_air_c)


@register
class VariableSpeedDrives(Measure):
    """EC/VFD fans, variable-speed pumps and tower fans (直流变频), optionally an inverter chiller."""

    name: ClassVar[str] = "variable_speed_drives"
    title: ClassVar[str] = "Variable-speed drives (EC fans, VFD pumps and tower fans)"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "drives"

    fans: bool = Field(True, description="EC/VFD CRAH fans following the server airflow")
    pumps: bool = Field(True, description="variable-speed chilled-water pumps")
    tower_fans: bool = Field(True, description="variable-speed cooling-tower fans")

    def apply(self, scn: Scenario) -> Scenario:
        if self.fans:
            scn = self.updated(scn, "crah", fan_control="variable")
        changes = {}
        if self.pumps:
            changes["chw_pump_control"] = "variable"
        if self.tower_fans:
            changes["tower_fan_control"] = "variable"
        return self.updated(scn, "plant", **changes) if changes else scn


@register
class WatersideEconomizer(Measure):
    """Plate heat exchanger between tower water and chilled-water return (free cooling)."""

    name: ClassVar[str] = "waterside_economizer"
    title: ClassVar[str] = "Water-side economizer (plate heat exchanger)"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "economizer"

    approach_k: float = Field(2.2, ge=0.5, le=6.0, description="plate HX approach [K]. Source: 1.7-2.8 K (figures.md 2.2, S)")
    chw_supply_c: float = Field(10.0, ge=5.0, le=18.0, description=(
        "chilled-water supply raised to widen free-cooling hours [degC] (assumption: the top of the DOE-2 "
        "centrifugal curve range, 5-10 degC; higher values are allowed but the chiller curve input is held "
        "at its range edge and those hours are reported)"))

    def apply(self, scn: Scenario) -> Scenario:
        return self.updated(scn, "plant", economizer=True, economizer_approach_k=self.approach_k,
                            chw_supply_c=self.chw_supply_c)
