"""The self-contained HTML report of a comparison: one file, figures embedded as base64 PNG.

No external CSS, fonts or JavaScript: the file opens offline and can be mailed as it is.  A
few lines of inline script mark, after the page has loaded, whether each figure decoded and has
a visible size (``data-rendered="yes"``); the browser test reads those marks.
"""

from __future__ import annotations

import base64
import html

from twin import __version__
from twin.inputs.tariffs import ASSUMED_SURCHARGE
from twin.metrics.feasibility import is_infeasible
from twin.report import answers, figures
from twin.report.band import band_note, band_rows, range_cell
from twin.study.columns import COLUMN_BY_KEY, MISSING, column_cell, column_value
from twin.study.compare import baseline_label, mix_assumptions
from twin.study.table import ASSUMED, ranked_rows

_CSS = """
body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Arial, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0 auto;
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
#answers-table td { white-space: nowrap; } #answers-table td:nth-child(2) { white-space: normal; }
#answers-table td:first-child { font-weight: 600; } h2#answers-title { margin-top: 1em; } #answers-table td:nth-child(2) { min-width: 17em; }
div.wide { overflow-x: auto; } #ranked-table td:nth-child(2) { min-width: 14em; }
div.answers-row { display: flex; gap: 1.5em; align-items: flex-start; }
div.answers-row > div { flex: 1 1 0; } div.answers-row > figure { flex: 0 0 470px; margin: 0; }
ul.note { color: #555; font-size: 0.85em; margin-top: 0; }
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
  // the answers must be readable without scrolling: mark whether each lies inside the first screen
  document.querySelectorAll('.first-screen').forEach(function (el) {
    el.setAttribute('data-first-screen', el.getBoundingClientRect().bottom <= window.innerHeight ? 'yes' : 'no');
  });
  document.body.setAttribute('data-checked', 'yes');
});
"""


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _img(png: bytes, alt: str, fig_id: str, cls: str = "figure") -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img id="{fig_id}" class="{cls}" alt="{_e(alt)}" src="data:image/png;base64,{data}">'


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


def _money(v: float | None) -> str:
    return MISSING if v is None else f"{v / 1e6:,.2f}"


def _payback(o) -> str:
    v = column_value(COLUMN_BY_KEY["payback"], o.summary)
    return MISSING if v is None else f"{v:.1f}"


def answer_rows(comp) -> tuple[list[str], list[list[str]]]:
    """The answers table: per policy limit the cheapest feasible compliant mix, then the lowest-PUE and
    lowest-energy feasible mixes, each with PUE and energy side by side and its money figures."""
    base_kwh = comp.baseline.summary["energy_facility_kwh"]["value"]
    bands = getattr(comp, "bands", None) or {}
    header = ["Question (feasible mixes only)", "Mix", "PUE"] + (["PUE band"] if bands else []) + \
        ["Energy [MWh]", "Saving [%]", f"CAPEX [M CNY]{ASSUMED}", f"Payback [yr]{ASSUMED}"] + \
        (["Payback band [yr]"] if bands else []) + [f"Cost [M CNY/yr]{ASSUMED}"]

    def cells(o) -> list[str]:
        kwh = o.summary["energy_facility_kwh"]["value"]
        band = bands.get(o.mix.name)
        return ([o.mix.name, f"{o.pue:.3f}"] + ([range_cell(band, "pue")] if bands else [])
                + [f"{kwh / 1e3:,.0f}", f"{100 * (base_kwh - kwh) / base_kwh:+.1f}",
                   _money(answers.capex_cny(o, comp.baseline)), _payback(o)]
                + ([range_cell(band, "simple_payback_years")] if bands else [])
                + [_money(column_value(COLUMN_BY_KEY["cost"], o.summary))])

    rows = []
    for limit, _ in figures.POLICY_LIMITS:
        a = answers.cheapest_compliant(comp, limit)
        question = f"Cheapest mix with PUE ≤ {limit:g}"
        if a.best is None:
            why = (f"none: {a.compliant} feasible mixes meet it but none can be priced" if a.compliant else
                   "none: no feasible mix meets it")
            rows.append([question, why] + [MISSING] * (len(header) - 2))
        else:
            note = f" ({a.unpriced} unpriced mixes also meet it)" if a.unpriced else ""
            rows.append([question + note] + cells(a.best))
    by_pue, by_energy = answers.lowest(comp, "pue"), answers.lowest(comp, "energy")
    pairs = ([("Lowest PUE and energy", by_pue)] if by_pue is by_energy else
             [("Lowest PUE", by_pue), ("Lowest facility energy", by_energy)])
    for question, o in pairs:
        rows.append([question] + (cells(o) if o is not None else ["none"] + [MISSING] * (len(header) - 2)))
    return header, rows


def band_warnings(comp) -> str:
    """One sentence per limit whose answer meets it at its nominal PUE but not at the top of its band."""
    bands = getattr(comp, "bands", None) or {}
    out = []
    for limit, _ in figures.POLICY_LIMITS:
        best = answers.cheapest_compliant(comp, limit).best
        block = (bands.get(best.mix.name) or {}).get("pue") if best is not None else None
        if block and block["high"] is not None and block["high"] > limit:
            out.append(f"{best.mix.name} meets {limit:g} at its nominal PUE {best.pue:.3f}, but its 95th "
                       f"percentile is {block['high']:.3f}.")
    return f'<p class="note" id="band-warnings">Uncertain compliance: {_e(" ".join(out))}</p>' if out else ""


def _infeasible_list(comp) -> str:
    bad = answers.infeasible(comp)
    if not bad:
        return ('<p id="infeasible" class="first-screen"><b>Infeasible mixes:</b> none; every mix passes the '
                "feasibility checks.</p>")
    items = "".join(f"<li><b>{_e(o.mix.name)}</b>: {_e(' '.join(reasons))}</li>" for o, reasons in bad)
    return (f'<div id="infeasible" class="first-screen"><p><b>Infeasible mixes</b> ({len(bad)}; never an answer):</p>'
            f"<ul>{items}</ul></div>")


def _answer_mixes(comp) -> list:
    """The baseline and each mix named in the answers table, once each, in that order."""
    named = [comp.baseline] + [answers.cheapest_compliant(comp, limit).best for limit, _ in figures.POLICY_LIMITS] \
        + [answers.lowest(comp, key) for key in ("pue", "energy")]
    return list({id(o): o for o in named if o is not None}.values())


def cost_notes(comp) -> str:
    """The cost footnote: the assumption-grade inputs behind the costs shown, and the annual cost with
    the assumed PUE surcharge applied next to the cost without it."""
    shown = _answer_mixes(comp)
    found = {a["input"]: a for o in shown for a in mix_assumptions(o.summary)}
    items = "".join(f"<li><code>{_e(k)}</code> = {_e(a['value'])} {_e(a['unit'])} ({_e(a['evidence'])}): "
                    f"{_e(a['why'])}</li>" for k, a in found.items())
    header = ["Annual electricity cost [M CNY]"] + [o.mix.name for o in shown]
    rows = [["as computed (default: no PUE surcharge)"] +
            [_money(column_value(COLUMN_BY_KEY["cost"], o.summary)) for o in shown],
            [f"with the assumed PUE surcharge '{ASSUMED_SURCHARGE}' applied (assumption: Beijing's amounts)"] +
            [_money(column_value(COLUMN_BY_KEY["cost_surcharge"], o.summary)) for o in shown]]
    return (f'<p class="note" id="cost-notes">{ASSUMED} These costs rest on assumption-grade inputs '
            f"(evidence grades as in docs/policy.md; every mix's list is under <code>assumptions</code> in "
            f"<code>compare --json</code>):</p><ul class=\"note\">{items or '<li>none</li>'}</ul>"
            + _table(header, rows, table_id="surcharge-table", num_from=1, baseline_col=None, rank_col=False)
            + '<p class="note">Guangdong has published no PUE surcharge amounts (docs/sources.md 4.3), so no cost above '
              "contains one; the second row shows what the named assumed rule would add "
              f"(<code>policy.tariff.surcharge = \"{ASSUMED_SURCHARGE}\"</code> applies it).</p>")


def _cost_summary(comp) -> str:
    """Two sentences beside the Pareto figure: how many assumption-grade inputs lie behind the costs
    shown, and the baseline's annual cost without and with the assumed surcharge."""
    found = {a["input"] for o in _answer_mixes(comp) for a in mix_assumptions(o.summary)}
    base = comp.baseline.summary
    cost, with_s = (column_value(COLUMN_BY_KEY[k], base) for k in ("cost", "cost_surcharge"))
    text = (f'<p class="note">{ASSUMED} The costs above rest on {len(found)} assumption-grade inputs '
            '(<a href="#cost-notes">listed below</a>). ')
    if cost is not None and with_s is not None:
        text += (f"No cost includes a PUE surcharge (Guangdong has published none); the assumed rule with "
                 f"Beijing's amounts would raise the baseline's annual cost from {_money(cost)} to "
                 f"{_money(with_s)} M CNY.")
    return text + "</p>"


def answers_section(comp) -> str:
    """The report's first section: the answers table, the infeasible mixes and the Pareto figure."""
    header, rows = answer_rows(comp)
    region = comp.baseline.summary.get("policy", {}).get("region")
    region_note = "" if region is None else (
        f'<span id="policy-region">Policy region: <b>{_e(region["value"])}</b>'
        f'{" (ASSUMED)" if region["assumed"] else ""}: {_e(region["rule"])}.</span> ')
    first = next(iter(comp.bands.values())) if getattr(comp, "bands", None) else None
    band = (f"Bands: 5th–95th percentile, {first['samples']} Latin-hypercube samples "
            '(<a href="#bands">drivers, method</a>). Cost: annual electricity bill.' if first else
            "No PUE band: this comparison was run without uncertainty samples (--band 0), so each PUE is a "
            "point value.")
    return "".join([
        '<h2 id="answers-title">Answers</h2>', f'<p class="meta">{region_note}{band}</p>',
        '<div id="answers" class="first-screen">',
        _table(header, rows, table_id="answers-table", num_from=2, baseline_col=None, rank_col=False,
               text_cols=(0,)), "</div>",
        '<div class="answers-row"><div>', band_warnings(comp), _infeasible_list(comp),
        '<p class="note">Cheapest = lowest capital cost against the baseline (the baseline itself costs 0); ties go '
        "to the lower annual cost. A mix with a measure that has no cost row cannot be priced and is not a "
        "candidate.</p>", _cost_summary(comp), "</div>",
        f"<figure>{_img(figures.pareto(comp), 'Annual PUE against capital cost with the Pareto front', 'fig-pareto', 'figure first-screen')}"
        "<figcaption>Each dot a priced feasible mix; the line joins those no other mix beats on both PUE and "
        "CAPEX.</figcaption></figure></div>",
        cost_notes(comp),
    ])


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
    version = __version__
    s = comp.baseline.summary["scenario"]
    study = comp.study
    _, header, rows = ranked_rows(comp)
    c_header, c_rows = compliance_rows(comp)
    limits = "".join(f"<li>PUE ≤ {limit:g}: {_e(meaning)}</li>" for limit, meaning in figures.POLICY_LIMITS)
    by = {"pue": "annual PUE"}.get(comp.rank_by, comp.rank_by)
    f_header, f_rows = feasibility_rows(comp)
    b_header, b_rows = band_rows(comp)
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
        answers_section(comp),
        '<h2 id="ranking">Ranked mixes</h2>',
        f'<div class="wide">{_table(header, rows, table_id="ranked-table")}</div>',
        '<p class="note">ΔPUE and saving are against the baseline. Infeasible mixes are ranked after every '
        'feasible one (see <a href="#feasibility">Feasibility</a>). '
        f'{ASSUMED}: the cost rests on assumption-grade inputs (see <a href="#cost-notes">the cost notes</a>). '
        '"Cost + surch.": the annual cost with the assumed PUE surcharge (not applied by default). '
        '"—": the metric is not computed by this installation.</p>',
        ('<h2 id="bands">Uncertainty bands</h2>' + _table(b_header, b_rows, table_id="band-table", text_cols=(7,))
         + f'<p class="note">{_e(band_note(comp))}</p>') if b_rows else "",
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
    from twin.engine.results import atomic_write

    text = render_report(comp)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
