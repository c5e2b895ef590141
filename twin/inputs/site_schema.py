"""Site files: several halls on one weather year, each on its own plant or on a shared chilled-water plant.

A site file has a ``[scenario]`` table (name, weather site, year, time step, method, seed: shared
by every hall, so all halls see the same weather at the same steps), one ``[[halls]]`` table per
hall and, when a hall says ``plant = "shared"``, a ``[shared_plant]`` table::

    [scenario]
    name = "Guangzhou two halls"
    site = "guangzhou"

    [shared_plant]              # the keys of [plant], type water- or air-cooled chillers
    type = "water_cooled_chiller"
    chillers = 4
    [shared_plant.power]        # the LV board that feeds the plant (defaults: PlantBoard)
    transformers = "auto"

    [[halls]]
    name = "hall A"
    plant = "shared"
    [halls.it]                  # every other table of a scenario file: it, air, crah, power, ...
    design_kw = 1000.0
    racks = 200

    [[halls]]
    name = "legacy DX room"
    [halls.plant]               # its own plant: a [plant] table as in a scenario file
    type = "dx"

Each hall is validated as a scenario of its own (:func:`twin.inputs.schema.validate_scenario`); an
error names the file and the key path inside the site file (``halls.1.it.design_kw``).  Each hall
keeps its own power chain (UPS, PDU, transformers: its ``[power]`` table); the shared plant has
its own LV board (``[shared_plant.power]``).  A hall on the shared plant is run with its air side
only: its ``[plant]`` becomes a chilled-water purchase (``type = "district"``) with no
distribution pumps, no electricity equivalent and the shared plant's chilled-water set point and
room dew point (see ``twin/engine/site.py`` and docs/plants.md, "Sites with several halls").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, create_model, field_validator

from twin.errors import InputError
from twin.inputs.schema import Plant, Power, Scenario, Scenario_, _Model, validate_scenario
from twin.inputs.schema_base import input_error
from twin.inputs.schema_base import read_toml

SHARED = "shared"
_SITE_KEYS = ("scenario", "halls", "shared_plant")
# hall tables a hall on the shared plant may not have: the shared plant replaces them
_SHARED_HALL_FORBIDDEN = ("district_cooling", "thermal_storage")
# [power] keys of an LV supply (twin.engine.plant_power.supply_params) and the switchgear loss
_BOARD_FIELDS = ("transformers", "transformer_model", "transformer_max_loading", "power_factor",
                 "switchgear_square_law")


class _BoardBase(_Model):
    transformer_topology: Literal["n", "n+1", "2n"] = Field("n+1", description=(
        "redundancy of the plant board's transformers [-]. Assumption (A): N+1, the least that meets GB 51348-2019 "
        "4.3.2's 'two or more, so that when one is out the others carry' for first-class loads (S)"))

    @field_validator("transformers", mode="before", check_fields=False)
    @classmethod
    def _transformer_units(cls, v):
        return Power._transformer_units(v)


PlantBoard = create_model(
    "PlantBoard", __base__=_BoardBase, __doc__="The LV supply of a shared chilled-water plant: switchgear and transformers.",
    **{k: (Power.model_fields[k].annotation, Power.model_fields[k]) for k in _BOARD_FIELDS})


class SharedPlant(Plant):
    """A chilled-water plant serving every hall with ``plant = "shared"``: the keys of ``[plant]``."""

    type: Literal["water_cooled_chiller", "air_cooled_chiller"] = Field("water_cooled_chiller", description=(
        "chillers with towers, or air-cooled chillers (DX, IEC and district cooling serve one hall's air side)"))
    power: PlantBoard = Field(default_factory=PlantBoard, description="the plant's LV board and transformers")


@dataclass
class HallSpec:
    """One validated hall: its name, whether it is on the shared plant, and its scenario."""

    index: int
    name: str
    shared: bool
    scenario: Scenario

    @property
    def key(self) -> str:
        """Key path of this hall's table in the site file."""
        return f"halls.{self.index}"


@dataclass
class SiteSpec:
    """A validated site file."""

    scenario: Scenario_
    halls: list[HallSpec]
    shared_plant: SharedPlant | None
    file: str | None = None

    @property
    def name(self) -> str:
        return self.scenario.name


def is_site(data: dict) -> bool:
    """Whether a parsed TOML file is a site file (it has ``[[halls]]``)."""
    return "halls" in data


def rekeyed(exc: InputError, prefix: str) -> InputError:
    """The same error with its key path under ``prefix`` (a hall's table in the site file)."""
    return InputError(exc.message, file=exc.file, key=f"{prefix}.{exc.key}" if exc.key else prefix)


def _validate_model(model, data, file: str | None, key: str):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, data, file=file, prefix=f"{key}.", model=model) from None


def _hall_scenario(k: int, hall, site: dict, shared: SharedPlant | None, file: str | None) -> HallSpec:
    key = f"halls.{k}"
    if not isinstance(hall, dict):
        raise InputError("each [[halls]] entry must be a table", file=file, key=key)
    hall = dict(hall)
    name = hall.pop("name", None)
    if not isinstance(name, str) or not name.strip():
        raise InputError("each hall needs a name (a non-empty string)", file=file, key=f"{key}.name")
    if "scenario" in hall:
        raise InputError("weather, year, time step and method are set once for the site in [scenario]; a hall "
                         "has no [scenario] table", file=file, key=f"{key}.scenario")
    description = hall.pop("description", "")
    plant = hall.get("plant", {})
    on_shared = plant == SHARED
    if isinstance(plant, str) and not on_shared:
        raise InputError(f"plant must be a [plant] table or the string '{SHARED}', got {plant!r}",
                         file=file, key=f"{key}.plant")
    if on_shared:
        if shared is None:
            raise InputError(f"plant = '{SHARED}' needs a [shared_plant] table in the site file", file=file,
                             key=f"{key}.plant")
        for table in _SHARED_HALL_FORBIDDEN:
            if table in hall:
                raise InputError(f"a hall on the shared plant takes its chilled water from [shared_plant]; "
                                 f"remove [{table}]", file=file, key=f"{key}.{table}")
        if hall.get("control", {}).get("mode") == "optimise":
            raise InputError("supervisory set-point optimisation needs the hall's own plant; use mode = 'fixed' "
                             "on the shared plant", file=file, key=f"{key}.control.mode")
        hall["plant"] = {"type": "district", "chw_supply_c": shared.chw_supply_c,
                         "indoor_dew_point_c": shared.indoor_dew_point_c}
        # the hall hands its whole chilled-water load to the shared plant: no pumps, nothing bought
        hall["district_cooling"] = {"pump_w_per_kw": 0.0, "electricity_equivalent": 0.0, "price_cny_per_kwh": 0.0}
    data = {"scenario": {**site, "name": f"{site.get('name', 'site')} / {name}", "description": description}, **hall}
    try:
        scn = validate_scenario(data, file=file)
    except InputError as exc:
        raise rekeyed(exc, key) from None
    return HallSpec(index=k, name=name.strip(), shared=on_shared, scenario=scn)


def validate_site(data: dict, file: str | None = None) -> SiteSpec:
    """Validate a parsed site file; raise :class:`InputError` naming the first bad key."""
    unknown = sorted(set(data) - set(_SITE_KEYS))
    if unknown:
        raise InputError(f"unknown key in a site file (allowed: {list(_SITE_KEYS)}; each hall's tables go under "
                         f"[[halls]], e.g. [halls.it])", file=file, key=unknown[0])
    site = data.get("scenario", {})
    site_scn = _validate_model(Scenario_, site, file, "scenario")
    halls = data["halls"]
    if not isinstance(halls, list) or not halls:
        raise InputError("give at least one [[halls]] table", file=file, key="halls")
    shared = None
    if "shared_plant" in data:
        shared = _validate_model(SharedPlant, data["shared_plant"], file, "shared_plant")
    specs = [_hall_scenario(k, h, site, shared, file) for k, h in enumerate(halls)]
    seen = {}
    for h in specs:
        if h.name in seen:
            raise InputError(f"hall name {h.name!r} is already used by halls.{seen[h.name]}; give each hall its own "
                             f"name", file=file, key=f"{h.key}.name")
        seen[h.name] = h.index
    if shared is not None and not any(h.shared for h in specs):
        raise InputError(f"no hall has plant = '{SHARED}'; remove [shared_plant] or put a hall on it", file=file,
                         key="shared_plant")
    return SiteSpec(scenario=site_scn, halls=specs, shared_plant=shared, file=file)


def load_site(path: str | Path) -> SiteSpec:
    """Read and validate a site TOML file."""
    return validate_site(read_toml(path), file=str(path))
