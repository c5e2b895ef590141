"""Helpers shared by the sub-commands' argument parsing."""

from __future__ import annotations


def name_values(items: list[str], key: str) -> dict[str, float]:
    """``NAME=VALUE`` command-line items as ``{name: float}``; InputError naming ``key`` when malformed."""
    from twin.errors import InputError

    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise InputError(f"expected NAME=VALUE with a number, got {item!r}", key=key) from None
        if not sep:
            raise InputError(f"expected NAME=VALUE, got {item!r}", key=key)
    return out
