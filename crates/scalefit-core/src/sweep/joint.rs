//! The joint law `L(N, D) = E + A N^-alpha + B D^-beta` over every run of a sweep
//! (Hoffmann et al. 2022, Approach 3), fitted to its global optimum.
//!
//! Strategy (why, not just what): at fixed exponents `(alpha, beta)` the law is linear
//! in `(E, A, B)`, so a 40 x 40 grid of exponents (log-spaced in [0.02, 2]) is scanned
//! with the linear parameters solved exactly by non-negative least squares at each node
//! (for `log` and `huber` on the 1/y-weighted linearisation `(model - y) / y` of the log
//! residual, as [`crate::fit`] does), each node ranked by the exact objective at that
//! solution. The best few distinct local minima of that profile are polished on the
//! exact objective over all five parameters, and the best polish wins.
//!
//! The polish is a hand-written projected Levenberg-Marquardt on five parameters,
//! rather than the `levenberg-marquardt` crate, for two reasons: the bounds
//! `E, A, B >= 0` are kept by an active set (a bounded parameter at 0 whose gradient
//! points outward is held there), which the crate has no notion of, and `huber` is
//! not a sum of squares: its step is the iteratively reweighted one (weights
//! `min(1, delta/|r|)`, the Huber majoriser's curvature, which makes every step a
//! descent step of the exact Huber objective once accepted), with the gradient of the
//! exact objective. Reparametrising `E = e^2` would let the crate run but puts a zero
//! gradient at the bound, where the optimum of real sweeps often is (`E = 0`).

use std::ops::Range;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::analysis::Warning;
use crate::bootstrap::interval95;

use super::optim::{nnls3, objective_obs, polish, Local, Obs};
use super::{Sweep, SweepError, MIN_DISTINCT_SIZES, MIN_JOINT_RUNS};

/// Stream offset of the joint law's resamples: resample `i` draws from ChaCha8 stream
/// `JOINT_STREAM + i` of the seed, apart from the envelope's streams.
pub const JOINT_STREAM: u64 = 1 << 41;

/// Grid nodes per exponent.
const GRID: usize = 40;
/// Grid range of both exponents.
const GRID_RANGE: (f64, f64) = (0.02, 2.0);
/// Distinct grid minima polished.
const STARTS: usize = 4;

/// The objective the joint law minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum JointLoss {
    /// Sum of squared log residuals `(ln L(N, D) - ln y)^2`: relative error.
    #[default]
    Log,
    /// Sum of Huber losses of the log residual (Hoffmann et al. 2022, Besiroglu et
    /// al. 2024): `r^2 / 2` for `|r| <= delta`, `delta (|r| - delta/2)` beyond.
    Huber,
    /// Sum of squared residuals `(L(N, D) - y)^2`.
    Linear,
}

impl JointLoss {
    /// Every loss, default first.
    pub const ALL: [JointLoss; 3] = [JointLoss::Log, JointLoss::Huber, JointLoss::Linear];

    /// The id used by the CLI (`--loss`) and the JSON.
    pub fn id(self) -> &'static str {
        match self {
            JointLoss::Log => "log",
            JointLoss::Huber => "huber",
            JointLoss::Linear => "linear",
        }
    }

    /// Inverse of [`JointLoss::id`].
    pub fn from_id(s: &str) -> Option<JointLoss> {
        JointLoss::ALL.into_iter().find(|l| l.id() == s)
    }
}

serde_by_id!(JointLoss, "log", "huber", "linear");

/// Options of [`fit_joint`]. `Default`: `log` loss, `huber_delta` 1e-3 (Hoffmann et
/// al.'s), 1,000 bootstrap resamples, seed 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JointOptions {
    /// Objective.
    pub loss: JointLoss,
    /// Huber threshold on the log residual; used by `huber` only; must be > 0.
    pub huber_delta: f64,
    /// Bootstrap resamples of runs; 0 turns intervals off.
    pub bootstrap: usize,
    /// Bootstrap seed.
    pub seed: u64,
}

impl Default for JointOptions {
    fn default() -> Self {
        JointOptions {
            loss: JointLoss::Log,
            huber_delta: 1e-3,
            bootstrap: 1000,
            seed: 1,
        }
    }
}

/// Parameters of `L(N, D) = E + A N^-alpha + B D^-beta`, serialized with the field's
/// names `E`, `A`, `alpha`, `B`, `beta`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct JointParams {
    /// Irreducible loss, `>= 0`.
    #[serde(rename = "E")]
    pub e: f64,
    /// Model-size coefficient, `>= 0`.
    #[serde(rename = "A")]
    pub a: f64,
    /// Model-size exponent.
    pub alpha: f64,
    /// Data-size coefficient, `>= 0`.
    #[serde(rename = "B")]
    pub b: f64,
    /// Data-size exponent.
    pub beta: f64,
}

impl JointParams {
    /// Parameter names in the order of [`JointParams::to_array`].
    pub const NAMES: [&'static str; 5] = ["E", "A", "alpha", "B", "beta"];

    /// The law at model size `n` and data size `d`: the one place it is written.
    pub fn eval(&self, n: f64, d: f64) -> f64 {
        self.e + self.a * n.powf(-self.alpha) + self.b * d.powf(-self.beta)
    }

    /// The data size at which the law at model size `n` equals `loss`:
    /// `D = (B / (loss - E - A n^-alpha))^(1/beta)`, `None` where no positive finite
    /// `D` reaches it (the loss at or below the large-data limit at `n`). An iso-loss
    /// contour is this over a range of `n`.
    pub fn data_size_at(&self, n: f64, loss: f64) -> Option<f64> {
        if !(self.b > 0.0 && self.beta > 0.0) {
            return None;
        }
        let rest = loss - self.e - self.a * n.powf(-self.alpha);
        let d = (self.b / rest).powf(1.0 / self.beta);
        (rest > 0.0 && d.is_finite() && d > 0.0).then_some(d)
    }

    /// `[E, A, alpha, B, beta]`.
    pub fn to_array(self) -> [f64; 5] {
        [self.e, self.a, self.alpha, self.b, self.beta]
    }

    /// From `[E, A, alpha, B, beta]`.
    pub fn from_array(p: [f64; 5]) -> JointParams {
        JointParams {
            e: p[0],
            a: p[1],
            alpha: p[2],
            b: p[3],
            beta: p[4],
        }
    }
}

/// 95% bootstrap intervals of [`JointParams`], same names.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct JointCi95 {
    /// Interval of `E`.
    #[serde(rename = "E")]
    pub e: (f64, f64),
    /// Interval of `A`.
    #[serde(rename = "A")]
    pub a: (f64, f64),
    /// Interval of `alpha`.
    pub alpha: (f64, f64),
    /// Interval of `B`.
    #[serde(rename = "B")]
    pub b: (f64, f64),
    /// Interval of `beta`.
    pub beta: (f64, f64),
}

/// A fitted joint law. Serializes to the SPEC's `joint` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JointFit {
    /// Objective minimised.
    pub loss: JointLoss,
    /// Huber delta, for `huber` only.
    pub huber_delta: Option<f64>,
    /// The optimum.
    pub params: JointParams,
    /// 95% percentile intervals from the bootstrap, when it ran.
    pub ci95: Option<JointCi95>,
    /// Objective at the optimum: the sum over runs of the loss (squared residual, or
    /// Huber) at the optimum.
    pub objective: f64,
    /// Runs fitted.
    #[serde(skip)]
    pub n_runs: usize,
    /// Whether the polish met its convergence test at the optimum.
    #[serde(skip)]
    pub converged: bool,
    /// Bootstrap refits that succeeded.
    #[serde(skip)]
    pub samples: Vec<JointParams>,
    /// Bootstrap refits that failed.
    #[serde(skip)]
    pub failed: usize,
    /// Smallest `N D` of a run: the cheapest run's compute over `k`.
    #[serde(skip)]
    pub smallest_units: f64,
}

impl JointFit {
    /// Smallest `N * D` among the runs (multiply by `k` for its FLOPs).
    pub fn smallest_run_units(&self) -> f64 {
        self.smallest_units
    }

    /// Fit-health notes: a coefficient pinned at 0, no convergence, failed resamples.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut w = Vec::new();
        for (name, v) in [
            ("E", self.params.e),
            ("A", self.params.a),
            ("B", self.params.b),
        ] {
            if v == 0.0 {
                w.push(Warning {
                    code: "joint-at-bound",
                    message: format!("The joint law's {name} is pinned at its bound 0: that term is not supported by the runs."),
                });
            }
        }
        if !self.converged {
            w.push(Warning {
                code: "joint-not-converged",
                message: "The joint law's fit stopped before meeting its convergence test; treat its digits with care.".into(),
            });
        }
        let requested = self.samples.len() + self.failed;
        if requested > 0 && self.failed * 10 > requested {
            w.push(Warning {
                code: "joint-bootstrap-failures",
                message: format!("{} of {requested} bootstrap refits of the joint law failed; its intervals are unreliable.", self.failed),
            });
        }
        w
    }

    /// Adds bootstrap refits (from [`joint_bootstrap_samples`], in any chunking) and
    /// their 95% percentile intervals.
    pub fn with_bootstrap(mut self, samples: Vec<Option<JointParams>>) -> JointFit {
        self.failed = samples.iter().filter(|s| s.is_none()).count();
        self.samples = samples.into_iter().flatten().collect();
        let ci = |j: usize| {
            interval95(self.samples.iter().map(|p| p.to_array()[j])).unwrap_or((f64::NAN, f64::NAN))
        };
        self.ci95 = (!self.samples.is_empty()).then(|| JointCi95 {
            e: ci(0),
            a: ci(1),
            alpha: ci(2),
            b: ci(3),
            beta: ci(4),
        });
        self
    }
}

/// The objective of `params` on the runs of `sweep`: what [`fit_joint`] minimises
/// (`+inf` where the law is not positive under a log loss).
pub fn objective(sweep: &Sweep, params: &JointParams, loss: JointLoss, huber_delta: f64) -> f64 {
    let o = obs_of(sweep);
    objective_obs(&o, loss, huber_delta, &params.to_array())
}

fn obs_of(sweep: &Sweep) -> Obs {
    let r = sweep.runs();
    Obs::new(
        r.iter().map(|r| r.s.ln()).collect(),
        r.iter().map(|r| r.m.ln()).collect(),
        r.iter().map(|r| r.error).collect(),
    )
}

fn distinct(mut v: Vec<f64>) -> usize {
    v.sort_by(f64::total_cmp);
    v.dedup();
    v.len()
}

fn validate(sweep: &Sweep, options: &JointOptions) -> Result<(), SweepError> {
    if options.loss == JointLoss::Huber
        && !(options.huber_delta.is_finite() && options.huber_delta > 0.0)
    {
        return Err(SweepError::BadOption {
            name: "huber-delta",
            value: options.huber_delta,
            why: "the Huber delta must be finite and positive",
        });
    }
    let runs = sweep.runs();
    if runs.len() < MIN_JOINT_RUNS {
        return Err(SweepError::TooFewRuns {
            need: MIN_JOINT_RUNS,
            got: runs.len(),
        });
    }
    if options.loss != JointLoss::Linear {
        if let Some((index, r)) = runs.iter().enumerate().find(|(_, r)| r.error <= 0.0) {
            return Err(SweepError::BadRun {
                line: r.line,
                index,
                m: r.m,
                error: r.error,
                why: "an error must be positive for the log and huber losses",
            });
        }
    }
    for (what, got) in [
        ("model sizes", distinct(runs.iter().map(|r| r.s).collect())),
        ("data sizes", distinct(runs.iter().map(|r| r.m).collect())),
    ] {
        if got < MIN_DISTINCT_SIZES {
            return Err(SweepError::TooFewDistinct {
                what,
                need: MIN_DISTINCT_SIZES,
                got,
            });
        }
    }
    Ok(())
}

/// Fits `L(N, D) = E + A N^-alpha + B D^-beta` to every run of `sweep` (`N` the model
/// size, `D` the training-set size), with `E, A, B >= 0` and the exponents free.
///
/// Minimises the chosen objective (see [`JointLoss`]) globally, as the module docs
/// describe, then, with `options.bootstrap > 0`, refits that many resamples of the runs
/// (resample `i` on ChaCha8 stream [`JOINT_STREAM`]` + i` of `options.seed`, warm
/// started from the optimum) for 95% percentile intervals. Runs need not share
/// training-set sizes.
///
/// Returns the optimum, its objective and the intervals.
///
/// # Errors
/// [`SweepError::TooFewRuns`] below [`MIN_JOINT_RUNS`] runs,
/// [`SweepError::TooFewDistinct`] below [`MIN_DISTINCT_SIZES`] distinct model or data
/// sizes, [`SweepError::BadRun`] for an error <= 0 under `log` or `huber`,
/// [`SweepError::BadOption`] for a Huber delta that is not positive, and
/// [`SweepError::NoConvergence`] when no start reaches a finite objective.
pub fn fit_joint(sweep: &Sweep, options: &JointOptions) -> Result<JointFit, SweepError> {
    validate(sweep, options)?;
    let o = obs_of(sweep);
    let delta = options.huber_delta;
    let best = global(&o, options.loss, delta).ok_or(SweepError::NoConvergence)?;
    let smallest_units = sweep
        .runs()
        .iter()
        .map(|r| r.s * r.m)
        .fold(f64::INFINITY, f64::min);
    let fit = JointFit {
        loss: options.loss,
        huber_delta: (options.loss == JointLoss::Huber).then_some(delta),
        params: JointParams::from_array(best.p),
        ci95: None,
        objective: best.f,
        n_runs: sweep.len(),
        converged: best.converged,
        samples: Vec::new(),
        failed: 0,
        smallest_units,
    };
    if options.bootstrap == 0 {
        return Ok(fit);
    }
    let samples = joint_bootstrap_samples(sweep, &fit, options, 0..options.bootstrap);
    Ok(fit.with_bootstrap(samples))
}

/// Refits of bootstrap resamples `range` of `fit` (see [`fit_joint`]); `None` marks a
/// failed resample. Any chunking of the ranges gives the same refits.
pub fn joint_bootstrap_samples(
    sweep: &Sweep,
    fit: &JointFit,
    options: &JointOptions,
    range: Range<usize>,
) -> Vec<Option<JointParams>> {
    let o = obs_of(sweep);
    range
        .map(|i| {
            let idx = resample(&o, options.seed, JOINT_STREAM + i as u64)?;
            let ro = o.subset(&idx);
            let local = polish(&ro, fit.loss, options.huber_delta, fit.params.to_array())?;
            local
                .p
                .iter()
                .all(|v| v.is_finite())
                .then(|| JointParams::from_array(local.p))
        })
        .collect()
}

/// Indices of one resample of the runs; redrawn (up to 100 times) while it holds fewer
/// than [`MIN_DISTINCT_SIZES`] distinct model or data sizes.
fn resample(o: &Obs, seed: u64, stream: u64) -> Option<Vec<usize>> {
    let n = o.y.len();
    if n == 0 {
        return None;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    for _ in 0..100 {
        let idx: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        let dn = distinct(idx.iter().map(|&i| o.ln_n[i]).collect());
        let dd = distinct(idx.iter().map(|&i| o.ln_d[i]).collect());
        if dn >= MIN_DISTINCT_SIZES && dd >= MIN_DISTINCT_SIZES {
            return Some(idx);
        }
    }
    None
}

/// Grid scan with NNLS for the linear parameters, then polish of the best distinct
/// local minima of the profile.
fn global(o: &Obs, loss: JointLoss, delta: f64) -> Option<Local> {
    let n = o.y.len();
    let (lo, hi) = GRID_RANGE;
    let expo: Vec<f64> = (0..GRID)
        .map(|i| lo * (hi / lo).powf(i as f64 / (GRID - 1) as f64))
        .collect();
    // Scale the errors so the normal equations neither overflow nor underflow; the
    // weights are 1/y (the log residual's linearisation) relative to the smallest y.
    let scale = o.y.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    let scale = if scale > 0.0 && scale.is_finite() {
        scale
    } else {
        1.0
    };
    let ys: Vec<f64> = o.y.iter().map(|v| v / scale).collect();
    let w2: Vec<f64> = match loss {
        JointLoss::Linear => vec![1.0; n],
        JointLoss::Log | JointLoss::Huber => {
            let ymin = ys.iter().fold(f64::INFINITY, |a, v| a.min(*v));
            ys.iter().map(|v| (ymin / v).powi(2)).collect()
        }
    };
    let cols = |ln: &[f64]| -> Vec<Vec<f64>> {
        expo.iter()
            .map(|e| ln.iter().map(|l| (-e * l).exp()).collect())
            .collect()
    };
    let xs = cols(&o.ln_n);
    let zs = cols(&o.ln_d);
    // Per-column sums that do not depend on the other exponent.
    let sums = |c: &[f64]| -> [f64; 3] {
        let mut s = [0.0; 3];
        for j in 0..n {
            s[0] += w2[j] * c[j];
            s[1] += w2[j] * c[j] * c[j];
            s[2] += w2[j] * c[j] * ys[j];
        }
        s
    };
    let sx: Vec<[f64; 3]> = xs.iter().map(|c| sums(c)).collect();
    let sz: Vec<[f64; 3]> = zs.iter().map(|c| sums(c)).collect();
    let s1: f64 = w2.iter().sum();
    let sy: f64 = (0..n).map(|j| w2[j] * ys[j]).sum();
    let syy: f64 = (0..n).map(|j| w2[j] * ys[j] * ys[j]).sum();
    let mut value = vec![f64::INFINITY; GRID * GRID];
    let mut coef = vec![[0.0; 3]; GRID * GRID];
    for (ia, x) in xs.iter().enumerate() {
        for (ib, z) in zs.iter().enumerate() {
            let mut sxz = 0.0;
            for j in 0..n {
                sxz += w2[j] * x[j] * z[j];
            }
            let m = [
                [s1, sx[ia][0], sz[ib][0]],
                [sx[ia][0], sx[ia][1], sxz],
                [sz[ib][0], sxz, sz[ib][1]],
            ];
            let v = [sy, sx[ia][2], sz[ib][2]];
            let Some(c) = nnls3(&m, &v, syy) else {
                continue;
            };
            let c = [c[0] * scale, c[1] * scale, c[2] * scale];
            let p = [c[0], c[1], expo[ia], c[2], expo[ib]];
            value[ia * GRID + ib] = objective_obs(o, loss, delta, &p);
            coef[ia * GRID + ib] = c;
        }
    }
    let mut minima: Vec<(f64, usize, usize)> = Vec::new();
    for ia in 0..GRID {
        for ib in 0..GRID {
            let v = value[ia * GRID + ib];
            if !v.is_finite() {
                continue;
            }
            let mut is_min = true;
            for da in -1i64..=1 {
                for db in -1i64..=1 {
                    let (ja, jb) = (ia as i64 + da, ib as i64 + db);
                    if (da, db) != (0, 0)
                        && (0..GRID as i64).contains(&ja)
                        && (0..GRID as i64).contains(&jb)
                        && value[ja as usize * GRID + jb as usize] < v
                    {
                        is_min = false;
                    }
                }
            }
            if is_min {
                minima.push((v, ia, ib));
            }
        }
    }
    minima.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut kept: Vec<(usize, usize)> = Vec::new();
    let mut best: Option<Local> = None;
    for &(_, ia, ib) in &minima {
        if kept
            .iter()
            .any(|&(ka, kb)| ia.abs_diff(ka) <= 2 && ib.abs_diff(kb) <= 2)
        {
            continue;
        }
        kept.push((ia, ib));
        let c = coef[ia * GRID + ib];
        let start = [c[0], c[1], expo[ia], c[2], expo[ib]];
        if let Some(l) = polish(o, loss, delta, start) {
            if best.is_none_or(|b| l.f < b.f) {
                best = Some(l);
            }
        }
        if kept.len() == STARTS {
            break;
        }
    }
    best
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::sweep::Run;

    fn grid_sweep(truth: JointParams, noise: impl Fn(usize) -> f64) -> Sweep {
        let mut runs = Vec::new();
        let mut k = 0;
        for i in 0..6 {
            for j in 0..6 {
                let n = 1e7 * 3f64.powi(i);
                let d = 1e9 * 3f64.powi(j);
                runs.push(Run::new(d, n, truth.eval(n, d) * (1.0 + noise(k))));
                k += 1;
            }
        }
        Sweep::new(runs).unwrap()
    }

    const TRUTH: JointParams = JointParams {
        e: 1.69,
        a: 406.4,
        alpha: 0.34,
        b: 410.7,
        beta: 0.28,
    };

    #[test]
    fn exact_data_recover_the_truth() {
        let s = grid_sweep(TRUTH, |_| 0.0);
        for loss in JointLoss::ALL {
            let opts = JointOptions {
                loss,
                bootstrap: 0,
                ..JointOptions::default()
            };
            let f = fit_joint(&s, &opts).unwrap();
            let p = f.params.to_array();
            for (got, want) in p.iter().zip(TRUTH.to_array()) {
                assert!((got / want - 1.0).abs() < 1e-5, "{loss:?} {p:?}");
            }
            assert!(f.objective < 1e-12, "{loss:?} {}", f.objective);
        }
    }

    #[test]
    fn floor_at_zero_is_held_at_the_bound() {
        let truth = JointParams { e: 0.0, ..TRUTH };
        let s = grid_sweep(truth, |k| 0.01 * ((k * 7 % 5) as f64 - 2.0));
        let f = fit_joint(
            &s,
            &JointOptions {
                bootstrap: 0,
                ..JointOptions::default()
            },
        )
        .unwrap();
        assert!(f.params.e >= 0.0 && f.params.a >= 0.0 && f.params.b >= 0.0);
        assert!(f.objective.is_finite());
    }

    #[test]
    fn bootstrap_chunking_does_not_matter() {
        let s = grid_sweep(TRUTH, |k| 0.02 * ((k * 7 % 5) as f64 - 2.0));
        let opts = JointOptions {
            bootstrap: 0,
            ..JointOptions::default()
        };
        let f = fit_joint(&s, &opts).unwrap();
        let whole = joint_bootstrap_samples(&s, &f, &opts, 0..12);
        let mut parts = joint_bootstrap_samples(&s, &f, &opts, 0..5);
        parts.extend(joint_bootstrap_samples(&s, &f, &opts, 5..12));
        assert_eq!(whole, parts);
        let f = f.with_bootstrap(whole);
        let ci = f.ci95.unwrap();
        assert!(ci.alpha.0 <= f.params.alpha && f.params.alpha <= ci.alpha.1);
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let few = Sweep::new(
            (0..5)
                .map(|i| Run::new(1.0 + i as f64, 1.0 + i as f64, 1.0))
                .collect(),
        )
        .unwrap();
        let e = fit_joint(&few, &JointOptions::default()).unwrap_err();
        assert_eq!(e, SweepError::TooFewRuns { need: 6, got: 5 });
        assert!(e.to_string().contains("at least 6 runs"));
        let two = Sweep::new(
            (0..8)
                .map(|i| Run::new(1.0 + i as f64, 1.0 + (i % 2) as f64, 1.0))
                .collect(),
        )
        .unwrap();
        assert!(matches!(
            fit_joint(&two, &JointOptions::default()),
            Err(SweepError::TooFewDistinct {
                what: "model sizes",
                ..
            })
        ));
        let s = grid_sweep(TRUTH, |_| 0.0);
        let bad = JointOptions {
            loss: JointLoss::Huber,
            huber_delta: 0.0,
            ..JointOptions::default()
        };
        assert!(matches!(
            fit_joint(&s, &bad),
            Err(SweepError::BadOption {
                name: "huber-delta",
                ..
            })
        ));
    }
}
