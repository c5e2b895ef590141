"""Measures 11 (power chain) and 12 (storage, backup, on-site generation) of the Guangdong plan.

Each measure only switches on a technology of :mod:`components.power` / :mod:`components.storage`
and sets its parameters (the sections of :mod:`twin.inputs.schema_power`); the physics and the sources
live there.  Slots keep incompatible technologies apart:

=====================  ===========================================================================
slot                   measures
=====================  ===========================================================================
ups topology           ``modular_ups``, ``hvdc_240``, ``hvdc_336``, ``mv_ups_10kv``
distribution           ``busway``, ``cable_distribution``
server psu             ``psu_titanium``
battery                ``vrla_battery``, ``lithium_battery``, ``second_life_battery``
ride-through           ``flywheel``
backup generation      ``diesel_generators``, ``fuel_cell``
on-site generation     ``pv``
=====================  ===========================================================================

Measure names match the cost rows of ``twin/data/costs.toml`` where one exists (``modular_ups``,
``busway``, ``vrla_battery``, ``lithium_battery``, ``flywheel``, ``pv``).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from twin.inputs.schema import Scenario
from twin.measures.registry import Measure, register


def _chain(scn: Scenario, **changes) -> Scenario:
    return Measure.updated(scn, "power_chain", **changes)


# --------------------------------------------------------------------------------------------
# Measure 11: power chain
# --------------------------------------------------------------------------------------------

@register
class ModularUps(Measure):
    """Modular double-conversion UPS with module hibernation, optionally in ECO mode."""

    name: ClassVar[str] = "modular_ups"
    title: ClassVar[str] = "Modular UPS with module hibernation"
    policy_measure: ClassVar[int] = 11
    slot: ClassVar[str] = "ups topology"

    module_kw: float = Field(50.0, gt=0.0, le=1000.0, description="power-module rating [kW] (assumption: 50 kW modules)")
    redundant_modules: int = Field(1, ge=0, le=20, description="modules beyond the rating per system (N+1 in the frame) [-]")
    hibernation: bool = Field(True, description="modules sleep to follow the load")
    target_load: float = Field(0.5, ge=0.2, le=1.0, description="load per active module hibernation aims for [-] (40-60 %, docs/sources.md 1.2, M)")
    eco_mode: bool = Field(False, description=(
        "run on the static bypass (98-99 %, docs/sources.md 1.2, S/V); every grid outage then needs a transfer to the "
        "inverter, which may drop sensitive loads (power_chain.eco_transfer_failure_probability)"))

    def apply(self, scn: Scenario) -> Scenario:
        return _chain(scn, architecture="modular_ups", module_kw=self.module_kw, redundant_modules=self.redundant_modules,
                      hibernation=self.hibernation, target_load=self.target_load, eco_mode=self.eco_mode)


class _Hvdc(Measure):
    """HVDC rectifier frames with module hibernation, DC-input server PSUs, no inverter."""

    policy_measure: ClassVar[int] = 11
    slot: ClassVar[str] = "ups topology"
    architecture: ClassVar[str] = "hvdc_240"

    module_kw: float = Field(30.0, gt=0.0, le=500.0, description="rectifier-module rating [kW] (assumption: 15-50 kW modules are usual)")
    redundant_modules: int = Field(1, ge=0, le=20, description="modules beyond the rating per system [-]")
    target_load: float = Field(0.5, ge=0.2, le=1.0, description="load per active module hibernation aims for [-] (M)")
    pdu_no_load: float = Field(0.0, ge=0.0, le=0.05, description=(
        "no-load loss of the DC distribution cabinets replacing transformer PDUs [-] (no transformer: 0)"))
    pdu_square_law: float = Field(0.005, ge=0.0, le=0.05, description=(
        "square-law loss of the DC distribution cabinets [-]. Source: WP113 switchgear 0.5 % (docs/sources.md 1.1, S) as a proxy "
        "for breakers and short bars"))

    def apply(self, scn: Scenario) -> Scenario:
        scn = _chain(scn, architecture=self.architecture, module_kw=self.module_kw,
                     redundant_modules=self.redundant_modules, hibernation=True, target_load=self.target_load,
                     eco_mode=False, psu_input="auto")
        return self.updated(scn, "power", pdu_no_load=self.pdu_no_load, pdu_square_law=self.pdu_square_law)


@register
class Hvdc240(_Hvdc):
    __doc__ = "240 V HVDC (China Telecom / Baidu / Tencent practice, YD/T 2378)."
    name: ClassVar[str] = "hvdc_240"
    title: ClassVar[str] = "240 V HVDC with DC-input server PSUs"
    architecture: ClassVar[str] = "hvdc_240"


@register
class Hvdc336(_Hvdc):
    __doc__ = "336 V HVDC (China Mobile practice, YD/T 3089)."
    name: ClassVar[str] = "hvdc_336"
    title: ClassVar[str] = "336 V HVDC with DC-input server PSUs"
    architecture: ClassVar[str] = "hvdc_336"


@register
class MvUps10kv(_Hvdc):
    """10 kV AC-input prefabricated power module ('Panama'): transformer, rectifiers and DC board in one."""

    name: ClassVar[str] = "mv_ups_10kv"
    title: ClassVar[str] = "10 kV AC-input power module (Panama-type, 240 V DC)"
    architecture: ClassVar[str] = "mv_ups_10kv"

    module_kw: float = Field(50.0, gt=0.0, le=500.0, description="rectifier-module rating inside the unit [kW] (assumption)")


@register
class Busway(Measure):
    """Busway (小母线) trunk and row busways with tap-off boxes instead of cables."""

    name: ClassVar[str] = "busway"
    title: ClassVar[str] = "Busway critical distribution instead of cables"
    policy_measure: ClassVar[int] = 11
    slot: ClassVar[str] = "distribution"

    trunk_busway: bool = Field(True, description="the feeder from the UPS board is a busway trunk too")
    feeder_length_m: float | None = Field(None, ge=0.0, le=2000.0, description="UPS board to the row heads [m]; default 30 (assumption)")
    row_length_m: float | None = Field(None, ge=0.0, le=500.0, description="rack row length [m]; default 24 (assumption)")
    current_density_a_mm2: float | None = Field(None, gt=0.2, le=10.0, description="busway design current density [A/mm2]; default 1.5 (M)")

    def apply(self, scn: Scenario) -> Scenario:
        return self.updated(scn, "distribution", kind="busway", trunk_busway=self.trunk_busway,
                            feeder_length_m=self.feeder_length_m, row_length_m=self.row_length_m,
                            busway_current_density_a_mm2=self.current_density_a_mm2)


@register
class CableDistribution(Measure):
    """Explicit I2R model of the existing cables (the reference the busway is compared with)."""

    name: ClassVar[str] = "cable_distribution"
    title: ClassVar[str] = "Cable distribution, modelled explicitly (reference for the busway)"
    policy_measure: ClassVar[int] = 11
    slot: ClassVar[str] = "distribution"

    feeder_length_m: float | None = Field(None, ge=0.0, le=2000.0, description="UPS board to the row heads [m]; default 30 (assumption)")
    row_length_m: float | None = Field(None, ge=0.0, le=500.0, description="rack row length [m]; default 24 (assumption)")
    current_density_a_mm2: float | None = Field(None, gt=0.2, le=10.0, description="cable design current density [A/mm2]; default 2.5 (M)")

    def apply(self, scn: Scenario) -> Scenario:
        return self.updated(scn, "distribution", kind="cable", feeder_length_m=self.feeder_length_m,
                            row_length_m=self.row_length_m, cable_current_density_a_mm2=self.current_density_a_mm2)


@register
class PsuTitanium(Measure):
    """Server PSUs replaced by a higher 80 PLUS class (inside the IT boundary: ITUE, not PUE)."""

    name: ClassVar[str] = "psu_titanium"
    title: ClassVar[str] = "80 PLUS Titanium server PSUs"
    policy_measure: ClassVar[int] = 11
    slot: ClassVar[str] = "server psu"

    level: Literal["platinum", "titanium"] = Field("titanium", description="80 PLUS level of the new PSUs (docs/sources.md 1.6, P)")

    def apply(self, scn: Scenario) -> Scenario:
        return _chain(scn, psu_level=self.level)


# --------------------------------------------------------------------------------------------
# Measure 12: storage, backup and on-site generation
# --------------------------------------------------------------------------------------------

class _BatteryMeasure(Measure):
    policy_measure: ClassVar[int] = 12
    slot: ClassVar[str] = "battery"
    kind: ClassVar[str] = "vrla"

    autonomy_min: float = Field(15.0, gt=0.0, le=480.0, description="autonomy at the design load of one system [min] (docs/sources.md 3)")

    def _battery(self, scn: Scenario, **changes) -> Scenario:
        return self.updated(scn, "battery", kind=self.kind, losses="explicit", autonomy_min=self.autonomy_min, **changes)


@register
class VrlaBattery(_BatteryMeasure):
    """VRLA battery modelled explicitly: float-charge loss, 25 degC room (its heat is cooled)."""

    name: ClassVar[str] = "vrla_battery"
    title: ClassVar[str] = "VRLA UPS battery (explicit float losses, 25 degC room)"
    kind: ClassVar[str] = "vrla"

    room_temp_c: float = Field(25.0, ge=15.0, le=30.0, description="battery room set point [degC] (rated 20-25, docs/sources.md 3, P)")

    def apply(self, scn: Scenario) -> Scenario:
        return self._battery(scn, room_temp_c=self.room_temp_c, peak_shaving=False, shaving_capacity_kwh=0.0)


@register
class LithiumBattery(_BatteryMeasure):
    """LFP battery: low standby loss, high round-trip efficiency, wide room tolerance; optional peak shaving."""

    name: ClassVar[str] = "lithium_battery"
    title: ClassVar[str] = "Lithium (LFP) UPS battery"
    kind: ClassVar[str] = "lithium"

    room_temp_c: float = Field(30.0, ge=15.0, le=40.0, description=(
        "battery room set point [degC] (LFP life is specified up to 40 degC, docs/sources.md 3, P; 30 is an assumption)"))
    peak_shaving: bool = Field(False, description="TOU peak shaving with the energy above the autonomy reserve")
    shaving_capacity_kwh: float = Field(0.0, ge=0.0, le=1e6, description="capacity added for peak shaving [kWh]")
    shaving_power_kw: float | None = Field(None, gt=0.0, le=1e5, description="peak-shaving power limit [kW]; default C/4")

    def apply(self, scn: Scenario) -> Scenario:
        return self._battery(scn, room_temp_c=self.room_temp_c, peak_shaving=self.peak_shaving,
                             shaving_capacity_kwh=self.shaving_capacity_kwh, shaving_power_kw=self.shaving_power_kw)


@register
class SecondLifeBattery(_BatteryMeasure):
    """Second-life EV battery modules: cheap, but start at ~75 % SOH and fade faster."""

    name: ClassVar[str] = "second_life_battery"
    title: ClassVar[str] = "Second-life EV batteries"
    kind: ClassVar[str] = "second_life"

    capacity_kwh: float | None = Field(None, gt=0.0, le=1e7, description=(
        "installed rated (original) capacity [kWh]; default: sized for the autonomy at the starting SOH. Checked: too "
        "little capacity for the autonomy is an error"))
    start_soh: float | None = Field(None, gt=0.0, le=1.0, description="state of health when installed [-]; default 0.75 (M)")
    room_temp_c: float = Field(25.0, ge=15.0, le=35.0, description="battery room set point [degC] (assumption)")
    peak_shaving: bool = Field(False, description="TOU peak shaving with the energy above the autonomy reserve")
    shaving_capacity_kwh: float = Field(0.0, ge=0.0, le=1e6, description="capacity added for peak shaving [kWh]")

    def apply(self, scn: Scenario) -> Scenario:
        return self._battery(scn, capacity_kwh=self.capacity_kwh, start_soh=self.start_soh,
                             room_temp_c=self.room_temp_c, peak_shaving=self.peak_shaving,
                             shaving_capacity_kwh=self.shaving_capacity_kwh)


@register
class FlywheelMeasure(Measure):
    """Flywheel ride-through, by default in place of the batteries (the generator must start in time)."""

    name: ClassVar[str] = "flywheel"
    title: ClassVar[str] = "Flywheel ride-through"
    policy_measure: ClassVar[int] = 12
    slot: ClassVar[str] = "ride-through"

    ride_through_s: float = Field(15.0, gt=0.0, le=300.0, description="ride-through at rated power [s] (docs/sources.md 3, P)")
    replace_battery: bool = Field(True, description="remove the UPS batteries (else the flywheel sits in front of them)")

    def apply(self, scn: Scenario) -> Scenario:
        scn = self.updated(scn, "flywheel", enabled=True, ride_through_s=self.ride_through_s)
        return self.updated(scn, "battery", kind="none", peak_shaving=False) if self.replace_battery else scn


@register
class DieselGenerators(Measure):
    """N+1 diesel gensets (NFPA 110 Type 10); block heaters stay the [power] WP113 row."""

    name: ClassVar[str] = "diesel_generators"
    title: ClassVar[str] = "Diesel gensets, N+1"
    policy_measure: ClassVar[int] = 12
    slot: ClassVar[str] = "backup generation"

    units: int = Field(3, ge=1, le=100, description="gensets [-] (assumption: N = 2 carry the facility peak, +1)")
    unit_kw: float = Field(1250.0, gt=0.0, le=5000.0, description="rating per genset [kW]")
    start_delay_s: float = Field(10.0, ge=0.0, le=600.0, description="mains failure to load carried [s] (NFPA 110 Type 10, S)")

    def apply(self, scn: Scenario) -> Scenario:
        scn = self.updated(scn, "power", generator_kw=self.units * self.unit_kw)
        return self.updated(scn, "backup", kind="diesel", units=self.units, start_delay_s=self.start_delay_s)


@register
class FuelCell(Measure):
    """PEM hydrogen fuel cells replace the diesel gensets (no block heaters, no diesel)."""

    name: ClassVar[str] = "fuel_cell"
    title: ClassVar[str] = "Hydrogen fuel-cell backup"
    policy_measure: ClassVar[int] = 12
    slot: ClassVar[str] = "backup generation"

    units: int = Field(6, ge=1, le=200, description="fuel-cell units [-] (assumption: 500 kW units, N+1)")
    unit_kw: float = Field(500.0, gt=0.0, le=5000.0, description="rating per unit [kW]")
    start_s: float = Field(60.0, ge=0.0, le=600.0, description="start to load carried [s] (M: seconds to a minute)")
    h2_storage_kg: float | None = Field(None, gt=0.0, le=1e6, description="hydrogen on site [kg]; default unlimited")

    def apply(self, scn: Scenario) -> Scenario:
        scn = self.updated(scn, "power", generator_kw=self.units * self.unit_kw)
        return self.updated(scn, "backup", kind="fuel_cell", units=self.units, start_delay_s=self.start_s,
                            h2_storage_kg=self.h2_storage_kg)


@register
class Pv(Measure):
    """Rooftop / car-park PV behind the meter (does not lower PUE; renewable share reported)."""

    name: ClassVar[str] = "pv"
    title: ClassVar[str] = "On-site PV"
    policy_measure: ClassVar[int] = 12
    slot: ClassVar[str] = "on-site generation"

    pv_kwp: float = Field(300.0, gt=0.0, le=1e6, description=(
        "module capacity [kWp] (assumption: ~2,000 m2 of roof at ~6.5 m2/kWp)"))
    tilt_deg: float = Field(20.0, ge=0.0, le=90.0, description="tilt [degrees]")
    azimuth_deg: float = Field(180.0, ge=0.0, le=360.0, description="azimuth, 180 = south [degrees]")

    def apply(self, scn: Scenario) -> Scenario:
        return self.updated(scn, "pv", capacity_kwp=self.pv_kwp, tilt_deg=self.tilt_deg, azimuth_deg=self.azimuth_deg)
