//! Projections: the data size a target error needs, and the model size at that data
//! size, each with its bootstrap interval; plus the relative mode of the presets.

use serde::Serialize;

use crate::bootstrap::interval95;
use crate::fit::Fit;

/// A target as the user states it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum Target {
    /// An error (lower is better), in the data's units.
    Error(f64),
    /// An accuracy (higher is better): error = 1 - acc, or 100 - acc for percentages.
    Accuracy(f64),
}

impl Target {
    /// The target as an error in the data's units (`percent`: errors are 0..100).
    pub fn error(self, percent: bool) -> f64 {
        match self {
            Target::Error(e) => e,
            Target::Accuracy(a) => (if percent { 100.0 } else { 1.0 }) - a,
        }
    }
}

/// Whether the target can be reached by adding data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reach {
    /// Reached at `data_size`, beyond the largest measured size.
    Reachable,
    /// Already met at or below the largest measured size, at `data_size`.
    AlreadyMet,
    /// At or below the floor the curve tends to (or the curve does not fall).
    Unreachable,
}

/// How the model size is projected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SizeModel {
    /// `s = sigma * m^beta_p` fitted to the user's model-size column.
    Fitted {
        /// `[sigma, beta_p]`.
        params: [f64; 2],
        /// Bootstrap refits of `[sigma, beta_p]`.
        #[serde(skip)]
        samples: Vec<[f64; 2]>,
    },
    /// A preset's `beta_p` anchored at the user's current point `(m, s)`; with no
    /// current model size only the multiplier is known.
    Anchored {
        /// Exponent.
        beta_p: f64,
        /// Current training-set size.
        m: f64,
        /// Current model size, if known.
        s: Option<f64>,
    },
}

impl SizeModel {
    fn at(&self, m: f64, sample: Option<&[f64; 2]>) -> Option<f64> {
        match self {
            SizeModel::Fitted { params, .. } => {
                let p = sample.unwrap_or(params);
                Some(p[0] * m.powf(p[1]))
            }
            SizeModel::Anchored {
                beta_p,
                m: m_cur,
                s,
            } => s.map(|s| s * (m / m_cur).powf(*beta_p)),
        }
    }

    fn multiplier(&self, m_from: f64, m_to: f64) -> f64 {
        let b = match self {
            SizeModel::Fitted { params, .. } => params[1],
            SizeModel::Anchored { beta_p, .. } => *beta_p,
        };
        (m_to / m_from).powf(b)
    }
}

/// A projection for one target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    /// The target as an error.
    pub target_error: f64,
    /// Reachable, already met, or unreachable.
    pub reach: Reach,
    /// `reach != Unreachable`.
    pub reachable: bool,
    /// Training-set size `m*` where the fitted curve meets the target.
    pub data_size: Option<f64>,
    /// 95% bootstrap interval of `m*`; an infinite end means some resamples never
    /// reach the target.
    pub data_size_ci95: Option<(f64, f64)>,
    /// `m*` over the largest measured size.
    pub data_multiplier: Option<f64>,
    /// Model size at `m*`.
    pub model_size: Option<f64>,
    /// 95% interval of the model size at `m*`.
    pub model_size_ci95: Option<(f64, f64)>,
    /// Model size at `m*` over the model size at the largest measured size.
    pub model_multiplier: Option<f64>,
    /// The error the fitted curve tends to for unlimited data.
    pub limit: f64,
    /// The plain sentence shown to the user.
    pub sentence: String,
}

/// Compact number for sentences: 3 significant digits.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return if v > 0.0 { "∞".into() } else { "—".into() };
    }
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        let s = format!("{v:.2e}");
        return s.replace("e", "×10^");
    }
    let digits = if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    };
    format!("{v:.digits$}")
}

fn m_star(fit_form: &Fit, params: &[f64], target: f64, limit: f64) -> f64 {
    if target <= limit {
        return f64::INFINITY;
    }
    fit_form.form.solve_m(params, target).unwrap_or(0.0)
}

/// Projects the data size (and model size) needed for `target_error`.
///
/// `max_m` is the largest measured size (for multipliers and the already-met test),
/// `samples` the bootstrap refits of `fit` (empty: no intervals).
pub fn project(
    fit: &Fit,
    samples: &[Vec<f64>],
    target_error: f64,
    max_m: f64,
    size: Option<&SizeModel>,
) -> Projection {
    let limit = fit.form.limit_large_m(&fit.params);
    let at_max = fit.eval(max_m);
    let solved = fit.form.solve_m(&fit.params, target_error);
    let (reach, data_size) = if !target_error.is_finite()
        || target_error <= limit
        || (target_error < at_max && solved.is_none())
    {
        (Reach::Unreachable, None)
    } else if target_error >= at_max {
        (Reach::AlreadyMet, solved.map(|m| m.min(max_m)))
    } else {
        (Reach::Reachable, solved)
    };
    let data_size_ci95 = if samples.is_empty() || data_size.is_none() {
        None
    } else {
        interval95(
            samples
                .iter()
                .map(|p| m_star(fit, p, target_error, fit.form.limit_large_m(p))),
        )
    };
    let data_multiplier = data_size.map(|m| m / max_m);
    let (mut model_size, mut model_size_ci95, mut model_multiplier) = (None, None, None);
    if let (Some(sm), Some(ms)) = (size, data_size) {
        model_size = sm.at(ms, None);
        model_multiplier = Some(sm.multiplier(max_m, ms));
        if let SizeModel::Fitted { samples: ss, .. } = sm {
            if !ss.is_empty() && !samples.is_empty() {
                // Pair the i-th refit of each curve: both come from resample streams
                // with the same seed, and pairing keeps the spread of m* in the size.
                model_size_ci95 =
                    interval95(samples.iter().zip(ss.iter().cycle()).map(|(p, s)| {
                        let m = m_star(fit, p, target_error, fit.form.limit_large_m(p));
                        if m.is_finite() {
                            sm.at(m.max(f64::MIN_POSITIVE), Some(s)).unwrap_or(f64::NAN)
                        } else {
                            f64::INFINITY
                        }
                    }));
            }
        }
    }
    let sentence = sentence(
        reach,
        target_error,
        data_size,
        data_multiplier,
        model_multiplier,
        limit,
        fit,
    );
    Projection {
        target_error,
        reach,
        reachable: reach != Reach::Unreachable,
        data_size,
        data_size_ci95,
        data_multiplier,
        model_size,
        model_size_ci95,
        model_multiplier,
        limit,
        sentence,
    }
}

fn sentence(
    reach: Reach,
    target: f64,
    m: Option<f64>,
    mult: Option<f64>,
    model_mult: Option<f64>,
    limit: f64,
    fit: &Fit,
) -> String {
    let t = fmt_num(target);
    match (reach, m, mult) {
        (Reach::Unreachable, _, _) if fit.params.get(fit.form.beta_index()).is_some_and(|b| *b >= 0.0) => {
            format!("An error of {t} cannot be reached by adding data: the fitted error does not fall as data grows.")
        }
        (Reach::Unreachable, _, _) => format!(
            "An error of {t} cannot be reached by adding data: the fitted curve levels off at {} (the irreducible error).",
            fmt_num(limit)
        ),
        (Reach::AlreadyMet, Some(m), _) => format!("An error of {t} is already met at about {} examples.", fmt_num(m)),
        (Reach::AlreadyMet, None, _) => format!("An error of {t} is already met at every measured size: the fitted curve stays below it."),
        (Reach::Reachable, Some(m), Some(x)) => {
            crate::rules::more_data_sentence(&crate::rules::PLAIN, target, x, m, "examples", model_mult)
        }
        _ => format!("No projection for an error of {t}."),
    }
}

/// Relative projection of the presets: a pure power law with exponent `beta_g`
/// through the user's current `(m, eps)`. Returns the data multiplier
/// `(target/eps)^(1/beta_g)`, or `None` when it is not a finite positive number.
pub fn relative_multiplier(beta_g: f64, eps: f64, target: f64) -> Option<f64> {
    let x = (target / eps).powf(1.0 / beta_g);
    (x.is_finite() && x > 0.0 && eps > 0.0 && target > 0.0).then_some(x)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::fit::{fit_form, FitOptions};
    use crate::model::Form;

    fn floor_fit() -> Fit {
        let m: Vec<f64> = (0..10).map(|i| 1e3 * 3f64.powi(i)).collect();
        let y: Vec<f64> = m.iter().map(|v| 41.2 * v.powf(-0.36) + 0.39).collect();
        fit_form(&m, &y, Form::PowerFloor, &FitOptions::default()).unwrap()
    }

    #[test]
    fn reachable_met_unreachable() {
        let fit = floor_fit();
        let max_m = 1e3 * 3f64.powi(9);
        let at_max = fit.eval(max_m);
        let p = project(&fit, &[], at_max * 0.95, max_m, None);
        assert_eq!(p.reach, Reach::Reachable);
        assert!(p.data_multiplier.unwrap() > 1.0);
        assert!((fit.eval(p.data_size.unwrap()) / (at_max * 0.95) - 1.0).abs() < 1e-9);
        let p = project(&fit, &[], at_max * 1.5, max_m, None);
        assert_eq!(p.reach, Reach::AlreadyMet);
        assert!(p.data_size.unwrap() < max_m);
        let p = project(&fit, &[], 0.39, max_m, None);
        assert_eq!(p.reach, Reach::Unreachable);
        assert!(p.sentence.contains("0.390"), "{}", p.sentence);
    }

    #[test]
    fn anchored_model_size() {
        let fit = floor_fit();
        let max_m = 1e3 * 3f64.powi(9);
        let sm = SizeModel::Anchored {
            beta_p: 0.5,
            m: max_m,
            s: Some(1e6),
        };
        let p = project(&fit, &[], fit.eval(max_m) * 0.95, max_m, Some(&sm));
        let x = p.data_multiplier.unwrap();
        assert!((p.model_multiplier.unwrap() - x.sqrt()).abs() < 1e-12);
        assert!((p.model_size.unwrap() - 1e6 * x.sqrt()).abs() < 1e-3);
        assert!(p.sentence.contains("larger model"));
    }

    #[test]
    fn relative() {
        // Halving the error with beta_g = -0.5 needs 4x the data.
        assert!((relative_multiplier(-0.5, 0.2, 0.1).unwrap() - 4.0).abs() < 1e-12);
        assert_eq!(relative_multiplier(-0.5, 0.0, 0.1), None);
    }

    #[test]
    fn accuracy_targets() {
        assert_eq!(Target::Accuracy(80.0).error(true), 20.0);
        assert!((Target::Accuracy(0.8).error(false) - 0.2).abs() < 1e-15);
    }
}
