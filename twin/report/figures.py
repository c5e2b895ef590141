"""Figures of a comparison (matplotlib, Agg), returned as PNG bytes for the HTML report.

No pyplot: each function builds its own :class:`matplotlib.figure.Figure`, so nothing global
changes and figures can be made from worker threads.
"""

from __future__ import annotations

import io

import numpy as np

from twin.metrics.feasibility import is_infeasible

#: PUE limits drawn on the PUE figure and checked in the compliance table: (limit, meaning).
#: Source: Guangdong green data-centre plan, measures 5 and 6 (see /docs and docs/sources.md 4.x).
POLICY_LIMITS = (
    (1.25, "new build in the Shaoguan hub cluster (plan measure 5)"),
    (1.30, "new build elsewhere in Guangdong (plan measure 5)"),
    (1.50, "retrofit target for existing sites (plan measure 6)"),
)

#: How the energy-breakdown figure groups the power components (others keep their own label).
BREAKDOWN_GROUPS = {
    "p_crah_fans": "CRAH fans",
    "p_chillers": "chillers / compressors",
    "p_chw_pumps": "pumps",
    "p_cw_pumps": "pumps",
    "p_tower_fans": "tower fans",
    "p_pdu_loss": "power-chain losses",
    "p_ups_loss": "power-chain losses",
    "p_switchgear_loss": "power-chain losses",
    "p_transformer_loss": "power-chain losses",
    "p_lighting": "lighting and auxiliary",
    "p_auxiliary": "lighting and auxiliary",
    "p_generator_heaters": "lighting and auxiliary",
    "p_distribution_loss": "power-chain losses",
    "p_battery_loss": "battery and flywheel losses",
    "p_flywheel_loss": "battery and flywheel losses",
    "p_iec_secondary": "IEC fans and sprays",
    "p_liquid_pumps": "liquid cooling (CDU, fans)",
    "p_dry_cooler_fans": "liquid cooling (CDU, fans)",
    "p_condenser_fans": "condenser fans",
    "p_refrigerant_pumps": "refrigerant pumps",
    "p_evaporative_pumps": "evaporative pumps",
}
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")
BASELINE_COLOUR = "#7f7f7f"
INFEASIBLE_COLOUR = "#f2c4c4"
#: At most this many mixes are drawn in the per-mix bar figures (the best ones, plus the baseline).
MAX_BARS = 30


def _new_figure(width_in: float, height_in: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    return fig


def to_png(fig) -> bytes:
    """Render a figure to PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def _shown(comp) -> list:
    """The mixes drawn in per-mix figures: the best MAX_BARS, always including the baseline."""
    ranked = comp.ranked()
    shown = ranked[:MAX_BARS]
    if comp.baseline not in shown:
        shown = shown[:-1] + [comp.baseline] if len(shown) == MAX_BARS else shown + [comp.baseline]
    return shown


def _best(comp, n: int) -> list:
    """The ``n`` best feasible mixes besides the baseline (an infeasible mix is never shown as best)."""
    return [o for o in comp.ranked() if o is not comp.baseline and not is_infeasible(o.summary)][:n]


def pue_by_mix(comp) -> bytes:
    """Horizontal bars of annual PUE per mix (best on top) with the policy limits as lines; infeasible
    mixes (ranked last) are hatched and labelled."""
    shown = _shown(comp)
    names = [o.mix.name for o in shown]
    pue = np.array([o.pue for o in shown])
    fig = _new_figure(9.0, 2.4 + 0.32 * len(shown))
    ax = fig.add_subplot()
    y = np.arange(len(shown))[::-1]
    colours = [BASELINE_COLOUR if o is comp.baseline else ("#2ca02c" if p <= 1.5 else "#1f77b4")
               for o, p in zip(shown, pue)]
    bars = ax.barh(y, pue, color=colours, height=0.7)
    for bar, o, yi, p in zip(bars, shown, y, pue):
        bad = is_infeasible(o.summary)
        if bad:
            bar.set_facecolor(INFEASIBLE_COLOUR)
            bar.set_hatch("//")
        ax.text(p + 0.005, yi, f"{p:.3f}" + (" infeasible" if bad else ""), va="center", fontsize=8)
    ax.set_yticks(y, names, fontsize=8)
    lo = min(1.0, float(pue.min()) - 0.05)
    hi = max(1.55, float(pue.max()) + 0.08)
    ax.set_xlim(lo, hi)
    styles = ("--", "-.", ":")
    for (limit, meaning), ls in zip(POLICY_LIMITS, styles):
        ax.axvline(limit, color="#d62728", ls=ls, lw=1.4, label=f"PUE {limit:g}: {meaning}")
    ax.set_xlabel("annual PUE [-]")
    fig.legend(loc="outside lower center", fontsize=8, ncol=1, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Annual PUE by mix against the Guangdong policy limits", fontsize=10)
    return to_png(fig)


def monthly_pue(comp, n_best: int = 3) -> bytes:
    """Monthly PUE of the baseline and the ``n_best`` best feasible mixes."""
    import calendar

    best = _best(comp, n_best)
    fig = _new_figure(9.0, 4.4)
    ax = fig.add_subplot()
    months = np.arange(1, 13)
    ax.plot(months, comp.baseline.summary["pue_monthly"]["value"], color=BASELINE_COLOUR, lw=2.2,
            marker="o", label=f"baseline (PUE {comp.baseline.pue:.3f})")
    for o, c in zip(best, PALETTE):
        ax.plot(months, o.summary["pue_monthly"]["value"], color=c, lw=1.8, marker="o", ms=4,
                label=f"{o.mix.name} (PUE {o.pue:.3f})")
    for limit, _ in POLICY_LIMITS:
        ax.axhline(limit, color="#d62728", lw=0.8, ls=":", alpha=0.7)
    ax.set_xticks(months, [calendar.month_abbr[m] for m in months])
    ax.set_ylabel("monthly PUE [-]")
    ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", fontsize=8, ncol=2, frameon=False)
    ax.set_title("Monthly PUE of the best feasible mixes (dotted: policy limits 1.25 / 1.3 / 1.5)", fontsize=10)
    return to_png(fig)


def _grouped_breakdown(o) -> dict[str, float]:
    groups: dict[str, float] = {}
    for row in o.summary["breakdown"]:
        if row["component"] == "p_it":
            continue
        label = BREAKDOWN_GROUPS.get(row["component"], row["label"])
        groups[label] = groups.get(label, 0.0) + row["kwh"]
    return groups


def distinct_colours(n: int) -> list:
    """``n`` colours no two of which are the same: matplotlib's tab20, then tab20b and tab20c (60 in all)."""
    from matplotlib import colormaps

    pool = [c for name in ("tab20", "tab20b", "tab20c") for c in colormaps[name].colors]
    if n > len(pool):
        raise ValueError(f"{n} series but only {len(pool)} distinct colours")
    order = list(range(0, 20, 2)) + list(range(1, 20, 2)) + list(range(20, len(pool)))  # strong hues first
    return [pool[i] for i in order[:n]]


def energy_breakdown(comp) -> bytes:
    """Stacked bars of the non-IT (overhead) energy of each mix by component group [MWh].

    Groups are stacked largest first, each in its own colour (:func:`distinct_colours`), with the
    legend in one column to the right of the bars so that no label is clipped.
    """
    shown = _shown(comp)
    grouped = [_grouped_breakdown(o) for o in shown]
    totals: dict[str, float] = {}
    for g in grouped:
        for k, v in g.items():
            totals[k] = totals.get(k, 0.0) + v
    labels = sorted((k for k, v in totals.items() if v > 0.0), key=lambda k: -totals[k])
    colours = distinct_colours(len(labels))
    fig = _new_figure(10.0, max(3.2, 1.6 + 0.32 * len(shown), 0.9 + 0.2 * len(labels)))
    ax = fig.add_subplot()
    y = np.arange(len(shown))[::-1]
    left = np.zeros(len(shown))
    for label, colour in zip(labels, colours):
        mwh = np.array([g.get(label, 0.0) for g in grouped]) / 1e3
        ax.barh(y, mwh, left=left, color=colour, height=0.7, label=label)
        left += mwh
    it_mwh = shown[0].summary["energy_it_kwh"]["value"] / 1e3
    ax.set_yticks(y, [o.mix.name for o in shown], fontsize=8)
    ax.set_xlabel(f"annual energy besides IT [MWh]  (IT energy: {it_mwh:,.0f} MWh)")
    fig.legend(loc="outside right upper", fontsize=8, ncol=1, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Where the overhead energy goes", fontsize=10)
    return to_png(fig)


def pareto(comp, limits=POLICY_LIMITS) -> bytes:
    """Annual PUE against capital cost of every priced feasible mix, with the Pareto front and the limits.

    The baseline sits at 0 CNY.  Front points (no other mix is both cheaper and lower in PUE)
    are joined by a step line and named; infeasible mixes are not drawn (they are listed in the
    report's answers).
    """
    from twin.report.answers import capex_points
    from twin.study.pareto import pareto_front

    points = capex_points(comp)
    front = pareto_front(points)
    fig = _new_figure(6.4, 3.5)
    ax = fig.add_subplot()
    if points:
        cost = np.array([c for c, _, _ in points]) / 1e6
        pue = np.array([p for _, p, _ in points])
        ax.scatter(cost, pue, s=22, color="#9ecae1", edgecolor="#3182bd", lw=0.6, zorder=2, label="feasible mix")
        fc = [c / 1e6 for c, _, _ in front]
        fp = [p for _, p, _ in front]
        ax.step(fc, fp, where="post", color="#08519c", lw=1.6, zorder=3, label="Pareto front")
        ax.scatter(fc, fp, s=30, color="#08519c", zorder=4)
        for c, p, o in front:
            ax.annotate(o.mix.name, (c / 1e6, p), xytext=(5, 3), textcoords="offset points", fontsize=7)
        ax.set_xlim(-0.03 * max(cost.max(), 1e-9), 1.45 * max(cost.max(), 1e-9))
    for (limit, _), ls in zip(limits, ("--", "-.", ":")):
        ax.axhline(limit, color="#d62728", ls=ls, lw=1.1, label=f"PUE {limit:g}")
    ax.set_xlabel("capital cost against the baseline [M CNY]")
    ax.set_ylabel("annual PUE [-]")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper right")
    ax.set_title(f"PUE against cost: {len(front)} of {len(points)} priced feasible mixes on the front"
                 if points else "PUE against cost: no priced feasible mix", fontsize=9)
    return to_png(fig)


def temperature_bins(comp, n_best: int = 2) -> bytes:
    """PUE by outdoor wet-bulb bin (hours per bin as bars) and the facility load-duration curve."""
    from twin.study.compare import WET_BULB_EDGES_C, pue_by_wet_bulb

    best = _best(comp, n_best)
    series = [comp.baseline] + best
    centres = 0.5 * (WET_BULB_EDGES_C[1:] + WET_BULB_EDGES_C[:-1])
    hours = comp.baseline.wet_bulb_hours
    keep = hours > 0
    fig = _new_figure(10.0, 4.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.3, 1.0])
    twin = ax.twinx()
    twin.bar(centres[keep], hours[keep], width=1.8, color="#dddddd", zorder=0)
    twin.set_ylabel("hours in bin [h]", color="#888888")
    ax.set_zorder(twin.get_zorder() + 1)
    ax.patch.set_visible(False)
    for o, c in zip(series, (BASELINE_COLOUR,) + PALETTE):
        ax.plot(centres[keep], pue_by_wet_bulb(o)[keep], marker="o", ms=3, color=c,
                lw=2.2 if o is comp.baseline else 1.6, label=o.mix.name)
    ax.set_xlabel("outdoor wet bulb [°C] (2 K bins)")
    ax.set_ylabel("PUE of the hours in the bin [-]")
    ax.grid(alpha=0.3)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", fontsize=8, ncol=len(series), frameon=False)
    ax.set_title("PUE by outdoor wet-bulb bin", fontsize=10)
    frac = np.linspace(0.0, 100.0, len(comp.baseline.load_duration_kw))
    for o, c in zip(series, (BASELINE_COLOUR,) + PALETTE):
        ax2.plot(frac, o.load_duration_kw, color=c, lw=2.0 if o is comp.baseline else 1.5, label=o.mix.name)
    ax2.set_xlabel("share of the year [%]")
    ax2.set_ylabel("facility power [kW]")
    ax2.grid(alpha=0.3)
    ax2.set_title("Facility load-duration curve", fontsize=10)
    return to_png(fig)


def catalog_figure(rows: list[dict], measure: str, value_key: str = "delta_pue") -> bytes:
    """Grouped bars of the PUE change of a measure by site, one bar per IT load level (``r["load"]`` in %).

    A row whose baseline or with-measure run is infeasible (``r["feasible"]`` false) gets no bar
    but a red cross on the zero line.
    """
    sites = list(dict.fromkeys(r["site"] for r in rows))
    loads = sorted({r["load"] for r in rows})
    fig = _new_figure(max(8.0, 0.6 * len(sites) + 2.0), 4.2)
    ax = fig.add_subplot()
    width = 0.8 / max(len(loads), 1)
    x = np.arange(len(sites))
    crossed = False
    for k, load in enumerate(loads):
        cells = [next((r for r in rows if r["site"] == s and r["load"] == load), None) for s in sites]
        vals = [np.nan if r is None or not r.get("feasible", True) else r[value_key] for r in cells]
        xk = x - 0.4 + width * (k + 0.5)
        ax.bar(xk, vals, width=width, color=PALETTE[k % len(PALETTE)], label=f"IT load {load:.0f} %")
        bad = [xi for xi, r in zip(xk, cells) if r is not None and not r.get("feasible", True)]
        if bad:
            ax.plot(bad, np.zeros(len(bad)), "x", color="#d62728", ms=7, mew=2,
                    label=None if crossed else "infeasible: no PUE change shown")
            crossed = True
    ax.axhline(0.0, color="black", lw=0.8)
    ax.set_xticks(x, sites, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("PUE change with the measure [-]")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"{measure}: PUE change against the reference baseline, by site and IT load", fontsize=10)
    return to_png(fig)
