"""Plain-Python replicas of EnergyPlus 25.2 component equations: the two the reference plant uses, and its dry fluid cooler.

They exist to (a) derive the cooling-tower UA written into ``datacenter_idf.py`` and (b) check,
hour by hour, that the parameters in ``reference_<city>.json`` reproduce what EnergyPlus computed
(``run_energyplus.py`` stores the residuals).  A second model that implements the same equations
with the same parameters should land on the same numbers.

* Chiller:Electric:EIR (Engineering Reference, "Electric Chiller Model Based on Condenser
  Entering Temperature")::

      CAPFT  = biquad(T_chw,set, T_cw,in)         (inputs clipped to the curve ranges)
      Q_avail = Q_ref * CAPFT
      PLR    = Q_evap / Q_avail
      P      = Q_avail / COP_ref * EIRFT(T_chw,out, T_cw,in) * EIRFPLR(max(PLR, PLR_min_unload))

* CoolingTower:SingleSpeed ("Single Speed Cooling Tower", Merkel/e-NTU after Braun):  the
  fan-on outlet water temperature from an effectiveness with a saturated-air effective specific
  heat, iterated on the outlet air wet bulb; with fan cycling the fan runs the fraction
  ``(T_in - T_set) / (T_in - T_out,fan_on)`` of the time (the free-convection regime is zero here).

Psychrometrics follow EnergyPlus's Psychrometrics.hh forms (saturation pressure after ASHRAE
HOF, h = 1.00484e3 T + W (2.50094e6 + 1.85895e3 T)).

* FluidCooler:SingleSpeed ("Fluid Coolers": a dry air-to-water coil, effectiveness-NTU in cross
  flow with both streams unmixed): not in the reference plants; the validation case
  ``dry_cooler_energyplus_replica`` compares dctwin's dry cooler with it.
"""

import math


# -- psychrometrics ------------------------------------------------------------------------------
def psat_pa(t_c):
    """Saturation vapour pressure over water/ice, ASHRAE HOF (Hyland & Wexler 1983). [Pa]"""
    tk = t_c + 273.15
    if t_c < 0.0:
        return math.exp(-5.6745359e3 / tk + 6.3925247 - 9.677843e-3 * tk + 6.2215701e-7 * tk ** 2
                        + 2.0747825e-9 * tk ** 3 - 9.484024e-13 * tk ** 4 + 4.1635019 * math.log(tk))
    return math.exp(-5.8002206e3 / tk + 1.3914993 - 4.8640239e-2 * tk + 4.1764768e-5 * tk ** 2
                    - 1.4452093e-8 * tk ** 3 + 6.5459673 * math.log(tk))


def w_sat(t_c, p_pa):
    pw = psat_pa(t_c)
    return 0.62198 * pw / (p_pa - pw)


def w_from_tdb_twb(tdb, twb, p_pa):
    ws = w_sat(twb, p_pa)
    return ((2501.0 - 2.326 * twb) * ws - 1.006 * (tdb - twb)) / (2501.0 + 1.86 * tdb - 4.186 * twb)


def h_air(t_c, w):
    return 1.00484e3 * t_c + w * (2.50094e6 + 1.85895e3 * t_c)


def rho_air(p_pa, t_c, w):
    return p_pa / (287.0 * (t_c + 273.15) * (1.0 + 1.6077687 * w))


def cp_air(w):
    return 1.00484e3 + w * 1.85895e3


def cp_water(t_c):
    """Liquid water specific heat, 0-100 degC polynomial fit (within 0.1 % of EnergyPlus's table)."""
    return 4217.4 - 3.720283 * t_c + 0.1412855 * t_c ** 2 - 2.654387e-3 * t_c ** 3 + 2.093236e-5 * t_c ** 4


# -- cooling tower -------------------------------------------------------------------------------
def tower_outlet_fan_on(t_water_in, m_water, v_air, ua, t_db, t_wb, p_pa, w_out=None):
    """Outlet water temperature and heat rejected with the fan at full speed. [degC, W]

    Replica of ``CoolingTower::calculateSimpleTowerOutletTemp`` (EnergyPlus 25.2).
    """
    if w_out is None:
        w_out = w_from_tdb_twb(t_db, t_wb, p_pa)
    m_air = v_air * rho_air(p_pa, t_db, w_out)
    cpa = cp_air(w_out)
    h_in = h_air(t_wb, w_sat(t_wb, p_pa))
    mcp_w = m_water * cp_water(t_water_in)
    t_wb_out = t_wb + 6.0
    q = 0.0
    for _ in range(100):
        h_out = h_air(t_wb_out, w_sat(t_wb_out, p_pa))
        cpe = (h_out - h_in) / (t_wb_out - t_wb)
        c_air = m_air * cpe
        cmin, cmax = min(c_air, mcp_w), max(c_air, mcp_w)
        cr = cmin / cmax
        ntu = ua * cpe / cpa / cmin
        if cr <= 0.995:
            x = ntu * (1.0 - cr)
            eff = (1.0 - math.exp(-x)) / (1.0 - cr * math.exp(-x)) if x < 700.0 else ntu / (1.0 + ntu)
        else:
            eff = ntu / (1.0 + ntu)
        q = eff * cmin * (t_water_in - t_wb)
        last = t_wb_out
        t_wb_out = t_wb + q / c_air
        if abs(t_wb_out - t_wb) < 1e-3 or abs((t_wb_out - last) / (last + 273.15)) < 1e-4:
            break
    if q < 0.0:
        return t_water_in, 0.0
    return t_water_in - q / mcp_w, q


def tower_fan_cycling(t_water_in, t_set, m_water, v_air, ua, t_db, t_wb, p_pa, w_out=None):
    """(outlet temperature, fan cycling ratio) of a fan-cycling single-speed tower, no free convection."""
    if t_water_in <= t_set:
        return t_water_in, 0.0
    t_on, _ = tower_outlet_fan_on(t_water_in, m_water, v_air, ua, t_db, t_wb, p_pa, w_out)
    if t_on >= t_set:
        return t_on, 1.0
    return t_set, (t_water_in - t_set) / (t_water_in - t_on)


def _ua_reaching(t_water_out, outlet_at, lo, hi, halvings):
    """UA [W/K] in [lo, hi] at which ``outlet_at(UA)``, a leaving water temperature that falls as UA
    rises, reaches ``t_water_out``: bisection on log UA."""
    for _ in range(halvings):
        mid = math.sqrt(lo * hi)
        if outlet_at(mid) > t_water_out:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def tower_ua_for(t_water_in, t_water_out, m_water, v_air, t_db, t_wb, p_pa):
    """UA [W/K] that makes the fan-on tower cool ``t_water_in`` to ``t_water_out`` (bisection)."""
    return _ua_reaching(t_water_out, lambda ua: tower_outlet_fan_on(t_water_in, m_water, v_air, ua, t_db, t_wb, p_pa)[0],
                        1.0e2, 1.0e7, 100)


# -- fluid cooler (dry cooler) ------------------------------------------------------------------
def fluid_cooler_fan_on(t_water_in, m_water, v_air, ua, t_db, w_out, p_pa):
    """Outlet water temperature and heat rejected of a dry fluid cooler at full fan. [degC, W]

    Replica of ``FluidCoolers.cc`` ``CalcFluidCoolerOutlet`` (``FluidCooler:SingleSpeed``, EnergyPlus
    25.2): cross flow with both streams unmixed, ``eps = 1 - exp((exp(-C_r NTU / NTU^0.22) - 1) /
    (C_r / NTU^0.22))``, the air's mass flow the design volume times the outdoor density and its
    c_p at the outdoor humidity, the water's c_p at the inlet temperature.
    """
    c_air = v_air * rho_air(p_pa, t_db, w_out) * cp_air(w_out)
    mcp_w = m_water * cp_water(t_water_in)
    cmin, cmax = min(c_air, mcp_w), max(c_air, mcp_w)
    cr = cmin / cmax
    ntu = ua / cmin
    eta = ntu ** 0.22
    eff = 1.0 - math.exp((math.exp(-cr * ntu / eta) - 1.0) / (cr / eta))
    q = eff * cmin * (t_water_in - t_db)
    if q < 0.0:
        return t_water_in, q
    return t_water_in - q / mcp_w, q


def fluid_cooler_ua_for(t_water_in, t_water_out, m_water, v_air, t_db, w_out, p_pa):
    """UA [W/K] that makes the fan-on fluid cooler cool ``t_water_in`` to ``t_water_out`` (bisection),
    as EnergyPlus sizes it (``SimpleFluidCoolerUAResidual`` solved on the design point)."""
    return _ua_reaching(t_water_out, lambda ua: fluid_cooler_fan_on(t_water_in, m_water, v_air, ua, t_db, w_out, p_pa)[0],
                        1.0, 1.0e9, 200)


# -- chiller -------------------------------------------------------------------------------------
def _clip(x, r):
    return min(max(x, r[0]), r[1])


def biquadratic(c, x, y):
    return c[0] + c[1] * x + c[2] * x * x + c[3] * y + c[4] * y * y + c[5] * x * y


def quadratic(c, x):
    return c[0] + c[1] * x + c[2] * x * x


def chiller_power(ch, q_evap, t_chw_set, t_chw_out, t_cw_in):
    """(electric power W, available capacity W, PLR) of one Chiller:Electric:EIR."""
    cap, eir, plr_c = ch["capft"], ch["eirft"], ch["eirfplr"]
    capft = biquadratic(cap["coefficients"], _clip(t_chw_set, cap["x_range"]), _clip(t_cw_in, cap["y_range"]))
    q_avail = ch["reference_capacity_w"] * max(capft, 0.0)
    plr = min(q_evap / q_avail, ch["max_plr"]) if q_avail > 0 else 0.0
    eirft = biquadratic(eir["coefficients"], _clip(t_chw_out, eir["x_range"]), _clip(t_cw_in, eir["y_range"]))
    x = _clip(max(plr, ch["min_unloading_ratio"]), plr_c["x_range"])
    eirfplr = quadratic(plr_c["coefficients"], x)
    cycling = min(plr / ch["min_plr"], 1.0) if ch["min_plr"] > 0 else 1.0
    power = q_avail / ch["reference_cop"] * max(eirft, 0.0) * max(eirfplr, 0.0) * cycling
    return power, q_avail, plr


# -- whole plant, one steady hour ----------------------------------------------------------------
def plant_hour(params, derived, t_db, t_wb, w_out, p_pa, m_cw):
    """Steady-state hour of the whole reference plant from the parameters alone.

    Returns dict(facility_w, chiller_w, tower_w, t_cond_in_c, plr).  The evaporator load is the
    constant coil load plus CHW pump heat; the condenser temperature is found by fixed-point
    iteration of chiller -> condenser heat -> tower (fan cycling to the wet-bulb-following setpoint).
    """
    ch, tw, cw = params["chiller"], params["tower"], params["cw_loop"]
    t_chw = params["chw_loop"]["supply_temperature_c"]
    q_evap = derived["ite_total_w"] + derived["crah_fan_w"] + derived["chw_pump_heat_to_water_w"]
    t_set = min(max(t_wb + cw["setpoint_offset_k"], cw["setpoint_min_c"]), cw["setpoint_max_c"])
    t_c = t_set
    for _ in range(100):
        p_ch, _, plr = chiller_power(ch, q_evap, t_chw, t_chw, t_c)
        q_cond = q_evap + p_ch * ch["fraction_compressor_heat_to_condenser"] + derived["cw_pump_heat_to_water_w"]
        t_in = t_c + q_cond / (m_cw * cp_water(t_c))
        t_out, frac = tower_fan_cycling(t_in, t_set, m_cw, tw["design_air_flow_m3s"], tw["design_ua_w_per_k"],
                                        t_db, t_wb, p_pa, w_out)
        if abs(t_out - t_c) < 1e-5:
            break
        t_c = 0.5 * (t_c + t_out)
    tower_w = frac * tw["design_fan_power_w"]
    facility = (derived["ite_total_w"] + derived["crah_fan_w"] + derived["chw_pump_w"] + derived["cw_pump_w"]
                + p_ch + tower_w)
    return {"facility_w": facility, "chiller_w": p_ch, "tower_w": tower_w, "t_cond_in_c": t_c, "plr": plr}
