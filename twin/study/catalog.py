"""The standard evaluation of one measure, as a technology-catalog entry (plan measure 9).

The measure is applied to a reference baseline (by default the bundled legacy Guangzhou room)
at every bundled climate site and at four IT load levels; each (site, load) pair is simulated
with and without the measure for a typical year, and the table reports what the measure saves.

IT load level
-------------
A load level ``L`` is the IT power as a fraction of the design IT capacity (``it.design_kw``,
the power of a full room at 100 % utilisation and nominal server fans).  It is set through the
scenario inputs as

    ``it.occupancy = L``, ``it.utilisation = 1.0`` (constant), ``it.annual_growth = 0``,
    no load steps,

so that the installed servers draw ``occupancy x (idle + (1 - idle) x utilisation) = L`` of the
design IT power at nominal fan speed, constant over the year (server fans speeding up in warm
inlet air add to it, as in any run).  The cooling and power plant stay as designed, which is
what a part-loaded room is: the same CRAHs, chillers and UPS carrying less IT.  Standard
levels: 30, 50, 80 and 100 %.

Savings are baseline minus with-measure (positive = the measure saves); PUE change is
with-measure minus baseline (negative = better).  Cost, CO2 and water columns come from the run
summary as far as this installation computes them (see :mod:`twin.study.columns`).

Curves outside their data.  Each row carries the hours each run's chiller or DX curves ran outside
their data (``hours_chiller_curve_extrapolated`` of the run summary): a saving earned in those hours
rests on the curves' tangent at the data edge (docs/plants.md, "Chiller curves outside their data"),
and the Markdown table says so under the table.  A measure that cuts IT power itself (server
PSUs) can raise PUE while the facility uses less energy; the Markdown explains such rows (TUE is in
the CSV).

Feasibility.  Each row carries the thermal figures of the with-measure run (hottest rack inlet,
hours outside ASHRAE A1 allowable, unmet cooling hours) and the feasibility of both runs
(:mod:`twin.metrics.feasibility`).  When either run is infeasible the JSON rows keep every
number (with ``feasible: false``), but the CSV leaves the PUE change and the savings empty and
the Markdown and terminal tables and the figure show "infeasible" in their place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from twin.errors import InputError
from twin.inputs.schema import Scenario, validate_scenario

LOAD_LEVELS = (0.30, 0.50, 0.80, 1.00)

#: CSV / Markdown columns: (key, header, format)
TABLE = (
    ("site", "site", "{}"),
    ("site_name", "name", "{}"),
    ("region", "region", "{}"),
    ("load", "IT load [%]", "{:.0f}"),
    ("pue_baseline", "PUE baseline", "{:.3f}"),
    ("pue_measure", "PUE with measure", "{:.3f}"),
    ("delta_pue", "ΔPUE", "{:+.3f}"),
    ("energy_baseline_mwh", "energy baseline [MWh]", "{:,.0f}"),
    ("energy_saving_mwh", "energy saving [MWh]", "{:,.0f}"),
    ("energy_saving_pct", "energy saving [%]", "{:.1f}"),
    ("water_saving_m3", "water saving [m³]", "{:,.0f}"),
    ("co2_saving_t", "CO2 saving [t]", "{:,.0f}"),
    ("cost_saving_cny", "cost saving [CNY]", "{:,.0f}"),
    ("policy_region", "policy region", "{}"),
    ("max_inlet_c", "max rack inlet [°C]", "{:.1f}"),
    ("hours_outside_allowable", "h outside A1 allowable", "{:,.0f}"),
    ("unmet_hours", "unmet cooling [h]", "{:,.0f}"),
    ("curve_hours_baseline", "h curves extrapolated, baseline", "{:,.0f}"),
    ("curve_hours_measure", "h curves extrapolated, with measure", "{:,.0f}"),
    ("feasibility", "feasibility", "{}"),
)
#: Further metrics of the run with the measure, in the CSV and the JSON rows (not in the Markdown table):
#: (row key, column key of twin.study.columns, header, format).
METRICS = (
    ("ppue_cooling", "ppue_cooling", "pPUE cooling", "{:.3f}"),
    ("ppue_power", "ppue_power", "pPUE power", "{:.3f}"),
    ("itue", "itue", "ITUE", "{:.3f}"),
    ("tue", "tue", "TUE", "{:.3f}"),
    ("cue", "cue", "CUE [kgCO2/kWh]", "{:.3f}"),
    ("wue", "wue", "WUE [L/kWh]", "{:.2f}"),
    ("unserved_it_kwh", "unserved", "unserved IT energy [kWh]", "{:,.0f}"),
    ("degree_hours_outside_recommended", "degree_hours", "K h outside A1 recommended", "{:,.0f}"),
    ("degree_hours_outside_allowable", "degree_hours_allowable", "K h outside A1 allowable", "{:,.0f}"),
)

#: Catalog columns with an uncertainty band (twin/study/uncertainty.py): column -> (band key, factor to the column's unit)
BANDED = {"delta_pue": ("delta_pue", 1.0), "energy_saving_mwh": ("energy_saving_kwh", 1e-3),
          "cost_saving_cny": ("cost_saving_cny", 1.0)}
#: Columns shown as "infeasible" (Markdown, terminal) or left empty (CSV) when either run is infeasible:
#: a change against or towards an infeasible plant is not a saving.
WITHHELD = ("delta_pue", "energy_saving_mwh", "energy_saving_pct", "water_saving_m3", "co2_saving_t",
            "cost_saving_cny")


@dataclass
class CatalogResult:
    measure: dict
    title: str
    baseline_name: str
    baseline_file: str | None
    rows: list[dict] = field(default_factory=list)


def reference_scenario(baseline: Scenario, site: str, load: float, measures: list[dict] | None = None) -> Scenario:
    """The baseline at ``site`` and IT load level ``load`` (see the module docstring)."""
    data = baseline.model_dump()
    data["scenario"]["site"] = site
    data["it"].update(occupancy=float(load), utilisation=1.0, annual_growth=0.0, load_steps=[])
    data["measures"] = list(data.get("measures") or []) + list(measures or [])
    return validate_scenario(data)


def _site_region(site: str) -> tuple[str, str]:
    from twin.inputs.weather import list_sites

    row = list_sites().get(site)
    if row is None:
        return Path(site).name.removesuffix(".gz").removesuffix(".epw"), ""
    region = row.get("hub") or ("Guangdong" if row.get("in_guangdong") else row.get("province", ""))
    return row["name"], region


def _policy_region(summary: dict) -> str | None:
    """``guangdong``, ``guangdong (assumed)`` or ``none``: whose limit, tariff and CNY price the run
    (docs/policy.md, policy.region); None without a policy block."""
    region = summary.get("policy", {}).get("region")
    return None if region is None else region["value"] + (" (assumed)" if region["assumed"] else "")


def _saving(col_key: str, base: dict, with_m: dict) -> float | None:
    """Baseline minus with-measure of a summary column (CO2 in t, cost in CNY), or None."""
    from twin.study.columns import COLUMN_BY_KEY, column_value

    col = COLUMN_BY_KEY[col_key]
    a, b = column_value(col, base), column_value(col, with_m)
    if a is None or b is None:
        return None
    unit = str(col.find(base)[1].get("unit", ""))
    factor = 1e-3 if col_key == "co2" and unit.startswith("kg") else 1.0
    return (a - b) * factor


def _feasibility(base: dict, with_m: dict) -> dict:
    """``feasible`` (both runs), ``feasibility`` (text) and the first ``infeasible_reason`` of a row."""
    from twin.metrics.feasibility import is_infeasible

    bad = [(label, s) for label, s in (("baseline", base), ("with measure", with_m)) if is_infeasible(s)]
    if not bad:
        return {"feasible": True, "feasibility": "feasible", "infeasible_reason": None}
    return {"feasible": False, "feasibility": "infeasible (" + " and ".join(label for label, _ in bad) + ")",
            "infeasible_reason": " ".join(f"{label}: {s['feasibility']['reasons'][0]}" for label, s in bad)}


def evaluate_measure(measure: dict, *, baseline: Scenario, baseline_file: str | None = None,
                     base_dir: Path | None = None, sites: list[str] | None = None,
                     loads: tuple[float, ...] = LOAD_LEVELS,
                     progress: Callable[[int], None] | None = None, band: dict | None = None) -> CatalogResult:
    """Run the measure's standard evaluation (see the module docstring).

    ``band``: options of :class:`twin.study.uncertainty.Sampler` (``samples``, ``seed``, ``spreads``);
    each row then gets a ``band`` (:func:`twin.study.uncertainty.band` of the measure at that site and
    load, without the utilisation spread: the load level is the row's condition) and its banded
    columns (:data:`BANDED`) show ``[5th–95th percentile]``.  ``progress(1)`` per run.
    """
    from twin.engine.simulate import run_scenario
    from twin.inputs.weather import list_sites, resolve_site
    from twin.measures import MEASURES, apply_measures, build_measure, measure_parameters
    from twin.metrics.summary import build_summary
    from twin.study.columns import COLUMN_BY_KEY, column_value

    built = build_measure(measure, key="measure")
    try:
        apply_measures(baseline.model_copy(update={"measures": list(baseline.measures) + [measure]}))
    except InputError as exc:
        raise InputError(f"cannot apply '{measure['name']}' to the reference baseline: {exc.message}",
                         file=baseline_file, key="measures") from None
    sites = list(sites) if sites is not None else list(list_sites())
    if not sites:
        raise InputError("no site to evaluate", key="--sites")
    for s in sites:
        resolve_site(s, base_dir, key_for_errors="--sites")
    if not loads:
        raise InputError("no load level to evaluate", key="--loads")
    resolved = measure_parameters(measure)
    out = CatalogResult(measure=dict(measure), title=MEASURES[built.name].title,
                        baseline_name=baseline.scenario.name, baseline_file=baseline_file)
    for site in sites:
        name, region = _site_region(site)
        for load in loads:
            summaries = []
            for extra in ([], [measure]):
                scn = reference_scenario(baseline, site, load, extra)
                result = run_scenario(scn, file=baseline_file, base_dir=base_dir)
                summaries.append(build_summary(result, scenario_file=baseline_file))
                if progress is not None:
                    progress(1)
            base, with_m = summaries
            thermal = with_m["feasibility"]["checks"]
            e0 = base["energy_facility_kwh"]["value"]
            e1 = with_m["energy_facility_kwh"]["value"]
            out.rows.append({
                "site": site, "site_name": name, "region": region, "load": 100.0 * load,
                "pue_baseline": base["pue"]["value"], "pue_measure": with_m["pue"]["value"],
                "delta_pue": with_m["pue"]["value"] - base["pue"]["value"],
                "energy_baseline_mwh": e0 / 1e3, "energy_saving_mwh": (e0 - e1) / 1e3,
                "energy_saving_pct": 100.0 * (e0 - e1) / e0,
                "water_saving_m3": (base["water_site_l"]["value"] - with_m["water_site_l"]["value"]) / 1e3,
                "co2_saving_t": _saving("co2", base, with_m),
                "cost_saving_cny": _saving("cost", base, with_m),
                "max_inlet_c": thermal["inlet"]["max_rack_inlet_c"]["value"],
                "hours_outside_allowable": thermal["inlet"]["hours_outside_allowable"]["value"],
                "unmet_hours": thermal["cooling"]["unmet_hours"]["value"],
                "curve_hours_baseline": base["hours_chiller_curve_extrapolated"]["value"],
                "curve_hours_measure": with_m["hours_chiller_curve_extrapolated"]["value"],
                **{key: column_value(COLUMN_BY_KEY[col], with_m) for key, col, _, _ in METRICS},
                **_feasibility(base, with_m),
                "feasibility_reasons": {"baseline": base["feasibility"]["reasons"],
                                        "with_measure": with_m["feasibility"]["reasons"]},
                "measure": resolved,
                "policy_region": _policy_region(with_m),
                "cost_assumptions": (with_m.get("policy", {}).get("cost") or {}).get("assumptions", []),
            })
            if band:
                from twin.study.uncertainty import Sampler

                sampler = Sampler(reference_scenario(baseline, site, load), [[measure]], utilisation=False,
                                  file=baseline_file, base_dir=base_dir, **band)
                out.rows[-1]["band"] = sampler.band([measure], progress=progress)
    return out
