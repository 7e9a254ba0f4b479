//! Turns pasted or uploaded text into points: CSV, TSV, semicolon or whitespace
//! separated, header optional. Never fails and never panics: it returns the good rows
//! and a list of problems, each with its 1-based line number, so the user's work is
//! kept and every bad row can be shown where it is. A row that loses nothing (an exact
//! repeat, counted once) is reported as a note, which a front end shows but does not
//! refuse.

use serde::{Deserialize, Serialize};

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

/// Reads a number the way a researcher writes one: `1e6`, `1_000_000`, `1,000,000`
/// (when commas are not the delimiter), `2^20`, `10k`, `3M`, `1.5B`, `12.5%`, and a
/// decimal comma (`0,52`, `0,125`, `12,5%`: one comma, no point, and not a thousands
/// group unless the integer part is 0; so `1,500` stays fifteen hundred).
/// Returns the value and whether it carried a `%`.
pub fn parse_number(text: &str) -> Option<(f64, bool)> {
    let mut s = text.trim().trim_matches('"').trim();
    let percent = s.ends_with('%');
    if percent {
        s = s[..s.len() - 1].trim_end();
    }
    if s.is_empty() {
        return None;
    }
    if s.contains('^') {
        // Right-associative like the recursion it replaces (`2^3^2` = 2^9), but a loop:
        // a cell of thousands of `2^` overflowed the stack. No piece holds a `^`, so
        // each `parse_number` below returns without recursing further.
        let mut pieces = s.rsplit('^');
        let (mut v, _) = parse_number(pieces.next()?)?;
        for base in pieces {
            let (b, _) = parse_number(base)?;
            v = b.powf(v);
        }
        return Some((v, percent));
    }
    let (body, mult) = match s.as_bytes().last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 1e3),
        Some(b'M') => (&s[..s.len() - 1], 1e6),
        Some(b'B' | b'G') => (&s[..s.len() - 1], 1e9),
        Some(b'T') => (&s[..s.len() - 1], 1e12),
        _ => (s, 1.0),
    };
    let decimal_comma = body.matches(',').count() == 1
        && !body.contains('.')
        && (!is_grouped(body) || matches!(body.split(',').next(), Some("0" | "-0" | "+0")));
    let cleaned: String = if decimal_comma {
        body.replace(',', ".")
    } else if body.contains(',') {
        if !is_grouped(body) {
            return None;
        }
        body.chars().filter(|c| *c != ',').collect()
    } else {
        body.chars().filter(|c| *c != '_').collect()
    };
    if cleaned.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return None;
    }
    let v = crate::num::parse_f64(&cleaned)?;
    Some((v * mult, percent))
}

/// `1,234,567.8` style digit grouping (groups of three after the first).
fn is_grouped(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let int = s.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int.split(',').collect();
    groups.len() > 1
        && groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
        && groups.iter().skip(1).all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && s.split('.').nth(1).is_none_or(|f| {
            f.bytes()
                .all(|b| b.is_ascii_digit() || b == b'e' || b == b'E' || b == b'-' || b == b'+')
        })
}

/// A header name reduced for matching: letters and digits only, ASCII letters in
/// lower case. The names it is matched against are ASCII, so full Unicode lowercasing
/// would change no match; it would only add core's case tables (about 12 KB) to the page.
fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Picks the delimiter from the first lines: each of tab, comma and semicolon that
/// appears on at least half of them is a candidate; among several, the one that
/// splits the most lines into the same number (at least 2) of fields, then the one
/// that yields the most numbers, wins (so `size;error` / `1000;0,52`, a European
/// spreadsheet's CSV with decimal commas, is read with `;`); remaining ties go to
/// tab, then comma, then semicolon. No candidate: whitespace.
fn detect_delimiter(lines: &[&str]) -> u8 {
    let sample: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .take(20)
        .collect();
    let n = sample.len().max(1);
    let candidates: Vec<u8> = [b'\t', b',', b';']
        .into_iter()
        .filter(|&d| sample.iter().filter(|l| l.as_bytes().contains(&d)).count() * 2 >= n)
        .collect();
    if candidates.len() < 2 {
        return candidates.first().copied().unwrap_or(b' ');
    }
    // How many lines have the most common field count (when that count is >= 2).
    let consistency = |d: u8| {
        let mut counts: Vec<usize> = sample
            .iter()
            .map(|l| l.bytes().filter(|&b| b == d).count() + 1)
            .collect();
        counts.sort_unstable();
        let same = counts
            .chunk_by(|a, b| a == b)
            .filter(|run| run[0] >= 2)
            .map(<[usize]>::len)
            .max()
            .unwrap_or(0);
        let numbers = sample
            .iter()
            .flat_map(|l| l.split(char::from(d)))
            .filter(|f| parse_number(f).is_some())
            .count();
        (same, numbers)
    };
    let mut best = candidates[0];
    let mut best_score = consistency(best);
    for &d in &candidates[1..] {
        let score = consistency(d);
        if score > best_score {
            (best, best_score) = (d, score);
        }
    }
    best
}

/// Splits one line. Quoted CSV fields keep their delimiters.
fn split_records(text: &str, delimiter: u8) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    if delimiter == b' ' {
        for (i, line) in text.lines().enumerate() {
            let fields: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
            out.push((i + 1, resplit(fields)));
        }
        return out;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    // Lines are counted here, from byte offsets: the reader's own line numbers are off
    // after blank or comment lines, after every CRLF, and after quoted newlines.
    let bytes = text.as_bytes();
    let (mut counted_to, mut newlines) = (0usize, 0usize);
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = match record.position() {
                    Some(p) => {
                        let start = record_start(bytes, p.byte() as usize).max(counted_to);
                        newlines += bytes
                            .get(counted_to..start)
                            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
                        counted_to = start;
                        newlines + 1
                    }
                    None => line,
                };
                let fields: Vec<String> = record.iter().map(str::to_owned).collect();
                out.push((line.max(1), resplit(fields)));
            }
            Ok(false) => break,
            Err(e) => {
                // Only invalid UTF-8 can fail here, and `text` is a `str`; keep going defensively.
                let line = e.position().map_or(line, |p| p.line() as usize);
                out.push((line.max(1), vec![String::from("\u{FFFD}")]));
                if out.len() > MAX_ROWS * 2 {
                    break;
                }
            }
        }
    }
    out
}

/// First byte of the record the csv reader reports at byte `i`: it dates a record from
/// where it began looking, before the line ends, blank lines, comment lines (and a
/// leading BOM) it skips.
fn record_start(bytes: &[u8], mut i: usize) -> usize {
    if i == 0 && bytes.starts_with("\u{FEFF}".as_bytes()) {
        i = 3;
    }
    loop {
        match bytes.get(i) {
            Some(b'\r' | b'\n') => i += 1,
            Some(b'#') => {
                // A comment runs to the next line end (CR or LF, as for the reader).
                i += bytes
                    .get(i..)
                    .and_then(|rest| rest.iter().position(|&c| c == b'\r' || c == b'\n'))
                    .unwrap_or(bytes.len() - i);
            }
            _ => return i,
        }
    }
}

/// A row written with another separator than the rest (mixed delimiters) arrives as
/// one field: split it on any of the other separators instead.
fn resplit(fields: Vec<String>) -> Vec<String> {
    if let [only] = fields.as_slice() {
        if !only.starts_with('#') {
            let alt: Vec<String> = only
                .split(|c: char| c.is_whitespace() || c == ';' || c == ',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if alt.len() > 1 {
                return alt;
            }
        }
    }
    fields
}

/// Column roles found from header names.
fn columns_from_header(header: &[String], first_row: Option<&Vec<String>>) -> Option<Columns> {
    let names: Vec<String> = header.iter().map(|h| normalize(h)).collect();
    let numeric = |i: usize| {
        first_row
            .and_then(|r| r.get(i))
            .is_none_or(|v| parse_number(v).is_some())
    };
    let find = |pred: &dyn Fn(&str) -> bool, taken: &[usize]| -> Option<usize> {
        names
            .iter()
            .enumerate()
            .find(|(i, n)| !taken.contains(i) && pred(n))
            .map(|(i, _)| i)
    };
    let mut taken = Vec::new();
    let held_out = find(
        &|n| {
            matches!(
                n,
                "training" | "train" | "split" | "heldout" | "holdout" | "fit" | "istrain"
            )
        },
        &taken,
    );
    taken.extend(held_out);
    let group = find(
        &|n| {
            matches!(
                n,
                "model"
                    | "series"
                    | "group"
                    | "name"
                    | "run"
                    | "arch"
                    | "architecture"
                    | "config"
                    | "curve"
            )
        },
        &taken,
    )
    .filter(|&i| !numeric(i));
    taken.extend(group);
    let model_size = find(
        &|n| {
            n.contains("param")
                || matches!(
                    n,
                    "modelsize" | "sizemodel" | "s" | "bestmodelsize" | "weights"
                )
        },
        &taken,
    )
    .filter(|&i| numeric(i));
    taken.extend(model_size);
    let size_words = [
        "example",
        "token",
        "sample",
        "image",
        "datasize",
        "trainingset",
        "trainsize",
        "seen",
        "hour",
        "sentence",
        "word",
        "character",
        "utterance",
        "datapoint",
        "size",
        "data",
        "count",
    ];
    let size = find(
        &|n| matches!(n, "m" | "n" | "d") || size_words.iter().any(|w| n.contains(w)),
        &taken,
    )
    .filter(|&i| numeric(i))?;
    taken.push(size);
    let err_words = [
        "error",
        "err",
        "loss",
        "wer",
        "cer",
        "perplexity",
        "ppl",
        "entropy",
        "xent",
        "acc",
        "top1",
        "top5",
        "eps",
        "nll",
        "bpc",
        "metric",
        "score",
    ];
    let error = find(
        &|n| matches!(n, "y" | "e") || err_words.iter().any(|w| n.contains(w)),
        &taken,
    )
    .filter(|&i| numeric(i))?;
    Some(Columns {
        size,
        error,
        model_size,
        group,
        held_out,
    })
}

/// Positional mapping: first numeric column is the size, next the error, next the
/// model size.
fn columns_by_position(first_row: Option<&Vec<String>>) -> Columns {
    let numeric: Vec<usize> = first_row
        .map(|r| {
            r.iter()
                .enumerate()
                .filter(|(_, v)| parse_number(v).is_some())
                .map(|(i, _)| i)
                .collect()
        })
        .unwrap_or_default();
    let size = numeric.first().copied().unwrap_or(0);
    let error = numeric.get(1).copied().unwrap_or(size + 1);
    Columns {
        size,
        error,
        model_size: numeric.get(2).copied(),
        group: None,
        held_out: None,
    }
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

/// Parses `text`; see the module docs. Never panics.
pub fn parse(text: &str, options: &ParseOptions) -> Parsed {
    let mut out = Parsed {
        delimiter: ",".into(),
        ..Parsed::default()
    };
    if text.len() > MAX_BYTES {
        out.problems.push(problem(
            0,
            format!("the input is {:.1} MB; Scalefit reads at most {} MB. Trim it or keep one series per paste.", text.len() as f64 / 1e6, MAX_BYTES / (1024 * 1024)),
        ));
        return out;
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
        return out;
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
        return out;
    }
    out.n_columns = records.iter().map(|(_, f)| f.len()).max().unwrap_or(0);

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
        (None, Some(h)) => {
            columns_from_header(h, first_data).unwrap_or_else(|| columns_by_position(first_data))
        }
        (None, None) => columns_by_position(first_data),
    };
    out.columns = columns.clone();
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
    if out.points.is_empty() && out.problems.is_empty() {
        out.problems.push(problem(0, "no data rows, only a header"));
    }
    out.problems.sort_by_key(|p| p.line);
    out
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
        let text = include_str!("../../../assets/data/rnsl_benchmark_dev.csv");
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
        let text = include_str!("../../../assets/data/google_rnsl_benchmark_lang_nmt.csv");
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

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1e6"), Some((1e6, false)));
        assert_eq!(parse_number("0,52"), Some((0.52, false)));
        assert_eq!(parse_number("0,125"), Some((0.125, false)));
        assert_eq!(parse_number("12,5%"), Some((12.5, true)));
        assert_eq!(parse_number("1,500"), Some((1500.0, false)));
        assert_eq!(parse_number("1,500.5"), Some((1500.5, false)));
        assert_eq!(parse_number("3,1e-2"), Some((0.031, false)));
        assert_eq!(parse_number("0,5,1"), None);
        assert_eq!(parse_number("12.5%"), Some((12.5, true)));
        assert_eq!(parse_number("1.5B"), Some((1.5e9, false)));
        assert_eq!(parse_number("1,23"), Some((1.23, false)));
        assert_eq!(parse_number("1,2,3"), None);
        assert_eq!(parse_number("_1"), None);
        assert_eq!(parse_number("abc"), None);
        assert!(parse_number("inf").is_some_and(|(v, _)| v.is_infinite()));
    }
}
