#!/usr/bin/python3
"""Write examples/customs_query_example.csv: SYNTHETIC values in the real layout
of a China Customs online query platform export (http://stats.customs.gov.cn).

The layout is the platform's English export: one row per month x commodity
code x trading partner (x trade mode), columns

    Date of data,Commodity code,Commodity name,Trading partner code,
    Trading partner,Trade mode,First quantity,First unit,US dollar

with periods as YYYYMM and numbers quoted with thousands separators
("3,888,331,145"). The platform's first line is the header, so the file cannot
carry a "# synthetic" comment: it is labelled synthetic by its name and by
examples/customs_query_example.README.md.

The values are NOT China Customs data. They come from the project's own
simulator (`chokepoint simulate --scenario paper2025 --seed 1`, the synthetic
panel of the default run), for the HS8 lines of four catalog groups, 2016-01 to
2024-12:
  - group 2  Integrated Circuits          all 10 lines   (complete)
  - group 3  Silicon Processing            4 of 8 lines   (partial on purpose)
  - group 6  Lithography for Electronics   all 6 lines    (complete)
  - group 17 Medicaments                   all 3 lines    (complete)
Each code-month value (rounded to whole US$) is split over two
partners with fixed shares (and, for one code, over two trade modes); the parts
sum exactly to the rounded simulated value. Quantities are value / a fixed
unit price per code and partner. Nothing is random here beyond the simulator's
seeded stream: running the script twice gives identical bytes.

Usage: /usr/bin/python3 scripts/make_customs_example.py [--chokepoint build/bin/chokepoint] [--out examples/customs_query_example.csv]
"""
import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = "paper2025"
SEED = 1
FIRST_MONTH = "2016-01"
LAST_MONTH = "2024-12"

# China Customs trading-partner codes.
PARTNERS = {
    "143": "Taiwan, China",
    "133": "Korea, Rep.",
    "116": "Japan",
    "309": "Netherlands",
    "502": "United States",
    "304": "Germany",
    "331": "Switzerland",
}

# Partner shares per catalog group (fixed; each row sums to 1).
GROUP_PARTNERS = {
    2: [("143", 0.57), ("133", 0.43)],
    3: [("116", 0.58), ("502", 0.42)],
    6: [("309", 0.71), ("116", 0.29)],
    17: [("304", 0.55), ("331", 0.45)],
}

# code: (group, commodity name (abridged; the platform prints the tariff's full text), first unit, US$ per unit)
LINES = {
    "85423111": (2, "Semiconductor modules, converter", "Piece", 2.6),
    "85423119": (2, "MCOs, processors and controllers", "Piece", 4.1),
    "85423190": (2, "Processors and controllers", "Piece", 1.9),
    "85423210": (2, "MCOs, memories", "Piece", 3.3),
    "85423290": (2, "Memories", "Piece", 1.4),
    "85423310": (2, "MCOs, amplifiers", "Piece", 0.8),
    "85423390": (2, "Amplifiers", "Piece", 0.35),
    "85423910": (2, "Other MCOs", "Piece", 0.9),
    "85423990": (2, "Other integrated circuits", "Piece", 0.3),
    "85429000": (2, "Parts of integrated circuits", "Kilogram", 180.0),
    # Silicon Processing: 4 of the group's 8 catalog lines (84861030, 84861040,
    # 84862049, 84862050 left out), so the group shows as partial.
    "84861010": (3, "Crystal pullers, silicon", "Set", 1.2e6),
    "84861020": (3, "Wafer grinding machines", "Set", 4.5e5),
    "84862041": (3, "Plasma dry etchers", "Set", 2.8e6),
    "90308200": (3, "Wafer inspection instruments", "Set", 3.5e5),
    "84862031": (6, "Steppers, for ICs", "Set", 9.0e6),
    "84862039": (6, "Other lithography, for ICs", "Set", 2.4e7),
    "84863031": (6, "Steppers, for flat panels", "Set", 6.0e6),
    "84863039": (6, "Other lithography, for flat panels", "Set", 3.0e6),
    "84864010": (6, "Mask and reticle apparatus", "Set", 1.5e6),
    "84869099": (6, "Other parts of 8486 machines", "Kilogram", 420.0),
    "30042000": (17, "Antibiotic medicaments, retail", "Kilogram", 95.0),
    "30043900": (17, "Hormone medicaments, retail", "Kilogram", 1300.0),
    "30049000": (17, "Other medicaments, retail", "Kilogram", 210.0),
}

# Codes whose rows are further split by trade mode (share of processing trade).
PROCESSING_SHARE = {"85423190": 0.62}
GENERAL = "General trade"
PROCESSING = "Processing with imported materials"

HEADER = ["Date of data", "Commodity code", "Commodity name", "Trading partner code", "Trading partner",
          "Trade mode", "First quantity", "First unit", "US dollar"]


def thousands(x):
    return f"{int(x):,}"


def split(total, shares):
    """Integer parts of `total` in proportion to `shares`, summing exactly to `total`."""
    parts = [int(round(total * s)) for s in shares[:-1]]
    parts.append(total - sum(parts))
    return parts


def simulate(chokepoint, directory):
    out = os.path.join(directory, "panel.h5")
    subprocess.run([chokepoint, "simulate", "--scenario", SCENARIO, "--seed", str(SEED), "--out", out, "--quiet"],
                   check=True)
    with h5py.File(out, "r") as f:
        codes = [c.decode() for c in f["panel/codes"][:]]
        months = [m.decode() for m in f["panel/months"][:]]
        values = f["panel/values"][:]
        present = f["panel/present"][:].astype(bool)
    return codes, months, values, present


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chokepoint", default=os.path.join(ROOT, "build", "bin", "chokepoint"))
    ap.add_argument("--out", default=os.path.join(ROOT, "examples", "customs_query_example.csv"))
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        codes, months, values, present = simulate(args.chokepoint, tmp)
    row_of = {c: i for i, c in enumerate(codes)}
    first, last = months.index(FIRST_MONTH), months.index(LAST_MONTH)

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(HEADER)
    rows = 0
    for t in range(first, last + 1):
        period = months[t].replace("-", "")
        for code in sorted(LINES):
            group, name, unit, price = LINES[code]
            i = row_of[code]
            if not present[i, t]:
                continue
            total = int(round(float(values[i, t])))
            partners = GROUP_PARTNERS[group]
            for (pcode, _), part in sorted(zip(partners, split(total, [s for _, s in partners]))):
                modes = [(GENERAL, part)]
                if code in PROCESSING_SHARE:
                    proc = int(round(part * PROCESSING_SHARE[code]))
                    modes = [(GENERAL, part - proc), (PROCESSING, proc)]
                # A fixed partner-specific price premium keeps unit values distinct.
                p = price * (1.0 + 0.05 * (int(pcode) % 7))
                for mode, usd in modes:
                    qty = max(1, int(round(usd / p)))
                    w.writerow([period, code, name, pcode, PARTNERS[pcode], mode, thousands(qty), unit,
                                thousands(usd)])
                    rows += 1

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    data = buf.getvalue().encode("utf-8")
    tmp_out = args.out + ".tmp"
    with open(tmp_out, "wb") as f:
        f.write(data)
    os.replace(tmp_out, args.out)
    print(f"wrote {args.out}: {rows} rows, {len(LINES)} codes, {last - first + 1} months "
          f"({FIRST_MONTH}..{LAST_MONTH}), {len(data)} bytes; values synthetic "
          f"(chokepoint simulate --scenario {SCENARIO} --seed {SEED})", file=sys.stderr)


if __name__ == "__main__":
    main()
