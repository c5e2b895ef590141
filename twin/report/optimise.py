"""What ``dctwin optimise`` prints and writes: the JSON answer, the terminal table, the Pareto figure and
the dataset of every candidate (:class:`twin.study.optimise.Optimisation`).

JSON (``--json``, ``optimise.json``)::

    {"limit": 1.5, "objective": "npv", "evaluations": 2000, "complies": true,
     "best": {"mix": ..., "measures": [{"name", "parameters"}], "pue": {"value", "low", "high", "settled",
                                                   "infeasible_samples", "p_complies", "p_complies_ci"},
              "feasible", "capex_cny", "annual_cost_cny", "npv_cny", "curve_extrapolated_hours"},
     "robust": {<the same object>} or null,
     "pareto": [<the same objects, by rising PUE>],
     "closest": {<the same object> + "blocked_by": [...]}}      # only when nothing complies

``best`` is null when nothing complies.  ``pue.low``/``high`` are the 5th/95th percentiles of the
band (:mod:`twin.study.uncertainty`) and ``pue.p_complies`` the share of its samples at or below the
limit, all null with ``band = 0``; ``pue.settled`` is false when the band's samples do not settle one of
its ends, ``pue.infeasible_samples`` counts the samples whose plant cannot carry its load (they never
meet the limit) and ``pue.p_complies_ci`` is the share's 90 % confidence interval (:mod:`twin.study.band_ends`).
``robust`` is the cheapest banded mix that meets the limit in at
least 95 % of its samples (:attr:`twin.study.optimise.Optimisation.robust`; null without bands or
when none does): where the best mix's band crosses the limit, the mix to build if the limit must hold
with confidence.  ``curve_extrapolated_hours``: hours the
mix's chiller or DX curves ran outside their data (docs/plants.md, "Chiller curves outside their data");
the terminal names the shown mixes whose figures rest on such hours.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from twin.report.band import marks, marks_legend
from twin.study.optimise import OBJECTIVES, ROBUST_SHARE, Optimisation, blocked_by, counts

#: What the optimiser calls each objective in tables and figures.
OBJECTIVE_TITLES = {"npv": "NPV of the savings (higher is better)", "capex": "CAPEX (lower is better)",
                    "annual": "annual cost: electricity bill + O&M (lower is better)"}


def candidate(o: Optimisation, key: str) -> dict:
    """The JSON object of one confirmed mix."""
    from twin.measures import measure_parameters

    rec = o.confirmed[key]
    b = o.bands.get(key, {}).get("pue", {})
    return {"mix": o.labels[key], "measures": [measure_parameters(m) for m in o.mixes[key]],
            "pue": {"value": rec["pue"], "low": b.get("low"), "high": b.get("high"), "settled": b.get("settled"),
                    "infeasible_samples": b.get("infeasible_samples"),
                    "p_complies": b.get("share_at_or_below_limit"), "p_complies_ci": b.get("share_ci")},
            "feasible": rec["feasible"], "capex_cny": rec["capex_cny"],
            "annual_cost_cny": rec["annual_cost_cny"], "npv_cny": rec["npv_cny"],
            "curve_extrapolated_hours": rec["metrics"].get("extrapolated")}


def summary(o: Optimisation) -> dict:
    """The ``--json`` answer (see the module docstring)."""
    robust = o.robust
    out = {"best": candidate(o, o.best) if o.best is not None else None,
           "robust": candidate(o, robust) if robust is not None else None,
           "pareto": [candidate(o, k) for k in o.pareto],
           "limit": o.limit, "objective": o.objective, "evaluations": o.evaluations, "complies": o.best is not None}
    if o.best is None and o.closest is not None:
        out["closest"] = dict(candidate(o, o.closest),
                              blocked_by=blocked_by(o.confirmed[o.closest], o.limit, o.objective))
    elif o.best is None:
        out["closest"] = None
    return out


def to_dataset(o: Optimisation):
    """Every screened candidate along ``candidate`` (cheapest first by the objective), with the headline
    metrics of the run summary, the costs, feasibility, and the confirmed PUE where it was confirmed."""
    import xarray as xr

    from twin.measures import measure_parameters
    from twin.study.optimise import cost

    keys = [k for k, r in o.screened.items() if r is not None]
    keys.sort(key=lambda k: (not counts(o.screened[k], o.objective), cost(o.screened[k], o.objective) or 0.0,
                             o.labels[k]))
    recs = [o.screened[k] for k in keys]
    ok = ["error" not in r for r in recs]
    metric_names = sorted({m for r, good in zip(recs, ok) if good for m in r["metrics"]})

    def num(r, name):
        v = r.get(name) if "error" not in r else None
        return np.nan if v is None else float(v)

    data = {
        "pue": ("candidate", np.array([num(r, "pue") for r in recs]), {"units": "1", "long_name": "annual PUE, screened"}),
        "pue_confirmed": ("candidate", np.array([o.confirmed[k]["pue"] if k in o.confirmed and "error" not in
                                                 o.confirmed[k] else np.nan for k in keys]),
                          {"units": "1", "long_name": f"annual PUE by method '{o.confirm_method}' (NaN: not confirmed)"}),
        "capex_cny": ("candidate", np.array([num(r, "capex_cny") for r in recs]), {"units": "CNY"}),
        "annual_cost_cny": ("candidate", np.array([num(r, "annual_cost_cny") for r in recs]),
                            {"units": "CNY/yr", "long_name": "electricity bill (purchased cooling included) + O&M"}),
        "npv_cny": ("candidate", np.array([num(r, "npv_cny") for r in recs]),
                    {"units": "CNY", "long_name": f"NPV of the savings against the baseline, {o.horizon_years} yr"}),
        "feasible": ("candidate", np.array([bool(g and r["feasible"]) for r, g in zip(recs, ok)])),
        "complies": ("candidate", np.array([bool(g and r["pue"] <= o.limit) for r, g in zip(recs, ok)])),
        "reasons": ("candidate", np.array([r.get("error") or " ".join(r["reasons"]) for r in recs], dtype=object),
                    {"long_name": "why the mix is infeasible or was refused ('' if feasible)"}),
        "method": ("candidate", np.array([r["method"] for r in recs], dtype=object)),
    }
    for m in metric_names:
        if m not in ("pue",):
            data[f"metric_{m}"] = ("candidate", np.array([r["metrics"].get(m, np.nan) if g else np.nan
                                                          for r, g in zip(recs, ok)]))
    coords = {"candidate": ("candidate", np.array([o.labels[k] for k in keys], dtype=object)),
              "measures": ("candidate", np.array([json.dumps([measure_parameters(m) for m in o.mixes[k]])
                                                  for k in keys], dtype=object))}
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({"title": "dctwin optimise: every evaluated mix", "limit": o.limit, "objective": o.objective,
                     "horizon_years": o.horizon_years, "seed": o.seed, "trials": o.trials,
                     "best": o.labels[o.best] if o.best else "", "space": o.space.source})
    return ds


def pareto_png(o: Optimisation) -> bytes:
    """PUE against the objective's cost: every screened feasible mix, the confirmed front with its bands,
    the best mix and the limit."""
    from twin.report.figures import _new_figure, to_png

    key, _ = OBJECTIVES[o.objective]
    fig = _new_figure(6.4, 3.8)
    ax = fig.add_subplot()
    pts = [(r[key], r["pue"]) for r in o.screened.values() if counts(r, o.objective)]
    if pts:
        x, y = np.array(pts).T
        ax.scatter(x / 1e6, y, s=8, color="#c6dbef", lw=0, label="screened feasible mix", zorder=1)
    if o.pareto:
        fx = np.array([o.confirmed[k][key] for k in o.pareto]) / 1e6
        fy = np.array([o.confirmed[k]["pue"] for k in o.pareto])
        lo = np.array([o.bands.get(k, {}).get("pue", {}).get("low") or v for k, v in zip(o.pareto, fy)])
        hi = np.array([o.bands.get(k, {}).get("pue", {}).get("high") or v for k, v in zip(o.pareto, fy)])
        ax.errorbar(fx, fy, yerr=[fy - lo, hi - fy], fmt="o-", color="#08519c", ms=4, lw=1.2, capsize=2,
                    label="Pareto front (confirmed, 90 % band)", zorder=3)
    if o.best is not None:
        r = o.confirmed[o.best]
        ax.scatter([r[key] / 1e6], [r["pue"]], marker="*", s=160, color="#e6550d", zorder=4, label="best mix")
    ax.axhline(o.limit, color="#d62728", ls="--", lw=1.1, label=f"limit {o.limit:g}")
    ax.set_xlabel({"npv_cny": "NPV of the savings [M CNY] (higher is better)", "capex_cny": "CAPEX [M CNY]",
                   "annual_cost_cny": "annual cost [M CNY/yr]"}[key])
    ax.set_ylabel("annual PUE [-]")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    ax.set_title(f"PUE against {o.objective}: {len(o.pareto)} front points, {o.evaluations:,} mixes evaluated",
                 fontsize=9)
    return to_png(fig)


def write_outputs(o: Optimisation, out: Path) -> None:
    """``optimise.json``, ``pareto.png`` and ``candidates.nc`` in ``out``, each written atomically."""
    from twin.engine.results import atomic_write, write_dataset, write_json

    write_json(summary(o), out / "optimise.json")
    png = pareto_png(o)
    atomic_write(out / "pareto.png", lambda tmp: tmp.write_bytes(png))
    write_dataset(to_dataset(o), out / "candidates.nc")


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v / 1e4:,.0f}"


def shown(o: Optimisation) -> list[str]:
    """Keys of the mixes the terminal table shows, in its order: the best, the robust, the closest, then
    the front by rising PUE (each once)."""
    robust = o.robust
    return list(dict.fromkeys(([o.best] if o.best else []) + ([robust] if robust else [])
                              + ([o.closest] if o.closest else []) + o.pareto))


def table_rows(o: Optimisation) -> tuple[list[str], list[str], list[list[str]]]:
    """Keys, header and rows of the terminal table: the best mix first, then the front by rising PUE."""
    keys = ["#", "mix", "pue", "compliance", "p_complies", "feasibility", "capex", "cost", "npv"]
    header = ["#", "Mix", "PUE [90 % band]", f"Compliance\n(≤ {o.limit:g})", "P(≤ limit)\n[%]", "Feasible",
              "CAPEX\n[10k CNY]", "Annual cost\n[10k CNY/yr]", f"NPV {o.horizon_years} yr\n[10k CNY]"]
    robust = o.robust
    order = shown(o)
    rows = []
    for i, k in enumerate(order, start=1):
        c = candidate(o, k)
        p = c["pue"]
        band = (f" [{p['low']:.3f}–{p['high']:.3f}]{marks(p)}"
                if p["low"] is not None and p["high"] is not None else "")
        tag = "best" if k == o.best else "robust" if k == robust else "closest" if k == o.closest else str(i)
        share = "—" if p["p_complies"] is None else f"{100.0 * p['p_complies']:.0f}"
        rows.append([tag, c["mix"], f"{p['value']:.3f}{band}", "pass" if p["value"] <= o.limit else "fail", share,
                     "yes" if c["feasible"] else "no", _money(c["capex_cny"]), _money(c["annual_cost_cny"]),
                     _money(c["npv_cny"])])
    return keys, header, rows


def print_table(o: Optimisation, console=None) -> None:
    """The best mix and the Pareto front as a rich table that keeps Mix, PUE and compliance at 80 columns
    (:func:`twin.study.table.fit_columns`), then the closest mix's blockers when nothing complies."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from twin.study.table import MIX_WIDTH, PIPE_WIDTH, PRIORITY, fit_columns

    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=max(console.width, PIPE_WIDTH))
    keys, header, rows = table_rows(o)
    # the chance of meeting the limit goes right after the compliance it qualifies
    at = PRIORITY.index("compliance") + 1
    kept, dropped = fit_columns(keys, header, rows, console.width, PRIORITY[:at] + ("p_complies",) + PRIORITY[at:])
    caption = (f"objective: {OBJECTIVE_TITLES[o.objective]}; {o.evaluations:,} mixes screened by the bin method "
               f"in {o.trials:,} trials, numbers confirmed by method '{o.confirm_method}'; NPV is the saving "
               "against the baseline")
    if dropped:
        caption += f". Dropped to fit {console.width} columns: {', '.join(dropped)} (see --json)"
    title = (f"dctwin optimise: cheapest feasible mix with PUE ≤ {o.limit:g} (baseline {o.baseline_pue:.3f})"
             if o.best else f"dctwin optimise: no evaluated mix meets PUE ≤ {o.limit:g} (baseline {o.baseline_pue:.3f})")
    table = Table(title=title, caption=caption, header_style="bold", box=box.SIMPLE_HEAD)
    for i in kept:
        if keys[i] == "mix":
            table.add_column(escape(header[i]), justify="left", overflow="fold",
                             min_width=min(max(len(r[i]) for r in rows) if rows else 3, MIX_WIDTH))
        else:
            table.add_column(escape(header[i]), justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*(escape(row[i]) for i in kept))
    console.print(table)
    robust = o.robust
    share = o.share_complying(o.best) if o.best else None
    if share is not None and share < ROBUST_SHARE:
        ci = candidate(o, o.best)["pue"]["p_complies_ci"]
        confidence = f"90 % confidence {100.0 * ci[0]:.0f}–{100.0 * ci[1]:.0f} %; " if ci else ""
        console.print(f"the best mix meets PUE ≤ {o.limit:g} in {100.0 * share:.0f} % of its band's samples "
                      f"({confidence}the inputs moved by their evidence grade, docs/uncertainty.md); "
                      + (f"the cheapest mix that meets it in ≥ {100 * ROBUST_SHARE:.0f} %: {escape(o.labels[robust])} "
                         "(row 'robust')" if robust else
                         f"no banded mix meets it in ≥ {100 * ROBUST_SHARE:.0f} % of its samples"), highlight=False)
    legend = marks_legend(candidate(o, k)["pue"] for k in shown(o))
    if legend:
        console.print(legend, highlight=False)
    outside = [(o.labels[k], h) for k in shown(o) if (h := candidate(o, k)["curve_extrapolated_hours"])]
    if outside:
        console.print("chiller curves outside their data (their figures rest on the curves' tangent at the data "
                      "edge; docs/plants.md): " + "; ".join(f"{escape(m)}: {h:,.0f} h" for m, h in outside),
                      highlight=False)
    if o.best is None and o.closest is not None:
        console.print(f"closest: {escape(o.labels[o.closest])}", highlight=False)
        for reason in blocked_by(o.confirmed[o.closest], o.limit, o.objective):
            console.print(f"  blocked by: {escape(reason)}", highlight=False)
