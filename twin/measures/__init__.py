"""Measures: named, parameterised retrofit changes applied to a baseline scenario.

A scenario lists the measures it applies (``[[measures]] name = "containment"``); each measure
is a pydantic model whose ``apply`` returns a changed copy of the scenario (a Scenario in, a
Scenario out), so measures sit between the inputs and the engine.

- :mod:`twin.measures.registry`: the :class:`Measure` base class, :data:`MEASURES`, and
  :func:`apply_measures` (validation, exclusive slots, application in order);
- :mod:`twin.measures.cooling`: measure 10 of the Guangdong plan (cooling);
- :mod:`twin.measures.power`: measures 11 (power chain) and 12 (storage, backup, PV).

May import: :mod:`twin.errors`, :mod:`twin.inputs` (and :mod:`components`).  Importing this
package registers every measure (cooling first, then power: the order of :data:`MEASURES`).
"""

from twin.measures import cooling, power  # noqa: F401  (registers the measures)
from twin.measures.registry import (MEASURES, Measure, apply_measures, build_measure, check_exclusive,
                                    list_measures, measure_parameters, register)

__all__ = ["MEASURES", "Measure", "apply_measures", "build_measure", "check_exclusive", "list_measures",
           "measure_parameters", "register"]
