"""Where the scenario and study files that ship with dctwin live.

In a wheel they are package data under ``twin/_bundled/scenarios`` (hatchling force-include);
in a source checkout or editable install they are the repository's ``scenarios/`` folder.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from twin.errors import InputError

DEFAULT_SCENARIO = "guangzhou_legacy.toml"


@functools.lru_cache(maxsize=1)
def scenarios_dir() -> Path:
    """The folder holding the bundled scenario and study TOML files."""
    here = Path(__file__).resolve().parents[1]  # twin/
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


def default_out_dir(path: Path) -> Path:
    """The output folder of a study or sweep run without ``--out``: ``./dctwin-out/<file stem>``."""
    return Path("dctwin-out") / Path(path).stem


def portable_path(path: str | Path, base_dir: str | Path | None = None) -> str:
    """How an input file is named in outputs, without the user's machine paths.

    A file shipped with dctwin (a bundled scenario, a bundled weather file) is named by its bare
    file name; any other file by its path relative to ``base_dir`` (the scenario's folder), or
    by its bare name when there is no ``base_dir``.  So ``--json``, ``summary.json`` and
    ``results.nc`` read the same on every machine.
    """
    path = Path(path).absolute()
    package = Path(__file__).resolve().parents[1]  # twin/
    shipped = (package, package.parent / "components", scenarios_dir())
    if base_dir is None or any(path.resolve().is_relative_to(root) for root in shipped):
        return path.name
    try:
        return os.path.relpath(path, Path(base_dir).absolute())
    except ValueError:  # pragma: no cover - another drive (Windows)
        return path.name
