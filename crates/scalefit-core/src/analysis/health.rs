//! Fit-health warnings (SPEC section 1): checks of the point fit, of its intervals,
//! and of numbers the data do not determine.

use crate::fit::{fit_form, FitOptions};
use crate::model::Form;
use crate::project::{fmt_num, Projection};

use super::{Analysis, Warning};

fn warn(code: &'static str, message: String) -> Warning {
    Warning { code, message }
}

/// Fit-health checks of SPEC section 1 that depend on the point fit only.
pub(super) fn point_health(a: &Analysis) -> Vec<Warning> {
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
pub(super) fn interval_health(a: &Analysis) -> Vec<Warning> {
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

    use crate::analysis::tests::pts;
    use crate::analysis::{analyze, analyze_point, AnalysisOptions};
    use crate::model::ModelChoice;
    use crate::parse::Point;

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
}
