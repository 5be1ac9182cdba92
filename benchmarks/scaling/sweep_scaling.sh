#!/bin/sh
# Strong and weak scaling of `chokepoint sweep` over Open MPI ranks x TBB
# threads on this machine (benchmarks/README.md, "sweep over many series").
# The referee grid with 1,000 replicates over synthetic series
# (make_series_csv.py). Ranks x threads beyond the cores are oversubscribed:
# such rows measure overhead, not speed-up. Prints CSV:
#   kind,ranks,threads,series,seconds,series_per_s
#   sh benchmarks/scaling/sweep_scaling.sh [build/bin/chokepoint] [strong_series] [weak_series_per_core]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exe=$(realpath "${1:-build/bin/chokepoint}")
strong=${2:-240}
weak=${3:-60}
mpi="mpirun --oversubscribe"
[ "$(id -u)" -eq 0 ] && mpi="mpirun --allow-run-as-root --oversubscribe"
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
echo "kind,ranks,threads,series,seconds,series_per_s"
run() {  # run KIND RANKS THREADS SERIES
  [ -e "$d/s$4.csv" ] || /usr/bin/python3 "$here/make_series_csv.py" "$4" "$d/s$4.csv" 1
  t0=$(date +%s%N)
  if [ "$2" -eq 1 ]; then
    "$exe" sweep --input "$d/s$4.csv" --threads "$3" --out "$d/s.h5" --quiet >/dev/null
  else
    $mpi -n "$2" "$exe" sweep --input "$d/s$4.csv" --threads "$3" --out "$d/s.h5" --quiet >/dev/null
  fi
  t1=$(date +%s%N)
  rm -f "$d/s.h5"
  awk -v k="$1" -v r="$2" -v t="$3" -v n="$4" -v ns=$((t1 - t0)) \
    'BEGIN { s = ns / 1e9; printf "%s,%d,%d,%d,%.2f,%.2f\n", k, r, t, n, s, n / s }'
}
for r in 1 2 4; do for t in 1 2; do run strong "$r" "$t" "$strong"; done; done
for r in 1 2 4; do for t in 1 2; do run weak "$r" "$t" $((weak * r * t)); done; done
