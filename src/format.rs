//! Number formatting for people: significant digits, `× 10ⁿ` for very large or small
//! values, multipliers and percentages. Machine-readable values use Rust's `{}`
//! Display of `f64` instead (it round-trips), never these.

/// Superscript form of an integer exponent, e.g. `-12` → `⁻¹²`.
fn superscript(exp: i32) -> String {
    exp.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            '9' => '⁹',
            other => other,
        })
        .collect()
}

fn non_finite(v: f64) -> Option<String> {
    if v.is_nan() {
        Some("—".into())
    } else if v.is_infinite() {
        Some(if v > 0.0 { "∞" } else { "-∞" }.into())
    } else {
        None
    }
}

/// A value with `sig` significant digits: plain between 0.001 and 100,000 (integers
/// there keep all their digits), `a.bc × 10ⁿ` outside.
pub fn num(v: f64) -> String {
    sig(v, 3)
}

/// [`num`] with a chosen number of significant digits (at least 1).
pub fn sig(v: f64, sig: usize) -> String {
    if let Some(s) = non_finite(v) {
        return s;
    }
    let sig = sig.max(1);
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if (1e-3..1e5).contains(&a) {
        let mag = a.log10().floor() as i32;
        let decimals = (sig as i32 - 1 - mag).max(0) as usize;
        return format!("{v:.decimals$}");
    }
    let s = format!("{:.*e}", sig - 1, v);
    match s.split_once('e') {
        Some((mant, exp)) => {
            let exp: i32 = exp.parse().unwrap_or(0);
            format!("{mant} × 10{}", superscript(exp))
        }
        None => s,
    }
}

/// An exponent such as `beta_g`: three decimals, ASCII minus.
pub fn exponent(v: f64) -> String {
    non_finite(v).unwrap_or_else(|| format!("{v:.3}"))
}

/// A multiplier: `8.43×`, `120×`, `3.10 × 10⁵×`.
pub fn multiplier(x: f64) -> String {
    if let Some(s) = non_finite(x) {
        return format!("{s}×");
    }
    let s = num(x);
    format!("{s}×")
}

/// A signed percentage with one decimal: `+3.2%`.
pub fn percent(frac: f64) -> String {
    non_finite(frac).unwrap_or_else(|| format!("{:+.1}%", frac * 100.0))
}

/// A 95% interval: `a – b`.
pub fn interval((lo, hi): (f64, f64), f: fn(f64) -> String) -> String {
    format!("{} – {}", f(lo), f(hi))
}

/// Rewrites the core's `1.34×10^9` (plain-text sentences) as `1.34 × 10⁹`.
pub fn prettify(sentence: &str) -> String {
    let mut out = String::with_capacity(sentence.len());
    let mut rest = sentence;
    while let Some(i) = rest.find("×10^") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "×10^".len()..];
        let len = after
            .char_indices()
            .take_while(|(j, c)| c.is_ascii_digit() || (*j == 0 && (*c == '-' || *c == '+')))
            .map(|(j, c)| j + c.len_utf8())
            .last()
            .unwrap_or(0);
        match after[..len].parse::<i32>() {
            Ok(e) => {
                out.push_str(" × 10");
                out.push_str(&superscript(e));
                rest = &after[len..];
            }
            Err(_) => {
                out.push_str("×10^");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The same sentence with its first letter capitalised and a final full stop.
pub fn sentence(s: &str) -> String {
    let s = s.trim();
    let mut chars = s.chars();
    let mut out: String = match chars.next() {
        // ASCII only: the messages are the app's own English (no case tables in the page).
        Some(c) => std::iter::once(c.to_ascii_uppercase())
            .chain(chars)
            .collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let cases: [(f64, &str); 12] = [
            (0.0, "0"),
            (0.1234, "0.123"),
            (-0.4704, "-0.470"),
            (306.07, "306"),
            (1979.4, "1979"),
            (99_999.0, "99999"),
            (134_217_728.0, "1.34 × 10⁸"),
            (0.000_42, "4.20 × 10⁻⁴"),
            (f64::INFINITY, "∞"),
            (f64::NAN, "—"),
            (2.5, "2.50"),
            (12.0, "12.0"),
        ];
        for (v, want) in cases {
            assert_eq!(num(v), want, "{v}");
        }
        assert_eq!(exponent(-0.128), "-0.128");
        assert_eq!(exponent(-0.0660), "-0.066");
        assert_eq!(multiplier(8.434), "8.43×");
        assert_eq!(multiplier(1234.0), "1234×");
        assert_eq!(percent(0.0321), "+3.2%");
        assert_eq!(interval((1.0, 2.0), num), "1.00 – 2.00");
    }

    #[test]
    fn sentences() {
        assert_eq!(
            prettify("about 1.34×10^9 examples and 2.00×10^-3 more"),
            "about 1.34 × 10⁹ examples and 2.00 × 10⁻³ more"
        );
        assert_eq!(prettify("no power ×10^x here"), "no power ×10^x here");
        assert_eq!(sentence("only 3 points"), "Only 3 points.");
        assert_eq!(sentence("done."), "Done.");
        assert_eq!(sentence(""), "");
    }
}
