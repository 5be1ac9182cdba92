"""Reads a chokepoint run file with Debian's python3-h5py and checks the base
contract (docs/method.md §9.6). Usage: check_run_file.py RUN.h5"""
import re
import sys

import h5py
import numpy as np


def text(x):
    return x.decode("utf-8") if isinstance(x, bytes) else str(x)


def check_stages(f, num_groups):
    """Every dataset of every stage reads with h5py; a few invariants per stage."""
    datasets = []
    f.visititems(lambda name, obj: datasets.append(name) if isinstance(obj, h5py.Dataset) else None)
    for name in datasets:
        f[name][()]  # must read (strings, numbers, chunked/compressed alike)
    if "bootstrap" in f:
        p = f["/bootstrap/regime_probability"][()]
        assert p.shape == (num_groups, 3), p.shape
        ok = ~np.isnan(p).any(axis=1)
        assert np.allclose(p[ok].sum(axis=1), 1.0), p.sum(axis=1)
        c = f["/bootstrap/cell_probability"][()]
        assert c.shape == (num_groups, 6) and np.allclose(c[ok].sum(axis=1), 1.0)
        B = int(f["/bootstrap"].attrs["replicates"])
        if "G_replicates" in f["/bootstrap"]:
            assert f["/bootstrap/G_replicates"].shape == (num_groups, B)
    if "aggregate" in f:
        years = f["/aggregate/years"][()]
        gdp = f["/aggregate/gdp_usd"][()]
        for s in ("capital", "intermediate"):
            tot = f[f"/aggregate/{s}_total_usd"][()]
            semi = f[f"/aggregate/{s}_semiconductor_usd"][()]
            adj = f[f"/aggregate/{s}_adjusted_usd"][()]
            assert tot.shape == years.shape
            assert np.allclose(adj, tot - semi, rtol=1e-12)
            assert np.allclose(f[f"/aggregate/{s}_adjusted_pct_gdp"][()], 100 * adj / gdp, rtol=1e-12)
    if "models" in f:
        assert len(f["/models"].keys()) > 0
    print(f"stages: {sorted(k for k in f.keys() if k in ('bootstrap', 'models', 'aggregate', 'batches', 'sweep'))}, "
          f"{len(datasets)} datasets read")


SPEC_RE = re.compile(
    r"^(?P<weighting>equal|linear|quadratic|exponential\(half_life=(?P<half_life>[^)]+)\)|last_k\(k=(?P<k>\d+)\))"
    r"/(?P<base>first|first12)/(?P<frequency>monthly|quarterly|annual)"
    r"(?: (?P<start>start|\d{4}-\d{2})\.\.(?P<end>end|\d{4}-\d{2}))?$")
MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "annual": 12}


def parse_spec(spec):
    """IndexSpec::Describe() text: weighting[(param)]/base/frequency[ start..end]."""
    m = SPEC_RE.match(spec)
    if m is None:
        raise AssertionError(f"index_spec {spec!r} is not in a form this checker can recompute "
                             "(weighting[(half_life=H)|(k=K)]/first|first12/monthly|quarterly|annual[ start..end]); "
                             "update tests/python/check_run_file.py")
    return m


def weights(m, P):
    """docs/method.md §2.4, p = 1..P (parameters in periods)."""
    p = np.arange(1, P + 1, dtype=float)
    kind = m.group("weighting").split("(")[0]
    if kind == "equal":
        return np.ones(P)
    if kind == "linear":
        return p
    if kind == "quadratic":
        return p * p
    if kind == "exponential":
        return np.exp2(-(P - p) / float(m.group("half_life")))
    if kind == "last_k":
        return (p > P - int(m.group("k"))).astype(float)
    raise AssertionError(f"unknown weighting {kind!r}")


def rounded_half_life(m):
    """True when the recorded half-life may be rounded: IndexSpec::Describe()
    prints it with 6 significant digits."""
    h = m.group("half_life")
    return h is not None and len(h.replace(".", "").replace("-", "").lstrip("0")) >= 6


def month_index(months, ym, default):
    if ym in (None, "start", "end"):
        return default
    if ym in months:
        return months.index(ym)
    # Outside the series: before its first or after its last month.
    return -1 if ym < months[0] else len(months)


def recompute_indices(spec, months, values, present, names, status, V, G):
    """Status, V and G of every group as docs/method.md §2.1-2.6 define them;
    returns how many groups had V and G recomputed (status ok)."""
    m = parse_spec(spec)
    mpp = MONTHS_PER_PERIOD[m.group("frequency")]
    base_periods = 1 if m.group("base") == "first" else 12 // mpp
    first = month_index(months, m.group("start"), 0)
    last = month_index(months, m.group("end"), len(months) - 1)
    num_months = last - first + 1
    P = num_months // mpp
    if first < 0 or last >= len(months) or last < first:
        window_status = "window_outside_data"
    elif num_months % mpp != 0:
        window_status = "incomplete_period"
    elif P < 2 or P < base_periods:
        window_status = "too_short"
    else:
        window_status = "ok"
    w = weights(m, P) if window_status == "ok" else None
    recomputed = 0
    for g, name in enumerate(names):
        expected = window_status
        if expected == "ok":
            x = values[g, first:last + 1].reshape(P, mpp).sum(axis=1)  # period sums
            xbar = x.mean()
            b = x[:base_periods].mean()
            if not present[g, first:last + 1].all():
                expected = "missing_in_window"
            elif not xbar > 0:
                expected = "mean_not_positive"
            elif not b > 0:
                expected = "base_not_positive"
        assert status[g] == expected, (name, spec, "status", status[g], "expected", expected)
        if expected != "ok":
            assert np.isnan(V[g]) and np.isnan(G[g]), (name, status[g], V[g], G[g])
            continue
        v = x.std(ddof=1) / xbar
        gi = np.sum(w * (x - b) / b) / w.sum()
        assert abs(v - V[g]) <= 1e-12 * max(1.0, abs(v)), (name, spec, "V", v, V[g])
        if abs(gi - G[g]) > 1e-12 * max(1.0, abs(gi)) and rounded_half_life(m):
            raise AssertionError(
                f"cannot recompute G of {name!r} for {spec!r}: the run file records the half-life to 6 significant "
                f"digits only (index_spec and config_toml), so G = {gi!r} from half_life={m.group('half_life')} differs "
                f"from the engine's {G[g]!r}")
        assert abs(gi - G[g]) <= 1e-12 * max(1.0, abs(gi)), (name, spec, "G", gi, G[g])
        recomputed += 1
    return recomputed


def main(path):
    with h5py.File(path, "r") as f:
        for attr in ("schema", "tool_version", "created_utc", "config_toml", "seed", "data_label"):
            assert attr in f.attrs, f"missing attribute {attr}"
        assert text(f.attrs["schema"]) == "chokepoint-run/1"
        names = [text(x) for x in f["/groups/name"][()]]
        cats = [text(x) for x in f["/groups/category"][()]]
        semi = f["/groups/semiconductor"][()]
        assert semi.dtype == np.uint8
        months = [text(x) for x in f["/series/months"][()]]
        values = f["/series/values"][()]
        assert values.dtype == np.float64
        assert values.shape == (len(names), len(months)), values.shape
        V = f["/indices/V"][()]
        G = f["/indices/G"][()]
        assert V.shape == G.shape == (len(names),)
        regimes = [text(x) for x in f["/indices/regime"][()]]
        assert set(regimes) <= {"stockpiling", "no_effect", "substitution", "undefined"}
        vol = [text(x) for x in f["/indices/volatility_level"][()]]
        growth = [text(x) for x in f["/indices/growth_level"][()]]
        assert set(vol) <= {"high", "medium", "low", "undefined"}
        assert set(growth) <= {"high", "low", "undefined"}
        assert all(c in ("capital", "intermediate", "consumption") for c in cats)
        # Independent recomputation with numpy of every group's status, V and G,
        # for whatever index specification the run used.
        status = [text(x) for x in f["/indices/status"][()]]
        present = f["/series/present"][()]
        assert present.dtype == np.uint8 and set(np.unique(present)) <= {0, 1}, present.dtype
        present = present.astype(bool)
        assert present.shape == values.shape, present.shape
        spec = text(f["/indices"].attrs["index_spec"])
        ok = recompute_indices(spec, months, values, present, names, status, V, G)
        print(f"indices: {spec}: status of {len(names)} groups and V, G of {ok} recomputed")
        check_stages(f, len(names))
        print(f"ok: {len(names)} groups x {len(months)} months, label {text(f.attrs['data_label'])!r}")


if __name__ == "__main__":
    main(sys.argv[1])
