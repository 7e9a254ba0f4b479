//! `scalefit`: fits learning curves from CSV files and prints a report or JSON.
//! A thin shell: arguments become a validated [`State`], the core does the rest.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use scalefit_core::analysis::{analyze, Analysis, AnalysisError};
use scalefit_core::fit::FitError;
use scalefit_core::model::{Loss, ModelChoice};
use scalefit_core::parse::Metric;
use scalefit_core::permalink::{link, Anchor, State};
use scalefit_core::presets::{preset, Preset, NMT_REAL_CSV, NMT_REAL_ID, PRESETS};
use scalefit_core::project::fmt_num;
use scalefit_core::session::{analysis_options, parse_state, relative_projection};
use serde_json::{json, Map, Value};

mod report;

#[derive(Parser, Debug)]
#[command(
    name = "scalefit",
    version,
    about = "Fit learning curves and scaling laws (Hestness et al. 2017)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Fit a learning curve from a CSV/TSV file (or a preset).
    Fit(Box<FitArgs>),
    /// List the paper's domains usable with `fit --preset`.
    Presets {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
struct FitArgs {
    /// Data file: columns training-set size, error (or accuracy), optional model size.
    file: Option<PathBuf>,
    /// auto | power | power-floor | three-region
    #[arg(long, default_value = "auto")]
    model: String,
    /// log | linear
    #[arg(long, default_value = "log")]
    loss: String,
    /// The second column is an accuracy (higher is better), not an error.
    #[arg(long)]
    accuracy: bool,
    /// Target error (lower is better).
    #[arg(long, conflicts_with = "target_accuracy")]
    target_error: Option<f64>,
    /// Target accuracy (higher is better); implies --accuracy units for the target.
    #[arg(long)]
    target_accuracy: Option<f64>,
    /// Bootstrap resamples (0 = off).
    #[arg(long, default_value_t = 1000)]
    bootstrap: u32,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Hold a parameter: NAME=VALUE (repeatable).
    #[arg(long = "fix", value_name = "NAME=VALUE")]
    fix: Vec<String>,
    /// Series to fit when the file holds several (a group column such as "Model").
    #[arg(long)]
    series: Option<String>,
    /// Use a preset: a paper domain (relative projection) or nmt-real (real data).
    #[arg(long)]
    preset: Option<String>,
    /// Anchor of a preset's relative projection: M,ERROR[,MODEL_SIZE].
    #[arg(long, value_name = "M,ERROR[,SIZE]")]
    anchor: Option<String>,
    /// Keep going past bad rows (reported on stderr) instead of stopping.
    #[arg(long)]
    skip_bad_rows: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Print the permalink for this state on the page at BASE_URL.
    #[arg(long, value_name = "BASE_URL")]
    link: Option<String>,
}

/// An error with its exit code: 1 = no fit converged, 2 = usage or input.
#[derive(Debug)]
struct Failure {
    code: u8,
    message: String,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(out) => {
            use std::io::Write;
            // `println!` panics when stdout is gone (`scalefit ... | head -1`); a reader
            // that stopped reading is not an error of ours.
            match writeln!(std::io::stdout().lock(), "{out}") {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("scalefit: cannot write the output: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(f) => {
            eprintln!("scalefit: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn run(cli: Cli) -> Result<String, Failure> {
    match cli.command {
        Command::Presets { json } => Ok(presets(json)),
        Command::Fit(args) => fit(*args),
    }
}

fn presets(as_json: bool) -> String {
    if as_json {
        let mut list: Vec<Value> = PRESETS
            .iter()
            .map(|p| serde_json::to_value(p).unwrap_or(Value::Null))
            .collect();
        list.push(json!({"id": NMT_REAL_ID, "domain": "Real NMT learning curves (five models)", "attribution": scalefit_core::presets::NMT_REAL_ATTRIBUTION}));
        return Value::Array(list).to_string();
    }
    let mut s = String::new();
    for p in &PRESETS {
        let bp = p.beta_p.map_or("n/a".to_string(), |b| b.to_string());
        let _ = writeln!(
            s,
            "{:<17} beta_g {:>7}  beta_p {:>5}  {} — {} ({})",
            p.id, p.beta_g, bp, p.domain, p.metric, p.source
        );
    }
    let _ = write!(s, "{NMT_REAL_ID:<17} real data: 53 NMT learning-curve points of five models, held-out largest size");
    s
}

/// Validated state from the arguments and the file.
fn state_of(args: &FitArgs) -> Result<(State, String), Failure> {
    let model = ModelChoice::from_id(&args.model).ok_or_else(|| {
        usage(format!(
            "--model {}: use auto, power, power-floor or three-region",
            args.model
        ))
    })?;
    let loss = Loss::from_id(&args.loss)
        .ok_or_else(|| usage(format!("--loss {}: use log or linear", args.loss)))?;
    let mut fixed = Vec::new();
    for f in &args.fix {
        let (name, value) = f
            .split_once('=')
            .ok_or_else(|| usage(format!("--fix {f}: write NAME=VALUE, e.g. gamma=0")))?;
        let v: f64 = value
            .trim()
            .parse()
            .map_err(|_| usage(format!("--fix {f}: {value} is not a number")))?;
        fixed.push((name.trim().to_string(), v));
    }
    for (flag, v) in [
        ("--target-error", args.target_error),
        ("--target-accuracy", args.target_accuracy),
    ] {
        if v.is_some_and(|v| !v.is_finite() || v < 0.0) {
            return Err(usage(format!("{flag} must be a finite number >= 0")));
        }
    }
    let accuracy = args.accuracy || args.target_accuracy.is_some();
    if args.accuracy && args.target_error.is_some() {
        return Err(usage(
            "--target-error with --accuracy: give the target as --target-accuracy",
        ));
    }
    let (text, name) = match (&args.file, args.preset.as_deref()) {
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
    };
    if let Some(id) = args.preset.as_deref() {
        if id != NMT_REAL_ID && preset(id).is_none() {
            return Err(usage(format!(
                "--preset {id}: unknown; `scalefit presets` lists them"
            )));
        }
    }
    let anchor = match &args.anchor {
        None => None,
        Some(a) => {
            let v: Vec<f64> = a
                .split(',')
                .map(|s| s.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| usage(format!("--anchor {a}: write M,ERROR or M,ERROR,MODEL_SIZE")))?;
            match v[..] {
                [m, error] => Some(Anchor {
                    m,
                    error,
                    model_size: None,
                }),
                [m, error, s] => Some(Anchor {
                    m,
                    error,
                    model_size: Some(s),
                }),
                _ => {
                    return Err(usage(format!(
                        "--anchor {a}: write M,ERROR or M,ERROR,MODEL_SIZE"
                    )))
                }
            }
        }
    };
    let state = State {
        text,
        columns: None,
        group: args.series.clone(),
        metric: if accuracy {
            Metric::Accuracy
        } else {
            Metric::Error
        },
        model,
        loss,
        target: args.target_error.or(args.target_accuracy),
        bootstrap: args.bootstrap,
        seed: args.seed,
        preset: args.preset.clone(),
        fixed,
        anchor,
        ..State::default()
    };
    Ok((state, name))
}

fn fit(args: FitArgs) -> Result<String, Failure> {
    let (state, name) = state_of(&args)?;
    let permalink = args.link.as_deref().map(|base| link(base, &state));
    if let Some(p) = state.preset.as_deref().and_then(preset) {
        if args.file.is_none() {
            return Ok(relative(p, &state, args.json, permalink));
        }
    }
    let parsed = parse_state(&state);
    // Notes (an exact repeat counted once) lose nothing: said on stderr, never a
    // reason to stop.
    let mut blocking = parsed.blocking();
    if let Some(first) = blocking.next() {
        let place = if first.line == 0 {
            name.clone()
        } else {
            format!("{name}:{}", first.line)
        };
        let more = blocking.count();
        let tail = if more > 0 {
            format!(" ({more} more problem{})", if more == 1 { "" } else { "s" })
        } else {
            String::new()
        };
        if !args.skip_bad_rows || parsed.points.is_empty() {
            return Err(usage(format!("{place}: {}{tail}", first.message)));
        }
    }
    for p in &parsed.problems {
        let kind = if p.note { "note" } else { "warning" };
        eprintln!("scalefit: {kind}: {name}:{}: {}", p.line, p.message);
    }
    let opts = analysis_options(&state, &parsed);
    let analysis = analyze(&parsed.points, &parsed.held_out, &opts).map_err(|e| {
        // Exit 1 only when the optimiser itself failed; too few points or a bad
        // `--fix` are input errors (2).
        let AnalysisError::NoFit(errors) = &e;
        let converge = errors
            .iter()
            .any(|(_, e)| matches!(e, FitError::NoConvergence { .. }));
        Failure {
            code: if converge { 1 } else { 2 },
            message: format!("{name}: {e}"),
        }
    })?;
    let mut out = if args.json {
        to_json(&analysis, parsed.points.len()).to_string()
    } else {
        report::text(&analysis, &parsed, &name)
    };
    if let Some(l) = permalink {
        if args.json {
            // JSON stays one object: the link goes in as a field.
            let mut v = to_json(&analysis, parsed.points.len());
            if let Some(o) = v.as_object_mut() {
                o.insert("permalink".into(), Value::String(l));
            }
            out = v.to_string();
        } else {
            out.push_str(&format!("\npermalink: {l}"));
        }
    }
    Ok(out)
}

fn pair(p: Option<(f64, f64)>) -> Value {
    p.map_or(Value::Null, |(a, b)| json!([finite(a), finite(b)]))
}

fn finite(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

/// The JSON object of SPEC section 4 (plus comparison, backtest and regions).
fn to_json(a: &Analysis, n_points: usize) -> Value {
    let fit = &a.fit;
    let mut params = Map::new();
    let mut ci = Map::new();
    for (i, name) in fit.form.param_names().iter().enumerate() {
        params.insert((*name).into(), finite(fit.params[i]));
        if let Some(c) = a.ci95(i) {
            ci.insert((*name).into(), pair(Some(c)));
        }
    }
    if let Some(sf) = &a.size_fit {
        params.insert("sigma".into(), finite(sf.sigma));
        params.insert("beta_p".into(), finite(sf.beta_p));
        if let Some([s, b]) = sf.ci95 {
            ci.insert("sigma".into(), pair(Some(s)));
            ci.insert("beta_p".into(), pair(Some(b)));
        }
    }
    let projection = a.projection.as_ref().map_or(Value::Null, |p| {
        json!({
            "target_error": finite(p.target_error),
            "reachable": p.reachable,
            "reach": p.reach,
            "data_size": p.data_size.map_or(Value::Null, finite),
            "data_size_ci95": pair(p.data_size_ci95),
            "data_multiplier": p.data_multiplier.map_or(Value::Null, finite),
            "model_size": p.model_size.map_or(Value::Null, finite),
            "model_size_ci95": pair(p.model_size_ci95),
            "model_multiplier": p.model_multiplier.map_or(Value::Null, finite),
            "sentence": p.sentence,
        })
    });
    json!({
        "model": fit.form.id(),
        "loss": fit.loss.id(),
        "n_points": n_points,
        "params": params,
        "ci95": ci,
        "ssr": finite(fit.ssr),
        "aicc": finite(fit.aicc),
        "warnings": a.warnings.iter().map(|w| w.message.clone()).collect::<Vec<_>>(),
        "projection": projection,
        "comparison": a.comparison.iter().map(|c| json!({"model": c.form.id(), "ssr": c.ssr, "aicc": c.aicc, "delta_aicc": c.delta_aicc, "k": c.k, "error": c.error})).collect::<Vec<_>>(),
        "backtest": a.backtest.as_ref().map(|b| json!({"model": b.form.id(), "n_train": b.n_train, "flagged": b.flagged, "mean_abs_relative_error": finite(b.mean_abs_relative_error), "held_out": b.held_out.iter().map(|h| json!({"m": h.m, "observed": h.observed, "predicted": finite(h.predicted)})).collect::<Vec<_>>()})),
        "regions": a.regions.as_ref().map(|r| json!({"power_law_start": finite(r.power_law_start), "power_law_end": finite(r.power_law_end)})),
        "bootstrap": a.bootstrap.as_ref().map(|b| json!({"requested": b.requested, "failed": b.failed})),
    })
}

/// A paper preset without data: the relative projection anchored at the user's point.
fn relative(p: &Preset, state: &State, as_json: bool, permalink: Option<String>) -> String {
    let anchor = state.anchor.clone().unwrap_or(Anchor {
        m: p.anchor.0,
        error: p.anchor.1,
        model_size: None,
    });
    let r = relative_projection(state, p, &anchor);
    let (anchor_error, target_error, x, model_x) = (
        r.anchor_error,
        r.target_error,
        r.data_multiplier,
        r.model_multiplier,
    );
    if as_json {
        let mut params = Map::new();
        params.insert("beta_g".into(), json!(p.beta_g));
        if let Some(b) = p.beta_p {
            params.insert("beta_p".into(), json!(b));
        }
        let mut v = json!({
            "model": "preset",
            "preset": p.id,
            "source": p.citation(),
            "params": params,
            "anchor": {"m": anchor.m, "error": anchor_error, "model_size": anchor.model_size},
            "projection": target_error.map(|t| json!({
                "target_error": t,
                "reachable": x.is_some(),
                "data_multiplier": x,
                "data_size": x.map(|x| x * anchor.m),
                "model_multiplier": model_x,
                "model_size": model_x.zip(anchor.model_size).map(|(k, s)| k * s),
            })),
        });
        if let (Some(l), Some(o)) = (permalink, v.as_object_mut()) {
            o.insert("permalink".into(), Value::String(l));
        }
        return v.to_string();
    }
    let mut s = format!(
        "{} — {} ({})\nbeta_g = {}",
        p.id,
        p.domain,
        p.citation(),
        p.beta_g
    );
    if let Some(b) = p.beta_p {
        let _ = write!(s, ", beta_p = {b}");
    }
    let _ = write!(
        s,
        "\nanchored at m = {}, error = {}",
        fmt_num(anchor.m),
        fmt_num(anchor_error)
    );
    match (target_error, x) {
        (Some(t), Some(x)) => {
            let model = model_x
                .map(|k| format!(", and a {}x larger model", fmt_num(k)))
                .unwrap_or_default();
            let _ = write!(
                s,
                "\nTo reach an error of {} you need about {}x more data ({} {}){model}.",
                fmt_num(t),
                fmt_num(x),
                fmt_num(x * anchor.m),
                p.unit
            );
        }
        (Some(t), None) => {
            let _ = write!(
                s,
                "\nAn error of {} cannot be projected from this anchor.",
                fmt_num(t)
            );
        }
        _ => {}
    }
    if let Some(l) = permalink {
        let _ = write!(s, "\npermalink: {l}");
    }
    s
}
