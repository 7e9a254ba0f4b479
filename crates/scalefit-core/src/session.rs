//! From a [`State`] (what the user set, or what a permalink carried) to parsed data
//! and analysis options: the one translation both front ends share, so the page and
//! the CLI give the same numbers for the same state.

use crate::analysis::{analyze, Analysis, AnalysisError, AnalysisOptions};
use crate::family::{compare, Comparison, FamilyError, FamilyOptions, Series};
use crate::fit::FitOptions;
use crate::model::Loss;
use crate::parse::{parse, Columns, Metric, ParseOptions, Parsed, Scale, Table};
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

/// One series of a family as both front ends see it: its own parse (the single-series
/// path's, with `group` naming it) and what it gives the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The series' name as typed in the group column.
    pub name: String,
    /// The state's text parsed with this series selected: exactly what the
    /// single-series path (`group` = this name) fits.
    pub parsed: Parsed,
    /// Hidden by the user (the state's `family.hidden`): shown nowhere and left out of
    /// the comparison, but still parsed and analysed.
    pub hidden: bool,
}

impl Member {
    /// The series handed to the comparison: the fitted points only (held-out rows are
    /// excluded, as from the single fit).
    pub fn series(&self) -> Series {
        Series {
            name: self.name.clone(),
            m: self.parsed.points.iter().map(|p| p.m).collect(),
            y: self.parsed.points.iter().map(|p| p.error).collect(),
        }
    }
}

/// The series of a state's data, one per distinct value of the group column in order
/// of first appearance (empty without a group column). `parsed` is the state's own
/// parse, which lists the groups.
pub fn family_members(state: &State, parsed: &Parsed) -> Vec<Member> {
    let hidden = state
        .family
        .as_ref()
        .map(|f| f.hidden.as_slice())
        .unwrap_or(&[]);
    // The text is split once (when some series needs it); each series reads its rows
    // from the split.
    let table = std::cell::OnceCell::new();
    parsed
        .groups
        .iter()
        .map(|g| {
            // The state's own parse already is this series' when it selects it.
            let parsed = if parsed.group.as_deref() == Some(g.as_str()) {
                parsed.clone()
            } else {
                let mut opts = parse_options(state);
                opts.group = Some(g.clone());
                table.get_or_init(|| Table::read(&state.text)).parse(&opts)
            };
            Member {
                name: g.clone(),
                parsed,
                hidden: hidden.contains(g),
            }
        })
        .collect()
}

/// Options of a state's family comparison. The target is converted to an error as the
/// single path converts it, with `percent` the data's reading (the first series').
/// Held parameters (`fixed`) apply to each series' own analysis, not to the
/// comparison, whose shared fit holds its own.
pub fn family_options(state: &State, percent: bool) -> FamilyOptions {
    FamilyOptions {
        model: state.model,
        loss: state.loss,
        shared: state.family.as_ref().map(|f| f.shared).unwrap_or_default(),
        bootstrap: state.bootstrap as usize,
        seed: state.seed,
        target_error: target(state).map(|t| t.error(percent)),
    }
}

/// Everything a family view shows: each series' single-curve analysis and the
/// comparison of the visible ones.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyAnalysis {
    /// Every series, in order of first appearance.
    pub members: Vec<Member>,
    /// Each member's own analysis (section 4), through [`analyze`] with the options
    /// the single path gives it ([`analysis_options`]).
    pub analyses: Vec<Result<Analysis, AnalysisError>>,
    /// Indices into `members` of the series given to the comparison (the visible
    /// ones); [`Comparison::included`] indexes this list.
    pub compared: Vec<usize>,
    /// The options of the comparison.
    pub options: FamilyOptions,
    /// The comparison, or why there is none.
    pub comparison: Result<Comparison, FamilyError>,
}

impl FamilyAnalysis {
    /// Index into `members` of the comparison's `i`-th included series.
    pub fn member_of(&self, included: usize) -> Option<usize> {
        let c = self.comparison.as_ref().ok()?;
        c.included
            .get(included)
            .and_then(|&j| self.compared.get(j))
            .copied()
    }

    /// The names of the compared series, in the comparison's input order (what
    /// [`crate::family::sentence`] takes).
    pub fn compared_names(&self) -> Vec<String> {
        self.compared
            .iter()
            .map(|&i| self.members[i].name.clone())
            .collect()
    }
}

/// A state's family: its members ([`family_members`]), each one analysed as the single
/// path would, and the visible ones compared. The page and the CLI both call this.
pub fn analyze_family(state: &State, parsed: &Parsed) -> FamilyAnalysis {
    let members = family_members(state, parsed);
    let analyses = members
        .iter()
        .map(|m| {
            let opts = analysis_options(state, &m.parsed);
            analyze(&m.parsed.points, &m.parsed.held_out, &opts)
        })
        .collect();
    let compared: Vec<usize> = (0..members.len()).filter(|&i| !members[i].hidden).collect();
    let percent = compared
        .first()
        .map_or(parsed.percent, |&i| members[i].parsed.percent);
    let options = family_options(state, percent);
    let series: Vec<Series> = compared.iter().map(|&i| members[i].series()).collect();
    let comparison = compare(&series, &options);
    FamilyAnalysis {
        members,
        analyses,
        compared,
        options,
        comparison,
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

/// Every series of the state's data, each read as the single-series path reads the
/// one it keeps (the state's parse options with that series chosen), in order of
/// appearance. Empty without a group column.
pub fn family_series(state: &State, parsed: &Parsed) -> Vec<crate::family::Series> {
    family_members(state, parsed)
        .iter()
        .map(Member::series)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::sweep::{RowsAs, SweepView};

    const RUNS: &str = "examples,error,params\n1000,0.52,1000\n1000,0.47,4000\n1000,0.50,16000\n4000,0.42,1000\n4000,0.35,4000\n4000,0.33,16000\n16000,0.40,1000\n16000,0.30,4000\n16000,0.25,16000\n";

    #[test]
    fn members_read_from_one_split_equal_their_own_parses() {
        let texts = [
            "model,m,err\na,100,0.5\nb,100,0.6\na,1000,0.3\nb,1000,0.35\n\"c,d\",100,0.4\n",
            "model;m;err\na;100;0,5\nb;100;0,6\na;1000;0,3\n# note\nb;1000;x\n",
            "model\tm\terr\nx\t1e3\t40%\ny\t1e3\t45%\nx\t1e4\t30%\n",
        ];
        for text in texts {
            let state = State {
                text: text.into(),
                ..State::default()
            };
            let parsed = parse_state(&state);
            let members = family_members(&state, &parsed);
            assert!(members.len() >= 2, "{text:?}: {members:?}");
            for m in members {
                let mut opts = parse_options(&state);
                opts.group = Some(m.name.clone());
                assert_eq!(m.parsed, parse(&state.text, &opts), "{}", m.name);
            }
        }
    }

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

    use crate::family::{FamilyView, Shared};
    use crate::presets::NMT_REAL_CSV;

    fn nmt() -> State {
        State {
            text: NMT_REAL_CSV.into(),
            bootstrap: 0,
            target: Some(0.35),
            ..State::default()
        }
    }

    #[test]
    fn members_are_the_single_paths_series() {
        let state = nmt();
        let parsed = parse_state(&state);
        let members = family_members(&state, &parsed);
        assert_eq!(
            members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
            parsed.groups.iter().map(String::as_str).collect::<Vec<_>>()
        );
        assert_eq!(members.len(), 5);
        for m in &members {
            let single = parse_state(&State {
                group: Some(m.name.clone()),
                ..state.clone()
            });
            assert_eq!(m.parsed, single, "{}", m.name);
            let s = m.series();
            assert_eq!(s.m, single.sizes());
            assert_eq!(s.y, single.errors());
        }
    }

    #[test]
    fn family_analysis_matches_its_parts() {
        let mut state = nmt();
        let parsed = parse_state(&state);
        let fa = analyze_family(&state, &parsed);
        assert_eq!(fa.analyses.len(), 5);
        assert_eq!(fa.compared, vec![0, 1, 2, 3, 4]);
        assert_eq!(fa.options.target_error, Some(0.35));
        let series: Vec<Series> = fa.members.iter().map(Member::series).collect();
        let direct = compare(&series, &fa.options).unwrap();
        assert_eq!(fa.comparison.as_ref().unwrap(), &direct);
        for (m, a) in fa.members.iter().zip(&fa.analyses) {
            let opts = analysis_options(&state, &m.parsed);
            let single = analyze(&m.parsed.points, &m.parsed.held_out, &opts).unwrap();
            assert_eq!(a.as_ref().unwrap(), &single);
        }
        // Hidden series stay analysed but leave the comparison.
        let hidden = fa.members[1].name.clone();
        state.family = Some(FamilyView {
            hidden: vec![hidden],
            shared: Shared::BetaG,
        });
        let fa = analyze_family(&state, &parsed);
        assert_eq!(fa.compared, vec![0, 2, 3, 4]);
        assert!(fa.members[1].hidden);
        assert_eq!(fa.member_of(1), Some(2));
        assert_eq!(fa.compared_names().len(), 4);
    }
}
