#!/bin/sh
# Checkpoint and resume of chokepoint study (docs/method.md §9.5):
#  - SIGKILL at a random moment, then --resume: the file equals an
#    uninterrupted run's (every dataset; every attribute but time, threads
#    and the resumed count);
#  - SIGTERM stops with exit 143, a message naming --resume, no output file
#    and the checkpoint kept; --resume then finishes;
#  - a checkpoint left over makes a fresh run refuse; a checkpoint of another
#    design is refused on --resume.
# usage: study_resume_test.sh CHOKEPOINT WORK_DIR SOURCE_DIR
set -eu
exe=$1 d=$2/study_resume_$$ src=$3
rm -rf "$d"; mkdir -p "$d"; trap 'rm -rf "$d"' EXIT
cat > "$d/design.toml" <<'TOML'
[study]
draws = 24
seed = 5
months = [60]
codes = [2]
trend = [0.0, 0.01, 0.02]
surge_amplitude = [0.0, 0.6]
surge_onset = [30]
surge_half_life = [4.0]
bootstrap_replicates = 29
TOML
t0=$(date +%s%N)
"$exe" study --design "$d/design.toml" --threads 2 --out "$d/full.h5" --quiet >/dev/null
t1=$(date +%s%N)
full_ms=$(( (t1 - t0) / 1000000 ))
echo "uninterrupted run: $full_ms ms"
test ! -e "$d/full.h5.checkpoint"
# Exit 3 when the file took no points from a checkpoint (killed too early).
compare() {
  /usr/bin/python3 "$src/tests/support/h5_same.py" "$d/full.h5" "$1" \
    --skip created_utc,seconds,threads_used,resumed_points,report_markdown || return 1
  n=$(/usr/bin/python3 -c "import h5py,sys; print(int(h5py.File(sys.argv[1]).attrs['resumed_points']))" "$1")
  echo "resumed points: $n"
  [ "$n" -gt 0 ] || return 3
}
# SIGKILL at a random moment (20-80% of the uninterrupted run's time), then
# --resume; repeated until a kill lands after a block of points was saved
# (the resumed file says how many points it took from the checkpoint).
tries=0
while :; do
  tries=$((tries + 1))
  rm -f "$d/k.h5" "$d/k.h5.checkpoint"
  "$exe" study --design "$d/design.toml" --threads 2 --out "$d/k.h5" --quiet >/dev/null 2>&1 &
  pid=$!
  at=$(awk -v s=$$$tries -v t=$full_ms 'BEGIN { srand(s); printf "%.3f", t * (0.2 + 0.6 * rand()) / 1000 }')
  sleep "$at"
  kill -KILL $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  [ $tries -lt 12 ] || { echo "FAIL: never killed mid-run with points saved in 12 tries"; exit 1; }
  [ ! -e "$d/k.h5" ] && [ -e "$d/k.h5.checkpoint" ] || continue
  "$exe" study --design "$d/design.toml" --threads 2 --out "$d/k.h5" --resume --quiet >/dev/null
  test ! -e "$d/k.h5.checkpoint"
  set +e; compare "$d/k.h5"; rc=$?; set -e
  [ $rc -eq 3 ] && continue  # killed before the first block was saved
  [ $rc -eq 0 ] || exit 1
  echo "killed after ${at} s (try $tries)"
  break
done
# SIGTERM (a background job of a script ignores SIGINT; both go the same
# way): exit 143, the message, no output, the checkpoint kept; then resume.
"$exe" study --design "$d/design.toml" --threads 2 --out "$d/i.h5" --quiet >/dev/null 2>"$d/int_err" &
pid=$!
# Signal as soon as the study is computing (its checkpoint exists): a fixed
# delay can land after the end on a machine faster than the first run.
i=0
while [ ! -e "$d/i.h5.checkpoint" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
[ $rc -eq 143 ] || { echo "FAIL: exit $rc after SIGTERM"; cat "$d/int_err"; exit 1; }
grep -q -- 'continue with the same command and --resume' "$d/int_err" || { cat "$d/int_err"; exit 1; }
test ! -e "$d/i.h5"
test -e "$d/i.h5.checkpoint"
# A fresh run refuses while the checkpoint is there; another design's resume is refused.
if "$exe" study --design "$d/design.toml" --out "$d/i.h5" --quiet 2>"$d/err" >/dev/null; then
  echo "FAIL: a fresh run ignored the checkpoint"; exit 1
fi
grep -q -- '--resume' "$d/err"
if "$exe" study --design "$d/design.toml" --seed 6 --out "$d/i.h5" --resume --quiet 2>"$d/err" >/dev/null; then
  echo "FAIL: resumed another design"; exit 1
fi
grep -q 'another design' "$d/err"
"$exe" study --design "$d/design.toml" --threads 2 --out "$d/i.h5" --resume --quiet >/dev/null
# The signal came as the study started, so the checkpoint may hold no point
# yet (compare's exit 3); the file must be the uninterrupted one either way.
set +e; compare "$d/i.h5"; rc=$?; set -e
[ $rc -eq 0 ] || [ $rc -eq 3 ] || exit 1
echo "ok: kill and resume give the uninterrupted file"
