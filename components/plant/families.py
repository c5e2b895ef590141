"""Plant families: which plants' code one compiled facility step contains.

Numba compiles a function together with every function it may call.  A step that chose its
plant by ``p[PARAM.plant_type]`` at run time would therefore compile every plant, DX and IEC
included, for a chilled-water run (2026-12-05: a first ``dctwin run`` of the default room
compiled 142 specialisations of 135 functions in 19-20 s of CPU; with its family alone, 107 of
106 in 13-14 s).  :func:`components.facility._step` instead takes a *family*, a compile-time
constant (a Numba literal integer), and calls :func:`family_plant`, whose compiled form holds
the plants of that family only:

- :data:`CHILLED_WATER`: water- and air-cooled chiller plants and purchased (district) cooling
  (:mod:`components.plant.chilled_water`);
- :data:`AIR_SIDE`: DX units and IEC air handlers with DX trim (:mod:`components.plant.air_side`;
  the IEC's trim calls the DX kernels, so the two compile together);
- :data:`ANY_PLANT`: every plant, chosen at run time (:func:`components.facility.run_span` and
  :func:`components.supervisory.evaluate`, for callers that do not know the plant's family).

The plant of a step is still ``p[PARAM.plant_type]``; the family only leaves the others' code
out, so a step computes the same numbers in every family that holds its plant.  Python picks
the compiled span of a family with :func:`components.spans.span_kernel`.  Without Numba
(``NUMBA_DISABLE_JIT=1``) :func:`family_plant` runs as written.
"""

from numba.core import types
from numba.extending import overload

from components._jit import OVERLOAD_OPTIONS
from components.layout import BOUNDARY, PARAM, PLANT_AIR_COOLED, PLANT_DISTRICT, PLANT_DX, PLANT_IEC, PLANT_WATER_COOLED
from components.plant.air_side import dx_plant, iec_plant
from components.plant.chilled_water import chilled_water_plant, district_plant

CHILLED_WATER = 0
AIR_SIDE = 1
ANY_PLANT = 2
#: the family of each plant type (``PARAM.plant_type``)
FAMILY_OF_PLANT = {PLANT_WATER_COOLED: CHILLED_WATER, PLANT_AIR_COOLED: CHILLED_WATER, PLANT_DISTRICT: CHILLED_WATER,
                   PLANT_DX: AIR_SIDE, PLANT_IEC: AIR_SIDE}


def family_of(plant_type: float) -> int:
    """The family (:data:`CHILLED_WATER` or :data:`AIR_SIDE`) of a ``PARAM.plant_type`` value."""
    return FAMILY_OF_PLANT[int(plant_type)]


def _chilled_water_family(family, p, curves, q_plant, b, tes_energy, t_coil_in, m_crah, p_fans, o, i, terms):
    if p[PARAM.plant_type] == PLANT_DISTRICT:
        return district_plant(p, q_plant, o, i), terms
    return chilled_water_plant(p, curves, q_plant, b, tes_energy, o, i, terms)


def _air_side_family(family, p, curves, q_plant, b, tes_energy, t_coil_in, m_crah, p_fans, o, i, terms):
    if p[PARAM.plant_type] == PLANT_DX:
        return dx_plant(p, curves, q_plant, b[BOUNDARY.temp_air, i], t_coil_in, m_crah, b[BOUNDARY.pressure, i], o,
                        i), terms
    return iec_plant(p, curves, q_plant, m_crah, t_coil_in, p_fans, b, o, i), terms


def _any_plant(family, p, curves, q_plant, b, tes_energy, t_coil_in, m_crah, p_fans, o, i, terms):
    plant = p[PARAM.plant_type]
    if plant == PLANT_DX or plant == PLANT_IEC:
        return family_plant(AIR_SIDE, p, curves, q_plant, b, tes_energy, t_coil_in, m_crah, p_fans, o, i, terms)
    return family_plant(CHILLED_WATER, p, curves, q_plant, b, tes_energy, t_coil_in, m_crah, p_fans, o, i, terms)


_FAMILY_CODE = {CHILLED_WATER: _chilled_water_family, AIR_SIDE: _air_side_family, ANY_PLANT: _any_plant}


def family_plant(family, p, curves, q_plant, b, tes_energy, t_coil_in, m_crah, p_fans, o, i, terms):
    """The plant of the step meeting ``q_plant`` [W]; writes its channels of ``o[:, i]``.

    ``family``: :data:`CHILLED_WATER`, :data:`AIR_SIDE` or :data:`ANY_PLANT`, which plants the
    compiled step holds (it must hold ``p[PARAM.plant_type]``).  ``tes_energy``: stored cold at
    the start of the step [J]; ``t_coil_in``: air entering the coils [degC]; ``m_crah``: CRAH
    air flow [kg/s]; ``p_fans``: CRAH fan power [W], whose heat is in ``t_coil_in`` (the IEC sits
    ahead of the fans); ``terms``: the cooling towers' set-point terms of an earlier step with the same
    ``p`` (:func:`components.cooling.cooling_tower.setpoint_terms`, or ``NO_TERMS``).  Returns the
    unmet load [W] and the set-point terms of this step (``terms`` if it has no towers).
    """
    return _FAMILY_CODE[family](family, p, curves, q_plant, b, tes_energy, t_coil_in, m_crah, p_fans, o, i, terms)


@overload(family_plant, prefer_literal=True, jit_options=OVERLOAD_OPTIONS)
def _family_plant_compiled(family, p, curves, q_plant, b, tes_energy, t_coil_in, m_crah, p_fans, o, i, terms):
    """Numba's form of :func:`family_plant`: the code of a literal family; any plant otherwise."""
    if isinstance(family, types.IntegerLiteral):
        return _FAMILY_CODE[family.literal_value]
    return _any_plant
