"""What every input file shares: strict types, plain text, ordered ranges, and readable errors.

Every section of a scenario, study, sweep, measure, rule or calibration file is an
:class:`InputModel`:

* **strict types**: a number is a TOML number, a whole number a TOML integer, a switch ``true`` or
  ``false`` and a name a string. ``racks = true`` or ``year = "2025"`` are refused rather than read
  as 1 rack or the year 2025; an integer is accepted where a decimal number is asked
  (``design_kw = 2000``).
* **finite numbers**: TOML's ``nan`` and ``inf`` are refused everywhere.
* **plain text**: no control character (NUL, escape sequences...) in any string; tabs and line
  breaks only in descriptions.
* **unknown keys** are refused (usually a typo).

:func:`input_error` turns pydantic's report into one :class:`~twin.errors.InputError` naming the
key path as the user wrote it (``it.utilisation``, ``plant.chw_supply_c.3``), never pydantic's
internal names of union branches (``constrained-float``, ``function-after[...]``).
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
import typing
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, ValidationError, field_validator
from pydantic.fields import FieldInfo

from twin.errors import InputError

#: Control characters allowed in free text (descriptions may span lines).
TEXT_WHITESPACE = frozenset("\t\n\r")
#: Fields holding free text; every other string must be one line.
FREE_TEXT_FIELDS = frozenset({"description", "source"})


#: Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F (C0, DEL, C1); tested against unicodedata.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def control_character(value: Any, allowed: frozenset = frozenset()) -> str | None:
    """The first control character (Unicode category Cc) in ``value`` or in the strings inside
    its lists and tables, or ``None``."""
    if isinstance(value, str):
        return next((m.group() for m in _CONTROL.finditer(value) if m.group() not in allowed), None)
    if isinstance(value, dict):
        items = list(value.keys()) + list(value.values())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        return None
    for item in items:
        found = control_character(item, allowed)
        if found is not None:
            return found
    return None


def copy_tree(value: Any) -> Any:
    """A deep copy of parsed input data (tables, lists and scalars), about 10 times faster than
    :func:`copy.deepcopy` on it; anything else is shared, so use it on TOML or JSON data only."""
    if isinstance(value, dict):
        return {k: copy_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) for v in value]
    if isinstance(value, tuple):
        return tuple(copy_tree(v) for v in value)
    return value


class InputModel(BaseModel):
    """Base of every input section: strict types, finite numbers, plain text, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, validate_assignment=True)

    @field_validator("*")
    @classmethod
    def _plain_text(cls, v, info):
        if v is None or isinstance(v, (int, float)):  # numbers and booleans hold no text (most fields)
            return v
        allowed = TEXT_WHITESPACE if info.field_name in FREE_TEXT_FIELDS else frozenset()
        c = control_character(v, allowed)
        if c is not None:
            raise ValueError(f"text must not hold control characters, found {c.encode('unicode_escape').decode()}")
        return v


def _ordered(v: tuple[float, float]) -> tuple[float, float]:
    if not v[0] < v[1]:
        raise ValueError(f"must be [low, high] with low < high, got {list(v)}")
    return v


#: Two numbers given as a TOML list ``[a, b]`` (a tuple accepts a list; its items stay strict).
Pair = Annotated[tuple[float, float], Strict(False)]
#: A ``[low, high]`` range with ``low < high``.
Range = Annotated[Pair, AfterValidator(_ordered)]
#: A fraction in [0, 1].
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
#: A fraction in (0, 1].
UnitFraction = Annotated[float, Field(gt=0.0, le=1.0)]


# ------------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------------

#: What a type error asked for, in the words of a TOML file.
_EXPECTED = {
    "float_type": "a number", "finite_number": "a finite number", "int_type": "a whole number",
    "bool_type": "true or false", "string_type": "a string", "list_type": "a list",
    "tuple_type": "a list", "dict_type": "a table", "model_type": "a table",
    "model_attributes_type": "a table", "literal_error": None,
}
_BOUND_WORDS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
_MAX_SHOWN = 80


def as_toml(value: Any) -> str:
    """``value`` as it would be written in a TOML file (``true``, ``"text"``, ``[1, 2]``), cut to 80 characters."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (list, tuple)):
        text = "[" + ", ".join(as_toml(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k} = {as_toml(v)}" for k, v in value.items()) + "}"
    else:
        text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN - 3] + "..."


def user_key_path(loc: tuple, data: Any, missing: bool = False) -> list[str]:
    """The parts of pydantic's ``loc`` that are keys or list positions of the user's ``data``.

    pydantic puts the names of union branches and validators into ``loc``
    (``("it", "utilisation", "constrained-float")``); they are not in the data and are dropped.
    A ``missing`` key is absent from the data by definition, so the last part is kept.
    """
    path, node = [], data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            path.append(str(part))
            node = node[part]
        elif isinstance(node, (list, tuple)) and isinstance(part, int) and 0 <= part < len(node):
            path.append(str(part))
            node = node[part]
        elif missing and i == len(loc) - 1:
            path.append(str(part))
    return path


def _models_in(annotation) -> list[type[BaseModel]]:
    """The models an annotation holds (``Foo``, ``list[Foo]``, ``Foo | str | None``...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _fields_at(model: type[BaseModel] | None, path: list[str]) -> dict[str, FieldInfo]:
    """The fields of the table at ``path`` (list positions skipped); empty when unknown."""
    models = [model] if model is not None else []
    for part in path:
        if part.isdigit():
            continue
        models = [m for parent in models if part in parent.model_fields
                  for m in _models_in(parent.model_fields[part].annotation)]
    return {k: f for m in models for k, f in m.model_fields.items()}


def _bounds_in(metadata) -> dict:
    """``{"ge": 0.0, "le": 1.0}`` from a field's or an ``Annotated`` type's metadata."""
    found = {}
    for meta in metadata:
        inner = _bounds_in(meta.metadata) if isinstance(meta, FieldInfo) else {}
        found.update(inner or {k: getattr(meta, k) for k in _BOUND_WORDS if getattr(meta, k, None) is not None})
    return found


def _annotation_bounds(annotation) -> dict:
    """The bounds of the first constrained number inside an annotation (a union's number form)."""
    if typing.get_origin(annotation) is Annotated:
        found = _bounds_in(annotation.__metadata__)
        if found:
            return found
    for arg in typing.get_args(annotation):
        found = _annotation_bounds(arg)
        if found:
            return found
    return {}


def _bounds(field: FieldInfo | None, ctx: dict) -> str:
    """``"> 0.0 and <= 1.0"``: every bound of the field when known, else the one pydantic reports broken."""
    broken = {k: ctx[k] for k in _BOUND_WORDS if k in ctx}
    found = {}
    if field is not None:
        found = _bounds_in(field.metadata) or _annotation_bounds(field.annotation)
    if not set(broken) <= set(found) or any(found[k] != v for k, v in broken.items()):
        found = broken  # the field's bounds are not those broken (e.g. a list item's): say what was
    return " and ".join(f"{_BOUND_WORDS[k]} {v}" for k, v in found.items())


def _message(err: dict, path: list[str], model: type[BaseModel] | None) -> str:
    kind, got = err["type"], f"got {as_toml(err.get('input'))}"
    if kind == "extra_forbidden":
        names = [k for k in _fields_at(model, path[:-1]) if k != path[-1]]
        near = difflib.get_close_matches(path[-1], names, n=1, cutoff=0.6) if path else []
        return "unknown key" + (f" (did you mean '{near[0]}'?)" if near else "")
    if kind == "missing":
        return "required key is missing"
    ctx = err.get("ctx") or {}
    if any(k in ctx for k in _BOUND_WORDS):
        field = _fields_at(model, path[:-1]).get(path[-1]) if path else None
        return f"must be {_bounds(field, ctx)} ({got})"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind] or err['msg'].removeprefix('Input should be ')} ({got})"
    msg = err["msg"].removeprefix("Value error, ")
    return msg if "got " in msg or "input" not in err else f"{msg} ({got})"


def _union_message(group: list[dict]) -> str:
    """One message for a value that fits no form of a union (a number, a list or a table...)."""
    wanted = []
    for e in group:
        word = _EXPECTED.get(e["type"]) or e["msg"].removeprefix("Input should be ")
        if word not in wanted:
            wanted.append(word)
    return f"expected {' or '.join(wanted)} (got {as_toml(group[0].get('input'))})"


def input_error(exc: ValidationError, data: Any, *, file: str | None = None, prefix: str = "",
                model: type[BaseModel] | None = None) -> InputError:
    """The :class:`InputError` for a failed validation of ``data`` by ``model``: the first problem, one line.

    An unknown key is reported first (a typo often explains the rest), with the nearest key of its
    table when one is close. Otherwise the deepest problem is: when a value fits none of a union's
    forms, the form it went furthest into tells what is wrong (``it.utilisation.23``), and when it
    fits none at all, the message lists the forms allowed. A bound names every bound of the key.
    """
    located = [(user_key_path(e["loc"], data, missing=e["type"] == "missing"), e) for e in exc.errors()]
    extra = [x for x in located if x[1]["type"] == "extra_forbidden"]
    path, err = extra[0] if extra else max(located, key=lambda x: len(x[0]))
    group = [e for p, e in located if p == path]
    specific = [e for e in group if e["type"] not in _EXPECTED]
    if err["type"] == "extra_forbidden" or len(group) == 1:
        msg = _message(err, path, model)
    elif specific:
        msg = _message(specific[0], path, model)
    else:
        msg = _union_message(group)
    others = len({tuple(p) for p, _ in located}) - 1
    if others:
        msg += f" (and {others} more problem{'s' if others > 1 else ''})"
    key = prefix + ".".join(path) if path else (prefix.rstrip(".") or None)
    return InputError(msg, file=file, key=key)


def read_toml(path: str | Path) -> dict:
    """Read a TOML file; a missing, unreadable, non-UTF-8 or malformed file is an :class:`InputError`."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))  # a byte-order mark (Notepad) is UTF-8 too
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a TOML file", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (a TOML file is UTF-8): byte 0x{exc.object[exc.start]:02x} at "
                         f"position {exc.start}; save it as UTF-8", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from None
