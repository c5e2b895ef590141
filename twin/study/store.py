"""The Zarr store of a sweep: one row per case, written batch by batch, resumable.

Layout (Zarr v3 with consolidated metadata; every array has ``dimension_names`` and the group
attribute ``coordinates`` names the per-case labels, so a plain ``xarray.open_zarr`` opens it
labelled and without warnings)::

    results.zarr/
      zarr.json                     group attrs["dctwin_sweep"]: design, axes, labels, units;
                                    attrs["coordinates"]; the consolidated metadata of every array
      case          (case)          case id 0..n-1
      <axis>        (case)          coordinate: each case's site, mix, utilisation and parameter
                                    (its label, or its number for a numeric axis)
      <axis>_index  (case)          index into each axis (site, mix, utilisation, then parameters)
      status        (case) uint8    0 pending, 1 done, 2 failed (message in attrs["errors"])
      writes        (case) uint8    how many times the case's results were written (1 when healthy)
      metric        (metric)        coordinate: the summary path of each column of ``metrics``
      month         (month)         coordinate: 1..12
      metrics       (case, metric)  every numeric metric of the run summary; attrs["names"] holds
                                    the summary paths ("pue", "energy_facility_kwh",
                                    "policy.cost.total_cny") and attrs["units"] their units (one
                                    chunk write per batch; :func:`open_sweep` splits it into one
                                    variable per metric); a metric first seen later gets its own
                                    (case) array
      text          (text)          coordinate: the summary path of each column of ``texts``
      texts         (case, text) int16  every text metric ("policy.compliance", "feasibility.verdict")
                                    as a code: -1 none, else an index into its column's labels;
                                    attrs["names"] the paths, attrs["labels"] one list per column
                                    (one chunk write per batch; :func:`open_sweep` decodes it into
                                    one variable per metric); a text metric first seen later gets
                                    its own (case) int16 array with attrs["labels"], as every text
                                    metric had in layout 1
      pue_monthly   (case, month)   monthly PUE
      hourly.<channel> (case, time) float32 time series, only when the sweep asks for them

The case dimension is chunked by the batch size, and a batch never spans two chunks, so each
batch result is one chunk write per array.  ``status`` is written last: a sweep killed in the
middle of a write leaves that batch pending, and the rerun computes it again.  The group
attributes hold the design digest; reopening a store with a different design is an error.
The metadata is consolidated again whenever an array or an attribute changes.

One sweep at a time writes to a store: :func:`store_lock` holds an exclusive lock on
``results.zarr.lock`` beside the store; a second sweep on the same store is refused.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import json
import os
import socket
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from twin.errors import InputError
from twin.inputs.bundled import portable_path
from twin.measures import measure_parameters
from twin.study.design import SweepDesign

#: 2: the text metrics in one (case, text) matrix (``texts``); 1 (until 2026-12-07): one (case) array each,
#: 7 of the 11 array writes of a full-summary batch (the client's Zarr writes: 0.4 ms of CPU a case of
#: its 1.1-1.3 ms).  A layout-1 store goes on being written, and is read, as it was.
LAYOUT_VERSION = 2
PENDING, DONE, FAILED = 0, 1, 2
#: At most this many error messages are kept in the store attributes.
MAX_ERRORS = 200


@dataclass
class BatchResult:
    """What a worker returns for one batch of cases (all arrays in ``case_ids`` order)."""

    case_ids: np.ndarray
    status: np.ndarray                                   # DONE or FAILED per case
    values: dict[str, np.ndarray] = field(default_factory=dict)   # numeric metrics (NaN if absent)
    units: dict[str, str] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)     # text metrics ("" if absent)
    monthly: np.ndarray | None = None                    # (n, 12) monthly PUE
    hourly: dict[str, np.ndarray] = field(default_factory=dict)   # channel -> (n, n_steps) float32
    errors: dict[int, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)       # seconds spent per stage
    worker: str = ""


def _json_value(v):
    return None if v is None else (v if isinstance(v, (int, float, str, bool)) else str(v))


class SweepStore:
    """A sweep's Zarr group; only the client process writes to it."""

    def __init__(self, path: str | Path, design: SweepDesign):
        import zarr

        self.path = Path(path)
        self.design = design
        meta_file = self.path / "zarr.json"
        if self.path.exists() and not meta_file.exists():
            if any(self.path.iterdir()):
                raise InputError("exists and is not a dctwin sweep store; choose another --out", file=str(self.path))
        self.group = zarr.open_group(str(self.path), mode="a", use_consolidated=False)
        meta = self.group.attrs.get("dctwin_sweep")
        if meta is None:
            self._create()
        else:
            if meta.get("digest") != design.digest:
                raise InputError(
                    f"holds a different sweep ({meta.get('name')!r}, {meta.get('n_cases')} cases); the design "
                    "changed since it was started. Use another --out, or delete the store to start again",
                    file=str(self.path))
            self.batch_size = int(meta["batch_size"])
        self._meta = dict(self.group.attrs["dctwin_sweep"])
        self.n_steps = int(self._meta["n_steps"])
        self._arrays: dict = {}
        self._status = np.asarray(self._get("status")[:])
        self._writes = np.asarray(self._get("writes")[:])  # kept in memory: a batch writes, never reads

    def consolidate(self) -> None:
        """Write the consolidated metadata (every array's metadata in the group's ``zarr.json``)."""
        import zarr

        with warnings.catch_warnings():  # zarr notes that consolidation is not yet in the v3 spec
            warnings.filterwarnings("ignore", message="Consolidated metadata")
            zarr.consolidate_metadata(str(self.path))

    def _get(self, name: str):
        """An array handle, cached (opening one reads its metadata from disk)."""
        arr = self._arrays.get(name)
        if arr is None:
            arr = self._arrays[name] = self.group[name]
        return arr

    def _matrix(self, name: str, coordinate: str, names: list[str], dtype, fill, attributes: dict) -> None:
        """Create the ``(case, coordinate)`` array ``name`` of one column per summary path in ``names``
        (chunked by batch, attrs["names"] and ``attributes``) and its coordinate array of the paths."""
        self.group.create_array(name, shape=(self.n_cases, len(names)), chunks=(self.batch_size, len(names)),
                                dtype=dtype, fill_value=fill, dimension_names=("case", coordinate), overwrite=True,
                                attributes={"names": names, **attributes})
        paths = self.group.create_array(coordinate, shape=(len(names),), chunks=(len(names),), dtype=str, fill_value="",
                                        dimension_names=(coordinate,), overwrite=True,
                                        attributes={"long_name": f"summary path of each column of {name!r}"})
        paths[:] = np.array(names, dtype=str)

    def _write_texts(self, texts: dict[str, list[str]], order: np.ndarray, ids: np.ndarray, sl: slice) -> bool:
        """Write a batch's text metrics as codes (see the layout above); return whether the metadata changed."""
        packed = int(self._meta.get("layout_version", 1)) >= 2
        new_meta = False
        if texts and packed and not self._has("texts"):
            names = sorted(texts)
            self._matrix("texts", "text", names, np.int16, -1,
                         {"labels": [[] for _ in names],
                          "long_name": "text metrics of the run summary as codes into their labels (-1: none)"})
            new_meta = True
        if packed and self._has("texts"):
            arr = self._get("texts")
            names, labels = arr.attrs["names"], [list(x) for x in arr.attrs["labels"]]
            column = {k: j for j, k in enumerate(names)}
            block = np.full((len(ids), len(names)), -1, dtype=np.int16)
            grew = False
            for name, values in texts.items():
                j = column.get(name)
                if j is not None:
                    block[:, j], added = _codes(np.asarray(values, dtype=object)[order], labels[j])
                    grew |= added
            if grew:
                arr.attrs["labels"] = labels
                new_meta = True
            self._write_rows(arr, ids, sl, block)
            texts = {k: v for k, v in texts.items() if k not in column}  # those first seen after the matrix
        for name, values in texts.items():
            if not self._has(name):
                self._array(name, np.int16, -1, attrs={"summary_path": name, "labels": []})
                new_meta = True
            arr = self._get(name)
            labels = list(arr.attrs.get("labels", []))
            codes, added = _codes(np.asarray(values, dtype=object)[order], labels)
            if added:
                arr.attrs["labels"] = labels
                new_meta = True
            self._write_rows(arr, ids, sl, codes)
        return new_meta

    def _matrix_index(self) -> dict[str, int]:
        if getattr(self, "_index", None) is None:
            self._index = {k: j for j, k in enumerate(self._get("metrics").attrs["names"])}
        return self._index

    def _has(self, name: str) -> bool:
        if name in self._arrays:
            return True
        try:
            self._arrays[name] = self.group[name]
            return True
        except KeyError:
            return False

    @staticmethod
    def exists(path: str | Path) -> bool:
        """Whether ``path`` holds a (possibly partial) sweep store."""
        return (Path(path) / "zarr.json").exists()

    # -- creation ---------------------------------------------------------------------------
    def _create(self) -> None:
        d = self.design
        n = d.n_cases
        self.batch_size = int(min(d.batch_size, max(n, 1)))
        timestep_min = d.baseline_data["scenario"]["timestep_min"]
        n_steps = 8760 * 60 // timestep_min
        axes = [{"name": a.name, "kind": a.kind, "labels": list(a.labels),
                 "values": [_json_value(v) for v in a.values]} for a in d.axes]
        meta = {"layout_version": LAYOUT_VERSION, "digest": d.digest, "name": d.name, "description": d.description,
                "sweep_file": portable_path(d.file) if d.file else None, "n_cases": n, "batch_size": self.batch_size, "shape": list(d.shape),
                "axes": axes, "hourly": list(d.hourly),
                "mixes": [dict(m.to_json(), parameters=[measure_parameters(x) for x in m.measures]) for m in d.mixes],
                "n_steps": n_steps, "timestep_min": timestep_min, "baseline": d.baseline_data,
                "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                "case_order": "C order over the axes (site, mix, utilisation, parameters...)"}
        self._array("case", np.int64, -1, attrs={"long_name": "case id"})
        tables = [axis_table(a.kind, list(a.values), list(a.labels)) for a in d.axes]
        for a, table in zip(d.axes, tables):
            kind = "value" if table.dtype.kind == "f" else "label"
            self._array(a.name, table.dtype if kind == "value" else str, np.nan if kind == "value" else "",
                        attrs={"long_name": f"{a.name} of each case ({kind})"})
        self._array("status", np.uint8, PENDING, attrs={"flag_values": [0, 1, 2], "flag_meanings": "pending done failed"})
        self._array("writes", np.uint8, 0, attrs={"long_name": "times the case's results were written"})
        for a in d.axes:
            self._array(f"{a.name}_index", np.int32, -1, attrs={"long_name": f"index into axis '{a.name}'"})
        step = max(self.batch_size, (1_000_000 // self.batch_size) * self.batch_size)
        for lo in range(0, n, step):   # coordinates, written in slabs so memory stays bounded
            hi = min(n, lo + step)
            ids = np.arange(lo, hi, dtype=np.int64)
            self.group["case"][lo:hi] = ids
            for a, table, idx in zip(d.axes, tables, d.indices(ids)):
                self.group[f"{a.name}_index"][lo:hi] = idx.astype(np.int32)
                self.group[a.name][lo:hi] = table[idx]
        self.group.create_array("pue_monthly", shape=(n, 12), chunks=(self.batch_size, 12), dtype=np.float32,
                                fill_value=np.nan, dimension_names=("case", "month"), overwrite=True,
                                attributes={"units": "1", "long_name": "monthly PUE, January..December"})
        month = self.group.create_array("month", shape=(12,), chunks=(12,), dtype=np.int8, fill_value=0,
                                        dimension_names=("month",), overwrite=True,
                                        attributes={"long_name": "calendar month"})
        month[:] = np.arange(1, 13, dtype=np.int8)
        for c in d.hourly:
            self.group.create_array(f"hourly.{c}", shape=(n, n_steps), chunks=(self.batch_size, n_steps),
                                    dtype=np.float32, fill_value=np.nan, dimension_names=("case", "time"),
                                    overwrite=True)
        meta["errors"] = {}
        self.group.attrs["coordinates"] = " ".join(a.name for a in d.axes)
        self.group.attrs["dctwin_sweep"] = meta  # written last: a store without it is re-created
        self.consolidate()

    def _array(self, name: str, dtype, fill, *, attrs: dict | None = None):
        n = self.design.n_cases
        arr = self.group.create_array(name, shape=(n,), chunks=(self.batch_size,), dtype=dtype, fill_value=fill,
                                      dimension_names=("case",), attributes=attrs or {}, overwrite=True)
        if hasattr(self, "_arrays"):
            self._arrays[name] = arr
        return arr

    # -- progress ---------------------------------------------------------------------------
    @property
    def n_cases(self) -> int:
        return self.design.n_cases

    def n_finished(self) -> int:
        return int(np.count_nonzero(self._status != PENDING))

    def n_pending(self) -> int:
        return self.n_cases - self.n_finished()

    def pending_batches(self) -> Iterator[np.ndarray]:
        """Case ids still pending, one array per chunk (in case order)."""
        b = self.batch_size
        for lo in range(0, self.n_cases, b):
            block = self._status[lo:lo + b]
            if (block == PENDING).any():
                yield lo + np.flatnonzero(block == PENDING).astype(np.int64)

    # -- writing ----------------------------------------------------------------------------
    def _chunk_slice(self, ids: np.ndarray) -> slice:
        """The chunk holding every id of a batch (a batch may be part of a chunk, never two)."""
        lo = (int(ids[0]) // self.batch_size) * self.batch_size
        hi = min(self.n_cases, lo + self.batch_size)
        if int(ids[-1]) >= hi:
            raise ValueError("a batch must not span two chunks")
        return slice(lo, hi)

    @staticmethod
    def _write_rows(arr, ids: np.ndarray, sl: slice, rows: np.ndarray) -> None:
        """Write ``rows`` (one per case of the sorted ``ids``, all in the chunk ``sl``) into ``arr``: the
        chunk at once when the batch fills it, else the chunk read back and completed."""
        if len(ids) == sl.stop - sl.start:
            arr[sl] = np.asarray(rows, dtype=arr.dtype)
        else:
            current = np.asarray(arr[sl])
            current[ids - sl.start] = rows
            arr[sl] = current

    def write(self, res: BatchResult) -> None:
        """Store one batch result; the cases become DONE (or FAILED) only after their data."""
        ids = np.asarray(res.case_ids, dtype=np.int64)
        if ids.size == 0:
            return
        order = np.argsort(ids)
        ids = ids[order]
        sl = self._chunk_slice(ids)
        meta = self._meta
        new_meta = False
        values = {name: np.asarray(v, dtype=np.float64)[order] for name, v in res.values.items()}
        if values and not self._has("metrics"):
            names = sorted(values)
            self._matrix("metrics", "metric", names, np.float64, np.nan,
                         {"units": [res.units.get(k, "") for k in names],
                          "long_name": "numeric metrics of the run summary, by summary path (see names)"})
            meta.setdefault("units", {}).update({k: res.units.get(k, "") for k in names})
            new_meta = True
        if values:
            mat = self._get("metrics")
            index = self._matrix_index()
            block = np.full((len(ids), len(index)), np.nan)
            for name, v in values.items():
                if name in index:
                    block[:, index[name]] = v
            self._write_rows(mat, ids, sl, block)
            for name, v in values.items():  # metrics that appeared after the matrix was made
                if name in index:
                    continue
                if not self._has(name):
                    self._array(name, np.float64, np.nan, attrs={"units": res.units.get(name, ""), "summary_path": name})
                    meta.setdefault("units", {})[name] = res.units.get(name, "")
                    new_meta = True
                self._write_rows(self._get(name), ids, sl, v)
        new_meta |= self._write_texts(res.texts, order, ids, sl)
        if res.monthly is not None:
            self._write_rows(self._get("pue_monthly"), ids, sl, np.asarray(res.monthly)[order])
        for c, series in res.hourly.items():
            self._write_rows(self._get(f"hourly.{c}"), ids, sl, np.asarray(series)[order])
        if res.errors:
            errors = meta.setdefault("errors", {})
            for k, msg in res.errors.items():
                if len(errors) < MAX_ERRORS:
                    errors[str(k)] = msg
            new_meta = True
        if new_meta:
            self.group.attrs["dctwin_sweep"] = meta
            self.consolidate()
        writes = self._writes[sl].copy()
        writes[ids - sl.start] += 1
        self._get("writes")[sl] = writes
        self._writes[sl] = writes
        status = self._status[sl].copy()
        status[ids - sl.start] = np.asarray(res.status, dtype=np.uint8)[order]
        self._get("status")[sl] = status
        self._status[sl] = status


def open_sweep(path: str | Path):
    """A sweep store as an :class:`xarray.Dataset` with labelled coordinates on ``case``.

    Adds ``site``, ``mix``, ``utilisation`` and one coordinate per parameter (labels or values, by
    case) from the ``*_index`` arrays, so ``ds.where(ds.mix == "baseline")`` or
    ``ds.set_index(...)`` work directly.
    """
    import xarray as xr

    path = Path(path)
    if not (path / "zarr.json").exists():
        raise InputError("not a dctwin sweep store (no zarr.json)", file=str(path))
    ds = xr.open_zarr(str(path), consolidated=_is_consolidated(path))
    meta = ds.attrs.get("dctwin_sweep")
    if meta is None:
        raise InputError("not a dctwin sweep store (no dctwin_sweep attributes)", file=str(path))
    coords = {}
    for axis in meta["axes"]:
        idx = ds[f"{axis['name']}_index"].values
        if idx.size and (idx.min() < 0 or idx.max() >= len(axis["labels"])):
            raise InputError(f"sweep store: '{axis['name']}_index' holds values outside 0-{len(axis['labels']) - 1}; "
                             "the store is damaged (delete it and run the sweep again)", file=str(path))
        table = axis_table(axis["kind"], axis["values"], axis["labels"])
        coords[axis["name"]] = ("case", (table if table.dtype.kind == "f" else table.astype(object))[idx])
    ds = ds.assign_coords(coords)
    if "metrics" in ds:
        mat = ds["metrics"]
        for j, (name, unit) in enumerate(zip(mat.attrs["names"], mat.attrs["units"])):
            column = mat.isel(metric=j, drop=True)
            column.attrs = {"units": unit, "summary_path": name}
            ds[name] = column
        ds = ds.drop_vars([v for v in ("metrics", "metric") if v in ds.variables])
    if "texts" in ds:
        mat = ds["texts"]
        for j, (name, labels) in enumerate(zip(mat.attrs["names"], mat.attrs["labels"])):
            table = np.array(list(labels) + [""], dtype=object)  # code -1: none
            ds[name] = ("case", table[mat.isel(text=j).values], {"summary_path": name})
        ds = ds.drop_vars([v for v in ("texts", "text") if v in ds.variables])
    for name in list(ds.data_vars):
        labels = ds[name].attrs.get("labels")
        if labels is not None and ds[name].dtype.kind == "i":
            table = np.array(list(labels) + [""], dtype=object)
            ds[name] = ("case", table[ds[name].values], {k: v for k, v in ds[name].attrs.items() if k != "labels"})
    return ds


def _codes(texts, labels: list) -> tuple[np.ndarray, bool]:
    """Codes of ``texts`` into ``labels`` (-1 for "" or None), appending the texts not yet in it;
    and whether any was appended."""
    n = len(labels)
    index = {t: k for k, t in enumerate(labels)}
    codes = np.empty(len(texts), dtype=np.int16)
    for k, t in enumerate(texts):
        if t == "" or t is None:
            codes[k] = -1
            continue
        code = index.get(t)
        if code is None:
            code = index[t] = len(labels)
            labels.append(t)
        codes[k] = code
    return codes, len(labels) != n


def axis_table(kind: str, values: list, labels: list) -> np.ndarray:
    """What a case's coordinate holds for each position on an axis: the number of a numeric axis
    (NaN for the baseline load), else the label."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values) and kind != "mix":
        return np.array(values, dtype=float)
    if kind == "load" and list(values) == [None]:
        return np.array([np.nan])
    return np.array(labels, dtype=str)


def _is_consolidated(path: Path) -> bool:
    """Whether the store's group metadata holds consolidated metadata (stores before 0.2 do not)."""
    with open(path / "zarr.json", "rb") as fh:
        return json.load(fh).get("consolidated_metadata") is not None


#: Stores whose lock this process holds, with the depth of nested :func:`store_lock` calls.
_HELD: dict[str, int] = {}


@contextlib.contextmanager
def store_lock(store_path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<store>.lock`` while a sweep writes the store.

    A second sweep (another process, on this machine or, where the file system supports
    ``flock``, another node) on the same store is refused with an :class:`InputError` naming the
    holder.  The operating system drops the lock when the holding process ends, even when it is
    killed, so a crashed sweep never leaves the store locked.  Nested calls in the process that
    holds the lock (the CLI around :func:`twin.study.sweep.run_sweep`) pass through.
    """
    store_path = Path(store_path)
    lock_path = store_path.with_name(store_path.name + ".lock")
    key = str(lock_path.absolute())
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock_path, "a+", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the sweep's lock file here ({exc.strerror})", file=str(lock_path)) from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise InputError(f"cannot lock {lock_path.name} ({exc.strerror}): put --out on a file system "
                                 "that supports flock", file=str(store_path)) from None
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise InputError(f"is being written by another sweep ({holder}); wait for it to finish, "
                             "or use another --out", file=str(store_path)) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()} since "
                 f"{_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds')}\n")
        fh.flush()
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]


def json_meta(path: str | Path) -> dict:
    """The ``dctwin_sweep`` attributes of a store (design, axes, units, errors)."""
    with open(Path(path) / "zarr.json", "rb") as fh:
        return json.load(fh)["attributes"]["dctwin_sweep"]
