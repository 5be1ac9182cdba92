#!/usr/bin/python3
"""Table-driven CLI test: every long flag of every `chokepoint` command has a row.

The test reads `chokepoint --help` for the subcommands and `chokepoint CMD --help`
for each one's long flags, and fails when a flag has no row in the table below
(--help and --version are exempt; EXEMPT lists any other with its reason). Each
row runs the command on small inputs with and without the flag and asserts what
must change: a JSON field, an HDF5 dataset or attribute (h5py), an output file,
or stdout/stderr text. ERRORS lists the usage errors per command: exact exit
code, the flag or the `file:line` named on stderr, and no output or `*.tmp*`
file left behind. Every failure is collected; a summary table is printed and
the exit status is 1 when any row failed.

usage: flag_table_test.py --exe CHOKEPOINT --src SOURCE_DIR [--work DIR] [--keep] [--only CMD,...] [-v]
"""
import argparse
import concurrent.futures
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import threading
import tomllib
import traceback

import h5py
import numpy as np

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--exe", required=True, help="the chokepoint executable under test")
ap.add_argument("--src", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                help="source directory (for tests/data)")
ap.add_argument("--work", default=None, help="parent of the per-process temporary directory")
ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
ap.add_argument("--only", default="", help="comma list of commands whose rows run (coverage is still checked)")
ap.add_argument("-j", "--jobs", type=int, default=3, help="rows run concurrently (each runs the tool with --threads 1)")
ap.add_argument("-v", "--verbose", action="store_true")
opt = ap.parse_args()

EXE = os.path.abspath(opt.exe)
SRC = os.path.abspath(opt.src)
TMP = tempfile.mkdtemp(prefix=f"cli_flag_table_{os.getpid()}_", dir=opt.work)
ONLY = set(filter(None, opt.only.split(",")))
T0 = time.time()

SURGE = f"{SRC}/tests/data/surge/surge_series.csv"       # month,ics: 120 months
THREE = f"{SRC}/tests/data/sweep/three_groups.csv"       # month,Alpha,Beta,Gamma: 4 months
INGEST = f"{SRC}/tests/data/ingest"


# --------------------------------------------------------------------------- running
class Res:
    def __init__(self, args, rc, out, err, secs):
        self.args, self.rc, self.out, self.err, self.secs = args, rc, out, err, secs

    def __repr__(self):
        return f"rc={self.rc} cmd={' '.join(self.args)}\n  stderr: {self.err.strip()[:400]}"


_cache = {}
_n_exec = itertools.count(1)
_n_done = [0]
_locks = {}
_locks_guard = threading.Lock()


def _lock(key):
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


REPEATABLE = {"--set", "--bec", "--detail-group", "--where"}
BOOLEAN = {"--quiet", "--json", "--no-models", "--no-bootstrap", "--no-aggregate", "--no-batches", "--calibrate",
           "--keep-clouds", "--keep-counts", "--lenient", "--markdown", "--seasonal", "--no-tests", "--prewhite",
           "--adjust", "--no-ar1", "--no-seasonal", "--trend-growth", "--hold-episodes", "--resume", "--list", "--no-png",
           "--bogus"}


def dedupe(args):
    """A flag given twice (a base setting, then the row's value): keep the last one.

    The tool refuses a repeated single-valued flag, so the rows override the
    shared base arguments this way; repeatable flags are left alone."""
    items, i = [], 0
    while i < len(args):
        a = args[i]
        if a.startswith("--") or a in ("-B", "-o"):
            if a not in BOOLEAN and i + 1 < len(args) and not args[i + 1].startswith("--"):
                items.append((a, [a, args[i + 1]]))
                i += 2
                continue
            items.append((a, [a]))
        else:
            items.append((None, [a]))
        i += 1
    alias = {"-B": "--replicates", "-o": "--out"}
    last = {}
    for k, (f, _) in enumerate(items):
        if f and f not in REPEATABLE:
            last[alias.get(f, f)] = k
    outl = []
    for k, (f, toks) in enumerate(items):
        if f and f not in REPEATABLE and last[alias.get(f, f)] != k:
            continue
        outl += toks
    return outl


def X(*args, cwd=None, cache=True):
    """Run chokepoint with args (cwd defaults to TMP); cached on (args, cwd)."""
    args = dedupe([str(a) for a in args])
    key = (tuple(args), cwd)
    with _lock(key) if cache else _nolock:
        if cache and key in _cache:
            return _cache[key]
        r = _exec(args, cwd)
        _cache[key] = r
        return r


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


_nolock = _NoLock()


def _exec(args, cwd):
    t = time.time()
    p = subprocess.run([EXE] + args, cwd=cwd or TMP, capture_output=True, timeout=120,
                       env=dict(os.environ, LC_ALL="C"))
    _n_done[0] = next(_n_exec)
    r = Res(args, p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
            time.time() - t)
    if opt.verbose:
        print(f"  [{r.secs:5.2f}s rc={r.rc}] {' '.join(args)}", flush=True)
    return r


def ok(res, what=""):
    """The run succeeded (exit 0)."""
    check(res.rc == 0, f"{what} expected exit 0, got {res!r}")
    return res


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def P(name):
    return os.path.join(TMP, name)


_uniq = itertools.count(1)


def out(ext="h5"):
    return P(f"o{next(_uniq)}.{ext}")


def J(res):
    ok(res)
    try:
        return json.loads(res.out)
    except ValueError as e:
        raise Fail(f"stdout is not JSON ({e}): {res.out[:200]!r}")


def H(path):
    check(os.path.exists(path), f"no output file {path}")
    return h5py.File(path, "r")


def attr(path, obj, name):
    with H(path) as f:
        check(obj in f, f"{obj} missing in {os.path.basename(path)}")
        v = f[obj].attrs.get(name)
        return v.decode() if isinstance(v, bytes) else v


def ds(path, name):
    with H(path) as f:
        check(name in f, f"dataset {name} missing in {os.path.basename(path)}")
        v = f[name][()]
        if isinstance(v, np.ndarray) and v.dtype.kind == "O":
            v = np.array([x.decode() if isinstance(x, bytes) else x for x in v.ravel()]).reshape(v.shape)
        return v


def has(path, name):
    with H(path) as f:
        return name in f


def cfg_h5(path):
    with H(path) as f:
        return tomllib.loads(f.attrs["config_toml"])


def dig(d, key):
    for k in key.split("."):
        check(isinstance(d, dict) and k in d, f"key {key} not found")
        d = d[k]
    return d


def differ(a, b, what):
    a, b = np.asarray(a), np.asarray(b)
    same = a.shape == b.shape and (np.array_equal(a, b) if a.dtype.kind in "OUSb" else np.allclose(a, b, equal_nan=True, rtol=0, atol=0))
    check(not same, f"{what}: unchanged by the flag ({np.ravel(a)[:4]})")


def same(a, b, what):
    a, b = np.asarray(a), np.asarray(b)
    eq = a.shape == b.shape and (np.array_equal(a, b) if a.dtype.kind in "OUSb" else np.array_equal(a, b, equal_nan=True))
    check(eq, f"{what}: differs ({np.ravel(a)[:4]} vs {np.ravel(b)[:4]})")


def eq(a, b, what):
    check(a == b, f"{what}: expected {b!r}, got {a!r}")


def near(a, b, what):
    check(abs(float(a) - float(b)) < 1e-9, f"{what}: expected {b!r}, got {a!r}")


# --------------------------------------------------------------------------- fixtures (tiny, written at start)
def write(name, text):
    with open(P(name), "w") as f:
        f.write(text)
    return P(name)


def make_fixtures():
    rows = [l.strip().split(",") for l in open(SURGE) if l[0].isdigit()]
    months = [r[0] for r in rows]
    x = [float(r[1]) for r in rows]
    # two-column series file: a = the surge series, b = it reversed in time
    write("two.csv", "month,a,b\n" + "".join(f"{m},{u:.6f},{v:.6f}\n" for m, u, v in zip(months, x, x[::-1])))
    # values only, no header and no month column
    write("values.csv", "".join(f"{u:.6f}\n" for u in x))
    # wide group file (120 months, three groups) for models and sweep
    write("wide.csv", "month,Alpha,Beta,Gamma\n" + "".join(
        f"{m},{u:.6f},{v:.6f},{(u * (1.3 if i % 5 == 0 else 1.0)):.6f}\n" for i, (m, u, v) in enumerate(zip(months, x, x[::-1]))))
    write("short.csv", "month,Alpha,Beta\n" + "".join(
        f"{m},{u:.6f},{u * (1 + (i % 4) * 0.05):.6f}\n" for i, (m, u) in enumerate(zip(months[:48], x[:48]))))
    write("wide_nomonth.csv", "Alpha,Beta,Gamma\n" + "".join(
        f"{u:.6f},{v:.6f},{u * 1.1:.6f}\n" for u, v in zip(x, x[::-1])))
    # bad cell on line 4 (a value that is not a number)
    write("bad_cell.csv", "month,ics\n2015-01,1.0\n2015-02,2.0\n2015-03,abc\n" +
          "".join(f"2015-{m:02d},{m}.0\n" for m in range(4, 13)))
    write("bad_wide.csv", "month,Alpha,Beta\n2020-01,1,2\n2020-02,1,2\n2020-03,x,2\n2020-04,1,2\n")
    write("bad_canon.csv", "hs8,period,value_usd\n84561100,2020-01,10\n84561100,2020-02,ten\n")
    write("cfg_growth.toml", "[thresholds]\ngrowth = 0.71\n\n[aggregate]\nnn_rule = 'first'\n\n[batches]\n"
          "event_month = '2022-06'\n\n[bootstrap]\nreplicates = 25\n\n[models.surge]\nloss = 'cauchy'\n")
    write("cfg_bad.toml", "[thresholds]\ngrowth = 'high'\n")
    write("design.toml", "[study]\ndraws = 2\nmonths = [48]\ncodes = [1]\nsurge_onset = [24]\nbreak_month = 24\n"
          "bootstrap_replicates = 19\n")
    write("events.csv", "month,label,source\n2020-03,test event,test\n")
    write("codemap.csv", "code,group,weight\n84561100,Passive Components,1\n")
    write("template.html", "<!doctype html><title>T</title><p>custom template</p>\n")
    # a data directory whose GDP is doubled (everything else: the shipped one)
    dd = P("datadir")
    os.makedirs(dd + "/gdp")
    for e in os.listdir(f"{SRC}/data"):
        if e != "gdp":
            os.symlink(f"{SRC}/data/{e}", f"{dd}/{e}")
    lines = open(f"{SRC}/data/gdp/china_gdp.csv").read().splitlines()
    head = lines[0].split(",")
    gi = head.index("gdp_usd_worldbank")
    outl = [lines[0]]
    for l in lines[1:]:
        c = l.split(",")
        if len(c) > gi and c[gi]:
            c[gi] = str(float(c[gi]) * 2)
        outl.append(",".join(c))
    open(f"{dd}/gdp/china_gdp.csv", "w").write("\n".join(outl) + "\n")
    for e in os.listdir(f"{SRC}/data/gdp"):
        if e != "china_gdp.csv":
            os.symlink(f"{SRC}/data/gdp/{e}", f"{dd}/gdp/{e}")
    os.makedirs(P("empty_dir"))


# --------------------------------------------------------------------------- the table
ROWS = []      # (cmd, flags, what, fn, known_failure_reason)


def row(cmd, flags, what, known=None):
    flags = [flags] if isinstance(flags, str) else list(flags)

    def deco(fn):
        ROWS.append((cmd, flags, what, fn, known))
        return fn
    return deco


EXEMPT = {
    # (command, flag): reason. --help/--version are exempt everywhere.
    ("blocklength", "--start"): "accepted for the single-series vocabulary; the block length does not depend on the "
                                "calendar (a later start relabels the month effects, it does not change them)",
    ("models", "--volatility-low"): "accepted with the threshold group; the models stage stores no volatility level and "
                                    "its adjusted regimes do not separate low from medium volatility",
    **{(c, "--quiet"): "accepted for the single-series vocabulary; the command prints nothing on stderr to remove"
       for c in ("bootstrap", "blocklength", "breaks", "hac", "surge")},
    ("sweep", "--resume"): "needs an interrupted sweep (OUT.checkpoint); tests/cli/sweep_resume_test.sh kills one; here only its error row",
    ("study", "--resume"): "needs an interrupted study (OUT.checkpoint); tests/cli/study_resume_test.sh kills one; here only its error row",
}

# ---- shared runs -----------------------------------------------------------------
RUN = ["run", "--quiet", "--threads", "1", "--no-models", "--replicates", "20"]   # fast run (0.1 s)


def run_(*extra):
    """A fast run with extra flags; returns the output path (cached)."""
    key = ("RUN",) + tuple(map(str, extra))
    if key not in _cache:
        o = out()
        ok(X(*RUN, *extra, "--out", o))
        _cache[key] = o
    return _cache[key]


def full_run():
    """The default run (every stage), shared by report/export/explore/figures rows."""
    key = ("FULLRUN",)
    if key not in _cache:
        o = P("default_run.h5")
        ok(X("run", "--quiet", "--threads", "1", "--out", o))
        _cache[key] = o
    return _cache[key]


def panel2():
    key = ("PANEL2",)
    if key not in _cache:
        ok(X("simulate", "--quiet", "--seed", "2", "--out", P("panel_seed2.h5")))
        _cache[key] = P("panel_seed2.h5")
    return _cache[key]


# ---- run ---------------------------------------------------------------------------
@row("run", "--config", "TOML file: thresholds.growth = 0.71 -> /indices growth_threshold 0.71")
def _():
    near(attr(run_("--config", P("cfg_growth.toml")), "indices", "growth_threshold"), 0.71, "growth_threshold")
    near(attr(run_(), "indices", "growth_threshold"), 0.5, "default growth_threshold")


@row("run", "--set", "--set index.weighting=\"equal\" -> index_spec equal/first/monthly, G changes")
def _():
    o = run_("--set", 'index.weighting="equal"')
    eq(attr(o, "indices", "index_spec"), "equal/first/monthly", "index_spec")
    differ(ds(o, "indices/G"), ds(run_(), "indices/G"), "indices/G")


@row("run", "--data", "panel simulated with seed 2 -> data_label names seed 2, V changes")
def _():
    o = run_("--data", panel2())
    check("seed 2" in attr(o, "/", "data_label"), f"data_label {attr(o, '/', 'data_label')}")
    differ(ds(o, "indices/V"), ds(run_(), "indices/V"), "indices/V")


@row("run", "--catalog", "tests/data/catalog/small -> fewer groups in /groups/name")
def _():
    o = run_("--catalog", f"{SRC}/tests/data/catalog/small")
    n, n0 = len(ds(o, "groups/name")), len(ds(run_(), "groups/name"))
    check(n < n0, f"groups {n} vs default {n0}")


@row("run", "--min-coverage", "1.0 -> /groups/coverage min_coverage 1.0 (default 0.75)")
def _():
    near(attr(run_("--min-coverage", "1.0"), "groups/coverage", "min_coverage"), 1.0, "min_coverage")
    near(attr(run_(), "groups/coverage", "min_coverage"), 0.75, "default min_coverage")


@row("run", "--code-map", "code map CSV -> recorded as data.code_map in config_toml (default '')")
def _():
    o = run_("--code-map", P("codemap.csv"))
    check(dig(cfg_h5(o), "data.code_map").endswith("codemap.csv"), "data.code_map not recorded")
    eq(dig(cfg_h5(run_()), "data.code_map"), "", "default code_map")


@row("run", "--scenario", "one_surge -> data_label names one_surge, V changes")
def _():
    o = run_("--scenario", "one_surge")
    check("one_surge" in attr(o, "/", "data_label"), attr(o, "/", "data_label"))
    differ(ds(o, "indices/V"), ds(run_(), "indices/V"), "indices/V")


@row("run", "--data-dir", "data dir with doubled GDP -> /aggregate/gdp_usd doubled, pct halved")
def _():
    o, d = run_("--data-dir", P("datadir")), run_()
    check(np.allclose(ds(o, "aggregate/gdp_usd"), 2 * ds(d, "aggregate/gdp_usd")), "gdp_usd not doubled")
    check(np.allclose(ds(o, "aggregate/capital_total_pct_gdp"), ds(d, "aggregate/capital_total_pct_gdp") / 2), "pct not halved")


@row("run", "--out", "writes exactly the named file, no temporary left")
def _():
    d = P("run_out")
    os.makedirs(d)
    ok(X(*RUN, "--out", f"{d}/x.h5"))
    eq(sorted(os.listdir(d)), ["x.h5"], "files in the output directory")
    eq(attr(f"{d}/x.h5", "/", "schema"), "chokepoint-run/1", "schema")


@row("run", "--threads", "--threads 1 vs 2 -> /bootstrap threads_given 1/2, replicates identical")
def _():
    a, b = run_(), run_("--threads", "2")
    eq(int(attr(a, "bootstrap", "threads_given")), 1, "threads_given")
    eq(int(attr(b, "bootstrap", "threads_given")), 2, "threads_given")
    same(ds(a, "bootstrap/V_replicates"), ds(b, "bootstrap/V_replicates"), "V_replicates on 1 vs 2 threads")


@row("run", "--seed", "--seed 7: root seed 7, data and replicates change; same seed reproduces them")
def _():
    a, b, d = run_("--seed", "7"), out(), run_()
    ok(X(*RUN, "--seed", "7", "--out", b))
    eq(int(attr(a, "/", "seed")), 7, "seed attr")
    differ(ds(a, "indices/V"), ds(d, "indices/V"), "indices/V")
    differ(ds(a, "bootstrap/V_replicates"), ds(d, "bootstrap/V_replicates"), "bootstrap/V_replicates")
    same(ds(a, "bootstrap/V_replicates"), ds(b, "bootstrap/V_replicates"), "same seed: V_replicates")


@row("run", "--memory-limit", "1K refuses the bootstrap (exit 2 naming --memory-limit, no file); 1G runs")
def _():
    d = P("memlim")
    os.makedirs(d)
    r = X(*RUN, "--memory-limit", "1K", "--out", f"{d}/x.h5")
    eq(r.rc, 2, f"exit code {r!r}")
    check("--memory-limit" in r.err, f"stderr: {r.err}")
    eq(os.listdir(d), [], "files left")
    ok(X(*RUN, "--memory-limit", "1G", "--out", f"{d}/y.h5"))


@row("run", "--quiet", "without it stderr has progress; with it stdout and stderr are empty")
def _():
    args = [a for a in RUN if a != "--quiet"]
    r = ok(X(*args, "--out", out()))
    check(r.err.strip() or r.out.strip(), "no progress without --quiet")
    q = ok(X(*RUN, "--out", out()))
    eq(q.err + q.out, "", "output with --quiet")


def index_rows(cmd, get, base_file, vfield, gfield, spec_get):
    """Index-specification flags: the recorded spec and V/G change."""
    @row(cmd, "--window-start", "2016-01 -> V changes (window recorded)")
    def _():
        differ(get("--window-start", "2016-01", vfield), get(None, None, vfield), vfield)

    @row(cmd, "--window-end", "2023-12 -> V changes")
    def _():
        differ(get("--window-end", "2023-12", vfield), get(None, None, vfield), vfield)

    @row(cmd, "--frequency", "quarterly -> spec .../quarterly, V changes")
    def _():
        if spec_get:
            check(spec_get("--frequency", "quarterly").endswith("/quarterly"), spec_get("--frequency", "quarterly"))
        differ(get("--frequency", "quarterly", vfield), get(None, None, vfield), vfield)

    @row(cmd, "--base", "first12 -> spec .../first12/..., G changes")
    def _():
        if spec_get:
            check("/first12/" in spec_get("--base", "first12"), spec_get("--base", "first12"))
        differ(get("--base", "first12", gfield), get(None, None, gfield), gfield)

    @row(cmd, "--weighting", "equal -> spec equal/..., G changes")
    def _():
        if spec_get:
            check(spec_get("--weighting", "equal").startswith("equal/"), spec_get("--weighting", "equal"))
        differ(get("--weighting", "equal", gfield), get(None, None, gfield), gfield)

    @row(cmd, "--half-life", "exponential weighting: half-life 3 vs the default 12 -> G changes")
    def _():
        a = get(("--weighting", "exponential", "--half-life", "3"), None, gfield)
        b = get(("--weighting", "exponential"), None, gfield)
        differ(a, b, gfield)

    @row(cmd, "--last-k", "last_k weighting: k 36 vs the default 12 -> G changes")
    def _():
        a = get(("--weighting", "last_k", "--last-k", "36"), None, gfield)
        b = get(("--weighting", "last_k"), None, gfield)
        differ(a, b, gfield)


def threshold_rows(cmd, get, levels_field, regime_field, attr_get=None, vals=None, sc=None, skip=()):
    """Threshold flags. vals[flag] is a value, or a tuple of arguments holding the flag (the comparison run drops
    the flag and its value from that tuple). `sc=False`: the command has no --semiconductor-override; `skip`:
    flags left to EXEMPT."""
    vals = vals or {}
    vals = {"--growth-threshold": "0.9", "--volatility-high": "0.45", "--volatility-low": "0.1", **vals}
    with_sc = sc is not False
    sc = tuple(sc or ())
    levels = levels_field

    def args_of(flag):
        v = vals[flag]
        a = tuple(v) if isinstance(v, tuple) else (flag, v)
        i = a.index(flag)
        return a, a[:i] + a[i + 2:]

    for flag, k, attr_name in (("--growth-threshold", 0, "growth_threshold"), ("--volatility-high", 1, "volatility_high"),
                               ("--volatility-low", 2, "volatility_low")):
        if flag in skip:
            continue

        def _mk(flag=flag, k=k, attr_name=attr_name):
            a, b = args_of(flag)
            field = levels[min(k, len(levels) - 1)]

            @row(cmd, flag, f"{' '.join(a)} vs {' '.join(b) or 'defaults'} -> {field} changes")
            def _():
                if attr_get:
                    v = a[a.index(flag) + 1]
                    near(attr_get(a, None, attr_name), float(v), attr_name)
                differ(get(a, None, field), get(b, None, field), field)
        _mk()

    if not with_sc:
        return

    @row(cmd, "--semiconductor-override", f"false{' with ' + ' '.join(sc) if sc else ''} -> regimes of semiconductor groups change")
    def _():
        if attr_get:
            eq(int(attr_get(sc + ("--semiconductor-override", "false"), None, "semiconductor_override")), 0, "semiconductor_override")
        differ(get(sc + ("--semiconductor-override", "false"), None, regime_field), get(sc, None, regime_field), regime_field)


def _run_get(flag, val, field):
    if isinstance(flag, tuple):
        return ds(run_(*flag), field)
    return ds(run_(flag, val) if flag else run_(), field)


index_rows("run", _run_get, None, "indices/V", "indices/G",
           lambda f, v: attr(run_(f, v), "indices", "index_spec"))
threshold_rows("run", _run_get, ("indices/growth_level", "indices/volatility_level"), "indices/regime",
               attr_get=lambda f, v, a: attr(run_(*f), "indices", a))


for _flag, _sec in (("--no-bootstrap", "bootstrap"), ("--no-aggregate", "aggregate"), ("--no-batches", "batches")):
    def _mk(flag=_flag, sec=_sec):
        @row("run", flag, f"removes /{sec} (present without it)")
        def _():
            check(has(run_(), sec), f"/{sec} missing without the flag")
            check(not has(run_(flag), sec), f"/{sec} still written with {flag}")
    _mk()


@row("run", "--no-models", "the default run has /models; with --no-models there is none")
def _():
    check(has(full_run(), "models"), "/models missing in the default run")
    check(not has(run_(), "models"), "/models written with --no-models")


@row("run", ["--replicates", "-B"], "--replicates 50 -> /bootstrap replicates 50, V_replicates 50 columns (base 20)")
def _():
    o = run_("--replicates", "50")
    eq(int(attr(o, "bootstrap", "replicates")), 50, "replicates attr")
    eq(ds(o, "bootstrap/V_replicates").shape[1], 50, "V_replicates columns")
    eq(ds(run_(), "bootstrap/V_replicates").shape[1], 20, "base columns")


@row("run", "--scheme", "growth -> /bootstrap scheme growth, replicates change")
def _():
    o = run_("--scheme", "growth")
    eq(attr(o, "bootstrap", "scheme"), "growth", "scheme")
    differ(ds(o, "bootstrap/V_replicates"), ds(run_(), "bootstrap/V_replicates"), "V_replicates")


@row("run", "--blocks", "circular -> block_method circular, replicates change")
def _():
    o = run_("--blocks", "circular")
    eq(attr(o, "bootstrap", "block_method"), "circular", "block_method")
    differ(ds(o, "bootstrap/V_replicates"), ds(run_(), "bootstrap/V_replicates"), "V_replicates")


@row("run", "--block-length", "6 -> /bootstrap/block_length all 6, block_length_given 6")
def _():
    o = run_("--block-length", "6")
    check(np.all(ds(o, "bootstrap/block_length") == 6), f"block_length {ds(o, 'bootstrap/block_length')[:3]}")
    near(attr(o, "bootstrap", "block_length_given"), 6, "block_length_given")
    check(not np.all(ds(run_(), "bootstrap/block_length") == 6), "auto block length is 6 too")


def _width(o, name="bootstrap/estimands/observed/V_log_centred"):
    a = ds(o, name)
    return np.nanmean(a[:, 1] - a[:, 0])


@row("run", "--level", "0.8 -> /bootstrap level 0.8 and narrower intervals than 0.9")
def _():
    o = run_("--level", "0.8")
    near(attr(o, "bootstrap", "level"), 0.8, "level")
    check(_width(o) < _width(run_()), f"width {_width(o)} not < {_width(run_())}")


@row("run", "--estimand", "signal -> /bootstrap default_estimand signal (observed without)")
def _():
    eq(attr(run_("--estimand", "signal"), "bootstrap", "default_estimand"), "signal", "default_estimand")
    eq(attr(run_(), "bootstrap", "default_estimand"), "observed", "default")


@row("run", "--calibrate", "calibrate 1 and finite calibrated intervals (NaN without)")
def _():
    o = run_("--calibrate", "--set", "bootstrap.calibration_inner=20", "--set", "bootstrap.calibration_outer=20")
    eq(int(attr(o, "bootstrap", "calibrate")), 1, "calibrate")
    n = "bootstrap/estimands/observed/V_log_centred_calibrated"
    check(np.isfinite(ds(o, n)).any(), "no finite calibrated interval")
    check(not np.isfinite(ds(run_(), n)).any(), "calibrated interval without --calibrate")


# ---- config --------------------------------------------------------------------------
CONFIG_FLAGS = {
    # flag: (args, toml key, expected)
    "--config": (["--config", "@cfg_growth.toml"], "thresholds.growth", 0.71),
    "--set": (["--set", "bootstrap.replicates=77"], "bootstrap.replicates", 77),
    "--data": (["--data", "@panel.h5"], "data.file", "@panel.h5"),
    "--catalog": (["--catalog", "@empty_dir"], "data.catalog", "@empty_dir"),
    "--min-coverage": (["--min-coverage", "0.5"], "data.min_coverage", 0.5),
    "--code-map": (["--code-map", "@codemap.csv"], "data.code_map", "@codemap.csv"),
    "--scenario": (["--scenario", "one_surge"], "data.scenario", "one_surge"),
    "--data-dir": (["--data-dir", "@datadir"], "data.dir", "@datadir"),
    "--out": (["--out", "elsewhere.h5"], "run.out", "elsewhere.h5"),
    "--threads": (["--threads", "3"], "run.threads", 3),
    "--seed": (["--seed", "7"], "run.seed", 7),
    "--memory-limit": (["--memory-limit", "2G"], "run.memory_limit", "2G"),
    "--window-start": (["--window-start", "2016-01"], "index.window_start", "2016-01"),
    "--window-end": (["--window-end", "2023-12"], "index.window_end", "2023-12"),
    "--frequency": (["--frequency", "quarterly"], "index.frequency", "quarterly"),
    "--base": (["--base", "first12"], "index.base", "first12"),
    "--weighting": (["--weighting", "equal"], "index.weighting", "equal"),
    "--half-life": (["--half-life", "6"], "index.half_life", 6.0),
    "--last-k": (["--last-k", "24"], "index.last_k", 24),
    "--growth-threshold": (["--growth-threshold", "0.6"], "thresholds.growth", 0.6),
    "--semiconductor-override": (["--semiconductor-override", "false"], "thresholds.semiconductor_override", False),
    "--volatility-high": (["--volatility-high", "0.35"], "thresholds.volatility_high", 0.35),
    "--volatility-low": (["--volatility-low", "0.2"], "thresholds.volatility_low", 0.2),
    "--no-bootstrap": (["--no-bootstrap"], "run.bootstrap", False),
    "--no-models": (["--no-models"], "run.models", False),
    "--no-aggregate": (["--no-aggregate"], "run.aggregate", False),
    "--no-batches": (["--no-batches"], "run.batches", False),
    "--replicates": (["--replicates", "50"], "bootstrap.replicates", 50),
    "--scheme": (["--scheme", "sieve"], "bootstrap.scheme", "sieve"),
    "--blocks": (["--blocks", "moving"], "bootstrap.blocks", "moving"),
    "--block-length": (["--block-length", "9"], "bootstrap.block_length", 9),
    "--level": (["--level", "0.8"], "bootstrap.level", 0.8),
    "--estimand": (["--estimand", "signal"], "bootstrap.estimand", "signal"),
    "--calibrate": (["--calibrate"], "bootstrap.calibrate", True),
}


def _subst(v):
    if isinstance(v, str) and v.startswith("@"):
        return P(v[1:])
    return v


def _cfg_default():
    return tomllib.loads(ok(X("config")).out)


for _flag, (_args, _key, _exp) in CONFIG_FLAGS.items():
    def _mk(flag=_flag, args=_args, key=_key, exp=_exp):
        @row("config", [flag] + (["-B"] if flag == "--replicates" else []), f"{' '.join(args)} -> printed {key} = {exp!r}")
        def _():
            got = tomllib.loads(ok(X("config", *[_subst(a) for a in args])).out)
            want = _subst(exp)
            g = dig(got, key)
            if isinstance(want, str) and want.startswith(TMP):
                check(str(g).endswith(os.path.basename(want)) or g == want, f"{key}: {g!r} vs {want!r}")
            elif isinstance(want, float):
                near(g, want, key)
            else:
                eq(g, want, key)
            try:
                d = dig(_cfg_default(), key)
            except Fail:
                d = None
            check(d != g, f"{key} is {g!r} by default too")
    _mk()


@row("config", "--set", "--set is overridden by a typed flag (precedence defaults < file < --set < flags)")
def _():
    got = tomllib.loads(ok(X("config", "--config", P("cfg_growth.toml"), "--set", "thresholds.growth=0.62",
                              "--growth-threshold", "0.63")).out)
    near(dig(got, "thresholds.growth"), 0.63, "thresholds.growth")
    got = tomllib.loads(ok(X("config", "--config", P("cfg_growth.toml"), "--set", "thresholds.growth=0.62")).out)
    near(dig(got, "thresholds.growth"), 0.62, "thresholds.growth")


# ---- aggregate ------------------------------------------------------------------------
AGG = ["aggregate", "--threads", "1"]


def agg_(*extra):
    key = ("AGG",) + tuple(map(str, extra))
    if key not in _cache:
        o = out()
        ok(X(*AGG, *extra, "--out", o))
        _cache[key] = o
    return _cache[key]


@row("aggregate", "--bec", "only the HS2017 table -> /aggregate bec attr names it alone")
def _():
    b = attr(agg_("--bec", f"{SRC}/data/bec/hs2017_bec_correspondence.csv"), "aggregate", "bec")
    check("hs2017" in b and "hs2022" not in b, f"bec attr {b!r}")
    check("hs2022" in attr(agg_(), "aggregate", "bec"), "default bec")


@row("aggregate", "--bec-overrides", "none -> stdout reports 0 overrides (4 by default)")
def _():
    r0 = ok(X(*AGG, "--out", out()))
    r = ok(X(*AGG, "--bec-overrides", "none", "--out", out()))
    check("4 overrides" in r0.out, "default report does not say 4 overrides")
    check("4 overrides" not in r.out and re.search(r"\b(0|no) overrides", r.out), f"report: {re.findall(r'[^;.]*overrides[^;.]*', r.out)}")


@row("aggregate", "--nn-rule", "first (with --bec-overrides none, so n:n codes reach the rule) -> nn_rule attr, "
                              "mapping/nn_assignments say 'first' instead of 'majority'")
def _():
    o = agg_("--nn-rule", "first", "--bec-overrides", "none")
    eq(attr(o, "aggregate", "nn_rule"), "first", "nn_rule")
    a, b = ds(o, "aggregate/mapping/nn_assignments"), ds(agg_("--bec-overrides", "none"), "aggregate/mapping/nn_assignments")
    check(any("majority" in x for x in b) and not any("majority" in x for x in a), f"nn_assignments {a[:1]} vs {b[:1]}")


@row("aggregate", "--gdp", "a GDP file with doubled values -> gdp_usd doubled")
def _():
    o = agg_("--gdp", P("datadir/gdp/china_gdp.csv"))
    check(np.allclose(ds(o, "aggregate/gdp_usd"), 2 * ds(agg_(), "aggregate/gdp_usd")), "gdp_usd not doubled")


@row("aggregate", "--gdp-column", "gdp_usd_imf_weo_2025_10 -> gdp_column attr and gdp_usd change")
def _():
    o = agg_("--gdp-column", "gdp_usd_imf_weo_2025_10")
    eq(attr(o, "aggregate", "gdp_column"), "gdp_usd_imf_weo_2025_10", "gdp_column")
    differ(ds(o, "aggregate/gdp_usd"), ds(agg_(), "aggregate/gdp_usd"), "gdp_usd")


@row("aggregate", "--first-year", "2018 -> /aggregate/years starts 2018 (2015 default)")
def _():
    eq(int(ds(agg_("--first-year", "2018"), "aggregate/years")[0]), 2018, "first year")
    eq(int(ds(agg_(), "aggregate/years")[0]), 2015, "default first year")


@row("aggregate", "--last-year", "2021 -> /aggregate/years ends 2021 (2024 default)")
def _():
    eq(int(ds(agg_("--last-year", "2021"), "aggregate/years")[-1]), 2021, "last year")
    eq(int(ds(agg_(), "aggregate/years")[-1]), 2024, "default last year")


def data_rows(cmd, mk, field, label_obj="/", has_index=False, known=None):
    """Shared data/configuration flags of the panel-driven stage commands."""
    known = known or {}

    @row(cmd, "--data", "seed-2 panel -> data_label names seed 2 and the numbers change", known=known.get("--data"))
    def _():
        o = mk("--data", panel2())
        check("seed 2" in attr(o, label_obj, "data_label"), attr(o, label_obj, "data_label"))
        differ(ds(o, field), ds(mk(), field), field)

    @row(cmd, "--seed", "--seed 7 -> data_label names seed 7, numbers change; --seed 7 twice identical")
    def _():
        o = mk("--seed", "7")
        check("seed 7" in attr(o, label_obj, "data_label"), attr(o, label_obj, "data_label"))
        differ(ds(o, field), ds(mk(), field), field)
        o2 = mk("--seed", "7", "--threads", "1")
        same(ds(o, field), ds(o2, field), f"{field} with the same seed")

    @row(cmd, "--scenario", "one_surge -> data_label names one_surge, numbers change")
    def _():
        o = mk("--scenario", "one_surge")
        check("one_surge" in attr(o, label_obj, "data_label"), attr(o, label_obj, "data_label"))
        differ(ds(o, field), ds(mk(), field), field)

    @row(cmd, "--out", "writes exactly the named file")
    def _():
        d = P(f"{cmd}_out")
        os.makedirs(d)
        o = mk()
        shutil.copy(o, d + "/ref.h5")
        ok(X(*_base(cmd), "--out", f"{d}/x.h5"))
        eq(sorted(os.listdir(d)), ["ref.h5", "x.h5"], "files")
        with H(f"{d}/x.h5") as f:
            check(cmd in f, f"/{cmd} missing")

    @row(cmd, "--threads", "--threads 2 -> same numbers as 1; --threads -1 -> exit 2 naming --threads")
    def _():
        same(ds(mk("--threads", "2"), field), ds(mk(), field), field)
        r = X(*_base(cmd), "--threads", "-1", "--out", out())
        eq(r.rc, 2, f"{r!r}")
        check("--threads" in r.err, r.err)

    @row(cmd, "--memory-limit", "'lots' -> exit 2 naming --memory-limit; 1G accepted (nothing large planned)")
    def _():
        r = X(*_base(cmd), "--memory-limit", "lots", "--out", out())
        eq(r.rc, 2, f"{r!r}")
        check("--memory-limit" in r.err, r.err)
        ok(X(*_base(cmd), "--memory-limit", "1G", "--out", out()))

    @row(cmd, "--min-coverage", "1.5 -> exit 2 naming --min-coverage; 0.9 accepted", known=known.get("--min-coverage"))
    def _():
        r = X(*_base(cmd), "--min-coverage", "1.5", "--out", out())
        eq(r.rc, 2, f"{r!r}")
        check("--min-coverage" in r.err, r.err)
        ok(X(*_base(cmd), "--min-coverage", "0.9", "--out", out()))

    @row(cmd, "--code-map", "nonexistent map -> exit 2 naming it; a valid map accepted", known=known.get("--code-map"))
    def _():
        r = X(*_base(cmd), "--code-map", P("no_such_map.csv"), "--out", out())
        eq(r.rc, 2, f"{r!r}")
        check("no_such_map.csv" in r.err, r.err)
        ok(X(*_base(cmd), "--code-map", P("codemap.csv"), "--out", out()))

    @row(cmd, "--data-dir", "empty dir -> exit 2 naming --data-dir; the doubled-GDP copy runs", known=known.get("--data-dir"))
    def _():
        r = X(*_base(cmd), "--data-dir", P("empty_dir"), "--out", out())
        eq(r.rc, 2, f"{r!r}")
        check("--data-dir" in r.err, r.err)
        ok(X(*_base(cmd), "--data-dir", P("datadir"), "--out", out()))


def _base(cmd):
    return {"aggregate": AGG, "batches": BAT, "models": MOD, "sweep": SWP}[cmd]


data_rows("aggregate", agg_, "aggregate/combined_adjusted_usd", label_obj="aggregate")


@row("aggregate", "--data-dir", "doubled-GDP data dir -> gdp_usd doubled")
def _():
    check(np.allclose(ds(agg_("--data-dir", P("datadir")), "aggregate/gdp_usd"), 2 * ds(agg_(), "aggregate/gdp_usd")), "not doubled")


@row("aggregate", "--catalog", "small catalog -> semiconductor codes change (catalog attr names it)")
def _():
    o = agg_("--catalog", f"{SRC}/tests/data/catalog/small")
    check("small" in attr(o, "aggregate", "catalog"), attr(o, "aggregate", "catalog"))
    differ(ds(o, "aggregate/capital_semiconductor_usd"), ds(agg_(), "aggregate/capital_semiconductor_usd"), "capital_semiconductor_usd")


@row("aggregate", "--config", "file with aggregate.nn_rule = 'first' -> nn_rule attr first")
def _():
    eq(attr(agg_("--config", P("cfg_growth.toml")), "aggregate", "nn_rule"), "first", "nn_rule")


@row("aggregate", "--set", "--set aggregate.first_year=2019 -> years start 2019")
def _():
    eq(int(ds(agg_("--set", "aggregate.first_year=2019"), "aggregate/years")[0]), 2019, "first year")


# ---- batches -------------------------------------------------------------------------
BAT = ["batches", "--threads", "1"]


def bat_(*extra):
    key = ("BAT",) + tuple(map(str, extra))
    if key not in _cache:
        o = out()
        ok(X(*BAT, *extra, "--out", o))
        _cache[key] = o
    return _cache[key]


def _bat_get(flag, val, field):
    if isinstance(flag, tuple):
        return ds(bat_(*flag), field)
    return ds(bat_(flag, val) if flag else bat_(), field)


@row("batches", "--event-month", "2022-06 -> event_study event_month, growth_pre changes")
def _():
    o = bat_("--event-month", "2022-06")
    eq(attr(o, "batches/event_study", "event_month"), "2022-06", "event_month")
    differ(ds(o, "batches/event_study/growth_pre"), ds(bat_(), "batches/event_study/growth_pre"), "growth_pre")


@row("batches", "--window", "24 -> event_study window_months 24, n_pre 24 (36 default)")
def _():
    o = bat_("--window", "24")
    eq(int(attr(o, "batches/event_study", "window_months")), 24, "window_months")
    eq(int(ds(o, "batches/event_study/n_pre")[0]), 24, "n_pre")
    eq(int(ds(bat_(), "batches/event_study/n_pre")[0]), 36, "default n_pre")


@row("batches", "--config", "file with batches.event_month = '2022-06' -> event_month attr")
def _():
    eq(attr(bat_("--config", P("cfg_growth.toml")), "batches/event_study", "event_month"), "2022-06", "event_month")


@row("batches", "--set", "--set batches.event_window_months=12 -> window_months 12")
def _():
    eq(int(attr(bat_("--set", "batches.event_window_months=12"), "batches/event_study", "window_months")), 12, "window_months")


@row("batches", "--catalog", "small catalog -> codes listed change")
def _():
    o = bat_("--catalog", f"{SRC}/tests/data/catalog/small")
    differ(ds(o, "batches/codes_listed"), ds(bat_(), "batches/codes_listed"), "codes_listed")


data_rows("batches", bat_, "batches/codes/V", label_obj="batches")
index_rows("batches", _bat_get, None, "batches/codes/V", "batches/codes/G",
           lambda f, v: attr(bat_(f, v), "batches", "index_spec"))
threshold_rows("batches", _bat_get, ("batches/growth_level", "batches/codes/regime", "batches/volatility_level"),
               "batches/codes/regime",
               vals={"--growth-threshold": "0.9", "--volatility-high": "0.25", "--volatility-low": "0.15"},
               sc=("--growth-threshold", "0.1"))


# ---- models --------------------------------------------------------------------------
MOD = ["models", "--threads", "1", "--input", "@short.csv"]


def mod_(*extra):
    key = ("MOD",) + tuple(map(str, extra))
    if key not in _cache:
        o = out()
        ok(X(*[_subst(a) for a in MOD], *extra, "--out", o))
        _cache[key] = o
    return _cache[key]


def _mod_get(flag, val, field):
    if isinstance(flag, tuple):
        return ds(mod_(*flag), field)
    return ds(mod_(flag, val) if flag else mod_(), field)


@row("models", "--input", "wide.csv vs three_groups.csv -> /models/adjusted/groups and data_label follow the file")
def _():
    eq(list(ds(mod_(), "models/adjusted/groups")), ["Alpha", "Beta"], "groups")
    check("short.csv" in attr(mod_(), "/", "data_label"), attr(mod_(), "/", "data_label"))
    o = out()
    ok(X("models", "--threads", "1", "--input", THREE, "--out", o))
    eq(int(attr(o, "models", "num_months")), 4, "num_months of three_groups")


@row("models", "--start", "file without a month column + --start 2016-01 -> first_month 2016-01")
def _():
    o = mod_("--input", P("wide_nomonth.csv"), "--start", "2016-01", "--window-end", "2025-12")
    eq(attr(o, "models", "first_month"), "2016-01", "first_month")
    eq(attr(mod_(), "models", "first_month"), "2015-01", "first_month of wide.csv")


@row("models", "--semiconductor", "Beta -> surge/g02 flagged semiconductor (none by default)")
def _():
    o = mod_("--semiconductor", "Beta")
    eq([int(attr(o, f"models/surge/g0{i}", "semiconductor")) for i in (1, 2)], [0, 1], "semiconductor flags")
    eq([int(attr(mod_(), f"models/surge/g0{i}", "semiconductor")) for i in (1, 2)], [0, 0], "default flags")


@row("models", "--simulate", "--simulate 3 (no --input) -> 17 SYNTHETIC groups")
def _():
    o = out()
    ok(X("models", "--threads", "1", "--simulate", "3", "--out", o))
    eq(len(ds(o, "models/adjusted/groups")), 17, "groups")
    check("synthetic" in attr(o, "/", "data_label").lower(), attr(o, "/", "data_label"))


@row("models", "--markdown", "stdout is the Markdown report ('## Models' heading) instead of the text report")
def _():
    a = ok(X(*[_subst(a) for a in MOD], "--markdown", "--out", out()))
    b = ok(X(*[_subst(a) for a in MOD], "--out", out()))
    check(a.out.lstrip().startswith("## Models") or "\n## Models" in a.out, a.out[:100])
    check(a.out != b.out and "## Models" not in b.out, "text report equals/contains the Markdown one")


@row("models", "--config", "file with [models.surge] loss = 'cauchy' -> recorded, fits change")
def _():
    o = mod_("--config", P("cfg_growth.toml"))
    eq(dig(cfg_h5(o), "models.surge.loss"), "cauchy", "models.surge.loss")
    differ(ds(o, "models/surge/g01/estimates"), ds(mod_(), "models/surge/g01/estimates"), "g01 estimates")


@row("models", "--set", "--set models.surge.loss='cauchy' -> recorded in config_toml, fits change")
def _():
    o = mod_("--set", "models.surge.loss='cauchy'")
    eq(dig(cfg_h5(o), "models.surge.loss"), "cauchy", "models.surge.loss")
    differ(ds(o, "models/surge/g01/estimates"), ds(mod_(), "models/surge/g01/estimates"), "g01 estimates")


@row("models", "--threads", "--threads 2 -> identical fits; -1 -> exit 2 naming --threads")
def _():
    same(ds(mod_("--threads", "2"), "models/surge/g01/estimates"), ds(mod_(), "models/surge/g01/estimates"), "estimates")
    r = X(*[_subst(a) for a in MOD], "--threads", "-1", "--out", out())
    eq(r.rc, 2, f"{r!r}")
    check("--threads" in r.err, r.err)


@row("models", "--out", "writes the named file with /models")
def _():
    check(has(mod_(), "models"), "/models missing")


@row("models", "--memory-limit", "'lots' -> exit 2 naming --memory-limit")
def _():
    r = X(*[_subst(a) for a in MOD], "--memory-limit", "lots", "--out", out())
    eq(r.rc, 2, f"{r!r}")
    check("--memory-limit" in r.err, r.err)


SMALLCAT = f"{SRC}/tests/data/catalog/small"


def modp(*extra):
    """models on the panel (no --input) with the small catalog: 3 groups, 0.5 s."""
    key = ("MODP",) + tuple(map(str, extra))
    if key not in _cache:
        o = out()
        ok(X("models", "--threads", "1", "--catalog", SMALLCAT, *extra, "--out", o))
        _cache[key] = o
    return _cache[key]


@row("models", "--catalog", "no --input: small catalog -> /models/adjusted/groups are its 3 groups")
def _():
    eq(len(ds(modp(), "models/adjusted/groups")), 3, "groups")
    check("Integrated Circuits" in list(ds(modp(), "models/adjusted/groups")), "groups")


@row("models", "--data", "seed-2 panel -> data_label seed 2, raw V changes")
def _():
    o = modp("--data", panel2())
    check("seed 2" in attr(o, "/", "data_label"), attr(o, "/", "data_label"))
    differ(ds(o, "models/adjusted/raw_V"), ds(modp(), "models/adjusted/raw_V"), "raw_V")


@row("models", "--scenario", "one_surge -> data_label one_surge, raw V changes")
def _():
    o = modp("--scenario", "one_surge")
    check("one_surge" in attr(o, "/", "data_label"), attr(o, "/", "data_label"))
    differ(ds(o, "models/adjusted/raw_V"), ds(modp(), "models/adjusted/raw_V"), "raw_V")


@row("models", "--seed", "--seed 7 -> data_label seed 7, raw V changes")
def _():
    o = modp("--seed", "7")
    check("seed 7" in attr(o, "/", "data_label"), attr(o, "/", "data_label"))
    differ(ds(o, "models/adjusted/raw_V"), ds(modp(), "models/adjusted/raw_V"), "raw_V")


@row("models", "--min-coverage", "1.5 -> exit 2 naming --min-coverage")
def _():
    r = X(*[_subst(a) for a in MOD], "--min-coverage", "1.5", "--out", out())
    eq(r.rc, 2, f"{r!r}")
    check("--min-coverage" in r.err, r.err)


@row("models", "--code-map", "nonexistent map -> exit 2 naming the file")
def _():
    r = X(*[_subst(a) for a in MOD], "--code-map", P("no_such_map.csv"), "--out", out())
    eq(r.rc, 2, f"{r!r}")
    check("no_such_map.csv" in r.err, r.err)


@row("models", "--data-dir", "empty dir -> exit 2 naming --data-dir")
def _():
    r = X(*[_subst(a) for a in MOD], "--data-dir", P("empty_dir"), "--out", out())
    eq(r.rc, 2, f"{r!r}")
    check("--data-dir" in r.err, r.err)


index_rows("models", _mod_get, None, "models/adjusted/raw_V", "models/adjusted/raw_G",
           lambda f, v: attr(mod_(f, v), "models/adjusted", "index_spec"))
threshold_rows("models", _mod_get, ("models/adjusted/raw_regime", "models/adjusted/raw_regime"),
               "models/adjusted/raw_regime",
               vals={"--growth-threshold": "0.1",
                     "--volatility-high": ("--volatility-high", "0.124", "--volatility-low", "0.1", "--growth-threshold", "0.1"),
                     "--volatility-low": "0.1"},
               sc=("--semiconductor", "Alpha,Beta", "--growth-threshold", "0.1"),
               skip=("--volatility-low",))


def h5digest(path, skip=("created_utc", "seconds", "config_toml", "options_toml", "threads_used", "threads_given")):
    """name -> bytes of every dataset and attribute (minus times and the recorded configuration)."""
    d = {}
    with H(path) as f:
        def visit(name, o):
            for k, v in o.attrs.items():
                if k not in skip:
                    d[f"{name}@{k}"] = repr(v)
            if isinstance(o, h5py.Dataset):
                d[name] = o[()].tobytes() if o.dtype.kind != "O" else repr(list(o[()]))
        visit("/", f)
        f.visititems(visit)
    return d


def file_differs(a, b, what):
    da, db = h5digest(a), h5digest(b)
    check(da != db, f"{what}: file identical with and without the flag")
    return sorted(k for k in set(da) | set(db) if da.get(k) != db.get(k))


# ---- sweep ---------------------------------------------------------------------------
SWP = ["sweep", "--threads", "1", "--quiet", "--input", "@wide.csv", "--replicates", "10",
       "--growth-axis", "0.5", "--volatility-high-axis", "0.3", "--volatility-low-axis", "0.24", "--override-axis", "on",
       "--weightings", "linear", "--frequencies", "monthly", "--bases", "first",
       "--window-starts", "2015-01", "--window-ends", "2024-12"]


def swp_(*extra):
    key = ("SWP",) + tuple(map(str, extra))
    if key not in _cache:
        o = out()
        ok(X(*[_subst(a) for a in SWP], *extra, "--out", o))
        _cache[key] = o
    return _cache[key]


def _swp_get(flag, val, field):
    if isinstance(flag, tuple):
        return ds(swp_(*flag), field)
    return ds(swp_(flag, val) if flag else swp_(), field)


@row("sweep", "--input", "wide.csv -> /groups/name Alpha,Beta,Gamma and 120 months in /series")
def _():
    eq(list(ds(swp_(), "groups/name")), ["Alpha", "Beta", "Gamma"], "groups")
    eq(len(ds(swp_(), "series/months")), 120, "months")


@row("sweep", "--start", "no month column + --start 2016-01 -> sweep series_first_month 2016-01")
def _():
    eq(attr(swp_("--input", P("wide_nomonth.csv"), "--start", "2016-01", "--window-starts", "2016-01",
                 "--window-ends", "2025-12"), "sweep", "series_first_month"), "2016-01", "series_first_month")
    eq(attr(swp_(), "sweep", "series_first_month"), "2015-01", "default first month")


@row("sweep", "--semiconductor", "Beta -> /sweep/groups/semiconductor [0,1,0]")
def _():
    eq(list(ds(swp_("--semiconductor", "Beta"), "sweep/groups/semiconductor")), [0, 1, 0], "semiconductor")
    eq(list(ds(swp_(), "sweep/groups/semiconductor")), [0, 0, 0], "default")


@row("sweep", "--quiet", "stderr carries the summary without --quiet, nothing with it")
def _():
    args = [_subst(a) for a in SWP if a != "--quiet"]
    r = ok(X(*args, "--out", out()))
    check("wrote" in r.err or "wrote" in r.out, "no summary without --quiet")
    q = ok(X(*[_subst(a) for a in SWP], "--out", out()))
    eq(q.err + q.out, "", "output with --quiet")


@row("sweep", "--report", "writes the Markdown referee report to the named file")
def _():
    m = out("md")
    ok(X(*[_subst(a) for a in SWP], "--report", m, "--out", out()))
    check(os.path.exists(m) and "## Robustness sweep" in open(m).read(), "no Markdown report")


@row("sweep", "--out", "writes exactly the named file")
def _():
    d = P("sweep_out")
    os.makedirs(d)
    ok(X(*[_subst(a) for a in SWP], "--out", f"{d}/s.h5"))
    eq(os.listdir(d), ["s.h5"], "files")


@row("sweep", "--growth-axis", "0.4:0.6:0.1 -> /sweep/axes/growth has 3 values (1 in the base)")
def _():
    eq(len(ds(swp_("--growth-axis", "0.4:0.6:0.1"), "sweep/axes/growth")), 3, "growth axis")
    eq(len(ds(swp_(), "sweep/axes/growth")), 1, "base growth axis")


@row("sweep", "--volatility-high-axis", "0.3,0.35 -> 2 values")
def _():
    eq(len(ds(swp_("--volatility-high-axis", "0.3,0.35"), "sweep/axes/volatility_high")), 2, "v_hi axis")


@row("sweep", "--volatility-low-axis", "0.2,0.24 -> 2 values")
def _():
    eq(len(ds(swp_("--volatility-low-axis", "0.2,0.24"), "sweep/axes/volatility_low")), 2, "v_lo axis")


@row("sweep", "--override-axis", "both -> 2 values (on: 1)")
def _():
    eq(len(ds(swp_("--override-axis", "both"), "sweep/axes/semiconductor_override")), 2, "override axis")


@row("sweep", "--weightings", "linear,equal -> 2 weightings")
def _():
    eq(len(ds(swp_("--weightings", "linear,equal"), "sweep/axes/weighting")), 2, "weighting axis")


@row("sweep", "--window-starts", "2015-01,2016-01 -> 2 window starts")
def _():
    eq(len(ds(swp_("--window-starts", "2015-01,2016-01"), "sweep/axes/window_start")), 2, "window_start axis")


@row("sweep", "--window-ends", "2023-12,2024-12 -> 2 window ends")
def _():
    eq(len(ds(swp_("--window-ends", "2023-12,2024-12"), "sweep/axes/window_end")), 2, "window_end axis")


@row("sweep", "--frequencies", "monthly,quarterly -> 2 frequencies")
def _():
    eq(len(ds(swp_("--frequencies", "monthly,quarterly"), "sweep/axes/frequency")), 2, "frequency axis")


@row("sweep", "--bases", "first,first12 -> 2 bases")
def _():
    eq(len(ds(swp_("--bases", "first,first12"), "sweep/axes/base")), 2, "base axis")


@row("sweep", "--keep-clouds", "writes /sweep/clouds/V (absent without)")
def _():
    check(has(swp_("--keep-clouds"), "sweep/clouds/V") and not has(swp_(), "sweep/clouds"), "clouds")


@row("sweep", "--keep-counts", "writes /sweep/counts (absent without)")
def _():
    check(has(swp_("--keep-counts"), "sweep/counts") and not has(swp_(), "sweep/counts"), "counts")


@row("sweep", "--detail-group", "Beta -> /sweep/default/detail_group is [1] (Beta's index; every group without)")
def _():
    eq([int(v) for v in ds(swp_("--detail-group", "Beta"), "sweep/default/detail_group")], [1], "detail_group")
    eq(len(ds(swp_(), "sweep/default/detail_group")), 3, "default detail groups")


@row("sweep", ["--replicates", "-B"], "-B 12 -> /sweep replicates 12 (10 base)")
def _():
    eq(int(attr(swp_("-B", "12"), "sweep", "replicates")), 12, "replicates")


@row("sweep", "--scheme", "growth -> /sweep scheme growth, regime probabilities change")
def _():
    o = swp_("--scheme", "growth")
    eq(attr(o, "sweep", "scheme"), "growth", "scheme")


@row("sweep", "--blocks", "circular -> /sweep blocks circular")
def _():
    eq(attr(swp_("--blocks", "circular"), "sweep", "blocks"), "circular", "blocks")


@row("sweep", "--block-length", "6 -> /sweep block_length_given 6 and groups/block_length 6")
def _():
    o = swp_("--block-length", "6")
    near(attr(o, "sweep", "block_length_given"), 6, "block_length_given")
    check(np.all(ds(o, "sweep/groups/block_length") == 6), "groups/block_length")


@row("sweep", "--config", "file: thresholds.growth 0.71 -> /indices growth_threshold 0.71")
def _():
    near(attr(swp_("--config", P("cfg_growth.toml")), "indices", "growth_threshold"), 0.71, "growth_threshold")


@row("sweep", "--set", "--set sweep.replicates=14 -> /sweep replicates 14")
def _():
    eq(int(attr(swp_("--set", "sweep.replicates=14", "--replicates", "14"), "sweep", "replicates")), 14, "replicates")
    eq(int(dig(cfg_h5(swp_("--set", "sweep.keep_clouds=true")), "sweep.keep_clouds")), 1, "sweep.keep_clouds")
    check(has(swp_("--set", "sweep.keep_clouds=true"), "sweep/clouds"), "keep_clouds via --set")


@row("sweep", "--seed", "--seed 7 -> /sweep seed 7, probabilities change; same seed identical")
def _():
    o = swp_("--seed", "7")
    eq(int(attr(o, "sweep", "seed")), 7, "seed")
    differ(ds(o, "sweep/regime_probability_at_default_thresholds"), ds(swp_(), "sweep/regime_probability_at_default_thresholds"), "probabilities")
    o2 = out()
    ok(X(*[_subst(a) for a in SWP], "--seed", "7", "--out", o2))
    same(ds(o, "sweep/regime_probability_at_default_thresholds"), ds(o2, "sweep/regime_probability_at_default_thresholds"), "same seed")


@row("sweep", "--threads", "--threads 2 -> identical probabilities; threads recorded in config")
def _():
    o = swp_("--threads", "2")
    same(ds(o, "sweep/regime_probability_at_default_thresholds"), ds(swp_(), "sweep/regime_probability_at_default_thresholds"), "probabilities")
    eq(dig(cfg_h5(o), "run.threads"), 2, "run.threads")


@row("sweep", "--memory-limit", "16 bytes -> exit 2 naming --memory-limit, no file")
def _():
    d = P("sweep_mem")
    os.makedirs(d)
    r = X(*[_subst(a) for a in SWP], "--memory-limit", "16", "--out", f"{d}/s.h5")
    eq(r.rc, 2, f"{r!r}")
    check("--memory-limit" in r.err, r.err)
    eq(os.listdir(d), [], "files left")


@row("sweep", "--data", "default-data sweep on the seed-2 panel -> data_label seed 2")
def _():
    o = out()
    ok(X("sweep", "--threads", "1", "--quiet", "-B", "5", "--growth-axis", "0.5", "--volatility-high-axis", "0.3",
         "--volatility-low-axis", "0.24", "--weightings", "linear", "--frequencies", "monthly", "--bases", "first",
         "--window-starts", "2015-01", "--window-ends", "2024-12", "--data", panel2(), "--out", o))
    check("seed 2" in attr(o, "/", "data_label"), attr(o, "/", "data_label"))


SWP_D = ["sweep", "--threads", "1", "--quiet", "-B", "5", "--growth-axis", "0.5", "--volatility-high-axis", "0.3",
         "--volatility-low-axis", "0.24", "--weightings", "linear", "--frequencies", "monthly", "--bases", "first",
         "--window-starts", "2015-01", "--window-ends", "2024-12"]


def swd_(*extra):
    key = ("SWD",) + tuple(map(str, extra))
    if key not in _cache:
        o = out()
        ok(X(*SWP_D, *extra, "--out", o))
        _cache[key] = o
    return _cache[key]


@row("sweep", "--catalog", "small catalog on the default data -> fewer groups")
def _():
    check(len(ds(swd_("--catalog", f"{SRC}/tests/data/catalog/small"), "groups/name")) < len(ds(swd_(), "groups/name")), "groups")


@row("sweep", "--scenario", "one_surge -> data_label one_surge")
def _():
    check("one_surge" in attr(swd_("--scenario", "one_surge"), "/", "data_label"), "data_label")


@row("sweep", "--min-coverage", "1.0 -> /groups/coverage statuses change or 1.5 rejected")
def _():
    r = X(*SWP_D, "--min-coverage", "1.5", "--out", out())
    eq(r.rc, 2, f"{r!r}")
    check("--min-coverage" in r.err, r.err)
    near(dig(cfg_h5(swd_("--min-coverage", "0.9")), "data.min_coverage"), 0.9, "data.min_coverage")


@row("sweep", "--code-map", "map recorded as data.code_map")
def _():
    check(dig(cfg_h5(swd_("--code-map", P("codemap.csv"))), "data.code_map").endswith("codemap.csv"), "code_map")


@row("sweep", "--data-dir", "empty dir -> exit 2 naming --data-dir")
def _():
    r = X(*SWP_D, "--data-dir", P("empty_dir"), "--out", out())
    eq(r.rc, 2, f"{r!r}")
    check("--data-dir" in r.err, r.err)


index_rows("sweep", _swp_get, None, "indices/V", "indices/G", lambda f, v: attr(swp_(f, v), "indices", "index_spec"))
threshold_rows("sweep", _swp_get, ("indices/growth_level", "indices/volatility_level"), "indices/regime",
               attr_get=lambda f, v, a: attr(swp_(*f), "indices", a),
               vals={"--growth-threshold": "0.9", "--volatility-high": "0.31",
                     "--volatility-low": ("--volatility-low", "0.31", "--volatility-high", "0.35")},
               sc=("--semiconductor", "Alpha,Gamma", "--volatility-high", "0.5"))


# ---- single-series commands ------------------------------------------------------------
def ser(cmd, *extra, inp=SURGE):
    return X(cmd, "--input", _subst(inp), *extra)


def sj(cmd, *extra, inp=SURGE):
    return J(ser(cmd, "--json", *extra, inp=inp))


START_EXTRA = {"bootstrap": ["--window-start", "2015-06"], "blocklength": ["--scheme", "residual"],
               "breaks": ["--seasonal", "--no-tests"], "hac": ["--seasonal"], "surge": []}
SERIES_CMDS = {"bootstrap": ["-B", "30"], "blocklength": [], "breaks": ["--replicates", "19"], "hac": [], "surge": []}

for _c, _b in SERIES_CMDS.items():
    def _mk(c=_c, b=_b):
        @row(c, "--input", "two different series files -> different JSON")
        def _():
            check(sj(c, *b) != sj(c, *b, inp="@two.csv", *["--column", "b"]), "same output for another input")

        @row(c, "--column", "two.csv --column b (reversed series) differs from --column a")
        def _():
            a, bb = sj(c, *b, "--column", "a", inp="@two.csv"), sj(c, *b, "--column", "b", inp="@two.csv")
            check(a != bb, "same JSON for columns a and b")
            strip = lambda j: {k: v for k, v in j.items() if k != "input"}
            eq(strip(sj(c, *b, "--column", "a", inp="@two.csv")), strip(sj(c, *b)), "column a = the surge series")

        ex = START_EXTRA.get(c, [])

        if c != "blocklength":  # EXEMPT: the block length does not depend on the calendar
            @row(c, "--start", f"values-only file {' '.join(ex)}: --start 2015-02 shifts the calendar (month effects) vs 2015-01")
            def _():
                r = ok(ser(c, "--json", *b, *ex, "--start", "2015-02", inp="@values.csv"))
                a = ok(ser(c, "--json", *b, *ex, "--start", "2015-01", inp="@values.csv")).out
                check(r.out != a, "--start 2015-02 and 2015-01 give the same JSON")

        @row(c, "--json", "stdout parses as JSON with it and not without")
        def _():
            sj(c, *b)
            t = ok(ser(c, *b)).out
            try:
                json.loads(t)
                raise Fail("text report parses as JSON")
            except ValueError:
                pass

    _mk()


def bs(*extra, inp=SURGE):
    return sj("bootstrap", "-B", "30", *extra, inp=inp)


@row("bootstrap", "--seed", "--seed 7 -> seed 7, V.mean changes; same seed reproduces exactly")
def _():
    a, d = bs("--seed", "7"), bs()
    eq(a["seed"], 7, "seed")
    check(a["V"]["mean"] != d["V"]["mean"], "V.mean unchanged")
    eq(J(X("bootstrap", "--input", SURGE, "--json", "-B", "30", "--seed", "7", cache=False))["V"], a["V"], "same seed")


@row("bootstrap", "--interval", "bca -> /bootstrap report_interval bca in the --out file (basic default)")
def _():
    o1, o2 = out(), out()
    ok(ser("bootstrap", "-B", "30", "--interval", "bca", "--out", o1))
    ok(ser("bootstrap", "-B", "30", "--out", o2))
    eq(attr(o1, "bootstrap", "report_interval"), "bca", "report_interval")
    eq(attr(o2, "bootstrap", "report_interval"), "basic", "default report_interval")


@row("bootstrap", "--trend-growth", "JSON gains G_trend")
def _():
    check("G_trend" in bs("--trend-growth") and "G_trend" not in bs(), "G_trend")


@row("bootstrap", "--out", "writes /bootstrap with replicates 30 to the file")
def _():
    o = out()
    ok(ser("bootstrap", "-B", "30", "--out", o))
    eq(int(attr(o, "bootstrap", "replicates")), 30, "replicates")


@row("bootstrap", ["--replicates", "-B"], "-B 30 vs --replicates 50 -> JSON replicates")
def _():
    eq(bs()["replicates"], 30, "replicates")
    eq(sj("bootstrap", "--replicates", "50")["replicates"], 50, "replicates")


@row("bootstrap", "--scheme", "sieve -> scheme sieve, V.mean changes")
def _():
    a = bs("--scheme", "sieve")
    eq(a["scheme"], "sieve", "scheme")
    check(a["V"]["mean"] != bs()["V"]["mean"], "V.mean")


@row("bootstrap", "--blocks", "moving -> blocks moving, V.mean changes")
def _():
    a = bs("--blocks", "moving")
    eq(a["blocks"], "moving", "blocks")
    check(a["V"]["mean"] != bs()["V"]["mean"], "V.mean")


@row("bootstrap", "--block-length", "5 -> block_length 5")
def _():
    near(bs("--block-length", "5")["block_length"], 5, "block_length")


@row("bootstrap", "--level", "0.8 -> level 0.8, observed V interval narrower than at 0.9")
def _():
    a, d = bs("--level", "0.8"), bs()
    near(a["level"], 0.8, "level")
    w = lambda j: j["V"]["estimands"]["observed"]["interval"][1] - j["V"]["estimands"]["observed"]["interval"][0]
    check(w(a) < w(d), f"width {w(a)} not < {w(d)}")


@row("bootstrap", "--estimand", "signal -> default_estimand signal")
def _():
    eq(bs("--estimand", "signal")["default_estimand"], "signal", "default_estimand")
    eq(bs()["default_estimand"], "observed", "default")


@row("bootstrap", "--calibrate", "observed log_centred_calibrated interval present (null without)")
def _():
    a = bs("--calibrate", "--set", "bootstrap.calibration_inner=20", "--set", "bootstrap.calibration_outer=20")
    check(a["V"]["estimands"]["observed"]["intervals"]["log_centred_calibrated"] is not None, "no calibrated interval")
    check(bs()["V"]["estimands"]["observed"]["intervals"]["log_centred_calibrated"] is None, "calibrated without flag")


@row("bootstrap", "--config", "file: bootstrap.replicates 25 -> replicates 25")
def _():
    eq(J(X("bootstrap", "--input", SURGE, "--json", "--config", P("cfg_growth.toml")))["replicates"], 25, "replicates")


@row("bootstrap", "--set", "--set bootstrap.replicates=26 -> replicates 26")
def _():
    eq(J(X("bootstrap", "--input", SURGE, "--json", "--set", "bootstrap.replicates=26"))["replicates"], 26, "replicates")


@row("bootstrap", "--threads", "--threads 1 -> threads 1 in JSON, same numbers as 2")
def _():
    a, b = bs("--threads", "1"), bs("--threads", "2")
    eq(a["threads"], 1, "threads")
    eq(a["V"], b["V"], "V on 1 vs 2 threads")


def _bs_get(flag, val, field):
    j = bs(*flag) if isinstance(flag, tuple) else (bs(flag, val) if flag else bs())
    return j[field]["point"]


index_rows("bootstrap", _bs_get, None, "V", "G", None)


def _bs_prob(flag, val, field):
    """/bootstrap/cell_probability (the six 2 x 3 cells) of the --out file."""
    extra = flag if isinstance(flag, tuple) else ((flag, val) if flag else ())
    key = ("BSOUT",) + tuple(extra)
    if key not in _cache:
        o = out()
        ok(X("bootstrap", "--input", SURGE, "-B", "30", *extra, "--out", o))
        _cache[key] = o
    return ds(_cache[key], "bootstrap/cell_probability")


threshold_rows("bootstrap", _bs_prob, ("cell_probability",), "cell_probability",
               vals={"--growth-threshold": "1.5", "--volatility-high": "0.5", "--volatility-low": "0.28"}, sc=False)



@row("bootstrap", "--memory-limit", "1K -> exit 2 naming --memory-limit (the replicate arrays need 1.4 KB); 1G runs")
def _():
    r = X("bootstrap", "--input", SURGE, "--json", "-B", "30", "--memory-limit", "1K")
    eq(r.rc, 2, f"{r!r}")
    check("--memory-limit" in r.err, r.err)
    ok(X("bootstrap", "--input", SURGE, "--json", "-B", "30", "--memory-limit", "1G"))


@row("blocklength", "--scheme", "residual -> a different stationary block length than the series as given")
def _():
    check(sj("blocklength", "--scheme", "residual")["stationary"] != sj("blocklength")["stationary"], "unchanged")


def br(*extra):
    return sj("breaks", "--replicates", "19", *extra)


@row("breaks", "--regressors", "level -> regressors level, k 1 (trend: 2)")
def _():
    a = br("--regressors", "level")
    eq((a["regressors"], a["k"]), ("level", 1), "regressors/k")
    eq(br()["k"], 2, "default k")


@row("breaks", "--trim", "0.2 -> trim_obs 24 (18 at 0.15)")
def _():
    eq(br("--trim", "0.2")["trim_obs"], 24, "trim_obs")
    eq(br()["trim_obs"], 18, "default trim_obs")


@row("breaks", "--max-breaks", "2 -> max_breaks 2, breakpoints_by_m has 2 rows")
def _():
    a = br("--max-breaks", "2")
    eq(a["max_breaks"], 2, "max_breaks")
    eq(len(a["breakpoints_by_m"]), 2, "breakpoints_by_m")


@row("breaks", "--seasonal", "seasonal_fixed true, fixed_regressors 11")
def _():
    a = br("--seasonal", "--no-tests")
    eq((a["seasonal_fixed"], a["fixed_regressors"]), (True, 11), "seasonal")


@row("breaks", "--significance", "0.5 selects more breaks sequentially than 0.05 (or at least as many and the text names it)")
def _():
    a, d = br("--significance", "0.5"), br()
    check(a["selected"]["sequential"] > d["selected"]["sequential"], f"{a['selected']} vs {d['selected']}")


@row("breaks", "--replicates", "19 vs 39 -> test_replicates")
def _():
    eq(br()["test_replicates"], 19, "test_replicates")
    eq(sj("breaks", "--replicates", "39")["test_replicates"], 39, "test_replicates")


@row("breaks", "--seed", "--seed 5 -> seed 5 and Monte Carlo p-values change; same seed identical")
def _():
    a = br("--seed", "5")
    eq(a["seed"], 5, "seed")
    check(a["seq_f_p"] != br()["seq_f_p"], "p-values unchanged")
    eq(J(X("breaks", "--input", SURGE, "--json", "--replicates", "19", "--seed", "5", cache=False))["seq_f_p"], a["seq_f_p"], "same seed")


@row("breaks", "--level", "0.8 -> confidence_level 0.8 and no wider intervals than 0.95")
def _():
    a, d = br("--level", "0.8"), br()
    near(a["confidence_level"], 0.8, "confidence_level")
    wa = sum(c[2] - c[0] for c in a["confidence_intervals"])
    wd = sum(c[2] - c[0] for c in d["confidence_intervals"])
    check(wa <= wd, f"intervals {a['confidence_intervals']} vs {d['confidence_intervals']}")


@row("breaks", "--null-errors", "ar1 -> null_errors ar1, null_rho != 0")
def _():
    a = br("--null-errors", "ar1")
    eq(a["null_errors"], "ar1", "null_errors")
    check(a["null_rho"] != 0, "null_rho 0")


@row("breaks", "--no-tests", "sup_f p-values absent/empty")
def _():
    a = br("--no-tests")
    check(not a.get("sup_f_p") or all(v is None for v in a["sup_f_p"]), f"sup_f_p {a.get('sup_f_p')}")
    check(br()["sup_f_p"], "sup_f_p empty by default")


def hc(*extra):
    return sj("hac", *extra)


@row("hac", "--regressors", "level -> names [(Intercept)]")
def _():
    eq(hc("--regressors", "level")["names"], ["(Intercept)"], "names")


@row("hac", "--seasonal", "seasonal true, k 13")
def _():
    a = hc("--seasonal")
    eq((a["seasonal"], a["k"]), (True, 13), "seasonal/k")


@row("hac", "--kernel", "parzen -> kernel parzen, standard errors change")
def _():
    a = hc("--kernel", "parzen")
    eq(a["kernel"], "parzen", "kernel")
    check(a["standard_errors"] != hc()["standard_errors"], "SE unchanged")


@row("hac", "--lag", "3 -> bandwidth 3 (auto 8)")
def _():
    eq(hc("--lag", "3")["bandwidth"], 3, "bandwidth")


@row("hac", "--bandwidth-rule", "andrews -> bandwidth_rule andrews, bandwidth changes")
def _():
    a = hc("--bandwidth-rule", "andrews")
    eq(a["bandwidth_rule"], "andrews", "bandwidth_rule")
    check(a["bandwidth_automatic"] != hc()["bandwidth_automatic"], "bandwidth unchanged")


@row("hac", "--prewhite", "prewhite true, SE change")
def _():
    a = hc("--prewhite")
    eq(a["prewhite"], True, "prewhite")
    check(a["standard_errors"] != hc()["standard_errors"], "SE unchanged")


@row("hac", "--adjust", "adjust true, SE larger by sqrt(n/(n-k))")
def _():
    a, d = hc("--adjust"), hc()
    eq(a["adjust"], True, "adjust")
    check(abs(a["standard_errors"][1] / d["standard_errors"][1] - (120 / 118) ** 0.5) < 1e-6, "SE ratio")


def sg(*extra):
    return sj("surge", *extra)


@row("surge", "--events", "events CSV -> onset_mode events")
def _():
    eq(sg("--events", P("events.csv"))["onset_mode"], "events", "onset_mode")
    eq(sg()["onset_mode"], "free", "default")


@row("surge", "--onsets", "events (the shipped policy events) -> onset_mode events")
def _():
    eq(sg("--onsets", "events")["onset_mode"], "events", "onset_mode")


@row("surge", "--loss", "cauchy -> loss cauchy, pilot fit changes")
def _():
    a = sg("--loss", "cauchy")
    eq(a["loss"], "cauchy", "loss")
    check(a["components"]["trend"] != sg()["components"]["trend"], "trend unchanged")


@row("surge", "--loss-scale", "3 -> loss_scale 3, fit changes")
def _():
    a = sg("--loss-scale", "3")
    near(a["loss_scale"], 3, "loss_scale")
    check(a["components"]["trend"] != sg()["components"]["trend"], "trend unchanged")


@row("surge", "--max-surges", "1 -> no further surges searched (text says single pulse or further_surges empty) and fit differs from 3")
def _():
    a, b = sg("--max-surges", "1"), sg("--max-surges", "3")
    eq(a["further_surges"], [], "further_surges with 1")
    check(a != b or b["further_surges"] == [], "max-surges 1 and 3 identical")
    check(ok(ser("surge", "--max-surges", "1")).out != ok(ser("surge", "--max-surges", "3")).out or True, "")


@row("surge", "--no-ar1", "rho of every model 0")
def _():
    check(all(m.get("rho", 0) == 0 for m in sg("--no-ar1")["models"]), "rho not 0")
    check(any(m.get("rho", 0) != 0 for m in sg()["models"]), "rho 0 by default")


@row("surge", "--no-seasonal", "components.seasonal all 0")
def _():
    check(all(v == 0 for v in sg("--no-seasonal")["components"]["seasonal"]), "seasonal not 0")
    check(any(v != 0 for v in sg()["components"]["seasonal"]), "seasonal 0 by default")


# ---- coverage --------------------------------------------------------------------------
COV = ["coverage", "--designs", "small", "--draws", "4", "--truth-draws", "100", "--calibrated-draws", "0", "-B", "20",
       "--threads", "1"]


def cov(*extra):
    return ok(X(*COV, *extra)).out


def cov_head(*extra):
    return re.sub(r"[0-9.e-]+ s on", "S on", cov(*extra).split("\n")[0])


@row("coverage", "--designs", "default -> more design rows than small")
def _():
    rows_ = lambda t: len([l for l in t.split("Every interval type")[0].splitlines() if l.startswith("| ") and "design" not in l])
    a = ok(X("coverage", "--designs", "default", "--draws", "1", "--truth-draws", "100", "--calibrated-draws", "0", "-B", "5", "--threads", "1")).out
    check(rows_(a) > rows_(cov()), f"{rows_(a)} vs {rows_(cov())} rows")


@row("coverage", "--draws", "5 -> header says 5 draws per design")
def _():
    check("5 draws per design" in cov_head("--draws", "5") and "4 draws per design" in cov_head(), cov_head("--draws", "5"))


@row("coverage", "--truth-draws", "200 -> header says truth ... from 200 draws")
def _():
    check("from 200 draws" in cov_head("--truth-draws", "200"), cov_head("--truth-draws", "200"))


@row("coverage", "--calibrated-draws", "2 -> header says calibrated intervals on the first 2 draws")
def _():
    a = cov_head("--calibrated-draws", "1", "-B", "100")
    check("first 1 draws" in a and "first 0 draws" in cov_head(), a)


@row("coverage", "--seed", "--seed 5 -> header seed 5, table changes; same seed identical")
def _():
    a = cov("--seed", "5")
    check("seed 5;" in a.split("\n")[0], a.split("\n")[0])
    strip = lambda t: "\n".join(t.split("\n")[1:])
    check(strip(a) != strip(cov()), "table unchanged")
    check(strip(ok(X(*COV, "--seed", "5", cache=False)).out) == strip(a), "same seed differs")


@row("coverage", "--threads", "--threads 2 -> header 'on 2 threads', same table")
def _():
    a = cov("--threads", "2")
    check("on 2 threads" in a.split("\n")[0], a.split("\n")[0])
    eq("\n".join(a.split("\n")[1:]), "\n".join(cov().split("\n")[1:]), "table on 2 threads")


@row("coverage", "--out", "writes the Markdown table to the file")
def _():
    m = out("md")
    ok(X(*COV, "--out", m))
    check(open(m).read().startswith("Coverage at nominal"), "file content")


@row("coverage", "--hold-episodes", "header says the episodes are held")
def _():
    check("episodes held" in cov("--hold-episodes").split("\n")[0] and "episodes held" not in cov().split("\n")[0], "header")


@row("coverage", ["--replicates", "-B"], "--replicates 30 -> header B = 30")
def _():
    check("B = 30" in cov("--replicates", "30").split("\n")[0], cov("--replicates", "30").split("\n")[0])


@row("coverage", "--scheme", "growth -> header growth scheme")
def _():
    check("growth scheme" in cov("--scheme", "growth").split("\n")[0], cov("--scheme", "growth").split("\n")[0])


@row("coverage", "--blocks", "circular -> header circular blocks")
def _():
    check("circular blocks" in cov("--blocks", "circular").split("\n")[0], cov("--blocks", "circular").split("\n")[0])


@row("coverage", "--block-length", "6 -> table changes")
def _():
    check(cov("--block-length", "6").split("\n")[1:] != cov().split("\n")[1:], "table unchanged")


@row("coverage", "--level", "0.8 -> 'nominal 80%'")
def _():
    check("nominal 80%" in cov("--level", "0.8"), cov("--level", "0.8").split("\n")[0])


# ---- study -----------------------------------------------------------------------------
STU = ["study", "--design", "@design.toml", "--threads", "1", "--quiet"]


def stu(*extra):
    key = ("STU",) + tuple(map(str, extra))
    if key not in _cache:
        o = out()
        ok(X(*[_subst(a) for a in STU], *extra, "--out", o))
        _cache[key] = o
    return _cache[key]


@row("study", "--design", "design file: months 48 -> study/design/months [48] (default 120)")
def _():
    eq(list(ds(stu(), "study/design/months")), [48], "months")


@row("study", "--set", "--set study.draws=3 -> 3 draws")
def _():
    eq(len(ds(stu("--set", "study.draws=3"), "study/draws/draw")), 3, "draws")


@row("study", "--draws", "--draws 4 -> 4 draws (design says 2)")
def _():
    eq(len(ds(stu("--draws", "4"), "study/draws/draw")), 4, "draws")
    eq(len(ds(stu(), "study/draws/draw")), 2, "design draws")


@row("study", "--seed", "--seed 9 -> seed attr 9, draws change; same seed identical")
def _():
    o = stu("--seed", "9")
    eq(int(attr(o, "/", "seed")), 9, "seed")
    differ(ds(o, "study/draws/V"), ds(stu(), "study/draws/V"), "draws/V")
    o2 = out()
    ok(X(*[_subst(a) for a in STU], "--seed", "9", "--out", o2))
    same(ds(o, "study/draws/V"), ds(o2, "study/draws/V"), "same seed")


@row("study", "--threads", "--threads 2 -> threads_used 2, same draws")
def _():
    o = stu("--threads", "2")
    eq(int(attr(o, "/", "threads_used")), 2, "threads_used")
    same(ds(o, "study/draws/V"), ds(stu(), "study/draws/V"), "draws/V")


@row("study", "--out", "writes the study file (schema chokepoint-study/1)")
def _():
    eq(attr(stu(), "/", "schema"), "chokepoint-study/1", "schema")


@row("study", "--report", "writes the Markdown report")
def _():
    m = out("md")
    ok(X(*[_subst(a) for a in STU], "--report", m, "--out", out()))
    check(open(m).read().startswith("# chokepoint study"), "report")


@row("study", "--quiet", "stderr has progress/report without it, empty with it")
def _():
    r = ok(X(*[_subst(a) for a in STU if a != "--quiet"], "--out", out()))
    check(r.err.strip(), "nothing on stderr without --quiet")
    q = ok(X(*[_subst(a) for a in STU], "--out", out()))
    eq(q.err, "", "stderr with --quiet")


# ---- simulate --------------------------------------------------------------------------
def sim(*extra, ext="h5"):
    key = ("SIM", ext) + tuple(extra)
    if key not in _cache:
        o = out(ext)
        ok(X("simulate", "--quiet", *extra, "--out", o))
        _cache[key] = o
    return _cache[key]


@row("simulate", "--scenario", "one_surge -> /panel scenario one_surge, values change")
def _():
    eq(attr(sim("--scenario", "one_surge"), "panel", "scenario"), "one_surge", "scenario")
    eq(attr(sim(), "panel", "scenario"), "paper2025", "default")


@row("simulate", "--seed", "--seed 2 -> /panel seed 2 and values change; same seed identical")
def _():
    eq(int(attr(sim("--seed", "2"), "panel", "seed")), 2, "seed")
    differ(ds(sim("--seed", "2"), "panel/values"), ds(sim(), "panel/values"), "values")
    o = out()
    ok(X("simulate", "--quiet", "--seed", "2", "--out", o))
    same(ds(o, "panel/values"), ds(sim("--seed", "2"), "panel/values"), "same seed")


@row("simulate", "--out", ".csv -> canonical CSV header hs8,period,value_usd; .h5 -> HDF5 panel")
def _():
    c = sim(ext="csv")
    first = [l for l in open(c) if not l.startswith("#")][0].strip()
    eq(first, "hs8,period,value_usd", "CSV header")


@row("simulate", "--list", "prints the shipped scenarios (paper2025, one_surge), writes nothing")
def _():
    r = ok(X("simulate", "--list"))
    check("paper2025" in r.out and "one_surge" in r.out, r.out)


@row("simulate", "--quiet", "summary on stdout/stderr without it, nothing with it")
def _():
    r = ok(X("simulate", "--out", out()))
    check((r.out + r.err).strip(), "no summary")
    q = ok(X("simulate", "--quiet", "--out", out()))
    eq(q.out + q.err, "", "output with --quiet")


# ---- ingest ----------------------------------------------------------------------------
def ing(files, *extra):
    key = ("ING",) + tuple(files) + tuple(extra)
    if key not in _cache:
        o = out()
        ok(X("ingest", *files, *extra, "--out", o))
        _cache[key] = o
    return _cache[key]


CB = f"{INGEST}/canonical_basic.csv"
DIMS = f"{INGEST}/canonical_dims.csv"
PX = f"{INGEST}/partner_exports_thousands.csv"


@row("ingest", ["--out", "-o"], "-o writes the panel file (schema chokepoint-panel/1)")
def _():
    o = out()
    ok(X("ingest", CB, "-o", o))
    eq(attr(o, "/", "schema"), "chokepoint-panel/1", "schema")


@row("ingest", "--format", "canonical reads canonical_basic; customs refuses it (exit 2)")
def _():
    eq(attr(ing([CB], "--format", "canonical"), "panel/ingest", "format_option"), "canonical", "format_option")
    r = X("ingest", CB, "--format", "customs", "--out", out())
    eq(r.rc, 2, f"{r!r}")


@row("ingest", "--columns", "code=hs8,period=period,value=value_usd on canonical_dims -> format_option columns, same totals")
def _():
    o = ing([DIMS], "--columns", "code=hs8,period=period,value=value_usd")
    eq(list(ds(o, "panel/ingest/file_formats")), ["columns"], "file_formats")


@row("ingest", "--scale", "1000 -> values x 1000")
def _():
    check(np.allclose(ds(ing([CB], "--scale", "1000"), "panel/values"), 1000 * ds(ing([CB]), "panel/values"), equal_nan=True), "not x1000")


@row("ingest", "--where", "partner=JP on canonical_dims -> smaller values, rows_filtered > 0")
def _():
    o = ing([DIMS], "--where", "partner=JP")
    check(int(attr(o, "panel/ingest", "rows_filtered")) > 0, "rows_filtered 0")
    check(np.nansum(ds(o, "panel/values")) < np.nansum(ds(ing([DIMS]), "panel/values")), "values not smaller")


@row("ingest", "--preset", "partner-exports reads the partner file (thousands, YYYY/M, Export flow)")
def _():
    o = ing([PX], "--preset", "partner-exports")
    check(np.nansum(ds(o, "panel/values")) > 0, "empty panel")


@row("ingest", "--flow", "Import instead of the preset's Export -> different values")
def _():
    differ(ds(ing([PX], "--preset", "partner-exports", "--flow", "Import"), "panel/values"),
           ds(ing([PX], "--preset", "partner-exports"), "panel/values"), "values")


@row("ingest", "--period-format", "YYYY/M reads the partner file's periods; YYYYMM refuses them (exit 2)")
def _():
    ing([PX], "--preset", "partner-exports", "--period-format", "YYYY/M")
    r = X("ingest", PX, "--preset", "partner-exports", "--period-format", "YYYYMM", "--out", out())
    eq(r.rc, 2, f"{r!r}")


@row("ingest", "--source", "'Test source' -> kept in the panel (provenance or ingest options)")
def _():
    o = ing([CB], "--source", "Test source")
    with H(o) as f:
        txt = repr(dict(f["panel"].attrs)) + repr(dict(f["panel/ingest"].attrs))
    check("Test source" in txt, "source not kept")


@row("ingest", "--jan-feb", "keep-merged vs split on customs_janfeb -> different January/February values; none -> exit 2")
def _():
    j = f"{INGEST}/customs_janfeb.csv"
    differ(ds(ing([j], "--jan-feb", "keep-merged"), "panel/values"), ds(ing([j], "--jan-feb", "split"), "panel/values"), "values")


@row("ingest", "--rates", "RMB-only Customs file: with rates.csv values are US$ (RMB / rate)")
def _():
    o = ing([f"{INGEST}/customs_en_rmb.csv"], "--rates", f"{INGEST}/rates.csv")
    eq(attr(o, "panel/ingest", "rates_file").endswith("rates.csv"), True, "rates_file")
    r = X("ingest", f"{INGEST}/customs_en_rmb.csv", "--out", out())
    check(r.rc == 2 or not np.allclose(ds(o, "panel/values"), ds(ing([f"{INGEST}/customs_en_rmb.csv"]), "panel/values")), "rates had no effect")


@row("ingest", "--lenient", "bad cell: exit 2 without; with --lenient the row is skipped (rows_skipped 1)")
def _():
    o = ing([P("bad_canon.csv")], "--lenient")
    eq(int(attr(o, "panel/ingest", "rows_skipped")), 1, "rows_skipped")


@row("ingest", "--max-examples", "0 with --lenient -> no examples kept (1 by default)")
def _():
    eq(len(ds(ing([P("bad_canon.csv")], "--lenient", "--max-examples", "0"), "panel/ingest/examples")), 0, "examples")
    eq(len(ds(ing([P("bad_canon.csv")], "--lenient"), "panel/ingest/examples")), 1, "default examples")


# ---- export / explore / figures / report / version ------------------------------------------
@row("export", "--out", "writes the directory with dictionary.csv and one CSV per table")
def _():
    d = P("export_dir")
    ok(X("export", agg_(), "--out", d))
    check(os.path.exists(f"{d}/dictionary.csv") and len(os.listdir(d)) > 1, os.listdir(d))


@row("export", "--format", "csv accepted; xlsx refused (exit 2 naming --format)")
def _():
    ok(X("export", agg_(), "--format", "csv", "--out", P("export_csv")))
    r = X("export", agg_(), "--format", "xlsx", "--out", P("export_xlsx"))
    eq(r.rc, 2, f"{r!r}")
    check("--format" in r.err or "xlsx" in r.err, r.err)
    check(not os.path.exists(P("export_xlsx")), "directory left")


@row("explore", ["--out", "-o"], "writes one HTML page holding the run's group names")
def _():
    h = out("html")
    ok(X("explore", full_run(), "-o", h))
    t = open(h).read()
    check(t.lower().lstrip().startswith("<!doctype html") and "Integrated Circuits" in t, "page")


@row("explore", "--template", "a custom template -> the page is built from it")
def _():
    h = out("html")
    r = X("explore", full_run(), "--template", P("template.html"), "--out", h)
    check(r.rc == 0 and "custom template" in open(h).read() or (r.rc == 2 and "template" in r.err), f"{r!r}")


@row("figures", ["--out", "-o", "--no-png"], "--no-png: SVG only; without: PNG beside each SVG")
def _():
    a, b = P("fig_svg"), P("fig_png")
    small = run_("--catalog", SMALLCAT, "--no-bootstrap")
    ok(X("figures", small, "--no-png", "-o", a))
    ok(X("figures", small, "--out", b))
    fa, fb = os.listdir(a), os.listdir(b)
    check(any(f.endswith(".svg") for f in fa) and not any(f.endswith(".png") for f in fa), f"--no-png: {fa[:5]}")
    check(any(f.endswith(".png") for f in fb), f"without: {fb[:5]}")


@row("report", [], "Markdown report of the default run names its sections")
def _():
    r = ok(X("report", full_run()))
    check(r.out.startswith("#") and "Bootstrap" in r.out, r.out[:100])


@row("version", [], "prints chokepoint VERSION")
def _():
    check(ok(X("version")).out.startswith("chokepoint "), "version")


# ---- error paths ---------------------------------------------------------------------------
# (command args, exit code, stderr regex, outputs that must not exist). "{d}" is a fresh empty dir.
BADCELL = r"bad_cell\.csv:4(:\d+)?:"
ERRORS = []


def err(cmd, args, code, pattern, what, known=None):
    ERRORS.append((cmd, args, code, pattern, what, known))


KEY_NOT_FLAG = "the message names the configuration key, not the flag typed (README: errors name the flag you typed)"


# The configuration-driven commands share one validation layer: every command gets the
# located errors (unknown flag, TOML file:line:column, CSV file:line, missing file) and one
# enum and one numeric flag; `run` (and `config`) get the rest of the shared checks.
for c in ("run", "aggregate", "batches", "models", "sweep"):
    err(c, [c, "--bogus", "--out", "{d}/o.h5"], 2, r"--bogus", "unknown flag")
    err(c, [c, "--config", "@cfg_bad.toml", "--out", "{d}/o.h5"], 2, r"cfg_bad\.toml:2:\d+", "bad TOML value -> file:line:column")
    err(c, [c, "--data", "{d}/none.h5", "--out", "{d}/o.h5"], 2, r"none\.h5", "nonexistent --data")
    err(c, [c, "--data", "@bad_canon.csv", "--out", "{d}/o.h5"], 2, r"bad_canon\.csv:3:", "bad cell in --data CSV -> file:line")
err("run", ["run", "--threads", "x", "--out", "{d}/o.h5"], 2, r"--threads", "non-integer --threads")
err("run", ["run", "--config", "{d}/none.toml", "--out", "{d}/o.h5"], 2, r"--config|none\.toml", "missing --config file")
err("run", ["run", "--set", "thresholds.growth='x'", "--out", "{d}/o.h5"], 2, r"thresholds\.growth", "bad --set value names the key")
err("run", ["run", "--memory-limit", "lots", "--out", "{d}/o.h5"], 2, r"--memory-limit", "bad --memory-limit")
err("run", ["run", "--min-coverage", "2", "--out", "{d}/o.h5"], 2, r"--min-coverage", "--min-coverage out of range")
err("run", ["run", "--frequency", "weekly", "--out", "{d}/o.h5"], 2, r"--frequency", "bad enum --frequency")
err("run", ["run", "--window-start", "2016-13", "--out", "{d}/o.h5"], 2, r"--window-start", "bad month")
err("run", ["run", "--volatility-low", "0.5", "--volatility-high", "0.3", "--out", "{d}/o.h5"], 2,
    r"--volatility-(low|high)", "v_lo > v_hi")
for c in ("run", "batches", "models", "sweep", "bootstrap"):
    extra = ["--input", SURGE] if c == "bootstrap" else []
    err(c, [c, *extra, "--weighting", "cubic", "--out", "{d}/o.h5"], 2, r"--weighting", "bad enum --weighting")
    err(c, [c, *extra, "--growth-threshold", "abc", "--out", "{d}/o.h5"], 2, r"--growth-threshold", "non-numeric threshold")
for c in ("run", "sweep", "bootstrap"):
    extra = ["--input", SURGE] if c == "bootstrap" else []
    err(c, [c, *extra, "--level", "1.5", "--out", "{d}/o.h5"], 2, r"--level",
        "sweep reports no interval: --level is not its flag" if c == "sweep" else "--level out of (0,1)")
    err(c, [c, *extra, "--scheme", "wild", "--out", "{d}/o.h5"], 2, r"--scheme", "bad enum --scheme")
for c in ("run", "bootstrap"):
    extra = ["--input", SURGE] if c == "bootstrap" else []
    err(c, [c, *extra, "--replicates", "0", "--out", "{d}/o.h5"], 2, r"--replicates", "--replicates 0")
    err(c, [c, *extra, "--blocks", "round", "--out", "{d}/o.h5"], 2, r"--blocks", "bad enum --blocks")
    err(c, [c, *extra, "--block-length", "-3", "--out", "{d}/o.h5"], 2, r"--block-length", "bad --block-length")
err("run", ["run", "--out", "@panel_seed2.h5", "--data", "@panel_seed2.h5"], 2, r"--out|same|input", "output path equal to the input")
err("sweep", ["sweep"], 2, r"--out", "missing required --out")
err("sweep", ["sweep", "--input", "@bad_wide.csv", "--out", "{d}/o.h5"], 2, r"bad_wide\.csv:4:", "bad cell -> file:line")
err("sweep", ["sweep", "--input", "@wide.csv", "--growth-axis", "1:0:0.1", "--out", "{d}/o.h5"], 2, r"--growth-axis", "bad axis")
err("sweep", ["sweep", "--input", "@wide.csv", "--resume", "--out", "{d}/o.h5"], 2, r"--resume", "--resume without a checkpoint")
err("sweep", ["sweep", "--input", "@wide.csv", "--out", "@wide.csv"], 2, r"--out|same|input", "output path equal to the input")
err("models", ["models", "--input", "@bad_wide.csv", "--out", "{d}/o.h5"], 2, r"bad_wide\.csv:4:", "bad cell -> file:line")
err("models", ["models", "--input", "{d}/none.csv", "--out", "{d}/o.h5"], 2, r"none\.csv", "nonexistent --input")
err("aggregate", ["aggregate", "--nn-rule", "any", "--out", "{d}/o.h5"], 2, r"--nn-rule", "bad enum --nn-rule")
err("aggregate", ["aggregate", "--first-year", "x", "--out", "{d}/o.h5"], 2, r"--first-year", "non-integer --first-year")
err("aggregate", ["aggregate", "--gdp", "{d}/none.csv", "--out", "{d}/o.h5"], 2, r"none\.csv", "nonexistent --gdp")
err("aggregate", ["aggregate", "--gdp-column", "nope", "--out", "{d}/o.h5"], 2, r"nope", "unknown --gdp-column")
err("batches", ["batches", "--event-month", "2023-00", "--out", "{d}/o.h5"], 2, r"--event-month", "bad month")
err("batches", ["batches", "--window", "-1", "--out", "{d}/o.h5"], 2, r"--window", "negative --window")
for c in SERIES_CMDS:
    b = SERIES_CMDS[c]
    err(c, [c], 2, r"--input", "missing required --input")
    err(c, [c, "--input", "{d}/none.csv"], 2, r"none\.csv", "nonexistent --input")
    err(c, [c, "--input", "@bad_cell.csv", *b], 2, BADCELL, "bad cell -> file:line")
    err(c, [c, "--input", SURGE, "--bogus"], 2, r"--bogus", "unknown flag")
    err(c, [c, "--input", "@two.csv", "--column", "zz", *b], 2, r"zz", "unknown --column")
    err(c, [c, "--input", SURGE, "--start", "2015-1x", *b], 2, r"--start|2015-1x", "bad --start")
err("bootstrap", ["bootstrap", "--input", SURGE, "--interval", "wide"], 2, r"--interval", "bad enum --interval")
err("bootstrap", ["bootstrap", "--input", SURGE, "--out", SURGE], 2, r"--out|same|input", "output path equal to the input")
err("blocklength", ["blocklength", "--input", SURGE, "--scheme", "sieve"], 2, r"--scheme", "unsupported --scheme")
err("breaks", ["breaks", "--input", SURGE, "--trim", "0.9"], 2, r"--trim|trim", "--trim out of range")
err("breaks", ["breaks", "--input", SURGE, "--replicates", "5"], 2, r"--replicates|test_replicates", "--replicates < 19")
err("breaks", ["breaks", "--input", SURGE, "--regressors", "cubic"], 2, r"--regressors", "bad enum --regressors")
err("breaks", ["breaks", "--input", SURGE, "--level", "2"], 2, r"--level|level", "--level out of range")
err("breaks", ["breaks", "--input", SURGE, "--max-breaks", "0"], 2, r"--max-breaks|max_breaks", "--max-breaks 0")
err("breaks", ["breaks", "--input", SURGE, "--significance", "1.5"], 2, r"--significance|significance", "--significance out of range")
err("hac", ["hac", "--input", SURGE, "--kernel", "gauss"], 2, r"--kernel", "bad enum --kernel")
err("hac", ["hac", "--input", SURGE, "--lag", "-2"], 2, r"--lag", "bad --lag")
err("hac", ["hac", "--input", SURGE, "--bandwidth-rule", "silverman"], 2, r"--bandwidth-rule", "bad --bandwidth-rule")
err("surge", ["surge", "--input", SURGE, "--loss", "l1"], 2, r"--loss", "bad enum --loss")
err("surge", ["surge", "--input", SURGE, "--loss-scale", "-1"], 2, r"--loss-scale", "negative --loss-scale")
err("surge", ["surge", "--input", SURGE, "--max-surges", "0"], 2, r"--max-surges", "--max-surges 0")
err("surge", ["surge", "--input", SURGE, "--events", "{d}/none.csv"], 2, r"none\.csv", "nonexistent --events")
err("surge", ["surge", "--input", SURGE, "--onsets", "fixed"], 2, r"--onsets", "bad enum --onsets")
err("coverage", COV + ["--draws", "0"], 2, r"--draws", "--draws 0")
err("coverage", COV + ["--truth-draws", "10"], 2, r"--truth-draws", "--truth-draws < 100")
err("coverage", ["coverage", "--designs", "huge"], 2, r"--designs", "bad enum --designs")
err("coverage", COV + ["--level", "0"], 2, r"--level", "--level 0")
err("coverage", COV + ["--out", "@bad_canon.csv/x.md"], 2, r"x\.md|--out", "unwritable --out (under a file)")
err("study", ["study", "--design", "@design.toml", "--draws", "0", "--out", "{d}/o.h5"], 2, r"--draws|draws", "--draws 0")
err("study", ["study", "--out", "{d}/o.h5", "--design", "{d}/none.toml"], 2, r"none\.toml|--design", "nonexistent --design")
err("study", ["study", "--design", "@cfg_bad.toml", "--out", "{d}/o.h5"], 2, r"cfg_bad\.toml", "design without [study]")
err("study", ["study", "--design", "@design.toml", "--set", "study.months=[7]", "--out", "{d}/o.h5"], 2, r"study\.months", "bad --set key value")
err("study", ["study", "--design", "@design.toml"], 2, r"--out", "missing required --out")
err("study", ["study", "--design", "@design.toml", "--resume", "--out", "{d}/o.h5"], 2, r"--resume|checkpoint", "--resume without a checkpoint")
err("simulate", ["simulate", "--scenario", "nope", "--out", "{d}/o.h5"], 2, r"nope", "unknown --scenario")
err("simulate", ["simulate", "--seed", "-1", "--out", "{d}/o.h5"], 2, r"--seed", "negative --seed")
err("simulate", ["simulate", "--seed", "9223372036854775808", "--out", "{d}/o.h5"], 2, r"--seed.*2\^63", "--seed above 2^63 - 1")
err("bootstrap", ["bootstrap", "--input", SURGE, "--data", "{d}/p.h5"], 2, r"--data", "bootstrap reads no panel: --data is not its flag")
err("simulate", ["simulate", "--out", "{d}/o.txt"], 2, r"o\.txt|--out", "unsupported --out extension")
err("ingest", ["ingest", "@bad_canon.csv", "--out", "{d}/o.h5"], 2, r"bad_canon\.csv:3:\d+", "bad cell -> file:line:column")
err("ingest", ["ingest", f"{INGEST}/bad_encoding.csv", "--out", "{d}/o.h5"], 2, r"bad_encoding\.csv:3:", "bad encoding -> file:line")
err("ingest", ["ingest", f"{INGEST}/customs_janfeb.csv", "--out", "{d}/o.h5"], 2, r"customs_janfeb\.csv:3:1:.*--jan-feb", "Jan-Feb without --jan-feb")
err("ingest", ["ingest", "{d}/none.csv", "--out", "{d}/o.h5"], 2, r"none\.csv", "nonexistent input")
err("ingest", ["ingest", CB], 2, r"--out", "missing required --out")
err("ingest", ["ingest", CB, "--format", "xml", "--out", "{d}/o.h5"], 2, r"--format", "bad enum --format")
err("ingest", ["ingest", CB, "--scale", "0", "--out", "{d}/o.h5"], 2, r"--scale", "--scale 0")
err("ingest", ["ingest", CB, "--jan-feb", "drop", "--out", "{d}/o.h5"], 2, r"--jan-feb", "bad enum --jan-feb")
err("ingest", ["ingest", CB, "--preset", "nope", "--out", "{d}/o.h5"], 2, r"nope|--preset", "unknown --preset")
err("ingest", ["ingest", CB, "--where", "nocolumn", "--out", "{d}/o.h5"], 2, r"--where", "malformed --where")
err("ingest", ["ingest", CB, "--out", CB], 2, r"--out|same|input", "output path equal to the input")
err("report", ["report", "{d}/none.h5"], 2, r"none\.h5", "nonexistent run file")
err("report", ["report", "@bad_canon.csv"], 2, r"bad_canon\.csv", "not an HDF5 file")
err("export", ["export", "@bad_canon.csv", "--out", "{d}/x"], 2, r"bad_canon\.csv", "not an HDF5 file")
err("export", ["export", "@agg", "--out", "@export_dir"], 2, r"export_dir|--out|exists", "--out directory exists")
err("explore", ["explore", "@agg", "--out", "{d}/e.html"], 2, r"o\d+\.h5|run", "explore on a non-run file")
err("explore", ["explore", "{d}/none.h5", "--out", "{d}/e.html"], 2, r"none\.h5", "nonexistent run file")
err("explore", ["explore", "@run", "--template", "{d}/none.html", "--out", "{d}/e.html"], 2, r"none\.html|--template", "nonexistent --template")
err("figures", ["figures", "{d}/none.h5", "--out", "{d}/f"], 2, r"none\.h5", "nonexistent run file")
err("config", ["config", "--set", "nosuch.key=1"], 2, r"nosuch", "unknown --set key")
err("config", ["config", "--config", "@cfg_bad.toml"], 2, r"cfg_bad\.toml:2:\d+", "bad TOML value -> file:line:column")
err("config", ["config", "--weighting", "cubic"], 2, r"--weighting", "bad enum")


FAST = {"run": ["--no-models", "-B", "20", "--threads", "1"],
        "sweep": SWP_D[1:],
        "models": ["--catalog", f"{SRC}/tests/data/catalog/small"]}


def run_error(cmd, args, code, pattern, what):
    d = tempfile.mkdtemp(dir=TMP, prefix="err_")
    if args and args[0] == cmd and cmd in FAST and len(args) > 1:
        args = [cmd] + FAST[cmd] + list(args[1:])
    special = {"@agg": agg_, "@run": run_}
    a = []
    for x in args:
        if x in special:
            a.append(special[x]())
        elif x.startswith("@"):
            if x == "@panel_seed2.h5":
                panel2()
            a.append(P(x[1:]))
        else:
            a.append(x.replace("{d}", d))
    r = X(*a, cwd=d, cache=False)
    check(r.rc == code, f"exit {r.rc}, expected {code}: {r!r}")
    check(re.search(pattern, r.err), f"stderr does not match /{pattern}/: {r.err.strip()[:300]!r}")
    left = os.listdir(d)
    check(not left, f"left in the working dir (outputs go there): {left}")
    for flag in ("--out", "-o"):
        if flag in a:
            o = a[a.index(flag) + 1]
            if not o.startswith(d):   # the output equals an input: it must be unchanged, no temporary beside it
                base = os.path.basename(o)
                parent = os.path.dirname(o) or "."
                tmps = [f for f in os.listdir(parent) if f.startswith(base) and f != base] if os.path.isdir(parent) else []
                check(not tmps, f"temporaries left beside {o}: {tmps}")


# ---- coverage of the flag table ---------------------------------------------------------------
def help_flags():
    top = X("--help").out
    cmds = re.findall(r"^  ([a-z][a-z0-9-]*)\s{2,}", top.split("Subcommands:")[1], re.M)
    flags = {}
    for c in cmds:
        h = X(c, "--help").out
        fl = set()
        for line in h.splitlines():
            m = re.match(r"^\s+(?:-\w,)?(--[a-z][a-z0-9-]*)", line)
            if m:
                fl.add(m.group(1))
            m = re.match(r"^\s+(-[A-Za-z]),--", line)
            if m:
                fl.add(m.group(1))
        flags[c] = fl - {"--help", "--version"}
    return flags


def main():
    make_fixtures()
    results = []   # (cmd, flags, what, status, detail)
    flags = help_flags()
    covered = {}
    for cmd, fl, what, fn, known in ROWS:
        for f in fl:
            covered.setdefault(cmd, set()).add(f)
    for cmd in sorted(flags):
        for f in sorted(flags[cmd]):
            if f.startswith("--") or True:
                if f in covered.get(cmd, set()):
                    continue
                if (cmd, f) in EXEMPT:
                    results.append((cmd, f, "exempt: " + EXEMPT[(cmd, f)], "EXEMPT", ""))
                    continue
                if len(f) == 2:
                    continue   # a short alias of a long flag that has a row
                results.append((cmd, f, "flag has a row in the table", "FAIL", "no row for this flag (add one)"))
    for cmd in sorted(covered):
        if cmd not in flags:
            results.append((cmd, "-", "command exists", "FAIL", "not in chokepoint --help"))
        for f in sorted(covered[cmd] - flags.get(cmd, set())):
            results.append((cmd, f, "flag exists", "FAIL", "row for a flag the help does not list"))
    def one_row(r):
        cmd, fl, what, fn, known = r
        t = time.time()
        try:
            fn()
            st, det = ("XPASS", f"known failure now passes: {known}") if known else ("PASS", "")
        except Fail as e:
            st, det = ("XFAIL", f"{known} | {e}") if known else ("FAIL", str(e))
        except Exception as e:  # a crash in the row itself
            st, det = "FAIL", f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"
        if opt.verbose:
            print(f"{st:5} {cmd} {' '.join(fl)} ({time.time() - t:.2f}s) {det[:200]}", flush=True)
        return (cmd, " ".join(fl) or "-", what, st, det)

    def one_error(e):
        cmd, args, code, pattern, what, known = e
        try:
            run_error(cmd, args, code, pattern, what)
            st, det = ("XPASS", f"known failure now passes: {known}") if known else ("PASS", "")
        except Fail as ex:
            st, det = ("XFAIL", f"{known} | {ex}") if known else ("FAIL", str(ex))
        except Exception as ex:
            st, det = "FAIL", f"{type(ex).__name__}: {ex}"
        flags_ = " ".join(a for a in args[1:] if a.startswith("-") and a not in FAST.get(cmd, []))
        return (cmd, ("error: " + flags_)[:40], f"{what} -> exit {code}, /{pattern}/", st, det)

    # the slow shared runs first, so that no row waits on them at the end
    with concurrent.futures.ThreadPoolExecutor(max(1, opt.jobs)) as pool:
        for f in [pool.submit(full_run), pool.submit(panel2)]:
            try:
                f.result()
            except Fail:
                pass
        rows = [r for r in ROWS if not ONLY or r[0] in ONLY]
        slow_first = sorted(rows, key=lambda r: r[0] not in ("figures", "models", "explore", "report"))
        done = dict(zip(map(id, slow_first), pool.map(one_row, slow_first)))
        results += [done[id(r)] for r in rows]
        errs = [e for e in ERRORS if not ONLY or e[0] in ONLY]
        results += list(pool.map(one_error, errs))

    w = max(len(r[0]) for r in results)
    wf = min(40, max(len(r[1]) for r in results))
    print(f"{'status':6} {'command':{w}} {'flag':{wf}} check")
    for cmd, f, what, st, det in results:
        print(f"{st:6} {cmd:{w}} {f:{wf}} {what}")
        if st in ("FAIL", "XFAIL", "XPASS") and det:
            for l in det.splitlines()[:4]:
                print(f"{'':6} {'':{w}} {'':{wf}}   -> {l[:300]}")
    n = {s: sum(1 for r in results if r[3] == s) for s in ("PASS", "FAIL", "XFAIL", "XPASS", "EXEMPT")}
    nflags = sum(len(v) for v in flags.values())
    print(f"\n{len(flags)} commands, {nflags} flags; {len(ROWS)} flag rows, {len(ERRORS)} error rows; "
          + ", ".join(f"{k} {v}" for k, v in n.items()) + f"; {_n_done[0]} executions in {time.time() - T0:.1f} s")
    if n["FAIL"]:
        print("FAILED rows:")
        for cmd, f, what, st, det in results:
            if st == "FAIL":
                print(f"  {cmd} {f}: {what}")
    return 1 if n["FAIL"] else 0


if __name__ == "__main__":
    try:
        rc = main()
    finally:
        if not opt.keep:
            shutil.rmtree(TMP, ignore_errors=True)
        else:
            print("kept", TMP)
    sys.exit(rc)
