"""The span kernels' step-major block (components/step_block.py, components.facility.run_blocked).

The steps write into a block that is reused block after block and copied into ``out``; so every
step must write every channel, or a channel would carry a number from a step 256 steps earlier.
And the blocks must not change a number: a year through blocks of any width is the year through
blocks of :data:`~components.step_block.STEP_BLOCK` steps, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from components.facility import run_span
from components.layout import OUTPUT
from components.step_block import STEP_BLOCK, step_blocks

#: a number no step computes
SENTINEL = 7.25e300

MIXES = {
    "water-cooled room": [],
    "DX room": None,  # the bundled DX room (scenarios/guangzhou_dx_room.toml)
    "IEC + liquid (dry coolers)": [{"name": "indirect_evaporative_cooling"}, {"name": "liquid_cooling"}],
    "chilled-water package (thermal storage, economizer, tower liquid loop)": [
        {"name": "containment"}, {"name": "variable_speed_drives", "compressor": "inverter"},
        {"name": "waterside_economizer"}, {"name": "liquid_cooling", "water_class": "W27", "rejection": "tower"},
        {"name": "thermal_storage"}],
}


@pytest.fixture(scope="module", params=list(MIXES))
def plant(request, legacy_dict):
    from pathlib import Path

    from twin.engine.simulate import prepare
    from twin.inputs.schema import load_scenario, validate_scenario

    measures = MIXES[request.param]
    if measures is None:
        path = Path(__file__).resolve().parents[1] / "scenarios" / "guangzhou_dx_room.toml"
        return prepare(load_scenario(path), file=str(path), base_dir=path.parent)
    data = dict(legacy_dict, measures=measures)
    return prepare(validate_scenario(data))


def test_every_step_writes_every_channel(plant):
    """Each step into a block whose channels were just filled with a sentinel: none is left in ``out``
    (the deferred rows below the channels hold only what steps wrote, as between blocks)."""
    n = 600
    out = np.empty((len(OUTPUT), n))
    state = plant.initial_state.copy()
    block, steps_in = step_blocks(len(OUTPUT), plant.boundary.shape[0])
    for i in range(n):
        block[:len(OUTPUT)] = SENTINEL
        run_span(i, i + 1, plant.boundary, plant.params.copy(), plant.curves, out, state, block, steps_in)
    left = [OUTPUT(k).name for k in range(len(OUTPUT)) if np.any(out[k] == SENTINEL)]
    assert not left


@pytest.mark.parametrize("width", [2, 7, STEP_BLOCK + 1])  # (73, 1) would be C-contiguous too: another compile
def test_block_width_changes_no_number(plant, width):
    """A year through blocks of ``width`` steps equals the year through blocks of STEP_BLOCK steps, every channel bit for bit; and neither leaves a block's numbers in ``out``
    beyond the year (the last block is short).  The blocks of ``width`` have no deferred rows
    (:data:`components.layout.DEFERRED`), so their steps compute the towers' water at once: the same
    numbers as computed after each block."""
    n = plant.n_steps
    reference = np.empty((len(OUTPUT), n))
    run_span(0, n, plant.boundary, plant.params.copy(), plant.curves, reference, plant.initial_state.copy(),
             *step_blocks(len(OUTPUT), plant.boundary.shape[0]))
    out = np.full((len(OUTPUT), n), SENTINEL)
    block = np.full((width, len(OUTPUT)), SENTINEL).T  # Fortran order, as step_blocks's
    steps_in = np.full((plant.boundary.shape[0], width), SENTINEL)
    run_span(0, n, plant.boundary, plant.params.copy(), plant.curves, out, plant.initial_state.copy(), block,
             steps_in)
    assert np.array_equal(out, reference, equal_nan=True)
    assert n % STEP_BLOCK != 0  # the reference's last block is short too
