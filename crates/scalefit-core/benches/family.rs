//! Times of the family comparison on the real NMT curves (five models): the point fits
//! (separate and shared) per form, and a 1,000-resample bootstrap. Plain timings
//! (a few runs, the median), not criterion: one bootstrap run takes seconds.
//! Run: `cargo bench -p scalefit-core --bench family`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // reason: a benchmark harness

use std::time::Instant;

use scalefit_core::family::{compare, FamilyOptions, Shared};
use scalefit_core::model::{Form, ModelChoice};
use scalefit_core::permalink::State;
use scalefit_core::presets::NMT_REAL_CSV;
use scalefit_core::session::{family_members, parse_state, Member};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time(runs: usize, f: impl Fn()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() {
    let state = State {
        text: NMT_REAL_CSV.into(),
        ..State::default()
    };
    let parsed = parse_state(&state);
    let series: Vec<_> = family_members(&state, &parsed)
        .iter()
        .map(Member::series)
        .collect();
    let cases = [
        ("auto", ModelChoice::Auto, Shared::BetaG),
        ("power", ModelChoice::Form(Form::Power), Shared::BetaG),
        (
            "power-floor",
            ModelChoice::Form(Form::PowerFloor),
            Shared::BetaG,
        ),
        (
            "power-floor, gamma shared",
            ModelChoice::Form(Form::PowerFloor),
            Shared::BetaGGamma,
        ),
        (
            "three-region",
            ModelChoice::Form(Form::ThreeRegion),
            Shared::BetaG,
        ),
    ];
    for (name, model, shared) in cases {
        let o = FamilyOptions {
            model,
            shared,
            target_error: Some(0.35),
            seed: 1,
            ..FamilyOptions::default()
        };
        let point = time(7, || {
            compare(&series, &o).unwrap();
        });
        println!("family point fits, {name}: {:.2} ms", 1e3 * point);
    }
    for (name, model) in [
        ("power-floor", ModelChoice::Form(Form::PowerFloor)),
        ("auto", ModelChoice::Auto),
    ] {
        let o = FamilyOptions {
            model,
            bootstrap: 1000,
            target_error: Some(0.35),
            seed: 1,
            ..FamilyOptions::default()
        };
        let full = time(3, || {
            compare(&series, &o).unwrap();
        });
        println!("family with 1,000 resamples, {name}: {full:.2} s");
    }
}
