#!/bin/sh
# chokepoint study on 3 Open MPI ranks (oversubscribed on this machine): the
# file equals the single-process file in every dataset and attribute but
# time, thread and rank counts; a failing rank makes every rank exit
# non-zero with that rank's message, and no output file appears.
# usage: study_mpi_test.sh CHOKEPOINT WORK_DIR SOURCE_DIR
set -eu
exe=$1 d=$2/study_mpi_$$ src=$3
rm -rf "$d"; mkdir -p "$d"; trap 'rm -rf "$d"' EXIT
mpi="mpirun --oversubscribe -n 3"
[ "$(id -u)" -eq 0 ] && mpi="mpirun --allow-run-as-root --oversubscribe -n 3"
cat > "$d/design.toml" <<'TOML'
[study]
draws = 10
seed = 3
months = [60]
codes = [2]
trend = [0.0, 0.006, 0.012]
surge_amplitude = [0.0, 0.8]
surge_onset = [30]
surge_half_life = [4.0]
bootstrap_replicates = 29
TOML
"$exe" study --design "$d/design.toml" --threads 2 --out "$d/one.h5" --quiet >/dev/null
$mpi "$exe" study --design "$d/design.toml" --threads 1 --out "$d/mpi.h5" --quiet > "$d/mpi_out"
[ "$(grep -c '^wrote' "$d/mpi_out")" -eq 1 ] || { echo "FAIL: not exactly one rank reported"; cat "$d/mpi_out"; exit 1; }
/usr/bin/python3 -c "import h5py,sys; assert [h5py.File(p).attrs['ranks'] for p in sys.argv[1:]] == [1, 3]" \
  "$d/one.h5" "$d/mpi.h5"
/usr/bin/python3 "$src/tests/support/h5_same.py" "$d/one.h5" "$d/mpi.h5" \
  --skip created_utc,seconds,threads_used,ranks,report_markdown
# A failing rank: every rank exits non-zero with rank 1's message; no file.
set +e
CHOKEPOINT_TEST_FAIL_RANK=1 $mpi "$exe" study --design "$d/design.toml" --threads 1 --out "$d/fail.h5" --quiet \
  >/dev/null 2>"$d/fail_err"
rc=$?
set -e
[ $rc -ne 0 ] || { echo "FAIL: a failing rank gave exit 0"; exit 1; }
# Every rank raises rank 1's error; mpirun may cut the others' output short
# once one rank exits non-zero, so at least one line is required.
[ "$(grep -c 'rank 1 of 3: study: injected failure' "$d/fail_err")" -ge 1 ] || { cat "$d/fail_err"; exit 1; }
test ! -e "$d/fail.h5"
if ls "$d" | grep -q 'fail.h5.tmp'; then echo "FAIL: a temporary was left"; ls "$d"; exit 1; fi
echo "ok: a failing rank fails every rank and writes nothing"
