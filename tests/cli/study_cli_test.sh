#!/bin/sh
# chokepoint study end to end: a small design on 1 and 2 threads gives the
# same file (every dataset and attribute but time and thread count); the
# report reads back; examples/study.toml documents every key of the resolved
# design; a bad design stops with file:line and writes nothing.
# usage: study_cli_test.sh CHOKEPOINT SOURCE_DIR WORK_DIR
set -eu
exe=$1 src=$2 d=$3/study_cli_$$
rm -rf "$d"; mkdir -p "$d"; trap 'rm -rf "$d"' EXIT
cat > "$d/design.toml" <<'TOML'
[study]
draws = 8
seed = 11
months = [60]
codes = [2]
trend = [0.0, 0.012]
surge_amplitude = [0.0, 0.8]
surge_onset = [30]
surge_half_life = [4.0]
bootstrap_replicates = 29
TOML
"$exe" study --design "$d/design.toml" --threads 1 --out "$d/one.h5" --quiet >/dev/null
"$exe" study --design "$d/design.toml" --threads 2 --out "$d/two.h5" --quiet >/dev/null
"$exe" study --design "$d/design.toml" --seed 12 --out "$d/other.h5" --quiet >/dev/null
/usr/bin/python3 - "$d/one.h5" "$d/two.h5" "$d/other.h5" "$src/examples/study.toml" <<'PY'
import sys, tomllib, h5py, numpy as np
one, two, other = (h5py.File(p, "r") for p in sys.argv[1:4])
def datasets(f):
    out = {}
    f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out
a, b, c = datasets(one), datasets(two), datasets(other)
assert a.keys() == b.keys() and len(a) > 30, sorted(a)
for k in a:
    assert np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind == "f"), k
assert not np.array_equal(a["study/draws/V"], c["study/draws/V"], equal_nan=True), "another seed gave the same draws"
skip = {"created_utc", "threads_used", "seconds", "report_markdown"}
for k in one.attrs:
    if k not in skip:
        assert one.attrs[k] == two.attrs[k], k
assert one.attrs["schema"] == "chokepoint-study/1" and one.attrs["synthetic"] == 1
assert one.attrs["threads_used"] == 1 and two.attrs["threads_used"] == 2
assert a["study/draws/V"].shape == (4 * 8,)
assert a["study/summary/rule_counts"].shape == (4, 3)
assert a["study/confusion/truth_x_rule"].sum() == 4 * 8
# The recorded design names every key examples/study.toml documents, and back.
resolved = tomllib.loads(one.attrs["config_toml"])["study"]
example = tomllib.load(open(sys.argv[4], "rb"))["study"]
assert set(resolved) == set(example), (set(resolved) ^ set(example))
assert set(resolved["thresholds"]) == set(example["thresholds"])
assert resolved["draws"] == 8 and resolved["seed"] == 11
print("ok: 1 and 2 threads identical over", len(a), "datasets; design keys documented")
PY
"$exe" report "$d/one.h5" > "$d/report.md"
grep -q '^# chokepoint study: planted-truth Monte Carlo' "$d/report.md"
grep -q 'SYNTHETIC by construction' "$d/report.md"
grep -q '| stockpiling | 16 |' "$d/report.md"
# A bad design: the file, line and key; no output.
printf '[study]\ndraws = 5\nrho = [1.5]\n' > "$d/bad.toml"
if "$exe" study --design "$d/bad.toml" --out "$d/bad.h5" --quiet 2>"$d/err"; then echo "FAIL: accepted"; exit 1; fi
grep -q 'bad.toml:3:' "$d/err" || { cat "$d/err"; exit 1; }
grep -q 'study.rho' "$d/err"
test ! -e "$d/bad.h5"
# Typed flags out of range are named as flags.
if "$exe" study --design "$d/design.toml" --seed 18446744073709551615 --out "$d/s.h5" --quiet 2>"$d/err"; then
  echo "FAIL: a seed above 2^63 - 1 was accepted"; exit 1
fi
grep -q -- '--seed: must be at most 9223372036854775807' "$d/err" || { cat "$d/err"; exit 1; }
if "$exe" study --design "$d/design.toml" --draws 0 --out "$d/s.h5" --quiet 2>"$d/err"; then
  echo "FAIL: --draws 0 was accepted"; exit 1
fi
grep -q -- '--draws must be in 1..1000000' "$d/err" || { cat "$d/err"; exit 1; }
test ! -e "$d/s.h5"
echo "ok: study CLI"
