#!/usr/bin/env python3
"""Golden values for chokepoint's trend + surge model at a fixed onset
(robustness/models/src/surge.cc, Ceres), from an independent implementation:
scipy.optimize.least_squares (Debian python3-scipy) on the same model

    log x_t = a + b t + s_m(t) + A 2^(-(t - onset)/h) [t >= onset] + e_t,

t = 0..T-1, 11 month effects (January the reference), no AR(1), the onset
fixed at 60 (2020-01), log h bounded to [log 2, log 48], with loss
'linear' (least squares), 'huber' and 'cauchy' at a fixed loss scale C
(scipy's f_scale; Ceres's HuberLoss(C) / CauchyLoss(C) minimise the same
objective). Standard errors as the engine states them: s^2 (J'J)^-1 with J
the Jacobian of the plain residuals at the robust solution (central
differences here) and s^2 = sum e^2 / (T - k); the half-life's by the delta
method. One series has a mis-booked month inside the surge (x 0.35 at
t = 62): least squares is pulled off the planted amplitude, Cauchy is not.
Profiled over onsets: the same fit at every admissible onset (6..T-6),
the onset with the smallest objective (least squares on the clean series,
Cauchy on the one with the mis-booked month), as the engine's free-onset
search must find it.
Run from the repository root:  /usr/bin/python3 scripts/golden/surge_golden.py
Writes tests/data/surge/surge_golden_{clean,outlier}.csv and
tests/data/surge/surge_golden.txt. CI only reads them."""
import numpy as np
from scipy.optimize import least_squares

OUT = "tests/data/surge"
T, ONSET = 120, 60
t = np.arange(T)
month = t % 12  # the series start in January
rng = np.random.default_rng(20261130)
season = np.array([0.0, -0.12, 0.04, 0.02, 0.05, 0.03, -0.01, 0.02, 0.04, 0.01, 0.03, 0.08])
truth = dict(a=np.log(1e8), b=0.004, A=0.6, h=6.0)
pulse = np.where(t >= ONSET, np.exp2(-(t - ONSET) / truth["h"]), 0.0)
logx = truth["a"] + truth["b"] * t + season[month] + truth["A"] * pulse + rng.normal(0, 0.04, T)
clean = np.exp(logx)
outlier = clean.copy()
outlier[62] *= 0.35


def write(name, x):
    path = f"{OUT}/surge_golden_{name}.csv"
    with open(path, "w") as f:
        f.write("month,value\n")
        for k, v in enumerate(x):
            f.write(f"{2015 + k // 12}-{k % 12 + 1:02d},{v!r}\n")
    return np.array([float(line.split(",")[1]) for line in open(path).read().splitlines()[1:]])


def residuals(theta, y, onset=ONSET):
    a, b = theta[0], theta[1]
    s = np.concatenate([[0.0], theta[2:13]])
    A, log_h = theta[13], theta[14]
    p = np.where(t >= onset, np.exp2(-(t - onset) / np.exp(log_h)), 0.0)
    return y - (a + b * t + s[month] + A * p)


def fit(y, loss, scale, onset=ONSET):
    # Start: OLS of the linear part with h = 6, then the full problem.
    start_pulse = np.where(t >= onset, np.exp2(-(t - onset) / 6.0), 0.0)
    X = np.column_stack([np.ones(T), t] + [(month == m).astype(float) for m in range(1, 12)] + [start_pulse])
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    x0 = np.concatenate([beta, [np.log(6.0)]])
    lo = np.full(15, -np.inf)
    hi = np.full(15, np.inf)
    lo[14], hi[14] = np.log(2.0), np.log(48.0)
    r = least_squares(residuals, x0, args=(y, onset), loss=loss, f_scale=scale, bounds=(lo, hi),
                      method="trf", x_scale="jac", ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=10000)
    theta = r.x
    e = residuals(theta, y, onset)
    J = np.empty((T, 15))
    for j in range(15):
        d = 1e-6 * max(1.0, abs(theta[j]))
        up, dn = theta.copy(), theta.copy()
        up[j] += d
        dn[j] -= d
        J[:, j] = (residuals(up, y, onset) - residuals(dn, y, onset)) / (2 * d)
    s2 = e @ e / (T - 15)
    cov = s2 * np.linalg.pinv(J.T @ J)
    se = np.sqrt(np.diag(cov))
    h = np.exp(theta[14])
    return dict(trend=theta[1], trend_se=se[1], amplitude=theta[13], amplitude_se=se[13], half_life=h,
                half_life_se=h * se[14], rss=e @ e, status=r.status, cost=r.cost, onset=onset)


lines = ["# scripts/golden/surge_golden.py: trend + surge at onset 60, scipy least_squares; "
         "per line: series loss scale trend trend_se amplitude amplitude_se half_life half_life_se rss"]
for name, x in (("clean", clean), ("outlier", outlier)):
    y = np.log(write(name, x))
    for loss, scale in (("linear", 1.0), ("huber", 0.06), ("cauchy", 0.1)):
        f = fit(y, loss, scale)
        assert f["status"] > 0, (name, loss, f)
        lines.append(" ".join([name, {"linear": "none"}.get(loss, loss), repr(scale)] +
                              [repr(float(f[k])) for k in ("trend", "trend_se", "amplitude", "amplitude_se",
                                                           "half_life", "half_life_se", "rss")]))
# Profiled over onsets.
for name, x, loss, scale in (("clean", clean, "linear", 1.0), ("outlier", outlier, "cauchy", 0.1)):
    y = np.log(np.array([float(line.split(",")[1]) for line in
                         open(f"{OUT}/surge_golden_{name}.csv").read().splitlines()[1:]]))
    fits = [fit(y, loss, scale, onset) for onset in range(6, T - 6 + 1)]
    best = min(fits, key=lambda f: f["cost"])
    lines.append(" ".join(["profile", name, {"linear": "none"}.get(loss, loss), repr(scale), str(best["onset"])] +
                          [repr(float(best[k])) for k in ("amplitude", "half_life", "rss")]))
open(f"{OUT}/surge_golden.txt", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
