//! From a [`State`] (what the user set, or what a permalink carried) to parsed data
//! and analysis options: the one translation both front ends share, so the page and
//! the CLI give the same numbers for the same state.

use crate::analysis::AnalysisOptions;
use crate::fit::FitOptions;
use crate::model::Loss;
use crate::parse::{parse, Columns, Metric, ParseOptions, Parsed, Scale};
use crate::permalink::State;
use crate::presets::preset;
use crate::project::Target;

/// The data part of a state: the text and how to read it. The page keeps the user's
/// own while a preset is shown (autosaved with these keys).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, Default)]
pub struct DataSettings {
    /// Text of the data box.
    #[serde(default)]
    pub text: String,
    /// Column mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Columns>,
    /// Series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Error or accuracy.
    #[serde(default)]
    pub metric: Metric,
    /// Fraction or percent.
    #[serde(default)]
    pub scale: Scale,
}

impl DataSettings {
    /// The data part of `state`.
    pub fn of(state: &State) -> DataSettings {
        DataSettings {
            text: state.text.clone(),
            columns: state.columns.clone(),
            group: state.group.clone(),
            metric: state.metric,
            scale: state.scale,
        }
    }

    /// Puts these data back into `state`, its other settings untouched.
    pub fn restore_into(self, state: &mut State) {
        state.text = self.text;
        state.columns = self.columns;
        state.group = self.group;
        state.metric = self.metric;
        state.scale = self.scale;
    }
}

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

/// A paper preset's projection relative to the user's current point.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RelativeProjection {
    /// The preset.
    pub preset: &'static crate::presets::Preset,
    /// The anchor as given (metric units).
    pub anchor: crate::permalink::Anchor,
    /// The anchor's error (an accuracy anchor converted).
    pub anchor_error: f64,
    /// The target as an error, if set.
    pub target_error: Option<f64>,
    /// `(target / anchor_error)^(1/beta_g)`.
    pub data_multiplier: Option<f64>,
    /// `data_multiplier * anchor m`.
    pub data_size: Option<f64>,
    /// `data_multiplier^beta_p`, when the preset reports `beta_p`.
    pub model_multiplier: Option<f64>,
    /// `model_multiplier * anchor model size`, when both are known.
    pub model_size: Option<f64>,
}

/// The relative projection of preset `p` anchored at `anchor`, with the state's metric
/// and target: an accuracy anchor above 1 is read as a percentage, and so is the
/// target then.
pub fn relative_projection(
    state: &State,
    p: &'static crate::presets::Preset,
    anchor: &crate::permalink::Anchor,
) -> RelativeProjection {
    let percent = crate::rules::percent_anchor(state.metric, anchor);
    let anchor_error = if state.metric == Metric::Accuracy {
        (if percent { 100.0 } else { 1.0 }) - anchor.error
    } else {
        anchor.error
    };
    let target_error = target(state).map(|t| t.error(percent));
    let data_multiplier =
        target_error.and_then(|t| crate::project::relative_multiplier(p.beta_g, anchor_error, t));
    let model_multiplier = data_multiplier.zip(p.beta_p).map(|(x, b)| x.powf(b));
    RelativeProjection {
        preset: p,
        anchor: anchor.clone(),
        anchor_error,
        target_error,
        data_multiplier,
        data_size: data_multiplier.map(|x| x * anchor.m),
        model_multiplier,
        model_size: model_multiplier.zip(anchor.model_size).map(|(k, s)| k * s),
    }
}

/// Every series of the state's data, each read as the single-series path reads the
/// one it keeps (the state's parse options with that series chosen), in order of
/// appearance. Empty without a group column.
pub fn family_series(state: &State, parsed: &Parsed) -> Vec<crate::family::Series> {
    let base = parse_options(state);
    parsed
        .groups
        .iter()
        .map(|g| {
            let p = if parsed.group.as_deref() == Some(g.as_str()) {
                parsed.clone()
            } else {
                parse(
                    &state.text,
                    &ParseOptions {
                        group: Some(g.clone()),
                        ..base.clone()
                    },
                )
            };
            crate::family::Series {
                name: g.clone(),
                m: p.sizes(),
                y: p.errors(),
            }
        })
        .collect()
}

/// Family options of a state: its form, loss, seed, target, and the shared setting
/// of its family view (`beta_g` without one).
pub fn family_options(state: &State, parsed: &Parsed) -> crate::family::FamilyOptions {
    crate::family::FamilyOptions {
        model: state.model,
        loss: state.loss,
        shared: state
            .family
            .as_ref()
            .map_or(crate::family::Shared::BetaG, |f| f.shared),
        bootstrap: state.bootstrap as usize,
        seed: state.seed,
        target_error: target(state).map(|t| t.error(parsed.percent)),
    }
}
