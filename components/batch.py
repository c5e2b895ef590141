"""Many cases in one compiled call: the whole period of ``k`` plants over a scenario axis.

A sweep's or an optimiser's cases that have no discrete event (no set-point schedule, load
step, supervisory control, outage, failure or storage dispatch: :func:`twin.engine.batch.single_span`)
each run as one span from the first step to the last.  :func:`cases_kernel` gives the kernel that
runs those spans for a stack of cases of one plant family in one call, through the very span
kernel of that family that the event loop calls (:func:`components.spans.span_kernel`), so every
case's channels are bit-identical to its one-case run.  (Until 2026-12-07 the cases ran through the
any-plant :func:`components.facility.run_span`, bit-identical too but with every plant compiled in:
3-7 % slower, side by side on the default room, the chilled-water package and IEC + liquid.)

Layout: the arrays of :mod:`components.facility` with a leading case axis,
``boundary[c, BOUNDARY.*, i]``, ``params[c, PARAM.*]``, ``curves[c, :]``, ``out[c, OUTPUT.*, i]``,
``state[c, STATE.*]``; SI units as documented in :mod:`components.layout`.
"""

from components._jit import jit
from components.plant.families import AIR_SIDE, CHILLED_WATER, family_of
from components.spans import run_span_air_side, run_span_chilled_water


@jit
def run_cases_chilled_water(boundary, params, curves, out, state, block, steps_in):
    """Integrate every step of every case, all chilled-water or district plants; results go to
    ``out``, end states to ``state``.

    Parameters
    ----------
    boundary : ndarray, shape (k, len(BOUNDARY), n_steps)
        Weather and utilisation of each case per step.
    params : ndarray, shape (k, len(PARAM))
        Plant parameters and set points of each case, SI units (not changed).
    curves : ndarray, shape (k, 20)
        Chiller or DX curve set of each case.
    out : ndarray, shape (k, len(OUTPUT), n_steps)
        Result channels of each case, written in place.
    state : ndarray, shape (k, len(STATE))
        Initial state of each case; holds the end state afterwards.
    block, steps_in : ndarray, shapes (len(OUTPUT), m) and (len(BOUNDARY), m)
        Scratch shared by the cases (:func:`components.step_block.step_blocks`).
    """
    n_steps = out.shape[2]
    for c in range(out.shape[0]):
        run_span_chilled_water(0, n_steps, boundary[c], params[c], curves[c], out[c], state[c], block, steps_in)


@jit
def run_cases_air_side(boundary, params, curves, out, state, block, steps_in):
    """:func:`run_cases_chilled_water` for DX or IEC plants."""
    n_steps = out.shape[2]
    for c in range(out.shape[0]):
        run_span_air_side(0, n_steps, boundary[c], params[c], curves[c], out[c], state[c], block, steps_in)


#: the batched kernel of each plant family
CASES_KERNELS = {CHILLED_WATER: run_cases_chilled_water, AIR_SIDE: run_cases_air_side}


def cases_kernel(plant_type: float):
    """The batched kernel of a plant type's family (``params[PARAM.plant_type]``): all cases of one
    call must be of that family."""
    return CASES_KERNELS[family_of(plant_type)]
