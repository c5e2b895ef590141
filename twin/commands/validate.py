"""``dctwin validate [--only NAME ...] [--fast]``: reproduce the validation evidence.

Runs the cases in ``validation/cases`` (see :mod:`twin.validation`), prints one table row per
comparison, writes ``validation/REPORT.md`` atomically with the figures next to it, and exits
with status 1 when a case fails or errors (0 otherwise; known deviations and skips do not fail).
"""

from __future__ import annotations

from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("validate", help="run the validation cases and write validation/REPORT.md")
    p.add_argument("--only", action="append", metavar="NAME", default=None,
                   help="run only this case (repeatable); see validation/cases/")
    p.add_argument("--fast", action="store_true", help="run only the cases marked fast (as CI does)")
    p.add_argument("--no-report", action="store_true",
                   help="print the table only; do not write REPORT.md or figures")
    p.add_argument("--validation-dir", type=Path, default=None,
                   help="folder holding cases/ (default: the checkout's validation/)")
    p.set_defaults(func=main)


def main(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from twin import validation as v

    vdir = args.validation_dir or v.VALIDATION_DIR
    results = v.run_all(only=args.only, fast=args.fast, figures=not args.no_report, validation_dir=vdir)
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
    if not args.no_report:
        cmd = "dctwin validate" + (" --fast" if args.fast else "") + "".join(f" --only {n}" for n in (args.only or []))
        path = v.write_report(results, command=cmd, validation_dir=vdir) if not args.validation_dir else \
            v.write_report(results, Path(vdir) / "REPORT.md", command=cmd, validation_dir=vdir)
        console.print(f"wrote {path}")
    return 1 if any(r.failed for r in results) else 0
