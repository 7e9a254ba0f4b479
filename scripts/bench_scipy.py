#!/usr/bin/env python3
"""SciPy baseline for Scalefit's fit benchmarks (log loss, the default).

For every form, over the log-loss curves of crates/scalefit-core/tests/data/reference.json:
  single      scipy.optimize.curve_fit from one classic start (log-log line fit,
              gamma = 0.5*min(y)), default options: what a typical script does.
              "reach" = share of fits that found the reference optimum (SSR within 1e-6).
  multistart  the global strategy of scripts/reference (grid of 50/90 starts, TRF,
              analytic Jacobian, tolerances 1e-15): what it costs SciPy to be as
              reliable as Scalefit aims to be.
Plus a 1000-resample bootstrap of three-region on the 50-point log-loss case, each
refit a single warm-started TRF from the full-data optimum (what the Rust bootstrap
does). The last line is JSON for machines.

Run:  python3 scripts/bench_scipy.py   (creates .venv with SciPy if needed; ~1 minute)
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
import scalefit_ref as ref  # noqa: E402  (bootstraps .venv before numpy import)
import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy.optimize import curve_fit  # noqa: E402

DATA = os.path.join(ref.REPO, "crates", "scalefit-core", "tests", "data", "reference.json")
SINGLE_SECONDS = 3.0  # per form; enough repetitions for a stable rate
MULTI_SECONDS = 4.0  # per form; at least one pass over the 6 curves
BOOT_RESAMPLES = 1000


def log_model(form):
    """ln(model) in public parameters, for curve_fit on (m, ln y).  The model is
    floored at 1e-300 so a trial step into model <= 0 gives a huge residual, not NaN."""
    def f(m, *p):
        v, _ = ref.model_and_grad(form, ref.to_internal(form, p), m)
        return np.log(np.maximum(v, 1e-300))
    return f


def classic_start(form, m, y):
    b, ln_a = np.polyfit(np.log(m), np.log(y), 1)
    a, g = np.exp(ln_a), 0.5 * np.min(y)
    if form == "power":
        return [a, b]
    if form == "power-floor":
        return [a, b, g]
    return [a * m.min() ** b, m.min(), b, g]  # eps0 = line at the smallest size, m0 = m_min


def single_fit(c):
    form, m, y = c["form"], c["_m"], c["_y"]
    lo, hi = ref.bounds(form)
    if form == "three-region":
        lo[1] = 0.0  # m0 > 0 (curve_fit works on the public parameters)
    try:
        p, _ = curve_fit(log_model(form), m, np.log(y), p0=classic_start(form, m, y), bounds=(lo, hi))
        return ref.ssr_public(form, "log", p, m, y)
    except (RuntimeError, ValueError):
        return np.inf


def multi_fit(c):
    return ref.multistart(c["form"], "log", c["_m"], c["_y"])[0]


def rate(fn, cases, seconds):
    """Fits per second: whole passes over `cases` until `seconds` have elapsed."""
    count, t0 = 0, time.perf_counter()
    while True:
        for c in cases:
            fn(c)
        count += len(cases)
        if time.perf_counter() - t0 >= seconds:
            return count / (time.perf_counter() - t0)


def reach(fn, cases):
    """Share of cases where fn's SSR matches the reference optimum."""
    return np.mean([fn(c) <= c["scipy_ssr"] * (1 + 1e-6) for c in cases])


def bootstrap(case):
    """1000 warm-started single refits on resamples (with replacement) of one case."""
    form, m, y = case["form"], case["_m"], case["_y"]
    q_full = ref.to_internal(form, case["scipy_params"])
    rng = np.random.default_rng(7)
    k, fails = ref.NPARAMS[form], 0
    t0 = time.perf_counter()
    for _ in range(BOOT_RESAMPLES):
        while True:  # like the Rust bootstrap: need > k distinct sizes to identify the model
            idx = rng.integers(0, len(m), len(m))
            if len(np.unique(m[idx])) > k:
                break
        try:
            ref.fit_from(form, "log", m[idx], y[idx], q_full)
        except (ValueError, np.linalg.LinAlgError):
            fails += 1
    return time.perf_counter() - t0, fails


def main():
    with open(DATA) as fh:
        cases = [c for c in json.load(fh) if c["loss"] == "log"]
    for c in cases:
        c["_m"], c["_y"] = np.array(c["m"]), np.array(c["y"])
    out = {"scipy_single": {}, "scipy_multistart": {}, "single_reach": {}}
    print(f"SciPy {scipy.__version__}, NumPy {np.__version__}; log loss, {len(cases)} curves")
    print(f"{'form':14s} {'curves':>6s} {'single fits/s':>14s} {'reach':>6s} {'multistart fits/s':>18s}")
    for form in ref.FORMS:
        fc = [c for c in cases if c["form"] == form]
        out["single_reach"][form] = float(reach(single_fit, fc))
        out["scipy_single"][form] = rate(single_fit, fc, SINGLE_SECONDS)
        out["scipy_multistart"][form] = rate(multi_fit, fc, MULTI_SECONDS)
        print(f"{form:14s} {len(fc):6d} {out['scipy_single'][form]:14.1f} "
              f"{out['single_reach'][form]:6.0%} {out['scipy_multistart'][form]:18.2f}")

    boot_case = next(c for c in cases if c["form"] == "three-region" and len(c["m"]) == 50)
    secs, fails = bootstrap(boot_case)
    out["bootstrap"] = {"case": boot_case["name"], "resamples": BOOT_RESAMPLES,
                        "seconds": secs, "refits_per_s": BOOT_RESAMPLES / secs, "failed": fails}
    print(f"bootstrap {BOOT_RESAMPLES} x three-region warm refits on {boot_case['name']} "
          f"(n=50): {secs:.2f} s ({BOOT_RESAMPLES / secs:.0f} refits/s, {fails} failed)")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
