#!/usr/bin/env python3
"""Reference optima of the family comparison's shared fit (SPEC section 5), by SciPy.

Seeded families of three series for every form, both losses and both shared settings
(gamma only where the form has it). Each series is drawn from its own curve with 2.5 %
multiplicative noise; in half the families the series share one exponent, in the
other half their exponents differ by 0.1. For each family SciPy solves the *joint*
problem (every series' own parameters plus the shared ones in one vector, summed SSR)
with least_squares (TRF, analytic Jacobian, tolerances 1e-15) from a grid of starts:
every shared exponent of the single-curve grid (with, for each series, the best of
its single-curve starts at that exponent, the linear parameters solved), plus each
series' own separate optimum as a shared start. The best SSR found is written out.

crates/scalefit-core/tests/family_reference.rs checks that Scalefit's shared fit
(the profile search over the shared exponent with each series solved on its own)
reaches an SSR never above SciPy's best, with the same parameters to 1e-6 relative.

Run:  python3 scripts/reference/gen_family.py   (writes
      crates/scalefit-core/tests/data/family_reference.json; about a minute)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scalefit_ref as ref  # noqa: E402  (bootstraps .venv before numpy import)
import numpy as np  # noqa: E402
from scipy.optimize import least_squares  # noqa: E402

OUT = os.path.join(ref.REPO, "crates", "scalefit-core", "tests", "data", "family_reference.json")
SEED = 20261202
NOISE = 0.025


def truth(form, rng, beta):
    """One series' true parameters (public) for `form` with exponent `beta` (< 0)."""
    if form == "power":
        return [float(rng.uniform(1.0, 5.0)), beta]
    if form == "power-floor":
        return [float(rng.uniform(1.0, 5.0)), beta, float(rng.uniform(0.02, 0.08))]
    return [float(rng.uniform(0.7, 0.9)), float(10 ** rng.uniform(2.5, 3.0)), beta, float(rng.uniform(0.03, 0.08))]


def draw_series(form, rng, p):
    n = int(rng.integers(9, 13))
    m = np.geomspace(100.0, 100.0 * 10 ** rng.uniform(2.5, 3.0), n)
    f, _ = ref.model_and_grad(form, ref.to_internal(form, p), m)
    y = f * np.exp(NOISE * rng.standard_normal(n))
    return m, y


def layout(form, shared, s):
    """Index maps of the joint vector: [shared..., series 0's own..., series 1's...]."""
    k = ref.NPARAMS[form]
    bi = {"power": 1, "power-floor": 1, "three-region": 2}[form]
    gi = None if form == "power" else k - 1
    shared_idx = [bi] + ([gi] if shared == "beta_g,gamma" else [])
    own_idx = [i for i in range(k) if i not in shared_idx]
    return k, shared_idx, own_idx


def split(form, shared, x, s):
    """Internal parameter vectors of the s series from the joint vector x."""
    k, si, oi = layout(form, shared, s)
    out = []
    for j in range(s):
        q = np.empty(k)
        q[si] = x[: len(si)]
        q[oi] = x[len(si) + j * len(oi): len(si) + (j + 1) * len(oi)]
        out.append(q)
    return out


def joint_problem(form, loss, shared, ms, ys):
    probs = [ref.make_problem(form, loss, m, y) for m, y in zip(ms, ys)]
    k, si, oi = layout(form, shared, len(ms))

    def fun(x):
        return np.concatenate([p[0](q) for p, q in zip(probs, split(form, shared, x, len(ms)))])

    def jac(x):
        rows = []
        for j, (p, q) in enumerate(zip(probs, split(form, shared, x, len(ms)))):
            g = p[1](q)
            block = np.zeros((g.shape[0], len(x)))
            block[:, : len(si)] = g[:, si]
            block[:, len(si) + j * len(oi): len(si) + (j + 1) * len(oi)] = g[:, oi]
            rows.append(block)
        return np.vstack(rows)

    lo1, hi1 = ref.bounds(form)
    lo = np.concatenate([lo1[si]] + [lo1[oi]] * len(ms))
    hi = np.concatenate([hi1[si]] + [hi1[oi]] * len(ms))
    return fun, jac, lo, hi


def ssr_of(form, loss, q, m, y):
    r = ref.residuals(form, loss, q, m, y)
    return float(np.sum(r * r)) if np.all(np.isfinite(r)) else np.inf


def joint_starts(form, loss, shared, ms, ys):
    k, si, oi = layout(form, shared, len(ms))
    per = [ref.starts(form, loss, m, y) for m, y in zip(ms, ys)]
    bi = si[0]
    out = []
    # Every grid exponent: each series' best start at that exponent.
    betas = sorted({float(q[bi]) for q in per[0]})
    for b in betas:
        qs = []
        for st, m, y in zip(per, ms, ys):
            cand = [q for q in st if float(q[bi]) == b]
            qs.append(min(cand, key=lambda q: ssr_of(form, loss, q, m, y)))
        out.append(qs)
    # Each series' own separate optimum as the shared values.
    sep = [ref.to_internal(form, ref.multistart(form, loss, m, y)[1]) for m, y in zip(ms, ys)]
    for j in range(len(ms)):
        qs = []
        for q in sep:
            q = q.copy()
            q[si] = sep[j][si]
            qs.append(q)
        out.append(qs)
    xs = []
    for qs in out:
        shared_vals = qs[0][si]
        if "gamma" in shared:
            shared_vals = shared_vals.copy()
            shared_vals[1] = min(float(q[si[1]]) for q in qs)
        xs.append(np.concatenate([shared_vals] + [q[oi] for q in qs]))
    return xs, sep


def solve(form, loss, shared, ms, ys):
    fun, jac, lo, hi = joint_problem(form, loss, shared, ms, ys)
    xs, sep = joint_starts(form, loss, shared, ms, ys)
    best = None
    for x0 in xs:
        x0 = np.clip(x0, lo, hi)
        try:
            with np.errstate(over="ignore"):
                r = least_squares(fun, x0, jac=jac, bounds=(lo, hi), method="trf",
                                  x_scale="jac", max_nfev=20000, **ref.TIGHT)
        except (ValueError, np.linalg.LinAlgError):
            continue
        qs = split(form, shared, r.x, len(ms))
        s = sum(ssr_of(form, loss, q, m, y) for q, m, y in zip(qs, ms, ys))
        if np.isfinite(s) and (best is None or s < best[0]):
            best = (s, qs)
    return best, len(xs)


def main():
    rng = np.random.default_rng(SEED)
    cases = []
    for form in ref.FORMS:
        for loss in ref.LOSSES:
            for shared in ["beta_g", "beta_g,gamma"]:
                if form == "power" and shared != "beta_g":
                    continue
                for differ in [False, True]:
                    b0 = -float(rng.uniform(0.3, 0.6))
                    betas = [b0 + (0.1 * j if differ else 0.0) for j in range(3)]
                    ms, ys = [], []
                    for b in betas:
                        m, y = draw_series(form, rng, truth(form, rng, b))
                        ms.append(m)
                        ys.append(y)
                    (s, qs), n_starts = solve(form, loss, shared, ms, ys)
                    name = f"{form}/{loss}/{shared}/{'differ' if differ else 'same'}"
                    ps = [ref.to_public(form, q).tolist() for q in qs]
                    print(f"{name:<40} ssr {s:.6e} from {n_starts} starts", file=sys.stderr)
                    cases.append({
                        "name": name,
                        "form": form,
                        "loss": loss,
                        "shared": shared,
                        "true_beta_g": betas,
                        "series": [{"m": m.tolist(), "y": y.tolist()} for m, y in zip(ms, ys)],
                        "scipy_params": ps,
                        "scipy_ssr": s,
                    })
    doc = {
        "generator": "scripts/reference/gen_family.py",
        "seed": SEED,
        "noise": NOISE,
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} families to {os.path.relpath(OUT, ref.REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
