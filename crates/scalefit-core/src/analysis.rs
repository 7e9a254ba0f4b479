//! The whole analysis the app and the CLI show: model choice by AICc, intervals,
//! projection, backtest, model-size fit, region boundaries and fit-health warnings.
//! One entry point, [`analyze`], so both front ends report the same numbers.

use serde::Serialize;

use crate::bootstrap::{bootstrap_samples, interval95, resample, Bootstrap, SIZE_STREAM};
use crate::fit::{fit_form, loglog_line, Data, Fit, FitError, FitOptions};
use crate::model::{Form, Loss, ModelChoice};
use crate::parse::Point;
use crate::project::{fmt_num, project, Projection, SizeModel};

/// Options of [`analyze`]. `Default`: auto model, log loss, 1,000 resamples, seed 1,
/// no target, backtest holds out the largest size.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisOptions {
    /// Form or `auto`.
    pub model: ModelChoice,
    /// Loss and held parameters.
    pub fit: FitOptions,
    /// Bootstrap resamples; 0 turns intervals off.
    pub bootstrap: usize,
    /// Bootstrap seed.
    pub seed: u64,
    /// Target error (already converted from accuracy), if any.
    pub target_error: Option<f64>,
    /// Largest distinct sizes held out by the backtest when the data flag none.
    pub backtest_k: usize,
    /// A preset's `beta_p` for the model-size projection when the data have no
    /// model-size column, with the user's current model size if known.
    pub preset_beta_p: Option<(f64, Option<f64>)>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            model: ModelChoice::Auto,
            fit: FitOptions::default(),
            bootstrap: 1000,
            seed: 1,
            target_error: None,
            backtest_k: 1,
            preset_beta_p: None,
        }
    }
}

/// Why no analysis could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// No form could be fitted; carries each form's reason.
    #[error("no fit: {}", .0.iter().map(|(f, e)| format!("{}: {e}", f.id())).collect::<Vec<_>>().join("; "))]
    NoFit(Vec<(Form, FitError)>),
}

/// One row of the model comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Form.
    pub form: Form,
    /// SSR, if the form was fitted.
    pub ssr: Option<f64>,
    /// AICc, if the form was fitted.
    pub aicc: Option<f64>,
    /// AICc minus the best AICc.
    pub delta_aicc: Option<f64>,
    /// Free parameters.
    pub k: usize,
    /// Why the form was not fitted.
    pub error: Option<String>,
    /// The fit itself, kept so checks need not refit.
    #[serde(skip)]
    pub fit: Option<Fit>,
}

/// `s = sigma * m^beta_p`, fitted as a line in log-log space (sizes span decades).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SizeFit {
    /// Coefficient.
    pub sigma: f64,
    /// Exponent.
    pub beta_p: f64,
    /// Points used.
    pub n: usize,
    /// 95% intervals of `[sigma, beta_p]`.
    pub ci95: Option<[(f64, f64); 2]>,
    /// Bootstrap refits.
    #[serde(skip)]
    pub samples: Vec<[f64; 2]>,
}

/// A held-out point and its prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeldOutPoint {
    /// Size.
    pub m: f64,
    /// Measured error.
    pub observed: f64,
    /// Predicted error.
    pub predicted: f64,
    /// `predicted / observed - 1`.
    pub relative_error: f64,
}

/// Backtest: fit on the smaller sizes, predict the held-out larger ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    /// Form used for the prediction.
    pub form: Form,
    /// Points fitted.
    pub n_train: usize,
    /// Predictions.
    pub held_out: Vec<HeldOutPoint>,
    /// Mean of `|relative_error|`.
    pub mean_abs_relative_error: f64,
    /// `true` when the held-out points were flagged in the data, `false` when the
    /// largest sizes were held out.
    pub flagged: bool,
}

/// Region boundaries of a `three-region` fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Regions {
    /// End of the small-data region (`m0`).
    pub power_law_start: f64,
    /// Where the power-law term falls to `gamma`; infinite when `gamma = 0`.
    pub power_law_end: f64,
}

/// A fit-health warning: a stable code for tests and a sentence for people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// Stable identifier, e.g. `few-points`.
    pub code: &'static str,
    /// Sentence shown to the user.
    pub message: String,
}

/// Everything the front ends show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The chosen fit.
    pub fit: Fit,
    /// Every form tried (one row unless `auto`).
    pub comparison: Vec<Comparison>,
    /// Bootstrap summary, when run.
    pub bootstrap: Option<Bootstrap>,
    /// Model-size fit, when the data have a model-size column with 2+ sizes.
    pub size_fit: Option<SizeFit>,
    /// Projection for the target, when a target is set.
    pub projection: Option<Projection>,
    /// Backtest, when there are points to hold out.
    pub backtest: Option<Backtest>,
    /// Region boundaries, for `three-region`.
    pub regions: Option<Regions>,
    /// Fit-health warnings.
    pub warnings: Vec<Warning>,
    /// The warnings that depend only on the point fit (computed once).
    #[serde(skip)]
    point_warnings: Vec<Warning>,
    /// Smallest and largest fitted size.
    pub m_range: (f64, f64),
    /// Sizes and errors fitted.
    #[serde(skip)]
    pub m: Vec<f64>,
    /// Errors fitted.
    #[serde(skip)]
    pub y: Vec<f64>,
    /// Model sizes `(m, s)`.
    #[serde(skip)]
    pub sizes: Vec<(f64, f64)>,
    /// Held-out points `(m, error)` flagged in the data.
    #[serde(skip)]
    pub held_out: Vec<(f64, f64)>,
    /// The options used.
    #[serde(skip)]
    pub options: AnalysisOptions,
}

/// Fits `choice`: one form, or every form the points allow, ranked by AICc.
///
/// # Errors
/// [`AnalysisError::NoFit`] when no form could be fitted.
pub fn fit_choice(
    m: &[f64],
    y: &[f64],
    choice: ModelChoice,
    options: &FitOptions,
) -> Result<(Fit, Vec<Comparison>), AnalysisError> {
    let forms: Vec<Form> = match choice {
        ModelChoice::Form(f) => vec![f],
        ModelChoice::Auto => Form::ALL.to_vec(),
    };
    let mut fits = Vec::new();
    let mut errors = Vec::new();
    for form in forms {
        // In auto mode a fixed parameter applies only to the forms that have it.
        let fixed: Vec<(String, f64)> = if choice == ModelChoice::Auto {
            options
                .fixed
                .iter()
                .filter(|(n, _)| form.param_index(n).is_some())
                .cloned()
                .collect()
        } else {
            options.fixed.clone()
        };
        match fit_form(
            m,
            y,
            form,
            &FitOptions {
                loss: options.loss,
                fixed,
            },
        ) {
            Ok(f) => fits.push(f),
            Err(e) => errors.push((form, e)),
        }
    }
    // Auto prefers forms whose AICc is defined (n > k + 1); if none is, the best SSR
    // per parameter count wins among what fitted.
    let best = fits
        .iter()
        .filter(|f| f.aicc.is_finite())
        .min_by(|a, b| a.aicc.total_cmp(&b.aicc))
        .or_else(|| fits.iter().min_by_key(|f| f.k))
        .cloned();
    let Some(best) = best else {
        return Err(AnalysisError::NoFit(errors));
    };
    let mut comparison: Vec<Comparison> = fits
        .iter()
        .map(|f| Comparison {
            form: f.form,
            ssr: Some(f.ssr),
            aicc: f.aicc.is_finite().then_some(f.aicc),
            delta_aicc: (f.aicc.is_finite() && best.aicc.is_finite()).then_some(f.aicc - best.aicc),
            k: f.k,
            error: None,
            fit: Some(f.clone()),
        })
        .collect();
    comparison.extend(errors.iter().map(|(f, e)| Comparison {
        form: *f,
        ssr: None,
        aicc: None,
        delta_aicc: None,
        k: f.n_params(),
        error: Some(e.to_string()),
        fit: None,
    }));
    comparison.sort_by_key(|c| c.form);
    Ok((best, comparison))
}

/// Log-log line through `(m, s)`; `None` with fewer than 2 distinct sizes.
pub fn fit_model_size(points: &[(f64, f64)]) -> Option<[f64; 2]> {
    let (m, s): (Vec<f64>, Vec<f64>) = points.iter().copied().unzip();
    let data = Data::new(&m, &s, Loss::Log).ok()?;
    let (sigma, beta) = loglog_line(&data)?;
    Some([sigma, beta])
}

/// The point fit, without bootstrap: fast enough to show at once while the intervals
/// are computed. Call [`Analysis::with_bootstrap`] (or [`analyze`]) for the rest.
///
/// # Errors
/// [`AnalysisError::NoFit`] when no form could be fitted.
pub fn analyze_point(
    points: &[Point],
    held_out: &[Point],
    options: &AnalysisOptions,
) -> Result<Analysis, AnalysisError> {
    let m: Vec<f64> = points.iter().map(|p| p.m).collect();
    let y: Vec<f64> = points.iter().map(|p| p.error).collect();
    let (fit, comparison) = fit_choice(&m, &y, options.model, &options.fit)?;
    let sizes: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| p.model_size.map(|s| (p.m, s)))
        .collect();
    let size_fit = fit_model_size(&sizes).map(|[sigma, beta_p]| SizeFit {
        sigma,
        beta_p,
        n: sizes.len(),
        ci95: None,
        samples: Vec::new(),
    });
    let lo = m.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = m.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let held: Vec<(f64, f64)> = held_out.iter().map(|p| (p.m, p.error)).collect();
    let backtest = if held.is_empty() {
        backtest_largest(&m, &y, &fit, options)
    } else {
        Some(predict(&fit, &held, m.len(), true)).filter(|b| !b.held_out.is_empty())
    };
    let regions = regions(&fit);
    let mut a = Analysis {
        fit,
        comparison,
        bootstrap: None,
        size_fit,
        projection: None,
        backtest,
        regions,
        warnings: Vec::new(),
        point_warnings: Vec::new(),
        m_range: (lo, hi),
        m,
        y,
        sizes,
        held_out: held,
        options: options.clone(),
    };
    a.point_warnings = point_health(&a);
    a.refresh();
    Ok(a)
}

/// Point fit, bootstrap and projection in one call (the CLI's path).
///
/// # Errors
/// [`AnalysisError::NoFit`] when no form could be fitted.
pub fn analyze(
    points: &[Point],
    held_out: &[Point],
    options: &AnalysisOptions,
) -> Result<Analysis, AnalysisError> {
    let a = analyze_point(points, held_out, options)?;
    let samples = a.bootstrap_chunk(0..options.bootstrap);
    let sizes = a.size_bootstrap_chunk(0..options.bootstrap);
    Ok(a.with_bootstrap(samples, sizes))
}

impl Analysis {
    /// Refits of resamples `range` (see [`crate::bootstrap::bootstrap_samples`]).
    pub fn bootstrap_chunk(&self, range: std::ops::Range<usize>) -> Vec<Option<Vec<f64>>> {
        let mut fixed = self.options.fit.fixed.clone();
        fixed.retain(|(n, _)| self.fit.form.param_index(n).is_some());
        let opts = FitOptions {
            loss: self.fit.loss,
            fixed,
        };
        let n = range.len();
        bootstrap_samples(&self.m, &self.y, &self.fit, &opts, self.options.seed, range)
            .unwrap_or_else(|_| vec![None; n])
    }

    /// Model-size refits of resamples `range`.
    pub fn size_bootstrap_chunk(&self, range: std::ops::Range<usize>) -> Vec<Option<[f64; 2]>> {
        if self.size_fit.is_none() {
            return Vec::new();
        }
        let ms: Vec<f64> = self.sizes.iter().map(|p| p.0).collect();
        range
            .map(|i| {
                let idx = resample(&ms, self.options.seed, SIZE_STREAM + i as u64, 2)?;
                let pts: Vec<(f64, f64)> = idx
                    .iter()
                    .filter_map(|&j| self.sizes.get(j).copied())
                    .collect();
                fit_model_size(&pts)
            })
            .collect()
    }

    /// Adds bootstrap refits: intervals, projection intervals, warnings.
    pub fn with_bootstrap(
        mut self,
        samples: Vec<Option<Vec<f64>>>,
        size_samples: Vec<Option<[f64; 2]>>,
    ) -> Analysis {
        if !samples.is_empty() {
            self.bootstrap = Some(Bootstrap::from_samples(&self.fit, samples.len(), samples));
        }
        if let Some(sf) = &mut self.size_fit {
            sf.samples = size_samples.into_iter().flatten().collect();
            if !sf.samples.is_empty() {
                let a = interval95(sf.samples.iter().map(|s| s[0]));
                let b = interval95(sf.samples.iter().map(|s| s[1]));
                sf.ci95 = a.zip(b).map(|(a, b)| [a, b]);
            }
        }
        self.refresh();
        self
    }

    /// Projects a new target without refitting.
    pub fn with_target(mut self, target_error: Option<f64>) -> Analysis {
        self.options.target_error = target_error;
        self.refresh();
        self
    }

    fn refresh(&mut self) {
        let size_model = match (&self.size_fit, self.options.preset_beta_p) {
            (Some(sf), _) => Some(SizeModel::Fitted {
                params: [sf.sigma, sf.beta_p],
                samples: sf.samples.clone(),
            }),
            (None, Some((beta_p, s))) => Some(SizeModel::Anchored {
                beta_p,
                m: self.m_range.1,
                s,
            }),
            (None, None) => None,
        };
        let samples: &[Vec<f64>] = self.bootstrap.as_ref().map_or(&[], |b| &b.samples);
        self.projection = self
            .options
            .target_error
            .map(|t| project(&self.fit, samples, t, self.m_range.1, size_model.as_ref()));
        self.warnings = self.point_warnings.clone();
        self.warnings.extend(interval_health(self));
    }

    /// 95% interval of parameter `i`, when the bootstrap ran.
    pub fn ci95(&self, i: usize) -> Option<(f64, f64)> {
        self.bootstrap
            .as_ref()
            .and_then(|b| b.ci95.get(i).copied())
            .filter(|(a, b)| !a.is_nan() && !b.is_nan())
    }

    /// The chosen fit's predicted error at each size of `sizes`, in order, with the
    /// pointwise 95% interval of the bootstrap refits when the bootstrap ran (the
    /// percentiles of the refitted curves at that size, as the plotted band).
    pub fn predict(&self, sizes: &[f64]) -> Vec<Prediction> {
        let samples: &[Vec<f64>] = self.bootstrap.as_ref().map_or(&[], |b| &b.samples);
        sizes
            .iter()
            .map(|&m| Prediction {
                m,
                error: self.fit.eval(m),
                ci95: interval95(samples.iter().map(|p| self.fit.form.eval(p, m))),
            })
            .collect()
    }
}

/// The chosen fit's prediction at one size ([`Analysis::predict`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// Training-set size.
    pub m: f64,
    /// Predicted error.
    pub error: f64,
    /// Pointwise 95% bootstrap interval of the error; `None` without a bootstrap.
    pub ci95: Option<(f64, f64)>,
}

fn predict(fit: &Fit, held: &[(f64, f64)], n_train: usize, flagged: bool) -> Backtest {
    // A relative error needs a nonzero observation (an error of 0 is possible with
    // linear loss); such points are left out rather than reported as infinite.
    let held_out: Vec<HeldOutPoint> = held
        .iter()
        .filter(|(_, observed)| *observed != 0.0)
        .map(|&(m, observed)| {
            let predicted = fit.eval(m);
            HeldOutPoint {
                m,
                observed,
                predicted,
                relative_error: predicted / observed - 1.0,
            }
        })
        .filter(|h| h.relative_error.is_finite())
        .collect();
    let mean =
        held_out.iter().map(|h| h.relative_error.abs()).sum::<f64>() / held_out.len().max(1) as f64;
    Backtest {
        form: fit.form,
        n_train,
        held_out,
        mean_abs_relative_error: mean,
        flagged,
    }
}

/// Holds out the `k` largest distinct sizes, refits the same choice on the rest.
fn backtest_largest(
    m: &[f64],
    y: &[f64],
    chosen: &Fit,
    options: &AnalysisOptions,
) -> Option<Backtest> {
    if options.backtest_k == 0 {
        return None;
    }
    let mut distinct = m.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let cut = *distinct.get(distinct.len().checked_sub(options.backtest_k)?)?;
    type Pairs = Vec<(f64, f64)>;
    let (train, held): (Pairs, Pairs) = m
        .iter()
        .copied()
        .zip(y.iter().copied())
        .partition(|(mi, _)| *mi < cut);
    if train.len() < 3 {
        return None;
    }
    let (tm, ty): (Vec<f64>, Vec<f64>) = train.iter().copied().unzip();
    // The form chosen on all the data, refitted on the smaller sizes: the backtest
    // asks whether that law predicts, not which law the fewer points would pick.
    let mut fixed = options.fit.fixed.clone();
    fixed.retain(|(n, _)| chosen.form.param_index(n).is_some());
    let fit = fit_form(
        &tm,
        &ty,
        chosen.form,
        &FitOptions {
            loss: options.fit.loss,
            fixed,
        },
    )
    .ok()?;
    Some(predict(&fit, &held, train.len(), false)).filter(|b| !b.held_out.is_empty())
}

fn regions(fit: &Fit) -> Option<Regions> {
    let (start, end) = fit.form.regions(&fit.params)?;
    Some(Regions {
        power_law_start: start,
        power_law_end: end,
    })
}

fn warn(code: &'static str, message: String) -> Warning {
    Warning { code, message }
}

/// Fit-health checks of SPEC section 1 that depend on the point fit only.
fn point_health(a: &Analysis) -> Vec<Warning> {
    let mut w = Vec::new();
    let fit = &a.fit;
    let (lo, hi) = a.m_range;
    if fit.n < fit.k + 3 {
        w.push(warn("few-points", format!("only {} points for {} free parameters: intervals are wide and the form choice is weak; measure more sizes", fit.n, fit.k)));
    }
    if hi / lo < 10.0 {
        w.push(warn("narrow-range", format!("sizes span only {:.1}x (less than one order of magnitude): exponents are poorly determined and extrapolation is unsafe", hi / lo)));
    }
    // Rising error: a positive exponent, or a negative one under a negative
    // coefficient (power-floor with alpha < 0, three-region with eps0 < gamma).
    let (e_lo, e_hi) = (fit.eval(lo), fit.eval(hi));
    match fit.param("beta_g") {
        Some(b) if b > 0.0 => {
            w.push(warn("increasing", format!("the error increases with data (beta_g = {}): did you paste accuracy? Set the metric to accuracy", fmt_num(b))));
        }
        Some(_) if e_hi > e_lo => {
            w.push(warn("increasing", format!("the fitted error increases with data (from {} at m = {} to {} at m = {}): did you paste accuracy? Set the metric to accuracy", fmt_num(e_lo), fmt_num(lo), fmt_num(e_hi), fmt_num(hi))));
        }
        _ => {}
    }
    if fit.floor_at_bound {
        w.push(warn("floor-at-bound", "the floor gamma is pinned at its bound 0: the data show no irreducible error; a pure power law describes them as well".into()));
    }
    if let Some(r) = &a.regions {
        if r.power_law_start > hi {
            w.push(warn("m0-outside", format!("m0 = {} lies beyond the largest size: the data are all in the small-data region", fmt_num(r.power_law_start))));
        }
    }
    // Small-data contamination: a pure power law fitted while three-region, with its
    // knee inside the data, explains the points clearly better.
    if matches!(fit.form, Form::Power | Form::PowerFloor) {
        let known = a
            .comparison
            .iter()
            .find(|c| c.form == Form::ThreeRegion)
            .and_then(|c| c.fit.clone());
        let three = known.or_else(|| {
            fit_form(
                &a.m,
                &a.y,
                Form::ThreeRegion,
                &FitOptions {
                    loss: fit.loss,
                    fixed: Vec::new(),
                },
            )
            .ok()
        });
        if let Some(tr) = three {
            let m0 = tr.param("m0").unwrap_or(0.0);
            if tr.aicc + 4.0 < fit.aicc && m0 > lo && m0 < hi {
                w.push(warn(
                    "small-data",
                    format!("points below m ≈ {} look like the small-data region and bend the {} fit: drop them or use three-region", fmt_num(m0), fit.form.id()),
                ));
            }
        }
    }
    if !fit.converged {
        w.push(warn(
            "not-converged",
            "the optimiser stopped before its convergence test was met: the fit may be imprecise"
                .into(),
        ));
    }
    w
}

/// Checks of the bootstrap and the projection, redone when either changes.
fn interval_health(a: &Analysis) -> Vec<Warning> {
    let mut w = Vec::new();
    if let Some(b) = &a.bootstrap {
        if b.failed * 20 > b.requested {
            w.push(warn(
                "bootstrap-failures",
                format!(
                    "{} of {} bootstrap refits failed: intervals rest on the rest",
                    b.failed, b.requested
                ),
            ));
        }
    }
    w.extend(undetermined_params(a));
    if let Some(p) = &a.projection {
        if let Some(x) = p.data_multiplier {
            if x > 100.0 {
                w.push(warn("far-extrapolation", format!("the target lies {:.1} decades beyond the largest size: treat the projection as a rough guide", x.log10())));
            }
        }
        w.extend(undetermined_projection(p));
    }
    w
}

/// A parameter whose 95% interval is wider than its value is not determined by the
/// data, whatever its correlations: the warning is about the numbers the user reads.
/// Strong correlation alone is no sign of trouble: on a clean power law `alpha` and
/// `beta_g` correlate at |r| > 0.99 while both are known to a few parts in a thousand.
/// Held parameters have no interval and are skipped; so is everything when the
/// bootstrap did not run (there is no interval to read).
fn undetermined_params(a: &Analysis) -> Option<Warning> {
    let fit = &a.fit;
    let loose: Vec<String> = fit
        .form
        .param_names()
        .iter()
        .enumerate()
        .filter(|(i, _)| !fit.held.get(*i).copied().unwrap_or(true))
        .filter_map(|(i, name)| {
            let v = *fit.params.get(i)?;
            let (lo, hi) = a.ci95(i)?;
            (hi - lo > v.abs()).then(|| {
                format!(
                    "{name} = {} (95% interval {} to {})",
                    fmt_num(v),
                    fmt_num(lo),
                    fmt_num(hi)
                )
            })
        })
        .collect();
    if loose.is_empty() {
        return None;
    }
    let (subject, verb) = if loose.len() == 1 {
        ("its interval is", "is")
    } else {
        ("each interval is", "are")
    };
    Some(warn(
        "undetermined",
        format!(
            "{} {verb} not determined by the data: {subject} wider than the value; hold a parameter you know, or measure more sizes over a wider range",
            loose.join(", ")
        ),
    ))
}

/// A projection whose 95% interval spans more than a decade (or has no upper end:
/// some resamples never reach the target) is a guess, however precise its point value
/// looks.
fn undetermined_projection(p: &Projection) -> Option<Warning> {
    let (lo, hi) = p.data_size_ci95?;
    // A lower end that is not a positive size (NaN included) leaves no ratio to read.
    if lo.is_nan() || lo <= 0.0 {
        return None;
    }
    let message = if !hi.is_finite() {
        format!("the data size for the target is not determined by the data: its 95% interval starts at {} and has no upper end (some resamples never reach the target)", fmt_num(lo))
    } else if hi / lo > 10.0 {
        format!(
            "the data size for the target is not determined by the data: its 95% interval ({} to {}) spans {:.1} decades",
            fmt_num(lo),
            fmt_num(hi),
            (hi / lo).log10()
        )
    } else {
        return None;
    };
    Some(warn("projection-undetermined", message))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pts(f: impl Fn(f64) -> f64, n: usize) -> Vec<Point> {
        (0..n)
            .map(|i| {
                let m = 1e3 * 2f64.powi(i as i32);
                Point {
                    line: i + 1,
                    m,
                    error: f(m) * (1.0 + 0.004 * (((i * 7) % 5) as f64 - 2.0)),
                    model_size: Some(3.0 * m.powf(0.7)),
                }
            })
            .collect()
    }

    #[test]
    fn auto_picks_floor_when_there_is_one() {
        let p = pts(|m| 41.2 * m.powf(-0.36) + 0.39, 14);
        let a = analyze(
            &p,
            &[],
            &AnalysisOptions {
                bootstrap: 100,
                target_error: Some(0.5),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(a.fit.form, Form::PowerFloor);
        assert_eq!(a.comparison.len(), 3);
        let sf = a.size_fit.as_ref().unwrap();
        assert!((sf.beta_p - 0.7).abs() < 1e-9);
        let proj = a.projection.as_ref().unwrap();
        assert!(proj.reachable);
        assert!(proj.data_size_ci95.is_some());
        assert!(proj.model_size.is_some() && proj.model_size_ci95.is_some());
        assert!(a.backtest.as_ref().unwrap().mean_abs_relative_error < 0.05);
    }

    #[test]
    fn predictions_are_the_fit_and_its_band() {
        let p = pts(|m| 2.0 * m.powf(-0.4) + 0.05, 12);
        let a = analyze(
            &p,
            &[],
            &AnalysisOptions {
                bootstrap: 50,
                ..AnalysisOptions::default()
            },
        )
        .unwrap();
        let sizes = [1e3, 1e7];
        let pr = a.predict(&sizes);
        assert_eq!(pr.len(), 2);
        for (q, &m) in pr.iter().zip(&sizes) {
            assert_eq!(q.m, m);
            assert_eq!(q.error, a.fit.eval(m));
            let (lo, hi) = q.ci95.unwrap();
            assert!(lo <= hi && lo.is_finite() && hi.is_finite(), "{q:?}");
        }
        let none = analyze_point(&p, &[], &AnalysisOptions::default()).unwrap();
        assert!(none.predict(&sizes).iter().all(|q| q.ci95.is_none()));
    }

    #[test]
    fn pure_power_law_prefers_power() {
        // Exact data: every form fits to rounding, so the AICc penalty decides.
        let mut p = pts(|m| 3.87 * m.powf(-0.128), 12);
        for q in &mut p {
            q.error = 3.87 * q.m.powf(-0.128);
        }
        let a = analyze_point(&p, &[], &AnalysisOptions::default()).unwrap();
        assert_eq!(a.fit.form, Form::Power);
    }

    #[test]
    fn warnings_fire() {
        let p: Vec<Point> = (0..4)
            .map(|i| Point {
                line: i + 1,
                m: 100.0 + i as f64,
                error: 0.1 + 0.01 * i as f64,
                model_size: None,
            })
            .collect();
        let a = analyze_point(
            &p,
            &[],
            &AnalysisOptions {
                model: ModelChoice::Form(Form::Power),
                ..Default::default()
            },
        )
        .unwrap();
        let codes: Vec<&str> = a.warnings.iter().map(|w| w.code).collect();
        assert!(codes.contains(&"narrow-range"), "{codes:?}");
        assert!(codes.contains(&"increasing"), "{codes:?}");
        assert!(codes.contains(&"few-points"), "{codes:?}");
    }

    /// Seeded noise of relative size `sd` (uniform, same variance), for the
    /// fit-health cases.
    fn noisy(f: impl Fn(f64) -> f64, sizes: &[f64], sd: f64, seed: u64) -> Vec<Point> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        sizes
            .iter()
            .enumerate()
            .map(|(i, &m)| Point {
                line: i + 1,
                m,
                error: f(m) * (1.0 + sd * 3f64.sqrt() * rng.random_range(-1.0..1.0)),
                model_size: None,
            })
            .collect()
    }

    fn codes(a: &Analysis) -> Vec<&'static str> {
        a.warnings.iter().map(|w| w.code).collect()
    }

    fn with(model: ModelChoice, target: Option<f64>) -> AnalysisOptions {
        AnalysisOptions {
            model,
            bootstrap: 200,
            seed: 7,
            target_error: target,
            ..Default::default()
        }
    }

    /// Clean curves: every number the user reads is determined, so no warning, even
    /// though the parameters correlate at |r| > 0.99 (the old rule fired here).
    #[test]
    fn clean_curves_get_no_warning() {
        // 12 sizes over 3.3 decades from 1e5, 0.3% noise; targets beyond the data
        // (power) or inside it (power-floor, auto). The last field: |r| > 0.99, where
        // the old correlation warning fired.
        let sizes: Vec<f64> = (0..12).map(|i| 1e5 * 2f64.powi(i)).collect();
        let floor = |m: f64| 41.2 * m.powf(-0.36) + 0.39;
        type Case<'a> = (&'a str, &'a dyn Fn(f64) -> f64, ModelChoice, f64, bool);
        let cases: [Case; 3] = [
            (
                "power",
                &|m: f64| 3.87 * m.powf(-0.128),
                ModelChoice::Form(Form::Power),
                0.3,
                false,
            ),
            (
                "power-floor",
                &floor,
                ModelChoice::Form(Form::PowerFloor),
                0.45,
                true,
            ),
            ("auto", &floor, ModelChoice::Auto, 0.45, true),
        ];
        for (name, f, model, target, correlated) in cases {
            for seed in 1..=5 {
                let p = noisy(f, &sizes, 0.003, seed);
                let a = analyze(&p, &[], &with(model, Some(target))).unwrap();
                assert!(
                    a.warnings.is_empty(),
                    "{name}, seed {seed}: {:?}",
                    a.warnings
                );
                let (_, _, r) = a.fit.max_correlation().unwrap();
                assert!(
                    !correlated || r.abs() > 0.99,
                    "{name}, seed {seed}: r = {r}"
                );
            }
        }
    }

    /// Ill-posed fits still warn: a floor and knee the range cannot show, and a
    /// target near a floor the data barely reach.
    #[test]
    fn undetermined_numbers_warn() {
        // Three-region on six points over one and a half decades of a plain power
        // law: m0 and eps0 are anything.
        let sizes: Vec<f64> = (0..6).map(|i| 1e3 * 2f64.powi(i)).collect();
        for seed in 1..=5 {
            let p = noisy(|m| 3.87 * m.powf(-0.128), &sizes, 0.01, seed);
            let a = analyze(&p, &[], &with(ModelChoice::Form(Form::ThreeRegion), None)).unwrap();
            let w = a.warnings.iter().find(|w| w.code == "undetermined");
            assert!(
                w.is_some_and(|w| w.message.contains("m0 = ") && w.message.contains("95% interval")),
                "seed {seed}: {:?}",
                a.warnings
            );
        }
        // A target just above the floor of a noisy curve: the data size needed
        // spans decades across resamples.
        let sizes: Vec<f64> = (0..10).map(|i| 1e3 * 2f64.powi(i)).collect();
        for seed in 1..=5 {
            let p = noisy(|m| 41.2 * m.powf(-0.36) + 0.39, &sizes, 0.02, seed);
            let a = analyze(
                &p,
                &[],
                &with(ModelChoice::Form(Form::PowerFloor), Some(0.45)),
            )
            .unwrap();
            assert!(
                codes(&a).contains(&"projection-undetermined"),
                "seed {seed}: {:?} {:?}",
                a.warnings,
                a.projection.as_ref().map(|p| p.data_size_ci95)
            );
        }
    }

    /// Without the bootstrap there is no interval to read, and no such warning.
    #[test]
    fn no_interval_no_interval_warning() {
        let sizes: Vec<f64> = (0..6).map(|i| 1e3 * 2f64.powi(i)).collect();
        let p = noisy(|m| 3.87 * m.powf(-0.128), &sizes, 0.01, 1);
        let mut o = with(ModelChoice::Form(Form::ThreeRegion), None);
        o.bootstrap = 0;
        let a = analyze(&p, &[], &o).unwrap();
        assert!(!codes(&a).contains(&"undetermined"), "{:?}", a.warnings);
    }

    /// Accuracies pasted as errors, fitted by power-floor: the exponent is negative
    /// but alpha is too, so the curve rises; the warning must still fire.
    #[test]
    fn rising_curve_with_negative_exponent_is_flagged() {
        let p = pts(|m| 0.9 - 3.0 * m.powf(-0.3), 12);
        let a = analyze_point(
            &p,
            &[],
            &AnalysisOptions {
                model: ModelChoice::Form(Form::PowerFloor),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(a.fit.param("beta_g").unwrap() < 0.0);
        let w = a.warnings.iter().find(|w| w.code == "increasing");
        assert!(
            w.is_some_and(|w| w.message.contains("accuracy")),
            "{:?}",
            a.warnings
        );
    }

    #[test]
    fn three_region_regions() {
        let p = pts(|m| 0.12 + (0.9 - 0.12) * (1.0 + m / 2e4).powf(-0.5), 16);
        let a = analyze_point(
            &p,
            &[],
            &AnalysisOptions {
                model: ModelChoice::Form(Form::ThreeRegion),
                ..Default::default()
            },
        )
        .unwrap();
        let r = a.regions.unwrap();
        assert!((r.power_law_start / 2e4 - 1.0).abs() < 0.05, "{r:?}");
        assert!(r.power_law_end > r.power_law_start);
    }
}
