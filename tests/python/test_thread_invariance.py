"""Whole-run thread invariance (docs/method.md §9.2): a run file and a sweep
file made with one thread and with two hold the same numbers in every
dataset of every stage. Two threads are asked for explicitly (--threads 2),
so the check means something on a one-core runner too (TBB still runs two
workers there, interleaved)."""

import os
import subprocess

import h5py
import numpy as np
import pytest

EXE = os.environ.get("CHOKEPOINT_EXE", "chokepoint")

# What is allowed to differ: when and with how many threads the file was
# made, and the timings.
VOLATILE_ATTRIBUTES = {"created_utc", "config_toml", "threads", "threads_used", "seconds"}


def datasets(path):
    out = {}
    with h5py.File(path) as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[()]
        f.visititems(visit)
    return out


def attributes(path):
    out = {}
    with h5py.File(path) as f:
        def visit(name, obj):
            for key, value in obj.attrs.items():
                if key in VOLATILE_ATTRIBUTES or "seconds" in key or "thread" in key:
                    continue
                if isinstance(value, (str, bytes)):  # recorded options name the thread count they ran with
                    text = value.decode() if isinstance(value, bytes) else value
                    value = "\n".join(line for line in text.split("\n") if not line.startswith("threads ="))
                out[(name, key)] = value
        visit("/", f)
        f.visititems(visit)
    return out


def assert_same_files(a, b):
    da, db = datasets(a), datasets(b)
    assert sorted(da) == sorted(db)
    for name in da:
        x, y = np.asarray(da[name]), np.asarray(db[name])
        assert x.shape == y.shape, name
        if x.dtype.kind == "f":
            assert np.array_equal(x, y, equal_nan=True), name  # bit for bit, not close
        else:
            assert (x == y).all(), name
    aa, ab = attributes(a), attributes(b)
    assert sorted(aa) == sorted(ab)
    for key in aa:
        assert np.array_equal(np.asarray(aa[key]), np.asarray(ab[key])), key
    return len(da)


@pytest.mark.parametrize("command", [
    ["run", "--replicates", "200"],
    ["sweep", "--replicates", "50"],
])
def test_one_and_two_threads_write_the_same_file(tmp_path, command):
    files = []
    for threads in (1, 2):
        out = tmp_path / f"{command[0]}_{threads}.h5"
        subprocess.run([EXE, *command, "--threads", str(threads), "--quiet", "--out", str(out)], check=True,
                       capture_output=True)
        files.append(out)
    compared = assert_same_files(*files)
    assert compared > (150 if command[0] == "run" else 20)
    with h5py.File(files[0]) as f:
        sections = set(f.keys())
    if command[0] == "run":  # every stage was there to compare
        assert {"indices", "models", "bootstrap", "aggregate", "batches"} <= sections
    else:
        assert "sweep" in sections
