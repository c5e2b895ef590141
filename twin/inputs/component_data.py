"""Readers of the data tables that ship in ``components/data`` (``components/`` itself does no I/O).

Each table is a TOML file with its sources inside: chiller and DX curve sets (``chillers``), UPS
loss curves (``ups_curves``), dry-type transformers (``transformers``), IEC flow modifiers
(``iec``), 80 PLUS PSU minimums (``psu_80plus``), power-chain and storage parameters
(``power_chain``, ``storage``).  A file is parsed once per process; callers get their own copy, but
for the transformer series' arrays, which every assembly reads: those are shared and read-only.
"""

from __future__ import annotations

import functools
import math
import tomllib
from pathlib import Path

import numpy as np

from components.power.psu import INPUTS, LEVELS
from components.storage.battery import Chemistry
from twin.errors import InputError
from twin.inputs.schema_base import copy_tree

DATA_DIR = Path(__file__).resolve().parents[2] / "components" / "data"


@functools.cache
def _parsed(name: str) -> dict:
    with open(DATA_DIR / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


@functools.cache
def _sorted_names(name: str) -> tuple[str, ...]:
    return tuple(sorted(_parsed(name)))


def table_names(name: str) -> list[str]:
    """Sorted names of the top-level tables of ``components/data/<name>.toml``."""
    return list(_sorted_names(name))


def table_entry(table: str, name: str, key: str, file: str | None = None) -> dict:
    """Row ``name`` of ``components/data/<table>.toml``; an unknown name is an :class:`InputError`
    at scenario key ``key`` listing the choices."""
    names = table_names(table)
    if name not in names:
        raise InputError(f"unknown entry '{name}'; choose one of {names}", file=file, key=key)
    return data_table(table, name)


def data_table(name: str, *keys: str) -> dict:
    """The TOML table ``components/data/<name>.toml``, or its sub-table at ``keys``.

    A fresh copy the caller may change; asking for the sub-table it needs copies only that.
    """
    table = _parsed(name)
    for k in keys:
        table = table[k]
    return copy_tree(table)


@functools.cache
def _transformer_arrays(series: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    row = _parsed("transformers")[series]
    rating = np.asarray(row["rating_kva"], dtype=float) * 1e3
    arrays = (rating, np.asarray(row["no_load_kw"], dtype=float) * 1e3,
              np.asarray(row["vkr_percent"], dtype=float) / 100.0 * rating)
    for a in arrays:  # shared by every caller (a sweep sizes transformers for each case): read-only
        a.flags.writeable = False
    return arrays


def transformer_series(series: str) -> dict[str, np.ndarray]:
    """Rating steps and losses of a transformer series of ``transformers.toml``.

    Returns ``rating_va``, ``no_load_w`` and ``load_loss_w`` arrays (one entry per rating step, read-only),
    with the load loss at rated current ``Pk = vkr / 100 * S_n`` [W] (IEC 60076-1).

    Raises ``KeyError`` for an unknown series (callers name the scenario key).
    """
    return dict(zip(("rating_va", "no_load_w", "load_loss_w"), _transformer_arrays(series)))


def rating_step(rating_va: np.ndarray, rating: float) -> int:
    """Index of the first rating step of ``rating_va`` [VA] that is ``rating`` [VA], within NumPy's
    ``isclose`` default tolerances (``|a - rating| <= 1e-8 + 1e-5 |rating|``); ``KeyError`` if none is."""
    for k, a in enumerate(rating_va.tolist()):
        if abs(a - rating) <= 1e-8 + 1e-5 * abs(rating):
            return k
    raise KeyError(rating)


def transformer_row(model: str) -> dict[str, float]:
    """One transformer ``"<series>_<kVA>"`` (e.g. ``"scb13_2000"``) of ``transformers.toml``.

    Returns ``rating_kva``, ``no_load_kw`` and ``load_loss_kw`` (at rated current) of that rating
    step.  Raises ``KeyError`` naming the model if the series or the rating step does not exist.
    """
    series, _, kva = model.rpartition("_")
    if series not in _parsed("transformers") or not kva.replace(".", "", 1).isdigit():
        raise KeyError(model)
    rating, no_load, load_loss = _transformer_arrays(series)
    try:
        k = rating_step(rating, float(kva) * 1e3)
    except KeyError:
        raise KeyError(model) from None
    return {"rating_kva": float(rating[k]) / 1e3, "no_load_kw": float(no_load[k]) / 1e3,
            "load_loss_kw": float(load_loss[k]) / 1e3}


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
