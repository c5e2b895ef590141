"""Validation: every claim the twin makes, checked against its published source.

A *case* is one claim.  Its data live in ``validation/cases/<name>/case.toml``: the inputs, the
reference values (or range), the source with its evidence label (docs/sources.md: P primary, S
secondary, V vendor, C computed, M memory), the tolerance and why the evidence supports it.
The comparison is a Python function registered here under the case's ``check`` name (default:
the folder name), in :mod:`validation.checks` or, for the EnergyPlus side-by-side run,
``validation/energyplus/compare.py``.  A check returns :class:`Row` objects; the runner decides
pass or fail, so every case is judged the same way.

Row kinds
    * value: ``|model - reference| <= tolerance`` (absolute, in the row's unit);
    * range: ``low <= model <= high`` (V and M evidence are ranges to stay inside, not values);
    * a row with ``gating = False`` is reported ("info") but does not decide the case.

Case status
    ``pass`` / ``fail`` from the gating rows; a case whose TOML names a ``known_deviation``
    reports ``known deviation`` instead of ``fail`` (and ``unexpected pass`` if it passes), so
    a documented disagreement with a source is shown every run but does not fail CI;
    ``skipped`` when an optional dependency is missing; ``error`` when the check raised.

``dctwin validate`` runs the cases, prints the table and writes ``REPORT.md`` (atomically) with
its figures to ``--out`` (default ``./dctwin-out/validation``).  Only ``--update-docs`` rewrites
the tracked evidence: ``validation/REPORT.md``, ``validation/figures/`` and the EnergyPlus
``comparison.json``; so an ordinary run leaves a checkout's git tree clean.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import importlib.util
import math
import time
import tomllib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from twin.errors import InputError

#: Folder holding ``cases/``, ``figures/``, ``REPORT.md`` in a source checkout.
VALIDATION_DIR = Path(__file__).resolve().parent
EVIDENCE = {"P": "primary", "S": "secondary", "V": "vendor claim", "C": "computed", "M": "from memory"}


class SkipCase(Exception):
    """Raised by a check when an optional dependency is missing."""


@dataclass
class Row:
    """One comparison of a case.

    ``reference`` is a number (value row, judged with ``tolerance``) or a ``(low, high)`` pair
    (range row).  ``unit`` applies to reference, model, error and tolerance.
    """

    quantity: str
    reference: float | tuple[float, float]
    model: float
    unit: str = ""
    tolerance: float | None = None
    gating: bool = True
    note: str = ""

    @property
    def is_range(self) -> bool:
        return isinstance(self.reference, tuple)

    @property
    def error(self) -> float:
        """Model minus reference; for a range, the distance outside it (0 inside)."""
        if self.is_range:
            lo, hi = self.reference
            if self.model < lo:
                return self.model - lo
            if self.model > hi:
                return self.model - hi
            return 0.0
        return self.model - self.reference

    @property
    def passed(self) -> bool:
        if not math.isfinite(self.model):
            return False
        if self.is_range:
            lo, hi = self.reference
            return lo <= self.model <= hi
        if self.tolerance is None:
            raise ValueError(f"value row {self.quantity!r} has no tolerance")
        return abs(self.model - self.reference) <= self.tolerance

    def reference_text(self, fmt: str = ".4g") -> str:
        if self.is_range:
            lo, hi = self.reference
            return f"{lo:{fmt}} .. {hi:{fmt}}"
        return f"{self.reference:{fmt}}"

    def tolerance_text(self, fmt: str = ".3g") -> str:
        if self.is_range:
            return "range"
        return f"± {self.tolerance:{fmt}}"


@dataclass
class Case:
    """A validation case read from ``validation/cases/<name>/case.toml``."""

    name: str
    folder: Path
    data: dict

    @property
    def meta(self) -> dict:
        return self.data.get("case", {})

    @property
    def check(self) -> str:
        return self.meta.get("check", self.name)

    @property
    def title(self) -> str:
        return self.meta.get("title", self.name)

    @property
    def fast(self) -> bool:
        return bool(self.meta.get("fast", True))

    @property
    def known_deviation(self) -> str | None:
        return self.meta.get("known_deviation")

    @property
    def source(self) -> dict:
        return self.data.get("source", {})

    @property
    def tolerance(self) -> dict:
        return self.data.get("tolerance", {})

    @property
    def reference(self) -> dict:
        return self.data.get("reference", {})

    @property
    def inputs(self) -> dict:
        return self.data.get("inputs", {})


@dataclass
class Context:
    """What a check may use besides its case: where to put figures, and the run options.

    ``update_docs`` is True only under ``dctwin validate --update-docs``: a check may then
    rewrite the tracked evidence files it owns (e.g. ``validation/energyplus/comparison.json``).
    """

    figures_dir: Path | None = None
    figures: list[Path] = field(default_factory=list)
    update_docs: bool = False

    def figure_path(self, name: str) -> Path | None:
        """Path for a PNG figure, or None when figures are not wanted."""
        if self.figures_dir is None:
            return None
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        path = self.figures_dir / f"{name}.png"
        self.figures.append(path)
        return path


@dataclass
class CaseResult:
    case: Case
    rows: list[Row]
    status: str
    message: str = ""
    runtime_s: float = 0.0
    figures: list[Path] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status in ("fail", "error")


Check = Callable[[Case, Context], "list[Row] | tuple[list[Row], dict]"]
REGISTRY: dict[str, Check] = {}
_LOADED = False


def register(name: str) -> Callable[[Check], Check]:
    """Decorator: register a check function under ``name``."""
    def deco(func: Check) -> Check:
        if name in REGISTRY and REGISTRY[name] is not func:
            raise ValueError(f"validation check {name!r} registered twice")
        REGISTRY[name] = func
        return func
    return deco


def _load_checks(validation_dir: Path) -> None:
    """Import the modules that register checks (once)."""
    global _LOADED
    if _LOADED:
        return
    importlib.import_module("validation.checks")
    compare = validation_dir / "energyplus" / "compare.py"
    if compare.exists():
        spec = importlib.util.spec_from_file_location("dctwin_validation_energyplus_compare", compare)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    _LOADED = True


def discover(validation_dir: Path = VALIDATION_DIR) -> list[Case]:
    """Every case folder under ``validation_dir/cases``, sorted by name."""
    root = Path(validation_dir) / "cases"
    if not root.is_dir():
        raise InputError("no validation cases here (dctwin validate needs a source checkout)",
                         file=str(root))
    cases = []
    for toml in sorted(root.glob("*/case.toml")):
        with open(toml, "rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise InputError(f"not valid TOML: {exc}", file=str(toml)) from None
        cases.append(Case(name=toml.parent.name, folder=toml.parent, data=data))
    return cases


def select(cases: list[Case], only: list[str] | None = None, fast: bool = False) -> list[Case]:
    """Cases named in ``only`` (all if None), restricted to fast ones when ``fast``."""
    if only:
        names = {c.name for c in cases}
        unknown = [n for n in only if n not in names]
        if unknown:
            raise InputError(f"unknown validation case(s) {unknown}; expected one of {sorted(names)}",
                             key="--only")
        cases = [c for c in cases if c.name in only]
    if fast:
        cases = [c for c in cases if c.fast]
    return cases


def inject_fault(rows: list[Row]) -> list[Row]:
    """Copies of the gating rows with the model value moved well outside its tolerance.

    Used by the test suite to prove that every case can fail: a value row is moved by three
    tolerances (at least 1e-6 of the reference), a range row by one range width beyond its
    upper end.
    """
    out = []
    for r in rows:
        if not r.gating:
            out.append(r)
            continue
        if r.is_range:
            lo, hi = r.reference
            bad = hi + max(hi - lo, 1e-6 * max(abs(hi), 1.0))
        else:
            step = max(3.0 * (r.tolerance or 0.0), 1e-6 * max(abs(r.reference), 1.0))
            bad = r.model + step if r.model >= r.reference else r.model - step
            if abs(bad - r.reference) <= (r.tolerance or 0.0):
                bad = r.reference + 2.0 * step
        out.append(Row(r.quantity, r.reference, bad, r.unit, r.tolerance, r.gating, r.note))
    return out


def judge(case: Case, rows: list[Row]) -> str:
    """Status of a case from its rows (see the module docstring)."""
    gating = [r for r in rows if r.gating]
    if not gating:
        raise ValueError(f"case {case.name!r} has no gating row, so it could never fail")
    ok = all(r.passed for r in gating)
    if case.known_deviation:
        return "unexpected pass" if ok else "known deviation"
    return "pass" if ok else "fail"


def run_case(case: Case, *, figures_dir: Path | None = None, fault: bool = False,
             validation_dir: Path = VALIDATION_DIR, update_docs: bool = False) -> CaseResult:
    """Run one case through its registered check and judge it (``update_docs``: see :class:`Context`)."""
    _load_checks(validation_dir)
    ctx = Context(figures_dir=figures_dir, update_docs=update_docs)
    t0 = time.perf_counter()
    func = REGISTRY.get(case.check)
    if func is None:
        return CaseResult(case, [], "error", f"no check registered as {case.check!r}; "
                                             f"known: {sorted(REGISTRY)}")
    try:
        out = func(case, ctx)
    except SkipCase as exc:
        return CaseResult(case, [], "skipped", str(exc), time.perf_counter() - t0)
    except Exception as exc:  # a broken check is reported, not fatal for the others
        return CaseResult(case, [], "error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}",
                          time.perf_counter() - t0)
    rows, extra = (out if isinstance(out, tuple) else (out, {}))
    if fault:
        rows = inject_fault(rows)
    return CaseResult(case, rows, judge(case, rows), runtime_s=time.perf_counter() - t0,
                      figures=list(ctx.figures), extra=extra)


def run_all(*, only: list[str] | None = None, fast: bool = False, figures_dir: Path | None = None,
            validation_dir: Path = VALIDATION_DIR, fault: bool = False, update_docs: bool = False) -> list[CaseResult]:
    """Discover, select and run cases; figures go to ``figures_dir`` (none when None)."""
    cases = select(discover(validation_dir), only, fast)
    return [run_case(c, figures_dir=figures_dir, fault=fault, validation_dir=validation_dir, update_docs=update_docs)
            for c in cases]


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    if abs(x) >= 1e4 or abs(x) < 1e-3:
        return f"{x:.3e}"
    return f"{x:.4g}"


def _row_cells(r: Row) -> list[str]:
    ref = (f"{_fmt(r.reference[0])} .. {_fmt(r.reference[1])}" if r.is_range else _fmt(r.reference))
    tol = "range" if r.is_range else f"± {_fmt(r.tolerance)}"
    verdict = ("ok" if r.passed else "FAIL") if r.gating else ("info" if r.passed else "info (outside)")
    return [r.quantity, f"{ref} {r.unit}".strip(), _fmt(r.model), _fmt(r.error), tol, verdict]


def report_markdown(results: list[CaseResult], *, command: str = "dctwin validate",
                    report_dir: Path = VALIDATION_DIR) -> str:
    """The text of ``REPORT.md``; figure links are relative to ``report_dir``, the report's folder."""
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines = [
        "# dctwin validation report",
        "",
        f"Generated by `{command}` on {now}. Each case is one claim: its inputs, the reference "
        "value or range with its source and evidence label (P primary, S secondary, V vendor, "
        "C computed, M from memory; see `validation/README.md`), the tolerance and its "
        "justification, and the comparison. Regenerate with `dctwin validate --update-docs`.",
        "",
        "Summary: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + ".",
        "",
        "| case | status | rows ok | evidence | source | time [s] |",
        "|---|---|---|---|---|---|",
    ]
    for res in results:
        gating = [r for r in res.rows if r.gating]
        ok = sum(r.passed for r in gating)
        src = res.case.source.get("reference", "").replace("|", "/")
        lines.append(f"| [{res.case.name}](#{res.case.name}) | **{res.status}** | "
                     f"{ok}/{len(gating)} | {res.case.source.get('evidence', '')} | {src} | "
                     f"{res.runtime_s:.2f} |")
    for res in results:
        c = res.case
        lines += ["", f"## {c.name}", "", f"**{c.title}** — status **{res.status}**", ""]
        if c.meta.get("claim"):
            lines += [f"*Claim.* {c.meta['claim']}", ""]
        src = c.source
        if src:
            ev = src.get("evidence", "")
            lines += [f"*Source.* {src.get('reference', '')}"
                      + (f" ({src['version']})" if src.get("version") else "")
                      + (f". Evidence **{ev}** ({EVIDENCE.get(ev.split('/')[0], ev)})." if ev else ""), ""]
        if c.tolerance.get("justification"):
            lines += [f"*Tolerance.* {c.tolerance['justification']}", ""]
        if c.known_deviation:
            lines += [f"*Known deviation.* {c.known_deviation}", ""]
        if res.message:
            lines += ["```", res.message.strip(), "```", ""]
        if res.rows:
            lines += ["| quantity | reference | model | error | tolerance | verdict |",
                      "|---|---|---|---|---|---|"]
            for r in res.rows:
                cells = _row_cells(r)
                if r.note:
                    cells[0] += f" ({r.note})"
                lines.append("| " + " | ".join(x.replace("|", "/") for x in cells) + " |")
            lines.append("")
        for fig in res.figures:
            try:
                rel = fig.relative_to(report_dir)
            except ValueError:
                rel = fig
            lines += [f"![{c.name}]({rel.as_posix()})", ""]
        for key, text in res.extra.get("notes", {}).items():
            lines += [f"*{key}.* {text}", ""]
    return "\n".join(lines) + "\n"


def write_report(results: list[CaseResult], path: Path | None = None, *, command: str = "dctwin validate",
                 validation_dir: Path = VALIDATION_DIR) -> Path:
    """Write the Markdown report atomically (default ``validation_dir/REPORT.md``); returns its path."""
    from twin.engine.results import atomic_write

    path = Path(path) if path is not None else Path(validation_dir) / "REPORT.md"
    text = report_markdown(results, command=command, report_dir=path.parent)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
