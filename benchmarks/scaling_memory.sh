#!/bin/sh
# Time and peak memory of the single-series models at T = 120, 1,000 and
# 10,000 months (docs/method.md §7.3; the hardening target: every one within
# 1 GB at T = 10,000). Prints a Markdown table; run after `make build`:
#   sh benchmarks/scaling_memory.sh [T ...]
# Series: log trend + month effects + AR noise + one surge at 0.6 T, from
# /usr/bin/python3 with numpy (Debian python3-numpy). Needs GNU time
# (/usr/bin/time -v).
set -eu
cd "$(dirname "$0")/.."
bin=$PWD/build/bin/chokepoint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=${*:-120 1000 10000}
echo "| command | T | wall (s) | peak RSS (MB) |"
echo "|---|---|---|---|"
for T in $sizes; do
  /usr/bin/python3 - "$T" "$work/s$T.csv" <<'PY'
import sys, numpy as np
T, path = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(T)
t = np.arange(T)
e = np.zeros(T)
for k in range(1, T):
    e[k] = 0.5 * e[k - 1] + rng.normal(0, 0.08)
lv = np.log(1e6) + 0.6 * t / T + 0.1 * np.sin(2 * np.pi * t / 12) + e
s = int(0.6 * T)
lv += np.where(t >= s, 0.8 * np.exp2(-np.clip(t - s, 0, None) / 6.0), 0.0)
open(path, "w").write("value\n" + "".join(f"{v:.6f}\n" for v in np.exp(lv)))
PY
  for cmd in bootstrap breaks surge; do
    /usr/bin/time -v "$bin" "$cmd" --input "$work/s$T.csv" --start 1900-01 --quiet >/dev/null 2>"$work/time.txt" ||
      { echo "| $cmd | $T | failed | |"; continue; }
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
    echo "| $cmd | $T | $wall | $((rss / 1024)) |"
  done
done
