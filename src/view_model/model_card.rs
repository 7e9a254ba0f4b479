//! The model card: the parameter table, the formula written with symbols and with
//! the fitted numbers, and the one-line summary of a fit.

use scalefit_core::analysis::Analysis;
use scalefit_core::model::{param_info, Form};
use scalefit_core::parse::Metric;
use scalefit_core::permalink::State;
use scalefit_core::session;

use super::figures::ci_note;
use crate::format::{self, exponent, interval, num};

/// Symbol and meaning of a parameter, from the core's table.
fn param_meta(name: &str) -> (&'static str, &'static str) {
    param_info(name).map_or(("?", ""), |p| (p.symbol, p.meaning))
}

/// The symbol of a parameter the table holds.
fn symbol(name: &str) -> String {
    param_meta(name).0.to_string()
}

/// One row of the parameter table.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamRow {
    /// Parameter name (`alpha`, ...).
    pub name: &'static str,
    /// Symbol.
    pub symbol: &'static str,
    /// Rounded value.
    pub value: String,
    /// Unrounded value.
    pub raw: String,
    /// 95% interval or why there is none.
    pub ci: String,
    /// What it means.
    pub meaning: &'static str,
}

fn fmt_param(name: &str) -> fn(f64) -> String {
    if name.starts_with("beta") {
        exponent
    } else {
        |v| format::sig(v, 4)
    }
}

/// Parameters of the chosen fit (and the model-size fit) with their intervals.
pub fn param_rows(a: &Analysis) -> Vec<ParamRow> {
    let mut rows: Vec<ParamRow> = a
        .fit
        .form
        .param_names()
        .iter()
        .enumerate()
        .map(|(i, &name)| {
            let v = a.fit.params.get(i).copied().unwrap_or(f64::NAN);
            let f = fmt_param(name);
            let (symbol, meaning) = param_meta(name);
            let ci = match ci_note(a, i, f).strip_prefix("95% CI ") {
                Some(rest) => rest.to_string(),
                None => ci_note(a, i, f),
            };
            let ci = if a.fit.floor_at_bound && Some(i) == a.fit.form.gamma_index() {
                format!("{ci} (at bound 0)")
            } else {
                ci
            };
            ParamRow {
                name,
                symbol,
                value: f(v),
                raw: format!("{v}"),
                ci,
                meaning,
            }
        })
        .collect();
    if let Some(sf) = &a.size_fit {
        for (i, (name, v)) in [("sigma", sf.sigma), ("beta_p", sf.beta_p)]
            .into_iter()
            .enumerate()
        {
            let f = fmt_param(name);
            let (symbol, meaning) = param_meta(name);
            let ci = match sf.ci95 {
                Some(ci) => interval(ci[i], f),
                None if a.options.bootstrap == 0 => "off".into(),
                None => "bootstrapping…".into(),
            };
            rows.push(ParamRow {
                name,
                symbol,
                value: f(v),
                raw: format!("{v}"),
                ci,
                meaning,
            });
        }
    }
    rows
}

/// A piece of a formula: plain text or a superscript.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Inline text.
    Text(String),
    /// Superscript.
    Sup(String),
}

fn t(s: impl Into<String>) -> Part {
    Part::Text(s.into())
}

/// The form written with symbols, e.g. `ε(m) = α·m^β_g + γ`.
pub fn formula_symbolic(form: Form) -> Vec<Part> {
    formula_parts(
        form,
        &[
            "alpha", "beta_g", "gamma", "eps0", "m0", "m1", "mb", "delta_g", "kappa",
        ]
        .map(symbol),
    )
}

/// The fitted formula with its numbers.
pub fn formula_fitted(a: &Analysis) -> Vec<Part> {
    let p = |name: &str| {
        a.fit
            .param(name)
            .map(|v| fmt_param(name)(v))
            .unwrap_or_default()
    };
    formula_parts(
        a.fit.form,
        &[
            p("alpha"),
            p("beta_g"),
            p("gamma"),
            p("eps0"),
            p("m0"),
            p("m1"),
            p("mb"),
            p("delta_g"),
            p("kappa"),
        ],
    )
}

fn formula_parts(form: Form, v: &[String; 9]) -> Vec<Part> {
    let [alpha, beta, gamma, eps0, m0, m1, mb, delta, kappa] = v;
    match form {
        Form::Power => vec![t(format!("ε(m) = {alpha} · m")), Part::Sup(beta.clone())],
        Form::PowerFloor => vec![
            t(format!("ε(m) = {alpha} · m")),
            Part::Sup(beta.clone()),
            t(format!(" + {gamma}")),
        ],
        Form::ThreeRegion => vec![
            t(format!(
                "ε(m) = {gamma} + ({eps0} − {gamma}) · (1 + m/{m0})"
            )),
            Part::Sup(beta.clone()),
        ],
        Form::SmoothFloor => vec![
            t(format!("ε(m) = {gamma} · (1 + {m1}/m)")),
            Part::Sup(negated(beta)),
        ],
        // The smoothness f = 0.3 written as its number (`model::BREAK_SMOOTHNESS`).
        Form::BrokenPower => vec![
            t(format!("ε(m) = {alpha} · m")),
            Part::Sup(beta.clone()),
            t(format!(" · (1 + (m/{mb})")),
            Part::Sup("1/0.3".into()),
            t(")"),
            Part::Sup(format!("0.3·{}", signed_factor(delta))),
            t(format!(" + {gamma}")),
        ],
        // u written once with its equation: u / (1 − u)^κ = (m/m0)^β_g.
        Form::Sigmoid => vec![
            t(format!(
                "ε(m) = {gamma} + ({eps0} − {gamma}) · u,  u / (1 − u)"
            )),
            Part::Sup(kappa.clone()),
            t(format!(" = (m/{m0})")),
            Part::Sup(beta.clone()),
        ],
    }
}

/// A value as a factor after `·`: in parentheses when negative (`0.3·(−0.36)`).
fn signed_factor(v: &str) -> String {
    if v.starts_with('-') || v.starts_with('−') {
        format!("({v})")
    } else {
        v.to_string()
    }
}

/// `-v` as written: a leading minus dropped, else one put in front (the symbol or a
/// positive value).
fn negated(v: &str) -> String {
    match v.strip_prefix('-').or_else(|| v.strip_prefix('−')) {
        Some(rest) => rest.to_string(),
        None => format!("−{v}"),
    }
}

/// One line summing up the fit, for the results header.
pub fn summary(a: &Analysis) -> String {
    let held = if a.held_out.is_empty() {
        String::new()
    } else {
        format!(", {} held out", a.held_out.len())
    };
    let mut s = format!(
        "{} fitted to {} points{held}, m from {} to {}",
        a.fit.form.id(),
        a.fit.n,
        num(a.m_range.0),
        num(a.m_range.1)
    );
    let others: Vec<String> = a
        .comparison
        .iter()
        .filter(|c| c.form != a.fit.form)
        .filter_map(|c| {
            c.delta_aicc
                .map(|d| format!("{} (ΔAICc {d:.1})", c.form.id()))
        })
        .collect();
    if !others.is_empty() {
        s.push_str(&format!("; AICc prefers it over {}", others.join(" and ")));
    }
    s.push('.');
    s
}

/// The target restated as an error, when the metric is accuracy.
pub fn target_note(state: &State, percent: bool) -> Option<String> {
    let t = session::target(state)?;
    match state.metric {
        Metric::Accuracy => Some(format!(
            "accuracy {} = error {}",
            num(state.target?),
            num(t.error(percent))
        )),
        Metric::Error => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::comparison::{backtest, comparison_rows};
    use super::*;
    use scalefit_core::analysis::{analyze, AnalysisOptions};
    use scalefit_core::parse::Point;

    #[test]
    fn rows_and_formulas() {
        let pts: Vec<Point> = (0..8)
            .map(|i| {
                let m = 1e3 * 4f64.powi(i);
                Point {
                    line: i as usize + 1,
                    m,
                    error: 2.0 * m.powf(-0.3) + 0.05,
                    model_size: Some(m.powf(0.7)),
                }
            })
            .collect();
        let a = analyze(
            &pts,
            &[],
            &AnalysisOptions {
                bootstrap: 30,
                ..Default::default()
            },
        )
        .unwrap();
        let rows = param_rows(&a);
        assert_eq!(rows.len(), a.fit.params.len() + 2);
        assert_eq!(rows.last().unwrap().name, "beta_p");
        assert_eq!(comparison_rows(&a).iter().filter(|r| r.chosen).count(), 1);
        let f = formula_fitted(&a);
        assert!(matches!(f.first(), Some(Part::Text(s)) if s.starts_with("ε(m) = ")));
        assert!(summary(&a).contains("fitted to 8 points"));
        assert!(backtest(&a).is_some());
    }

    #[test]
    fn smooth_floor_formula_writes_its_exponent_once_signed() {
        assert_eq!(
            formula_symbolic(Form::SmoothFloor),
            vec![t("ε(m) = γ · (1 + m₁/m)"), Part::Sup("−β_g".into())]
        );
        let p = ["a", "-0.269", "0.331", "e", "m", "2.17e7", "b", "d", "k"].map(String::from);
        assert_eq!(
            formula_parts(Form::SmoothFloor, &p),
            vec![
                t("ε(m) = 0.331 · (1 + 2.17e7/m)"),
                Part::Sup("0.269".into())
            ]
        );
        assert_eq!(negated("−0.5"), "0.5");
        let p = [
            "0.907", "-0.023", "0.337", "e", "m", "m1", "3.00e7", "-0.363", "k",
        ]
        .map(String::from);
        assert_eq!(
            formula_parts(Form::BrokenPower, &p),
            vec![
                t("ε(m) = 0.907 · m"),
                Part::Sup("-0.023".into()),
                t(" · (1 + (m/3.00e7)"),
                Part::Sup("1/0.3".into()),
                t(")"),
                Part::Sup("0.3·(-0.363)".into()),
                t(" + 0.337"),
            ]
        );
        assert_eq!(negated("0.5"), "−0.5");
        let p = [
            "a", "-0.41", "0.12", "0.88", "3.1e3", "m1", "mb", "d", "0.62",
        ]
        .map(String::from);
        assert_eq!(
            formula_parts(Form::Sigmoid, &p),
            vec![
                t("ε(m) = 0.12 + (0.88 − 0.12) · u,  u / (1 − u)"),
                Part::Sup("0.62".into()),
                t(" = (m/3.1e3)"),
                Part::Sup("-0.41".into()),
            ]
        );
    }
}
