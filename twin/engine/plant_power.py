"""The ``[power]`` UPS curve and 10/0.4 kV transformers as kernel parameters.

UPS (``PARAM.ups_no_load``, ``ups_proportional``, ``ups_square_law``: WP113 ``a, b, c``), one of

* ``ups_curve``: a named row of ``components/data/ups_curves.toml`` (default ``wp113_typical``);
* ``ups_efficiency``: a flat efficiency, ``(a, b, c) = (0, 1/eta - 1, 0)``;
* ``ups_curve_points``: datasheet points, non-negative least squares
  (:func:`components.power.loss_fit.fit_wp113`), refused when the largest efficiency residual
  exceeds ``ups_curve_tolerance_pp``.

Transformers (``PARAM.tx_*`` and the switchgear rating).  The *design load* of the site is the
peak LV-bus power over the weather year with the room full: design IT (``it.design_kw``, every
rack installed) at 100 % utilisation, the cooling plant and every other load as the kernel
computes them (:func:`design_lv_load_w`); with a 10 kV power module the IT path is not on the
LV transformers and is left out.  ``S_d = P_design / power_factor`` is then sized by
:func:`components.power.transformer_sizing.size_transformers` (GB 51348-2019: duty units at
<= 85 % long-term loading, N / N+1 / 2N spares).  ``transformers = "none"`` (or 0) feeds the site
at low voltage: no transformer and no transformer loss; the LV switchgear is then rated
``P_design / transformer_max_loading`` (assumption: the same loading limit as a transformer).
"""

from __future__ import annotations

import hashlib

import numpy as np

from components.layout import BOUNDARY, CHAIN_MV, N_OUTPUT, OUTPUT, PARAM

from components.power.loss_fit import fit_wp113, flat_efficiency_coefficients
from components.power.transformer_sizing import size_transformers
from components.spans import span_kernel
from components.step_block import step_blocks
from twin.engine import parallel_compile
from twin.errors import InputError
from twin.inputs.component_data import rating_step, table_entry, table_names, transformer_row, transformer_series

# channels of the critical path that a 10 kV power module takes off the LV transformers
# (components.power_chain.power_chain: mv_in = crit + storage)
_MV_CHANNELS = ("p_it", "p_pdu_loss", "p_distribution_loss", "p_ups_loss", "p_battery_loss", "p_flywheel_loss")
_UPS_KEYS = ("ups_curve", "ups_efficiency", "ups_curve_points")


def ups_coefficients(pw, file: str | None = None) -> tuple[tuple[float, float, float], dict]:
    """WP113 ``(a, b, c)`` of the ``[power]`` UPS and what to report about them.

    Raises :class:`InputError` for two UPS descriptions at once, point lists of different
    lengths or repeated loads, and a fit worse than ``ups_curve_tolerance_pp``.
    """
    given = [k for k in _UPS_KEYS if k in pw.model_fields_set and getattr(pw, k) is not None]
    if len(given) > 1:
        raise InputError(f"give one of power.ups_curve, power.ups_efficiency, power.ups_curve_points "
                         f"(got {' and '.join(given)})", file=file, key=f"power.{given[1]}")
    if pw.ups_efficiency is not None:
        return flat_efficiency_coefficients(pw.ups_efficiency), {"ups_curve": f"flat {pw.ups_efficiency:g}"}
    pts = pw.ups_curve_points
    if pts is None:
        row = table_entry("ups_curves", pw.ups_curve, "power.ups_curve", file)
        return (row["no_load"], row["proportional"], row["square_law"]), {"ups_curve": pw.ups_curve}
    key = "power.ups_curve_points"
    if len(pts.load_fraction) != len(pts.efficiency):
        raise InputError(f"{len(pts.efficiency)} efficiencies for {len(pts.load_fraction)} loads; give one "
                         f"efficiency per load fraction", file=file, key=f"{key}.efficiency")
    if len(set(pts.load_fraction)) != len(pts.load_fraction):
        raise InputError("repeated load fraction; give each load once", file=file, key=f"{key}.load_fraction")
    coef, err = fit_wp113(pts.load_fraction, pts.efficiency)
    if 100.0 * err > pw.ups_curve_tolerance_pp:
        raise InputError(f"the WP113 loss form a + b x + c x^2 (a, b, c >= 0) fits these points only within "
                         f"{100.0 * err:.2f} pp (allowed: <= power.ups_curve_tolerance_pp = "
                         f"{pw.ups_curve_tolerance_pp:g} pp); check the points", file=file, key=key)
    return coef, {"ups_curve": "user points", "ups_fit_max_error_pp": 100.0 * err}


def _design_inputs(p: np.ndarray, boundary: np.ndarray, design_it_w: float,
                   psu_capacity_ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """The parameters and boundary of :func:`design_run`: copies of ``p`` and ``boundary`` with the IT
    peak at ``design_it_w``, utilisation 1, no metered IT power, and no transformer or switchgear loss."""
    pd = p.copy()
    pd[PARAM.it_peak_w] = design_it_w
    pd[PARAM.psu_capacity_w] = psu_capacity_ratio * design_it_w
    pd[PARAM.load_scale] = 1.0
    pd[PARAM.tx_units] = 0.0
    pd[PARAM.switchgear_square_law] = 0.0
    pd[PARAM.switchgear_rating_w] = 1.0
    b = boundary.copy()
    b[BOUNDARY.utilisation] = 1.0
    b[BOUNDARY.it_power_w] = -1.0
    return pd, b


def _run_design(pd: np.ndarray, b: np.ndarray, curves: np.ndarray, state: np.ndarray) -> np.ndarray:
    """Output channels of the kernel over every step of ``b`` with parameters ``pd``. [SI]"""
    n = b.shape[1]
    out = np.zeros((N_OUTPUT, n))
    parallel_compile.join()
    span_kernel(pd[PARAM.plant_type])(0, n, b, pd, curves, out, state.copy(), *step_blocks(N_OUTPUT, len(BOUNDARY)))
    return out


def design_run(p: np.ndarray, boundary: np.ndarray, curves: np.ndarray, state: np.ndarray,
               design_it_w: float, psu_capacity_ratio: float) -> np.ndarray:
    """Output channels of a year with the room full, over every step of the weather. [SI]

    Runs the kernel on a copy of the assembled parameters with the IT peak at ``design_it_w``,
    utilisation 1, no metered IT power, and no transformer or switchgear loss (:func:`_design_inputs`).
    The set points are those in force at the start of the year.
    """
    return _run_design(*_design_inputs(p, boundary, design_it_w, psu_capacity_ratio), curves, state)


#: Design loads this process has computed (:func:`design_lv_load_w`), by the SHA-256 digest of their
#: design year's inputs: the parameters and boundary of :func:`_design_inputs`, the curves and the
#: initial state.  The kernel is deterministic, so the same inputs give the same load to the last bit.
#: A sweep's cases that differ only in their load (the ``loads`` axis: the design year runs the room
#: full) share one design year; before, each case of a sweep whose transformers are sized
#: (``power.transformers = "auto"``, the default) ran one: 4.1 ms of its assembly against 0.5 ms
#: (2026-12-08, the full-cooling-retrofit sweep of ``benchmarks/sweep_throughput.py``).  Hashing the
#: inputs costs about 0.4 ms (a year of hourly boundary is 700 kB).  Cleared when full.
_DESIGN_LOADS: dict[bytes, float] = {}
_DESIGN_LOADS_MAX = 4096


def design_lv_load_w(p: np.ndarray, boundary: np.ndarray, curves: np.ndarray, state: np.ndarray,
                     design_it_w: float, psu_capacity_ratio: float) -> float:
    """Peak LV-bus power of the site with the room full (:func:`design_run`), the quantity the
    transformers must deliver; remembered by its inputs (:data:`_DESIGN_LOADS`). [W]"""
    pd, b = _design_inputs(p, boundary, design_it_w, psu_capacity_ratio)
    digest = hashlib.sha256()
    for a in (pd, b, curves, state):
        digest.update(str((a.dtype.str, a.shape)).encode())
        digest.update(np.ascontiguousarray(a).data)
    key = digest.digest()
    load = _DESIGN_LOADS.get(key)
    if load is None:
        out = _run_design(pd, b, curves, state)
        lv = out[OUTPUT.p_facility]
        if pd[PARAM.chain_kind] == CHAIN_MV:
            lv = lv - sum(out[OUTPUT[c]] for c in _MV_CHANNELS)
        load = float(np.max(lv))
        if len(_DESIGN_LOADS) >= _DESIGN_LOADS_MAX:
            _DESIGN_LOADS.clear()
        _DESIGN_LOADS[key] = load
    return load


def _series_and_rating(model: str, file: str | None, key: str = "power") -> tuple[str, float | None]:
    """The series of ``power.transformer_model`` and its rating [VA] (None: to be sized)."""
    if model in table_names("transformers"):
        return model, None
    try:
        return model.rpartition("_")[0], transformer_row(model)["rating_kva"] * 1e3
    except KeyError:
        raise InputError(f"unknown transformer '{model}'; give a series {table_names('transformers')} or "
                         f"'<series>_<kVA>' with one of its rating steps, e.g. 'scb13_2000'",
                         file=file, key=f"{key}.transformer_model") from None


def transformer_params(p: np.ndarray, boundary: np.ndarray, curves: np.ndarray, state: np.ndarray, scn,
                       file: str | None = None) -> dict:
    """Size the transformers, fill ``PARAM.tx_*`` and the switchgear rating; return design extras."""
    pw = scn.power
    topology = pw.ups_topology if pw.transformer_topology == "auto" else pw.transformer_topology
    return supply_params(p, pw, topology,
                         lambda: design_lv_load_w(p, boundary, curves, state, scn.it.design_kw * 1e3,
                                                  scn.power_chain.psu_capacity_ratio),
                         file, "power")


def supply_params(p: np.ndarray, pw, topology: str, design_load_w, file: str | None, key: str) -> dict:
    """Fill ``PARAM.tx_*`` and the switchgear rating of one LV supply; return design extras.

    ``pw`` carries ``transformers``, ``transformer_model``, ``power_factor`` and
    ``transformer_max_loading`` (a ``[power]`` table, or a shared plant's board under the table
    ``key``); ``design_load_w()`` returns the design LV load [W] and is called only when
    something is to be sized.
    """
    series, rating = _series_and_rating(pw.transformer_model, file, key) if pw.transformers not in ("none", 0) \
        else (None, None)
    n_given = None if pw.transformers in ("auto", "none", 0) else int(pw.transformers)
    given = n_given is not None and rating is not None
    extras = {"transformer_topology": topology}
    if given:  # count and rating both given: nothing to size, no design run (an annual kernel run)
        s_design = float("nan")
    else:
        p_design = design_load_w()
        s_design = p_design / pw.power_factor
        extras["transformer_design_load_kva"] = s_design / 1e3
    if pw.transformers in ("none", 0):
        p[PARAM.tx_units] = 0.0
        p[PARAM.tx_rating_va] = p[PARAM.tx_no_load_w] = p[PARAM.tx_load_loss_w] = 0.0
        p[PARAM.tx_power_factor] = pw.power_factor
        p[PARAM.switchgear_rating_w] = p_design / pw.transformer_max_loading
        return extras | {"transformer_sizing": "none", "transformer_units": 0, "transformer_kva": 0.0,
                         "transformer_capacity_kva": 0.0}
    table = transformer_series(series)
    if given:
        units = n_given
    else:
        units, rating = size_transformers(s_design, table["rating_va"], topology, pw.transformer_max_loading,
                                          n_given, rating)
        if units == 0:
            raise InputError(f"{n_given} transformers do not fit topology '{topology}' (2n needs an even count, "
                             f"n+1 at least 2)", file=file, key=f"{key}.transformers")
        if not np.isfinite(rating):
            raise InputError(f"{n_given} transformers of series '{series}' cannot carry the design load "
                             f"{s_design / 1e3:.0f} kVA at {pw.transformer_max_loading:g} loading (largest step "
                             f"{table['rating_va'][-1] / 1e3:.0f} kVA); give more units or 'auto'",
                             file=file, key=f"{key}.transformers")
    k = rating_step(table["rating_va"], rating)
    p[PARAM.tx_units] = units
    p[PARAM.tx_rating_va] = rating
    p[PARAM.tx_power_factor] = pw.power_factor
    p[PARAM.tx_no_load_w] = table["no_load_w"][k]
    p[PARAM.tx_load_loss_w] = table["load_loss_w"][k]
    p[PARAM.switchgear_rating_w] = units * rating * pw.power_factor
    return extras | {"transformer_sizing": "given" if given else "auto", "transformer_units": units,
                     "transformer_kva": rating / 1e3, "transformer_capacity_kva": units * rating / 1e3}
