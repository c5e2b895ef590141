"""Cubic Hermite tables of smooth functions the kernels evaluate at nearly every solver step.

A function whose exact form costs an ``exp``, ``log`` or ``pow`` (about 10 ns each, and 25 ns of
latency in a chain of dependent steps) is read instead from a table of its values and exact
derivatives at equally spaced nodes, joined by cubic Hermite polynomials: a few multiplications and
four loads.  The interpolation error is at most ``h**4 / 384 max|f''''|`` for a node spacing ``h``
(de Boor, *A Practical Guide to Splines*, 2001, ch. IV); each table's module states its spacing and
its measured error, and a test checks it against the exact function.
"""

import numpy as np

from components._jit import jit


def hermite_table(value_and_slope, lo: float, hi: float, per_unit: float) -> np.ndarray:
    """Rows ``(f(a), f'(a) h, f(b), f'(b) h)`` of the intervals ``[a, b]`` of width ``h = 1 / per_unit``
    from ``lo`` to ``hi``, for :func:`hermite`.

    ``value_and_slope(x, b)`` returns ``(f(x), f'(x))`` at an end ``x`` of the interval whose upper
    end is ``b``, so that a function with a kink at a node (the saturation pressure at the triple
    point) is tabulated on each side by the branch that holds there.  Plain Python, run once at
    import. [units of f]
    """
    n = int(round((hi - lo) * per_unit))
    table = np.empty((n, 4))
    for k in range(n):
        upper = lo + (k + 1) / per_unit
        for j, x in enumerate((lo + k / per_unit, upper)):
            value, slope = value_and_slope(x, upper)
            table[k, 2 * j] = value
            table[k, 2 * j + 1] = slope / per_unit
    return table


@jit
def hermite(table, lo, per_unit, x):
    """The cubic Hermite interpolation of :func:`hermite_table`'s ``table`` at ``lo <= x <= hi``.

    An ``x`` on a node between two intervals is read from the lower one (a kink's left branch
    holds its node).  Outside ``[lo, hi]`` the result is meaningless: callers test the range.
    [units of f]
    """
    u = (x - lo) * per_unit
    k = int(u)
    if k == u and k > 0:
        k -= 1
    s = u - k
    r = 1.0 - s
    return (r * r * ((1.0 + 2.0 * s) * table[k, 0] + s * table[k, 1])
            + s * s * ((3.0 - 2.0 * s) * table[k, 2] - r * table[k, 3]))
