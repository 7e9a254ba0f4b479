//! `scalefit`: fits learning curves and sweeps from CSV files and prints a report or JSON.
//! A thin shell: arguments become a validated [`State`], the core does the rest.

use std::fmt::Write as _;
use std::process::ExitCode;

use args::{usage, Cli, Command, Failure, FitArgs};
use clap::Parser;
use scalefit_core::analysis::{analyze, AnalysisError};
use scalefit_core::fit::FitError;
use scalefit_core::parse::{Metric, Problem};
use scalefit_core::permalink::{link, State};
use scalefit_core::presets::{preset, Preset, NMT_REAL_ID, PRESETS};
use scalefit_core::project::fmt_num;
use scalefit_core::rules::{anchor_of, relative_sentence, PLAIN};
use scalefit_core::session::{analysis_options, analyze_family, parse_state, relative_projection};
use serde_json::{json, Value};

mod args;
mod json;
mod report;
mod sweep;
mod sweep_json;

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
        Command::Sweep(args) => sweep::sweep(&args),
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

fn fit(args: FitArgs) -> Result<String, Failure> {
    let (state, name) = args.state()?;
    let predict = args.predict_sizes()?;
    let permalink = args.link.as_deref().map(|base| link(base, &state));
    if let Some(p) = state.preset.as_deref().and_then(preset) {
        if args.file.is_none() {
            return relative(p, &state, args.json, permalink);
        }
    }
    let parsed = parse_state(&state);
    if state.family.is_some() {
        return family(&args, &state, &parsed, &name, permalink);
    }
    check_problems(
        &parsed.problems,
        &name,
        args.skip_bad_rows,
        parsed.points.is_empty(),
    )?;
    let opts = analysis_options(&state, &parsed);
    let analysis = analyze(&parsed.points, &parsed.held_out, &opts).map_err(|e| {
        let code = exit_code(&e);
        Failure {
            code,
            message: format!("{name}: {e}"),
        }
    })?;
    if args.json {
        // JSON stays one object: the link goes in as a field.
        let report = json::Report::new(&analysis, parsed.points.len(), permalink)
            .with_predictions(&analysis, &predict);
        return serde_json::to_string(&report).map_err(|e| usage(e.to_string()));
    }
    let mut out = report::text(&analysis, &parsed, &name);
    for p in analysis.predict(&predict) {
        let ci = p.ci95.map_or(String::new(), |(lo, hi)| {
            format!(" (95% CI {} – {})", fmt_num(lo), fmt_num(hi))
        });
        let _ = write!(
            out,
            "\npredicted error at m = {}: {}{ci}",
            fmt_num(p.m),
            fmt_num(p.error)
        );
    }
    if let Some(l) = permalink {
        out.push_str(&format!("\npermalink: {l}"));
    }
    Ok(out)
}

/// Exit 1 only when the optimiser itself failed; too few points or a bad `--fix` are
/// input errors (2).
fn exit_code(e: &AnalysisError) -> u8 {
    let AnalysisError::NoFit(errors) = e;
    if errors
        .iter()
        .any(|(_, e)| matches!(e, FitError::NoConvergence { .. }))
    {
        1
    } else {
        2
    }
}

/// Stops on the first blocking problem (unless `skip` and there are points), then
/// says every problem on stderr. Notes (an exact repeat counted once) lose nothing:
/// said on stderr, never a reason to stop.
fn check_problems(
    problems: &[Problem],
    name: &str,
    skip: bool,
    no_points: bool,
) -> Result<(), Failure> {
    let mut blocking = problems.iter().filter(|p| p.blocks());
    if let Some(first) = blocking.next() {
        let place = if first.line == 0 {
            name.to_string()
        } else {
            format!("{name}:{}", first.line)
        };
        let more = blocking.count();
        let tail = if more > 0 {
            format!(" ({more} more problem{})", if more == 1 { "" } else { "s" })
        } else {
            String::new()
        };
        if !skip || no_points {
            return Err(usage(format!("{place}: {}{tail}", first.message)));
        }
    }
    for p in problems {
        let kind = if p.note { "note" } else { "warning" };
        eprintln!("scalefit: {kind}: {name}:{}: {}", p.line, p.message);
    }
    Ok(())
}

/// `--series all`: every series analysed as `--series NAME` would be, and the
/// comparison with the exponent shared. A family that cannot be compared (one usable
/// series, a floor to share in a form without one) still prints each series, with
/// the reason in place of the comparison, and exits 0: the per-series fits are
/// results. With no series fitted at all it fails as a single fit does.
fn family(
    args: &FitArgs,
    state: &State,
    parsed: &scalefit_core::parse::Parsed,
    name: &str,
    permalink: Option<String>,
) -> Result<String, Failure> {
    if parsed.groups.is_empty() {
        check_problems(
            &parsed.problems,
            name,
            args.skip_bad_rows,
            parsed.points.is_empty(),
        )?;
        return Err(usage(format!(
            "{name}: --series all needs a group column (a header such as model, series, arch, run, name or group)"
        )));
    }
    let fa = analyze_family(state, parsed);
    // Every series' problems once, in line order (whole-input ones repeat per series).
    let mut problems: Vec<Problem> = Vec::new();
    for m in &fa.members {
        for p in &m.parsed.problems {
            if !problems.contains(p) {
                problems.push(p.clone());
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    let no_points = fa.members.iter().all(|m| m.parsed.points.is_empty());
    check_problems(&problems, name, args.skip_bad_rows, no_points)?;
    for (m, a) in fa.members.iter().zip(&fa.analyses) {
        if let Err(e) = a {
            eprintln!("scalefit: {name}: series \"{}\": {e}", m.name);
        }
    }
    if fa.analyses.iter().all(Result::is_err) {
        let code = fa
            .analyses
            .iter()
            .filter_map(|a| a.as_ref().err())
            .map(exit_code)
            .min()
            .unwrap_or(2);
        return Err(Failure {
            code,
            message: format!("{name}: no series could be fitted"),
        });
    }
    match &fa.comparison {
        Ok(c) => {
            for (s, why) in &c.excluded {
                eprintln!("scalefit: {name}: series \"{s}\" left out of the comparison: {why}");
            }
        }
        Err(e) => eprintln!("scalefit: {name}: no comparison: {e}"),
    }
    let label = target_label(state);
    if args.json {
        let report = json::FamilyReport::new(&fa, label.as_deref(), permalink);
        return serde_json::to_string(&report).map_err(|e| usage(e.to_string()));
    }
    let mut out = report::family_text(&fa, name, label.as_deref());
    if let Some(l) = permalink {
        out.push_str(&format!("\npermalink: {l}"));
    }
    Ok(out)
}

/// The target as the sentence names it: "a target error of 0.35".
fn target_label(state: &State) -> Option<String> {
    let t = state.target.filter(|t| t.is_finite())?;
    let metric = match state.metric {
        Metric::Error => "error",
        Metric::Accuracy => "accuracy",
    };
    Some(format!("a target {metric} of {}", fmt_num(t)))
}

/// A paper preset without data: the relative projection anchored at the user's point.
fn relative(
    p: &'static Preset,
    state: &State,
    as_json: bool,
    permalink: Option<String>,
) -> Result<String, Failure> {
    let r = relative_projection(state, p, &anchor_of(state, p));
    if as_json {
        let report = json::RelativeReport::new(&r, permalink);
        return serde_json::to_string(&report).map_err(|e| usage(e.to_string()));
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
        fmt_num(r.anchor.m),
        fmt_num(r.anchor_error)
    );
    if let Some(sentence) = relative_sentence(&PLAIN, &r) {
        let _ = write!(s, "\n{sentence}");
    }
    if let Some(l) = permalink {
        let _ = write!(s, "\npermalink: {l}");
    }
    Ok(s)
}
