//! Calibration of the shared-exponent F-test (SPEC section 5), seeded, printing its
//! figures: on null families (one true exponent, 2.5% noise) it rejects at the 5% level
//! in 3-8% of them; on families whose exponents differ by 0.1 (10 points per series
//! over 2.5 decades) in at least 90% of power-law families. With a floor the exponent
//! trades off against it and the same difference is found less often (printed, and
//! held above 60%): that is the data's limit, not the test's. `CAL_FAMILIES` sets the
//! count (default 500).
#![allow(clippy::unwrap_used)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scalefit_core::family::{compare, FamilyOptions, Series};
use scalefit_core::model::{Form, ModelChoice};

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-12), rng.random());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// `k` series of 10 points over 2.5 decades; series `i` has exponent `betas[i]` and an
/// intercept of its own; floor `gamma`; log-normal noise of 2.5%.
fn family(rng: &mut ChaCha8Rng, betas: &[f64], gamma: f64) -> Vec<Series> {
    betas
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let alpha = 2.0 + 4.0 * rng.random::<f64>();
            let m: Vec<f64> = (0..10)
                .map(|j| 1e4 * 10f64.powf(2.5 * j as f64 / 9.0))
                .collect();
            let y = m
                .iter()
                .map(|&m| (alpha * m.powf(b) + gamma) * (0.025 * normal(rng)).exp())
                .collect();
            Series {
                name: format!("s{i}"),
                m,
                y,
            }
        })
        .collect()
}

fn families() -> usize {
    std::env::var("CAL_FAMILIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

fn rejection_rate(form: Form, gamma: f64, differ: bool, seed: u64, count: usize) -> f64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let opts = FamilyOptions {
        model: ModelChoice::Form(form),
        ..FamilyOptions::default()
    };
    let mut rejected = 0;
    for _ in 0..count {
        let k = 2 + (rng.random::<f64>() < 0.5) as usize;
        let base = -0.2 - 0.2 * rng.random::<f64>();
        let betas: Vec<f64> = (0..k)
            .map(|i| if differ { base - 0.1 * i as f64 } else { base })
            .collect();
        let fam = family(&mut rng, &betas, gamma);
        let c = compare(&fam, &opts).unwrap();
        rejected += (c.p_value < 0.05) as usize;
    }
    rejected as f64 / count as f64
}

#[test]
fn f_test_is_calibrated_on_power_families() {
    let n = families();
    let null = rejection_rate(Form::Power, 0.0, false, 1, n);
    let alt = rejection_rate(Form::Power, 0.0, true, 2, n);
    println!(
        "power, {n} families: null rejection {:.1}%, exponents 0.1 apart {:.1}%",
        100.0 * null,
        100.0 * alt
    );
    assert!((0.03..=0.08).contains(&null), "null rejection {null}");
    assert!(alt >= 0.9, "power {alt}");
}

#[test]
fn f_test_is_calibrated_on_power_floor_families() {
    let n = families();
    let null = rejection_rate(Form::PowerFloor, 0.02, false, 3, n);
    let alt = rejection_rate(Form::PowerFloor, 0.02, true, 4, n);
    println!(
        "power-floor, {n} families: null rejection {:.1}%, exponents 0.1 apart {:.1}%",
        100.0 * null,
        100.0 * alt
    );
    assert!((0.03..=0.08).contains(&null), "null rejection {null}");
    assert!(alt >= 0.6, "power-floor {alt}");
}
