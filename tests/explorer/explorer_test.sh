#!/bin/sh
# The referee's explorer through the chokepoint executable (explorer/README.md):
#   data     the page embeds exactly what scripts/explore_dump.py (h5py) reads
#            from the same files, and the page is under 5 MB;
#   browser  the page in headless Chromium (explorer/test/browser_test.mjs:
#            no console error, load < 2 s, g* = 0.75 flips Integrated Circuits
#            as the sweep's tipping point says, base first12 shows the sweep's
#            numbers, matrix update < 100 ms); screenshots of every view go to
#            <build>/Testing/explorer_screenshots;
#   figures  `chokepoint figures --no-png` writes SVG files that
#            explorer/test/figures_test.mjs accepts;
#   bad      a file that is not a run file, and a sweep file given as the run,
#            stop with a message and leave no HTML file or figure directory.
# usage: explorer_test.sh MODE CHOKEPOINT SOURCE_DIR BINARY_DIR
set -eu
mode=$1 exe=$2 src=$3 bin=$4
run=$src/results/default_run.h5
sweep=$src/results/referee_sweep.h5
d=$bin/explorer_test_${mode}_$$
rm -rf "$d"; mkdir -p "$d"
trap 'rm -rf "$d"' EXIT
case $mode in
  data)
    "$exe" explore "$run" "$sweep" --out "$d/x.html" >/dev/null
    /usr/bin/python3 "$src/scripts/explore_dump.py" "$run" "$sweep" > "$d/h5py.json"
    /usr/bin/python3 - "$d/x.html" "$d/h5py.json" <<'PY'
import json, os, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="chokepoint-explore-data">\s*(.*?)\s*</script>', page, re.S)
assert m, "no data element in the page"
embedded = json.loads(m.group(1))  # "<\/" is valid JSON for "</"
reference = json.load(open(sys.argv[2]))
size = os.path.getsize(sys.argv[1])
assert size < 5_000_000, f"page is {size} bytes (limit 5 MB)"
for doc in (embedded, reference):
    doc.pop("tool_version")
    for f in doc["files"].values():
        f.pop("path")
def diff(a, b, where=""):
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{where}: keys differ: only C++ {sorted(a.keys() - b.keys())[:5]}, only h5py {sorted(b.keys() - a.keys())[:5]}"
        for k in a:
            d = diff(a[k], b[k], f"{where}/{k}")
            if d: return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b): return f"{where}: length {len(a)} vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f"{where}[{i}]")
            if d: return d
        return None
    if a != b and not (isinstance(a, (int, float)) and isinstance(b, (int, float)) and float(a) == float(b)):
        return f"{where}: {a!r} vs {b!r}"
    return None
d = diff(embedded, reference)
assert d is None, "C++ and h5py documents differ at " + d
n = sum(len(f["datasets"]) for f in embedded["files"].values())
print(f"ok: the page embeds the h5py reading of {n} datasets exactly; page {size} bytes")
PY
    ;;
  browser)
    shots=$bin/Testing/explorer_screenshots
    rm -rf "$shots"; mkdir -p "$shots"
    "$exe" explore "$run" "$sweep" --out "$d/x.html"
    # The load is timed from the page's navigation in a browser that has
    # finished starting: a fresh headless Chromium spends its first second
    # preloading its own UI, which is not the page's cost (explorer/README.md).
    node "$src/explorer/test/browser_test.mjs" "$d/x.html" "$shots" --settle-ms 1500
    # The run alone: the sweep views say so instead of failing.
    "$exe" explore "$run" --out "$d/run_only.html" >/dev/null
    node "$src/explorer/test/browser_test.mjs" "$d/run_only.html" "$shots/run_only" --settle-ms 1500
    ;;
  figures)
    # SVG only: rasterising 24 figures was half the test's time, and the PNG
    # output is checked by cli_flag_table (figures with and without --no-png).
    "$exe" figures "$run" "$sweep" --no-png --out "$d/figs"
    test -s "$d/figs/vg_plane.svg" && test ! -e "$d/figs/vg_plane.png" && test -s "$d/figs/spec_curve.svg"
    /usr/bin/python3 "$src/scripts/explore_dump.py" "$run" "$sweep" > "$d/data.json"
    # The figures the command wrote are the ones checked (rendering them a
    # second time in the test doubled its time).
    node "$src/explorer/test/figures_test.mjs" "$d/data.json" "$d/figs" --existing
    ;;
  bad)
    expect_refusal() {  # expect_refusal WORDS COMMAND...: non-zero exit, WORDS on stderr
      words=$1; shift
      if "$@" 2>"$d/err"; then echo "FAIL: accepted: $*"; exit 1; fi
      grep -q "$words" "$d/err" || { echo "FAIL: message lacks '$words':"; cat "$d/err"; exit 1; }
    }
    printf 'hs8,period,value_usd\n' > "$d/not_h5.csv"
    expect_refusal "not" "$exe" explore "$d/not_h5.csv" --out "$d/a.html"
    "$exe" ingest "$src/tests/data/ingest/canonical_basic.csv" --out "$d/panel.h5" 2>/dev/null >/dev/null
    expect_refusal "not a chokepoint run or sweep file" "$exe" explore "$d/panel.h5" --out "$d/b.html"
    expect_refusal "is a sweep file" "$exe" explore "$sweep" "$run" --out "$d/c.html"
    expect_refusal "no /sweep group" "$exe" explore "$run" "$run" --out "$d/e.html"
    expect_refusal "sweep file" "$exe" figures "$sweep" --out "$d/figs"
    for f in a.html b.html c.html e.html figs; do
      test ! -e "$d/$f" || { echo "FAIL: $f was written"; exit 1; }
    done
    if ls "$d" | grep -q 'tmp'; then echo "FAIL: a temporary was left:"; ls "$d"; exit 1; fi
    echo "ok: bad input refused, nothing written"
    ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
