# dctwin: two commands set everything up on a fresh machine (Python 3.11, package registries only).
#   make demo   - create .venv, install dctwin (and compile its kernels), run the main job on the bundled default
#   make test   - install the test extras too, run the whole test suite (what .ci/run calls)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# the versions the test suite passed with (constraints.txt); CONSTRAINTS= installs the newest allowed
CONSTRAINTS ?= constraints.txt
PIN    := $(if $(CONSTRAINTS),-c $(CONSTRAINTS))

.PHONY: demo test install install-test compile bench clean-cache

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip

# installing also compiles the kernels of `dctwin run` into Numba's cache for both plant families
# (components/plant/families.py: the default chilled-water room, then the DX room; about 20 s, once),
# so that the first run after `make install` takes about 2 s
install: $(BIN)/python
	$(BIN)/pip install $(PIN) -e .
	$(MAKE) compile

compile:
	$(BIN)/dctwin run --band 0 > /dev/null
	$(BIN)/dctwin run guangzhou_dx_room --band 0 > /dev/null

install-test: $(BIN)/python
	$(BIN)/pip install $(PIN) -e ".[test]"

demo: install
	$(BIN)/dctwin compare --out results/demo

test: install-test
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/annual_run.py

# Numba caches compiled kernels next to their sources. A cache filled from other sources of
# components/ is emptied on import (components/_jit.py); this clears it outright.
clean-cache:
	find components -name '*.nbi' -delete -o -name '*.nbc' -delete
