"""Numba's inlining with cheap scope copies (components/_inline_copy.py): same IR, same machine code."""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from numba.core import inline_closurecall, ir

from components import _inline_copy

ROOT = Path(__file__).resolve().parents[1]

#: compiles a kernel inlining a chain of two functions (branches, loops, a variable redefined) and
#: prints its result, the hash of its machine code and how many scopes the cheap copy copied;
#: ``numba`` as argument compiles with Numba's own inlining
_KERNEL = r"""
import hashlib, json, sys
import numpy as np
import components._jit  # installs the cheap copies
from components import _inline_copy
from numba.core import inline_closurecall
from numba import njit

copies = [0]
cheap = _inline_copy.scope_copy
def counted(scope, memo):
    copies[0] += 1
    return cheap(scope, memo)
_inline_copy.scope_copy = counted
if sys.argv[1] == "numba":
    inline_closurecall.InlineWorker.inline_ir = inline_closurecall.InlineWorker.inline_ir.__wrapped__

@njit(inline="always")
def leaf(x, k):
    y = 0.0
    for j in range(k):
        if x > j:
            y += x * j
        else:
            y -= j
    y = y * 0.5
    return y

@njit(inline="always")
def middle(a, k):
    s = 0.0
    for i in range(a.size):
        s += leaf(a[i], k) - leaf(-a[i], k + 1)
    return s

@njit(cache=False)
def kernel(a):
    return middle(a, 3) + middle(a, 4)

value = kernel(np.linspace(-2.0, 5.0, 11))
asm = kernel.inspect_asm(kernel.signatures[0])
print(json.dumps({"value": value, "asm": hashlib.sha256(asm.encode()).hexdigest(), "copies": copies[0]}))
"""


def _compile(mode: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NUMBA_DISABLE_JIT="0")
    out = subprocess.run([sys.executable, "-c", _KERNEL, mode], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.splitlines()[-1])


def test_installed_on_this_numba():
    assert _inline_copy.install()  # the package's import installed it; again is a no-op
    assert hasattr(inline_closurecall.InlineWorker.inline_ir, "__wrapped__")
    assert "__deepcopy__" not in vars(ir.Scope)  # only while a function is being inlined


def test_copy_is_equal_and_independent():
    loc = ir.Loc("f", 1)
    scope = ir.Scope(None, loc)
    x = scope.define("x", loc)
    scope.redefine("x", loc)
    block = ir.Block(scope, loc)
    block.append(ir.Assign(ir.Const(1.0, loc), x, loc))
    before = (dict(scope.localvars._con), dict(scope.redefined), {k: set(v) for k, v in scope.var_redefinitions.items()})
    ir.Scope.__deepcopy__ = _inline_copy.scope_copy
    try:
        new = copy.deepcopy(block)
    finally:
        del ir.Scope.__deepcopy__
    assert new.scope is not scope and new.scope == scope
    assert new.body[0].target.scope is new.scope and new.body[0].target is not x  # statements deep-copied
    new.scope.redefine("x", loc)
    new.scope.define("y", loc)
    assert (scope.localvars._con, dict(scope.redefined), dict(scope.var_redefinitions)) == before
    assert "x.2" in new.scope.localvars and "y" in new.scope.localvars


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="compiles")
def test_same_machine_code_as_numba_inlining():
    cheap, numba = _compile("cheap"), _compile("numba")
    assert cheap["copies"] > 0 and numba["copies"] == 0  # each way was taken
    assert cheap["value"] == numba["value"]
    assert cheap["asm"] == numba["asm"]
