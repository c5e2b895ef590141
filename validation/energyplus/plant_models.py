"""More EnergyPlus 25.2 reference plants on the hall of ``datacenter_idf.py``: one PARAMS table each.

Every model shares the sealed 1000 m2 hall, the 775 kW ITE load and the 50 m3/s constant-volume
air loop with an 18 degC supply set point of the water-cooled reference (``datacenter_idf.PARAMS``);
only the plant differs.  Each table below copies the shared sections from that table and adds or
replaces the plant sections, and each ``build_*`` assembles the IDF from the pieces in
``datacenter_idf`` (header, hall, air loop, chilled-water loop, chiller, condenser loop), so the
same object is written by the same code in every model.

Models (``MODELS``):

* ``water_cooled``   the original reference (``datacenter_idf.PARAMS``, ``build_idf``).
* ``dx``             DX computer-room units: constant-volume fan + ``Coil:Cooling:DX:SingleSpeed``
                     (``CoilSystem:Cooling:DX``, outlet set point, compressor cycling), air-cooled
                     condensing at outdoor dry bulb; curves of EnergyPlus's DXCoolingCoil DataSet.
* ``dx_inverter``    the DX model with a ten-speed ``Coil:Cooling:DX:VariableSpeed`` (``dx_inverter_model``).
* ``dx_pre``         the DX model with the coil of EnergyPlus's Liebert DSE example, whose EIR table
                     holds a pumped-refrigerant economizer (``compressor_mode_fit`` gives dctwin's
                     biquadratic compressor-mode set from it).
* ``air_econ_evap_dx``  the DX model behind an outdoor-air system: differential dry-bulb economizer
                     with a dew-point band and a direct evaporative pad (``outdoor_air_stage``).
* ``iec_dx``         the DX model as trim behind an indirect evaporative cooler on the return air
                     (``iec_stage``).
* ``air_cooled_chiller``  chilled-water CRAH + ``Chiller:Electric:EIR`` AirCooled (curves of the
                     AirCooledChiller DataSet whose outdoor range goes down to 4.44 degC).
* ``cold_plate``     the water-cooled reference with 75 % of the servers on cold plates whose heat (and
                     the facility pumps') goes to the chilled water (``LoadProfile:Plant``).
* ``wse_7``, ``wse_14``   the water-cooled reference with a water-side economizer
                     (``HeatExchanger:FluidToFluid`` between the condenser loop and the chilled-water
                     supply, upstream of the chiller) at 7 and 14 degC chilled water.
"""

import copy
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import datacenter_idf as dc
import dx_inverter_model
from datacenter_idf import _fan, _obj

HERE = Path(__file__).resolve().parent
WRITER = "plant_models.py"
#: the curve sets come from dctwin's own table, so that both models read the same numbers
CURVE_SETS = tomllib.loads((HERE.parent.parent / "components" / "data" / "chillers.toml").read_text(encoding="utf-8"))
DX_SET = CURVE_SETS["dx_carrier_50pg24_eplus"]
AIR_CHILLER_SET = CURVE_SETS["trane_cgam130_air_cooled"]


def _derive(base, drop=(), **sections):
    """A deep copy of ``base`` without the ``drop`` sections and with ``sections`` replaced/added."""
    p = {k: copy.deepcopy(v) for k, v in base.items() if k not in drop}
    p.update(copy.deepcopy(sections))
    return p


def _meters(*absent):
    """The reference's hourly meters without those of end uses this plant does not have."""
    return [m for m in dc.OUTPUT_METERS if not m.startswith(absent)]


# ----------------------------------------------------------------------------------------------
# DX computer room
# ----------------------------------------------------------------------------------------------
DX_SOURCE = "Carrier Centurion 50PG24"

#: The CRAC fan keeps the CRAH fan's numbers (50 m3/s, 500 Pa, 0.625, all heat to the air).
_CRAC_FAN = {k: v for k, v in dc.PARAMS["crah"].items() if not k.startswith(("coil_", "controller_"))}
_CRAC_FAN["object"] = ("AirLoopHVAC: Fan:ConstantVolume (blow-through) + CoilSystem:Cooling:DX with "
                       "Coil:Cooling:DX:SingleSpeed, AirTerminal:SingleDuct:ConstantVolume:NoReheat, 100 % return air")

DX_PARAMS = _derive(dc.PARAMS, drop=("crah", "chw_loop", "chiller", "cw_loop", "tower"), crah=_CRAC_FAN, dx_coil={
    "object": "Coil:Cooling:DX:SingleSpeed in CoilSystem:Cooling:DX (sensor = coil outlet, held at the "
              "18 degC supply set point by cycling the compressor; runtime fraction = PLR / PLF(PLR))",
    "source": "EnergyPlus 25.2 DataSets/DXCoolingCoil.idf: '" + DX_SOURCE + "' (Carrier 50PG24, 21 ton "
              "scroll, R-410A, reference 73,810.8 W / COP 3.95 at 35 degC outdoor, 19.44 degC entering wet "
              "bulb, 3.776 m3/s); curves copied; capacity scaled to 1.2 MW (the water-cooled chiller's) "
              "and the rated air flow set to the hall's 50 m3/s (4.17e-5 m3/s per W, inside EnergyPlus's "
              "2.68e-5..6.71e-5 window); of all DXCoolingCoil.idf sets this one's outdoor data reach the "
              "lowest temperature, 15.56 degC",
    "count": 1,
    "rated_capacity_w": 1.2e6,
    "rated_sensible_heat_ratio": 0.71,
    "rated_cop": DX_SET["reference_cop"],
    "rated_cop_note": "gross COP: compressor + condenser fans, without the indoor fan (EnergyPlus definition)",
    "rated_air_flow_m3s": 50.0,
    "rated_entering_wet_bulb_c": 19.44,
    "rated_outdoor_dry_bulb_c": 35.0,
    "condenser": "AirCooled; condenser inlet = outdoor dry bulb of the weather file (no condenser node)",
    "minimum_outdoor_drybulb_for_compressor_c": -40.0,
    "crankcase_heater_w": 0.0,
    "capft": {
        "name": DX_SOURCE + " CapFT",
        "type": "Curve:Biquadratic",
        "x": "coil entering air wet bulb [C]",
        "y": "outdoor dry bulb (condenser entering air) [C]",
        "coefficients": DX_SET["capft"],
        "x_range": DX_SET["chws_range_c"],
        "y_range": DX_SET["cwe_range_c"],
    },
    "eirft": {
        "name": DX_SOURCE + " EIRFT",
        "type": "Curve:Biquadratic",
        "x": "coil entering air wet bulb [C]",
        "y": "outdoor dry bulb (condenser entering air) [C]",
        "coefficients": DX_SET["eirft"],
        "x_range": DX_SET["chws_range_c"],
        "y_range": DX_SET["cwe_range_c"],
    },
    "capfff": {"name": DX_SOURCE + " CapFFF", "type": "Curve:Quadratic", "x": "air flow fraction",
               "coefficients": [0.8328798, 0.2403628, -0.0725624], "x_range": [0.75, 1.25]},
    "eirfff": {"name": DX_SOURCE + " EIRFFF", "type": "Curve:Quadratic", "x": "air flow fraction",
               "coefficients": [1.0440554, -0.0701720, 0.0258826], "x_range": [0.75, 1.25]},
    "plffplr": {"name": DX_SOURCE + " PLFFPLR", "type": "Curve:Quadratic", "x": "part-load ratio",
                "coefficients": [0.85, 0.15, 0.0], "x_range": [0.0, 1.0],
                "note": "generic EnergyPlus PLF = 0.85 + 0.15 PLR (the DataSet says it is not from the "
                        "manufacturer's data)"},
})


#: the DX room with inverter units (model ``dx_inverter``, ``dx_inverter_model.py``)
DX_INVERTER_PARAMS = _derive(DX_PARAMS, dx_coil=dx_inverter_model.inverter_coil(
    CURVE_SETS[dx_inverter_model.SET_NAME], DX_PARAMS["dx_coil"]))


DX_NOTES = {
    "coil_load": ("all IT power and the 40 kW fan power heat the air; the DX coil removes them at the 18 degC "
                  "set point: 815 kW every hour, dry once the sealed zone has dried to the coil's apparatus dew "
                  "point during warm-up (zone humidity ratio: mean_zone_humidity_ratio)"),
    "dx_equation": ("Q_full = Q_rated*CapFT(T_wb,in, T_odb)*CapFFF(1); PLR = Q_coil/Q_full; runtime fraction "
                    "RTF = PLR/PLF(PLR), PLF = 0.85 + 0.15 PLR; P = Q_full/COP_rated*EIRFT(T_wb,in, T_odb)*"
                    "EIRFFF(1)*RTF; curve inputs clipped to their ranges (outdoor below 15.56 degC is held at "
                    "15.56: hours_outdoor_below_dx_curve_min); CapFFF(1) = 1.00068, EIRFFF(1) = 0.99977"),
    "dry_coil": ("when the coil is dry EnergyPlus evaluates CapFT and EIRFT at the entering wet bulb at which the "
                 "coil would just be dry (its 'dry coil' adjustment), not at the actual entering wet bulb"),
}


def build_dx_idf(p=DX_PARAMS, site=None):
    """IDF text of the DX computer room, with the stage ahead of its fan (``STAGES``) if ``p`` has one."""
    dx, crah = p["dx_coil"], p["crah"]
    o = dc._header(p, site, "DX computer-room reference", WRITER) + dc._zone_and_ite(p)
    stage = next((k for k in STAGES if k in p), None)
    oa_objects, oa_branch, fan_inlet = STAGES[stage](p) if stage else ([], [], "CRAH Supply Inlet Node")
    o += dc._air_loop(p, [*oa_branch, ("Fan:ConstantVolume", "CRAH Fan", fan_inlet, "CRAH Fan Outlet Node"),
                          ("CoilSystem:Cooling:DX", "CRAC DX System", "CRAH Fan Outlet Node",
                           "CRAH Supply Outlet Node")])
    o += oa_objects
    o.append(_fan(crah, fan_inlet, "CRAH Fan Outlet Node"))
    coil_type = "Coil:Cooling:DX:VariableSpeed" if "speeds" in dx else "Coil:Cooling:DX:SingleSpeed"
    o.append(_obj("CoilSystem:Cooling:DX", "CRAC DX System", "AlwaysOn", "CRAH Fan Outlet Node",
                  "CRAH Supply Outlet Node", "CRAH Supply Outlet Node", coil_type, "CRAC DX Coil"))
    parts = ("air_side", stage, "dx") if stage else ("air_side", "dx")
    if "speeds" in dx:
        o += dx_inverter_model.coil_objects(dx)
        o += dc.outputs(dc.output_variables(parts + ("dx_speed",)), _meters("Pumps", "HeatRejection"))
        return "\n".join(o)
    o += [dc.curve(dx[key]) for key in ("capft", "eirft", "capfff", "eirfff", "plffplr")]
    o.append(_obj("Coil:Cooling:DX:SingleSpeed",
                  ("CRAC DX Coil", "Name"), ("AlwaysOn", "Availability Schedule Name"),
                  (float(dx["rated_capacity_w"]), "Gross Rated Total Cooling Capacity"),
                  (float(dx["rated_sensible_heat_ratio"]), "Gross Rated Sensible Heat Ratio"),
                  (float(dx["rated_cop"]), "Gross Rated Cooling COP"),
                  (float(dx["rated_air_flow_m3s"]), "Rated Air Flow Rate"), "", "",
                  "CRAH Fan Outlet Node", "CRAH Supply Outlet Node",
                  dx["capft"]["name"], dx["capfff"]["name"], dx["eirft"]["name"], dx["eirfff"]["name"],
                  dx["plffplr"]["name"],
                  (float(dx["minimum_outdoor_drybulb_for_compressor_c"]), "Min outdoor DB for compressor"),
                  "", "", "", "", "", "AirCooled", "", "", "",
                  (float(dx["crankcase_heater_w"]), "Crankcase Heater Capacity")))
    o += dc.outputs(dc.output_variables(parts), _meters("Pumps", "HeatRejection"))
    return "\n".join(o)


# ----------------------------------------------------------------------------------------------
# Outdoor-air stage: air-side economizer with a direct evaporative pad on the outdoor air
# ----------------------------------------------------------------------------------------------
#: the outdoor-air stage ahead of the DX coil (model ``air_econ_evap_dx``)
OUTDOOR_AIR = {
    "object": ("AirLoopHVAC:OutdoorAirSystem ahead of the fan: OutdoorAir:Mixer (100 % outdoor air possible, "
               "relief through the mixer, no return or relief fan) with Controller:OutdoorAir; "
               "EvaporativeCooler:Direct:ResearchSpecial on the outdoor-air stream ahead of the mixer"),
    "controller": "Controller:OutdoorAir",
    "economizer_control_type": "DifferentialDryBulb",
    "economizer_control_action": "ModulateFlow",
    "minimum_outdoor_air_m3s": 0.0,
    "maximum_outdoor_air_m3s": dc.PARAMS["crah"]["air_flow_m3s"],
    "lockout_type": "NoLockout",
    "dew_point_range_c": [-9.0, 15.0],
    "dew_point_source": "ASHRAE TC 9.9 (2021) recommended envelope, dew point -9 to 15 degC",
    "dew_point_control": ("upper limit: the controller's 'Economizer Maximum Limit Dewpoint Temperature' (applied "
                          "with every control type, on the outdoor air at the actuator node, i.e. before the pad); "
                          "lower limit: EnergyPlus has none, so an EMS program sets the controller's maximum "
                          "outdoor-air fraction schedule to 0 while the site outdoor dew point is below it"),
    "pad_dew_point_control": ("as dctwin (components/plant/outdoor_air.py): the pad may run only while the air it "
                              "delivers at full effectiveness, T_pad = T_oa - eps (T_oa - T_wb) at the outdoor wet "
                              "bulb, has its dew point inside dew_point_range_c, since the hall takes that humidity; "
                              "EnergyPlus's dew-point limit looks at the outdoor air before the pad only, so an EMS "
                              "program sets the pad's availability schedule to 0 otherwise (with the limit on the "
                              "unpadded air alone EnergyPlus ran the pad in 507 of Tampa's hours with a pad-outlet "
                              "dew point above 15 degC, 40 % of its pad water). Outdoor air drier than the band's floor "
                              "is let in when the pad can bring it into the band and the outdoor air is warmer than "
                              "the mixed-air set point (dctwin uses the pad there too)"),
    "mixed_air_setpoint": ("SetpointManager:MixedAir on the mixed-air node: the 18 degC supply set point minus the "
                           "fan temperature rise (about 0.67 K), so that the supply leaves the fan at 18 degC"),
    "evaporative_cooler": {
        "object": "EvaporativeCooler:Direct:ResearchSpecial",
        "design_effectiveness": 0.85,
        "effectiveness_note": "wet-bulb effectiveness, constant (no flow-ratio modifier curve); dctwin's default",
        "primary_air_design_flow_m3s": dc.PARAMS["crah"]["air_flow_m3s"],
        "pump_w_per_m3s": 60.0,
        "pump_design_power_w": 60.0 * dc.PARAMS["crah"]["air_flow_m3s"],
        "pump_note": "dctwin's default 60 W per m3/s of outdoor air through the pad, at the design flow",
        "sensor_node": ("the mixed-air node: the pad modulates (part-load ratio) so that the mixed air does not go "
                        "below its set point, and is off when the outdoor air is already colder"),
        "drift_loss_fraction": 0.0,
        "water_supply": "mains (no storage tank)",
    },
}


def outdoor_air_stage(p):
    """IDF objects of the outdoor-air stage, its supply-branch component and the fan inlet node."""
    oa, pad = p["outdoor_air"], p["outdoor_air"]["evaporative_cooler"]
    dew_low, dew_high = oa["dew_point_range_c"]
    objects = [
        _obj("AirLoopHVAC:OutdoorAirSystem", "CRAH OA System", "CRAH OA Controllers", "CRAH OA Equipment"),
        _obj("AirLoopHVAC:ControllerList", "CRAH OA Controllers", "Controller:OutdoorAir", "CRAH OA Controller"),
        _obj("AirLoopHVAC:OutdoorAirSystem:EquipmentList", "CRAH OA Equipment",
             "EvaporativeCooler:Direct:ResearchSpecial", "OA Evaporative Cooler", "OutdoorAir:Mixer", "CRAH OA Mixer"),
        _obj("OutdoorAir:NodeList", "OA Inlet Node"),
        _obj("OutdoorAir:Mixer", "CRAH OA Mixer", "CRAH Mixed Air Node", "OA Pad Outlet Node", "CRAH Relief Node",
             "CRAH Supply Inlet Node"),
        _obj("Schedule:Constant", "OA Max Fraction", "Fraction", 1.0),
        _obj("Controller:OutdoorAir", ("CRAH OA Controller", "Name"), ("CRAH Relief Node", "Relief Air Outlet Node"),
             ("CRAH Supply Inlet Node", "Return Air Node"), ("CRAH Mixed Air Node", "Mixed Air Node"),
             ("OA Inlet Node", "Actuator Node"), (float(oa["minimum_outdoor_air_m3s"]), "Minimum Outdoor Air Flow Rate"),
             (float(oa["maximum_outdoor_air_m3s"]), "Maximum Outdoor Air Flow Rate"),
             (oa["economizer_control_type"], "Economizer Control Type"),
             (oa["economizer_control_action"], "Economizer Control Action Type"), "", "",
             (float(dew_high), "Economizer Maximum Limit Dewpoint Temperature"), "", "",
             (oa["lockout_type"], "Lockout Type"), ("FixedMinimum", "Minimum Limit Type"), "", "",
             ("OA Max Fraction", "Maximum Fraction of Outdoor Air Schedule Name")),
        _obj("SetpointManager:MixedAir", "CRAH Mixed Air Manager", "Temperature", "CRAH Supply Outlet Node",
             "CRAH Mixed Air Node", "CRAH Fan Outlet Node", "CRAH Mixed Air Node"),
        _obj("Schedule:Constant", "OA Pad Availability", "Fraction", 1.0),
        _obj("EvaporativeCooler:Direct:ResearchSpecial", ("OA Evaporative Cooler", "Name"),
             ("OA Pad Availability", "Availability Schedule Name"),
             (float(pad["design_effectiveness"]), "Cooler Design Effectiveness"), "",
             (float(pad["primary_air_design_flow_m3s"]), "Primary Air Design Flow Rate"),
             (float(pad["pump_design_power_w"]), "Recirculating Water Pump Design Power"), "", "",
             "OA Inlet Node", "OA Pad Outlet Node", ("CRAH Mixed Air Node", "Sensor Node Name"), "",
             (float(pad["drift_loss_fraction"]), "Drift Loss Fraction")),
        # the economizer's lower dew-point limit (EnergyPlus has none): no outdoor air below it
        _obj("EnergyManagementSystem:Sensor", "OutdoorDew", "Environment", "Site Outdoor Air Dewpoint Temperature"),
        _obj("EnergyManagementSystem:Actuator", "OAMaxFraction", "OA Max Fraction", "Schedule:Constant", "Schedule Value"),
        _obj("EnergyManagementSystem:ProgramCallingManager", "OA Dew Lockout Manager", "BeginTimestepBeforePredictor",
             "OADewLockout"),
        # the pad only while the air it delivers at full effectiveness is inside the dew-point band (as dctwin)
        _obj("EnergyManagementSystem:Sensor", "OutdoorDb", "Environment", "Site Outdoor Air Drybulb Temperature"),
        _obj("EnergyManagementSystem:Sensor", "OutdoorWb", "Environment", "Site Outdoor Air Wetbulb Temperature"),
        _obj("EnergyManagementSystem:Sensor", "OutdoorPb", "Environment", "Site Outdoor Air Barometric Pressure"),
        _obj("EnergyManagementSystem:Sensor", "MixedSetpoint", "CRAH Mixed Air Node", "System Node Setpoint Temperature"),
        _obj("EnergyManagementSystem:Actuator", "PadAvailability", "OA Pad Availability", "Schedule:Constant",
             "Schedule Value"),
        _obj("EnergyManagementSystem:Program", "OADewLockout",
             f"SET PadT = OutdoorDb - {float(pad['design_effectiveness'])} * (OutdoorDb - OutdoorWb)",
             "SET PadW = @WFnTdbTwbPb PadT OutdoorWb OutdoorPb", "SET PadDew = @TdpFnWPb PadW OutdoorPb",
             f"IF PadDew >= {dew_low} && PadDew <= {dew_high}", "SET PadAvailability = 1", "ELSE",
             "SET PadAvailability = 0", "ENDIF",
             f"IF OutdoorDew >= {dew_low}", "SET OAMaxFraction = 1",
             "ELSEIF PadAvailability == 1 && OutdoorDb > MixedSetpoint", "SET OAMaxFraction = 1",
             "ELSE", "SET OAMaxFraction = 0", "ENDIF"),
    ]
    branch = [("AirLoopHVAC:OutdoorAirSystem", "CRAH OA System", "CRAH Supply Inlet Node", "CRAH Mixed Air Node")]
    return objects, branch, "CRAH Mixed Air Node"


AIR_ECON_PARAMS = _derive(DX_PARAMS, outdoor_air=OUTDOOR_AIR)
AIR_ECON_NOTES = {
    **DX_NOTES,
    "outdoor_air": ("the economizer takes outdoor air while it is colder than the return air (DifferentialDryBulb on "
                    "the outdoor air before the pad) and its dew point is inside dew_point_range_c, modulating the "
                    "outdoor-air fraction to the mixed-air set point; the pad cools the outdoor air toward its wet bulb "
                    "(T = T_oa - eps (T_oa - T_wb)) as far as the mixed-air set point needs; the DX coil trims the mixed "
                    "air to 18 degC; relief air leaves through the mixer, so the hall takes the outdoor humidity "
                    "while economizing"),
}


# ----------------------------------------------------------------------------------------------
# Indirect evaporative cooler on the return air, DX trim
# ----------------------------------------------------------------------------------------------
IEC_SOURCE = ("dctwin's [iec] defaults (twin/inputs/schema.py Iec: wet-bulb effectiveness 0.75, dry-bulb 0.6, secondary "
              "flow ratio 1, secondary fan 600 W per m3/s, spray pump 90 W per m3/s = EnergyPlus's IDD sizing "
              "factor, dew-point effectiveness factor 0.9) and its flow-modifier curve (components/data/iec.toml), "
              "written as EnergyPlus inputs so that both models read the same numbers")
_IEC_MODIFIER = tomllib.loads((HERE.parent.parent / "components" / "data" / "iec.toml").read_text(encoding="utf-8"))["flow_modifier"]
_SECONDARY_M3S = dc.PARAMS["crah"]["air_flow_m3s"]
IEC = {
    "object": ("EvaporativeCooler:Indirect:ResearchSpecial on the return air ahead of the fan (primary = return "
               "air, secondary = outdoor air from an OutdoorAir:Node, exhausted); sensor = its primary outlet, "
               "held by SetpointManager:MixedAir at the supply set point minus the fan's temperature rise; "
               "EnergyPlus chooses dry, wet or mixed operation and modulates the secondary flow; the DX coil trims"),
    "source": IEC_SOURCE,
    "wetbulb_design_effectiveness": 0.75,
    "drybulb_design_effectiveness": 0.6,
    "effectiveness_modifier": {"name": "IEC Effectiveness Modifier", "type": "Curve:Cubic",
                               "x": "secondary / primary air flow ratio",
                               "coefficients": _IEC_MODIFIER["coefficients"], "x_range": _IEC_MODIFIER["x_range"],
                               "source": _IEC_MODIFIER["source"]},
    "secondary_design_flow_m3s": _SECONDARY_M3S,
    "secondary_fan_w_per_m3s": 600.0,
    "secondary_fan_design_power_w": 600.0 * _SECONDARY_M3S,
    "fan_modifier": {"name": "IEC Fan Modifier", "type": "Curve:Cubic", "x": "secondary flow fraction",
                     "coefficients": [0.0, 0.0, 0.0, 1.0], "x_range": [0.0, 1.0], "note": "affinity law, ff^3"},
    "pump_w_per_m3s": 90.0,
    "pump_design_power_w": 90.0 * _SECONDARY_M3S,
    "pump_modifier": {"name": "IEC Pump Modifier", "type": "Curve:Cubic", "x": "secondary flow fraction",
                      "coefficients": [0.0, 1.0, 0.0, 0.0], "x_range": [0.0, 1.0], "note": "proportional to ff"},
    "primary_design_flow_m3s": dc.PARAMS["crah"]["air_flow_m3s"],
    "dewpoint_effectiveness_factor": 0.9,
    "freeze_min_secondary_drybulb_c": 5.0,
    "evaporative_min_secondary_drybulb_c": "per site: iec_dry_limit_c (at least freeze_min_secondary_drybulb_c)",
    "evaporative_max_outdoor_wetbulb_c": 99.0,
    "dry_max_outdoor_drybulb_c": 99.0,
    "operating_limits_note": ("dctwin's control, dry first: EnergyPlus's IndirectResearchSpecialEvapCoolerOperatingMode "
                              "(EvaporativeCoolers.cc) runs dry only below the 'Evaporative Operation Minimum Limit "
                              "Secondary Air Drybulb Temperature' and above it always wet (its DryWetModulated branch "
                              "comes after WetModulated and is never reached), so that field is set per site to the "
                              "outdoor dry bulb at which dry mode at full secondary flow just reaches the IEC's set "
                              "point (iec_dry_limit_c, from this plant's numbers and the site's standard pressure): "
                              "below it dry mode meets the set point and EnergyPlus runs DryModulated, above it it "
                              "cannot and EnergyPlus sprays, as dctwin's iec_plant chooses; the limit is never below "
                              "the 5 degC freeze margin (with -99 EnergyPlus tried wet mode at -15 degC in Chicago and "
                              "its secondary-flow iteration failed with a severe error); no upper limits (99 degC). "
                              "The three fields are filled, not blank: with them blank EnergyPlus runs its older "
                              "algorithm (constant effectiveness, no dry/wet choice, no secondary-flow modulation; "
                              "tested: mode status 0 all year)"),
    "drift_loss_fraction": 0.0,
}


#: humidity ratios [kg/kg] that iec_dry_limit_c assumes: the sealed hall's (the references keep 0.0019-0.0038
#: from the warm-up) and the outdoor air's near the limit; 0.001 kg/kg moves the limit by under 0.03 K
IEC_LIMIT_ZONE_W = 0.003
IEC_LIMIT_OUTDOOR_W = 0.005


def iec_dry_limit_c(p, elevation_m):
    """Outdoor dry bulb [degC] below which the IEC of ``p`` meets its set point dry at full secondary flow.

    EnergyPlus's own numbers for the site: standard pressure ``P = 101325 (1 - 2.25577e-5 z)^5.2559``,
    primary mass flow ``m = V rho(P, 20 degC, dry)`` (its StdRhoAir), return air
    ``T_r = T_supply + Q_ITE / (m cp)``, IEC set point ``T_sp = T_supply - P_fan / (m cp)``
    (SetpointManager:MixedAir), and the dry-mode outlet of ``CalcIndirectRDDEvapCoolerOutletTemp`` at
    the design secondary flow ``T_out = T_r - eps_db f(FR) (T_r - T_oa)`` with ``FR = rho(P, T_oa)
    V_sec / m`` (and its secondary-outlet limit); the limit is the ``T_oa`` where ``T_out = T_sp``,
    found by bisection, rounded down to 0.01 K, and never below ``freeze_min_secondary_drybulb_c``.
    """
    c, crah = p["iec"], p["crah"]
    d = dc.derived(p)
    pressure = 101325.0 * (1.0 - 2.25577e-5 * elevation_m) ** 5.2559

    def rho(t, w):  # EnergyPlus PsyRhoAirFnPbTdbW
        return pressure / (287.0 * (t + 273.15) * (1.0 + 1.6077687 * max(w, 1e-5)))

    def cp(w):  # EnergyPlus PsyCpAirFnW
        return 1004.84 + 1858.95 * max(w, 1e-5)

    m = crah["air_flow_m3s"] * rho(20.0, 0.0)
    cap = m * cp(IEC_LIMIT_ZONE_W)
    t_sa = crah["supply_air_temperature_c"]
    t_r = t_sa + d["ite_total_w"] / cap
    t_sp = t_sa - d["crah_fan_heat_to_air_w"] / cap
    coef, (x_lo, x_hi) = c["effectiveness_modifier"]["coefficients"], c["effectiveness_modifier"]["x_range"]

    def t_out(t_oa):
        m_sec = rho(t_oa, IEC_LIMIT_OUTDOOR_W) * c["secondary_design_flow_m3s"]
        x = min(max(m_sec / m, x_lo), x_hi)
        eps = c["drybulb_design_effectiveness"] * (coef[0] + x * (coef[1] + x * (coef[2] + x * coef[3])))
        out = t_r - eps * (t_r - t_oa)
        t_sec = t_oa + cap * (t_r - out) / (m_sec * cp(IEC_LIMIT_OUTDOOR_W))
        if t_sec >= t_r:
            out = t_r - m_sec * cp(IEC_LIMIT_OUTDOOR_W) * (t_r - 0.2 - t_oa) / cap
        return out

    lo, hi = -50.0, t_sp  # t_out(lo) < t_sp <= t_out(hi)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if t_out(mid) < t_sp else (lo, mid)
    return max(math.floor(lo * 100.0) / 100.0, float(c["freeze_min_secondary_drybulb_c"]))


def iec_site_params(p, elevation_m):
    """``p`` with the IEC's evaporative-operation limit of a site at ``elevation_m`` (``iec_dry_limit_c``)."""
    return _derive(p, iec={**p["iec"], "evaporative_min_secondary_drybulb_c": iec_dry_limit_c(p, elevation_m),
                           "site_elevation_m": float(elevation_m)})


def iec_stage(p):
    """IDF objects of the indirect evaporative cooler on the return air, its branch component and the fan inlet."""
    c = p["iec"]
    objects = [
        dc.curve(c["effectiveness_modifier"]), dc.curve(c["fan_modifier"]), dc.curve(c["pump_modifier"]),
        _obj("OutdoorAir:Node", "IEC Secondary Inlet Node", (-1.0, "Height Above Ground (<0: weather values)")),
        _obj("SetpointManager:MixedAir", "IEC Outlet Manager", "Temperature", "CRAH Supply Outlet Node",
             "IEC Primary Outlet Node", "CRAH Fan Outlet Node", "IEC Primary Outlet Node"),
        _obj("EvaporativeCooler:Indirect:ResearchSpecial", ("CRAH IEC", "Name"), ("AlwaysOn", "Availability"),
             (float(c["wetbulb_design_effectiveness"]), "Cooler Wetbulb Design Effectiveness"),
             c["effectiveness_modifier"]["name"],
             (float(c["drybulb_design_effectiveness"]), "Cooler Drybulb Design Effectiveness"),
             c["effectiveness_modifier"]["name"],
             (float(c["pump_design_power_w"]), "Recirculating Water Pump Design Power"), "", c["pump_modifier"]["name"],
             (float(c["secondary_design_flow_m3s"]), "Secondary Air Design Flow Rate"), "",
             (float(c["secondary_fan_design_power_w"]), "Secondary Air Fan Design Power"), "", c["fan_modifier"]["name"],
             "CRAH Supply Inlet Node", "IEC Primary Outlet Node",
             (float(c["primary_design_flow_m3s"]), "Primary Air Design Flow Rate"),
             (float(c["dewpoint_effectiveness_factor"]), "Dewpoint Effectiveness Factor"),
             "IEC Secondary Inlet Node", "IEC Secondary Outlet Node", ("IEC Primary Outlet Node", "Sensor Node Name"),
             "", "", (float(c["drift_loss_fraction"]), "Drift Loss Fraction"), "",
             (float(c["evaporative_min_secondary_drybulb_c"]), "Evaporative Operation Minimum Limit Secondary Air Drybulb"),
             (float(c["evaporative_max_outdoor_wetbulb_c"]), "Evaporative Operation Maximum Limit Outdoor Wetbulb"),
             (float(c["dry_max_outdoor_drybulb_c"]), "Dry Operation Maximum Limit Outdoor Drybulb")),
    ]
    branch = [("EvaporativeCooler:Indirect:ResearchSpecial", "CRAH IEC", "CRAH Supply Inlet Node", "IEC Primary Outlet Node")]
    return objects, branch, "IEC Primary Outlet Node"


IEC_PARAMS = _derive(DX_PARAMS, iec=IEC)
IEC_NOTES = {
    **DX_NOTES,
    "secondary_flow_solver": ("in the coldest hours EnergyPlus's secondary-flow iteration (dry mode, a small secondary "
                              "flow) can hit its 500-iteration limit: one severe message that says 'Simulation "
                              "continues' plus a recurring warning (Chicago: ~150 of 35,040 timesteps); the secondary "
                              "fan then runs at a few percent of its power, so the annual effect is negligible"),
    "iec": ("EnergyPlus's Indirect ResearchSpecial model: wet T_out = T_in - eps_wb f(FR) (T_in - T_wb,oa) bounded by "
            "the dew point (factor 0.9), dry T_out = T_in - eps_db f(FR) (T_in - T_db,oa); the secondary flow is "
            "modulated to the primary outlet set point; fan power P_fan ff^3, pump power P_pump ff in wet mode; the "
            "primary air keeps its humidity; the DX coil cools what is left to 18 degC"),
}


#: stages ahead of the DX unit's fan: PARAMS section -> writer
STAGES = {"outdoor_air": outdoor_air_stage, "iec": iec_stage}


# ----------------------------------------------------------------------------------------------
# DX computer room with a pumped-refrigerant economizer (EnergyPlus's own data-centre example)
# ----------------------------------------------------------------------------------------------
PRE_SOURCE = ("EnergyPlus example file testfiles/1ZoneDataCenterCRAC_wApproachTemp.idf (NREL/EnergyPlus, v24.1; "
              "the same coil in 1ZoneDataCenterCRAC_wPumpedDXCoolingCoil.idf): 'CRAC system set up to represent a "
              "Liebert DSE 125 with pumped refrigerant economizer'; tables copied as data (evidence S: the example "
              "states the unit, not the catalogue page the numbers were read from)")
_PRE_OAT = [-50.0, -4.0, -1.2222, 1.5555, 4.3333, 7.1111, 9.8888, 12.6667, 15.4444, 18.222, 21.0, 23.77778,
            26.55556, 29.33333, 32.11111, 34.88889, 50.0]
_PRE_EIR = [0.042, 0.042, 0.084, 0.084, 0.2269, 0.2395, 0.311, 0.3697, 0.4454, 0.5462, 0.6723, 0.7227, 0.7773,
            0.8193, 0.895, 1.0, 1.5]

DX_PRE_PARAMS = _derive(DX_PARAMS, dx_coil={
    **DX_PARAMS["dx_coil"],
    "source": PRE_SOURCE + "; rated 148,300 W, SHR 0.83, gross COP 4.5669 at 8.5 m3/s; capacity scaled to 1.2 MW "
              "with the unit's own rated flow per W (5.73e-5 m3/s per W: 68.78 m3/s), so the hall's 50 m3/s is "
              "a flow fraction of 0.727 (CapFFF 0.945, EIRFFF 1.0375); at 50 m3/s rated flow an SHR of 0.83 "
              "puts the rated outlet below saturation and EnergyPlus refuses the coil",
    "rated_sensible_heat_ratio": 0.83,
    "rated_cop": 4.5669,
    "rated_air_flow_m3s": round(1.2e6 * 8.5 / 148300.0, 2),
    "economizer": ("inside the EIR table: below about 35 degC outdoor the EIR ratio falls with the outdoor dry "
                   "bulb to 0.042 at -4 degC and below (refrigerant pumps and condenser fans only, compressors "
                   "off), i.e. 0.042/4.5669 = 9.2 W per kW of cooling; the capacity table is 1 below 15-24 "
                   "degC outdoor"),
    "capft": {"name": "Liebert DSE CapFT", "type": "Table:Lookup",
              "x": "coil entering air wet bulb [C]", "y": "outdoor dry bulb [C]",
              "x_grid": [13.0, 17.0, 19.4444, 21.0, 23.9],
              "y_grid": [-10.0, 15.0, 18.0, 24.0, 30.0, 35.0, 38.0, 46.0],
              "y_range": [-10.0, 46.0],
              "values": [1.0, 1.0, 1.0, 0.924738271, 0.883909339, 0.835522309, 0.800222635, 0.683109499,
                         1.0, 1.0, 1.0, 1.0, 0.976933863, 0.937696593, 0.907886775, 0.805413255,
                         1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9718, 0.8782,
                         1.0, 1.0, 1.0, 1.0, 1.0, 1.0385, 1.0142, 0.9264,
                         1.0, 1.0, 1.0, 1.0, 1.0, 1.110828252, 1.090488436, 1.013268253],
              "interpolation": "linear; inputs held at the grid edges"},
    "eirft": {"name": "Liebert DSE Econophase EIRFT", "type": "Table:Lookup",
              "x": "coil entering air wet bulb [C] (no effect: both rows equal)", "y": "outdoor dry bulb [C]",
              "x_grid": [12.7, 23.8], "y_grid": _PRE_OAT, "y_range": [_PRE_OAT[0], _PRE_OAT[-1]],
              "values": _PRE_EIR + _PRE_EIR, "output_range": [0.03, 1.5],
              "interpolation": "linear; inputs held at the grid edges"},
    "capfff": {"name": "Liebert DSE CapFFF", "type": "Curve:Quadratic", "x": "air flow fraction",
               "coefficients": [0.8, 0.2, 0.0], "x_range": [0.5, 1.5]},
    "eirfff": {"name": "Liebert DSE EIRFFF", "type": "Curve:Quadratic", "x": "air flow fraction",
               "coefficients": [1.156, -0.1816, 0.0256], "x_range": [0.5, 1.5]},
    "plffplr": {"name": "Liebert DSE PLFFPLR", "type": "Curve:Quadratic", "x": "part-load ratio",
                "coefficients": [0.85, 0.15, 0.0], "x_range": [0.0, 1.0]},
})


def hall_return_air_c(p):
    """Design return (coil entering) air of the hall [degC]: supply set point + (ITE + fan heat) /
    (rho V c_p), with rho = 1.2 kg/m3 and c_p = 1006 J/(kg K) (sea-level standard air)."""
    d = dc.derived(p)
    crah = p["crah"]
    return crah["supply_air_temperature_c"] + (d["ite_total_w"] + d["crah_fan_w"]) / (1.2 * crah["air_flow_m3s"] * 1006.0)


def _biquadratic_lstsq(table, y_min):
    """Least-squares Curve:Biquadratic c1 + c2 x + c3 x^2 + c4 y + c5 y^2 + c6 x y through the
    points of a two-input ``Table:Lookup`` of PARAMS with y >= ``y_min``.  When every x row of
    the table holds the same values (no x dependence), only c1, c4, c5 are fitted and the x
    terms are 0 (with two x values the x and x^2 columns are not separable).
    Returns (coefficients, x range, y range, max |error|, rms error) over the points used."""
    import numpy as np
    xs, ys = np.asarray(table["x_grid"], float), np.asarray(table["y_grid"], float)
    v = np.asarray(table["values"], float).reshape(len(xs), len(ys))
    keep = ys >= y_min
    x, y = (a.ravel() for a in np.meshgrid(xs, ys[keep], indexing="ij"))
    z = v[:, keep].ravel()
    columns = [np.ones_like(x), x, x * x, y, y * y, x * y]
    used = [0, 3, 4] if np.allclose(v, v[0]) else list(range(6))
    coef = np.zeros(6)
    coef[used] = np.linalg.lstsq(np.column_stack([columns[k] for k in used]), z, rcond=None)[0]
    err = np.column_stack(columns) @ coef - z
    return ([float(c) for c in coef], [float(xs[0]), float(xs[-1])], [float(ys[keep][0]), float(ys[keep][-1])],
            float(np.max(np.abs(err))), float(np.sqrt(np.mean(err ** 2))))


def compressor_mode_fit(p=None):
    """Biquadratic CapFT and EIRFT of the Liebert DSE tables in compressor mode.

    The pumped refrigerant can only move heat while the outdoor air is colder than the return
    air, so the table points with the outdoor dry bulb at or above the hall's design return air
    (``hall_return_air_c``, 31.5 degC) are compressor-only; each table is fitted by least
    squares over those points (``_biquadratic_lstsq``).  Returns {curve: {coefficients,
    x_range, y_range, max_abs_error, rms_error, points}} and the threshold."""
    p = DX_PRE_PARAMS if p is None else p
    t_return = hall_return_air_c(p)
    out = {"outdoor_threshold_c": t_return}
    for key in ("capft", "eirft"):
        coef, xr, yr, emax, erms = _biquadratic_lstsq(p["dx_coil"][key], t_return)
        out[key] = {"coefficients": coef, "x_range": xr, "y_range": yr, "max_abs_error": emax, "rms_error": erms}
    return out


# ----------------------------------------------------------------------------------------------
# Air-cooled chiller plant
# ----------------------------------------------------------------------------------------------
AIR_CHILLER_SOURCE = "ElectricEIRChiller Trane CGAM130 433.6kW/3.08COP"

AIR_CHILLER_PARAMS = _derive(dc.PARAMS, drop=("cw_loop", "tower"), chiller={
    "object": "Chiller:Electric:EIR, AirCooled (condenser inlet = OutdoorAir:Node at the weather-file dry bulb)",
    "source": "EnergyPlus 25.2 DataSets/AirCooledChiller.idf: '" + AIR_CHILLER_SOURCE + "' (Trane CGAM, "
              "scroll, R-410A; curves, COP, PLR limits and curve output limits copied; capacity scaled "
              "from 433.6 kW). Of the DataSet's air-cooled sets, the twelve Trane CGAM ones are the only "
              "ones whose outdoor data reach 4.44 degC; the CGAM130 is the largest of them",
    "count": 1,
    "reference_capacity_w": 1.2e6,
    "reference_cop": AIR_CHILLER_SET["reference_cop"],
    "reference_leaving_chw_c": 6.67,
    "reference_entering_cw_c": 35.0,
    "reference_chw_flow_m3s": 0.05,
    # EnergyPlus's autosize rule for an air-cooled condenser: 0.000114 m3/s of air per W of capacity
    "reference_cw_flow_m3s": 136.8,
    "min_plr": AIR_CHILLER_SET["min_plr"],
    "max_plr": AIR_CHILLER_SET["max_plr"],
    "optimum_plr": 1.0,
    "min_unloading_ratio": AIR_CHILLER_SET["min_unload_plr"],
    "condenser_fan_power_ratio": 0.0,
    "condenser_fan_note": "0 W/W as in the DataSet entry: the catalogue COP (AHRI 550/590, air-cooled) "
                          "includes the condenser fans, so the EIR curves carry them",
    "fraction_compressor_heat_to_condenser": 1.0,
    "leaving_chw_lower_limit_c": 2.0,
    "chiller_flow_mode": "ConstantFlow",
    "condenser_flow_control": "ConstantFlow",
    "capft": {
        "name": AIR_CHILLER_SOURCE + " CAPFT",
        "type": "Curve:Biquadratic",
        "x": "leaving chilled-water temperature [C]",
        "y": "outdoor dry bulb (condenser entering air) [C]",
        "coefficients": AIR_CHILLER_SET["capft"],
        "x_range": AIR_CHILLER_SET["chws_range_c"],
        "y_range": AIR_CHILLER_SET["cwe_range_c"],
        "output_range": [0.8281, 1.4128],
    },
    "eirft": {
        "name": AIR_CHILLER_SOURCE + " EIRFT",
        "type": "Curve:Biquadratic",
        "x": "leaving chilled-water temperature [C]",
        "y": "outdoor dry bulb (condenser entering air) [C]",
        "coefficients": AIR_CHILLER_SET["eirft"],
        "x_range": AIR_CHILLER_SET["chws_range_c"],
        "y_range": AIR_CHILLER_SET["cwe_range_c"],
        "output_range": [0.4668, 1.4382],
    },
    "eirfplr": {
        "name": AIR_CHILLER_SOURCE + " EIRFPLR",
        "type": "Curve:Quadratic",
        "x": "part-load ratio",
        "coefficients": AIR_CHILLER_SET["eirfplr"],
        "x_range": [0.17, 1.0],
    },
})


AIR_CHILLER_NOTES = {
    "chiller_load": "chiller evaporator load = CRAH coil load (815 kW) + CHW pump heat (13.5 kW)",
    "chiller_equation": ("as the water-cooled reference with the outdoor dry bulb as the second curve input: "
                         "Q_avail = Q_ref*CAPFT(T_chw, T_odb); P = Q_avail/COP_ref*EIRFT(T_chw, T_odb)*"
                         "EIRFPLR(max(PLR, 0.25)); inputs clipped to 5.56-10 / 4.44-46.11 degC and outputs to the "
                         "DataSet's output limits; below PLR 0.25 the chiller false-loads (never here)"),
    "condenser_fans": ("condenser fan power ratio 0: the COP and EIR curves include the fans (DataSet value), "
                       "so the chiller's electricity is compressor plus condenser fans"),
}


def build_air_cooled_chiller_idf(p=AIR_CHILLER_PARAMS, site=None):
    """IDF text of the air-cooled chiller plant (chilled-water CRAH as the water-cooled reference)."""
    o = dc._header(p, site, "Air-cooled chiller reference", WRITER) + dc._zone_and_ite(p) + dc.chw_air_side(p)
    o += dc.chw_loop(p, [dc.CHILLER_EVAPORATOR])
    o += dc.chiller(p["chiller"], "AirCooled", "Chiller 1 Condenser Air Inlet Node", "Chiller 1 Condenser Air Outlet Node")
    o.append(_obj("OutdoorAir:Node", "Chiller 1 Condenser Air Inlet Node", (-1.0, "Height Above Ground (<0: weather values)")))
    o += dc.outputs(dc.output_variables(("air_side", "chiller")), _meters("HeatRejection"))
    return "\n".join(o)


# ----------------------------------------------------------------------------------------------
# Cold plates whose facility water goes to the chilled-water plant; the residual air side as water_cooled
# ----------------------------------------------------------------------------------------------
#: share of the hall's servers on cold plates (docs/sources.md 2.5: cold plates take 70-80 % of IT heat)
LIQUID_FRACTION = 0.75
#: facility-water (CDU) pump power per W of liquid heat: dctwin's [liquid] pump_fraction default
LIQUID_PUMP_FRACTION = 0.015


def _cold_plate_params():
    """The water-cooled hall with LIQUID_FRACTION of its servers on cold plates.

    The air-cooled servers keep the ITE object (design power schedule 1 - phi, their fans); the
    cold-plated servers have no fans, so their power is phi * design * CPU fraction(u). [W]
    """
    base = dc.PARAMS
    ite = {**base["ite"], "design_power_schedule": 1.0 - LIQUID_FRACTION,
           "design_power_note": "the air-cooled servers' share of the hall; the cold-plated share is liquid.it_power_w"}
    c, u = ite["cpu_power_curve"], ite["cpu_loading"]
    liquid_it_w = LIQUID_FRACTION * ite["design_power_w"] * (c[0] + c[1] * u + c[2] * u * u)
    pump_w = LIQUID_PUMP_FRACTION * liquid_it_w
    chw, ch = base["chw_loop"], base["chiller"]
    return _derive(base, ite=ite, liquid={
        "object": ("ElectricEquipment 'Liquid-Cooled IT' (and 'Liquid Pump') in the hall with all their heat lost "
                   "from the zone (Fraction Lost 1); the same heat put into the chilled-water loop by a "
                   "LoadProfile:Plant on a demand branch beside the CRAH coil (rejection to the chillers)"),
        "fraction_of_it": LIQUID_FRACTION,
        "fraction_source": "cold plates capture typically 70-80 % of IT heat (docs/sources.md 2.5, M/V)",
        "it_power_w": liquid_it_w,
        "it_power_note": "fan-less servers at the hall's CPU loading: phi x design x (0.5 + 0.5 u)",
        "pump_power_w": pump_w,
        "pump_note": ("facility-water/CDU pumps, not simulated by EnergyPlus: a constant 1.5 % of the liquid IT heat "
                      "(dctwin's pump_fraction definition), all of it into the water"),
        "heat_to_chw_w": liquid_it_w + pump_w,
        "peak_flow_m3s": chw["max_flow_m3s"] * (liquid_it_w + pump_w) / ch["reference_capacity_w"],
        "peak_flow_note": "the CHW loop's design flow per W of chiller capacity (its design range, 5.7 K)",
    })


COLD_PLATE_PARAMS = _cold_plate_params()
COLD_PLATE_NOTES = {
    "liquid": ("IT = air-cooled ITE (25 % of the servers, with fans) + cold-plated IT (75 %, no fans); the cold-plate "
               "heat and the facility pump heat go straight into the chilled water (LoadProfile:Plant, constant), so "
               "the chiller carries the CRAH coil, the CHW pump heat and the liquid heat"),
}


def build_cold_plate_idf(p=COLD_PLATE_PARAMS, site=None):
    """IDF text of the cold-plate hall: the water-cooled plant with the liquid heat on the CHW loop."""
    liq, z = p["liquid"], p["zone"]
    cold_plates = ("CHW Cold Plate Branch", "LoadProfile:Plant", "Cold Plates", "Cold Plates Inlet Node",
                   "Cold Plates Outlet Node")
    o = dc._header(p, site, "Cold-plate reference", WRITER) + dc._zone_and_ite(p) + dc.chw_air_side(p)
    o += dc.chw_loop(p, [dc.CHILLER_EVAPORATOR], demand=[cold_plates])
    o += dc.chiller(p["chiller"], "WaterCooled", "Chiller 1 CW Inlet Node", "Chiller 1 CW Outlet Node")
    o += dc.cw_loop(p, [("CW Chiller Branch", "Chiller:Electric:EIR", "Chiller 1",
                         "Chiller 1 CW Inlet Node", "Chiller 1 CW Outlet Node")])
    o += [
        # a negative load puts heat into the loop (PlantLoadProfile: T_out = T_in - Q / (m c_p))
        _obj("ScheduleTypeLimits", "Heat Rate", "", "", "Continuous", "Power"),
        _obj("Schedule:Constant", "Liquid Heat", "Heat Rate", -float(liq["heat_to_chw_w"])),
        *(_obj("ElectricEquipment", (name, "Name"), z["name"], "AlwaysOn", "EquipmentLevel", (float(w), "Design Level"),
               "", "", 0.0, 0.0, (1.0, "Fraction Lost"), sub)
          for name, w, sub in (("Liquid-Cooled IT", liq["it_power_w"], "ITE-Liquid"),
                               ("Liquid Pump", liq["pump_power_w"], "Liquid Pump"))),
        _obj("LoadProfile:Plant", "Cold Plates", "Cold Plates Inlet Node", "Cold Plates Outlet Node", "Liquid Heat",
             float(liq["peak_flow_m3s"]), "AlwaysOn", "Water"),
    ]
    o += dc.outputs(dc.output_variables(dc.WATER_COOLED_PARTS + ("liquid",)), dc.OUTPUT_METERS)
    return "\n".join(o)


# ----------------------------------------------------------------------------------------------
# Water-cooled chiller with a water-side economizer
# ----------------------------------------------------------------------------------------------
#: counterflow plate HX effectiveness at the design flows (constant flows, so every hour):
#: dctwin's default 2.2 K approach (docs/sources.md 2.2) on a ~4.5 K chilled-water design range
WSE_EFFECTIVENESS = 0.67
#: plant solver iterations per HVAC iteration (ConvergenceLimits): enough for the HX, the chiller and
#: the tower to close their heat balance when the HX and the chiller share the condenser flow
WSE_MIN_PLANT_ITERATIONS = 10


def counterflow_ua(effectiveness, c_a, c_b):
    """UA [W/K] of a counterflow exchanger with capacity rates ``c_a``, ``c_b`` [W/K] and the given
    effectiveness: NTU = ln((1 - eps Cr) / (1 - eps)) / (1 - Cr), Cr = C_min / C_max (Incropera
    eq. 11.29b inverted), UA = NTU C_min."""
    import math
    c_min, c_max = min(c_a, c_b), max(c_a, c_b)
    cr = c_min / c_max
    return math.log((1.0 - effectiveness * cr) / (1.0 - effectiveness)) / (1.0 - cr) * c_min


def _wse_params(chw_supply_c, supply_air_c, coil_design_water_c, coil_design_outlet_air_c):
    """The water-cooled reference with an economizer HX and the given water and air temperatures."""
    base = dc.PARAMS
    # EnergyPlus's water density at its 5.05 degC initialisation and c_p near the loop temperatures
    c_chw = base["chw_loop"]["max_flow_m3s"] * 999.9 * 4190.0
    c_cw = base["cw_loop"]["max_flow_m3s"] * 999.9 * 4190.0
    crah = {**base["crah"], "supply_air_temperature_c": supply_air_c, "coil_design_inlet_water_c": coil_design_water_c,
            "coil_design_outlet_air_c": coil_design_outlet_air_c}
    chw = {**base["chw_loop"], "supply_temperature_c": chw_supply_c}
    cw = {**base["cw_loop"], "setpoint_min_c": 5.0,
          "setpoint_min_note": "lowered from 15.56 to 5 degC so that the towers can make economizer water; "
                               "the chiller curves hold entering condenser water below 12.78 degC at 12.78"}
    return _derive(base, crah=crah, chw_loop=chw, cw_loop=cw, economizer={
        "object": "HeatExchanger:FluidToFluid, CounterFlow, CoolingDifferentialOnOff",
        "arrangement": ("integrated: on the chilled-water supply inlet branch right after the pump, upstream "
                        "of the chiller branch (pre-cools the return; the chiller trims to the set point; on the "
                        "chiller's own branch EnergyPlus starved the chiller of its load); on its own condenser-water demand "
                        "branch in parallel with the chiller condenser, so that it takes tower water only when on "
                        "(in series with the condenser, EnergyPlus would move heat through it while 'off', because "
                        "the condenser flow passes); the constant-speed condenser pump's flow is shared between "
                        "the two branches when both request it; the HX is in a PlantEquipmentOperation:Uncontrolled "
                        "scheme"),
        "control": ("on when condenser water entering the HX is at least min_delta_t_k colder than the "
                    "chilled-water return; then full flow on both sides, no modulation (the chilled water can "
                    "leave the HX below the set point in cold hours: chiller off, coil valves throttle). An EMS "
                    "program makes the HX available only while the tower outlet of the previous timestep is "
                    "min_delta_t_k below the chilled-water return: without it EnergyPlus's first-iteration trial "
                    "flow on the HX's condenser side (PlantHeatExchangerFluidToFluid, issue 4959) carried warm "
                    "tower water into the chilled water in the other hours and saturated the chiller (tested: "
                    "Tampa chiller evaporator 1.10 MW mean instead of 0.83 MW, 17.6 degC instead of 7 degC)"),
        "min_delta_t_k": 1.0,
        "min_plant_iterations": WSE_MIN_PLANT_ITERATIONS,
        "min_plant_iterations_note": (
            "ConvergenceLimits 'Minimum Plant Iterations' (EnergyPlus default 2, maximum 8; the solver stops at "
            "the minimum whenever its interface check passes). With the default, in the hours when the HX and "
            "the chiller share the condenser pump's flow (30/30 kg/s), the reported HX, chiller and tower "
            "heats did not close: Hohhot wse_7, 927 h, the tower rejected 46 kW less than the CHW load + chiller "
            "+ CW pump heat (73 MWh a year against 16 MWh with 10 iterations, the ~1.8 kW of every hour in all "
            "models), so the tower water came back too cold and the HX did too much (chiller 552.7 MWh against "
            "562.7). 10 and 20 iterations give the same annual PUE to 1e-4"),
        "design_effectiveness": WSE_EFFECTIVENESS,
        "chw_design_flow_m3s": base["chw_loop"]["max_flow_m3s"],
        "cw_design_flow_m3s": base["cw_loop"]["max_flow_m3s"],
        "ua_w_per_k": round(counterflow_ua(WSE_EFFECTIVENESS, c_chw, c_cw), 0),
        "ua_note": "UA for the design effectiveness at the design flows (counterflow_ua, water c_p 4190)",
    })


WSE_7_PARAMS = _wse_params(7.0, 18.0, 7.0, 16.0)
#: 14 degC chilled water cannot hold 18 degC air through the 7 degC coil (UA 88.7 kW/K needs about
#: 109): the supply air goes to 20 degC (coil approach 6 K) and the coil is rated for 14 degC water.
WSE_14_PARAMS = _wse_params(14.0, 20.0, 14.0, 18.0)


WSE_NOTES = {
    "economizer": ("the HX pre-cools the chilled-water return with tower water whenever that water is 1 K "
                   "colder; Q_hx = eps C_min (T_chw,return - T_cw,HX in), eps fixed by UA and the constant flows; "
                   "the chiller trims what is left to the set point and sees the tower water after the HX"),
    "condenser_setpoint": ("T_set = clip(T_wb + 3.9, 5, 35) in every hour (one set-point manager for both modes; "
                           "the tower fan cycles to it)"),
    "chiller_equation": ("as the water-cooled reference; at 14 degC the leaving chilled water is above the curve "
                         "data (5.56-8.89 degC) and EnergyPlus holds it at 8.89 degC, so the warmer water buys no "
                         "chiller efficiency in the reference either"),
}


def build_wse_idf(p, site=None):
    """IDF text of the water-cooled reference with the integrated water-side economizer."""
    eco = p["economizer"]
    hx_chw = ("HeatExchanger:FluidToFluid", "WSE HX", "CHW Pump Outlet Node", "WSE HX CHW Outlet Node")
    hx_cw = ("HeatExchanger:FluidToFluid", "WSE HX", "WSE HX CW Inlet Node", "WSE HX CW Outlet Node")
    chiller_chw = ("Chiller:Electric:EIR", "Chiller 1", "Chiller 1 CHW Inlet Node", "Chiller 1 CHW Outlet Node")
    o = dc._header(p, site, "Water-side economizer reference", WRITER) + dc._zone_and_ite(p) + dc.chw_air_side(p)
    o += dc.chw_loop(p, [chiller_chw], upstream=[hx_chw])
    o += dc.chiller(p["chiller"], "WaterCooled", "Chiller 1 CW Inlet Node", "Chiller 1 CW Outlet Node")
    o += dc.cw_loop(p, [("CW Chiller Branch", "Chiller:Electric:EIR", "Chiller 1", "Chiller 1 CW Inlet Node",
                         "Chiller 1 CW Outlet Node"), ("CW WSE Branch", *hx_cw)])
    # EMS gate: the HX is available only while the tower water is min_delta_t_k colder than the return
    # (values of the previous timestep), so that EnergyPlus's first-iteration trial flow cannot
    # carry warm tower water into the chilled water in the other hours
    o.append(_obj("Schedule:Constant", "WSE Availability", "Fraction", 0.0))
    o.append(_obj("EnergyManagementSystem:Sensor", "TowerWater", "CW Supply Outlet Node", "System Node Temperature"))
    o.append(_obj("EnergyManagementSystem:Sensor", "ChwReturn", "CHW Supply Inlet Node", "System Node Temperature"))
    o.append(_obj("EnergyManagementSystem:Actuator", "WSEAvail", "WSE Availability", "Schedule:Constant", "Schedule Value"))
    o.append(_obj("EnergyManagementSystem:ProgramCallingManager", "WSE Gate Manager", "BeginTimestepBeforePredictor",
                  "WSEGate"))
    o.append(_obj("EnergyManagementSystem:Program", "WSEGate", f"IF TowerWater < ChwReturn - {eco['min_delta_t_k']}",
                  "SET WSEAvail = 1", "ELSE", "SET WSEAvail = 0", "ENDIF"))
    o.append(_obj("HeatExchanger:FluidToFluid", "WSE HX", "WSE Availability", "WSE HX CW Inlet Node", "WSE HX CW Outlet Node",
                  float(eco["cw_design_flow_m3s"]), "CHW Pump Outlet Node", "WSE HX CHW Outlet Node",
                  float(eco["chw_design_flow_m3s"]), "CounterFlow", float(eco["ua_w_per_k"]), "CoolingDifferentialOnOff",
                  "", float(eco["min_delta_t_k"]), "FreeCooling"))
    # more plant iterations: with EnergyPlus's default 2 the HX / chiller / tower heats do not close
    # while the HX and the chiller share the condenser flow (economizer["min_plant_iterations_note"])
    n_iter = int(eco["min_plant_iterations"])
    o.append(_obj("ConvergenceLimits", 1, 20, n_iter, 4 * n_iter))
    o += dc.outputs(dc.output_variables(("air_side", "chiller", "tower", "economizer")), dc.OUTPUT_METERS)
    return "\n".join(o)


# ----------------------------------------------------------------------------------------------
# Registry
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Model:
    """One reference plant: its parameter table, IDF writer and the output parts it reports."""

    name: str
    title: str
    params: dict
    build: Callable
    parts: tuple
    #: hourly channels that make up cooling electricity (short names of run_energyplus.SERIES_BY_PART)
    cooling: tuple
    #: how EnergyPlus treats this plant (copied into the reference JSON's plant.notes)
    notes: dict = field(default_factory=dict)
    #: beginnings of severe EnergyPlus messages that say "Simulation continues" and are accepted for
    #: this model (they stay in the reference JSON's energyplus_messages); any other severe error fails the run
    tolerated_severe: tuple = ()
    #: ``(params, elevation_m) -> params`` for a plant with inputs that depend on the site (one IDF per city)
    site_params: Callable = None

    def reference_stem(self, city):
        """File stem of this model's outputs for ``city`` (the original model keeps its names)."""
        return city if self.name == "water_cooled" else f"{self.name}_{city}"

    def idf_name(self, city=None):
        """The IDF's file name; a model with ``site_params`` has one per city."""
        if self.site_params is not None:
            if city is None:
                raise ValueError(f"model {self.name} has one IDF per city")
            return f"datacenter_{self.reference_stem(city)}.idf"
        return "datacenter.idf" if self.name == "water_cooled" else f"datacenter_{self.name}.idf"


MODELS = {m.name: m for m in (
    Model("water_cooled", "water-cooled chiller + tower, no economizer", dc.PARAMS, dc.build_idf,
          dc.WATER_COOLED_PARTS, ("chiller", "pumps", "tower", "crah_fan")),
    Model("dx", "DX computer-room units, air-cooled condensing", DX_PARAMS, build_dx_idf,
          ("air_side", "dx"), ("dx", "crah_fan"), notes=DX_NOTES),
    Model("dx_pre", "DX computer-room units with a pumped-refrigerant economizer (Liebert DSE curves)",
          DX_PRE_PARAMS, build_dx_idf, ("air_side", "dx"), ("dx", "crah_fan"), notes={
              **DX_NOTES, "dx_equation": ("as the DX model, with CapFT and EIRFT as linear Table:Lookup "
                                          "interpolations; the EIR table carries the pumped-refrigerant mode")}),
    Model("dx_inverter", "DX computer-room units with inverter (variable-speed) compressors", DX_INVERTER_PARAMS,
          build_dx_idf, ("air_side", "dx", "dx_speed"), ("dx", "crah_fan"), notes={**DX_NOTES, **dx_inverter_model.NOTES}),
    Model("air_econ_evap_dx", "DX computer-room units behind an air-side economizer with a direct evaporative pad",
          AIR_ECON_PARAMS, build_dx_idf, ("air_side", "outdoor_air", "dx"), ("dx", "crah_fan", "evap_pump"),
          notes=AIR_ECON_NOTES),
    Model("iec_dx", "indirect evaporative cooler on the return air with DX trim", IEC_PARAMS, build_dx_idf,
          ("air_side", "iec", "dx"), ("dx", "crah_fan", "iec_fan_pump"), notes=IEC_NOTES,
          tolerated_severe=("CalcIndirectResearchSpecialEvapCooler: calculate secondary air mass flow failed",),
          site_params=iec_site_params),
    Model("air_cooled_chiller", "air-cooled chiller + CHW CRAH", AIR_CHILLER_PARAMS, build_air_cooled_chiller_idf,
          ("air_side", "chiller"), ("chiller", "chw_pump", "crah_fan"),
          notes=AIR_CHILLER_NOTES),
    Model("cold_plate", "cold plates (75 % of the servers) rejecting to the chilled water, the rest by the water-cooled "
          "plant's CRAH", COLD_PLATE_PARAMS, build_cold_plate_idf, dc.WATER_COOLED_PARTS + ("liquid",),
          ("chiller", "pumps", "tower", "crah_fan", "liquid_pump"), notes=COLD_PLATE_NOTES),
    *(Model(f"wse_{t}", f"water-cooled chiller + tower with integrated water-side economizer, {t} degC CHW",
            p, build_wse_idf, ("air_side", "chiller", "tower", "economizer"), ("chiller", "pumps", "tower", "crah_fan"),
            notes=WSE_NOTES) for t, p in ((7, WSE_7_PARAMS), (14, WSE_14_PARAMS))),
)}


if __name__ == "__main__":
    for m in MODELS.values():
        if m.site_params is not None:
            print(f"{m.name}: one IDF per city, written by run_energyplus.py from the city's weather file")
            continue
        (HERE / m.idf_name()).write_text(m.build(m.params))
        print("wrote", HERE / m.idf_name())
