//! The human-readable report of `scalefit fit` (one series, or `--series all`).

use std::fmt::Write as _;

use scalefit_core::analysis::Analysis;
use scalefit_core::parse::Parsed;
use scalefit_core::project::fmt_num;
use scalefit_core::session::FamilyAnalysis;

/// Plain-text report of an analysis.
pub fn text(a: &Analysis, parsed: &Parsed, name: &str) -> String {
    let fit = &a.fit;
    let mut s = String::new();
    let series = parsed
        .group
        .as_ref()
        .map(|g| format!(", series \"{g}\""))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "{name}: {} points{series}, sizes {} to {}",
        fit.n,
        fmt_num(a.m_range.0),
        fmt_num(a.m_range.1)
    );
    let _ = writeln!(
        s,
        "model {} ({} loss): {}",
        fit.form.id(),
        fit.loss.id(),
        fit.form.formula()
    );
    for (i, pname) in fit.form.param_names().iter().enumerate() {
        let ci = a
            .ci95(i)
            .map(|(lo, hi)| format!("  95% CI [{}, {}]", fmt_num(lo), fmt_num(hi)))
            .unwrap_or_default();
        let held = if fit.held.get(i).copied().unwrap_or(false) {
            "  (held)"
        } else {
            ""
        };
        let _ = writeln!(s, "  {pname:<7} = {:<12}{ci}{held}", fmt_num(fit.params[i]));
    }
    let _ = writeln!(s, "  SSR {:.6e}, AICc {:.3}", fit.ssr, fit.aicc);
    if let Some(sf) = &a.size_fit {
        let ci = sf
            .ci95
            .map(|[_, b]| format!("  95% CI [{}, {}]", fmt_num(b.0), fmt_num(b.1)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "model size: s = {} * m^{}{ci}",
            fmt_num(sf.sigma),
            fmt_num(sf.beta_p)
        );
    }
    if a.comparison.len() > 1 {
        let _ = writeln!(s, "comparison (AICc, lower is better):");
        for c in &a.comparison {
            match (c.aicc, c.delta_aicc, c.ssr, &c.error) {
                (Some(aicc), d, Some(ssr), _) => {
                    let _ = writeln!(
                        s,
                        "  {:<13} AICc {:>10.3}  ΔAICc {:>8.3}  SSR {:.4e}  k {}",
                        c.form.id(),
                        aicc,
                        d.unwrap_or(f64::NAN),
                        ssr,
                        c.k
                    );
                    if let Some(why) = &c.passed_over {
                        let _ = writeln!(s, "  {:<13} passed over: {why}", "");
                    }
                }
                (None, _, Some(ssr), _) => {
                    let _ = writeln!(
                        s,
                        "  {:<13} AICc undefined (too few points)  SSR {:.4e}",
                        c.form.id(),
                        ssr
                    );
                }
                (_, _, _, Some(e)) => {
                    let _ = writeln!(s, "  {:<13} not fitted: {e}", c.form.id());
                }
                _ => {}
            }
        }
    }
    if let Some(r) = &a.regions {
        if r.power_law_end > 1.01 * r.power_law_start {
            let _ = writeln!(
                s,
                "regions: small data below m ≈ {}, power law to m ≈ {}, irreducible beyond",
                fmt_num(r.power_law_start),
                fmt_num(r.power_law_end)
            );
        } else {
            let _ = writeln!(s, "regions: small data below m ≈ {}; beyond it the floor dominates (no distinct power-law region)", fmt_num(r.power_law_start));
        }
    }
    if let Some(b) = &a.backtest {
        let how = if b.flagged {
            "held-out rows"
        } else {
            "largest size held out"
        };
        let _ = writeln!(
            s,
            "backtest ({how}, fit on {} points): mean |relative error| {:.2}%",
            b.n_train,
            100.0 * b.mean_abs_relative_error
        );
        for h in &b.held_out {
            let _ = writeln!(
                s,
                "  m = {}: observed {}, predicted {} ({:+.2}%)",
                fmt_num(h.m),
                fmt_num(h.observed),
                fmt_num(h.predicted),
                100.0 * h.relative_error
            );
        }
    }
    if let Some(p) = &a.projection {
        let _ = writeln!(s, "{}", p.sentence);
        if let (Some(m), Some((lo, hi))) = (p.data_size, p.data_size_ci95) {
            let _ = writeln!(
                s,
                "  data size {}  95% CI [{}, {}]",
                fmt_num(m),
                fmt_num(lo),
                fmt_num(hi)
            );
        }
        if let Some(ms) = p.model_size {
            let ci = p
                .model_size_ci95
                .map(|(lo, hi)| format!("  95% CI [{}, {}]", fmt_num(lo), fmt_num(hi)))
                .unwrap_or_default();
            let _ = writeln!(s, "  model size {}{ci}", fmt_num(ms));
        }
    }
    for w in &a.warnings {
        let _ = writeln!(s, "warning: {}", w.message);
    }
    s.trim_end().to_string()
}

/// Plain-text report of a family: a table of the series (each one's own fit, then
/// the family form's separate and shared fits), the test, and the sentence.
pub fn family_text(f: &FamilyAnalysis, name: &str, target_label: Option<&str>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{name}: {} series", f.members.len());
    let c = f.comparison.as_ref().ok();
    let width = f
        .members
        .iter()
        .map(|m| m.name.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut header = format!(
        "  {:<width$}  {:>3}  {:<24}",
        "series", "n", "own fit: model, beta_g"
    );
    if let Some(c) = c {
        let _ = write!(
            header,
            "  {:<34}  {:<17}",
            format!("{} separate: beta_g [95% CI]", c.form.id()),
            format!("shared fit: {}", c.form.param_names()[0])
        );
        if f.options.target_error.is_some() {
            header.push_str("  data vs first at the target");
        }
    }
    let _ = writeln!(s, "{}", header.trim_end());
    for (i, (m, a)) in f.members.iter().zip(&f.analyses).enumerate() {
        let own = match a {
            Ok(a) => {
                let b = a
                    .fit
                    .form
                    .param_index("beta_g")
                    .map_or(f64::NAN, |j| a.fit.params[j]);
                format!("{}, {}", a.fit.form.id(), fmt_num(b))
            }
            Err(_) => "no fit".to_string(),
        };
        let mut row = format!(
            "  {:<width$}  {:>3}  {:<24}",
            m.name,
            m.parsed.points.len(),
            own
        );
        let at = c.and_then(|c| {
            let j = f.compared.iter().position(|&k| k == i)?;
            c.included.iter().position(|&k| k == j).map(|p| (c, p))
        });
        if let Some((c, p)) = at {
            let b = c.separate[p].params[c.form.beta_index()];
            let ci = c
                .bootstrap
                .series_beta_g
                .get(p)
                .copied()
                .flatten()
                .map(|(lo, hi)| format!(" [{}, {}]", fmt_num(lo), fmt_num(hi)))
                .unwrap_or_default();
            let _ = write!(
                row,
                "  {:<34}  {:<17}",
                format!("{}{ci}", fmt_num(b)),
                fmt_num(c.shared_fit.fits[p].params[0])
            );
            if let Some(n) = c.needs.get(p) {
                let ratio = n
                    .ratio
                    .map_or("never".to_string(), |r| format!("{}x", fmt_num(r)));
                let _ = write!(row, "  {ratio}");
            }
        } else if m.hidden {
            row.push_str("  (hidden)");
        } else if c.is_some() {
            row.push_str("  (left out)");
        }
        let _ = writeln!(s, "{}", row.trim_end());
    }
    match &f.comparison {
        Ok(c) => {
            for (n, why) in &c.excluded {
                let _ = writeln!(s, "left out of the comparison: {n}: {why}");
            }
            let (q, r) = c.dof();
            let shared = c.shared.names().join(" and ");
            let _ = writeln!(
                s,
                "{} with {shared} shared: separate SSR {:.6e}, AICc {:.3}; shared SSR {:.6e}, AICc {:.3}",
                c.form.id(),
                c.ssr_separate,
                c.aicc_separate,
                c.ssr_shared,
                c.aicc_shared
            );
            let gamma = c
                .shared_fit
                .gamma
                .map(|g| format!(", gamma = {}", fmt_num(g)))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "shared beta_g = {}{gamma}; F({q}, {r}) = {}, p = {}",
                fmt_num(c.shared_fit.beta_g),
                fmt_num(c.f_statistic),
                fmt_num(c.p_value)
            );
            let _ = writeln!(
                s,
                "{}",
                scalefit_core::family::sentence(c, &f.compared_names(), target_label)
            );
        }
        Err(e) => {
            let _ = writeln!(s, "no comparison: {e}");
        }
    }
    s.trim_end().to_string()
}
