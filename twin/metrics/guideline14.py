"""Goodness of fit of a simulation against meters: ASHRAE Guideline 14 statistics.

ASHRAE Guideline 14-2014 "Measurement of Energy, Demand, and Water Savings", section 5.3.2.4
and Annex B: a calibrated whole-building simulation should reach, against utility meters,

==========  ============  ========
resolution  CV(RMSE)      NMBE
==========  ============  ========
hourly      <= 30 %       +-10 %
monthly     <= 15 %       +-5 %
==========  ============  ========

with ``m`` measured, ``s`` simulated, ``n`` periods and ``p`` model parameters::

    CV(RMSE) = sqrt(sum((m - s)**2) / (n - p)) / mean(m) * 100 %
    NMBE     = sum(m - s) / ((n - p) * mean(m)) * 100 %

A positive NMBE means the model under-predicts.  ``p = 1`` here, the usual choice for calibrated
simulation (FEMP M&V Guidelines 4.0 use ``n - 1``).  Monthly figures compare monthly totals over
the hours that are metered (both sums over the same hours), so gaps do not bias them.  Temperature
channels get RMSE and mean bias in K instead (a percentage of a Celsius mean means nothing).

The hourly and the monthly verdicts are kept apart (``meets_guideline14_hourly``,
``meets_guideline14_monthly``): a model can meet the monthly criteria with hourly errors that
cancel over a month, or the hourly ones with a seasonal bias that the looser hourly NMBE hides.
``meets_guideline14`` is true only when every verdict that could be formed is true.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CRITERIA = {
    "hourly": {"cv_rmse_pct": 30.0, "nmbe_pct": 10.0},
    "monthly": {"cv_rmse_pct": 15.0, "nmbe_pct": 5.0},
}
SOURCE = "ASHRAE Guideline 14-2014, 5.3.2.4: hourly CV(RMSE) <= 30 %, NMBE +-10 %; monthly <= 15 %, +-5 %"
P_PARAMETERS = 1
MIN_MONTH_COVERAGE = 0.5  # a month enters the monthly statistics when half its hours are metered


def cv_rmse_pct(measured: np.ndarray, simulated: np.ndarray, p: int = P_PARAMETERS) -> float:
    """Coefficient of variation of the RMSE, percent of the measured mean. [%]"""
    m, s = np.asarray(measured, float), np.asarray(simulated, float)
    n = m.size
    if n - p <= 0 or m.mean() == 0.0:
        return float("nan")
    return float(np.sqrt(np.sum((m - s) ** 2) / (n - p)) / m.mean() * 100.0)


def nmbe_pct(measured: np.ndarray, simulated: np.ndarray, p: int = P_PARAMETERS) -> float:
    """Normalised mean bias error, positive when the model under-predicts. [%]"""
    m, s = np.asarray(measured, float), np.asarray(simulated, float)
    n = m.size
    if n - p <= 0 or m.mean() == 0.0:
        return float("nan")
    return float(np.sum(m - s) / ((n - p) * m.mean()) * 100.0)


def hourly(time: pd.DatetimeIndex, values: np.ndarray) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Hourly means of a step series; an hour with any missing step is missing."""
    s = pd.Series(np.asarray(values, float), index=time)
    g = s.groupby(time.floor("h"))
    mean = g.mean()
    complete = g.count() == g.size()
    return pd.DatetimeIndex(mean.index), np.where(complete.to_numpy(), mean.to_numpy(), np.nan)


def compare_power(time: pd.DatetimeIndex, measured: np.ndarray, simulated: np.ndarray,
                  timestep_s: int) -> dict:
    """Guideline 14 statistics of one power channel (W in) plus monthly totals (kWh out).

    ``measured`` is NaN where there is no valid meter reading; those steps are left out of every
    sum, on both sides.
    """
    th, mh = hourly(time, measured)
    _, sh = hourly(time, simulated)
    ok = np.isfinite(mh) & np.isfinite(sh)
    out = {"hours": int(ok.sum())}
    if ok.sum() < 2:
        return out
    out["cv_rmse_hourly_pct"] = cv_rmse_pct(mh[ok], sh[ok])
    out["nmbe_hourly_pct"] = nmbe_pct(mh[ok], sh[ok])
    out["measured_kwh"] = float(mh[ok].sum() / 1e3)
    out["simulated_kwh"] = float(sh[ok].sum() / 1e3)
    months = th.month.to_numpy()
    hours_in_month = np.bincount(months, minlength=13)
    mk = np.bincount(months[ok], weights=mh[ok], minlength=13) / 1e3
    sk = np.bincount(months[ok], weights=sh[ok], minlength=13) / 1e3
    nk = np.bincount(months[ok], minlength=13)
    cover = np.divide(nk, hours_in_month, out=np.zeros(13), where=hours_in_month > 0)
    out["monthly"] = [{"month": m, "coverage": float(cover[m]), "measured_kwh": float(mk[m]),
                       "simulated_kwh": float(sk[m])} for m in range(1, 13) if nk[m] > 0]
    use = [m for m in range(1, 13) if cover[m] >= MIN_MONTH_COVERAGE]
    out["months_used"] = len(use)
    if len(use) >= 2:
        out["cv_rmse_monthly_pct"] = cv_rmse_pct(mk[use], sk[use])
        out["nmbe_monthly_pct"] = nmbe_pct(mk[use], sk[use])
    out["meets_guideline14_hourly"] = meets(out, "hourly")
    out["meets_guideline14_monthly"] = meets(out, "monthly")
    out["meets_guideline14"] = meets(out)
    return out


def compare_temperature(time: pd.DatetimeIndex, measured: np.ndarray, simulated: np.ndarray) -> dict:
    """RMSE and mean bias (simulated - measured) of one temperature channel, hourly. [K]"""
    _, mh = hourly(time, measured)
    _, sh = hourly(time, simulated)
    ok = np.isfinite(mh) & np.isfinite(sh)
    out = {"hours": int(ok.sum())}
    if ok.sum() >= 1:
        d = sh[ok] - mh[ok]
        out["rmse_k"] = float(np.sqrt(np.mean(d * d)))
        out["bias_k"] = float(np.mean(d))
        out["measured_mean_c"] = float(np.mean(mh[ok]))
        out["simulated_mean_c"] = float(np.mean(sh[ok]))
    return out


def meets(stats: dict, resolution: str | None = None) -> bool | None:
    """True when every Guideline 14 statistic present is within its criterion; None if none is.

    ``resolution`` ("hourly" or "monthly") restricts the check to that resolution's statistics;
    ``None`` checks both.
    """
    checks = []
    for res, crit in CRITERIA.items():
        if resolution is not None and res != resolution:
            continue
        cv, nm = stats.get(f"cv_rmse_{res}_pct"), stats.get(f"nmbe_{res}_pct")
        if cv is not None and np.isfinite(cv):
            checks.append(cv <= crit["cv_rmse_pct"])
        if nm is not None and np.isfinite(nm):
            checks.append(abs(nm) <= crit["nmbe_pct"])
    return bool(all(checks)) if checks else None
