"""Pump power at part flow (components.cooling.pumps): the default exponent's law read from a table."""

import numpy as np
import pytest

from components.cooling import pumps


def _power(flow_ratio, exponent=pumps.DEFAULT_EXPONENT, variable=True):
    return np.array([pumps.pump_power_w(1.0, x, variable, exponent) for x in np.atleast_1d(flow_ratio)])


def test_default_law_table_matches_the_power_law():
    """``x**2.7`` read from its table (components.hermite_table) lies within 3e-11 of the power law
    relative to its value from a tenth of design flow to design flow (5e-14 of design power), and
    equals it at the nodes."""
    x = np.linspace(pumps._LAW_LO, 1.0, 90_001)
    n = pumps.DEFAULT_EXPONENT
    assert np.max(np.abs(_power(x) / x ** n - 1.0)) < 3e-11
    assert np.max(np.abs(_power(x) - x ** n)) < 5e-14
    nodes = pumps._LAW_LO + np.arange(901) / pumps._LAW_PER_UNIT
    assert np.max(np.abs(_power(nodes) / nodes ** n - 1.0)) < 1e-15


@pytest.mark.parametrize("x", [0.0999, 0.05, 1.0 + 1e-12, 1.3])
def test_the_power_law_outside_the_table(x):
    assert _power(x)[0] == float(x) ** pumps.DEFAULT_EXPONENT  # libm's pow, as the kernels call it


@pytest.mark.parametrize("n", [1.0, 2.5, 2.7000000001, 3.0])
def test_other_exponents_use_the_power_law(n):
    x = np.linspace(0.05, 1.0, 97)
    assert _power(x, n).tolist() == [float(v) ** n for v in x]  # libm's pow, as the kernels call it


def test_constant_speed_and_no_flow():
    assert _power([0.0, -1.0, 0.5, 1.0], variable=False).tolist() == [0.0, 0.0, 1.0, 1.0]
    assert _power([0.0, -1.0]).tolist() == [0.0, 0.0]
