//! Time of one joint-law fit `L(N, D)` on the 250-run Chinchilla-like sweep of
//! `tests/data/sweep_reference.json`, for `log` and `huber`, with the objective beside
//! SciPy's multistart optimum stored there. Compare with
//! `scripts/bench_sweep_scipy.py` (SciPy's multistart of the same objective):
//!
//! ```text
//! cargo run --release -p scalefit-core --example sweep_bench
//! .venv/bin/python scripts/bench_sweep_scipy.py
//! ```
//!
//! The last line is JSON: seconds per fit per loss.
#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: a benchmark harness on committed data

use std::time::Instant;

use scalefit_core::sweep::{fit_joint, JointLoss, JointOptions, Run, Sweep};
use serde_json::Value;

fn main() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sweep_reference.json"
    );
    let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let case = data["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "chinchilla-besiroglu")
        .unwrap();
    let col = |k: &str| -> Vec<f64> {
        case[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let (m, s, e) = (col("m"), col("s"), col("error"));
    let sweep = Sweep::new((0..m.len()).map(|i| Run::new(m[i], s[i], e[i])).collect()).unwrap();
    let mut out = Vec::new();
    for loss in [JointLoss::Log, JointLoss::Huber] {
        let opts = JointOptions {
            loss,
            bootstrap: 0,
            ..JointOptions::default()
        };
        let fit = fit_joint(&sweep, &opts).unwrap();
        // Repeat for at least a second of work, so the rate is stable.
        let t = Instant::now();
        let mut reps = 0u32;
        while t.elapsed().as_secs_f64() < 1.0 || reps < 5 {
            std::hint::black_box(fit_joint(&sweep, &opts).unwrap());
            reps += 1;
        }
        let secs = t.elapsed().as_secs_f64() / f64::from(reps);
        let scipy = case["scipy"][loss.id()]["objective"].as_f64().unwrap();
        println!(
            "{:5} {} runs: {:.3} ms per fit ({reps} reps); objective {:.12e}, SciPy multistart {:.12e} (ours - theirs) / theirs = {:+.2e}",
            loss.id(),
            sweep.len(),
            secs * 1e3,
            fit.objective,
            scipy,
            (fit.objective - scipy) / scipy
        );
        let t = Instant::now();
        let boot = fit_joint(
            &sweep,
            &JointOptions {
                bootstrap: 1000,
                ..opts
            },
        )
        .unwrap();
        println!(
            "{:5} with a 1000-resample bootstrap: {:.0} ms ({} failed)",
            loss.id(),
            t.elapsed().as_secs_f64() * 1e3,
            boot.failed
        );
        out.push(format!("\"{}\": {secs}", loss.id()));
    }
    println!("{{{}}}", out.join(", "));
}
