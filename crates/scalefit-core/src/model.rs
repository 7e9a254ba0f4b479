//! The model forms of Hestness et al. 2017 and the two loss conventions: one place
//! for every formula, its parameter names, derivatives and inverse.

use serde::{Deserialize, Serialize};

/// A learning-curve form. Names and parameter names are part of the public contract
/// (SPEC section 1): the CLI, the JSON output and the permalink use them verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// `eps = alpha * m^beta_g`
    Power,
    /// `eps = alpha * m^beta_g + gamma`
    PowerFloor,
    /// `eps = gamma + (eps0 - gamma) * (1 + m/m0)^beta_g`
    ThreeRegion,
    /// `eps = gamma * (1 + m1/m)^(-beta_g)`: the Revisiting benchmark's M3,
    /// `beta (1/m + g)^c` with `gamma = beta g^c`, `m1 = 1/g`, `beta_g = -c`. A power
    /// law `gamma m1^(-beta_g) m^beta_g` well below `m1` that bends onto the floor
    /// `gamma` by a factor (not by adding it) around `m1`.
    SmoothFloor,
    /// `eps = alpha * m^beta_g * (1 + (m/mb)^(1/f))^(delta_g f) + gamma`, `f` =
    /// [`BREAK_SMOOTHNESS`]: a broken power law with one break (Caballero et al. 2022),
    /// its exponent `beta_g` below the break `mb` and `beta_g + delta_g` above it, onto
    /// the floor `gamma`. The break lies within the sizes fitted.
    BrokenPower,
    /// `eps = gamma + (eps0 - gamma) u` with `u / (1 - u)^kappa = (m/m0)^beta_g`: the
    /// Revisiting benchmark's M4, `(eps - eps_inf) / (eps_0 - eps)^alpha = beta x^c`
    /// with `gamma = eps_inf`, `eps0 = eps_0`, `kappa = alpha`, `beta_g = c` and
    /// `m0 = (beta (eps0 - gamma)^(alpha - 1))^(-1/c)`. Three-region's plateau, power
    /// law and floor, its knee at `m0` shaped by `kappa >= 0` (small: sharp); `u` has
    /// no closed form and is solved per point by a bracketed Newton iteration.
    Sigmoid,
}

/// The smallest `kappa` the sigmoid form evaluates at: at 0 its equation has no root
/// above the knee (the curve is a power law clipped at `eps0`); a `kappa` below this
/// is read as this one.
pub(crate) const KAPPA_MIN: f64 = 1e-9;

/// The broken power law's smoothness `f` (Caballero et al.'s `f`, one constant for
/// every fit): the break spans about `f` e-folds of `m` on each side of `mb`. Free,
/// it over-fits the Revisiting dev split (mean RMSE 0.0239 against 0.0222 at 0.3
/// and 0.0263 at 1; `scripts/benchmark/candidates.py`, BENCHMARKS.md).
pub const BREAK_SMOOTHNESS: f64 = 0.3;

/// Which residual the fit squares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Loss {
    /// `ln(model) - ln(observed)`: relative error, the scaling-law convention.
    #[default]
    Log,
    /// `model - observed`.
    Linear,
}

impl Loss {
    /// Every loss, default first.
    pub const ALL: [Loss; 2] = [Loss::Log, Loss::Linear];

    /// The id used by the CLI and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            Loss::Log => "log",
            Loss::Linear => "linear",
        }
    }

    /// Inverse of [`Loss::id`].
    pub fn from_id(s: &str) -> Option<Loss> {
        Loss::ALL.into_iter().find(|l| l.id() == s)
    }
}

serde_by_id!(Loss, "log", "linear");

/// `auto` or one form; serialized as its id (`"auto"`, `"power-floor"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ModelChoice {
    /// Fit every form the number of points allows, pick by AICc.
    #[default]
    Auto,
    /// Fit exactly this form.
    Form(Form),
}

// By id rather than derived with `#[serde(untagged)]` on `Form`: the same JSON without
// serde's buffering of untagged input.
serde_by_id!(
    ModelChoice,
    "auto",
    "power",
    "power-floor",
    "three-region",
    "smooth-floor",
    "broken-power"
);

impl ModelChoice {
    /// The id used by the CLI, the `#model` select and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            ModelChoice::Auto => "auto",
            ModelChoice::Form(f) => f.id(),
        }
    }

    /// Inverse of [`ModelChoice::id`].
    pub fn from_id(s: &str) -> Option<ModelChoice> {
        if s == "auto" {
            Some(ModelChoice::Auto)
        } else {
            Form::from_id(s).map(ModelChoice::Form)
        }
    }
}

/// A parameter as people read it: its name in every output, its symbol, its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// Name in the JSON, permalinks and `--fix` (SPEC section 1).
    pub name: &'static str,
    /// Symbol on the page.
    pub symbol: &'static str,
    /// What it means, in a few words.
    pub meaning: &'static str,
    /// A learning-curve parameter the user may hold at a value (`--fix`, `#fixed`).
    pub holdable: bool,
}

/// Every parameter of every form and of the model-size fit, in table order.
pub const PARAMS: [ParamInfo; 11] = [
    ParamInfo {
        name: "alpha",
        symbol: "α",
        meaning: "coefficient: shifts the curve; better architectures move it",
        holdable: true,
    },
    ParamInfo {
        name: "beta_g",
        symbol: "β_g",
        meaning: "learning-curve exponent: the slope in log-log space",
        holdable: true,
    },
    ParamInfo {
        name: "gamma",
        symbol: "γ",
        meaning: "irreducible error: the floor for unlimited data",
        holdable: true,
    },
    ParamInfo {
        name: "eps0",
        symbol: "ε₀",
        meaning: "best-guess error: the small-data plateau",
        holdable: true,
    },
    ParamInfo {
        name: "m0",
        symbol: "m₀",
        meaning: "end of the small-data region",
        holdable: true,
    },
    ParamInfo {
        name: "m1",
        symbol: "m₁",
        meaning: "start of the irreducible-error region (smooth-floor)",
        holdable: true,
    },
    ParamInfo {
        name: "mb",
        symbol: "m_b",
        meaning: "the break of a broken power law, where its exponent changes",
        holdable: true,
    },
    ParamInfo {
        name: "delta_g",
        symbol: "δ_g",
        meaning: "change of the exponent at the break (above it: beta_g + delta_g)",
        holdable: true,
    },
    ParamInfo {
        name: "kappa",
        symbol: "κ",
        meaning: "shape of the knee at m0 (sigmoid; the benchmark's M4 alpha): small is sharp",
        holdable: true,
    },
    ParamInfo {
        name: "sigma",
        symbol: "σ",
        meaning: "model-size coefficient",
        holdable: false,
    },
    ParamInfo {
        name: "beta_p",
        symbol: "β_p",
        meaning: "model-size exponent",
        holdable: false,
    },
];

/// The [`PARAMS`] row of a parameter name.
pub fn param_info(name: &str) -> Option<&'static ParamInfo> {
    PARAMS.iter().find(|p| p.name == name)
}

impl Form {
    /// Every form, simplest first.
    pub const ALL: [Form; 6] = [
        Form::Power,
        Form::PowerFloor,
        Form::ThreeRegion,
        Form::SmoothFloor,
        Form::BrokenPower,
        Form::Sigmoid,
    ];

    /// The forms `auto` compares: every form but `sigmoid` (the benchmark's M4), which
    /// among `auto`'s choices made its held-out predictions worse (the Revisiting dev
    /// split's mean RMSE from 0.0225 to 0.0243; BENCHMARKS.md): chosen by name only.
    pub const AUTO: [Form; 5] = [
        Form::Power,
        Form::PowerFloor,
        Form::ThreeRegion,
        Form::SmoothFloor,
        Form::BrokenPower,
    ];

    /// The id used by the CLI, the `#model` select and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            Form::Power => "power",
            Form::PowerFloor => "power-floor",
            Form::ThreeRegion => "three-region",
            Form::SmoothFloor => "smooth-floor",
            Form::BrokenPower => "broken-power",
            Form::Sigmoid => "sigmoid",
        }
    }

    /// Inverse of [`Form::id`].
    pub fn from_id(s: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.id() == s)
    }

    /// Parameter names in the order of every parameter vector of this form.
    pub fn param_names(self) -> &'static [&'static str] {
        match self {
            Form::Power => &["alpha", "beta_g"],
            Form::PowerFloor => &["alpha", "beta_g", "gamma"],
            Form::ThreeRegion => &["eps0", "m0", "beta_g", "gamma"],
            Form::SmoothFloor => &["m1", "beta_g", "gamma"],
            Form::BrokenPower => &["alpha", "beta_g", "gamma", "mb", "delta_g"],
            Form::Sigmoid => &["eps0", "m0", "beta_g", "gamma", "kappa"],
        }
    }

    /// The parameters `auto` chooses this form only when the data determine them
    /// (`analysis`, [`crate::analysis::shape_undetermined`]): the broken power law's
    /// break `mb` and change of exponent `delta_g`. A break the data do not show is
    /// the noise fitted with two more parameters, which AICc alone can reward.
    pub fn shape_params(self) -> &'static [&'static str] {
        match self {
            Form::BrokenPower => &["mb", "delta_g"],
            _ => &[],
        }
    }

    /// Number of parameters.
    pub fn n_params(self) -> usize {
        self.param_names().len()
    }

    /// Index of a named parameter.
    pub fn param_index(self, name: &str) -> Option<usize> {
        self.param_names().iter().position(|n| *n == name)
    }

    /// Index of `beta_g`, present in every form.
    pub fn beta_index(self) -> usize {
        self.spec().exponent
    }

    /// Index of the floor `gamma`, if the form has one.
    pub fn gamma_index(self) -> Option<usize> {
        self.spec().floor
    }

    /// The formula as text, for reports.
    pub fn formula(self) -> &'static str {
        match self {
            Form::Power => "eps = alpha * m^beta_g",
            Form::PowerFloor => "eps = alpha * m^beta_g + gamma",
            Form::ThreeRegion => "eps = gamma + (eps0 - gamma) * (1 + m/m0)^beta_g",
            Form::SmoothFloor => "eps = gamma * (1 + m1/m)^(-beta_g)",
            Form::BrokenPower => {
                "eps = alpha * m^beta_g * (1 + (m/mb)^(1/0.3))^(0.3 * delta_g) + gamma"
            }
            Form::Sigmoid => "eps = gamma + (eps0 - gamma) * u, u / (1 - u)^kappa = (m/m0)^beta_g",
        }
    }

    /// The model's value at training-set size `m`. `p` must hold [`Form::n_params`]
    /// values; a shorter slice gives NaN rather than a panic.
    pub fn eval(self, p: &[f64], m: f64) -> f64 {
        match (self, p) {
            (Form::Power, [a, b]) => a * m.powf(*b),
            (Form::PowerFloor, [a, b, g]) => a * m.powf(*b) + g,
            (Form::ThreeRegion, [e0, m0, b, g]) => g + (e0 - g) * (1.0 + m / m0).powf(*b),
            (Form::SmoothFloor, [m1, b, g]) => g * (1.0 + m1 / m).powf(-b),
            (Form::BrokenPower, [a, b, g, mb, d]) => {
                let ln_m = m.ln();
                a * (b * ln_m + d * BREAK_SMOOTHNESS * break_softplus(ln_m, mb.ln())).exp() + g
            }
            (Form::Sigmoid, [e0, m0, b, g, k]) => {
                g + (e0 - g) * sigmoid_point(b * (m.ln() - m0.ln()), *k).0
            }
            _ => f64::NAN,
        }
    }

    /// Smallest `m > 0` with `eval(p, m) == target` on the fitted curve, when the
    /// curve is monotone (it always is for these forms). `None` when no positive `m`
    /// reaches the target (at or beyond the floor or the best-guess error).
    pub fn solve_m(self, p: &[f64], target: f64) -> Option<f64> {
        let m = match (self, p) {
            (Form::Power, [a, b]) => (target / a).powf(1.0 / b),
            (Form::PowerFloor, [a, b, g]) => ((target - g) / a).powf(1.0 / b),
            (Form::ThreeRegion, [e0, m0, b, g]) => {
                let ratio = (target - g) / (e0 - g);
                m0 * (ratio.powf(1.0 / b) - 1.0)
            }
            (Form::SmoothFloor, [m1, b, g]) => m1 / ((target / g).powf(-1.0 / b) - 1.0),
            (Form::BrokenPower, _) => return self.solve_m_by_scan(p, target),
            // `u` of the target, then `(m/m0)^beta_g = u / (1 - u)^kappa`.
            (Form::Sigmoid, [e0, m0, b, g, k]) => {
                let u = (target - g) / (e0 - g);
                if !(u > 0.0 && u < 1.0) {
                    return None;
                }
                m0 * ((u.ln() - k.max(KAPPA_MIN) * (-u).ln_1p()) / b).exp()
            }
            _ => f64::NAN,
        };
        (m.is_finite() && m > 0.0).then_some(m)
    }

    /// The error the curve tends to as `m` grows without bound.
    pub fn limit_large_m(self, p: &[f64]) -> f64 {
        let b = p.get(self.beta_index()).copied().unwrap_or(f64::NAN);
        let g = self
            .gamma_index()
            .and_then(|i| p.get(i).copied())
            .unwrap_or(0.0);
        match self {
            Form::Power | Form::PowerFloor => {
                let a = p.first().copied().unwrap_or(f64::NAN);
                if b < 0.0 {
                    g
                } else if b == 0.0 {
                    a + g
                } else {
                    a.signum() * f64::INFINITY
                }
            }
            Form::ThreeRegion => {
                let e0 = p.first().copied().unwrap_or(f64::NAN);
                if b < 0.0 {
                    g
                } else if b == 0.0 {
                    e0
                } else {
                    (e0 - g).signum() * f64::INFINITY
                }
            }
            // `(1 + m1/m)^(-beta_g) -> 1` for every exponent.
            Form::SmoothFloor => g,
            // `(m/m0)^beta_g` falls to 0 (`u` to 0) or grows without bound (`u` to 1).
            Form::Sigmoid => {
                let (e0, k) = match p {
                    [e0, _, _, _, k] => (*e0, *k),
                    _ => return f64::NAN,
                };
                if b < 0.0 {
                    g
                } else if b == 0.0 {
                    g + (e0 - g) * sigmoid_point(0.0, k).0
                } else {
                    e0
                }
            }
            // Far above the break `alpha mb^(-delta_g) m^(beta_g + delta_g)`.
            Form::BrokenPower => {
                let (a, mb, d) = match p {
                    [a, _, _, mb, d] => (*a, *mb, *d),
                    _ => return f64::NAN,
                };
                let end = b + d;
                if end < 0.0 {
                    g
                } else if end == 0.0 {
                    g + a * mb.powf(-d)
                } else {
                    a.signum() * f64::INFINITY
                }
            }
        }
    }

    /// [`Form::solve_m`] for a form without a closed-form inverse: the first crossing
    /// of `target` by `eval` on a scan of `ln m` from -230 to 230 (sizes 1e-100 to
    /// 1e100) in steps of 1/2, refined by bisection to the last bit. The broken power
    /// law's log-slope `beta_g + delta_g s(m)` (`s` rising from 0 to 1) changes sign at
    /// most once, so its curve has at most one turn and two crossings, far more than a
    /// half e-fold apart unless the turn is flat.
    fn solve_m_by_scan(self, p: &[f64], target: f64) -> Option<f64> {
        if !target.is_finite() {
            return None;
        }
        let f = |ln_m: f64| self.eval(p, ln_m.exp()) - target;
        let mut lo = -230.0;
        let mut f_lo = f(lo);
        for k in 1..=920 {
            let hi = -230.0 + 0.5 * f64::from(k);
            let f_hi = f(hi);
            if f_lo == 0.0 {
                return Some(lo.exp()).filter(|m| m.is_finite() && *m > 0.0);
            }
            if f_lo.is_finite() && f_hi.is_finite() && (f_lo < 0.0) != (f_hi < 0.0) {
                let (mut a, mut b, fa) = (lo, hi, f_lo);
                for _ in 0..200 {
                    let mid = 0.5 * (a + b);
                    if mid <= a || mid >= b {
                        break;
                    }
                    let fm = f(mid);
                    if (fm < 0.0) == (fa < 0.0) {
                        a = mid;
                    } else {
                        b = mid;
                    }
                }
                let m = (0.5 * (a + b)).exp();
                return (m.is_finite() && m > 0.0).then_some(m);
            }
            lo = hi;
            f_lo = f_hi;
        }
        None
    }
}

/// `ln(1 + (m/mb)^(1/f))` for the broken power law (`f` = [`BREAK_SMOOTHNESS`]) from
/// `ln m` and `ln mb`, without overflow: `u + ln(1 + e^-u)` for `u > 0`.
pub(crate) fn break_softplus(ln_m: f64, ln_mb: f64) -> f64 {
    let u = (ln_m - ln_mb) / BREAK_SMOOTHNESS;
    if u > 0.0 {
        u + (-u).exp().ln_1p()
    } else {
        u.exp().ln_1p()
    }
}

/// `s = (m/mb)^(1/f) / (1 + (m/mb)^(1/f))`, the derivative of [`break_softplus`] in
/// its `u`, without overflow.
pub(crate) fn break_logistic(ln_m: f64, ln_mb: f64) -> f64 {
    let u = (ln_m - ln_mb) / BREAK_SMOOTHNESS;
    if u > 0.0 {
        1.0 / (1.0 + (-u).exp())
    } else {
        let e = u.exp();
        e / (1.0 + e)
    }
}

/// The sigmoid form's `u` at one point, from `lt = beta_g ln(m/m0)`: the root in
/// `(0, 1)` of `ln u - kappa ln(1 - u) = lt`, with `w = du/dlt` and `sp = -ln(1 - u)`
/// (`du/dkappa = -w sp`) that its gradient reads.
///
/// Solved in `z = logit u`, where the left side `h(z) = -softplus(-z) + kappa
/// softplus(z)` rises with slope `h' = (1 - u) + kappa u >= min(1, kappa) > 0` and is
/// convex (`kappa > 1`) or concave (`kappa < 1`): Newton's method then converges from
/// any start, monotonically after its first step. It starts at the asymptote on the
/// root's side (`z = lt` below the knee, `lt / kappa` above it), inside a bracket
/// widened until it holds the root; a step leaving the bracket is a bisection. `1 -
/// u` is computed as `sigma(-z)`, never as `1 - u`, so the plateau keeps its digits.
#[inline]
pub(crate) fn sigmoid_point(lt: f64, kappa: f64) -> (f64, f64, f64) {
    if !lt.is_finite() {
        return match lt {
            v if v > 0.0 => (1.0, 0.0, 0.0),
            v if v < 0.0 => (0.0, 0.0, 0.0),
            _ => (f64::NAN, f64::NAN, f64::NAN),
        };
    }
    let k = if kappa >= KAPPA_MIN { kappa } else { KAPPA_MIN };
    if !k.is_finite() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    // h(z) - lt and the logistic pieces at z.
    let at = |z: f64| {
        let e = (-z.abs()).exp();
        let l = e.ln_1p();
        let (u, omu, sp_pos, sp_neg) = if z >= 0.0 {
            (1.0 / (1.0 + e), e / (1.0 + e), z + l, l)
        } else {
            (e / (1.0 + e), 1.0 / (1.0 + e), l, l - z)
        };
        (k * sp_pos - sp_neg - lt, u, omu, sp_pos)
    };
    let z0 = if lt <= 0.0 { lt } else { lt / k };
    let (mut lo, mut hi) = (z0 - 1.0, z0 + 1.0);
    let mut step = 1.0;
    for _ in 0..64 {
        if at(lo).0 <= 0.0 {
            break;
        }
        step *= 2.0;
        lo -= step;
    }
    step = 1.0;
    for _ in 0..64 {
        if at(hi).0 >= 0.0 {
            break;
        }
        step *= 2.0;
        hi += step;
    }
    let mut z = z0;
    let mut cur = at(z);
    for _ in 0..100 {
        let (h, u, omu, _) = cur;
        if h == 0.0 {
            break;
        }
        if h < 0.0 {
            lo = z;
        } else {
            hi = z;
        }
        let newton = z - h / (omu + k * u);
        let next = if newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        let done = (next - z).abs() <= 1e-15 * (1.0 + z.abs());
        z = next;
        cur = at(z);
        if done || hi - lo <= 1e-15 * (1.0 + z.abs()) {
            break;
        }
    }
    let (_, u, omu, sp) = cur;
    (u, u * omu / (omu + k * u), sp)
}

/// [`sigmoid_point`]'s `u` for the profile grid, by Newton's method in `z = logit u`
/// from `z` (the root at the neighbouring node of the row, about two steps away;
/// NaN: from the asymptote), which it updates. The grid only screens, so the steps
/// stop at a relative change of 1e-12; Newton's method converges from any start on
/// this equation (see [`sigmoid_point`]), and a solve that does not settle in 40
/// steps is left to `sigmoid_point`. About a third of `sigmoid_point`'s cost (no
/// bracket, fewer steps).
pub(crate) fn sigmoid_u_from(lt: f64, kappa: f64, z: &mut f64) -> f64 {
    let k = if kappa >= KAPPA_MIN { kappa } else { KAPPA_MIN };
    if !(lt.is_finite() && k.is_finite()) {
        *z = f64::NAN;
        return sigmoid_point(lt, kappa).0;
    }
    if !z.is_finite() {
        *z = if lt <= 0.0 { lt } else { lt / k };
    }
    for _ in 0..40 {
        let v = *z;
        let e = (-v.abs()).exp();
        let l = e.ln_1p();
        let (u, omu, sp_pos, sp_neg) = if v >= 0.0 {
            (1.0 / (1.0 + e), e / (1.0 + e), v + l, l)
        } else {
            (e / (1.0 + e), 1.0 / (1.0 + e), l, l - v)
        };
        let dz = (k * sp_pos - sp_neg - lt) / (omu + k * u);
        *z = v - dz;
        if !z.is_finite() {
            break;
        }
        if dz.abs() <= 1e-12 * (1.0 + z.abs()) {
            let e = (-z.abs()).exp();
            return if *z >= 0.0 {
                1.0 / (1.0 + e)
            } else {
                e / (1.0 + e)
            };
        }
    }
    *z = f64::NAN;
    sigmoid_point(lt, kappa).0
}

impl Form {
    /// The power-law region of the fitted curve, `(start, end)`, for a form that has
    /// one beside other regions: `three-region` from its knee `m0` to where the
    /// power-law term falls to the floor `gamma` (infinite when there is no floor, or
    /// the curve does not fall). `None` for the forms that are a power law throughout.
    pub fn regions(self, p: &[f64]) -> Option<(f64, f64)> {
        let (Form::ThreeRegion, &[e0, m0, b, g]) = (self, p) else {
            return None;
        };
        let end = if g > 0.0 && e0 > g && b < 0.0 {
            m0 * ((g / (e0 - g)).powf(1.0 / b) - 1.0)
        } else {
            f64::INFINITY
        };
        Some((m0, end.max(m0)))
    }
}

// The fitter's view of the forms. `crate::fit` knows no form by name: it reads the
// table below ([`Form::spec`]) and calls the formulas after it, so a new form is an
// entry here (see ARCHITECTURE.md, "How to add a form").

/// How the fitter searches a form: which parameters are linear once the others are
/// fixed and their bases, the profile grid over the nonlinear ones, the bounds and the
/// internal coordinates of the polish. Parameters are named by their index in
/// [`Form::param_names`]; parameter vectors inside the fitter are `[f64; MAX_PARAMS]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Spec {
    /// The exponent `beta_g`: the profile grid's columns, [`EXPONENT_GRID`] in
    /// `exponent_steps` equal steps.
    pub exponent: usize,
    /// Steps of the exponent grid (one more column than steps).
    pub exponent_steps: usize,
    /// The linear parameters at fixed nonlinear ones. Slot 0 multiplies the grid's
    /// basis `a = exp(beta_g x)` (`x` from [`Form::grid_x`]), slot 1 multiplies
    /// `second.of(a)`; the model is `held part + slot 0 * a + slot 1 * second(a)`.
    pub linear: [Option<usize>; 2],
    /// The second linear basis, as a function of the first.
    pub second: Second,
    /// The floor `gamma`, bounded below by 0 (a linear parameter): the polish searches
    /// `gamma = v^2`, the grid drops it when it comes out negative.
    pub floor: Option<usize>,
    /// A knee (`m0`): searched in `ln m0`, bounded below, the grid's rows.
    pub knee: Option<Knee>,
    /// The form is the power law `alpha m^beta_g` itself, parameters `[alpha, beta_g]`:
    /// its `ln` is linear in `(ln alpha, beta_g)`, so with nothing held the log-log
    /// line through the points is the exact optimum under `log` loss.
    pub log_linear: bool,
    /// The profile grid weighs residuals relatively (as `log` loss does) under
    /// `linear` loss too; the polish still minimizes the loss asked for. For a form
    /// whose floor multiplies the curve: absolute residuals are the largest errors',
    /// and a grid on them cannot see the bend onto a floor a thousand times lower,
    /// which the exact optimum still places.
    pub relative_grid: bool,
    /// A third nonlinear parameter (the broken power law's `delta_g`): the profile
    /// grid is repeated at each of its values, a block of knee rows per value, and
    /// the polish searches it unbounded.
    pub third: Option<Third>,
    /// A coefficient bounded below by 0, searched as `u^2` like the floor (the broken
    /// power law's `alpha`: with a negative one its fit is a ceiling minus a growing
    /// term); grid nodes where it solves negative are dropped.
    pub positive: Option<usize>,
    /// The grid's basis is not `exp(beta_g x)` but a function of it solved per point
    /// ([`Form::implicit_basis`]): the sigmoid form's `u`.
    pub implicit: bool,
    /// The polish's patience in units of the other forms' (see `fit::polish::lm`).
    pub patience: usize,
}

/// The most parameters of any form: the length of parameter vectors in the fitter.
pub(crate) const MAX_PARAMS: usize = 5;

/// A third nonlinear parameter of the profile grid; see [`Spec::third`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Third {
    /// Its index.
    pub index: usize,
    /// The values the grid is built at.
    pub grid: &'static [f64],
}

/// A knee: a positive size-like parameter the fitter searches in `ln`, whose values
/// span the profile grid's rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Knee {
    /// Its index.
    pub index: usize,
    /// The grid's rows span `ln m0` from `below` decades under the smallest size to
    /// `above` decades over the largest, in `steps` equal steps.
    pub grid_decades: (f64, f64),
    /// Steps of that span.
    pub grid_steps: usize,
    /// The polish keeps the knee at or above the smallest size divided by this
    /// (`ln m0 = ln(smallest / lowest) + w^2`). Further down, three-region is
    /// power-floor to within |beta_g|/100 over the data, and the polish would crawl
    /// along that flat valley for ever.
    pub lowest: f64,
    /// The polish keeps the knee at or below the largest size times this, when set:
    /// `ln m0 = lo + (hi - lo) (1 - cos w) / 2` between the two bounds.
    pub highest: Option<f64>,
}

/// The second linear basis of a form as a function of the grid's basis `a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Second {
    /// None: one linear parameter.
    None,
    /// The constant 1: a floor added to the power law.
    One,
    /// `1 - a`: three-region's `gamma + (eps0 - gamma) a = eps0 a + gamma (1 - a)`.
    OneMinus,
}

impl Second {
    /// The basis at `a`.
    pub(crate) fn of(self, a: f64) -> f64 {
        match self {
            Second::None => 0.0,
            Second::One => 1.0,
            Second::OneMinus => 1.0 - a,
        }
    }

    /// [`Second::of`] as a select on loop invariants, `if one_minus { 1.0 - a } else
    /// { constant }`, which a vectorized loop takes in its stride (a match inside the
    /// loop kept it from being vectorized). Returns `(one_minus, constant)`.
    pub(crate) fn select(self) -> (bool, f64) {
        match self {
            Second::None => (false, 0.0),
            Second::One => (false, 1.0),
            Second::OneMinus => (true, 0.0),
        }
    }
}

/// The exponents `beta_g` the profile grid spans, for every form.
pub(crate) const EXPONENT_GRID: (f64, f64) = (-3.0, 1.5);

const POWER: Spec = Spec {
    exponent: 1,
    exponent_steps: 72,
    linear: [Some(0), None],
    second: Second::None,
    floor: None,
    knee: None,
    log_linear: true,
    relative_grid: false,
    third: None,
    positive: None,
    implicit: false,
    patience: 1,
};

const POWER_FLOOR: Spec = Spec {
    exponent: 1,
    exponent_steps: 72,
    linear: [Some(0), Some(2)],
    second: Second::One,
    floor: Some(2),
    knee: None,
    log_linear: false,
    relative_grid: false,
    third: None,
    positive: None,
    implicit: false,
    patience: 1,
};

const THREE_REGION: Spec = Spec {
    exponent: 2,
    // 25 x 21 nodes: each costs a pass over the points.
    exponent_steps: 24,
    linear: [Some(0), Some(3)],
    second: Second::OneMinus,
    floor: Some(3),
    knee: Some(Knee {
        index: 1,
        grid_decades: (2.0, 1.0),
        grid_steps: 20,
        lowest: 100.0,
        highest: None,
    }),
    log_linear: false,
    relative_grid: false,
    third: None,
    positive: None,
    implicit: false,
    patience: 1,
};

const SMOOTH_FLOOR: Spec = Spec {
    exponent: 1,
    exponent_steps: 72,
    // gamma multiplies a = exp(beta_g x) with x = -ln(1 + m1/m).
    linear: [Some(2), None],
    second: Second::None,
    floor: Some(2),
    // m1 over the data and two decades beyond it each way: far above the largest
    // size the curve is a pure power law over the data, far below it is flat.
    knee: Some(Knee {
        index: 0,
        grid_decades: (2.0, 2.0),
        grid_steps: 40,
        lowest: 100.0,
        highest: None,
    }),
    log_linear: false,
    relative_grid: true,
    third: None,
    positive: None,
    implicit: false,
    patience: 1,
};

const BROKEN_POWER: Spec = Spec {
    exponent: 1,
    // 73 exponents x 13 breaks x 8 changes of exponent. The exponent as fine as the
    // power forms': at 37 columns a node 0.06 off the exponent, over the decades of
    // the data, costs more than a break in the wrong place, and the grid's minima
    // lay in other basins.
    exponent_steps: 72,
    // alpha multiplies a = exp(beta_g ln m) times the break's factor (`grid_factor`),
    // gamma the constant.
    linear: [Some(0), Some(2)],
    second: Second::One,
    floor: Some(2),
    // The break within the sizes fitted: beyond them the change of exponent is not
    // determined by the data.
    knee: Some(Knee {
        index: 3,
        grid_decades: (0.0, 0.0),
        grid_steps: 12,
        lowest: 1.0,
        highest: Some(1.0),
    }),
    log_linear: false,
    relative_grid: true,
    third: Some(Third {
        index: 4,
        grid: &[-1.0, -0.5, -0.25, -0.1, 0.1, 0.25, 0.5, 1.0],
    }),
    positive: Some(0),
    implicit: false,
    patience: 1,
};

const SIGMOID: Spec = Spec {
    exponent: 2,
    // 25 exponents x 21 knees x 5 shapes, as three-region's grid per shape.
    exponent_steps: 24,
    // eps0 multiplies u, gamma 1 - u, as three-region's basis.
    linear: [Some(0), Some(3)],
    second: Second::OneMinus,
    floor: Some(3),
    // The knee down to four decades below the data: there the curve over the data is
    // `gamma + A m^beta_g - kappa A^2/(eps0 - gamma) m^(2 beta_g) + ...`, still shaped
    // by kappa, and on 4 real curves of the Revisiting dev split (NMT, LM) the optimum
    // lay 1 to 3 decades below the smallest size / 100 (three-region's bound).
    knee: Some(Knee {
        index: 1,
        grid_decades: (4.0, 1.0),
        grid_steps: 25,
        lowest: 1e4,
        highest: None,
    }),
    log_linear: false,
    relative_grid: false,
    // The knee's shape from a tenth to fifty times the logistic knee's (1).
    third: Some(Third {
        index: 4,
        grid: &[0.1, 0.3, 1.0, 3.0, 10.0, 50.0],
    }),
    positive: Some(4),
    implicit: true,
    patience: 4,
};

impl Spec {
    /// The slot in [`Spec::linear`] of the floor, if the form has one.
    pub(crate) fn floor_slot(&self) -> Option<usize> {
        self.floor
            .and_then(|g| self.linear.iter().position(|s| *s == Some(g)))
    }
}

/// Scratch of [`Form::values`]: per-point intermediates that the gradient's columns
/// reuse, kept between evaluations so a polish allocates once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Passes {
    buf: Vec<f64>,
}

impl Form {
    /// The fitter's table entry of this form.
    pub(crate) fn spec(self) -> &'static Spec {
        match self {
            Form::Power => &POWER,
            Form::PowerFloor => &POWER_FLOOR,
            Form::ThreeRegion => &THREE_REGION,
            Form::SmoothFloor => &SMOOTH_FLOOR,
            Form::BrokenPower => &BROKEN_POWER,
            Form::Sigmoid => &SIGMOID,
        }
    }

    /// The way the fit reports a curve this form can write in several ways, when `p`
    /// is not it. The sigmoid evaluates a `kappa` below [`KAPPA_MIN`] as that bound,
    /// which is reported instead; and its equation is unchanged by `u -> 1 - u`, which
    /// maps `(eps0, m0, beta_g, gamma, kappa)` to `(gamma, m0, -beta_g / kappa, eps0, 1 /
    /// kappa)`: the way with `beta_g <= 0` is reported (`eps0` the small-data plateau,
    /// `gamma` the floor), when the mirror of a rising way keeps the floor's bound
    /// (`eps0 >= 0`). `None` when `p` is the reported way already.
    pub(crate) fn canonical(self, p: &[f64]) -> Option<Vec<f64>> {
        match (self, p) {
            (Form::Sigmoid, &[e0, m0, b, g, k]) => {
                let k = k.max(KAPPA_MIN);
                if b > 0.0 && e0 >= 0.0 {
                    Some(vec![g, m0, -b / k, e0, 1.0 / k])
                } else {
                    (k != p[4]).then(|| vec![e0, m0, b, g, k])
                }
            }
            _ => None,
        }
    }

    /// The grid's basis of a form whose basis is implicit ([`Spec::implicit`]) at
    /// `lt = beta_g x` and the third parameter; `exp(lt)` for the others. `state`
    /// carries the solve from one node to the next along a row ([`sigmoid_u_from`];
    /// NaN to start afresh).
    pub(crate) fn implicit_basis(self, lt: f64, third: f64, state: &mut f64) -> f64 {
        match self {
            Form::Sigmoid => sigmoid_u_from(lt, third, state),
            _ => lt.exp(),
        }
    }

    /// A factor of the grid's basis at every point (into `buf`), for a form whose
    /// basis is `exp(beta_g x)` times a function of the knee and the third parameter:
    /// the broken power law's `exp(delta_g f ln(1 + (m/mb)^(1/f)))`. `None` for the
    /// others.
    pub(crate) fn grid_factor<'a>(
        self,
        m0: f64,
        third: f64,
        ln_m: &[f64],
        buf: &'a mut Vec<f64>,
    ) -> Option<&'a [f64]> {
        match self {
            Form::BrokenPower => {
                let ln_mb = m0.ln();
                buf.clear();
                buf.extend(
                    ln_m.iter()
                        .map(|&x| (third * BREAK_SMOOTHNESS * break_softplus(x, ln_mb)).exp()),
                );
                Some(buf)
            }
            _ => None,
        }
    }

    /// The `x` of the grid's basis `exp(beta_g x)` at every point for knee `m0`: `ln m`
    /// for the power forms (no knee; `ln_m` itself), `ln(1 + m/m0)` for three-region
    /// (into `buf`).
    pub(crate) fn grid_x<'a>(
        self,
        m0: f64,
        m: &[f64],
        ln_m: &'a [f64],
        buf: &'a mut Vec<f64>,
    ) -> &'a [f64] {
        match self {
            Form::Power | Form::PowerFloor | Form::BrokenPower => ln_m,
            Form::ThreeRegion => {
                buf.clear();
                buf.extend(m.iter().map(|&v| (v / m0).ln_1p()));
                buf
            }
            Form::SmoothFloor => {
                buf.clear();
                buf.extend(m.iter().map(|&v| -(m0 / v).ln_1p()));
                buf
            }
            Form::Sigmoid => {
                let ln_m0 = m0.ln();
                buf.clear();
                buf.extend(ln_m.iter().map(|&v| v - ln_m0));
                buf
            }
        }
    }

    /// A start for the polish from the log-log line `y = a m^b` through the points
    /// (`m_min`, `y_min`: the smallest size and error).
    pub(crate) fn line_start(self, a: f64, b: f64, m_min: f64, y_min: f64) -> Vec<f64> {
        match self {
            Form::Power => vec![a, b],
            Form::PowerFloor => vec![a, b, 0.0],
            Form::ThreeRegion => vec![a * m_min.powf(b), m_min, b, (0.5 * y_min).max(0.0)],
            // m1 six decades above the smallest size, where the curve is the line
            // itself over most data: `gamma m1^(-b) = a`.
            Form::SmoothFloor => {
                let m1 = 1e6 * m_min;
                vec![m1, b, a * m1.powf(b)]
            }
            // The break at the smallest size with no change of exponent: the line.
            Form::BrokenPower => vec![a, b, 0.0, m_min, 0.0],
            // The logistic knee (kappa = 1) at the smallest size, where u = 1/2.
            Form::Sigmoid => vec![
                2.0 * a * m_min.powf(b),
                m_min,
                b,
                (0.5 * y_min).max(0.0),
                1.0,
            ],
        }
    }

    /// The model's value at `m` (`ln_m` its log) and its gradient with respect to the
    /// fitter's coordinates: natural values, except the knee's entry, which is with
    /// respect to `ln m0` (so that the knee can move over decades with a well-scaled
    /// step). Entries past [`Form::n_params`] are unspecified.
    pub(crate) fn value_grad(
        self,
        p: &[f64; MAX_PARAMS],
        m: f64,
        ln_m: f64,
        grad: &mut [f64; MAX_PARAMS],
    ) -> f64 {
        match self {
            Form::Power | Form::PowerFloor => {
                let (a, b) = (p[0], p[1]);
                let t = (b * ln_m).exp();
                grad[0] = t;
                grad[1] = a * t * ln_m;
                grad[2] = 1.0;
                a * t + if self == Form::PowerFloor { p[2] } else { 0.0 }
            }
            Form::ThreeRegion => {
                let (e0, m0, b, g) = (p[0], p[1], p[2], p[3]);
                let q = m / m0;
                let l = q.ln_1p();
                let f = (b * l).exp();
                let d = e0 - g;
                grad[0] = f;
                grad[1] = -d * b * f * q / (1.0 + q);
                grad[2] = d * f * l;
                grad[3] = 1.0 - f;
                g + d * f
            }
            Form::SmoothFloor => {
                let (m1, b, g) = (p[0], p[1], p[2]);
                let q = m1 / m;
                let l = q.ln_1p();
                let f = (-b * l).exp();
                grad[0] = -g * b * f * q / (1.0 + q);
                grad[1] = -g * f * l;
                grad[2] = f;
                g * f
            }
            Form::BrokenPower => {
                let (a, b, g, ln_mb, d) = (p[0], p[1], p[2], p[3].ln(), p[4]);
                let (tb, s, l) = break_point(b, d, ln_m, ln_mb);
                grad[0] = tb;
                grad[1] = a * tb * ln_m;
                grad[2] = 1.0;
                grad[3] = -a * tb * d * s;
                grad[4] = a * tb * BREAK_SMOOTHNESS * l;
                a * tb + g
            }
            Form::Sigmoid => {
                let (e0, ln_m0, b, g, k) = (p[0], p[1].ln(), p[2], p[3], p[4]);
                let x = ln_m - ln_m0;
                let (u, w, sp) = sigmoid_point(b * x, k);
                let d = e0 - g;
                grad[0] = u;
                grad[1] = -d * w * b;
                grad[2] = d * w * x;
                grad[3] = 1.0 - u;
                grad[4] = -d * w * sp;
                g + d * u
            }
        }
    }

    /// [`Form::value_grad`]'s values at every point into `values` (as long as `m`), in
    /// passes: each library call (`exp`, `ln_1p`) in a loop of its own, the rest in
    /// loops the compiler vectorizes. The same operations on the same values as
    /// `value_grad`, so the same bits (tested in `fit::problem`). `passes` keeps what
    /// [`Form::gradient_column`] reuses.
    pub(crate) fn values(
        self,
        p: &[f64; MAX_PARAMS],
        m: &[f64],
        ln_m: &[f64],
        passes: &mut Passes,
        values: &mut [f64],
    ) {
        let buf = &mut passes.buf;
        buf.clear();
        match self {
            Form::Power | Form::PowerFloor => {
                let (a, b) = (p[0], p[1]);
                let c = if self == Form::PowerFloor { p[2] } else { 0.0 };
                buf.extend(ln_m.iter().map(|&x| (b * x).exp()));
                for (v, &t) in values.iter_mut().zip(buf.iter()) {
                    *v = a * t + c;
                }
            }
            Form::ThreeRegion => {
                let (e0, m0, b, g) = (p[0], p[1], p[2], p[3]);
                let d = e0 - g;
                let f = knee_passes(buf, m, |m| m / m0, b);
                for (v, &f) in values.iter_mut().zip(f) {
                    *v = g + d * f;
                }
            }
            Form::SmoothFloor => {
                let (m1, b, g) = (p[0], p[1], p[2]);
                let f = knee_passes(buf, m, |m| m1 / m, -b);
                for (v, &f) in values.iter_mut().zip(f) {
                    *v = g * f;
                }
            }
            Form::BrokenPower => {
                let (a, b, g, ln_mb, d) = (p[0], p[1], p[2], p[3].ln(), p[4]);
                // Per point `tb`, `s`, `l` of `break_point`, the same calls in the
                // same order: the same bits as `value_grad`.
                let n = m.len();
                buf.resize(3 * n, 0.0);
                let (tb, rest) = buf.split_at_mut(n);
                let (s, l) = rest.split_at_mut(n);
                for (i, &x) in ln_m.iter().enumerate().take(n) {
                    (tb[i], s[i], l[i]) = break_point(b, d, x, ln_mb);
                }
                for (v, &tb) in values.iter_mut().zip(tb.iter()) {
                    *v = a * tb + g;
                }
            }
            Form::Sigmoid => {
                let (e0, ln_m0, b, g, k) = (p[0], p[1].ln(), p[2], p[3], p[4]);
                let d = e0 - g;
                // Per point `u`, `w`, `sp` of `sigmoid_point`: the same bits as
                // `value_grad`.
                let n = m.len();
                buf.resize(3 * n, 0.0);
                let (u, rest) = buf.split_at_mut(n);
                let (w, sp) = rest.split_at_mut(n);
                for (i, &x) in ln_m.iter().enumerate().take(n) {
                    (u[i], w[i], sp[i]) = sigmoid_point(b * (x - ln_m0), k);
                }
                for (v, &u) in values.iter_mut().zip(u.iter()) {
                    *v = g + d * u;
                }
            }
        }
    }

    /// Column `j` of the gradient (as [`Form::value_grad`]'s entry `j`) at every point,
    /// times `chain` (the polish's chain-rule factor, if any) and `scale[i]` (the
    /// loss's), into `out`. Reads what [`Form::values`] left in `passes` at the same
    /// `p`; the same operations as `value_grad` and the factors applied in that order,
    /// so the same bits.
    #[allow(clippy::too_many_arguments)] // reason: one column of one batched pass
    pub(crate) fn gradient_column(
        self,
        p: &[f64; MAX_PARAMS],
        j: usize,
        ln_m: &[f64],
        passes: &Passes,
        chain: Option<f64>,
        scale: &[f64],
        out: &mut [f64],
    ) {
        let c = chain.unwrap_or(1.0);
        let scaled = |grad: f64| if chain.is_some() { grad * c } else { grad };
        let n = out.len();
        let points = out.iter_mut().zip(scale);
        match self {
            Form::Power | Form::PowerFloor => {
                let (a, t) = (p[0], &passes.buf[..n]);
                match j {
                    0 => points.zip(t).for_each(|((o, &s), &t)| *o = scaled(t) * s),
                    1 => {
                        for (((o, &s), &t), &x) in points.zip(t).zip(ln_m) {
                            *o = scaled(a * t * x) * s;
                        }
                    }
                    _ => points.for_each(|(o, &s)| *o = scaled(1.0) * s),
                }
            }
            Form::ThreeRegion => {
                let (e0, b, g) = (p[0], p[2], p[3]);
                let d = e0 - g;
                let (q, rest) = passes.buf.split_at(n);
                let (l, f) = rest.split_at(n);
                let points = points.zip(f);
                match j {
                    0 => points.for_each(|((o, &s), &f)| *o = scaled(f) * s),
                    1 => {
                        for (((o, &s), &f), &q) in points.zip(q) {
                            *o = scaled(-d * b * f * q / (1.0 + q)) * s;
                        }
                    }
                    2 => {
                        for (((o, &s), &f), &l) in points.zip(l) {
                            *o = scaled(d * f * l) * s;
                        }
                    }
                    _ => points.for_each(|((o, &s), &f)| *o = scaled(1.0 - f) * s),
                }
            }
            Form::SmoothFloor => {
                let (b, g) = (p[1], p[2]);
                let (q, rest) = passes.buf.split_at(n);
                let (l, f) = rest.split_at(n);
                let points = points.zip(f);
                match j {
                    0 => {
                        for (((o, &s), &f), &q) in points.zip(q) {
                            *o = scaled(-g * b * f * q / (1.0 + q)) * s;
                        }
                    }
                    1 => {
                        for (((o, &s), &f), &l) in points.zip(l) {
                            *o = scaled(-g * f * l) * s;
                        }
                    }
                    _ => points.for_each(|((o, &s), &f)| *o = scaled(f) * s),
                }
            }
            Form::BrokenPower => {
                let (a, d) = (p[0], p[4]);
                let (tb, rest) = passes.buf.split_at(n);
                let (sg, l) = rest.split_at(n);
                let points = points.zip(tb);
                match j {
                    0 => points.for_each(|((o, &s), &tb)| *o = scaled(tb) * s),
                    1 => {
                        for (((o, &s), &tb), &x) in points.zip(ln_m) {
                            *o = scaled(a * tb * x) * s;
                        }
                    }
                    2 => points.for_each(|((o, &s), _)| *o = scaled(1.0) * s),
                    3 => {
                        for (((o, &s), &tb), &sg) in points.zip(sg) {
                            *o = scaled(-a * tb * d * sg) * s;
                        }
                    }
                    _ => {
                        for (((o, &s), &tb), &l) in points.zip(l) {
                            *o = scaled(a * tb * BREAK_SMOOTHNESS * l) * s;
                        }
                    }
                }
            }
            Form::Sigmoid => {
                let (e0, ln_m0, b, g) = (p[0], p[1].ln(), p[2], p[3]);
                let d = e0 - g;
                let (u, rest) = passes.buf.split_at(n);
                let (w, sp) = rest.split_at(n);
                match j {
                    0 => points.zip(u).for_each(|((o, &s), &u)| *o = scaled(u) * s),
                    1 => {
                        for ((o, &s), &w) in points.zip(w) {
                            *o = scaled(-d * w * b) * s;
                        }
                    }
                    2 => {
                        for (((o, &s), &w), &x) in points.zip(w).zip(ln_m) {
                            *o = scaled(d * w * (x - ln_m0)) * s;
                        }
                    }
                    3 => points
                        .zip(u)
                        .for_each(|((o, &s), &u)| *o = scaled(1.0 - u) * s),
                    _ => {
                        for (((o, &s), &w), &sp) in points.zip(w).zip(sp) {
                            *o = scaled(-d * w * sp) * s;
                        }
                    }
                }
            }
        }
    }
}

/// The broken power law at one point, from `ln m` and `ln mb`: `tb = m^beta_g (1 +
/// (m/mb)^(1/f))^(delta_g f)` (the model is `alpha tb + gamma`), the logistic `s` and
/// the softplus `l` of `u = ln(m/mb)/f` that its gradient reads.
#[inline]
fn break_point(b: f64, d: f64, ln_m: f64, ln_mb: f64) -> (f64, f64, f64) {
    let l = break_softplus(ln_m, ln_mb);
    let s = break_logistic(ln_m, ln_mb);
    let tb = (b * ln_m + d * BREAK_SMOOTHNESS * l).exp();
    (tb, s, l)
}

/// The passes of a form with a knee, into `buf` (three slices of `m.len()`, which
/// [`Form::gradient_column`] reads back): `q = ratio(m)`, `l = ln(1 + q)` and
/// `f = exp(exponent * l)`, each in a loop of its own; returns `f`.
fn knee_passes<'a>(
    buf: &'a mut Vec<f64>,
    m: &[f64],
    ratio: impl Fn(f64) -> f64,
    exponent: f64,
) -> &'a [f64] {
    let n = m.len();
    buf.resize(3 * n, 0.0);
    let (q, rest) = buf.split_at_mut(n);
    let (l, f) = rest.split_at_mut(n);
    for (q, &m) in q.iter_mut().zip(m) {
        *q = ratio(m);
    }
    for (l, &q) in l.iter_mut().zip(q.iter()) {
        *l = q.ln_1p();
    }
    for (f, &l) in f.iter_mut().zip(l.iter()) {
        *f = (exponent * l).exp();
    }
    f
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for f in Form::ALL {
            assert_eq!(Form::from_id(f.id()), Some(f));
            assert_eq!(ModelChoice::from_id(f.id()), Some(ModelChoice::Form(f)));
        }
        assert_eq!(ModelChoice::from_id("auto"), Some(ModelChoice::Auto));
        assert_eq!(Form::from_id("powerlaw"), None);
        for l in Loss::ALL {
            assert_eq!(Loss::from_id(l.id()), Some(l));
        }
    }

    #[test]
    fn solve_inverts_eval() {
        let cases: [(Form, &[f64]); 8] = [
            (Form::Sigmoid, &[0.9, 1e4, -0.4, 0.1, 0.5]),
            (Form::Sigmoid, &[0.9, 1e4, -0.4, 0.1, 3.0]),
            (Form::Power, &[3.87, -0.128]),
            (Form::PowerFloor, &[41.2, -0.36, 0.39]),
            (Form::ThreeRegion, &[0.9, 1e4, -0.4, 0.1]),
            (Form::SmoothFloor, &[3e6, -0.35, 0.05]),
            (Form::BrokenPower, &[4.0, -0.45, 0.03, 1e5, 0.3]),
            (Form::BrokenPower, &[4.0, -0.2, 0.0, 1e5, -0.4]),
        ];
        for (form, p) in cases {
            for m in [10.0, 1e5, 3e8] {
                let y = form.eval(p, m);
                let back = form.solve_m(p, y).unwrap();
                assert!((back / m - 1.0).abs() < 1e-9, "{form:?} {m} {back}");
            }
        }
        assert_eq!(Form::PowerFloor.solve_m(&[41.2, -0.36, 0.39], 0.39), None);
        assert_eq!(Form::PowerFloor.solve_m(&[41.2, -0.36, 0.39], 0.2), None);
    }

    #[test]
    fn sigmoid_point_solves_its_equation_with_its_derivatives() {
        for k in [1e-12, 1e-3, 0.1, 0.5, 1.0, 2.0, 10.0, 1e3] {
            for lt in [-700.0, -40.0, -3.0, -0.2, 0.0, 0.2, 3.0, 40.0, 700.0] {
                let (u, w, sp) = sigmoid_point(lt, k);
                assert!((0.0..=1.0).contains(&u), "{k} {lt}: {u}");
                let k_eff = f64::max(k, KAPPA_MIN);
                // The equation, where both sides have their digits.
                if u > 1e-300 && u < 1.0 - 1e-15 {
                    let h = u.ln() + k_eff * sp;
                    assert!((h - lt).abs() <= 1e-9 * (1.0 + lt.abs()), "{k} {lt}: {h}");
                }
                // du/dlt against a central difference (not below kappa = 1e-3, where
                // the knee is sharper than any usable step).
                if k < 1e-3 {
                    continue;
                }
                let e = 1e-6;
                let num = (sigmoid_point(lt + e, k).0 - sigmoid_point(lt - e, k).0) / (2.0 * e);
                assert!(
                    (num - w).abs() <= 1e-6 * w.abs() + 1e-9,
                    "{k} {lt}: {num} {w}"
                );
            }
        }
        // kappa = 1 is the logistic.
        for lt in [-5.0, -0.5, 0.0, 1.5, 8.0] {
            let (u, _, _) = sigmoid_point(lt, 1.0);
            assert!((u - 1.0 / (1.0 + f64::exp(-lt))).abs() < 1e-15);
        }
        assert!(sigmoid_point(f64::NAN, 1.0).0.is_nan());
        assert_eq!(sigmoid_point(f64::INFINITY, 1.0).0, 1.0);
        assert_eq!(sigmoid_point(f64::NEG_INFINITY, 1.0).0, 0.0);
        assert!(sigmoid_point(1.0, f64::INFINITY).0.is_nan());
        // The grid's warm-started solve agrees, along a row of nodes and afresh.
        for k in [1e-12, 0.1, 1.0, 7.0, 50.0] {
            let mut z = f64::NAN;
            for i in 0..=400 {
                let lt = -60.0 + 0.3 * f64::from(i);
                let u = sigmoid_u_from(lt, k, &mut z);
                let want = sigmoid_point(lt, k).0;
                assert!(
                    (u - want).abs() <= 1e-10 * want.max(1e-300),
                    "{k} {lt}: {u} {want}"
                );
                let mut fresh = f64::NAN;
                let u = sigmoid_u_from(lt, k, &mut fresh);
                assert!(
                    (u - want).abs() <= 1e-10 * want.max(1e-300),
                    "{k} {lt}: {u} {want}"
                );
            }
        }
    }

    #[test]
    fn serde_ids_match() {
        let s = serde_json::to_string(&ModelChoice::Form(Form::ThreeRegion)).unwrap();
        assert_eq!(s, "\"three-region\"");
        let m: ModelChoice = serde_json::from_str("\"auto\"").unwrap();
        assert_eq!(m, ModelChoice::Auto);
        for f in Form::ALL {
            let json = serde_json::to_string(&ModelChoice::Form(f)).unwrap();
            assert_eq!(json, serde_json::to_string(&f).unwrap());
            assert_eq!(
                serde_json::from_str::<ModelChoice>(&json).unwrap(),
                ModelChoice::Form(f)
            );
        }
        fn round_trip<T>(v: T, id: &str)
        where
            T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
        {
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{id}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
        }
        use crate::parse::{Metric, Scale};
        for l in Loss::ALL {
            round_trip(l, l.id());
        }
        for m in [Metric::Error, Metric::Accuracy] {
            round_trip(m, m.id());
        }
        for (v, id) in [
            (Scale::Auto, "auto"),
            (Scale::Fraction, "fraction"),
            (Scale::Percent, "percent"),
        ] {
            round_trip(v, id);
        }
        let err = serde_json::from_str::<Scale>("\"ratio\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown variant `ratio`, expected one of `auto`, `fraction`, `percent`"),
            "{err}"
        );
        // An escaped id is still the id.
        assert_eq!(
            serde_json::from_str::<Loss>("\"l\\u0069near\"").unwrap(),
            Loss::Linear
        );
        let err = serde_json::from_str::<ModelChoice>("\"powerlaw\"").unwrap_err();
        assert!(
            err.to_string().contains("unknown variant `powerlaw`"),
            "{err}"
        );
        assert!(serde_json::from_str::<ModelChoice>("3").is_err());
    }
}
