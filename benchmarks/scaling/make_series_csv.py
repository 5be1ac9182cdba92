#!/usr/bin/env python3
"""Writes a wide CSV of N monthly import series (month column + one column per
series, 2015-01..2024-12) for the sweep scaling runs and tests: log trend of
random slope, month effects, AR(1) noise, a surge in one series in five.
Usage: make_series_csv.py N OUT.csv [SEED]. Needs numpy (Debian python3-numpy)."""
import sys

import numpy as np

n, path = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
T = 120
t = np.arange(T)
slope = rng.uniform(-0.8, 1.2, n)
level = rng.uniform(np.log(1e4), np.log(1e8), n)
season = rng.uniform(0.0, 0.2, n)
e = np.zeros((n, T))
for k in range(1, T):
    e[:, k] = 0.5 * e[:, k - 1] + rng.normal(0.0, 0.1, n)
lv = level[:, None] + slope[:, None] * t / T + season[:, None] * np.sin(2 * np.pi * t / 12) + e
onset = rng.integers(60, 110, n)
surge = (rng.uniform(size=n) < 0.2) * rng.uniform(0.3, 1.2, n)
lv += surge[:, None] * np.where(t >= onset[:, None], np.exp2(-np.clip(t - onset[:, None], 0, None) / 6.0), 0.0)
x = np.exp(lv)
with open(path, "w") as out:
    out.write("month," + ",".join(f"S{i:05d}" for i in range(n)) + "\n")
    for k in range(T):
        y, m = 2015 + k // 12, k % 12 + 1
        out.write(f"{y}-{m:02d}," + ",".join(f"{v:.2f}" for v in x[:, k]) + "\n")
