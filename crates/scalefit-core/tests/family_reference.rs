//! The family comparison's shared fit against SciPy (`data/family_reference.json`,
//! written by `scripts/reference/gen_family.py`): seeded families of three series for
//! every form, both losses and both shared settings, each solved by SciPy as one joint
//! least-squares problem from a grid of starts. Scalefit's shared fit must never end
//! above SciPy's best SSR, and where both reach the same optimum the parameters agree
//! to 1e-6 relative.
//!
//! Run with `cargo test -p scalefit-core --test family_reference -- --nocapture` to see
//! the per-family lines.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use scalefit_core::family::{compare, FamilyOptions, Series, Shared};
use scalefit_core::model::{Form, Loss, ModelChoice};
use serde::Deserialize;

/// Relative tolerance on every parameter against SciPy's optimum.
const PARAM_RTOL: f64 = 1e-6;
/// Our SSR may exceed SciPy's by at most this relative amount (rounding only).
const SSR_RTOL: f64 = 1e-9;

#[derive(Debug, Deserialize)]
struct Doc {
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    form: String,
    loss: String,
    shared: String,
    series: Vec<SeriesData>,
    scipy_params: Vec<Vec<f64>>,
    scipy_ssr: f64,
}

#[derive(Debug, Deserialize)]
struct SeriesData {
    m: Vec<f64>,
    y: Vec<f64>,
}

#[test]
fn shared_fit_reaches_scipys_best_joint_optimum() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/family_reference.json");
    let doc: Doc = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(doc.cases.len() >= 20, "only {} families", doc.cases.len());
    let mut failures = Vec::new();
    let mut worst_param = 0.0f64;
    for c in &doc.cases {
        let series: Vec<Series> = c
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| Series {
                name: format!("s{i}"),
                m: s.m.clone(),
                y: s.y.clone(),
            })
            .collect();
        let options = FamilyOptions {
            model: ModelChoice::Form(Form::from_id(&c.form).unwrap()),
            loss: Loss::from_id(&c.loss).unwrap(),
            shared: Shared::from_id(&c.shared).unwrap(),
            ..FamilyOptions::default()
        };
        let cmp = compare(&series, &options).unwrap();
        let ssr = cmp.ssr_shared;
        let ssr_rel = (ssr - c.scipy_ssr) / c.scipy_ssr;
        let mut param = 0.0f64;
        for ((fit, want), s) in cmp
            .shared_fit
            .fits
            .iter()
            .zip(&c.scipy_params)
            .zip(&c.series)
        {
            // A floor held at its bound is 0 here and 1e-22 or so in SciPy: relative
            // to the data's scale below a millionth of it.
            let floor = 1e-6 * s.y.iter().fold(0.0f64, |a, v| a.max(v.abs()));
            for (g, w) in fit.params.iter().zip(want) {
                param = param.max((g - w).abs() / w.abs().max(floor));
            }
        }
        println!(
            "{:<40} ssr {ssr:.9e} vs scipy {:.9e} (rel {ssr_rel:+.1e}), max param rel diff {param:.1e}",
            c.name, c.scipy_ssr
        );
        if ssr > c.scipy_ssr * (1.0 + SSR_RTOL) {
            failures.push(format!(
                "{}: ssr {ssr:e} above scipy's {:e}",
                c.name, c.scipy_ssr
            ));
        } else if ssr_rel > -1e-7 && param > PARAM_RTOL {
            // Same SSR, other parameters: a flat or second optimum, which must not be.
            failures.push(format!("{}: parameters differ by {param:.1e}", c.name));
        }
        if ssr_rel > -1e-7 {
            worst_param = worst_param.max(param);
        }
    }
    println!("largest parameter difference where the optima agree: {worst_param:.1e}");
    assert!(failures.is_empty(), "{failures:#?}");
}
