//! Criterion benchmarks: one fit of each form on a 20-point reference curve (log loss),
//! `auto`, and a 1,000-resample bootstrap of the three-region fit on 50 points.
//! Run: `cargo bench -p scalefit-core`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: a benchmark harness

use criterion::{criterion_group, criterion_main, Criterion};
use scalefit_core::analysis::fit_choice;
use scalefit_core::bootstrap::bootstrap;
use scalefit_core::fit::{fit_form, FitOptions};
use scalefit_core::model::{Form, ModelChoice};

#[derive(serde::Deserialize)]
struct Case {
    form: String,
    loss: String,
    m: Vec<f64>,
    y: Vec<f64>,
}

fn cases() -> Vec<Case> {
    serde_json::from_str(include_str!("../tests/data/reference.json")).unwrap()
}

fn find<'a>(cases: &'a [Case], form: &str, n: usize) -> &'a Case {
    cases
        .iter()
        .find(|c| c.form == form && c.loss == "log" && c.m.len() == n)
        .unwrap()
}

fn fits(c: &mut Criterion) {
    let cases = cases();
    let opts = FitOptions::default();
    for form in Form::ALL {
        let case = find(&cases, form.id(), 20);
        c.bench_function(&format!("fit {} (20 points, log)", form.id()), |b| {
            b.iter(|| fit_form(&case.m, &case.y, form, &opts).unwrap())
        });
    }
    let case = find(&cases, "power-floor", 20);
    c.bench_function("fit auto (20 points, log)", |b| {
        b.iter(|| fit_choice(&case.m, &case.y, ModelChoice::Auto, &opts).unwrap())
    });
}

fn boot(c: &mut Criterion) {
    let cases = cases();
    let case = find(&cases, "three-region", 50);
    let opts = FitOptions::default();
    let fit = fit_form(&case.m, &case.y, Form::ThreeRegion, &opts).unwrap();
    let mut g = c.benchmark_group("bootstrap");
    g.sample_size(10);
    g.bench_function("three-region, 50 points, 1000 resamples", |b| {
        b.iter(|| bootstrap(&case.m, &case.y, &fit, &opts, 1000, 1).unwrap())
    });
    g.finish();
}

criterion_group!(benches, fits, boot);
criterion_main!(benches);
