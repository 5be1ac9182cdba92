#!/usr/bin/python3
"""Builds data/catalog/members.csv and batches.csv from the research note's
machine-readable candidate list (shared reference catalog_candidates.csv).

The selection and every 6-digit -> 8-digit decision are written out below so
the reconstruction can be audited and changed in one place. Run:
    /usr/bin/python3 scripts/catalog/make_catalog.py REFERENCE_DIR data/catalog
"""
import csv
import sys
from pathlib import Path

# The 35 technologies of the 2018 Science and Technology Daily series (talk's order).
TECH = {
    1: "lithography machines", 2: "chips", 4: "tactile sensors", 5: "vacuum evaporation machines",
    6: "mobile-phone RF components", 7: "aero-engine nacelles", 8: "iCLIP technique",
    9: "heavy-duty gas turbines", 10: "LiDAR", 11: "airworthiness standards",
    12: "high-end capacitors and resistors", 14: "ITO targets", 16: "aviation steel",
    17: "milling cutters", 18: "high-end bearing steel", 19: "high-pressure plunger pumps",
    20: "aviation design software", 21: "photoresist", 22: "high-pressure common-rail systems",
    23: "transmission electron microscopes", 24: "TBM main bearings", 25: "microspheres",
    26: "underwater connectors", 27: "high-end welding power sources",
    28: "lithium-battery separators", 29: "key fuel-cell materials",
    30: "medical-imaging components", 32: "epoxy resins", 33: "ultra-precision polishing",
    34: "high-strength stainless steel", 35: "scanning electron microscopes",
}

# Candidate rows kept as they are (8-digit China lines), by group.
KEEP_HS8 = {
    1: ["85322110", "85322210", "85322300", "85322410", "85322490", "85332110", "85332190", "85332900"],
    2: ["85423111", "85423119", "85423190", "85423210", "85423290", "85423310", "85423390",
        "85423910", "85423990", "85429000"],
    3: ["84861010", "84861020", "84861030", "84861040", "84862041", "84862049", "84862050", "90308200"],
    4: ["84118200", "84119990"],
    5: ["90314100", "90132000", "90318090"],
    6: ["84862031", "84862039", "84863031", "84863039", "84864010", "84869099"],
    7: [],
    8: ["84862021", "84862022", "84862029", "84863021", "84863022", "84864031", "84869091"],
    9: ["84122100", "84122910"],
    10: ["84821010", "84821020", "84821030", "84828000"],
    11: ["84862010", "85158010", "85158090", "85159000", "84863010", "82077090"],
    12: [],
    13: ["85076000", "85079090"],
    14: ["84133021", "84133029"],
    15: ["90221200", "90221400", "90181310", "90181291"],
    16: ["84111210", "84119100", "88073000", "88072000", "88024010", "88024020"],
    17: [],
}

# 6-digit candidate rows turned into one concrete 8-digit line each:
# hs6 -> (China line, how it was chosen, confidence after the choice).
HS6_TO_HS8 = {
    "851761": ("85176100", "HS6-level line (HS6 + 00): no China split of 8517.61 was seen", "medium"),
    "851762": ("85176212", "China line 85176212 (mobile communication switching) seen on a tariff registry page (T3); "
               "the other 851762xx lines are left out", "medium"),
    "853669": ("85366900", "HS6-level line (HS6 + 00): China split not seen", "medium"),
    "841350": ("84135031", "China line 84135031 = plunger pumps (10-digit 8413503101 agricultural plunger pumps listed "
               "in GACC announcement 2026 No. 15 appendix, seen in a public repository)", "high"),
    "848120": ("84812010", "China line 84812010 (valves for oleohydraulic transmissions) [inferred from the usual "
               "China split 84812010 hydraulic / 84812020 pneumatic]", "medium"),
    "848220": ("84822000", "HS6-level line (HS6 + 00): no China split expected", "medium"),
    "848250": ("84825000", "HS6-level line (HS6 + 00): no China split expected", "medium"),
    "848291": ("84829100", "HS6-level line (HS6 + 00): balls, needles and rollers (bearing steel)", "medium"),
    "722830": ("72283000", "HS6-level line (HS6 + 00): China split not seen; stands for all of 7228.30", "medium"),
    "722211": ("72221100", "HS6-level line (HS6 + 00): China split not seen", "medium"),
    "390730": ("39073000", "HS6-level line (HS6 + 00)", "high"),
    "370790": ("37079090", "China line 37079090 (other) [inferred: 37079020 photocopier chemicals was seen (T9), "
               "photoresist falls in the remaining line]", "medium"),
    "902230": ("90223000", "HS6-level line (HS6 + 00)", "high"),
    "901814": ("90181400", "HS6-level line (HS6 + 00)", "medium"),
    "901210": ("90121000", "HS6-level line (HS6 + 00)", "high"),
}
# Descriptions for the converted lines where the candidate's HS6 wording no longer fits.
DESC = {
    "85176212": "Mobile communication switching apparatus (China line under 8517.62)",
    "84135031": "Hydraulic reciprocating plunger pumps (China line under 8413.50)",
    "84812010": "Valves for oleohydraulic transmissions [inferred China line under 8481.20]",
    "37079090": "Other chemical preparations for photographic uses, incl. photoresist [inferred China line]",
    "72283000": "Alloy-steel bars and rods, hot-rolled, hot-drawn or extruded (all of HS 7228.30)",
}

# Group 17, Medicaments, from HS 3004 at the HS6 level, as the research note advises
# ("take the HS6 level unless the exemption list itself is found").
MEDICAMENT_HS6 = {
    "300490": ("30049000", "HS6-level line (HS6 + 00) for all China lines under 3004.90", "medium"),
    "300439": ("30043900", "HS6-level line (HS6 + 00)", "low"),
    "300420": ("30042000", "HS6-level line (HS6 + 00) for all China lines under 3004.20", "low"),
}


def tech_text(field):
    out = []
    for part in (field or "").replace(" ", "").split(","):
        if part.isdigit() and int(part) in TECH:
            out.append(f"{part} {TECH[int(part)]}")
    return "; ".join(out) if out else "- (added from the 2025 exemption list)"


def main(ref_dir, out_dir):
    rows = list(csv.DictReader(open(Path(ref_dir) / "catalog_candidates.csv", encoding="utf-8")))
    by_code = {r["code"]: r for r in rows}
    members = []
    for g, codes in KEEP_HS8.items():
        for code in codes:
            r = by_code[code]
            assert int(r["group_no"]) == g, code
            src = r["sources"] + (f"; {r['note']}" if r["note"] else "")
            members.append((code, g, r["description"], tech_text(r["technologies"]), r["confidence"], src))
    for hs6, (code, how, conf) in list(HS6_TO_HS8.items()) + list(MEDICAMENT_HS6.items()):
        r = by_code[hs6]
        desc = DESC.get(code, r["description"].replace("[HS6] ", "").replace("[HS2022 HS6] ", ""))
        if code.endswith("00") and code not in DESC:
            desc += " (HS6 level)"
        src = f"{r['sources']}; candidate {hs6} (HS6); {how}" + (f"; {r['note']}" if r["note"] else "")
        members.append((code, int(r["group_no"]), desc, tech_text(r["technologies"]), conf, src))
    members.sort(key=lambda m: (m[1], m[0]))
    codes = [m[0] for m in members]
    assert len(codes) == len(set(codes))
    with open(Path(out_dir) / "members.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "group_id", "description", "technology", "confidence", "source"])
        w.writerows(members)
    counts = {}
    for m in members:
        counts[m[1]] = counts.get(m[1], 0) + 1
    # Batch 1 = the 2018 list = the members of groups 1-16 (Medicaments, group 17,
    # came from the 2025 list). batches.csv keeps its hand-written batch 2/3 rows.
    bpath = Path(out_dir) / "batches.csv"
    lines = open(bpath, encoding="utf-8").read().splitlines()
    header, kept = lines[0], [l for l in lines[1:] if not l.startswith("1,") and not l.startswith("# batch 1")]
    with open(bpath, "w", newline="", encoding="utf-8") as f:
        f.write(header + "\n")
        f.write("# batch 1: the 2018 list = the members of groups 1-16 (generated by scripts/catalog/make_catalog.py)\n")
        w = csv.writer(f, lineterminator="\n")
        for m in members:
            if m[1] != 17:
                w.writerow([1, m[0], m[2], m[1], ""])
        for l in kept:
            f.write(l + "\n")
    print(len(members), "members;", sum(v for k, v in counts.items() if k != 17), "in groups 1-16;", counts)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
