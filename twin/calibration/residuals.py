"""Residuals of a replay against outdoor temperature and load: is anything left to explain?

For every compared channel (not the boundary inputs) the hourly residual is simulated minus
metered over the compared hours (:func:`twin.metrics.guideline14.hourly` means, so a figure and the
Guideline 14 statistics see the same hours).  Each residual series is set against the outdoor dry
bulb that drove the replay (metered where metered, else the EPW) and against the IT power (the
metered IT power on compared steps).  The structure indicator is the correlation ratio of
:mod:`twin.metrics.residual_structure`.

The figure is drawn by :mod:`twin.report.residuals`.
"""

from __future__ import annotations

import numpy as np

from twin.inputs.meter_file import channel_specs
from twin.metrics import guideline14 as g14
from twin.metrics import residual_structure as rs

#: Below this spread of hourly IT power (std / mean) the load indicator is not formed: the load
#: bins would mostly sort the IT meter's own noise, which every channel simulated from the metered
#: IT power carries (errors in variables).  Judgement: 5 % is ten times a class 0.5 meter's noise.
MIN_LOAD_SPREAD = 0.05
#: Correlation ratio from which a channel's residuals are reported as structured.  Judgement: the
#: value expected from noise is about 0.002 for a year of hours (module
#: :mod:`twin.metrics.residual_structure`); at 0.1 a tenth of the residual variance follows the
#: driver.  Measured: 0.001-0.006 on the bundled example calibrated with the right model form,
#: 0.98-0.99 against outdoor temperature for a DX room without its pumped-refrigerant economizer
#: (docs/calibration.md).
STRUCTURE_WARNING = 0.10

#: Drivers the residuals are set against: key -> (axis label, edges function).
DRIVERS = {
    "outdoor_temp": ("outdoor dry bulb [°C]", rs.temperature_edges),
    "it_power": ("IT power [kW]", rs.equal_width_edges),
}


def hourly_residuals(result, replay) -> dict:
    """Hourly residuals of every compared channel and the hourly drivers.

    Returns ``{"drivers": {"outdoor_temp": degC, "it_power": kW}, "channels": {name: {"label",
    "kind", "unit", "residual", "measured_mean"}}}``; arrays are hourly, NaN outside the compared
    hours.  Power residuals are in kW, temperature residuals in K.
    """
    from twin.calibration.replay import simulated_channel

    sm, mask, time = replay.meters, replay.mask, result.time
    _, t_out = g14.hourly(time, np.where(mask, result.plant.weather.temp_air, np.nan))
    _, it_kw = g14.hourly(time, np.where(mask, result["p_it"], np.nan) / 1e3)
    channels = {}
    for name in sm.available_channels():
        spec = channel_specs()[name]
        if not spec.get("calibrate", True):
            continue
        scale, unit = (1e-3, "kW") if spec["kind"] == "power" else (1.0, "K")
        _, meas = g14.hourly(time, np.where(mask, sm.channel(name), np.nan) * scale)
        _, sim = g14.hourly(time, simulated_channel(result, name) * scale)
        channels[name] = {"label": spec["label"], "kind": spec["kind"], "unit": unit,
                          "residual": sim - meas, "measured_mean": float(np.nanmean(meas))}
    return {"drivers": {"outdoor_temp": t_out, "it_power": it_kw}, "channels": channels}


def load_spread_enough(it_kw: np.ndarray) -> bool:
    """Whether hourly IT power varies by at least :data:`MIN_LOAD_SPREAD` (std / mean)."""
    if not np.isfinite(it_kw).any():
        return False
    return bool(np.nanstd(it_kw) >= MIN_LOAD_SPREAD * abs(np.nanmean(it_kw)))


def structure(residuals: dict) -> dict:
    """Correlation ratio of each channel's hourly residuals against each driver.

    ``{channel: {"label", "unit", "hours", "eta2_<driver>", "bin_mean_range_<driver>"}}`` with
    ``bin_mean_range`` the spread (max - min) of the bin means in the channel's unit.  NaN where
    it cannot be formed: too few hours, or an IT load that varies less than
    :data:`MIN_LOAD_SPREAD`.
    """
    load_varies = load_spread_enough(residuals["drivers"]["it_power"])
    out = {}
    for name, ch in residuals["channels"].items():
        row = {"label": ch["label"], "unit": ch["unit"], "hours": int(np.isfinite(ch["residual"]).sum())}
        for key, (_, edges_of) in DRIVERS.items():
            x = residuals["drivers"][key]
            ok = np.isfinite(x) & np.isfinite(ch["residual"])
            eta2 = spread = float("nan")
            if ok.sum() > rs.MIN_BIN_POINTS and (key != "it_power" or load_varies):
                edges = edges_of(x[ok])
                eta2 = rs.correlation_ratio(x[ok], ch["residual"][ok], edges)
                means = rs.binned_means(x[ok], ch["residual"][ok], edges)[1]
                spread = float(means.max() - means.min()) if means.size else float("nan")
            row[f"eta2_{key}"], row[f"bin_mean_range_{key}"] = eta2, spread
        out[name] = row
    return out


def structure_warnings(block: dict) -> list[str]:
    """One warning per channel and driver whose correlation ratio reaches :data:`STRUCTURE_WARNING`."""
    out = []
    for s in block.values():
        for key, (xlabel, _) in DRIVERS.items():
            eta2 = s[f"eta2_{key}"]
            if np.isfinite(eta2) and eta2 >= STRUCTURE_WARNING:
                out.append(f"the {s['label']} residuals follow {xlabel.split(' [')[0]} (eta² {eta2:.2f}, bin means "
                           f"spread over {s[f'bin_mean_range_{key}']:.3g} {s['unit']}): a model-form error that "
                           f"the fitted parameters absorb on average, so their std understate the uncertainty "
                           f"(figure: residuals.png with --report)")
    return out
