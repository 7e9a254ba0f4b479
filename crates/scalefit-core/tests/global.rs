//! The fitter must find the global minimum, not a local one: on seeded noisy curves,
//! its SSR may not exceed the best SSR of a dense brute-force scan of the exact
//! profile (the nonlinear parameters held on a fine grid, the rest fitted).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // reason: tests

#[path = "support/curves.rs"]
mod curves;

use curves::curve;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use scalefit_core::fit::{fit_form, FitOptions};
use scalefit_core::model::{Form, Loss};

/// Best SSR over a dense grid of the nonlinear parameters, each node fitted exactly.
fn brute_force(form: Form, loss: Loss, m: &[f64], y: &[f64]) -> f64 {
    let (lo, hi) = (m[0].log10(), m[m.len() - 1].log10());
    let betas: Vec<f64> = (0..=60).map(|k| -2.5 + 3.0 * k as f64 / 60.0).collect();
    // The knee (three-region's m0; the broken power law's break mb, within the
    // sizes) and the broken power law's change of exponent, each on its own axis.
    let (knee, knees): (&str, Vec<Option<f64>>) = match form {
        Form::ThreeRegion | Form::Sigmoid => (
            "m0",
            (0..=30)
                .map(|k| Some(10f64.powf(lo - 2.0 + (hi - lo + 3.0) * k as f64 / 30.0)))
                .collect(),
        ),
        Form::BrokenPower => (
            "mb",
            (0..=16)
                .map(|k| Some(10f64.powf(lo + (hi - lo) * k as f64 / 16.0)))
                .collect(),
        ),
        _ => ("", vec![None]),
    };
    // The third axis: the broken power law's change of exponent, the sigmoid's kappa
    // (0.03 to 30, log-spaced).
    let (third, deltas): (&str, Vec<Option<f64>>) = match form {
        Form::BrokenPower => (
            "delta_g",
            (0..=20).map(|k| Some(-1.0 + 0.1 * k as f64)).collect(),
        ),
        Form::Sigmoid => (
            "kappa",
            (0..=12)
                .map(|k| Some(10f64.powf(-1.5 + 3.0 * k as f64 / 12.0)))
                .collect(),
        ),
        _ => ("", vec![None]),
    };
    let mut best = f64::INFINITY;
    for &b in &betas {
        for m0 in &knees {
            for delta in &deltas {
                let mut fixed = vec![("beta_g".to_string(), b)];
                if let Some(m0) = m0 {
                    fixed.push((knee.to_string(), *m0));
                }
                if let Some(d) = delta {
                    fixed.push((third.to_string(), *d));
                }
                if let Ok(f) = fit_form(m, y, form, &FitOptions { loss, fixed }) {
                    if f.ssr < best {
                        best = f.ssr;
                        if std::env::var("SCAN_DEBUG").is_ok() {
                            eprintln!("scan best {best:e} at {:?}", f.params);
                        }
                    }
                }
            }
        }
    }
    best
}

#[test]
fn never_worse_than_a_dense_scan() {
    let mut rng = ChaCha8Rng::seed_from_u64(2017);
    let cases: usize = std::env::var("SCAN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 3 } else { 12 });
    let mut failures = Vec::new();
    for form in [
        Form::PowerFloor,
        Form::ThreeRegion,
        Form::BrokenPower,
        Form::Sigmoid,
    ] {
        for loss in Loss::ALL {
            // The scans with three axes (61 x 17 x 21, 61 x 31 x 13 fits a curve).
            let cases = if matches!(form, Form::BrokenPower | Form::Sigmoid) {
                cases.div_ceil(3usize)
            } else {
                cases
            };
            for case in 0..cases {
                let (m, y) = curve(form, &mut rng);
                let fit = fit_form(
                    &m,
                    &y,
                    form,
                    &FitOptions {
                        loss,
                        fixed: vec![],
                    },
                )
                .unwrap();
                let scan = brute_force(form, loss, &m, &y);
                if std::env::var("SCAN_DEBUG").is_ok() {
                    eprintln!(
                        "{form:?} {loss:?} {case}: m {:e}..{:e} fit {:e} {:?}",
                        m[0],
                        m[m.len() - 1],
                        fit.ssr,
                        fit.params
                    );
                }
                if fit.ssr > scan * (1.0 + 1e-9) + 1e-300 {
                    if std::env::var("SCAN_DEBUG").is_ok() {
                        eprintln!(
                            "DATA {}",
                            serde_json::json!({"form": form.id(), "loss": loss.id(), "m": m, "y": y})
                        );
                    }
                    failures.push(format!(
                        "{form:?} {loss:?} case {case}: fit {:e} > scan {:e} ({:?})",
                        fit.ssr, scan, fit.params
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} local optima:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
