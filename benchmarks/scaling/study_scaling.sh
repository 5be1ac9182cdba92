#!/bin/sh
# Strong and weak scaling of `chokepoint study` over Open MPI ranks x TBB
# threads on this machine (benchmarks/README.md, "study on MPI"). Ranks x
# threads beyond the cores are oversubscribed: such rows measure overhead,
# not speed-up. Prints CSV: kind,ranks,threads,draws,units,seconds,units_per_s
#   sh benchmarks/scaling/study_scaling.sh [build/bin/chokepoint] [draws_per_core_weak]
set -eu
exe=${1:-build/bin/chokepoint}
weak=${2:-8}
mpi="mpirun --oversubscribe"
[ "$(id -u)" -eq 0 ] && mpi="mpirun --allow-run-as-root --oversubscribe"
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
echo "kind,ranks,threads,draws,units,seconds,units_per_s"
run() {  # run KIND RANKS THREADS DRAWS
  t0=$(date +%s%N)
  if [ "$2" -eq 1 ]; then
    "$exe" study --draws "$4" --threads "$3" --out "$d/s.h5" --quiet >/dev/null
  else
    $mpi -n "$2" "$exe" study --draws "$4" --threads "$3" --out "$d/s.h5" --quiet >/dev/null
  fi
  t1=$(date +%s%N)
  rm -f "$d/s.h5"
  awk -v k="$1" -v r="$2" -v t="$3" -v dr="$4" -v ns=$((t1 - t0)) \
    'BEGIN { u = 15 * dr; s = ns / 1e9; printf "%s,%d,%d,%d,%d,%.2f,%.2f\n", k, r, t, dr, u, s, u / s }'
}
for r in 1 2 4; do for t in 1 2; do run strong "$r" "$t" 24; done; done
for r in 1 2 4; do for t in 1 2; do run weak "$r" "$t" $((weak * r * t)); done; done
