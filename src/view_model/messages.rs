//! The sentences of `#fit-message`: row problems, fit errors, warnings, a target
//! that cannot mean what the user wants, and the projection's own sentence.

use scalefit_core::analysis::{Analysis, AnalysisError};
use scalefit_core::parse::{Metric, Parsed};
use scalefit_core::permalink::State;
use scalefit_core::project::Reach;
use scalefit_core::rules::percent_anchor;

use super::figures::relative_sentence;
use super::{Level, Message, Relative};
use crate::format::{num, prettify, sentence};
use crate::workspace::Source;

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
    /// The sweep view, when the rows are read as a sweep.
    pub sweep: Option<&'a Result<super::sweep::SweepPage, String>>,
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
            // Notes (exact repeats counted once) lose nothing: told as information,
            // after the problems, and not counted among them.
            let blocking = p.blocking().count();
            let shown = p.blocking().chain(p.notes()).take(MAX_PROBLEMS_IN_STATUS);
            for pr in shown {
                let level = if pr.note { Level::Info } else { Level::Error };
                out.push(Message::new(level, problem_text(pr.line, &pr.message)));
            }
            let more_problems = blocking.saturating_sub(MAX_PROBLEMS_IN_STATUS);
            let more_notes = p
                .problems
                .len()
                .saturating_sub(MAX_PROBLEMS_IN_STATUS)
                .saturating_sub(more_problems);
            if more_problems > 0 {
                let notes = match more_notes {
                    0 => String::new(),
                    1 => " and 1 note".to_string(),
                    n => format!(" and {n} notes"),
                };
                out.push(Message::new(
                    Level::Error,
                    format!(
                        "…and {more_problems} more problems{notes}: see the list under the data."
                    ),
                ));
            } else if more_notes > 0 {
                out.push(Message::new(
                    Level::Info,
                    format!("…and {more_notes} more notes: see the list under the data."),
                ));
            }
            if blocking > 0 && !p.points.is_empty() {
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
    match i.sweep {
        Some(Err(e)) => out.push(Message::new(Level::Error, e.clone())),
        Some(Ok(page)) => {
            if let Some(e) = &page.budget_error {
                out.push(Message::new(Level::Warning, e.clone()));
            }
            for w in &page.report.warnings {
                out.push(Message::new(
                    Level::Warning,
                    sentence(&prettify(&w.message)),
                ));
            }
        }
        None => {}
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
        match (r.target_error, r.data_multiplier) {
            (Some(_), None) => out.push(Message::new(
                Level::Warning,
                relative_sentence(r).unwrap_or_default(),
            )),
            (Some(_), Some(x)) if x <= 1.0 => out.push(Message::new(
                Level::Info,
                relative_sentence(r).unwrap_or_default(),
            )),
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
        (_, Some(r)) => percent_anchor(state.metric, &r.anchor),
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::nmt_analysis;
    use super::super::proj_data;
    use super::*;
    use scalefit_core::session;

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
            sweep: None,
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
            sweep: None,
        });
        assert_eq!(m.len(), 1);
        assert!(m[0].text.starts_with("No data yet"));
    }

    #[test]
    fn exact_repeats_are_notes_not_errors() {
        let mut text = String::from("m,err\n1000,0.5\n2000,0.4\n");
        for _ in 0..8 {
            text.push_str("1000,0.5\n");
        }
        let state = State {
            text,
            ..State::default()
        };
        let parsed = session::parse_state(&state);
        let m = messages(MessageInputs {
            notices: &[],
            state: &state,
            parsed: Some(&parsed),
            fit_error: None,
            analysis: None,
            relative: None,
            sweep: None,
        });
        assert!(m.iter().all(|x| x.level == Level::Info), "{m:?}");
        assert!(
            m[0].text.starts_with("Line 4: duplicate of line 2"),
            "{m:?}"
        );
        assert!(
            m.iter()
                .any(|x| x.text == "…and 2 more notes: see the list under the data."),
            "{m:?}"
        );
        assert!(!m.iter().any(|x| x.text.contains("still fitted")), "{m:?}");
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
            sweep: None,
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
    fn problem_sentences() {
        assert_eq!(problem_text(3, "size is empty"), "Line 3: size is empty.");
        assert_eq!(problem_text(0, "no data rows"), "No data rows.");
    }
}
