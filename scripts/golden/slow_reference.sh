#!/bin/sh
# Regenerates tests/data/slow/reference_rates.csv: the expected rates of the
# powered Monte Carlo checks (tests/slow/rates_slow_test.cc), measured by the
# same functions on other seeds and with more draws (coverage: 20,000 draws
# per design, and 20,000 series for the observed statistic's intervals of G;
# breaks 20,000 / 4,000; surge recovery 4,000; coverage with the models'
# episodes held, 20,000 intervals from 5,000 simulations). About 13 minutes
# on 2 cores for all but the episode coverage, which takes its own time
# (bootstrap/README.md gives it).
#
# SLOW_FILTER=PATTERN (a gtest filter) remakes only those tests' rates: their
# old lines are dropped and the new ones appended, the others kept.
#
# Run after a build; rerun only when a method changes on purpose, and say in
# the commit which rates moved and why.
set -eu
cd "$(dirname "$0")/../.."
out=tests/data/slow/reference_rates.csv
tmp=$out.tmp-$$
trap 'rm -f "$tmp" "$tmp.new"' EXIT
if [ -n "${SLOW_FILTER:-}" ]; then
  : > "$tmp.new"
  CHOKEPOINT_SLOW_REFERENCE="$PWD/$tmp.new" build/bin/slow_tests --gtest_filter="$SLOW_FILTER"
  if [ ! -s "$tmp.new" ]; then
    echo "slow_reference: SLOW_FILTER='$SLOW_FILTER' measured no rates; $out left as it was" >&2
    exit 1
  fi
  # Keep every old line whose rate name the new run did not measure.
  awk -F, 'FILENAME == ARGV[1] { fresh[$1] = 1; next } !($1 in fresh)' "$tmp.new" "$out" > "$tmp"
  cat "$tmp.new" >> "$tmp"
else
  {
    echo "# Expected rates of tests/slow/rates_slow_test.cc, made by scripts/golden/slow_reference.sh"
    echo "# ($(git describe --always --dirty 2>/dev/null || echo unknown), $(date -u +%Y-%m-%d))."
    echo "name,successes,trials"
  } > "$tmp"
  CHOKEPOINT_SLOW_REFERENCE="$PWD/$tmp" build/bin/slow_tests
fi
mv "$tmp" "$out"
trap - EXIT
rm -f "$tmp.new"
echo "wrote $out"
