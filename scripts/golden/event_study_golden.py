#!/usr/bin/python3
"""Golden values for chokepoint::EventStudy (core/batches.h), from statsmodels OLS.

Series: monthly 2019-01..2024-12, log x = 3 + 0.01 rel + 0.08 post + 0.015 post*rel
+ month effect + deterministic pseudo-noise; event 2023-01, window 36 months.
Writes tests/data/batches/event_study_series.csv and event_study_golden.csv.
Run: /usr/bin/python3 scripts/golden/event_study_golden.py tests/data/batches
"""
import sys
from pathlib import Path

import numpy as np
import statsmodels.api as sm

out = Path(sys.argv[1])
months = [(y, m) for y in range(2019, 2025) for m in range(1, 13)]
ev = 2023 * 12 + 0
rel = np.array([y * 12 + (m - 1) - ev for y, m in months], dtype=float)
post = (rel >= 0).astype(float)
moy = np.array([m for _, m in months])
effect = 0.05 * np.sin(2 * np.pi * moy / 12.0)
noise = 0.04 * np.sin(1.7 * np.arange(len(months)) + 0.3) + 0.03 * np.cos(0.45 * np.arange(len(months)) ** 1.3)
logx = 3 + 0.01 * rel + 0.08 * post + 0.015 * post * rel + effect + noise
x = np.exp(logx)
with open(out / "event_study_series.csv", "w") as f:
    f.write("month,value\n")
    for (y, m), v in zip(months, x):
        f.write(f"{y:04d}-{m:02d},{v:.17g}\n")

rows = []
for seasonal in (False, True):
    keep = (rel >= -36) & (rel < 36)
    cols = [np.ones(len(rel)), rel, post, post * rel]
    if seasonal:
        for mm in range(2, 13):
            cols.append((moy == mm).astype(float))
    X = np.column_stack(cols)[keep]
    y = np.log(x)[keep]
    fit = sm.OLS(y, X).fit()
    b, V = fit.params, fit.cov_params()
    pre, post_g, chg = 12 * b[1], 12 * (b[1] + b[3]), 12 * b[3]
    se_pre = 12 * np.sqrt(V[1, 1])
    se_post = 12 * np.sqrt(V[1, 1] + V[3, 3] + 2 * V[1, 3])
    se_chg = 12 * np.sqrt(V[3, 3])
    rows.append((int(seasonal), int((rel[keep] < 0).sum()), int((rel[keep] >= 0).sum()), pre, post_g, chg, se_pre, se_post, se_chg))
with open(out / "event_study_golden.csv", "w") as f:
    f.write("seasonal_dummies,n_pre,n_post,growth_pre,growth_post,growth_change,se_pre,se_post,se_change\n")
    for r in rows:
        f.write(",".join([str(r[0]), str(r[1]), str(r[2])] + [f"{v:.17g}" for v in r[3:]]) + "\n")
print(open(out / "event_study_golden.csv").read())
