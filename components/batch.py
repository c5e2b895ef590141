"""Many cases in one compiled call: the whole period of ``k`` plants over a scenario axis.

A sweep's or an optimiser's cases that have no discrete event (no set-point schedule, load
step, supervisory control, outage, failure or storage dispatch: :func:`twin.engine.batch.single_span`)
each run as one span from the first step to the last.  :func:`run_cases` runs those spans for a
stack of cases in one call, through the very :func:`components.facility.run_span` that the event
loop calls, so every case's channels are bit-identical to its one-case run.

Layout: the arrays of :mod:`components.facility` with a leading case axis,
``boundary[c, BOUNDARY.*, i]``, ``params[c, PARAM.*]``, ``curves[c, :]``, ``out[c, OUTPUT.*, i]``,
``state[c, STATE.*]``; SI units as documented in :mod:`components.layout`.
"""

from components._jit import jit
from components.facility import run_span


@jit
def run_cases(boundary, params, curves, out, state, block, steps_in):
    """Integrate every step of every case; results go to ``out``, end states to ``state``.

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
        run_span(0, n_steps, boundary[c], params[c], curves[c], out[c], state[c], block, steps_in)
