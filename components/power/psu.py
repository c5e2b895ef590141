"""Server power supplies (PSUs): efficiency versus load by 80 PLUS level, AC or DC input.

The 80 PLUS programme certifies a PSU by its minimum efficiency at 10 % (Titanium only), 20 %,
50 % and 100 % of rated output.  This module turns those points into a curve::

    x <  x_0 :  eta(x) = x / (x + L_0),  L_0 = x_0 (1/eta_0 - 1)      (fixed loss below x_0)
    x_0 <= x <= x_n :  eta(x) = piecewise-linear interpolation through (x_k, eta_k)
    x >  x_n :  eta(x) = eta_n                                           (no data above rating)

``x`` is the load fraction of one PSU (output / rated output), ``(x_k, eta_k)`` are the
certification points of ``components/data/psu_80plus.toml`` (docs/sources.md 1.6, evidence P; read
by :func:`twin.inputs.component_data.psu_curve`).  Below
the lowest point the loss is held at its value there, in watts: at light load the fixed losses
(control, fan, switching) dominate, so efficiency falls towards zero at zero load instead of
being held at the 20 % value.  The curve passes exactly through the certification minima, so
it describes a PSU that *just* meets its level; real units are usually 1-3 points better.

DC input (240/336/380 V DC distribution feeding the PSU directly) removes the power-factor
correction and rectifier stage.  Schneider WP127 ("A Quantitative Comparison of High Efficiency
AC vs DC Power Distribution", appendix "Calculating Reduction", docs/sources.md 1.3) takes a 20 %
reduction of PSU loss, which lifts a 91.5 % AC PSU by about 1.6 points::

    eta_dc = 1 / (1 + (1 - r) (1/eta_ac - 1)),   r = 0.20

Validity: 0 <= x <= 1 (the certification range; above rated output the 100 % value is held).
Units: load fractions and efficiencies as fractions [-], powers in W.
"""

from __future__ import annotations

from components._jit import jit

#: 80 PLUS levels in the data file, lowest first.
LEVELS = ("plus", "bronze", "silver", "gold", "platinum", "titanium")
#: Input columns of the data file; "230v_redundant" is the data-centre one.
INPUTS = ("230v_redundant", "115v_internal", "230v_eu")
#: WP127 relative reduction of PSU loss with DC input [-] (docs/sources.md 1.3, P excerpt).
DC_LOSS_REDUCTION = 0.20


@jit
def psu_efficiency(load_fraction, loads, efficiencies):
    """Efficiency of one PSU at a load fraction of its rating. [-]

    Parameters
    ----------
    load_fraction : float
        Output power / rated output power of the PSU, ``>= 0``. [-]
    loads : ndarray
        Certification load fractions in increasing order, e.g. ``[0.2, 0.5, 1.0]``. [-]
    efficiencies : ndarray
        Minimum efficiencies at ``loads`` as fractions, e.g. ``[0.88, 0.92, 0.88]``. [-]

    Returns
    -------
    float
        Efficiency output/input [-]; 0 at zero load.

    Notes
    -----
    Piecewise-linear between the points, fixed loss below the first point, constant above the
    last (see the module docstring).  Source of the points: 80 PLUS (docs/sources.md 1.6, P).
    """
    x = load_fraction
    if x <= 0.0:
        return 0.0
    n = loads.shape[0]
    if x < loads[0]:
        fixed_loss = loads[0] * (1.0 / efficiencies[0] - 1.0)
        return x / (x + fixed_loss)
    if x >= loads[n - 1]:
        return efficiencies[n - 1]
    for k in range(n - 1):
        if x <= loads[k + 1]:
            w = (x - loads[k]) / (loads[k + 1] - loads[k])
            return efficiencies[k] + w * (efficiencies[k + 1] - efficiencies[k])
    return efficiencies[n - 1]


@jit
def dc_input_efficiency(efficiency_ac, loss_reduction):
    """Efficiency of the same PSU fed from a DC bus. [-]

    ``eta_dc = 1 / (1 + (1 - r)(1/eta_ac - 1))``: the loss per watt of output falls by the
    fraction ``r`` (WP127: ``r = 0.20``, docs/sources.md 1.3).  Zero stays zero.
    """
    if efficiency_ac <= 0.0:
        return 0.0
    return 1.0 / (1.0 + (1.0 - loss_reduction) * (1.0 / efficiency_ac - 1.0))


@jit
def psu_input_power_w(output_w, rated_w, n_units, loads, efficiencies, dc_input, loss_reduction):
    """Input power of ``n_units`` identical PSUs sharing ``output_w`` equally. [W]

    Parameters
    ----------
    output_w : float
        DC power delivered to the server boards by all PSUs together. [W]
    rated_w : float
        Rated output of one PSU. [W]
    n_units : float
        PSUs sharing the load (2 for a 1+1 redundant server). [-]
    loads, efficiencies : ndarray
        Curve points, see :func:`psu_efficiency`.
    dc_input : bool
        True for a DC-fed PSU (loss reduced by ``loss_reduction``).
    loss_reduction : float
        Relative PSU-loss reduction with DC input, 0-1. [-]
    """
    if output_w <= 0.0 or n_units <= 0.0:
        return 0.0
    eta = psu_efficiency(output_w / (n_units * rated_w), loads, efficiencies)
    if dc_input:
        eta = dc_input_efficiency(eta, loss_reduction)
    return output_w / eta
