"""A band never puts the number of a plant that cannot carry its load among its samples
(twin/study/uncertainty.py): on a legacy room cut to one chiller and 14 CRAH units, about half the
draws overload the plant."""

from __future__ import annotations

import io
import tomllib

import numpy as np
import pytest
from rich.console import Console

from twin.inputs.bundled import resolve_scenario
from twin.inputs.schema import validate_scenario
from twin.metrics.feasibility import is_infeasible
from twin.metrics.summary import build_summary
from twin.report.band import band_cell, print_band
from twin.study.uncertainty import PERCENTILES, Sampler, run_draw

SAMPLES = 16
LIMIT = 1.9  # above every feasible sample's PUE of this room


@pytest.fixture(scope="module")
def marginal():
    with open(resolve_scenario(None), "rb") as fh:
        data = tomllib.load(fh)
    data["plant"]["chillers"], data["plant"]["chiller_capacity_kw"] = 1, 1250.0
    data["crah"]["units"] = 14
    sampler = Sampler(validate_scenario(data), [[{"name": "containment"}]], samples=SAMPLES, seed=1)
    direct = {}
    for measures in ([], [{"name": "containment"}]):
        scn = sampler._mix(measures)[0] if measures else sampler.base
        runs = [build_summary(run_draw(scn, sampler.inputs, sampler._draw(k), sampler.weathers)[0])
                for k in range(SAMPLES)]
        direct[bool(measures)] = ([is_infeasible(s) for s in runs], np.array([s["pue"]["value"] for s in runs]))
    return sampler, direct


def test_infeasible_samples_are_counted_and_left_out_of_the_band(marginal):
    sampler, direct = marginal
    bad, pue = direct[False]
    assert 0 < sum(bad) < SAMPLES, "the room no longer has both feasible and infeasible draws"
    b = sampler.band(None, limit=LIMIT)
    assert b["infeasible_samples"] == b["pue"]["infeasible_samples"] == sum(bad)
    assert sum(b["infeasible_checks"].values()) >= sum(bad)
    ok = pue[~np.array(bad)]
    assert [b["pue"]["low"], b["pue"]["high"]] == pytest.approx(np.percentile(ok, PERCENTILES), rel=1e-12)
    assert ok.max() <= LIMIT  # so only the infeasible samples miss the limit
    assert b["pue"]["share_at_or_below_limit"] == pytest.approx(1.0 - sum(bad) / SAMPLES)
    assert band_cell(b, "pue").endswith("‡")
    out = io.StringIO()
    print_band(b, Console(file=out, width=120))
    assert f"{sum(bad)} of {SAMPLES} samples cannot carry the load" in out.getvalue()


def test_a_mix_saving_needs_both_runs_feasible(marginal):
    sampler, direct = marginal
    either = np.array(direct[False][0]) | np.array(direct[True][0])
    b = sampler.band([{"name": "containment"}])
    assert b["delta_pue"]["infeasible_samples"] == int(either.sum())
    assert b["pue"]["infeasible_samples"] == b["infeasible_samples"] == sum(direct[True][0])
