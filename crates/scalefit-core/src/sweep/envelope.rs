//! The envelope of a sweep: at each training-set size the best model size and its
//! error (Hestness et al. 2017, section 4), refined between the sizes tried, and the
//! learning curve and the model-size law fitted on it with the existing analysis.

use serde::Serialize;

use crate::analysis::{analyze, fit_model_size, Analysis, AnalysisOptions, Warning};
use crate::fit::FitOptions;
use crate::model::{Loss, ModelChoice};
use crate::parse::Point;
use crate::project::fmt_num;

use super::joint::{JointLoss, JointOptions};
use super::{Run, Sweep};

/// The best run at one training-set size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EnvelopePoint {
    /// Training-set size.
    pub m: f64,
    /// Best model size: the best run's, or the vertex of the parabola in `ln s`
    /// through it and its two neighbours when `interpolated`.
    pub best_model_size: f64,
    /// Lowest error: the best run's, or the parabola's vertex value.
    pub error: f64,
    /// `true` when the optimum was refined by the parabola.
    pub interpolated: bool,
    /// `false` when the best run is the smallest or the largest model size tried at
    /// this `m`: the true optimum may lie outside the sizes tried.
    pub bracketed: bool,
}

/// The envelope and its notes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Envelope {
    /// One point per training-set size holding at least two distinct model sizes,
    /// by increasing `m`.
    pub points: Vec<EnvelopePoint>,
    /// `sweep-unbracketed` per unbracketed `m`, or `sweep-no-envelope` when no size
    /// holds several model sizes.
    pub warnings: Vec<Warning>,
}

/// Finds the best model at each training-set size.
///
/// Runs are grouped by exactly equal `m`; within a group, runs of equal model size
/// count once, with their lowest error (repeats, e.g. seeds, are not neighbours). A
/// group needs two distinct model sizes to have an envelope point. The best run is
/// the lowest error (ties: the smaller model). When it has a smaller and a larger
/// neighbour, the parabola in `ln s` through the three gives the point
/// (`interpolated: true`), unless the three are collinear or the vertex value is not
/// positive (then the run itself). A best run at either end is `bracketed: false`,
/// with a warning naming its `m`.
///
/// Returns the points by increasing `m`; never fails.
pub fn envelope(sweep: &Sweep) -> Envelope {
    let mut runs: Vec<Run> = sweep.runs().to_vec();
    runs.sort_by(|a, b| a.m.total_cmp(&b.m).then(a.s.total_cmp(&b.s)));
    let mut points = Vec::new();
    let mut warnings = Vec::new();
    let mut start = 0;
    while start < runs.len() {
        let m = runs[start].m;
        let end = start + runs[start..].iter().take_while(|r| r.m == m).count();
        // Sorted by size: collapse equal sizes to their best error.
        let mut sizes: Vec<(f64, f64)> = Vec::new();
        for r in &runs[start..end] {
            match sizes.last_mut() {
                Some(last) if last.0 == r.s => last.1 = last.1.min(r.error),
                _ => sizes.push((r.s, r.error)),
            }
        }
        start = end;
        if sizes.len() < 2 {
            continue;
        }
        let mut best = 0;
        for (i, &(_, e)) in sizes.iter().enumerate() {
            if e < sizes[best].1 {
                best = i;
            }
        }
        let (s, e) = sizes[best];
        let bracketed = best > 0 && best + 1 < sizes.len();
        let mut point = EnvelopePoint {
            m,
            best_model_size: s,
            error: e,
            interpolated: false,
            bracketed,
        };
        if bracketed {
            if let Some((vs, ve)) = vertex(sizes[best - 1], sizes[best], sizes[best + 1]) {
                if ve > 0.0 || e <= 0.0 {
                    point.best_model_size = vs;
                    point.error = ve;
                    point.interpolated = true;
                }
            }
        } else {
            let end_name = if best == 0 { "smallest" } else { "largest" };
            let advice = if best == 0 { "smaller" } else { "larger" };
            warnings.push(Warning {
                code: "sweep-unbracketed",
                message: format!(
                    "At m = {}, the best run is the {end_name} model size tried (s = {}): the best size may lie beyond it; try a {advice} model there.",
                    fmt_num(m),
                    fmt_num(s)
                ),
            });
        }
        points.push(point);
    }
    if points.is_empty() {
        warnings.push(Warning {
            code: "sweep-no-envelope",
            message: "No training-set size holds several model sizes, so there is no envelope of best runs; the joint law is fitted on every run.".into(),
        });
    }
    Envelope { points, warnings }
}

/// Vertex `(s, error)` of the parabola in `ln s` through three `(s, error)` points of
/// increasing size whose middle one is lowest; `None` when they are collinear.
fn vertex(p0: (f64, f64), p1: (f64, f64), p2: (f64, f64)) -> Option<(f64, f64)> {
    let (x0, x1, x2) = (p0.0.ln(), p1.0.ln(), p2.0.ln());
    let (y0, y1, y2) = (p0.1, p1.1, p2.1);
    // Newton's divided differences: y = y0 + f01 (x - x0) + c (x - x0)(x - x1).
    let f01 = (y1 - y0) / (x1 - x0);
    let f12 = (y2 - y1) / (x2 - x1);
    let c = (f12 - f01) / (x2 - x0);
    if !(c > 0.0 && c.is_finite() && f01.is_finite()) {
        return None;
    }
    let x = 0.5 * (x0 + x1) - f01 / (2.0 * c);
    let y = y0 + f01 * (x - x0) + c * (x - x0) * (x - x1);
    // With the middle point lowest the vertex lies in [x0, x2]; the clamp guards
    // rounding only.
    let x = x.clamp(x0, x2);
    let s = x.exp();
    (s.is_finite() && y.is_finite() && y <= y1).then_some((s, y))
}

/// `s = sigma m^beta_p` fitted (log-log least squares) on the envelope's best sizes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SizeLaw {
    /// Coefficient.
    pub sigma: f64,
    /// Exponent (Hestness et al. report 0.5 to 1).
    pub beta_p: f64,
    /// 95% bootstrap intervals (resampling envelope points), when the bootstrap ran.
    pub ci95: Option<SizeCi95>,
}

/// 95% intervals of [`SizeLaw`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SizeCi95 {
    /// Interval of `sigma`.
    pub sigma: (f64, f64),
    /// Interval of `beta_p`.
    pub beta_p: (f64, f64),
}

/// The learning curve and the model-size law on the envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvelopeAnalysis {
    /// Section 1's analysis of the envelope points `(m, error, best_model_size)`:
    /// `auto` form by AICc, bootstrap intervals, projection for the target (data size
    /// and model size), backtest, fit health. `None` when no form could be fitted.
    pub analysis: Option<Analysis>,
    /// The model-size law, from the analysis (with intervals) or, when no learning
    /// curve could be fitted, from the log-log line alone.
    pub size_law: Option<SizeLaw>,
    /// Why the learning curve is missing, if it is.
    pub warnings: Vec<Warning>,
}

/// The envelope as points for [`crate::analysis`] (line 0: they come from no line).
pub fn envelope_points(points: &[EnvelopePoint]) -> Vec<Point> {
    points
        .iter()
        .map(|p| Point {
            line: 0,
            m: p.m,
            error: p.error,
            model_size: Some(p.best_model_size),
        })
        .collect()
}

/// Fits the learning curve (`auto`, by AICc) on the envelope `(m, error)` and the
/// model-size law on `(m, best_model_size)` with [`crate::analysis::analyze`], so the
/// fitter, the intervals and the projection are section 1's.
///
/// The learning curve's loss is `log` for the joint law's `log` and `huber`, `linear`
/// for `linear`. Bootstrap count and seed come from `options`: the learning curve
/// resamples envelope points on ChaCha8 streams `0..count`, the size law on its own
/// streams (see [`crate::bootstrap`]). `target_error`, if any, is projected (data
/// size `m*` and model size `s*`).
pub fn analyze_envelope(
    points: &[EnvelopePoint],
    options: &JointOptions,
    target_error: Option<f64>,
) -> EnvelopeAnalysis {
    let mut warnings = Vec::new();
    if points.is_empty() {
        return EnvelopeAnalysis {
            analysis: None,
            size_law: None,
            warnings,
        };
    }
    let loss = match options.loss {
        JointLoss::Log | JointLoss::Huber => Loss::Log,
        JointLoss::Linear => Loss::Linear,
    };
    let aopts = AnalysisOptions {
        model: ModelChoice::Auto,
        fit: FitOptions {
            loss,
            fixed: vec![],
        },
        bootstrap: options.bootstrap,
        seed: options.seed,
        target_error,
        ..AnalysisOptions::default()
    };
    let pts = envelope_points(points);
    match analyze(&pts, &[], &aopts) {
        Ok(a) => {
            let size_law = a.size_fit.as_ref().map(|sf| SizeLaw {
                sigma: sf.sigma,
                beta_p: sf.beta_p,
                ci95: sf.ci95.map(|[s, b]| SizeCi95 {
                    sigma: s,
                    beta_p: b,
                }),
            });
            EnvelopeAnalysis {
                analysis: Some(a),
                size_law,
                warnings,
            }
        }
        Err(e) => {
            warnings.push(Warning {
                code: "sweep-envelope-unfitted",
                message: format!(
                    "The learning curve could not be fitted on the {} envelope points: {e}.",
                    points.len()
                ),
            });
            let sizes: Vec<(f64, f64)> = points.iter().map(|p| (p.m, p.best_model_size)).collect();
            let size_law = fit_model_size(&sizes).map(|[sigma, beta_p]| SizeLaw {
                sigma,
                beta_p,
                ci95: None,
            });
            EnvelopeAnalysis {
                analysis: None,
                size_law,
                warnings,
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sweep(runs: &[(f64, f64, f64)]) -> Sweep {
        Sweep::new(runs.iter().map(|&(m, s, e)| Run::new(m, s, e)).collect()).unwrap()
    }

    #[test]
    fn parabola_vertex_is_exact_for_a_parabola_in_ln_s() {
        // error = 1 + (ln s - ln 300)^2 at s = 100, 200, 1000: vertex at s = 300.
        let f = |s: f64| 1.0 + (s.ln() - 300f64.ln()).powi(2);
        let e = envelope(&sweep(&[
            (1e3, 100.0, f(100.0)),
            (1e3, 200.0, f(200.0)),
            (1e3, 1000.0, f(1000.0)),
            (1e3, 2000.0, f(2000.0)),
        ]));
        assert_eq!(e.points.len(), 1);
        let p = e.points[0];
        assert!(p.interpolated && p.bracketed);
        assert!((p.best_model_size / 300.0 - 1.0).abs() < 1e-12, "{p:?}");
        assert!((p.error - 1.0).abs() < 1e-12);
        assert!(e.warnings.is_empty());
    }

    #[test]
    fn ends_are_unbracketed_and_named() {
        let e = envelope(&sweep(&[
            (10.0, 1.0, 0.5),
            (10.0, 2.0, 0.6),
            (20.0, 1.0, 0.5),
            (20.0, 2.0, 0.4),
            (30.0, 5.0, 0.3),
            (40.0, 5.0, 0.3),
            (40.0, 5.0, 0.2),
        ]));
        assert_eq!(e.points.len(), 2);
        assert!(!e.points[0].bracketed && !e.points[1].bracketed);
        assert_eq!(e.points[0].best_model_size, 1.0);
        assert_eq!(e.points[1].best_model_size, 2.0);
        assert_eq!(e.warnings.len(), 2);
        assert!(
            e.warnings[0].message.contains("m = 10.0"),
            "{:?}",
            e.warnings
        );
        assert!(e.warnings[0].message.contains("smallest"));
        assert!(e.warnings[1].message.contains("m = 20.0"));
        assert!(e.warnings[1].message.contains("largest"));
    }

    #[test]
    fn no_shared_sizes_no_envelope() {
        let e = envelope(&sweep(&[(1.0, 1.0, 1.0), (2.0, 2.0, 0.5), (3.0, 2.0, 0.4)]));
        assert!(e.points.is_empty());
        assert_eq!(e.warnings[0].code, "sweep-no-envelope");
    }

    #[test]
    fn repeats_of_one_size_are_not_neighbours() {
        // Sizes 1, 2, 2, 4: size 2 counts once, at its best error, and is bracketed.
        let e = envelope(&sweep(&[
            (5.0, 1.0, 0.9),
            (5.0, 2.0, 0.7),
            (5.0, 2.0, 0.5),
            (5.0, 4.0, 0.8),
        ]));
        let p = e.points[0];
        assert!(p.bracketed && p.interpolated);
        assert!(p.error <= 0.5);
    }
}
