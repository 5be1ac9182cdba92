#!/bin/sh
# A run on an HS4 panel (docs/method.md §1.11): the example Customs export
# summed to headings; groups whose heading is theirs alone are classified
# (marked as drawn from coarser codes), a heading shared by several groups is
# used by none and named, and a --code-map assignment brings it in.
# usage: hs4_run_test.sh CHOKEPOINT SOURCE_DIR WORK_DIR
set -eu
exe=$1 src=$2 d=$3/hs4_run_$$
rm -rf "$d"; mkdir -p "$d"; trap 'rm -rf "$d"' EXIT
/usr/bin/python3 - "$src/examples/customs_query_example.csv" "$d/hs4.csv" <<'PY'
import sys, pandas as pd
f = pd.read_csv(sys.argv[1], dtype={"Commodity code": str, "Date of data": str}, thousands=",")
f["code"] = f["Commodity code"].str[:4]
g = f.groupby(["code", "Date of data"], as_index=False)["US dollar"].sum()
g.columns = ["code", "period", "value_usd"]
g.to_csv(sys.argv[2], index=False)
PY
"$exe" ingest "$d/hs4.csv" --out "$d/p.h5" 2>"$d/ingest.txt" >/dev/null
grep -q 'code levels: HS4' "$d/ingest.txt"
"$exe" run --quiet --no-bootstrap --data "$d/p.h5" --out "$d/r.h5"
"$exe" report "$d/r.h5" > "$d/r.md"
check() { grep -q -- "$1" "$d/$2" || { echo "FAIL: '$1' not in $2:"; sed -n 1,16p "$d/$2"; exit 1; }; }
check '2 of 17 groups complete (at least 75% of their catalog lines), 1 partial, 14 not in the panel; code levels used: HS4' r.md
check 'Lithography for Electronics \[8486 (shared with Silicon Processing, Cleanroom Process Equipment, Hot or Cold Process Equipment)\]' r.md
check 'Drawn from codes coarser than the catalog.s lines (the series includes unlisted lines): Integrated Circuits, Silicon Processing, Medicaments' r.md
check '| 2 | Integrated Circuits |.* | 10/10 | HS4 |' r.md
# The shared heading assigned to Lithography by the user.
printf 'code,group,weight\n8486,Lithography for Electronics,1\n' > "$d/map.csv"
"$exe" run --quiet --no-bootstrap --data "$d/p.h5" --code-map "$d/map.csv" --out "$d/r2.h5"
"$exe" report "$d/r2.h5" > "$d/r2.md"
check '3 of 17 groups complete' r2.md
check 'coarse codes assigned to groups by' r2.md
check '| 6 | Lithography for Electronics |.* | 6/6 | HS4 |' r2.md
# A mapping that counts a code more than once is refused, naming its line.
printf 'code,group,weight\n8486,6,0.7\n8486,3,0.7\n' > "$d/bad.csv"
if "$exe" run --quiet --no-bootstrap --data "$d/p.h5" --code-map "$d/bad.csv" --out "$d/r3.h5" 2>"$d/err"; then
  echo "FAIL: an over-weighted code map was accepted"; exit 1
fi
check 'bad.csv:3:' err
check 'more than 1' err
test ! -e "$d/r3.h5"
echo "ok: HS4 run classifies what HS4 can represent and names the rest"
