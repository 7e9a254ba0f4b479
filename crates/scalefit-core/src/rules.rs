//! The rules the page and the CLI share, each written once: a preset's default anchor,
//! when an accuracy anchor is a percentage, the sentence of a projection, the grammar
//! of held parameters. Both front ends call these, so the page and the CLI agree by
//! construction; only how a number is written differs ([`NumberStyle`]).

use crate::model::PARAMS;
use crate::parse::{parse_number, Metric};
use crate::permalink::{Anchor, State};
use crate::presets::Preset;
use crate::project::fmt_num;
use crate::session::RelativeProjection;

/// The anchor of a preset's relative projection when the user gave none.
pub fn default_anchor(p: &Preset) -> Anchor {
    Anchor {
        m: p.anchor.0,
        error: p.anchor.1,
        model_size: None,
    }
}

/// The anchor a state projects from with preset `p`: its own, else the preset's.
pub fn anchor_of(state: &State, p: &Preset) -> Anchor {
    state.anchor.clone().unwrap_or_else(|| default_anchor(p))
}

/// Whether an anchor's value is a percentage: an accuracy above 1 (an error stays as
/// given, and an accuracy fraction is at most 1).
pub fn percent_anchor(metric: Metric, anchor: &Anchor) -> bool {
    metric == Metric::Accuracy && anchor.error > 1.0
}

/// How a front end writes the numbers of a sentence: the CLI writes `3.54x`, the page
/// `3.54×` with superscript exponents. The words around them are the same.
#[derive(Debug, Clone, Copy)]
pub struct NumberStyle {
    /// A value (an error, a data size).
    pub num: fn(f64) -> String,
    /// A multiplier, with its sign of times.
    pub times: fn(f64) -> String,
}

fn plain_times(x: f64) -> String {
    format!("{}x", fmt_num(x))
}

/// The CLI's and the JSON report's style: [`fmt_num`] and an ASCII `x`.
pub const PLAIN: NumberStyle = NumberStyle {
    num: fmt_num,
    times: plain_times,
};

/// "To reach an error of T you need about Xx more data (M UNIT), and a Kx larger model."
pub fn more_data_sentence(
    style: &NumberStyle,
    target: f64,
    data_multiplier: f64,
    data_size: f64,
    unit: &str,
    model_multiplier: Option<f64>,
) -> String {
    let model = model_multiplier
        .map(|k| format!(", and a {} larger model", (style.times)(k)))
        .unwrap_or_default();
    format!(
        "To reach an error of {} you need about {} more data ({} {unit}){model}.",
        (style.num)(target),
        (style.times)(data_multiplier),
        (style.num)(data_size),
    )
}

/// The sentence of a preset's relative projection, when a target is set.
pub fn relative_sentence(style: &NumberStyle, r: &RelativeProjection) -> Option<String> {
    let t = r.target_error?;
    Some(match (r.data_multiplier, r.data_size) {
        (Some(x), _) if x <= 1.0 => format!(
            "An error of {} is already met at your current point (error {}).",
            (style.num)(t),
            (style.num)(r.anchor_error)
        ),
        (Some(x), Some(m)) => more_data_sentence(style, t, x, m, r.preset.unit, r.model_multiplier),
        _ => format!(
            "An error of {} cannot be projected from this anchor (target and current error must be above 0).",
            (style.num)(t)
        ),
    })
}

/// Names of the parameters a user may hold, in table order.
pub fn held_names() -> Vec<&'static str> {
    PARAMS
        .iter()
        .filter(|p| p.holdable)
        .map(|p| p.name)
        .collect()
}

/// Parses held parameters: `gamma=0.39, beta_g=-0.3` (pieces split by `,`, `;` or a
/// new line; values as [`parse_number`] reads them, finite).
///
/// # Errors
/// A sentence naming the piece that is not `name=value` with a known name.
pub fn parse_held(s: &str) -> Result<Vec<(String, f64)>, String> {
    s.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|piece| {
            let (name, value) = piece
                .split_once('=')
                .ok_or_else(|| format!("\"{piece}\": write name=value, e.g. gamma=0.3"))?;
            let name = name.trim();
            let known = held_names();
            if !known.contains(&name) {
                return Err(format!(
                    "\"{name}\" is not a parameter (use {})",
                    known.join(", ")
                ));
            }
            let v = parse_number(value)
                .map(|(v, _)| v)
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("\"{}\" is not a number", value.trim()))?;
            Ok((name.to_string(), v))
        })
        .collect()
}

/// Inverse of [`parse_held`].
pub fn format_held(fixed: &[(String, f64)]) -> String {
    fixed
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn held(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(n, v)| (n.to_string(), *v)).collect()
    }

    #[track_caller]
    fn check(input: &str, expect: Result<&[(&str, f64)], &str>) {
        let got = parse_held(input);
        match expect {
            Ok(pairs) => assert_eq!(got, Ok(held(pairs)), "{input:?}"),
            Err(message) => assert_eq!(got, Err(message.to_string()), "{input:?}"),
        }
    }

    #[test]
    fn held_parameter_grammar() {
        check("", Ok(&[]));
        check(" ", Ok(&[]));
        check("gamma=0", Ok(&[("gamma", 0.0)]));
        check(
            "gamma=0.39, beta_g = -0.3",
            Ok(&[("gamma", 0.39), ("beta_g", -0.3)]),
        );
        check(
            "alpha=1;m0=2^10\neps0=0.5",
            Ok(&[("alpha", 1.0), ("m0", 1024.0), ("eps0", 0.5)]),
        );
        check("m0=10k", Ok(&[("m0", 10_000.0)]));
        check("gamma=1e-2,", Ok(&[("gamma", 0.01)]));
        check("gamma", Err("\"gamma\": write name=value, e.g. gamma=0.3"));
        check(
            "gama=1",
            Err(
                "\"gama\" is not a parameter (use alpha, beta_g, gamma, eps0, m0, m1, mb, delta_g, kappa)",
            ),
        );
        check(
            "sigma=1",
            Err("\"sigma\" is not a parameter (use alpha, beta_g, gamma, eps0, m0, m1, mb, delta_g, kappa)"),
        );
        check("gamma=x", Err("\"x\" is not a number"));
        check("gamma=", Err("\"\" is not a number"));
        check("gamma=inf", Err("\"inf\" is not a number"));
    }

    #[test]
    fn fixed_parameters() {
        assert_eq!(
            parse_held("gamma=0.39, beta_g = -0.3").unwrap(),
            vec![("gamma".to_string(), 0.39), ("beta_g".to_string(), -0.3)]
        );
        assert!(parse_held("gama=1")
            .unwrap_err()
            .contains("not a parameter"));
        assert!(parse_held("gamma").is_err());
        assert!(parse_held("gamma=x").is_err());
        assert_eq!(parse_held(" ").unwrap(), vec![]);
        let v = vec![("m0".to_string(), 1e5)];
        assert_eq!(parse_held(&format_held(&v)).unwrap(), v);
    }

    #[test]
    fn held_round_trips() {
        let v = held(&[("gamma", 0.1), ("beta_g", -0.3)]);
        assert_eq!(format_held(&v), "gamma=0.1, beta_g=-0.3");
        assert_eq!(parse_held(&format_held(&v)).unwrap(), v);
    }

    #[test]
    fn every_curve_parameter_is_in_the_table_and_holdable() {
        for form in crate::model::Form::ALL {
            for name in form.param_names() {
                assert!(
                    crate::model::param_info(name).is_some_and(|p| p.holdable),
                    "{name}"
                );
            }
        }
        assert_eq!(held_names().len(), 9);
    }

    #[test]
    fn percent_anchor_rule() {
        let a = |error| Anchor {
            m: 1e6,
            error,
            model_size: None,
        };
        assert!(percent_anchor(Metric::Accuracy, &a(80.0)));
        assert!(!percent_anchor(Metric::Accuracy, &a(0.8)));
        assert!(!percent_anchor(Metric::Error, &a(30.0)));
    }
}
