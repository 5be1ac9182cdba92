#!/bin/sh
# Time and peak memory of `chokepoint sweep` over many series with the
# referee grid (docs/method.md §6.2: 1,260 index specifications x 27,456
# threshold points) and 1,000 residual-bootstrap replicates, on this machine.
# Each series is reduced to its summaries as its replicates are evaluated, so
# memory grows with series x summaries, not series x grid (method.md §6.10).
# Prints a Markdown table; run after `make build`:
#   sh benchmarks/scaling/sweep_series.sh [N ...]     (default 1000 2000 10000)
# Environment: REPLICATES (1000), THREADS (0 = all cores). Series from
# benchmarks/scaling/make_series_csv.py (needs /usr/bin/python3 with numpy);
# GNU time (/usr/bin/time -v) measures the peak RSS.
set -eu
cd "$(dirname "$0")/../.."
bin=$PWD/build/bin/chokepoint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sizes=${*:-1000 2000 10000}
reps=${REPLICATES:-1000}
threads=${THREADS:-0}
echo "| series | replicates | threads | wall (s) | peak RSS (MB) | file (MB) | series x replicates / s |"
echo "|---|---|---|---|---|---|---|"
for n in $sizes; do
  /usr/bin/python3 benchmarks/scaling/make_series_csv.py "$n" "$work/s.csv" 1
  /usr/bin/time -v "$bin" sweep --input "$work/s.csv" --replicates "$reps" --threads "$threads" --quiet \
    --out "$work/s.h5" 2>"$work/time.txt" || { cat "$work/time.txt"; echo "| $n | $reps | $threads | failed | | | |"; continue; }
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
  secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
  size=$(du -m "$work/s.h5" | cut -f1)
  rate=$(awk -v n="$n" -v r="$reps" -v s="$secs" 'BEGIN { printf "%.0f", n * r / s }')
  echo "| $n | $reps | $threads | $secs | $((rss / 1024)) | $size | $rate |"
  rm -f "$work/s.h5"
done
