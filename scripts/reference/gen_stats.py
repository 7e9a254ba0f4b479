"""Prints the SciPy values that crates/scalefit-core/src/stats.rs's tests hold the
incomplete beta function and the F distribution's upper tail to.

Run: .venv/bin/python scripts/reference/gen_stats.py
"""
from scipy.special import betainc, gammaln
from scipy.stats import f

for a, b, x in [(0.5, 0.5, 0.3), (2.0, 3.0, 0.4), (5.0, 1.5, 0.9), (10.0, 20.0, 0.25), (100.0, 200.0, 0.35)]:
    print(f"beta_inc({a}, {b}, {x}) = {float(betainc(a, b, x))!r}")
for x, d1, d2 in [(1.0, 4.0, 40.0), (3.5, 2.0, 30.0), (0.2, 1.0, 10.0), (12.0, 5.0, 100.0)]:
    print(f"f_sf({x}, {d1}, {d2}) = {float(f.sf(x, d1, d2))!r}")
for x in [101.0, 0.1]:
    print(f"ln_gamma({x}) = {float(gammaln(x))!r}")
