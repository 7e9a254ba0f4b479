//! The Levenberg-Marquardt problem of one polish: the free internal parameters, the
//! residuals and Jacobian in passes over the points (the formulas are the form's, in
//! `model.rs`), and the run of the `levenberg-marquardt` crate with a static parameter
//! dimension natively.

use std::cell::Cell;

use levenberg_marquardt::{LeastSquaresProblem, LevenbergMarquardt, TerminationReason};
use nalgebra::allocator::Allocator;
use nalgebra::{DVector, DefaultAllocator, Dim, Dyn, OMatrix, OVector, Owned, U1};

use super::polish::{within, Local, SAME_BASIN};
use super::Data;
use crate::model::{Form, Loss, Passes, MAX_PARAMS};

/// Residual of one point; a non-positive model under `log` loss (outside the domain)
/// gets a huge finite residual so that Levenberg-Marquardt rejects the step instead
/// of stopping on a NaN.
pub(super) fn residual(loss: Loss, value: f64, y: f64, ln_y: f64) -> f64 {
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
pub(super) struct Problem<'a, N: Dim> {
    pub(super) form: Form,
    pub(super) loss: Loss,
    pub(super) data: &'a Data,
    /// Internal full parameter vector (`ln m0` at the knee's index, or `w` when
    /// `knee_min`; `sqrt gamma` at the floor's index when `squared_floor`).
    pub(super) full: [f64; MAX_PARAMS],
    /// The free parameters' indices into `full`; `dim` of them.
    pub(super) free: &'a [usize],
    /// The number of free parameters, as the crate's dimension type.
    pub(super) dim: N,
    /// Search over `v` with `gamma = v^2`, so every step stays feasible (`gamma >= 0`).
    pub(super) squared_floor: bool,
    /// With a knee, `ln m0 = knee_min + w^2` with `w` at the knee's index: the knee's
    /// lower bound ([`crate::model::Knee::lowest`]).
    pub(super) knee_min: Option<f64>,
    /// With an upper bound too ([`crate::model::Knee::highest`]), `ln m0 = lo + (hi -
    /// lo) (1 - cos w) / 2` with `lo = knee_min` and this `hi`.
    pub(super) knee_max: Option<f64>,
    /// The Jacobian computed beside the last residuals, and the point it belongs to.
    pub(super) jacobian_cache: Cell<Option<JacobianAt<N>>>,
    /// See `Run::known` (`fit::polish`).
    pub(super) known: &'a [Local],
    /// The index into `known` of the optimum this polish reached, if it did.
    pub(super) merged: Cell<Option<usize>>,
    /// Working memory of [`Problem::evaluate`], kept between evaluations.
    pub(super) scratch: Cell<Scratch>,
}

/// See [`Problem::scratch`]: the form's passes, its values and the loss's scale at
/// every point.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    passes: Passes,
    values: Vec<f64>,
    scale: Vec<f64>,
}

/// A Jacobian and the internal parameters it was computed at.
type JacobianAt<N> = ([f64; MAX_PARAMS], OMatrix<f64, Dyn, N>);

impl<N: Dim> Problem<'_, N>
where
    DefaultAllocator: Allocator<Dyn> + Allocator<Dyn, N>,
{
    /// The natural parameters of the internal ones: the knee from `ln m0` (or from
    /// `w`, `ln m0 = knee_min + w^2`), the floor from `v` (`gamma = v^2`).
    pub(super) fn natural(&self) -> [f64; MAX_PARAMS] {
        let mut p = self.full;
        let spec = self.form.spec();
        if let Some(k) = spec.knee {
            let w = p[k.index];
            p[k.index] = match (self.knee_min, self.knee_max) {
                (Some(lo), Some(hi)) => (lo + (hi - lo) * 0.5 * (1.0 - w.cos())).exp(),
                (Some(lo), None) => (lo + w * w).exp(),
                _ => w.exp(),
            };
        }
        if let (true, Some(gi)) = (self.squared_floor, spec.floor) {
            p[gi] = p[gi] * p[gi];
        }
        if let (true, Some(ai)) = (self.squared_floor, spec.positive) {
            p[ai] = p[ai] * p[ai];
        }
        p
    }

    /// The chain rule's factor of internal parameter `j` over the form's own
    /// coordinate (see [`Form::value_grad`]): `2 w` for the bounded knee (`(hi - lo)
    /// sin(w) / 2` between two bounds), `2 v` for the squared floor.
    fn chain(&self, j: usize) -> Option<f64> {
        let spec = self.form.spec();
        let knee = self.knee_min.is_some() && spec.knee.is_some_and(|k| k.index == j);
        if let (true, Some(lo), Some(hi)) = (knee, self.knee_min, self.knee_max) {
            return Some((hi - lo) * 0.5 * self.full[j].sin());
        }
        let floor = self.squared_floor && (spec.floor == Some(j) || spec.positive == Some(j));
        (knee || floor).then(|| 2.0 * self.full[j])
    }

    /// Residuals and their Jacobian over the free internal parameters, in passes over
    /// the points: the form's values ([`Form::values`], each library call in a loop of
    /// its own), the residuals, the loss's scale, then the Jacobian a column at a time
    /// ([`Form::gradient_column`]), each a loop the compiler vectorizes. The same
    /// operations on the same values as point by point (`value_grad` and `residual`,
    /// the chain rule's factors, the loss's scale; tested), so the same bits: 11 % more
    /// three-region fits per second (`tr_prof`) than point by point.
    fn evaluate(&self) -> (DVector<f64>, OMatrix<f64, Dyn, N>) {
        let p = self.natural();
        let data = self.data;
        let n = data.len();
        let mut jac = OMatrix::<f64, Dyn, N>::zeros_generic(Dyn(n), self.dim);
        if n == 0 {
            // No points, no passes (`chunks_exact_mut(0)` below would panic).
            return (DVector::zeros(0), jac);
        }
        let mut s = self.scratch.take();
        s.values.resize(n, 0.0);
        self.form
            .values(&p, &data.m, &data.ln_m, &mut s.passes, &mut s.values);
        let mut res = DVector::zeros(n);
        for (i, (r, &v)) in res.iter_mut().zip(&s.values).enumerate() {
            let ln_y = data.ln_y.get(i).copied().unwrap_or(0.0);
            *r = residual(self.loss, v, data.y[i], ln_y);
        }
        s.scale.clear();
        s.scale.extend(s.values.iter().map(|&v| match self.loss {
            Loss::Linear => 1.0,
            Loss::Log => 1.0 / v,
        }));
        // Column-major storage: column `k` is the `k`-th run of `n` entries.
        for (col, &j) in jac.as_mut_slice().chunks_exact_mut(n).zip(self.free) {
            let chain = self.chain(j);
            self.form
                .gradient_column(&p, j, &data.ln_m, &s.passes, chain, &s.scale, col);
        }
        self.scratch.set(s);
        (res, jac)
    }

    /// [`Problem::evaluate`] point by point with [`Form::value_grad`]: the reference
    /// its passes match bit for bit.
    #[cfg(test)]
    fn evaluate_points(&self) -> (DVector<f64>, OMatrix<f64, Dyn, N>) {
        let p = self.natural();
        let d = self.data;
        let mut res = DVector::zeros(d.len());
        let mut jac = OMatrix::<f64, Dyn, N>::zeros_generic(Dyn(d.len()), self.dim);
        let mut g = [0.0; MAX_PARAMS];
        for i in 0..d.len() {
            let v = self.form.value_grad(&p, d.m[i], d.ln_m[i], &mut g);
            let ln_y = d.ln_y.get(i).copied().unwrap_or(0.0);
            res[i] = residual(self.loss, v, d.y[i], ln_y);
            let scale = match self.loss {
                Loss::Linear => 1.0,
                Loss::Log => 1.0 / v,
            };
            for (k, &j) in self.free.iter().enumerate() {
                if let Some(c) = self.chain(j) {
                    g[j] *= c;
                }
                jac[(i, k)] = g[j] * scale;
            }
        }
        (res, jac)
    }
}

impl<'a> Problem<'a, Dyn> {
    /// The plain problem over the free parameters `free` (indices into `full`): the
    /// floor and the knee searched as themselves, no known optima, nothing cached yet.
    pub(super) fn new(
        form: Form,
        loss: Loss,
        data: &'a Data,
        full: [f64; MAX_PARAMS],
        free: &'a [usize],
    ) -> Self {
        Problem {
            form,
            loss,
            data,
            full,
            free,
            dim: Dyn(free.len()),
            squared_floor: false,
            knee_min: None,
            knee_max: None,
            jacobian_cache: Cell::new(None),
            known: &[],
            merged: Cell::new(None),
            scratch: Cell::new(Scratch::default()),
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
            knee_max: self.knee_max,
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
pub(super) fn to_internal(form: Form, p: &[f64]) -> [f64; MAX_PARAMS] {
    let mut out = [0.0; MAX_PARAMS];
    for (o, v) in out.iter_mut().zip(p) {
        *o = *v;
    }
    if let Some(k) = form.spec().knee {
        out[k.index] = out[k.index].ln();
    }
    out
}

/// How a Levenberg-Marquardt run ended.
pub(super) enum Minimized {
    /// It reached the optimum at this index into `Run::known`.
    Merged(usize),
    /// It stopped at these natural parameters; `converged` when it met its
    /// convergence test (or could improve no further).
    Stopped {
        natural: [f64; MAX_PARAMS],
        converged: bool,
    },
}

/// Runs `lm` on `problem` (built over `Dyn` free parameters) with the parameter
/// dimension made static, `U1` to `U4` by the number of free parameters: the crate then
/// keeps its `n`-sized work on the stack (see [`Problem`]). The web build keeps `Dyn`:
/// one instantiation of the crate instead of four, for the page's size budget.
pub(super) fn minimize_static(lm: LevenbergMarquardt<f64>, problem: Problem<'_, Dyn>) -> Minimized {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sizes(n: usize, lo: f64, hi: f64) -> Vec<f64> {
        (0..n)
            .map(|i| (lo.ln() + (hi.ln() - lo.ln()) * i as f64 / (n - 1) as f64).exp())
            .collect()
    }

    #[test]
    fn knee_form_evaluation_matches_point_by_point() {
        // The passes of `evaluate` must give `evaluate_points`' bits, with
        // and without the squared floor and the knee's bound, over subsets of the
        // parameters, for both losses, also where the curve leaves log loss's domain
        // (three-region with eps0 < 0: a negative model somewhere). smooth-floor's
        // knee ln m1 is its index 0, three-region's ln m0 index 1.
        type Case = (
            Form,
            fn(f64) -> f64,
            [[f64; MAX_PARAMS]; 3],
            [&'static [usize]; 4],
        );
        let cases: [Case; 4] = [
            (
                Form::Sigmoid,
                |v| 0.2 + 2.0 * (1.0 + v / 50.0).powf(-0.4),
                [
                    [2.1, 3.7, -0.45, 0.4, 0.7],
                    [-0.3, 1.2, 0.8, 0.6, 2.5],
                    [1.5, 0.3, -1.9, 0.0, 0.05],
                ],
                [&[0, 1, 2, 3, 4], &[0, 2, 3], &[1, 2, 4], &[4]],
            ),
            (
                Form::ThreeRegion,
                |v| 0.2 + 2.0 * (1.0 + v / 50.0).powf(-0.4),
                [
                    [2.1, 3.7, -0.45, 0.4, 0.0],
                    [-0.3, 1.2, 0.8, 0.6, 0.0],
                    [1.5, 0.3, -1.9, 0.0, 0.0],
                ],
                [&[0, 1, 2, 3], &[0, 2, 3], &[0, 1, 2], &[1]],
            ),
            (
                Form::SmoothFloor,
                |v| 0.15 * (1.0 + 4e3 / v).powf(0.4),
                [
                    [8.3, -0.4, 0.15, 0.0, 0.0],
                    [1.2, 0.8, 0.6, 0.0, 0.0],
                    [12.0, -1.9, 0.0, 0.0, 0.0],
                ],
                [&[0, 1, 2], &[1, 2], &[0, 1], &[1]],
            ),
            (
                Form::BrokenPower,
                |v| 0.02 + 4.0 * v.powf(-0.45) * (1.0 + (v / 1e3).powf(1.0 / 0.3)).powf(0.09),
                [
                    [4.0, -0.45, 0.02, 6.9, 0.3],
                    [-1.2, 0.3, 0.6, 2.0, -0.8],
                    [9.0, -1.1, 0.0, 14.0, 1.5],
                ],
                [&[0, 1, 2, 3, 4], &[0, 2, 3], &[1, 3, 4], &[4]],
            ),
        ];
        for (form, curve, fulls, frees) in cases {
            let m = sizes(13, 3.0, 4e6);
            let y: Vec<f64> = m.iter().map(|&v| curve(v)).collect();
            let mut checked = 0;
            for loss in Loss::ALL {
                let data = Data::new(&m, &y, loss).unwrap();
                for full in fulls {
                    for (squared_floor, knee_min, knee_max) in [
                        (false, None, None),
                        (true, None, None),
                        (true, Some(-1.5), None),
                        (true, Some(-1.5), Some(16.0)),
                    ] {
                        for free in frees {
                            let problem = Problem {
                                squared_floor,
                                knee_min,
                                knee_max,
                                ..Problem::new(form, loss, &data, full, free)
                            };
                            let (r1, j1) = problem.evaluate();
                            let (r2, j2) = problem.evaluate_points();
                            let bits =
                                |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                            assert_eq!(
                                bits(r1.as_slice()),
                                bits(r2.as_slice()),
                                "{form:?} {loss:?} {full:?}"
                            );
                            assert_eq!(
                                bits(j1.as_slice()),
                                bits(j2.as_slice()),
                                "{form:?} {loss:?} {full:?} {free:?}"
                            );
                            checked += 1;
                        }
                    }
                }
            }
            assert_eq!(checked, 96, "{form:?}");
        }
    }

    #[test]
    fn power_evaluation_matches_point_by_point() {
        // The power forms' passes against `value_grad` point by point, as for
        // three-region: with and without the squared floor, over subsets of the
        // parameters, both losses, and a negative model (alpha < 0) under log loss.
        let m = sizes(11, 3.0, 4e6);
        let y: Vec<f64> = m.iter().map(|&v| 0.2 + 2.0 * v.powf(-0.4)).collect();
        let mut checked = 0;
        for loss in Loss::ALL {
            let data = Data::new(&m, &y, loss).unwrap();
            for full in [[2.1, -0.45, 0.4, 0.0, 0.0], [-0.3, 0.8, 0.6, 0.0, 0.0]] {
                let cases: [(Form, &[usize]); 5] = [
                    (Form::Power, &[0, 1]),
                    (Form::Power, &[1]),
                    (Form::PowerFloor, &[0, 1, 2]),
                    (Form::PowerFloor, &[0, 2]),
                    (Form::PowerFloor, &[1]),
                ];
                for (form, free) in cases {
                    for squared_floor in [false, true] {
                        let problem = Problem {
                            squared_floor,
                            ..Problem::new(form, loss, &data, full, free)
                        };
                        let (r1, j1) = problem.evaluate();
                        let (r2, j2) = problem.evaluate_points();
                        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                        assert_eq!(
                            bits(r1.as_slice()),
                            bits(r2.as_slice()),
                            "{form:?} {loss:?}"
                        );
                        assert_eq!(
                            bits(j1.as_slice()),
                            bits(j2.as_slice()),
                            "{form:?} {loss:?} {full:?} {free:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 40);
    }
}
