//! The command line: clap's parse of the arguments, and their translation into the
//! validated [`State`] the core analyses. Every usage error is found here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use scalefit_core::family::{FamilyView, Shared};
use scalefit_core::model::{Loss, ModelChoice};
use scalefit_core::num::parse_f64;
use scalefit_core::parse::Metric;
use scalefit_core::permalink::{Anchor, State};
use scalefit_core::presets::{preset, NMT_REAL_CSV, NMT_REAL_ID};
use scalefit_core::rules::parse_held;

#[derive(Parser, Debug)]
#[command(
    name = "scalefit",
    version,
    about = "Fit learning curves and scaling laws (Hestness et al. 2017)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Fit a learning curve from a CSV/TSV file (or a preset).
    Fit(Box<FitArgs>),
    /// Fit a sweep (runs of several model sizes): the best model size per
    /// training-set size, the joint law L(N, D), and the compute a target costs.
    Sweep(Box<crate::sweep::SweepArgs>),
    /// List the paper's domains usable with `fit --preset`.
    Presets {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `--model`: the core's [`ModelChoice`] ids (a test holds them equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    Auto,
    Power,
    PowerFloor,
    ThreeRegion,
    SmoothFloor,
    BrokenPower,
    Sigmoid,
}

impl ModelArg {
    fn choice(self) -> ModelChoice {
        use scalefit_core::model::Form;
        match self {
            ModelArg::Auto => ModelChoice::Auto,
            ModelArg::Power => ModelChoice::Form(Form::Power),
            ModelArg::PowerFloor => ModelChoice::Form(Form::PowerFloor),
            ModelArg::ThreeRegion => ModelChoice::Form(Form::ThreeRegion),
            ModelArg::SmoothFloor => ModelChoice::Form(Form::SmoothFloor),
            ModelArg::BrokenPower => ModelChoice::Form(Form::BrokenPower),
            ModelArg::Sigmoid => ModelChoice::Form(Form::Sigmoid),
        }
    }
}

/// `--loss`: the core's [`Loss`] ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LossArg {
    Log,
    Linear,
}

impl LossArg {
    fn loss(self) -> Loss {
        match self {
            LossArg::Log => Loss::Log,
            LossArg::Linear => Loss::Linear,
        }
    }
}

/// `--shared`: the core's [`Shared`] ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SharedArg {
    /// The exponent only (the paper's claim).
    #[value(name = "beta_g")]
    BetaG,
    /// The exponent and the floor.
    #[value(name = "beta_g,gamma")]
    BetaGGamma,
}

impl SharedArg {
    fn shared(self) -> Shared {
        match self {
            SharedArg::BetaG => Shared::BetaG,
            SharedArg::BetaGGamma => Shared::BetaGGamma,
        }
    }
}

/// `--series all`: every series of the group column, compared.
pub const ALL_SERIES: &str = "all";

#[derive(Args, Debug)]
pub struct FitArgs {
    /// Data file: columns training-set size, error (or accuracy), optional model size.
    pub file: Option<PathBuf>,
    /// The model form, or the best by AICc.
    #[arg(long, value_enum, default_value_t = ModelArg::Auto)]
    pub model: ModelArg,
    /// The residual the fit squares.
    #[arg(long, value_enum, default_value_t = LossArg::Log)]
    pub loss: LossArg,
    /// The second column is an accuracy (higher is better), not an error.
    #[arg(long)]
    pub accuracy: bool,
    /// Target error (lower is better).
    #[arg(long, conflicts_with = "target_accuracy")]
    pub target_error: Option<f64>,
    /// Target accuracy (higher is better); implies --accuracy units for the target.
    #[arg(long)]
    pub target_accuracy: Option<f64>,
    /// Bootstrap resamples (0 = off).
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: u32,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Hold parameters: NAME=VALUE[, NAME=VALUE...] (repeatable; the page's grammar).
    #[arg(long = "fix", value_name = "NAME=VALUE")]
    pub fix: Vec<String>,
    /// Series to fit when the file holds several (a group column such as "Model"), or
    /// `all`: every series, and the test of one shared exponent.
    #[arg(long)]
    pub series: Option<String>,
    /// With `--series all`: what the restricted fit shares across series.
    #[arg(long, value_enum)]
    pub shared: Option<SharedArg>,
    /// Use a preset: a paper domain (relative projection) or nmt-real (real data).
    #[arg(long)]
    pub preset: Option<String>,
    /// Anchor of a preset's relative projection: M,ERROR or M,ERROR,MODEL_SIZE.
    #[arg(long, value_name = "M,ERROR[,SIZE]")]
    pub anchor: Option<String>,
    /// Keep going past bad rows (reported on stderr) instead of stopping.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Print the permalink for this state on the page at BASE_URL.
    #[arg(long, value_name = "BASE_URL")]
    pub link: Option<String>,
    /// Predict the error at training-set sizes M[,M...] (repeatable), with the
    /// bootstrap's 95% interval.
    #[arg(long, value_name = "M[,M...]")]
    pub predict: Vec<String>,
}

/// An error with its exit code: 1 = no fit converged, 2 = usage or input.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

pub fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

impl FitArgs {
    /// The sizes of every `--predict`, in order: finite numbers > 0.
    pub fn predict_sizes(&self) -> Result<Vec<f64>, Failure> {
        let mut sizes = Vec::new();
        for list in &self.predict {
            for item in list.split(',') {
                let m = parse_f64(item.trim())
                    .filter(|m| m.is_finite() && *m > 0.0)
                    .ok_or_else(|| {
                        usage(format!(
                            "--predict {list}: {:?} is not a size (a finite number > 0)",
                            item.trim()
                        ))
                    })?;
                sizes.push(m);
            }
        }
        Ok(sizes)
    }

    /// The validated state, with the name reports give its data (the file, or the
    /// preset).
    pub fn state(&self) -> Result<(State, String), Failure> {
        let mut fixed = Vec::new();
        for f in &self.fix {
            fixed.extend(parse_held(f).map_err(|e| usage(format!("--fix {f}: {e}")))?);
        }
        for (flag, v) in [
            ("--target-error", self.target_error),
            ("--target-accuracy", self.target_accuracy),
        ] {
            if v.is_some_and(|v| !v.is_finite() || v < 0.0) {
                return Err(usage(format!("{flag} must be a finite number >= 0")));
            }
        }
        let accuracy = self.accuracy || self.target_accuracy.is_some();
        if self.accuracy && self.target_error.is_some() {
            return Err(usage(
                "--target-error with --accuracy: give the target as --target-accuracy",
            ));
        }
        let (text, name) = self.data()?;
        if let Some(id) = self.preset.as_deref() {
            if id != NMT_REAL_ID && preset(id).is_none() {
                return Err(usage(format!(
                    "--preset {id}: unknown; `scalefit presets` lists them"
                )));
            }
        }
        let anchor = self.anchor.as_deref().map(anchor).transpose()?;
        let family = self.family().then(|| FamilyView {
            hidden: Vec::new(),
            shared: self.shared.map(SharedArg::shared).unwrap_or_default(),
        });
        if self.shared.is_some() && family.is_none() {
            return Err(usage("--shared compares series: use it with --series all"));
        }
        let state = State {
            text,
            columns: None,
            group: self.series.clone().filter(|_| family.is_none()),
            metric: if accuracy {
                Metric::Accuracy
            } else {
                Metric::Error
            },
            model: self.model.choice(),
            loss: self.loss.loss(),
            target: self.target_error.or(self.target_accuracy),
            bootstrap: self.bootstrap,
            seed: self.seed,
            preset: self.preset.clone(),
            fixed,
            anchor,
            family,
            ..State::default()
        };
        Ok((state, name))
    }

    /// `--series all`: the family view.
    pub fn family(&self) -> bool {
        self.series.as_deref() == Some(ALL_SERIES)
    }

    /// The data's text and name: the file's, the real curves', or none (a paper preset).
    fn data(&self) -> Result<(String, String), Failure> {
        Ok(match (&self.file, self.preset.as_deref()) {
            (Some(path), _) => {
                let bytes =
                    std::fs::read(path).map_err(|e| usage(format!("{}: {e}", path.display())))?;
                let text = String::from_utf8(bytes).map_err(|e| {
                    usage(format!(
                        "{}: not UTF-8 text (byte {})",
                        path.display(),
                        e.utf8_error().valid_up_to()
                    ))
                })?;
                (text, path.display().to_string())
            }
            (None, Some(id)) if id == NMT_REAL_ID => {
                (NMT_REAL_CSV.to_string(), NMT_REAL_ID.to_string())
            }
            (None, Some(_)) => (String::new(), String::new()),
            (None, None) => {
                return Err(usage(
                    "fit needs a FILE or --preset ID (see `scalefit presets`)",
                ))
            }
        })
    }
}

/// `--anchor M,ERROR[,MODEL_SIZE]`.
fn anchor(a: &str) -> Result<Anchor, Failure> {
    let bad = || usage(format!("--anchor {a}: write M,ERROR or M,ERROR,MODEL_SIZE"));
    let v: Vec<f64> = a
        .split(',')
        .map(|s| s.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match v[..] {
        [m, error] => Ok(Anchor {
            m,
            error,
            model_size: None,
        }),
        [m, error, s] => Ok(Anchor {
            m,
            error,
            model_size: Some(s),
        }),
        _ => Err(bad()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn value_names_are_the_core_ids() {
        for m in ModelArg::value_variants() {
            let name = m.to_possible_value().unwrap();
            assert_eq!(ModelChoice::from_id(name.get_name()), Some(m.choice()));
        }
        for l in LossArg::value_variants() {
            let name = l.to_possible_value().unwrap();
            assert_eq!(Loss::from_id(name.get_name()), Some(l.loss()));
        }
        for s in SharedArg::value_variants() {
            let name = s.to_possible_value().unwrap();
            assert_eq!(Shared::from_id(name.get_name()), Some(s.shared()));
        }
        assert_eq!(SharedArg::value_variants().len(), Shared::ALL.len());
    }

    #[test]
    fn anchors() {
        assert_eq!(anchor("1e6, 0.3").unwrap().model_size, None);
        assert_eq!(anchor("1e6,0.3,2e7").unwrap().model_size, Some(2e7));
        for bad in ["1e6", "1e6,x", "1,2,3,4"] {
            assert_eq!(anchor(bad).unwrap_err().code, 2, "{bad}");
        }
    }
}
