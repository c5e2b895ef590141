"""Check an output path before any work is done.

A command checks its ``--out`` with these functions before it reads weather or simulates, so an
existing file in the way, a folder under a file, a read-only place or an invalid name is one
:class:`~twin.errors.InputError` at once, never a traceback after the whole simulation has run.
Nothing is created: the check writes and removes one empty probe file in the nearest existing
folder.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from twin.errors import InputError


def _nearest_existing(path: Path) -> tuple[Path, os.stat_result]:
    """``path`` or its nearest existing ancestor, with its status (symbolic links followed)."""
    probe = path
    while True:
        try:
            return probe, probe.stat()
        except (FileNotFoundError, NotADirectoryError):
            probe = probe.parent


def check_out_dir(path: Path, option: str = "--out") -> None:
    """Raise :class:`InputError` unless ``path`` is, or can be made as, a folder this process can write in."""
    try:
        full = Path(path).expanduser().absolute()
        found, st = _nearest_existing(full)
    except ValueError as exc:  # e.g. an embedded NUL character
        raise InputError(f"not a valid path ({exc}): {path!r}", key=option) from None
    except OSError as exc:  # e.g. a name too long
        raise InputError(f"not a valid path ({exc.strerror or exc}): {path}", key=option) from None
    if not stat.S_ISDIR(st.st_mode):
        where = "is a file, not a folder" if found == full else f"cannot be made: {found} is a file"
        raise InputError(f"{path} {where}", key=option)
    try:
        fd, probe = tempfile.mkstemp(dir=found, prefix=".dctwin-write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {found} is not writable ({exc.strerror or exc})",
                         key=option) from None


def check_out_file(path: Path, option: str = "--out") -> None:
    """Raise :class:`InputError` unless the file ``path`` can be written (its folder is checked too)."""
    try:
        full = Path(path).expanduser().absolute()
        if full.is_dir():
            raise InputError(f"{path} is a folder; give the name of the file to write", key=option)
    except ValueError as exc:
        raise InputError(f"not a valid path ({exc}): {path!r}", key=option) from None
    check_out_dir(full.parent, option)
    if full.exists():
        try:
            with open(full, "r+b"):
                pass
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}", key=option) from None
