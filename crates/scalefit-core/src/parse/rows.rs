//! Reading the data rows once the columns are known: the series kept, each row's
//! numbers or its problem, percent detection, accuracy to error, exact repeats as
//! notes, held-out rows apart.

use super::columns::normalize;
use super::{
    note, parse_number, problem, Columns, Metric, ParseOptions, Parsed, Point, Scale, MAX_ROWS,
};

/// One cell as compared for exact repeats: a number by its value (so `1e3` repeats
/// `1000`, and `-0` repeats `0`), anything else by its trimmed text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Cell {
    Number(u64),
    Text(String),
}

/// The cells of a row for the repeat check: every column, trailing empty cells
/// dropped (`1000,0.5,` repeats `1000,0.5`).
fn row_key(fields: &[String]) -> Vec<Cell> {
    let used = fields
        .iter()
        .rposition(|f| !f.trim().is_empty())
        .map_or(0, |i| i + 1);
    fields
        .iter()
        .take(used)
        .map(|f| match parse_number(f) {
            // `+ 0.0` folds -0 into 0; NaN never reaches here as a size or error.
            Some((v, _)) if !v.is_nan() => Cell::Number((v + 0.0).to_bits()),
            _ => Cell::Text(f.trim().to_string()),
        })
        .collect()
}

/// Whether a held-out flag marks the row as held out.
fn is_held_out(header_name: &str, value: &str) -> Option<bool> {
    let v = value.trim().to_ascii_lowercase();
    let truthy = match v.as_str() {
        "1" | "true" | "yes" | "y" | "train" | "training" | "fit" => Some(true),
        "0" | "false" | "no" | "n" | "test" | "heldout" | "held-out" | "held_out" | "holdout"
        | "val" | "validation" => Some(false),
        _ => None,
    }?;
    let name = normalize(header_name);
    Some(match name.as_str() {
        "heldout" | "holdout" => truthy,
        "split" => matches!(
            v.as_str(),
            "test"
                | "heldout"
                | "held-out"
                | "held_out"
                | "holdout"
                | "val"
                | "validation"
                | "0"
                | "false"
        ),
        _ => !truthy,
    })
}

/// Reads the rows of `records` from `data_start` on with `columns` into `out`: the
/// series kept, every row's numbers or its problem, the scale, accuracy to error,
/// repeats as notes, held-out rows apart. The steps of [`super::parse`] after the
/// header and the columns are known.
pub(super) fn read_rows(
    out: &mut Parsed,
    records: &[(usize, Vec<String>)],
    data_start: usize,
    columns: &Columns,
    delimiter: u8,
    options: &ParseOptions,
) {
    let name_of = |i: usize| -> String {
        out.header
            .as_ref()
            .and_then(|h| h.get(i))
            .cloned()
            .unwrap_or_else(|| format!("column {}", i + 1))
    };
    let held_name = columns.held_out.map(name_of).unwrap_or_default();
    let (size_name, error_name, model_name) = (
        name_of(columns.size),
        name_of(columns.error),
        columns.model_size.map(name_of).unwrap_or_default(),
    );

    // Series: keep the chosen one (or the first).
    if let Some(gc) = columns.group {
        // A set beside the ordered list: a linear `contains` per row made 100,000
        // distinct series names take seconds (quadratic).
        let mut known: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for (_, f) in records.iter().skip(data_start) {
            if let Some(g) = f.get(gc) {
                if known.insert(g.as_str()) {
                    out.groups.push(g.clone());
                }
            }
        }
        out.group = match &options.group {
            Some(g) if out.groups.contains(g) => Some(g.clone()),
            Some(g) => {
                out.problems.push(problem(
                    0,
                    format!(
                        "series \"{g}\" is not in the data; showing \"{}\"",
                        out.groups.first().cloned().unwrap_or_default()
                    ),
                ));
                out.groups.first().cloned()
            }
            None => out.groups.first().cloned(),
        };
    }

    // First pass: numbers; percent detection needs all values before conversion.
    struct Raw {
        line: usize,
        m: f64,
        v: f64,
        pct: bool,
        model_size: Option<f64>,
        held_out: bool,
        key: Vec<Cell>,
    }
    let mut raws: Vec<Raw> = Vec::new();
    let mut rows_read = 0usize;
    for (line, fields) in records.iter().skip(data_start) {
        let line = *line;
        if let (Some(gc), Some(g)) = (columns.group, &out.group) {
            if fields.get(gc) != Some(g) {
                continue;
            }
        }
        rows_read += 1;
        if rows_read > MAX_ROWS {
            out.problems.push(problem(
                line,
                format!("more than {MAX_ROWS} rows; the rest are ignored"),
            ));
            break;
        }
        let need = columns.size.max(columns.error) + 1;
        if fields.len() < need {
            let hint = if out.header.is_none() && fields.len() == 1 {
                " (one value: separate size and error with a comma, tab or space)"
            } else {
                ""
            };
            out.problems.push(problem(
                line,
                format!(
                    "expected at least {need} columns, found {}{hint}",
                    fields.len()
                ),
            ));
            continue;
        }
        if let Some(h) = &out.header {
            if delimiter == b',' && fields.len() > h.len() && h.len() >= 2 {
                out.problems.push(problem(line, format!("{} fields but the header has {}: thousands separators? write 1000000 or 1_000_000, or quote \"1,000,000\"", fields.len(), h.len())));
                continue;
            }
        }
        let cell = |i: usize| fields.get(i).map(String::as_str).unwrap_or("");
        let read = |i: usize, name: &str| -> Result<(f64, bool), String> {
            let raw = cell(i);
            match parse_number(raw) {
                Some((v, p)) if v.is_finite() => Ok((v, p)),
                Some(_) => Err(format!("{name} \"{}\" is not a finite number", clip(raw))),
                None if raw.is_empty() => Err(format!("{name} is empty")),
                None => Err(format!("{name} \"{}\" is not a number", clip(raw))),
            }
        };
        let (m, _) = match read(columns.size, &size_name) {
            Ok(v) => v,
            Err(e) => {
                out.problems.push(problem(line, e));
                continue;
            }
        };
        let (v, pct) = match read(columns.error, &error_name) {
            Ok(v) => v,
            Err(e) => {
                out.problems.push(problem(line, e));
                continue;
            }
        };
        if m <= 0.0 {
            out.problems
                .push(problem(line, format!("{size_name} must be > 0, got {m}")));
            continue;
        }
        let model_size = match columns.model_size {
            Some(i) if !cell(i).is_empty() => match read(i, &model_name) {
                Ok((s, _)) if s > 0.0 => Some(s),
                Ok((s, _)) => {
                    out.problems.push(problem(
                        line,
                        format!("{model_name} must be > 0, got {s}; the row is kept without it"),
                    ));
                    None
                }
                Err(e) => {
                    out.problems
                        .push(problem(line, format!("{e}; the row is kept without it")));
                    None
                }
            },
            _ => None,
        };
        let held_out = match columns.held_out {
            Some(i) => match is_held_out(&held_name, cell(i)) {
                Some(h) => h,
                None => {
                    out.problems.push(problem(line, format!("{held_name} \"{}\" is not a train/held-out flag (use 1/0); the row is fitted", clip(cell(i)))));
                    false
                }
            },
            None => false,
        };
        raws.push(Raw {
            line,
            m,
            v,
            pct,
            model_size,
            held_out,
            key: row_key(fields),
        });
    }

    let percent = match options.scale {
        Scale::Percent => true,
        Scale::Fraction => false,
        Scale::Auto => {
            raws.iter().any(|r| r.pct)
                || (options.metric == Metric::Accuracy && raws.iter().any(|r| r.v > 1.0))
        }
    };
    out.percent = percent;
    let full = if percent { 100.0 } else { 1.0 };
    // First line of each row, by all its cells: only a row equal to an earlier one in
    // every column is a repeat. Two runs at one size with different errors are
    // replicates, and so are two with equal errors but another model size or seed:
    // both are kept and fitted. A hash map: a linear search per row was quadratic,
    // seconds for 100,000 rows.
    let mut seen: std::collections::HashMap<Vec<Cell>, usize> = std::collections::HashMap::new();
    for r in raws {
        let error = match options.metric {
            Metric::Error => r.v,
            Metric::Accuracy => {
                if r.v < 0.0 || r.v > full {
                    let unit = if percent { "%" } else { "" };
                    out.problems.push(problem(
                        r.line,
                        format!("accuracy {}{unit} is outside 0 to {full}{unit}", r.v),
                    ));
                    continue;
                }
                full - r.v
            }
        };
        if error < 0.0 {
            out.problems.push(problem(
                r.line,
                format!("{error_name} must be >= 0, got {}", r.v),
            ));
            continue;
        }
        if error == 0.0 && options.log_loss {
            out.problems.push(problem(
                r.line,
                "an error of 0 has no logarithm: use linear loss, or drop the row",
            ));
            continue;
        }
        if let Some(first) = seen.get(&r.key) {
            out.problems.push(note(
                r.line,
                format!("duplicate of line {first}; counted once"),
            ));
            continue;
        }
        seen.insert(r.key, r.line);
        let p = Point {
            line: r.line,
            m: r.m,
            error,
            model_size: r.model_size,
        };
        if r.held_out {
            out.held_out.push(p);
        } else {
            out.points.push(p);
        }
    }
}

/// Shortens a cell for a message.
fn clip(s: &str) -> String {
    let mut c: String = s.chars().take(24).collect();
    if s.chars().count() > 24 {
        c.push('…');
    }
    c
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::parse::*;

    /// Exact repeats are notes (counted once); replicates are points; bad rows stay
    /// blocking problems. Each case: input, fitted (size, error, model size), note
    /// lines, blocking lines.
    #[test]
    fn repeats_are_notes_and_replicates_are_kept() {
        type Case<'a> = (
            &'a str,
            &'a [(f64, f64, Option<f64>)],
            &'a [usize],
            &'a [usize],
        );
        let cases: &[Case] = &[
            // Every column equal: one point, a note.
            (
                "m,err\n1000,0.5\n1000,0.5\n2000,0.4",
                &[(1000.0, 0.5, None), (2000.0, 0.4, None)],
                &[3],
                &[],
            ),
            // Equal by value, not by text; -0 is 0; a trailing empty cell is no column.
            (
                "1e3,0.5\n1000,0.50\n2000,0\n2000,-0\n3000,0.3,\n3000,0.3",
                &[
                    (1000.0, 0.5, None),
                    (2000.0, 0.0, None),
                    (3000.0, 0.3, None),
                ],
                &[2, 4, 6],
                &[],
            ),
            // Replicates at one size with different errors: both fitted.
            (
                "m,err\n1000,0.5\n1000,0.45\n2000,0.4",
                &[
                    (1000.0, 0.5, None),
                    (1000.0, 0.45, None),
                    (2000.0, 0.4, None),
                ],
                &[],
                &[],
            ),
            // Equal size and error, different model size: not a repeat.
            (
                "m,err,params\n1000,0.5,10\n1000,0.5,20",
                &[(1000.0, 0.5, Some(10.0)), (1000.0, 0.5, Some(20.0))],
                &[],
                &[],
            ),
            // ... or a different value in a column Scalefit does not read (a seed).
            (
                "m,err,seed\n1000,0.5,1\n1000,0.5,2\n1000,0.5,2",
                &[(1000.0, 0.5, None), (1000.0, 0.5, None)],
                &[4],
                &[],
            ),
            // A training row and a held-out row are not repeats of each other.
            (
                "m,err,train\n1000,0.5,1\n1000,0.5,0",
                &[(1000.0, 0.5, None)],
                &[],
                &[],
            ),
            // A repeat beside a bad row: the bad row still blocks, the repeat does not.
            (
                "m,err\n1000,0.5\n1000,0.5\n2000,abc",
                &[(1000.0, 0.5, None)],
                &[3],
                &[4],
            ),
            // A bad row repeated is bad twice (it was never read).
            (
                "m,err\n1000,abc\n1000,abc\n2000,0.4",
                &[(2000.0, 0.4, None)],
                &[],
                &[2, 3],
            ),
        ];
        for (input, points, notes, blocking) in cases {
            let p = parse(
                input,
                &ParseOptions {
                    log_loss: false,
                    ..Default::default()
                },
            );
            let got: Vec<(f64, f64, Option<f64>)> = p
                .points
                .iter()
                .map(|q| (q.m, q.error, q.model_size))
                .collect();
            assert_eq!(&got, points, "points of {input:?}: {:?}", p.problems);
            let n: Vec<usize> = p.notes().map(|q| q.line).collect();
            assert_eq!(&n, notes, "notes of {input:?}: {:?}", p.problems);
            let b: Vec<usize> = p.blocking().map(|q| q.line).collect();
            assert_eq!(
                &b, blocking,
                "blocking problems of {input:?}: {:?}",
                p.problems
            );
            for q in p.notes() {
                assert!(q.message.contains("counted once"), "{q:?}");
            }
        }
    }

    /// The language-modelling curves of the benchmark's development split repeat each
    /// block exactly: every repeat is a note, no row blocks, every size is fitted once.
    #[test]
    fn benchmark_lm_repeats_do_not_block() {
        let text = include_str!("../../../../assets/data/rnsl_benchmark_dev.csv");
        let p = parse(
            text,
            &ParseOptions {
                group: Some("1.68e+07".into()),
                log_loss: true,
                ..Default::default()
            },
        );
        assert_eq!(p.blocking().count(), 0, "{:?}", p.blocking().next());
        assert!(p.notes().count() > 100, "{}", p.notes().count());
        let mut sizes: Vec<f64> = p.points.iter().chain(&p.held_out).map(|q| q.m).collect();
        let n = sizes.len();
        sizes.sort_by(f64::total_cmp);
        sizes.dedup();
        assert_eq!(sizes.len(), n, "a size is fitted twice");
    }

    #[test]
    fn accuracy_percent_and_fraction() {
        let opts = ParseOptions {
            metric: Metric::Accuracy,
            ..Default::default()
        };
        let p = parse("1000,75\n2000,80", &opts);
        assert!(p.percent);
        assert_eq!(p.errors(), vec![25.0, 20.0]);
        let p = parse("1000,0.75\n2000,0.8", &opts);
        assert!(!p.percent);
        assert!((p.errors()[0] - 0.25).abs() < 1e-15);
        let p = parse("1000,75\n2000,180", &opts);
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].line, 2);
    }

    #[test]
    fn real_nmt_file_series_and_held_out() {
        let text = include_str!("../../../../assets/data/google_rnsl_benchmark_lang_nmt.csv");
        let p = parse(
            text,
            &ParseOptions {
                log_loss: true,
                ..Default::default()
            },
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.groups.len(), 5);
        assert_eq!(p.group.as_deref(), Some("6 Enc, 6 Dec"));
        assert_eq!(p.points.len(), 10);
        assert_eq!(p.held_out.len(), 1);
        assert_eq!(p.held_out[0].m, 512_000_000.0);
        assert_eq!(p.points[0].line, 2);
        let q = parse(
            text,
            &ParseOptions {
                group: Some("Dec-only".into()),
                log_loss: true,
                ..Default::default()
            },
        );
        assert_eq!(q.points.len(), 10);
        assert_eq!(q.points[0].line, 34);
    }
}
