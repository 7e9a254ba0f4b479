//! The CLI as a user runs it: exit codes, JSON keys of SPEC section 4, messages that
//! name the file and line, presets, permalinks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // reason: tests

use std::io::Write;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalefit"))
        .args(args)
        .output()
        .expect("runs")
}

fn file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("scalefit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path.display().to_string()
}

fn curve() -> String {
    let mut s = String::from("examples,error,params\n");
    for i in 0..12 {
        let m = 1000.0 * 2f64.powi(i);
        let noise = 1.0 + 0.003 * (((i * 7) % 5) as f64 - 2.0);
        s += &format!(
            "{m},{},{}\n",
            (41.2 * m.powf(-0.36) + 0.39) * noise,
            5.0 * m.powf(0.7)
        );
    }
    s
}

#[test]
fn json_has_the_spec_keys() {
    let path = file("curve.csv", &curve());
    let out = run(&[
        "fit",
        &path,
        "--json",
        "--bootstrap",
        "100",
        "--target-error",
        "0.6",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "model",
        "loss",
        "n_points",
        "params",
        "ci95",
        "ssr",
        "aicc",
        "warnings",
        "projection",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["model"], "power-floor");
    assert_eq!(v["loss"], "log");
    assert_eq!(v["n_points"], 12);
    let b = v["params"]["beta_g"].as_f64().unwrap();
    assert!((b + 0.36).abs() < 0.02, "{b}");
    let ci = v["ci95"]["beta_g"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() < b && b < ci[1].as_f64().unwrap());
    let p = &v["projection"];
    for key in [
        "target_error",
        "reachable",
        "data_size",
        "data_size_ci95",
        "model_size",
    ] {
        assert!(p.get(key).is_some(), "projection missing {key}");
    }
    assert_eq!(p["reachable"], true);
    assert!(p["model_size"].as_f64().unwrap() > 0.0);
    assert!((v["params"]["beta_p"].as_f64().unwrap() - 0.7).abs() < 1e-9);
}

#[test]
fn same_seed_same_intervals() {
    let path = file("seed.csv", &curve());
    let a = run(&["fit", &path, "--json", "--bootstrap", "50", "--seed", "9"]);
    let b = run(&["fit", &path, "--json", "--bootstrap", "50", "--seed", "9"]);
    let c = run(&["fit", &path, "--json", "--bootstrap", "50", "--seed", "10"]);
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
}

#[test]
fn bad_rows_name_file_and_line_with_exit_2() {
    let path = file("bad.csv", "m,err\n1000,0.5\n2000,abc\n4000,0.3\n8000,0.2\n");
    let out = run(&["fit", &path]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv:3:"), "{err}");
    assert!(err.contains("not a number"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let kept = run(&[
        "fit",
        &path,
        "--skip-bad-rows",
        "--model",
        "power",
        "--bootstrap",
        "0",
    ]);
    assert_eq!(
        kept.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&kept.stderr)
    );
}

/// Exact repeats are notes: a language-modelling curve of the benchmark's
/// development split (every block repeated 3 times) is fitted, exit 0, with each
/// repeat noted on stderr; a really bad row still stops the fit.
#[test]
fn exact_repeats_are_notes_not_errors() {
    let data = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/data/rnsl_benchmark_dev.csv"
    );
    let args = [
        "fit",
        data,
        "--series",
        "1.68e+07",
        "--model",
        "power-floor",
        "--json",
        "--bootstrap",
        "0",
    ];
    let out = run(&args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["n_points"], 59, "each training size once");
    let notes: Vec<&str> = err.lines().filter(|l| l.contains(": note: ")).collect();
    assert_eq!(notes.len(), 357 - 119, "{err}");
    assert!(
        notes[0].contains("rnsl_benchmark_dev.csv:") && notes[0].contains("duplicate of line"),
        "{err}"
    );
    assert!(!err.contains("warning"), "{err}");

    let path = file(
        "repeat.csv",
        "m,err\n1000,0.5\n1000,0.5\n2000,0.4\n4000,0.33\n",
    );
    let out = run(&["fit", &path, "--model", "power", "--bootstrap", "0"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("repeat.csv:3: duplicate of line 2; counted once"),
        "{err}"
    );
    let bad = file(
        "repeat-bad.csv",
        "m,err\n1000,0.5\n1000,0.5\n2000,abc\n4000,0.33\n",
    );
    let out = run(&["fit", &bad, "--model", "power", "--bootstrap", "0"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("repeat-bad.csv:4:") && !err.contains("more problem"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let path = file("u.csv", &curve());
    for args in [
        vec!["fit", path.as_str(), "--model", "cubic"],
        vec!["fit", path.as_str(), "--loss", "l1"],
        vec!["fit", path.as_str(), "--fix", "gamma"],
        vec!["fit", path.as_str(), "--fix", "delta=1", "--model", "power"],
        vec!["fit", "/no/such/file.csv"],
        vec!["fit"],
        vec!["frobnicate"],
        vec!["fit", "--preset", "nope"],
    ] {
        let out = run(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn fixed_parameter_is_held() {
    let path = file("fix.csv", &curve());
    let out = run(&[
        "fit",
        &path,
        "--json",
        "--model",
        "power-floor",
        "--fix",
        "gamma=0.39",
        "--bootstrap",
        "0",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["params"]["gamma"], 0.39);
}

#[test]
fn presets_and_relative_projection() {
    let out = run(&["presets"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "nmt",
        "word-lm",
        "char-lm",
        "imagenet-top1",
        "imagenet-top5",
        "speech-ds2",
        "speech-attention",
        "nmt-real",
    ] {
        assert!(text.contains(id), "{id}");
    }
    let out = run(&[
        "fit",
        "--preset",
        "imagenet-top1",
        "--anchor",
        "1e6,0.25,2.5e7",
        "--target-error",
        "0.2",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let x = v["projection"]["data_multiplier"].as_f64().unwrap();
    assert!((x - (0.2f64 / 0.25).powf(1.0 / -0.309)).abs() < 1e-9);
    let s = v["projection"]["model_size"].as_f64().unwrap();
    assert!((s - 2.5e7 * x.powf(0.573)).abs() < 1e-3);
}

#[test]
fn real_nmt_backtest() {
    let out = run(&[
        "fit",
        "--preset",
        "nmt-real",
        "--series",
        "Dec-only",
        "--json",
        "--bootstrap",
        "0",
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["n_points"], 10);
    assert_eq!(v["backtest"]["flagged"], true);
    assert_eq!(v["backtest"]["held_out"][0]["m"], 512_000_000.0);
}

#[test]
fn link_round_trips() {
    let path = file("link.csv", &curve());
    let out = run(&[
        "fit",
        &path,
        "--json",
        "--bootstrap",
        "0",
        "--target-error",
        "0.45",
        "--link",
        "https://example.org/scalefit/",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let link = v["permalink"].as_str().unwrap();
    assert!(link.starts_with("https://example.org/scalefit/#s="));
    let state =
        scalefit_core::permalink::decode(scalefit_core::permalink::payload_of(link).unwrap())
            .unwrap();
    assert_eq!(state.text, curve());
    assert_eq!(state.target, Some(0.45));
}

/// A reader that stops early (`scalefit ... | head -1`) is not a crash: no panic
/// message, exit 0.
#[test]
fn closed_stdout_is_not_a_panic() {
    let path = file("closed-stdout.csv", &curve());
    let mut child = Command::new(env!("CARGO_BIN_EXE_scalefit"))
        .args(["fit", &path, "--bootstrap", "50"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn scalefit");
    drop(child.stdout.take()); // the reader is gone before anything is written
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn predictions_with_intervals() {
    let path = file("predict.csv", &curve());
    let out = run(&[
        "fit",
        &path,
        "--json",
        "--bootstrap",
        "100",
        "--predict",
        "1e7,2e7",
        "--predict",
        "5e8",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = v["predictions"].as_array().unwrap();
    let ms: Vec<f64> = p.iter().map(|q| q["m"].as_f64().unwrap()).collect();
    assert_eq!(ms, [1e7, 2e7, 5e8]);
    for q in p {
        let e = q["error"].as_f64().unwrap();
        let lo = q["ci95"][0].as_f64().unwrap();
        let hi = q["ci95"][1].as_f64().unwrap();
        assert!(lo <= e && e <= hi, "{q}");
    }
    // Falling curve: a larger size predicts a smaller error.
    assert!(p[0]["error"].as_f64() > p[2]["error"].as_f64());
    // Without a bootstrap the interval is null; without --predict the key is absent.
    let out = run(&[
        "fit",
        &path,
        "--json",
        "--bootstrap",
        "0",
        "--predict",
        "1e7",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["predictions"][0]["ci95"].is_null(), "{v}");
    let out = run(&["fit", &path, "--json", "--bootstrap", "0"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("predictions").is_none());
    for bad in ["0", "-1", "x", "1e7,", "inf"] {
        let out = run(&["fit", &path, "--predict", bad]);
        assert_eq!(out.status.code(), Some(2), "--predict {bad}");
    }
}
