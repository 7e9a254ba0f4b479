//! Cross-checks of `fit_form` against independent references:
//!
//! * `data/reference.json` — synthetic learning curves for every form x loss, each fitted
//!   by SciPy's `least_squares` from a grid of starts (`scripts/reference/gen_reference.py`,
//!   which only keeps cases whose optimum is unique and well conditioned). We must land on
//!   the same optimum: parameters within 1e-6 relative, SSR no worse than SciPy's.
//! * NIST StRD certified nonlinear regressions that are power laws (`data/nist_*.dat`):
//!   Bennett5 (three-region with gamma held at 0, linear loss; "higher difficulty") and
//!   DanWood (power, linear loss).
//!
//! Run with `cargo test -p scalefit-core --test reference -- --nocapture` to see the
//! per-case lines.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use scalefit_core::fit::{fit_form, FitOptions};
use scalefit_core::model::{Form, Loss};
use serde::Deserialize;

/// Relative tolerance on every parameter against the reference optimum.
const PARAM_RTOL: f64 = 1e-6;
/// Our SSR may exceed the reference's by at most this relative amount (rounding only).
const SSR_RTOL: f64 = 1e-9;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    form: String,
    loss: String,
    m: Vec<f64>,
    y: Vec<f64>,
    true_params: Vec<f64>,
    scipy_params: Vec<f64>,
    scipy_ssr: f64,
}

fn data_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(file)
}

fn max_rel_diff(got: &[f64], want: &[f64]) -> f64 {
    assert_eq!(got.len(), want.len(), "parameter count");
    got.iter()
        .zip(want)
        .map(|(g, w)| (g - w).abs() / w.abs())
        .fold(0.0, f64::max)
}

#[test]
fn matches_scipy_reference_optima() {
    let text = std::fs::read_to_string(data_path("reference.json")).expect("read reference.json");
    let cases: Vec<Case> = serde_json::from_str(&text).expect("parse reference.json");
    assert!(
        cases.len() >= 30,
        "reference.json has only {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for c in &cases {
        let form =
            Form::from_id(&c.form).unwrap_or_else(|| panic!("{}: unknown form {}", c.name, c.form));
        let loss =
            Loss::from_id(&c.loss).unwrap_or_else(|| panic!("{}: unknown loss {}", c.name, c.loss));
        assert_eq!(
            c.true_params.len(),
            form.n_params(),
            "{}: true_params length",
            c.name
        );
        let opts = FitOptions {
            loss,
            ..Default::default()
        };
        let fit = match fit_form(&c.m, &c.y, form, &opts) {
            Ok(f) => f,
            Err(e) => {
                println!("{:24} ERROR {e}", c.name);
                failures.push(format!("{}: error {e}", c.name));
                continue;
            }
        };
        let diff = max_rel_diff(&fit.params, &c.scipy_params);
        let ssr_rel = (fit.ssr - c.scipy_ssr) / c.scipy_ssr;
        let params_ok = diff <= PARAM_RTOL;
        let ssr_ok = fit.ssr <= c.scipy_ssr * (1.0 + SSR_RTOL) + 1e-300;
        println!(
            "{:24} n={:2} max_rel_param_diff={diff:9.2e} ssr_rel_diff={ssr_rel:10.2e} {}",
            c.name,
            c.m.len(),
            if params_ok && ssr_ok { "ok" } else { "FAIL" }
        );
        if !(params_ok && ssr_ok) {
            failures.push(format!(
                "{}: params {:?} vs scipy {:?} (max rel diff {diff:.2e}), ssr {:e} vs scipy {:e} (rel {ssr_rel:.2e})",
                c.name, fit.params, c.scipy_params, fit.ssr, c.scipy_ssr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from SciPy:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// NIST StRD file: data lines are `y x` pairs after the `Data:` header block; the
/// header says on which lines ("Data (lines A to B)").
fn read_strd(file: &str) -> (Vec<f64>, Vec<f64>) {
    let text = std::fs::read_to_string(data_path(file)).expect("read StRD file");
    let lines: Vec<&str> = text.lines().collect();
    let spec = lines
        .iter()
        .find(|l| l.trim_start().starts_with("Data") && l.contains("lines"))
        .expect("data line range");
    let nums: Vec<usize> = spec
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|t| t.parse().ok())
        .collect();
    let (first, last) = (nums[0], nums[1]);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for l in &lines[first - 1..last] {
        let v: Vec<f64> = l
            .split_whitespace()
            .map(|t| t.parse().expect("number"))
            .collect();
        assert_eq!(v.len(), 2, "StRD data line {l:?}");
        y.push(v[0]);
        x.push(v[1]);
    }
    (x, y)
}

fn check_certified(name: &str, got: &[f64], want: &[f64], ssr: f64, cert_ssr: f64, rtol: f64) {
    let diff = max_rel_diff(got, want);
    let ssr_rel = (ssr - cert_ssr) / cert_ssr;
    println!("{name}: params {got:?}\n  certified {want:?}\n  max_rel_param_diff={diff:.2e} ssr={ssr:e} certified={cert_ssr:e} rel={ssr_rel:.2e}");
    assert!(
        diff <= rtol,
        "{name}: params differ from certified by {diff:e} relative"
    );
    // Certified SSR has 11 significant digits.
    assert!(
        ssr_rel.abs() <= 1e-9,
        "{name}: SSR {ssr:e} vs certified {cert_ssr:e}"
    );
}

#[test]
fn nist_bennett5_three_region_linear() {
    // y = b1 * (b2 + x)^(-1/b3) = eps0 * (1 + x/m0)^beta_g with gamma = 0,
    // m0 = b2, beta_g = -1/b3, eps0 = b1 * b2^(-1/b3) (negative: fine with linear loss).
    let (x, y) = read_strd("nist_bennett5.dat");
    assert_eq!(x.len(), 154);
    let (b1, b2, b3) = (
        -2.5235058043E+03_f64,
        4.6736564644E+01_f64,
        9.3218483193E-01_f64,
    );
    let want = [b1 * b2.powf(-1.0 / b3), b2, -1.0 / b3, 0.0];
    let opts = FitOptions {
        loss: Loss::Linear,
        fixed: vec![("gamma".into(), 0.0)],
    };
    let fit = fit_form(&x, &y, Form::ThreeRegion, &opts).expect("Bennett5 fit");
    assert_eq!(fit.params[3], 0.0, "gamma held");
    check_certified(
        "Bennett5",
        &fit.params[..3],
        &want[..3],
        fit.ssr,
        5.2404744073E-04,
        1e-6,
    );
}

#[test]
fn nist_danwood_power_linear() {
    // y = b1 * x^b2: exactly the power form (alpha = b1, beta_g = b2).
    let (x, y) = read_strd("nist_danwood.dat");
    assert_eq!(x.len(), 6);
    let want = [7.6886226176E-01, 3.8604055871E+00];
    let opts = FitOptions {
        loss: Loss::Linear,
        ..Default::default()
    };
    let fit = fit_form(&x, &y, Form::Power, &opts).expect("DanWood fit");
    check_certified(
        "DanWood",
        &fit.params,
        &want,
        fit.ssr,
        4.3173084083E-03,
        1e-8,
    );
}

/// Misra1b / Misra1c: `y = b1 * (1 - (1 + x/c)^k)` is three-region with `eps0` and
/// `beta_g` held (eps0 = 0, beta_g = k), `gamma = b1` and `m0 = c`: a rising,
/// saturating curve that exercises two user-held parameters at once.
fn check_misra(file: &str, name: &str, beta_g: f64, gamma: f64, m0: f64, cert_ssr: f64) {
    let (x, y) = read_strd(file);
    assert_eq!(x.len(), 14);
    let opts = FitOptions {
        loss: Loss::Linear,
        fixed: vec![("eps0".into(), 0.0), ("beta_g".into(), beta_g)],
    };
    let fit = fit_form(&x, &y, Form::ThreeRegion, &opts).expect("Misra fit");
    assert_eq!(
        (fit.params[0], fit.params[2]),
        (0.0, beta_g),
        "held parameters"
    );
    check_certified(
        name,
        &[fit.params[1], fit.params[3]],
        &[m0, gamma],
        fit.ssr,
        cert_ssr,
        1e-7,
    );
}

#[test]
fn nist_misra1b_three_region_two_held() {
    // y = b1 * (1 - (1 + b2*x/2)^-2): m0 = 2/b2, beta_g = -2.
    let (b1, b2) = (3.3799746163E+02, 3.9039091287E-04);
    check_misra(
        "nist_misra1b.dat",
        "Misra1b",
        -2.0,
        b1,
        2.0 / b2,
        7.5464681533E-02,
    );
}

#[test]
fn nist_misra1c_three_region_two_held() {
    // y = b1 * (1 - (1 + 2*b2*x)^-0.5): m0 = 1/(2 b2), beta_g = -0.5.
    let (b1, b2) = (6.3642725809E+02, 2.0813627256E-04);
    check_misra(
        "nist_misra1c.dat",
        "Misra1c",
        -0.5,
        b1,
        1.0 / (2.0 * b2),
        4.0966836971E-02,
    );
}

#[test]
fn nist_misra1d_three_region_two_held() {
    // y = b1*b2*x / (1 + b2*x) = b1 * (1 - (1 + b2*x)^-1): m0 = 1/b2, beta_g = -1.
    let (b1, b2) = (4.3736970754E+02, 3.0227324449E-04);
    check_misra(
        "nist_misra1d.dat",
        "Misra1d",
        -1.0,
        b1,
        1.0 / b2,
        5.6419295283E-02,
    );
}
