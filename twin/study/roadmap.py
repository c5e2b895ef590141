"""Carbon roadmap (Guangdong measure 25): emissions and PUE year by year as load grows, the grid
decarbonises and the renewable share rises.

Year k = 0 .. N-1 re-runs the twin with

- IT utilisation x (1 + it_growth)^k (constant or 24 hourly values; an error if any value would
  exceed 1),
- the grid emission factor x (1 - grid_factor_decline)^k (CO2 is linear in the factor, so the
  year's location-based and net CO2 and CUE are the run's values at the base factor times this
  scale; this works for a regional, constant or hourly factor alike),
- renewable share = start + k x step, capped at 1, where start is ``roadmap.renewable_share_start``
  or the share of the ``[policy.renewables]`` inputs.  On-site PV and certificates stay as given;
  green-power contracts make up the rest of the share.

Every year is simulated with the same typical-year weather and calendar (``scenario.year``); the
calendar year in the tables is a label, ``roadmap.start_year + k``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from twin.engine.simulate import run_scenario
from twin.errors import InputError
from twin.inputs.schema import Scenario
from twin.metrics.energy import energy_summary
from twin.metrics.policy import policy_summary

COLUMNS = {  # column -> unit
    "year": "-", "k": "-", "utilisation_mean": "-", "energy_it_mwh": "MWh", "energy_facility_mwh": "MWh",
    "pue": "-", "compliance": "-", "grid_factor": "kgCO2/kWh", "renewable_share": "-", "co2_location_t": "t",
    "co2_net_t": "t", "cue": "kgCO2/kWh", "cue_net": "kgCO2/kWh", "cost_cny": "CNY", "tce_equivalent": "tce/yr",
}


def year_utilisation(utilisation, growth: float, k: int, *, file: str | None = None):
    """Utilisation of roadmap year k: ``u x (1 + growth)^k``; an error if it would exceed 1. [-]"""
    if not isinstance(utilisation, (int, float, list)):
        raise InputError("the roadmap scales a constant or 24-value utilisation; a CSV series is not supported",
                         file=file, key="it.utilisation")
    scale = (1.0 + growth) ** k
    values = np.atleast_1d(np.asarray(utilisation, dtype=float)) * scale
    if values.max() > 1.0 + 1e-12:
        raise InputError(f"utilisation would reach {values.max():.3f} > 1 in roadmap year k = {k} "
                         f"({utilisation if isinstance(utilisation, (int, float)) else max(utilisation):.3f} x "
                         f"(1 + {growth})^{k}); lower roadmap.it_growth or the number of years",
                         file=file, key="roadmap.it_growth")
    return float(values[0]) if isinstance(utilisation, (int, float)) else values.tolist()


def renewable_share_of_year(start: float, step: float, k: int) -> float:
    """Renewable share of roadmap year k: ``start + k x step`` within [0, 1]. [-]"""
    return float(min(1.0, max(0.0, start + k * step)))


def grid_factor_scale(decline: float, k: int) -> float:
    """Grid emission factor of year k relative to year 0: ``(1 - decline)^k``. [-]"""
    return (1.0 - decline) ** k


def run_roadmap(scn: Scenario, *, years: int | None = None, file: str | None = None,
                base_dir: Path | None = None) -> list[dict]:
    """Simulate every roadmap year and return one row per year (see :data:`COLUMNS`)."""
    rm = scn.roadmap
    years = rm.years if years is None else years
    if years < 1:
        raise InputError(f"must be at least 1, got {years}", key="--years")
    start_year = rm.start_year if rm.start_year is not None else scn.scenario.year
    # check every year's utilisation before simulating any
    utilisations = [year_utilisation(scn.it.utilisation, rm.it_growth, k, file=file) for k in range(years)]
    rows, share0 = [], rm.renewable_share_start
    for k in range(years):
        scn_k = scn.model_copy(deep=True)
        scn_k.it.utilisation = utilisations[k]
        result = run_scenario(scn_k, file=file, base_dir=base_dir)
        energy = energy_summary(result)
        fac_kwh = energy["energy_facility_kwh"]["value"]
        r = scn_k.policy.renewables
        if share0 is None:
            share0 = min(1.0, (r.onsite_pv_kwh + r.green_power_kwh + r.green_certificates_kwh) / fac_kwh)
        share = renewable_share_of_year(share0, rm.renewable_share_step, k)
        policy_k = scn_k.policy.model_copy(deep=True)
        policy_k.renewables.green_power_kwh = max(0.0, share * fac_kwh - r.onsite_pv_kwh - r.green_certificates_kwh)
        block = policy_summary(result, energy, scenario_file=file, policy=policy_k)["policy"]
        f = grid_factor_scale(rm.grid_factor_decline, k)
        c = block["carbon"]
        rows.append({
            "year": start_year + k, "k": k,
            "utilisation_mean": float(np.mean(utilisations[k])),
            "energy_it_mwh": energy["energy_it_kwh"]["value"] / 1e3,
            "energy_facility_mwh": fac_kwh / 1e3,
            "pue": energy["pue"]["value"],
            "compliance": block["compliance"]["value"] if "compliance" in block else "none (policy.region)",
            "grid_factor": c["grid_factor"]["value"] * f,
            "renewable_share": c["renewable_share"]["value"],
            "co2_location_t": c["co2_location_t"]["value"] * f,
            "co2_net_t": c["co2_net_t"]["value"] * f,
            "cue": c["cue"]["value"] * f,
            "cue_net": c["cue_net"]["value"] * f,
            "cost_cny": block["cost"]["total_cny"]["value"] if "cost" in block else float("nan"),
            "tce_equivalent": block["coal"]["tce_equivalent"]["value"],
        })
    return rows


def plot_roadmap(rows: list[dict], path: Path, *, title: str = "", pue_limit: float | None = None) -> None:
    """Two-panel PNG: CO2 (location-based and net) and renewable share; PUE against its limit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from twin.engine.results import atomic_write

    year = [r["year"] for r in rows]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 6.5), sharex=True)
    ax1.bar(year, [r["co2_location_t"] for r in rows], color="0.75", label="location-based CO2")
    ax1.plot(year, [r["co2_net_t"] for r in rows], "o-", color="tab:green", label="net CO2 after renewables")
    ax1.set_ylabel("CO2 [t/yr]")
    ax1.set_ylim(0, 1.4 * max(r["co2_location_t"] for r in rows))  # room for the legend
    share = ax1.twinx()
    share.plot(year, [100 * r["renewable_share"] for r in rows], "s--", color="tab:blue", label="renewable share")
    share.set_ylabel("renewable share [%]")
    share.set_ylim(0, 140)
    share.set_yticks(range(0, 101, 20))
    lines = ax1.get_legend_handles_labels()
    more = share.get_legend_handles_labels()
    ax1.legend(lines[0] + more[0], lines[1] + more[1], loc="upper center", ncol=3, fontsize=8)
    ax1.set_title(title or "Carbon roadmap")
    ax2.plot(year, [r["pue"] for r in rows], "o-", color="tab:red", label="annual PUE")
    if pue_limit is not None:
        ax2.axhline(pue_limit, color="k", ls=":", label=f"limit {pue_limit:g}")
    ax2.set_ylabel("PUE [-]")
    ax2.set_xlabel("year")
    ax2.legend(loc="best", fontsize=8)
    ax2.set_xticks(year)
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=120, format="png"))
    plt.close(fig)


def write_roadmap(rows: list[dict], out: Path, *, title: str = "", pue_limit: float | None = None) -> list[Path]:
    """Write ``roadmap.csv``, ``roadmap.json`` (rows with units) and ``roadmap.png`` into ``out``."""
    from twin.engine.results import atomic_write, write_json

    out = Path(out)
    header = ",".join(f"{c} [{u}]" if u != "-" else c for c, u in COLUMNS.items())
    lines = [header] + [",".join(str(r[c]) for c in COLUMNS) for r in rows]
    atomic_write(out / "roadmap.csv", lambda tmp: tmp.write_text("\n".join(lines) + "\n", encoding="utf-8"))
    write_json({"units": COLUMNS, "rows": rows}, out / "roadmap.json")
    plot_roadmap(rows, out / "roadmap.png", title=title, pue_limit=pue_limit)
    return [out / "roadmap.csv", out / "roadmap.json", out / "roadmap.png"]
