#!/bin/sh
# Whole-file thread invariance (docs/method.md §9): `chokepoint run` (every
# stage: indices, bootstrap, models, aggregates, batches) and `chokepoint
# sweep` on 1 and on 2 threads write the same file: every dataset and every
# attribute, apart from the creation time, the thread counts (threads_used,
# threads_given) and the `threads = N` line of the recorded configuration.
# --threads 2 asks TBB for two workers whatever the machine has, so a
# one-core runner still runs two threads.
# usage: thread_invariance_test.sh CHOKEPOINT WORK_DIR SOURCE_DIR
set -eu
exe=$1 d=$2/thread_invariance_$$ src=$3
rm -rf "$d"; mkdir -p "$d/t1" "$d/t2"; trap 'rm -rf "$d"' EXIT
for t in 1 2; do
  (cd "$d/t$t" && "$exe" run --quiet --seed 3 --replicates 300 --threads $t --out run.h5)
  (cd "$d/t$t" && "$exe" sweep --quiet --seed 3 --replicates 300 --threads $t --out sweep.h5)
done
same() {
  /usr/bin/python3 "$src/tests/support/h5_same.py" "$d/t1/$1" "$d/t2/$1" \
    --skip created_utc,threads_used,threads_given,seconds --mask '^threads = '
}
same run.h5
same sweep.h5
/usr/bin/python3 - "$d/t1/run.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
for section in ("indices", "bootstrap", "models", "aggregate", "batches"):
    assert section in f, section
print("every stage present")
PY
echo "ok: run and sweep files identical on 1 and 2 threads"
