"""Scenario files: their structure, units, allowed ranges and sourced defaults.

A scenario is a TOML file validated by the pydantic models below.  Every field documents its
unit in the name suffix (``_kw``, ``_c``, ``_k``, ``_m3s``...) or its description, and every
default names its source (a standard, paper, datasheet or "assumption" with a reason).
Unknown keys, wrong types and out-of-range values are rejected by :func:`load_scenario` with an
:class:`~twin.errors.InputError` that names the file and the key path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, Field, ValidationError, field_validator

from components.cooling import pumps

from twin.errors import InputError
from twin.inputs.calibration_schema import Calibration
from twin.inputs.policy_schema import Policy, Roadmap
from twin.inputs.schema_base import Fraction, InputModel as _Model, Pair, Range, UnitFraction, input_error, read_toml
from twin.inputs.schema_curves import CurveSet
from twin.inputs.schema_ite import IteCurveSet
from twin.inputs.schema_power import Backup, Battery, Distribution, Events, Flywheel, PowerChain, Pv


MonthlyC = Union[float, Annotated[list[float], Field(min_length=12, max_length=12)]]
#: Upper bound of every power or capacity rating [kW]: 1 GW, beyond any single data centre (a bound
#: against typos such as a rating in W, not a judgement of the design).
MAX_RATING_KW = 1e6
#: Plants with a chilled-water loop (their chw_supply_c is a set point the plant holds).
CHILLED_WATER_PLANTS = ("water_cooled_chiller", "air_cooled_chiller", "district")


def months(v: MonthlyC) -> list[float]:
    """The 12 monthly values of a constant-or-monthly set point."""
    return list(v) if isinstance(v, list) else [float(v)] * 12


def _within(v: MonthlyC, low: float, high: float, what: str, *, low_open: bool = False) -> MonthlyC:
    """``v`` (every month) within [low, high] (``low_open``: (low, high]); ValueError naming ``what``."""
    for x in months(v):
        if not ((low < x) if low_open else (low <= x)) or not x <= high:
            raise ValueError(f"{what}, got {x}")
    return v


class UtilisationCsv(_Model):
    """Utilisation as a CSV time series, resampled onto the simulation step."""

    csv: str = Field(description="CSV file (relative to the scenario file) with a time column and a utilisation column")
    column: str = Field("utilisation", description="column holding utilisation as a fraction 0-1")
    time_column: str = Field("time", description="column holding timestamps (local standard time)")


class LoadStep(_Model):
    """A step change of IT load at a given time (a SimPy event)."""

    at: str = Field(description="local time of the step, ISO format, e.g. '2025-07-01' or '2025-07-01T08:00'")
    scale: float = Field(gt=0.0, le=5.0, description="utilisation multiplier from this time on [-]")


class Scenario_(_Model):
    name: str = Field("unnamed", description="short name shown in reports")
    description: str = ""
    site: str = Field("guangzhou", description="bundled site id (see `dctwin sites`) or path to an EPW/.epw.gz file")
    year: int = Field(2025, ge=1900, le=2100, description="calendar year used for weekdays and tariff days; must not be a leap year")
    timestep_min: Literal[60, 30, 15, 10, 5] = Field(60, description="simulation time step [min]")
    seed: int = Field(1, ge=0, description="seed of every stochastic event process")
    method: Literal["steps", "bins"] = Field("steps", description=(
        "'steps' simulates every time step; 'bins' simulates each bin of outdoor wet bulb, dry bulb and "
        "utilisation once per span between events and gives every step its bin's result (the ASHRAE bin "
        "method, components/bin_method.py): the loop and kernel run 5-15x faster; annual PUE within 3e-5 of 'steps' "
        "for plants without mode switches and within 6e-4 with economizer or IEC mode changes (measured, "
        "tests/test_bin_method.py); not for thermal storage or metered IT power"))
    bin_wet_bulb_k: float = Field(1.0, ge=0.01, le=5.0, description=(
        "bin width of the outdoor wet bulb for method = 'bins' [K] (assumption: with 1 K, 2 K and 0.02 the bin "
        "error on annual PUE is 3e-5 or less in the EnergyPlus cases and 4e-4 or less in the Guangzhou mixes; "
        "finer bins do not reduce the mode-switch part of it; measured in tests/test_bin_method.py and "
        "validation/energyplus)"))
    bin_dry_bulb_k: float = Field(2.0, ge=0.01, le=10.0, description="bin width of the outdoor dry bulb for method = 'bins' [K] (assumption, as bin_wet_bulb_k)")
    bin_utilisation: float = Field(0.02, ge=1e-4, le=0.2, description="bin width of the IT utilisation for method = 'bins' [-] (assumption, as bin_wet_bulb_k)")


class It(_Model):
    design_kw: float = Field(gt=0.0, le=MAX_RATING_KW, description="design IT capacity: power of a full room at 100 % utilisation and nominal fan speed [kW]")
    racks: int = Field(gt=0, le=1_000_000, description="number of IT racks; design_kw/racks gives kW per rack")
    occupancy: UnitFraction = Field(1.0, description=(
        "fraction of the design IT capacity actually installed (rack fill, 上架率), above 0: a room without IT "
        "has no PUE [-]. Guangdong average "
        "61.8 % at end-2019 (docs/sources.md 4.2, S)"))
    utilisation: Union[Fraction, Annotated[list[Fraction], Field(min_length=24, max_length=24)], UtilisationCsv] = Field(
        0.4, description="CPU utilisation: a constant, 24 hourly values (local time), or a CSV series [-]")
    annual_growth: float = Field(0.0, ge=-0.5, le=1.0, description="utilisation growth per year, compounded over simulated time [-/yr]")
    idle_fraction: Fraction = Field(0.45, description=(
        "server idle power / peak power [-]. Source: SPECpower_ssj2008 results of 2012-2016 volume servers "
        "span roughly 0.25-0.6 (M); 0.45 is an assumption for a legacy fleet"))
    fan_fraction: Fraction = Field(0.04, description=(
        "server fan share of peak power at nominal speed [-]. Assumption: 3-5 % for 1U/2U servers at 25 degC inlet (M)"))
    fan_threshold_c: float = Field(25.0, ge=10.0, le=40.0, description=(
        "inlet temperature above which server fans speed up [degC]. Source: ASHRAE TC 9.9 Thermal Guidelines 5th ed. "
        "(2021): fan speed rises above ~25-27 degC (S)"))
    fan_slope_per_k: float = Field(0.08, ge=0.0, le=1.0, description=(
        "fan speed increase per K above the threshold [1/K]. Assumption chosen so IT power rises ~10 % at 32 degC "
        "inlet, within the 7-20 % ASHRAE TC 9.9 reports for 35 degC (M)"))
    fan_speed_max: float = Field(2.0, ge=1.0, le=4.0, description="maximum server fan speed relative to nominal [-] (assumption)")
    server_delta_t_k: float = Field(12.0, gt=3.0, le=30.0, description=(
        "server air temperature rise at peak power and nominal fans [K]; it sets the design server air flow, "
        "design IT power x (1 - liquid fraction) / (cp x rise). Source: ASHRAE TC 9.9 (typical 10-15 K, S)"))
    model: Literal["linear", "ite_curves"] = Field("linear", description=(
        "server model (components/it_equipment.py): 'linear' power linear in utilisation with fans by the cube law "
        "above fan_threshold_c; 'ite_curves' EnergyPlus's ElectricEquipment:ITE:AirCooled form, power and air flow "
        "as curves of utilisation and inlet temperature from ite_curves (idle_fraction and the fan_* speed keys "
        "then do not apply; fan_fraction is the design fan power fraction)"))
    ite_curves: Union[str, IteCurveSet] = Field("energyplus_example", description=(
        "curve set of model = 'ite_curves': a name from components/data/ite_curves.toml or a table with "
        "cpu_power, air_flow (biquadratics of utilisation [-] and inlet [degC]) and fan_power (quadratic of the "
        "air-flow fraction), each with x_range (y_range) and optionally output_range, and a source "
        "(see twin/inputs/schema_ite.py)"))
    load_steps: list[LoadStep] = Field(default_factory=list, description="IT load step changes (events)")


class Air(_Model):
    containment: Literal["none", "cold_aisle", "hot_aisle"] = Field("none", description="aisle containment (label; its effect is in recirculation_min and bypass)")
    recirculation_min: float = Field(0.12, ge=0.0, lt=0.9, description=(
        "minimum fraction of server intake that is recirculated exhaust [-]. Assumption for open aisles "
        "without blanking panels (RTI/SHI practice: SHI 0.2-0.4 in poor rooms, docs/sources.md 2.3)"))
    bypass: float = Field(0.35, ge=0.0, lt=0.95, description=(
        "fraction of CRAH air that bypasses the IT equipment [-]. Assumption for a raised floor with open "
        "cable cut-outs (RTI well below 100 %, docs/sources.md 2.3)"))
    hotspot_factor: float = Field(2.0, ge=1.0, le=5.0, description=(
        "hottest rack's recirculation rise relative to the mean [-]. Assumption: open aisles show rack-to-rack "
        "inlet spreads of about twice the mean rise (RTI/SHI practice, docs/sources.md 2.3); containment narrows it"))
    supply_air_c: MonthlyC = Field(18.0, description=(
        "supply-air set point, constant or 12 monthly values [degC]. Assumption: conservative legacy practice "
        "at the bottom of the GB 50174-2017 18-27 degC cold-aisle range"))

    @field_validator("supply_air_c")
    @classmethod
    def _supply_range(cls, v):
        return _within(v, 10.0, 32.0, "supply-air set point must be within 10-32 degC (ASHRAE A1 allowable is 15-32)")


class Crah(_Model):
    units: int = Field(22, ge=1, le=10000, description="CRAH units installed and running [-]")
    unit_capacity_kw: float = Field(110.0, gt=0.0, le=MAX_RATING_KW, description="sensible cooling capacity per unit [kW]")
    unit_airflow_m3s: float = Field(8.0, gt=0.0, le=1e4, description="design airflow per unit [m3/s]")
    unit_fan_kw: float = Field(5.5, gt=0.0, le=MAX_RATING_KW, description=(
        "fan power per unit at design airflow [kW]. Source: 5-15 % of capacity (docs/sources.md 2.3, S); 5.5/110 = 5 %"))
    fan_control: Literal["fixed", "variable"] = Field("fixed", description="fixed-speed or variable-speed (EC/VFD) fans")
    min_speed: Fraction = Field(0.3, description="minimum fan speed of variable-speed fans [-] (assumption: typical EC fan turndown)")
    coil_approach_k: float = Field(5.0, ge=1.0, le=15.0, description=(
        "lowest supply air minus chilled-water supply a CRAH coil can deliver [K] (assumption: 7 degC water gives "
        "12-13 degC air in typical CRAH selections)"))
    sensible_heat_ratio: float = Field(0.97, ge=0.8, le=1.0, description=(
        "sensible / total coil load [-]. Source: Lei & Masanet 2020 Table 3, 95-99 % (docs/sources.md 2.3, S)"))
    envelope_gain_kw: float = Field(0.0, ge=-1e5, le=1e5, description="net heat gain through the envelope [kW] (assumption: internal loads dominate; 0)")
    flow_control: Literal["servers", "heat"] = Field("servers", description=(
        "what variable-speed fans follow: 'servers' the servers' air flow (cold-aisle or underfloor pressure "
        "control: CRAH air = server air x (1 - recirculation_min) / (1 - bypass)); 'heat' the air-side heat (IT heat "
        "less liquid capture plus electrical losses indoors) at the unit's design air rise, unit_capacity_kw / "
        "(unit_airflow_m3s x rho cp) (return-temperature control). Either way between min_speed and full speed"))



def _pump_table(v: list[Pair]) -> list[Pair]:
    """A vendor's pump-mode capacity table: 1-16 points, differences rising, fractions not falling."""
    if not 1 <= len(v) <= 16:
        raise ValueError(f"must have 1-16 [dT, fraction] points, got {len(v)}")
    dts, fs = [x[0] for x in v], [x[1] for x in v]
    if not all(a < b for a, b in zip([0.0] + dts, dts)) or dts[-1] > 80.0:
        raise ValueError(f"differences must be strictly increasing within 0-80 K, got {dts}")
    if not all(a <= b for a, b in zip([0.0] + fs, fs)) or fs[-1] > 1.5:
        raise ValueError(f"fractions must be within 0-1.5 and not decreasing, got {fs}")
    return v


#: [[return-to-outdoor difference [K], free capacity / installed capacity [-]], ...]
PumpTable = Annotated[list[Pair], AfterValidator(_pump_table)]

class Plant(_Model):
    type: Literal["water_cooled_chiller", "air_cooled_chiller", "dx", "iec", "district"] = Field(
        "water_cooled_chiller", description=(
            "chilled-water plant with towers; chilled-water plant with air-cooled chillers; DX CRAC units with "
            "air-cooled condensers; indirect evaporative air handlers with DX trim (the chiller_* keys then "
            "describe the trim compressors); or chilled water bought from a nearby plant"))
    chillers: int = Field(3, ge=1, le=100, description="chillers (or DX compressors) available, including standby [-]")
    chiller_capacity_kw: float = Field(1200.0, gt=0.0, le=MAX_RATING_KW, description="rated capacity per chiller at AHRI 550/590 conditions (6.7 degC CHW, 29.4 degC ECWT) [kW]")
    chiller_rated_cop: float = Field(5.5, gt=1.0, le=15.0, description=(
        "COP at AHRI 550/590 full-load conditions [-]. Assumption: a 2010-era centrifugal about 12 % below "
        "ASHRAE 90.1-2019 Path A (6.28, docs/sources.md 2.1, P) for age and fouling"))
    chiller_curves: str | CurveSet = Field("doe2_centrifugal_5_50cop", description=(
        "curve set: a name from components/data/chillers.toml, or a table with a vendor's coefficients and "
        "their data range (see twin/inputs/schema_curves.py)"))
    curve_extrapolation: Literal["tangent", "hold"] = Field("tangent", description=(
        "outside the curve data: 'tangent' extrapolates along the curves' slope at the data edge up to the "
        "set's physical bounds; 'hold' holds the inputs at the data edge as EnergyPlus's curve limits do "
        "(like-for-like comparisons). Either way the hours are counted"))
    stage_up_plr: float = Field(0.9, gt=0.2, le=1.0, description="start another chiller above this part-load ratio [-] (assumption)")
    chw_supply_c: MonthlyC = Field(7.0, description=(
        "chilled-water supply set point, constant or 12 monthly values, above 0 and colder than air.supply_air_c "
        "[degC] (legacy 7/12 degC design, GB 50736 practice)"))
    chw_design_dt_k: float = Field(5.0, gt=1.0, le=15.0, description="chilled-water design temperature difference [K]")
    chw_pump_head_m: float = Field(32.0, gt=0.0, le=150.0, description="CHW pump head [m] (assumption, typical primary loop)")
    cw_pump_head_m: float = Field(25.0, gt=0.0, le=150.0, description="condenser pump head [m] (assumption)")
    pump_efficiency: float = Field(0.65, gt=0.1, le=0.95, description="wire-to-water pump efficiency [-] (assumption)")
    chw_pump_control: Literal["constant", "variable"] = "constant"
    chw_pump_exponent: float = Field(pumps.DEFAULT_EXPONENT, ge=1.0, le=3.0, description=(
        "part-load exponent n of variable-speed chilled-water pumps, P = P_design (flow / design flow)^n [-] "
        "(assumption: the affinity law's 3, lowered by the static head a differential-pressure set point keeps)"))
    chw_pump_min_flow: float = Field(0.3, ge=0.0, lt=1.0, description=(
        "lowest flow of a variable-speed chilled-water pump, a fraction of its design flow: the chillers' "
        "minimum evaporator flow [-] (assumption, typical 30 %)"))
    cw_design_dt_k: float = Field(5.0, gt=1.0, le=15.0, description="condenser water design range [K] (32/37 degC GB practice)")
    cw_setpoint_c: MonthlyC = Field(30.0, description=(
        "tower leaving-water set point, constant or 12 monthly values, 0-50 and warmer than chw_supply_c [degC] "
        "(assumption: fixed legacy set point)"))
    cw_setpoint_mode: Literal["fixed", "wet_bulb_reset"] = Field("fixed", description=(
        "'wet_bulb_reset': the tower set point follows outdoor wet bulb + cw_reset_approach_k within "
        "cw_reset_range_c at every step (the usual condenser-water reset)"))
    cw_reset_approach_k: float = Field(3.9, ge=0.0, le=15.0, description="offset above the wet bulb of the reset [K] (assumption; 2.8-6.7 K tower approaches, docs/sources.md 2.2)")
    cw_reset_range_c: Range = Field((15.56, 35.0), description="limits of the reset set point [degC] (EnergyPlus example limits)")
    tower_design_wet_bulb_c: float = Field(28.0, ge=10.0, le=35.0, description=(
        "tower design wet bulb [degC]. Source: the Guangzhou ~0.4 % design wet bulb (M), checked against the "
        "bundled CSWD year: 28.0 degC is its 2 % value (exceeded 175 h/yr; 1 %: 28.6, 0.4 %: 29.2 degC, "
        "computed from the file), so a tower sized here floats a few hundred hours in that year"))
    tower_design_dry_bulb_c: float = Field(35.0, ge=10.0, le=50.0, description=(
        "dry bulb of the towers' design inlet air, with tower_design_wet_bulb_c and the site's pressure the air "
        "density at which tower_water_to_air is the design mass ratio; the fans move that volume, so the air's mass "
        "flow follows the outdoor density [degC]. Source: EnergyPlus 25.2 CoolingTower:SingleSpeed default design "
        "inlet dry bulb, 35 degC (CTI rating point 95 degF)"))
    tower_approach_k: float = Field(4.0, ge=1.5, le=10.0, description="tower design approach [K]. Source: 2.8-6.7 K (Lei & Masanet, docs/sources.md 2.2, S)")
    tower_water_to_air: float = Field(1.1, ge=0.5, le=2.0, description=(
        "design water/air mass-flow ratio L/G, air at the design inlet (tower_design_dry_bulb_c, "
        "tower_design_wet_bulb_c) [-] (assumption, typical 0.8-1.5)"))
    tower_fan_kw_per_mw: float = Field(12.0, gt=0.0, le=100.0, description="tower fan power per MW of design heat rejection [kW/MW] (assumption, ~0.05 hp/ton)")
    tower_fan_control: Literal["single_speed", "variable"] = "single_speed"
    cycles_of_concentration: float = Field(4.0, gt=1.5, le=20.0, description="tower cycles of concentration [-] (assumption; 3-6 typical)")
    drift_fraction: float = Field(5e-5, ge=0.0, le=0.005, description="drift as a fraction of circulating water [-]. Source: 0.005-0.5 % (docs/sources.md 2.2, S)")
    economizer: bool = Field(False, description="water-side economizer (plate HX)")
    economizer_approach_k: float = Field(2.2, ge=0.5, le=6.0, description="plate HX approach [K]. Source: 1.7-2.8 K (docs/sources.md 2.2, S)")
    economizer_margin_k: float = Field(1.0, ge=0.0, le=5.0, description="economize only when tower water is this much colder than CHW return [K] (assumption)")
    economizer_control: Literal["cheapest", "temperature"] = Field("cheapest", description=(
        "'cheapest': economize only in the hours and the tower mode where it costs less than mechanical cooling "
        "(a controller with an economizer lockout); 'temperature': whenever the tower water is economizer_margin_k "
        "colder than the chilled-water return, whatever it costs (EnergyPlus's plate-HX availability)"))
    economizer_tower: Literal["flat_out", "setpoint", "cheapest"] = Field("cheapest", description=(
        "towers while economizing: 'flat_out' for the coldest water the economizer can use (the warmest at which "
        "it carries the whole load; fans flat out only where the towers cannot reach it), 'setpoint' at their "
        "mechanical set point "
        "(or wet-bulb reset), 'cheapest' whichever costs less at each step (needs economizer_control = 'cheapest')"))
    condenser_fan_w_per_kw: float = Field(0.0, ge=0.0, le=100.0, description=(
        "air-cooled chiller condenser fans per kW of available capacity, when not inside the rated COP [W/kW]. "
        "0: the EnergyPlus air-cooled data sets rate their chillers with the fans included"))
    pumped_refrigerant: bool = Field(False, description=(
        "DX units with a pumped-refrigerant economizer (氟泵双循环; plant.type = 'dx' only)"))
    pumped_refrigerant_design_dt_k: float = Field(25.0, ge=10.0, le=40.0, description=(
        "return-air to outdoor difference at which the pump circuits alone carry the installed DX capacity [K]. "
        "Assumption (evidence M): vendors reach full pump mode some 20-25 K below the return air"))
    pumped_refrigerant_w_per_kw: float = Field(33.0, gt=0.0, le=200.0, description=(
        "refrigerant pump and condenser-fan power in pump mode per kW of heat moved [W/kW]. Source: about a "
        "tenth of a DX compressor's ~330 W/kW at COP 3 (Vertiv Liebert DSE literature, evidence V)"))
    pumped_refrigerant_capacity: PumpTable | None = Field(None, description=(
        "a vendor's pump-mode capacity table replacing the linear law of pumped_refrigerant_design_dt_k: "
        "[[return-to-outdoor difference [K], free capacity as a fraction of the installed DX capacity [-]], ...], "
        "1-16 points, differences strictly increasing within 0-80 K, fractions within 0-1.5 and not decreasing; "
        "linear between points, from 0 at 0 K, held beyond the last point (those hours are counted). "
        "A table given against outdoor temperature at a rated return air T_r converts by dT = T_r - T_outdoor"))
    pumped_refrigerant_table_return_c: float | None = Field(None, ge=15.0, le=50.0, description=(
        "return air at which the vendor rated pumped_refrigerant_capacity [degC]: given, the table is read against "
        "the outdoor air alone (dT = this - T_outdoor), as published; absent, against the actual return air"))
    dx_dry_coil: bool = Field(True, description=(
        "DX coils: evaluate the curves at the dry-out point when the coil is dry, as EnergyPlus's single-speed DX "
        "coil does (components/cooling/dx_coil.py); false: at the actual entering wet bulb"))
    dx_rated_shr: float | None = Field(None, ge=0.5, le=1.0, description=(
        "DX coil sensible heat ratio at the AHRI 210/240 rating point [-]; default: the curve set's rated_shr"))
    dx_rated_air_flow_m3s_per_kw: float | None = Field(None, gt=0.02, le=0.12, description=(
        "DX coil air flow at rating per kW of rated capacity [m3/s/kW]; default: the curve set's value"))
    dx_flow_fraction_curves: bool = Field(False, description=(
        "inverter DX sets only: each speed takes the set's flow-fraction curves at the unit's actual air flow over "
        "that speed's rated flow, as EnergyPlus's variable-speed coil does behind a constant-volume fan; false: every "
        "speed runs at its rated flow (fans and compressors modulate together), like the single-speed sets, whose "
        "flow-fraction curves are left out. A speed whose flow fraction leaves the curves' range is held at its edge, "
        "as EnergyPlus does, and its hours count as extrapolated (hours_chiller_curve_extrapolated)"))
    indoor_dew_point_c: float = Field(10.0, ge=-5.0, le=18.0, description="room dew point for DX coil entering wet bulb [degC] (GB 50174 5.5-15 degC)")

    @field_validator("chw_supply_c")
    @classmethod
    def _chw_range(cls, v):
        return _within(v, 0.0, 32.0, "chilled water must be above 0 degC (plain water freezes; glycol loops are not "
                       "modelled) and at most 32 degC (the warmest supply air allowed)", low_open=True)

    @field_validator("cw_setpoint_c")
    @classmethod
    def _cw_range(cls, v):
        return _within(v, 0.0, 50.0, "tower leaving water must be above 0 degC (freezing) and at most 50 degC "
                       "(assumption: beyond any chiller's entering condenser-water limit)", low_open=True)


class AirEconomizer(_Model):
    """Direct air-side economizer ahead of the plant, optionally with a direct evaporative pad (any plant type)."""

    enabled: bool = Field(False, description="outdoor air cools the room whenever it is colder than the return air")
    dew_point_range_c: Range = Field((5.5, 15.0), description=(
        "outdoor dew points the economizer accepts [degC] (lockout outside, unless humidify; no dehumidification is "
        "modelled). Source: GB 50174-2017 Appendix A, 5.5-15 degC dew point (docs/sources.md 2.3, S); ASHRAE TC 9.9 "
        "2021 recommends -9 to 15 degC"))
    humidify: bool = Field(False, description=(
        "adiabatic humidifier on the mixed air: outdoor air too dry for dew_point_range_c is still used, humidified "
        "to the range's lower dew point (water counted; pump power evaporative_pump_w_per_m3s per m3/s of supply "
        "air, assumption). Off by default: a humidifier is a design choice (water and its treatment), and the default "
        "keeps the lockout"))
    evaporative: bool = Field(False, description="direct evaporative pad on the outdoor air")
    evaporative_effectiveness: float = Field(0.85, gt=0.0, le=1.0, description=(
        "saturation effectiveness of the pad [-]. Assumption (evidence M): rigid-media pads 0.7-0.9 "
        "(EnergyPlus EvaporativeCooler:Direct:CelDekPad correlation spans this range)"))
    evaporative_pump_w_per_m3s: float = Field(60.0, ge=0.0, le=1000.0, description=(
        "pad recirculation pump power per m3/s of outdoor air through the pad [W/(m3/s)] (assumption, evidence M)"))


class Liquid(_Model):
    """Liquid cooling (cold plate or single-phase immersion); off while ``fraction`` is 0."""

    kind: Literal["cold_plate", "immersion"] = "cold_plate"
    fraction: Fraction = Field(0.0, description=(
        "share of IT heat captured by liquid [-]. Source: cold plates 70-80 %, 'full liquid' ~95 % "
        "(docs/sources.md 2.5, M/V); immersion ~1.0"))
    water_class: Literal["W17", "W27", "W32", "W40", "W45"] = Field("W32", description=(
        "ASHRAE TC 9.9 facility-water class; its upper temperature is the supply set point (docs/sources.md 2.5, S)"))
    range_k: float = Field(6.0, gt=1.0, le=20.0, description="facility-water temperature rise [K] (assumption)")
    cdu_approach_k: float = Field(3.0, ge=0.5, le=10.0, description="CDU approach, facility to secondary coolant [K] (assumption; reported only)")
    pump_fraction: float = Field(0.015, ge=0.0, le=0.1, description=(
        "CDU plus facility-water pump power per unit of liquid heat [-] (assumption: ~1-2 % in vendor CDU data)"))
    rejection: Literal["dry_cooler", "tower", "chillers"] = Field("dry_cooler", description=(
        "where liquid heat goes: dry coolers or a cooling tower (open with a plate HX, or closed circuit), "
        "each with chiller trim for what it cannot take, or the chillers"))
    tower_approach_k: float = Field(4.0, ge=1.5, le=10.0, description=(
        "liquid-loop tower approach to the design wet bulb (plant.tower_design_wet_bulb_c; its air as the plant's "
        "towers', plant.tower_design_dry_bulb_c and tower_water_to_air), plate HX included [K]. "
        "Source: 2.8-6.7 K tower approaches (Lei & Masanet, docs/sources.md 2.2, S)"))
    dry_cooler_approach_k: float = Field(8.0, ge=2.0, le=30.0, description=(
        "mean facility water (supply plus half the range) minus outdoor air at the dry coolers' design point, "
        "design load at full fan: sets the design outdoor air [K] (assumption: typical dry-cooler selection)"))
    dry_cooler_air_rise_k: float = Field(8.0, gt=0.5, le=30.0, description=(
        "air temperature rise through the dry coolers at the design point [K]; with the approach it sizes their "
        "air flow and UA, and must stay below the approach plus half the range (assumption: the air leaves "
        "near the mean water temperature)"))
    dry_cooler_fan_w_per_kw: float = Field(15.0, ge=0.0, le=100.0, description="dry-cooler fan power per kW of design heat [W/kW] (assumption)")


class Iec(_Model):
    """Indirect evaporative air handlers (used when plant.type = 'iec'). The crah section gives units and primary fans."""

    effectiveness_wet: float = Field(0.75, gt=0.0, le=1.0, description="wet-bulb effectiveness at design flow [-]. Source: 0.6-0.8 (docs/sources.md 2.4, M)")
    effectiveness_dry: float = Field(0.6, gt=0.0, le=1.0, description="dry-bulb effectiveness at design flow [-]. Source: 0.5-0.65 (docs/sources.md 2.4, M)")
    secondary_flow_ratio: float = Field(1.0, gt=0.1, le=3.0, description="secondary / primary design air flow [-] (EnergyPlus sizing factor default 1)")
    secondary_fan_w_per_m3s: float = Field(600.0, gt=0.0, le=3000.0, description=(
        "secondary fan power per m3/s at design [W/(m3/s)]. Assumption: packaged IEC units run ~300 Pa at "
        "~50 % efficiency; EnergyPlus's IDD default 250 suits small, low-pressure units"))
    pump_w_per_m3s: float = Field(90.0, ge=0.0, le=1000.0, description="spray pump power per m3/s of secondary air [W/(m3/s)] (EnergyPlus IDD default)")
    dew_point_factor: Fraction = Field(0.9, description="how close to the secondary dew point the wet mode may cool [-] (EnergyPlus example value)")


class ThermalStorage(_Model):
    """Ice or chilled-water storage charged in valley hours and discharged at peak (water-cooled plants)."""

    kind: Literal["none", "ice", "chilled_water"] = "none"
    capacity_kwh: float = Field(0.0, ge=0.0, le=1e7, description="usable cold storage [kWh thermal]")
    charge_kw: float = Field(0.0, ge=0.0, le=1e6, description="maximum charging rate [kW thermal]")
    discharge_kw: float = Field(0.0, ge=0.0, le=1e6, description="maximum discharge rate [kW thermal]")
    loss_per_day: Fraction = Field(0.02, description="standing loss, fraction of stored energy per day [-]. Source: 1-5 %/day (docs/sources.md 2.6, M)")
    capacity_factor: float | None = Field(None, gt=0.0, le=1.0, description=(
        "chiller capacity while charging / nominal [-]; default ice 0.65, chilled water 1.0 (docs/sources.md 2.6, M)"))
    cop_factor: float | None = Field(None, gt=0.0, le=1.0, description=(
        "chiller COP while charging / nominal [-]; default ice 0.75, chilled water 1.0 (docs/sources.md 2.6, M)"))


class DistrictCooling(_Model):
    """Chilled water bought from a nearby power plant's absorption chillers (plant.type = 'district')."""

    pump_w_per_kw: float = Field(20.0, ge=0.0, le=200.0, description="distribution pump power per kW of cooling [W/kW] (assumption)")
    electricity_equivalent: float = Field(0.2, ge=0.0, le=2.0, description=(
        "kWh of electricity counted in PUE per kWh of purchased cooling [-]. Assumption: the electricity an "
        "electric chiller plant of COP 5 would use; set 0 to count only metered electricity"))
    price_cny_per_kwh: float = Field(0.25, ge=0.0, le=10.0, description="price of purchased cooling [CNY/kWh thermal] (assumption; no public tariff)")


class UpsCurvePoints(_Model):
    """A UPS efficiency curve from a vendor datasheet, fitted onto the WP113 loss form."""

    load_fraction: list[UnitFraction] = Field(min_length=3, max_length=50, description=(
        "load as a fraction of unit rating, each in (0, 1] [-]"))
    efficiency: list[UnitFraction] = Field(min_length=3, max_length=50, description=(
        "efficiency at those loads as a fraction (0.945, not 94.5), each in (0, 1] [-]"))


class Power(_Model):
    transformers: Union[Literal["auto", "none"], Annotated[int, Field(ge=0, le=1000)]] = Field("auto", description=(
        "energised 10/0.4 kV transformers sharing the load [-]: 'auto' sizes count and rating from the site's design "
        "load (twin/engine/plant_power.py; rule after GB 51348-2019 4.3.2, S); a number fixes the count; 'none' or 0: the "
        "site is fed at low voltage (no transformer, no transformer loss)"))
    transformer_model: str = Field("scb10", description=(
        "series of components/data/transformers.toml ('scb10', 'scb13', 'scbh15': the rating is sized) or one unit "
        "'<series>_<kVA>' such as 'scb10_2000' (the rating is given). Default: SCB10, the 2010-era series of the former "
        "default 2 x SCB10-2000 (docs/sources.md 1.4, S)"))
    transformer_topology: Literal["auto", "n", "n+1", "2n"] = Field("auto", description=(
        "transformer redundancy for sizing [-]; 'auto' = power.ups_topology (assumption: the supply follows the "
        "redundancy of the critical power path; GB 50174-2017 class A asks fault-tolerant, e.g. 2N, transformers, M)"))
    transformer_max_loading: float = Field(0.85, ge=0.3, le=1.0, description=(
        "long-term loading limit of the duty transformers at the design load [-]. Source: GB 51348-2019 4.3.2, "
        "'should not exceed 85 %' (S)"))
    power_factor: float = Field(0.95, gt=0.5, le=1.0, description="load power factor [-] (assumption)")
    ups_topology: Literal["2n", "n+1", "n"] = "2n"
    ups_units: int = Field(2, ge=1, le=1000, description="UPS units per side (2N) or in total (N+1, N) [-]")
    ups_unit_kw: float = Field(600.0, gt=0.0, le=MAX_RATING_KW, description="rated output per UPS unit [kW]")
    ups_curve: str = Field("wp113_typical", description="entry of components/data/ups_curves.toml")
    ups_efficiency: float | None = Field(None, ge=0.5, le=1.0, description=(
        "flat UPS efficiency at every load instead of ups_curve [-]: P_loss = P (1/eta - 1)"))
    ups_curve_points: UpsCurvePoints | None = Field(None, description=(
        "UPS efficiency points (e.g. from a datasheet) instead of ups_curve, fitted by non-negative least squares"))
    ups_curve_tolerance_pp: float = Field(1.0, gt=0.0, le=5.0, description=(
        "largest efficiency residual accepted for a fit of ups_curve_points [percentage points]. Assumption: the "
        "WP113 Fig. 8 fit stays within 0.73 pp (ups_curves.toml wp113_fig8_legacy) and a read-off plot carries "
        "+-1 pp"))
    ups_loss_to_room: Fraction = Field(1.0, description="share of UPS loss released in conditioned rooms [-] (assumption: UPS rooms are air conditioned)")
    pdu_rating_kw: float = Field(2400.0, gt=0.0, le=MAX_RATING_KW, description="total PDU rating [kW]")
    pdu_no_load: Fraction = Field(0.015, description="PDU no-load loss, fraction of rating. Source: WP113 Table 2 (S)")
    pdu_square_law: Fraction = Field(0.015, description="PDU square-law loss at rating. Source: WP113 Table 2 (S)")
    switchgear_square_law: Fraction = Field(0.015, description="switchgear 0.5 % + wiring 1 % square-law loss at rating. Source: WP113 Table 2 (S)")
    lighting_fraction: Fraction = Field(0.01, description="lighting, fraction of design IT, always on [-]. Source: WP113 Table 2 (S)")
    auxiliary_fraction: Fraction = Field(0.005, description="BMS, security, fire systems, fraction of design IT [-] (assumption; no public figure)")
    auxiliary_to_room: Fraction = Field(0.5, description="share of auxiliary power released in conditioned space [-] (assumption)")
    generator_kw: float = Field(2500.0, ge=0.0, le=MAX_RATING_KW, description="standby generator rating [kW]")
    generator_heater_fraction: Fraction = Field(0.003, description="block heaters etc., fraction of generator rating [-]. Source: WP113 Table 2 (S)")

    @field_validator("transformers", mode="before")
    @classmethod
    def _transformer_units(cls, v):
        if v in ("auto", "none") or (type(v) is int and 0 <= v <= 1000):
            return v
        raise ValueError("allowed: 'auto', 'none' or a whole number of units 0-1000")


class Control(_Model):
    mode: Literal["fixed", "optimise"] = Field("fixed", description=(
        "'fixed': set points from the schedule; 'optimise': model-based supervisory optimisation each interval"))
    interval_h: float = Field(24.0, gt=0.0, le=744.0, description="supervisory control interval [h] (a SimPy event; set points may change here)")
    inlet_limit_c: float = Field(27.0, ge=18.0, le=32.0, description=(
        "hottest rack inlet the optimiser may allow [degC]. Source: ASHRAE A1 recommended 18-27 degC (docs/sources.md 2.3)"))
    supply_air_range_c: Range = Field((18.0, 27.0), description="supply-air set points the optimiser may choose [degC]")
    chw_range_c: Range = Field((5.0, 18.0), description="chilled-water set points it may choose, within the chiller curve range [degC]")
    cw_range_c: Range = Field((18.0, 34.0), description="tower leaving-water set points it may choose [degC]")
    step_k: float = Field(1.0, gt=0.1, le=5.0, description="grid step of the supply-air and chilled-water set points [K]")
    cw_step_k: float = Field(2.0, gt=0.1, le=5.0, description=(
        "grid step of the tower set point [K] (coarser: tower power changes slowly with it)"))


class Scenario(_Model):
    """A whole scenario file.

    ``measures`` lists retrofit measures as ``{name = "...", <parameter> = ...}`` tables; they are
    validated and applied by :func:`twin.measures.apply_measures`.
    """

    scenario: Scenario_ = Field(default_factory=Scenario_)
    it: It
    air: Air = Field(default_factory=Air)
    crah: Crah = Field(default_factory=Crah)
    plant: Plant = Field(default_factory=Plant)
    power: Power = Field(default_factory=Power)
    power_chain: PowerChain = Field(default_factory=PowerChain)
    distribution: Distribution = Field(default_factory=Distribution)
    battery: Battery = Field(default_factory=Battery)
    flywheel: Flywheel = Field(default_factory=Flywheel)
    backup: Backup = Field(default_factory=Backup)
    pv: Pv = Field(default_factory=Pv)
    events: Events = Field(default_factory=Events)
    liquid: Liquid = Field(default_factory=Liquid)
    iec: Iec = Field(default_factory=Iec)
    air_economizer: AirEconomizer = Field(default_factory=AirEconomizer)
    thermal_storage: ThermalStorage = Field(default_factory=ThermalStorage)
    district_cooling: DistrictCooling = Field(default_factory=DistrictCooling)
    control: Control = Field(default_factory=Control)
    policy: Policy = Field(default_factory=Policy)
    roadmap: Roadmap = Field(default_factory=Roadmap)
    measures: list[dict[str, Any]] = Field(default_factory=list, description="retrofit measures applied in order")
    calibration: Calibration | None = None

    @field_validator("measures")
    @classmethod
    def _named(cls, v):
        for k, m in enumerate(v):
            if "name" not in m:
                raise ValueError(f"measure {k} has no 'name'")
        return v


def _month(values: list[MonthlyC], m: int) -> str:
    return f" in month {m + 1}" if any(isinstance(v, list) for v in values) else ""


#: Least air flow a DX coil may operate at per W of rated total capacity [m3/s per W] (200 cfm/ton).
#: Source: EnergyPlus DataHVACGlobals ``MinOperVolFlowPerRatedTotCap1`` (S); below it the coil
#: model has no physical leaving state (at 1/10 of it the kernel's dry-coil iteration gives NaN).
DX_MIN_AIR_FLOW_M3S_PER_W = 2.684e-5


def check_relations(scn: Scenario, file: str | None = None, prefix: str = "") -> None:
    """Refuse set points no plant can hold and DX units without the air they need, naming the relation.

    * chilled-water plants: the water must be colder than the supply air it cools,
      ``plant.chw_supply_c < air.supply_air_c`` (a coil cannot cool air below its water);
    * water-cooled chillers with a fixed tower set point: the condenser water must be warmer than the
      chilled water, ``plant.cw_setpoint_c > plant.chw_supply_c`` (a chiller lifts heat from the colder
      loop to the warmer one).

    The set points are checked month by month when either side is 12 monthly values.

    * DX and IEC plants: each DX unit's share of the room air at full fan speed,
      ``crah.units * crah.unit_airflow_m3s / plant.chillers``, must be at least
      :data:`DX_MIN_AIR_FLOW_M3S_PER_W` times its rated capacity ``plant.chiller_capacity_kw``.
    """
    air, plant = scn.air, scn.plant
    if plant.type in ("dx", "iec"):
        share = scn.crah.units * scn.crah.unit_airflow_m3s / plant.chillers
        need = DX_MIN_AIR_FLOW_M3S_PER_W * plant.chiller_capacity_kw * 1e3
        if share < need:
            raise InputError(
                f"each DX unit gets {share:.3g} m3/s of room air (crah.units x crah.unit_airflow_m3s / plant.chillers), "
                f"less than the {need:.3g} m3/s a {plant.chiller_capacity_kw:g} kW unit needs (at least 2.684e-5 m3/s "
                f"per W of rated capacity, EnergyPlus's minimum, 200 cfm/ton): lower plant.chiller_capacity_kw or "
                f"give more air", file=file, key=f"{prefix}plant.chiller_capacity_kw")
    if plant.type in CHILLED_WATER_PLANTS:
        for m, (chw, sa) in enumerate(zip(months(plant.chw_supply_c), months(air.supply_air_c))):
            if not chw < sa:
                raise InputError(
                    f"chilled water must be colder than the supply air it cools (plant.chw_supply_c < "
                    f"air.supply_air_c; a CRAH coil needs crah.coil_approach_k = {scn.crah.coil_approach_k:g} K "
                    f"more), got {chw:g} degC water for {sa:g} degC air{_month([plant.chw_supply_c, air.supply_air_c], m)}",
                    file=file, key=f"{prefix}plant.chw_supply_c")
    if plant.type == "water_cooled_chiller" and plant.cw_setpoint_mode == "fixed":
        for m, (cw, chw) in enumerate(zip(months(plant.cw_setpoint_c), months(plant.chw_supply_c))):
            if not cw > chw:
                raise InputError(
                    f"condenser water must be warmer than the chilled water (plant.cw_setpoint_c > "
                    f"plant.chw_supply_c: a chiller lifts heat from the chilled to the condenser water), got "
                    f"{cw:g} degC condenser water for {chw:g} degC chilled water"
                    f"{_month([plant.cw_setpoint_c, plant.chw_supply_c], m)}",
                    file=file, key=f"{prefix}plant.cw_setpoint_c")


def validate_scenario(data: dict, file: str | None = None, prefix: str = "") -> Scenario:
    """Validate a scenario dictionary; raise :class:`InputError` naming the first bad key.

    ``prefix`` is put before every key path (``"baseline."`` for a study's inline baseline).
    """
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, data, file=file, prefix=prefix, model=Scenario) from None
    check_relations(scn, file=file, prefix=prefix)
    return scn


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file (a site file with ``[[halls]]`` is refused: see ``twin/engine/site.py``)."""
    data = read_toml(path)
    if "halls" in data:
        raise InputError("this is a site file with several halls; it runs with `dctwin run` (studies, sweeps, "
                         "calibration and Monte Carlo take one-hall scenarios)", file=str(path), key="halls")
    return validate_scenario(data, file=str(path))
