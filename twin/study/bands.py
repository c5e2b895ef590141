"""Uncertainty bands of every mix of a comparison (:mod:`twin.study.uncertainty`), and their
``results.nc`` variables.

All mixes share one Latin-hypercube design over the baseline and the inputs of every mix
(:class:`twin.study.uncertainty.Sampler`): the baseline runs once per sample and each mix once per
sample, so ``samples x (mixes + 1)`` annual runs in all, and two mixes' bands come from the same
draws (their difference is not blurred by independent sampling noise).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

#: The quantities a band covers: band key -> (label, display unit, factor from the band's unit, format)
QUANTITIES = {
    "pue": ("PUE", "-", 1.0, ".3f"),
    "delta_pue": ("ΔPUE", "-", 1.0, "+.3f"),
    "energy_facility_kwh": ("Facility energy", "MWh", 1e-3, ",.0f"),
    "energy_saving_kwh": ("Energy saving", "MWh/yr", 1e-3, ",.0f"),
    "cost_total_cny": ("Annual cost", "10k CNY/yr", 1e-4, ",.0f"),
    "cost_saving_cny": ("Cost saving", "10k CNY/yr", 1e-4, ",.0f"),
    "simple_payback_years": ("Payback", "yr", 1.0, ",.1f"),
}


def study_bands(comp, *, samples: int, seed: int | None = None, spreads: dict[str, float] | None = None,
                progress: Callable[[str], None] | None = None) -> dict[str, dict]:
    """``{mix name: band}`` of every outcome and the baseline of a :class:`twin.study.compare.Comparison`.

    With a policy PUE limit (the baseline's ``policy.site_class``), each ``pue`` block also holds the
    share of its samples at or below it (``share_at_or_below_limit``, :meth:`Sampler.band`)."""
    from twin.study.uncertainty import Sampler

    limit = policy_limit(comp.baseline.summary)
    study = comp.study
    outcomes = [comp.baseline] + [o for o in comp.outcomes if o is not comp.baseline]
    sampler = Sampler(study.baseline, [list(o.mix.measures) for o in outcomes if o.mix.measures],
                      samples=samples, seed=seed, spreads=spreads, file=study.file, base_dir=study.base_dir)
    bands = {}
    for o in outcomes:
        bands[o.mix.name] = sampler.band(list(o.mix.measures) or None, limit=limit)
        if progress is not None:
            progress(o.mix.name)
    return bands


def policy_limit(summary: dict) -> float | None:
    """The PUE limit of a run summary's policy site class, or None (no policy block, ``region = 'none'``)."""
    from twin.study.columns import get_path

    limit = get_path(summary, "policy.site_class.limit")
    return float(limit) if isinstance(limit, (int, float)) and not isinstance(limit, bool) else None


def compliance_shares(comp) -> tuple[float | None, list[float | None]]:
    """The policy limit of a comparison's bands and, per mix in ranked order, the share of its band's
    samples at or below it (None: no band, or no limit)."""
    bands = getattr(comp, "bands", None) or {}
    limit = next((b["pue"]["limit"] for b in bands.values() if "limit" in b.get("pue", {})), None)
    return limit, [bands.get(o.mix.name, {}).get("pue", {}).get("share_at_or_below_limit") for o in comp.ranked()]


def band_variables(comp) -> dict[str, tuple]:
    """``band_<quantity>_low`` / ``_high`` / ``_settled`` and ``band_infeasible_samples`` along ``mix`` (best
    first; NaN where a mix has no such band) for :func:`twin.study.compare.to_dataset`; empty without bands."""
    bands = getattr(comp, "bands", None) or {}
    if not bands:
        return {}
    ranked = comp.ranked()
    out = {}
    for key, (label, _, _, _) in QUANTITIES.items():
        blocks = [bands.get(o.mix.name, {}).get(key) for o in ranked]
        if not any(blocks):
            continue
        unit = next(b["unit"] for b in blocks if b)
        for end, pct in (("low", "5th"), ("high", "95th")):
            values = np.array([np.nan if not b or b[end] is None else b[end] for b in blocks], dtype=float)
            out[f"band_{key}_{end}"] = ("mix", values, {"units": "1" if unit == "-" else unit,
                                                         "long_name": f"{label}: {pct} percentile of the "
                                                                      "uncertainty band (docs/uncertainty.md)"})
        settled = np.array([np.nan if not b else float(b["settled"]) for b in blocks], dtype=float)
        out[f"band_{key}_settled"] = ("mix", settled, {"units": "1", "long_name": f"{label}: 1 when the samples settle "
                                                       "both ends of the band, 0 when not (docs/uncertainty.md)"})
    out["band_infeasible_samples"] = ("mix", np.array([bands[o.mix.name]["infeasible_samples"] if o.mix.name in bands
                                                       else np.nan for o in ranked], dtype=float),
                                      {"units": "1", "long_name": "band samples whose plant cannot carry its load "
                                                                  "(left out of the band; docs/feasibility.md)"})
    limit, shares = compliance_shares(comp)
    if limit is not None:
        out["band_pue_p_complies"] = ("mix", np.array([np.nan if v is None else v for v in shares], dtype=float),
                                      {"units": "1", "long_name": f"share of the uncertainty band's samples with PUE "
                                                                  f"at or below the policy limit {limit:g}"})
    return out
