"""The residual figure of a calibration: hourly residuals against outdoor temperature and load
(the numbers: :mod:`twin.calibration.residuals`).

The figure follows :mod:`twin.report.figures`: no pyplot, one :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from twin.calibration.residuals import DRIVERS, load_spread_enough, structure
from twin.engine.results import atomic_write
from twin.metrics import residual_structure as rs


def write_residual_plot(residuals: dict, path: Path, title: str = "") -> None:
    """Hourly residuals against outdoor dry bulb (left) and IT power (right), one row per channel.

    Dots are hours, the line joins the bin means (bins of :mod:`twin.metrics.residual_structure`),
    and each panel's title gives its correlation ratio.
    """
    from matplotlib.figure import Figure

    names = list(residuals["channels"])
    etas = structure(residuals)
    loads_vary = load_spread_enough(residuals["drivers"]["it_power"])
    fig = Figure(figsize=(10, 2.1 * max(1, len(names)) + 0.7), layout="constrained")
    axes = fig.subplots(max(1, len(names)), 2, squeeze=False)
    for row, name in zip(axes, names):
        ch = residuals["channels"][name]
        for ax, (key, (xlabel, edges_of)) in zip(row, DRIVERS.items()):
            x, r = residuals["drivers"][key], ch["residual"]
            ok = np.isfinite(x) & np.isfinite(r)
            ax.axhline(0.0, color="black", lw=0.6)
            if ok.sum() > rs.MIN_BIN_POINTS:
                ax.scatter(x[ok], r[ok], s=2, alpha=0.25, color="tab:blue", linewidths=0, rasterized=True)
                c, m, _ = rs.binned_means(x[ok], r[ok], edges_of(x[ok]))
                ax.plot(c, m, color="tab:red", lw=1.4, marker="o", ms=3, label="bin mean")
            eta2 = etas[name][f"eta2_{key}"]
            why = "IT power nearly constant" if key == "it_power" and not loads_vary else "too few hours"
            ax.set_title(f"{ch['label']}: eta² = " + (f"{eta2:.2f}" if np.isfinite(eta2) else f"not formed ({why})"),
                         fontsize=8)
            ax.set_xlabel(xlabel, fontsize=8)
            ax.set_ylabel(f"simulated − metered\n[{ch['unit']}]", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
    fig.suptitle(title or "Hourly residuals against outdoor temperature and load", fontsize=10)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=100))
