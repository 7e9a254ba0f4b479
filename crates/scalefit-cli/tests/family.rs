//! `scalefit fit --series all` (SPEC section 5): the JSON keys, the comparison equal to
//! the core's, the messages for series and families that cannot be compared, and the
//! permalink's family view. `tests/fixtures/family3.csv` holds three power-floor
//! curves sharing `beta_g = -0.35` (alphas 8, 5.5, 12; floors 0.08, 0.07, 0.10), ten
//! sizes from 1e4 to 1e7, 1.5% log-normal noise from Python's `random.Random(3)`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // reason: tests

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Output};

use scalefit_core::family::{compare, Shared};
use scalefit_core::permalink::{decode, payload_of, State};
use scalefit_core::session::{family_members, family_options, parse_state, Member};
use serde_json::Value;

const FAMILY3: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/family3.csv"
);
const SERIES3: [&str; 3] = ["Enc-Dec 6x28", "Enc-Dec 6x6", "LSTM"];
const NMT: [&str; 5] = [
    "28 Enc, 6 Dec",
    "6 Enc, 28 Dec",
    "6 Enc, 6 Dec",
    "Dec-only",
    "TEnc-LSTM",
];

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scalefit"))
        .args(args)
        .output()
        .expect("runs")
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

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

fn file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("scalefit-family-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path.display().to_string()
}

/// The SPEC's keys are all there; the rest is the documented additive set.
fn check_comparison_keys(c: &Value) {
    let spec = [
        "model",
        "shared",
        "params",
        "ci95",
        "ssr_separate",
        "ssr_shared",
        "aicc_separate",
        "aicc_shared",
        "f_statistic",
        "p_value",
        "consistent",
    ];
    let extra = [
        "bootstrap",
        "dof",
        "excluded",
        "needs",
        "separate",
        "separate_beta_g_ci95",
        "separate_ci95",
        "sentence",
    ];
    let want: BTreeSet<&str> = spec.iter().chain(&extra).copied().collect();
    assert_eq!(keys(c), want);
}

/// The core's comparison of the same state, called directly.
fn core(text: &str, state: State) -> scalefit_core::family::Comparison {
    let state = State {
        text: text.into(),
        ..state
    };
    let parsed = parse_state(&state);
    let series: Vec<_> = family_members(&state, &parsed)
        .iter()
        .map(Member::series)
        .collect();
    compare(&series, &family_options(&state, parsed.percent)).unwrap()
}

#[test]
fn real_nmt_family() {
    let v = json(&[
        "fit",
        "--preset",
        "nmt-real",
        "--series",
        "all",
        "--json",
        "--bootstrap",
        "0",
        "--target-error",
        "0.35",
    ]);
    assert_eq!(keys(&v), BTreeSet::from(["comparison", "series"]));
    assert_eq!(keys(&v["series"]), BTreeSet::from(NMT));
    for name in NMT {
        let s = &v["series"][name];
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
            assert!(s.get(key).is_some(), "{name}: {key}");
        }
        // Each series' object is the one `--series NAME` prints.
        let single = json(&[
            "fit",
            "--preset",
            "nmt-real",
            "--series",
            name,
            "--json",
            "--bootstrap",
            "0",
            "--target-error",
            "0.35",
        ]);
        assert_eq!(s, &single, "{name}");
    }
    let c = &v["comparison"];
    check_comparison_keys(c);
    let direct = core(
        scalefit_core::presets::NMT_REAL_CSV,
        State {
            bootstrap: 0,
            target: Some(0.35),
            ..State::default()
        },
    );
    assert_eq!(c["model"], direct.form.id());
    assert_eq!(c["shared"], serde_json::json!(["beta_g"]));
    let b = c["params"]["beta_g"].as_f64().unwrap();
    assert!((b - direct.shared_fit.beta_g).abs() <= 1e-12, "{b}");
    assert!((c["ssr_shared"].as_f64().unwrap() - direct.ssr_shared).abs() <= 1e-12);
    assert!((c["p_value"].as_f64().unwrap() - direct.p_value).abs() <= 1e-12);
    assert_eq!(c["consistent"], direct.consistent);
    // The per-series parameters of the shared fit, keyed by series.
    let per = c["params"].as_object().unwrap();
    for (name, value) in per {
        if name != "beta_g" {
            assert_eq!(keys(value), BTreeSet::from(NMT), "{name}");
        }
    }
    assert_eq!(c["needs"]["reference"], "6 Enc, 6 Dec");
}

#[test]
fn three_series_fixture() {
    let v = json(&[
        "fit",
        FAMILY3,
        "--series",
        "all",
        "--json",
        "--bootstrap",
        "30",
        "--seed",
        "5",
        "--target-error",
        "0.12",
    ]);
    assert_eq!(keys(&v), BTreeSet::from(["comparison", "series"]));
    assert_eq!(keys(&v["series"]), BTreeSet::from(SERIES3));
    let c = &v["comparison"];
    check_comparison_keys(c);
    let text = std::fs::read_to_string(FAMILY3).unwrap();
    let direct = core(
        &text,
        State {
            bootstrap: 30,
            seed: 5,
            target: Some(0.12),
            ..State::default()
        },
    );
    let b = c["params"]["beta_g"].as_f64().unwrap();
    assert!((b - direct.shared_fit.beta_g).abs() <= 1e-12, "{b}");
    assert!((b + 0.35).abs() < 0.03, "{b}");
    assert_eq!(c["consistent"], true);
    assert_eq!(c["model"], "power-floor");
    assert_eq!(keys(&c["params"]["alpha"]), BTreeSet::from(SERIES3));
    assert_eq!(keys(&c["params"]["gamma"]), BTreeSet::from(SERIES3));
    let (lo, hi) = direct.bootstrap.beta_g.unwrap();
    assert_eq!(c["ci95"]["beta_g"], serde_json::json!([lo, hi]));
    assert!(c["sentence"]
        .as_str()
        .unwrap()
        .starts_with("One exponent fits all 3 series"));

    // The floor shared too: one gamma, and two restrictions per extra series.
    let v = json(&[
        "fit",
        FAMILY3,
        "--series",
        "all",
        "--shared",
        "beta_g,gamma",
        "--json",
        "--bootstrap",
        "0",
    ]);
    let c = &v["comparison"];
    assert_eq!(c["shared"], serde_json::json!(["beta_g", "gamma"]));
    assert!(c["params"]["gamma"].is_f64());
    assert_eq!(c["dof"][0], 4);
    let direct = core(
        &text,
        State {
            bootstrap: 0,
            family: Some(scalefit_core::family::FamilyView {
                hidden: Vec::new(),
                shared: Shared::BetaGGamma,
            }),
            ..State::default()
        },
    );
    let g = c["params"]["gamma"].as_f64().unwrap();
    assert!((g - direct.shared_fit.gamma.unwrap()).abs() <= 1e-12);

    // Text: a row per series and the sentence.
    let out = run(&["fit", FAMILY3, "--series", "all", "--bootstrap", "0"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in SERIES3 {
        assert!(text.contains(&format!("  {name} ")), "{text}");
    }
    assert!(text.contains("One exponent fits all 3 series"), "{text}");
}

#[test]
fn short_series_and_uncomparable_families() {
    let text = std::fs::read_to_string(FAMILY3).unwrap();
    // A fourth series with two points: named, fitted nowhere, left out.
    let path = file(
        "family4.csv",
        &format!("{text}tiny,1000,0.9\ntiny,2000,0.8\n"),
    );
    let out = run(&[
        "fit",
        &path,
        "--series",
        "all",
        "--json",
        "--bootstrap",
        "0",
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("series \"tiny\""), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["errors"]["tiny"].is_string(), "{v}");
    assert_eq!(keys(&v["series"]), BTreeSet::from(SERIES3));
    assert!(v["comparison"]["excluded"]["tiny"].is_string(), "{v}");

    // Only one series: per-series results, no comparison, exit 0.
    let one: String = text
        .lines()
        .filter(|l| l.starts_with("model") || l.starts_with("LSTM"))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = file("family1.csv", &one);
    let out = run(&[
        "fit",
        &path,
        "--series",
        "all",
        "--json",
        "--bootstrap",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["comparison"].is_null());
    assert!(
        v["comparison_error"]
            .as_str()
            .unwrap()
            .contains("at least two series"),
        "{v}"
    );
    assert_eq!(keys(&v["series"]), BTreeSet::from(["LSTM"]));

    // A floor to share in a form without one.
    let v = json(&[
        "fit",
        FAMILY3,
        "--series",
        "all",
        "--shared",
        "beta_g,gamma",
        "--model",
        "power",
        "--json",
        "--bootstrap",
        "0",
    ]);
    assert!(v["comparison_error"]
        .as_str()
        .unwrap()
        .contains("power has no gamma"));
}

#[test]
fn usage_errors() {
    let out = run(&["fit", FAMILY3, "--shared", "beta_g"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--series all"));
    let path = file("plain.csv", "m,err\n1000,0.5\n2000,0.4\n4000,0.33\n");
    let out = run(&["fit", &path, "--series", "all"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a group column"));
    let out = run(&["fit", FAMILY3, "--series", "all", "--shared", "gamma"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn link_carries_the_family_view() {
    let v = json(&[
        "fit",
        FAMILY3,
        "--series",
        "all",
        "--shared",
        "beta_g,gamma",
        "--json",
        "--bootstrap",
        "0",
        "--link",
        "https://example.org/scalefit/",
    ]);
    let link = v["permalink"].as_str().unwrap();
    let state = decode(payload_of(link).unwrap()).unwrap();
    let f = state.family.unwrap();
    assert_eq!(f.shared, Shared::BetaGGamma);
    assert!(f.hidden.is_empty());
    assert_eq!(state.group, None);
}
