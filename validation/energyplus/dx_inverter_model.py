"""The inverter DX reference plant (model ``dx_inverter`` of ``plant_models.py``).

The DX computer room of ``plant_models.DX_PARAMS`` (same hall, same 50 m3/s constant-volume fan,
same 1.2 MW rated at the top speed) with a ``Coil:Cooling:DX:VariableSpeed`` in the
``CoilSystem:Cooling:DX``: ten speed levels whose data are the curve set
``dx_inverter_eplus_heatpumpvsas`` of ``components/data/chillers.toml`` (EnergyPlus's example
HeatPumpVSAS.idf), so that both models read the same numbers.  The coil system holds the 18 degC
outlet set point by interpolating between the two neighbouring speeds, or by cycling speed 1.
"""

import datacenter_idf as dc
from datacenter_idf import _obj

SET_NAME = "dx_inverter_eplus_heatpumpvsas"
SOURCE = "HeatPumpVSAS"


def inverter_coil(curve_set: dict, base_coil: dict) -> dict:
    """The ``dx_coil`` section of the inverter model: ``base_coil``'s capacity and condenser with the
    speed table and curves of ``curve_set``, scaled to the nominal speed.  The rated air flow keeps
    the example's flow per W (the hall's 50 m3/s per 1.2 MW would put the rated leaving air of the
    upper speeds, SHR 0.75, beyond saturation), so the hall runs the coil at a flow fraction of
    about 0.75 at every speed."""
    caps, flows = curve_set["speed_capacity_w"], curve_set["speed_air_flow_m3s"]
    cap = base_coil["rated_capacity_w"]
    flow = curve_set["rated_air_flow_m3s_per_kw"] * cap / 1e3
    cond = [0.26, 0.30, 0.33, 0.38, 0.44, 0.50, 0.57, 0.63, 0.69, 0.74]  # example's condenser flows [m3/s]
    quad = {"type": "Curve:Quadratic", "x": "air flow fraction", "x_range": [0.5, 1.5]}
    return {
        "object": ("Coil:Cooling:DX:VariableSpeed in CoilSystem:Cooling:DX (sensor = coil outlet, held at the 18 degC "
                   "set point: speed ratio between the two neighbouring speeds, cycling at speed 1 with PLF below it)"),
        "source": ("EnergyPlus example testfiles/HeatPumpVSAS.idf, Coil:Cooling:DX:VariableSpeed 'Heat Pump ACDXCoil 1' "
                   "(10 speeds, nominal speed 10; reference unit 1524.1-6758 W, COP 4.0 at every speed), as dctwin's "
                   f"{SET_NAME}; the nominal (top) speed scaled to the DX model's 1.2 MW and 50 m3/s, every speed "
                   "keeping the example's capacity and air-flow ratios to it; rated air flow 0.05586 m3/s per kW as the example"),
        "count": 1,
        "speeds": len(caps),
        "nominal_speed": len(caps),
        "rated_capacity_w": cap,
        "rated_air_flow_m3s": flow,
        "speed_capacity_w": [cap * c / caps[-1] for c in caps],
        "speed_air_flow_m3s": [flow * f / flows[-1] for f in flows],
        "speed_condenser_air_flow_m3s": [c * cap / caps[-1] for c in cond],
        "speed_shr": list(curve_set["speed_shr"]),
        "speed_cop": list(curve_set["speed_cop"]),
        "rated_cop": curve_set["reference_cop"],
        "rated_sensible_heat_ratio": curve_set["rated_shr"],
        "rated_entering_wet_bulb_c": curve_set["rated_first_c"],
        "rated_outdoor_dry_bulb_c": curve_set["rated_second_c"],
        "condenser": base_coil["condenser"],
        "minimum_outdoor_drybulb_for_compressor_c": base_coil["minimum_outdoor_drybulb_for_compressor_c"],
        "crankcase_heater_w": 0.0,
        "capft": {"name": SOURCE + " CoolCapFT", "type": "Curve:Biquadratic", "x": "coil entering air wet bulb [C]",
                  "y": "outdoor dry bulb (condenser entering air) [C]", "coefficients": curve_set["capft"],
                  "x_range": curve_set["chws_range_c"], "y_range": curve_set["cwe_range_c"]},
        "eirft": {"name": SOURCE + " CoolEIRFT", "type": "Curve:Biquadratic", "x": "coil entering air wet bulb [C]",
                  "y": "outdoor dry bulb (condenser entering air) [C]", "coefficients": curve_set["eirft"],
                  "x_range": curve_set["chws_range_c"], "y_range": curve_set["cwe_range_c"]},
        "capfff": {**quad, "name": SOURCE + " CoolCapFFF", "coefficients": [0.8, 0.2, 0.0]},
        "eirfff": {**quad, "name": SOURCE + " CoolEIRFFF", "coefficients": [1.156, -0.1816, 0.0256]},
        "plffplr": {"name": SOURCE + " CoolPLFFPLR", "type": "Curve:Quadratic", "x": "part-load ratio at speed 1",
                    "coefficients": list(curve_set["plf"]), "x_range": [0.0, 1.0]},
    }


NOTES = {
    "dx_equation": ("speed k: Q_k = Q_k,rated CapFT(T_wb,c, T_odb) CapFFF(1), P_k = Q_k EIRFT(T_wb, T_odb) EIRFFF(1) / "
                    "COP_k; between speeds k-1 and k (speed ratio SR) Q = (1-SR) Q_k-1 + SR Q_k and P likewise; below "
                    "speed 1 the coil cycles, RTF = PLR / PLF(PLR), PLF = 0.85 + 0.15 PLR (floor 0.7); the air flow "
                    "ratio is the hall's 50 m3/s over the nominal speed's rated 67.0 m3/s, the same at every speed, "
                    "so CapFFF(0.746) and EIRFFF(0.746) scale every speed alike; curve "
                    "inputs clipped to their ranges (outdoor below 18 degC held at 18)"),
    "dry_coil": ("on a dry coil EnergyPlus evaluates CapFT at the dry-out wet bulb of the capacity at the current "
                 "speed ratio, and EIRFT at the same wet bulb (read from the hourly results: dctwin's power matches "
                 "them to 0.2 % so and is 1-3 % off with the actual wet bulb); the bypass factor interpolates the speeds' "
                 "A0 = -ln(CBF_k) m_k with SR"),
}


def coil_objects(dx: dict) -> list:
    """IDF text of the variable-speed coil and its curves (``dx`` from :func:`inverter_coil`)."""
    out = [dc.curve(dx[key]) for key in ("capft", "eirft", "capfff", "eirfff", "plffplr")]
    speeds = []
    for k in range(dx["speeds"]):
        speeds += [(float(dx["speed_capacity_w"][k]), f"Speed {k + 1} Gross Rated Total Cooling Capacity"),
                   (float(dx["speed_shr"][k]), f"Speed {k + 1} Gross Rated Sensible Heat Ratio"),
                   (float(dx["speed_cop"][k]), f"Speed {k + 1} Gross Rated Cooling COP"),
                   (float(dx["speed_air_flow_m3s"][k]), f"Speed {k + 1} Rated Air Flow Rate"), "", "",
                   (float(dx["speed_condenser_air_flow_m3s"][k]), f"Speed {k + 1} Rated Condenser Air Flow Rate"), "",
                   dx["capft"]["name"], dx["capfff"]["name"], dx["eirft"]["name"], dx["eirfff"]["name"]]
    out.append(_obj("Coil:Cooling:DX:VariableSpeed",
                    ("CRAC DX Coil", "Name"), ("AlwaysOn", "Availability Schedule Name"),
                    "CRAH Fan Outlet Node", "CRAH Supply Outlet Node",
                    (float(dx["speeds"]), "Number of Speeds"), (float(dx["nominal_speed"]), "Nominal Speed Level"),
                    (float(dx["rated_capacity_w"]), "Gross Rated Total Cooling Capacity At Nominal Speed"),
                    (float(dx["rated_air_flow_m3s"]), "Rated Air Flow Rate At Nominal Speed"),
                    0.0, 0.0, "", "", "", dx["plffplr"]["name"], "", "AirCooled", "",
                    (float(dx["crankcase_heater_w"]), "Crankcase Heater Capacity"), "", "",
                    (float(dx["minimum_outdoor_drybulb_for_compressor_c"]), "Min outdoor DB for compressor"),
                    "", "", "", "", "", *speeds))
    return out
