//! Sweeps (SPEC section 6): runs of several model sizes per training-set size, read as
//! the envelope of best runs (Hestness et al. 2017) and as one joint law
//! `L(N, D) = E + A N^-alpha + B D^-beta` over every run (Hoffmann et al. 2022,
//! Approach 3; Besiroglu et al. 2024), with the compute a target costs.
//!
//! The input is validated once into a [`Sweep`]; [`analyze_sweep`] runs the whole
//! section (envelope, learning curve on it, joint law, compute) so the CLI and the page
//! report the same numbers. The parts are also public on their own: [`envelope()`],
//! [`joint::fit_joint`], [`compute`].

pub mod compute;
pub mod envelope;
pub mod joint;
mod optim;

use serde::Serialize;

use crate::analysis::{Analysis, Warning};
use crate::parse::Point;

pub use compute::{
    accelerator_hours, allocate, least_compute, Allocation, ComputeOptimal, TargetCompute,
    Throughput,
};
pub use envelope::{analyze_envelope, envelope, EnvelopePoint, SizeLaw};
pub use joint::{fit_joint, JointFit, JointLoss, JointOptions, JointParams};

/// Fewest runs the joint law accepts: five parameters plus one, so the fit has at
/// least one degree of freedom (fewer runs interpolate, and any interval is noise).
pub const MIN_JOINT_RUNS: usize = 6;

/// Fewest distinct model sizes and distinct data sizes the joint law accepts: each
/// power-law term has a coefficient and an exponent on top of the shared floor, so
/// two levels of a size leave that term undetermined.
pub const MIN_DISTINCT_SIZES: usize = 3;

/// One training run: its training-set size, model size and final error (or loss).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Run {
    /// 1-based line of the input it came from, when it came from text.
    pub line: Option<usize>,
    /// Training-set size `m` (`D` in the joint law): examples or tokens.
    pub m: f64,
    /// Model size `s` (`N` in the joint law): parameters.
    pub s: f64,
    /// Error or loss at the end of training (lower is better).
    pub error: f64,
}

impl Run {
    /// A run without a line number.
    pub fn new(m: f64, s: f64, error: f64) -> Run {
        Run {
            line: None,
            m,
            s,
            error,
        }
    }
}

/// Runs checked once: every size finite and positive, every error finite. Errors must
/// also be positive for the `log` and `huber` losses; [`joint::fit_joint`] checks that,
/// since `linear` accepts an error of 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    runs: Vec<Run>,
}

/// Why a sweep could not be read, fitted or projected. Carries the offending value
/// and, when the run came from text, its line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    /// No runs at all.
    #[error("a sweep needs runs; none were given")]
    Empty,
    /// A run has no model size (the input has no model-size column, or this row left
    /// it empty).
    #[error("{} has no model size; a sweep needs one for every run", at(*.line, *.index))]
    MissingModelSize {
        /// 1-based input line, if known.
        line: Option<usize>,
        /// 0-based index of the run.
        index: usize,
    },
    /// A model size that is zero, negative, NaN or infinite.
    #[error("{} has model size {value}; model sizes must be finite and positive", at(*.line, *.index))]
    BadModelSize {
        /// 1-based input line, if known.
        line: Option<usize>,
        /// 0-based index of the run.
        index: usize,
        /// The size given.
        value: f64,
    },
    /// A training-set size or error that cannot be used.
    #[error("{} (m = {m}, error = {error}) cannot be used: {why}", at(*.line, *.index))]
    BadRun {
        /// 1-based input line, if known.
        line: Option<usize>,
        /// 0-based index of the run.
        index: usize,
        /// Its training-set size.
        m: f64,
        /// Its error.
        error: f64,
        /// Reason.
        why: &'static str,
    },
    /// Fewer runs than the joint law's five parameters plus one.
    #[error("the joint law L(N, D) needs at least {need} runs (5 parameters + 1), got {got}")]
    TooFewRuns {
        /// Runs needed ([`MIN_JOINT_RUNS`]).
        need: usize,
        /// Runs given.
        got: usize,
    },
    /// Too few distinct model sizes or data sizes to identify a power-law term.
    #[error("the joint law needs at least {need} distinct {what}, got {got}")]
    TooFewDistinct {
        /// `"model sizes"` or `"data sizes"`.
        what: &'static str,
        /// Needed ([`MIN_DISTINCT_SIZES`]).
        need: usize,
        /// Given.
        got: usize,
    },
    /// An option out of its range (a Huber delta <= 0, FLOPs per parameter <= 0, ...).
    #[error("{name} = {value} is not allowed: {why}")]
    BadOption {
        /// Option name as the CLI spells it.
        name: &'static str,
        /// Value given.
        value: f64,
        /// Reason.
        why: &'static str,
    },
    /// A target loss at or below the fitted floor `E`: no finite compute reaches it.
    #[error(
        "a target loss of {target} is unreachable: the joint law never falls below E = {floor}"
    )]
    TargetUnreachable {
        /// Target asked for.
        target: f64,
        /// The fitted `E`.
        floor: f64,
    },
    /// A target that is not a positive finite number.
    #[error("target loss {target} must be finite and positive")]
    BadTarget {
        /// Target given.
        target: f64,
    },
    /// A compute budget below the compute of the cheapest run of the sweep: the law
    /// would be extrapolated downwards, where nothing was measured.
    #[error(
        "a budget of {compute:e} FLOPs is below the cheapest run of the sweep ({smallest:e} FLOPs)"
    )]
    BudgetTooSmall {
        /// Budget given.
        compute: f64,
        /// `k N D` of the cheapest run.
        smallest: f64,
    },
    /// No start of the joint fit reached a finite objective.
    #[error("the joint law fit did not converge from any start")]
    NoConvergence,
}

fn at(line: Option<usize>, index: usize) -> String {
    match line {
        Some(l) => format!("line {l}"),
        None => format!("run {}", index + 1),
    }
}

impl Sweep {
    /// Validates `runs`. They are kept as given, in order: repeated runs (equal in every
    /// column) each count in the joint law, as they would in SciPy; dropping exact
    /// duplicates is the parser's decision (SPEC section 6).
    ///
    /// # Errors
    /// [`SweepError::Empty`] for no runs, [`SweepError::BadModelSize`] for a model size
    /// that is not finite and positive, [`SweepError::BadRun`] for a training-set size
    /// that is not finite and positive or an error that is not finite.
    pub fn new(runs: Vec<Run>) -> Result<Sweep, SweepError> {
        if runs.is_empty() {
            return Err(SweepError::Empty);
        }
        for (index, r) in runs.iter().enumerate() {
            if !(r.s.is_finite() && r.s > 0.0) {
                return Err(SweepError::BadModelSize {
                    line: r.line,
                    index,
                    value: r.s,
                });
            }
            let why = if !(r.m.is_finite() && r.m > 0.0) {
                Some("the training-set size must be finite and positive")
            } else if !r.error.is_finite() {
                Some("the error must be finite")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(SweepError::BadRun {
                    line: r.line,
                    index,
                    m: r.m,
                    error: r.error,
                    why,
                });
            }
        }
        Ok(Sweep { runs })
    }

    /// Runs from parsed points (their model-size column), keeping their line numbers.
    ///
    /// # Errors
    /// [`SweepError::MissingModelSize`] for a point without a model size, and the
    /// errors of [`Sweep::new`].
    pub fn from_points(points: &[Point]) -> Result<Sweep, SweepError> {
        let runs = points
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let s = p.model_size.ok_or(SweepError::MissingModelSize {
                    line: Some(p.line),
                    index,
                })?;
                Ok(Run {
                    line: Some(p.line),
                    m: p.m,
                    s,
                    error: p.error,
                })
            })
            .collect::<Result<Vec<Run>, SweepError>>()?;
        Sweep::new(runs)
    }

    /// The runs, in input order.
    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// Number of runs.
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    /// Always `false`: a validated sweep holds at least one run.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// Whether points with a model-size column read as a sweep by default: some
/// training-set size holds several distinct model sizes (SPEC section 6). Otherwise
/// each row is the best run of its size (section 1's model-size law).
pub fn is_sweep(points: &[Point]) -> bool {
    let mut pairs: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| p.model_size.map(|s| (p.m, s)))
        .filter(|(m, s)| !m.is_nan() && !s.is_nan())
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    pairs
        .windows(2)
        .any(|w| w[0].0 == w[1].0 && w[0].1 != w[1].1)
}

/// Options of [`analyze_sweep`]. `Default`: the defaults of [`JointOptions`] (log
/// loss, Huber delta 1e-3, 1,000 resamples, seed 1), `k = 6` FLOPs per parameter per
/// example, no budget, no target, no throughput.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOptions {
    /// Joint-law loss, Huber delta, bootstrap count and seed (also used for the
    /// envelope's intervals).
    pub joint: JointOptions,
    /// `k` in `C = k N D`; default 6 (a dense transformer's forward and backward pass).
    pub flops_per_param: f64,
    /// A compute budget in FLOPs to allocate, if any.
    pub compute: Option<f64>,
    /// A target loss, if any.
    pub target_error: Option<f64>,
    /// Accelerator throughput, to turn FLOPs into accelerator-hours.
    pub throughput: Option<Throughput>,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            joint: JointOptions::default(),
            flops_per_param: compute::DEFAULT_FLOPS_PER_PARAM,
            compute: None,
            target_error: None,
            throughput: None,
        }
    }
}

/// How rows with a model-size column are read (SPEC section 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RowsAs {
    /// Decided by the data: a sweep when some training-set size holds several model
    /// sizes, else the best run per size.
    #[default]
    Auto,
    /// The best run per training-set size (section 1's model-size law).
    Best,
    /// The runs of a sweep (envelope and joint law).
    Sweep,
}

impl RowsAs {
    /// Every setting, default first.
    pub const ALL: [RowsAs; 3] = [RowsAs::Auto, RowsAs::Best, RowsAs::Sweep];

    /// The id used by the page's switch and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            RowsAs::Auto => "auto",
            RowsAs::Best => "best",
            RowsAs::Sweep => "sweep",
        }
    }

    /// Inverse of [`RowsAs::id`].
    pub fn from_id(s: &str) -> Option<RowsAs> {
        RowsAs::ALL.into_iter().find(|r| r.id() == s)
    }
}

serde_by_id!(RowsAs, "auto", "best", "sweep");

/// What a permalink keeps of a sweep's settings; absent fields take the defaults of
/// [`SweepOptions`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepView {
    /// How rows with a model-size column are read.
    #[serde(default)]
    pub rows: RowsAs,
    /// Joint-law loss.
    #[serde(default)]
    pub loss: JointLoss,
    /// Huber delta; `None`: 1e-3.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::permalink::exact::option"
    )]
    pub huber_delta: Option<f64>,
    /// `k` in `C = k N D`; `None`: 6.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::permalink::exact::option"
    )]
    pub flops_per_param: Option<f64>,
    /// Compute budget to allocate, in FLOPs.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::permalink::exact::option"
    )]
    pub budget: Option<f64>,
    /// Peak FLOP/s per accelerator.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::permalink::exact::option"
    )]
    pub flops_per_second: Option<f64>,
    /// Utilisation of that peak, in (0, 1].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::permalink::exact::option"
    )]
    pub utilisation: Option<f64>,
}

/// Everything section 6 reports for one sweep. Serializes to the SPEC's JSON keys
/// except `learning_curve`, which is a full [`Analysis`] that the front ends render
/// as their section-4 object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepReport {
    /// Runs fitted.
    pub n_runs: usize,
    /// Best run per training-set size holding several model sizes (empty otherwise).
    pub envelope: Vec<EnvelopePoint>,
    /// The learning curve fitted on the envelope, when it has enough points.
    #[serde(skip)]
    pub learning_curve: Option<Analysis>,
    /// `s = sigma m^beta_p` on the envelope's best sizes.
    pub size_fit: Option<SizeLaw>,
    /// The joint law over every run.
    pub joint: JointFit,
    /// Compute-optimal exponents and coefficient.
    pub compute_optimal: ComputeOptimal,
    /// Allocation of the budget, with [`SweepOptions::compute`].
    pub allocation: Option<Allocation>,
    /// Least compute for the target, with [`SweepOptions::target_error`].
    pub target: Option<TargetCompute>,
    /// Compute `k s* m*` of the envelope's projection for the target, when the learning
    /// curve reaches it.
    pub envelope_compute: Option<f64>,
    /// Notes and warnings (unbracketed optima, empty envelope, ...).
    pub warnings: Vec<Warning>,
}

/// The whole of section 6 for one sweep: envelope, learning curve and size law on it,
/// joint law over every run, compute-optimal allocation, target compute.
///
/// # Errors
/// The joint law's errors ([`joint::fit_joint`]), a bad `flops_per_param`
/// ([`SweepError::BadOption`]), and a budget below the cheapest run
/// ([`SweepError::BudgetTooSmall`]). An unreachable target is not an error: it is
/// reported in [`SweepReport::target`] as `reachable: false`.
pub fn analyze_sweep(sweep: &Sweep, options: &SweepOptions) -> Result<SweepReport, SweepError> {
    let k = options.flops_per_param;
    compute::check_k(k)?;
    if let Some(t) = &options.throughput {
        accelerator_hours(1.0, t)?;
    }
    let mut warnings = Vec::new();
    let env = envelope(sweep);
    warnings.extend(env.warnings.iter().cloned());
    let lc = analyze_envelope(&env.points, &options.joint, options.target_error);
    warnings.extend(lc.warnings.iter().cloned());
    let joint = fit_joint(sweep, &options.joint)?;
    warnings.extend(joint.warnings());
    let compute_optimal = ComputeOptimal::new(&joint.params, k);
    let smallest = joint.smallest_run_units() * k;
    let allocation = match options.compute {
        Some(c) => match allocate(&joint.params, c, k, Some(smallest)) {
            Ok(a) => Some(a),
            // A law without a frontier is an outcome of the data, not of the request:
            // a note, not an error. A bad or too small budget is the request's fault.
            Err(SweepError::BadOption { name, .. }) if name != "compute" => {
                warnings.push(Warning {
                    code: "joint-no-frontier",
                    message: "The joint law has no compute-optimal frontier (A, B, alpha and beta must all be positive), so no budget can be allocated.".into(),
                });
                None
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    let target = options
        .target_error
        .map(|t| compute::target_compute(&joint, t, k, options.throughput));
    let envelope_compute = lc
        .analysis
        .as_ref()
        .and_then(|a| a.projection.as_ref())
        .filter(|p| p.reachable)
        .and_then(|p| Some(compute::envelope_compute(p.data_size?, p.model_size?, k)));
    Ok(SweepReport {
        n_runs: sweep.len(),
        envelope: env.points,
        learning_curve: lc.analysis,
        size_fit: lc.size_law,
        joint,
        compute_optimal,
        allocation,
        target,
        envelope_compute,
        warnings,
    })
}

impl SweepReport {
    /// The report with the joint law's bootstrap added: `samples` are the refits of
    /// resamples `0..n` (from [`joint::joint_bootstrap_samples`], in any chunking), so a
    /// report fitted with `bootstrap = 0` and completed here equals the one
    /// [`analyze_sweep`] returns with `bootstrap = n`, bit for bit: the joint law's
    /// intervals, the target's intervals and the joint law's notes are redone.
    pub fn with_joint_bootstrap(
        mut self,
        samples: Vec<Option<JointParams>>,
        options: &SweepOptions,
    ) -> SweepReport {
        let before = self.joint.warnings();
        self.warnings.retain(|w| !before.contains(w));
        self.joint = self.joint.with_bootstrap(samples);
        self.warnings.extend(self.joint.warnings());
        self.target = options.target_error.map(|t| {
            compute::target_compute(&self.joint, t, options.flops_per_param, options.throughput)
        });
        self
    }
}
