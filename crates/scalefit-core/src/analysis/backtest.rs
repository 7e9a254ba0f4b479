//! The backtest (held-out rows, or the largest sizes refitted without them) and the
//! model choice by AICc it reruns.

use crate::fit::{fit_form, Fit, FitOptions};
use crate::model::{Form, ModelChoice};

use super::{AnalysisError, AnalysisOptions, Backtest, Comparison, HeldOutPoint};

/// Why `auto` should not choose `fit`, a form with [`Form::shape_params`]: a negative
/// coefficient `alpha`, or a parameter of [`Form::shape_params`] that the data do not
/// determine, by the health rule's test ("an interval wider than the
/// value") on the linearized 95 % interval (`1.96` standard errors of
/// [`Fit::std_errors`]), since no bootstrap has run when the form is chosen: for a
/// size-like knee, `mb e^(+-1.96 s)` with `s` the error of `ln mb`; for the others,
/// `value +- 1.96 s`. Singular (no standard errors) counts as undetermined. `None`
/// when every such parameter is determined or held.
pub fn shape_undetermined(fit: &Fit) -> Option<String> {
    let names = fit.form.shape_params();
    if names.is_empty() {
        return None;
    }
    // The reducible part must be positive: with `alpha <= 0` the fitted curve is a
    // ceiling minus a growing term (on the Revisiting curve IC c_25 BiT/101/3: `alpha
    // = -5.6e-11`, `beta_g = 1.34`, `gamma = 0.90` above every error), which fits the
    // points and extrapolates like no learning curve.
    if fit.param("alpha").is_some_and(|a| a <= 0.0) {
        return Some(
            "its power-law term is negative (alpha <= 0): a ceiling minus a growing term, not a falling learning curve"
                .to_string(),
        );
    }
    let free = fit.free_names();
    let knee = fit.form.spec().knee.map(|k| k.index);
    let mut loose = Vec::new();
    for name in names {
        let Some(slot) = free.iter().position(|n| n == name) else {
            continue;
        };
        let (Some(&se), Some(i), Some(v)) = (
            fit.std_errors.get(slot),
            fit.form.param_index(name),
            fit.param(name),
        ) else {
            loose.push(*name);
            continue;
        };
        let width = if knee == Some(i) {
            v * 2.0 * (1.96 * se).sinh()
        } else {
            2.0 * 1.96 * se
        };
        let determined = width.is_finite() && width < v.abs();
        if !determined {
            loose.push(*name);
        }
    }
    (!loose.is_empty()).then(|| {
        format!(
            "the data do not determine {} (linearized 95% interval wider than the value)",
            loose.join(" and ")
        )
    })
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
        ModelChoice::Auto => Form::AUTO.to_vec(),
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
    // Auto prefers forms whose AICc is defined (n > k + 1) and whose shape the data
    // determine; if none is, the best SSR per parameter count wins among what fitted.
    let passed_over: Vec<Option<String>> = fits
        .iter()
        .map(|f| {
            (choice == ModelChoice::Auto)
                .then(|| shape_undetermined(f))
                .flatten()
        })
        .collect();
    let best = fits
        .iter()
        .zip(&passed_over)
        .filter(|(f, why)| f.aicc.is_finite() && why.is_none())
        .map(|(f, _)| f)
        .min_by(|a, b| a.aicc.total_cmp(&b.aicc))
        .or_else(|| fits.iter().min_by_key(|f| f.k))
        .cloned();
    let Some(best) = best else {
        return Err(AnalysisError::NoFit(errors));
    };
    let mut comparison: Vec<Comparison> = fits
        .iter()
        .zip(passed_over)
        .map(|(f, passed_over)| Comparison {
            form: f.form,
            ssr: Some(f.ssr),
            aicc: f.aicc.is_finite().then_some(f.aicc),
            delta_aicc: (f.aicc.is_finite() && best.aicc.is_finite()).then_some(f.aicc - best.aicc),
            k: f.k,
            error: None,
            passed_over,
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
        passed_over: None,
        fit: None,
    }));
    comparison.sort_by_key(|c| c.form);
    Ok((best, comparison))
}

pub(super) fn predict(fit: &Fit, held: &[(f64, f64)], n_train: usize, flagged: bool) -> Backtest {
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
pub(super) fn backtest_largest(
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
