//! Tests of the family comparison.

#![allow(clippy::unwrap_used)]

use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A family of power-floor curves, `alphas` and `betas` per series, multiplicative
/// noise of relative size `noise`, `n` points over `decades` from 1e3.
fn family(
    alphas: &[f64],
    betas: &[f64],
    gamma: f64,
    n: usize,
    decades: f64,
    noise: f64,
    seed: u64,
) -> Vec<Series> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    alphas
        .iter()
        .zip(betas)
        .enumerate()
        .map(|(i, (&a, &b))| {
            let m: Vec<f64> = (0..n)
                .map(|j| 1e3 * 10f64.powf(decades * j as f64 / (n - 1) as f64))
                .collect();
            let y = m
                .iter()
                .map(|&m| {
                    // Box-Muller normal draw.
                    let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-12), rng.random());
                    let z = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos();
                    (a * m.powf(b) + gamma) * (noise * z).exp()
                })
                .collect();
            Series {
                name: format!("s{i}"),
                m,
                y,
            }
        })
        .collect()
}

fn opts(form: Form) -> FamilyOptions {
    FamilyOptions {
        model: ModelChoice::Form(form),
        ..FamilyOptions::default()
    }
}

#[test]
fn shared_fit_is_the_minimum_of_a_dense_scan() {
    let fam = family(
        &[5.0, 3.0, 8.0],
        &[-0.3, -0.32, -0.28],
        0.02,
        10,
        2.5,
        0.03,
        3,
    );
    let c = compare(&fam, &opts(Form::PowerFloor)).unwrap();
    let members: Vec<&Series> = fam.iter().collect();
    let best_scan = (0..=300)
        .map(|i| -0.45 + 0.3 * i as f64 / 300.0)
        .filter_map(|b| profile(&members, Form::PowerFloor, Loss::Log, b, None).map(|(s, _)| s))
        .fold(f64::INFINITY, f64::min);
    assert!(
        c.ssr_shared <= best_scan * (1.0 + 1e-9),
        "{} vs scan {best_scan}",
        c.ssr_shared
    );
    assert!(c.ssr_shared >= c.ssr_separate * (1.0 - 1e-9));
    assert_eq!(
        c.shared_fit.k,
        c.separate.iter().map(|f| f.k).sum::<usize>() - 2
    );
    assert!(
        (c.shared_fit.beta_g + 0.3).abs() < 0.05,
        "{}",
        c.shared_fit.beta_g
    );
    for f in &c.shared_fit.fits {
        assert_eq!(f.params[1], c.shared_fit.beta_g);
    }
}

#[test]
fn power_family_shared_exponent_is_the_pooled_slope() {
    // Under log loss a power law is a line in log-log space: the shared fit is
    // parallel lines, solvable exactly.
    let fam = family(&[5.0, 3.0], &[-0.3, -0.3], 0.0, 8, 3.0, 0.02, 11);
    let c = compare(&fam, &opts(Form::Power)).unwrap();
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for s in &fam {
        let lx: Vec<f64> = s.m.iter().map(|v| v.ln()).collect();
        let ly: Vec<f64> = s.y.iter().map(|v| v.ln()).collect();
        let (mx, my) = (
            lx.iter().sum::<f64>() / lx.len() as f64,
            ly.iter().sum::<f64>() / ly.len() as f64,
        );
        for (x, y) in lx.iter().zip(&ly) {
            sxy += (x - mx) * (y - my);
            sxx += (x - mx) * (x - mx);
        }
    }
    let pooled = sxy / sxx;
    assert!(
        (c.shared_fit.beta_g - pooled).abs() < 1e-8,
        "{} vs {pooled}",
        c.shared_fit.beta_g
    );
}

#[test]
fn shared_floor_and_bad_settings() {
    let fam = family(&[5.0, 3.0], &[-0.3, -0.3], 0.05, 10, 2.5, 0.01, 5);
    let c = compare(
        &fam,
        &FamilyOptions {
            shared: Shared::BetaGGamma,
            ..opts(Form::PowerFloor)
        },
    )
    .unwrap();
    let g = c.shared_fit.gamma.unwrap();
    assert!((g - 0.05).abs() < 0.02, "{g}");
    assert_eq!(c.dof().0, 2);
    let e = compare(
        &fam,
        &FamilyOptions {
            shared: Shared::BetaGGamma,
            ..opts(Form::Power)
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("power has no gamma"), "{e}");
    let one = compare(&fam[..1], &opts(Form::Power)).unwrap_err();
    assert!(matches!(
        one,
        FamilyError::TooFewSeries {
            usable: 1,
            total: 1,
            ..
        }
    ));
}

#[test]
fn short_series_is_left_out_by_name() {
    let mut fam = family(&[5.0, 3.0, 4.0], &[-0.3, -0.3, -0.3], 0.0, 8, 2.5, 0.02, 9);
    fam[1].m.truncate(3);
    fam[1].y.truncate(3);
    fam[1].name = "tiny".into();
    let c = compare(&fam, &opts(Form::PowerFloor)).unwrap();
    assert_eq!(c.included, vec![0, 2]);
    assert_eq!(c.excluded[0].0, "tiny");
    assert!(c.excluded[0].1.contains("3 points"), "{}", c.excluded[0].1);
}

#[test]
fn needs_sentence_and_bootstrap() {
    let fam = family(
        &[5.0, 3.0, 8.0],
        &[-0.3, -0.3, -0.3],
        0.0,
        10,
        2.5,
        0.02,
        21,
    );
    let names: Vec<String> = fam.iter().map(|s| s.name.clone()).collect();
    let o = FamilyOptions {
        bootstrap: 60,
        seed: 4,
        target_error: Some(0.05),
        ..opts(Form::Power)
    };
    let c = compare(&fam, &o).unwrap();
    assert!(c.consistent, "p = {}", c.p_value);
    // s1 has the smallest alpha: it needs (3/5)^(1/0.3) = 0.18x the data of s0.
    assert_eq!(c.least_data(), Some(1));
    let r = c.needs[1].ratio.unwrap();
    assert!((r - (3.0f64 / 5.0).powf(1.0 / 0.3)).abs() < 0.05, "{r}");
    let (lo, hi) = c.bootstrap.beta_g.unwrap();
    assert!(lo < c.shared_fit.beta_g && c.shared_fit.beta_g < hi);
    let (rlo, rhi) = c.bootstrap.data_ratio[1].unwrap();
    assert!(rlo < r && r < rhi, "{rlo} {r} {rhi}");
    assert_eq!(c.bootstrap.failed, 0);
    let again = compare(&fam, &o).unwrap();
    assert_eq!(again.bootstrap, c.bootstrap, "seeded");
    // In chunks (as the page runs it), from the point comparison: the same intervals.
    let point = compare(
        &fam,
        &FamilyOptions {
            bootstrap: 0,
            ..o.clone()
        },
    )
    .unwrap();
    let mut draws = bootstrap_draws(&fam, &point, &o, 0..7);
    draws.extend(bootstrap_draws(&fam, &point, &o, 7..8));
    draws.extend(bootstrap_draws(&fam, &point, &o, 8..60));
    assert_eq!(point.clone().with_bootstrap(draws, 60), c);
    // Another target: the same as comparing afresh with it.
    for t in [Some(0.08), None, Some(1e-9)] {
        let fresh = compare(
            &fam,
            &FamilyOptions {
                bootstrap: 0,
                target_error: t,
                ..o.clone()
            },
        )
        .unwrap();
        assert_eq!(c.clone().with_target(t), fresh);
    }
    let s = sentence(&c, &names, Some("a target error of 0.05"));
    assert!(
        s.starts_with("One exponent fits all 3 series: beta_g = -0.3"),
        "{s}"
    );
    assert!(
        s.contains("`s1` needs 0.1") && s.contains("the data of `s0`"),
        "{s}"
    );
}

#[test]
fn differing_exponents_are_rejected() {
    let fam = family(&[5.0, 5.0], &[-0.25, -0.35], 0.0, 10, 2.5, 0.025, 1);
    let c = compare(&fam, &opts(Form::Power)).unwrap();
    assert!(!c.consistent && c.p_value < 1e-6, "p = {}", c.p_value);
    let s = sentence(&c, &["a".into(), "b".into()], None);
    assert!(s.starts_with("The exponents differ (p < 0.001)"), "{s}");
}

#[test]
fn shared_ids_round_trip() {
    for s in Shared::ALL {
        assert_eq!(Shared::from_id(s.id()), Some(s));
    }
    assert_eq!(Shared::from_id("beta_g, gamma"), Some(Shared::BetaGGamma));
    assert_eq!(Shared::from_id("gamma"), None);
}

/// The search before the screen: the exact profile at all 73 grid exponents and the
/// series' own, the best node refined by Brent. The screened search must never end
/// above it.
fn exhaustive(members: &[&Series], form: Form, loss: Loss, own: &[f64]) -> f64 {
    let mut grid = search::beta_grid(73, -3.0, 1.5);
    grid.extend(own.iter().copied().filter(|b| b.is_finite()));
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    search::minimise_1d(&grid, |b| {
        profile(members, form, loss, b, None).map(|(s, _)| s)
    })
    .unwrap()
    .1
}

#[test]
fn the_screened_search_reaches_the_exhaustive_search() {
    // Seeded families: 2 to 4 series, exponents equal or apart, floors, noise 1-5%,
    // power-floor and three-region under both losses.
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let mut worst = f64::NEG_INFINITY;
    for case in 0..12 {
        let k = 2 + case % 3;
        let alphas: Vec<f64> = (0..k).map(|_| 2.0 + 6.0 * rng.random::<f64>()).collect();
        let base = -0.2 - 0.4 * rng.random::<f64>();
        let spread = if case % 2 == 0 { 0.0 } else { 0.15 };
        let betas: Vec<f64> = (0..k).map(|i| base - spread * i as f64).collect();
        let gamma = 0.05 * rng.random::<f64>();
        let noise = 0.01 + 0.04 * rng.random::<f64>();
        let fam = family(
            &alphas,
            &betas,
            gamma,
            9 + case % 4,
            3.0,
            noise,
            case as u64,
        );
        let members: Vec<&Series> = fam.iter().collect();
        let form = if case < 6 {
            Form::PowerFloor
        } else {
            Form::ThreeRegion
        };
        let loss = if case % 4 < 2 {
            Loss::Log
        } else {
            Loss::Linear
        };
        let o = FamilyOptions { loss, ..opts(form) };
        let c = compare(&fam, &o).unwrap();
        let own: Vec<f64> = c
            .separate
            .iter()
            .map(|f| f.params[form.beta_index()])
            .collect();
        let reference = exhaustive(&members, form, loss, &own);
        let rel = (c.ssr_shared - reference) / reference;
        worst = worst.max(rel);
        assert!(
            rel <= 1e-9,
            "case {case} ({form:?}, {loss:?}): screened {} above exhaustive {reference}",
            c.ssr_shared
        );
    }
    println!("screened search against the exhaustive one: worst relative SSR excess {worst:.1e}");
}
