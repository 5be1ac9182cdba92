"""Reads a chokepoint run file with Debian's python3-h5py and checks the base
contract (docs/method.md §9.6). Usage: check_run_file.py RUN.h5"""
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
        # Independent recomputation with numpy for the default monthly spec.
        status = [text(x) for x in f["/indices/status"][()]]
        if text(f["/indices"].attrs["index_spec"]) == "linear/first/monthly":
            T = values.shape[1]
            w = np.arange(1, T + 1, dtype=float)
            for g in range(len(names)):
                if status[g] != "ok":
                    continue
                x = values[g]
                v = x.std(ddof=1) / x.mean()
                gi = np.sum(w * (x - x[0]) / x[0]) / w.sum()
                assert abs(v - V[g]) <= 1e-12 * max(1.0, abs(v)), (names[g], v, V[g])
                assert abs(gi - G[g]) <= 1e-12 * max(1.0, abs(gi)), (names[g], gi, G[g])
        check_stages(f, len(names))
        print(f"ok: {len(names)} groups x {len(months)} months, label {text(f.attrs['data_label'])!r}")


if __name__ == "__main__":
    main(sys.argv[1])
