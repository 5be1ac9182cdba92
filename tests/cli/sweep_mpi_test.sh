#!/bin/sh
# chokepoint sweep on 3 Open MPI ranks (oversubscribed on this machine) over
# 40 series: the file equals the single-process file in every dataset and
# attribute but the creation time and the rank count (--threads is part of
# the recorded configuration, so both runs give 1); a failing rank makes every rank
# exit non-zero with that rank's message, and no output file appears.
# usage: sweep_mpi_test.sh CHOKEPOINT WORK_DIR SOURCE_DIR
set -eu
exe=$1 d=$2/sweep_mpi_$$ src=$3
rm -rf "$d"; mkdir -p "$d"; trap 'rm -rf "$d"' EXIT
mpi="mpirun --oversubscribe -n 3"
[ "$(id -u)" -eq 0 ] && mpi="mpirun --allow-run-as-root --oversubscribe -n 3"
/usr/bin/python3 "$src/benchmarks/scaling/make_series_csv.py" 40 "$d/series.csv" 7
args="--input $d/series.csv --replicates 300 --growth 0.2:1.0:0.1 --quiet"
# Both write out.h5 in their own directory: the output path is part of the
# recorded configuration.
mkdir "$d/one" "$d/mpi"
(cd "$d/one" && "$exe" sweep $args --threads 1 --out out.h5)
(cd "$d/mpi" && $mpi "$exe" sweep $args --threads 1 --out out.h5 --report out.md)
/usr/bin/python3 -c "import h5py,sys; f=h5py.File(sys.argv[1]); assert f['sweep'].attrs['ranks'] == 3" "$d/mpi/out.h5"
/usr/bin/python3 "$src/tests/support/h5_same.py" "$d/one/out.h5" "$d/mpi/out.h5" --skip created_utc,ranks
# A failing rank: every rank exits non-zero with rank 2's message; no file.
set +e
CHOKEPOINT_TEST_FAIL_RANK=2 $mpi "$exe" sweep $args --threads 1 --out "$d/fail.h5" >/dev/null 2>"$d/fail_err"
rc=$?
set -e
[ $rc -ne 0 ] || { echo "FAIL: a failing rank gave exit 0"; exit 1; }
[ "$(grep -c 'rank 2 of 3: sweep: injected failure' "$d/fail_err")" -ge 1 ] || { cat "$d/fail_err"; exit 1; }
test ! -e "$d/fail.h5"
if ls "$d" | grep -q 'fail.h5.tmp'; then echo "FAIL: a temporary was left"; ls "$d"; exit 1; fi
echo "ok: 3 ranks give the single-process sweep file; a failing rank writes nothing"
