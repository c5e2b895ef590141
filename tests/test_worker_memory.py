"""Sweep workers keep freed memory for the next case (twin/study/worker_memory.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: In a process started as Dask's nanny starts a worker (MALLOC_TRIM_THRESHOLD_=65536): the bytes glibc
#: maps for a case's channels (73 x 8,760 float64) on their own (mallinfo2's ``hblkhd`` while they
#: live), and the page faults of filling and freeing them again and again.
CYCLE = """
import ctypes, json, resource, sys
import numpy as np
if sys.argv[1] == "keep":
    from twin.study.worker_memory import keep_freed_memory
    assert keep_freed_memory()
class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]
mallinfo2 = ctypes.CDLL(None).mallinfo2
mallinfo2.restype = MallInfo2
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
before = mallinfo2().hblkhd
a = np.empty((73, 8760)); a[:] = 1.0
mapped = mallinfo2().hblkhd - before
del a
f0 = faults()
for _ in range(20):
    a = np.empty((73, 8760)); a[:] = 1.0; del a
print(json.dumps({"mapped": mapped, "faults": (faults() - f0) / 20}))
"""


def _case_memory(mode: str) -> dict:
    env = dict(os.environ, MALLOC_TRIM_THRESHOLD_="65536")
    out = subprocess.run([sys.executable, "-c", CYCLE, mode], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt and mallinfo2")
def test_kept_memory_spares_a_fresh_mapping_for_every_case():
    # under Dask's setting the 5.1 MB are mapped on their own (and unmapped when freed, so the next
    # case faults them in again: 200-1,300 faults a case seen, fewer where the kernel backs them with
    # huge pages); kept, they come from the heap and the next case reuses them without a fault
    dask, kept = _case_memory("dask"), _case_memory("keep")
    assert dask["mapped"] >= 73 * 8760 * 8
    assert kept["mapped"] == 0 and kept["faults"] < 10
