#!/usr/bin/env python3
"""The Python package (`chokepoint`) against the CLI and against numpy.

(a) bootstrap throughput: `chokepoint.bootstrap(series, ...)` in this process
    versus `chokepoint bootstrap --input F.csv ... --json --quiet` as a
    subprocess, on the same 120-month series and options (scheme diagnostics,
    base sensitivity, signal estimand and kept replicates off, so the time is
    the replicates'), alternated round by round. Target: Python within 5% of
    the CLI (median wall).
(b) batch indices: V and G (defaults: monthly, linear weights, base first;
    docs/method.md §2.2-2.4) of N series x T months through
    `chokepoint.indices(frame)` and `chokepoint.indices(array)` versus the
    vectorised numpy code below (`numpy_indices`), checking that the numbers
    agree (rel 1e-12 on V and on 1 + G, the ratio G is computed from).
    Target: at least 10x faster than numpy.

Run from the repository root after building:

    PYTHONPATH=build/python /usr/bin/python3 benchmarks/python_module_bench.py --exe build/bin/chokepoint

`--replicates 20000 --series 1000` makes a quick run. Prints a markdown table
and the command that reproduces it.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

import chokepoint

BOOTSTRAP_SETS = {
    "bootstrap.scheme_diagnostics": False,
    "bootstrap.base_sensitivity": False,
    "bootstrap.signal": False,
    "bootstrap.keep_replicates": False,
}


def make_series(n=120, seed=5, start="2015-01"):
    """Trend + seasonality + AR(1) log noise, as tests/python/test_module.py."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 0.1 * np.sin(2 * np.pi * t / 12)
    noise = np.zeros(n)
    for i in range(1, n):
        noise[i] = 0.5 * noise[i - 1] + rng.normal(0, 0.08)
    values = 100 * np.exp(0.01 * t + season + noise)
    return pd.Series(values, index=pd.period_range(start, periods=n, freq="M"), name="value")


def write_csv(series, path):
    with open(path, "w") as f:
        f.write("month,value\n")
        for month, v in series.items():
            f.write(f"{month.year:04d}-{month.month:02d},{v!r}\n")


def numpy_indices(X):
    """V, G and status under the defaults (monthly, linear weights, base
    first) of each row of X (series x months), vectorised numpy, with the
    engine's rules for undefined values (docs/method.md §2.6): a NaN month is
    missing (V, G NaN, status missing_in_window), then mean <= 0
    (mean_not_positive), then base <= 0 (base_not_positive).
    V = std(ddof=1) / mean; G = sum_p w_p x_p / sum_p w_p / x_1 - 1, w_p = p."""
    P = X.shape[1]
    mean = X.mean(axis=1)
    w = np.arange(1, P + 1, dtype=float)
    base = X[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):  # undefined rows are masked below
        V = X.std(axis=1, ddof=1) / mean
        G = (X @ (w / w.sum())) / base - 1.0
    missing = np.isnan(mean)  # any NaN month makes the row's mean NaN
    mean_bad = ~missing & ~(mean > 0)
    base_bad = ~missing & ~mean_bad & ~(base > 0)
    ok = ~(missing | mean_bad | base_bad)
    status = np.select([missing, mean_bad, base_bad], ["missing_in_window", "mean_not_positive", "base_not_positive"],
                       "ok")
    return np.where(ok, V, np.nan), np.where(ok, G, np.nan), status


def timed(fn, *args, **kwargs):
    """(wall s, CPU s of this process, result)."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, time.process_time() - c0, out


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bench_bootstrap(exe, replicates, rounds, threads):
    tmp = tempfile.mkdtemp(prefix="chokepoint_pybench_")
    try:
        return _bench_bootstrap(exe, replicates, rounds, threads, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _bench_bootstrap(exe, replicates, rounds, threads, tmp):
    series = make_series()
    csv = os.path.join(tmp, "series.csv")
    write_csv(series, csv)
    sets = []
    for key, value in BOOTSTRAP_SETS.items():
        sets += ["--set", f"{key}={'true' if value else 'false'}"]
    cmd = [exe, "bootstrap", "--input", csv, "--column", "value", "--replicates", str(replicates), "--seed", "1",
           *sets, "--json", "--quiet"]
    if threads:
        cmd += ["--threads", str(threads)]
    py_options = dict(replicates=replicates, seed=1, set=BOOTSTRAP_SETS)
    if threads:
        py_options["threads"] = threads

    def run_cli():
        c0 = children_cpu()
        t0 = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        return time.perf_counter() - t0, children_cpu() - c0, json.loads(out.stdout)

    def run_py():
        return timed(lambda: chokepoint.bootstrap(series, **py_options).to_dict())

    # Warm-up (page cache, the module's first-call costs), and the CLI's
    # fixed cost (process start, reading the CSV, setup, JSON) from runs of
    # 200 replicates.
    small = cmd[:cmd.index("--replicates") + 1] + ["200"] + cmd[cmd.index("--replicates") + 2:]
    cli_fixed = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(small, check=True, capture_output=True)
        cli_fixed.append(time.perf_counter() - t0)
    chokepoint.bootstrap(series, **{**py_options, "replicates": 200})

    py_wall, py_cpu, cli_wall, cli_cpu = [], [], [], []
    py_dict = cli_dict = None
    for r in range(rounds):
        # Alternate which side goes first so neither always follows the other.
        order = (run_py, run_cli) if r % 2 == 0 else (run_cli, run_py)
        for fn in order:
            wall, cpu, d = fn()
            if fn is run_py:
                py_wall.append(wall), py_cpu.append(cpu)
                py_dict = d
            else:
                cli_wall.append(wall), cli_cpu.append(cpu)
                cli_dict = d
    same = {k: v for k, v in py_dict.items() if k != "input"} == {k: v for k, v in cli_dict.items() if k != "input"}
    return {
        "cmd": cmd, "replicates_reported": py_dict.get("replicates"), "same": same,
        "py_wall": py_wall, "py_cpu": py_cpu, "cli_wall": cli_wall, "cli_cpu": cli_cpu,
        "cli_fixed": statistics.median(cli_fixed),
    }


def bench_indices(n_series, months, repeats, threads, seed=8):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.lognormal(3, 0.4, size=(months, n_series)),
                         index=pd.period_range("2015-01", periods=months, freq="M"),
                         columns=[f"s{i}" for i in range(n_series)])
    # A few undefined rows, so the comparison covers the status rules too: a
    # missing month, a zero base, a non-positive mean.
    block = frame.to_numpy()
    for j in range(0, n_series, max(1, n_series // 12)):
        kind = (j // max(1, n_series // 12)) % 3
        if kind == 0:
            block[months // 2, j] = np.nan
        elif kind == 1:
            block[0, j] = 0.0
        else:
            block[:, j] = -block[:, j]
    array = np.ascontiguousarray(frame.to_numpy().T)  # rows are series

    cases = {
        "numpy, array (rows = series)": lambda: numpy_indices(array),
        "numpy, DataFrame (via to_numpy().T)": lambda: numpy_indices(frame.to_numpy().T),
        "chokepoint.indices(array)": lambda: chokepoint.indices(array, start="2015-01", threads=threads),
        "chokepoint.indices(frame)": lambda: chokepoint.indices(frame, threads=threads),
        # The floor: one streaming read of the same input and nothing else.
        "one read of the array (numpy sum)": lambda: array.sum(),
        "one read of the frame's block (numpy sum)": lambda: frame.to_numpy().sum(),
    }
    # Agreement before timing: V to rel 1e-12; G to rel 1e-12 of 1 + G (the
    # computed ratio sum_p wn_p x_p / x_1; G itself is that minus 1, so where
    # G is near 0 its relative difference only measures the cancellation).
    V_np, G_np, status_np = numpy_indices(array)
    planted = int(np.sum(status_np != "ok"))
    checks = {}
    for name in ("chokepoint.indices(array)", "chokepoint.indices(frame)"):
        got = cases[name]()
        V, G = got["V"].to_numpy(), got["G"].to_numpy()
        same_status = bool((got["status"].to_numpy().astype(str) == status_np).all())
        defined = status_np == "ok"
        same_nan = bool((np.isnan(V) == ~defined).all() and (np.isnan(G) == ~defined).all())
        V, G, Vn, Gn = V[defined], G[defined], V_np[defined], G_np[defined]
        rel_v = np.max(np.abs(V - Vn) / np.abs(Vn))
        rel_ratio = np.max(np.abs(G - Gn) / np.abs(1.0 + Gn))
        rel_g = np.max(np.abs(G - Gn) / np.maximum(np.abs(Gn), 1e-300))
        checks[name] = {
            "ok": bool(same_status and same_nan and rel_v <= 1e-12 and rel_ratio <= 1e-12),
            "same_status": same_status, "undefined": planted,
            "max_rel_V": float(rel_v), "max_rel_ratio": float(rel_ratio), "max_rel_G": float(rel_g),
            "max_abs_G": float(np.max(np.abs(G - Gn))), "min_abs_G": float(np.min(np.abs(Gn))),
        }
    for fn in cases.values():  # warm-up
        fn()
    # Interleaved: each call follows the other cases, whose temporaries (and
    # the other input copy) have pushed its input out of cache. Back to back:
    # each case repeated on its own after one untimed call, input in cache
    # (as timeit or Google Benchmark measure). Both are reported.
    times = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            times[name].append(timed(fn)[0])
    warm = {name: [] for name in cases}
    for name, fn in cases.items():
        fn()
        for _ in range(repeats):
            warm[name].append(timed(fn)[0])
    return {"times": times, "warm": warm, "checks": checks}


def fmt_s(s):
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.3f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exe", default="build/bin/chokepoint", help="the chokepoint executable")
    ap.add_argument("--replicates", type=int, default=1_000_000, help="bootstrap replicates (default 1000000)")
    ap.add_argument("--rounds", type=int, default=3, help="bootstrap rounds, each one Python + one CLI run")
    ap.add_argument("--series", type=int, default=10_000, help="series in the batch (default 10000)")
    ap.add_argument("--months", type=int, default=120, help="months per series (default 120)")
    ap.add_argument("--repeats", type=int, default=9, help="timed repetitions of each batch case")
    ap.add_argument("--threads", type=int, default=0, help="worker threads, 0 = all cores (both sides)")
    ap.add_argument("--skip-bootstrap", action="store_true")
    ap.add_argument("--skip-indices", action="store_true")
    args = ap.parse_args()

    reproduce = "PYTHONPATH=build/python /usr/bin/python3 benchmarks/python_module_bench.py " + " ".join(
        shlex.quote(a) for a in sys.argv[1:])
    print(f"chokepoint {chokepoint.__version__} ({chokepoint._core.__file__}), Python {platform.python_version()}, "
          f"numpy {np.__version__}, pandas {pd.__version__}")
    print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()

    ok = True
    if not args.skip_bootstrap:
        b = bench_bootstrap(args.exe, args.replicates, args.rounds, args.threads)
        py, cli = statistics.median(b["py_wall"]), statistics.median(b["cli_wall"])
        R = args.replicates
        print(f"### Bootstrap, {R:,} replicates, 120-month series, {args.rounds} alternating rounds")
        print()
        print("| | median wall | min wall | replicates/s (median) | median CPU |")
        print("|---|---:|---:|---:|---:|")
        print(f"| `chokepoint.bootstrap(...)` (Python) | {fmt_s(py)} | {fmt_s(min(b['py_wall']))} | {R / py:,.0f} "
              f"| {fmt_s(statistics.median(b['py_cpu']))} |")
        print(f"| `chokepoint bootstrap ... --json --quiet` (CLI) | {fmt_s(cli)} | {fmt_s(min(b['cli_wall']))} "
              f"| {R / cli:,.0f} | {fmt_s(statistics.median(b['cli_cpu']))} |")
        ratio = py / cli
        met = ratio <= 1.05
        print()
        print(f"Python / CLI wall: {ratio:.3f} (medians), {min(b['py_wall']) / min(b['cli_wall']):.3f} (minima); "
              f"target <= 1.05: {'met' if met else 'NOT met'}. "
              f"Same JSON (less input): {'yes' if b['same'] else 'NO'}; "
              f"replicates reported: {b['replicates_reported']}.")
        print("Per round (s): Python " + ", ".join(f"{x:.3f}" for x in b["py_wall"]) + "; CLI " +
              ", ".join(f"{x:.3f}" for x in b["cli_wall"]))
        print(f"CLI fixed cost (median wall of 3 runs at 200 replicates): {fmt_s(b['cli_fixed'])}.")
        print("CLI command: " + " ".join(shlex.quote(c) for c in b["cmd"]))
        print()
        ok = ok and b["same"]

    if not args.skip_indices:
        r = bench_indices(args.series, args.months, args.repeats, args.threads)
        speeds, floors = {}, {}
        for mode, title in (("times", "interleaved (input out of cache)"), ("warm", "back to back (input in cache)")):
            t = {k: statistics.median(v) for k, v in r[mode].items()}
            base = t["numpy, array (rows = series)"]
            base_frame = t["numpy, DataFrame (via to_numpy().T)"]
            print(f"### Batch indices, {args.series:,} series x {args.months} months (defaults), "
                  f"median of {args.repeats}, {title}")
            print()
            print("| | median wall | min wall | series/s | numpy / this |")
            print("|---|---:|---:|---:|---:|")
            for name, m in t.items():
                against = base_frame if "frame" in name or "DataFrame" in name else base
                print(f"| {name} | {fmt_s(m)} | {fmt_s(min(r[mode][name]))} | {args.series / m:,.0f} "
                      f"| {against / m:.2f}x |")
            print()
            speeds[mode] = (base / t["chokepoint.indices(array)"], base_frame / t["chokepoint.indices(frame)"])
            floors[mode] = (t["one read of the array (numpy sum)"], t["one read of the frame's block (numpy sum)"],
                            base, base_frame)
        for name, c in r["checks"].items():
            print(f"{name} vs numpy: status {'the same' if c['same_status'] else 'DIFFERENT'} on every row "
                  f"({c['undefined']} planted undefined); max rel diff V {c['max_rel_V']:.1e}, "
                  f"1 + G {c['max_rel_ratio']:.1e}: "
                  f"{'agree (rel 1e-12)' if c['ok'] else 'DISAGREE'} (G itself: max abs diff {c['max_abs_G']:.1e}, "
                  f"max rel diff {c['max_rel_G']:.1e}, smallest |G| {c['min_abs_G']:.1e})")
            ok = ok and c["ok"]
        for mode, label in (("times", "interleaved"), ("warm", "back to back")):
            speed_array, speed_frame = speeds[mode]
            print(f"Speed-up over numpy, {label}: array {speed_array:.2f}x, DataFrame {speed_frame:.2f}x; "
                  f"target >= 10x: {'met' if min(speed_array, speed_frame) >= 10 else 'NOT met'}.")
            read_array, read_frame, numpy_array, numpy_frame = floors[mode]
            # Any implementation reads the input at least once: when a tenth
            # of numpy's time is below that, 10x is out of reach here.
            print(f"  10x means at most {fmt_s(numpy_array / 10)} (array) / {fmt_s(numpy_frame / 10)} (frame); "
                  f"one read of the input alone takes {fmt_s(read_array)} / {fmt_s(read_frame)} "
                  f"(numpy / one read: {numpy_array / read_array:.1f}x / {numpy_frame / read_frame:.1f}x).")
        print(f"Vector kernels: {chokepoint._core.kernel_isa()}.")
        print()

    print("Reproduce:")
    print()
    print("    " + reproduce)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
