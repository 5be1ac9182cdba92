"""Reading run files (HDF5, written by ``chokepoint run``) into pandas."""

import collections

import numpy as np


class RunFile:
    """What ``chokepoint.read_run`` returns."""

    def __init__(self, meta, groups, series, tables, arrays):
        self.meta = meta
        self.groups = groups
        self.series = series
        self.tables = tables
        self.arrays = arrays

    def __repr__(self):
        return (f"<chokepoint run file: {len(self.groups)} groups, sections {sorted(self.tables)}, "
                f"tool {self.meta.get('tool_version')}, seed {self.meta.get('seed')}>")


def _decode(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.dtype.kind in "OS":
        return np.array([_decode(v) for v in value.ravel()], dtype=object).reshape(value.shape)
    if isinstance(value, np.generic):
        return value.item()
    return value


def read_run(path):
    import h5py
    import pandas as pd

    tables, arrays = {}, {}
    with h5py.File(path, "r") as f:
        meta = {k: _decode(v) for k, v in f.attrs.items()}
        if "schema" not in meta or "tool_version" not in meta:
            raise ValueError(f"{path}: not a chokepoint run file (no schema/tool_version attributes)")
        for section, group in f.items():
            if not isinstance(group, h5py.Group):
                arrays[section] = _decode(group[()])
                continue
            datasets = {}
            group.visititems(lambda name, obj: datasets.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
            # The per-row datasets: 1-D, of the section's most common length.
            lengths = collections.Counter(d.shape[0] for d in datasets.values() if len(d.shape) == 1)
            rows = lengths.most_common(1)[0][0] if lengths else None
            columns = {}
            for name, d in sorted(datasets.items()):
                value = _decode(d[()])
                if rows is not None and len(d.shape) == 1 and d.shape[0] == rows and "/" not in name:
                    columns[name] = value
                else:
                    arrays[f"{section}/{name}"] = value
            if columns:
                tables[section] = pd.DataFrame(columns)
    groups = tables.get("groups", pd.DataFrame()).copy()
    if "indices" in tables and len(tables["indices"]) == len(groups):
        groups = pd.concat([groups, tables["indices"].reset_index(drop=True)], axis=1)
    series = None
    months = tables.get("series", {}).get("months") if "series" in tables else arrays.get("series/months")
    if "series/values" in arrays and months is not None:
        months = pd.PeriodIndex([str(m) for m in months], freq="M")
        names = list(groups["name"]) if "name" in groups else None
        series = pd.DataFrame(np.asarray(arrays["series/values"]).T, index=months, columns=names)
    return RunFile(meta, groups, series, tables, arrays)
