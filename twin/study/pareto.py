"""The Pareto front of PUE against cost: the mixes no other mix beats on both (compare report, optimiser)."""

from __future__ import annotations


def pareto_front(points: list[tuple[float, float, object]]) -> list[tuple[float, float, object]]:
    """The points ``(cost, pue, item)`` no other point beats on both: sorted by cost, each with a lower
    PUE than every cheaper one (equal cost: the lower PUE only)."""
    front: list[tuple[float, float, object]] = []
    for cost, pue, item in sorted(points, key=lambda p: (p[0], p[1])):
        if not front or pue < front[-1][1]:
            if front and cost == front[-1][0]:
                continue
            front.append((cost, pue, item))
    return front
