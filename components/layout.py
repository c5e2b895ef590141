"""The kernel's flat-array layout: boundary rows, parameters, output channels, state and codes.

:mod:`components.facility` and the plant modules of :mod:`components.plant` index four flat
arrays by these enums (``boundary[BOUNDARY.*, i]``, ``params[PARAM.*]``, ``out[OUTPUT.*, i]``,
``state[STATE.*]``), so that a kernel call costs a few microseconds.  Units: SI, as noted.
"""

from enum import IntEnum

PLANT_WATER_COOLED = 0
PLANT_DX = 1
PLANT_IEC = 2
PLANT_DISTRICT = 3
PLANT_AIR_COOLED = 4
IT_LINEAR = 0        # server power linear in utilisation, fans by the cube law above an inlet threshold
IT_ITE_CURVES = 1    # EnergyPlus ElectricEquipment:ITE:AirCooled curves f(utilisation, inlet temperature)
CRAH_FLOW_SERVERS = 0  # variable CRAH air flow matches the servers' intake (through bypass, at minimum recirculation)
CRAH_FLOW_HEAT = 1     # variable CRAH air flow carries the air-side heat at the CRAH's design air rise
LIQUID_DRY_COOLER = 0
LIQUID_CHILLERS = 1
LIQUID_TOWER = 2

BOUNDARY = IntEnum("BOUNDARY", [
    "temp_air",          # outdoor dry bulb [degC]
    "temp_wet_bulb",     # outdoor wet bulb [degC]
    "h_air",             # outdoor air enthalpy [J/kg dry air]
    "pressure",          # barometric pressure [Pa]
    "temp_dew",          # outdoor dew point [degC]
    "humidity_ratio",    # outdoor humidity ratio [kg/kg dry air]
    "dry_air_density",   # outdoor dry air per volume of moist air, 1 / specific volume [kg dry air/m3]
    "tou_period",        # time-of-use period: 0 valley, 1 flat, 2 peak, 3 critical peak [-]
    "utilisation",       # IT utilisation before event scaling [-]
    "it_power_w",        # measured IT power replacing the server model when >= 0 (meter replay) [W]
], start=0)

PARAM = IntEnum("PARAM", [
    # IT equipment
    "it_peak_w", "idle_fraction", "fan_fraction", "fan_threshold_c", "fan_slope_per_k",
    "fan_speed_max", "server_delta_t_k", "load_scale",
    "it_model",                    # IT_LINEAR 0, IT_ITE_CURVES 1 (components.it_equipment)
    # EnergyPlus ElectricEquipment:ITE:AirCooled curves (IT_ITE_CURVES); layouts ITE_BIQUADRATIC / ITE_QUADRATIC
    "ite_cpu_c0", "ite_cpu_c1", "ite_cpu_c2", "ite_cpu_c3", "ite_cpu_c4", "ite_cpu_c5",
    "ite_cpu_x_min", "ite_cpu_x_max", "ite_cpu_y_min", "ite_cpu_y_max", "ite_cpu_out_min", "ite_cpu_out_max",
    "ite_flow_c0", "ite_flow_c1", "ite_flow_c2", "ite_flow_c3", "ite_flow_c4", "ite_flow_c5",
    "ite_flow_x_min", "ite_flow_x_max", "ite_flow_y_min", "ite_flow_y_max", "ite_flow_out_min", "ite_flow_out_max",
    "ite_fan_c0", "ite_fan_c1", "ite_fan_c2", "ite_fan_x_min", "ite_fan_x_max", "ite_fan_out_min", "ite_fan_out_max",
    # air management and CRAH
    "supply_air_c", "recirculation_min", "bypass", "crah_units", "crah_unit_flow_kgs",
    "crah_unit_fan_w", "crah_unit_capacity_w", "crah_variable_speed", "crah_min_speed",
    "crah_flow_control",           # CRAH_FLOW_SERVERS 0, CRAH_FLOW_HEAT 1 (variable-speed fans only)
    "crah_design_dt_k",            # unit capacity / (unit air flow cp): the air rise of CRAH_FLOW_HEAT [K]
    "sensible_heat_ratio", "envelope_gain_w", "indoor_humidity_ratio",
    # power chain
    "pdu_rating_w", "pdu_no_load", "pdu_square_law",
    "ups_units", "ups_unit_rating_w", "ups_no_load", "ups_proportional", "ups_square_law",
    "ups_loss_to_room", "lighting_w", "auxiliary_w", "auxiliary_to_room",
    "switchgear_rating_w", "switchgear_square_law",
    "tx_units", "tx_rating_va", "tx_power_factor", "tx_no_load_w", "tx_load_loss_w",
    "generator_heater_w",
    # cooling plant
    "plant_type", "chw_supply_c", "chw_design_dt_k", "chillers_available", "chiller_cap_ref_w",
    "chiller_cop_ref", "stage_up_plr",
    "chw_pump_w", "chw_pump_variable", "chw_pump_exponent", "chw_pump_min_flow",
    "cw_pump_w",
    "cw_setpoint_c", "tower_water_flow_kgs", "tower_fan_w",
    "tower_air_m3s",               # a cell's design air volume flow [m3/s] (cooling_tower.cell_air)
    "tower_ua_per_m3",             # its UA over design volume flow, NTU_design rho_design [kg/m3]
    "tower_variable_speed", "cycles_of_concentration", "drift_fraction",
    "economizer", "economizer_effectiveness", "economizer_margin_k",
    "economizer_control", "economizer_tower",  # codes in components.plant.chilled_water
    "timestep_s", "hotspot_factor", "coil_approach_k",
    "cw_reset", "cw_reset_approach_k", "cw_reset_min_c", "cw_reset_max_c",
    "condenser_fan_w_per_w",       # air-cooled chiller condenser fans per W of available capacity [W/W]
    "dx_coil_a0_kgs",              # DX coil NTU x rated air flow, -ln(CBF_rated) m_rated, per unit (0: off) [kg/s]
    "dx_cop_upper",                # highest COP the DX curve set reaches anywhere (chiller.cop_upper_bound; IEC plants only, else 0) [-]
    "dx_speeds",                   # speed levels of inverter DX units (0: single-speed; components.cooling.dx_variable_speed) [-]
    "dx_plf0", "dx_plf1", "dx_plf2", "dx_plf_min",  # their part-load fraction below speed 1, PLF(PLR), and its floor [-]
    *[f"dx_speed_cap{k}" for k in range(10)],  # per unit and speed, lowest first: capacity at CapFT = 1 [W]
    *[f"dx_speed_cop{k}" for k in range(10)],  # COP at EIRFT = 1 [-]
    *[f"dx_speed_a0{k}" for k in range(10)],   # -ln(CBF_rated) m_rated (0: dry-coil adjustment off) [kg/s]
    *[f"dx_speed_m{k}" for k in range(10)],    # rated air flow (0: no flow-fraction curves) [kg/s]
    "dx_capfff0", "dx_capfff1", "dx_capfff2", "dx_eirfff0", "dx_eirfff1", "dx_eirfff2",  # flow-fraction curves [-]
    "dx_fff_min", "dx_fff_max",    # the flow-fraction range they take [-]
    "pre_economizer",              # 1: DX units have a pumped-refrigerant economizer [-]
    "pre_design_w", "pre_design_dt_k", "pre_power_w_per_w",  # see components.cooling.pumped_refrigerant
    "pre_table_points",            # points of a vendor's free-capacity table (0: the linear law) [-]
    "pre_table_return_c",          # return air the table's differences are taken from; NaN: the actual [degC]
    *[f"pre_table_dt{k}" for k in range(16)],  # its return-to-outdoor differences [K]
    *[f"pre_table_f{k}" for k in range(16)],   # its free capacity, fraction of the installed capacity [-]
    "air_economizer", "economizer_dew_min_c", "economizer_dew_max_c",  # see components.plant.outdoor_air
    "direct_evaporative", "evaporative_effectiveness", "evaporative_pump_w_per_kgs",
    "economizer_humidify",         # 1: a humidifier holds the supply at the band's lower dew point [-]
    # liquid cooling
    "liquid_fraction", "liquid_supply_c", "liquid_range_k", "liquid_rejection",
    "liquid_pump_fraction", "dry_cooler_ua_w_per_k", "dry_cooler_air_w_per_k", "dry_cooler_fan_w",
    "liquid_tower_water_kgs", "liquid_tower_air_m3s", "liquid_tower_ua_per_m3", "liquid_tower_fan_w",
    # indirect evaporative cooling (IEC) air handlers
    "iec_eff_wb", "iec_eff_db", "iec_secondary_kgs", "iec_fan_w", "iec_pump_w",
    "iec_dew_point_factor", "iec_mod_c0", "iec_mod_c1", "iec_mod_c2", "iec_mod_c3",
    "iec_mod_min", "iec_mod_max",
    # thermal storage and purchased (district / power-plant) cooling
    "tes_capacity_j", "tes_charge_w", "tes_discharge_w", "tes_loss_per_s",
    "tes_capacity_factor", "tes_cop_factor",
    "tes_economizer_charges",      # 1: a chilled-water tank the economizer may charge; 0: ice, or none [-]
    "district_pump_w_per_w",
    # power chain and storage (issue 4; see components.power_chain)
    "chain_kind",                  # CHAIN_LEGACY 0, CHAIN_MODULAR 1, CHAIN_HVDC 2, CHAIN_MV 3
    "chain_systems",               # independent systems sharing the critical load (2 = 2N) [-]
    "module_rating_w",             # rated output of one power / rectifier module [W]
    "modules_per_system",          # modules available per system (events lower it) [-]
    "modules_redundant",           # modules kept on line beyond the load's need [-]
    "module_target_load",          # load fraction per module that hibernation aims for [-]
    "module_hibernation",          # 1: modules sleep to follow the load [-]
    "module_no_load", "module_proportional", "module_square_law",  # module WP113 curve [-]
    "eco_mode", "eco_no_load", "eco_proportional",                 # ECO / bypass mode [-]
    "mv_tx_no_load", "mv_tx_square_law",   # 10 kV module transformer, fractions of unit rating [-]
    "distribution_rating_w",       # rating of the explicit critical distribution [W]
    "distribution_square_law",     # its I2R loss at rating, fraction (0 = lumped in switchgear) [-]
    "psu_capacity_w",              # installed server-PSU output capacity [W]
    "psu_convert",                 # 1: the installed PSUs differ from the reference the IT model describes
    "psu_dc_input", "psu_dc_loss_reduction",
    "psu_ref_points", "psu_ref_x0", "psu_ref_x1", "psu_ref_x2", "psu_ref_x3",
    "psu_ref_e0", "psu_ref_e1", "psu_ref_e2", "psu_ref_e3",
    "psu_new_points", "psu_new_x0", "psu_new_x1", "psu_new_x2", "psu_new_x3",
    "psu_new_e0", "psu_new_e1", "psu_new_e2", "psu_new_e3",
    "battery_float_w",             # battery float / BMS standby loss [W]
    "storage_charge_w",            # grid power drawn to charge the battery (set by events) [W]
    "storage_charge_efficiency",   # share of it stored [-]
    "storage_discharge_w",         # power taken from the cells (set by events) [W]
    "storage_discharge_efficiency",  # share of it delivered to the bus [-]
    "flywheel_standby_w",          # flywheel spinning loss [W]
    "supply_grid_fraction",        # share of the step supplied by the grid (outages lower it) [-]
    "supply_backup_fraction",      # share supplied by backup generation [-]
], start=0)

OUTPUT = IntEnum("OUTPUT", [
    "p_facility", "p_it", "p_it_fans", "p_pdu_loss", "p_ups_loss", "p_switchgear_loss",
    "p_transformer_loss", "p_lighting", "p_auxiliary", "p_generator_heaters", "p_crah_fans",
    "p_chillers", "p_chw_pumps", "p_cw_pumps", "p_tower_fans",
    "q_room_sensible", "q_latent", "q_coil", "q_economizer", "q_evaporator", "q_condenser",
    "q_rejected_wet", "q_rejected_dry", "q_unmet",
    "t_supply_air", "t_supply_air_setpoint", "t_rack_inlet", "t_return_air", "t_chw_supply", "t_condenser",
    "server_fan_speed", "recirculation", "economizer_mode", "chillers_on", "chiller_plr",
    "tower_air_ratio", "crah_flow_ratio",
    "t_rack_inlet_max", "p_iec_secondary", "p_liquid_pumps", "p_dry_cooler_fans",
    "q_liquid", "q_liquid_to_plant", "q_iec", "iec_mode", "q_tes_charge", "q_tes_discharge",
    "tes_energy", "tes_ride_through_min", "q_purchased_cooling",
    "water_evaporation", "water_drift", "water_blowdown", "curve_out_of_range", "utilisation",
    # power chain and storage (issue 4)
    "p_psu_loss", "p_distribution_loss", "p_battery_loss", "p_flywheel_loss",
    "p_storage_charge", "p_storage_discharge", "p_pv", "p_backup_generation", "p_not_supplied",
    "p_grid",
    # plant types of the existing stock (issue 14)
    "p_condenser_fans", "p_refrigerant_pumps", "q_pumped_refrigerant",
    "q_air_economizer", "outdoor_air_fraction", "p_evaporative_pumps", "water_direct_evaporative",
    "water_liquid_tower",
], start=0)

#: Rows of a span kernel's step-major block (:func:`components.step_block.step_blocks`) below its
#: :data:`OUTPUT` channels: the inputs of computations a step defers to the end of its block
#: (:func:`components.plant.chilled_water.deferred_tower_water`), never copied into ``out``.
DEFERRED = IntEnum("DEFERRED", [
    "tower_water",           # 1 where the step's tower water is deferred, else 0 [-]
    "tower_q_w",             # heat the towers reject [W]
    "tower_air_flow",        # dry air through their cells [kg/s]
    "tower_water_in",        # water entering them [degC]
    "tower_water_flow",      # water through them [kg/s]
    "terms_setpoint", "terms_range", "terms_pressure", "terms_h_in", "terms_c_s",  # setpoint_terms' [0, 1, 2, 4, 5]
], start=0)

STATE = IntEnum("STATE", [
    "tes_energy_j",          # thermal storage: cold energy stored [J]
    "battery_energy_j",      # electrical storage: energy stored [J]
    "battery_health",        # electrical storage: state of health, capacity / rated [-]
], start=0)

N_OUTPUT = len(OUTPUT)
N_DEFERRED = len(DEFERRED)

# Components that together draw the facility power (p_it_fans is part of p_it).
POWER_COMPONENTS = (
    "p_it", "p_pdu_loss", "p_ups_loss", "p_switchgear_loss", "p_transformer_loss",
    "p_lighting", "p_auxiliary", "p_generator_heaters", "p_crah_fans", "p_chillers",
    "p_chw_pumps", "p_cw_pumps", "p_tower_fans", "p_iec_secondary", "p_liquid_pumps",
    "p_dry_cooler_fans", "p_distribution_loss", "p_battery_loss", "p_flywheel_loss",
    "p_condenser_fans", "p_refrigerant_pumps", "p_evaporative_pumps",
)

# critical-power architectures (PARAM.chain_kind); see components/power/ and twin/inputs/schema_power.py
CHAIN_LEGACY = 0    # tower double-conversion UPS units on the WP113 curve of [power]
CHAIN_MODULAR = 1   # modular AC UPS with module hibernation (optionally ECO mode)
CHAIN_HVDC = 2      # 240/336 V DC rectifier frames, no inverter, DC-input PSUs
CHAIN_MV = 3        # 10 kV AC-input power module ("Panama"): the IT path bypasses the LV transformers

# channels a plant writes only when it has the equipment: the step clears them before a DX, IEC or
# district plant; the chilled-water plant writes them all itself, zeros included
PLANT_CHANNELS = (OUTPUT.p_chillers, OUTPUT.p_chw_pumps, OUTPUT.p_cw_pumps, OUTPUT.p_tower_fans,
                   OUTPUT.p_iec_secondary, OUTPUT.q_economizer, OUTPUT.q_evaporator,
                   OUTPUT.q_condenser, OUTPUT.q_rejected_wet, OUTPUT.q_iec, OUTPUT.iec_mode,
                   OUTPUT.q_tes_charge, OUTPUT.q_tes_discharge, OUTPUT.tes_ride_through_min,
                   OUTPUT.q_purchased_cooling, OUTPUT.economizer_mode, OUTPUT.chillers_on,
                   OUTPUT.chiller_plr, OUTPUT.tower_air_ratio, OUTPUT.water_evaporation,
                   OUTPUT.water_drift, OUTPUT.water_blowdown, OUTPUT.curve_out_of_range,
                   OUTPUT.p_condenser_fans, OUTPUT.p_refrigerant_pumps, OUTPUT.q_pumped_refrigerant)
