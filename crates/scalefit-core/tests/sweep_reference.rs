//! The sweep module against references and known truths:
//!
//! * `data/sweep_reference.json` — seeded sweeps with SciPy's best multistart optimum of
//!   the joint law (L-BFGS-B from 72 starts, `scripts/reference/gen_sweep.py`) for the
//!   `log` and `huber` losses. Our objective is never above SciPy's (1e-9 relative
//!   slack), and where the optimum is well determined the parameters agree.
//! * A Hestness-style sweep whose best model size is known exactly: the envelope, its
//!   bracketing flags and `beta_p` are recovered.
//! * Besiroglu et al. 2024's law on a Chinchilla-like sweep: the truth lies inside the
//!   bootstrap intervals of the `huber` fit.
//! * Property tests: no input panics.
//!
//! `cargo test -p scalefit-core --test sweep_reference -- --nocapture` prints the margins.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;
use scalefit_core::sweep::compute::target_compute;
use scalefit_core::sweep::joint::objective;
use scalefit_core::sweep::{
    analyze_envelope, analyze_sweep, envelope, fit_joint, is_sweep, least_compute, JointLoss,
    JointOptions, JointParams, Run, Sweep, SweepError, SweepOptions, Throughput,
};
use serde::Deserialize;

/// Our objective may exceed SciPy's by at most this relative amount.
const OBJ_RTOL: f64 = 1e-9;
/// Parameters agree to this relative tolerance where the optimum is well determined.
const PARAM_RTOL: f64 = 1e-4;
/// Parameters agree to this where SciPy stopped above our objective (same basin).
const BASIN_RTOL: f64 = 1e-2;

#[derive(Debug, Deserialize)]
struct Reference {
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    truth: BTreeMap<String, f64>,
    m: Vec<f64>,
    s: Vec<f64>,
    error: Vec<f64>,
    scipy: BTreeMap<String, ScipyFit>,
}

#[derive(Debug, Deserialize)]
struct ScipyFit {
    params: BTreeMap<String, f64>,
    objective: f64,
    huber_delta: f64,
}

fn reference() -> Reference {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sweep_reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn sweep_of(c: &Case) -> Sweep {
    Sweep::new(
        c.m.iter()
            .zip(&c.s)
            .zip(&c.error)
            .map(|((&m, &s), &e)| Run::new(m, s, e))
            .collect(),
    )
    .unwrap()
}

fn params_of(p: &BTreeMap<String, f64>) -> JointParams {
    JointParams {
        e: p["E"],
        a: p["A"],
        alpha: p["alpha"],
        b: p["B"],
        beta: p["beta"],
    }
}

#[test]
fn joint_law_matches_or_beats_scipy_multistart() {
    let r = reference();
    assert!(r.cases.len() >= 4);
    for c in &r.cases {
        let sweep = sweep_of(c);
        for (loss_id, sp) in &c.scipy {
            let loss = JointLoss::from_id(loss_id).unwrap();
            let opts = JointOptions {
                loss,
                huber_delta: sp.huber_delta,
                bootstrap: 0,
                seed: 1,
            };
            let fit = fit_joint(&sweep, &opts).unwrap();
            // SciPy's objective recomputed by our code, so the comparison is of optima.
            let theirs = objective(&sweep, &params_of(&sp.params), loss, sp.huber_delta);
            assert!(
                (theirs / sp.objective - 1.0).abs() < 1e-9,
                "{} {loss_id}: objective conventions differ: {theirs} vs {}",
                c.name,
                sp.objective
            );
            let margin = (fit.objective - theirs) / theirs;
            let ours = fit.params.to_array();
            let ref_p = params_of(&sp.params).to_array();
            let worst = ours
                .iter()
                .zip(&ref_p)
                .map(|(a, b)| ((a - b) / b).abs())
                .fold(0.0, f64::max);
            println!(
                "{:22} {loss_id:5} ours {:.12e} scipy {:.12e} rel {margin:+.3e} worst param rel diff {worst:.2e}",
                c.name, fit.objective, theirs
            );
            assert!(
                margin <= OBJ_RTOL,
                "{} {loss_id}: our objective {} above SciPy's {theirs}",
                c.name,
                fit.objective
            );
            // Well determined: the sweeps with many runs, where the optimum is a clear
            // minimum (the 9-run case only has to reach SciPy's objective). Where SciPy
            // stopped measurably above our objective (L-BFGS-B on the kinks of a Huber
            // loss with delta = 1e-3), its point is not the optimum to 1e-4; it must
            // still be in the same basin.
            let rtol = if margin.abs() <= OBJ_RTOL {
                PARAM_RTOL
            } else {
                BASIN_RTOL
            };
            if c.name != "small" {
                for (name, (a, b)) in JointParams::NAMES.iter().zip(ours.iter().zip(&ref_p)) {
                    assert!(
                        ((a - b) / b).abs() < rtol,
                        "{} {loss_id} {name}: ours {a} scipy {b}",
                        c.name
                    );
                }
            }
        }
    }
}

#[test]
fn besiroglu_truth_lies_inside_the_huber_intervals() {
    let r = reference();
    let c = r
        .cases
        .iter()
        .find(|c| c.name == "chinchilla-besiroglu")
        .unwrap();
    assert_eq!(c.m.len(), 250);
    let truth = params_of(&c.truth).to_array();
    let opts = JointOptions {
        loss: JointLoss::Huber,
        bootstrap: 200,
        seed: 1,
        ..JointOptions::default()
    };
    let fit = fit_joint(&sweep_of(c), &opts).unwrap();
    let ci = fit.ci95.unwrap();
    let cis = [ci.e, ci.a, ci.alpha, ci.b, ci.beta];
    assert!(fit.failed <= 2, "{} failed", fit.failed);
    for ((name, t), (lo, hi)) in JointParams::NAMES.iter().zip(truth).zip(cis) {
        println!(
            "{name:5} truth {t:10.4} fit {:10.4} ci95 [{lo:.4}, {hi:.4}]",
            fit.params.to_array()[JointParams::NAMES.iter().position(|n| n == name).unwrap()]
        );
        assert!(lo <= t && t <= hi, "{name}: truth {t} outside [{lo}, {hi}]");
    }
    // The least compute for a loss of 2.0, with its interval; 1.0 is below E.
    let t = Throughput {
        flops_per_second: 1e15,
        utilisation: 0.4,
    };
    let reach = target_compute(&fit, 2.0, 6.0, Some(t));
    assert!(reach.reachable, "{reach:?}");
    let flops = reach.compute.unwrap();
    let (lo, hi) = reach.ci95.compute.unwrap();
    assert!(lo <= flops && flops <= hi, "{reach:?}");
    let hours = reach.accelerator_hours.unwrap();
    assert!((hours - flops / 4e14 / 3600.0).abs() <= 1e-9 * hours);
    let truth_c = least_compute(&params_of(&c.truth), 2.0, 6.0)
        .unwrap()
        .compute;
    println!("least compute for L = 2.0: {flops:.3e} FLOPs (95% CI {lo:.3e} to {hi:.3e}), truth {truth_c:.3e}");
    assert!(
        lo <= truth_c && truth_c <= hi,
        "truth's compute outside the interval"
    );
    let below = target_compute(&fit, 1.0, 6.0, None);
    assert!(!below.reachable && below.compute.is_none());
    assert!(matches!(
        below.why,
        Some(SweepError::TargetUnreachable { .. })
    ));
}

/// A Hestness et al. style sweep with a known best model size: at each `m`, the error
/// is `2 m^-0.3 + 0.05 (ln s - ln s*(m))^2` with `s*(m) = 3 m^0.7`, a parabola in
/// `ln s`, so the envelope's refinement is exact. Model sizes: 8 around `s*(m)`,
/// except at the largest `m`, where every size tried is below `s*`.
fn hestness_sweep() -> (Sweep, Vec<f64>) {
    let ms: Vec<f64> = (0..8).map(|i| 1e4 * 4f64.powi(i)).collect();
    let mut runs = Vec::new();
    for (i, &m) in ms.iter().enumerate() {
        let star = 3.0 * m.powf(0.7);
        // Sizes on a x2 grid, offset so s* falls between two of them.
        let base = if i + 1 == ms.len() {
            star / 400.0
        } else {
            star / 13.0
        };
        for k in 0..8 {
            let s = base * 2f64.powi(k);
            let e = 2.0 * m.powf(-0.3) + 0.05 * (s.ln() - star.ln()).powi(2);
            runs.push(Run::new(m, s, e));
        }
    }
    (Sweep::new(runs).unwrap(), ms)
}

#[test]
fn envelope_recovers_a_known_best_size_and_beta_p() {
    let (sweep, ms) = hestness_sweep();
    let env = envelope(&sweep);
    assert_eq!(env.points.len(), ms.len());
    for (p, &m) in env.points.iter().zip(&ms) {
        let star = 3.0 * m.powf(0.7);
        if m == *ms.last().unwrap() {
            assert!(!p.bracketed && !p.interpolated, "{p:?}");
        } else {
            assert!(p.bracketed && p.interpolated, "{p:?}");
            assert!(
                (p.best_model_size / star - 1.0).abs() < 1e-9,
                "{p:?} vs {star}"
            );
            assert!((p.error / (2.0 * m.powf(-0.3)) - 1.0).abs() < 1e-9);
        }
    }
    // Exactly one warning, naming the unbracketed m.
    assert_eq!(env.warnings.len(), 1);
    assert!(env.warnings[0].message.contains("largest"));
    // beta_p on the bracketed points is the truth.
    let bracketed: Vec<_> = env.points.iter().copied().filter(|p| p.bracketed).collect();
    let opts = JointOptions {
        bootstrap: 100,
        ..JointOptions::default()
    };
    let a = analyze_envelope(&bracketed, &opts, Some(0.01));
    let law = a.size_law.unwrap();
    assert!((law.beta_p - 0.7).abs() < 1e-9, "{law:?}");
    assert!((law.sigma / 3.0 - 1.0).abs() < 1e-8);
    let ci = law.ci95.unwrap();
    assert!(ci.beta_p.0 <= 0.7 + 1e-9 && 0.7 - 1e-9 <= ci.beta_p.1);
    let lc = a.analysis.unwrap();
    let beta_g = lc.fit.param("beta_g").unwrap();
    assert!((beta_g + 0.3).abs() < 1e-6, "{beta_g}");
}

#[test]
fn whole_report_on_a_sweep() {
    let (sweep, _) = hestness_sweep();
    let opts = SweepOptions {
        joint: JointOptions {
            bootstrap: 50,
            ..JointOptions::default()
        },
        compute: Some(1e20),
        target_error: Some(0.01),
        ..SweepOptions::default()
    };
    let r = analyze_sweep(&sweep, &opts).unwrap();
    assert_eq!(r.n_runs, 64);
    assert_eq!(r.envelope.len(), 8);
    assert!(r.learning_curve.is_some() && r.size_fit.is_some());
    let json = serde_json::to_value(&r).unwrap();
    for key in [
        "n_runs",
        "envelope",
        "size_fit",
        "joint",
        "compute_optimal",
        "allocation",
        "target",
        "warnings",
    ] {
        assert!(json.get(key).is_some(), "{key} missing");
    }
    for key in ["E", "A", "alpha", "B", "beta"] {
        assert!(json["joint"]["params"].get(key).is_some(), "{key}");
    }
    assert!(json["envelope"][0].get("best_model_size").is_some());
    assert!(json["compute_optimal"].get("G").is_some());
}

/// The page fits the joint law at once and adds its bootstrap in slices: completed,
/// its numbers are the one-shot report's, bit for bit.
#[test]
fn a_report_completed_in_chunks_equals_the_one_shot_report() {
    let (sweep, _) = hestness_sweep();
    let with = |bootstrap| SweepOptions {
        joint: JointOptions {
            bootstrap,
            ..JointOptions::default()
        },
        compute: Some(1e20),
        target_error: Some(0.01),
        ..SweepOptions::default()
    };
    let full = analyze_sweep(&sweep, &with(40)).unwrap();
    let point = analyze_sweep(&sweep, &with(0)).unwrap();
    assert!(point.joint.ci95.is_none());
    let opts = with(40);
    let mut samples = Vec::new();
    for range in [0..7, 7..8, 8..40] {
        samples.extend(scalefit_core::sweep::joint::joint_bootstrap_samples(
            &sweep,
            &point.joint,
            &opts.joint,
            range,
        ));
    }
    let done = point.with_joint_bootstrap(samples, &opts);
    assert_eq!(done.joint, full.joint);
    assert_eq!(done.target, full.target);
    assert_eq!(done.allocation, full.allocation);
    assert_eq!(done.compute_optimal, full.compute_optimal);
    assert!(done.joint.ci95.is_some());
}

#[test]
fn detection_needs_several_model_sizes_at_one_m() {
    use scalefit_core::parse::Point;
    let p = |m: f64, s: f64| Point {
        line: 1,
        m,
        error: 1.0,
        model_size: Some(s),
    };
    assert!(!is_sweep(&[p(1.0, 1.0), p(2.0, 2.0)]));
    assert!(!is_sweep(&[p(1.0, 1.0), p(1.0, 1.0)]));
    assert!(is_sweep(&[p(1.0, 1.0), p(1.0, 2.0)]));
    let missing = Point {
        model_size: None,
        line: 7,
        ..p(1.0, 1.0)
    };
    let e = Sweep::from_points(&[p(1.0, 1.0), missing]).unwrap_err();
    assert!(e.to_string().contains("line 7"), "{e}");
    let e = Sweep::from_points(&[p(1.0, -3.0)]).unwrap_err();
    assert!(
        e.to_string().contains("line 1") && e.to_string().contains("-3"),
        "{e}"
    );
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 1e-3f64..1e12,
        1 => Just(0.0),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(1e300),
        1 => Just(1e-300),
        1 => any::<f64>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn no_input_panics(runs in prop::collection::vec((any_f64(), any_f64(), any_f64()), 0..14),
                       loss in 0usize..3, delta in any_f64(), target in any_f64(), budget in any_f64()) {
        let runs: Vec<Run> = runs.into_iter().map(|(m, s, e)| Run::new(m, s, e)).collect();
        if let Ok(sweep) = Sweep::new(runs) {
            let opts = SweepOptions {
                joint: JointOptions { loss: JointLoss::ALL[loss], huber_delta: delta, bootstrap: 3, seed: 2 },
                compute: Some(budget),
                target_error: Some(target),
                ..SweepOptions::default()
            };
            let _ = analyze_sweep(&sweep, &opts);
            let _ = envelope(&sweep);
        }
    }

    #[test]
    fn well_formed_random_sweeps_fit(ns in prop::collection::vec(1e6f64..1e10, 6..20),
                                    seed in 0u64..1000) {
        let runs: Vec<Run> = ns.iter().enumerate().map(|(i, &n)| {
            let d = 1e8 * (1.0 + ((i as u64 * 7919 + seed) % 97) as f64);
            Run::new(d, n, 1.7 + 400.0 * n.powf(-0.34) + 410.0 * d.powf(-0.28))
        }).collect();
        let sweep = Sweep::new(runs).unwrap();
        if let Ok(fit) = fit_joint(&sweep, &JointOptions { bootstrap: 0, ..JointOptions::default() }) {
            prop_assert!(fit.objective.is_finite());
            prop_assert!(fit.params.e >= 0.0 && fit.params.a >= 0.0 && fit.params.b >= 0.0);
        }
    }
}
