"""Errors that reach the user.

Every error a user can cause (a bad scenario, a missing weather file, a bad meter file) is a
:class:`InputError`.  It names the file, the key path inside it and what was allowed, so the CLI
can print one clear line and exit with status 2 without writing any output.  The line is
always one line: characters a terminal would not print as text (a line break or a NUL inside
a key or a value the user wrote) are shown as escape sequences.
"""

from __future__ import annotations


class InputError(Exception):
    """A user input is invalid.

    Parameters
    ----------
    file : str or None
        The file the bad value came from (``None`` for values built in code).
    key : str or None
        Dotted key path inside the file, e.g. ``"it.utilisation"``.
    message : str
        What is wrong and what is allowed, e.g. ``"must be in [0, 1], got 1.2"``.
    """

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None):
        self.file = None if file is None else str(file)
        self.key = key
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.key:
            where.append(f"key '{self.key}'")
        prefix = ": ".join([", ".join(where)]) if where else "input"
        return one_line(f"{prefix}: {self.message}")


def one_line(text: str) -> str:
    """``text`` with every non-printable character (line breaks, NUL, escapes) written as its
    escape sequence, so an error is always one line of plain text on the terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
