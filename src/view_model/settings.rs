//! Texts of the settings controls: the column pickers, number fields, and the span
//! of a bad line in the data box.

use scalefit_core::parse::{parse_number, Parsed};

/// UTF-16 range (what `setSelectionRange` counts) of 1-based line `line` in `text` (for selecting it in the box).
pub fn line_span(text: &str, line: usize) -> Option<(usize, usize)> {
    let mut start = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        let chars = l.encode_utf16().count();
        if i + 1 == line {
            let body = l.trim_end_matches(['\n', '\r']).encode_utf16().count();
            return Some((start, start + body));
        }
        start += chars;
    }
    None
}

/// Options of the column pickers: `(index, label)`.
pub fn column_options(p: &Parsed) -> Vec<(usize, String)> {
    (0..p.n_columns.max(2))
        .map(|i| {
            let name = p
                .header
                .as_ref()
                .and_then(|h| h.get(i))
                .filter(|s| !s.trim().is_empty())
                .map(|s| format!("{} ({})", s.trim(), i + 1))
                .unwrap_or_else(|| format!("column {}", i + 1));
            (i, name)
        })
        .collect()
}
/// A number typed by the user (`1e6`, `2^27`, `134M`, `1,000`), finite.
pub fn parse_user_number(s: &str) -> Option<f64> {
    parse_number(s).map(|(v, _)| v).filter(|v| v.is_finite())
}

/// The text of a number field for a value: `{}` so it round-trips.
pub fn field_text(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        assert_eq!(line_span("ab\r\ncd\n", 2), Some((4, 6)));
        assert_eq!(line_span("é\nx", 2), Some((2, 3)));
        assert_eq!(line_span("a", 3), None);
    }
}
