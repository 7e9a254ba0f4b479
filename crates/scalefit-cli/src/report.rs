//! The human-readable report of `scalefit fit`.

use std::fmt::Write as _;

use scalefit_core::analysis::Analysis;
use scalefit_core::parse::Parsed;
use scalefit_core::project::fmt_num;

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
