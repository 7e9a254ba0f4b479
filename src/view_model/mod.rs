//! Pure functions from the core's results to what the page shows: rounded strings with
//! their unrounded values, table rows, the messages of `#fit-message`, and the
//! relative projection of a paper preset. Components only render these.
//!
//! By what they serve: [`figures`] (the results cards and the relative projection),
//! [`model_card`] (parameters, formula, summary), [`comparison`] (AICc table,
//! backtest, regions), [`messages`](mod@messages) (`#fit-message`), [`settings`] (the controls'
//! texts). The rules the CLI shares live in `scalefit_core::rules`, not here.

mod comparison;
pub mod family;
mod figures;
mod messages;
mod model_card;
mod settings;
pub mod sweep;

pub use comparison::{backtest, comparison_rows, regions};
pub use figures::{
    beta_g, beta_g_shared, beta_p, proj_data, proj_model, relative, relative_sentence, Relative,
};
pub use messages::{fit_error_text, messages, problem_text, MessageInputs};
pub use model_card::{formula_fitted, formula_symbolic, param_rows, summary, target_note, Part};
pub use settings::{column_options, field_text, line_span, parse_user_number};

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
    /// The unrounded 95% interval, `lo,hi` (for tests against the CLI), when there is one.
    pub ci: Option<String>,
}

fn figure(text: String, value: f64, note: String) -> Figure {
    Figure {
        text,
        value: Some(format!("{value}")),
        note,
        kind: None,
        ci: None,
    }
}

fn blank(text: &str, note: &str) -> Figure {
    Figure {
        text: text.into(),
        value: None,
        note: note.into(),
        kind: None,
        ci: None,
    }
}

/// An analysis of the real NMT curves, for the tests of every part.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
fn nmt_analysis(
    target: Option<f64>,
) -> (
    scalefit_core::permalink::State,
    scalefit_core::parse::Parsed,
    scalefit_core::analysis::Analysis,
) {
    use scalefit_core::permalink::State;
    use scalefit_core::session;
    let state = State {
        text: scalefit_core::presets::NMT_REAL_CSV.into(),
        target,
        bootstrap: 60,
        ..State::default()
    };
    let parsed = session::parse_state(&state);
    let opts = session::analysis_options(&state, &parsed);
    let a = scalefit_core::analysis::analyze(&parsed.points, &parsed.held_out, &opts).unwrap();
    (state, parsed, a)
}
