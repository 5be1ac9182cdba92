"""chokepoint: technology import substitution indices, their classification,
and how robust both are (bootstrap, structural breaks, HAC trends, surges).

Each function mirrors a command of the ``chokepoint`` executable and calls the
same C++ code: options are keyword arguments with the command's flag names
(``--max-breaks`` is ``max_breaks``) and defaults, errors raise ``ValueError``
with the command's message, and a result's ``to_dict()`` is exactly what the
command prints with ``--json``. The engine releases the GIL while it runs;
results do not depend on ``threads``.

A series is a 1-D numpy array (give its first month with ``start="YYYY-MM"``)
or a pandas Series on a monthly ``PeriodIndex`` or ``DatetimeIndex`` (its first
month is the start).
"""

import copy
import json
import math
import os

import numpy as np

from . import _core

__version__ = _core.version()


def _find_data():
    """The shipped data (catalog, scenarios, policy events) beside the
    package: the build tree's share/chokepoint, or an install prefix's. The
    engine's own search looks beside the running executable, which is Python
    here; CHOKEPOINT_DATA_DIR still wins when set."""
    if os.environ.get("CHOKEPOINT_DATA_DIR"):
        return
    here = os.path.dirname(os.path.abspath(__file__))
    for up in (2, 4):  # build/python/chokepoint; prefix/lib/pythonX.Y/site-packages/chokepoint
        candidate = os.path.join(here, *([".."] * up), "share", "chokepoint")
        if os.path.isdir(os.path.join(candidate, "catalog")):
            _core.set_data_directory(os.path.normpath(candidate))
            return


_find_data()
_STATUS_NAMES = np.array(_core.index_status_names(), dtype=object)
__all__ = [
    "Result", "bootstrap", "block_length", "breaks", "hac", "surge", "indices", "classify", "read_run", "run",
    "sweep", "simulate", "ingest",
    "__version__",
]

# Keyword arguments shared with the CLI's configuration flags: name -> TOML key.
_INDEX_KEYS = {
    "window_start": "index.window_start", "window_end": "index.window_end", "frequency": "index.frequency",
    "base": "index.base", "weighting": "index.weighting", "half_life": "index.half_life", "last_k": "index.last_k",
}
_THRESHOLD_KEYS = {
    "growth_threshold": "thresholds.growth", "volatility_high": "thresholds.volatility_high",
    "volatility_low": "thresholds.volatility_low", "semiconductor_override": "thresholds.semiconductor_override",
}
_BOOTSTRAP_KEYS = {
    "replicates": "bootstrap.replicates", "scheme": "bootstrap.scheme", "blocks": "bootstrap.blocks",
    "block_length": "bootstrap.block_length", "level": "bootstrap.level", "interval": "bootstrap.report_interval",
    "trend_growth": "bootstrap.trend_growth", "estimand": "bootstrap.estimand", "calibrate": "bootstrap.calibrate",
    "seed": "bootstrap.seed", "threads": "bootstrap.threads",
}


class Result:
    """One command's result: attributes (and ``result["key"]``) for each
    field of its JSON; ``to_dict()`` returns that JSON as a dict."""

    def __init__(self, kind, data):
        self._kind = kind
        self._data = data

    def to_dict(self):
        return copy.deepcopy(self._data)

    def __getitem__(self, key):
        return _wrap(self._kind, self._data[key])

    def __getattr__(self, name):
        data = self.__dict__.get("_data")
        if data is not None and name in data:
            return _wrap(self._kind, data[name])
        raise AttributeError(f"{self._kind} result has no field {name!r}")

    def __dir__(self):
        return list(self._data) + ["to_dict"]

    def __contains__(self, key):
        return key in self._data

    def keys(self):
        return self._data.keys()

    def __repr__(self):
        scalars = [f"{k}={v!r}" for k, v in self._data.items()
                   if isinstance(v, (int, float, str, bool)) or v is None]
        shown = ", ".join(scalars[:8]) + (", ..." if len(scalars) > 8 else "")
        return f"<chokepoint {self._kind}: {shown}>"


def _wrap(kind, value):
    return Result(kind, value) if isinstance(value, dict) else value


def _month_of(index):
    """First month "YYYY-MM" of a monthly pandas index, checking that the
    months follow one another."""
    import pandas as pd

    if isinstance(index, pd.DatetimeIndex):
        periods = index.to_period("M")
    elif isinstance(index, pd.PeriodIndex):
        if index.freqstr not in ("M",) and not str(index.freqstr).startswith("M"):
            raise ValueError(f"the series' PeriodIndex must be monthly, got frequency {index.freqstr}")
        periods = index
    else:
        return None
    if len(periods) == 0:
        raise ValueError("the series is empty")
    ordinals = np.asarray(periods.asi8)
    gaps = np.nonzero(np.diff(ordinals) != 1)[0]
    if len(gaps):
        k = int(gaps[0])
        raise ValueError(f"the series' months must follow one another: {periods[k]} is followed by {periods[k + 1]}")
    return f"{periods[0].year:04d}-{periods[0].month:02d}"


def _series(x, start, what="series"):
    """(values, start, name) of a series argument."""
    name = "series"
    try:
        import pandas as pd
    except ImportError:  # numpy-only use
        pd = None
    if pd is not None and isinstance(x, pd.Series):
        index_start = _month_of(x.index)
        if start is None:
            start = index_start
        elif index_start is not None and index_start != start:
            raise ValueError(f"start={start} disagrees with the series' index, which starts {index_start}")
        if x.name is not None:
            name = str(x.name)
        x = x.to_numpy(dtype=float, na_value=np.nan)
    values = np.ascontiguousarray(np.asarray(x, dtype=float))
    if values.ndim != 1:
        raise ValueError(f"the {what} must be one-dimensional, got shape {values.shape}")
    return values, start, name


def _toml_value(key, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ValueError(f"{key} must be a finite number, got {value}")
        return repr(float(value))
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_toml_value(key, v) for v in value) + "]"
    raise ValueError(f"{key}: unsupported value {value!r} ({type(value).__name__})")


def _assignments(options, tables, set_):
    """--set assignments from keyword options (names as the CLI's flags),
    then the ``set`` dict of any "section.key": value."""
    out = []
    for name, value in options.items():
        key = None
        for table in tables:
            key = table.get(name, key)
        if key is None:
            accepted = sorted(k for t in tables for k in t)
            raise ValueError(f"unknown option {name!r} (options: {', '.join(accepted)}; any other key through set=)")
        if value is None:
            continue
        out.append(f"{key}={_toml_value(name, value)}")
    for key, value in (set_ or {}).items():
        out.append(f"{key}={_toml_value(key, value)}")
    return out


def bootstrap(x, start=None, *, config=None, set=None, **options):
    """Block bootstrap of one monthly series, as ``chokepoint bootstrap --json``.

    Options (the command's flags): replicates, scheme (residual|growth|sieve|levels),
    blocks (stationary|circular|moving), block_length ("auto" or months), level,
    interval, trend_growth, estimand (observed|signal), calibrate, seed, threads,
    the index options (window_start, window_end, frequency, base, weighting,
    half_life, last_k) and thresholds (growth_threshold, volatility_high,
    volatility_low, semiconductor_override). ``config`` is a TOML file and
    ``set`` a dict of any other "section.key": value, as --config and --set.
    """
    values, start, name = _series(x, start)
    sets = _assignments(options, (_INDEX_KEYS, _THRESHOLD_KEYS, _BOOTSTRAP_KEYS), set)
    return Result("bootstrap", json.loads(_core.bootstrap_json(values, start, name, config or "", sets)))


def block_length(x, start=None, scheme=None):
    """Automatic block length (Politis-White 2004, Patton-Politis-White 2009),
    as ``chokepoint blocklength --json``; ``scheme`` selects on the object the
    residual, growth or levels scheme resamples."""
    values, start, _ = _series(x, start)
    return Result("block_length", json.loads(_core.block_length_json(values, start, scheme or "")))


def breaks(y, start=None, **options):
    """Bai-Perron structural breaks, as ``chokepoint breaks --json``.

    Options: regressors (level|trend), trim, max_breaks, seasonal, significance,
    replicates, seed, level, null_errors (iid|ar1), tests (False = --no-tests).
    """
    values, start, _ = _series(y, start)
    return Result("breaks", json.loads(_core.breaks_json(values, start, options)))


def hac(y, start=None, **options):
    """Trend regression with HAC standard errors, as ``chokepoint hac --json``.

    Options: regressors (level|trend), seasonal, kernel (bartlett|parzen|qs),
    lag ("auto" or a number, as a string or number), bandwidth_rule
    (nw1994|andrews), prewhite, adjust.
    """
    if "lag" in options and options["lag"] is not None and not isinstance(options["lag"], str):
        options["lag"] = repr(options["lag"]) if isinstance(options["lag"], float) else str(options["lag"])
    values, start, _ = _series(y, start)
    return Result("hac", json.loads(_core.hac_json(values, start, options)))


def surge(y, start=None, **options):
    """Trend + transient-surge model, as ``chokepoint surge --json`` (needs
    the first month).

    Options: events (policy events CSV), onsets (free|events), loss
    (none|huber|cauchy), loss_scale, max_surges, ar1, seasonal.
    """
    values, start, _ = _series(y, start)
    return Result("surge", json.loads(_core.surge_json(values, start, options)))


def indices(x, start=None, *, threads=0, config=None, set=None, **options):
    """V and G of one series or of many at once (threads inside).

    ``x``: a 1-D array or pandas Series gives a Result (V, G, status); a
    pandas DataFrame (one column per series, monthly index) or a 2-D array
    (one row per series) gives a DataFrame indexed by the series with columns
    V, G and status. Options: window_start, window_end, frequency, base,
    weighting, half_life, last_k.
    """
    import pandas as pd

    sets = _assignments(options, (_INDEX_KEYS,), set)
    names = None
    if isinstance(x, pd.DataFrame):
        index_start = _month_of(x.index)
        start = start or index_start
        names = x.columns
        # The engine reads the (series x months) transpose in place, whatever
        # the layout of the frame's block.
        matrix = x.to_numpy(dtype=float).T
    else:
        array = x.to_numpy(dtype=float) if isinstance(x, pd.Series) else np.asarray(x, dtype=float)
        if array.ndim == 1:
            values, start, _ = _series(x, start)
            V, G, status = _core.indices(values.reshape(1, -1), start, config or "", sets, int(threads))
            return Result("indices", {"V": None if math.isnan(V[0]) else float(V[0]),
                                      "G": None if math.isnan(G[0]) else float(G[0]),
                                      "status": _STATUS_NAMES[int(status[0])]})
        matrix = array
    V, G, status = _core.indices(matrix, start, config or "", sets, int(threads))
    # copy=False: the arrays are this call's own, so the frame may keep them.
    return pd.DataFrame({"V": V, "G": G, "status": _STATUS_NAMES[status]},
                        index=names if names is not None else pd.RangeIndex(len(V), name="series"), copy=False)


def classify(V, G, semiconductor=False, *, config=None, set=None, **options):
    """Volatility x growth cell and regime of (V, G): scalars give a Result
    (regime, cell), arrays a DataFrame. Options: growth_threshold,
    volatility_high, volatility_low, semiconductor_override."""
    import pandas as pd

    sets = _assignments(options, (_THRESHOLD_KEYS,), set)
    scalar = np.ndim(V) == 0 and np.ndim(G) == 0
    v = np.atleast_1d(np.asarray(V, dtype=float))
    g = np.atleast_1d(np.asarray(G, dtype=float))
    semi = np.atleast_1d(np.asarray(semiconductor, dtype=bool))
    flags = [] if (semi.size == 1 and not semi[0]) else ([bool(semi[0])] * v.size if semi.size == 1 else [bool(s) for s in semi])
    regimes, cells = _core.classify(v, g, flags, config or "", sets)
    if scalar:
        return Result("classify", {"V": float(v[0]), "G": float(g[0]), "regime": regimes[0], "cell": cells[0]})
    index = V.index if isinstance(V, pd.Series) else None
    return pd.DataFrame({"V": v, "G": g, "regime": regimes, "cell": cells}, index=index)


_RUN_KEYS = {
    "seed": "run.seed", "threads": "run.threads", "scenario": "data.scenario", "data": "data.file",
    "catalog": "data.catalog", "replicates": "bootstrap.replicates", "scheme": "bootstrap.scheme",
}


def run(out, *, config=None, set=None, **options):
    """The whole method on a panel, as ``chokepoint run --out OUT``, in this
    process; returns ``read_run(out)``. Options: seed, threads, scenario,
    data (a panel file), catalog, replicates, scheme, the index and threshold
    options; ``config`` and ``set`` as --config and --set (e.g.
    ``set={"run.models": False}``)."""
    sets = _assignments(options, (_RUN_KEYS, _INDEX_KEYS, _THRESHOLD_KEYS), set)
    sets.append(f"run.out={_toml_value('out', str(out))}")
    _core.run(config or "", sets, False, "", None)
    return read_run(str(out))


def sweep(out, series=None, start=None, *, config=None, set=None, **options):
    """The robustness sweep, as ``chokepoint sweep --out OUT``, in this
    process; returns ``read_run(out)`` (the sweep's tables under
    ``tables["sweep"]`` and ``arrays``). ``series`` is a wide CSV of group
    series, or a DataFrame of them (columns = groups, monthly index; passed
    to the engine's CSV reader through a temporary file), default the [data]
    panel; options and ``set`` as for ``run``
    (sweep axes through ``set={"sweep.growth": [0.3, 0.5, 0.7]}``)."""
    sets = _assignments(options, (_RUN_KEYS, _INDEX_KEYS, _THRESHOLD_KEYS), set)
    sets.append(f"run.out={_toml_value('out', str(out))}")
    try:
        import pandas as pd
    except ImportError:
        pd = None
    if pd is not None and isinstance(series, pd.DataFrame):
        # The engine reads group series through its one CSV reader: the frame
        # goes through a temporary file in that layout (month column first).
        import tempfile

        index_start = _month_of(series.index)
        with tempfile.TemporaryDirectory(prefix="chokepoint_sweep_") as tmp:
            path = os.path.join(tmp, "series.csv")
            table = series.copy()
            table.index = [f"{p.year:04d}-{p.month:02d}" for p in pd.period_range(index_start, periods=len(series), freq="M")]
            table.index.name = "month"
            table.to_csv(path, float_format="%.17g")
            _core.run(config or "", sets, True, path, None)
        return read_run(str(out))
    _core.run(config or "", sets, True, "" if series is None else str(series), start)
    return read_run(str(out))


def simulate(scenario="paper2025", seed=1):
    """A simulated panel (``chokepoint simulate``): a DataFrame, months x HS
    codes (strings), NaN where a cell is absent; ``frame.attrs["label"]`` says
    scenario and seed."""
    import pandas as pd

    return _panel_frame(*_core.simulate(scenario, int(seed)))


def _panel_frame(codes, first, values, present, label):
    import pandas as pd

    months = pd.period_range(first, periods=values.shape[1], freq="M")
    frame = pd.DataFrame(np.where(present, values, np.nan).T, index=months, columns=codes)
    frame.attrs["label"] = label
    return frame


def ingest(paths, out=None, **options):
    """Import files (canonical long CSV, China Customs export, UN Comtrade
    monthly CSV, or any tidy CSV with named columns) as ``chokepoint ingest``:
    a DataFrame, months x HS codes (at the level the source gives) in US$
    (NaN where absent), with ``attrs["report"]`` the ingest report; the panel
    file too when ``out`` (.h5) is given. Options: preset
    (china-customs|comtrade|partner-exports|FILE.toml), format
    (auto|canonical|customs|comtrade|columns), columns ("code=..,period=..,
    value=.."), period_format (e.g. "YYYY/M"), scale (1000 for thousands),
    where (list of "COLUMN=VALUE"), flow, source, jan_feb (keep-merged|split),
    rates, lenient, max_examples."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    panel, report = _core.ingest([str(p) for p in paths], "" if out is None else str(out), options)
    frame = _panel_frame(*panel)
    frame.attrs["report"] = report
    return frame


def read_run(path):
    """A run file (``chokepoint run --out``) as pandas objects: ``meta`` (the
    file's attributes: configuration, seed, tool version), ``groups`` (one row
    per group: names, indices, regimes), ``series`` (months x groups),
    ``tables[section]`` (each section's per-row datasets as a DataFrame) and
    ``arrays["section/name"]`` (every other dataset as a numpy array)."""
    from .run_file import read_run as _read_run

    return _read_run(path)
