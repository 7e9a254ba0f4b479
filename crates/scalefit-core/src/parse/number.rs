//! The number grammar of data cells: [`parse_number`] and its digit-grouping check.

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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
