//! Fits per second of each form on the reference curves (the same curves
//! `scripts/bench_scipy.py` times SciPy on), and a 1,000-resample bootstrap of the
//! three-region fit on 50 points. Prints a table and, last, one JSON line.
//! Run: `cargo run --release -p scalefit-core --example fit_rate`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: a benchmark harness

use std::time::{Duration, Instant};

use scalefit_core::bootstrap::bootstrap;
use scalefit_core::fit::{fit_form, FitOptions};
use scalefit_core::model::{Form, Loss};

#[derive(serde::Deserialize)]
struct Case {
    form: String,
    loss: String,
    m: Vec<f64>,
    y: Vec<f64>,
}

fn rate(cases: &[&Case], form: Form, loss: Loss) -> f64 {
    let opts = FitOptions {
        loss,
        fixed: vec![],
    };
    let start = Instant::now();
    let mut fits = 0usize;
    while start.elapsed() < Duration::from_secs(2) {
        for c in cases {
            std::hint::black_box(fit_form(&c.m, &c.y, form, &opts).unwrap());
            fits += 1;
        }
    }
    fits as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("../tests/data/reference.json")).unwrap();
    let mut out = serde_json::Map::new();
    println!("{:<14} {:>6} {:>12}", "form", "loss", "fits/s");
    for loss in [Loss::Log, Loss::Linear] {
        let mut per = serde_json::Map::new();
        for form in Form::ALL {
            let mine: Vec<&Case> = cases
                .iter()
                .filter(|c| c.form == form.id() && c.loss == loss.id())
                .collect();
            let r = rate(&mine, form, loss);
            println!("{:<14} {:>6} {:>12.0}", form.id(), loss.id(), r);
            per.insert(form.id().into(), r.into());
        }
        out.insert(loss.id().into(), per.into());
    }
    let c = cases
        .iter()
        .find(|c| c.form == "three-region" && c.loss == "log" && c.m.len() == 50)
        .unwrap();
    let opts = FitOptions::default();
    let fit = fit_form(&c.m, &c.y, Form::ThreeRegion, &opts).unwrap();
    let t = Instant::now();
    let b = bootstrap(&c.m, &c.y, &fit, &opts, 1000, 1).unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "bootstrap three-region, 50 points, 1000 resamples: {:.1} ms ({} failed)",
        secs * 1e3,
        b.failed
    );
    out.insert("bootstrap_1000_three_region_50_s".into(), secs.into());
    println!("{}", serde_json::Value::Object(out));
}
