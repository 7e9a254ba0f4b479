//! Delimiter detection, splitting records (quoted CSV fields, mixed separators), and
//! column roles from header names or, without a header, by position.

use super::{parse_number, Columns, MAX_ROWS};

/// A header name reduced for matching: letters and digits only, ASCII letters in
/// lower case. The names it is matched against are ASCII, so full Unicode lowercasing
/// would change no match; it would only add core's case tables (about 12 KB) to the page.
pub(super) fn normalize(name: &str) -> String {
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
pub(super) fn detect_delimiter(lines: &[&str]) -> u8 {
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
pub(super) fn split_records(text: &str, delimiter: u8) -> Vec<(usize, Vec<String>)> {
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
pub(super) fn columns_from_header(
    header: &[String],
    first_row: Option<&Vec<String>>,
) -> Option<Columns> {
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
pub(super) fn columns_by_position(first_row: Option<&Vec<String>>) -> Columns {
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
