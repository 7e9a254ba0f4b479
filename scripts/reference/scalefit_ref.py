"""Reference (SciPy) implementation of Scalefit's model forms, losses and the
multi-start global fit.  Shared by gen_reference.py and ../bench_scipy.py so the
numbers the Rust crate is tested and benchmarked against come from one place.

Forms (names and parameter order are fixed; they match scalefit_core::model):
  power         eps = alpha * m^beta_g                           [alpha, beta_g]
  power-floor   eps = alpha * m^beta_g + gamma                   [alpha, beta_g, gamma]
  three-region  eps = gamma + (eps0 - gamma) * (1 + m/m0)^beta_g [eps0, m0, beta_g, gamma]
  smooth-floor  eps = gamma * (1 + m1/m)^(-beta_g)               [m1, beta_g, gamma]
  broken-power  eps = alpha * m^beta_g * (1 + (m/mb)^(1/f))^(delta_g f) + gamma, f = 0.3
  sigmoid       eps = gamma + (eps0 - gamma) u, u / (1 - u)^kappa = (m/m0)^beta_g
                                                   [alpha, beta_g, gamma, mb, delta_g]
                (the break mb bounded to the sizes fitted)
Losses: log (r = ln model - ln y) and linear (r = model - y); objective SSR = sum r^2.
"""
import os
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def ensure_scipy():
    """Re-exec under <repo>/.venv (created idempotently) when scipy is missing.

    The scripts must run on a fresh machine with nothing but python3, so they
    bootstrap their own venv instead of relying on whatever is installed."""
    try:
        import numpy  # noqa: F401
        import scipy  # noqa: F401
        return
    except ImportError:
        pass
    venv = os.path.join(REPO, ".venv")
    py = os.path.join(venv, "bin", "python")
    # A venv's python is a symlink to the base interpreter: compare prefixes, not paths.
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        sys.exit("scipy still missing inside .venv; see pip output above")
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    subprocess.check_call([py, "-m", "pip", "install", "-q", "scipy", "numpy"])
    os.execv(py, [py] + sys.argv)


ensure_scipy()

import numpy as np  # noqa: E402
from scipy.optimize import least_squares  # noqa: E402

FORMS = ["power", "power-floor", "three-region", "smooth-floor", "broken-power", "sigmoid"]
LOSSES = ["log", "linear"]
NPARAMS = {"power": 2, "power-floor": 3, "three-region": 4, "smooth-floor": 3, "broken-power": 5, "sigmoid": 5}
# The forms with a size-like knee at index KNEE[form], carried as its ln.
KNEE = {"three-region": 1, "smooth-floor": 0, "broken-power": 3, "sigmoid": 1}
# The floor gamma's index (bounded below by 0).
FLOOR = {"power-floor": 2, "three-region": 3, "smooth-floor": 2, "broken-power": 2, "sigmoid": 3}
# The sigmoid form's kappa >= KAPPA_MIN (at 0 its equation has no root above the knee).
KAPPA_MIN = 1e-9
BREAK_SMOOTHNESS = 0.3
TIGHT = dict(ftol=1e-15, xtol=1e-15, gtol=1e-15)

# ---------------------------------------------------------------------------
# Models in the *internal* parameterisation used by the optimiser.  Only
# three-region differs from the public one: it carries u = ln(m0), because m0
# spans decades and the fit is far better scaled (and m0 > 0 is automatic).
# ---------------------------------------------------------------------------


def to_internal(form, p):
    p = np.array(p, dtype=float)
    if form in KNEE:
        p[KNEE[form]] = np.log(p[KNEE[form]])
    return p


def to_public(form, q):
    p = np.array(q, dtype=float)
    if form in KNEE:
        p[KNEE[form]] = np.exp(p[KNEE[form]])
    return p


def model_and_grad(form, q, m):
    """Model values f(m) and df/dq (n x k) in internal parameters."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _model_and_grad(form, q, m)


def _model_and_grad(form, q, m):
    if form == "power":
        a, b = q
        mb = m**b
        return a * mb, np.c_[mb, a * mb * np.log(m)]
    if form == "power-floor":
        a, b, g = q
        mb = m**b
        return a * mb + g, np.c_[mb, a * mb * np.log(m), np.ones_like(m)]
    if form == "smooth-floor":
        # eps = gamma (1 + m1/m)^(-beta_g), q = (ln m1, beta_g, gamma)
        u, b, g = q
        x = np.exp(u) / m  # m1 / m
        s = (1.0 + x) ** (-b)
        return g * s, np.c_[-b * g * s * x / (1.0 + x), -g * s * np.log1p(x), s]
    if form == "broken-power":
        # q = (alpha, beta_g, gamma, ln mb, delta_g); t = ln(m/mb)/f
        a, b, g, u, d = q
        f = BREAK_SMOOTHNESS
        lm = np.log(m)
        t = (lm - u) / f
        soft = np.logaddexp(0.0, t)
        sig = 0.5 * (1.0 + np.tanh(0.5 * t))
        tb = np.exp(b * lm + d * f * soft)
        return a * tb + g, np.c_[tb, a * tb * lm, np.ones_like(m), -a * tb * d * sig, a * tb * f * soft]
    if form == "sigmoid":
        # q = (eps0, ln m0, beta_g, gamma, kappa); u solves ln u - kappa ln(1-u) = lt
        e0, lm0, b, g, k = q
        x = np.log(m) - lm0
        u, w, sp = sigmoid_u(b * x, k)
        d = e0 - g
        return g + d * u, np.c_[u, -d * w * b, d * w * x, 1.0 - u, -d * w * sp]
    e0, u, b, g = q
    x = m * np.exp(-u)  # m / m0
    s = (1.0 + x) ** b
    d = e0 - g
    f = g + d * s
    return f, np.c_[s, -d * b * s * x / (1.0 + x), d * s * np.log1p(x), 1.0 - s]


def sigmoid_u(lt, k):
    """u in (0, 1) with ln u - k ln(1 - u) = lt, elementwise; w = du/dlt and
    sp = -ln(1 - u). In z = logit u the left side -softplus(-z) + k softplus(z) rises
    with slope (1 - u) + k u: bisection to a bracket of 1e-3, then Newton, 60 steps."""
    lt = np.asarray(lt, dtype=float)
    k = max(float(k), KAPPA_MIN)

    def h(z):
        return -np.logaddexp(0.0, -z) + k * np.logaddexp(0.0, z) - lt

    lo = np.minimum(lt, lt / k) - 1.0
    hi = np.maximum(lt, lt / k) + 1.0
    step = np.ones_like(lt)
    for _ in range(80):
        bad = h(lo) > 0
        if not bad.any():
            break
        lo = np.where(bad, lo - step, lo)
        step = np.where(bad, 2 * step, step)
    step = np.ones_like(lt)
    for _ in range(80):
        bad = h(hi) < 0
        if not bad.any():
            break
        hi = np.where(bad, hi + step, hi)
        step = np.where(bad, 2 * step, step)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        v = h(mid)
        lo = np.where(v <= 0, mid, lo)
        hi = np.where(v > 0, mid, hi)
        if np.all(hi - lo < 1e-3):
            break
    z = 0.5 * (lo + hi)
    for _ in range(60):
        u = 0.5 * (1.0 + np.tanh(0.5 * z))
        omu = 0.5 * (1.0 - np.tanh(0.5 * z))
        dz = h(z) / (omu + k * u)
        z = z - dz
        if np.all(np.abs(dz) <= 1e-15 * (1.0 + np.abs(z))):
            break
    u = 0.5 * (1.0 + np.tanh(0.5 * z))
    omu = 0.5 * (1.0 - np.tanh(0.5 * z))
    return u, u * omu / (omu + k * u), np.logaddexp(0.0, z)


def residuals(form, loss, q, m, y):
    f, _ = model_and_grad(form, q, m)
    if loss == "linear":
        return f - y
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(f) - np.log(y)


def ssr_public(form, loss, p, m, y):
    """SSR evaluated in the public parameterisation (what gets written out)."""
    return float(np.sum(residuals(form, loss, to_internal(form, p), m, y) ** 2))


def make_problem(form, loss, m, y):
    """Residual and Jacobian callables for least_squares (analytic Jacobian:
    a finite-difference one would limit how precisely the optimum is located)."""
    ly = np.log(y)
    # Outside the model's domain (a non-positive model under log loss, or an
    # overflow far from the data) a huge finite residual makes TRF reject the
    # step instead of crashing on NaN/inf.  Same convention as the Rust fitter.
    big = np.full_like(m, 1e100)

    def bad(f):
        return not np.all(np.isfinite(f)) or (loss == "log" and np.any(f <= 0))

    def fun(q):
        f, _ = model_and_grad(form, q, m)
        if bad(f):
            return big
        return f - y if loss == "linear" else np.log(f) - ly

    def jac(q):
        f, g = model_and_grad(form, q, m)
        if bad(f) or not np.all(np.isfinite(g)):
            return np.zeros((len(m), len(q)))
        return g if loss == "linear" else g / f[:, None]

    return fun, jac


def bounds(form, m=None):
    """gamma >= 0; the broken power law's ln mb within the sizes `m`; everything
    else unbounded (m0 > 0 via ln m0)."""
    k = NPARAMS[form]
    lo = np.full(k, -np.inf)
    hi = np.full(k, np.inf)
    if form in FLOOR:
        lo[FLOOR[form]] = 0.0
    if form == "broken-power" and m is not None:
        lo[3], hi[3] = np.log(np.min(m)), np.log(np.max(m))
    if form == "sigmoid":
        lo[4] = KAPPA_MIN
    return lo, hi


# ---------------------------------------------------------------------------
# Starts.  The nonlinear parameters (beta_g, and ln m0 for three-region) come
# from a grid; the parameters that enter linearly (alpha; alpha,gamma;
# eps0,gamma) are then solved by linear least squares so that every start is
# already a sensible curve.  That is what makes a modest grid reliable.
# ---------------------------------------------------------------------------

# Learning curves decrease, so the grid covers negative exponents only
# (log-spaced, dense near 0 where real beta_g live).  Positive starts were
# tried: on decreasing data they never win and wander for thousands of nfev.
BETA_GRID = -np.geomspace(0.01, 3.0, 50)
BETA_GRID_3R = -np.geomspace(0.02, 3.0, 10)
M0_STEPS_3R = 9  # ln m0 from a decade below the data to a decade above
BETA_GRID_SF = -np.geomspace(0.02, 3.0, 12)
BETA_GRID_BP = -np.geomspace(0.02, 3.0, 10)
MB_STEPS_BP = 7  # ln mb across the sizes
DELTA_GRID_BP = [-0.5, -0.2, -0.05, 0.05, 0.2, 0.5]
M1_STEPS_SF = 11  # ln m1 from a decade below the data to a decade above
BETA_GRID_SG = -np.geomspace(0.05, 2.0, 6)
M0_STEPS_SG = 6  # ln m0 from a decade below the data to a decade above
KAPPA_GRID_SG = [0.1, 0.3, 1.0, 3.0, 10.0]


def _lin_solve(cols, y):
    c, *_ = np.linalg.lstsq(np.column_stack(cols), y, rcond=None)
    return c


def starts(form, loss, m, y):
    out = []
    lm, ly = np.log(m), np.log(y)
    ymin, ymax = float(np.min(y)), float(np.max(y))
    if form == "power":
        for b in BETA_GRID:
            if loss == "log":
                a = np.exp(np.mean(ly - b * lm))
            else:
                mb = m**b
                a = float(mb @ y / (mb @ mb))
            out.append([a, b])
    elif form == "power-floor":
        for b in BETA_GRID:
            mb = m**b
            a, g = _lin_solve([mb, np.ones_like(m)], y)
            # keep the start feasible and strictly positive for the log loss
            g = min(max(g, 1e-3 * ymin), 0.99 * ymin)
            if not a > 0:  # y - g > 0, so this fallback is positive
                a = float(np.mean((y - g) / mb))
            out.append([a, b, g])
    elif form == "smooth-floor":
        # gamma is the one linear parameter: solved on relative residuals (the
        # largest errors would dominate absolute ones), kept positive.
        for u in np.linspace(np.log(m.min()) - np.log(10), np.log(m.max()) + np.log(10), M1_STEPS_SF):
            for b in BETA_GRID_SF:
                s = (1.0 + np.exp(u) / m) ** (-b)
                g = float(np.sum(s / y) / np.sum((s / y) ** 2))
                if not g > 0:
                    g = ymin
                out.append([u, b, g])
    elif form == "broken-power":
        # alpha and gamma linear at fixed (beta_g, ln mb, delta_g), on relative
        # residuals; the start kept feasible (gamma inside its bound, alpha > 0).
        w = 1.0 / y
        for u in np.linspace(np.log(m.min()), np.log(m.max()), MB_STEPS_BP + 2)[1:-1]:
            soft = np.logaddexp(0.0, (lm - u) / BREAK_SMOOTHNESS)
            for d in DELTA_GRID_BP:
                for b in BETA_GRID_BP:
                    tb = np.exp(b * lm + d * BREAK_SMOOTHNESS * soft)
                    a, g = _lin_solve([tb * w, w], y * w)
                    g = min(max(g, 1e-3 * ymin), 0.99 * ymin)
                    if not a > 0:
                        a = float(np.mean((y - g) / tb))
                    out.append([a, b, g, u, d])
    elif form == "sigmoid":
        # eps0 and gamma linear at fixed (ln m0, beta_g, kappa), as three-region's.
        for u in np.linspace(np.log(m.min()) - np.log(10), np.log(m.max()) + np.log(10), M0_STEPS_SG):
            for k in KAPPA_GRID_SG:
                for b in BETA_GRID_SG:
                    s, _, _ = sigmoid_u(b * (lm - u), k)
                    e0, g = _lin_solve([s, 1.0 - s], y)
                    g = min(max(g, 1e-3 * ymin), 0.99 * ymin)
                    if not e0 > g:
                        e0 = max(ymax, 1.01 * g)
                    out.append([e0, u, b, g, k])
    else:
        for u in np.linspace(np.log(m.min()) - np.log(10), np.log(m.max()) + np.log(10), M0_STEPS_3R):
            for b in BETA_GRID_3R:
                s = (1.0 + m * np.exp(-u)) ** b
                e0, g = _lin_solve([s, 1.0 - s], y)
                g = min(max(g, 1e-3 * ymin), 0.99 * ymin)
                if not e0 > g:
                    e0 = max(ymax, 1.01 * g)
                out.append([e0, u, b, g])
    return [np.array(q, dtype=float) for q in out]


def fit_from(form, loss, m, y, q0, **tol):
    """One TRF fit from internal start q0; returns (public params, ssr, nfev)."""
    fun, jac = make_problem(form, loss, m, y)
    lo, hi = bounds(form, m)
    q0 = np.clip(q0, lo, hi)
    opts = tol or dict(TIGHT, max_nfev=20000)
    with np.errstate(over="ignore"):  # cost of a rejected 1e100-residual trial step
        r = least_squares(fun, q0, jac=jac, bounds=(lo, hi), method="trf", x_scale="jac", **opts)
    p = to_public(form, r.x)
    return p, ssr_public(form, loss, p, m, y), r.nfev


def canonical(form, p):
    """The sigmoid's curve has two ways (u -> 1 - u maps (eps0, m0, beta_g, gamma,
    kappa) to (gamma, m0, -beta_g/kappa, eps0, 1/kappa)); the one with beta_g <= 0,
    when its mirror keeps gamma >= 0. Scalefit reports the same way."""
    if form == "sigmoid" and p[2] > 0 and p[0] >= 0:
        k = max(p[4], KAPPA_MIN)
        return np.array([p[3], p[1], -p[2] / k, p[0], 1.0 / k])
    return p


def multistart(form, loss, m, y, return_all=False):
    """The global strategy: every grid start, tight tolerances, keep best SSR."""
    results = []
    for q0 in starts(form, loss, m, y):
        try:
            p, s, _ = fit_from(form, loss, m, y, q0)
            p = canonical(form, p)
            s = ssr_public(form, loss, p, m, y)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if np.isfinite(s):
            results.append((s, p))
    results.sort(key=lambda t: t[0])
    return results if return_all else results[0]


def jacobian_public(form, loss, p, m):
    """Residual Jacobian w.r.t. the *public* parameters (for conditioning)."""
    f, g = model_and_grad(form, to_internal(form, p), m)
    if form in KNEE:
        k = KNEE[form]
        g = g.copy()
        g[:, k] /= p[k]  # d/dm0 = d/du / m0
    return g if loss == "linear" else g / f[:, None]
