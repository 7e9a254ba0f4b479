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
//! Curves: each form's truth (`tests/support/curves.rs`, as in `tests/global.rs`, another seed), both
//! losses, N curves each (default 300), all fitted as `three-region`, the form whose
//! search is hardest; a line is `truth loss index ssr converged [params]`.
#![allow(clippy::unwrap_used)] // reason: a benchmark harness on generated data

#[path = "../tests/support/curves.rs"]
mod curves;

use curves::curve;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use scalefit_core::fit::{fit_form, FitOptions};
use scalefit_core::model::{Form, Loss};

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
