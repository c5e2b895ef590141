"""A chilled-water plant shared by several halls: the plant-only kernel of a site.

A site (``twin/engine/site.py``) runs each hall on a shared plant with its air side only: the hall
buys its chilled water as if from a district plant with no distribution pumps, so its
``q_purchased_cooling`` is its chilled-water load, coil load plus the liquid heat sent to the
plant [W].  :func:`shared_plant_span` then runs one chilled-water plant
(:func:`components.plant.chilled_water.chilled_water_plant`: chillers staged on the total,
chilled-water pumps whose heat joins the load, towers or air-cooled condensers, water-side
economizer, storage) over the sum of those loads, and feeds its electric power through the
plant's own LV board: switchgear and wiring loss and the transformers that supply it, by
:func:`components.power_chain.power_chain` with a parameter vector whose critical path is empty
(:func:`plant_board_params` in ``twin/engine/site.py`` zeroes it).  The meter identity is then the
usual one: ``p_facility = p_chillers + p_chw_pumps + p_cw_pumps + p_tower_fans +
p_condenser_fans + p_switchgear_loss + p_transformer_loss`` at every step.

Heat: towers reject ``q_rejected_wet`` (written by the plant); air-cooled condensers and the
plant board's electrical rooms reject ``q_rejected_dry``.  ``q_coil`` holds the halls' summed
load and ``q_unmet`` the part of it the plant could not meet (the site hands it back to the
halls).  It may import :mod:`components.cooling`, :mod:`components.layout` and the plant and
power-chain pieces and :mod:`components.step_block`, never :mod:`components.facility` or ``twin``.
"""

from components._jit import jit
from components.cooling import cooling_tower as tower
from components.cooling import thermal_storage as tes
from components.layout import OUTPUT, PARAM, PLANT_AIR_COOLED, STATE
from components.plant.chilled_water import chilled_water_plant, deferred_tower_water
from components.power_chain import critical_path, power_chain
from components.step_block import copy_block, load_block


@jit
def _shared_step(b, p, curves, q_load, o, i, state, terms):
    """One step of the shared plant serving ``q_load[i]`` [W]; writes ``o[:, i]``, advances ``state``.

    ``terms``: the towers' set-point terms of an earlier step (see
    :func:`~components.plant.chilled_water.chilled_water_plant`); returns those of this step."""
    tes_energy = state[STATE.tes_energy_j]
    q_unmet, terms = chilled_water_plant(p, curves, q_load[i], b, tes_energy, o, i, terms)
    o[OUTPUT.q_coil, i] = q_load[i]
    o[OUTPUT.q_unmet, i] = q_unmet
    o[OUTPUT.p_it_fans, i] = 0.0
    state[STATE.tes_energy_j] = tes.tes_energy_after(tes_energy, o[OUTPUT.q_tes_charge, i],
                                                     o[OUTPUT.q_tes_discharge, i], p[PARAM.tes_loss_per_s],
                                                     p[PARAM.timestep_s])
    o[OUTPUT.tes_energy, i] = state[STATE.tes_energy_j]
    power_chain(p, o, i, 0.0, critical_path(p, 0.0))
    dry = o[OUTPUT.p_switchgear_loss, i] + o[OUTPUT.p_transformer_loss, i]
    if p[PARAM.plant_type] == PLANT_AIR_COOLED:
        dry += o[OUTPUT.q_condenser, i] + o[OUTPUT.p_condenser_fans, i]
    o[OUTPUT.q_rejected_dry, i] = dry
    return terms


@jit
def shared_plant_span(i0, i1, boundary, params, curves, q_load, out, state, block, steps_in):
    """Run the shared plant over steps ``i0 <= i < i1`` with the current parameters.

    Parameters
    ----------
    i0, i1 : int
        First and one-past-last step index. [-]
    boundary : ndarray, shape (len(BOUNDARY), n_steps)
        Weather per step (see :data:`components.layout.BOUNDARY`).
    params : ndarray, shape (len(PARAM),)
        The plant's parameters, with an empty critical path (no IT, UPS, lighting...). SI units.
    curves : ndarray
        Chiller curve set (see :data:`components.cooling.chiller.CURVE_LAYOUT`).
    q_load : ndarray, shape (n_steps,)
        Chilled-water load of all the halls it serves at each step. [W]
    out : ndarray, shape (len(OUTPUT), n_steps)
        Result channels, written in place (the plant's; the others are left as they are, 0 where
        they were), through a step-major block (:func:`components.facility.run_blocked`).
    state : ndarray, shape (len(STATE),)
        Stored cold carried between steps, updated in place.
    block, steps_in : ndarray, shapes (len(OUTPUT), k) and (len(BOUNDARY), k)
        Scratch (:func:`components.step_block.step_blocks`); ``block`` all 0 where no step writes (the
        IT, room and power-chain channels), so that those copy as 0.
    """
    terms = tower.NO_TERMS
    lo = i0
    while lo < i1:
        hi = min(lo + block.shape[1], i1)
        load_block(boundary, steps_in, lo, hi)
        q = q_load[lo:hi]
        for j in range(hi - lo):
            terms = _shared_step(steps_in, params, curves, q, block, j, state, terms)
        deferred_tower_water(params, steps_in, block, hi - lo)
        copy_block(block, out, lo, hi)
        lo = hi
