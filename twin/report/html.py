"""The self-contained HTML report of a comparison: one file, figures embedded as base64 PNG.

No external CSS, fonts or JavaScript: the file opens offline and can be mailed as it is.  A
few lines of inline script mark, after the page has loaded, whether each figure decoded and has
a visible size (``data-rendered="yes"``); the browser test reads those marks.
"""

from __future__ import annotations

import base64
import html

from twin import __version__
from twin.metrics.feasibility import is_infeasible
from twin.study.compare import baseline_label
from twin.report import figures
from twin.study.columns import COLUMN_BY_KEY, MISSING, column_cell

_CSS = """
body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1.2em 1.5em 3em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
p.meta { color: #555; font-size: 0.9em; margin-top: 0; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.55em; }
th { background: #f0f3f7; text-align: center; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.baseline td { color: #666; background: #fafafa; }
td.pass { color: #176b2c; text-align: center; } td.fail { color: #b0201c; text-align: center; }
td.text { text-align: center; }
td.missing { color: #999; text-align: center; }
figure { margin: 0.8em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, p.note { color: #555; font-size: 0.85em; }
code { background: #f4f4f4; padding: 0 0.2em; }
"""

_SCRIPT = """
window.addEventListener('load', function () {
  document.querySelectorAll('img, svg').forEach(function (el) {
    var r = el.getBoundingClientRect();
    var decoded = el.tagName.toLowerCase() === 'img' ? (el.complete && el.naturalWidth > 0) : true;
    el.setAttribute('data-rendered', decoded && r.width > 0 && r.height > 0 ? 'yes' : 'no');
  });
  document.body.setAttribute('data-checked', 'yes');
});
"""


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _img(png: bytes, alt: str, fig_id: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img id="{fig_id}" class="figure" alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _table(header: list[str], rows: list[list[str]], *, table_id: str, num_from: int = 2,
           baseline_col: int | None = 1, rank_col: bool = True, text_cols: tuple[int, ...] = ()) -> str:
    heads = "".join(f"<th>{'<br>'.join(_e(x) for x in h.split(chr(10)))}</th>" for h in header)
    out = [f'<table id="{table_id}"><thead><tr>{heads}</tr></thead><tbody>']
    for row in rows:
        cls = ' class="baseline"' if baseline_col is not None and row[baseline_col] == "baseline" else ""
        tds = []
        for i, cell in enumerate(row):
            if i in text_cols:
                tds.append(f"<td>{_e(cell)}</td>")
            elif cell == MISSING:
                tds.append(f'<td class="missing">{MISSING}</td>')
            elif i >= num_from and cell.lower().startswith(("pass", "yes", "fail", "no (", "feasible", "infeasible")):
                ok = cell.lower().startswith(("pass", "yes", "feasible"))
                tds.append(f'<td class="{"pass" if ok else "fail"}">{_e(cell)}</td>')
            else:
                tds.append(f'<td{" class=num" if i >= num_from or (i == 0 and rank_col) else ""}>{_e(cell)}</td>')
        out.append(f"<tr{cls}>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def compliance_rows(comp) -> tuple[list[str], list[list[str]]]:
    """Each mix's PUE against the policy limits ("infeasible" for an infeasible mix), plus the policy
    module's verdicts where present."""
    header = ["#", "Mix", "PUE"] + [f"PUE ≤ {limit:g}" for limit, _ in figures.POLICY_LIMITS] + \
             ["Compliance (policy module)", "Grade (GB 40879)"]
    rows = []
    for i, o in enumerate(comp.ranked(), start=1):
        row = [str(i), o.mix.name, f"{o.pue:.3f}"]
        for limit, _ in figures.POLICY_LIMITS:  # an infeasible mix meets no limit (docs/feasibility.md)
            row.append("infeasible" if is_infeasible(o.summary) else
                       "yes" if o.pue <= limit + 1e-12 else f"no (+{o.pue - limit:.3f})")
        row.append(column_cell(COLUMN_BY_KEY["compliance"], o.summary)[0])
        row.append(column_cell(COLUMN_BY_KEY["grade"], o.summary)[0])
        rows.append(row)
    return header, rows


def feasibility_rows(comp) -> tuple[list[str], list[list[str]]]:
    """Each mix's feasibility verdict with its reasons (one sentence each) and warnings."""
    header = ["#", "Mix", "Verdict", "Reasons", "Warnings"]
    rows = []
    for i, o in enumerate(comp.ranked(), start=1):
        f = o.summary["feasibility"]
        rows.append([str(i), o.mix.name, f["verdict"]["value"], " ".join(f["reasons"]) or "none",
                     " ".join(f["warnings"]) or "none"])
    return header, rows


def _best_sentence(comp) -> str:
    """The report's headline: the best feasible mix, or why there is none."""
    best = next((o for o in comp.ranked() if o is not comp.baseline and not is_infeasible(o.summary)), None)
    if best is None:
        return ("<p><b>No feasible mix</b> besides the baseline: every mix fails a feasibility check (see "
                '<a href="#feasibility">Feasibility</a>), so none is ranked best.</p>')
    note = (" The baseline itself is infeasible." if is_infeasible(comp.baseline.summary) else "")
    return (f"<p>Best feasible mix: <b>{_e(best.mix.name)}</b>, PUE {best.pue:.3f} against {comp.baseline.pue:.3f} "
            f"for the baseline ({best.pue - comp.baseline.pue:+.3f}).{note}</p>")


def _measures_text(mix) -> str:
    if not mix.measures:
        return "(none: the baseline as it is)"
    parts = []
    for m in mix.measures:
        params = {k: v for k, v in m.items() if k != "name"}
        parts.append(m["name"] + (f" ({', '.join(f'{k} = {v}' for k, v in params.items())})" if params else ""))
    return "; ".join(parts)


def render_report(comp) -> str:
    """The report of a :class:`twin.study.compare.Comparison` as one HTML string."""
    from twin.study.table import ranked_rows

    version = __version__
    s = comp.baseline.summary["scenario"]
    study = comp.study
    header, rows = ranked_rows(comp)
    c_header, c_rows = compliance_rows(comp)
    limits = "".join(f"<li>PUE ≤ {limit:g}: {_e(meaning)}</li>" for limit, meaning in figures.POLICY_LIMITS)
    by = {"pue": "annual PUE"}.get(comp.rank_by, comp.rank_by)
    f_header, f_rows = feasibility_rows(comp)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(study.name)} — dctwin comparison</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(study.name)}</h1>",
        f"<p>{_e(study.description)}</p>" if study.description else "",
        f'<p class="meta">Baseline <code>{_e(baseline_label(study))}</code> · site '
        f"{_e(s['site_name'])} ({_e(s['site'])}), typical year as {_e(s['year'])}, {_e(s['timestep_min'])}-min steps · "
        f"{len(comp.outcomes)} mixes ranked by {_e(by)} · generated {_e(comp.created)} by dctwin {_e(version)} "
        f"in {comp.runtime_s:.1f} s</p>",
        _best_sentence(comp),
        '<h2 id="ranking">Ranked mixes</h2>',
        _table(header, rows, table_id="ranked-table"),
        '<p class="note">ΔPUE and saving are against the baseline. Infeasible mixes are ranked after every '
        'feasible one (see <a href="#feasibility">Feasibility</a>). "—": the metric is not computed by this '
        "installation (cost, CO2, CAPEX, payback, compliance and grade come from the policy and economics "
        "modules when they are installed).</p>",
        '<h2 id="feasibility">Feasibility</h2>',
        _table(f_header, f_rows, table_id="feasibility-table", text_cols=(3, 4)),
        '<p class="note">A mix is infeasible when its plant leaves cooling unmet, overloads CRAH coils, chillers, '
        "UPS, transformers or generators, or lets a rack inlet leave ASHRAE A1 allowable (15-32 °C); an "
        "infeasible mix gets no compliance verdict and is never ranked best (docs/feasibility.md).</p>",
        '<h2 id="pue-by-mix">PUE by mix against the policy limits</h2>',
        f"<figure>{_img(figures.pue_by_mix(comp), 'Annual PUE of every mix with the 1.25, 1.3 and 1.5 limits', 'fig-pue')}"
        f"<figcaption>Annual PUE (facility energy / IT energy). Green bars meet the 1.5 retrofit target. "
        f"Lines:<ul>{limits}</ul></figcaption></figure>",
        '<h2 id="monthly-pue">Monthly PUE of the best mixes</h2>',
        f"<figure>{_img(figures.monthly_pue(comp), 'Monthly PUE of the baseline and the best mixes', 'fig-monthly')}"
        "<figcaption>Calendar-month PUE; the summer months set the annual figure in a humid subtropical "
        "climate.</figcaption></figure>",
        '<h2 id="breakdown">Energy breakdown</h2>',
        f"<figure>{_img(figures.energy_breakdown(comp), 'Stacked bars of overhead energy by component', 'fig-breakdown')}"
        "<figcaption>Annual energy besides IT, by component group. Power-chain losses are PDU, UPS, "
        "switchgear/wiring and transformer losses.</figcaption></figure>",
        '<h2 id="temperature-bins">Temperature bins and load duration</h2>',
        f"<figure>{_img(figures.temperature_bins(comp), 'PUE by outdoor wet-bulb bin and load-duration curve', 'fig-bins')}"
        "<figcaption>Left: PUE of the hours falling in each 2 K outdoor wet-bulb bin (grey bars: hours per "
        "bin). Right: facility power exceeded for a given share of the year.</figcaption></figure>",
        '<h2 id="compliance">Compliance</h2>',
        _table(c_header, c_rows, table_id="compliance-table"),
        '<p class="note">The PUE ≤ columns compare the simulated annual PUE with each limit; the last two '
        "columns show the verdicts of the policy module (GB 40879 grade, Guangdong rules) when it is installed.</p>",
        '<h2 id="mixes">Mix definitions</h2>',
        _table(["Mix", "Measures (parameters)"], [[o.mix.name, _measures_text(o.mix)] for o in comp.ranked()],
               table_id="mix-table", num_from=99, baseline_col=0, rank_col=False),
        '<p class="note">Machine-readable results: <code>results.nc</code> next to this file (one entry per '
        "mix along the <code>mix</code> dimension).</p>",
        f"<script>{_SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def write_report(comp, path) -> None:
    """Write :func:`render_report` to ``path`` atomically (UTF-8)."""
    from twin.results import atomic_write

    text = render_report(comp)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
