//! From a [`State`] (what the user set, or what a permalink carried) to parsed data
//! and analysis options: the one translation both front ends share, so the page and
//! the CLI give the same numbers for the same state.

use crate::analysis::AnalysisOptions;
use crate::fit::FitOptions;
use crate::model::Loss;
use crate::parse::{parse, Metric, ParseOptions, Parsed};
use crate::permalink::State;
use crate::presets::preset;
use crate::project::Target;

/// Parse options of a state.
pub fn parse_options(state: &State) -> ParseOptions {
    ParseOptions {
        columns: state.columns.clone(),
        group: state.group.clone(),
        metric: state.metric,
        scale: state.scale,
        log_loss: state.loss == Loss::Log,
    }
}

/// Parses the state's text.
pub fn parse_state(state: &State) -> Parsed {
    parse(&state.text, &parse_options(state))
}

/// The state's target as a [`Target`].
pub fn target(state: &State) -> Option<Target> {
    state
        .target
        .filter(|t| t.is_finite())
        .map(|t| match state.metric {
            Metric::Error => Target::Error(t),
            Metric::Accuracy => Target::Accuracy(t),
        })
}

/// Analysis options of a state, given its parsed data (which says whether values are
/// percentages, needed to turn an accuracy target into an error).
pub fn analysis_options(state: &State, parsed: &Parsed) -> AnalysisOptions {
    let preset_beta_p = state
        .preset
        .as_deref()
        .and_then(preset)
        .and_then(|p| p.beta_p)
        .map(|b| (b, state.anchor.as_ref().and_then(|a| a.model_size)));
    AnalysisOptions {
        model: state.model,
        fit: FitOptions {
            loss: state.loss,
            fixed: state.fixed.clone(),
        },
        bootstrap: state.bootstrap as usize,
        seed: state.seed,
        target_error: target(state).map(|t| t.error(parsed.percent)),
        backtest_k: 1,
        preset_beta_p,
    }
}
