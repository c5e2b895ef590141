"""The files of a technology-catalog entry (:mod:`twin.study.catalog`): the CSV and Markdown tables
and the figure, written atomically.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from twin.report.band import marks, marks_legend
from twin.study import catalog as study_catalog
from twin.study.catalog import BANDED, METRICS, TABLE, WITHHELD, CatalogResult


def band_range(row: dict, key: str) -> tuple[float, float] | None:
    """The 5th and 95th percentiles of a banded column in the column's unit, or None."""
    if key not in BANDED or "band" not in row:
        return None
    bkey, factor = BANDED[key]
    block = row["band"].get(bkey)
    if not block or block["low"] is None or block["high"] is None:
        return None
    return block["low"] * factor, block["high"] * factor


def _cell(row: dict, key: str, fmt: str) -> str:
    if key in WITHHELD and not row.get("feasible", True):
        return "infeasible"
    v = row.get(key)
    if v is None:
        return "—"
    rng = band_range(row, key)
    if rng is None:
        return fmt.format(v)
    return fmt.format(v) + f" [{fmt.format(rng[0])}, {fmt.format(rng[1])}]" + marks(row["band"].get(BANDED[key][0]))


def present_columns(res: CatalogResult, columns=TABLE) -> list[tuple[str, str, str]]:
    """The table columns, without those no row has a value for."""
    return [c for c in columns if any(r.get(c[0]) is not None for r in res.rows)]


def to_csv(res: CatalogResult) -> str:
    """The rows as CSV: the table columns (with bands, ``<column>_low`` / ``<column>_high`` follow each
    banded column), the further metrics of :data:`METRICS` and the measure's parameters (every one,
    defaults filled in, as ``key=value`` pairs)."""
    from twin.measures import measure_parameters

    cols = present_columns(res, TABLE + tuple((k, h, f) for k, _, h, f in METRICS))
    params = "; ".join(f"{k}={v}" for k, v in measure_parameters(res.measure)["parameters"].items())
    banded = any("band" in r for r in res.rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([h for k, _, _ in cols for h in ([k, f"{k}_low", f"{k}_high"] if banded and k in BANDED else [k])]
               + ["parameters"])
    for r in res.rows:
        cells = []
        for k, _, _ in cols:
            withheld = k in WITHHELD and not r.get("feasible", True)
            values = [r.get(k)] + (list(band_range(r, k) or (None, None)) if banded and k in BANDED else [])
            cells += ["" if v is None or withheld else (f"{v:.6g}" if isinstance(v, float) else v) for v in values]
        w.writerow(cells + [params])
    return buf.getvalue()


def to_markdown(res: CatalogResult, figure_name: str | None = None) -> str:
    cols = present_columns(res)
    params = {k: v for k, v in res.measure.items() if k != "name"}
    lines = [f"# Catalog evaluation: {res.title} (`{res.measure['name']}`)", ""]
    lines.append(f"Parameters: {', '.join(f'`{k} = {v}`' for k, v in params.items()) or 'the measure defaults'}. "
                 f"Reference baseline: {res.baseline_name}"
                 + (f" (`{Path(res.baseline_file).name}`)" if res.baseline_file else "") + ".")
    lines.append("")
    definition = study_catalog.__doc__.split("IT load level\n-------------\n", 1)[1].split("Savings are", 1)[0].strip()
    lines.append("**IT load level.** " + " ".join(definition.split()))
    lines.append("")
    lines.append("Savings are baseline minus with-measure (positive = saves); ΔPUE is with-measure minus baseline. "
                 "Thermal columns are those of the run with the measure. " + _band_sentence(res) + "Where the baseline or the run with the "
                 "measure is infeasible (docs/feasibility.md), no PUE change or saving is shown. "
                 "Columns the installation does not compute are left out.")
    lines.append("")
    lines.append("| " + " | ".join(h for _, h, _ in cols) + " |")
    lines.append("|" + "|".join("---" if k in ("site", "site_name", "region", "policy_region") else "---:"
                                for k, _, _ in cols) + "|")
    for r in res.rows:
        lines.append("| " + " | ".join(_cell(r, k, f) for k, _, f in cols) + " |")
    assumed = {a["input"]: a for r in res.rows for a in r.get("cost_assumptions", [])}
    if assumed:
        lines += ["", "**Cost saving rests on assumption-grade inputs** (docs/policy.md): " + "; ".join(
            f"`{k}` = {a['value']} {a['unit']}" for k, a in assumed.items()) + ". No PUE surcharge is included "
            "unless the baseline scenario sets one."]
    lines += _extrapolation_note(res) + _it_side_note(res)
    reasons = [f"- {r['site_name']}, {r['load']:.0f} %: {r['infeasible_reason']}" for r in res.rows
               if r.get("infeasible_reason")]
    if reasons:
        lines += ["", "**Infeasible runs** (the first reason of each run):", ""] + reasons
    if figure_name:
        lines += ["", f"![PUE change by site and IT load]({figure_name})"]
    return "\n".join(lines) + "\n"


def _it_side_note(res: CatalogResult) -> list[str]:
    """Markdown lines for rows whose PUE rises while the facility uses less energy (none: no lines)."""
    rows = [r for r in res.rows if r.get("feasible", True) and (r.get("delta_pue") or 0.0) > 0.0
            and (r.get("energy_saving_mwh") or 0.0) > 0.0]
    if not rows:
        return []
    return ["", f"**PUE rises although energy falls** in {len(rows)} of {len(res.rows)} rows: the measure cuts IT "
            "power itself (server PSU or fan losses count as IT energy, PUE's denominator), so the same overheads "
            "weigh more per IT kWh. The energy saving is the measure's effect; TUE = ITUE x PUE (CSV) counts the "
            "server-side losses as overhead and falls with it."]


def _extrapolation_note(res: CatalogResult) -> list[str]:
    """Markdown lines saying which rows rest on compressor curves used outside their data (none: no lines)."""
    hours = [max(r.get("curve_hours_baseline") or 0.0, r.get("curve_hours_measure") or 0.0) for r in res.rows]
    flagged = sum(h > 0.0 for h in hours)
    if not flagged:
        return []
    return ["", f"**Compressor curves outside their data** in {flagged} of {len(res.rows)} rows (up to "
            f"{max(hours):,.0f} h of a run): the chiller or DX curves were extrapolated along their tangent at the data "
            "edge, so the savings of those hours rest on the curves' slope there, not on measured points "
            "(docs/plants.md, \"Chiller curves outside their data\"; with `plant.curve_extrapolation = \"hold\"` the "
            "inputs are held at the data edge instead, as EnergyPlus does, and AI control chooses chilled water inside "
            "the data)."]


def _band_sentence(res: CatalogResult) -> str:
    b = next((r["band"] for r in res.rows if "band" in r), None)
    if b is None:
        return ""
    legend = marks_legend(r["band"].get(k) for r in res.rows if "band" in r for k, _ in BANDED.values())
    return (f"[a, b]: the 90 % uncertainty band (5th–95th percentile of {b['samples']} Latin-hypercube samples, seed "
            f"{b['seed']}, of the sourced defaults by evidence grade and the site's typical years; docs/uncertainty.md); "
            "each row's JSON names its top three drivers" + (f"; {legend}" if legend else "") + ". ")


def write_outputs(res: CatalogResult, out_dir: Path) -> list[Path]:
    """Write ``catalog_<measure>.csv``, ``.md`` and ``.png`` atomically; return their paths."""
    from twin.engine.results import atomic_write
    from twin.report.figures import catalog_figure

    stem = f"catalog_{res.measure['name']}"
    csv_path, md_path, png_path = (out_dir / f"{stem}.{ext}" for ext in ("csv", "md", "png"))
    png = catalog_figure(res.rows, res.measure["name"])
    atomic_write(png_path, lambda tmp: tmp.write_bytes(png))
    text = to_csv(res)
    atomic_write(csv_path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    md = to_markdown(res, png_path.name)
    atomic_write(md_path, lambda tmp: tmp.write_text(md, encoding="utf-8"))
    return [csv_path, md_path, png_path]
