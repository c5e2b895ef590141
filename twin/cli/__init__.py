"""The ``dctwin`` command line: the parser and :func:`main`; one module per sub-command.

Each sub-command lives in its own module of this package (``twin/cli/run.py`` ...) with two functions:
``add_parser(subparsers)`` and ``main(args) -> int``.  Every user error is an
:class:`~twin.errors.InputError`; it is printed as one line on stderr and the process exits
with status 2 before any output file is written; a command-line usage error is one line too.

May import every layer of :mod:`twin` (it is the top); nothing in :mod:`twin` imports it.
``dctwin validate`` loads the checkout's ``validation`` package by path (:mod:`twin.cli.validate`).
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import sys

from twin import __version__
from twin.errors import InputError, one_line

COMMANDS = ("run", "sites", "compare", "sweep", "optimise", "catalog", "validate", "roadmap", "calibrate")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, exit 2, like every other input error."""

    def error(self, message: str):
        self.exit(InputError.exit_code, f"dctwin: error: {one_line(message)} (see '{self.prog} --help')\n")


@functools.cache  # built once per process: the parser is reused, parse_args returns a new namespace
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dctwin",
        description="Digital twin of data-centre cooling and power chains (annual PUE, pPUE, WUE, cost, compliance).")
    parser.add_argument("--version", action="version", version=f"dctwin {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"twin.cli.{name}")
        module.add_parser(sub)
    return parser


def console() -> int:
    """The command line as a program (the ``dctwin`` console script, ``python -m dctwin``, ``python -m
    twin.cli``): :func:`main`, then exempt every object left from the garbage collector's final passes
    (``gc.freeze``).

    A process that has compiled or loaded Numba kernels holds a few million objects (Numba's types,
    typing templates, IR), and the collections of the interpreter's exit traversed all of them:
    about 0.5 s of a 2.4-3 s ``dctwin run`` (2026-12-07, alternating processes; ``gc.disable`` alone
    saved 0.2 s).  Exit handlers, flushing and the joining of threads run as before.  :func:`main`
    itself leaves the collector alone, for scripts that go on after it.
    """
    code = main()
    gc.freeze()
    return code


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"dctwin: error: {exc}", file=sys.stderr)
        return InputError.exit_code
    except BrokenPipeError:  # e.g. `dctwin run --json | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("dctwin: interrupted", file=sys.stderr)
        return 130
