//! Turns pasted or uploaded text into points: CSV, TSV, semicolon or whitespace
//! separated, header optional. Never fails and never panics: it returns the good rows
//! and a list of problems, each with its 1-based line number, so the user's work is
//! kept and every bad row can be shown where it is. A row that loses nothing (an exact
//! repeat, counted once) is reported as a note, which a front end shows but does not
//! refuse.

mod columns;
mod number;
mod rows;

pub use number::parse_number;

use serde::{Deserialize, Serialize};

use columns::{columns_by_position, columns_from_header, detect_delimiter, split_records};

/// Inputs larger than this are refused whole (a paste of this size is a mistake, and
/// fitting it would freeze a browser tab).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// At most this many data rows are read.
pub const MAX_ROWS: usize = 20_000;

/// What the second column measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Metric {
    /// Lower is better; used as is.
    #[default]
    Error,
    /// Higher is better; error = 1 - acc (fraction) or 100 - acc (percent).
    Accuracy,
}

impl Metric {
    /// Id used by the `#metric` select and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            Metric::Error => "error",
            Metric::Accuracy => "accuracy",
        }
    }

    /// Inverse of [`Metric::id`].
    pub fn from_id(s: &str) -> Option<Metric> {
        [Metric::Error, Metric::Accuracy]
            .into_iter()
            .find(|m| m.id() == s)
    }
}

serde_by_id!(Metric, "error", "accuracy");

/// Whether accuracies are fractions or percentages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scale {
    /// Percent if any value exceeds 1 or carries a `%`.
    #[default]
    Auto,
    /// Values in [0, 1].
    Fraction,
    /// Values in [0, 100].
    Percent,
}

impl Scale {
    /// Id used by the `#scale` select and the permalink.
    pub fn id(self) -> &'static str {
        match self {
            Scale::Auto => "auto",
            Scale::Fraction => "fraction",
            Scale::Percent => "percent",
        }
    }

    /// Inverse of [`Scale::id`].
    pub fn from_id(s: &str) -> Option<Scale> {
        [Scale::Auto, Scale::Fraction, Scale::Percent]
            .into_iter()
            .find(|v| v.id() == s)
    }
}

serde_by_id!(Scale, "auto", "fraction", "percent");

/// Which column holds what (0-based). Optional columns may be absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Columns {
    /// Training-set size `m`.
    pub size: usize,
    /// Error or accuracy.
    pub error: usize,
    /// Best model size (parameters), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_size: Option<usize>,
    /// Series name (several curves in one file), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<usize>,
    /// Train/held-out flag, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_out: Option<usize>,
}

/// How to read the text. `Default` detects everything.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParseOptions {
    /// Column mapping; `None` finds columns by header names, else by position
    /// (size, error, model size).
    pub columns: Option<Columns>,
    /// Which series to keep when there is a group column; `None` keeps the first.
    pub group: Option<String>,
    /// Error or accuracy.
    pub metric: Metric,
    /// Fraction or percent (matters for accuracy only).
    pub scale: Scale,
    /// With `true` (log loss) an error of 0 is a problem, since its log is undefined.
    pub log_loss: bool,
}

/// One measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    /// 1-based line in the input.
    pub line: usize,
    /// Training-set size.
    pub m: f64,
    /// Error (accuracy already converted).
    pub error: f64,
    /// Best model size, if given.
    pub model_size: Option<f64>,
}

/// What is wrong with a row or with the whole input, or (a note) what was done to a
/// row that loses nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// 1-based line, 0 for the input as a whole.
    pub line: usize,
    /// A sentence for the user.
    pub message: String,
    /// `true` for a note: the row was read and nothing the user measured is lost (an
    /// exact repeat of an earlier row, counted once). Shown, but never a reason to
    /// refuse the input.
    #[serde(skip_serializing_if = "is_false")]
    pub note: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Problem {
    /// `true` when the row is really bad (not a note): front ends that refuse bad
    /// input refuse on these only.
    pub fn blocks(&self) -> bool {
        !self.note
    }
}

/// The result of parsing: good rows, held-out rows, problems, and what was detected.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Parsed {
    /// Rows to fit.
    pub points: Vec<Point>,
    /// Rows flagged as held out by a train/held-out column (not fitted; backtested).
    pub held_out: Vec<Point>,
    /// Every problem, in line order (whole-input problems have line 0).
    pub problems: Vec<Problem>,
    /// Header fields, if the first row is a header.
    pub header: Option<Vec<String>>,
    /// Number of columns of the widest row.
    pub n_columns: usize,
    /// Columns used.
    pub columns: Columns,
    /// Series found in the group column, in order of appearance.
    pub groups: Vec<String>,
    /// Series kept.
    pub group: Option<String>,
    /// `true` when accuracies or errors were read as percentages.
    pub percent: bool,
    /// The delimiter found: `","`, `"\t"`, `";"` or `" "` (any whitespace).
    pub delimiter: String,
}

impl Parsed {
    /// Sizes of the fitted points.
    pub fn sizes(&self) -> Vec<f64> {
        self.points.iter().map(|p| p.m).collect()
    }

    /// Errors of the fitted points.
    pub fn errors(&self) -> Vec<f64> {
        self.points.iter().map(|p| p.error).collect()
    }

    /// The problems that are not notes, in line order.
    pub fn blocking(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.blocks())
    }

    /// The notes, in line order.
    pub fn notes(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.note)
    }
}

fn problem(line: usize, message: impl Into<String>) -> Problem {
    Problem {
        line,
        message: message.into(),
        note: false,
    }
}

fn note(line: usize, message: impl Into<String>) -> Problem {
    Problem {
        note: true,
        ..problem(line, message)
    }
}

/// Parses `text`; see the module docs. Never panics.
pub fn parse(text: &str, options: &ParseOptions) -> Parsed {
    Table::read(text).parse(options)
}

/// Text split into records once: the checks on the whole input, the delimiter and the
/// cells, which do not depend on the parse options. [`Table::parse`] reads the rows
/// with any options, so the series of a family are read from one split of the text
/// (`parse(text, o)` is `Table::read(text).parse(o)`).
#[derive(Debug, Clone)]
pub struct Table {
    /// What every parse starts from: the delimiter, and the whole-input problem that
    /// stops reading (too large, binary, no data) if there is one.
    start: Parsed,
    /// The non-blank, non-comment records with their lines.
    records: Vec<(usize, Vec<String>)>,
    delimiter: u8,
}

impl Table {
    /// Splits `text` into records; never panics, never fails (a problem with the
    /// whole input is kept for [`Table::parse`] to report).
    pub fn read(text: &str) -> Table {
        let mut out = Parsed {
            delimiter: ",".into(),
            ..Parsed::default()
        };
        let stop = |out: Parsed| Table {
            start: out,
            records: Vec::new(),
            delimiter: b',',
        };
        if text.len() > MAX_BYTES {
            out.problems.push(problem(
                0,
                format!("the input is {:.1} MB; Scalefit reads at most {} MB. Trim it or keep one series per paste.", text.len() as f64 / 1e6, MAX_BYTES / (1024 * 1024)),
            ));
            return stop(out);
        }
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let control = text
            .chars()
            .filter(|c| *c == '\0' || *c == '\u{FFFD}' || (c.is_control() && !c.is_whitespace()))
            .count();
        if control > 0 && control * 20 > text.chars().count().min(10_000) {
            out.problems.push(problem(
                0,
                "this does not look like text (binary data?): paste or upload a CSV or TSV file",
            ));
            return stop(out);
        }
        let lines: Vec<&str> = text.lines().collect();
        let delimiter = detect_delimiter(&lines);
        out.delimiter = match delimiter {
            b'\t' => "\t",
            b';' => ";",
            b' ' => " ",
            _ => ",",
        }
        .into();
        let records: Vec<(usize, Vec<String>)> = split_records(text, delimiter)
            .into_iter()
            .filter(|(_, f)| {
                !(f.is_empty()
                    || f.iter().all(String::is_empty)
                    || f.first().is_some_and(|s| s.starts_with('#')))
            })
            .collect();
        if records.is_empty() {
            out.problems.push(problem(
                0,
                "no data: paste rows of training-set size and error, e.g. \"1000, 0.42\"",
            ));
            return stop(out);
        }
        out.n_columns = records.iter().map(|(_, f)| f.len()).max().unwrap_or(0);
        Table {
            start: out,
            records,
            delimiter,
        }
    }

    /// The rows read with `options`: header, columns, the series kept, numbers and
    /// problems. Equal to [`parse`] of the text read.
    pub fn parse(&self, options: &ParseOptions) -> Parsed {
        let mut out = self.start.clone();
        if self.records.is_empty() {
            return out;
        }
        let records = &self.records;
        // Header: the first row is a header when its size/error cells are not numbers.
        let first = records.first().map(|(_, f)| f);
        let first_is_header =
            first.is_some_and(|f| f.iter().filter(|v| parse_number(v).is_some()).count() < 2);
        let data_start = usize::from(first_is_header);
        let first_data = records.get(data_start).map(|(_, f)| f);
        if first_is_header {
            out.header = first.cloned();
        }
        let columns = match (&options.columns, &out.header) {
            (Some(c), _) => c.clone(),
            (None, Some(h)) => columns_from_header(h, first_data)
                .unwrap_or_else(|| columns_by_position(first_data)),
            (None, None) => columns_by_position(first_data),
        };
        out.columns = columns.clone();
        rows::read_rows(
            &mut out,
            records,
            data_start,
            &columns,
            self.delimiter,
            options,
        );
        if out.points.is_empty() && out.problems.is_empty() {
            out.problems.push(problem(0, "no data rows, only a header"));
        }
        out.problems.sort_by_key(|p| p.line);
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn check(input: &str, want_points: &[(f64, f64)], want_problem_lines: &[usize]) {
        let p = parse(
            input,
            &ParseOptions {
                log_loss: true,
                ..Default::default()
            },
        );
        let got: Vec<(f64, f64)> = p.points.iter().map(|p| (p.m, p.error)).collect();
        assert_eq!(
            got, want_points,
            "points of {input:?}: problems {:?}",
            p.problems
        );
        let lines: Vec<usize> = p.problems.iter().map(|p| p.line).collect();
        assert_eq!(
            lines, want_problem_lines,
            "problems of {input:?}: {:?}",
            p.problems
        );
    }

    #[test]
    fn table() {
        check("1000,0.5\n2000,0.4\n", &[(1000.0, 0.5), (2000.0, 0.4)], &[]);
        check(
            "m,error\n1000,0.5\n2000,0.4",
            &[(1000.0, 0.5), (2000.0, 0.4)],
            &[],
        );
        check(
            "\u{FEFF}size\terr\r\n1e3\t0.5\r\n2e3\t0.4\r\n",
            &[(1000.0, 0.5), (2000.0, 0.4)],
            &[],
        );
        check(
            "1_000 0.5\n2,000 0.4\n3k 0.3\n2^12 0.2",
            &[(1000.0, 0.5), (2000.0, 0.4), (3000.0, 0.3), (4096.0, 0.2)],
            &[],
        );
        check("1000;0.5\n2000;0.4", &[(1000.0, 0.5), (2000.0, 0.4)], &[]);
        // A European spreadsheet: semicolons between fields, decimal commas.
        check(
            "size;error\n1000;0,5\n2000;0,4\n4000;0,35",
            &[(1000.0, 0.5), (2000.0, 0.4), (4000.0, 0.35)],
            &[],
        );
        check("1000;0,5\n2000;0,4", &[(1000.0, 0.5), (2000.0, 0.4)], &[]);
        check(
            "# comment\n1000,0.5\n\n2000,0.4",
            &[(1000.0, 0.5), (2000.0, 0.4)],
            &[],
        );
        check(
            "1000,0.5\nabc,0.4\n3000,NaN\n-5,0.3\n4000,0\n5000,-1\n6000,0.2",
            &[(1000.0, 0.5), (6000.0, 0.2)],
            &[2, 3, 4, 5, 6],
        );
        check(
            "1000,0.5\n1000,0.5\n1000,0.45",
            &[(1000.0, 0.5), (1000.0, 0.45)],
            &[2],
        );
        check(
            "1000,0.5\n2000\t0.4\n3000 0.3",
            &[(1000.0, 0.5), (2000.0, 0.4), (3000.0, 0.3)],
            &[],
        );
        check("", &[], &[0]);
        check("m,error\n", &[], &[0]);
        check("1000,0.5\n2000", &[(1000.0, 0.5)], &[2]);
        check("m,err\n1,000,0.5\n2000,0.4", &[(2000.0, 0.4)], &[2]);
        check("m,err\n\"1,000\",0.5", &[(1000.0, 0.5)], &[]);
    }

    #[test]
    fn header_names_pick_columns() {
        let text = "err,params,examples\n0.5,10,1000\n0.4,20,2000\n";
        let p = parse(text, &ParseOptions::default());
        assert_eq!(
            p.columns,
            Columns {
                size: 2,
                error: 0,
                model_size: Some(1),
                group: None,
                held_out: None
            }
        );
        assert_eq!(p.points[1].model_size, Some(20.0));
    }
}
