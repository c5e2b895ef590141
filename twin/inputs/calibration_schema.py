"""The ``[calibration]`` table of a calibrated scenario, and how its overrides reach the kernel.

``dctwin calibrate`` writes the base scenario with the fitted values in their usual keys (for
example ``plant.chiller_rated_cop``) plus a ``[calibration]`` table: where the values came from,
the Guideline 14 statistics before and after, and each parameter's standard deviation and
identifiability.  Fitted values that have no scenario key (the UPS loss coefficients come from a
named curve in ``components/data/ups_curves.toml``) go to ``[calibration.overrides]``, keyed by
their :data:`components.layout.PARAM` name; :func:`apply_calibration` writes them into the plant
arrays after assembly.

This module imports nothing from :mod:`twin.inputs.schema`, which imports it.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import Field, field_validator

from components.layout import PARAM
from twin.inputs.schema_base import InputModel as _Model

#: PARAM entries a calibration may override, with their allowed range (fractions of UPS rating).
OVERRIDABLE = {"ups_no_load": (0.0, 0.5), "ups_proportional": (0.0, 0.5)}


class CalibratedParameter(_Model):
    """One estimated parameter."""

    value: float = Field(description="fitted value (the base value when not identifiable)")
    base: float = Field(description="value in the base scenario")
    std: float | None = Field(None, ge=0.0, description="standard deviation from the Jacobian, s^2 (J'J)^-1")
    unit: str = Field("-", description="unit of value, base and std")
    identifiable: bool = Field(description=(
        "true: the meters pin it down inside its bounds. False: either they cannot (value is the base "
        "value, std absent) or the fit ended on a bound (see on_bound)"))
    on_bound: Literal["", "lower", "upper"] = Field("", description=(
        "the fitted value ended on (within 1 % of the width of) this bound: written, but not identifiable and "
        "without std, because a band cut by a bound is no confidence interval"))
    bounds: list[float] | None = Field(None, description="plausible range searched [lower, upper], unit of value")
    written_to: str = Field(description="scenario key (or calibration.overrides entry) holding the value")
    note: str = ""


class Calibration(_Model):
    """Provenance and quality of a calibration (``[calibration]`` in a scenario file)."""

    meters: str = Field(description="meter file the scenario was calibrated to")
    date: str = Field(description="when the calibration ran (ISO 8601, UTC)")
    base_scenario: str = Field(description="scenario file the calibration started from")
    period: list[str] = Field(default_factory=list, description="metered period, local standard time [start, end)")
    timestep_min: int = Field(60, description="simulation step of the fit [min]")
    channels: list[str] = Field(default_factory=list, description="metered channels in the residuals")
    method: str = ""
    runtime_s: float = Field(0.0, ge=0.0, description="wall time of the calibration [s]")
    simulations: int = Field(0, ge=0, description="simulations the fit needed")
    overrides: dict[str, float] = Field(default_factory=dict, description=(
        "fitted kernel parameters without a scenario key, by components.layout.PARAM name"))
    parameters: dict[str, CalibratedParameter] = Field(default_factory=dict)
    statistics: dict[str, Any] = Field(default_factory=dict, description=(
        "Guideline 14 statistics per channel, 'before' (base scenario) and 'after' (calibrated)"))
    out_of_sample: dict[str, Any] = Field(default_factory=dict, description=(
        "the held-out check: months held out, the parameters fitted without them, and the Guideline 14 "
        "statistics of the fit part and of the held-out months"))
    residual_structure: dict[str, Any] = Field(default_factory=dict, description=(
        "correlation ratio (eta^2) of each channel's hourly residuals against outdoor dry bulb and IT power"))
    warnings: list[str] = Field(default_factory=list)

    @field_validator("overrides")
    @classmethod
    def _known(cls, v):
        for k, x in v.items():
            if k not in OVERRIDABLE:
                raise ValueError(f"'{k}' cannot be overridden; allowed: {sorted(OVERRIDABLE)}")
            lo, hi = OVERRIDABLE[k]
            if not lo <= x <= hi:
                raise ValueError(f"override {k} = {x} is outside [{lo}, {hi}]")
        return v


def apply_calibration(plant):
    """The plant with its scenario's ``[calibration.overrides]`` written into ``params``.

    Returns ``plant`` itself when there is nothing to override (idempotent otherwise).
    """
    cal = getattr(plant.scenario, "calibration", None)
    if cal is None or not cal.overrides:
        return plant
    import dataclasses

    p = plant.params.copy()
    for name, value in cal.overrides.items():
        p[PARAM[name]] = value
    return dataclasses.replace(plant, params=p)


def overrides_applied(plant) -> bool:
    """Whether the plant's parameters hold its scenario's calibration overrides."""
    cal = getattr(plant.scenario, "calibration", None)
    if cal is None:
        return True
    return all(np.isclose(plant.params[PARAM[k]], v) for k, v in cal.overrides.items())


def calibration_summary(cal: Calibration, plant=None) -> dict:
    """The summary block of a calibrated scenario (JSON-serialisable)."""
    after = cal.statistics.get("after", {}).get("p_facility", {})
    before = cal.statistics.get("before", {}).get("p_facility", {})
    out = {
        "calibrated": True,
        "meters": cal.meters,
        "date": cal.date,
        "base_scenario": cal.base_scenario,
        "period": cal.period,
        "facility_guideline14": {"before": before, "after": after},
        "parameters": {k: {"value": p.value, "std": p.std, "unit": p.unit, "identifiable": p.identifiable,
                           "on_bound": p.on_bound} for k, p in cal.parameters.items()},
        "overrides": dict(cal.overrides),
        "warnings": list(cal.warnings),
    }
    if plant is not None and not overrides_applied(plant):
        out["warnings"] = out["warnings"] + [
            "the calibration overrides " + ", ".join(sorted(cal.overrides)) + " were NOT applied to this "
            "run (call twin.inputs.calibration_schema.apply_calibration after assembly)"]
    return out
