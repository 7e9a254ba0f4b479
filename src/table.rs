//! The editable table view of the data box: splits the text into cells per line and
//! writes a cell edit, a deleted row or a new row back into the text, touching only
//! that line. The parse itself stays in the core; this only knows cells and lines.

use std::collections::HashMap;

use scalefit_core::parse::Parsed;

/// At most this many rows are shown (the text box holds the rest).
pub const MAX_ROWS: usize = 500;

/// What the parse made of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum RowStatus {
    /// Fitted.
    Fitted,
    /// Held out (backtested, not fitted).
    HeldOut,
    /// A problem, with its sentence.
    Problem(String),
    /// Another series than the one shown.
    OtherSeries,
    /// Not used (a header, or dropped without a problem).
    Unused,
}

impl RowStatus {
    /// CSS class suffix.
    pub fn class(&self) -> &'static str {
        match self {
            RowStatus::Fitted => "fitted",
            RowStatus::HeldOut => "held-out",
            RowStatus::Problem(_) => "problem",
            RowStatus::OtherSeries => "other",
            RowStatus::Unused => "unused",
        }
    }

    /// Short label.
    pub fn label(&self) -> &str {
        match self {
            RowStatus::Fitted => "fitted",
            RowStatus::HeldOut => "held out",
            RowStatus::Problem(m) => m,
            RowStatus::OtherSeries => "other series",
            RowStatus::Unused => "not used",
        }
    }
}

/// One data row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line in the text.
    pub line: usize,
    /// Its cells.
    pub cells: Vec<String>,
    /// What the parse made of it.
    pub status: RowStatus,
}

/// The table: header cells (if the text has a header), rows, widest row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Header cells.
    pub header: Option<Vec<String>>,
    /// Data rows (at most [`MAX_ROWS`]).
    pub rows: Vec<Row>,
    /// Columns of the widest row.
    pub n_columns: usize,
    /// Rows not shown.
    pub hidden: usize,
}

/// Splits a line on `delimiter` (`" "` means any whitespace). Double quotes group a
/// cell, `""` inside quotes is a quote; cells are trimmed.
pub fn split_line(line: &str, delimiter: &str) -> Vec<String> {
    if delimiter == " " {
        let cells: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        // Mixed separators: the core reads such a row by its commas or semicolons.
        if let [only] = cells.as_slice() {
            let alt: Vec<String> = only
                .split([',', ';'])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if alt.len() > 1 {
                return alt;
            }
        }
        return cells;
    }
    let d = delimiter.chars().next().unwrap_or(',');
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == d && !quoted => cells.push(std::mem::take(&mut cur).trim().to_owned()),
            c => cur.push(c),
        }
    }
    cells.push(cur.trim().to_owned());
    cells
}

/// Joins cells with `delimiter`, quoting a cell that holds the delimiter or a quote.
pub fn join_line(cells: &[String], delimiter: &str) -> String {
    let sep = if delimiter == " " { "\t" } else { delimiter };
    cells
        .iter()
        .map(|c| {
            let needs = c.contains('"')
                || (delimiter == " " && c.chars().any(char::is_whitespace))
                || (delimiter != " " && c.contains(sep));
            if needs {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(sep)
}

fn is_skipped(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The table of `text` as parsed into `parsed`.
pub fn table(text: &str, parsed: &Parsed) -> Table {
    let delimiter = parsed.delimiter.as_str();
    let mut status: HashMap<usize, RowStatus> = HashMap::new();
    for p in &parsed.points {
        status.insert(p.line, RowStatus::Fitted);
    }
    for p in &parsed.held_out {
        status.insert(p.line, RowStatus::HeldOut);
    }
    for p in parsed.problems.iter().filter(|p| p.line > 0) {
        status.insert(p.line, RowStatus::Problem(p.message.clone()));
    }
    let group_col = parsed.columns.group;
    let mut out = Table::default();
    let mut header_pending = parsed.header.is_some();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if is_skipped(line) {
            continue;
        }
        let cells = split_line(line, delimiter);
        out.n_columns = out.n_columns.max(cells.len());
        if header_pending {
            header_pending = false;
            out.header = Some(cells);
            continue;
        }
        if out.rows.len() >= MAX_ROWS {
            out.hidden += 1;
            continue;
        }
        let st = status
            .remove(&n)
            .unwrap_or_else(|| match (group_col, parsed.group.as_ref()) {
                (Some(g), Some(keep)) if cells.get(g) != Some(keep) => RowStatus::OtherSeries,
                _ => RowStatus::Unused,
            });
        out.rows.push(Row {
            line: n,
            cells,
            status: st,
        });
    }
    out
}

/// Rebuilds `text` with line `line` (1-based) replaced by `f(cells)`, or removed when
/// `f` returns `None`. Line endings of the other lines are kept.
fn with_line(
    text: &str,
    line: usize,
    delimiter: &str,
    f: impl FnOnce(Vec<String>) -> Option<Vec<String>>,
) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut f = Some(f);
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        if i + 1 != line {
            out.push_str(raw);
            continue;
        }
        let body = raw.trim_end_matches(['\n', '\r']);
        let ending = &raw[body.len()..];
        if let Some(f) = f.take() {
            if let Some(cells) = f(split_line(body, delimiter)) {
                out.push_str(&join_line(&cells, delimiter));
                out.push_str(ending);
            }
        }
    }
    out
}

/// `text` with cell `col` of line `line` set to `value` (the row grows if needed).
pub fn set_cell(text: &str, line: usize, col: usize, value: &str, delimiter: &str) -> String {
    with_line(text, line, delimiter, |mut cells| {
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        if let Some(c) = cells.get_mut(col) {
            *c = value.trim().to_owned();
        }
        Some(cells)
    })
}

/// `text` without line `line`.
pub fn delete_line(text: &str, line: usize) -> String {
    with_line(text, line, ",", |_| None)
}

/// `text` with an empty row of `n_columns` cells appended.
pub fn append_row(text: &str, n_columns: usize, delimiter: &str) -> String {
    let mut out = text.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    let sep = if delimiter == " " { "\t" } else { delimiter };
    out.push_str(&sep.repeat(n_columns.max(2) - 1));
    out.push('\n');
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use scalefit_core::parse::{parse, ParseOptions};

    fn check_split(line: &str, d: &str, want: &[&str]) {
        assert_eq!(split_line(line, d), want, "{line:?}");
    }

    #[test]
    fn splitting() {
        check_split("1000, 0.5", ",", &["1000", "0.5"]);
        check_split("\"1,000\",0.5", ",", &["1,000", "0.5"]);
        check_split("\"a \"\"b\"\"\",c", ",", &["a \"b\"", "c"]);
        check_split("1000\t0.5", "\t", &["1000", "0.5"]);
        check_split("  1000   0.5 ", " ", &["1000", "0.5"]);
        check_split("1000;0.5", " ", &["1000", "0.5"]);
        check_split("", ",", &[""]);
        assert_eq!(join_line(&["1,000".into(), "x".into()], ","), "\"1,000\",x");
        assert_eq!(join_line(&["a b".into(), "x".into()], " "), "\"a b\"\tx");
    }

    #[test]
    fn edits_touch_one_line() {
        let text = "m,err\r\n1000,0.5\r\n# note\r\n2000,0.4";
        assert_eq!(
            set_cell(text, 4, 1, "0.45", ","),
            "m,err\r\n1000,0.5\r\n# note\r\n2000,0.45"
        );
        assert_eq!(
            set_cell(text, 2, 2, "7", ","),
            "m,err\r\n1000,0.5,7\r\n# note\r\n2000,0.4"
        );
        assert_eq!(delete_line(text, 2), "m,err\r\n# note\r\n2000,0.4");
        assert_eq!(append_row("a,b", 2, ","), "a,b\n,\n");
        assert_eq!(set_cell(text, 99, 0, "x", ","), text);
    }

    #[test]
    fn statuses() {
        let text = "m,err,model,Training\n1000,0.5,a,1\nx,0.4,a,1\n2000,0.3,b,1\n4000,0.2,a,0\n8000,0.1,a,1\n";
        let p = parse(text, &ParseOptions::default());
        let t = table(text, &p);
        assert_eq!(t.header.as_ref().unwrap()[0], "m");
        let st: Vec<&str> = t.rows.iter().map(|r| r.status.class()).collect();
        assert_eq!(st, ["fitted", "problem", "other", "held-out", "fitted"]);
        assert_eq!(t.n_columns, 4);
        assert_eq!(t.rows[1].line, 3);
    }
}
