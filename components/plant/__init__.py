"""Cooling plants as kernel pieces of :mod:`components.facility`.

Each function takes the flat arrays of :mod:`components.layout`, writes its channels of one step
and returns the unmet load.  ``chilled_water``: water- and air-cooled chiller plants with towers,
economizer, storage and pumps, and purchased (district) cooling; ``air_side``: DX units with their
pumped-refrigerant economizer and IEC air handlers with DX trim; ``channels``: the writers they
share.  They may import :mod:`components.cooling`, :mod:`components.layout` and
:mod:`components.psychrometrics`, never :mod:`components.facility` or ``twin``.
"""
