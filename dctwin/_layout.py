"""Make ``twin`` and ``components`` resolve to the copies that ship with dctwin.

The engine's modules import each other absolutely (``from twin.inputs.schema import ...``,
``from components.facility import ...``).  In a source checkout ``twin/`` and ``components/`` sit
beside ``dctwin/``; in a wheel they are installed *inside* it (``dctwin/twin``,
``dctwin/components``, see ``[tool.hatch.build.targets.wheel.sources]`` in ``pyproject.toml``),
so that the only top-level name dctwin puts into site-packages is ``dctwin``.

:func:`install` puts one small finder in front of :data:`sys.meta_path`.  It answers only for
the two top-level names ``twin`` and ``components`` and only with dctwin's own folders, so a
notebook whose working folder has its own ``components/`` (found first through ``sys.path[0]``)
cannot shadow the engine.  Submodules (``twin.inputs.schema``) are then found through the package's
``__path__`` by Python's ordinary machinery.  The cost: in a process that imported dctwin, the
names ``twin`` and ``components`` belong to dctwin.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from pathlib import Path

#: The top-level package names that dctwin's engine uses.
ENGINE_PACKAGES = ("twin", "components")


def engine_root() -> Path:
    """The folder holding ``twin/`` and ``components/``: inside ``dctwin/`` (wheel) or beside it (checkout)."""
    here = Path(__file__).resolve().parent
    return here if (here / "twin" / "__init__.py").is_file() else here.parent


class _EngineFinder(importlib.abc.MetaPathFinder):
    """Find ``twin`` and ``components`` in :func:`engine_root` only."""

    def __init__(self, root: Path):
        self.root = str(root)

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in ENGINE_PACKAGES:
            return None
        return importlib.machinery.PathFinder.find_spec(fullname, [self.root])


def _is_ours(module, root: Path) -> bool:
    origin = getattr(module, "__file__", None)
    return origin is not None and Path(origin).resolve().is_relative_to(root)


def install() -> None:
    """Install the finder once; refuse if a foreign ``twin``/``components`` is already imported."""
    root = engine_root()
    for name in ENGINE_PACKAGES:
        module = sys.modules.get(name)
        if module is not None and not _is_ours(module, root):
            where = getattr(module, "__file__", None) or "a namespace package"
            raise ImportError(f"dctwin: another package named {name!r} is already imported (from {where}); "
                              f"import dctwin before it, or rename that package")
    if not any(isinstance(f, _EngineFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _EngineFinder(root))
