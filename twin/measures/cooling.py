"""Measure 10 of the Guangdong plan: cooling (containment, drives, economisers, evaporative and
liquid cooling, thermal storage, district cooling, AI control).

Each measure only switches on a technology of :mod:`components.cooling` / :mod:`components.plant`
and sets its parameters; the physics and the sources live there.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from twin.inputs.schema import AirEconomizer, Plant, PumpTable, Scenario
from twin.inputs.schema_base import Range
from twin.measures.registry import Measure, register


# --------------------------------------------------------------------------------------------
# Measure 10: cooling
# --------------------------------------------------------------------------------------------

@register
class Containment(Measure):
    """Hot- or cold-aisle containment with blanking panels and sealed cable cut-outs."""

    name: ClassVar[str] = "containment"
    title: ClassVar[str] = "Aisle containment and blanking panels"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "air management"

    kind: Literal["cold_aisle", "hot_aisle"] = Field("cold_aisle", description="which aisle is contained")
    recirculation_min: float = Field(0.03, ge=0.0, lt=0.5, description=(
        "residual recirculation with containment and blanking [-] (assumption: well-sealed containment, "
        "SHI below 0.05)"))
    bypass: float = Field(0.08, ge=0.0, lt=0.9, description=(
        "residual bypass through containment leakage [-] (assumption: 5-10 % leakage)"))
    hotspot_factor: float = Field(1.3, ge=1.0, le=5.0, description=(
        "hottest rack's recirculation rise relative to the mean [-] (assumption: containment evens out racks)"))
    supply_air_c: float = Field(23.0, ge=15.0, le=27.0, description=(
        "supply-air set point made possible by containment [degC]. Source: containment lets the set point "
        "rise ~5.5 K (Schneider WP135 via docs/sources.md 2.3, S weak); kept inside the ASHRAE/GB 50174 "
        "recommended 18-27 degC"))
    chw_supply_c: float | None = Field(10.0, ge=5.0, le=18.0, description=(
        "chilled-water supply raised with the warmer supply air [degC] (assumption: 23 degC air over the existing "
        "coils needs no colder than ~10-12 degC water; 10 degC is the top of the DOE-2 curve range); None keeps it"))

    def apply(self, scn: Scenario) -> Scenario:
        scn = self.updated(scn, "air", containment=self.kind, recirculation_min=self.recirculation_min,
                           bypass=self.bypass, supply_air_c=self.supply_air_c,
                           hotspot_factor=self.hotspot_factor)
        if scn.plant.type in ("water_cooled_chiller", "air_cooled_chiller") and self.chw_supply_c is not None:
            scn = self.updated(scn, "plant", chw_supply_c=self.chw_supply_c)
        return scn


@register
class VariableSpeedDrives(Measure):
    """EC/VFD fans, variable-speed pumps and tower fans (直流变频), optionally an inverter chiller."""

    name: ClassVar[str] = "variable_speed_drives"
    title: ClassVar[str] = "Variable-speed drives (EC fans, VFD pumps and tower fans)"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "drives"

    fans: bool = Field(True, description="EC/VFD CRAH fans following the server airflow")
    pumps: bool = Field(True, description="variable-speed chilled-water pumps")
    tower_fans: bool = Field(True, description="variable-speed cooling-tower fans")
    compressor: Literal["fixed", "inverter", "magnetic_bearing"] = Field("fixed", description=(
        "'inverter' replaces the chillers by variable-speed centrifugals with their own part-load curve "
        "(EnergyPlus Chillers.idf 'Trane CVHE 1442kW/6.61COP/VSD'), or, in a DX room (plant.type 'dx'), the DX "
        "units' compressors by inverter compressors (10-speed set dx_inverter_eplus_heatpumpvsas, "
        "components/cooling/dx_variable_speed.py); 'magnetic_bearing' by oil-free magnetic-bearing chillers "
        "(same temperature curves, part-load curve fitted to the vendor IPLV claim)"))
    dx_inverter_rated_cop: float | None = Field(None, gt=1.0, le=15.0, description=(
        "full-load COP at AHRI 210/240 of the inverter DX units [-]; default: the room's plant.chiller_rated_cop, "
        "so the measure buys the part-load behaviour only (no sourced full-load COP gain for inverter CRAC units)"))
    inverter_rated_cop: float = Field(6.28, gt=3.0, le=12.0, description=(
        "full-load COP of the inverter chillers at AHRI conditions [-]. Source: ASHRAE 90.1-2019 Path A, "
        "water-cooled centrifugal >= 150 tons, 0.56 kW/ton (docs/sources.md 2.1, P)"))
    magnetic_bearing_rated_cop: float = Field(6.2, gt=3.0, le=12.0, description=(
        "full-load COP of magnetic-bearing chillers at AHRI conditions [-]. Source: vendor data 5.8-6.5 "
        "(Turbocor-based units, docs/sources.md 2.1, M/V); mid-range value"))

    def apply(self, scn: Scenario) -> Scenario:
        if self.fans:
            scn = self.updated(scn, "crah", fan_control="variable")
        changes = {}
        if self.pumps:
            changes["chw_pump_control"] = "variable"
        if self.tower_fans:
            changes["tower_fan_control"] = "variable"
        if self.compressor == "inverter" and scn.plant.type == "dx":
            changes.update(chiller_curves="dx_inverter_eplus_heatpumpvsas",
                           chiller_rated_cop=self.dx_inverter_rated_cop or scn.plant.chiller_rated_cop)
        elif self.compressor == "inverter":
            changes.update(chiller_curves="trane_cvhe_1442kw_vsd", chiller_rated_cop=self.inverter_rated_cop)
        elif self.compressor == "magnetic_bearing":
            changes.update(chiller_curves="magnetic_bearing_vsd", chiller_rated_cop=self.magnetic_bearing_rated_cop)
        return self.updated(scn, "plant", **changes) if changes else scn


@register
class WatersideEconomizer(Measure):
    """Plate heat exchanger between tower water and chilled-water return (free cooling)."""

    name: ClassVar[str] = "waterside_economizer"
    title: ClassVar[str] = "Water-side economizer (plate heat exchanger)"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "economizer"

    approach_k: float = Field(2.2, ge=0.5, le=6.0, description="plate HX approach [K]. Source: 1.7-2.8 K (docs/sources.md 2.2, S)")
    chw_supply_c: float = Field(10.0, ge=5.0, le=18.0, description=(
        "chilled-water supply raised to widen free-cooling hours [degC] (assumption: the top of the DOE-2 "
        "centrifugal curve data, 5-10 degC; warmer water extrapolates the chiller curves along their slope "
        "at the data edge, up to the set's physical bounds, and those hours are reported)"))

    def apply(self, scn: Scenario) -> Scenario:
        return self.updated(scn, "plant", economizer=True, economizer_approach_k=self.approach_k,
                            chw_supply_c=self.chw_supply_c)


@register
class PumpedRefrigerantEconomizer(Measure):
    """Pumped-refrigerant economizer (氟泵双循环) added to the DX units of a DX room."""

    name: ClassVar[str] = "pumped_refrigerant_economizer"
    title: ClassVar[str] = "Pumped-refrigerant economizer for DX units (氟泵)"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "economizer"
    plant_types: ClassVar[tuple[str, ...]] = ("dx",)

    # the same fields (default, range, source) as the scenario keys they set
    design_dt_k: float = Plant.model_fields["pumped_refrigerant_design_dt_k"]
    w_per_kw: float = Plant.model_fields["pumped_refrigerant_w_per_kw"]
    capacity: PumpTable | None = Plant.model_fields["pumped_refrigerant_capacity"]
    table_return_c: float | None = Plant.model_fields["pumped_refrigerant_table_return_c"]

    def apply(self, scn: Scenario) -> Scenario:
        return self.updated(scn, "plant", pumped_refrigerant=True, pumped_refrigerant_design_dt_k=self.design_dt_k,
                            pumped_refrigerant_w_per_kw=self.w_per_kw, pumped_refrigerant_capacity=self.capacity,
                            pumped_refrigerant_table_return_c=self.table_return_c)


@register
class AirSideEconomizer(Measure):
    """Direct outdoor-air economizer (dampers, relief, controls), optionally with an evaporative pad."""

    name: ClassVar[str] = "air_side_economizer"
    title: ClassVar[str] = "Direct air-side economizer, optionally with direct evaporative cooling"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "outdoor air"

    evaporative: bool = AirEconomizer.model_fields["evaporative"]
    dew_point_range_c: Range = AirEconomizer.model_fields["dew_point_range_c"]
    humidify: bool = AirEconomizer.model_fields["humidify"]

    def apply(self, scn: Scenario) -> Scenario:
        return self.updated(scn, "air_economizer", enabled=True, evaporative=self.evaporative,
                            dew_point_range_c=self.dew_point_range_c, humidify=self.humidify)


@register
class IndirectEvaporativeCooling(Measure):
    """Indirect evaporative air handlers (dry, wet and mixed modes) replacing CRAHs and chillers."""

    name: ClassVar[str] = "indirect_evaporative_cooling"
    title: ClassVar[str] = "Indirect evaporative cooling (IEC) air handlers with DX trim"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "cooling plant"

    supply_air_c: float = Field(24.0, ge=15.0, le=27.0, description=(
        "supply-air set point [degC] (assumption: IEC sites run warm supply inside the 18-27 degC range)"))
    effectiveness_wet: float = Field(0.75, gt=0.0, le=1.0, description="wet-bulb effectiveness [-] (docs/sources.md 2.4: 0.6-0.8, M)")
    effectiveness_dry: float = Field(0.6, gt=0.0, le=1.0, description="dry-bulb effectiveness [-] (docs/sources.md 2.4: 0.5-0.65, M)")
    trim_fraction: float = Field(1.0, gt=0.0, le=1.5, description=(
        "DX trim capacity as a fraction of design IT [-] (assumption: sized as a vendor would for a hot-humid "
        "site, the trim carries the design IT load on its own, because in the hottest humid hours the wet mode "
        "adds little or nothing (docs/sources.md 2.4 south-China practice). Measured: with 0.6 the trim ran at "
        "104 % in Beijing's peak hour at half load, an infeasible plant)"))
    trim_rated_cop: float = Field(3.5, gt=1.0, le=8.0, description=(
        "DX trim COP at AHRI 210/240 conditions [-] (assumption: inverter scroll compressors in the unit)"))

    def apply(self, scn: Scenario) -> Scenario:
        per_unit = 200.0
        units = max(1, int(-(-self.trim_fraction * scn.it.design_kw // per_unit)))
        scn = self.updated(scn, "iec", effectiveness_wet=self.effectiveness_wet,
                           effectiveness_dry=self.effectiveness_dry)
        scn = self.updated(scn, "crah", fan_control="variable")
        scn = self.updated(scn, "air", supply_air_c=self.supply_air_c)
        return self.updated(scn, "plant", type="iec", chillers=units, chiller_capacity_kw=per_unit,
                            chiller_rated_cop=self.trim_rated_cop, chiller_curves="dx_crac_eplus_curve_i",
                            economizer=False)


@register
class LiquidCooling(Measure):
    """Cold-plate or single-phase immersion liquid cooling with dry coolers and chiller trim."""

    name: ClassVar[str] = "liquid_cooling"
    title: ClassVar[str] = "Liquid cooling (cold plate or immersion)"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "liquid cooling"

    kind: Literal["cold_plate", "immersion"] = Field("cold_plate", description="cold plate or single-phase immersion")
    fraction: float | None = Field(None, gt=0.0, le=1.0, description=(
        "share of IT heat to liquid [-]; default cold plate 0.75, immersion 0.95 (docs/sources.md 2.5, M/V)"))
    water_class: Literal["W17", "W27", "W32", "W40", "W45"] = Field("W32", description="facility-water class (ASHRAE TC 9.9)")
    rejection: Literal["dry_cooler", "tower", "chillers"] = Field("dry_cooler", description=(
        "dry coolers or a cooling tower, each with chiller trim, or the chillers"))

    def apply(self, scn: Scenario) -> Scenario:
        frac = self.fraction if self.fraction is not None else (0.75 if self.kind == "cold_plate" else 0.95)
        return self.updated(scn, "liquid", kind=self.kind, fraction=frac, water_class=self.water_class,
                            rejection=self.rejection)


@register
class ThermalStorageMeasure(Measure):
    """Ice or chilled-water storage charged in valley hours, discharged at peak."""

    name: ClassVar[str] = "thermal_storage"
    title: ClassVar[str] = "Ice or chilled-water thermal storage (TOU load shifting)"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "thermal storage"

    kind: Literal["ice", "chilled_water"] = Field("chilled_water", description="storage medium")
    hours_of_design_load: float = Field(4.0, gt=0.0, le=24.0, description=(
        "usable capacity in hours of design IT heat [h] (assumption: covers a good part of the 7 peak hours)"))
    loss_per_day: float = Field(0.02, ge=0.0, le=0.2, description="standing loss per day [-] (docs/sources.md 2.6: 1-5 %, M)")

    def apply(self, scn: Scenario) -> Scenario:
        design = scn.it.design_kw
        capacity = self.hours_of_design_load * design
        return self.updated(scn, "thermal_storage", kind=self.kind, capacity_kwh=capacity,
                            charge_kw=capacity / 8.0, discharge_kw=design, loss_per_day=self.loss_per_day)


@register
class DistrictCoolingMeasure(Measure):
    """Chilled water from a nearby power plant's absorption chillers (电厂直供冷)."""

    name: ClassVar[str] = "power_plant_cooling"
    title: ClassVar[str] = "Power-plant direct cooling (purchased chilled water)"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "cooling plant"

    electricity_equivalent: float = Field(0.2, ge=0.0, le=2.0, description=(
        "kWh of electricity counted in PUE per kWh of purchased cooling [-] (assumption, see the schema)"))
    price_cny_per_kwh: float = Field(0.25, ge=0.0, le=10.0, description="price of purchased cooling [CNY/kWh thermal] (assumption)")

    def apply(self, scn: Scenario) -> Scenario:
        scn = self.updated(scn, "district_cooling", electricity_equivalent=self.electricity_equivalent,
                           price_cny_per_kwh=self.price_cny_per_kwh)
        return self.updated(scn, "plant", type="district", economizer=False)


@register
class AiControl(Measure):
    """Model-based supervisory optimisation of set points (the optimum an AI controller could reach)."""

    name: ClassVar[str] = "ai_control"
    title: ClassVar[str] = "AI-optimised supervisory control (model-based set-point optimisation)"
    policy_measure: ClassVar[int] = 10
    slot: ClassVar[str] = "control"

    interval_h: float = Field(12.0, gt=0.0, le=744.0, description=(
        "re-optimisation interval [h] (assumption: a day and a night regime; shorter intervals cost "
        "proportionally more run time)"))
    inlet_limit_c: float = Field(27.0, ge=18.0, le=32.0, description="hottest rack inlet allowed [degC] (ASHRAE A1 recommended)")

    def apply(self, scn: Scenario) -> Scenario:
        return self.updated(scn, "control", mode="optimise", interval_h=self.interval_h,
                            inlet_limit_c=self.inlet_limit_c)
