"""The layout is the architecture (docs/architecture.md): imports point only downstream, no circles,
small modules.

Every ``import`` statement of every module is read with :mod:`ast`, the ones inside functions
too (a function-local import is still a dependency; it only runs later).  The layers, bottom first:

    components  <  twin, twin.errors  <  twin.inputs  <  twin.measures  <  twin.engine
    <  twin.metrics  <  twin.calibration  <  twin.study  <  twin.report  <  twin.cli
    <  dctwin, validation

A module may import its own layer and the layers below it, never a layer above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 600

#: Layer of each package, bottom (0) first; a module belongs to the longest prefix listed.
LAYERS = {
    "components": 0,
    "twin": 1,             # twin/__init__.py (the version) and twin/errors.py
    "twin.inputs": 2,
    "twin.measures": 3,
    "twin.engine": 4,
    "twin.metrics": 5,
    "twin.calibration": 6,
    "twin.study": 7,
    "twin.report": 8,
    "twin.cli": 9,
    "dctwin": 10,
    "validation": 10,
}
#: Packages whose modules are checked for size.
SIZED = ("twin", "components")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    files = [*ROOT.glob("twin/**/*.py"), *ROOT.glob("components/**/*.py"), *ROOT.glob("dctwin/**/*.py"),
             *ROOT.glob("validation/*.py")]  # validation/energyplus/ holds scripts, not package modules
    return {_module_name(p): p for p in sorted(files) if "__pycache__" not in p.parts}


MODULES = _modules()


def _resolve(target: str) -> str | None:
    """The known module ``target`` names, or its closest known parent package."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def imports_of(name: str) -> set[str]:
    """Every module of this repository that module ``name`` imports (anywhere in its body)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # ``from pkg import sub`` depends on the submodule when ``sub`` is one
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module for a in node.names]
        else:
            continue
        for t in targets:
            resolved = _resolve(t)
            if resolved is not None and resolved != name:
                out.add(resolved)
    return out


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> int:
    best = max((p for p in LAYERS if name == p or name.startswith(p + ".")), key=len)
    return LAYERS[best]


def package_of(name: str) -> str:
    """The package a module belongs to: ``twin.engine.plant`` -> ``twin.engine``.

    A module directly under a top-level folder (``twin.errors``, ``components.psychrometrics``)
    stands for itself: those folders are not one unit but the foundation and the entry points.
    """
    if MODULES[name].name == "__init__.py":
        return name
    parent = name.rpartition(".")[0]
    return name if "." not in parent else parent


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                found.append(sorted(scc))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def package_graph() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for src, targets in GRAPH.items():
        p = package_of(src)
        out.setdefault(p, set()).update(package_of(t) for t in targets if package_of(t) != p)
    return out


def test_the_graph_is_read():
    """The reader sees real edges, function-local ones included, so the checks below can fail."""
    assert len(MODULES) > 100
    assert "twin.inputs.schema" in GRAPH["twin.engine.plant"]
    assert "twin.engine.simulate" in GRAPH["twin.calibration.replay"]        # a function-local import
    assert "twin.engine.events" in GRAPH["twin.engine.simulate"]             # ``from twin.engine import events``
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_circle():
    assert cycles(GRAPH) == []


def test_no_package_circle():
    assert cycles(package_graph()) == []


def test_imports_point_downstream():
    upward = sorted(f"{src} -> {dst}" for src, targets in GRAPH.items() for dst in targets
                    if layer(dst) > layer(src))
    assert upward == [], "imports against the layer order (docs/architecture.md):\n" + "\n".join(upward)


def test_components_never_import_twin():
    assert not [s for s, t in GRAPH.items() if s.startswith("components") and any(x.startswith("twin") for x in t)]


@pytest.mark.parametrize("package", sorted(p for p in LAYERS if p.startswith("twin.")))
def test_each_package_says_what_it_holds_and_may_import(package):
    doc = ast.get_docstring(ast.parse(MODULES[package].read_text(encoding="utf-8"))) or ""
    assert "May import" in doc, f"{package}/__init__.py: say what lives there and what it may import"


def test_no_module_over_the_size_limit():
    long = sorted(f"{MODULES[n].relative_to(ROOT)}: {len(MODULES[n].read_text(encoding='utf-8').splitlines())} lines"
                  for n in MODULES if n.split(".")[0] in SIZED
                  and len(MODULES[n].read_text(encoding="utf-8").splitlines()) > MAX_LINES)
    assert long == [], f"modules over {MAX_LINES} lines: split them by what they model"
