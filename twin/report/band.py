"""Text of the uncertainty band (:mod:`twin.study.uncertainty`): table cells and the terminal table.

A band block is ``{"value", "low", "high", "low_ci", "high_ci", "settled", "infeasible_samples", "unit",
"level", "drivers"}``; its cell reads ``1.838 [1.771, 1.924]`` in the display unit of the quantity (MWh,
10k CNY, years), with :data:`MARKS` after the bracket where they apply: its samples do not settle an
end (:mod:`twin.study.band_ends`), or some samples cannot carry the load (the band is over the others).
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from twin.study.bands import QUANTITIES, compliance_shares


def _num(x: float | None, key: str) -> str:
    _, _, factor, fmt = QUANTITIES[key]
    if x is None:
        return "never" if key == "simple_payback_years" else "—"
    return f"{x * factor:{fmt}}"


#: marks after a band, each with when it applies to a band block and what it means
MARKS = {
    "†": (lambda block: block.get("settled") is False,
          "an end the samples do not settle (its 90 % confidence interval is wider than the band; more samples, "
          "--band, narrow it)"),
    "‡": (lambda block: bool(block.get("infeasible_samples")),
          "some samples cannot carry the load (a failed feasibility check, docs/feasibility.md): the band is over "
          "the others, and they never meet a PUE limit (infeasible_samples in --json)"),
}


def marks(block: dict | None) -> str:
    """The :data:`MARKS` that apply to a band block ("" for none or no block)."""
    return "".join(m for m, (applies, _) in MARKS.items() if block and applies(block))


def marks_legend(blocks) -> str:
    """What the marks shown on ``blocks`` (band blocks, None for none) mean, ``"; "``-separated ("" for none)."""
    shown = "".join(marks(b) for b in blocks)
    return "; ".join(f"{m} {text}" for m, (_, text) in MARKS.items() if m in shown)


def band_cell(band: dict | None, key: str) -> str:
    """``value [low, high]`` of one quantity with its :func:`marks`, or "—" without a band."""
    block = (band or {}).get(key)
    if not block:
        return "—"
    return f"{_num(block['value'], key)} [{_num(block['low'], key)}, {_num(block['high'], key)}]{marks(block)}"


def drivers_text(block: dict, n: int = 3, *, short: bool = False) -> str:
    """``input (rho +0.58), ...`` of a block's top drivers; ``short``: ``input+, ...`` without the
    section of the key (``chiller_rated_cop-``); "?" marks a driver that is not clear of chance."""
    ds = block.get("drivers", [])[:n]
    if short:
        return ", ".join(f"{_name(d)}{'+' if d['rho'] > 0 else '-'}{_doubt(d)}" for d in ds) or "—"
    return ", ".join(f"{d['input']} ({d['rho']:+.2f}{_doubt(d)})" for d in ds) or "—"


def _name(driver: dict) -> str:
    return driver["input"].rsplit(".", 1)[-1]


def _doubt(driver: dict) -> str:
    """"?" after a driver chance alone could have ranked there (``clear`` false)."""
    return "" if driver.get("clear", True) else "?"


def print_band(band: dict, console: Console | None = None) -> None:
    """The band of one run or mix as a table: quantity [unit], value with its 90 % band, top
    drivers (short names, rho)."""
    console = console or Console()
    w = ", ".join(band["weather_files"]) if len(band["weather_files"]) > 1 else "one typical year"
    level = 100 * next(iter(_blocks(band).values()))["level"]
    legend = marks_legend(_blocks(band).values())
    table = Table(title=f"{level:.0f} % band: {band['samples']} samples, seed {band['seed']}, {band['runtime_s']:.1f} s",
                  caption=f"{len(band['inputs'])} uncertain inputs, weather: {w}; ? = not clear of chance"
                          + (f"; {legend}" if legend else "") + " (docs/uncertainty.md)")
    table.add_column("quantity")
    table.add_column("value [5th, 95th percentile]", justify="right")
    table.add_column("top drivers (Spearman rho)")
    for key, block in _blocks(band).items():
        table.add_row(_header(key), band_cell(band, key),
                      "\n".join(f"{_name(d)} {d['rho']:+.2f}{_doubt(d)}" for d in block["drivers"]))
    console.print(table)
    if band.get("infeasible_samples"):
        checks = ", ".join(f"{c} {n}" for c, n in band["infeasible_checks"].items())
        console.print(f"{band['infeasible_samples']} of {band['samples']} samples cannot carry the load (failed checks: "
                      f"{checks}): the plant is not feasible over the band's inputs", style="bold red", highlight=False)
    if band["clipped"]:
        console.print("moved into range: " + ", ".join(f"{k} x{v}" for k, v in band["clipped"].items()))


def _blocks(band: dict) -> dict[str, dict]:
    return {k: band[k] for k in QUANTITIES if k in band}


def _header(key: str) -> str:
    label, unit = QUANTITIES[key][:2]
    return label if unit == "-" else f"{label} [{unit}]"


def range_cell(band: dict | None, key: str) -> str:
    """``low, high`` of one quantity (the terminal's compact cell) with its :func:`marks`, or "—"."""
    block = (band or {}).get(key)
    return f"{_num(block['low'], key)}, {_num(block['high'], key)}{marks(block)}" if block else "—"


def print_band_rows(comp, console: Console | None = None) -> None:
    """The band table of a comparison in the terminal: the 5th–95th percentile range of each
    quantity (the ranked table above holds the values) and the first driver of PUE; nothing
    without bands.

    Laid out as the ranked table (:func:`twin.study.table.print_ranked_table`): cells do not wrap,
    a terminal too narrow for every column drops them in reverse :data:`BAND_PRIORITY` order and
    says which, and a pipe or file gets every column.
    """
    from twin.study.table import MIX_WIDTH, PIPE_WIDTH, fit_columns

    bands = getattr(comp, "bands", None) or {}
    if not bands:
        return
    if console is None:
        console = Console()
        if not console.is_terminal:  # a pipe or file: do not squeeze the table
            console = Console(width=max(console.width, PIPE_WIDTH))
    b = next(iter(bands.values()))
    limit, shares = compliance_shares(comp)
    keys = ["#", "mix", *_BAND_KEYS] + ([] if limit is None else ["share"]) + ["driver"]
    header = ["#", "Mix"] + [_header(k) for k in _BAND_KEYS] + ([] if limit is None else [_share_header(limit)]) \
        + ["PUE driver"]
    rows = [[str(i), o.mix.name, *[range_cell(bands[o.mix.name], k) for k in _BAND_KEYS],
             *([] if limit is None else [_share(share)]), drivers_text(bands[o.mix.name]["pue"], 1, short=True)]
            for i, (o, share) in enumerate(zip(comp.ranked(), shares), start=1) if o.mix.name in bands]
    kept, dropped = fit_columns(keys, header, rows, console.width, BAND_PRIORITY)
    caption = ("first driver: + raises PUE, - lowers it, ? not clear of chance; all drivers: --json or report.html"
               + _legend(bands, _BAND_KEYS)
               + ("" if limit is None else f"; P(≤ {limit:g}): share of the samples meeting the PUE limit"))
    if dropped:
        caption += f". Dropped to fit {console.width} columns: {', '.join(dropped)} (report.html / --json have them)"
    # headers hold units in brackets ("Payback [yr]"), which rich would read as markup
    table = Table(title=f"90 % bands (5th–95th percentile), {b['samples']} samples, seed {b['seed']}",
                  caption=escape(caption))
    for i in kept:
        if keys[i] == "mix":
            table.add_column(escape(header[i]), overflow="fold", min_width=min(max(len(r[i]) for r in rows), MIX_WIDTH))
        else:
            table.add_column(escape(header[i]), justify="left" if keys[i] == "driver" else "right", no_wrap=True)
    for row in rows:
        table.add_row(*(escape(row[i]) for i in kept))
    console.print(table)


#: the quantities of :func:`print_band_rows`, left to right
_BAND_KEYS = ("pue", "delta_pue", "energy_saving_kwh", "cost_saving_cny", "simple_payback_years")
#: its columns, most important first: a narrow terminal drops them from the end
BAND_PRIORITY = ("pue", "share", "delta_pue", "energy_saving_kwh", "cost_saving_cny", "simple_payback_years", "driver")


def _share_header(limit: float) -> str:
    return f"P(≤ {limit:g}) [%]"


def _share(share: float | None) -> str:
    return "—" if share is None else f"{100.0 * share:.0f}"


def band_rows(comp) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the band table of a comparison (ranked order); no rows without bands."""
    bands = getattr(comp, "bands", None) or {}
    limit, shares = compliance_shares(comp)
    extra = [] if limit is None else [_share_header(limit)]
    header = ["#", "Mix"] + [_header(k) for k in _BAND_KEYS] + extra + ["Top drivers of PUE"]
    rows = []
    for i, (o, share) in enumerate(zip(comp.ranked(), shares), start=1):
        b = bands.get(o.mix.name)
        if b is not None:
            rows.append([str(i), o.mix.name] + [band_cell(b, k) for k in _BAND_KEYS]
                        + ([] if limit is None else [_share(share)]) + [drivers_text(b["pue"])])
    return header, rows


def band_note(comp) -> str:
    """What the band table of a comparison shows and how it was drawn."""
    b = next(iter(comp.bands.values()))
    return (f"Each cell: nominal value [5th–95th percentile] over {b['samples']} Latin-hypercube samples (seed "
            f"{b['seed']}) of {len(b['inputs'])} uncertain inputs: sourced defaults with a spread per evidence grade, "
            f"the site's typical years ({', '.join(b['weather_files'])}), IT utilisation and, for priced mixes, "
            "costs. Every mix runs the same draws as the baseline. Drivers: Spearman rank correlation of PUE "
            "with each input; \"?\" marks a driver that chance alone could rank there, which more samples "
            f"(--band) resolve{_legend(comp.bands, QUANTITIES)} (docs/uncertainty.md).")


def _legend(bands: dict, keys) -> str:
    """``"; "`` and the :func:`marks_legend` of the ``keys`` blocks of every band, or ""."""
    legend = marks_legend(b.get(k) for b in bands.values() for k in keys)
    return f"; {legend}" if legend else ""
