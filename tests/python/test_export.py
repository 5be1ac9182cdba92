"""`chokepoint export`: every number of the CSV tables equals the run file's
(read independently with h5py), every dataset reaches some table, and bad
requests fail without writing."""

import csv
import math
import os
import subprocess

import h5py
import numpy as np
import pytest

EXE = os.environ.get("CHOKEPOINT_EXE", "chokepoint")


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "run.h5"
    subprocess.run([EXE, "run", "--out", str(path), "--replicates", "50", "--quiet"], check=True,
                   capture_output=True)
    return path


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def same(cell, value, kind):
    if kind == "text":
        return cell == (value.decode() if isinstance(value, bytes) else str(value))
    if kind == "integer":
        return int(cell) == int(value)
    if cell == "":
        return math.isnan(value)
    return float(cell) == float(value)  # 17 significant digits read back exactly


def test_every_dataset_round_trips(run_file, tmp_path):
    out = tmp_path / "tables"
    subprocess.run([EXE, "export", str(run_file), "--out", str(out)], check=True, capture_output=True)
    dictionary = read_csv(out / "dictionary.csv")
    seen, checked = set(), 0
    with h5py.File(run_file) as f:
        datasets = []
        f.visititems(lambda name, obj: datasets.append("/" + name) if isinstance(obj, h5py.Dataset) else None)
        tables = {}
        for entry in dictionary:
            source = entry["source"]
            if not source or entry["column"] in ("member", "row"):
                continue  # index columns have no source
            rows = tables.setdefault(entry["table"], read_csv(out / entry["table"]))
            for row in rows:
                path = source.replace("*", row["member"]) if "*" in source else source
                if path not in f:
                    assert row[entry["column"]] == "", (entry, row)  # a member without this dataset
                    continue
                data = f[path][()]
                if entry["column"] == "value":
                    rank = np.ndim(data)
                    index = tuple(int(row[f"index_{k}"]) for k in range(rank))
                    value = data[index] if rank else data
                else:
                    value = data[int(row["row"])]
                assert same(row[entry["column"]], value, entry["type"]), (entry["table"], entry["column"], row)
                seen.add(path)
                checked += 1
        nonempty = {d for d in datasets if f[d].size > 0}
        assert checked == sum(f[d].size for d in nonempty)  # every element once
        assert nonempty == seen, sorted(nonempty - seen)
        # Empty datasets (no warnings, no unmapped codes) still have their columns.
        sources = {e["source"].replace("*", m) for e in dictionary
                   for m in {r.get("member", "") for r in [{"member": p.split("/")[-2]} for p in datasets]}}
        assert all(d in sources for d in datasets), sorted(d for d in datasets if d not in sources)
        attributes = read_csv(out / "attributes.csv")
        root = {a["name"]: a["value"] for a in attributes if a["object"] == "/"}
        assert root["seed"] == str(f.attrs["seed"])
        assert root["config_toml"] == f.attrs["config_toml"]
    # Meanings and units are given for the main columns.
    v = [e for e in dictionary if e["table"] == "indices.csv" and e["column"] == "V"][0]
    assert "volatility" in v["description"] and v["type"] == "number"
    usd = [e for e in dictionary if e["column"].endswith("_usd")]
    assert usd and all("US$" in e["description"] for e in usd)


def test_refuses_to_overwrite_and_bad_input(run_file, tmp_path):
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = subprocess.run([EXE, "export", str(run_file), "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 2 and "not an empty directory" in r.stderr
    assert sorted(os.listdir(out)) == ["keep.txt"] and (out / "keep.txt").read_text() == "mine"
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = [1, 2]
    r = subprocess.run([EXE, "export", str(other), "--out", str(tmp_path / "t")], capture_output=True, text=True)
    assert r.returncode == 2 and "not a chokepoint file" in r.stderr
    assert not (tmp_path / "t").exists()
    r = subprocess.run([EXE, "export", str(run_file), "--format", "xlsx", "--out", str(tmp_path / "u")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "--format must be csv" in r.stderr
    assert not any(p.name.startswith(".t") or p.name.startswith(".u") for p in tmp_path.iterdir())
