#!/usr/bin/python3
"""Ingest throughput of chokepoint vs pandas.read_csv on the same ~200 MB CSV.

Runs build/bin/chokepoint_benchmarks --benchmark_filter=Ingest (which
generates the canonical CSV if absent: $CHOKEPOINT_INGEST_BENCH_CSV or
<tmp>/chokepoint_ingest_bench/canonical_200mb.csv), then times
pandas.read_csv(path) with Debian's python3-pandas on that file, and the
end-to-end `chokepoint ingest FILE --out x.h5` (HDF5 write included).
Prints wall-clock and CPU-time throughput and the ratios. The machine may be
shared: CPU-time figures are the ones contention does not dilute.

Usage: /usr/bin/python3 scripts/bench_ingest_vs_pandas.py [--build build] [--runs 3]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def bench_csv_path():
    env = os.environ.get("CHOKEPOINT_INGEST_BENCH_CSV")
    if env:
        return env
    return os.path.join(tempfile.gettempdir(), "chokepoint_ingest_bench", "canonical_200mb.csv")


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "..", "build"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    bench = os.path.join(args.build, "bin", "chokepoint_benchmarks")
    cli = os.path.join(args.build, "bin", "chokepoint")
    path = bench_csv_path()

    out = subprocess.run([bench, "--benchmark_filter=Ingest", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    b = json.loads(out)["benchmarks"][0]
    size = os.path.getsize(path)
    mb = size / 1e6
    cpp_wall = b["bytes_per_second"] / 1e6
    cpp_cpu = b["MB_per_cpu_s"]

    import pandas  # noqa: E402  (timed below, not the import)
    walls, cpus = [], []
    for _ in range(args.runs):
        w0, c0 = time.perf_counter(), time.process_time()
        df = pandas.read_csv(path)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        rows = len(df)
        del df
    pd_wall = mb / min(walls)
    pd_cpu = mb / min(cpus)

    with tempfile.TemporaryDirectory() as d:
        h5 = os.path.join(d, "bench.h5")
        c0, w0 = children_cpu(), time.perf_counter()
        subprocess.run([cli, "ingest", path, "--format", "canonical", "--out", h5], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cli_wall, cli_cpu = time.perf_counter() - w0, children_cpu() - c0

    print(f"file: {path} ({mb:.1f} MB, {rows} rows)")
    print(f"pandas {pandas.__version__}: read_csv best of {args.runs}: {min(walls):.2f} s wall, "
          f"{min(cpus):.2f} s CPU")
    print(f"chokepoint IngestFiles (Google Benchmark, 3 iterations): {cpp_wall:.0f} MB/s wall, "
          f"{cpp_cpu:.0f} MB/s per CPU second")
    print(f"pandas.read_csv: {pd_wall:.0f} MB/s wall, {pd_cpu:.0f} MB/s per CPU second")
    print(f"ratio chokepoint / pandas: {cpp_wall / pd_wall:.1f}x wall, {cpp_cpu / pd_cpu:.1f}x CPU")
    print(f"chokepoint ingest CLI end to end (incl. HDF5 write): {cli_wall:.2f} s wall, {cli_cpu:.2f} s CPU "
          f"({mb / cli_cpu:.0f} MB per CPU second)")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    sys.exit(main())
