"""Policy rules (PUE limits, GB 40879 grades, Guangdong tiers, rack density), the [policy]
schema section, and the policy block of `dctwin run --json` / the terminal table."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from twin.errors import InputError
from twin.inputs import tariffs as tou
from twin.metrics.policy import (compliance, policy_region, policy_summary, density_headroom, gb40879_grade, layout_tier, load_rules,
                                 policy_attrs, rack_density)
from twin.inputs.schema import validate_scenario
from twin.report.terminal import print_policy_summary

REPO = Path(__file__).resolve().parents[1]
RULES = load_rules()
GRADES = RULES["gb40879"]["grades"]
TIERS = RULES["layout_plan"]["tiers"]


@pytest.mark.parametrize("pue, grade", [
    (1.10, "1"), (1.20, "1"), (1.2001, "2"), (1.2999, "2"), (1.30, "2"), (1.3001, "3"),
    (1.4999, "3"), (1.50, "3"), (1.5001, "non-compliant"), (1.84, "non-compliant"),
])
def test_gb40879_grade_edges(pue, grade):
    assert gb40879_grade(pue, GRADES) == grade


@pytest.mark.parametrize("pue, tier", [
    (1.20, "prioritised"), (1.25, "prioritised"), (1.2501, "supported"), (1.2999, "supported"),
    (1.30, "supported"), (1.3001, "controlled"), (1.50, "controlled"), (1.5001, "banned"), (2.5, "banned"),
])
def test_layout_tier_edges(pue, tier):
    assert layout_tier(pue, TIERS)["tier"] == tier


@pytest.mark.parametrize("site_class, limit", [
    ("shaoguan_new", 1.25), ("guangdong_new", 1.30), ("existing_retrofit", 1.50), ("national_hub", 1.20),
])
def test_site_class_limits_at_their_edges(site_class, limit):
    assert RULES["site_classes"][site_class]["limit"] == limit
    at = compliance(limit, limit)
    assert at["pass"] and at["margin"] == 0.0
    assert compliance(limit - 1e-4, limit)["pass"]
    above = compliance(limit + 1e-4, limit)
    assert not above["pass"] and above["margin"] == pytest.approx(-1e-4)


def test_guangdong_new_1_2999_passes_1_3001_fails():
    assert compliance(1.2999, 1.3)["pass"] and not compliance(1.3001, 1.3)["pass"]


def test_rack_density_edge_and_headroom():
    assert rack_density(6.0 * 400, 400, 6.0)["pass"]
    assert not rack_density(5.999 * 400, 400, 6.0)["pass"]
    head = density_headroom(400, {"crah": 2420.0, "chillers": 3600.0, "ups": 1200.0}, 8.0)
    assert head["required_kw"] == 3200.0
    assert not head["ok"]
    assert head["systems"]["chillers"]["ok"] and not head["systems"]["crah"]["ok"]
    assert head["systems"]["ups"]["ratio"] == pytest.approx(0.375)
    assert density_headroom(400, {"crah": 3200.0}, 8.0)["ok"]  # exactly enough is enough


def test_every_rule_names_its_source():
    for name, row in RULES["site_classes"].items():
        assert row["source"], name
    for block in ("gb40879", "layout_plan", "rack_density"):
        assert RULES[block]["source"]
    assert RULES["coal"]["equivalent_source"] and RULES["coal"]["monitoring_source"]


def test_policy_section_defaults_and_unknown_key():
    scn = validate_scenario({"it": {"design_kw": 100.0, "racks": 20}})
    assert scn.policy.site_class == "existing_retrofit"
    assert scn.policy.tariff.flat_price_cny_per_kwh == 0.65
    with pytest.raises(InputError) as err:
        validate_scenario({"it": {"design_kw": 100.0, "racks": 20}, "policy": {"tarif": {}}}, file="s.toml")
    assert err.value.key == "policy.tarif" and err.value.file == "s.toml"
    with pytest.raises(InputError) as err:
        validate_scenario({"it": {"design_kw": 100.0, "racks": 20}, "policy": {"site_class": "shenzhen_new"}})
    assert err.value.key == "policy.site_class"


@pytest.fixture(scope="module")
def run_json(tmp_path_factory):
    """`dctwin run --json` on the default scenario, once for this module."""
    env = dict(os.environ, DCTWIN_CACHE_DIR=str(tmp_path_factory.mktemp("dctwin-cache")))
    out = subprocess.run([sys.executable, "-m", "twin.cli", "run", "--json"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_run_json_answers_every_policy_question(run_json):
    p = run_json["policy"]
    wanted = {
        "compliance": p["compliance"], "grade": p["gb40879_grade"], "tier": p["guangdong_tier"],
        "cost": p["cost"]["total_cny"], "cue": p["carbon"]["cue"], "wue": p["carbon"]["wue"],
        "renewable share": p["carbon"]["renewable_share"], "tce": p["coal"]["tce_equivalent"],
        "tce equal value": p["coal"]["tce_equal_value"], "monitoring flag": p["coal"]["monitoring_required"],
    }
    for name, e in wanted.items():
        assert {"value", "unit", "source", "rule"} <= set(e), name
        assert e["unit"] and e["source"], name
    pue = run_json["pue"]["value"]
    assert p["compliance"]["value"] == ("pass" if pue <= 1.5 else "fail")
    assert p["compliance"]["margin"] == pytest.approx(1.5 - pue)
    assert p["gb40879_grade"]["value"] == gb40879_grade(pue, GRADES)
    assert p["carbon"]["wue"]["value"] == run_json["wue"]["value"]  # reused, not recomputed
    assert p["carbon"]["cue"]["value"] == pytest.approx(0.4419 * pue, rel=1e-9)  # no PV: CUE = factor x PUE
    assert p["coal"]["tce_equivalent"]["value"] == pytest.approx(run_json["energy_facility_kwh"]["value"] * 0.1229e-3)
    assert p["coal"]["monitoring_required"]["basis"] == "equivalent"
    parts = p["cost"]
    assert parts["total_cny"]["value"] == pytest.approx(
        parts["energy_cny"]["value"] + parts["demand_cny"]["value"] + parts["surcharge_cny"]["value"])
    assert sum(r["cny"] for r in parts["by_component"]) == pytest.approx(parts["total_cny"]["value"])
    assert sum(r["cny"] for r in parts["by_period"]) == pytest.approx(parts["energy_cny"]["value"])
    # issue 15: no cost contains the assumed surcharge by default; it is reported as a what-if
    assert parts["surcharge_cny"]["value"] == 0.0
    assumed = parts["assumed_surcharge_cny"]
    assert "ASSUMPTION" in assumed["source"] and assumed["applied"] is False
    rule = tou.load_surcharge("guangdong_assumption")
    band_price = next(b.cny_per_kwh for b in rule.bands if b.pue_min < pue <= b.pue_max)  # (pue_min, pue_max]
    assert assumed["value"] == pytest.approx(band_price * p["carbon"]["grid_kwh"]["value"], rel=1e-9)
    assert parts["total_with_assumed_surcharge_cny"]["value"] == pytest.approx(
        parts["total_cny"]["value"] + assumed["value"])
    assert {a["input"] for a in parts["assumptions"]} == {"policy.tariff.flat_price_cny_per_kwh",
                                                          "policy.tariff.demand_charge_cny_per_kw_month"}
    assert p["region"]["value"] == "guangdong" and p["region"]["assumed"] is False


def test_terminal_table_and_attrs(run_json):
    console = Console(record=True, width=200)
    print_policy_summary(run_json, console)
    text = console.export_text()
    for needle in ("Policy and money", "Compliance", "GB 40879-2021 grade", "Electricity cost", "CUE",
                   "Renewable share", "Standard coal", "Online monitoring"):
        assert needle in text
    attrs = policy_attrs(run_json)
    assert all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in attrs.values())


# ---------------------------------------------------------------------------------------------
# Issue 15: which region's rules apply, and the assumed surcharge as a named option
# ---------------------------------------------------------------------------------------------

def test_policy_region_is_said_and_flagged_when_assumed():
    gz, gy = {"province": "Guangdong", "in_guangdong": True}, {"province": "Guizhou", "in_guangdong": False}
    assert policy_region("auto", gz) == {"region": "guangdong", "assumed": False, "why": policy_region("auto", gz)["why"]}
    for site in (gy, {}):  # another province, or an EPW path (no sites.toml row)
        r = policy_region("auto", site)
        assert r["region"] == "guangdong" and r["assumed"] and "ASSUMPTION" in r["why"]
    assert "Guizhou" in policy_region("auto", gy)["why"] and "unknown" in policy_region("auto", {})["why"]
    assert policy_region("guangdong", gy)["assumed"] is False  # the scenario chose it
    assert policy_region("none", gz)["region"] == "none"
    with pytest.raises(InputError) as err:
        validate_scenario({"it": {"design_kw": 100.0, "racks": 20}, "policy": {"region": "beijing"}}, file="s.toml")
    assert err.value.key == "policy.region"


def _policy(**changes):
    return validate_scenario({"it": {"design_kw": 100.0, "racks": 20}, "policy": changes}).policy


def test_region_none_drops_guangdong_rules_and_costs(legacy_result):
    from twin.metrics.energy import energy_summary

    energy = energy_summary(legacy_result)
    p = policy_summary(legacy_result, energy, policy=_policy(region="none"))["policy"]
    assert p["region"]["value"] == "none"
    for gone in ("site_class", "compliance", "guangdong_tier", "rack_density", "cost"):
        assert gone not in p
    assert p["gb40879_grade"]["value"] == gb40879_grade(energy["pue"]["value"], GRADES)  # national rule stays
    assert p["carbon"]["cue"]["value"] > 0 and "monitoring_required" not in p["coal"]
    console = Console(record=True, width=200)
    print_policy_summary({"policy": p}, console)
    assert "Policy region" in console.export_text() and "Electricity cost" not in console.export_text()


def test_assumed_surcharge_is_a_named_option(legacy_result):
    """Applying 'guangdong_assumption' charges exactly what the default run reports as its what-if."""
    from twin.metrics.energy import energy_summary

    energy = energy_summary(legacy_result)
    off = policy_summary(legacy_result, energy, policy=_policy())["policy"]["cost"]
    on = policy_summary(legacy_result, energy, policy=_policy(tariff={"surcharge": "guangdong_assumption"}))["policy"]["cost"]
    assert off["surcharge_cny"]["value"] == 0.0
    assert on["surcharge_cny"]["value"] == pytest.approx(off["assumed_surcharge_cny"]["value"], rel=1e-12)
    assert on["total_cny"]["value"] == pytest.approx(off["total_with_assumed_surcharge_cny"]["value"], rel=1e-12)
    assert on["assumed_surcharge_cny"]["applied"] is True
    assert "policy.tariff.surcharge" in {a["input"] for a in on["assumptions"]}
    assert "policy.tariff.surcharge" not in {a["input"] for a in off["assumptions"]}
    given = policy_summary(legacy_result, energy, policy=_policy(tariff={"flat_price_cny_per_kwh": 0.7,
                                                                        "demand_charge_cny_per_kw_month": 30.0}))
    assert given["policy"]["cost"]["assumptions"] == []  # the site's own bill: nothing assumed
