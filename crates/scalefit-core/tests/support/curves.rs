//! Seeded noisy learning curves shared by `tests/global.rs` and the `optima` example
//! (included with `#[path]`).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use scalefit_core::model::Form;

/// A noisy curve of `form` with random, realistic parameters.
pub fn curve(form: Form, rng: &mut ChaCha8Rng) -> (Vec<f64>, Vec<f64>) {
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
        // The bend onto the floor inside the data's range.
        Form::SmoothFloor => vec![
            10f64.powf(rng.random_range(lo..hi)),
            b,
            rng.random_range(0.01..0.3),
        ],
        // The break inside the data, the exponent changing by 0.2 to 0.6 either way.
        Form::BrokenPower => {
            let d = rng.random_range(0.2..0.6);
            vec![
                rng.random_range(1.0..20.0),
                b,
                rng.random_range(0.0..0.2),
                10f64.powf(rng.random_range(lo + 0.2 * (hi - lo)..hi - 0.2 * (hi - lo))),
                if rng.random::<bool>() { d } else { -d },
            ]
        }
        // The knee inside the data, from sharp to soft.
        Form::Sigmoid => vec![
            rng.random_range(0.5..1.0),
            10f64.powf(rng.random_range(lo..hi)),
            b - 0.3,
            rng.random_range(0.01..0.3),
            10f64.powf(rng.random_range(-0.7..0.7)),
        ],
    };
    let noise = rng.random_range(0.002..0.05);
    let y = m
        .iter()
        .map(|&v| form.eval(&p, v) * (1.0 + noise * (rng.random::<f64>() * 2.0 - 1.0)))
        .collect();
    (m, y)
}
