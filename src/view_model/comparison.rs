//! The tables under the model card: the AICc comparison of every form tried, the
//! backtest on held-out sizes, and the regions of a three-region fit.

use scalefit_core::analysis::Analysis;

use crate::format::{self, num, sentence};

/// One row of the model comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// Form id.
    pub form: &'static str,
    /// Free parameters.
    pub k: String,
    /// SSR.
    pub ssr: String,
    /// AICc.
    pub aicc: String,
    /// ΔAICc.
    pub delta: String,
    /// Whether this form was chosen.
    pub chosen: bool,
    /// Why it was not fitted, if so.
    pub note: String,
}

/// The AICc comparison of every form tried.
pub fn comparison_rows(a: &Analysis) -> Vec<ComparisonRow> {
    a.comparison
        .iter()
        .map(|c| ComparisonRow {
            form: c.form.id(),
            k: c.k.to_string(),
            ssr: c
                .ssr
                .map(|v| format::sig(v, 4))
                .unwrap_or_else(|| "—".into()),
            aicc: c
                .aicc
                .map(|v| format!("{v:.2}"))
                .unwrap_or_else(|| "—".into()),
            delta: c
                .delta_aicc
                .map(|v| format!("{v:.2}"))
                .unwrap_or_else(|| "—".into()),
            chosen: c.form == a.fit.form,
            note: c
                .error
                .as_deref()
                .map(sentence)
                .or_else(|| {
                    c.passed_over
                        .as_deref()
                        .map(|why| sentence(&format!("auto passed it over: {why}")))
                })
                .or_else(|| {
                    (c.ssr.is_some() && c.aicc.is_none())
                        .then(|| "AICc undefined: too few points for this form.".to_string())
                })
                .unwrap_or_default(),
        })
        .collect()
}

/// The backtest, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestView {
    /// What was done.
    pub caption: String,
    /// `[m, observed, predicted, relative error]` rows.
    pub rows: Vec<[String; 4]>,
    /// Mean absolute relative error.
    pub mean: String,
    /// Unrounded mean absolute relative error.
    pub mean_raw: String,
}

/// The backtest of `a`, if one was run.
pub fn backtest(a: &Analysis) -> Option<BacktestView> {
    let b = a.backtest.as_ref()?;
    let caption = if b.flagged {
        format!(
            "{} fitted to the {} training points, predicting the {} the data mark as held out.",
            b.form.id(),
            b.n_train,
            plural(b.held_out.len(), "point")
        )
    } else {
        format!(
            "{} refitted to the {} points below the largest size, predicting the largest.",
            b.form.id(),
            b.n_train
        )
    };
    Some(BacktestView {
        caption,
        rows: b
            .held_out
            .iter()
            .map(|h| {
                [
                    num(h.m),
                    format::sig(h.observed, 4),
                    format::sig(h.predicted, 4),
                    format::percent(h.relative_error),
                ]
            })
            .collect(),
        mean: format!("{:.1}%", b.mean_abs_relative_error * 100.0),
        mean_raw: format!("{}", b.mean_abs_relative_error),
    })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The three regions of a `three-region` fit, as `(name, range)` rows.
pub fn regions(a: &Analysis) -> Option<Vec<(&'static str, String)>> {
    let r = a.regions.as_ref()?;
    let start = num(r.power_law_start);
    Some(if r.power_law_end.is_finite() {
        let end = num(r.power_law_end);
        vec![
            ("small data", format!("m < {start}")),
            ("power law", format!("{start} ≤ m < {end}")),
            ("irreducible error", format!("m ≥ {end}")),
        ]
    } else {
        vec![
            ("small data", format!("m < {start}")),
            ("power law", format!("m ≥ {start} (no floor: γ = 0)")),
        ]
    })
}
