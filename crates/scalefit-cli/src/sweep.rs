//! `scalefit sweep` (SPEC section 6): its arguments, validated into a [`State`] with
//! sweep settings before any work, and its run: the core's
//! [`analyze_sweep_state`] (the page's call), printed as a compact report or JSON.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use scalefit_core::parse::Metric;
use scalefit_core::permalink::{link, State};
use scalefit_core::project::fmt_num;
use scalefit_core::session::{analyze_sweep_state, parse_sweep_state, sweep_options};
use scalefit_core::sweep::{
    accelerator_hours, JointLoss, JointParams, RowsAs, SweepError, SweepReport, SweepView,
    Throughput,
};

use crate::args::{usage, Failure};
use crate::sweep_json;

/// `--loss` of the joint law: the core's [`JointLoss`] ids (a test holds them equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JointLossArg {
    Log,
    Huber,
    Linear,
}

impl JointLossArg {
    fn loss(self) -> JointLoss {
        match self {
            JointLossArg::Log => JointLoss::Log,
            JointLossArg::Huber => JointLoss::Huber,
            JointLossArg::Linear => JointLoss::Linear,
        }
    }
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Data file: one run per row, columns training-set size, error (or loss), model size.
    pub file: PathBuf,
    /// The joint law's objective: squared log residual, Huber of it, or squared residual.
    #[arg(long, value_enum, default_value_t = JointLossArg::Log)]
    pub loss: JointLossArg,
    /// Huber delta of `--loss huber` (default 1e-3).
    #[arg(long, value_name = "D", allow_negative_numbers = true)]
    pub huber_delta: Option<f64>,
    /// FLOPs per parameter per example (or token): C = K N D.
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    pub flops_per_param: Option<f64>,
    /// A compute budget in FLOPs to allocate compute-optimally.
    #[arg(long, value_name = "C", allow_negative_numbers = true)]
    pub compute: Option<f64>,
    /// Target loss (lower is better): the least compute that reaches it.
    #[arg(long, value_name = "E", allow_negative_numbers = true)]
    pub target_error: Option<f64>,
    /// Peak FLOP/s of one accelerator: FLOPs are also given as accelerator-hours.
    #[arg(long, value_name = "F", allow_negative_numbers = true)]
    pub flops_per_second: Option<f64>,
    /// Fraction of the peak achieved, in (0, 1] (default 1).
    #[arg(
        long,
        value_name = "U",
        allow_negative_numbers = true,
        requires = "flops_per_second"
    )]
    pub utilisation: Option<f64>,
    /// Bootstrap resamples of the runs (0 = off).
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: u32,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Print the permalink for this state on the page at BASE_URL.
    #[arg(long, value_name = "BASE_URL")]
    pub link: Option<String>,
}

/// A positive finite number, else a usage error naming the flag.
fn positive(flag: &str, v: Option<f64>) -> Result<Option<f64>, Failure> {
    match v {
        Some(x) if !(x.is_finite() && x > 0.0) => Err(usage(format!(
            "{flag} must be a finite number > 0, got {x}"
        ))),
        v => Ok(v),
    }
}

impl SweepArgs {
    /// The validated state (sweep settings in `state.sweep`) and the file's name.
    pub fn state(&self) -> Result<(State, String), Failure> {
        let huber_delta = positive("--huber-delta", self.huber_delta)?;
        if huber_delta.is_some() && self.loss != JointLossArg::Huber {
            return Err(usage("--huber-delta applies only to --loss huber"));
        }
        let flops_per_param = positive("--flops-per-param", self.flops_per_param)?;
        let budget = positive("--compute", self.compute)?;
        let target = positive("--target-error", self.target_error)?;
        let flops_per_second = positive("--flops-per-second", self.flops_per_second)?;
        if let Some(u) = self.utilisation {
            if !(u > 0.0 && u <= 1.0) {
                return Err(usage(format!(
                    "--utilisation is a fraction in (0, 1], got {u}"
                )));
            }
        }
        let name = self.file.display().to_string();
        let bytes = std::fs::read(&self.file).map_err(|e| usage(format!("{name}: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            usage(format!(
                "{name}: not UTF-8 text (byte {})",
                e.utf8_error().valid_up_to()
            ))
        })?;
        let state = State {
            text,
            metric: Metric::Error,
            target,
            bootstrap: self.bootstrap,
            seed: self.seed,
            sweep: Some(SweepView {
                rows: RowsAs::Sweep,
                loss: self.loss.loss(),
                huber_delta,
                flops_per_param,
                budget,
                flops_per_second,
                utilisation: self.utilisation,
            }),
            ..State::default()
        };
        Ok((state, name))
    }
}

/// Exit code of a sweep error: 1 when the optimiser found nothing, 2 for the input.
fn failure(name: &str, e: &SweepError) -> Failure {
    Failure {
        code: if matches!(e, SweepError::NoConvergence) {
            1
        } else {
            2
        },
        message: format!("{name}: {e}"),
    }
}

/// `scalefit sweep`.
pub fn sweep(args: &SweepArgs) -> Result<String, Failure> {
    let (state, name) = args.state()?;
    let parsed = parse_sweep_state(&state);
    if let Some(first) = parsed.blocking().next() {
        let place = if first.line == 0 {
            name.clone()
        } else {
            format!("{name}:{}", first.line)
        };
        let more = parsed.blocking().count() - 1;
        let tail = if more > 0 {
            format!(" ({more} more problem{})", if more == 1 { "" } else { "s" })
        } else {
            String::new()
        };
        // The parser keeps a run without its model size for `fit`; a sweep cannot.
        let message = first.message.replace(
            "; the row is kept without it",
            "; a sweep needs a model size for every run",
        );
        return Err(usage(format!("{place}: {message}{tail}")));
    }
    for p in parsed.notes() {
        eprintln!("scalefit: note: {name}:{}: {}", p.line, p.message);
    }
    if !parsed.held_out.is_empty() {
        eprintln!(
            "scalefit: note: {name}: {} held-out row(s) are not runs of the sweep",
            parsed.held_out.len()
        );
    }
    let report = analyze_sweep_state(&state, &parsed).map_err(|e| failure(&name, &e))?;
    let throughput = sweep_options(&state, &parsed).throughput;
    let permalink = args.link.as_deref().map(|base| link(base, &state));
    if args.json {
        let out = sweep_json::SweepJson::new(&report, throughput, permalink);
        return serde_json::to_string(&out).map_err(|e| usage(e.to_string()));
    }
    let mut out = text(&report, &name, throughput);
    if let Some(l) = permalink {
        let _ = write!(out, "\npermalink: {l}");
    }
    Ok(out)
}

fn ci(c: Option<(f64, f64)>) -> String {
    c.map(|(lo, hi)| format!("  95% CI [{}, {}]", fmt_num(lo), fmt_num(hi)))
        .unwrap_or_default()
}

fn hours(flops: f64, t: Option<Throughput>) -> String {
    t.and_then(|t| accelerator_hours(flops, &t).ok())
        .map(|h| format!(", {} accelerator-hours", fmt_num(h)))
        .unwrap_or_default()
}

/// The compact plain-text report of a sweep.
pub fn text(r: &SweepReport, name: &str, throughput: Option<Throughput>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{name}: {} runs", r.n_runs);
    if !r.envelope.is_empty() {
        let _ = writeln!(s, "envelope (best model size per training-set size):");
        for p in &r.envelope {
            let how = match (p.interpolated, p.bracketed) {
                (_, false) => "  (not bracketed)",
                (true, true) => "  (interpolated)",
                (false, true) => "",
            };
            let _ = writeln!(
                s,
                "  m = {:<10} s* = {:<10} error {}{how}",
                fmt_num(p.m),
                fmt_num(p.best_model_size),
                fmt_num(p.error)
            );
        }
    }
    if let Some(a) = &r.learning_curve {
        let fit = &a.fit;
        let params: Vec<String> = fit
            .form
            .param_names()
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{n} = {}", fmt_num(fit.params[i])))
            .collect();
        let _ = writeln!(
            s,
            "learning curve on the envelope: {} ({}), {}",
            fit.form.id(),
            fit.form.formula(),
            params.join(", ")
        );
        if let Some(p) = &a.projection {
            let _ = writeln!(s, "  {}", p.sentence);
        }
    }
    if let Some(sf) = &r.size_fit {
        let _ = writeln!(
            s,
            "model size: s = {} * m^{}{}",
            fmt_num(sf.sigma),
            fmt_num(sf.beta_p),
            ci(sf.ci95.map(|c| c.beta_p))
        );
    }
    if let Some(c) = r.envelope_compute {
        let _ = writeln!(
            s,
            "  compute of the envelope's projection: {} FLOPs{}",
            fmt_num(c),
            hours(c, throughput)
        );
    }
    let j = &r.joint;
    let delta = j
        .huber_delta
        .map(|d| format!(", delta {}", fmt_num(d)))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "joint law ({} loss{delta}): L(N, D) = E + A * N^-alpha + B * D^-beta, objective {:.6e}",
        j.loss.id(),
        j.objective
    );
    let p: &JointParams = &j.params;
    let values = p.to_array();
    for (i, n) in JointParams::NAMES.iter().enumerate() {
        let c = j.ci95.map(|c| [c.e, c.a, c.alpha, c.b, c.beta][i]);
        let _ = writeln!(s, "  {n:<5} = {:<12}{}", fmt_num(values[i]), ci(c));
    }
    let co = &r.compute_optimal;
    if co.is_defined() {
        let k = co.flops_per_param.to_string();
        let _ = writeln!(
            s,
            "compute-optimal (C = {k} N D): N_opt = G (C/{k})^a, D_opt = (C/{k})^b / G; a = {}, b = {}, G = {}",
            fmt_num(co.a),
            fmt_num(co.b),
            fmt_num(co.g)
        );
    }
    if let Some(a) = &r.allocation {
        let _ = writeln!(
            s,
            "budget {} FLOPs{}: N = {}, D = {} ({} per parameter), loss {}",
            fmt_num(a.compute),
            hours(a.compute, throughput),
            fmt_num(a.model_size),
            fmt_num(a.data_size),
            fmt_num(a.tokens_per_param),
            fmt_num(a.loss)
        );
    }
    if let Some(t) = &r.target {
        match (t.compute, t.model_size, t.data_size) {
            (Some(c), Some(n), Some(d)) if t.reachable => {
                let _ = writeln!(
                    s,
                    "target loss {}: least compute {} FLOPs{}{}\n  N = {}{}\n  D = {}{}",
                    fmt_num(t.target_error),
                    fmt_num(c),
                    hours(c, throughput),
                    ci(t.ci95.compute),
                    fmt_num(n),
                    ci(t.ci95.model_size),
                    fmt_num(d),
                    ci(t.ci95.data_size)
                );
            }
            _ => {
                let why = t
                    .why
                    .as_ref()
                    .map_or_else(|| "unreachable".to_string(), ToString::to_string);
                let _ = writeln!(s, "target loss {}: {why}", fmt_num(t.target_error));
            }
        }
    }
    for w in &r.warnings {
        let _ = writeln!(s, "warning: {}", w.message);
    }
    s.trim_end().to_string()
}

/// The report's warnings, and why the target is unreachable when it is (so the JSON,
/// whose `target` object has no field for it, carries the reason too).
pub fn warnings(r: &SweepReport) -> Vec<String> {
    let mut w: Vec<String> = r.warnings.iter().map(|w| w.message.clone()).collect();
    if let Some(why) = r.target.as_ref().and_then(|t| t.why.as_ref()) {
        let mut m = why.to_string();
        if let Some(first) = m.get(..1) {
            m = first.to_uppercase() + &m[1..];
        }
        w.push(format!("{m}."));
    }
    w
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn loss_names_are_the_core_ids() {
        for l in JointLossArg::value_variants() {
            let name = l.to_possible_value().unwrap();
            assert_eq!(JointLoss::from_id(name.get_name()), Some(l.loss()));
        }
        assert_eq!(JointLossArg::value_variants().len(), JointLoss::ALL.len());
    }
}
