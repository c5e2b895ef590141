"""Modular power conversion: modules that hibernate to follow the load, and ECO (bypass) mode.

A modular UPS (or an HVDC rectifier system, :mod:`components.power.hvdc`) is a frame of
identical power modules sharing the load of one *system*; a 2N installation has two systems,
each carrying half the load.  With **module hibernation** only the modules the load needs stay
on line::

    n_active = min(n_installed, ceil(P_sys / (R_m * x_target)) + n_redundant),   n_active >= 1

with ``P_sys`` the output of one system [W], ``R_m`` the module rating [W], ``x_target`` the load
fraction per module the controller aims for (vendors keep active modules at 40-60 %,
docs/sources.md 1.2, M) and ``n_redundant`` the modules kept on line beyond that (N+1 inside the
frame).  Without hibernation every installed module is on line.  The active modules share the
load equally, so each loses the WP113 loss (:mod:`components.power.losses`)::

    L = n_active * R_m * (a + b x + c x^2),   x = P_sys / (n_active R_m)

**ECO mode** (also called bypass or eConversion): the load runs on the static bypass and the
inverter idles in standby, so the loss is a small no-load term plus a proportional term,
``L = R (a_eco + b_eco x)`` on the system rating ``R = n_installed R_m`` (98-99 %, docs/sources.md 1.2,
S/V).  The price is a transfer from bypass to inverter when the mains fails (2-10 ms; IEC 62040-3
class 1 allows up to 10 ms), which a few IT loads do not ride through; the twin reports the
number of transfers and counts a failed transfer as dropped load with a stated probability
(see :mod:`twin.engine.events`).

Validity: load fractions 0-1.2 of the on-line modules; the curves are fitted to 10-100 %.
Units: W and fractions.  Curve coefficients: ``components/data/power_chain.toml``.
"""

from __future__ import annotations

import math

from components._jit import jit
from components.power.losses import quadratic_loss_w


@jit
def active_modules(load_w, module_rating_w, installed, redundant, target_load, hibernation):
    """Modules on line in one system. [-]

    Parameters
    ----------
    load_w : float
        Output of the system. [W]
    module_rating_w : float
        Rated output of one module. [W]
    installed : float
        Modules available in the frame (installed minus failed or in maintenance). [-]
    redundant : float
        Modules kept on line beyond the load's need. [-]
    target_load : float
        Load fraction per active module that hibernation aims for, 0-1. [-]
    hibernation : bool
        True: modules sleep to follow the load; False: every available module is on line.

    Returns
    -------
    float
        Number of active modules, between 1 and ``installed`` (0 when none is available). [-]
    """
    if installed <= 0.0:
        return 0.0
    if not hibernation:
        return installed
    need = math.ceil(load_w / (module_rating_w * target_load) - 1e-12) if load_w > 0.0 else 0.0
    n = need + redundant
    if n < 1.0:
        n = 1.0
    if n > installed:
        n = installed
    return n


@jit
def system_loss_w(load_w, systems, module_rating_w, installed_per_system, redundant, target_load,
                  hibernation, no_load, proportional, square_law):
    """Loss of ``systems`` identical modular systems sharing ``load_w`` equally. [W]

    ``installed_per_system`` may be fractional when a failure has removed a module from one
    system only (the twin keeps one average per system).  See the module docstring for the
    equations.  Source of the loss form: Schneider WP113 Rev 2 (2012) Table 2.
    """
    if systems <= 0.0:
        return 0.0
    p_sys = load_w / systems
    n = active_modules(p_sys, module_rating_w, installed_per_system, redundant, target_load, hibernation)
    if n <= 0.0:
        return 0.0
    return systems * quadratic_loss_w(p_sys, module_rating_w, n, no_load, proportional, square_law)


@jit
def eco_loss_w(load_w, rating_w, no_load, proportional):
    """Loss in ECO (bypass) mode: ``R (a + b x)`` with ``x = P / R``. [W]

    ``rating_w`` is the rating of all systems together.  Source: 98-99 % (docs/sources.md 1.2, S/V).
    """
    if rating_w <= 0.0:
        return 0.0
    return rating_w * no_load + proportional * load_w


def system_efficiency(load_fraction: float, *, module_kw: float, modules: int, redundant: int,
                      target_load: float, hibernation: bool, no_load: float, proportional: float,
                      square_law: float) -> float:
    """Efficiency of one system at a fraction of its installed rating (for tables and tests). [-]"""
    rating = module_kw * 1e3 * modules
    load = load_fraction * rating
    if load <= 0.0:
        return 0.0
    loss = system_loss_w(load, 1.0, module_kw * 1e3, float(modules), float(redundant), target_load,
                         hibernation, no_load, proportional, square_law)
    return load / (load + loss)
