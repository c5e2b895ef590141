"""The span kernels of one plant family: :func:`components.facility.run_span` without the other plants.

:func:`components.facility.run_span` compiles every plant into its step (the family
:data:`~components.plant.families.ANY_PLANT`).  The event loop, the outage and design runs call
the span of their plant's family instead (:func:`span_kernel`, and :func:`binned_kernel` for the
bin method), which compiles only that family's plants: a first chilled-water run compiles no DX
or IEC code.  A span computes the same numbers, bit for bit, as
:func:`~components.facility.run_span`; the arguments are the same.
"""

from components._jit import jit, jit_alloc
from components.bin_method import run_span_binned
from components.facility import run_blocked
from components.plant.families import AIR_SIDE, CHILLED_WATER, family_of


@jit
def run_span_chilled_water(i0, i1, boundary, params, curves, out, state, block, steps_in):
    """Steps ``i0 <= i < i1`` of a chilled-water or district plant (see :func:`components.facility.run_span`)."""
    run_blocked(i0, i1, boundary, params, curves, out, state, block, steps_in, CHILLED_WATER)


@jit
def run_span_air_side(i0, i1, boundary, params, curves, out, state, block, steps_in):
    """Steps ``i0 <= i < i1`` of a DX or IEC plant (see :func:`components.facility.run_span`)."""
    run_blocked(i0, i1, boundary, params, curves, out, state, block, steps_in, AIR_SIDE)


@jit_alloc
def run_span_binned_chilled_water(i0, i1, boundary, params, curves, out, state, width_wet_bulb, width_dry_bulb,
                                  width_utilisation):
    """The bin method (:func:`components.bin_method.run_span_binned`) for a chilled-water or district plant."""
    return run_span_binned(i0, i1, boundary, params, curves, out, state, width_wet_bulb, width_dry_bulb,
                           width_utilisation, CHILLED_WATER)


@jit_alloc
def run_span_binned_air_side(i0, i1, boundary, params, curves, out, state, width_wet_bulb, width_dry_bulb,
                             width_utilisation):
    """The bin method (:func:`components.bin_method.run_span_binned`) for a DX or IEC plant."""
    return run_span_binned(i0, i1, boundary, params, curves, out, state, width_wet_bulb, width_dry_bulb,
                           width_utilisation, AIR_SIDE)


_SPANS = {CHILLED_WATER: run_span_chilled_water, AIR_SIDE: run_span_air_side}
_BINNED = {CHILLED_WATER: run_span_binned_chilled_water, AIR_SIDE: run_span_binned_air_side}


def span_kernel(plant_type: float):
    """The span kernel of a plant type (``params[PARAM.plant_type]``), called as :func:`components.facility.run_span`."""
    return _SPANS[family_of(plant_type)]


def binned_kernel(plant_type: float):
    """The bin-method span kernel of a plant type, called as :func:`components.bin_method.run_span_binned`
    without its last argument (the family); unlike the span kernels, it takes no block."""
    return _BINNED[family_of(plant_type)]
