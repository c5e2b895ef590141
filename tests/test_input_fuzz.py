"""Fuzz the whole input schema: malformed mutations of every bundled scenario, study and sweep file.

Each example takes one bundled file and breaks it the way a user might: a value of the wrong
type, a number out of range (or ``nan``/``inf``), an unknown key, a missing key, a control
character in a string, an empty list or table, a file saved in another encoding, a stray byte,
a truncated file or a syntax slip. The mutated file goes through the real command line with
``--check`` (validation, weather, plant assembly and every mix, but no simulation), so each
example costs milliseconds. Every one must be either

* refused: exit status 2, exactly one line on stderr, nothing on stdout, no ``--out`` folder; or
* valid (some mutations are: a dropped optional key, a number still in range): exit 0. The first
  valid ones of each mutation are then simulated for real: what ``--check`` passes also runs,
  with a PUE of at least 1.

Any other exception (a traceback) fails the test, and hypothesis shrinks it to a minimal file.
The conftest derandomizes hypothesis, so the examples (and the counts asserted) are the same on
every run.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import shutil
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS
from twin.calibration.scenario_file import dumps_toml
from twin.cli import main
from twin.inputs.schema import validate_scenario

#: "every_key.toml" is the legacy room with every key of the schema written out at its value
#: (defaults included), so the mutations reach every section: power chain, storage, events,
#: policy, roadmap, liquid cooling, IEC, thermal storage, control...
SCENARIO_FILES = ("guangzhou_legacy.toml", "guangzhou_dx_room.toml", "every_key.toml")
STUDY_FILES = tuple(sorted({p.name for p in SCENARIOS.glob("*study*.toml")} |
                           {p.name for p in SCENARIOS.glob("*measures*.toml")}))
SWEEP_FILES = ("sweep_example.toml",)
COMMAND = {**{f: "compare" for f in STUDY_FILES}, **{f: "sweep" for f in SWEEP_FILES},
           **{f: "run" for f in SCENARIO_FILES}}

#: Values of a wrong type for each TOML type (strict: no coercion of bool, string or float).
WRONG_TYPE = {
    bool: [1, 0, "true", "yes", 1.0, [True], {"on": True}],
    int: [True, "12", 12.5, [1], {"n": 1}, "twelve"],
    float: [True, "0.5", "high", [0.5], {"x": 0.5}, ""],
    str: [7, 0.5, True, ["guangzhou"], {"name": "x"}],
    list: [0.5, "a, b", True, {"0": 1}],
    dict: [1, "table", [1, 2], True],
}
#: Numbers outside any sensible range, and the non-finite ones TOML allows.
EXTREME_FLOAT = [-1e9, 1e12, float("nan"), float("inf"), float("-inf"), -0.5, 0.0]
EXTREME_INT = [-1, 0, 10**12, -(10**12), 2**63]
CONTROL = ["\x00", "\x1b[31m", "\x07", "\x7f", "\x08", "\n"]
ENCODINGS = ["gbk", "utf-16", "latin-1", "cp1252", "utf-32", "shift_jis"]
STRAY_BYTES = [b"\xff", b"\xfe", b"\xc3", b"\x80", b"\x00", b"\xed\xa0\x80"]
SLIPS = ["[", "]", "=", '"', "'", "\n[", "==", "{", ",", "\\"]


def _leaves(node, path=()):
    """Every (path, value) of a parsed TOML document, tables and lists included."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, path + (i,))


def _set(data, path, value=None, delete=False):
    node = data
    for p in path[:-1]:
        node = node[p]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value


def _type_of(value):
    return next(t for t in (bool, int, float, str, list, dict) if isinstance(value, t))


def _dumps(data: dict) -> bytes:
    return dumps_toml(data).encode("utf-8")


BUNDLED = {name: (SCENARIOS / name).read_text(encoding="utf-8") for name in COMMAND if name != "every_key.toml"}
BUNDLED["every_key.toml"] = dumps_toml(validate_scenario(tomllib.loads(BUNDLED["guangzhou_legacy.toml"])).model_dump())
PARSED = {name: tomllib.loads(text) for name, text in BUNDLED.items()}


OPS = ("wrong_type", "extreme", "unknown_key", "drop_key", "control_char", "empty",
       "encoding", "stray_byte", "truncate", "slip")


def _targets(op: str, data: dict) -> list:
    """The (path, value) pairs of ``data`` that mutation ``op`` may change."""
    leaves = [(p, v) for p, v in _leaves(data) if p]
    return {
        "wrong_type": leaves,
        "extreme": [(p, v) for p, v in leaves if isinstance(v, (int, float)) and not isinstance(v, bool)],
        "unknown_key": [(p, v) for p, v in _leaves(data) if isinstance(v, dict)],
        "drop_key": [(p, v) for p, v in leaves if isinstance(p[-1], str)],
        "control_char": [(p, v) for p, v in leaves if isinstance(v, str)],
        "empty": [(p, v) for p, v in leaves if isinstance(v, (list, dict)) and v],
    }.get(op, leaves)


def _typo(draw, key: str) -> str:
    """A key as a user might mistype it: a letter dropped, doubled, swapped or capitalised, or a
    British/American spelling."""
    kind = draw(st.sampled_from(["drop", "double", "swap", "upper", "spelling", "space"]))
    if kind == "spelling" and ("isation" in key or "ization" in key):
        return key.replace("isation", "ization") if "isation" in key else key.replace("ization", "isation")
    i = draw(st.integers(0, max(len(key) - 2, 0)))
    if kind == "drop" or len(key) < 2:
        return key[:i] + key[i + 1:] or "x"
    if kind == "double":
        return key[:i] + key[i] + key[i:]
    if kind == "swap":
        return key[:i] + key[i + 1] + key[i] + key[i + 2:]
    if kind == "space":
        return key.replace("_", " ", 1) if "_" in key else key + " "
    return key[:i] + key[i].upper() + key[i + 1:]


@st.composite
def mutations(draw, files, op):
    """(file name, bytes of the file after the mutation ``op``)."""
    name = draw(st.sampled_from([f for f in files if _targets(op, PARSED[f])]))
    data = copy.deepcopy(PARSED[name])
    targets = _targets(op, data)
    if op == "wrong_type":
        path, value = draw(st.sampled_from(targets))
        _set(data, path, draw(st.sampled_from(WRONG_TYPE[_type_of(value)])))
    elif op == "extreme":
        path, value = draw(st.sampled_from(targets))
        _set(data, path, draw(st.sampled_from(EXTREME_INT if isinstance(value, int) else EXTREME_FLOAT)))
    elif op == "unknown_key":  # a mistyped key beside its neighbours (or a new key in an empty table)
        path, table = draw(st.sampled_from(targets))
        keys = [k for k in table if isinstance(k, str)] or ["bogus_key"]
        key = _typo(draw, draw(st.sampled_from(keys)))
        if key not in table:
            table[key] = draw(st.sampled_from([1, 0.5, "x", True]))
    elif op == "drop_key":
        path, _ = draw(st.sampled_from(targets))
        _set(data, path, delete=True)
    elif op == "control_char":
        path, value = draw(st.sampled_from(targets))
        at = draw(st.integers(0, len(value)))
        _set(data, path, value[:at] + draw(st.sampled_from(CONTROL)) + value[at:])
    elif op == "empty":  # an emptied list or table, or one swapped for the other
        path, value = draw(st.sampled_from(targets))
        _set(data, path, draw(st.sampled_from([[], {}])))
    if op in ("wrong_type", "extreme", "unknown_key", "drop_key", "control_char", "empty"):
        return name, _dumps(data)
    text = BUNDLED[name]
    if op == "encoding":
        # a place name and an accent in a comment at the end of some line, saved by a Chinese or
        # European editor in its own encoding
        lines = text.splitlines()
        k = draw(st.integers(0, len(lines) - 1))
        lines[k] += " # 广州机房 café"
        return name, "\n".join(lines).encode(draw(st.sampled_from(ENCODINGS)), errors="ignore")
    raw = text.encode("utf-8")
    at = draw(st.integers(0, len(raw)))
    if op == "stray_byte":
        return name, raw[:at] + draw(st.sampled_from(STRAY_BYTES)) + raw[at:]
    if op == "truncate":
        return name, raw[:at]
    return name, raw[:at] + draw(st.sampled_from(SLIPS)).encode() + raw[at:]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A copy of the bundled scenarios (relative baselines resolve), where mutated files are written."""
    d = tmp_path_factory.mktemp("fuzz")
    for p in SCENARIOS.glob("*.toml"):
        shutil.copy(p, d / p.name)
    return d


def _check(workdir: Path, op: str, name: str, payload: bytes, counter: Counter, valid: list) -> None:
    """Run ``dctwin <command> FILE --check --out OUT`` in process; assert refused-or-valid."""
    k = sum(counter.values())
    path = workdir / f"mutant_{op}_{k}_{name}"
    path.write_bytes(payload)
    out = workdir / f"out_{op}_{k}"
    cmd = COMMAND[name]
    argv = [cmd, str(path), "--check", "--out", str(out)] + (["--workers", "0"] if cmd == "sweep" else [])
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(argv)
    err = stderr.getvalue()
    assert not out.exists(), "--check wrote output"
    if code == 0:
        assert err == "" and "valid" in stdout.getvalue()
        counter["valid"] += 1
        valid.append((name, path))
        return
    assert code == 2, (code, err)
    assert stdout.getvalue() == "", stdout.getvalue()
    assert err.startswith("dctwin: error: ") and err.count("\n") == 1 and err.endswith("\n"), repr(err)
    assert err[:-1].isprintable(), repr(err)
    assert "constrained-" not in err and "function-" not in err and "union[" not in err, err
    counter["refused"] += 1
    path.unlink()


#: Outcomes of every fuzz test of this module, to count the malformed inputs refused in all.
OUTCOMES: dict[tuple[str, str], Counter] = {}


def _fuzz(workdir, files, op, n) -> tuple[Counter, list]:
    counter: Counter = Counter()
    valid: list = []

    @settings(max_examples=n, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutation=mutations(files, op))
    def one(mutation):
        name, payload = mutation
        _check(workdir, op, name, payload, counter, valid)

    one()
    return counter, valid


#: Examples per mutation: scenario files, and study and sweep files (dearer: every mix is checked).
N_SCENARIO, N_STUDY = 100, 40


#: Valid mutants of each mutation simulated for real (an annual hourly run is ~0.15 s).
N_SIMULATED = 4


@pytest.mark.parametrize("op", OPS)
def test_fuzz_scenarios(workdir, op):
    """Scenario files: every mutant refused or valid; the first valid ones simulate, with a PUE >= 1."""
    counter, valid = _fuzz(workdir, SCENARIO_FILES, op, N_SCENARIO)
    OUTCOMES[("scenario", op)] = counter
    assert counter["refused"] >= 1, counter
    for k, (_, mutant) in enumerate(valid[:N_SIMULATED]):
        out = workdir / f"ran_{mutant.stem}"
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            assert main(["run", str(mutant), "--json"] + (["--out", str(out)] if k == 0 else [])) == 0
        pue = json.loads(stdout.getvalue())["pue"]["value"]
        assert pue is not None and 1.0 <= pue < 10.0, (mutant.read_text(errors="replace"), pue)
        if k == 0:
            assert (out / "results.nc").exists() and (out / "summary.json").exists()


@pytest.mark.parametrize("op", OPS)
def test_fuzz_studies_and_sweeps(workdir, op):
    """Study and sweep files: every mutant refused or valid."""
    counter, valid = _fuzz(workdir, STUDY_FILES + SWEEP_FILES, op, N_STUDY)
    OUTCOMES[("study", op)] = counter
    assert counter["refused"] >= 1, counter
    sweeps = [p for n, p in valid if n in SWEEP_FILES]
    if op == "drop_key" and sweeps:  # a valid sweep mutant runs for real in this process (two cases)
        out = workdir / "ran_sweep"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert main(["sweep", str(sweeps[0]), "--workers", "0", "--max-batches", "1",
                         "--batch-size", "2", "--out", str(out)]) == 0
        assert (out / "results.zarr").exists()


def test_fuzz_total():
    """Over the whole module, at least 1,000 malformed inputs were generated and refused."""
    if len(OUTCOMES) < 2 * len(OPS):
        pytest.skip("counts the outcomes of the whole module; run all of it")
    refused = sum(c["refused"] for c in OUTCOMES.values())
    valid = sum(c["valid"] for c in OUTCOMES.values())
    print(f"fuzz: {refused} malformed inputs refused, {valid} valid mutants accepted; "
          + ", ".join(f"{k[0]} {k[1]} {dict(c)}" for k, c in OUTCOMES.items()))
    assert refused >= 1000, (refused, valid)
