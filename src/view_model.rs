//! Pure functions from the core's results to what the page shows: rounded strings with
//! their unrounded values, table rows, the messages of `#fit-message`, and the
//! relative projection of a paper preset. Components only render these.

use scalefit_core::analysis::{Analysis, AnalysisError};
use scalefit_core::model::Form;
use scalefit_core::parse::{parse_number, Metric, Parsed};
use scalefit_core::permalink::{Anchor, State};
use scalefit_core::presets::Preset;
use scalefit_core::project::Reach;
use scalefit_core::session;

use crate::format::{self, exponent, interval, multiplier, num, prettify, sentence};
use crate::workspace::{anchor_of, Source};

/// How serious a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something stops a result (bad row, no fit, bad link).
    Error,
    /// A result is shown but should be read with care.
    Warning,
    /// Worth knowing.
    Info,
}

impl Level {
    /// CSS class suffix.
    pub fn class(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// One sentence of `#fit-message`.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Severity.
    pub level: Level,
    /// The sentence.
    pub text: String,
}

impl Message {
    /// A message.
    pub fn new(level: Level, text: impl Into<String>) -> Message {
        Message {
            level,
            text: text.into(),
        }
    }
}

/// A number in a results card: rounded for reading, unrounded for `data-value`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figure {
    /// What is shown.
    pub text: String,
    /// `{}` Display of the unrounded value (round-trips), when there is one.
    pub value: Option<String>,
    /// Interval or explanation under the number.
    pub note: String,
    /// What the value is, when it could be one of several things.
    pub kind: Option<&'static str>,
}

fn figure(text: String, value: f64, note: String) -> Figure {
    Figure {
        text,
        value: Some(format!("{value}")),
        note,
        kind: None,
    }
}

fn blank(text: &str, note: &str) -> Figure {
    Figure {
        text: text.into(),
        value: None,
        note: note.into(),
        kind: None,
    }
}

/// The relative projection of a paper preset shown without data: a pure power law
/// with the preset's `beta_g` through the user's current point.
///
/// The conversions mirror the CLI's `relative` report so a permalink gives the same
/// numbers in both: an accuracy anchor above 1 is a percentage.
#[derive(Debug, Clone, PartialEq)]
pub struct Relative {
    /// The preset.
    pub preset: &'static Preset,
    /// The anchor as given (metric units).
    pub anchor: Anchor,
    /// The anchor's error.
    pub anchor_error: f64,
    /// The target as an error, when set.
    pub target_error: Option<f64>,
    /// `(target/eps)^(1/beta_g)`.
    pub multiplier: Option<f64>,
    /// `m * multiplier`.
    pub data_size: Option<f64>,
    /// `multiplier^beta_p`.
    pub model_multiplier: Option<f64>,
    /// Current model size times `model_multiplier`.
    pub model_size: Option<f64>,
}

/// The relative projection of `state`: only for a paper preset with no data of its own.
pub fn relative(state: &State) -> Option<Relative> {
    let p = Source::of(state).paper()?;
    if !state.text.trim().is_empty() {
        return None;
    }
    let anchor = anchor_of(state)?;
    let r = session::relative_projection(state, p, &anchor);
    Some(Relative {
        preset: p,
        data_size: r.data_size,
        model_size: r.model_size,
        anchor,
        anchor_error: r.anchor_error,
        target_error: r.target_error,
        multiplier: r.data_multiplier,
        model_multiplier: r.model_multiplier,
    })
}

impl Relative {
    /// Plain sentence of the projection, when a target is set.
    pub fn sentence(&self) -> Option<String> {
        let t = self.target_error?;
        Some(match self.multiplier {
            Some(x) if x <= 1.0 => format!(
                "An error of {} is already met at your current point (error {}).",
                num(t),
                num(self.anchor_error)
            ),
            Some(x) => {
                let model = self
                    .model_multiplier
                    .map(|k| format!(", and a {} larger model", multiplier(k)))
                    .unwrap_or_default();
                format!(
                    "To reach an error of {} you need about {} more data ({} {}){model}.",
                    num(t),
                    multiplier(x),
                    num(x * self.anchor.m),
                    self.preset.unit
                )
            }
            None => format!(
                "An error of {} cannot be projected from this anchor (target and current error must be above 0).",
                num(t)
            ),
        })
    }
}

/// `#beta-g`: the fitted exponent, else the preset's.
pub fn beta_g(a: Option<&Analysis>, preset: Option<&Preset>) -> Figure {
    if let Some(a) = a {
        let i = a.fit.form.beta_index();
        if let Some(&b) = a.fit.params.get(i) {
            return figure(exponent(b), b, ci_note(a, i, exponent));
        }
    }
    match preset {
        Some(p) => figure(exponent(p.beta_g), p.beta_g, "reported in the paper".into()),
        None => blank("—", "paste data to fit"),
    }
}

/// `#beta-p`: the fitted model-size exponent, else the preset's, else "n/a".
pub fn beta_p(a: Option<&Analysis>, preset: Option<&Preset>) -> Figure {
    if let Some(sf) = a.and_then(|a| a.size_fit.as_ref()) {
        let note = match sf.ci95 {
            Some([_, ci]) => format!("95% CI {}", interval(ci, exponent)),
            None => format!("fitted to {} model sizes", sf.n),
        };
        return figure(exponent(sf.beta_p), sf.beta_p, note);
    }
    match preset {
        Some(p) => match p.beta_p {
            Some(b) => figure(exponent(b), b, "reported in the paper".into()),
            None => blank("n/a", "not reported for this domain"),
        },
        None => blank("n/a", "add a model-size column to fit it"),
    }
}

fn ci_note(a: &Analysis, i: usize, f: fn(f64) -> String) -> String {
    if a.fit.held.get(i) == Some(&true)
        && a.fit
            .user_fixed
            .iter()
            .any(|n| a.fit.form.param_index(n) == Some(i))
    {
        return "held by you".into();
    }
    match a.ci95(i) {
        Some(ci) => format!("95% CI {}", interval(ci, f)),
        None if a.options.bootstrap == 0 => "intervals off (bootstrap 0)".into(),
        None if a.bootstrap.is_some() => "interval unavailable".into(),
        None => "interval: bootstrapping…".into(),
    }
}

/// `#proj-data`: the data size the target needs.
pub fn proj_data(a: Option<&Analysis>, rel: Option<&Relative>) -> Figure {
    if let Some(p) = a.and_then(|a| a.projection.as_ref()) {
        return match (p.reach, p.data_size) {
            (Reach::Unreachable, _) | (_, None) => blank(
                "unreachable",
                &format!("the curve levels off at {}", num(p.limit)),
            ),
            (Reach::AlreadyMet, Some(m)) => figure(num(m), m, "already met at this size".into()),
            (Reach::Reachable, Some(m)) => {
                let mut note = p
                    .data_multiplier
                    .map(|x| format!("{} the largest size", multiplier(x)))
                    .unwrap_or_default();
                if let Some(ci) = p.data_size_ci95 {
                    note = format!("{note} · 95% CI {}", interval(ci, num));
                }
                figure(num(m), m, note)
            }
        };
    }
    if let Some(r) = rel {
        if r.target_error.is_some() {
            return match (r.multiplier, r.data_size) {
                (Some(x), Some(m)) if x <= 1.0 => {
                    figure(num(m), m, "already met at your current point".into())
                }
                (Some(x), Some(m)) => figure(
                    num(m),
                    m,
                    format!("{} your current {}", multiplier(x), r.preset.unit),
                ),
                _ => blank("unreachable", "cannot project from this anchor"),
            };
        }
    }
    blank("—", "set a target")
}

/// `#proj-model`: the model size at the target, or its multiplier when no current
/// size is known.
pub fn proj_model(a: Option<&Analysis>, rel: Option<&Relative>) -> Figure {
    let (size, ci, mult) = match (a.and_then(|a| a.projection.as_ref()), rel) {
        (Some(p), _) => (p.model_size, p.model_size_ci95, p.model_multiplier),
        (None, Some(r)) if r.target_error.is_some() => (r.model_size, None, r.model_multiplier),
        _ => return blank("—", "set a target"),
    };
    if let Some(s) = size {
        let mut note = mult
            .map(|k| format!("{} today's size", multiplier(k)))
            .unwrap_or_default();
        if let Some(ci) = ci {
            note = format!("{note} · 95% CI {}", interval(ci, num));
        }
        let mut f = figure(num(s), s, note);
        f.kind = Some("size");
        return f;
    }
    if let Some(k) = mult {
        let mut f = figure(
            multiplier(k),
            k,
            "larger model (give your current size for parameters)".into(),
        );
        f.kind = Some("multiplier");
        return f;
    }
    blank("n/a", "needs a model-size column or a preset with beta_p")
}

/// Display name, symbol and meaning of a parameter.
pub fn param_meta(name: &str) -> (&'static str, &'static str) {
    match name {
        "alpha" => (
            "α",
            "coefficient: shifts the curve; better architectures move it",
        ),
        "beta_g" => ("β_g", "learning-curve exponent: the slope in log-log space"),
        "gamma" => ("γ", "irreducible error: the floor for unlimited data"),
        "eps0" => ("ε₀", "best-guess error: the small-data plateau"),
        "m0" => ("m₀", "end of the small-data region"),
        "sigma" => ("σ", "model-size coefficient"),
        "beta_p" => ("β_p", "model-size exponent"),
        _ => ("?", ""),
    }
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
    formula_parts(form, &["α", "β_g", "γ", "ε₀", "m₀"].map(String::from))
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
        &[p("alpha"), p("beta_g"), p("gamma"), p("eps0"), p("m0")],
    )
}

fn formula_parts(form: Form, v: &[String; 5]) -> Vec<Part> {
    let [alpha, beta, gamma, eps0, m0] = v;
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
    }
}

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

/// Everything `#fit-message` says, most serious first.
#[derive(Debug, Clone, Copy)]
pub struct MessageInputs<'a> {
    /// App notices (links, files, storage, sharing).
    pub notices: &'a [Message],
    /// The state analysed.
    pub state: &'a State,
    /// Its parse.
    pub parsed: Option<&'a Parsed>,
    /// Why no fit could be made.
    pub fit_error: Option<&'a str>,
    /// The analysis.
    pub analysis: Option<&'a Analysis>,
    /// The relative projection of a preset.
    pub relative: Option<&'a Relative>,
}

/// At most this many row problems are repeated in `#fit-message`; all are listed
/// under the data box.
pub const MAX_PROBLEMS_IN_STATUS: usize = 6;

/// The messages of `#fit-message`.
pub fn messages(i: MessageInputs<'_>) -> Vec<Message> {
    let mut out: Vec<Message> = i.notices.to_vec();
    let blank = i.state.text.trim().is_empty();
    let source = Source::of(i.state);
    if let Some(p) = i.parsed {
        if blank {
            if source == Source::Custom {
                out.push(Message::new(
                    Level::Info,
                    "No data yet: paste rows of training-set size and error (e.g. \"1000, 0.42\"), drop a CSV file, or pick a preset.",
                ));
            }
        } else {
            for pr in p.problems.iter().take(MAX_PROBLEMS_IN_STATUS) {
                out.push(Message::new(
                    Level::Error,
                    problem_text(pr.line, &pr.message),
                ));
            }
            if p.problems.len() > MAX_PROBLEMS_IN_STATUS {
                out.push(Message::new(
                    Level::Error,
                    format!(
                        "…and {} more problems: see the list under the data.",
                        p.problems.len() - MAX_PROBLEMS_IN_STATUS
                    ),
                ));
            }
            if !p.problems.is_empty() && !p.points.is_empty() {
                out.push(Message::new(
                    Level::Info,
                    format!(
                        "The {} good rows are still fitted.",
                        p.points.len() + p.held_out.len()
                    ),
                ));
            }
        }
    }
    if let Some(e) = i.fit_error {
        out.push(Message::new(Level::Error, e.to_string()));
    }
    if i.state.bootstrap as usize > crate::state::limits::MAX_BOOTSTRAP {
        out.push(Message::new(
            Level::Warning,
            format!(
                "{} bootstrap resamples were asked for; this page runs at most {}.",
                i.state.bootstrap,
                crate::state::limits::MAX_BOOTSTRAP
            ),
        ));
    }
    // A target that cannot mean what the user wants gets its own message and no
    // projection sentence (which would only repeat it in other words).
    let target_bad = bad_target(i.state, i.parsed, i.relative);
    let project = target_bad.is_none();
    if let Some(t) = target_bad {
        out.push(Message::new(Level::Error, t));
    }
    if let Some(a) = i.analysis {
        for w in &a.warnings {
            out.push(Message::new(
                Level::Warning,
                sentence(&prettify(&w.message)),
            ));
        }
        if let Some(p) = a.projection.as_ref().filter(|_| project) {
            match p.reach {
                Reach::Unreachable => out.push(Message::new(Level::Warning, prettify(&p.sentence))),
                Reach::AlreadyMet => out.push(Message::new(Level::Info, prettify(&p.sentence))),
                Reach::Reachable => {}
            }
        }
    }
    if let Some(r) = i.relative.filter(|_| project) {
        match (r.target_error, r.multiplier) {
            (Some(_), None) => out.push(Message::new(
                Level::Warning,
                r.sentence().unwrap_or_default(),
            )),
            (Some(_), Some(x)) if x <= 1.0 => {
                out.push(Message::new(Level::Info, r.sentence().unwrap_or_default()))
            }
            _ => {}
        }
    }
    out.sort_by_key(|m| match m.level {
        Level::Error => 0,
        Level::Warning => 1,
        Level::Info => 2,
    });
    out
}

/// A target that cannot mean what the user wants.
fn bad_target(state: &State, parsed: Option<&Parsed>, rel: Option<&Relative>) -> Option<String> {
    let t = state.target?;
    if !t.is_finite() {
        return Some("The target is not a number.".into());
    }
    let percent = match (parsed, rel) {
        (_, Some(r)) => state.metric == Metric::Accuracy && r.anchor.error > 1.0,
        (Some(p), None) if !p.points.is_empty() => p.percent,
        _ => return None,
    };
    match state.metric {
        Metric::Accuracy if !percent && t > 1.0 => Some(format!(
            "The target accuracy {} is above 1 but the accuracies are fractions: type {}, or set the scale to percent.",
            num(t),
            num(t / 100.0)
        )),
        Metric::Accuracy if t < 0.0 || t > if percent { 100.0 } else { 1.0 } => Some(format!(
            "The target accuracy {} is outside 0 to {}.",
            num(t),
            if percent { "100" } else { "1" }
        )),
        Metric::Error if t <= 0.0 => Some(format!(
            "The target error must be above 0 (got {}).",
            num(t)
        )),
        _ => None,
    }
}

/// Why no fit could be made, as a sentence for people: every form with its reason.
pub fn fit_error_text(e: &AnalysisError) -> String {
    match e {
        AnalysisError::NoFit(reasons) => {
            let why: Vec<String> = reasons
                .iter()
                .map(|(form, why)| format!("{}: {why}", form.id()))
                .collect();
            sentence(&format!("No model could be fitted: {}", why.join("; ")))
        }
    }
}

/// A parse problem as a sentence: `Line 3: size "abc" is not a number.`
pub fn problem_text(line: usize, message: &str) -> String {
    if line == 0 {
        sentence(message)
    } else {
        let m = message.trim().trim_end_matches('.');
        format!("Line {line}: {m}.")
    }
}

/// Short name of a paper preset for the `#preset` select.
pub fn preset_label(p: &Preset) -> &'static str {
    match p.id {
        "nmt" => "Machine translation (NMT)",
        "word-lm" => "Word language model",
        "char-lm" => "Character language model",
        "imagenet-top1" => "ImageNet, top-1 error",
        "imagenet-top5" => "ImageNet, top-5 error",
        "speech-ds2" => "Speech, Deep Speech 2",
        "speech-attention" => "Speech, attention model",
        _ => p.domain,
    }
}

/// UTF-16 range (what `setSelectionRange` counts) of 1-based line `line` in `text` (for selecting it in the box).
pub fn line_span(text: &str, line: usize) -> Option<(usize, usize)> {
    let mut start = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        let chars = l.encode_utf16().count();
        if i + 1 == line {
            let body = l.trim_end_matches(['\n', '\r']).encode_utf16().count();
            return Some((start, start + body));
        }
        start += chars;
    }
    None
}

/// Options of the column pickers: `(index, label)`.
pub fn column_options(p: &Parsed) -> Vec<(usize, String)> {
    (0..p.n_columns.max(2))
        .map(|i| {
            let name = p
                .header
                .as_ref()
                .and_then(|h| h.get(i))
                .filter(|s| !s.trim().is_empty())
                .map(|s| format!("{} ({})", s.trim(), i + 1))
                .unwrap_or_else(|| format!("column {}", i + 1));
            (i, name)
        })
        .collect()
}

/// Parses `gamma=0.39, beta_g=-0.3` (held parameters).
///
/// # Errors
/// A sentence naming the piece that is not `name=value` with a known name.
pub fn parse_fixed(s: &str) -> Result<Vec<(String, f64)>, String> {
    let known = ["alpha", "beta_g", "gamma", "eps0", "m0"];
    s.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|piece| {
            let (name, value) = piece
                .split_once('=')
                .ok_or_else(|| format!("\"{piece}\": write name=value, e.g. gamma=0.3"))?;
            let name = name.trim();
            if !known.contains(&name) {
                return Err(format!(
                    "\"{name}\" is not a parameter (use {})",
                    known.join(", ")
                ));
            }
            let v = parse_number(value)
                .map(|(v, _)| v)
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("\"{}\" is not a number", value.trim()))?;
            Ok((name.to_string(), v))
        })
        .collect()
}

/// Inverse of [`parse_fixed`].
pub fn format_fixed(fixed: &[(String, f64)]) -> String {
    fixed
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number typed by the user (`1e6`, `2^27`, `134M`, `1,000`), finite.
pub fn parse_user_number(s: &str) -> Option<f64> {
    parse_number(s).map(|(v, _)| v).filter(|v| v.is_finite())
}

/// The text of a number field for a value: `{}` so it round-trips.
pub fn field_text(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use scalefit_core::analysis::{analyze, AnalysisOptions};
    use scalefit_core::parse::Point;
    use scalefit_core::presets::preset;

    fn nmt_analysis(target: Option<f64>) -> (State, Parsed, Analysis) {
        let state = State {
            text: scalefit_core::presets::NMT_REAL_CSV.into(),
            target,
            bootstrap: 60,
            ..State::default()
        };
        let parsed = session::parse_state(&state);
        let opts = session::analysis_options(&state, &parsed);
        let a = analyze(&parsed.points, &parsed.held_out, &opts).unwrap();
        (state, parsed, a)
    }

    #[test]
    fn figures_carry_unrounded_values() {
        let (_, _, a) = nmt_analysis(Some(0.3));
        let b = beta_g(Some(&a), None);
        let raw: f64 = b.value.as_deref().unwrap().parse().unwrap();
        assert_eq!(raw, a.fit.params[a.fit.form.beta_index()]);
        assert_eq!(b.text, format!("{raw:.3}"));
        assert!(b.note.starts_with("95% CI"), "{}", b.note);
        let p = beta_p(Some(&a), None);
        assert_eq!((p.text.as_str(), p.value.as_ref()), ("n/a", None));
        let d = proj_data(Some(&a), None);
        let want = a.projection.as_ref().unwrap().data_size;
        assert_eq!(d.value.map(|v| v.parse::<f64>().unwrap()), want);
    }

    #[test]
    fn preset_figures() {
        let p = preset("imagenet-top1").unwrap();
        let b = beta_g(None, Some(p));
        assert_eq!(
            (b.text.as_str(), b.value.as_deref()),
            ("-0.309", Some("-0.309"))
        );
        let bp = beta_p(None, Some(p));
        assert_eq!(bp.value.as_deref(), Some("0.573"));
        let nmt = preset("nmt").unwrap();
        assert_eq!(beta_p(None, Some(nmt)).text, "n/a");
    }

    #[test]
    fn relative_projection_matches_the_formulas() {
        let mut s = State {
            preset: Some("imagenet-top1".into()),
            target: Some(0.2),
            ..State::default()
        };
        s.anchor = Some(Anchor {
            m: 1e6,
            error: 0.24,
            model_size: Some(2.5e7),
        });
        let r = relative(&s).unwrap();
        let x = (0.2f64 / 0.24).powf(1.0 / -0.309);
        assert!((r.multiplier.unwrap() / x - 1.0).abs() < 1e-12);
        assert_eq!(r.data_size, Some(r.multiplier.unwrap() * 1e6));
        let k = x.powf(0.573);
        assert!((r.model_size.unwrap() / (k * 2.5e7) - 1.0).abs() < 1e-12);
        assert!(r.sentence().unwrap().contains("more data"));
        let f = proj_model(None, Some(&r));
        assert_eq!(f.kind, Some("size"));
        // Accuracy in percent: 80% accuracy is a 20% error.
        s.metric = Metric::Accuracy;
        s.target = Some(80.0);
        s.anchor = Some(Anchor {
            m: 1e6,
            error: 76.0,
            model_size: None,
        });
        let r = relative(&s).unwrap();
        assert!((r.multiplier.unwrap() / x - 1.0).abs() < 1e-9);
        assert_eq!(proj_model(None, Some(&r)).kind, Some("multiplier"));
        // With data of its own, a preset is not relative.
        s.text = "1,2".into();
        assert!(relative(&s).is_none());
    }

    #[test]
    fn messages_cover_bad_input() {
        let state = State {
            text: "m,err\n1000,0.5\nabc,0.4\n2000,0.3\n".into(),
            ..State::default()
        };
        let parsed = session::parse_state(&state);
        let m = messages(MessageInputs {
            notices: &[],
            state: &state,
            parsed: Some(&parsed),
            fit_error: Some("No fit."),
            analysis: None,
            relative: None,
        });
        assert_eq!(m[0].level, Level::Error);
        assert!(m[0].text.starts_with("Line 3: "), "{m:?}");
        assert!(m.iter().any(|x| x.text == "No fit."));
        let empty = State::default();
        let parsed = session::parse_state(&empty);
        let m = messages(MessageInputs {
            notices: &[],
            state: &empty,
            parsed: Some(&parsed),
            fit_error: None,
            analysis: None,
            relative: None,
        });
        assert_eq!(m.len(), 1);
        assert!(m[0].text.starts_with("No data yet"));
    }

    #[test]
    fn unreachable_target_is_said() {
        let (state, parsed, a) = nmt_analysis(Some(0.01));
        let m = messages(MessageInputs {
            notices: &[],
            state: &state,
            parsed: Some(&parsed),
            fit_error: None,
            analysis: Some(&a),
            relative: None,
        });
        assert!(
            m.iter().any(|x| x.text.contains("cannot be reached")),
            "{m:?}"
        );
        assert_eq!(proj_data(Some(&a), None).text, "unreachable");
    }

    #[test]
    fn fraction_accuracy_target_above_one() {
        let state = State {
            text: "1000,0.6\n2000,0.7\n4000,0.75\n".into(),
            metric: Metric::Accuracy,
            target: Some(80.0),
            ..State::default()
        };
        let parsed = session::parse_state(&state);
        let e = bad_target(&state, Some(&parsed), None).unwrap();
        assert!(e.contains("type 0.800"), "{e}");
    }

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
    fn fixed_parameters() {
        assert_eq!(
            parse_fixed("gamma=0.39, beta_g = -0.3").unwrap(),
            vec![("gamma".to_string(), 0.39), ("beta_g".to_string(), -0.3)]
        );
        assert!(parse_fixed("gama=1")
            .unwrap_err()
            .contains("not a parameter"));
        assert!(parse_fixed("gamma").is_err());
        assert!(parse_fixed("gamma=x").is_err());
        assert_eq!(parse_fixed(" ").unwrap(), vec![]);
        let v = vec![("m0".to_string(), 1e5)];
        assert_eq!(parse_fixed(&format_fixed(&v)).unwrap(), v);
    }

    #[test]
    fn spans() {
        assert_eq!(line_span("ab\r\ncd\n", 2), Some((4, 6)));
        assert_eq!(line_span("é\nx", 2), Some((2, 3)));
        assert_eq!(line_span("a", 3), None);
    }

    #[test]
    fn problem_sentences() {
        assert_eq!(problem_text(3, "size is empty"), "Line 3: size is empty.");
        assert_eq!(problem_text(0, "no data rows"), "No data rows.");
    }
}
