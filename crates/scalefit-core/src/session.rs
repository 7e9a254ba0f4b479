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
use crate::sweep::{
    analyze_sweep, JointLoss, JointOptions, Sweep, SweepError, SweepOptions, SweepReport,
    SweepView, Throughput,
};

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

/// The sweep settings of a state: its own, or the defaults.
pub fn sweep_view(state: &State) -> SweepView {
    state.sweep.clone().unwrap_or_default()
}

/// Parse options of a state read as a sweep: an error of 0 is a problem unless the
/// joint law's loss is `linear` (the `log` and `huber` losses take its logarithm),
/// whatever the learning-curve loss of the state says.
pub fn sweep_parse_options(state: &State) -> ParseOptions {
    ParseOptions {
        log_loss: sweep_view(state).loss != JointLoss::Linear,
        ..parse_options(state)
    }
}

/// Parses the state's text as a sweep ([`sweep_parse_options`]).
pub fn parse_sweep_state(state: &State) -> Parsed {
    parse(&state.text, &sweep_parse_options(state))
}

/// Options of [`analyze_sweep`] for a state and its parsed data: the sweep settings
/// (absent ones at their defaults), the state's bootstrap count and seed, and its
/// target as an error (an accuracy target converted with the data's scale). A
/// throughput needs the FLOP/s; a utilisation left out is 1 (the peak).
pub fn sweep_options(state: &State, parsed: &Parsed) -> SweepOptions {
    let view = sweep_view(state);
    let defaults = SweepOptions::default();
    SweepOptions {
        joint: JointOptions {
            loss: view.loss,
            huber_delta: view.huber_delta.unwrap_or(defaults.joint.huber_delta),
            bootstrap: state.bootstrap as usize,
            seed: state.seed,
        },
        flops_per_param: view.flops_per_param.unwrap_or(defaults.flops_per_param),
        compute: view.budget,
        target_error: target(state).map(|t| t.error(parsed.percent)),
        throughput: view.flops_per_second.map(|f| Throughput {
            flops_per_second: f,
            utilisation: view.utilisation.unwrap_or(1.0),
        }),
    }
}

/// The runs of parsed data (rows held out by a flag column are not runs: they were
/// set aside by the user).
///
/// # Errors
/// [`Sweep::from_points`]'s: a run without a model size, or an unusable value, with
/// its line.
pub fn sweep_of(parsed: &Parsed) -> Result<Sweep, SweepError> {
    Sweep::from_points(&parsed.points)
}

/// The whole of SPEC section 6 for a state: [`sweep_of`] its parsed data, then
/// [`analyze_sweep`] with [`sweep_options`]. The one call both front ends make.
///
/// # Errors
/// Those of [`sweep_of`] and [`analyze_sweep`].
pub fn analyze_sweep_state(state: &State, parsed: &Parsed) -> Result<SweepReport, SweepError> {
    analyze_sweep(&sweep_of(parsed)?, &sweep_options(state, parsed))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::sweep::{RowsAs, SweepView};

    const RUNS: &str = "examples,error,params\n1000,0.52,1000\n1000,0.47,4000\n1000,0.50,16000\n4000,0.42,1000\n4000,0.35,4000\n4000,0.33,16000\n16000,0.40,1000\n16000,0.30,4000\n16000,0.25,16000\n";

    #[test]
    fn sweep_settings_become_options() {
        let state = State {
            text: RUNS.into(),
            target: Some(0.3),
            bootstrap: 40,
            seed: 9,
            sweep: Some(SweepView {
                rows: RowsAs::Sweep,
                loss: JointLoss::Huber,
                huber_delta: Some(0.01),
                flops_per_param: Some(8.0),
                budget: Some(1e9),
                flops_per_second: Some(1e12),
                utilisation: None,
            }),
            ..State::default()
        };
        let parsed = parse_sweep_state(&state);
        let o = sweep_options(&state, &parsed);
        assert_eq!(o.joint.loss, JointLoss::Huber);
        assert_eq!(o.joint.huber_delta, 0.01);
        assert_eq!((o.joint.bootstrap, o.joint.seed), (40, 9));
        assert_eq!(o.flops_per_param, 8.0);
        assert_eq!(o.compute, Some(1e9));
        assert_eq!(o.target_error, Some(0.3));
        assert_eq!(o.throughput.unwrap().utilisation, 1.0);
        // The glue is the core's analysis of the same runs with those options.
        let r = analyze_sweep_state(&state, &parsed).unwrap();
        let direct = analyze_sweep(&Sweep::from_points(&parsed.points).unwrap(), &o).unwrap();
        assert_eq!(r, direct);
        assert_eq!(r.n_runs, 9);
    }

    #[test]
    fn no_sweep_settings_are_the_defaults() {
        let state = State {
            text: RUNS.into(),
            ..State::default()
        };
        let parsed = parse_sweep_state(&state);
        let o = sweep_options(&state, &parsed);
        let d = SweepOptions::default();
        assert_eq!(o.joint.loss, d.joint.loss);
        assert_eq!(o.joint.huber_delta, d.joint.huber_delta);
        assert_eq!(o.flops_per_param, d.flops_per_param);
        assert_eq!(
            (o.compute, o.target_error, o.throughput),
            (None, None, None)
        );
        // An error of 0 is refused under the log loss, read under the linear one.
        let zero = State {
            text: "examples,error,params\n1000,0,10\n".into(),
            ..State::default()
        };
        assert_eq!(parse_sweep_state(&zero).blocking().count(), 1);
        let linear = State {
            sweep: Some(SweepView {
                loss: JointLoss::Linear,
                ..SweepView::default()
            }),
            ..zero
        };
        assert_eq!(parse_sweep_state(&linear).blocking().count(), 0);
    }

    #[test]
    fn a_missing_model_size_names_its_line() {
        let state = State {
            text: "examples,error,params\n1000,0.5,10\n2000,0.4,\n".into(),
            ..State::default()
        };
        let parsed = parse_sweep_state(&state);
        let e = analyze_sweep_state(&state, &parsed).unwrap_err();
        assert_eq!(
            e,
            SweepError::MissingModelSize {
                line: Some(3),
                index: 1
            }
        );
    }
}
