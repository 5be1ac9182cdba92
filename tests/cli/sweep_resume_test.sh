#!/bin/sh
# Checkpoint and resume of chokepoint sweep (docs/method.md §9.12), over 90 series:
#  - SIGKILL at a random moment, then --resume: the file equals an
#    uninterrupted sweep's in every dataset and attribute (but the creation
#    time and the resumed count);
#  - SIGTERM stops with exit 143, a message naming --resume, no output and
#    the checkpoint kept; --resume then finishes;
#  - a leftover checkpoint makes a fresh sweep refuse; a checkpoint of
#    another configuration or other data is refused on --resume.
# usage: sweep_resume_test.sh CHOKEPOINT WORK_DIR SOURCE_DIR
set -eu
exe=$1 d=$2/sweep_resume_$$ src=$3
rm -rf "$d"; mkdir -p "$d"; trap 'rm -rf "$d"' EXIT
/usr/bin/python3 "$src/benchmarks/scaling/make_series_csv.py" 90 "$d/series.csv" 11
args="--input $d/series.csv --replicates 300 --quiet"
# Every sweep writes k.h5 (the output path is part of the recorded
# configuration); the uninterrupted one is then moved aside.
t0=$(date +%s%N)
"$exe" sweep $args --threads 2 --out "$d/k.h5"
t1=$(date +%s%N)
mv "$d/k.h5" "$d/full.h5"
full_ms=$(( (t1 - t0) / 1000000 ))
echo "uninterrupted sweep: $full_ms ms"
test ! -e "$d/full.h5.checkpoint"
resumed() { /usr/bin/python3 -c "import h5py,sys; print(int(h5py.File(sys.argv[1])['sweep'].attrs['resumed_series']))" "$1"; }
same() { /usr/bin/python3 "$src/tests/support/h5_same.py" "$d/full.h5" "$1" --skip created_utc,resumed_series; }
tries=0
while :; do
  tries=$((tries + 1))
  [ $tries -le 12 ] || { echo "FAIL: never killed mid-run with series saved in 12 tries"; exit 1; }
  rm -f "$d/k.h5" "$d/k.h5.checkpoint"
  "$exe" sweep $args --threads 2 --out "$d/k.h5" >/dev/null 2>&1 &
  pid=$!
  at=$(awk -v s=$$$tries -v t=$full_ms 'BEGIN { srand(s); printf "%.3f", t * (0.2 + 0.6 * rand()) / 1000 }')
  sleep "$at"
  kill -KILL $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  [ ! -e "$d/k.h5" ] && [ -e "$d/k.h5.checkpoint" ] || continue
  "$exe" sweep $args --threads 2 --out "$d/k.h5" --resume
  test ! -e "$d/k.h5.checkpoint"
  n=$(resumed "$d/k.h5")
  same "$d/k.h5"
  [ "$n" -gt 0 ] || continue  # killed before the first series was saved
  echo "killed after ${at} s (try $tries); $n of 90 series resumed"
  break
done
rm -f "$d/k.h5"
"$exe" sweep $args --threads 2 --out "$d/k.h5" 2>"$d/int_err" &
pid=$!
# Signal as soon as the sweep is computing (its checkpoint exists): a fixed
# delay can land after the end on a machine faster than the first run.
i=0
while [ ! -e "$d/k.h5.checkpoint" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
[ $rc -eq 143 ] || { echo "FAIL: exit $rc after SIGTERM"; cat "$d/int_err"; exit 1; }
grep -q -- 'continue with the same command and --resume' "$d/int_err" || { cat "$d/int_err"; exit 1; }
test ! -e "$d/k.h5"
test -e "$d/k.h5.checkpoint"
if "$exe" sweep $args --out "$d/k.h5" 2>"$d/err"; then echo "FAIL: a fresh sweep ignored the checkpoint"; exit 1; fi
grep -q -- '--resume' "$d/err"
if "$exe" sweep $args --seed 9 --out "$d/k.h5" --resume 2>"$d/err"; then echo "FAIL: resumed another seed"; exit 1; fi
grep -q 'checkpoint of another sweep' "$d/err"
sed 's/^2015-01,\([0-9.]*\)/2015-01,1\1/' "$d/series.csv" > "$d/other.csv"
cp "$d/other.csv" "$d/series.csv.bak"; cp "$d/series.csv" "$d/orig.csv"; cp "$d/other.csv" "$d/series.csv"
if "$exe" sweep $args --out "$d/k.h5" --resume 2>"$d/err"; then echo "FAIL: resumed on other data"; exit 1; fi
grep -q 'checkpoint of another sweep' "$d/err"
cp "$d/orig.csv" "$d/series.csv"
"$exe" sweep $args --threads 2 --out "$d/k.h5" --resume
same "$d/k.h5"
echo "ok: kill and resume give the uninterrupted sweep file"
