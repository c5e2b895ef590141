"""Electrical losses of power-chain equipment in the WP113 form.

Schneider Electric White Paper 113 (N. Rasmussen, "Electrical Efficiency Modeling for Data
Centers", Rev 2, 2012, Table 2) writes the loss of a UPS, PDU, wiring or switchgear as a
fraction of the component's *rated* power::

    L(x) = R * (a + b*x + c*x**2),     x = P_out / R

with ``a`` the no-load loss, ``b`` the proportional loss and ``c`` the square-law (I^2 R) loss.
The efficiency is ``eta = x / (x + a + b*x + c*x**2)``.  Identical units sharing a load equally
each see ``x = P_out / (n * R)``.
"""

from components._jit import jit


@jit
def quadratic_loss_w(load_w, rating_w, n_units, no_load, proportional, square_law):
    """Total loss of ``n_units`` identical units sharing ``load_w`` equally.

    Parameters
    ----------
    load_w : float
        Output power delivered by all units together. [W]
    rating_w : float
        Rated output power of one unit. [W]
    n_units : float
        Number of energised units (all carry load; idle units in hot standby count).  [-]
    no_load, proportional, square_law : float
        WP113 coefficients ``a``, ``b``, ``c`` as fractions of rating. [-]

    Returns
    -------
    float
        Electrical loss of all units. [W]

    Notes
    -----
    Valid for 0 <= x <= about 1.2; the coefficients are fitted to 10-100 % load.
    Source: Schneider Electric WP113 Rev 2 (2012), Table 2 and eq. on p. 9.
    """
    if n_units <= 0.0:
        return 0.0
    x = load_w / (n_units * rating_w)
    return n_units * rating_w * (no_load + proportional * x + square_law * x * x)


@jit
def efficiency(x, no_load, proportional, square_law):
    """Efficiency at load fraction ``x`` of rating for the WP113 loss form. [-]

    ``eta = x / (x + a + b x + c x^2)``; zero at ``x = 0``.
    Source: Schneider Electric WP113 Rev 2 (2012).
    """
    if x <= 0.0:
        return 0.0
    return x / (x + no_load + proportional * x + square_law * x * x)


@jit
def transformer_loss_w(load_w, n_units, rating_va, power_factor, no_load_loss_w, load_loss_w):
    """No-load (core) plus load (copper) losses of ``n_units`` identical transformers.

    ``L = n * (P0 + Pk * (S / S_n)^2)`` with ``S = load_w / (n * pf)`` the apparent power per
    unit.

    Parameters
    ----------
    load_w : float
        Real power delivered at the secondary by all units together. [W]
    n_units : float
        Energised units sharing the load equally. [-]
    rating_va : float
        Rated apparent power of one unit S_n. [VA]
    power_factor : float
        Load power factor (0, 1]. [-]
    no_load_loss_w, load_loss_w : float
        Rated no-load loss P0 and load loss Pk at rated current (75 or 120 degC reference per
        GB/T 10228). [W]

    Returns
    -------
    float
        Total transformer loss. [W]

    Notes
    -----
    Valid from no load to about 1.2 x rating.  Source: IEC 60076-1 loss definitions; values
    for SCB-series dry-type units in GB 20052-2020 / GB/T 10228 (docs/sources.md 1.4).
    """
    if n_units <= 0.0:
        return 0.0
    s_ratio = load_w / (n_units * power_factor * rating_va)
    return n_units * (no_load_loss_w + load_loss_w * s_ratio * s_ratio)
