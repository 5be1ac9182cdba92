#!/usr/bin/python3
"""Writes tests/data/surge/surge_series.csv (a simulated series with one surge)."""
import numpy as np

rng = np.random.default_rng(1)
T = 120
t = np.arange(T)
u = np.zeros(T)
for i in range(T):
    u[i] = (0.5 * u[i - 1] if i else 0) + 0.08 * rng.standard_normal()
y = 20 + 0.008 * t + 0.6 * np.where(t >= 62, 2.0 ** (-(t - 62) / 6.0), 0) + u
with open("tests/data/surge/surge_series.csv", "w") as f:
    f.write("month,ics\n")
    for i in range(T):
        f.write(f"{2015 + i // 12}-{i % 12 + 1:02d},{np.exp(y[i]):.6f}\n")
