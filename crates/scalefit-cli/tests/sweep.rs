//! `scalefit sweep` as a user runs it (SPEC section 6): the JSON keys exactly, the
//! numbers equal to the core's, what the joint law recovers from known laws, bad
//! input with its message and exit code, runs that share no data size, permalinks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // reason: tests

use std::io::Write;
use std::process::{Command, Output};

use scalefit_core::parse::{parse, ParseOptions};
use scalefit_core::sweep::{fit_joint, least_compute, JointLoss, JointOptions, RowsAs, Sweep};
use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalefit"))
        .args(args)
        .output()
        .expect("runs")
}

fn fixture(name: &str) -> String {
    format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("scalefit-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path.display().to_string()
}

fn json(args: &[&str]) -> Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

fn sorted(mut k: Vec<&str>) -> Vec<&str> {
    k.sort_unstable();
    k
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn json_has_exactly_the_spec_keys() {
    let path = fixture("sweep9.csv");
    let v = json(&[
        "sweep",
        &path,
        "--json",
        "--bootstrap",
        "50",
        "--compute",
        "1e9",
        "--target-error",
        "0.3",
    ]);
    assert_eq!(
        sorted(keys(&v)),
        sorted(vec![
            "n_runs",
            "envelope",
            "learning_curve",
            "size_fit",
            "joint",
            "compute_optimal",
            "allocation",
            "target",
            "warnings"
        ])
    );
    assert_eq!(v["n_runs"], 9);
    let env = v["envelope"].as_array().unwrap();
    assert_eq!(env.len(), 3);
    for p in env {
        assert_eq!(
            sorted(keys(p)),
            ["best_model_size", "bracketed", "error", "interpolated", "m"]
        );
    }
    // m = 1000 is bracketed (the middle size is best) and refined by the parabola.
    assert_eq!(env[0]["interpolated"], true);
    assert_eq!(env[0]["bracketed"], true);
    assert_eq!(env[2]["bracketed"], false);
    assert_eq!(sorted(keys(&v["size_fit"])), ["beta_p", "ci95", "sigma"]);
    assert_eq!(sorted(keys(&v["size_fit"]["ci95"])), ["beta_p", "sigma"]);
    let j = &v["joint"];
    assert_eq!(
        sorted(keys(j)),
        ["ci95", "huber_delta", "loss", "objective", "params"]
    );
    let names = sorted(vec!["A", "B", "E", "alpha", "beta"]);
    assert_eq!(sorted(keys(&j["params"])), names);
    assert_eq!(sorted(keys(&j["ci95"])), names);
    assert_eq!(j["loss"], "log");
    assert!(j["huber_delta"].is_null());
    assert_eq!(
        sorted(keys(&v["compute_optimal"])),
        ["G", "a", "b", "flops_per_param"]
    );
    assert_eq!(v["compute_optimal"]["flops_per_param"], 6.0);
    assert_eq!(
        sorted(keys(&v["allocation"])),
        [
            "compute",
            "data_size",
            "loss",
            "model_size",
            "tokens_per_param"
        ]
    );
    let t = &v["target"];
    assert_eq!(
        sorted(keys(t)),
        [
            "ci95",
            "compute",
            "data_size",
            "model_size",
            "reachable",
            "target_error"
        ]
    );
    assert_eq!(t["reachable"], true);
    let c = t["ci95"]["compute"].as_array().unwrap();
    assert_eq!(c.len(), 2);
    // The learning curve is `fit --json`'s object: the same keys as a fit's report.
    let fit = json(&[
        "fit",
        &fixture("model_size.tsv"),
        "--json",
        "--bootstrap",
        "0",
    ]);
    assert_eq!(keys(&v["learning_curve"]), keys(&fit));
    assert_eq!(v["learning_curve"]["n_points"], 3);
    // Without --compute and --target-error, no allocation and no target.
    let v = json(&["sweep", &path, "--json", "--bootstrap", "0"]);
    assert!(v.get("allocation").is_none() && v.get("target").is_none());
    assert!(v["joint"]["ci95"].is_null());
}

/// The CLI's target compute is the core's, called directly on the same runs.
#[test]
fn target_compute_equals_the_core() {
    let path = fixture("sweep60.csv");
    for (loss, extra) in [
        (JointLoss::Log, vec![]),
        (JointLoss::Huber, vec!["--huber-delta", "0.01"]),
    ] {
        let mut args = vec![
            "sweep",
            &path,
            "--json",
            "--bootstrap",
            "0",
            "--target-error",
            "2.2",
            "--flops-per-param",
            "8",
            "--loss",
            loss.id(),
        ];
        args.extend(extra.iter().copied());
        let v = json(&args);
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = parse(
            &text,
            &ParseOptions {
                log_loss: true,
                ..Default::default()
            },
        );
        let sweep = Sweep::from_points(&parsed.points).unwrap();
        let options = JointOptions {
            loss,
            huber_delta: if loss == JointLoss::Huber { 0.01 } else { 1e-3 },
            bootstrap: 0,
            seed: 1,
        };
        let fit = fit_joint(&sweep, &options).unwrap();
        let want = least_compute(&fit.params, 2.2, 8.0).unwrap();
        let got = v["target"]["compute"].as_f64().unwrap();
        assert!(
            (got / want.compute - 1.0).abs() < 1e-12,
            "{loss:?}: {got} vs {}",
            want.compute
        );
        let n = v["target"]["model_size"].as_f64().unwrap();
        assert!((n / want.model_size - 1.0).abs() < 1e-12);
        assert_eq!(v["compute_optimal"]["flops_per_param"], 8.0);
    }
}

/// 60 runs from Besiroglu et al. 2024's law with 0.5% noise: the joint law comes back
/// close to it, and inside its intervals.
#[test]
fn recovers_a_known_law() {
    let v = json(&[
        "sweep",
        &fixture("sweep60.csv"),
        "--json",
        "--bootstrap",
        "200",
    ]);
    assert_eq!(v["n_runs"], 60);
    let p = &v["joint"]["params"];
    for (name, truth, tol) in [
        ("E", 1.817, 0.05),
        ("alpha", 0.348, 0.03),
        ("beta", 0.366, 0.03),
    ] {
        let got = p[name].as_f64().unwrap();
        assert!((got - truth).abs() < tol, "{name}: {got} vs {truth}");
        let ci = v["joint"]["ci95"][name].as_array().unwrap();
        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        assert!(lo <= got && got <= hi, "{name}: {got} outside [{lo}, {hi}]");
    }
    // At every data size the largest model is best (the law falls in N): each is
    // flagged as not bracketed, with a warning naming its m.
    let env = v["envelope"].as_array().unwrap();
    assert_eq!(env.len(), 6);
    assert!(env.iter().all(|p| p["bracketed"] == false));
    assert_eq!(v["warnings"].as_array().unwrap().len(), 6);
}

/// Hoffmann-style runs, every one its own N and D: no envelope (a note), but the joint
/// law and the allocation are fitted.
#[test]
fn runs_sharing_no_data_size() {
    let v = json(&[
        "sweep",
        &fixture("sweep_hoffmann.csv"),
        "--json",
        "--bootstrap",
        "50",
        "--compute",
        "5.76e23",
    ]);
    assert_eq!(v["n_runs"], 24);
    assert_eq!(v["envelope"], Value::Array(vec![]));
    assert!(v["learning_curve"].is_null() && v["size_fit"].is_null());
    let w: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(w.iter().any(|w| w.contains("no envelope")), "{w:?}");
    let alpha = v["joint"]["params"]["alpha"].as_f64().unwrap();
    assert!((alpha - 0.34).abs() < 0.05, "{alpha}");
    let a = &v["allocation"];
    let (n, d) = (
        a["model_size"].as_f64().unwrap(),
        a["data_size"].as_f64().unwrap(),
    );
    assert!((6.0 * n * d / 5.76e23 - 1.0).abs() < 1e-9);
    assert!(a["tokens_per_param"].as_f64().unwrap() > 1.0);
}

#[test]
fn model_size_cells_name_the_line() {
    for (text, line, says) in [
        (
            "examples,error,params\n1000,0.5,10\n2000,0.4,-3\n",
            3,
            "must be > 0",
        ),
        (
            "examples,error,params\n1000,0.5,10\n2000,0.4,\n",
            3,
            "no model size",
        ),
        ("examples,error,params\n1000,0.5,0\n", 2, "must be > 0"),
    ] {
        let path = file("cells.csv", text);
        let out = run(&["sweep", &path, "--bootstrap", "0"]);
        assert_eq!(out.status.code(), Some(2), "{text:?}");
        let err = stderr(&out);
        assert!(err.contains(&path), "{err}");
        assert!(err.contains(&format!("{line}")), "{err}");
        assert!(err.contains(says), "{text:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(!err.contains("kept without it"), "{err}");
    }
    // No model-size column at all: the first row says so.
    let path = file("nosize.csv", "examples,error\n1000,0.5\n2000,0.4\n");
    let out = run(&["sweep", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 2 has no model size"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn too_few_runs_says_how_many() {
    let path = file(
        "five.csv",
        "examples,error,params\n1000,0.5,10\n1000,0.45,20\n2000,0.4,10\n2000,0.35,20\n4000,0.3,40\n",
    );
    let out = run(&["sweep", &path, "--bootstrap", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("at least 6 runs") && err.contains("got 5"),
        "{err}"
    );
}

/// A target at or below the fitted E: not an error (exit 0), `reachable: false`, and
/// the reason among the warnings (JSON) or in the report (text).
#[test]
fn target_below_the_floor_is_unreachable() {
    let path = fixture("sweep60.csv");
    let v = json(&[
        "sweep",
        &path,
        "--json",
        "--bootstrap",
        "0",
        "--target-error",
        "1.5",
    ]);
    let t = &v["target"];
    assert_eq!(t["reachable"], false);
    assert!(t["compute"].is_null());
    let w = v["warnings"].as_array().unwrap();
    assert!(
        w.iter()
            .any(|w| w.as_str().unwrap().contains("unreachable")),
        "{w:?}"
    );
    let out = run(&["sweep", &path, "--bootstrap", "0", "--target-error", "1.5"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("target loss 1.50: a target loss of 1.5 is unreachable: the joint law never falls below E ="), "{text}");
}

#[test]
fn budget_below_every_run_is_refused() {
    let path = fixture("sweep9.csv");
    let out = run(&["sweep", &path, "--compute", "1e3", "--bootstrap", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&path) && err.contains("below the cheapest run"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let path = fixture("sweep9.csv");
    for (args, says) in [
        (vec!["--huber-delta", "0.01"], "only to --loss huber"),
        (
            vec!["--loss", "huber", "--huber-delta", "0"],
            "--huber-delta",
        ),
        (vec!["--flops-per-param", "-6"], "--flops-per-param"),
        (vec!["--compute", "nan"], "--compute"),
        (vec!["--target-error", "0"], "--target-error"),
        (
            vec!["--flops-per-second", "1e15", "--utilisation", "1.5"],
            "--utilisation",
        ),
        (vec!["--utilisation", "0.5"], "--flops-per-second"),
        (vec!["--loss", "l2"], "--loss"),
    ] {
        let mut a = vec!["sweep", path.as_str()];
        a.extend(args.iter().copied());
        let out = run(&a);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    let out = run(&["sweep", "/nonexistent/sweep.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/sweep.csv"));
}

#[test]
fn accelerator_hours_and_huber() {
    let path = fixture("sweep60.csv");
    let v = json(&[
        "sweep",
        &path,
        "--json",
        "--bootstrap",
        "0",
        "--loss",
        "huber",
        "--compute",
        "1e21",
        "--target-error",
        "2.3",
        "--flops-per-second",
        "1e15",
        "--utilisation",
        "0.5",
    ]);
    assert_eq!(v["joint"]["loss"], "huber");
    assert_eq!(v["joint"]["huber_delta"], 1e-3);
    let h = v["allocation"]["accelerator_hours"].as_f64().unwrap();
    assert!((h - 1e21 / 0.5e15 / 3600.0).abs() < 1e-9 * h, "{h}");
    let c = v["target"]["compute"].as_f64().unwrap();
    let h = v["target"]["accelerator_hours"].as_f64().unwrap();
    assert!((h - c / 0.5e15 / 3600.0).abs() < 1e-9 * h);
}

#[test]
fn same_seed_same_output_and_text_report() {
    let path = fixture("sweep9.csv");
    let args = ["sweep", path.as_str(), "--bootstrap", "100", "--seed", "7"];
    let a = run(&args);
    let b = run(&args);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let text = String::from_utf8_lossy(&a.stdout);
    for line in [
        "9 runs",
        "envelope (best model size per training-set size):",
        "joint law (log loss): L(N, D) = E + A * N^-alpha + B * D^-beta",
        "compute-optimal (C = 6 N D)",
        "warning: At m = 4000",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
}

#[test]
fn link_carries_the_sweep_settings() {
    let path = fixture("sweep9.csv");
    let v = json(&[
        "sweep",
        &path,
        "--json",
        "--bootstrap",
        "0",
        "--loss",
        "huber",
        "--huber-delta",
        "0.01",
        "--compute",
        "1e9",
        "--target-error",
        "0.3",
        "--link",
        "https://example.org/scalefit/",
    ]);
    let link = v["permalink"].as_str().unwrap();
    let state =
        scalefit_core::permalink::decode(scalefit_core::permalink::payload_of(link).unwrap())
            .unwrap();
    assert_eq!(state.text, std::fs::read_to_string(&path).unwrap());
    assert_eq!(state.target, Some(0.3));
    assert_eq!(state.bootstrap, 0);
    let s = state.sweep.clone().unwrap();
    assert_eq!(s.rows, RowsAs::Sweep);
    assert_eq!(s.loss, JointLoss::Huber);
    assert_eq!(s.huber_delta, Some(0.01));
    assert_eq!(s.budget, Some(1e9));
    // The state in the link gives the same numbers through the core's session glue.
    let parsed = scalefit_core::session::parse_sweep_state(&state);
    let r = scalefit_core::session::analyze_sweep_state(&state, &parsed).unwrap();
    let want = r.target.unwrap().compute.unwrap();
    let got = v["target"]["compute"].as_f64().unwrap();
    assert!((got / want - 1.0).abs() < 1e-15, "{got} vs {want}");
}
