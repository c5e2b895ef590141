"""What a calibration must not hide: parameters on their bounds, channels the fit made worse, held-out months.

Bounds
    A fitted value within :data:`ON_BOUND_TOLERANCE` of its bounds' width from a bound is "on
    bound": the data wanted a value beyond the plausible range (or at its very edge), which is
    a sign of a model-form error that the parameter absorbs, or of a bound that is wrong.  Its
    Jacobian standard deviation describes a Gaussian that the bound cuts, so it is not a
    confidence interval, and the parameter is never reported as identifiable.

Worsened channels
    A channel that met a Guideline 14 verdict (hourly or monthly) before the fit and fails it
    after was traded for the others: the fit lowered the summed squares by moving error into it.

Held-out months
    The out-of-sample check fits again on the compared steps outside some months and computes the
    Guideline 14 statistics on those months only.  Default: every third month (March, June,
    September, December), one month of each season, so the held-out part spans the year's
    climate while the fit still sees every season.  A season can be held out instead
    (``--holdout 12,1,2``), which tests extrapolation to weather the fit did not see.
"""

from __future__ import annotations

import numpy as np

from twin.errors import InputError

#: Distance from a bound, as a fraction of the bounds' width, within which a fitted value is "on
#: bound".  Judgement: twice the finite-difference step of the fit (0.5 % of the width,
#: :data:`twin.calibration.calibrate.DIFF_STEP`), so the Jacobian of a value this close is taken across or
#: against the bound, and well above the optimiser's step tolerance (1e-5 of the width).
ON_BOUND_TOLERANCE = 0.01
#: Months held out by default: every third month, one per season.
DEFAULT_HOLDOUT_MONTHS = (3, 6, 9, 12)
RESOLUTIONS = ("hourly", "monthly")


def bound_side(value: float, lo: float, hi: float, tolerance: float = ON_BOUND_TOLERANCE) -> str:
    """``"lower"`` or ``"upper"`` when ``value`` is within ``tolerance * (hi - lo)`` of that bound, else ``""``."""
    margin = tolerance * (hi - lo)
    if value <= lo + margin:
        return "lower"
    if value >= hi - margin:
        return "upper"
    return ""


def on_bound_note(name: str, unit: str, value: float, side: str, lo: float, hi: float, std: float) -> str:
    """Why an on-bound parameter is not identifiable, with its (not a confidence interval) std."""
    u = "" if unit == "-" else f" {unit}"
    jac = f"; its Jacobian std {std:.3g}{u} is not a confidence interval" if np.isfinite(std) else ""
    return (f"ON its {side} bound ({value:.4g}; bounds {lo:.4g}-{hi:.4g}{u}): the meters "
            f"want a value at or beyond the plausible range, so it probably absorbs a model-form error "
            f"(a missing economizer, a wrong curve) or its bound is wrong{jac}")


def worsened_channels(before: dict, after: dict) -> list[dict]:
    """Channels that met a Guideline 14 verdict before the fit and fail it after.

    ``before`` and ``after`` are :func:`twin.calibration.replay.compare` blocks.  One entry per channel and
    resolution: ``{"channel", "label", "resolution", "cv_rmse_pct": [before, after],
    "nmbe_pct": [before, after]}``.
    """
    out = []
    for name, a in after["channels"].items():
        b = before["channels"].get(name, {})
        if a.get("boundary") or a.get("kind") != "power":
            continue
        for res in RESOLUTIONS:
            key = f"meets_guideline14_{res}"
            if b.get(key) is True and a.get(key) is False:
                out.append({"channel": name, "label": a["label"], "resolution": res,
                            "cv_rmse_pct": [b.get(f"cv_rmse_{res}_pct"), a.get(f"cv_rmse_{res}_pct")],
                            "nmbe_pct": [b.get(f"nmbe_{res}_pct"), a.get(f"nmbe_{res}_pct")]})
    return out


def worsened_warning(w: dict) -> str:
    """The warning line of one :func:`worsened_channels` entry."""
    cv, nm = w["cv_rmse_pct"], w["nmbe_pct"]
    return (f"the fit made the {w['label']} channel FAIL Guideline 14 {w['resolution']}, which it met before "
            f"(CV(RMSE) {cv[0]:.1f} -> {cv[1]:.1f} %, NMBE {nm[0]:+.1f} -> {nm[1]:+.1f} %): the other channels "
            f"were improved at its expense; look for a model-form error before trusting the fitted values")


def parse_holdout(text: str | None) -> tuple[int, ...]:
    """``--holdout``: comma-separated months 1-12, or ``none``; ``None`` or ``""`` gives the default."""
    if text is None or not text.strip():
        return DEFAULT_HOLDOUT_MONTHS
    if text.strip().lower() == "none":
        return ()
    try:
        months = tuple(sorted({int(m) for m in text.split(",") if m.strip()}))
    except ValueError:
        raise InputError(f"expected months 1-12 separated by commas (e.g. 12,1,2) or 'none', got {text!r}",
                         key="--holdout") from None
    return check_holdout(months)


def check_holdout(months) -> tuple[int, ...]:
    """The held-out months, checked: each 1-12, at least one month left to fit on."""
    months = tuple(sorted(set(int(m) for m in months)))
    bad = [m for m in months if not 1 <= m <= 12]
    if bad:
        raise InputError(f"held-out month(s) {bad} outside 1-12", key="--holdout")
    if len(months) == 12:
        raise InputError("every month is held out: nothing is left to fit on; hold out fewer months",
                         key="--holdout")
    return months


def holdout_mask(month_of_step: np.ndarray, months: tuple[int, ...]) -> np.ndarray:
    """True on the steps of the held-out ``months`` (``month_of_step`` 1-12 per step)."""
    return np.isin(month_of_step, np.asarray(months, dtype=int))
