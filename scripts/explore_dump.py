#!/usr/bin/python3
"""Dump a chokepoint run file (and optionally a sweep file) to the explorer's JSON.

    /usr/bin/python3 scripts/explore_dump.py RUN.h5 [SWEEP.h5] > data.json

This is the reference for the data contract `chokepoint-explore-1` that
`chokepoint explore` embeds into explorer/template.html (explorer/README.md):

    {"format": "chokepoint-explore-1", "tool_version": "...",
     "files": {"run":   {"path": ..., "attributes": {...}, "datasets": {...}, "omitted": [...]},
               "sweep": {... absent without a sweep file ...}}}

- attributes: one entry per object (group or dataset) with at least one
  attribute, keyed "/" for the root and by the object path without a leading
  slash otherwise ("bootstrap", "models/breaks/g01", "bootstrap/cell_probability");
  values are a number, a string, or an array of those.
- datasets: every dataset with at most 300,000 elements, keyed by its path
  without a leading slash: {"shape": [...], "type": "number"|"integer"|"text",
  "data": [flat row-major values]}; floating point -> "number", any integer
  type (uint8 flags included) -> "integer", strings -> "text".
- omitted: datasets with more elements, sorted by name:
  {"name": path, "shape": [...], "reason": "N elements exceed the 300000-element limit"},
  and the large datasets the page does not use (NOT_USED below), with reason
  "not used by the explorer".
- NaN and +-inf are null; floats are written shortest round-trip (Python repr).
Keys are sorted (json.dumps(sort_keys=True)) so outputs compare by text.
"""

import json
import math
import sys

import h5py
import numpy as np

FORMAT = "chokepoint-explore-1"
MAX_ELEMENTS = 300_000
# Large datasets the page does not use (about 1.9 MB of JSON for the canonical
# run and sweep): left out so the page stays well under 5 MB and loads in
# under 2 s; listed in `omitted` with this reason.
NOT_USED_REASON = "not used by the explorer"
NOT_USED = (
    "bootstrap/V_signal_replicates",   # signal-estimand clouds; the page draws the observed ones
    "bootstrap/G_signal_replicates",
    "sweep/default/V_replicates",      # the sweep's own cloud (without fitted episodes)
    "sweep/default/G_replicates",
    "sweep/regime_probability_at_default_thresholds",
    "sweep/ok_replicates",
)


def _text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", errors="replace")
    return str(v)


def _scalar(v):
    """One HDF5 value as a JSON value."""
    if isinstance(v, (bytes, str)):
        return _text(v)
    if isinstance(v, (np.bool_, bool)):
        return int(v)
    if isinstance(v, (np.integer, int)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return f if math.isfinite(f) else None
    return _text(v)


def _attr_value(v):
    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return _scalar(v[()])
        return [_scalar(x) for x in v.ravel().tolist()] if v.dtype.kind not in "SOU" \
            else [_text(x) for x in v.ravel()]
    return _scalar(v)


def _dataset_type(dt):
    if dt.kind == "f":
        return "number"
    if dt.kind in "iub":
        return "integer"
    if dt.kind in "SOU" or h5py.check_string_dtype(dt) is not None:
        return "text"
    raise ValueError(f"unsupported dataset type {dt}")


def _dataset(ds):
    kind = _dataset_type(ds.dtype)
    arr = ds[()]
    arr = np.asarray(arr)
    flat = arr.ravel()
    if kind == "number":
        vals = flat.astype(np.float64)
        finite = np.isfinite(vals)
        data = [v if ok else None for v, ok in zip(vals.tolist(), finite.tolist())]
    elif kind == "integer":
        data = [int(x) for x in flat.tolist()]
    else:
        data = [_text(x) for x in flat]
    return {"shape": list(arr.shape), "type": kind, "data": data}


def dump_file(path):
    out = {"path": path, "attributes": {}, "datasets": {}, "omitted": []}
    with h5py.File(path, "r") as f:
        def attrs_of(key, obj):
            if len(obj.attrs) == 0:
                return
            out["attributes"][key] = {k: _attr_value(obj.attrs[k]) for k in obj.attrs.keys()}

        attrs_of("/", f)

        def visit(name, obj):
            attrs_of(name, obj)
            if isinstance(obj, h5py.Dataset):
                n = int(np.prod(obj.shape)) if obj.shape is not None else 0
                if name in NOT_USED:
                    out["omitted"].append({"name": name, "shape": list(obj.shape), "reason": NOT_USED_REASON})
                elif n > MAX_ELEMENTS:
                    out["omitted"].append({
                        "name": name,
                        "shape": list(obj.shape),
                        "reason": f"{n} elements exceed the {MAX_ELEMENTS}-element limit",
                    })
                else:
                    out["datasets"][name] = _dataset(obj)

        f.visititems(visit)
    out["omitted"].sort(key=lambda o: o["name"])
    return out


def main(argv):
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: explore_dump.py RUN.h5 [SWEEP.h5] > data.json\n")
        return 2
    files = {"run": dump_file(argv[1])}
    if len(argv) == 3:
        files["sweep"] = dump_file(argv[2])
    doc = {
        "format": FORMAT,
        "tool_version": f"scripts/explore_dump.py (h5py {h5py.__version__})",
        "files": files,
    }
    sys.stdout.write(json.dumps(doc, sort_keys=True, allow_nan=False, separators=(",", ":")))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
