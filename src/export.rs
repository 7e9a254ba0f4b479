//! The CSV export of a result: fitted and projected values in one long table
//! (`kind,name,m,observed,fitted,lo95,hi95`), numbers unrounded so they round-trip,
//! and the JSON export of the state.

use std::fmt::Write as _;

use scalefit_core::analysis::Analysis;
use scalefit_core::permalink::State;

use crate::plotting::{band, log_grid};
use crate::view_model::sweep::SweepPage;
use crate::view_model::Relative;
use scalefit_core::sweep::JointParams;

const HEADER: &str = "kind,name,m,observed,fitted,lo95,hi95\n";

fn cell(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

fn row(out: &mut String, kind: &str, name: &str, vals: [Option<f64>; 5]) {
    let _ = write!(out, "{kind},{name}");
    for v in vals {
        let _ = write!(out, ",{}", cell(v));
    }
    out.push('\n');
}

/// The CSV of an analysis: each point with its fit and band, the curve on a grid up to
/// the projection, every parameter with its interval, and the projection.
pub fn analysis_csv(a: &Analysis) -> String {
    let mut out = String::from(HEADER);
    let samples: &[Vec<f64>] = a.bootstrap.as_ref().map_or(&[], |b| &b.samples);
    let band_at = |m: f64| band(a.fit.form, samples, &[m]).first().map(|b| (b.1, b.2));
    let points = a.m.iter().zip(&a.y).map(|(&m, &y)| ("point", m, y));
    let held = a.held_out.iter().map(|&(m, y)| ("held-out", m, y));
    for (kind, m, y) in points.chain(held) {
        let b = band_at(m);
        row(
            &mut out,
            kind,
            "",
            [
                Some(m),
                Some(y),
                Some(a.fit.eval(m)),
                b.map(|b| b.0),
                b.map(|b| b.1),
            ],
        );
    }
    let hi = a
        .projection
        .as_ref()
        .and_then(|p| p.data_size)
        .filter(|m| m.is_finite())
        .map_or(a.m_range.1, |m| m.max(a.m_range.1));
    for m in log_grid(a.m_range.0, hi, 50) {
        let b = band_at(m);
        row(
            &mut out,
            "curve",
            a.fit.form.id(),
            [
                Some(m),
                None,
                Some(a.fit.eval(m)),
                b.map(|b| b.0),
                b.map(|b| b.1),
            ],
        );
    }
    for (i, name) in a.fit.form.param_names().iter().enumerate() {
        let ci = a.ci95(i);
        row(
            &mut out,
            "parameter",
            name,
            [
                None,
                None,
                a.fit.params.get(i).copied(),
                ci.map(|c| c.0),
                ci.map(|c| c.1),
            ],
        );
    }
    if let Some(sf) = &a.size_fit {
        for (i, (name, v)) in [("sigma", sf.sigma), ("beta_p", sf.beta_p)]
            .iter()
            .enumerate()
        {
            let ci = sf.ci95.map(|c| c[i]);
            row(
                &mut out,
                "parameter",
                name,
                [None, None, Some(*v), ci.map(|c| c.0), ci.map(|c| c.1)],
            );
        }
    }
    if let Some(p) = &a.projection {
        let ci = |c: Option<(f64, f64)>| [c.map(|c| c.0), c.map(|c| c.1)];
        let rows = [
            ("target_error", Some(p.target_error), [None, None]),
            ("data_size", p.data_size, ci(p.data_size_ci95)),
            ("data_multiplier", p.data_multiplier, [None, None]),
            ("model_size", p.model_size, ci(p.model_size_ci95)),
            ("model_multiplier", p.model_multiplier, [None, None]),
        ];
        for (name, v, [lo, hi]) in rows {
            if v.is_some() {
                row(&mut out, "projection", name, [None, None, v, lo, hi]);
            }
        }
        row(
            &mut out,
            "projection",
            "limit",
            [None, None, Some(p.limit), None, None],
        );
    }
    if let Some(b) = &a.backtest {
        for h in &b.held_out {
            row(
                &mut out,
                "backtest",
                "",
                [Some(h.m), Some(h.observed), Some(h.predicted), None, None],
            );
        }
        row(
            &mut out,
            "backtest",
            "mean_abs_relative_error",
            [None, None, Some(b.mean_abs_relative_error), None, None],
        );
    }
    out
}

/// The CSV of a preset's relative projection.
pub fn relative_csv(r: &Relative) -> String {
    let mut out = String::from(HEADER);
    row(
        &mut out,
        "parameter",
        "beta_g",
        [None, None, Some(r.preset.beta_g), None, None],
    );
    if let Some(b) = r.preset.beta_p {
        row(
            &mut out,
            "parameter",
            "beta_p",
            [None, None, Some(b), None, None],
        );
    }
    row(
        &mut out,
        "anchor",
        "",
        [Some(r.anchor.m), Some(r.anchor_error), None, None, None],
    );
    let proj = [
        ("target_error", r.target_error),
        ("data_multiplier", r.data_multiplier),
        ("data_size", r.data_size),
        ("model_multiplier", r.model_multiplier),
        ("model_size", r.model_size),
    ];
    for (name, v) in proj {
        if v.is_some() {
            row(&mut out, "projection", name, [None, None, v, None, None]);
        }
    }
    out
}

/// `csv` (the learning curve's export, or none) followed by a sweep's rows: the
/// envelope (`envelope-error` and `envelope-model-size`, named by how each best run
/// was found), the joint law's parameters with intervals (`joint`), the
/// compute-optimal exponents (`compute-optimal`), the budget's allocation
/// (`allocation`) and the target's least compute (`target-compute`).
pub fn sweep_csv(csv: Option<String>, page: &SweepPage) -> String {
    let mut out = csv.unwrap_or_else(|| HEADER.into());
    let r = &page.report;
    for e in &r.envelope {
        let how = match (e.interpolated, e.bracketed) {
            (true, _) => "interpolated",
            (false, true) => "best-run",
            (false, false) => "unbracketed",
        };
        row(
            &mut out,
            "envelope-error",
            how,
            [Some(e.m), Some(e.error), None, None, None],
        );
        row(
            &mut out,
            "envelope-model-size",
            how,
            [Some(e.m), Some(e.best_model_size), None, None, None],
        );
    }
    let j = &r.joint;
    let ci = j.ci95.map(|c| [c.e, c.a, c.alpha, c.b, c.beta]);
    for (i, (name, v)) in JointParams::NAMES
        .iter()
        .zip(j.params.to_array())
        .enumerate()
    {
        let c = ci.map(|c| c[i]);
        row(
            &mut out,
            "joint",
            name,
            [None, None, Some(v), c.map(|c| c.0), c.map(|c| c.1)],
        );
    }
    row(
        &mut out,
        "joint",
        "objective",
        [None, None, Some(j.objective), None, None],
    );
    let co = &r.compute_optimal;
    for (name, v) in [
        ("a", co.a),
        ("b", co.b),
        ("G", co.g),
        ("flops_per_param", co.flops_per_param),
    ] {
        row(
            &mut out,
            "compute-optimal",
            name,
            [None, None, Some(v), None, None],
        );
    }
    if let Some(a) = &r.allocation {
        for (name, v) in [
            ("compute", a.compute),
            ("model_size", a.model_size),
            ("data_size", a.data_size),
            ("tokens_per_param", a.tokens_per_param),
            ("loss", a.loss),
        ] {
            row(
                &mut out,
                "allocation",
                name,
                [None, None, Some(v), None, None],
            );
        }
    }
    if let Some(t) = r.target.as_ref().filter(|t| t.reachable) {
        row(
            &mut out,
            "target-compute",
            "target_error",
            [None, None, Some(t.target_error), None, None],
        );
        for (name, v, c) in [
            ("compute", t.compute, t.ci95.compute),
            ("model_size", t.model_size, t.ci95.model_size),
            ("data_size", t.data_size, t.ci95.data_size),
        ] {
            row(
                &mut out,
                "target-compute",
                name,
                [None, None, v, c.map(|c| c.0), c.map(|c| c.1)],
            );
        }
    }
    out
}

/// The state as JSON (what the permalink carries, uncompressed).
pub fn state_json(state: &State) -> String {
    serde_json::to_string(state).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use scalefit_core::presets::NMT_REAL_CSV;
    use scalefit_core::session;

    #[test]
    fn csv_has_points_parameters_and_projection() {
        let state = State {
            text: NMT_REAL_CSV.into(),
            target: Some(0.5),
            bootstrap: 30,
            ..State::default()
        };
        let parsed = session::parse_state(&state);
        let opts = session::analysis_options(&state, &parsed);
        let a = scalefit_core::analysis::analyze(&parsed.points, &parsed.held_out, &opts).unwrap();
        let csv = analysis_csv(&a);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], HEADER.trim_end());
        assert!(lines.iter().all(|l| l.split(',').count() == 7), "{csv}");
        assert_eq!(lines.iter().filter(|l| l.starts_with("point,")).count(), 10);
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("held-out,")).count(),
            1
        );
        let beta = lines
            .iter()
            .find(|l| l.starts_with("parameter,beta_g,"))
            .unwrap();
        let v: f64 = beta.split(',').nth(4).unwrap().parse().unwrap();
        assert_eq!(v, a.fit.params[a.fit.form.beta_index()]);
        assert!(csv.contains("projection,data_size,"));
        let back: State = serde_json::from_str(&state_json(&state)).unwrap();
        assert_eq!(back, state);
    }

    #[test]
    fn a_sweep_exports_its_envelope_joint_law_and_allocation() {
        let mut text = String::from("data,params,loss\n");
        for d in [1e8, 3e8, 1e9, 3e9] {
            for n in [1e7, 3e7, 1e8, 3e8] {
                let l: f64 = 1.8 + 400.0 * f64::powf(n, -0.34) + 410.0 * f64::powf(d, -0.28);
                text.push_str(&format!("{d},{n},{l}\n"));
            }
        }
        let state = State {
            text,
            bootstrap: 0,
            target: Some(2.3),
            sweep: Some(scalefit_core::sweep::SweepView {
                budget: Some(1e21),
                ..Default::default()
            }),
            ..State::default()
        };
        let parsed = session::parse_state(&state);
        let page = crate::view_model::sweep::sweep_page(&state, &parsed, 0)
            .unwrap()
            .unwrap();
        let csv = sweep_csv(None, &page);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], HEADER.trim_end());
        assert!(lines.iter().all(|l| l.split(',').count() == 7), "{csv}");
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with("envelope-error,"))
                .count(),
            4
        );
        let alpha = lines
            .iter()
            .find(|l| l.starts_with("joint,alpha,"))
            .unwrap();
        let v: f64 = alpha.split(',').nth(4).unwrap().parse().unwrap();
        assert_eq!(v, page.report.joint.params.alpha);
        assert!(csv.contains("allocation,tokens_per_param,"), "{csv}");
        assert!(csv.contains("target-compute,compute,"), "{csv}");
    }
}
