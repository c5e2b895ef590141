"""Performance curve sets a scenario gives inline, e.g. from a vendor's datasheet.

``plant.chiller_curves`` names a set of ``components/data/chillers.toml`` or is a table of this
form.  The curves are the EnergyPlus ``Chiller:Electric:EIR`` / DX coil forms documented in
:mod:`components.cooling.chiller`; the ranges are those of the data the curves were fitted to,
and the bounds are how far the user trusts a tangent extrapolation (by default: not at all, the
inputs are then held at the data edge and those hours counted).
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import ConfigDict, Field, Strict, model_validator

from components.cooling.chiller import curve_value
from twin.inputs.schema_base import InputModel, Pair, Range



def curve_array(entry: dict, extrapolate: bool = True) -> np.ndarray:
    """Pack a curve-set table row into the layout of :data:`chiller.CURVE_LAYOUT`.

    ``extrapolate``: tangent extrapolation outside the data up to the set's physical bounds
    (True), or inputs held at the data edge as EnergyPlus's curve limits do (False).  The factor on
    the tangent's slope (``extrapolation_slope``) is 1; the uncertainty band draws it.
    """
    return np.array([*entry["capft"], *entry["eirft"], *entry["eirfplr"],
                     *entry["chws_range_c"], *entry["cwe_range_c"], entry["min_unload_plr"],
                     entry["min_plr"], *entry["first_bounds_c"], *entry["second_bounds_c"],
                     float(extrapolate), 1.0], dtype=float)


class CurveSet(InputModel):
    """A chiller or DX curve set with its data range, as a vendor's datasheet gives it."""

    model_config = ConfigDict(validate_assignment=False)  # the validator below fills defaults in

    condenser: Literal["water", "air"] = Field(description=(
        "'water': second input is the entering condenser water; 'air': outdoor dry bulb"))
    source: str = Field(min_length=3, description="where the coefficients come from (datasheet, report, fit)")
    description: str = ""
    capft: Annotated[tuple[float, float, float, float, float, float], Strict(False)] = Field(description="capacity ratio biquadratic c1..c6 [-]")
    eirft: Annotated[tuple[float, float, float, float, float, float], Strict(False)] = Field(description="EIR ratio biquadratic c1..c6 [-]")
    eirfplr: Annotated[tuple[float, float, float], Strict(False)] = Field(description="EIR ratio against part-load ratio, quadratic p1..p3 [-]")
    rated_first_c: float = Field(description="first input at the rating point of chiller_rated_cop / capacity [degC]")
    rated_second_c: float = Field(description="second input at the rating point [degC]")
    chws_range_c: Range = Field(description="range of the first input in the curve data [degC]")
    cwe_range_c: Range = Field(description="range of the second input in the curve data [degC]")
    first_bounds_c: Pair | None = Field(None, description=(
        "physical bounds of the first input for tangent extrapolation [degC]; default: the data range"))
    second_bounds_c: Pair | None = Field(None, description=(
        "physical bounds of the second input for tangent extrapolation [degC]; default: the data range"))
    min_unload_plr: float = Field(0.1, ge=0.0, lt=1.0, description="minimum unloading ratio (false loading below) [-]")
    min_plr: float | None = Field(None, ge=0.0, lt=1.0, description="cycling below this part-load ratio [-]; default min_unload_plr")

    @model_validator(mode="after")
    def _consistent(self) -> "CurveSet":
        for key, data in (("first_bounds_c", self.chws_range_c), ("second_bounds_c", self.cwe_range_c)):
            bounds = getattr(self, key)
            if bounds is None:
                setattr(self, key, data)
            elif not (bounds[0] <= data[0] and bounds[1] >= data[1]):
                raise ValueError(f"{key} {list(bounds)} must contain the data range {list(data)}")
        if self.min_plr is None:
            self.min_plr = self.min_unload_plr
        table = self.model_dump()
        low = curve_minimum(table)
        if low <= 0.0:
            raise ValueError(f"CAPFT or EIRFT falls to {low:.3g} inside the bounds; a ratio must stay > 0 "
                             "(check the coefficients, or narrow first_bounds_c / second_bounds_c)")
        return self


def curve_minimum(table: dict, points: int = 9) -> float:
    """Smallest CAPFT or EIRFT over a grid of the bounds box, tangent extrapolation included. [-]"""
    arr = curve_array(table)
    xs = np.linspace(*table["first_bounds_c"], points)
    ys = np.linspace(*table["second_bounds_c"], points)
    return min(curve_value(arr[k:k + 6], arr, x, y) for k in (0, 6) for x in xs for y in ys)
