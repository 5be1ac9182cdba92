#!/bin/sh
# Checkpoint and resume of chokepoint study (docs/method.md §9.5):
#  - SIGKILL at a random moment, then --resume: the file equals an
#    uninterrupted run's (every dataset; every attribute but time, threads
#    and the resumed count);
#  - SIGINT stops with exit 130, a message naming --resume, no output file and
#    the checkpoint kept; --resume then finishes;
#  - a checkpoint left over makes a fresh run refuse; a checkpoint of another
#    design is refused on --resume.
# usage: study_resume_test.sh CHOKEPOINT WORK_DIR
set -eu
exe=$1 d=$2/study_resume_$$
rm -rf "$d"; mkdir -p "$d"; trap 'rm -rf "$d"' EXIT
cat > "$d/design.toml" <<'TOML'
[study]
draws = 40
seed = 5
months = [60]
codes = [2]
trend = [0.0, 0.01, 0.02]
surge_amplitude = [0.0, 0.6]
surge_onset = [30]
surge_half_life = [4.0]
bootstrap_replicates = 29
TOML
"$exe" study --design "$d/design.toml" --out "$d/full.h5" --quiet >/dev/null
test ! -e "$d/full.h5.checkpoint"
compare() {
  /usr/bin/python3 - "$d/full.h5" "$1" <<'PY'
import sys, h5py, numpy as np
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])
def datasets(f):
    out = {}
    f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out
x, y = datasets(a), datasets(b)
assert x.keys() == y.keys(), sorted(x.keys() ^ y.keys())
for k in x:
    assert np.array_equal(x[k], y[k], equal_nan=x[k].dtype.kind == "f"), k
skip = {"created_utc", "seconds", "threads_used", "resumed_points", "report_markdown"}
for k in a.attrs:
    if k not in skip:
        assert a.attrs[k] == b.attrs[k], k
print("identical:", len(x), "datasets; resumed points:", b.attrs["resumed_points"])
PY
}
# SIGKILL at random moments until one lands mid-run with points saved.
tries=0
while :; do
  tries=$((tries + 1))
  rm -f "$d/k.h5" "$d/k.h5.checkpoint"
  "$exe" study --design "$d/design.toml" --out "$d/k.h5" --quiet >/dev/null 2>&1 &
  pid=$!
  sleep "0.$(awk -v s=$$$tries 'BEGIN { srand(s); printf "%d", 3 + rand() * 6 }')"
  kill -KILL $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  if [ ! -e "$d/k.h5" ] && [ -s "$d/k.h5.checkpoint" ]; then break; fi
  [ $tries -lt 10 ] || { echo "FAIL: never killed mid-run in 10 tries"; exit 1; }
done
# A fresh run refuses while the checkpoint is there.
if "$exe" study --design "$d/design.toml" --out "$d/k.h5" --quiet 2>"$d/err" >/dev/null; then
  echo "FAIL: a fresh run ignored the checkpoint"; exit 1
fi
grep -q -- '--resume' "$d/err"
# Another design's checkpoint is refused.
if "$exe" study --design "$d/design.toml" --seed 6 --out "$d/k.h5" --resume --quiet 2>"$d/err" >/dev/null; then
  echo "FAIL: resumed another design"; exit 1
fi
grep -q 'another design' "$d/err"
"$exe" study --design "$d/design.toml" --out "$d/k.h5" --resume --quiet >/dev/null
test ! -e "$d/k.h5.checkpoint"
compare "$d/k.h5"
# SIGINT: exit 130, the message, no output, the checkpoint kept; then resume.
"$exe" study --design "$d/design.toml" --out "$d/i.h5" --quiet >/dev/null 2>"$d/int_err" &
pid=$!
sleep 1.2
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
if [ $rc -eq 0 ]; then echo "note: finished before SIGINT; skipping the SIGINT half"; exit 0; fi
[ $rc -eq 130 ] || { echo "FAIL: exit $rc after SIGINT"; cat "$d/int_err"; exit 1; }
grep -q -- 'continue with the same command and --resume' "$d/int_err" || { cat "$d/int_err"; exit 1; }
test ! -e "$d/i.h5"
test -e "$d/i.h5.checkpoint"
"$exe" study --design "$d/design.toml" --out "$d/i.h5" --resume --quiet >/dev/null
compare "$d/i.h5"
echo "ok: kill and resume give the uninterrupted file"
