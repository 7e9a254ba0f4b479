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
}

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
    "smooth-floor"
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
pub const PARAMS: [ParamInfo; 8] = [
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
    pub const ALL: [Form; 4] = [
        Form::Power,
        Form::PowerFloor,
        Form::ThreeRegion,
        Form::SmoothFloor,
    ];

    /// The id used by the CLI, the `#model` select and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            Form::Power => "power",
            Form::PowerFloor => "power-floor",
            Form::ThreeRegion => "three-region",
            Form::SmoothFloor => "smooth-floor",
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
        }
    }
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
/// [`Form::param_names`]; parameter vectors inside the fitter are `[f64; 4]`.
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
    }),
    log_linear: false,
    relative_grid: false,
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
    }),
    log_linear: false,
    relative_grid: true,
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
            Form::Power | Form::PowerFloor => ln_m,
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
        }
    }

    /// The model's value at `m` (`ln_m` its log) and its gradient with respect to the
    /// fitter's coordinates: natural values, except the knee's entry, which is with
    /// respect to `ln m0` (so that the knee can move over decades with a well-scaled
    /// step). Entries past [`Form::n_params`] are unspecified.
    pub(crate) fn value_grad(self, p: &[f64; 4], m: f64, ln_m: f64, grad: &mut [f64; 4]) -> f64 {
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
        }
    }

    /// [`Form::value_grad`]'s values at every point into `values` (as long as `m`), in
    /// passes: each library call (`exp`, `ln_1p`) in a loop of its own, the rest in
    /// loops the compiler vectorizes. The same operations on the same values as
    /// `value_grad`, so the same bits (tested in `fit::problem`). `passes` keeps what
    /// [`Form::gradient_column`] reuses.
    pub(crate) fn values(
        self,
        p: &[f64; 4],
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
        p: &[f64; 4],
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
        }
    }
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
        let cases: [(Form, &[f64]); 4] = [
            (Form::Power, &[3.87, -0.128]),
            (Form::PowerFloor, &[41.2, -0.36, 0.39]),
            (Form::ThreeRegion, &[0.9, 1e4, -0.4, 0.1]),
            (Form::SmoothFloor, &[3e6, -0.35, 0.05]),
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
