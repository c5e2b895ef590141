"""Scenario sections ``[policy]`` and ``[roadmap]``: the inputs of the policy and money metrics.

``[policy]`` says which PUE limit the site is judged against, how electricity is priced (the
time-of-use tariff, the flat price, the demand charge and the PUE-tiered surcharge), which grid
emission factor applies, what renewable electricity the site has, how coal equivalents are
counted and the finance parameters of measure economics.  ``[roadmap]`` holds the multi-year
carbon roadmap inputs (Guangdong measure 25).  Every default names its unit and its source, or
says "assumption" with a reason.  The rule tables themselves (limits, grades, tariff periods,
surcharge bands, emission factors, costs) are data files under ``twin/data/``; this module also
holds the checks of the two rule-file formats a user may write (:func:`check_bands`,
:func:`check_tou_periods`), so a bad file is rejected with an :class:`InputError` naming the
file and the key.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, model_validator

from twin.errors import InputError
from twin.inputs.schema_base import Fraction, InputModel as _Model




# ---------------------------------------------------------------------------------------------
# Rule files: PUE surcharge bands and TOU periods
# ---------------------------------------------------------------------------------------------

class SurchargeBand(_Model):
    """One band of a PUE-tiered electricity surcharge: applies when ``pue_min < PUE <= pue_max``."""

    pue_min: float = Field(ge=0.0, description="exclusive lower PUE edge of the band [-]")
    pue_max: float = Field(gt=0.0, allow_inf_nan=True, description="inclusive upper PUE edge of the band [-]; inf for the top band")
    cny_per_kwh: float = Field(ge=-5.0, le=10.0, description="surcharge on every kWh bought from the grid [CNY/kWh]")


class SurchargeRule(_Model):
    """A PUE-tiered (differential) electricity price rule: a table of PUE bands."""

    name: str = Field(description="name of the rule shown in reports")
    source: str = Field(description="where the rule comes from, or 'ASSUMPTION' and why")
    basis: Literal["annual", "monthly"] = Field("annual", description=(
        "which PUE selects the band: the PUE of the whole run ('annual') or of each calendar month "
        "('monthly', applied to that month's electricity)"))
    applies_to: str = Field("all electricity bought from the grid", description="what the surcharge is charged on")
    bands: list[SurchargeBand] = Field(min_length=1, description="bands in ascending PUE order")


def check_bands(bands: list[SurchargeBand], *, file: str | None, key: str) -> None:
    """Reject a band table that leaves a PUE uncovered or covers one twice.

    Bands are ``(pue_min, pue_max]``, listed in ascending order.  The first must start at or
    below PUE 1.0 (the physical minimum), the last must end at ``inf``, and each band must
    start exactly where the previous one ends.

    Raises
    ------
    InputError
        Naming ``file`` and the offending key, e.g. ``policy.tariff.surcharge_rule.bands.1.pue_min``.
    """
    for k, band in enumerate(bands):
        if not band.pue_max > band.pue_min:
            raise InputError(f"band {k} is empty: pue_max {band.pue_max} must be above pue_min {band.pue_min}",
                             file=file, key=f"{key}.{k}.pue_max")
    if bands[0].pue_min > 1.0:
        raise InputError(f"the first band must start at or below PUE 1.0 so every PUE is covered, "
                         f"got pue_min = {bands[0].pue_min}", file=file, key=f"{key}.0.pue_min")
    for k in range(1, len(bands)):
        before, here = bands[k - 1].pue_max, bands[k].pue_min
        if here > before:
            raise InputError(f"gap in the PUE bands: band {k - 1} ends at {before} but band {k} starts at {here}; "
                             f"PUE in ({before}, {here}] would have no surcharge band", file=file, key=f"{key}.{k}.pue_min")
        if here < before:
            raise InputError(f"overlap in the PUE bands: band {k} starts at {here} but band {k - 1} runs to {before}; "
                             f"PUE in ({here}, {before}] would fall in two bands (bands must be listed in ascending "
                             f"order, each starting where the previous one ends)", file=file, key=f"{key}.{k}.pue_min")
    if not math.isinf(bands[-1].pue_max):
        raise InputError(f"the last band must end at inf so every PUE is covered, got pue_max = {bands[-1].pue_max}",
                         file=file, key=f"{key}.{len(bands) - 1}.pue_max")


class TouPeriod(_Model):
    """One time-of-use period: its clock hours and its price relative to the flat price."""

    hours: list[Annotated[list[Annotated[int, Field(ge=0, le=24)]], Field(min_length=2, max_length=2)]] = Field(
        description="[start, end) hour ranges, local standard time")
    ratio: float = Field(gt=0.0, le=10.0, description="price / flat price [-]")


class CriticalPeak(_Model):
    """Critical-peak (尖峰) days and hours."""

    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(default_factory=list, description="every day of these months is a critical-peak day")
    hot_day_threshold_c: float | None = Field(None, description="other days with a daily maximum dry bulb >= this are critical-peak days [degC]")
    hours: list[Annotated[list[Annotated[int, Field(ge=0, le=24)]], Field(min_length=2, max_length=2)]] = Field(
        description="[start, end) hour ranges charged at peak x multiplier")
    multiplier_of_peak: float = Field(gt=0.0, le=5.0, description="critical-peak price / peak price [-]")
    proxy: str = Field("", description="how the temperature condition is evaluated")


class TouTariff(_Model):
    """A time-of-use tariff file."""

    name: str
    source: str
    periods: dict[str, TouPeriod] = Field(description="must include 'peak' and 'flat'; every hour 0-23 in exactly one period")
    critical_peak: CriticalPeak | None = None


def _hours(ranges: list[list[int]]) -> list[int]:
    return [h for start, end in ranges for h in range(start, end)]


def check_tou_periods(tariff: TouTariff, *, file: str | None, key: str = "periods") -> None:
    """Every clock hour 0-23 must belong to exactly one period; critical-peak hours must be peak hours."""
    owner: dict[int, str] = {}
    for name, period in tariff.periods.items():
        for start, end in period.hours:
            if not start < end:
                raise InputError(f"hour range [{start}, {end}) is empty", file=file, key=f"{key}.{name}.hours")
        for h in _hours(period.hours):
            if h in owner:
                raise InputError(f"hour {h}:00 is in both '{owner[h]}' and '{name}'", file=file, key=f"{key}.{name}.hours")
            owner[h] = name
    missing = [h for h in range(24) if h not in owner]
    if missing:
        raise InputError(f"hours {missing} belong to no period", file=file, key=key)
    for needed in ("peak", "flat"):
        if needed not in tariff.periods:
            raise InputError(f"a '{needed}' period is required", file=file, key=key)
    if tariff.critical_peak is not None:
        off_peak = [h for h in _hours(tariff.critical_peak.hours) if owner.get(h) != "peak"]
        if off_peak:
            raise InputError(f"critical-peak hours {off_peak} are not peak hours", file=file, key="critical_peak.hours")


# ---------------------------------------------------------------------------------------------
# [policy]
# ---------------------------------------------------------------------------------------------

class Tariff(_Model):
    tou: str = Field("guangdong_tou_2021", description=(
        "time-of-use tariff: a file in twin/data/tariffs/ (name without .toml) or a path relative to the scenario. "
        "Default: Guangdong 粤发改价格〔2021〕331号 (docs/sources.md 4.4, S)"))
    flat_price_cny_per_kwh: float = Field(0.65, gt=0.0, le=5.0, description=(
        "flat-period (平段) energy price [CNY/kWh]. ASSUMPTION: the notice fixes only the 1.7 : 1 : 0.38 ratios; "
        "0.65 stands for a 1-10 kV commercial agency-purchase price including T&D, government funds and surcharges "
        "(the 0.4530 example in docs/sources.md 4.4 excludes funds and surcharges); replace it with the site's bill"))
    demand_charge_cny_per_kw_month: float = Field(0.0, ge=0.0, le=200.0, description=(
        "demand (需量) charge on each calendar month's peak grid power [CNY/(kW month)]. ASSUMPTION 0: no sourced "
        "value in docs/sources.md; set it from the site's two-part tariff. The monthly peak is the highest step-mean "
        "power, so with hourly steps it understates a 15-min metered demand"))
    critical_peak: bool = Field(True, description=(
        "apply the tariff's critical-peak (尖峰) rule; the site weather's daily maximum dry bulb stands in for "
        "Guangzhou's (docs/sources.md 4.4; proxy documented in docs/policy.md)"))
    surcharge: str = Field("none", description=(
        "PUE-tiered surcharge rule: a file in twin/data/surcharges/ (name without .toml), a path relative to the "
        "scenario, or 'none'. Default 'none': Guangdong has published no surcharge amounts (docs/sources.md 4.3). "
        "'guangdong_assumption' is the named assumed rule (Beijing's 2021 amounts, themselves from memory, above "
        "Guangdong's limit 1.5; evidence: assumption); 'beijing_2021' is the Beijing example. Every cost block "
        "also reports what the assumed rule would add (policy.cost.assumed_surcharge_cny) without charging it"))
    surcharge_rule: SurchargeRule | None = Field(None, description="inline surcharge rule table; replaces `surcharge` when given")


class Carbon(_Model):
    grid_factor_kg_per_kwh: float | None = Field(None, gt=0.0, le=2.0, description=(
        "grid emission factor override [kgCO2/kWh]; default: the site's grid region in twin/data/grid_factors.toml "
        "(Guangdong 0.4419 for 2023, MEE/NBS 公告2025年第47号, docs/sources.md 4.5)"))
    grid_factor_year: int | None = Field(None, ge=2000, le=2100, description=(
        "data year of the regional factor; default: default_year of twin/data/grid_factors.toml (2023)"))
    grid_factor_csv: str | None = Field(None, description=(
        "hourly emission factors: CSV (relative to the scenario) with 8760 rows in hour-of-year order, "
        "January 1 00:00 first, local standard time"))
    grid_factor_column: str = Field("kg_co2_per_kwh", description="column of grid_factor_csv holding the factor [kgCO2/kWh]")

    @model_validator(mode="after")
    def _one_source(self):
        if self.grid_factor_kg_per_kwh is not None and self.grid_factor_csv is not None:
            raise ValueError("give grid_factor_kg_per_kwh or grid_factor_csv, not both")
        return self


class Renewables(_Model):
    onsite_pv_kwh: float = Field(0.0, ge=0.0, description=(
        "on-site PV generation used by the facility over the run [kWh]; it reduces grid purchases. Input number "
        "until the PV model adds a result channel (default 0: no PV)"))
    green_power_kwh: float = Field(0.0, ge=0.0, description="green-power trading contracts (绿色电力交易) over the run [kWh] (default 0)")
    green_certificates_kwh: float = Field(0.0, ge=0.0, description="green electricity certificates (绿证) bought for the run [kWh] (default 0)")


class Coal(_Model):
    coal_rate_gce_per_kwh: float = Field(302.4, gt=100.0, le=500.0, description=(
        "power-supply coal consumption rate for the equal-value (等价值) conversion [gce/kWh]. Source: 302.4 gce/kWh "
        "for 2024, CEC 中国电力行业年度发展报告2025 (docs/sources.md 4.6, S)"))
    monitoring_basis: Literal["equivalent", "equal_value"] = Field("equivalent", description=(
        "which standard-coal value the > 5000 tce/yr online-monitoring flag (measure 21) uses. Default "
        "'equivalent' (当量值, 0.1229 kgce/kWh): GB/T 2589-2020 computes comprehensive energy consumption with "
        "purchased electricity at its calorific equivalent (docs/sources.md 4.6, S); the equal-value flag is reported "
        "alongside because some energy-review rules count 等价值"))


class Finance(_Model):
    discount_rate: float = Field(0.08, ge=0.0, le=0.5, description=(
        "real discount rate [-/yr]. Source: 8 % social discount rate of 建设项目经济评价方法与参数 (3rd ed., "
        "NDRC/MOHURD 2006) (M, from memory)"))
    horizon_years: int = Field(15, ge=1, le=50, description=(
        "appraisal horizon [yr]. Assumption: typical M&E life; matches the 15-yr battery comparison in docs/sources.md 3"))
    electricity_escalation: float = Field(0.0, ge=-0.2, le=0.2, description="real electricity price change per year [-/yr] (assumption: constant real prices)")
    water_price_cny_per_m3: float = Field(5.0, ge=0.0, le=100.0, description=(
        "water + sewage price [CNY/m3]. ASSUMPTION: Guangdong non-residential water plus sewage charges are of "
        "the order 4-6 CNY/m3 (M, unverified)"))
    carbon_price_cny_per_t: float = Field(0.0, ge=0.0, le=2000.0, description=(
        "price of CO2 avoided [CNY/t] (assumption 0: data centres are not in the national ETS)"))
    cost_overrides: dict[str, dict[str, float | int | str]] = Field(default_factory=dict, description=(
        "per-row overrides of twin/data/costs.toml, e.g. {containment = {capex_cny_per_unit = 2500}}"))


class Policy(_Model):
    """The ``[policy]`` section."""

    region: Literal["auto", "guangdong", "none"] = Field("auto", description=(
        "policy region whose rules apply (PUE limit, tariff, surcharge, CNY costs, measures 13 and 21): "
        "'guangdong' (the only region bundled), 'none' (no regional rules: no limit, compliance, tariff or cost; "
        "national GB 40879 grade, carbon and coal figures stay), or 'auto' (default): Guangdong for a bundled "
        "Guangdong site; for any other site (another province, or an EPW path) Guangdong's rules are applied as a "
        "flagged ASSUMPTION (policy.region.assumed = true) so that costs stay comparable; choose 'none' to drop them"))
    site_class: Literal["shaoguan_new", "guangdong_new", "existing_retrofit", "national_hub"] = Field(
        "existing_retrofit", description=(
            "which PUE limit applies: shaoguan_new 1.25 and guangdong_new 1.3 (measure 5), existing_retrofit 1.5 "
            "(measure 6), national_hub 1.2 (发改环资〔2024〕970号); limits and sources in twin/data/policy.toml. "
            "Default: existing_retrofit (the bundled scenarios are existing rooms)"))
    tariff: Tariff = Field(default_factory=Tariff)
    carbon: Carbon = Field(default_factory=Carbon)
    renewables: Renewables = Field(default_factory=Renewables)
    coal: Coal = Field(default_factory=Coal)
    finance: Finance = Field(default_factory=Finance)


# ---------------------------------------------------------------------------------------------
# [roadmap]
# ---------------------------------------------------------------------------------------------

class Roadmap(_Model):
    """The ``[roadmap]`` section: year k scales the base scenario as described per field."""

    years: int = Field(10, ge=1, le=50, description="number of roadmap years, the base year included (k = 0 .. years-1)")
    start_year: int | None = Field(None, ge=1900, le=2200, description=(
        "calendar year of k = 0 in the tables; default: scenario.year. Label only: every year is simulated with "
        "the same typical-year weather and calendar"))
    it_growth: float = Field(0.05, ge=-0.5, le=1.0, description=(
        "IT utilisation growth per year: utilisation x (1 + it_growth)^k [-/yr] (assumption: 5 %/yr)"))
    grid_factor_decline: float = Field(0.024, ge=-0.5, le=0.5, description=(
        "grid emission factor decline per year: factor x (1 - decline)^k [-/yr]. Source: national average "
        "0.5568 (2021) -> 0.5306 (2023), (0.5306/0.5568)^(1/2) - 1 = -2.4 %/yr (docs/sources.md 4.5, C)"))
    renewable_share_start: Fraction | None = Field(None, description=(
        "renewable share of facility electricity in year 0 [-]; default: the share from [policy.renewables]"))
    renewable_share_step: float = Field(0.05, ge=0.0, le=1.0, description=(
        "renewable share added per year, capped at 1 [-/yr] (assumption: 5 points a year; the 2024 action plan "
        "asks > 80 % green power at hub nodes, docs/sources.md 4.2)"))
