"""Server (ITE) curve sets: EnergyPlus ``ElectricEquipment:ITE:AirCooled`` curves and their assembly.

``[it] model = "ite_curves"`` runs :func:`components.it_equipment.ite_power_w` with the curve set
``[it] ite_curves``: a name from ``components/data/ite_curves.toml`` or a table of the form
:class:`IteCurveSet` (e.g. fitted to a vendor's power and air-flow data).  Each curve carries
EnergyPlus's input limits (inputs are held at them) and output limits.
"""

from __future__ import annotations

import math

import numpy as np
from typing import Annotated

from pydantic import AllowInfNan, Field, Strict, model_validator

from twin.errors import InputError
from twin.inputs.component_data import table_entry
from twin.inputs.schema_base import InputModel, Pair

# inputs of the biquadratics: CPU loading [-] and inlet temperature [degC]; EnergyPlus allows any
# range, these bounds only refuse typing errors (a loading of 50 or an inlet of 500 degC)
LOADING_BOUNDS = (0.0, 2.0)
INLET_BOUNDS_C = (-40.0, 100.0)
FLOW_BOUNDS = (0.0, 100.0)
# keys of the linear model that the curves replace
LINEAR_ONLY_KEYS = ("idle_fraction", "fan_threshold_c", "fan_slope_per_k", "fan_speed_max")


#: a [low, high] pair that may be open-ended (-inf or inf: no limit)
OpenPair = Annotated[tuple[Annotated[float, AllowInfNan(True)], Annotated[float, AllowInfNan(True)]], Strict(False)]


def _ordered(key: str, pair: Pair, bounds: Pair | None = None) -> None:
    lo, hi = pair
    if not lo < hi:  # also refuses NaN
        raise ValueError(f"{key} must be [low, high] with low < high, got [{lo}, {hi}]")
    if bounds is not None and not (bounds[0] <= lo and hi <= bounds[1]):
        raise ValueError(f"{key} [{lo}, {hi}] must lie within [{bounds[0]}, {bounds[1]}]")


class _Curve(InputModel):
    output_range: OpenPair = Field((-math.inf, math.inf), description=(
        "minimum and maximum curve output [-] (EnergyPlus 'Minimum/Maximum Curve Output'; default: none)"))


class IteBiquadratic(_Curve):
    """A ``Curve:Biquadratic`` of CPU loading (x) and server inlet temperature (y)."""

    coefficients: Annotated[tuple[float, float, float, float, float, float], Strict(False)] = Field(description=(
        "c0..c5 of c0 + c1 x + c2 x^2 + c3 y + c4 y^2 + c5 x y [-]"))
    x_range: Pair = Field(description=f"CPU loading range of the curve, within {list(LOADING_BOUNDS)} [-]")
    y_range: Pair = Field(description=f"inlet temperature range of the curve, within {list(INLET_BOUNDS_C)} [degC]")

    @model_validator(mode="after")
    def _ranges(self) -> "IteBiquadratic":
        _ordered("x_range", self.x_range, LOADING_BOUNDS)
        _ordered("y_range", self.y_range, INLET_BOUNDS_C)
        _ordered("output_range", self.output_range)
        return self


class IteQuadratic(_Curve):
    """A ``Curve:Quadratic`` of the air-flow fraction (x)."""

    coefficients: Annotated[tuple[float, float, float], Strict(False)] = Field(description="c0..c2 of c0 + c1 x + c2 x^2 [-]")
    x_range: Pair = Field(description=f"air-flow fraction range of the curve, within {list(FLOW_BOUNDS)} [-]")

    @model_validator(mode="after")
    def _ranges(self) -> "IteQuadratic":
        _ordered("x_range", self.x_range, FLOW_BOUNDS)
        _ordered("output_range", self.output_range)
        return self


class IteCurveSet(InputModel):
    """Server curves in the EnergyPlus ``ElectricEquipment:ITE:AirCooled`` form, with their source."""

    source: str = Field(min_length=3, description="where the coefficients come from (datasheet, report, fit)")
    description: str = ""
    evidence: str = Field("", description="evidence label (docs/sources.md: P, S, V, C, M) and what it covers")
    cpu_power: IteBiquadratic = Field(description="CPU power / design CPU power against loading and inlet temperature")
    air_flow: IteBiquadratic = Field(description="air flow / design air flow against loading and inlet temperature")
    fan_power: IteQuadratic = Field(description="fan power / design fan power against the air-flow fraction")


def ite_curve_vector(curves: IteCurveSet) -> np.ndarray:
    """The three curves in the parameter layout ``ite_cpu_*, ite_flow_*, ite_fan_*`` of :data:`PARAM`."""
    row = []
    for c in (curves.cpu_power, curves.air_flow):
        row += [*c.coefficients, *c.x_range, *c.y_range, *c.output_range]
    f = curves.fan_power
    row += [*f.coefficients, *f.x_range, *f.output_range]
    return np.array(row, dtype=float)


def ite_curve_set(it, file: str | None = None) -> IteCurveSet:
    """The scenario's curve set: a named set of ``ite_curves.toml`` or the inline table."""
    if not isinstance(it.ite_curves, str):
        return it.ite_curves
    return IteCurveSet.model_validate(table_entry("ite_curves", it.ite_curves, "it.ite_curves", file))


def assemble_ite(p: np.ndarray, it, file: str | None = None) -> None:
    """Fill ``PARAM.it_model`` and the ITE curve parameters from the ``[it]`` section."""
    from components.layout import IT_ITE_CURVES, IT_LINEAR, PARAM

    if it.model == "linear":
        p[PARAM.it_model] = IT_LINEAR
        return
    for key in LINEAR_ONLY_KEYS:
        if key in it.model_fields_set:
            raise InputError("is a key of model = 'linear'; with model = 'ite_curves' the curves of "
                             "it.ite_curves give power and air flow", file=file, key=f"it.{key}")
    p[PARAM.it_model] = IT_ITE_CURVES
    p[PARAM.ite_cpu_c0:PARAM.ite_fan_out_max + 1] = ite_curve_vector(ite_curve_set(it, file))
