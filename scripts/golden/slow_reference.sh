#!/bin/sh
# Regenerates tests/data/slow/reference_rates.csv: the expected rates of the
# powered Monte Carlo checks (tests/slow/rates_slow_test.cc), measured by the
# same functions on other seeds and with more draws (coverage: 20,000 draws
# per design, and 20,000 series for the observed statistic's intervals of G;
# breaks 20,000 / 4,000; surge recovery 4,000). About 13 minutes on
# 2 cores. Run after a build; rerun only when a method changes on purpose,
# and say in the commit which rates moved and why.
set -eu
cd "$(dirname "$0")/../.."
out=tests/data/slow/reference_rates.csv
tmp=$out.tmp-$$
trap 'rm -f "$tmp"' EXIT
{
  echo "# Expected rates of tests/slow/rates_slow_test.cc, made by scripts/golden/slow_reference.sh"
  echo "# ($(git describe --always --dirty 2>/dev/null || echo unknown), $(date -u +%Y-%m-%d))."
  echo "name,successes,trials"
} > "$tmp"
CHOKEPOINT_SLOW_REFERENCE="$PWD/$tmp" build/bin/slow_tests
mv "$tmp" "$out"
trap - EXIT
echo "wrote $out"
