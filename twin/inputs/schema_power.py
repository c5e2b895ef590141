"""Scenario sections of the power chain, storage, backup, on-site PV and events (issue 4).

Sections (every one optional; the defaults reproduce the legacy plant of ``[power]`` exactly):

``[power_chain]``   critical-power architecture: legacy tower UPS, modular UPS (hibernation,
                    ECO mode), 240/336 V HVDC, 10 kV AC-input power module; server PSUs.
``[distribution]``  critical distribution: WP113 lumped wiring (default), cable or busway I2R.
``[battery]``       UPS battery: VRLA / lithium (LFP) / second-life, autonomy, peak shaving.
``[flywheel]``      flywheel ride-through.
``[backup]``        backup generation: diesel gensets or hydrogen fuel cells (rating in ``[power]``).
``[pv]``            on-site photovoltaics (pvlib on the weather file's irradiance).
``[events]``        grid outages, equipment failures and repairs, planned maintenance.

Every field documents its unit and its source, or says "assumption".  A default of ``None``
means "from the parameter set in ``components/data/power_chain.toml`` or ``storage.toml``",
which holds the source.  :func:`assemble_power` turns the sections into kernel parameters
(:data:`components.layout.PARAM`) and :func:`power_setup` into the derived quantities the
event processes need; both raise :class:`~twin.errors.InputError` naming the file, the key and
the allowed range.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field

from twin.errors import InputError
from twin.inputs.component_data import data_table
from twin.inputs.schema_base import Fraction, InputModel as _Model


ARCHITECTURES = ("legacy_ups", "modular_ups", "hvdc_240", "hvdc_336", "mv_ups_10kv")
PSU_LEVELS = ("plus", "bronze", "silver", "gold", "platinum", "titanium")


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------

class PowerChain(_Model):
    """``[power_chain]``: the conversion stage between the utility and the IT rows, and the PSUs."""

    architecture: Literal[ARCHITECTURES] = Field("legacy_ups", description=(  # type: ignore[valid-type]
        "'legacy_ups': tower UPS units of [power] on their WP113 curve; 'modular_ups': modular double-conversion "
        "UPS with module hibernation; 'hvdc_240' / 'hvdc_336': HVDC rectifier frames (YD/T 2378 / YD/T 3089), no "
        "inverter, DC-input PSUs; 'mv_ups_10kv': 10 kV AC-input prefabricated power module ('Panama') replacing the "
        "LV transformer, switchgear and UPS of the IT path"))
    systems: int = Field(2, ge=1, le=2, description="independent systems sharing the IT load: 2 = 2N, 1 = N (+ redundant modules) [-]")
    system_kw: float | None = Field(None, gt=0.0, le=1e6, description=(
        "rated output of one system [kW]; default: one side of the [power] UPS (ups_unit_kw x ups_units)"))
    module_kw: float = Field(50.0, gt=0.0, le=5000.0, description=(
        "rated output of one power or rectifier module [kW] (assumption: 50 kW modules are common in modular UPS "
        "frames; HVDC rectifier modules are 15-50 kW)"))
    redundant_modules: int = Field(1, ge=0, le=50, description="modules per system beyond the rating, kept on line (N+1 in the frame) [-]")
    hibernation: bool = Field(True, description="modules sleep to follow the load (docs/sources.md 1.2: active modules at 40-60 %, M)")
    target_load: float = Field(0.5, ge=0.2, le=1.0, description=(
        "load fraction per active module hibernation aims for [-] (docs/sources.md 1.2: 40-60 %, M)"))
    module_curve: str | None = Field(None, description="entry of components/data/power_chain.toml [modules]; default by architecture")
    eco_mode: bool = Field(False, description=(
        "modular UPS in ECO / bypass mode (98-99 %, docs/sources.md 1.2, S/V); each grid outage then needs a bypass-to-"
        "inverter transfer, which the events count"))
    eco_transfer_failure_probability: Fraction = Field(0.002, description=(
        "probability that a transfer out of ECO mode drops the IT load [-]. ASSUMPTION (no public figure): IEC 62040-3 "
        "class 1 allows up to 10 ms, which most PSUs ride through; a small share of sensitive loads does not"))
    psu_level: Literal[PSU_LEVELS] = Field("gold", description=(  # type: ignore[valid-type]
        "80 PLUS level of the installed server PSUs (230 V redundant column, docs/sources.md 1.6, P)"))
    psu_reference_level: Literal[PSU_LEVELS] = Field("gold", description=(  # type: ignore[valid-type]
        "80 PLUS level of the PSUs the IT power model describes (assumption: a 2010-era fleet is Gold); "
        "psu_level = psu_reference_level with AC input leaves the IT power unchanged"))
    psu_input: Literal["auto", "ac", "dc"] = Field("auto", description=(
        "PSU supply: 'auto' = DC on an HVDC or 10 kV-module bus, AC otherwise; DC input cuts PSU loss by 20 % "
        "(WP127, docs/sources.md 1.3, P excerpt)"))
    psu_capacity_ratio: float = Field(3.0, ge=1.0, le=10.0, description=(
        "installed PSU output / server peak power [-]. Assumption: 1+1 redundant PSUs each rated ~1.5x the server "
        "peak, so each PSU runs at 15-35 % load"))
    mechanical_on_ups: bool = Field(False, description=(
        "CRAH fans and chilled-water pumps are on the UPS (they keep running through an outage); their power then "
        "also draws on the storage"))


class Distribution(_Model):
    """``[distribution]``: critical power from the UPS / rectifier output to the racks."""

    kind: Literal["lumped", "cable", "busway"] = Field("lumped", description=(
        "'lumped': the WP113 1 % wiring term inside power.switchgear_square_law (legacy); 'cable': feeders and "
        "home-run cables to each rack; 'busway': busway trunk and row busways (小母线) with tap-off boxes. Explicit "
        "kinds take the wiring term out of power.switchgear_square_law and model I2R from length and current density"))
    material: Literal["copper", "aluminium"] | None = Field(None, description="conductor material; default copper")
    feeder_length_m: float | None = Field(None, ge=0.0, le=2000.0, description="UPS output board to the row heads [m]; default 30 (assumption)")
    row_length_m: float | None = Field(None, ge=0.0, le=500.0, description="length of a rack row [m]; default 24 (assumption: 20 racks)")
    cable_current_density_a_mm2: float | None = Field(None, gt=0.2, le=10.0, description="design current density of cables [A/mm2]; default 2.5 (M)")
    busway_current_density_a_mm2: float | None = Field(None, gt=0.2, le=10.0, description="design current density of busways [A/mm2]; default 1.5 (M)")
    trunk_busway: bool = Field(True, description="with kind = 'busway', the feeder is a busway trunk too (else a cable)")
    conductor_temp_c: float | None = Field(None, ge=0.0, le=120.0, description="conductor operating temperature [degC]; default 50 (assumption)")


class Battery(_Model):
    """``[battery]``: the UPS battery (on the DC link of the UPS or on the HVDC bus)."""

    kind: Literal["none", "vrla", "lithium", "second_life"] = Field("vrla", description=(
        "UPS battery technology; 'none' for flywheel-only ride-through"))
    losses: Literal["in_ups_curve", "explicit"] = Field("in_ups_curve", description=(
        "'in_ups_curve': float charging is inside the UPS curve's no-load loss (legacy WP113 default, nothing added); "
        "'explicit': float / BMS standby and cycling losses are modelled (every battery measure sets this)"))
    autonomy_min: float = Field(15.0, gt=0.0, le=480.0, description=(
        "required autonomy at the design load of one system [min]. Source: historically ~15 min (docs/sources.md 3, P/S)"))
    autonomy_load_kw: float | None = Field(None, gt=0.0, le=1e6, description=(
        "load the autonomy is specified at, per system [kW]; default: the rated output of one system"))
    capacity_kwh: float | None = Field(None, gt=0.0, le=1e7, description=(
        "installed rated capacity of all strings [kWh]; default: sized for the autonomy with the chemistry's ageing "
        "factor. A given capacity is checked against the autonomy"))
    room_temp_c: float | None = Field(None, ge=10.0, le=45.0, description=(
        "battery room temperature [degC]; default 25 (VRLA rated 20-25 degC, docs/sources.md 3, P); must be within the "
        "chemistry's limit (VRLA 30, LFP 40, second life 35)"))
    start_soh: Fraction | None = Field(None, description="state of health when installed [-]; default 1, second life 0.75 (M)")
    peak_shaving: bool = Field(False, description=(
        "charge in valley hours and discharge in peak hours of the TOU tariff (Guangdong: valley 0-8, peak 10-12 and "
        "14-19), keeping the autonomy reserve; only when the price spread beats the degradation cost"))
    shaving_capacity_kwh: float = Field(0.0, ge=0.0, le=1e7, description="capacity added for peak shaving beyond the backup sizing [kWh]")
    shaving_power_kw: float | None = Field(None, gt=0.0, le=1e6, description="maximum charge / discharge power for peak shaving [kW]; default C/4")
    replacement_cny_per_kwh: float | None = Field(None, ge=0.0, le=1e5, description=(
        "battery replacement cost for the degradation cost [CNY/kWh]; default: twin/data/costs.toml (vrla_battery / "
        "lithium_battery rows; second life: half the lithium price, assumption)"))


class Flywheel(_Model):
    """``[flywheel]``: flywheel ride-through (alone or in front of a battery)."""

    enabled: bool = False
    rated_kw: float | None = Field(None, gt=0.0, le=1e6, description="rated power of all flywheels [kW]; default: the UPS rating of all systems")
    ride_through_s: float | None = Field(None, gt=0.0, le=300.0, description="ride-through at rated power [s]; default 15 (docs/sources.md 3, P)")
    standby_loss_fraction: Fraction | None = Field(None, description="spinning loss / rated power [-]; default 0.01 (0.5-2 %, M)")


class Backup(_Model):
    """``[backup]``: backup generation; its total rating is ``[power] generator_kw``."""

    kind: Literal["diesel", "fuel_cell", "none"] = Field("diesel", description=(
        "'diesel': gensets with block heaters ([power] generator_heater_fraction, WP113); 'fuel_cell': PEM hydrogen "
        "fuel cells; 'none'"))
    units: int = Field(1, ge=1, le=200, description="units sharing [power] generator_kw (N+1: one more than the load needs) [-]")
    start_delay_s: float | None = Field(None, ge=0.0, le=3600.0, description=(
        "mains failure to backup on line [s]; default diesel 10 (NFPA 110 Type 10, docs/sources.md 3, S), fuel cell 60 (M)"))
    fail_to_start_probability: Fraction | None = Field(None, description=(
        "probability that one unit fails to start on demand [-]; default diesel 0.005 (M), fuel cell 0.01 (assumption)"))
    fuel_tank_l: float | None = Field(None, gt=0.0, le=1e7, description="diesel on site [L]; default: enough for any outage")
    h2_storage_kg: float | None = Field(None, gt=0.0, le=1e6, description="hydrogen on site [kg]; default: enough for any outage")


class Pv(_Model):
    """``[pv]``: on-site photovoltaics."""

    capacity_kwp: float = Field(0.0, ge=0.0, le=1e6, description="module nameplate capacity [kWp]; 0 = no PV")
    tilt_deg: float = Field(20.0, ge=0.0, le=90.0, description="module tilt [degrees] (assumption: roof, near the latitude of Guangdong)")
    azimuth_deg: float = Field(180.0, ge=0.0, le=360.0, description="module azimuth, 180 = south [degrees]")
    behind_the_meter: bool = Field(True, description=(
        "PV feeds the facility and lowers p_grid (surplus is exported); false: all PV is exported and p_grid is "
        "unchanged. PV never lowers PUE (consumption-based); its share is reported separately"))
    dc_ac_ratio: float | None = Field(None, gt=0.5, le=2.0, description="DC nameplate / inverter rating [-]; default 1.2 (assumption)")


class ScheduledOutage(_Model):
    at: str = Field(description="local time the mains fails, ISO format, e.g. '2025-07-01T14:20:05'")
    duration_min: float = Field(gt=0.0, le=30 * 24 * 60, description="outage length [min]")


class GridOutages(_Model):
    per_year: float = Field(1.0, ge=0.0, le=200.0, description=(
        "random grid outages per year (Poisson) [1/yr]. ASSUMPTION: order of one interruption a year for an urban "
        "10 kV feed in Guangdong (no sourced figure in docs/sources.md)"))
    median_duration_min: float = Field(20.0, gt=0.0, le=10080.0, description="median outage length (lognormal) [min] (assumption)")
    duration_sigma: float = Field(1.2, ge=0.0, le=3.0, description="lognormal shape of the outage length [-] (assumption: most are minutes, a few hours)")
    scheduled: list[ScheduledOutage] = Field(default_factory=list, description="outages at given times (in addition to random ones)")


class Reliability(_Model):
    mtbf_h: float = Field(gt=0.0, le=1e8, description="mean time between failures of one unit [h]")
    mttr_h: float = Field(gt=0.0, le=1e5, description="mean time to repair (exponential) [h]")


class MaintenanceWindow(_Model):
    equipment: Literal["chiller", "crah", "ups", "generator"]
    every_days: float = Field(gt=0.0, le=3650.0, description="interval between windows [days]")
    duration_h: float = Field(gt=0.0, le=720.0, description="window length [h]")
    units: int = Field(1, ge=1, le=100, description="units out of service during the window [-]")
    start_hour: float = Field(9.0, ge=0.0, lt=24.0, description="local hour the window starts [h]")


def _default_maintenance() -> list[MaintenanceWindow]:
    # assumptions: quarterly chiller and CRAH service, yearly UPS and generator service, one unit at a time
    return [MaintenanceWindow(equipment="chiller", every_days=91.0, duration_h=8.0),
            MaintenanceWindow(equipment="crah", every_days=91.0, duration_h=4.0),
            MaintenanceWindow(equipment="ups", every_days=365.0, duration_h=8.0),
            MaintenanceWindow(equipment="generator", every_days=365.0, duration_h=8.0)]


class Events(_Model):
    """``[events]``: stochastic and planned events (SimPy processes of :mod:`twin.engine.events`)."""

    enabled: bool = Field(False, description=(
        "simulate outages, failures and maintenance in `dctwin run` (seeded by scenario.seed); `dctwin run --years N` "
        "always does"))
    outages: GridOutages = Field(default_factory=GridOutages)
    chiller: Reliability = Field(default_factory=lambda: Reliability(mtbf_h=15000.0, mttr_h=24.0), description=(
        "chiller failures (assumption: order of one failure per chiller every ~2 years, a day to repair)"))
    crah: Reliability = Field(default_factory=lambda: Reliability(mtbf_h=40000.0, mttr_h=8.0), description="CRAH failures (assumption)")
    ups: Reliability = Field(default_factory=lambda: Reliability(mtbf_h=150000.0, mttr_h=8.0), description=(
        "failures of a UPS unit or a power / rectifier module (assumption: module MTBF claims are 1-3e5 h, V/M)"))
    maintenance: list[MaintenanceWindow] = Field(default_factory=_default_maintenance)
    allowable_inlet_c: float = Field(32.0, ge=20.0, le=45.0, description=(
        "upper allowable rack inlet temperature [degC]. Source: ASHRAE A1 allowable 15-32 degC (docs/sources.md 2.3, S)"))
    heat_capacity_kj_per_k_per_kw: float = Field(15.0, gt=0.0, le=1000.0, description=(
        "heat capacity of room air and fast-responding IT and rack mass per kW of design IT [kJ/K/kW]. ASSUMPTION: "
        "gives 2-3 K/min without cooling at full load"))
    chw_loop_volume_m3: float = Field(20.0, ge=0.0, le=1e5, description="chilled-water loop volume whose cold bridges a chiller restart [m3] (assumption)")
    chw_loop_usable_rise_k: float = Field(6.0, ge=0.0, le=20.0, description="chilled-water temperature rise the CRAH coils can still use [K] (assumption)")
    chiller_restart_s: float = Field(600.0, ge=0.0, le=7200.0, description=(
        "chiller restart after power returns [s]. Source: 10-15 min (docs/sources.md 2.6, S)"))
    it_recovery_min: float = Field(0.0, ge=0.0, le=1440.0, description=(
        "IT service lost after power returns to dropped servers (reboot) [min]; added to unserved energy (default 0: "
        "count unpowered time only)"))


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def power_chain_data(section: str) -> dict:
    """The ``[section]`` table of ``components/data/power_chain.toml``."""
    return data_table("power_chain", section)


def storage_data(section: str) -> dict:
    """The ``[section]`` table of ``components/data/storage.toml``."""
    return data_table("storage", section)


DEFAULT_MODULE_CURVE = {"modular_ups": "modular_ups", "hvdc_240": "hvdc_rectifier", "hvdc_336": "hvdc_rectifier",
                        "mv_ups_10kv": "mv_module_10kv"}
DC_ARCHITECTURES = ("hvdc_240", "hvdc_336", "mv_ups_10kv")
#: kernel code of each architecture (components.layout.CHAIN_*)
CHAIN_CODES = {"legacy_ups": 0, "modular_ups": 1, "hvdc_240": 2, "hvdc_336": 2, "mv_ups_10kv": 3}


@functools.cache  # the bundled cost table does not change: read it once per kind, not for every run
def _battery_replacement_cost(kind: str) -> float:
    """Replacement cost of a battery of ``kind`` from the bundled cost table. [CNY/kWh]"""
    from twin.inputs.costs import cost_table

    rows = cost_table()
    if kind == "vrla":
        return float(rows["vrla_battery"]["capex_cny_per_unit"])
    lithium = float(rows["lithium_battery"]["capex_cny_per_unit"])
    return lithium if kind == "lithium" else 0.5 * lithium


# ---------------------------------------------------------------------------------------------
# Derived set-up (shared by the kernel parameters and the event processes)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PowerSetup:
    """Derived power-chain, storage and backup quantities of one scenario (SI units)."""

    architecture: str
    systems: int
    system_w: float                 # rated output of one system
    module_w: float
    modules_per_system: int
    redundant_modules: int
    dc_bus: bool
    eco_mode: bool
    eco_transfer_failure_probability: float
    mechanical_on_ups: bool
    battery_kind: str
    chemistry: object | None        # components.storage.battery.Chemistry
    battery_rated_j: float
    battery_reserve_j: float        # energy kept for the autonomy (peak shaving never goes below)
    battery_room_c: float
    battery_explicit: bool
    autonomy_load_w: float
    autonomy_s_required: float
    autonomy_s_installed: float     # at the design load with the starting SOH
    peak_shaving: bool
    shaving_power_w: float
    replacement_cny_per_kwh: float
    flywheel_rated_w: float         # 0 = no flywheel
    flywheel_usable_j: float
    flywheel_efficiency: float
    flywheel_standby_w: float
    flywheel_recharge_s: float
    backup_kind: str
    backup_units: int
    backup_unit_w: float
    backup_start_s: float
    backup_fail_probability: float
    backup_fuel_limit: float        # L of diesel or kg of H2 (inf = unlimited)
    diesel_intercept: float
    diesel_slope: float
    fuel_cell_efficiency: float
    pv_kwp: float


def power_setup(scn, *, file: str | None = None) -> PowerSetup:
    """Validate the cross-section rules and derive :class:`PowerSetup` (raises InputError)."""
    from components.storage import battery as bat
    from components.storage import flywheel as fw
    from twin.inputs.component_data import battery_chemistry

    pc, pw, b, f, bk = scn.power_chain, scn.power, scn.battery, scn.flywheel, scn.backup
    arch = pc.architecture
    system_kw = pc.system_kw if pc.system_kw is not None else pw.ups_unit_kw * pw.ups_units
    if arch == "legacy_ups":
        systems = 2 if pw.ups_topology == "2n" else 1
        system_kw = pw.ups_unit_kw * (pw.ups_units - (1 if pw.ups_topology == "n+1" and pw.ups_units > 1 else 0))
        modules = pw.ups_units
        module_kw = pw.ups_unit_kw
        redundant = 1 if pw.ups_topology == "n+1" else 0
    else:
        systems = pc.systems
        module_kw = pc.module_kw
        if module_kw > system_kw:
            raise InputError(f"a {module_kw} kW module is larger than the {system_kw} kW system it sits in; "
                             f"choose module_kw <= system_kw", file=file, key="power_chain.module_kw")
        redundant = pc.redundant_modules
        modules = math.ceil(system_kw / module_kw - 1e-9) + redundant
    if pc.eco_mode and arch != "modular_ups":
        raise InputError(f"ECO mode needs a static bypass: architecture 'modular_ups' (got '{arch}')",
                         file=file, key="power_chain.eco_mode")
    dc_bus = arch in DC_ARCHITECTURES

    # battery
    chem = None
    rated_j = reserve_j = 0.0
    room_c = 25.0
    load_kw = b.autonomy_load_kw if b.autonomy_load_kw is not None else system_kw
    installed_s = 0.0
    if b.kind != "none":
        chem = battery_chemistry(b.kind, start_soh=b.start_soh)
        room_c = b.room_temp_c if b.room_temp_c is not None else chem.rated_temp_c
        if room_c > chem.room_max_c:
            raise InputError(f"a {b.kind} battery room may be at most {chem.room_max_c} degC (got {room_c}); allowed "
                             f"range 10-{chem.room_max_c}", file=file, key="battery.room_temp_c")
        per_system_kwh = bat.required_rated_kwh(chem, load_kw, b.autonomy_min) / chem.start_soh
        if b.capacity_kwh is not None:
            backup_kwh = b.capacity_kwh
            per_system = backup_kwh / systems
            installed_s = bat.autonomy_s(chem, per_system, chem.start_soh, load_kw)
            if installed_s < b.autonomy_min * 60.0 * (1.0 - 1e-9):
                need = bat.required_rated_kwh(chem, load_kw, b.autonomy_min) / chem.ageing_design_factor \
                    / chem.start_soh * systems
                raise InputError(
                    f"{backup_kwh:g} kWh of {b.kind} battery at SOH {chem.start_soh:g} supplies "
                    f"{installed_s / 60.0:.1f} min at {load_kw:g} kW per system, less than autonomy_min = "
                    f"{b.autonomy_min:g} min; allowed: capacity_kwh >= {need:.0f} kWh (or a lower autonomy)",
                    file=file, key="battery.capacity_kwh")
        else:
            backup_kwh = per_system_kwh * systems
            installed_s = bat.autonomy_s(chem, per_system_kwh, chem.start_soh, load_kw)
        rated_j = (backup_kwh + b.shaving_capacity_kwh) * 3.6e6
        # energy to keep for the autonomy at the design load (all systems), at the cells
        reserve_j = (load_kw * 1e3 * systems * b.autonomy_min * 60.0 / (chem.discharge_efficiency * chem.rate_capacity_factor)
                     + chem.soc_min * rated_j * chem.start_soh)
    elif b.peak_shaving:
        raise InputError("peak shaving needs a battery (battery.kind)", file=file, key="battery.peak_shaving")
    if b.peak_shaving and b.kind == "vrla":
        raise InputError("peak shaving needs a cycling chemistry: battery.kind 'lithium' or 'second_life' "
                         "(VRLA lasts ~250 cycles, docs/sources.md 3)", file=file, key="battery.peak_shaving")
    shaving_w = 0.0
    if b.peak_shaving:
        shaving_w = (b.shaving_power_kw * 1e3 if b.shaving_power_kw is not None
                     else 0.25 * rated_j / 3600.0)
    replacement = (b.replacement_cny_per_kwh if b.replacement_cny_per_kwh is not None
                   else (_battery_replacement_cost(b.kind) if b.kind != "none" else 0.0))

    # flywheel
    fd = storage_data("flywheel")
    fly_w = fly_j = fly_standby = 0.0
    if f.enabled:
        fly_w = (f.rated_kw if f.rated_kw is not None else system_kw * systems) * 1e3
        ride = f.ride_through_s if f.ride_through_s is not None else fd["ride_through_s"]
        fly_j = fw.usable_energy_j(fly_w, ride, fd["discharge_efficiency"])
        frac = f.standby_loss_fraction if f.standby_loss_fraction is not None else fd["standby_loss_fraction"]
        fly_standby = fw.standby_loss_w(fly_w, frac)
    # no battery and no flywheel is allowed: every outage then drops the load (the events count it)

    # backup generation
    if bk.kind != "none" and pw.generator_kw <= 0.0:
        raise InputError(f"backup.kind '{bk.kind}' needs power.generator_kw > 0 (the backup rating)",
                         file=file, key="backup.kind")
    diesel, fuel_cell = storage_data("diesel"), storage_data("fuel_cell")
    row = diesel if bk.kind == "diesel" else fuel_cell
    start = bk.start_delay_s if bk.start_delay_s is not None else (row["start_delay_s"] if bk.kind == "diesel" else row["start_s"])
    p_fail = bk.fail_to_start_probability if bk.fail_to_start_probability is not None else row["fail_to_start_probability"]
    fuel_limit = (bk.fuel_tank_l if bk.kind == "diesel" else bk.h2_storage_kg)
    return PowerSetup(
        architecture=arch, systems=systems, system_w=system_kw * 1e3, module_w=module_kw * 1e3,
        modules_per_system=int(modules), redundant_modules=int(redundant), dc_bus=dc_bus,
        eco_mode=pc.eco_mode, eco_transfer_failure_probability=pc.eco_transfer_failure_probability,
        mechanical_on_ups=pc.mechanical_on_ups,
        battery_kind=b.kind, chemistry=chem, battery_rated_j=rated_j, battery_reserve_j=reserve_j,
        battery_room_c=room_c, battery_explicit=(b.kind != "none" and b.losses == "explicit"),
        autonomy_load_w=load_kw * 1e3, autonomy_s_required=b.autonomy_min * 60.0, autonomy_s_installed=installed_s,
        peak_shaving=b.peak_shaving, shaving_power_w=shaving_w, replacement_cny_per_kwh=replacement,
        flywheel_rated_w=fly_w, flywheel_usable_j=fly_j, flywheel_efficiency=fd["discharge_efficiency"],
        flywheel_standby_w=fly_standby, flywheel_recharge_s=fd["recharge_s"],
        backup_kind=bk.kind, backup_units=bk.units, backup_unit_w=pw.generator_kw * 1e3 / bk.units,
        backup_start_s=start, backup_fail_probability=p_fail,
        backup_fuel_limit=math.inf if fuel_limit is None else float(fuel_limit),
        diesel_intercept=diesel["fuel_intercept_l_per_kwh_rated"], diesel_slope=diesel["fuel_slope_l_per_kwh"],
        fuel_cell_efficiency=fuel_cell["efficiency_lhv"], pv_kwp=scn.pv.capacity_kwp,
    )


# ---------------------------------------------------------------------------------------------
# Kernel parameters
# ---------------------------------------------------------------------------------------------

def _psu_points(level: str) -> tuple[np.ndarray, np.ndarray]:
    from twin.inputs.component_data import psu_curve

    return psu_curve(level, "230v_redundant")


def assemble_power(p: np.ndarray, state: np.ndarray, scn, setup: PowerSetup, weather=None, *,
                   file: str | None = None) -> dict:
    """Fill the ``# power chain and storage`` parameters and the storage state from ``setup`` (the
    scenario's :func:`power_setup`); return design extras.

    Called by :func:`twin.engine.plant.assemble` after the ``[power]`` parameters are set.  With every
    section at its default the legacy parameters are left as they are.
    """
    from components.layout import PARAM, STATE
    from components.power import psu
    from components.power.distribution import run_coefficient
    from components.power.hvdc import BUS_VOLTAGE_V
    from components.storage import battery as bat

    pc, pw, dist = scn.power_chain, scn.power, scn.distribution
    modules = power_chain_data("modules")

    # conversion stage
    p[PARAM.chain_kind] = CHAIN_CODES[setup.architecture]
    p[PARAM.chain_systems] = setup.systems
    p[PARAM.module_rating_w] = setup.module_w
    p[PARAM.modules_per_system] = setup.modules_per_system
    p[PARAM.modules_redundant] = setup.redundant_modules
    p[PARAM.module_target_load] = pc.target_load
    p[PARAM.module_hibernation] = 1.0 if pc.hibernation else 0.0
    if setup.architecture != "legacy_ups":
        name = pc.module_curve or DEFAULT_MODULE_CURVE[setup.architecture]
        if name not in modules:
            raise InputError(f"unknown module curve '{name}'; choose one of {sorted(modules)}", file=file,
                             key="power_chain.module_curve")
        row = modules[name]
        p[PARAM.module_no_load] = row["no_load"]
        p[PARAM.module_proportional] = row["proportional"]
        p[PARAM.module_square_law] = row["square_law"]
        p[PARAM.mv_tx_no_load] = row.get("tx_no_load", 0.0) if setup.architecture == "mv_ups_10kv" else 0.0
        p[PARAM.mv_tx_square_law] = row.get("tx_square_law", 0.0) if setup.architecture == "mv_ups_10kv" else 0.0
    p[PARAM.eco_mode] = 1.0 if setup.eco_mode else 0.0
    p[PARAM.eco_no_load] = modules["eco_mode"]["no_load"]
    p[PARAM.eco_proportional] = modules["eco_mode"]["proportional"]

    # distribution
    d = power_chain_data("distribution")
    if dist.kind != "lumped":
        material = dist.material or d["material"]
        temp = dist.conductor_temp_c if dist.conductor_temp_c is not None else d["conductor_temp_c"]
        j_cable = dist.cable_current_density_a_mm2 or d["cable_current_density_a_mm2"]
        j_bus = dist.busway_current_density_a_mm2 or d["busway_current_density_a_mm2"]
        j_row = j_bus if dist.kind == "busway" else j_cable
        j_feeder = j_bus if (dist.kind == "busway" and dist.trunk_busway) else j_cable
        voltage = BUS_VOLTAGE_V.get(setup.architecture, d["voltage_ac_v"])
        coef = run_coefficient(dist.kind, material, temp,
                               dist.feeder_length_m if dist.feeder_length_m is not None else d["feeder_length_m"],
                               j_feeder, dist.row_length_m if dist.row_length_m is not None else d["row_length_m"],
                               j_row, voltage, setup.dc_bus, pw.power_factor)
        p[PARAM.distribution_rating_w] = pw.pdu_rating_kw * 1e3
        p[PARAM.distribution_square_law] = coef
        p[PARAM.switchgear_square_law] = max(0.0, pw.switchgear_square_law - d["replaced_lumped_wiring"])

    # server PSUs
    dc_input = {"auto": setup.dc_bus, "ac": False, "dc": True}[pc.psu_input]
    if dc_input and not setup.dc_bus:
        raise InputError(f"DC-input PSUs need a DC bus (architecture hvdc_240, hvdc_336 or mv_ups_10kv; got "
                         f"'{setup.architecture}')", file=file, key="power_chain.psu_input")
    ref_x, ref_e = _psu_points(pc.psu_reference_level)
    new_x, new_e = _psu_points(pc.psu_level)
    p[PARAM.psu_capacity_w] = pc.psu_capacity_ratio * p[PARAM.it_peak_w]
    p[PARAM.psu_convert] = 1.0 if (pc.psu_level != pc.psu_reference_level or dc_input) else 0.0
    p[PARAM.psu_dc_input] = 1.0 if dc_input else 0.0
    p[PARAM.psu_dc_loss_reduction] = psu.DC_LOSS_REDUCTION
    p[PARAM.psu_ref_points] = len(ref_x)
    p[PARAM.psu_ref_x0:PARAM.psu_ref_x0 + len(ref_x)] = ref_x
    p[PARAM.psu_ref_e0:PARAM.psu_ref_e0 + len(ref_e)] = ref_e
    p[PARAM.psu_new_points] = len(new_x)
    p[PARAM.psu_new_x0:PARAM.psu_new_x0 + len(new_x)] = new_x
    p[PARAM.psu_new_e0:PARAM.psu_new_e0 + len(new_e)] = new_e

    # storage and backup
    chem = setup.chemistry
    rated_kwh = setup.battery_rated_j / 3.6e6
    p[PARAM.battery_float_w] = (bat.float_loss_w(chem, rated_kwh, setup.battery_room_c)
                                if setup.battery_explicit else 0.0)
    p[PARAM.storage_charge_w] = 0.0
    p[PARAM.storage_discharge_w] = 0.0
    p[PARAM.storage_charge_efficiency] = chem.charge_efficiency if chem is not None else 1.0
    p[PARAM.storage_discharge_efficiency] = chem.discharge_efficiency if chem is not None else 1.0
    p[PARAM.flywheel_standby_w] = setup.flywheel_standby_w
    if setup.backup_kind == "fuel_cell":
        p[PARAM.generator_heater_w] = pw.generator_kw * 1e3 * storage_data("fuel_cell")["standby_fraction"]
    elif setup.backup_kind == "none":
        p[PARAM.generator_heater_w] = 0.0
    p[PARAM.supply_grid_fraction] = 1.0
    p[PARAM.supply_backup_fraction] = 0.0
    if chem is not None:
        state[STATE.battery_energy_j] = setup.battery_rated_j * chem.start_soh
        state[STATE.battery_health] = chem.start_soh

    return {
        "power_architecture": setup.architecture,
        "critical_system_kw": setup.system_w / 1e3,
        "critical_systems": setup.systems,
        "battery_kind": setup.battery_kind,
        "battery_kwh": rated_kwh,
        "battery_autonomy_min_at_design": setup.autonomy_s_installed / 60.0,
        "flywheel_kw": setup.flywheel_rated_w / 1e3,
        "backup_kind": setup.backup_kind,
        "pv_kwp": setup.pv_kwp,
    }
