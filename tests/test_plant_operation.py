"""Plants run as real plants do: economizers and IEC only when they pay, no negative heat flow.

Issue 14: in partial mode the water-side economizer used to cost more than it saved (+15.7 MWh
over 855 h), and the IEC ran with the outdoor air warmer than the return (-457 kW for 146 h).
"""

import copy
import tomllib

import numpy as np
import pytest
from components.cooling.air_management import CP_AIR
from components.layout import OUTPUT, PARAM
from conftest import SCENARIOS, assert_energy_closes, assert_heat_closes, run_dict
from twin.engine.simulate import prepare, run_plant
from twin.inputs.schema import validate_scenario

# heat flows [W] that are never negative; q_unmet is heat the plant could not remove
THERMAL_FLOWS = ("q_room_sensible", "q_latent", "q_coil", "q_economizer", "q_evaporator", "q_condenser",
                 "q_rejected_wet", "q_rejected_dry", "q_unmet", "q_liquid", "q_liquid_to_plant", "q_iec",
                 "q_tes_charge", "q_tes_discharge", "q_purchased_cooling")
PLANT_POWER = ("p_chillers", "p_chw_pumps", "p_cw_pumps", "p_tower_fans", "p_iec_secondary")


def _plant_power(result):
    return sum(result.out[OUTPUT[k]] for k in PLANT_POWER)


def _with_and_without(legacy_dict, measures, param):
    """The same assembled plant run with ``param`` on and off (nothing else differs)."""
    d = copy.deepcopy(legacy_dict)
    d["measures"] = measures
    plant = prepare(validate_scenario(d), base_dir=SCENARIOS)
    on = run_plant(plant)
    plant.params[param] = 0.0
    return on, run_plant(plant)


def test_economizer_never_costs_more_than_mechanical_cooling(legacy_dict):
    on, off = _with_and_without(legacy_dict, [{"name": "variable_speed_drives"},
                                              {"name": "waterside_economizer"}], PARAM.economizer)
    mode = on.out[OUTPUT.economizer_mode]
    assert (mode == 1).sum() > 100, "the case must exercise partial economizing"
    extra = _plant_power(on) - _plant_power(off)
    assert extra.max() <= 1e-6 * _plant_power(off).max()
    saved_kwh = -extra.sum() / 1e3
    assert saved_kwh > 0.0
    assert np.all(on.out[OUTPUT.q_unmet] <= off.out[OUTPUT.q_unmet] + 1e-6)


def test_iec_never_heats_the_air_nor_costs_energy(legacy_dict):
    d = copy.deepcopy(legacy_dict)
    d["measures"] = [{"name": "indirect_evaporative_cooling"}]
    result = run_dict(d)
    assert result.out[OUTPUT.q_iec].min() >= 0.0
    # wherever the IEC runs, its fans and pumps cost less than the DX power it saves: compare with
    # DX alone at the same step
    iec_on = result.out[OUTPUT.q_iec] > 0.0
    assert iec_on.sum() > 1000
    bypassed = result.out[OUTPUT.iec_mode] == 0
    assert bypassed.sum() > 0, "Guangzhou's hot humid hours must bypass the IEC"
    assert np.all(result.out[OUTPUT.p_iec_secondary][bypassed] == 0.0)


def _shipped_cases():
    """Every bundled scenario and every mix of every bundled study: ``(id, Scenario, base_dir)``."""
    from twin.inputs.schema import load_scenario
    from twin.inputs.site_schema import is_site, load_site
    from twin.study.design import load_study
    cases = []
    for path in sorted(SCENARIOS.glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        if "study" in data:
            study = load_study(path)
            cases += [(f"{path.stem}: {mix.name}", study.scenario(mix), study.base_dir) for mix in study.mixes]
        elif is_site(data):  # each hall alone (a shared-plant hall as its air side); the shared plant: test_site.py
            cases += [(f"{path.stem}: {h.name}", h.scenario, SCENARIOS) for h in load_site(path).halls]
        elif "scenario" in data:
            cases.append((path.stem, load_scenario(path), SCENARIOS))
    return cases


def test_no_thermal_flow_is_negative_in_shipped_scenarios():
    from twin.engine.simulate import run_scenario
    cases = _shipped_cases()
    assert len(cases) > 20
    for name, scn, base_dir in cases:
        out = run_scenario(scn, base_dir=base_dir).out
        for k in THERMAL_FLOWS:
            assert out[OUTPUT[k]].min() >= 0.0, (name, k, out[OUTPUT[k]].min())


@pytest.mark.parametrize("site, measures", [
    # outdoor air ahead of IEC: the outdoor air carried the whole room load and round-off left the
    # coil and the IEC -1e-11 W in 2,181 hours (Guangzhou) until 2026-12-06
    ("guangzhou", [{"name": "air_side_economizer", "evaporative": True}, {"name": "indirect_evaporative_cooling"},
                   {"name": "liquid_cooling"}]),
    ("hohhot", [{"name": "air_side_economizer", "evaporative": True}, {"name": "indirect_evaporative_cooling"},
                {"name": "liquid_cooling"}, {"name": "ai_control"}]),
    # a tank charged through the economizer: the chillers' share of the charge, q_hx - q_chw, must
    # not come out at -1e-11 W where the economizer carries it all
    ("hohhot", [{"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
                {"name": "air_side_economizer", "evaporative": True}, {"name": "waterside_economizer"},
                {"name": "liquid_cooling"}, {"name": "thermal_storage"}]),
])
def test_no_thermal_flow_is_negative_in_the_hybrids_not_even_by_round_off(legacy_dict, site, measures):
    d = copy.deepcopy(legacy_dict)
    d["scenario"]["site"] = site
    d["measures"] = measures
    out = run_dict(d).out
    for k in THERMAL_FLOWS:
        assert out[OUTPUT[k]].min() >= 0.0, (k, out[OUTPUT[k]].min())


def _dx_room(legacy_dict, site, measures=()):
    d = copy.deepcopy(legacy_dict)
    d["plant"] = {"type": "dx", "chillers": 24, "chiller_capacity_kw": 100.0, "chiller_rated_cop": 3.0,
                  "chiller_curves": "dx_crac_eplus_curve_i"}
    d["scenario"]["site"] = site
    d["measures"] = list(measures)
    return run_dict(d)


def test_pumped_refrigerant_economizer_pays_most_in_cold_climates(legacy_dict):
    """The pump circuits take the load in cold hours, never cost more, and save more in Hohhot."""
    from twin.metrics.energy import energy_summary
    saved = {}
    for site in ("guangzhou", "hohhot"):
        base = _dx_room(legacy_dict, site)
        eco = _dx_room(legacy_dict, site, [{"name": "pumped_refrigerant_economizer"}])
        cooling = lambda r: r.out[OUTPUT.p_chillers] + r.out[OUTPUT.p_refrigerant_pumps]  # noqa: E731
        assert np.all(cooling(eco) <= cooling(base) * (1 + 1e-12))
        assert eco.out[OUTPUT.q_pumped_refrigerant].min() >= 0.0
        assert np.all(eco.out[OUTPUT.q_unmet] <= base.out[OUTPUT.q_unmet] + 1e-6)
        saved[site] = energy_summary(base)["pue"]["value"] - energy_summary(eco)["pue"]["value"]
    assert saved["hohhot"] > saved["guangzhou"] > 0.0


def test_air_cooled_chillers_follow_the_outdoor_air(legacy_dict):
    d = copy.deepcopy(legacy_dict)
    d["plant"] = {"type": "air_cooled_chiller", "chillers": 4, "chiller_capacity_kw": 450.0,
                  "chiller_rated_cop": 3.08, "chiller_curves": "trane_cgam130_air_cooled"}
    r = run_dict(d)
    on = r.out[OUTPUT.chillers_on] > 0
    cop = r.out[OUTPUT.q_evaporator][on] / r.out[OUTPUT.p_chillers][on]
    t_out = r.plant.boundary[0][on]
    assert np.corrcoef(cop, t_out)[0, 1] < -0.8  # colder air, higher COP
    assert r.out[OUTPUT.p_cw_pumps].max() == 0.0 and r.out[OUTPUT.p_tower_fans].max() == 0.0
    assert np.array_equal(r.out[OUTPUT.t_condenser][on], t_out)


def test_air_side_follows_the_air_share_of_a_cold_plate_hall(legacy_dict):
    """Servers move air only for the heat that leaves them as air, so variable CRAH fans slow down
    with liquid cooling, and a 90 % cold-plate hall keeps its racks inside A1 allowable."""
    from twin.metrics.energy import A1_ALLOWABLE_C
    runs = {}
    for frac in (0.0, 0.9):
        d = copy.deepcopy(legacy_dict)
        d["measures"] = [{"name": "containment"}, {"name": "variable_speed_drives"}]
        if frac:
            d["measures"].append({"name": "liquid_cooling", "fraction": frac})
        runs[frac] = run_dict(d)
    crah = {f: r.out[OUTPUT.crah_flow_ratio].mean() for f, r in runs.items()}
    floor = runs[0.9].plant.scenario.crah.min_speed
    assert crah[0.9] < crah[0.0] and crah[0.9] <= max(floor, 0.5 * crah[0.0]) + 1e-9
    assert runs[0.9].out[OUTPUT.t_rack_inlet_max].max() <= A1_ALLOWABLE_C[1]


def test_air_side_economizer_and_evaporative_pad(legacy_dict):
    """Outdoor air is used only when colder than the return air and inside the dew-point band; the
    pad adds hours and uses water; energy and heat close."""
    from conftest import assert_energy_closes, assert_heat_closes
    with open(SCENARIOS / "guangzhou_dx_room.toml", "rb") as fh:
        dx_room = tomllib.load(fh)
    runs = {}
    for name, measures in {"off": [], "air": [{"name": "air_side_economizer"}],
                           "evap": [{"name": "air_side_economizer", "evaporative": True}]}.items():
        d = copy.deepcopy(dx_room)
        d["scenario"]["site"] = "hohhot"
        d["measures"] = [{"name": "containment"}] + measures
        runs[name] = run_dict(d)
        assert_energy_closes(runs[name])
        assert_heat_closes(runs[name])
    air = runs["air"]
    used = air.out[OUTPUT.outdoor_air_fraction] > 0
    t_oa = air.plant.boundary[0]
    dew = air.plant.boundary[4]
    assert used.sum() > 1000
    assert np.all(t_oa[used] < air.out[OUTPUT.t_return_air][used])
    assert np.all((dew[used] >= 5.5) & (dew[used] <= 15.0))
    assert air.out[OUTPUT.water_direct_evaporative].max() == 0.0
    evap = runs["evap"]
    assert (evap.out[OUTPUT.outdoor_air_fraction] > 0).sum() > used.sum()
    assert evap.out[OUTPUT.water_direct_evaporative].sum() > 0.0
    compressors = {k: r.out[OUTPUT.p_chillers].sum() for k, r in runs.items()}
    assert compressors["evap"] < compressors["air"] < compressors["off"]


def test_economizer_controls(legacy_dict):
    """'cheapest' never costs more than either tower mode or EnergyPlus's temperature control;
    temperature control economizes in every hour the tower water allows."""
    power = {}
    hours = {}
    for tower, control in (("cheapest", "cheapest"), ("flat_out", "cheapest"), ("setpoint", "cheapest"),
                           ("setpoint", "temperature")):
        d = copy.deepcopy(legacy_dict)
        d["scenario"]["site"] = "beijing"
        d["measures"] = [{"name": "variable_speed_drives"}, {"name": "waterside_economizer"}]
        d["plant"].update(economizer_tower=tower, economizer_control=control)
        r = run_dict(d)
        power[tower, control] = _plant_power(r)
        hours[tower, control] = int((r.out[OUTPUT.q_economizer] > 0).sum())
    best = power["cheapest", "cheapest"]
    for key, p in power.items():
        assert np.all(best <= p * (1 + 1e-9) + 1e-6), key
    assert hours["setpoint", "temperature"] >= hours["setpoint", "cheapest"]


def test_liquid_loop_tower_takes_more_than_a_dry_cooler_in_humid_heat(legacy_dict):
    """In Guangzhou a W27 loop's tower (wet bulb) leaves less to the chillers than a dry cooler
    (dry bulb), and pays in water; the IEC plant's spray now blows down too."""
    from twin.metrics.energy import energy_summary
    runs = {}
    for rejection in ("dry_cooler", "tower"):
        d = copy.deepcopy(legacy_dict)
        d["measures"] = [{"name": "liquid_cooling", "water_class": "W27", "rejection": rejection}]
        runs[rejection] = run_dict(d)
    trim = {k: r.out[OUTPUT.q_liquid_to_plant].sum() for k, r in runs.items()}
    # 0.28 measured 2026-12-07 (the tower's water holding its range at part load); below 0.2 before,
    # when the tower was booked heat it could not reject at part load
    assert trim["tower"] < 0.4 * trim["dry_cooler"]
    assert runs["tower"].out[OUTPUT.water_liquid_tower].sum() > 0.0
    assert runs["dry_cooler"].out[OUTPUT.water_liquid_tower].max() == 0.0
    assert energy_summary(runs["tower"])["wue"]["value"] > energy_summary(runs["dry_cooler"])["wue"]["value"]
    assert np.all(runs["tower"].out[OUTPUT.q_liquid_to_plant] >= 0.0)


def test_pumped_refrigerant_vendor_table_equals_the_linear_law_it_tabulates(legacy_dict):
    """A table holding the linear law's own points gives the linear law's run; a rated return air
    reads the table against the outdoor air alone; the hours beyond the table are counted."""
    from twin.metrics.energy import energy_summary
    dt = 25.0  # the default pumped_refrigerant_design_dt_k
    law = _dx_room(legacy_dict, "hohhot", [{"name": "pumped_refrigerant_economizer", "design_dt_k": dt}])
    tab = _dx_room(legacy_dict, "hohhot", [{"name": "pumped_refrigerant_economizer",
                                           "capacity": [[dt / 2, 0.5], [dt, 1.0], [2 * dt, 1.5]]}])
    both = law.out[OUTPUT.q_pumped_refrigerant] > 0
    # identical wherever the return-to-outdoor difference stays within dT_design ...
    t_ret, t_out = law.out[OUTPUT.t_return_air], law.plant.weather.temp_air
    inside = both & (t_ret - t_out <= dt)
    assert inside.sum() > 100
    assert np.allclose(tab.out[OUTPUT.q_pumped_refrigerant][inside], law.out[OUTPUT.q_pumped_refrigerant][inside],
                       rtol=1e-9)
    held = energy_summary(tab)["hours_pumped_refrigerant_table_held"]["value"]
    assert held == float(((tab.out[OUTPUT.q_pumped_refrigerant] > 0) & (t_ret - t_out > 2 * dt)).sum())
    # ... and against the outdoor air alone when the table names its rated return air
    fixed = _dx_room(legacy_dict, "hohhot", [{"name": "pumped_refrigerant_economizer", "table_return_c": 40.0,
                                             "capacity": [[10.0, 0.2], [40.0, 1.0]]}])
    q = fixed.out[OUTPUT.q_pumped_refrigerant]
    cap = fixed.plant.params[PARAM.pre_design_w]
    on = (q > 0) & (q < fixed.out[OUTPUT.q_coil] - 1e-6)  # pump circuits at their capacity, compressors trim
    expected = np.interp(40.0 - t_out[on], [0.0, 10.0, 40.0], [0.0, 0.2, 1.0]) * cap
    assert on.sum() > 100 and np.allclose(q[on], expected, rtol=1e-9)


@pytest.mark.parametrize("table, words", [
    ([[10.0, 0.5], [5.0, 0.8]], "strictly increasing"),
    ([[10.0, 0.5], [20.0, 0.4]], "not decreasing"),
    ([[10.0, 2.0]], "0-1.5"),
    ([], "1-16"),
])
def test_pumped_refrigerant_table_is_checked(legacy_dict, table, words):
    from twin.errors import InputError
    with pytest.raises(InputError, match=words):
        _dx_room(legacy_dict, "hohhot", [{"name": "pumped_refrigerant_economizer", "capacity": table}])


def test_pump_table_example_of_the_docs_runs(legacy_dict):
    """The vendor pump-table example of docs/plants.md runs and its pump circuits carry heat."""
    import re
    from conftest import ROOT
    text = (ROOT / "docs" / "plants.md").read_text(encoding="utf-8").split("- **Pumped refrigerant**", 1)[1]
    block = tomllib.loads(re.search(r"```toml\n(.*?)```", text, re.S).group(1).replace("\n  ", "\n"))
    r = _dx_room(legacy_dict, "hohhot", block["measures"])
    assert r.out[OUTPUT.q_pumped_refrigerant].sum() > 0.0


def test_dew_point_band_by_humidity_ratio_decides_as_the_dew_point():
    """The humidity-ratio test of the economizer's dew-point band gives the dew-point comparison's
    answer, at the limits themselves and a hair either side of them, at sea level and at altitude."""
    from components import psychrometrics as ps
    from components.cooling.air_economizer import dew_point_in_band

    inside = outside = 0
    for p in (80000.0, 101325.0):
        for dew_min, dew_max in ((5.5, 15.0), (-9.0, 15.0)):
            limits = [ps.humidity_ratio_from_dew_point(d, p) for d in (dew_min, dew_max)]
            ws = np.concatenate([np.geomspace(1e-4, 0.03, 400)]
                                + [w * (1.0 + np.array([-1e-6, -1e-10, -1e-13, 0.0, 1e-13, 1e-10, 1e-6]))
                                   for w in limits])
            for w in ws:
                expected = dew_min <= ps.dew_point_from_humidity_ratio(w, p) <= dew_max
                assert dew_point_in_band(w, p, dew_min, dew_max) == expected, (w, p)
                inside += expected
                outside += not expected
    assert inside > 100 and outside > 100


@pytest.mark.parametrize("plant", [{}, {"economizer": True, "chw_supply_c": 14.0},
                                   {"type": "air_cooled_chiller", "chillers": 4, "chiller_capacity_kw": 450.0,
                                    "chiller_rated_cop": 3.08, "chiller_curves": "trane_cgam130_air_cooled"}])
def test_chilled_water_plant_writes_every_plant_channel(legacy_dict, plant):
    """The step does not clear the plant channels before a chilled-water plant (it writes them all)."""
    from components.cooling.cooling_tower import NO_TERMS
    from components.layout import PLANT_CHANNELS
    from components.plant.chilled_water import chilled_water_plant

    d = copy.deepcopy(legacy_dict)
    d["plant"].update(plant)
    arrays = prepare(validate_scenario(d), base_dir=SCENARIOS)
    written = [*PLANT_CHANNELS, OUTPUT.t_chw_supply, OUTPUT.t_condenser]
    o = np.full((arrays.n_steps, len(OUTPUT)), np.nan).T  # Fortran order, as the span kernels' block
    for i, q_coil in ((0, 0.0), (4000, 1.5e6)):
        chilled_water_plant(arrays.params, arrays.curves, q_coil, arrays.boundary, 0.0, o, i, NO_TERMS)
        assert not np.isnan(o[written, i]).any(), [OUTPUT(k).name for k in written if np.isnan(o[k, i])]


def test_flat_out_towers_start_from_the_last_approach_within_tolerance(legacy_dict):
    """Economizing towers flat out start their floating solve from the approach of the step before
    (kept in the towers' terms, slot 12); the plant gives what it gives when they start from the
    typical approach instead, within the plant's condenser-water tolerance."""
    from components.cooling.cooling_tower import NO_TERMS
    from components.plant.chilled_water import _PLANT_TOLERANCE_K, chilled_water_plant

    d = copy.deepcopy(legacy_dict)
    d["scenario"]["site"] = "hohhot"
    d["measures"] = [{"name": "waterside_economizer"}]
    arrays = prepare(validate_scenario(d), base_dir=SCENARIOS)
    b, p, c = arrays.boundary, arrays.params, arrays.curves
    carried, fresh = (np.zeros((arrays.n_steps, len(OUTPUT))).T for _ in range(2))  # as the kernels' block
    terms, used = NO_TERMS, 0
    for i in range(0, 2000):
        q_coil = 2.0e6 * (1.0 + 0.3 * np.sin(i / 7.0))  # a load the towers often cannot free-cool
        chilled_water_plant(p, c, q_coil, b, 0.0, fresh, i, terms[:12] + (np.nan,))
        used += terms[12] > 0.0
        _, terms = chilled_water_plant(p, c, q_coil, b, 0.0, carried, i, terms)
    assert used > 700  # winter: the towers economize flat out in many hours (760; where they cannot
    # make the water the economizer could use, free_cooling_water_c; they hold it elsewhere)
    assert np.array_equal(carried[OUTPUT.economizer_mode], fresh[OUTPUT.economizer_mode])
    assert np.abs(carried[OUTPUT.t_condenser] - fresh[OUTPUT.t_condenser]).max() <= _PLANT_TOLERANCE_K
    for k in (OUTPUT.p_chillers, OUTPUT.p_tower_fans, OUTPUT.q_economizer):
        assert np.abs(carried[k] - fresh[k]).max() <= 1e-3 * np.abs(fresh[k]).max()


@pytest.mark.parametrize("q_chw, t_chwr, c_min, eps", [(1.2e6, 13.0, 1.1e5, 0.72), (3.0e4, 7.4, 2.0e4, 0.5),
                                                       (8.0e5, 18.0, 9.0e4, 0.9)])
def test_free_cooling_water_is_where_the_economizer_just_carries_the_load(q_chw, t_chwr, c_min, eps):
    """At :func:`free_cooling_water_c` the plate HX carries the whole load (no chiller trims a rounding
    remainder); 1 mK warmer it does not, unless the changeover margin bounds it first."""
    from components.cooling.economizer import MODE_FREE, MODE_PARTIAL, economizer_duty_w
    from components.plant.chilled_water import free_cooling_water_c

    p = np.zeros(len(PARAM))
    p[PARAM.economizer_effectiveness], p[PARAM.economizer_margin_k] = eps, 1.0
    t = free_cooling_water_c(p, q_chw, t_chwr, c_min)
    q, mode = economizer_duty_w(q_chw, t_chwr, t, c_min, eps, 1.0)
    assert mode == MODE_FREE and q == q_chw
    if t < t_chwr - 1.0:
        assert economizer_duty_w(q_chw, t_chwr, t + 1e-3, c_min, eps, 1.0)[1] == MODE_PARTIAL
    else:
        assert t == t_chwr - 1.0


def test_economizing_towers_make_no_colder_water_than_free_cooling_needs(legacy_dict):
    """Towers economizing "flat out" hold the warmest water at which the plate HX carries the whole
    load, throttling their fans where they can reach it.  Before 2026-12-06 they ran flat out in
    all 4,403 free-cooling hours of Hohhot and cooled the condenser water to -14 degC (2,514 hours
    below freezing); the energy the fans then spent was 220 MWh a year against 20 MWh now."""
    from components.cooling.economizer import MODE_FREE

    d = copy.deepcopy(legacy_dict)
    d["scenario"]["site"] = "hohhot"
    d["measures"] = [{"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
                     {"name": "waterside_economizer"}]
    d["plant"].update(economizer_tower="flat_out")
    r = run_dict(d)
    free = r.out[OUTPUT.economizer_mode] == MODE_FREE
    assert free.sum() > 4000
    assert r.out[OUTPUT.t_condenser][free].min() > 5.0
    assert np.median(r.out[OUTPUT.tower_air_ratio][free]) < 0.5


def test_the_economizer_charges_a_chilled_water_tank_and_chillers_make_the_ice(legacy_dict):
    """In valley hours a chilled-water tank is charged through the plate HX as far as it can carry
    load and charge; only what it leaves falls to the chillers.  Ice is made by the chillers only:
    an "ice" store with both charging factors at 1 is otherwise the same tank, so it shows what
    chiller charging costs.  Until 2026-12-06 the chillers charged every tank, also in the 1,506
    hours of Hohhot's year in which the economizer carried the whole load."""
    from components.cooling.economizer import MODE_FREE

    runs = {}
    for kind in ("chilled_water", "ice"):
        d = copy.deepcopy(legacy_dict)
        d["scenario"]["site"] = "hohhot"
        d["measures"] = [{"name": "variable_speed_drives"}, {"name": "waterside_economizer"},
                         {"name": "thermal_storage", "kind": kind}]
        if kind == "ice":
            d["thermal_storage"] = {"capacity_factor": 1.0, "cop_factor": 1.0}
        runs[kind] = r = run_dict(d)
        assert_energy_closes(r)
        assert_heat_closes(r)
    tank, ice = runs["chilled_water"], runs["ice"]
    charging = tank.out[OUTPUT.q_tes_charge] > 0.0
    chillers_off = tank.out[OUTPUT.p_chillers] == 0.0
    by_hx = charging & chillers_off
    assert by_hx.sum() > 500, "the economizer must charge the tank in Hohhot's cold valley hours"
    # where the economizer carries the whole load (and the charge), no chiller runs
    free = tank.out[OUTPUT.economizer_mode] == MODE_FREE
    assert not np.any(free & ~chillers_off)
    # there the HX duty covers the coils' load and the charge
    q_hx = tank.out[OUTPUT.q_economizer][by_hx]
    assert np.all(q_hx >= tank.out[OUTPUT.q_coil][by_hx] + tank.out[OUTPUT.q_tes_charge][by_hx])
    # the ice store makes its charge with chillers in those hours; the tank saves that energy
    assert np.all(ice.out[OUTPUT.p_chillers][by_hx & (ice.out[OUTPUT.q_tes_charge] > 0.0)] > 0.0)
    saved = (ice.out[OUTPUT.p_facility].sum() - tank.out[OUTPUT.p_facility].sum()) / 1e6  # MWh
    assert saved > 20.0


def test_outdoor_air_lockout_hours_are_reported(legacy_dict):
    """The hours the dew-point band locks the outdoor air out although it is colder than the return
    air are counted, too dry and too humid: in Hohhot's dry winter the GB 50174 floor of 5.5 degC
    locks it out for most of the year; ASHRAE's -9 degC floor (a site that accepts drier air) frees
    those hours and the plant draws less."""
    from twin.metrics.energy import energy_summary

    summaries = {}
    for band in ((5.5, 15.0), (-9.0, 15.0)):
        d = copy.deepcopy(legacy_dict)
        d["scenario"]["site"] = "hohhot"
        d["measures"] = [{"name": "containment"}, {"name": "air_side_economizer", "dew_point_range_c": list(band)}]
        r = run_dict(d)
        s = energy_summary(r)
        locked = s["outdoor_air_locked_out_hours"]
        # counted by hand: colder than the return air at the dampers (ahead of the CRAH fans, so less
        # their rise), not used, dew point outside the band
        pa = r.plant.params
        rise = r["p_crah_fans"] / (r["crah_flow_ratio"] * pa[PARAM.crah_units] * pa[PARAM.crah_unit_flow_kgs] * CP_AIR)
        off = (r.plant.weather.temp_air < r["t_return_air"] - rise) & (r["outdoor_air_fraction"] == 0.0)
        assert locked["too_dry"]["value"] == np.count_nonzero(off & (r.plant.weather.temp_dew < band[0]))
        assert locked["too_humid"]["value"] == np.count_nonzero(off & (r.plant.weather.temp_dew > band[1]))
        summaries[band] = s
    gb, ashrae = summaries[(5.5, 15.0)], summaries[(-9.0, 15.0)]
    # measured: 5,962 h against 3,543 h (Hohhot's winter dew points fall below -9 degC too)
    assert gb["outdoor_air_locked_out_hours"]["too_dry"]["value"] > 5000
    assert ashrae["outdoor_air_locked_out_hours"]["too_dry"]["value"] < 4000
    assert ashrae["pue"]["value"] < gb["pue"]["value"] - 0.01
    d = copy.deepcopy(legacy_dict)
    assert "outdoor_air_locked_out_hours" not in energy_summary(run_dict(d))


@pytest.mark.parametrize("t_oa, rh_oa, t_return, t_supply", [
    (-15.0, 0.6, 35.0, 24.0), (0.0, 0.3, 32.0, 22.0), (10.0, 0.2, 30.0, 24.0), (22.0, 0.15, 36.0, 24.0)])
def test_humidifier_is_an_adiabatic_process_psychrolib_agrees(t_oa, rh_oa, t_return, t_supply):
    """The humidifier's mixing and adiabatic humidification against PsychroLib (ASHRAE Fundamentals
    2017 ch. 1): the outdoor-air share from PsychroLib's enthalpies, the leaving air unsaturated
    and at the band's floor, and its wet bulb that of the mixed air it humidified (an adiabatic
    humidifier moves along the wet bulb; constant enthalpy departs from it by 0.02-0.04 K here)."""
    psychrolib = pytest.importorskip("psychrolib")
    from components.cooling.air_economizer import humidified_outdoor_air_fraction

    psychrolib.SetUnitSystem(psychrolib.SI)
    pressure = 101325.0
    w_oa = psychrolib.GetHumRatioFromRelHum(t_oa, rh_oa, pressure)
    w_min = psychrolib.GetHumRatioFromTDewPoint(5.5, pressure)
    assert w_oa < w_min
    f, t_out, water = humidified_outdoor_air_fraction(t_oa, w_oa, t_return, t_supply, w_min)
    h_ret, h_oa, h_sa = (psychrolib.GetMoistAirEnthalpy(t, w) for t, w in
                         ((t_return, w_min), (t_oa, w_oa), (t_supply, w_min)))
    f_ref = min((h_ret - h_sa) / (h_ret - h_oa), 1.0)
    assert f == pytest.approx(f_ref, rel=1e-9)
    t_ref = t_supply if f_ref < 1.0 else psychrolib.GetTDryBulbFromEnthalpyAndHumRatio(h_oa, w_min)
    assert t_out == pytest.approx(t_ref, abs=1e-9)
    assert water == pytest.approx(f * (w_min - w_oa), rel=1e-12)
    assert psychrolib.GetSatHumRatio(t_out, pressure) > w_min
    w_mix = f * w_oa + (1.0 - f) * w_min
    t_mix = psychrolib.GetTDryBulbFromEnthalpyAndHumRatio(f * h_oa + (1.0 - f) * h_ret, w_mix)
    assert psychrolib.GetTWetBulbFromHumRatio(t_out, w_min, pressure) == pytest.approx(
        psychrolib.GetTWetBulbFromHumRatio(t_mix, w_mix, pressure), abs=0.05)
    # at the band's floor the share is the economizer's without a humidifier: no jump there
    from components.cooling.air_economizer import outdoor_air_fraction
    f_floor = humidified_outdoor_air_fraction(t_oa, w_min, t_return, t_supply, w_min)[0]
    assert f_floor == pytest.approx(outdoor_air_fraction(t_oa, t_return, t_supply, True)[0], rel=1e-12)


def test_a_humidifier_uses_outdoor_air_too_dry_for_the_band(legacy_dict):
    """With ``humidify`` the outdoor air too dry for the band is used, humidified to its floor: no
    hour is locked out as too dry, the water is counted, energy and heat close, and in Hohhot the
    plant draws far less (measured: PUE 1.7485 -> 1.5476, humidifier water 2,631 m3 a year)."""
    from twin.metrics.energy import energy_summary

    runs = {}
    for humidify in (False, True):
        d = copy.deepcopy(legacy_dict)
        d["scenario"]["site"] = "hohhot"
        d["measures"] = [{"name": "containment"}, {"name": "air_side_economizer", "humidify": humidify}]
        runs[humidify] = r = run_dict(d)
        assert_energy_closes(r)
        assert_heat_closes(r)
    dry, wet = (energy_summary(runs[k]) for k in (False, True))
    assert dry["outdoor_air_locked_out_hours"]["too_dry"]["value"] > 5000
    assert wet["outdoor_air_locked_out_hours"]["too_dry"]["value"] == 0.0
    assert wet["outdoor_air_locked_out_hours"]["too_humid"]["value"] == dry["outdoor_air_locked_out_hours"]["too_humid"]["value"]
    assert wet["pue"]["value"] < dry["pue"]["value"] - 0.1
    r = runs[True]
    humidified = (r["outdoor_air_fraction"] > 0) & (r.plant.weather.temp_dew < 5.5)
    assert humidified.sum() > 5000
    assert np.all(r["water_direct_evaporative"][humidified] > 0.0)
    assert np.all(r["p_evaporative_pumps"][humidified] > 0.0)
    assert runs[False]["water_direct_evaporative"].max() == 0.0


def test_chilled_water_pump_law_keys_reach_the_pumps(legacy_dict):
    """``plant.chw_pump_exponent`` and ``plant.chw_pump_min_flow`` (docs/sources.md 2.2) set the
    variable-speed chilled-water pumps: at part flow a steeper law draws less, a higher floor more;
    the defaults are the values the assembly fixed before they were keys."""
    def pump_kwh(**plant):
        d = copy.deepcopy(legacy_dict)
        d["measures"] = [{"name": "variable_speed_drives"}]
        d.setdefault("plant", {}).update(plant)
        p = prepare(validate_scenario(d))
        return p.params, run_plant(p).out[OUTPUT.p_chw_pumps].sum()

    params, default = pump_kwh()
    assert params[PARAM.chw_pump_exponent] == 2.7 and params[PARAM.chw_pump_min_flow] == 0.3
    assert pump_kwh(chw_pump_exponent=3.0)[1] < default < pump_kwh(chw_pump_exponent=2.0)[1]
    assert pump_kwh(chw_pump_min_flow=0.9)[1] > default
