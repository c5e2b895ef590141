"""Numba inlines a function by copying its IR block by block; this makes each block's copy of the scope cheap.

To inline a call (``inline="always"``, :func:`components._jit.jit_inlined`), Numba's
``InlineWorker.inline_ir`` copies the inlined function's IR twice, one ``copy.deepcopy`` per
block.  Every block refers to the function's single ``ir.Scope``, which holds every variable of
the function, so each block's deep copy copies all of the function's variables again: the work
grows with blocks x variables.  Inlining the blocked span loop into a span kernel (73 blocks) and
the step into that loop (48 blocks) took 0.8 s, and the chilled-water plant's inlined towers 0.8 s
more: 1.6-1.7 s of a first run's 22 s on one core (2026-12-07, numba 0.68.1).

While ``inline_ir`` runs, :func:`scope_copy` copies a scope's containers (its variable map, its
renaming counters and sets) but shares the variables themselves (``ir.Var``) with the scope it
copies.  ``inline_ir`` only reads those variables' names and locations and adds new variables to
the copy, which leaves the original's containers as they were; the blocks' statements, and the
variables in them, are still deep-copied as before.  The inlining took 0.35 s instead of 1.64 s
and the chilled-water span kernel's machine code was the same byte for byte
(``tests/test_inline_copy.py`` checks a small inlined kernel the same way, and that a copy leaves
its original unchanged).

It is installed only where a new ``ir.Scope`` has exactly the attributes this copy knows and
``InlineWorker`` has ``inline_ir``; on any other Numba, inlining copies as Numba does.
"""

import collections
import copy
import functools

from numba.core import inline_closurecall, ir

#: the attributes of an ``ir.Scope`` that :func:`scope_copy` copies
SCOPE_ATTRIBUTES = frozenset({"parent", "localvars", "loc", "redefined", "var_redefinitions"})


def scope_copy(scope, memo):
    """A copy of ``scope`` (``ir.Scope``) for ``copy.deepcopy``: new containers, the same variables.

    The parent scope is deep-copied through ``memo`` as before; the variable map, the count of
    each name's redefinitions and the set of each name's versions are new containers, so defining
    or redefining a variable in the copy leaves ``scope`` unchanged.
    """
    new = ir.Scope.__new__(ir.Scope)
    memo[id(scope)] = new
    new.parent = copy.deepcopy(scope.parent, memo)
    new.localvars = ir.VarMap()
    new.localvars._con = dict(scope.localvars._con)
    new.loc = scope.loc
    new.redefined = collections.defaultdict(int, scope.redefined)
    new.var_redefinitions = collections.defaultdict(set, {k: set(v) for k, v in scope.var_redefinitions.items()})
    return new


def _cheap_scope_copies(inline_ir):
    """``InlineWorker.inline_ir`` with :func:`scope_copy` as ``ir.Scope``'s deep copy while it runs."""

    @functools.wraps(inline_ir)
    def wrapped(*args, **kwargs):
        outermost = "__deepcopy__" not in vars(ir.Scope)  # inlining can compile, and inline, within
        ir.Scope.__deepcopy__ = scope_copy
        try:
            return inline_ir(*args, **kwargs)
        finally:
            if outermost:
                del ir.Scope.__deepcopy__

    return wrapped


def install() -> bool:
    """Wrap ``InlineWorker.inline_ir`` (once per process) if this Numba's scope is the one
    :func:`scope_copy` knows; return whether it is wrapped."""
    worker = getattr(inline_closurecall, "InlineWorker", None)
    inline_ir = getattr(worker, "inline_ir", None)
    if inline_ir is None or "__deepcopy__" in vars(ir.Scope):
        return False
    if hasattr(inline_ir, "__wrapped__"):
        return True
    if set(vars(ir.Scope(None, ir.Loc("scope", 0)))) != SCOPE_ATTRIBUTES:
        return False
    worker.inline_ir = _cheap_scope_copies(inline_ir)
    return True
