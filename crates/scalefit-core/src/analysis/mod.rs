//! The whole analysis the app and the CLI show: model choice by AICc, intervals,
//! projection, backtest, model-size fit, region boundaries and fit-health warnings.
//! One entry point, [`analyze`], so both front ends report the same numbers.

mod backtest;
mod health;

pub use backtest::{fit_choice, shape_undetermined};

use serde::Serialize;

use crate::bootstrap::{bootstrap_samples, interval95, resample, Bootstrap, SIZE_STREAM};
use crate::fit::{loglog_line, Data, Fit, FitError, FitOptions};
use crate::model::{Form, Loss, ModelChoice};
use crate::parse::Point;
use crate::project::{project, Projection, SizeModel};

use backtest::{backtest_largest, predict};
use health::{interval_health, point_health};

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
    /// Why `auto` passed over this fitted form although its AICc may be lower
    /// ([`shape_undetermined`]).
    pub passed_over: Option<String>,
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

fn regions(fit: &Fit) -> Option<Regions> {
    let (start, end) = fit.form.regions(&fit.params)?;
    Some(Regions {
        power_law_start: start,
        power_law_end: end,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    pub(super) fn pts(f: impl Fn(f64) -> f64, n: usize) -> Vec<Point> {
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
        assert_eq!(a.comparison.len(), 5);
        let sf = a.size_fit.as_ref().unwrap();
        assert!((sf.beta_p - 0.7).abs() < 1e-9);
        let proj = a.projection.as_ref().unwrap();
        assert!(proj.reachable);
        assert!(proj.data_size_ci95.is_some());
        assert!(proj.model_size.is_some() && proj.model_size_ci95.is_some());
        assert!(a.backtest.as_ref().unwrap().mean_abs_relative_error < 0.05);
    }

    /// Under linear loss an error of 0 is a valid measurement; held out, it has no
    /// relative error, so the backtest leaves it out instead of reporting infinity.
    #[test]
    fn a_held_out_error_of_zero_is_left_out_of_the_backtest() {
        let p = pts(|m| 2.0 * m.powf(-0.4) + 0.05, 12);
        let m_last = 1e3 * 2f64.powi(12);
        let held: Vec<Point> = [
            (m_last, 0.0),
            (2.0 * m_last, 2.0 * (2.0 * m_last).powf(-0.4) + 0.05),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(m, error))| Point {
            line: 100 + i,
            m,
            error,
            model_size: None,
        })
        .collect();
        let a = analyze(
            &p,
            &held,
            &AnalysisOptions {
                fit: FitOptions {
                    loss: Loss::Linear,
                    ..Default::default()
                },
                bootstrap: 0,
                ..Default::default()
            },
        )
        .unwrap();
        let b = a.backtest.as_ref().unwrap();
        assert_eq!(b.held_out.len(), 1, "{b:?}");
        assert_eq!(b.held_out[0].m, 2.0 * m_last);
        assert!(b.mean_abs_relative_error.is_finite() && b.mean_abs_relative_error < 0.05);
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
