"""10 kV AC-input power modules ("Panama"-type prefabricated power stations).

One prefabricated unit takes 10 kV AC and delivers 240 V DC to the IT rows: a phase-shifting
transformer (its several secondary windings cancel the rectifier harmonics, so the rectifiers
need no power-factor-correction stage), rectifier modules with hibernation, and the DC
distribution board, in one enclosure.  It replaces the 10/0.4 kV transformer, the LV switchgear
and the UPS *for the IT load*; the mechanical plant keeps its LV transformers.

Loss of ``units`` identical units (2N: two units each carrying half the load), each of rating
``R_u = n_modules R_m``::

    L = units * [ R_u (t0 + tk y^2) + L_modules(P_u) ],   y = P_u / R_u,  P_u = P / units

``t0``, ``tk``: no-load and full-load loss of the phase-shifting transformer as fractions of the
unit rating (a low-loss dry-type core; values of the SCBH15/SCB13 class, docs/sources.md 1.4, S);
``L_modules``: the module-hibernation loss of :func:`components.power.modular_ups.system_loss_w`
with the ``mv_module_10kv`` rectifier curve of ``components/data/power_chain.toml``.  End to end
this gives 97.5-98 % at 30-100 % load, inside the 97.5-98.5 % the suppliers claim against
94-95 % for transformer + UPS (docs/sources.md 1.3, M/V: a range, not a target).

Validity: unit load 0-1.2 of rating.  Units: W and fractions.
"""

from __future__ import annotations

from components._jit import jit
from components.power.modular_ups import system_loss_w


@jit
def mv_unit_loss_w(load_w, units, module_rating_w, modules_per_unit, redundant, target_load,
                   hibernation, tx_no_load, tx_square_law, no_load, proportional, square_law):
    """Total loss of ``units`` 10 kV power modules sharing ``load_w`` (DC output). [W]

    Parameters
    ----------
    load_w : float
        DC output of all units together. [W]
    units : float
        Units sharing the load (2 for 2N). [-]
    module_rating_w : float
        Rated output of one rectifier module. [W]
    modules_per_unit : float
        Rectifier modules available per unit. [-]
    redundant, target_load, hibernation
        Module hibernation settings (:func:`components.power.modular_ups.active_modules`).
    tx_no_load, tx_square_law : float
        Phase-shifting transformer no-load and full-load loss, fractions of unit rating. [-]
    no_load, proportional, square_law : float
        Rectifier-module WP113 coefficients. [-]
    """
    if units <= 0.0:
        return 0.0
    rating_u = modules_per_unit * module_rating_w
    y = load_w / (units * rating_u) if rating_u > 0.0 else 0.0
    tx = units * rating_u * (tx_no_load + tx_square_law * y * y)
    return tx + system_loss_w(load_w, units, module_rating_w, modules_per_unit, redundant, target_load,
                              hibernation, no_load, proportional, square_law)
