"""Sweep workers keep freed memory for the next case (twin/study/worker_memory.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Page faults per allocation of a case's channels (73 x 8,760 float64, filled, then freed); run in a
#: process started as Dask's nanny starts a worker (MALLOC_TRIM_THRESHOLD_=65536).
CYCLE = """
import resource, sys
import numpy as np
if sys.argv[1] == "keep":
    from twin.study.worker_memory import keep_freed_memory
    assert keep_freed_memory()
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
a = np.empty((73, 8760)); a[:] = 1.0; del a
f0 = faults()
for _ in range(20):
    a = np.empty((73, 8760)); a[:] = 1.0; del a
print((faults() - f0) / 20)
"""


def _faults_per_case(mode: str) -> float:
    env = dict(os.environ, MALLOC_TRIM_THRESHOLD_="65536")
    out = subprocess.run([sys.executable, "-c", CYCLE, mode], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return float(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_kept_memory_spares_the_page_faults_of_every_case():
    # 5.1 MB a case is 1,250 pages of 4 kB, mapped and faulted in again under Dask's setting (700-1,300
    # faults seen, the kernel faulting some pages in together)
    assert _faults_per_case("dask") > 300
    assert _faults_per_case("keep") < 10
