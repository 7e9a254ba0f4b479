#!/usr/bin/env python3
"""Generate crates/scalefit-core/tests/data/reference.json: synthetic learning
curves for every form x loss, each fitted by SciPy's least_squares from a grid
of starts (scalefit_ref.multistart).  The Rust fitter must reproduce the SciPy
optimum (params to 1e-6 relative, SSR no worse), so a case is only kept when
that optimum is *well identified*: otherwise "agreement" would test luck, not
the fitter.

Run:  python3 scripts/reference/gen_reference.py   (creates .venv if needed)
Fully deterministic: every case draws from default_rng([SEED, form, loss, case, attempt]).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scalefit_ref as ref  # noqa: E402  (bootstraps .venv before numpy import)
import numpy as np  # noqa: E402

SEED = 20240611
N_PER_CASE = [8, 12, 20, 30, 50, 60]  # one curve of each size per form x loss (the 50s feed the bootstrap bench)
OUT = os.path.join(ref.REPO, "crates", "scalefit-core", "tests", "data", "reference.json")

# Acceptance thresholds (see accept()).
TIE_SSR_REL = 1e-12  # "same SSR" for two starts
TIE_PARAM_REL = 1e-6  # ...must then also mean "same params"
SSR_SLACK = 1e-12  # a fitter that stops within this relative SSR of the optimum...
SENS_MAX = 1e-6  # ...must already be within this relative distance in every param


def draw_case(form, rng, n):
    """Realistic curve: sizes m over 2-6 decades, eps(m_min) ~ 0.3..3, beta_g in
    [-0.6, -0.05], and for the floored forms a floor gamma that is a visible
    fraction of the curve (otherwise gamma is not identifiable)."""
    while True:
        decades = rng.uniform(2, 6)
        m_min = 10 ** rng.uniform(1, 3)
        # rounded to integers like real dataset sizes; spacing ratio >= 1.08 keeps them distinct
        m = np.unique(np.round(np.geomspace(m_min, m_min * 10**decades, n)))
        amp = rng.uniform(0.3, 3.0)  # size of the reducible part at the start of the curve
        if form == "power":
            beta = rng.uniform(-0.6, -0.05)
            p = [amp / m[0] ** beta, beta]
            break
        if form == "power-floor":
            beta = rng.uniform(-0.6, -0.1)
            drop = (m[-1] / m[0]) ** beta  # reducible part must fall visibly
            if drop > 0.3:
                continue
            gamma = rng.uniform(0.5, 3.0) * amp * drop  # floor ~ remaining reducible part
            p = [amp / m[0] ** beta, beta, gamma]
            break
        if form == "smooth-floor":
            # m1 at 45-75% of the log range: the power law and the bend both have points
            beta = rng.uniform(-0.6, -0.15)
            m1 = np.exp(np.log(m[0]) + rng.uniform(0.45, 0.75) * np.log(m[-1] / m[0]))
            lift = (1 + m1 / m[0]) ** (-beta)  # eps(m_min) / gamma
            if lift < 3.0:
                continue
            p = [m1, beta, amp / lift]
            break
        if form == "broken-power":
            # the break at 35-65% of the log range, the exponent changing by 0.25 to
            # 0.6 either way (the curve falling on both sides), a floor below the
            # curve's end; low noise, so that 5 parameters are identified
            beta = rng.uniform(-0.8, -0.3)
            mb = np.exp(np.log(m[0]) + rng.uniform(0.35, 0.65) * np.log(m[-1] / m[0]))
            d = rng.uniform(0.25, 0.6) * (1 if rng.uniform() < 0.5 else -1)
            if beta + d > -0.1:
                d = -d
            a = amp / m[0] ** beta
            f, _ = ref.model_and_grad(form, np.array([a, beta, 0.0, np.log(mb), d]), m)
            p = [a, beta, rng.uniform(0.3, 1.0) * f[-1], mb, d]
            p = np.array(p)
            sigma = rng.uniform(0.002, 0.008)
            f, _ = ref.model_and_grad(form, ref.to_internal(form, p), m)
            return m, f * np.exp(sigma * rng.standard_normal(len(m))), p, sigma
        if form == "sigmoid":
            # m0 at 30-50% of the log range (the plateau and the power law both have
            # points), kappa from a sharp to a soft knee, a floor the curve bends onto
            beta = rng.uniform(-0.7, -0.2)
            m0 = np.exp(np.log(m[0]) + rng.uniform(0.3, 0.5) * np.log(m[-1] / m[0]))
            k = float(np.exp(rng.uniform(np.log(0.3), np.log(3.0))))
            u_end, _, _ = ref.sigmoid_u(np.array([beta * np.log(m[-1] / m0)]), k)
            if u_end[0] > 0.3:
                continue
            gamma = rng.uniform(0.5, 3.0) * amp * u_end[0]
            p = np.array([gamma + amp, m0, beta, gamma, k])
            # low noise: with five parameters the optimum's sensitivity (accept())
            # stays under its bound only below about 0.2 %
            sigma = rng.uniform(0.0005, 0.002)
            f, _ = ref.model_and_grad(form, ref.to_internal(form, p), m)
            return m, f * np.exp(sigma * rng.standard_normal(len(m))), p, sigma
        # three-region: m0 at 25-45% of the log range so the plateau has points
        beta = rng.uniform(-0.6, -0.15)
        m0 = np.exp(np.log(m[0]) + rng.uniform(0.25, 0.45) * np.log(m[-1] / m[0]))
        drop = (1 + m[-1] / m0) ** beta
        if drop > 0.3:
            continue
        gamma = rng.uniform(0.5, 3.0) * amp * drop
        p = [gamma + amp, m0, beta, gamma]
        break
    p = np.array(p)
    sigma = rng.uniform(0.005, 0.03)  # multiplicative lognormal noise, 0.5%-3%
    f, _ = ref.model_and_grad(form, ref.to_internal(form, p), m)
    y = f * np.exp(sigma * rng.standard_normal(len(m)))
    return m, y, p, sigma


def accept(form, loss, m, y, p_true, results):
    """Return (ok, reason, diagnostics) for a multi-start result list."""
    best_ssr, best = results[0]
    rel = lambda a, b: np.max(np.abs(a - b) / np.abs(b))  # noqa: E731
    # 1. uniqueness: every start that reaches the best SSR must reach the best params
    ties = [p for s, p in results if s <= best_ssr * (1 + TIE_SSR_REL)]
    if max(rel(p, best) for p in ties) > TIE_PARAM_REL:
        return False, "non-unique optimum", {}
    # 2. conditioning: moving param i so far that (after re-optimising the others)
    #    SSR rises by SSR_SLACK*SSR costs delta_i = sqrt(SSR_SLACK*SSR*(H^-1)_ii),
    #    H = J^T J.  If that is > SENS_MAX relative, a fitter stopping "converged"
    #    at that SSR could legitimately disagree with SciPy in params.
    J = ref.jacobian_public(form, loss, best, m)
    H = J.T @ J
    try:
        Hinv = np.linalg.inv(H)
    except np.linalg.LinAlgError:
        return False, "singular Hessian", {}
    sens = float(np.max(np.sqrt(np.abs(SSR_SLACK * best_ssr * np.diag(Hinv))) / np.abs(best)))
    diag = {"sens": sens, "ties": len(ties), "cond": float(np.linalg.cond(H))}
    if not sens < SENS_MAX:
        return False, f"ill-conditioned (sens {sens:.1e})", diag
    # 3. bounds/ranges: gamma must be an interior optimum (the bound inactive) and
    #    m0 inside the data, else the case tests bound handling, not the optimum.
    if form in ref.FLOOR and not best[ref.FLOOR[form]] > 0.25 * p_true[ref.FLOOR[form]]:
        return False, "gamma near bound", diag
    if form == "three-region" and not m[0] < best[1] < m[-1]:
        return False, "m0 outside data", diag
    if form == "smooth-floor" and not m[0] < best[0] < m[-1]:
        return False, "m1 outside data", diag
    if form == "sigmoid" and not m[0] < best[1] < m[-1]:
        return False, "m0 outside data", diag
    if form == "broken-power" and not m[0] * 1.01 < best[3] < m[-1] / 1.01:
        return False, "mb at a bound", diag
    return True, "", diag


def main():
    # `--only FORM`: regenerate that form's cases and keep the others' from the file
    # (each case's draws depend only on its own indices, so the rest are the same).
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
    kept = []
    if only is not None:
        with open(OUT) as fh:
            kept = [c for c in json.load(fh) if c["form"] != only]
    cases, rows = [], []
    for fi, form in enumerate(ref.FORMS):
        if only is not None and form != only:
            cases.extend(c for c in kept if c["form"] == form)
            continue
        for li, loss in enumerate(ref.LOSSES):
            for ci, n in enumerate(N_PER_CASE):
                for attempt in range(50):
                    rng = np.random.default_rng([SEED, fi, li, ci, attempt])
                    m, y, p_true, sigma = draw_case(form, rng, n)
                    results = ref.multistart(form, loss, m, y, return_all=True)
                    ok, why, diag = accept(form, loss, m, y, p_true, results)
                    if ok:
                        break
                    print(f"  reject {form}/{loss}/{ci} attempt {attempt}: {why}", file=sys.stderr)
                else:
                    sys.exit(f"no acceptable case for {form}/{loss}/{ci}")
                ssr, p = results[0]
                name = f"{form}-{loss}-{ci + 1:02d}"
                cases.append({
                    "name": name, "form": form, "loss": loss,
                    "m": m.tolist(), "y": y.tolist(),
                    "true_params": p_true.tolist(), "scipy_params": p.tolist(),
                    "scipy_ssr": ssr,
                })
                rows.append((name, len(m), np.log10(m[-1] / m[0]), sigma, ssr, diag["ties"],
                             len(results), diag["sens"], diag["cond"], attempt))
    with open(OUT, "w") as fh:
        json.dump(cases, fh, indent=1)
        fh.write("\n")

    print(f"{'case':26s} {'n':>3s} {'dec':>4s} {'noise':>6s} {'scipy_ssr':>11s} "
          f"{'ties/starts':>11s} {'sens':>8s} {'cond':>8s} {'rej':>3s}")
    for r in rows:
        print(f"{r[0]:26s} {r[1]:3d} {r[2]:4.1f} {r[3]:6.2%} {r[4]:11.4e} "
              f"{r[5]:5d}/{r[6]:<5d} {r[7]:8.1e} {r[8]:8.1e} {r[9]:3d}")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT, ref.REPO)}")


if __name__ == "__main__":
    main()
