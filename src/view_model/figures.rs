//! The numbers of the results cards (`#beta-g`, `#beta-p`, `#proj-data`,
//! `#proj-model`), from a fit or from a paper preset's relative projection.

use scalefit_core::analysis::Analysis;
use scalefit_core::permalink::State;
use scalefit_core::presets::Preset;
use scalefit_core::project::Reach;
use scalefit_core::rules::{self, NumberStyle};
use scalefit_core::session;

use super::{blank, figure, Figure};
use crate::format::{exponent, interval, multiplier, num};
use crate::workspace::Source;

/// The relative projection of a paper preset shown without data: the core's, the
/// same numbers the CLI prints for the same state.
pub use scalefit_core::session::RelativeProjection as Relative;

/// How the page writes the numbers of a shared sentence: `3.54×`, `1.2 × 10⁶`.
pub const PAGE_NUMBERS: NumberStyle = NumberStyle {
    num,
    times: multiplier,
};

/// The relative projection of `state`: only for a paper preset with no data of its own.
pub fn relative(state: &State) -> Option<Relative> {
    let p = Source::of(state).paper()?;
    if !state.text.trim().is_empty() {
        return None;
    }
    Some(session::relative_projection(
        state,
        p,
        &rules::anchor_of(state, p),
    ))
}

/// Plain sentence of a relative projection, when a target is set.
pub fn relative_sentence(r: &Relative) -> Option<String> {
    rules::relative_sentence(&PAGE_NUMBERS, r)
}

/// `#beta-g`: the fitted exponent, else the preset's.
pub fn beta_g(a: Option<&Analysis>, preset: Option<&Preset>) -> Figure {
    if let Some(a) = a {
        let i = a.fit.form.beta_index();
        if let Some(&b) = a.fit.params.get(i) {
            let mut f = figure(exponent(b), b, ci_note(a, i, exponent));
            f.ci = a.ci95(i).map(|(lo, hi)| format!("{lo},{hi}"));
            return f;
        }
    }
    match preset {
        Some(p) => figure(exponent(p.beta_g), p.beta_g, "reported in the paper".into()),
        None => blank("—", "paste data to fit"),
    }
}

/// `#beta-g` in the family view: the exponent the shared fit gives every series.
pub fn beta_g_shared(b: f64) -> Figure {
    figure(exponent(b), b, "shared by the series shown".into())
}

/// `#beta-p`: the fitted model-size exponent, else the preset's, else "n/a".
pub fn beta_p(a: Option<&Analysis>, preset: Option<&Preset>) -> Figure {
    if let Some(sf) = a.and_then(|a| a.size_fit.as_ref()) {
        let note = match sf.ci95 {
            Some([_, ci]) => format!("95% CI {}", interval(ci, exponent)),
            None => format!("fitted to {} model sizes", sf.n),
        };
        return figure(exponent(sf.beta_p), sf.beta_p, note);
    }
    match preset {
        Some(p) => match p.beta_p {
            Some(b) => figure(exponent(b), b, "reported in the paper".into()),
            None => blank("n/a", "not reported for this domain"),
        },
        None => blank("n/a", "add a model-size column to fit it"),
    }
}

pub(super) fn ci_note(a: &Analysis, i: usize, f: fn(f64) -> String) -> String {
    if a.fit.held.get(i) == Some(&true)
        && a.fit
            .user_fixed
            .iter()
            .any(|n| a.fit.form.param_index(n) == Some(i))
    {
        return "held by you".into();
    }
    match a.ci95(i) {
        Some(ci) => format!("95% CI {}", interval(ci, f)),
        None if a.options.bootstrap == 0 => "intervals off (bootstrap 0)".into(),
        None if a.bootstrap.is_some() => "interval unavailable".into(),
        None => "interval: bootstrapping…".into(),
    }
}

/// `#proj-data`: the data size the target needs.
pub fn proj_data(a: Option<&Analysis>, rel: Option<&Relative>) -> Figure {
    if let Some(p) = a.and_then(|a| a.projection.as_ref()) {
        return match (p.reach, p.data_size) {
            (Reach::Unreachable, _) | (_, None) => blank(
                "unreachable",
                &format!("the curve levels off at {}", num(p.limit)),
            ),
            (Reach::AlreadyMet, Some(m)) => figure(num(m), m, "already met at this size".into()),
            (Reach::Reachable, Some(m)) => {
                let mut note = p
                    .data_multiplier
                    .map(|x| format!("{} the largest size", multiplier(x)))
                    .unwrap_or_default();
                if let Some(ci) = p.data_size_ci95 {
                    note = format!("{note} · 95% CI {}", interval(ci, num));
                }
                figure(num(m), m, note)
            }
        };
    }
    if let Some(r) = rel {
        if r.target_error.is_some() {
            return match (r.data_multiplier, r.data_size) {
                (Some(x), Some(m)) if x <= 1.0 => {
                    figure(num(m), m, "already met at your current point".into())
                }
                (Some(x), Some(m)) => figure(
                    num(m),
                    m,
                    format!("{} your current {}", multiplier(x), r.preset.unit),
                ),
                _ => blank("unreachable", "cannot project from this anchor"),
            };
        }
    }
    blank("—", "set a target")
}

/// `#proj-model`: the model size at the target, or its multiplier when no current
/// size is known.
pub fn proj_model(a: Option<&Analysis>, rel: Option<&Relative>) -> Figure {
    let (size, ci, mult) = match (a.and_then(|a| a.projection.as_ref()), rel) {
        (Some(p), _) => (p.model_size, p.model_size_ci95, p.model_multiplier),
        (None, Some(r)) if r.target_error.is_some() => (r.model_size, None, r.model_multiplier),
        _ => return blank("—", "set a target"),
    };
    if let Some(s) = size {
        let mut note = mult
            .map(|k| format!("{} today's size", multiplier(k)))
            .unwrap_or_default();
        if let Some(ci) = ci {
            note = format!("{note} · 95% CI {}", interval(ci, num));
        }
        let mut f = figure(num(s), s, note);
        f.kind = Some("size");
        return f;
    }
    if let Some(k) = mult {
        let mut f = figure(
            multiplier(k),
            k,
            "larger model (give your current size for parameters)".into(),
        );
        f.kind = Some("multiplier");
        return f;
    }
    blank("n/a", "needs a model-size column or a preset with beta_p")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::nmt_analysis;
    use super::*;
    use scalefit_core::parse::Metric;
    use scalefit_core::permalink::Anchor;
    use scalefit_core::presets::preset;

    #[test]
    fn figures_carry_unrounded_values() {
        let (_, _, a) = nmt_analysis(Some(0.3));
        let b = beta_g(Some(&a), None);
        let raw: f64 = b.value.as_deref().unwrap().parse().unwrap();
        assert_eq!(raw, a.fit.params[a.fit.form.beta_index()]);
        assert_eq!(b.text, format!("{raw:.3}"));
        assert!(b.note.starts_with("95% CI"), "{}", b.note);
        let p = beta_p(Some(&a), None);
        assert_eq!((p.text.as_str(), p.value.as_ref()), ("n/a", None));
        let d = proj_data(Some(&a), None);
        let want = a.projection.as_ref().unwrap().data_size;
        assert_eq!(d.value.map(|v| v.parse::<f64>().unwrap()), want);
    }

    #[test]
    fn preset_figures() {
        let p = preset("imagenet-top1").unwrap();
        let b = beta_g(None, Some(p));
        assert_eq!(
            (b.text.as_str(), b.value.as_deref()),
            ("-0.309", Some("-0.309"))
        );
        let bp = beta_p(None, Some(p));
        assert_eq!(bp.value.as_deref(), Some("0.573"));
        let nmt = preset("nmt").unwrap();
        assert_eq!(beta_p(None, Some(nmt)).text, "n/a");
    }

    #[test]
    fn relative_projection_matches_the_formulas() {
        let mut s = State {
            preset: Some("imagenet-top1".into()),
            target: Some(0.2),
            ..State::default()
        };
        s.anchor = Some(Anchor {
            m: 1e6,
            error: 0.24,
            model_size: Some(2.5e7),
        });
        let r = relative(&s).unwrap();
        let x = (0.2f64 / 0.24).powf(1.0 / -0.309);
        assert!((r.data_multiplier.unwrap() / x - 1.0).abs() < 1e-12);
        assert_eq!(r.data_size, Some(r.data_multiplier.unwrap() * 1e6));
        let k = x.powf(0.573);
        assert!((r.model_size.unwrap() / (k * 2.5e7) - 1.0).abs() < 1e-12);
        assert!(relative_sentence(&r).unwrap().contains("more data"));
        let f = proj_model(None, Some(&r));
        assert_eq!(f.kind, Some("size"));
        // Accuracy in percent: 80% accuracy is a 20% error.
        s.metric = Metric::Accuracy;
        s.target = Some(80.0);
        s.anchor = Some(Anchor {
            m: 1e6,
            error: 76.0,
            model_size: None,
        });
        let r = relative(&s).unwrap();
        assert!((r.data_multiplier.unwrap() / x - 1.0).abs() < 1e-9);
        assert_eq!(proj_model(None, Some(&r)).kind, Some("multiplier"));
        // With data of its own, a preset is not relative.
        s.text = "1,2".into();
        assert!(relative(&s).is_none());
    }
}
