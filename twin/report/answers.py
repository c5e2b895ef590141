"""The answers a comparison gives first: for each PUE limit the cheapest feasible mix that meets it,
the lowest-PUE and lowest-energy feasible mixes, the infeasible mixes with their reasons, and the
Pareto front of PUE against capital cost.

"Cheapest" is the lowest capital cost (CAPEX, ``economics.capex_cny``) against the baseline; ties
go to the lower annual electricity cost.  The baseline buys nothing, so its CAPEX is 0 CNY: when
it already meets a limit it is the answer.  A mix that cannot be priced (a measure without a
cost row in ``twin/data/costs.toml``) is not a candidate and is counted in ``unpriced``.  An
infeasible mix (docs/feasibility.md) never answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from twin.metrics.feasibility import is_infeasible
from twin.study.columns import COLUMN_BY_KEY, column_value


@dataclass(frozen=True)
class LimitAnswer:
    """The cheapest feasible mix with ``PUE <= limit``, or None when no priced feasible mix meets it."""

    limit: float
    best: object | None          # twin.study.compare.MixOutcome
    compliant: int               # feasible mixes meeting the limit (priced or not)
    unpriced: int                # of those, mixes without a CAPEX


def capex_cny(outcome, baseline) -> float | None:
    """Capital cost of a mix against the baseline [CNY]: 0 for the baseline, None when not priced."""
    if outcome is baseline:
        return 0.0
    return column_value(COLUMN_BY_KEY["capex"], outcome.summary)


def _annual_cost(outcome) -> float:
    v = column_value(COLUMN_BY_KEY["cost"], outcome.summary)
    return float("inf") if v is None else v


def _everyone(comp) -> list:
    """Every mix of the comparison, the baseline included (it is simulated even when not listed)."""
    return comp.ranked() if comp.baseline in comp.outcomes else [comp.baseline] + comp.ranked()


def feasible(comp) -> list:
    """Feasible mixes of a comparison, the baseline included, in ranked order."""
    return [o for o in _everyone(comp) if not is_infeasible(o.summary)]


def cheapest_compliant(comp, limit: float) -> LimitAnswer:
    """The lowest-CAPEX feasible mix whose annual PUE is at most ``limit`` (see the module docstring)."""
    meets = [o for o in feasible(comp) if o.pue <= limit]
    priced = [o for o in meets if capex_cny(o, comp.baseline) is not None]
    best = min(priced, key=lambda o: (capex_cny(o, comp.baseline), _annual_cost(o), o.mix.name), default=None)
    return LimitAnswer(limit=limit, best=best, compliant=len(meets), unpriced=len(meets) - len(priced))


def lowest(comp, key: str):
    """The feasible mix with the lowest value of column ``key`` ("pue" or "energy"), or None."""
    candidates = feasible(comp)
    scored = [(v, o.mix.name, i) for i, o in enumerate(candidates)
              if (v := column_value(COLUMN_BY_KEY[key], o.summary)) is not None]
    return candidates[min(scored)[2]] if scored else None


def infeasible(comp) -> list[tuple[object, list[str]]]:
    """Every infeasible mix with its reasons (one sentence each), in ranked order."""
    return [(o, list(o.summary["feasibility"]["reasons"])) for o in _everyone(comp) if is_infeasible(o.summary)]


def capex_points(comp) -> list[tuple[float, float, object]]:
    """``(CAPEX [CNY], PUE, outcome)`` of every priced feasible mix, the baseline at 0 CNY."""
    return [(c, o.pue, o) for o in feasible(comp) if (c := capex_cny(o, comp.baseline)) is not None]
