//! Least-squares fits of one learning-curve form, built to reach the global minimum.
//!
//! Strategy (why, not just what): every form is linear in some parameters once its
//! exponent (and for `three-region` its knee `m0`) is fixed. So we scan a grid over the
//! nonlinear parameters, solve the linear ones in closed form at each grid node
//! (variable projection; for `log` loss a weighted linear solve approximates the
//! relative residual), keep the lowest local minima of that profile, and polish each
//! with Levenberg-Marquardt on the exact objective over all free parameters (the best
//! grid minimum first; the others on a short budget, see `polish_starts`). The pure
//! power law with `log` loss is a straight line in log-log space and is solved exactly.
//! The floor `gamma` is bounded below by 0: a polish that leaves the bound is redone
//! with `gamma` held at 0 and the fit reports the floor as pinned.

use std::cell::Cell;

use levenberg_marquardt::{LeastSquaresProblem, LevenbergMarquardt, TerminationReason};
use nalgebra::allocator::Allocator;
use nalgebra::{DVector, DefaultAllocator, Dim, Dyn, OMatrix, OVector, Owned, U1};
use serde::Serialize;

use crate::model::{Form, Loss};

/// Options of one fit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FitOptions {
    /// Residual convention; default [`Loss::Log`].
    pub loss: Loss,
    /// Parameters held at a value, by name (`"gamma"`, `"beta_g"`, ...). Default none.
    pub fixed: Vec<(String, f64)>,
}

/// Why a fit could not be made. Carries the offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// Fewer points than free parameters + 1.
    #[error("{form} needs at least {need} points with distinct sizes, got {got}")]
    TooFewPoints {
        /// Form id.
        form: &'static str,
        /// Points needed.
        need: usize,
        /// Distinct sizes given.
        got: usize,
    },
    /// `m` and `y` differ in length.
    #[error("sizes and errors differ in length ({m} vs {y})")]
    LengthMismatch {
        /// Length of `m`.
        m: usize,
        /// Length of `y`.
        y: usize,
    },
    /// A size or error is not usable (non-finite, size <= 0, error <= 0 with log loss).
    #[error("point {index} (m = {m}, error = {y}) cannot be fitted: {why}")]
    BadPoint {
        /// 0-based index into the slices.
        index: usize,
        /// Its size.
        m: f64,
        /// Its error.
        y: f64,
        /// Reason.
        why: &'static str,
    },
    /// `fixed` names a parameter the form does not have, or a non-finite value.
    #[error("cannot fix {name} = {value}: {why}")]
    BadFixed {
        /// Name given.
        name: String,
        /// Value given.
        value: f64,
        /// Reason.
        why: String,
    },
    /// No start converged to a finite objective.
    #[error("the {form} fit did not converge from any start")]
    NoConvergence {
        /// Form id.
        form: &'static str,
    },
}

/// A converged fit. Parameters are natural values in [`Form::param_names`] order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// The form fitted.
    pub form: Form,
    /// The loss used.
    pub loss: Loss,
    /// Parameter values, in [`Form::param_names`] order.
    pub params: Vec<f64>,
    /// `true` where the parameter was held (by the user or by the `gamma >= 0` bound).
    pub held: Vec<bool>,
    /// Names of parameters held by the user.
    pub user_fixed: Vec<String>,
    /// `true` when `gamma` ended on its bound 0 (held there by the fitter).
    pub floor_at_bound: bool,
    /// Sum of squared residuals at the optimum.
    pub ssr: f64,
    /// Number of points fitted.
    pub n: usize,
    /// Number of free parameters.
    pub k: usize,
    /// Corrected Akaike information criterion, `n ln(SSR/n) + 2k + 2k(k+1)/(n-k-1)`;
    /// `+inf` when `n <= k + 1`. SSR is floored at `n * 1e-24` so exact data does not
    /// give `-inf` and ties go to the simpler form.
    pub aicc: f64,
    /// Correlation matrix of the free parameters from the Gauss-Newton Hessian
    /// (rows in free-parameter order), empty if singular.
    pub correlation: Vec<Vec<f64>>,
    /// Whether Levenberg-Marquardt met its convergence test at the chosen optimum.
    pub converged: bool,
}

impl Fit {
    /// Value of a named parameter.
    pub fn param(&self, name: &str) -> Option<f64> {
        self.form
            .param_index(name)
            .and_then(|i| self.params.get(i).copied())
    }

    /// Model value at `m`.
    pub fn eval(&self, m: f64) -> f64 {
        self.form.eval(&self.params, m)
    }

    /// Names of the free parameters, in the order of [`Fit::correlation`].
    pub fn free_names(&self) -> Vec<&'static str> {
        self.form
            .param_names()
            .iter()
            .zip(&self.held)
            .filter(|(_, h)| !**h)
            .map(|(n, _)| *n)
            .collect()
    }

    /// The largest absolute correlation between two free parameters, with their names.
    pub fn max_correlation(&self) -> Option<(&'static str, &'static str, f64)> {
        let names = self.free_names();
        let mut best: Option<(&'static str, &'static str, f64)> = None;
        for (i, row) in self.correlation.iter().enumerate() {
            for (j, &c) in row.iter().enumerate().skip(i + 1) {
                if best.is_none_or(|b| c.abs() > b.2.abs()) {
                    if let (Some(a), Some(b)) = (names.get(i), names.get(j)) {
                        best = Some((a, b, c));
                    }
                }
            }
        }
        best
    }
}

/// Points prepared once per fit: logs computed, validated.
#[derive(Debug, Clone)]
pub(crate) struct Data {
    pub m: Vec<f64>,
    pub y: Vec<f64>,
    pub ln_m: Vec<f64>,
    pub ln_y: Vec<f64>,
    pub ln_m_min: f64,
}

impl Data {
    pub(crate) fn new(m: &[f64], y: &[f64], loss: Loss) -> Result<Data, FitError> {
        if m.len() != y.len() {
            return Err(FitError::LengthMismatch {
                m: m.len(),
                y: y.len(),
            });
        }
        for (index, (&mi, &yi)) in m.iter().zip(y).enumerate() {
            let why = if !mi.is_finite() || !yi.is_finite() {
                Some("not finite")
            } else if mi <= 0.0 {
                Some("size must be > 0")
            } else if loss == Loss::Log && yi <= 0.0 {
                Some("error must be > 0 with log loss")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(FitError::BadPoint {
                    index,
                    m: mi,
                    y: yi,
                    why,
                });
            }
        }
        let ln_y = if loss == Loss::Log {
            y.iter().map(|v| v.ln()).collect()
        } else {
            Vec::new()
        };
        let ln_m: Vec<f64> = m.iter().map(|v| v.ln()).collect();
        let ln_m_min = ln_m.iter().copied().fold(f64::INFINITY, f64::min);
        Ok(Data {
            m: m.to_vec(),
            y: y.to_vec(),
            ln_m,
            ln_y,
            ln_m_min,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.m.len()
    }

    fn distinct_sizes(&self) -> usize {
        let mut s = self.m.clone();
        s.sort_by(f64::total_cmp);
        s.dedup();
        s.len()
    }
}

/// Model value and gradient with respect to the internal parameters. Internally
/// `three-region` uses `ln m0` so that the knee can move over decades with a
/// well-scaled step; everything else is natural.
fn value_grad(form: Form, p: &[f64; 4], m: f64, ln_m: f64, grad: &mut [f64; 4]) -> f64 {
    match form {
        Form::Power | Form::PowerFloor => {
            let (a, b) = (p[0], p[1]);
            let t = (b * ln_m).exp();
            grad[0] = t;
            grad[1] = a * t * ln_m;
            grad[2] = 1.0;
            a * t + if form == Form::PowerFloor { p[2] } else { 0.0 }
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
    }
}

/// Residual of one point; a non-positive model under `log` loss (outside the domain)
/// gets a huge finite residual so that Levenberg-Marquardt rejects the step instead
/// of stopping on a NaN.
fn residual(loss: Loss, value: f64, y: f64, ln_y: f64) -> f64 {
    match loss {
        Loss::Linear => {
            if value.is_finite() {
                value - y
            } else {
                1e150
            }
        }
        Loss::Log => {
            if value > 0.0 && value.is_finite() {
                value.ln() - ln_y
            } else {
                1e150
            }
        }
    }
}

/// Levenberg-Marquardt problem over the free internal parameters, `N` of them.
///
/// `N` is the parameter dimension as the `levenberg-marquardt` crate sees it: natively
/// a static `U1`..`U4` (see [`minimize_static`]), so that the crate's per-step work
/// on `n`-sized data (the QR's column norms, diagonal and permutation, the
/// trust-region solves, the parameter vectors) lives on the stack instead of in a
/// dozen small heap vectors per step: about 5 % more three-region fits per second
/// (`tr_prof`) than `Dyn`. The web build keeps `Dyn`, a single instantiation.
struct Problem<'a, N: Dim> {
    form: Form,
    loss: Loss,
    data: &'a Data,
    /// Internal full parameter vector (`ln m0` at index 1 for three-region; `sqrt
    /// gamma` at the floor's index when `squared_floor`).
    full: [f64; 4],
    /// The free parameters' indices into `full`; `dim` of them.
    free: &'a [usize],
    /// The number of free parameters, as the crate's dimension type.
    dim: N,
    /// Search over `v` with `gamma = v^2`, so every step stays feasible (`gamma >= 0`).
    squared_floor: bool,
    /// For three-region, `ln m0 = knee_min + w^2` with `w` at index 1: the knee stays
    /// at most two decades below the smallest size. Further down the curve is
    /// power-floor to within |beta_g|/100 over the data, and the fit would crawl along
    /// that flat valley for ever.
    knee_min: Option<f64>,
    /// The Jacobian computed beside the last residuals, and the point it belongs to.
    jacobian_cache: Cell<Option<JacobianAt<N>>>,
    /// See [`Run::known`].
    known: &'a [Local],
    /// The index into `known` of the optimum this polish reached, if it did.
    merged: Cell<Option<usize>>,
    /// Working memory of [`Problem::evaluate_three_region`], kept between evaluations.
    scratch: Cell<Vec<f64>>,
}

/// A Jacobian and the internal parameters it was computed at.
type JacobianAt<N> = ([f64; 4], OMatrix<f64, Dyn, N>);

impl<N: Dim> Problem<'_, N>
where
    DefaultAllocator: Allocator<Dyn> + Allocator<Dyn, N>,
{
    fn natural(&self) -> [f64; 4] {
        let mut p = self.full;
        if self.form == Form::ThreeRegion {
            p[1] = match self.knee_min {
                Some(lo) => (lo + p[1] * p[1]).exp(),
                None => p[1].exp(),
            };
        }
        if let (true, Some(gi)) = (self.squared_floor, self.form.gamma_index()) {
            p[gi] = p[gi] * p[gi];
        }
        p
    }

    /// Residuals and their Jacobian over the free internal parameters.
    fn evaluate(&self) -> (DVector<f64>, OMatrix<f64, Dyn, N>) {
        match self.form {
            Form::ThreeRegion => self.evaluate_three_region(),
            Form::Power | Form::PowerFloor => self.evaluate_points(),
        }
    }

    /// [`Problem::evaluate`] point by point: the exponentials and logarithms of
    /// `value_grad` serve both the residual and the Jacobian's row.
    fn evaluate_points(&self) -> (DVector<f64>, OMatrix<f64, Dyn, N>) {
        let p = self.natural();
        let d = self.data;
        let mut res = DVector::zeros(d.len());
        let mut jac = OMatrix::<f64, Dyn, N>::zeros_generic(Dyn(d.len()), self.dim);
        let mut g = [0.0; 4];
        let chain_floor = self
            .form
            .gamma_index()
            .filter(|_| self.squared_floor)
            .map(|gi| (gi, 2.0 * self.full[gi]));
        let chain_knee = self.knee_min.map(|_| 2.0 * self.full[1]);
        for i in 0..d.len() {
            let v = value_grad(self.form, &p, d.m[i], d.ln_m[i], &mut g);
            let ln_y = d.ln_y.get(i).copied().unwrap_or(0.0);
            res[i] = residual(self.loss, v, d.y[i], ln_y);
            let scale = match self.loss {
                Loss::Linear => 1.0,
                Loss::Log => 1.0 / v,
            };
            if let Some((gi, c)) = chain_floor {
                g[gi] *= c;
            }
            if let Some(c) = chain_knee {
                g[1] *= c;
            }
            for (k, &j) in self.free.iter().enumerate() {
                jac[(i, k)] = g[j] * scale;
            }
        }
        (res, jac)
    }

    /// [`Problem::evaluate_points`] for `three-region`: the same operations on the same
    /// values (so the same bits, tested: `value_grad` and `residual`, the chain rule's
    /// factors, the loss's scale), in passes over the points. The library calls
    /// (`ln_1p`, `exp`, `ln`) each run in a loop of their own, and the rest (three
    /// divisions a point among it) in loops the compiler vectorizes, the Jacobian a
    /// column at a time. 11 % more three-region fits per second (`tr_prof`) than point
    /// by point.
    fn evaluate_three_region(&self) -> (DVector<f64>, OMatrix<f64, Dyn, N>) {
        let [e0, m0, b, g] = self.natural();
        let d = e0 - g;
        let data = self.data;
        let n = data.len();
        if n == 0 {
            // No points, no passes (`chunks_exact_mut(0)` below would panic).
            return self.evaluate_points();
        }
        let mut scratch = self.scratch.take();
        scratch.clear();
        scratch.resize(4 * n, 0.0);
        let (q, rest) = scratch.split_at_mut(n);
        let (l, rest) = rest.split_at_mut(n);
        let (f, scale) = rest.split_at_mut(n);
        for (q, &m) in q.iter_mut().zip(&data.m) {
            *q = m / m0;
        }
        for (l, &q) in l.iter_mut().zip(q.iter()) {
            *l = q.ln_1p();
        }
        for (f, &l) in f.iter_mut().zip(l.iter()) {
            *f = (b * l).exp();
        }
        let mut res = DVector::zeros(n);
        for (i, (r, &f)) in res.iter_mut().zip(f.iter()).enumerate() {
            let v = g + d * f;
            let ln_y = data.ln_y.get(i).copied().unwrap_or(0.0);
            *r = residual(self.loss, v, data.y[i], ln_y);
        }
        for (s, &f) in scale.iter_mut().zip(f.iter()) {
            *s = match self.loss {
                Loss::Linear => 1.0,
                Loss::Log => 1.0 / (g + d * f),
            };
        }
        let chain_floor = self.squared_floor.then(|| 2.0 * self.full[3]);
        let chain_knee = self.knee_min.map(|_| 2.0 * self.full[1]);
        let mut jac = OMatrix::<f64, Dyn, N>::zeros_generic(Dyn(n), self.dim);
        // Column-major storage: column `k` is the `k`-th run of `n` entries.
        for (col, &j) in jac.as_mut_slice().chunks_exact_mut(n).zip(self.free) {
            let points = col.iter_mut().zip(scale.iter()).zip(f.iter());
            match j {
                0 => {
                    for ((c, &s), &f) in points {
                        *c = f * s;
                    }
                }
                1 => {
                    let chain = chain_knee.unwrap_or(1.0);
                    for (((c, &s), &f), &q) in points.zip(q.iter()) {
                        let grad = -d * b * f * q / (1.0 + q);
                        *c = if chain_knee.is_some() {
                            grad * chain
                        } else {
                            grad
                        } * s;
                    }
                }
                2 => {
                    for (((c, &s), &f), &l) in points.zip(l.iter()) {
                        *c = d * f * l * s;
                    }
                }
                _ => {
                    let chain = chain_floor.unwrap_or(1.0);
                    for ((c, &s), &f) in points {
                        let grad = 1.0 - f;
                        *c = if chain_floor.is_some() {
                            grad * chain
                        } else {
                            grad
                        } * s;
                    }
                }
            }
        }
        self.scratch.set(scratch);
        (res, jac)
    }
}

impl<'a> Problem<'a, Dyn> {
    /// The plain problem over the free parameters `free` (indices into `full`): the
    /// floor and the knee searched as themselves, no known optima, nothing cached yet.
    fn new(form: Form, loss: Loss, data: &'a Data, full: [f64; 4], free: &'a [usize]) -> Self {
        Problem {
            form,
            loss,
            data,
            full,
            free,
            dim: Dyn(free.len()),
            squared_floor: false,
            knee_min: None,
            jacobian_cache: Cell::new(None),
            known: &[],
            merged: Cell::new(None),
            scratch: Cell::new(Vec::new()),
        }
    }

    /// The same problem over the parameter dimension `dim`, of the same size.
    #[cfg(not(target_arch = "wasm32"))]
    fn with_dim<N: Dim>(self, dim: N) -> Problem<'a, N> {
        Problem {
            form: self.form,
            loss: self.loss,
            data: self.data,
            full: self.full,
            free: self.free,
            dim,
            squared_floor: self.squared_floor,
            knee_min: self.knee_min,
            jacobian_cache: Cell::new(None),
            known: self.known,
            merged: self.merged,
            scratch: self.scratch,
        }
    }
}

impl<N: Dim> LeastSquaresProblem<f64, Dyn, N> for Problem<'_, N>
where
    DefaultAllocator: Allocator<N> + Allocator<Dyn, N>,
{
    type ResidualStorage = Owned<f64, Dyn>;
    type JacobianStorage = Owned<f64, Dyn, N>;
    type ParameterStorage = Owned<f64, N>;

    fn set_params(&mut self, x: &OVector<f64, N>) {
        for (k, &i) in self.free.iter().enumerate() {
            if let Some(v) = x.get(k) {
                self.full[i] = *v;
            }
        }
    }

    fn params(&self) -> OVector<f64, N> {
        OVector::<f64, N>::from_iterator_generic(
            self.dim,
            U1,
            self.free.iter().map(|&i| self.full[i]),
        )
    }

    fn residuals(&self) -> Option<DVector<f64>> {
        if !self.known.is_empty() {
            let p = self.natural();
            let n = self.form.n_params();
            if let Some(i) = self
                .known
                .iter()
                .position(|k| within(&k.params, &p[..n], SAME_BASIN, 1e-300))
            {
                // Stops the minimisation; `polish_free` returns that optimum.
                self.merged.set(Some(i));
                return None;
            }
        }
        let (r, jac) = self.evaluate();
        self.jacobian_cache.set(Some((self.full, jac)));
        Some(r)
    }

    fn jacobian(&self) -> Option<OMatrix<f64, Dyn, N>> {
        // Levenberg-Marquardt asks for the Jacobian at the point whose residuals it
        // has just accepted: hand over the one computed beside them.
        match self.jacobian_cache.take() {
            Some((at, jac)) if at == self.full => Some(jac),
            _ => Some(self.evaluate().1),
        }
    }
}

/// Internal <-> natural conversion of a full parameter vector.
fn to_internal(form: Form, p: &[f64]) -> [f64; 4] {
    let mut out = [0.0; 4];
    for (o, v) in out.iter_mut().zip(p) {
        *o = *v;
    }
    if form == Form::ThreeRegion {
        out[1] = out[1].ln();
    }
    out
}

/// Result of one local polish.
#[derive(Debug, Clone)]
pub(crate) struct Local {
    pub params: Vec<f64>,
    pub ssr: f64,
    pub converged: bool,
    pub floor_at_bound: bool,
}

/// Which parameters are held and at what (natural) value.
#[derive(Debug, Clone)]
pub(crate) struct Holds {
    pub held: [bool; 4],
    pub values: [f64; 4],
}

impl Holds {
    pub(crate) fn from_options(form: Form, fixed: &[(String, f64)]) -> Result<Holds, FitError> {
        let mut h = Holds {
            held: [false; 4],
            values: [0.0; 4],
        };
        for (name, value) in fixed {
            let Some(i) = form.param_index(name) else {
                return Err(FitError::BadFixed {
                    name: name.clone(),
                    value: *value,
                    why: format!(
                        "{} has parameters {}",
                        form.id(),
                        form.param_names().join(", ")
                    ),
                });
            };
            let bad = if !value.is_finite() {
                Some("the value is not finite")
            } else if name == "m0" && *value <= 0.0 {
                Some("m0 must be > 0")
            } else if name == "gamma" && *value < 0.0 {
                Some("gamma must be >= 0")
            } else {
                None
            };
            if let Some(why) = bad {
                return Err(FitError::BadFixed {
                    name: name.clone(),
                    value: *value,
                    why: why.into(),
                });
            }
            h.held[i] = true;
            h.values[i] = *value;
        }
        Ok(h)
    }

    fn free(&self, form: Form) -> Vec<usize> {
        (0..form.n_params()).filter(|&i| !self.held[i]).collect()
    }

    fn apply(&self, p: &mut [f64]) {
        for (i, v) in p.iter_mut().enumerate() {
            if self.held.get(i).copied().unwrap_or(false) {
                *v = self.values[i];
            }
        }
    }
}

/// The polish's settings. Patience (evaluations per parameter) shrinks on large data:
/// a start near the optimum converges in a few steps whatever `n`, and only a
/// degenerate valley (a knee or floor the data cannot place) uses more, at `n`
/// residuals a step. The step tolerance `xtol = 1e-10` (relative, in the scaled
/// parameters) stops the polish where the SSR no longer changes: at `1e-15` it spent
/// its last three to five evaluations moving parameters in their tenth digit. On 600
/// seeded curves the two settings' parameters differ by at most 1.7e-9 relative and
/// their SSRs by 1.1e-13 (BENCHMARKS.md, "Search budget").
fn lm(n: usize, patience: Patience) -> LevenbergMarquardt<f64> {
    let full = (30_000 / n.max(1)).clamp(8, 30);
    LevenbergMarquardt::new()
        .with_ftol(1e-15)
        .with_xtol(1e-10)
        .with_gtol(1e-15)
        .with_patience(match patience {
            Patience::Full => full,
            Patience::Short => full.min(SHORT_PATIENCE),
        })
}

/// How a polish runs: how long, and which optima earlier starts found (see
/// [`polish_starts`]).
#[derive(Debug, Clone, Copy)]
struct Run<'a> {
    patience: Patience,
    /// Converged optima of earlier starts. A polish whose path comes within
    /// [`SAME_BASIN`] of one of them stops there and returns that optimum: it is in
    /// that basin, and would spend its last evaluations re-converging to it.
    known: &'a [Local],
}

impl Run<'_> {
    const FULL: Run<'static> = Run {
        patience: Patience::Full,
        known: &[],
    };
}

/// A short polish that ran out of patience with its SSR within this fraction above
/// the best converged optimum is continued at full patience: it may still be crawling
/// to a lower one (or down a valley whose infimum is lower). Spurious starts stand
/// at many times the best when their budget runs out.
const IN_CONTENTION: f64 = 0.25;

/// Relative distance (every natural parameter) at which a polish has reached a known
/// optimum; see [`Run::known`].
const SAME_BASIN: f64 = 1e-3;

/// How long a polish may run: [`Patience::Short`] for the search's later starts
/// (see [`polish_starts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Patience {
    Full,
    Short,
}

/// Evaluations per free parameter (times `free + 1`, the crate's unit) of a
/// [`Patience::Short`] polish: 20 for `three-region`. A later start in the best
/// optimum's basin reaches it ([`SAME_BASIN`]) in about 9 to 20 evaluations on the
/// reference curves, or runs out close to it and is continued ([`IN_CONTENTION`]);
/// what runs out far above it is a crawl down a valley that leads off to infinity
/// (`beta_g -> 0` with `eps0 - gamma` growing: the curve turning into a logarithm),
/// which at full patience (150 evaluations) cost three quarters of a `three-region`
/// fit. 3 was faster still but lost a lower unconverged optimum on 1 of 1,800 seeded
/// curves (BENCHMARKS.md, "Search budget").
const SHORT_PATIENCE: usize = 4;

/// Levenberg-Marquardt from `start` (natural values; held entries are overwritten).
///
/// The floor is searched as `gamma = v^2`, which keeps every step feasible, so an
/// interior optimum is found even when the unconstrained one has `gamma < 0`. When the
/// result ends near the bound, the fit is also redone with `gamma` held at 0 (where
/// `v^2` converges slowly) and the better of the two is kept.
pub(crate) fn polish(
    form: Form,
    loss: Loss,
    data: &Data,
    holds: &Holds,
    start: &[f64],
) -> Option<Local> {
    polish_with(form, loss, data, holds, start, Run::FULL)
}

fn polish_with(
    form: Form,
    loss: Loss,
    data: &Data,
    holds: &Holds,
    start: &[f64],
    run: Run<'_>,
) -> Option<Local> {
    if exact_line(form, loss, holds) {
        // Least squares on the log-log line is this problem's exact optimum, wherever
        // the polish would start.
        // On extreme data (sizes near 1e-119, errors near 1e295) `alpha` underflows to 0
        // and the line's curve leaves the domain: no fit (RELIABILITY.md, finding 12).
        let (a, b) = loglog_line(data)?;
        let params = vec![a, b];
        let s = ssr_in_domain(form, loss, data, &params)?;
        return Some(Local {
            params,
            ssr: s,
            converged: true,
            floor_at_bound: false,
        });
    }
    let mut p = start.to_vec();
    holds.apply(&mut p);
    let Some(gi) = form.gamma_index().filter(|&gi| !holds.held[gi]) else {
        return polish_free(form, loss, data, holds, &p, true, run);
    };
    let scale = data.y.iter().fold(0.0f64, |s, v| s.max(v.abs()));
    let mut inner = p.clone();
    if inner[gi] <= 0.0 {
        // v = 0 is a stationary point of v^2: start just inside the bound instead.
        inner[gi] = 1e-3 * scale;
    }
    let interior = polish_free(form, loss, data, holds, &inner, true, run);
    // At the bound, or stopped on its way there (`v^2` slows down near 0). A polish
    // that stopped with the floor well inside (above 5 % of the largest error) was
    // held up by another parameter (a knee in a flat valley), and pinning the floor
    // at 0 cannot help it.
    let near_bound = interior.as_ref().is_none_or(|l| {
        l.params[gi] <= 1e-6 * scale || (!l.converged && l.params[gi] <= 0.05 * scale)
    });
    if !near_bound {
        return interior;
    }
    let mut pinned = holds.clone();
    pinned.held[gi] = true;
    pinned.values[gi] = 0.0;
    let mut candidates = vec![interior];
    let mut from_start = p.clone();
    from_start[gi] = 0.0;
    candidates.push(
        polish_free(form, loss, data, &pinned, &from_start, true, run).map(|l| Local {
            floor_at_bound: true,
            ..l
        }),
    );
    if let Some(l) = candidates.first().and_then(|c| c.clone()) {
        let mut q = l.params;
        q[gi] = 0.0;
        candidates.push(
            polish_free(form, loss, data, &pinned, &q, true, run).map(|l| Local {
                floor_at_bound: true,
                ..l
            }),
        );
    }
    // Within rounding of the best, the floor at its bound is the answer: the interior
    // polish only approaches it as `v^2 -> 0`.
    let best = candidates
        .iter()
        .flatten()
        .map(|c| c.ssr)
        .fold(f64::INFINITY, f64::min);
    candidates
        .into_iter()
        .flatten()
        .filter(|c| c.ssr <= best + 1e-12 * best.abs())
        .min_by(|a, b| {
            b.floor_at_bound
                .cmp(&a.floor_at_bound)
                .then(a.ssr.total_cmp(&b.ssr))
        })
}

fn polish_free(
    form: Form,
    loss: Loss,
    data: &Data,
    holds: &Holds,
    start: &[f64],
    squared_floor: bool,
    run: Run<'_>,
) -> Option<Local> {
    let free = holds.free(form);
    let mut full = to_internal(form, start);
    if let (true, Some(gi)) = (squared_floor, form.gamma_index()) {
        full[gi] = full[gi].max(0.0).sqrt();
    }
    let knee_min =
        (squared_floor && form == Form::ThreeRegion && !holds.held[1]).then(|| knee_floor(data));
    if let Some(lo) = knee_min {
        // w = 0 is stationary: start a little inside the bound.
        full[1] = (full[1] - lo).max(0.01).sqrt();
    }
    if !full.iter().take(form.n_params()).all(|v| v.is_finite()) {
        return None;
    }
    let problem = Problem {
        squared_floor,
        knee_min,
        known: run.known,
        ..Problem::new(form, loss, data, full, &free)
    };
    let (converged_params, converged) = if free.is_empty() {
        (problem.natural(), true)
    } else {
        match minimize_static(lm(data.len(), run.patience), problem) {
            Minimized::Merged(i) => return run.known.get(i).cloned(),
            Minimized::Stopped { natural, converged } => (natural, converged),
        }
    };
    let mut params = converged_params[..form.n_params()].to_vec();
    holds.apply(&mut params);
    // A parameter can run off to infinity while the SSR stays finite (three-region
    // with m0 = inf is a constant curve), and a curve outside the loss's domain at a
    // point (not finite, or <= 0 under log loss) only scores the finite penalty of
    // `residual`: neither is a fit.
    let s = ssr_in_domain(form, loss, data, &params)?;
    params.iter().all(|v| v.is_finite()).then_some(Local {
        params,
        ssr: s,
        converged,
        floor_at_bound: false,
    })
}

/// The sum of squared residuals of natural parameters `p` on `data` when it is finite
/// and the curve is inside the loss's domain at every point (finite, and `> 0` under
/// `log` loss), else `None`: a curve outside the domain only scores `residual`'s
/// finite penalty, which is no fit. One pass of [`Form::eval`] (a `powf` a point)
/// serves the sum and the check.
fn ssr_in_domain(form: Form, loss: Loss, data: &Data, p: &[f64]) -> Option<f64> {
    let mut s = 0.0;
    for i in 0..data.len() {
        let v = form.eval(p, data.m[i]);
        if !(v.is_finite() && (loss == Loss::Linear || v > 0.0)) {
            return None;
        }
        let r = residual(loss, v, data.y[i], data.ln_y.get(i).copied().unwrap_or(0.0));
        s += r * r;
    }
    s.is_finite().then_some(s)
}

/// How a Levenberg-Marquardt run ended.
enum Minimized {
    /// It reached the optimum at this index into [`Run::known`].
    Merged(usize),
    /// It stopped at these natural parameters; `converged` when it met its
    /// convergence test (or could improve no further).
    Stopped { natural: [f64; 4], converged: bool },
}

/// Runs `lm` on `problem` (built over `Dyn` free parameters) with the parameter
/// dimension made static, `U1` to `U4` by the number of free parameters: the crate then
/// keeps its `n`-sized work on the stack (see [`Problem`]). The web build keeps `Dyn`:
/// one instantiation of the crate instead of four, for the page's size budget.
fn minimize_static(lm: LevenbergMarquardt<f64>, problem: Problem<'_, Dyn>) -> Minimized {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use nalgebra::{U2, U3, U4};
        match problem.free.len() {
            1 => minimize(lm, problem.with_dim(U1)),
            2 => minimize(lm, problem.with_dim(U2)),
            3 => minimize(lm, problem.with_dim(U3)),
            4 => minimize(lm, problem.with_dim(U4)),
            _ => minimize(lm, problem),
        }
    }
    #[cfg(target_arch = "wasm32")]
    minimize(lm, problem)
}

fn minimize<N: Dim>(lm: LevenbergMarquardt<f64>, problem: Problem<'_, N>) -> Minimized
where
    DefaultAllocator: Allocator<N> + Allocator<Dyn, N>,
{
    let (problem, report) = lm.minimize(problem);
    if let Some(i) = problem.merged.get() {
        return Minimized::Merged(i);
    }
    let converged = report.termination.was_successful()
        || matches!(
            report.termination,
            TerminationReason::NoImprovementPossible(_)
        );
    Minimized::Stopped {
        natural: problem.natural(),
        converged,
    }
}

/// Linear least squares for the linear parameters at fixed nonlinear ones: minimises
/// `sum w_i^2 (y_i - sum_j (c_j + h_j) phi_ij)^2` over the free `c_j` of one or two
/// bases, `phi_i = [a_i, other(a_i)]` with `a` the node's `basis`, `h_j` the held
/// values (0 when free). `gamma >= 0` is enforced by dropping it when it comes out
/// negative. Returns the coefficients (NaN where not free) and the weighted SSR, which
/// for `log` loss approximates the objective to first order; it only ranks grid
/// nodes.
struct NodeSolve<'a> {
    form: Form,
    y: &'a [f64],
    /// Squared weights.
    w2: &'a [f64],
    held: [f64; 2],
    free: [bool; 2],
    gamma_slot: Option<usize>,
}

/// The sums of one grid node's normal equations, from one pass over the points:
/// `s_jk = sum w2 phi_j phi_k`, `r_j = sum w2 phi_j t` and the target's own `tt =
/// sum w2 t^2` (see [`NodeSolve`]).
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    s00: f64,
    s01: f64,
    s11: f64,
    r0: f64,
    r1: f64,
    tt: f64,
}

impl Sums {
    /// The weighted SSR of coefficients `c` from the sums (the quadratic form, exact
    /// algebra), and the size of its terms (the sum of their magnitudes), which
    /// [`NodeSolve::finish`] compares it with.
    #[inline(always)]
    fn quadratic_form(&self, c: [f64; 2]) -> (f64, f64) {
        let terms = [
            self.tt,
            -2.0 * c[0] * self.r0,
            -2.0 * c[1] * self.r1,
            c[0] * c[0] * self.s00,
            2.0 * c[0] * c[1] * self.s01,
            c[1] * c[1] * self.s11,
        ];
        let q: f64 = terms.iter().sum();
        let size: f64 = terms.iter().map(|t| t.abs()).sum();
        (q, size)
    }
}

/// [`Sums`] of every node of a grid row, by field: `s00[j]` is column `j`'s.
#[derive(Debug, Clone)]
struct RowSums {
    s00: Vec<f64>,
    s01: Vec<f64>,
    s11: Vec<f64>,
    r0: Vec<f64>,
    r1: Vec<f64>,
    tt: Vec<f64>,
}

impl RowSums {
    fn new(cols: usize) -> RowSums {
        let z = vec![0.0; cols];
        RowSums {
            s00: z.clone(),
            s01: z.clone(),
            s11: z.clone(),
            r0: z.clone(),
            r1: z.clone(),
            tt: z,
        }
    }

    fn node(&self, j: usize) -> Sums {
        Sums {
            s00: self.s00[j],
            s01: self.s01[j],
            s11: self.s11[j],
            r0: self.r0[j],
            r1: self.r1[j],
            tt: self.tt[j],
        }
    }
}

/// Scratch of [`NodeSolve::finish_row`], per column: the determinant, the solution
/// with both coefficients free (`c0`, `c1`) and its quadratic form's value and size,
/// and the one with the floor dropped (`d0`; `q0`, `size0`).
#[derive(Debug, Clone)]
struct RowSolve {
    det: Vec<f64>,
    c0: Vec<f64>,
    c1: Vec<f64>,
    q: Vec<f64>,
    size: Vec<f64>,
    d0: Vec<f64>,
    q0: Vec<f64>,
    size0: Vec<f64>,
}

impl RowSolve {
    fn new(cols: usize) -> RowSolve {
        let z = vec![0.0; cols];
        RowSolve {
            det: z.clone(),
            c0: z.clone(),
            c1: z.clone(),
            q: z.clone(),
            size: z.clone(),
            d0: z.clone(),
            q0: z.clone(),
            size0: z,
        }
    }
}

impl NodeSolve<'_> {
    /// The second basis function: none, the floor's constant, or three-region's
    /// `1 - a`.
    fn other(&self, a: f64) -> f64 {
        match self.form {
            Form::Power => 0.0,
            Form::PowerFloor => 1.0,
            Form::ThreeRegion => 1.0 - a,
        }
    }

    /// One node's sums, node by node: the reference that [`NodeSolve::row_sums`]
    /// matches bit for bit (tested).
    #[cfg(test)]
    fn sums(&self, basis: &[f64]) -> Sums {
        let mut s = Sums::default();
        for ((&a, &y), &w2) in basis.iter().zip(self.y).zip(self.w2) {
            let b = self.other(a);
            let t = y - self.held[0] * a - self.held[1] * b;
            let (wa, wb) = (w2 * a, w2 * b);
            s.s00 += wa * a;
            s.s01 += wa * b;
            s.s11 += wb * b;
            s.r0 += wa * t;
            s.r1 += wb * t;
            s.tt += w2 * t * t;
        }
        s
    }

    /// The sums of every node of a grid row, `sums.s00[j]` for column `j` and so on.
    /// `bases` holds the row's bases point-major: `bases[i * cols + j]` for point `i`
    /// and column `j`, `cols` the length of `sums`' vectors.
    ///
    /// Each node's sums are the same operations in the same order as a loop over the
    /// points node by node (so the same bits; `NodeSolve::sums` in the tests), but the
    /// loop over the points is the outer one: the inner loop runs over the columns,
    /// independent of each other, which the compiler vectorizes (two nodes per SIMD
    /// instruction). Node by node, the six running sums are serial chains the compiler
    /// could only run as scalar code, with spills; they were 14 % of a three-region
    /// fit (BENCHMARKS.md, "Search budget"), and this loop order gave about 6 % more
    /// fits per second (`tr_prof`). Accumulating blocks of two or four columns in
    /// registers instead, the points inside, measured the same (within 1 %).
    fn row_sums(&self, bases: &[f64], sums: &mut RowSums) {
        let [h0, h1] = self.held;
        // `other` as a select on loop invariants, which the vectorized loop takes in
        // its stride: with `other`'s match inside the loop, it was not vectorized (12 %
        // fewer fits per second), and a closure per form, as fast, cost three copies
        // of the loop in the page's wasm.
        let three_region = self.form == Form::ThreeRegion;
        let constant = if self.form == Form::PowerFloor {
            1.0
        } else {
            0.0
        };
        let cols = sums.s00.len();
        for v in [
            &mut sums.s00,
            &mut sums.s01,
            &mut sums.s11,
            &mut sums.r0,
            &mut sums.r1,
            &mut sums.tt,
        ] {
            v.fill(0.0);
        }
        let RowSums {
            s00,
            s01,
            s11,
            r0,
            r1,
            tt,
        } = sums;
        for ((row, &y), &w2) in bases.chunks_exact(cols).zip(self.y).zip(self.w2) {
            let cols = row
                .iter()
                .zip(s00.iter_mut())
                .zip(s01.iter_mut())
                .zip(s11.iter_mut())
                .zip(r0.iter_mut())
                .zip(r1.iter_mut())
                .zip(tt.iter_mut());
            for ((((((&a, s00), s01), s11), r0), r1), tt) in cols {
                let b = if three_region { 1.0 - a } else { constant };
                let t = y - h0 * a - h1 * b;
                let (wa, wb) = (w2 * a, w2 * b);
                *s00 += wa * a;
                *s01 += wa * b;
                *s11 += wb * b;
                *r0 += wa * t;
                *r1 += wb * t;
                *tt += w2 * t * t;
            }
        }
    }

    /// [`NodeSolve::finish`] of every node of a grid row, into `out` (cleared first);
    /// `bases` and `sums` as for [`NodeSolve::row_sums`].
    ///
    /// In the common case, both linear parameters free with the floor in slot 1
    /// (three-region and power-floor without holds), the arithmetic of both of a
    /// node's candidate solutions (the floor free, and dropped at 0) runs for the
    /// whole row in one loop over the columns, which the compiler vectorizes (two
    /// nodes per instruction, the divisions included); node by node only the
    /// decisions remain. The operations are [`NodeSolve::finish`]'s, so the results
    /// are its bits; a node it would treat otherwise (singular, not a number, under
    /// the cancellation guard) goes through it. Node by node, `finish` was 7 % of a
    /// three-region fit's time; this gave 9 % more fits per second (`tr_prof`).
    fn finish_row(
        &self,
        bases: &[f64],
        sums: &RowSums,
        pre: &mut RowSolve,
        out: &mut Vec<Option<([f64; 2], f64)>>,
    ) {
        out.clear();
        let cols = sums.s00.len();
        if self.free != [true, true] || self.gamma_slot != Some(1) {
            out.extend((0..cols).map(|j| self.finish(&bases[j..], cols, sums.node(j))));
            return;
        }
        let (s00, s01, s11) = (&sums.s00[..cols], &sums.s01[..cols], &sums.s11[..cols]);
        let (r0, r1, tt) = (&sums.r0[..cols], &sums.r1[..cols], &sums.tt[..cols]);
        let RowSolve {
            det,
            c0,
            c1,
            q,
            size,
            d0,
            q0,
            size0,
        } = pre;
        let (det, c0, c1, q) = (
            &mut det[..cols],
            &mut c0[..cols],
            &mut c1[..cols],
            &mut q[..cols],
        );
        let (size, d0, q0, size0) = (
            &mut size[..cols],
            &mut d0[..cols],
            &mut q0[..cols],
            &mut size0[..cols],
        );
        for j in 0..cols {
            let node = Sums {
                s00: s00[j],
                s01: s01[j],
                s11: s11[j],
                r0: r0[j],
                r1: r1[j],
                tt: tt[j],
            };
            let d = node.s00 * node.s11 - node.s01 * node.s01;
            det[j] = d;
            let c = [
                (node.r0 * node.s11 - node.r1 * node.s01) / d,
                (node.s00 * node.r1 - node.s01 * node.r0) / d,
            ];
            (c0[j], c1[j]) = (c[0], c[1]);
            (q[j], size[j]) = node.quadratic_form(c);
            d0[j] = node.r0 / node.s00;
            (q0[j], size0[j]) = node.quadratic_form([d0[j], 0.0]);
        }
        for j in 0..cols {
            // `Some(result)` where the precomputed arithmetic settles the node.
            let settled = || -> Option<Option<([f64; 2], f64)>> {
                if det[j].abs() <= 1e-300 || !det[j].is_finite() {
                    return Some(None);
                }
                let c = [c0[j], c1[j]];
                // `finish` takes the quadratic form only above its cancellation guard.
                let form_holds = q[j] > 1e-8 * size[j];
                if c[0].is_nan() || c[1].is_nan() || !form_holds {
                    return None;
                }
                if !q[j].is_finite() || c.iter().any(|v| v.is_infinite()) {
                    return Some(None);
                }
                if c[1] >= 0.0 {
                    return Some(Some((c, q[j])));
                }
                // The floor came out negative: dropped, at 0.
                let form_holds = q0[j] > 1e-8 * size0[j];
                if d0[j].is_nan() || !form_holds {
                    return None;
                }
                Some((q0[j].is_finite() && !d0[j].is_infinite()).then_some(([d0[j], 0.0], q0[j])))
            };
            out.push(match settled() {
                Some(result) => result,
                None => self.finish(&bases[j..], cols, sums.node(j)),
            });
        }
    }

    /// The node's coefficients and SSR from its sums. Its basis, for the direct sum of
    /// the cancellation guard, is every `stride`-th entry of `basis`.
    fn finish(&self, basis: &[f64], stride: usize, sums: Sums) -> Option<([f64; 2], f64)> {
        let Sums {
            s00,
            s01,
            s11,
            r0,
            r1,
            ..
        } = sums;
        let ssr_of = |c: [f64; 2]| -> f64 {
            // The quadratic form is exact algebra but cancels when the fit is nearly
            // perfect or the bases nearly collinear (beta_g near 0 against the
            // floor's constant, with huge coefficients of opposite signs): when it
            // comes out below 1e-8 of the size of its terms (its rounding error could
            // then exceed about 1e-7 of it), the residuals are summed directly.
            let (q, size) = sums.quadratic_form(c);
            if q > 1e-8 * size {
                return q;
            }
            let mut ssr = 0.0;
            for ((&a, &y), &w2) in basis.iter().step_by(stride).zip(self.y).zip(self.w2) {
                let b = self.other(a);
                let r = y - (self.held[0] + c[0]) * a - (self.held[1] + c[1]) * b;
                ssr += w2 * r * r;
            }
            ssr
        };
        let solve = |free: [bool; 2]| -> Option<([f64; 2], f64)> {
            let c = match free {
                [true, true] => {
                    let det = s00 * s11 - s01 * s01;
                    if det.abs() <= 1e-300 || !det.is_finite() {
                        return None;
                    }
                    [(r0 * s11 - r1 * s01) / det, (s00 * r1 - s01 * r0) / det]
                }
                [true, false] => [r0 / s00, f64::NAN],
                [false, true] => [f64::NAN, r1 / s11],
                [false, false] => [f64::NAN, f64::NAN],
            };
            let used = [
                if c[0].is_nan() { 0.0 } else { c[0] },
                if c[1].is_nan() { 0.0 } else { c[1] },
            ];
            let ssr = ssr_of(used);
            (ssr.is_finite() && c.iter().all(|v| !v.is_infinite())).then_some((c, ssr))
        };
        let (c, ssr) = solve(self.free)?;
        if let Some(g) = self.gamma_slot {
            if self.free[g] && c[g] < 0.0 {
                let mut f = self.free;
                f[g] = false;
                let (mut c2, ssr2) = solve(f)?;
                c2[g] = 0.0;
                return Some((c2, ssr2));
            }
        }
        Some((c, ssr))
    }
}

/// The exponents `beta_g` the profile grid spans.
const BETA_GRID: (f64, f64) = (-3.0, 1.5);

/// One grid node of the profile: natural parameters and the (approximate) objective.
#[derive(Debug, Clone)]
struct Node {
    params: [f64; 4],
    ssr: f64,
}

/// Profile over the nonlinear parameters (`beta_g`; `m0` too for three-region).
/// Returns the grid as rows over `m0` (one row for the power forms) of columns over
/// `beta_g`.
fn profile_grid(form: Form, loss: Loss, data: &Data, holds: &Holds) -> Vec<Vec<Node>> {
    let n = data.len();
    let bi = form.beta_index();
    let betas: Vec<f64> = if holds.held[bi] {
        vec![holds.values[bi]]
    } else {
        let steps = if form == Form::ThreeRegion { 24 } else { 72 };
        let (lo, hi) = BETA_GRID;
        (0..=steps)
            .map(|k| lo + (hi - lo) * k as f64 / steps as f64)
            .collect()
    };
    let (lo, hi) = data
        .ln_m
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let ln_m0s: Vec<f64> = match form {
        Form::ThreeRegion if holds.held[1] => vec![holds.values[1].ln()],
        Form::ThreeRegion => {
            let (a, b) = (
                lo - 2.0 * std::f64::consts::LN_10,
                hi + std::f64::consts::LN_10,
            );
            let steps = 20;
            (0..=steps)
                .map(|k| a + (b - a) * k as f64 / steps as f64)
                .collect()
        }
        _ => vec![0.0],
    };
    // Linear slots: power [alpha, -], power-floor [alpha, gamma], three-region [eps0, gamma].
    let (lin_idx, gamma_slot): ([Option<usize>; 2], Option<usize>) = match form {
        Form::Power => ([Some(0), None], None),
        Form::PowerFloor => ([Some(0), Some(2)], Some(1)),
        Form::ThreeRegion => ([Some(0), Some(3)], Some(1)),
    };
    let free = [
        lin_idx[0].is_some_and(|i| !holds.held[i]),
        lin_idx[1].is_some_and(|i| !holds.held[i]),
    ];
    // Weights: 1/y turns the linear residual into the relative one that log loss squares.
    let w2: Vec<f64> = match loss {
        Loss::Log => data.y.iter().map(|v| 1.0 / (v * v)).collect(),
        Loss::Linear => vec![1.0; n],
    };
    let held_value = |slot: usize| {
        lin_idx[slot]
            .filter(|&j| holds.held[j])
            .map_or(0.0, |j| holds.values[j])
    };
    let solver = NodeSolve {
        form,
        y: &data.y,
        w2: &w2,
        held: [held_value(0), held_value(1)],
        free,
        gamma_slot,
    };
    let mut l = vec![0.0; n];
    // A row's bases, point-major (see `NodeSolve::row_sums`), and its nodes' sums.
    let cols = betas.len();
    let mut bases = vec![0.0; n * cols];
    let mut sums = RowSums::new(cols);
    let mut pre = RowSolve::new(cols);
    let mut solved = Vec::with_capacity(cols);
    let mut grid = Vec::with_capacity(ln_m0s.len());
    for &u in &ln_m0s {
        let m0 = u.exp();
        if form == Form::ThreeRegion {
            for i in 0..n {
                l[i] = (data.m[i] / m0).ln_1p();
            }
        }
        // The basis is exp(b x_i) with x = ln m (power forms) or ln(1 + m/m0); on the
        // uniform beta grid each step multiplies it by exp(db x_i): one product per
        // point instead of one exp.
        let x: &[f64] = if form == Form::ThreeRegion {
            &l
        } else {
            &data.ln_m
        };
        let db = if betas.len() > 1 {
            betas[1] - betas[0]
        } else {
            0.0
        };
        let b0 = betas.first().copied().unwrap_or(0.0);
        for (v, row) in x.iter().zip(bases.chunks_exact_mut(cols)) {
            let step = (db * v).exp();
            let mut a = (b0 * v).exp();
            for (k, f) in row.iter_mut().enumerate() {
                if k > 0 {
                    a *= step;
                }
                *f = a;
            }
        }
        solver.row_sums(&bases, &mut sums);
        solver.finish_row(&bases, &sums, &mut pre, &mut solved);
        let mut row = Vec::with_capacity(cols);
        for (&b, &solved) in betas.iter().zip(&solved) {
            let mut p = [0.0; 4];
            p[bi] = b;
            if form == Form::ThreeRegion {
                p[1] = m0;
            }
            holds.apply(&mut p);
            let node = match solved {
                Some((c, approx_ssr)) => {
                    for (slot, idx) in lin_idx.iter().enumerate() {
                        if let Some(j) = idx {
                            if !holds.held[*j] {
                                p[*j] = c[slot];
                            }
                        }
                    }
                    Node {
                        params: p,
                        ssr: approx_ssr,
                    }
                }
                None => Node {
                    params: p,
                    ssr: f64::INFINITY,
                },
            };
            row.push(node);
        }
        grid.push(row);
    }
    grid
}

/// The lowest local minima of the profile grid (8-neighbourhood), best first.
fn grid_minima(grid: &[Vec<Node>], keep: usize) -> Vec<([f64; 4], (usize, usize))> {
    let mut minima: Vec<(&Node, (usize, usize))> = Vec::new();
    for (r, row) in grid.iter().enumerate() {
        for (c, node) in row.iter().enumerate() {
            if !node.ssr.is_finite() {
                continue;
            }
            // The 3 x 3 block around the node (the node itself is not below itself),
            // left at the first lower neighbour: most nodes have one (3 % more fits
            // per second than testing all eight with signed offsets).
            let is_min = !grid[r.saturating_sub(1)..(r + 2).min(grid.len())]
                .iter()
                .any(|row| {
                    row[c.saturating_sub(1)..(c + 2).min(row.len())]
                        .iter()
                        .any(|other| other.ssr < node.ssr)
                });
            if is_min {
                minima.push((node, (r, c)));
            }
        }
    }
    minima.sort_by(|a, b| a.0.ssr.total_cmp(&b.0.ssr));
    // A basin whose best node is 100x worse than the best node does not hold the
    // global minimum in practice; its polish would only drift to a bound.
    let best = minima.first().map_or(f64::INFINITY, |m| m.0.ssr);
    minima.retain(|m| m.0.ssr <= 100.0 * best + 1e-300);
    // Minima within two nodes of a better one lie in the same basin: polishing both
    // would find the same optimum twice.
    let mut kept: Vec<([f64; 4], (usize, usize))> = Vec::new();
    for (node, (r, c)) in minima {
        if kept
            .iter()
            .any(|(_, (kr, kc))| r.abs_diff(*kr) <= 2 && c.abs_diff(*kc) <= 2)
        {
            continue;
        }
        kept.push((node.params, (r, c)));
        if kept.len() == keep {
            break;
        }
    }
    kept
}

/// Straight line through `(ln m, ln y)`: the exact `log`-loss power fit, and the
/// classic start for every other form. Returns `(alpha, beta_g)`.
pub(crate) fn loglog_line(data: &Data) -> Option<(f64, f64)> {
    let n = data.len() as f64;
    let ly: Vec<f64> = data
        .y
        .iter()
        .map(|v| v.abs().max(f64::MIN_POSITIVE).ln())
        .collect();
    let mx = data.ln_m.iter().sum::<f64>() / n;
    let my = ly.iter().sum::<f64>() / n;
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for (x, y) in data.ln_m.iter().zip(&ly) {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
    }
    if sxx <= 0.0 {
        return None;
    }
    let b = sxy / sxx;
    let a = (my - b * mx).exp();
    (a.is_finite() && b.is_finite()).then_some((a, b))
}

/// Fits `form` to points `(m[i], y[i])`.
///
/// Minimises the sum of squared residuals (see [`Loss`]) over the free parameters,
/// searching globally as described in the module docs. `gamma` is bounded below by 0;
/// exponents are unconstrained (an increasing curve gets a positive `beta_g`).
///
/// # Errors
/// [`FitError`] for mismatched lengths, unusable points, bad fixed parameters, fewer
/// distinct sizes than free parameters + 1, or when no start converges.
pub fn fit_form(m: &[f64], y: &[f64], form: Form, options: &FitOptions) -> Result<Fit, FitError> {
    let data = Data::new(m, y, options.loss)?;
    let holds = Holds::from_options(form, &options.fixed)?;
    fit_data(&data, form, options.loss, &holds, &options.fixed)
}

pub(crate) fn fit_data(
    data: &Data,
    form: Form,
    loss: Loss,
    holds: &Holds,
    fixed: &[(String, f64)],
) -> Result<Fit, FitError> {
    let k = holds.free(form).len();
    let distinct = data.distinct_sizes();
    if distinct < k + 1 || distinct < 2 {
        return Err(FitError::TooFewPoints {
            form: form.id(),
            need: (k + 1).max(2),
            got: distinct,
        });
    }
    // Large data sets are searched on a binned copy (the basins do not depend on
    // 10,000 points where 128 carry the shape); the winners are then polished on all
    // the points, so the reported optimum is the full data's.
    // (The pure power law under log loss is solved exactly on every point instead.)
    let binned = (data.len() > BIN_ABOVE && !exact_line(form, loss, holds))
        .then(|| bin(data, loss))
        .flatten();
    let search = binned.as_ref().unwrap_or(data);
    let mut locals = polish_starts(
        form,
        loss,
        search,
        holds,
        &search_starts(search, form, loss, holds),
    );
    locals.sort_by(|a, b| a.ssr.total_cmp(&b.ssr));
    if binned.is_some() {
        // The two best basins, each polished once on all the points (`polish_starts`
        // keeps one local per optimum: a second one would cost the full-data polish
        // twice).
        locals = locals
            .iter()
            .take(2)
            .filter_map(|l| polish_full(form, loss, data, search, holds, l))
            .collect();
        locals.sort_by(|a, b| a.ssr.total_cmp(&b.ssr));
    }
    let best = locals
        .into_iter()
        .next()
        .ok_or(FitError::NoConvergence { form: form.id() })?;
    Ok(finish(data, form, loss, holds, fixed, best))
}

/// Polishes the search's starts, best first. Once one has converged, the others run
/// with [`Patience::Short`] and stop where they reach an optimum already found
/// ([`Run::known`]). A short polish that ran out of patience is continued at full
/// patience only while it is within [`IN_CONTENTION`] of the best converged optimum;
/// one further above is abandoned (left out of the locals: it cannot win). Until a
/// start converges (a fit whose best is a valley leading off to infinity) every start
/// gets full patience.
fn polish_starts(
    form: Form,
    loss: Loss,
    data: &Data,
    holds: &Holds,
    starts: &[Vec<f64>],
) -> Vec<Local> {
    let mut locals: Vec<Local> = Vec::with_capacity(starts.len());
    // The converged ones among `locals`, and the best of their SSRs.
    let mut known: Vec<Local> = Vec::new();
    let mut best = f64::INFINITY;
    for s in starts {
        let patience = if known.is_empty() {
            Patience::Full
        } else {
            Patience::Short
        };
        let run = Run {
            patience,
            known: &known,
        };
        let Some(mut l) = polish_with(form, loss, data, holds, s, run) else {
            continue;
        };
        if !l.converged && patience == Patience::Short {
            if l.ssr >= best * (1.0 + IN_CONTENTION) {
                // Abandoned: it cannot win, and on binned data it would cost a
                // full-data polish as the runner-up.
                continue;
            }
            if let Some(more) = polish(form, loss, data, holds, &l.params) {
                if more.ssr <= l.ssr {
                    l = more;
                }
            }
        }
        if locals.iter().any(|k| same_point(&k.params, &l.params)) {
            // A start that stopped at a known optimum: the same local again.
            continue;
        }
        if l.converged {
            best = best.min(l.ssr);
            known.push(l.clone());
        }
        locals.push(l);
    }
    locals
}

/// Natural parameter vectors equal to within 1e-6 relative (or 1e-12 absolute).
fn same_point(a: &[f64], b: &[f64]) -> bool {
    within(a, b, 1e-6, 1e-12)
}

/// Parameter vectors of the same length whose every pair of entries differs by at most
/// `rel` of the larger magnitude plus `abs`.
fn within(a: &[f64], b: &[f64], rel: f64, abs: f64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= rel * x.abs().max(y.abs()) + abs)
}

/// `ln` of how far below the smallest size the `three-region` knee may go (two decades).
fn knee_floor(data: &Data) -> f64 {
    data.ln_m_min - 100f64.ln()
}

/// Polishes on all the points a minimum the search found on the binned copy `search`.
///
/// A `three-region` knee that the search left at its bound (two decades below the
/// smallest size) is first refitted held at the full data's bound. That is the
/// answer when moving the knee inward would raise the SSR (the first-order optimality
/// condition of the bounded problem); it spares Levenberg-Marquardt a crawl along
/// the flat valley `w -> 0` that costs tens of evaluations over every point and ends
/// without meeting its convergence test. Otherwise the knee is polished free.
fn polish_full(
    form: Form,
    loss: Loss,
    data: &Data,
    search: &Data,
    holds: &Holds,
    local: &Local,
) -> Option<Local> {
    let at_bound = form == Form::ThreeRegion
        && !holds.held[1]
        && local
            .params
            .get(1)
            .is_some_and(|&m0| m0.ln() <= knee_floor(search) + 1e-6);
    if at_bound {
        let bound = knee_floor(data).exp();
        let mut pinned = holds.clone();
        pinned.held[1] = true;
        pinned.values[1] = bound;
        if let Some(l) = polish(form, loss, data, &pinned, &local.params) {
            if l.converged && knee_pushes_outward(loss, data, &l.params) {
                return Some(l);
            }
        }
    }
    polish(form, loss, data, holds, &local.params)
}

/// Whether the SSR of `three-region` parameters `p` does not fall when the knee moves
/// up (`d SSR / d ln m0 >= 0`, to rounding): with the knee at its lower bound, the
/// bounded problem is then at a first-order optimum in that direction.
fn knee_pushes_outward(loss: Loss, data: &Data, p: &[f64]) -> bool {
    let Ok(p4) = <[f64; 4]>::try_from(p) else {
        return false;
    };
    let mut g = [0.0; 4];
    let (mut slope, mut size) = (0.0, 0.0);
    for i in 0..data.len() {
        let v = value_grad(Form::ThreeRegion, &p4, data.m[i], data.ln_m[i], &mut g);
        let (r, dr) = match loss {
            Loss::Linear => (v - data.y[i], g[1]),
            Loss::Log => (v.ln() - data.ln_y.get(i).copied().unwrap_or(0.0), g[1] / v),
        };
        slope += r * dr;
        size += (r * dr).abs();
    }
    slope.is_finite() && slope >= -1e-10 * size
}

/// Above this many points the global search runs on [`bin`]ned data.
const BIN_ABOVE: usize = 400;
/// Number of bins of that search.
const BINS: usize = 128;

/// Consecutive points in size order grouped into [`BINS`] bins of equal count, each
/// replaced by its geometric mean size and its mean error (geometric for `log` loss).
fn bin(data: &Data, loss: Loss) -> Option<Data> {
    let mut order: Vec<usize> = (0..data.len()).collect();
    order.sort_by(|&a, &b| data.m[a].total_cmp(&data.m[b]));
    let per = data.len().div_ceil(BINS);
    let (mut m, mut y) = (Vec::new(), Vec::new());
    for chunk in order.chunks(per) {
        let n = chunk.len() as f64;
        m.push((chunk.iter().map(|&i| data.ln_m[i]).sum::<f64>() / n).exp());
        y.push(match loss {
            Loss::Log => (chunk.iter().map(|&i| data.ln_y[i]).sum::<f64>() / n).exp(),
            Loss::Linear => chunk.iter().map(|&i| data.y[i]).sum::<f64>() / n,
        });
    }
    Data::new(&m, &y, loss).ok()
}

/// The free pure power law under `log` loss: a straight line in log-log space, whose
/// least-squares solution is the global optimum.
fn exact_line(form: Form, loss: Loss, holds: &Holds) -> bool {
    form == Form::Power && loss == Loss::Log && !holds.held.iter().any(|h| *h)
}

/// Starts for the polish: the best distinct minima of the profile grid, and the
/// log-log line when the grid does not cover it.
///
/// Within the grid's exponent range the log-log start (the fit with the floor at 0)
/// is dominated by the profile, whose linear solve includes `gamma = 0`: polishing it
/// only reached a grid minimum's optimum again (on every reference curve), at a third
/// to a half of the fit's time. It is kept when its exponent lies outside the grid,
/// when the exponent is held (the grid is then one column) and when the grid finds no
/// minimum.
fn search_starts(data: &Data, form: Form, loss: Loss, holds: &Holds) -> Vec<Vec<f64>> {
    let mut starts: Vec<Vec<f64>> = Vec::new();
    if !exact_line(form, loss, holds) {
        let grid = profile_grid(form, loss, data, holds);
        for (p, _) in grid_minima(&grid, 3) {
            starts.push(p[..form.n_params()].to_vec());
        }
    }
    if let Some((a, b)) = loglog_line(data) {
        let covered = !starts.is_empty()
            && !holds.held[form.beta_index()]
            && (BETA_GRID.0..=BETA_GRID.1).contains(&b);
        if !covered {
            let ymin = data.y.iter().fold(f64::INFINITY, |s, &v| s.min(v));
            starts.push(match form {
                Form::Power => vec![a, b],
                Form::PowerFloor => vec![a, b, 0.0],
                Form::ThreeRegion => {
                    let mmin = data.m.iter().fold(f64::INFINITY, |s, &v| s.min(v));
                    vec![a * mmin.powf(b), mmin, b, (0.5 * ymin).max(0.0)]
                }
            });
        }
    }
    starts
}

pub(crate) fn finish(
    data: &Data,
    form: Form,
    loss: Loss,
    holds: &Holds,
    fixed: &[(String, f64)],
    best: Local,
) -> Fit {
    let mut held = holds.held[..form.n_params()].to_vec();
    if best.floor_at_bound {
        if let Some(gi) = form.gamma_index() {
            held[gi] = true;
        }
    }
    let n = data.len();
    let k = held.iter().filter(|h| !**h).count();
    let aicc = aicc(best.ssr, n, k);
    let free: Vec<usize> = (0..form.n_params()).filter(|&i| !held[i]).collect();
    let correlation = correlation(form, loss, data, &best.params, &free);
    Fit {
        form,
        loss,
        params: best.params,
        held,
        user_fixed: fixed.iter().map(|(n, _)| n.clone()).collect(),
        floor_at_bound: best.floor_at_bound,
        ssr: best.ssr,
        n,
        k,
        aicc,
        correlation,
        converged: best.converged,
    }
}

/// AICc for least squares with Gaussian errors; see [`Fit::aicc`].
pub fn aicc(ssr: f64, n: usize, k: usize) -> f64 {
    if n <= k + 1 {
        return f64::INFINITY;
    }
    let nf = n as f64;
    let kf = k as f64;
    let s = ssr.max(nf * 1e-24);
    nf * (s / nf).ln() + 2.0 * kf + 2.0 * kf * (kf + 1.0) / (nf - kf - 1.0)
}

fn correlation(
    form: Form,
    loss: Loss,
    data: &Data,
    params: &[f64],
    free: &[usize],
) -> Vec<Vec<f64>> {
    if free.is_empty() {
        return Vec::new();
    }
    let problem = Problem::new(form, loss, data, to_internal(form, params), free);
    let Some(j) = problem.jacobian() else {
        return Vec::new();
    };
    let jtj = j.transpose() * &j;
    let Some(cov) = jtj.try_inverse() else {
        return Vec::new();
    };
    let k = free.len();
    let mut out = vec![vec![0.0; k]; k];
    for a in 0..k {
        for b in 0..k {
            let d = (cov[(a, a)] * cov[(b, b)]).sqrt();
            out[a][b] = if d > 0.0 && d.is_finite() {
                cov[(a, b)] / d
            } else {
                f64::NAN
            };
        }
    }
    if out.iter().flatten().all(|v| v.is_finite()) {
        out
    } else {
        Vec::new()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sizes(n: usize, lo: f64, hi: f64) -> Vec<f64> {
        (0..n)
            .map(|i| (lo.ln() + (hi.ln() - lo.ln()) * i as f64 / (n - 1) as f64).exp())
            .collect()
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-12)
    }

    #[test]
    fn recovers_every_form_from_exact_data() {
        let cases: [(Form, Vec<f64>); 3] = [
            (Form::Power, vec![3.87, -0.128]),
            (Form::PowerFloor, vec![41.2, -0.36, 0.39]),
            (Form::ThreeRegion, vec![0.9, 3e3, -0.45, 0.12]),
        ];
        for loss in Loss::ALL {
            for (form, p) in &cases {
                let m = sizes(14, 100.0, 1e8);
                let y: Vec<f64> = m.iter().map(|&v| form.eval(p, v)).collect();
                let fit = fit_form(
                    &m,
                    &y,
                    *form,
                    &FitOptions {
                        loss,
                        fixed: vec![],
                    },
                )
                .unwrap();
                for (got, want) in fit.params.iter().zip(p) {
                    assert!(
                        close(*got, *want, 1e-6),
                        "{form:?} {loss:?}: {:?} vs {p:?}",
                        fit.params
                    );
                }
                assert!(fit.ssr < 1e-20, "{form:?} {loss:?} ssr {}", fit.ssr);
            }
        }
    }

    #[test]
    fn node_ssr_is_the_residuals() {
        // A grid node's SSR is computed from the normal equations' sums; it must be
        // the SSR of the residuals of its own coefficients, summed directly, over
        // the grid's whole range: nearly collinear bases (beta_g near 0, huge
        // coefficients of opposite signs) and bases spanning many decades.
        let m = sizes(25, 10.0, 1e7);
        let flat: Vec<f64> = (0..m.len())
            .map(|i| 0.5 + 0.004 * ((i * 7 % 5) as f64 - 2.0))
            .collect();
        let falling: Vec<f64> = m
            .iter()
            .enumerate()
            .map(|(i, &v)| 0.1 + 3.0 * v.powf(-0.4) * (1.0 + 0.01 * ((i * 3 % 4) as f64 - 1.5)))
            .collect();
        let w2 = vec![1.0; m.len()];
        let mut checked = 0;
        for y in [&flat, &falling] {
            for form in [Form::PowerFloor, Form::ThreeRegion] {
                let solver = NodeSolve {
                    form,
                    y,
                    w2: &w2,
                    held: [0.0, 0.0],
                    free: [true, true],
                    gamma_slot: None,
                };
                let betas: Vec<f64> = (0..=60)
                    .map(|k| -3.0 + 4.5 * f64::from(k) / 60.0 + 1e-7)
                    .collect();
                let cols = betas.len();
                for m0 in [1e-1, 1e1, 1e3, 1e5, 1e8] {
                    // The row's bases point-major, as the grid lays them out.
                    let mut bases = vec![0.0; m.len() * cols];
                    for (&v, row) in m.iter().zip(bases.chunks_exact_mut(cols)) {
                        for (f, &beta) in row.iter_mut().zip(&betas) {
                            *f = match form {
                                Form::ThreeRegion => (beta * (v / m0).ln_1p()).exp(),
                                _ => v.powf(beta),
                            };
                        }
                    }
                    let mut sums = RowSums::new(cols);
                    solver.row_sums(&bases, &mut sums);
                    for (j, beta) in betas.iter().enumerate() {
                        let basis: Vec<f64> = bases.iter().skip(j).step_by(cols).copied().collect();
                        // The row's sums are the node-by-node sums, to the bit.
                        let (row, node) = (sums.node(j), solver.sums(&basis));
                        assert_eq!(
                            [row.s00, row.s01, row.s11, row.r0, row.r1, row.tt].map(f64::to_bits),
                            [node.s00, node.s01, node.s11, node.r0, node.r1, node.tt]
                                .map(f64::to_bits)
                        );
                        let Some((c, ssr)) = solver.finish(&bases[j..], cols, row) else {
                            continue;
                        };
                        let direct: f64 = basis
                            .iter()
                            .zip(y.iter())
                            .map(|(&a, &y)| (y - c[0] * a - c[1] * solver.other(a)).powi(2))
                            .sum();
                        assert!(
                            (ssr - direct).abs() <= 1e-6 * direct,
                            "{form:?} beta {beta} m0 {m0}: node {ssr} vs residuals {direct} (c = {c:?})"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 500, "{checked} nodes checked");
    }

    #[test]
    fn floor_below_zero_is_pinned() {
        // A pure power law with a slightly negative offset: best gamma would be < 0.
        let m = sizes(10, 10.0, 1e6);
        let y: Vec<f64> = m.iter().map(|&v| 2.0 * v.powf(-0.3) - 0.01).collect();
        let fit = fit_form(&m, &y, Form::PowerFloor, &FitOptions::default()).unwrap();
        assert!(fit.floor_at_bound);
        assert_eq!(fit.param("gamma"), Some(0.0));
        assert_eq!(fit.k, 2);
    }

    #[test]
    fn fixed_parameters_are_held() {
        let m = sizes(8, 10.0, 1e6);
        let y: Vec<f64> = m.iter().map(|&v| 2.0 * v.powf(-0.3) + 0.1).collect();
        let opts = FitOptions {
            loss: Loss::Log,
            fixed: vec![("beta_g".into(), -0.3)],
        };
        let fit = fit_form(&m, &y, Form::PowerFloor, &opts).unwrap();
        assert_eq!(fit.param("beta_g"), Some(-0.3));
        assert!(close(fit.param("alpha").unwrap(), 2.0, 1e-9));
        assert!(close(fit.param("gamma").unwrap(), 0.1, 1e-9));
        let bad = FitOptions {
            loss: Loss::Log,
            fixed: vec![("delta".into(), 1.0)],
        };
        assert!(matches!(
            fit_form(&m, &y, Form::PowerFloor, &bad),
            Err(FitError::BadFixed { .. })
        ));
    }

    #[test]
    fn too_few_points_is_an_error() {
        let err = fit_form(
            &[1.0, 2.0, 2.0],
            &[1.0, 0.5, 0.6],
            Form::PowerFloor,
            &FitOptions::default(),
        );
        assert!(matches!(
            err,
            Err(FitError::TooFewPoints {
                need: 4,
                got: 2,
                ..
            })
        ));
    }

    #[test]
    fn bad_points_are_named() {
        let err = fit_form(
            &[1.0, -2.0, 3.0],
            &[1.0, 0.5, 0.4],
            Form::Power,
            &FitOptions::default(),
        );
        assert!(matches!(err, Err(FitError::BadPoint { index: 1, .. })));
        let err = fit_form(
            &[1.0, 2.0, 3.0],
            &[1.0, 0.0, 0.4],
            Form::Power,
            &FitOptions::default(),
        );
        assert!(matches!(err, Err(FitError::BadPoint { index: 1, .. })));
    }

    #[test]
    fn row_finish_matches_node_by_node() {
        // `finish_row`'s precomputed path must give `finish`'s results to the bit,
        // over rows whose nodes take every branch: a negative floor dropped, the
        // cancellation guard (exact data at its own exponent), singular and
        // overflowing bases (the power law's m^1.5 up to m = 1e250).
        let m = sizes(25, 10.0, 1e7);
        let exact: Vec<f64> = m.iter().map(|&v| 0.1 + 3.0 * v.powf(-0.4)).collect();
        let below: Vec<f64> = m.iter().map(|&v| 3.0 * v.powf(-0.4) - 0.02).collect();
        let noisy: Vec<f64> = exact
            .iter()
            .enumerate()
            .map(|(i, &v)| v * (1.0 + 0.01 * ((i * 3 % 4) as f64 - 1.5)))
            .collect();
        let huge = sizes(25, 10.0, 1e250);
        let betas: Vec<f64> = (0..=72).map(|k| -3.0 + 4.5 * f64::from(k) / 72.0).collect();
        let cols = betas.len();
        let (mut branches, mut checked) = ([0usize; 3], 0);
        for (m, y) in [(&m, &exact), (&m, &below), (&m, &noisy), (&huge, &exact)] {
            for loss in Loss::ALL {
                let w2: Vec<f64> = match loss {
                    Loss::Log => y.iter().map(|v| 1.0 / (v * v)).collect(),
                    Loss::Linear => vec![1.0; y.len()],
                };
                for form in [Form::PowerFloor, Form::ThreeRegion] {
                    let solver = NodeSolve {
                        form,
                        y,
                        w2: &w2,
                        held: [0.0, 0.0],
                        free: [true, true],
                        gamma_slot: Some(1),
                    };
                    for m0 in [1e-1, 1e3, 1e8] {
                        let mut bases = vec![0.0; m.len() * cols];
                        for (&v, row) in m.iter().zip(bases.chunks_exact_mut(cols)) {
                            for (f, &beta) in row.iter_mut().zip(&betas) {
                                *f = match form {
                                    Form::ThreeRegion => (beta * (v / m0).ln_1p()).exp(),
                                    _ => v.powf(beta),
                                };
                            }
                        }
                        let mut sums = RowSums::new(cols);
                        solver.row_sums(&bases, &mut sums);
                        let (mut pre, mut out) = (RowSolve::new(cols), Vec::new());
                        solver.finish_row(&bases, &sums, &mut pre, &mut out);
                        for (j, row) in out.iter().enumerate() {
                            let node = solver.finish(&bases[j..], cols, sums.node(j));
                            let bits = |r: &Option<([f64; 2], f64)>| {
                                r.map(|(c, s)| [c[0], c[1], s].map(f64::to_bits))
                            };
                            assert_eq!(bits(row), bits(&node), "{form:?} {loss:?} m0 {m0} col {j}");
                            let (sums, c) = (sums.node(j), [pre.c0[j], pre.c1[j]]);
                            let (q, size) = sums.quadratic_form(c);
                            branches[0] += usize::from(node.is_none());
                            branches[1] += usize::from(pre.c1[j] < 0.0);
                            branches[2] += usize::from(q <= 1e-8 * size);
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(
            branches.iter().all(|&b| b > 0),
            "{branches:?} of {checked}: none, floor dropped, guard"
        );
    }

    #[test]
    fn three_region_evaluation_matches_point_by_point() {
        // The passes of `evaluate_three_region` must give `evaluate_points`' bits, with
        // and without the squared floor and the knee's bound, over subsets of the
        // parameters, for both losses, also where the curve leaves log loss's domain
        // (eps0 < 0: a negative model somewhere).
        let m = sizes(13, 3.0, 4e6);
        let y: Vec<f64> = m
            .iter()
            .map(|&v| 0.2 + 2.0 * (1.0 + v / 50.0).powf(-0.4))
            .collect();
        let frees: [&[usize]; 4] = [&[0, 1, 2, 3], &[0, 2, 3], &[0, 1, 2], &[1]];
        let mut checked = 0;
        for loss in Loss::ALL {
            let data = Data::new(&m, &y, loss).unwrap();
            for full in [
                [2.1, 3.7, -0.45, 0.4],
                [-0.3, 1.2, 0.8, 0.6],
                [1.5, 0.3, -1.9, 0.0],
            ] {
                for (squared_floor, knee_min) in [(false, None), (true, None), (true, Some(-1.5))] {
                    for free in frees {
                        let problem = Problem {
                            squared_floor,
                            knee_min,
                            ..Problem::new(Form::ThreeRegion, loss, &data, full, free)
                        };
                        let (r1, j1) = problem.evaluate_three_region();
                        let (r2, j2) = problem.evaluate_points();
                        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                        assert_eq!(
                            bits(r1.as_slice()),
                            bits(r2.as_slice()),
                            "{loss:?} {full:?}"
                        );
                        assert_eq!(
                            bits(j1.as_slice()),
                            bits(j2.as_slice()),
                            "{loss:?} {full:?} {free:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 72);
    }

    /// The unbinned search on every point: the reference the binned path must match.
    fn full_search(data: &Data, form: Form, loss: Loss) -> Local {
        let holds = Holds::from_options(form, &[]).unwrap();
        search_starts(data, form, loss, &holds)
            .iter()
            .filter_map(|s| polish(form, loss, data, &holds, s))
            .min_by(|a, b| a.ssr.total_cmp(&b.ssr))
            .unwrap()
    }

    #[test]
    fn binned_search_matches_the_search_on_every_point() {
        // 4,000 points: enough that the polish's patience is at its minimum, as with a
        // 10,000-row paste. Seeded multiplicative noise (a small LCG: no RNG crate).
        let mut state = 12345u64;
        let mut noise = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            1.0 + 0.03 * ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5)
        };
        let truths: [(Form, Vec<f64>, f64, f64); 3] = [
            // A floor and no small-data region: three-region's knee goes to its bound.
            (Form::PowerFloor, vec![3.0, -0.35, 0.05], 1e3, 1e7),
            // A knee inside the data.
            (Form::ThreeRegion, vec![0.9, 3e4, -0.45, 0.12], 1e2, 1e8),
            (Form::Power, vec![3.87, -0.128], 1e3, 1e9),
        ];
        for (truth, p, lo, hi) in &truths {
            let m = sizes(4000, *lo, *hi);
            let y: Vec<f64> = m.iter().map(|&v| truth.eval(p, v) * noise()).collect();
            for loss in Loss::ALL {
                let data = Data::new(&m, &y, loss).unwrap();
                for form in Form::ALL {
                    let fit = fit_form(
                        &m,
                        &y,
                        form,
                        &FitOptions {
                            loss,
                            fixed: vec![],
                        },
                    )
                    .unwrap();
                    let reference = full_search(&data, form, loss);
                    assert!(
                        fit.ssr <= reference.ssr * (1.0 + 1e-9) + 1e-15,
                        "{truth:?} data, {form:?} {loss:?}: binned {} > full {}",
                        fit.ssr,
                        reference.ssr
                    );
                    // A knee the data cannot place is held at its bound, not left
                    // crawling: the three-region fit converges. (A misspecified
                    // power-floor may run off to infinity, and need not.)
                    if form == Form::ThreeRegion {
                        assert!(fit.converged, "{truth:?} data, {form:?} {loss:?}");
                    }
                }
            }
        }
    }
}
