#!/usr/bin/python3
"""Whole-run scaling: times `chokepoint` commands at several thread counts and
reports each as a ratio against the 1-thread baseline measured in the same
session (interleaved repetitions, so a load change hits every setting alike).

Usage:
  benchmarks/scaling.py [--binary build/bin/chokepoint] [--threads 1,2] [--repeats 5]
                        [--command "run --quiet --replicates 5000 --no-models"] [--json out.json]

For each thread count T it runs `chokepoint COMMAND --threads T --out TMP.h5`
`repeats` times (round-robin over T), and prints median and min wall time,
CPU time (user + sys of the child), speed-up = median(1 thread) / median(T),
and parallel efficiency = speed-up / T. It also checks that every thread count
produced identical numeric datasets (the reproducibility contract).
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(binary, command, threads, out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([binary] + command.split() + ["--threads", str(threads), "--out", out], check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss


def numeric_digest(path):
    """Numeric datasets of a run file, minus timing attributes, for equality checks."""
    import h5py
    import numpy as np
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiu":
                out[name] = np.asarray(obj[()]).tobytes()
        f.visititems(visit)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="build/bin/chokepoint")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--command", default="run --quiet --replicates 5000 --no-models")
    ap.add_argument("--json")
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split(",")]
    if threads[0] != 1:
        sys.exit("the first thread count is the baseline and must be 1")
    tmp = tempfile.mkdtemp(prefix="chokepoint_scaling_")
    times = {t: [] for t in threads}
    cpus = {t: [] for t in threads}
    rss = {t: 0 for t in threads}
    for _ in range(a.repeats):
        for t in threads:
            wall, cpu, maxrss = run_once(a.binary, a.command, t, os.path.join(tmp, f"t{t}.h5"))
            times[t].append(wall)
            cpus[t].append(cpu)
            rss[t] = max(rss[t], maxrss)
    digests = {t: numeric_digest(os.path.join(tmp, f"t{t}.h5")) for t in threads}
    identical = all(digests[t] == digests[1] for t in threads)
    base = statistics.median(times[1])
    load = os.getloadavg()
    rows = []
    print(f"command: chokepoint {a.command}  (load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
          f"{os.cpu_count()} cores, {a.repeats} interleaved repeats)")
    print(f"{'threads':>7} {'median s':>9} {'min s':>7} {'cpu s':>7} {'speed-up':>8} {'efficiency':>10} {'peak RSS MB':>11}")
    for t in threads:
        med = statistics.median(times[t])
        row = {"threads": t, "median_s": med, "min_s": min(times[t]), "cpu_s": statistics.median(cpus[t]),
               "speedup": base / med, "efficiency": base / med / t, "peak_rss_mb": rss[t] / 1024}
        rows.append(row)
        print(f"{t:>7} {med:>9.3f} {row['min_s']:>7.3f} {row['cpu_s']:>7.2f} {row['speedup']:>8.2f} "
              f"{row['efficiency']:>10.2f} {row['peak_rss_mb']:>11.1f}")
    print("identical numeric results on every thread count:", identical)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"command": a.command, "load": load, "rows": rows, "identical": identical}, f, indent=1)
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
