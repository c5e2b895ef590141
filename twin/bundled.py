"""Where the scenario and study files that ship with dctwin live.

In a wheel they are package data under ``twin/_bundled/scenarios`` (hatchling force-include);
in a source checkout or editable install they are the repository's ``scenarios/`` folder.
"""

from __future__ import annotations

from pathlib import Path

from twin.errors import InputError

DEFAULT_SCENARIO = "guangzhou_legacy.toml"


def scenarios_dir() -> Path:
    """The folder holding the bundled scenario and study TOML files."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_bundled" / "scenarios", here.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    raise InputError("the bundled scenarios folder is missing from this installation")


def resolve_scenario(name: str | None, default: str = DEFAULT_SCENARIO) -> Path:
    """A scenario path from a path, a bundled file name (with or without ``.toml``), or None."""
    if name is None:
        return scenarios_dir() / default
    path = Path(name)
    if path.exists():
        return path
    stem = path.name if path.suffix == ".toml" else f"{path.name}.toml"
    bundled = scenarios_dir() / stem
    if bundled.exists() and len(path.parts) == 1:
        return bundled
    known = sorted(p.stem for p in scenarios_dir().glob("*.toml"))
    raise InputError(f"no such file; bundled scenarios are {known}", file=str(name))
