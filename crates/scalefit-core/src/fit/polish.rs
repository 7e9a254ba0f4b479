//! The local polish: Levenberg-Marquardt from a start on the exact objective, the
//! floor's bound `gamma >= 0` (searched as `v^2`, retried held at 0), the knee's bound,
//! the search's budget over its starts (`polish_starts`), and the full-data polish of
//! what a binned search found.

use super::problem::{minimize_static, residual, to_internal, Minimized, Problem};
use super::{loglog_line, Search};
use levenberg_marquardt::LevenbergMarquardt;

use crate::model::{Loss, MAX_PARAMS};

/// Result of one local polish.
#[derive(Debug, Clone)]
pub(crate) struct Local {
    pub params: Vec<f64>,
    pub ssr: f64,
    pub converged: bool,
    pub floor_at_bound: bool,
}

/// How a polish runs: how long, and which optima earlier starts found (see
/// [`Search::polish_starts`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Run<'a> {
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
pub(super) const SAME_BASIN: f64 = 1e-3;

/// How long a polish may run: [`Patience::Short`] for the search's later starts
/// (see [`Search::polish_starts`]).
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

impl Search<'_> {
    /// Levenberg-Marquardt from `start` (natural values; held entries are
    /// overwritten).
    ///
    /// The floor is searched as `gamma = v^2`, which keeps every step feasible, so an
    /// interior optimum is found even when the unconstrained one has `gamma < 0`. When
    /// the result ends near the bound, the fit is also redone with `gamma` held at 0
    /// (where `v^2` converges slowly) and the better of the two is kept.
    pub(crate) fn polish(&self, start: &[f64]) -> Option<Local> {
        self.polish_with(start, Run::FULL)
    }

    fn polish_with(&self, start: &[f64], run: Run<'_>) -> Option<Local> {
        let Search {
            form, data, holds, ..
        } = *self;
        if self.exact_line() {
            // Least squares on the log-log line is this problem's exact optimum,
            // wherever the polish would start.
            // On extreme data (sizes near 1e-119, errors near 1e295) `alpha` underflows
            // to 0 and the line's curve leaves the domain: no fit (RELIABILITY.md,
            // finding 12).
            let (a, b) = loglog_line(data)?;
            // A log-linear form's parameters are the line's (`Spec::log_linear`).
            let params = vec![a, b];
            let s = self.ssr_in_domain(&params)?;
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
            return self.polish_free(&p, run);
        };
        let scale = data.y.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        let mut inner = p.clone();
        if inner[gi] <= 0.0 {
            // v = 0 is a stationary point of v^2: start just inside the bound instead.
            inner[gi] = 1e-3 * scale;
        }
        let interior = self.polish_free(&inner, run);
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
        let pinned = holds.with(gi, 0.0);
        let at_bound = Search {
            holds: &pinned,
            ..*self
        };
        let mut candidates = vec![interior];
        let mut from_start = p.clone();
        from_start[gi] = 0.0;
        candidates.push(at_bound.polish_free(&from_start, run).map(|l| Local {
            floor_at_bound: true,
            ..l
        }));
        if let Some(l) = candidates.first().and_then(|c| c.clone()) {
            let mut q = l.params;
            q[gi] = 0.0;
            candidates.push(at_bound.polish_free(&q, run).map(|l| Local {
                floor_at_bound: true,
                ..l
            }));
        }
        let chosen = pick_floor(candidates)?;
        let at_zero = chosen.floor_at_bound || chosen.params[gi] <= 1e-6 * scale;
        if !at_zero || self.pushes_outward(gi, &chosen.params) {
            return Some(chosen);
        }
        // The SSR falls as the floor rises from its bound: the bound is not the
        // bounded problem's optimum, but the interior polish stalled there (the
        // gradient in `v` vanishes at `v = 0`). Polish again from floors well inside,
        // at fractions of the smallest error, and keep the best.
        let y_min = data.y.iter().fold(f64::INFINITY, |s, v| s.min(v.abs()));
        let mut candidates = vec![Some(chosen.clone())];
        for f in INTERIOR_FLOORS {
            let mut q = chosen.params.clone();
            q[gi] = f * y_min;
            candidates.push(self.polish_free(&q, Run::FULL));
        }
        pick_floor(candidates).or(Some(chosen))
    }

    /// One Levenberg-Marquardt run over the free parameters, the floor searched as
    /// `v^2` and a free knee kept above its bound.
    fn polish_free(&self, start: &[f64], run: Run<'_>) -> Option<Local> {
        let Search {
            form,
            loss,
            data,
            holds,
        } = *self;
        let spec = form.spec();
        let free = holds.free(form);
        let mut full = to_internal(form, start);
        if let Some(gi) = spec.floor {
            full[gi] = full[gi].max(0.0).sqrt();
        }
        if let Some(ai) = spec.positive {
            // u = 0 is stationary: a start below the bound begins at its mirror image
            // (the same magnitude, a plausible scale for the coefficient).
            full[ai] = full[ai].abs().max(f64::MIN_POSITIVE).sqrt();
        }
        let knee = spec.knee.filter(|k| !holds.held[k.index]);
        let knee_min = knee.map(|_| self.knee_floor());
        let knee_max = knee.and_then(|_| self.knee_ceiling());
        match (knee, knee_min, knee_max) {
            (Some(k), Some(lo), Some(hi)) if hi > lo => {
                // cos w = 1 - 2 t at the fraction t of the way from lo to hi; w = 0
                // and w = pi are stationary: start a little inside the bounds.
                let t = ((full[k.index] - lo) / (hi - lo)).clamp(1e-4, 1.0 - 1e-4);
                full[k.index] = (1.0 - 2.0 * t).acos();
            }
            (Some(k), Some(lo), _) => {
                // w = 0 is stationary: start a little inside the bound.
                full[k.index] = (full[k.index] - lo).max(0.01).sqrt();
            }
            _ => {}
        }
        // Bounds that meet (all the sizes equal) leave the knee at the lower one.
        let knee_max = knee_max.filter(|&hi| knee_min.is_some_and(|lo| hi > lo));
        if !full.iter().take(form.n_params()).all(|v| v.is_finite()) {
            return None;
        }
        let problem = Problem {
            squared_floor: true,
            knee_min,
            knee_max,
            known: run.known,
            ..Problem::new(form, loss, data, full, &free)
        };
        let (converged_params, converged) = if free.is_empty() {
            (problem.natural(), true)
        } else {
            match minimize_static(lm(data.len(), run.patience, spec.patience), problem) {
                Minimized::Merged(i) => return run.known.get(i).cloned(),
                Minimized::Stopped { natural, converged } => (natural, converged),
            }
        };
        let mut params = converged_params[..form.n_params()].to_vec();
        holds.apply(&mut params);
        // A parameter can run off to infinity while the SSR stays finite (three-region
        // with m0 = inf is a constant curve), and a curve outside the loss's domain at
        // a point (not finite, or <= 0 under log loss) only scores the finite penalty
        // of `residual`: neither is a fit.
        let s = self.ssr_in_domain(&params)?;
        params.iter().all(|v| v.is_finite()).then_some(Local {
            params,
            ssr: s,
            converged,
            floor_at_bound: false,
        })
    }

    /// The sum of squared residuals of natural parameters `p` on the data when it is
    /// finite and the curve is inside the loss's domain at every point (finite, and
    /// `> 0` under `log` loss), else `None`: a curve outside the domain only scores
    /// `residual`'s finite penalty, which is no fit. One pass of [`Form::eval`]
    /// (a `powf` a point) serves the sum and the check.
    ///
    /// [`Form::eval`]: crate::model::Form::eval
    pub(super) fn ssr_in_domain(&self, p: &[f64]) -> Option<f64> {
        let Search {
            form, loss, data, ..
        } = *self;
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

    /// Polishes the search's starts, best first. Once one has converged, the others
    /// run with [`Patience::Short`] and stop where they reach an optimum already found
    /// ([`Run::known`]). A short polish that ran out of patience is continued at full
    /// patience only while it is within [`IN_CONTENTION`] of the best converged
    /// optimum; one further above is abandoned (left out of the locals: it cannot
    /// win). Until a start converges (a fit whose best is a valley leading off to
    /// infinity) every start gets full patience, and so does each start when
    /// `all_full` (see `fit_data`: a broken power law searched on binned data).
    pub(super) fn polish_starts(&self, starts: &[Vec<f64>], all_full: bool) -> Vec<Local> {
        let mut locals: Vec<Local> = Vec::with_capacity(starts.len());
        // The converged ones among `locals`, and the best of their SSRs.
        let mut known: Vec<Local> = Vec::new();
        let mut best = f64::INFINITY;
        for s in starts {
            let patience = if known.is_empty() || all_full {
                Patience::Full
            } else {
                Patience::Short
            };
            let run = Run {
                patience,
                known: &known,
            };
            let Some(mut l) = self.polish_with(s, run) else {
                continue;
            };
            if !l.converged && patience == Patience::Short {
                if l.ssr >= best * (1.0 + IN_CONTENTION) {
                    // Abandoned: it cannot win, and on binned data it would cost a
                    // full-data polish as the runner-up.
                    continue;
                }
                if let Some(more) = self.polish(&l.params) {
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

    /// `ln` of the knee's lower bound ([`crate::model::Knee::lowest`]: two decades
    /// below the smallest size).
    fn knee_floor(&self) -> f64 {
        let lowest = self.form.spec().knee.map_or(1.0, |k| k.lowest);
        self.data.ln_m_min - lowest.ln()
    }

    /// For a knee bounded on both sides (the broken power law's break), the best of
    /// `locals` polished again with the knee held at each bound: the optimum can lie
    /// on a bound (on the Revisiting curve IC c_25 BiT/101/3 the break sits at the
    /// smallest size, 1.4 % below the best interior optimum), where the polish's
    /// coordinate `w` is stationary and a free polish stops short of it.
    pub(super) fn knee_bound_locals(&self, locals: &[Local]) -> Vec<Local> {
        let Some(k) = self.form.spec().knee.filter(|k| !self.holds.held[k.index]) else {
            return Vec::new();
        };
        let Some(hi) = self.knee_ceiling() else {
            return Vec::new();
        };
        let Some(best) = locals.iter().min_by(|a, b| a.ssr.total_cmp(&b.ssr)) else {
            return Vec::new();
        };
        [self.knee_floor(), hi]
            .into_iter()
            .filter_map(|bound| {
                let pinned = self.holds.with(k.index, bound.exp());
                let held = Search {
                    holds: &pinned,
                    ..*self
                };
                held.polish(&best.params)
            })
            .collect()
    }

    /// `ln` of the knee's upper bound, if it has one ([`crate::model::Knee::highest`]:
    /// the largest size for the broken power law's break).
    fn knee_ceiling(&self) -> Option<f64> {
        let highest = self.form.spec().knee.and_then(|k| k.highest)?;
        Some(self.data.ln_m_max + highest.ln())
    }

    /// Polishes on all the points (this search's data) a minimum the search found on
    /// the binned copy `binned`.
    ///
    /// A knee that the search left at its bound (two decades below the smallest size)
    /// is first refitted held at the full data's bound. That is the answer when moving
    /// the knee inward would raise the SSR (the first-order optimality condition of
    /// the bounded problem); it spares Levenberg-Marquardt a crawl along the flat
    /// valley `w -> 0` that costs tens of evaluations over every point and ends
    /// without meeting its convergence test. Otherwise the knee is polished free.
    pub(super) fn polish_full(&self, binned: &Search<'_>, local: &Local) -> Option<Local> {
        let knee = self.form.spec().knee.filter(|k| !self.holds.held[k.index]);
        if let Some(k) = knee {
            let ln_knee = local.params.get(k.index).map(|m0| m0.ln());
            let at_floor = ln_knee.is_some_and(|v| v <= binned.knee_floor() + 1e-6);
            // The same at an upper bound (the broken power law's break at the largest
            // size), where the SSR must not fall as the knee moves down.
            let at_ceiling = ln_knee
                .zip(binned.knee_ceiling())
                .is_some_and(|(v, hi)| v >= hi - 1e-6);
            let bound = if at_floor {
                Some((self.knee_floor(), 1.0))
            } else if at_ceiling {
                self.knee_ceiling().map(|hi| (hi, -1.0))
            } else {
                None
            };
            if let Some((ln_bound, outward)) = bound {
                let pinned = self.holds.with(k.index, ln_bound.exp());
                let held = Search {
                    holds: &pinned,
                    ..*self
                };
                if let Some(l) = held.polish(&local.params) {
                    if l.converged && self.pushes_outward_by(k.index, &l.params, outward) {
                        return Some(l);
                    }
                }
            }
        }
        self.polish(&local.params)
    }

    /// Whether the SSR of parameters `p` does not fall when the bounded parameter at
    /// `index` moves inward (`d SSR / d theta >= 0` in the fitter's coordinate: `ln m0`
    /// for the knee, `gamma` for the floor; to rounding): with it at its lower bound,
    /// the bounded problem is then at a first-order optimum in that direction.
    fn pushes_outward(&self, index: usize, p: &[f64]) -> bool {
        self.pushes_outward_by(index, p, 1.0)
    }

    /// [`Search::pushes_outward`] for a bound on either side: `outward` is `1.0` at a
    /// lower bound, `-1.0` at an upper one (the SSR must not fall as the parameter
    /// moves down).
    fn pushes_outward_by(&self, index: usize, p: &[f64], outward: f64) -> bool {
        let Search {
            form, loss, data, ..
        } = *self;
        if p.len() != form.n_params() || p.len() > MAX_PARAMS {
            return false;
        }
        let mut p4 = [0.0; MAX_PARAMS];
        p4[..p.len()].copy_from_slice(p);
        let mut g = [0.0; MAX_PARAMS];
        let (mut slope, mut size) = (0.0, 0.0);
        for i in 0..data.len() {
            let v = form.value_grad(&p4, data.m[i], data.ln_m[i], &mut g);
            let (r, dr) = match loss {
                Loss::Linear => (v - data.y[i], g[index]),
                Loss::Log => (
                    v.ln() - data.ln_y.get(i).copied().unwrap_or(0.0),
                    g[index] / v,
                ),
            };
            slope += r * dr;
            size += (r * dr).abs();
        }
        slope.is_finite() && outward * slope >= -1e-10 * size
    }

    /// The form solved exactly: free, under `log` loss, a straight line in log-log
    /// space ([`crate::model::Spec::log_linear`]), whose least-squares solution is the
    /// global optimum.
    pub(super) fn exact_line(&self) -> bool {
        self.form.spec().log_linear && self.loss == Loss::Log && !self.holds.held.iter().any(|h| *h)
    }
}

/// Floors (fractions of the smallest error) from which the floor is polished again
/// when a polish stalled at `gamma = 0` although the SSR falls inward
/// ([`Search::pushes_outward`]). On IC `bird_25` `MiX/B/16` of the Revisiting benchmark
/// the power-floor optimum has `gamma` at 7 % of the smallest error.
const INTERIOR_FLOORS: [f64; 2] = [0.5, 0.05];

/// The best of the floor's candidates. Within rounding of the best, the floor at its
/// bound is the answer: the interior polish only approaches it as `v^2 -> 0`.
fn pick_floor(candidates: Vec<Option<Local>>) -> Option<Local> {
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

/// Natural parameter vectors equal to within 1e-6 relative (or 1e-12 absolute).
fn same_point(a: &[f64], b: &[f64]) -> bool {
    within(a, b, 1e-6, 1e-12)
}

/// Parameter vectors of the same length whose every pair of entries differs by at most
/// `rel` of the larger magnitude plus `abs`.
pub(super) fn within(a: &[f64], b: &[f64], rel: f64, abs: f64) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= rel * x.abs().max(y.abs()) + abs)
}

/// The polish's settings. Patience (evaluations per parameter) shrinks on large data:
/// a start near the optimum converges in a few steps whatever `n`, and only a
/// degenerate valley (a knee or floor the data cannot place) uses more, at `n`
/// residuals a step. The step tolerance `xtol = 1e-10` (relative, in the scaled
/// parameters) stops the polish where the SSR no longer changes: at `1e-15` it spent
/// its last three to five evaluations moving parameters in their tenth digit. On 600
/// seeded curves the two settings' parameters differ by at most 1.7e-9 relative and
/// their SSRs by 1.1e-13 (BENCHMARKS.md, "Search budget").
///
/// A form's [`crate::model::Spec::patience`] multiplies both: the sigmoid's knee
/// shape and place trade off along a valley so flat that at the others' budget the
/// polish stopped with the SSR at 2e-9 on a noise-free curve (a recovery property).
fn lm(n: usize, patience: Patience, scale: usize) -> LevenbergMarquardt<f64> {
    let full = (30_000 * scale / n.max(1)).clamp(8, 30 * scale);
    LevenbergMarquardt::new()
        .with_ftol(1e-15)
        .with_xtol(1e-10)
        .with_gtol(1e-15)
        .with_patience(match patience {
            Patience::Full => full,
            Patience::Short => full.min(SHORT_PATIENCE),
        })
}
