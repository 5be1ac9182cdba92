#!/bin/sh
# Installs the build into a staging prefix, moves the prefix (an install must
# not depend on where it was made), builds a consumer project against it with
# find_package(chokepoint), and runs the consumer and the installed executable
# from a directory outside the source tree with CHOKEPOINT_DATA_DIR unset.
# Usage: run_install_test.sh BUILD_DIR CONSUMER_SOURCE WORK_DIR BUILD_TYPE
set -eu
build=$1
consumer=$2
work=$3/$$
type=${4:-Release}
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
unset CHOKEPOINT_DATA_DIR || true

cmake --install "$build" --prefix "$work/stage" >"$work/install.log"
mv "$work/stage" "$work/prefix"
prefix=$work/prefix
test -x "$prefix/bin/chokepoint"
test -f "$prefix/share/chokepoint/catalog/groups.csv"
test -f "$prefix/lib/cmake/chokepoint/chokepointConfig.cmake"

cmake -S "$consumer" -B "$work/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE="$type" \
  >"$work/consumer-configure.log"
cmake --build "$work/consumer-build" >"$work/consumer-build.log" 2>&1 || { cat "$work/consumer-build.log"; exit 1; }

cd "$work"
./consumer-build/consumer >consumer.out
grep -q "^data_dir $prefix/share/chokepoint\$" consumer.out || { echo "consumer used another data directory:"; cat consumer.out; exit 1; }
test "$(grep -c '	' consumer.out)" -eq 17 || { echo "expected 17 groups:"; cat consumer.out; exit 1; }
# The talk's regimes, which the shipped scenario reproduces (docs/method.md §3.5).
grep -q "^Integrated Circuits	stockpiling\$" consumer.out
grep -q "^Polymers	substitution\$" consumer.out
grep -q "^Fluid Control Equipment	no_effect\$" consumer.out

# The installed executable finds its data beside itself.
"$prefix/bin/chokepoint" run --quiet --replicates 50 --out "$work/run.h5"
"$prefix/bin/chokepoint" report "$work/run.h5" >report.md
grep -q "Integrated Circuits" report.md
# Nothing in the run file or report names this machine's paths.
if grep -q "$prefix" report.md; then echo "report names the install prefix"; exit 1; fi
if strings "$work/run.h5" | grep -q "$prefix"; then echo "run file names the install prefix"; exit 1; fi
echo "install test: consumer and installed executable OK ($prefix)"
