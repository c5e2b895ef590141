"""The electrical chain from the IT boards up to the grid meter, one step at a time.

Kernel piece of :mod:`components.facility`: :func:`power_chain` follows the power upstream from the
server PSUs through PDU, distribution, UPS/HVDC/10 kV conversion, storage, LV bus, switchgear and
transformers, and attributes every watt to one channel of :data:`components.layout.POWER_COMPONENTS`.
The loss models are in :mod:`components.power` and :mod:`components.storage`.
"""

from components._jit import jit, jit_llvm_inlined
from components.layout import CHAIN_LEGACY, CHAIN_MV, OUTPUT, PARAM
from components.power.distribution import conductor_loss_w
from components.power.hvdc import psu_input_w, psu_output_w
from components.power.losses import quadratic_loss_w, transformer_loss_w
from components.power.modular_ups import eco_loss_w, system_loss_w
from components.power.mv_ups import mv_unit_loss_w


@jit
def _psu_conversion(p, p_it_model):
    """IT input power with the installed server PSUs, and their loss. Returns ``(p_it, psu)`` [W].

    The server model's power is the input of the *reference* PSU fleet; the board power behind
    the PSUs (``P_out``, the "chips" of ITUE) stays the same when the PSUs change (class, or AC to
    DC input), and the new input is ``P_out / eta_new`` (:mod:`components.power.hvdc`).
    """
    cap = p[PARAM.psu_capacity_w]
    n_ref = int(p[PARAM.psu_ref_points])
    if cap <= 0.0 or n_ref < 1 or p_it_model <= 0.0:
        return p_it_model, 0.0
    ref_x = p[PARAM.psu_ref_x0:PARAM.psu_ref_x0 + n_ref]
    ref_e = p[PARAM.psu_ref_e0:PARAM.psu_ref_e0 + n_ref]
    out = psu_output_w(p_it_model, cap, ref_x, ref_e)
    if p[PARAM.psu_convert] < 0.5:
        return p_it_model, p_it_model - out
    n_new = int(p[PARAM.psu_new_points])
    p_in = psu_input_w(out, cap, p[PARAM.psu_new_x0:PARAM.psu_new_x0 + n_new],
                       p[PARAM.psu_new_e0:PARAM.psu_new_e0 + n_new], p[PARAM.psu_dc_input] > 0.5,
                       p[PARAM.psu_dc_loss_reduction])
    return p_in, p_in - out


@jit
def _conversion_loss(p, load_w):
    """Loss of the critical-power conversion stage (UPS, rectifiers or 10 kV module) at ``load_w``. [W]"""
    kind = p[PARAM.chain_kind]
    if kind == CHAIN_LEGACY:
        return quadratic_loss_w(load_w, p[PARAM.ups_unit_rating_w], p[PARAM.ups_units],
                                p[PARAM.ups_no_load], p[PARAM.ups_proportional], p[PARAM.ups_square_law])
    systems = p[PARAM.chain_systems]
    rating = p[PARAM.module_rating_w]
    if p[PARAM.eco_mode] > 0.5:
        return eco_loss_w(load_w, systems * p[PARAM.modules_per_system] * rating, p[PARAM.eco_no_load],
                          p[PARAM.eco_proportional])
    if kind == CHAIN_MV:
        return mv_unit_loss_w(load_w, systems, rating, p[PARAM.modules_per_system], p[PARAM.modules_redundant],
                              p[PARAM.module_target_load], p[PARAM.module_hibernation] > 0.5,
                              p[PARAM.mv_tx_no_load], p[PARAM.mv_tx_square_law], p[PARAM.module_no_load],
                              p[PARAM.module_proportional], p[PARAM.module_square_law])
    return system_loss_w(load_w, systems, rating, p[PARAM.modules_per_system], p[PARAM.modules_redundant],
                         p[PARAM.module_target_load], p[PARAM.module_hibernation] > 0.5,
                         p[PARAM.module_no_load], p[PARAM.module_proportional], p[PARAM.module_square_law])


@jit
def _upstream_losses(p, p_it):
    """Losses between the conversion stage input and the PSU inputs drawing ``p_it`` [W].

    Returns ``(pdu, distribution, conversion, battery, flywheel)`` [W]: the PDU loss, the explicit
    distribution (I2R) loss, the UPS / rectifier / 10 kV module loss at its output
    ``p_it + pdu + distribution``, the battery loss (float or BMS standby plus the charge and
    discharge inefficiencies of the flows the events set) and the flywheel spinning loss.
    """
    pdu = quadratic_loss_w(p_it, p[PARAM.pdu_rating_w], 1.0, p[PARAM.pdu_no_load], 0.0,
                           p[PARAM.pdu_square_law])
    dist = conductor_loss_w(p_it + pdu, p[PARAM.distribution_rating_w], p[PARAM.distribution_square_law])
    conv = _conversion_loss(p, p_it + pdu + dist)
    battery = (p[PARAM.battery_float_w]
               + p[PARAM.storage_charge_w] * (1.0 - p[PARAM.storage_charge_efficiency])
               + p[PARAM.storage_discharge_w] * (1.0 - p[PARAM.storage_discharge_efficiency]))
    return pdu, dist, conv, battery, p[PARAM.flywheel_standby_w]


@jit
def critical_path(p, p_it_model):
    """Everything between the conversion stage input and the server boards.

    Returns ``(p_it, pdu, distribution, conversion, battery, flywheel, psu)`` [W]: the IT input
    power with the installed PSUs and its :func:`_upstream_losses`, and the PSU loss
    (:func:`_psu_conversion`).  The room's heat needs them at every pass of the step and
    :func:`power_chain` the same values again, so the step computes them once (and a room whose
    IT power holds from step to step, once for all those steps: ``components.facility._room``).
    """
    p_it, psu = _psu_conversion(p, p_it_model)
    pdu, dist, conv, battery, flywheel = _upstream_losses(p, p_it)
    return p_it, pdu, dist, conv, battery, flywheel, psu


@jit_llvm_inlined
def power_chain(p, o, i, p_model, path):
    """Follow the power from the IT boards up to the meters; writes every power-chain channel.

    ``p_model`` is the IT power of the server model [W] and ``path`` its :func:`critical_path`;
    reads the server fan power and the mechanical powers already written for step ``i``, writes
    ``p_it``, ``p_psu_loss``, ``p_pdu_loss`` and ``p_ups_loss`` with the installed PSUs and
    conversion stage, and scales ``p_it_fans`` with the IT input power.  Meter identity (consumer
    frame, W), checked at every step by ``tests/conftest.py::assert_energy_closes``::

        crit     = IT + PDU + distribution + conversion            (critical path, heat)
        storage  = float/BMS + flywheel + P_charge - eta_d P_discharge   (grid side of storage)
        LV bus   = crit + storage + mechanical + lighting + auxiliary + generator standby
                   (with a 10 kV module, CHAIN_MV: LV bus = mechanical + lighting + ...; the
                   module input crit + storage is metered at 10 kV beside the LV transformers)
        supply   = LV bus + switchgear/wiring + transformer (+ 10 kV module input)
        facility = supply - eta_c P_charge + P_discharge  =  sum of POWER_COMPONENTS
        supply   = grid + backup generation + not supplied (outage shares set by twin/engine/events.py)

    and after the run on-site PV moves from ``p_grid`` to ``p_pv`` (``twin.engine.events.finalise``), so
    ``p_grid + p_pv + p_backup_generation + p_not_supplied = p_facility + p_storage_charge -
    p_storage_discharge`` with ``p_storage_charge = eta_c P_charge`` (energy into the cells) and
    ``p_storage_discharge = P_discharge`` (energy out of them).  PUE uses ``p_facility``: the
    energy the site consumes, whatever supplies it (PV does not lower PUE).
    """
    p_it, pdu, dist, conv, battery, flywheel, psu = path
    if p_model > 0.0 and p_it != p_model:
        o[OUTPUT.p_it_fans, i] = o[OUTPUT.p_it_fans, i] * (p_it / p_model)
    p_charge = p[PARAM.storage_charge_w]
    p_discharge = p[PARAM.storage_discharge_w]
    crit = p_it + pdu + dist + conv
    storage = (p[PARAM.battery_float_w] + flywheel + p_charge
               - p[PARAM.storage_discharge_efficiency] * p_discharge)
    mech = (o[OUTPUT.p_crah_fans, i] + o[OUTPUT.p_chillers, i] + o[OUTPUT.p_chw_pumps, i]
            + o[OUTPUT.p_cw_pumps, i] + o[OUTPUT.p_tower_fans, i] + o[OUTPUT.p_iec_secondary, i]
            + o[OUTPUT.p_liquid_pumps, i] + o[OUTPUT.p_dry_cooler_fans, i]
            + o[OUTPUT.p_condenser_fans, i] + o[OUTPUT.p_refrigerant_pumps, i] + o[OUTPUT.p_evaporative_pumps, i])
    mv_in = 0.0
    if p[PARAM.chain_kind] == CHAIN_MV:
        mv_in = crit + storage
        lv_bus = mech + p[PARAM.lighting_w] + p[PARAM.auxiliary_w] + p[PARAM.generator_heater_w]
    else:
        lv_bus = (crit + storage + mech + p[PARAM.lighting_w] + p[PARAM.auxiliary_w]
                  + p[PARAM.generator_heater_w])
    sw_loss = quadratic_loss_w(lv_bus, p[PARAM.switchgear_rating_w], 1.0, 0.0, 0.0,
                               p[PARAM.switchgear_square_law])
    tx_out = lv_bus + sw_loss
    tx_loss = transformer_loss_w(tx_out, p[PARAM.tx_units], p[PARAM.tx_rating_va],
                                 p[PARAM.tx_power_factor], p[PARAM.tx_no_load_w],
                                 p[PARAM.tx_load_loss_w])
    supply = tx_out + tx_loss + mv_in
    stored_in = p[PARAM.storage_charge_efficiency] * p_charge
    o[OUTPUT.p_it, i] = p_it
    o[OUTPUT.p_psu_loss, i] = psu
    o[OUTPUT.p_pdu_loss, i] = pdu
    o[OUTPUT.p_distribution_loss, i] = dist
    o[OUTPUT.p_ups_loss, i] = conv
    o[OUTPUT.p_battery_loss, i] = battery
    o[OUTPUT.p_flywheel_loss, i] = flywheel
    o[OUTPUT.p_lighting, i] = p[PARAM.lighting_w]
    o[OUTPUT.p_auxiliary, i] = p[PARAM.auxiliary_w]
    o[OUTPUT.p_generator_heaters, i] = p[PARAM.generator_heater_w]
    o[OUTPUT.p_switchgear_loss, i] = sw_loss
    o[OUTPUT.p_transformer_loss, i] = tx_loss
    o[OUTPUT.p_facility, i] = supply - stored_in + p_discharge
    o[OUTPUT.p_storage_charge, i] = stored_in
    o[OUTPUT.p_storage_discharge, i] = p_discharge
    grid = p[PARAM.supply_grid_fraction] * supply
    backup = p[PARAM.supply_backup_fraction] * supply
    o[OUTPUT.p_grid, i] = grid
    o[OUTPUT.p_backup_generation, i] = backup
    o[OUTPUT.p_not_supplied, i] = supply - grid - backup
    o[OUTPUT.p_pv, i] = 0.0


@jit
def it_side_losses(p, p_it):
    """Heat of the critical power path, split the way ``_step`` books it. Returns ``(room, ups)`` [W].

    ``room`` is released in the white space: the change of IT input power when the installed
    PSUs differ from the reference (``p_it`` from :func:`_psu_conversion` minus the model's), the
    PDU loss and the explicit distribution loss.  ``ups`` is released in the UPS and battery
    rooms, a share ``ups_loss_to_room`` of it in conditioned space (the battery room is held at
    its set point by the plant, so its heat returns to the cooling load): conversion loss,
    battery float and cycling losses, flywheel spinning loss.  ``power_chain`` writes the same
    quantities channel by channel.  With the default parameters this is exactly the WP113 PDU
    and UPS loss of the legacy plant.
    """
    return heat_split(critical_path(p, p_it), p_it)


@jit
def heat_split(path, p_it_model):
    """:func:`it_side_losses` of the model IT power ``p_it_model`` from its :func:`critical_path` ``path``. [W]"""
    p_in, pdu, dist, conv, battery, flywheel, _ = path
    return (p_in - p_it_model) + pdu + dist, conv + battery + flywheel
