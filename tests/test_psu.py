"""Server PSU efficiency: 80 PLUS points, interpolation, light-load and DC-input behaviour."""

import numpy as np
import pytest

from components.power import psu
from twin.inputs.component_data import psu_curve


@pytest.mark.parametrize("level", psu.LEVELS)
@pytest.mark.parametrize("input_kind", psu.INPUTS)
def test_curve_passes_through_certification_points(level, input_kind):
    loads, effs = psu_curve(level, input_kind)
    for x, e in zip(loads, effs):
        assert psu.psu_efficiency(x, loads, effs) == pytest.approx(e, abs=1e-12)


def test_titanium_230v_redundant_values():
    # docs/sources.md 1.6: 90 / 94 / 96 / 91 % at 10 / 20 / 50 / 100 %
    for x, e in ((0.1, 0.90), (0.2, 0.94), (0.5, 0.96), (1.0, 0.91)):
        assert psu.psu_efficiency(x, *psu_curve("titanium")) == pytest.approx(e, abs=1e-12)


def test_interpolation_is_linear_and_between_neighbours():
    loads, effs = psu_curve("gold")
    assert psu.psu_efficiency(0.35, loads, effs) == pytest.approx(0.88 + 0.5 * 0.04)
    for k in range(len(loads) - 1):
        xs = np.linspace(loads[k], loads[k + 1], 51)
        ys = np.array([psu.psu_efficiency(x, loads, effs) for x in xs])
        lo, hi = sorted((effs[k], effs[k + 1]))
        assert np.all(ys >= lo - 1e-12) and np.all(ys <= hi + 1e-12)
        assert np.all(np.diff(ys) >= -1e-12) or np.all(np.diff(ys) <= 1e-12)


def test_light_load_holds_the_loss_and_reaches_zero():
    loads, effs = psu_curve("platinum")
    assert psu.psu_efficiency(0.0, loads, effs) == 0.0
    x0, e0 = loads[0], effs[0]
    loss0 = x0 * (1 / e0 - 1)
    for x in (0.01, 0.05, 0.1, 0.19):
        eta = psu.psu_efficiency(x, loads, effs)
        assert eta < e0
        assert x * (1 / eta - 1) == pytest.approx(loss0)


def test_above_rating_holds_the_full_load_value():
    loads, effs = psu_curve("silver")
    assert psu.psu_efficiency(1.2, loads, effs) == pytest.approx(effs[-1])


def test_dc_input_reproduces_wp127_gain():
    # WP127: best-case AC PSU 91.5 %, 20 % PSU-loss reduction -> ~1.6 points (docs/sources.md 1.3)
    eta_dc = psu.dc_input_efficiency(0.915, psu.DC_LOSS_REDUCTION)
    assert 100 * (eta_dc - 0.915) == pytest.approx(1.6, abs=0.05)
    assert psu.dc_input_efficiency(0.0, 0.2) == 0.0
    assert psu.dc_input_efficiency(0.9, 0.0) == pytest.approx(0.9)


def test_input_power_shares_load_between_redundant_units():
    loads, effs = psu_curve("titanium")
    # 1+1 redundant 800 W PSUs delivering 400 W: each at 25 % load
    p_in = psu.psu_input_power_w(400.0, 800.0, 2.0, loads, effs, False, 0.2)
    eta = psu.psu_efficiency(0.25, loads, effs)
    assert p_in == pytest.approx(400.0 / eta)
    p_dc = psu.psu_input_power_w(400.0, 800.0, 2.0, loads, effs, True, 0.2)
    assert p_dc < p_in
    assert psu.psu_input_power_w(0.0, 800.0, 2.0, loads, effs, False, 0.2) == 0.0


def test_unknown_level_and_input_name_the_choices():
    with pytest.raises(ValueError, match="expected one of"):
        psu_curve("diamond")
    with pytest.raises(ValueError, match="230v_redundant"):
        psu_curve("gold", "48v")
