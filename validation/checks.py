"""Component validation checks, one function per case, registered by name.

Each function reads its inputs and reference numbers from the case's TOML (never from code),
calls the component exactly as the twin does, and returns :class:`~validation.Row` objects.
Figures are drawn only when the runner asks for them.
"""

from __future__ import annotations

import math

import numpy as np

from validation import Case, Context, Row, SkipCase, register


def _plot(ctx: Context, name: str, draw) -> None:
    path = ctx.figure_path(name)
    if path is None:
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=110)
    draw(ax)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _ups_curve(name: str) -> dict:
    from twin.inputs.component_data import data_table
    return data_table("ups_curves")[name]


def _ups_eff_pct(curve: dict, x) -> np.ndarray:
    from components.power.losses import efficiency
    return np.array([100.0 * efficiency(float(v), curve["no_load"], curve["proportional"],
                                        curve["square_law"]) for v in np.atleast_1d(x)])


def _ups_rows(case: Case, ctx: Context, label: str) -> list[Row]:
    ref = case.reference
    curve = _ups_curve(case.inputs["ups_curve"])
    x = np.asarray(ref["load_fraction"], dtype=float)
    model = _ups_eff_pct(curve, x)
    tol = float(case.tolerance["abs_pct"])
    rows = []
    if "efficiency_pct" in ref:
        for xi, r, m in zip(x, ref["efficiency_pct"], model):
            rows.append(Row(f"efficiency at {100 * xi:.0f} % load", float(r), float(m), "%", tol))
    else:  # a band around a digitised figure
        for xi, r, m in zip(x, ref["figure_pct"], model):
            rows.append(Row(f"efficiency at {100 * xi:.0f} % load", (r - tol, r + tol), float(m), "%"))

    def draw(ax):
        xs = np.linspace(0.05, 1.0, 200)
        ax.plot(100 * xs, _ups_eff_pct(curve, xs), label=f"dctwin '{case.inputs['ups_curve']}'")
        refs = ref.get("efficiency_pct", ref.get("figure_pct"))
        ax.errorbar(100 * x, refs, yerr=tol, fmt="o", capsize=3, label=label)
        ax.set_xlabel("UPS load [% of rating]")
        ax.set_ylabel("efficiency [%]")
        ax.legend()
    _plot(ctx, case.name, draw)
    return rows


@register("ups_wp113_formula")
def ups_wp113_formula(case: Case, ctx: Context):
    return _ups_rows(case, ctx, "WP113 formula values (docs/sources.md 1.1, C)")


@register("ups_wp113_fig8_legacy")
def ups_wp113_fig8_legacy(case: Case, ctx: Context):
    return _ups_rows(case, ctx, "WP113 Fig. 8 (docs/sources.md 1.1, S) with read-off band")


@register("ups_wp113_fig8_fit")
def ups_wp113_fig8_fit(case: Case, ctx: Context):
    return _ups_rows(case, ctx, "WP113 Fig. 8 (docs/sources.md 1.1, S) with read-off band")


@register("ups_delta_conversion")
def ups_delta_conversion(case: Case, ctx: Context):
    return _ups_rows(case, ctx, "WP108 fit values (docs/sources.md 1.2, C)")


@register("ups_ge_500kva_fit")
def ups_ge_500kva_fit(case: Case, ctx: Context):
    return _ups_rows(case, ctx, "GE SG 500 kVA datasheet (docs/sources.md 1.2, S)")


@register("psu_80plus_minimums")
def psu_80plus_minimums(case: Case, ctx: Context):
    from components.power import psu
    from twin.inputs import component_data

    input_kind = case.inputs["input"]
    tol = float(case.tolerance["abs_pct"])
    grid = int(case.inputs.get("monotone_grid_points", 101))
    ref = case.reference
    rows = []
    curves = {}
    for level in case.inputs["levels"]:
        loads, effs = component_data.psu_curve(level, input_kind)
        curves[level] = (loads, effs)
        for x, e in zip(ref["load_fraction"], ref[level]):
            if np.isnan(e):
                continue
            m = 100.0 * psu.psu_efficiency(float(x), loads, effs)
            rows.append(Row(f"{level} at {100 * x:.0f} % load", float(e), m, "%", tol))
        # between consecutive points the curve must stay between its end values and be monotone
        worst = 0.0
        for k in range(len(loads) - 1):
            xs = np.linspace(loads[k], loads[k + 1], grid)
            ys = np.array([psu.psu_efficiency(v, loads, effs) for v in xs])
            lo, hi = sorted((effs[k], effs[k + 1]))
            outside = max(0.0, lo - ys.min(), ys.max() - hi)
            d = np.diff(ys)
            non_monotone = 0.0 if (np.all(d >= -1e-15) or np.all(d <= 1e-15)) else float(np.abs(d).max())
            worst = max(worst, outside, non_monotone)
        rows.append(Row(f"{level}: excursion beyond neighbouring points / non-monotone step", 0.0,
                        100.0 * worst, "%", float(case.tolerance["monotone_abs_pct"])))

    def draw(ax):
        xs = np.linspace(0.02, 1.0, 300)
        for level, (loads, effs) in curves.items():
            line, = ax.plot(100 * xs, [100 * psu.psu_efficiency(v, loads, effs) for v in xs], label=level)
            ax.plot(100 * loads, 100 * effs, "o", color=line.get_color())
        ax.set_ylim(60, 100)
        ax.set_xlabel("PSU load [% of rating]")
        ax.set_ylabel("efficiency [%]")
        ax.set_title(f"80 PLUS minimums, {input_kind}")
        ax.legend(ncol=3, fontsize=8)
    _plot(ctx, case.name, draw)
    return rows


@register("psu_dc_input_wp127")
def psu_dc_input_wp127(case: Case, ctx: Context):
    from components.power.psu import DC_LOSS_REDUCTION, dc_input_efficiency
    from twin.inputs.component_data import data_table

    ref = case.reference
    eta_ac = float(case.inputs["ac_efficiency"])
    gain = 100.0 * (dc_input_efficiency(eta_ac, DC_LOSS_REDUCTION) - eta_ac)
    rows = [Row(f"efficiency gain of a {100 * eta_ac:.1f} % AC PSU with DC input", float(ref["gain_pct"]),
                gain, "points", float(case.tolerance["abs_points"]))]
    # the data file carries the same reduction as the kernel constant
    data_r = data_table("psu_80plus")["dc_input"]["loss_reduction"]
    rows.append(Row("loss reduction in psu_80plus.toml = kernel constant", float(ref["loss_reduction"]),
                    float(data_r), "-", 1e-12))
    rows.append(Row("loss reduction in the kernel", float(ref["loss_reduction"]), DC_LOSS_REDUCTION, "-", 1e-12))
    return rows


@register("transformer_scb13_efficiency")
def transformer_scb13_efficiency(case: Case, ctx: Context):
    from components.power.losses import transformer_loss_w
    from twin.inputs.component_data import transformer_row

    tx = transformer_row(case.inputs["transformer_model"])
    pf = float(case.inputs["power_factor"])
    s_n = tx["rating_kva"] * 1e3
    tol = float(case.tolerance["abs_pct"])
    rows = []
    model = []
    for x, e in zip(case.reference["load_fraction"], case.reference["efficiency_pct"]):
        p_out = x * s_n * pf        # load fraction of rated kVA, real power at the load pf
        loss = transformer_loss_w(p_out, 1.0, s_n, pf, tx["no_load_kw"] * 1e3, tx["load_loss_kw"] * 1e3)
        m = 100.0 * p_out / (p_out + loss)
        model.append(m)
        rows.append(Row(f"efficiency at {100 * x:.0f} % of rated kVA", float(e), m, "%", tol))
    # the same numbers with pf = 1 show how the definition matters
    alt = []
    for x in case.reference["load_fraction"]:
        p_out = x * s_n
        loss = transformer_loss_w(p_out, 1.0, s_n, 1.0, tx["no_load_kw"] * 1e3, tx["load_loss_kw"] * 1e3)
        alt.append(100.0 * p_out / (p_out + loss))
    rows.append(Row("at 10 % with pf = 1 (definition check)", float(case.reference["efficiency_pct"][0]),
                    alt[0], "%", tol, gating=False, note="pf 1 does not reproduce the C row"))

    def draw(ax):
        xs = np.linspace(0.02, 1.2, 200)
        for p, lab in ((pf, f"dctwin, pf {pf}"), (1.0, "dctwin, pf 1.0")):
            ys = [100 * x * s_n * p / (x * s_n * p + transformer_loss_w(x * s_n * p, 1.0, s_n, p,
                  tx["no_load_kw"] * 1e3, tx["load_loss_kw"] * 1e3)) for x in xs]
            ax.plot(100 * xs, ys, label=lab)
        ax.errorbar(100 * np.asarray(case.reference["load_fraction"]), case.reference["efficiency_pct"],
                    yerr=tol, fmt="o", capsize=3, label="docs/sources.md 1.4 (C)")
        ax.set_xlabel("load [% of rated kVA]")
        ax.set_ylabel("efficiency [%]")
        ax.legend()
    _plot(ctx, case.name, draw)
    return rows


def _chiller_cops(row: dict, rated_cop: float, points: list[tuple[float, float]], t_chw: float,
                  clip: bool) -> list[float]:
    """COP at (load fraction of rated capacity, ECWT) points, as the twin computes them."""
    from components.cooling import chiller as chl
    from twin.inputs.schema_curves import curve_array

    c = curve_array(row)
    t1, t2 = row["rated_first_c"], row["rated_second_c"]
    cap_ref = 1.0 / chl.biquadratic(c[0:6], t1, t2)         # rated capacity 1 W
    cop_ref = rated_cop * chl.biquadratic(c[6:12], t1, t2) * chl.quadratic(c[12:15], 1.0)
    cops = []
    for frac, ecwt in points:
        if clip:
            cap, _ = chl.chiller_capacity_w(c, cap_ref, t_chw, ecwt)
            p = chl.chiller_power_w(c, cap, cop_ref, frac / cap, t_chw, ecwt)
        else:
            cap = cap_ref * chl.biquadratic(c[0:6], t_chw, ecwt)
            plr = max(frac / cap, c[19])
            p = cap / cop_ref * chl.biquadratic(c[6:12], t_chw, ecwt) * chl.quadratic(c[12:15], plr)
        cops.append(frac / p)
    return cops


@register("chiller_iplv_ashrae_90_1")
def chiller_iplv_ashrae_90_1(case: Case, ctx: Context):
    from twin.inputs.component_data import data_table

    inp, ref = case.inputs, case.reference
    row = data_table("chillers")[inp["curve_set"]]
    rated_cop = float(ref["full_load_cop"])
    weights = np.asarray(inp["iplv_weights"], dtype=float)
    points = list(zip(inp["load_fraction"], inp["ecwt_c"]))
    cops = _chiller_cops(row, rated_cop, points, inp["chw_leaving_c"], clip=True)
    cops_x = _chiller_cops(row, rated_cop, points, inp["chw_leaving_c"], clip=False)
    fl = _chiller_cops(row, rated_cop, [(1.0, row["rated_second_c"])], row["rated_first_c"], clip=True)[0]
    iplv = float(weights @ np.asarray(cops))
    iplv_x = float(weights @ np.asarray(cops_x))
    ratio_ref = float(ref["iplv_cop"]) / rated_cop
    rel = float(case.tolerance["ratio_rel"])
    rows = [
        Row("full-load COP at the curve set's rating point (normalisation)", rated_cop, fl, "-",
            float(case.tolerance["full_load_abs"])),
        Row("IPLV / full-load COP (as the twin runs: tangent extrapolation within the set's bounds)", ratio_ref,
            iplv / cops[0], "-", rel * ratio_ref),
        Row("IPLV / full-load COP with the curves extrapolated below 24 degC ECWT", ratio_ref,
            iplv_x / cops_x[0], "-", rel * ratio_ref, gating=False, note="outside curve data"),
        Row("IPLV at 90.1 full-load COP", float(ref["iplv_cop"]), iplv, "COP",
            rel * float(ref["iplv_cop"]), gating=False),
    ]

    def draw(ax):
        fr = [p[0] for p in points]
        ax.plot(np.array(fr) * 100, cops, "o-", label="dctwin (as it runs)")
        ax.plot(np.array(fr) * 100, cops_x, "s--", label="biquadratics evaluated outside their data")
        ax.axhline(rated_cop, color="grey", lw=0.8, label="90.1 Path A full load")
        ax.axhline(float(ref["iplv_cop"]), color="k", ls=":", label="90.1 Path A IPLV")
        ax.set_xlabel("load [% of rated capacity] at AHRI ECWT relief")
        ax.set_ylabel("COP [-]")
        ax.legend(fontsize=8)
    _plot(ctx, case.name, draw)
    notes = {"IPLV": f"dctwin IPLV {iplv:.3f} (ratio {iplv / cops[0]:.4f}); with extrapolated curves "
                     f"{iplv_x:.3f} (ratio {iplv_x / cops_x[0]:.4f}); 90.1-2019 Path A ratio {ratio_ref:.4f}.",
             "Part-load COPs (A, B, C, D)": ", ".join(
                 f"{100 * f:.0f} % at {e} degC: {c:.3f} (extrapolated {cx:.3f})"
                 for (f, e), c, cx in zip(points, cops, cops_x))}
    return rows, {"notes": notes}


@register("cooling_tower_approach")
def cooling_tower_approach(case: Case, ctx: Context):
    from components import psychrometrics as psy
    from components.cooling import cooling_tower as ct

    inp = case.inputs
    p = float(inp["pressure_pa"])
    rng = float(inp["design_range_k"])
    ntu = ct.design_ntu(inp["design_wet_bulb_c"], inp["design_approach_k"], rng,
                        inp["water_to_air"], p)
    m_w = 1.0
    m_a = m_w / inp["water_to_air"]
    q_design = m_w * ct.CP_WATER * rng
    lo, hi = case.reference["approach_range_k"]

    def approach(wb, load):
        h = psy.saturated_enthalpy(wb, p)     # entering air on its wet-bulb line
        t_out, _, _ = ct.operate(load * q_design, wb - 10.0, h, p, m_w, m_a, ntu, True, math.nan)
        return t_out - wb

    rows = [Row("design-point approach (sizing reproduces its own design)",
                float(inp["design_approach_k"]), approach(inp["design_wet_bulb_c"], 1.0), "K",
                float(case.tolerance["design_abs_k"]))]
    table = {}
    for load in inp["load_fraction"]:
        for wb in inp["wet_bulb_c"]:
            a = approach(float(wb), float(load))
            table[(load, wb)] = a
            gating = load == 1.0 and wb >= inp["gating_min_wet_bulb_c"]
            rows.append(Row(f"approach at {100 * load:.0f} % load, wet bulb {wb} degC", (lo, hi), a, "K",
                            gating=gating))
    # physics: approach grows with load and falls with wet bulb
    loads, wbs = inp["load_fraction"], inp["wet_bulb_c"]
    up = all(table[(loads[i + 1], w)] > table[(loads[i], w)] for i in range(len(loads) - 1) for w in wbs)
    down = all(table[(l, wbs[j + 1])] < table[(l, wbs[j])] for j in range(len(wbs) - 1) for l in loads)
    rows.append(Row("monotone: approach rises with load and falls with wet bulb (1 = yes)", 1.0,
                    float(up and down), "-", 0.0))

    def draw(ax):
        for load in loads:
            ax.plot(wbs, [table[(load, w)] for w in wbs], "o-", label=f"{100 * load:.0f} % load")
        ax.axhspan(lo, hi, color="green", alpha=0.12, label="2.8-6.7 K (docs/sources.md 2.2, S)")
        ax.set_xlabel("entering wet bulb [degC]")
        ax.set_ylabel("approach at full fan [K]")
        ax.legend(fontsize=8)
    _plot(ctx, case.name, draw)
    outside = sorted(f"{100 * l:.0f} %/{w} degC: {a:.2f} K" for (l, w), a in table.items() if not lo <= a <= hi)
    return rows, {"notes": {"Outside the sampled range": "; ".join(outside) or "none"}}


@register("tower_energyplus_replica")
def tower_energyplus_replica(case: Case, ctx: Context):
    import sys
    from pathlib import Path

    from components import psychrometrics as psy

    sys.path.insert(0, str(Path(__file__).resolve().parent / "energyplus"))
    import ep_models
    import tower_equivalent

    inp = case.inputs
    m_w, v_air, ua = float(inp["water_flow_kgs"]), float(inp["design_air_flow_m3s"]), float(inp["design_ua_w_per_k"])
    tol = float(case.tolerance["abs_k"])
    rows, points = [], {}
    for p in inp["pressures_pa"]:
        cell = tower_equivalent.dctwin_cell(m_w, v_air, ua, float(inp["design_heat_w"]), float(inp["design_dry_bulb_c"]),
                                            float(inp["design_wet_bulb_c"]), float(p))
        for t_db in inp["dry_bulb_c"]:
            for rh in inp["relative_humidity"]:
                w = float(psy.humidity_ratio_from_rh(t_db, rh, p))
                t_wb = float(psy.wet_bulb_from_humidity_ratio(t_db, w, p))
                if t_wb > inp["max_wet_bulb_c"]:
                    continue
                t_in = max(t_wb + float(inp["entering_above_wet_bulb_k"]), 10.0)
                ref, _ = ep_models.tower_outlet_fan_on(t_in, m_w, v_air, ua, t_db, t_wb, p)
                model = tower_equivalent.full_fan_outlet_c(cell, m_w, t_in, t_db, w, p)
                points.setdefault(p, []).append((t_wb, model - ref))
                rows.append(Row(f"leaving water: {p / 1e3:.1f} kPa, {t_db:g} degC {100 * rh:.0f} % RH "
                                f"(wet bulb {t_wb:.1f}), entering {t_in:.1f} degC", ref, model, "degC", tol))

    def draw(ax):
        for p, pts in points.items():
            pts = sorted(pts)
            ax.plot([a for a, _ in pts], [d for _, d in pts], "o", label=f"{p / 1e3:.1f} kPa")
        ax.axhspan(-tol, tol, color="green", alpha=0.12, label=f"+-{tol} K")
        ax.set_xlabel("outdoor wet bulb [degC]")
        ax.set_ylabel("dctwin - EnergyPlus, leaving water at full fan [K]")
        ax.legend(fontsize=8)
    _plot(ctx, case.name, draw)
    return rows


@register("iec_energyplus_equations")
def iec_energyplus_equations(case: Case, ctx: Context):
    from components import psychrometrics as psy
    from components.cooling import indirect_evaporative as iec
    from validation import eplus_iec as ep

    inp, ref, tol = case.inputs, case.reference, case.tolerance
    p_atm = float(inp["pressure_pa"])
    rows = []
    # 1. EnergyPlus's own unit-test values
    ut = ref["unit_test"]
    for mode, key, eff in ((iec.MODE_DRY, "dry_outlet_c", "dry_effectiveness"),
                           (iec.MODE_WET, "wet_outlet_c", "wet_effectiveness")):
        t, _, _ = iec.iec_outlet_temperature(
            mode, ut["t_primary_c"], ut["w_primary"], ut["t_secondary_db_c"], ut["t_secondary_wb_c"],
            -100.0, ut["w_secondary"], ut["m_secondary"] / ut["m_primary"], ut["wet_effectiveness"],
            ut["dry_effectiveness"], iec.CONSTANT_CURVE, iec.CONSTANT_CURVE, 0.9)
        rows.append(Row(f"EnergyPlus unit test, {'dry' if mode == iec.MODE_DRY else 'wet'} full outlet",
                        float(ut[key]), t, "degC", float(tol["unit_test_abs_k"])))
    # 2. grid against the independent transcription
    wb_curve = np.asarray(inp["wb_modifier"], dtype=float)
    db_curve = np.asarray(inp["db_modifier"], dtype=float)
    fan_curve = np.asarray(inp["fan_modifier"], dtype=float)
    pump_curve = np.asarray(inp["pump_modifier"], dtype=float)
    worst = {"outlet": 0.0, "heat": 0.0, "water": 0.0, "power": 0.0}
    eff_seen = {iec.MODE_DRY: [], iec.MODE_WET: []}
    skipped = 0
    compared = 0
    m_sys = float(inp["m_primary"])
    m_sec_design = float(inp["m_secondary_design"])
    inp = dict(inp)
    if inp["eff_wb_design"] == "default":
        inp["eff_wb_design"] = iec.DEFAULT_EFF_WB_DESIGN
    if inp["eff_db_design"] == "default":
        inp["eff_db_design"] = iec.DEFAULT_EFF_DB_DESIGN
    for t_in in inp["t_primary_c"]:
        for t_db, rh in inp["outdoor"]:
            w_sec = psy.humidity_ratio_from_rh(t_db, rh, p_atm)
            t_wb = psy.wet_bulb_from_humidity_ratio(t_db, w_sec, p_atm)
            t_dp = psy.dew_point_from_humidity_ratio(w_sec, p_atm)
            if t_db >= t_in:
                # EnergyPlus's mode selection switches the cooler off when the primary inlet is
                # not warmer than the secondary dry bulb; the kernels are not compared there.
                skipped += 1
                continue
            for ff in inp["secondary_flow_fraction"]:
                m_sec = ff * m_sec_design
                for mode, ep_mode in ((iec.MODE_DRY, ep.DRY_FULL), (iec.MODE_WET, ep.WET_FULL)):
                    t_out, eff, _ = iec.iec_outlet_temperature(
                        mode, t_in, inp["w_primary"], t_db, t_wb, t_dp, w_sec, m_sec / m_sys,
                        inp["eff_wb_design"], inp["eff_db_design"], wb_curve, db_curve,
                        inp["dew_point_factor"])
                    q = iec.iec_heat_transfer_w(m_sys, inp["w_primary"], t_in, t_out)
                    water = iec.iec_water_use_kg_s(mode, q, t_db, inp["cycles_of_concentration"],
                                                   inp["drift_fraction"])
                    pw = iec.iec_fan_pump_power_w(mode, ff, inp["fan_design_w"], inp["pump_design_w"],
                                                  fan_curve, pump_curve)
                    ec = ep.EvapCond(m_sys, t_in, inp["w_primary"], inp["eff_wb_design"],
                                     inp["eff_db_design"], tuple(wb_curve), tuple(db_curve),
                                     inp["dew_point_factor"], inp["fan_design_w"], inp["pump_design_w"],
                                     tuple(fan_curve), tuple(pump_curve), inp["drift_fraction"],
                                     inp["cycles_of_concentration"])
                    ep.calc_outlet_temp(ec, ep_mode, m_sec, t_db, t_wb, w_sec, t_dp)
                    q_ep, ev, dr, bl = ep.heat_and_water(ec, ep_mode, m_sec, t_db, w_sec)
                    p_ep = ep.power(ec, ep_mode, ff)
                    compared += 1
                    worst["outlet"] = max(worst["outlet"], abs(t_out - ec.outlet_temp))
                    worst["heat"] = max(worst["heat"], abs(q - q_ep) / max(abs(q_ep), 1.0))
                    worst["water"] = max(worst["water"], abs(sum(water) - (ev + dr + bl)) / max(ev + dr + bl, 1e-12))
                    worst["power"] = max(worst["power"], abs(pw - p_ep) / max(p_ep, 1.0))
                    if abs(ff - 1.0) < 1e-12 and t_out < t_in:
                        ref_t = t_db if mode == iec.MODE_DRY else t_wb
                        eff_seen[mode].append((t_in - t_out) / (t_in - ref_t))
    rows += [
        Row("max |outlet - E+ transcription|", 0.0, worst["outlet"], "K", float(tol["grid_abs_k"])),
        Row("max relative error of heat removed", 0.0, worst["heat"], "-", float(tol["grid_rel"])),
        Row("max relative error of water (evaporation+drift+blowdown)", 0.0, worst["water"], "-",
            float(tol["grid_rel"])),
        Row("max relative error of fan + pump power", 0.0, worst["power"], "-", float(tol["grid_rel"])),
    ]
    # 3. effectiveness of the default parameter set at design secondary flow (docs/sources.md 2.4, M)
    for mode, key, label in ((iec.MODE_DRY, "dry_effectiveness_range", "dry-bulb"),
                             (iec.MODE_WET, "wet_effectiveness_range", "wet-bulb")):
        lo, hi = ref[key]
        seen = eff_seen[mode]
        rows.append(Row(f"lowest {label} effectiveness at design flow", (lo, hi), float(min(seen)), "-"))
        rows.append(Row(f"highest {label} effectiveness at design flow", (lo, hi), float(max(seen)), "-"))
    notes = {"Grid": f"{compared} operating points compared (2 modes x flows x conditions); "
                     f"{skipped} primary/outdoor combinations skipped because the outdoor dry bulb is not "
                     "below the primary inlet, where EnergyPlus switches the cooler off."}
    return rows, {"notes": notes}


@register("psychrometrics_psychrolib")
def psychrometrics_psychrolib(case: Case, ctx: Context):
    try:
        import psychrolib as pl
    except ImportError:
        raise SkipCase("psychrolib is not installed (pip install 'dctwin[test]')") from None
    from components import psychrometrics as ps

    pl.SetUnitSystem(pl.SI)
    return _psychro_rows(case, lambda t, rh, p: {
        "w": pl.GetHumRatioFromRelHum(t, rh, p),
        "wb": pl.GetTWetBulbFromRelHum(t, rh, p),
        "dp": pl.GetTDewPointFromRelHum(t, rh),
        "h": pl.GetMoistAirEnthalpy(t, pl.GetHumRatioFromRelHum(t, rh, p)),
    }, ps)


@register("psychrometrics_coolprop")
def psychrometrics_coolprop(case: Case, ctx: Context):
    try:
        from CoolProp.HumidAirProp import HAPropsSI
    except ImportError:
        raise SkipCase("CoolProp is not installed (optional: pip install coolprop)") from None
    from components import psychrometrics as ps

    def ref(t, rh, p):
        tk = t + 273.15
        w = HAPropsSI("W", "T", tk, "P", p, "R", rh)
        # CoolProp's enthalpy has a different zero; compare the difference to dry air at 0 degC
        h0 = HAPropsSI("H", "T", 273.15, "P", p, "W", 0.0)
        return {"w": w, "wb": HAPropsSI("B", "T", tk, "P", p, "R", rh) - 273.15,
                "dp": HAPropsSI("D", "T", tk, "P", p, "R", rh) - 273.15,
                "h": HAPropsSI("H", "T", tk, "P", p, "R", rh) - h0}
    return _psychro_rows(case, ref, ps)


def _psychro_rows(case: Case, reference, ps) -> list[Row]:
    inp, tol = case.inputs, case.tolerance
    worst = {"w": 0.0, "wb": 0.0, "wb_band": 0.0, "dp": 0.0, "h": 0.0}
    band = float(inp.get("wet_bulb_freezing_band_k", 0.0))
    for p in inp["pressure_pa"]:
        for t in np.arange(*inp["temperature_c"]):
            for rh in np.arange(*inp["relative_humidity"]):
                t, rh = float(t), float(rh)
                r = reference(t, rh, p)
                w = ps.humidity_ratio_from_rh(t, rh, p)
                worst["w"] = max(worst["w"], abs(w - r["w"]) / r["w"])
                wb = ps.wet_bulb_from_humidity_ratio(t, w, p)
                key = "wb_band" if band > 0.0 and min(abs(wb), abs(r["wb"])) < band else "wb"
                worst[key] = max(worst[key], abs(wb - r["wb"]))
                worst["dp"] = max(worst["dp"], abs(ps.dew_point_from_humidity_ratio(w, p) - r["dp"]))
                # relative to the size of the sensible plus latent parts (h itself crosses zero)
                scale = 1006.0 * abs(t) + 2.501e6 * r["w"] + 1.0e3
                worst["h"] = max(worst["h"], abs(ps.enthalpy_moist_air(t, w) - r["h"]) / scale)
    rows = [
        Row("max relative error of humidity ratio", 0.0, worst["w"], "-", float(tol["w_rel"])),
        Row("max |wet bulb error|", 0.0, worst["wb"], "K", float(tol["wet_bulb_abs_k"])),
        Row("max |dew point error|", 0.0, worst["dp"], "K", float(tol["dew_point_abs_k"])),
        Row("max enthalpy error / (1006 |t| + 2501e3 W + 1000)", 0.0, worst["h"], "-", float(tol["h_rel"])),
    ]
    if band > 0.0:
        rows.append(Row(f"max |wet bulb error| within {band} K of 0 degC", 0.0, worst["wb_band"], "K",
                        float(tol["wet_bulb_abs_k"]), gating=False,
                        note="ice/water branch switch, see tolerance"))
    return rows


@register("ite_energyplus_aircooled")
def ite_energyplus_aircooled(case: Case, ctx: Context):
    import json

    from components.it_equipment import ite_power_w
    from twin.inputs.component_data import data_table
    from twin.inputs.schema_ite import IteCurveSet, ite_curve_vector

    ref = json.loads((case.folder / case.inputs["reference_file"]).read_text())
    tol = float(case.tolerance["rel_design"])
    design_w, fan_fraction, design_flow = ref["design_power_w"], ref["design_fan_power_fraction"], ref["design_air_flow_m3s"]
    shipped = ite_curve_vector(IteCurveSet.model_validate(data_table("ite_curves", ref["curve_set"])))
    ran = ite_curve_vector(IteCurveSet.model_validate({"source": ref["writer"], **ref["curves"]}))
    differ = shipped != ran
    rows = [Row(f"curve set '{ref['curve_set']}' in ite_curves.toml minus the curves EnergyPlus ran (max |diff|)",
                0.0, float(np.max(np.abs(shipped[differ] - ran[differ]))) if differ.any() else 0.0, "-", 0.0)]
    cpu_c, flow_c, fan_c = ran[:12], ran[12:24], ran[24:]
    worst = {"cpu": 0.0, "fan": 0.0, "flow": 0.0}
    model = []
    for u, t, cpu, fan, flow in ref["points"]:
        total, fans, fraction = ite_power_w(u, t, design_w, fan_fraction, cpu_c, flow_c, fan_c)
        model.append((total - fans, fans, fraction * design_flow))
        worst["cpu"] = max(worst["cpu"], abs(total - fans - cpu) / design_w)
        worst["fan"] = max(worst["fan"], abs(fans - fan) / design_w)
        worst["flow"] = max(worst["flow"], abs(fraction * design_flow - flow) / design_flow)
    n = len(ref["points"])
    rows += [Row(f"max |CPU power error| / design power over {n} points", 0.0, worst["cpu"], "-", tol),
             Row(f"max |fan power error| / design power over {n} points", 0.0, worst["fan"], "-", tol),
             Row(f"max |air flow error| / design flow over {n} points", 0.0, worst["flow"], "-", tol)]
    for u, t_set in case.inputs["shown"]:
        k = next(i for i, p in enumerate(ref["points"]) if p[0] == u and round(p[1]) == t_set)
        _, t, cpu, fan, flow = ref["points"][k]
        where = f"u {u:g}, inlet {t:.2f} degC"
        rows += [Row(f"CPU power, {where}", cpu / 1e3, model[k][0] / 1e3, "kW", tol * design_w / 1e3),
                 Row(f"fan power, {where}", fan / 1e3, model[k][1] / 1e3, "kW", tol * design_w / 1e3),
                 Row(f"air flow, {where}", flow, model[k][2], "m3/s", tol * design_flow)]
    return rows


@register("dry_cooler_energyplus_replica")
def dry_cooler_energyplus_replica(case: Case, ctx: Context):
    import sys
    from pathlib import Path

    from scipy.optimize import brentq

    from components.cooling.liquid import UA_AIRFLOW_EXPONENT, dry_cooler, dry_cooler_conductance, dry_cooler_design_ua

    sys.path.insert(0, str(Path(__file__).resolve().parent / "energyplus"))
    import ep_models as ep

    inp = case.inputs
    q_d, t_s, rng = float(inp["design_heat_w"]), float(inp["supply_c"]), float(inp["range_k"])
    t_in, w, p = t_s + rng, float(inp["humidity_ratio"]), float(inp["pressure_pa"])
    t_design = t_s + 0.5 * rng - float(inp["approach_k"])
    c_water_d, c_air = q_d / rng, q_d / float(inp["air_rise_k"])
    ua = dry_cooler_design_ua(q_d, t_in - t_design, c_water_d, c_air)  # as twin/engine/plant.py sizes it
    # EnergyPlus's fluid cooler on the same design point: the design air volume at the design air's density
    v_air = c_air / (ep.rho_air(p, t_design, w) * ep.cp_air(w))

    def ep_water(q):  # the same water capacity rate, at EnergyPlus's c_p of the entering water
        return q / rng / ep.cp_water(t_in)

    ua_ep = ep.fluid_cooler_ua_for(t_in, t_s, ep_water(q_d), v_air, t_design, w, p)
    tol = float(case.tolerance["share_of_load"])
    rows, curves = [], {}
    for load in inp["load_fraction"]:
        q = load * q_d
        for t_db in inp["dry_bulb_c"]:
            ref = min(q, ep.fluid_cooler_fan_on(t_in, ep_water(q), v_air, ua_ep, t_db, w, p)[1]) / q
            model = dry_cooler(q, t_in, t_db, dry_cooler_conductance(q, rng, ua, c_air), 1.0)[0] / q
            curves.setdefault(load, []).append((t_db, ref, model))
            rows.append(Row(f"share of the load taken at {100 * load:.0f} % load, {t_db:g} degC outdoor air", ref, model, "-",
                            tol))
        for t_db in inp["fan_speed_dry_bulb_c"]:
            # the fans' speed where the coil is above its load: dctwin's law against an exact solve of the
            # same effectiveness with the air flow at that speed and UA ~ speed**0.6 (EnergyPlus's fluid
            # cooler has no variable speed: information only)
            def residual(s):
                return ep.fluid_cooler_fan_on(t_in, ep_water(q), s * v_air, ua_ep * s ** UA_AIRFLOW_EXPONENT, t_db, w, p)[1] - q
            exact = brentq(residual, 1e-6, 1.0) if residual(1.0) > 0.0 else 1.0
            rows.append(Row(f"fan speed at {100 * load:.0f} % load, {t_db:g} degC (law against exact solve)", exact,
                            dry_cooler(q, t_in, t_db, dry_cooler_conductance(q, rng, ua, c_air), 1.0)[2], "-",
                            float(case.tolerance["fan_speed_info"]), gating=False))
    rows.append(Row("UA at full fan, sized on the design point (dctwin against EnergyPlus's sizing)", ua_ep, ua, "W/K",
                    float(case.tolerance["ua_info_fraction"]) * ua_ep, gating=False))

    def draw(ax):
        for load, pts in curves.items():
            line, = ax.plot([t for t, _, _ in pts], [r for _, r, _ in pts], "-", label=f"EnergyPlus, {100 * load:.0f} % load")
            ax.plot([t for t, _, _ in pts], [m for _, _, m in pts], "o", color=line.get_color())
        ax.set_xlabel("outdoor dry bulb [degC] (points: dctwin)")
        ax.set_ylabel("share of the liquid heat the dry cooler takes [-]")
        ax.legend(fontsize=8)
    _plot(ctx, case.name, draw)
    return rows
