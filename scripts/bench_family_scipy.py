#!/usr/bin/env python3
"""SciPy loop of the family bootstrap's refits, for the ratio in BENCHMARKS.md.

The real NMT family (five models, `../shared/data` via the core's preset file),
power-floor, log loss, 1,000 resamples of the points within each series. Per resample
SciPy does what Scalefit's family bootstrap refits: each series' own fit and the
shared-exponent fit. SciPy is given the easy version: every refit is one TRF run
(analytic Jacobian, default tolerances) warm-started from the full data's optimum,
not a global search, so the ratio printed beside Scalefit's time is a lower bound
(Scalefit searches globally per resample: each series' grid and the shared profile
scan). The last line is JSON for machines.

Run:  python3 scripts/bench_family_scipy.py   (creates .venv with SciPy if needed)
"""
import csv
import io
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
import scalefit_ref as ref  # noqa: E402
import gen_family as fam  # noqa: E402
import numpy as np  # noqa: E402
from scipy.optimize import least_squares  # noqa: E402

FORM, LOSS, SHARED = "power-floor", "log", "beta_g"
RESAMPLES = 1000
CSV = os.path.join(ref.REPO, "assets", "data", "google_rnsl_benchmark_lang_nmt.csv")


def nmt_series():
    """The training rows (Training = 1; the held-out rows are not fitted) by model."""
    rows = list(csv.DictReader(io.StringIO(open(CSV).read())))
    out = {}
    for r in rows:
        if r["Training"].strip() == "1":
            out.setdefault(r["Model"], []).append((float(r["Seen Examples"]), float(r["Loss"])))
    return [(np.array([p[0] for p in v]), np.array([p[1] for p in v])) for v in out.values()]


def fit_one(m, y, q0):
    fun, jac = ref.make_problem(FORM, LOSS, m, y)
    lo, hi = ref.bounds(FORM)
    with np.errstate(over="ignore"):
        return least_squares(fun, q0, jac=jac, bounds=(lo, hi), method="trf", x_scale="jac").x


def fit_shared(ms, ys, x0):
    fun, jac, lo, hi = fam.joint_problem(FORM, LOSS, SHARED, ms, ys)
    with np.errstate(over="ignore"):
        return least_squares(fun, np.clip(x0, lo, hi), jac=jac, bounds=(lo, hi), method="trf", x_scale="jac").x


def main():
    series = nmt_series()
    ms, ys = [s[0] for s in series], [s[1] for s in series]
    own = [ref.to_internal(FORM, ref.multistart(FORM, LOSS, m, y)[1]) for m, y in series]
    (s, qs), _ = fam.solve(FORM, LOSS, SHARED, ms, ys)
    _, si, oi = fam.layout(FORM, SHARED, len(ms))
    x_shared = np.concatenate([qs[0][si]] + [q[oi] for q in qs])
    rng = np.random.default_rng(1)
    t = time.perf_counter()
    betas = []
    for _ in range(RESAMPLES):
        rm, ry = [], []
        for m, y in series:
            idx = rng.integers(0, len(m), len(m))
            while len(np.unique(m[idx])) < 4:
                idx = rng.integers(0, len(m), len(m))
            rm.append(m[idx])
            ry.append(y[idx])
        for m, y, q in zip(rm, ry, own):
            fit_one(m, y, q)
        betas.append(fit_shared(rm, ry, x_shared)[0])
    sec = time.perf_counter() - t
    lo, hi = np.percentile(betas, [2.5, 97.5])
    print(f"scipy family bootstrap, NMT ({len(series)} series, {sum(len(m) for m in ms)} points), "
          f"{FORM}, {RESAMPLES} resamples, warm-started single TRF per refit: {sec:.2f} s; "
          f"shared beta_g {qs[0][si[0]]:.5f}, 95% [{lo:.5f}, {hi:.5f}]", file=sys.stderr)
    print(json.dumps({"scipy_family_bootstrap_s": sec, "resamples": RESAMPLES, "series": len(series)}))


if __name__ == "__main__":
    main()
