#!/usr/bin/env python3
"""Exit 0 when two HDF5 files hold the same datasets with the same values
(NaN equal to NaN) and the same attributes on every object, apart from the
attributes named with --skip (run time, thread and rank counts and the like);
text attributes are compared without their lines matching --mask REGEX (the
`threads = N` of a recorded configuration). Prints what differs otherwise
(exit 1). Used by the shell tests that promise "the same file, bit for bit"
(threads, MPI ranks, kill and resume).
usage: h5_same.py A.h5 B.h5 [--skip attr1,attr2,...] [--mask REGEX]"""
import re
import sys

import h5py
import numpy as np


def main():
    args = sys.argv[1:]
    skip = set()
    if "--skip" in args:
        i = args.index("--skip")
        skip = set(args[i + 1].split(","))
        del args[i:i + 2]
    mask = None
    if "--mask" in args:
        i = args.index("--mask")
        mask = re.compile(args[i + 1])
        del args[i:i + 2]

    def masked(value):
        if mask is None or not isinstance(value, str):
            return value
        return "\n".join(line for line in value.split("\n") if not mask.search(line))

    a, b = (h5py.File(p, "r") for p in args[:2])
    objects = {}
    for name, f in (("a", a), ("b", b)):
        names = {"/"}
        f.visititems(lambda n, o: names.add(n))
        objects[name] = names
    problems = []
    if objects["a"] != objects["b"]:
        problems.append("objects differ: " + str(sorted(objects["a"] ^ objects["b"])[:10]))
    datasets = 0
    for n in sorted(objects["a"] & objects["b"]):
        x, y = a[n], b[n]
        if isinstance(x, h5py.Dataset):
            datasets += 1
            u, v = x[()], y[()]
            same = u.shape == v.shape and np.array_equal(u, v, equal_nan=u.dtype.kind == "f")
            if not same:
                problems.append("dataset " + n)
        keys = (set(x.attrs) | set(y.attrs)) - skip
        for k in sorted(keys):
            if k not in x.attrs or k not in y.attrs or not np.array_equal(masked(x.attrs[k]), masked(y.attrs[k])):
                problems.append("attribute " + n + "@" + k)
    if problems:
        print("differ:", *problems[:20], sep="\n  ")
        return 1
    print("same:", datasets, "datasets and their attributes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
