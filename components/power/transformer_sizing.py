"""Sizing of the 10/0.4 kV transformers of a site from its design load.

Rule, after GB 51348-2019 (民用建筑电气设计标准) section 4.3.2: "the long-term loading of a
distribution transformer should not exceed 85 %; with first- and second-class loads install two
or more, so that when one is out the others carry those loads" (S: the clause as quoted on
jiaheu.com/topic/875923.html; data-centre IT and cooling are first-class loads):

* the *duty* units, those left when the redundant ones are out, carry the design apparent
  load ``S_d`` at no more than the long-term loading limit ``beta`` (0.85)::

      n_duty * S_n * beta >= S_d

* redundancy adds units: ``N`` none, ``N+1`` one, ``2N`` a second side of ``n_duty`` units;
  every unit is energised and they share the load equally;
* the rating is the smallest step of the series with ``n_duty`` units; when no count is given,
  ``n_duty`` is the fewest units the largest step allows (one per side up to
  ``beta x`` the largest rating).

All apparent powers in VA.  Pure functions, no I/O.
"""

from __future__ import annotations

import math

import numpy as np

TOPOLOGIES = ("n", "n+1", "2n")


def spare_units(n_duty: int, topology: str) -> int:
    """Units beyond the duty units for a redundancy ``topology`` (``n``, ``n+1``, ``2n``). [-]"""
    return {"n": 0, "n+1": 1, "2n": n_duty}[topology]


def duty_units(n_energised: int, topology: str) -> int:
    """Duty units of ``n_energised`` installed units; 0 if the count does not fit the topology.

    ``2n`` needs an even count (two equal sides), ``n+1`` at least two units.
    """
    if topology == "2n":
        return n_energised // 2 if n_energised % 2 == 0 else 0
    if topology == "n+1":
        return n_energised - 1 if n_energised >= 2 else 0
    return n_energised


def smallest_rating(s_design_va: float, n_duty: int, ratings_va: np.ndarray, max_loading: float) -> float:
    """Smallest rating step with ``n_duty * S_n * max_loading >= s_design_va``; NaN if none. [VA]"""
    ok = np.flatnonzero(n_duty * np.asarray(ratings_va) * max_loading >= s_design_va)
    return float(ratings_va[ok[0]]) if ok.size else math.nan


def size_transformers(s_design_va: float, ratings_va: np.ndarray, topology: str, max_loading: float,
                      n_energised: int | None = None, rating_va: float | None = None) -> tuple[int, float]:
    """Energised units and rating of one unit for a design apparent load.

    Parameters
    ----------
    s_design_va : float
        Design apparent load at the LV bus, ``P_design / pf``. [VA]
    ratings_va : ndarray
        Rating steps of the series, ascending. [VA]
    topology : str
        ``"n"``, ``"n+1"`` or ``"2n"``.
    max_loading : float
        Long-term loading limit of the duty units, ``beta`` (GB 51348-2019: 0.85). [-]
    n_energised : int, optional
        Installed (energised) units if given; the rating is then sized for its duty units.
    rating_va : float, optional
        Rating of one unit if given; the count is then sized. [VA]

    Returns
    -------
    (int, float)
        Energised units and rating [VA]; the rating is NaN when no step of the series is large
        enough for the given count, and the count is 0 when it does not fit the topology.
    """
    if n_energised is not None:
        n_duty = duty_units(n_energised, topology)
        if n_duty == 0:
            return 0, math.nan
        if rating_va is None:
            rating_va = smallest_rating(s_design_va, n_duty, ratings_va, max_loading)
        return n_energised, rating_va
    largest = float(rating_va if rating_va is not None else ratings_va[-1])
    n_duty = max(1, math.ceil(s_design_va / (largest * max_loading)))
    if rating_va is None:
        rating_va = smallest_rating(s_design_va, n_duty, ratings_va, max_loading)
    return n_duty + spare_units(n_duty, topology), rating_va
