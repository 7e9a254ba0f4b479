//! The optima the fitter finds on seeded noisy curves, one line per fit, for checking
//! that a change to the fitter finds the same optima (or better ones):
//!
//! ```text
//! cargo run --release -p scalefit-core --example optima -- 2000 > before.txt
//! # change the fitter
//! cargo run --release -p scalefit-core --example optima -- 2000 > after.txt
//! python3 scripts/compare-optima.py before.txt after.txt
//! ```
//!
//! Curves: each form's truth (the generator of `tests/global.rs`, another seed), both
//! losses, N curves each (default 300), all fitted as `three-region`, the form whose
//! search is hardest; a line is `truth loss index ssr converged [params]`.
#![allow(clippy::unwrap_used)] // reason: a benchmark harness on generated data

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scalefit_core::fit::{fit_form, FitOptions};
use scalefit_core::model::{Form, Loss};

fn curve(form: Form, rng: &mut ChaCha8Rng) -> (Vec<f64>, Vec<f64>) {
    let n = rng.random_range(8..30);
    let lo: f64 = rng.random_range(1.0..4.0);
    let hi = lo + rng.random_range(2.0..5.0);
    let m: Vec<f64> = (0..n)
        .map(|i| 10f64.powf(lo + (hi - lo) * i as f64 / (n - 1) as f64))
        .collect();
    let b = -rng.random_range(0.05..0.8);
    let p: Vec<f64> = match form {
        Form::Power => vec![rng.random_range(1.0..20.0), b],
        Form::PowerFloor => vec![rng.random_range(1.0..50.0), b, rng.random_range(0.01..0.5)],
        Form::ThreeRegion => vec![
            rng.random_range(0.5..1.0),
            10f64.powf(rng.random_range(lo..hi)),
            b - 0.3,
            rng.random_range(0.01..0.3),
        ],
    };
    let noise = rng.random_range(0.002..0.05);
    let y = m
        .iter()
        .map(|&v| form.eval(&p, v) * (1.0 + noise * (rng.random::<f64>() * 2.0 - 1.0)))
        .collect();
    (m, y)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    for truth in Form::ALL {
        for loss in Loss::ALL {
            for i in 0..n {
                let (m, y) = curve(truth, &mut rng);
                let options = FitOptions {
                    loss,
                    fixed: vec![],
                };
                let f = fit_form(&m, &y, Form::ThreeRegion, &options).unwrap();
                println!(
                    "{} {} {i} {:e} {} {:?}",
                    truth.id(),
                    loss.id(),
                    f.ssr,
                    f.converged,
                    f.params
                );
            }
        }
    }
}
