"""Readers of the data tables that ship in ``components/data`` (``components/`` itself does no I/O).

Each table is a TOML file with its sources inside: chiller and DX curve sets (``chillers``), UPS
loss curves (``ups_curves``), dry-type transformers (``transformers``), IEC flow modifiers
(``iec``), 80 PLUS PSU minimums (``psu_80plus``), power-chain and storage parameters
(``power_chain``, ``storage``).  A file is parsed once per process; callers get their own copy.
"""

from __future__ import annotations

import copy
import functools
import math
import tomllib
from pathlib import Path

import numpy as np

from components.power.psu import INPUTS, LEVELS
from components.storage.battery import Chemistry

DATA_DIR = Path(__file__).resolve().parent.parent / "components" / "data"


@functools.cache
def _parsed(name: str) -> dict:
    with open(DATA_DIR / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


def table_names(name: str) -> list[str]:
    """Sorted names of the top-level tables of ``components/data/<name>.toml``."""
    return sorted(_parsed(name))


def data_table(name: str, *keys: str) -> dict:
    """The TOML table ``components/data/<name>.toml``, or its sub-table at ``keys``.

    A fresh copy the caller may change; asking for the sub-table it needs copies only that.
    """
    table = _parsed(name)
    for k in keys:
        table = table[k]
    return copy.deepcopy(table)


def psu_curve(level: str, input_kind: str = "230v_redundant") -> tuple[np.ndarray, np.ndarray]:
    """Certification points of an 80 PLUS level as ``(loads, efficiencies)`` fractions.

    Parameters
    ----------
    level : str
        One of :data:`components.power.psu.LEVELS` (``"plus"`` is the base 80 PLUS level).
    input_kind : str
        One of :data:`components.power.psu.INPUTS`; ``"230v_redundant"`` (data-centre servers)
        by default.

    Raises
    ------
    ValueError
        For an unknown level or input, naming the valid choices.
    """
    if input_kind not in INPUTS:
        raise ValueError(f"unknown PSU input {input_kind!r}; expected one of {list(INPUTS)}")
    if level not in LEVELS:
        raise ValueError(f"unknown 80 PLUS level {level!r}; expected one of {list(LEVELS)}")
    row = _parsed("psu_80plus")[input_kind]
    pairs = [(x, e / 100.0) for x, e in zip(row["load_fraction"], row[level]) if not math.isnan(e)]
    loads = np.array([p[0] for p in pairs], dtype=float)
    effs = np.array([p[1] for p in pairs], dtype=float)
    return loads, effs


def battery_chemistry(kind: str, **overrides) -> Chemistry:
    """Battery parameter set ``kind`` (a ``[battery.*]`` row of ``storage.toml``) with overrides.

    Raises ``ValueError`` naming the valid kinds for an unknown one.
    """
    rows = _parsed("storage")["battery"]
    if kind not in rows:
        raise ValueError(f"unknown battery kind {kind!r}; expected one of {sorted(rows)}")
    row = {k: v for k, v in rows[kind].items() if k in Chemistry.__dataclass_fields__}
    row.update({k: v for k, v in overrides.items() if v is not None})
    return Chemistry(name=kind, **row)
