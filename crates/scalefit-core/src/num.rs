//! Reading decimal numbers: [`parse_f64`], the one place where text becomes an `f64`.
//!
//! Natively this is Rust's own `f64::from_str`. In the web page (wasm32 with the
//! `js-float` feature) the text is checked against the same grammar here and then
//! converted by the JavaScript engine's `parseFloat`, so the page does not ship a
//! second correctly rounded decimal parser (core's, with its 10 KB table of powers of
//! five, about 10 KB of the page's gzip). ECMAScript requires the conversion to be
//! correctly rounded for up to 20 significant digits, which covers every number the
//! app writes (shortest round-trip decimals have at most 17); engines round longer
//! inputs correctly too (V8, SpiderMonkey), the standard lets them be one unit in the
//! last place off.

/// What a valid literal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Literal {
    /// Digits, maybe a point and an exponent.
    Finite,
    /// `inf` or `infinity`, negative or not.
    Infinite { negative: bool },
    /// `nan`.
    Nan,
}

/// Parses `s` exactly as `s.parse::<f64>()` does: an optional sign, then digits with
/// an optional point (at least one digit) and an optional exponent, or `inf`,
/// `infinity`, `nan` in any case. No surrounding space. Too large values are
/// infinite, as with `f64::from_str`.
pub fn parse_f64(s: &str) -> Option<f64> {
    convert(s)
}

#[cfg(not(all(target_arch = "wasm32", feature = "js-float")))]
fn convert(s: &str) -> Option<f64> {
    s.parse().ok()
}

#[cfg(all(target_arch = "wasm32", feature = "js-float"))]
fn convert(s: &str) -> Option<f64> {
    match literal(s)? {
        // The whole text is a decimal literal, which `parseFloat` reads whole.
        Literal::Finite => Some(js_sys::Number::parse_float(s)),
        Literal::Infinite { negative } => Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        Literal::Nan => Some(f64::NAN),
    }
}

/// Which literal `s` is, or `None` when `f64::from_str` would reject it.
#[cfg_attr(
    not(all(target_arch = "wasm32", feature = "js-float")),
    allow(dead_code)
)]
fn literal(s: &str) -> Option<Literal> {
    let b = s.as_bytes();
    let (negative, b) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if b.eq_ignore_ascii_case(b"inf") || b.eq_ignore_ascii_case(b"infinity") {
        return Some(Literal::Infinite { negative });
    }
    if b.eq_ignore_ascii_case(b"nan") {
        return Some(Literal::Nan);
    }
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(b);
    let mut i = int;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        frac = digits(&b[i + 1..]);
        i += 1 + frac;
    }
    if int + frac == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = digits(&b[i..]);
        if exp == 0 {
            return None;
        }
        i += exp;
    }
    (i == b.len()).then_some(Literal::Finite)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The grammar accepts exactly what `f64::from_str` accepts.
    fn agrees(s: &str) {
        let rust = s.parse::<f64>().ok();
        assert_eq!(literal(s).is_some(), rust.is_some(), "{s:?}");
        if let (Some(kind), Some(v)) = (literal(s), rust) {
            let want = if v.is_nan() {
                Literal::Nan
            } else if v.is_infinite() && !s.to_ascii_lowercase().contains('e') {
                Literal::Infinite { negative: v < 0.0 }
            } else {
                Literal::Finite
            };
            assert_eq!(kind, want, "{s:?}");
        }
        assert_eq!(
            parse_f64(s).map(f64::to_bits),
            rust.map(f64::to_bits),
            "{s:?}"
        );
    }

    #[test]
    fn edge_cases_agree_with_from_str() {
        for s in [
            "",
            "+",
            "-",
            ".",
            "+.",
            "-.",
            "e",
            "1e",
            "1e+",
            "1e-",
            "e5",
            ".e5",
            "1.e5",
            ".5e-3",
            "5.",
            "-5.",
            "+.5",
            "0",
            "-0",
            "+0",
            "007",
            "1_000",
            "1,5",
            " 1",
            "1 ",
            "1e5 ",
            "1E5",
            "1e+05",
            "1e-400",
            "1e400",
            "-1e400",
            "inf",
            "-inf",
            "+inf",
            "INF",
            "Infinity",
            "-infinity",
            "infinit",
            "infinityx",
            "nan",
            "NaN",
            "-nan",
            "+NaN",
            "nana",
            "0x10",
            "1.2.3",
            "1e5e5",
            "1..2",
            "--1",
            "+-1",
            "١",
            "１",
            "1\u{0}",
            "123456789012345678901234567890",
            "2.2250738585072011e-308",
            "4.9e-324",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
        ] {
            agrees(s);
        }
    }

    proptest! {
        #[test]
        fn random_texts_agree_with_from_str(s in "[-+]?[0-9]{0,3}[.]?[0-9]{0,3}([eE][-+]?[0-9]{0,3})?[a-z .]?") {
            agrees(&s);
        }

        #[test]
        fn printed_floats_agree(v in any::<f64>()) {
            agrees(&v.to_string());
            agrees(&format!("{v:e}"));
        }
    }
}
