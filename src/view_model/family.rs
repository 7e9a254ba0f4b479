//! The family view (SPEC section 5): every series of the data analysed together, the
//! shared-exponent comparison, and what the legend, the table and the comparison card
//! show of it. The numbers are the core's (`scalefit_core::family::compare`).

use scalefit_core::family::{compare, Comparison, FamilyOptions, FamilyView, Series, Shared};
use scalefit_core::parse::{Metric, Parsed};
use scalefit_core::permalink::State;
use scalefit_core::session;

use crate::format::{exponent, multiplier, num};
use crate::markup::Html;

/// The most series drawn together; beyond, the series picker shows one at a time.
pub const MAX_SERIES: usize = 12;

/// A family analysed: every series, which are shown, and their comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// Every series of the data, in order of appearance (its index is its colour).
    pub series: Vec<Series>,
    /// Indices of the series shown (not hidden), in order.
    pub shown: Vec<usize>,
    /// The comparison of the shown series, or why there is none: the point results
    /// first, then (`crate::state`) with the bootstrap's intervals once it has run.
    pub comparison: Result<Comparison, String>,
    /// The shown series, as compared.
    pub members: Vec<Series>,
    /// The comparison's options, with the bootstrap's count (capped as the single
    /// path's) and seed: what the page's bootstrap runs with.
    pub options: FamilyOptions,
    /// The target as the sentence names it.
    pub target_label: Option<String>,
    /// The target as an error.
    pub target_error: Option<f64>,
}

/// What the state's data give in the family view: `None` when the view is off (a link
/// of format 1 or 2, or data without series), `Some(Err(n))` with more than
/// [`MAX_SERIES`] series, else the family.
#[cfg(test)]
pub fn family(state: &State, parsed: &Parsed) -> Option<Result<Family, usize>> {
    family_after(state, parsed, None)
}

/// The family of `state` and `parsed`, reusing `prev`'s comparison (the point results) when only the target
/// changed: the fits stay, the data needs are read again at the new target.
pub fn family_after(
    state: &State,
    parsed: &Parsed,
    prev: Option<&Family>,
) -> Option<Result<Family, usize>> {
    family_with(state, parsed, prev, |_, _| {})
}

/// [`family_after`], calling `before` with the members and the options just before
/// the fits are made (not when they are reused): the page cancels a bootstrap of
/// other inputs there, so its workers do not slow the fits down.
pub fn family_with(
    state: &State,
    parsed: &Parsed,
    prev: Option<&Family>,
    before: impl FnOnce(&[Series], &FamilyOptions),
) -> Option<Result<Family, usize>> {
    let view = state.family.as_ref()?;
    if parsed.groups.len() < 2 || parsed.points.is_empty() {
        return None;
    }
    if parsed.groups.len() > MAX_SERIES {
        return Some(Err(parsed.groups.len()));
    }
    let series = session::family_series(state, parsed);
    let shown: Vec<usize> = (0..series.len())
        .filter(|&i| !view.hidden.contains(&series[i].name))
        .collect();
    let members: Vec<Series> = shown.iter().map(|&i| series[i].clone()).collect();
    let mut options = session::family_options(state, parsed.percent);
    options.bootstrap = options.bootstrap.min(crate::state::MAX_BOOTSTRAP);
    // Point results here: the bootstrap follows in slices (`crate::state`).
    let point = FamilyOptions {
        bootstrap: 0,
        ..options.clone()
    };
    let same_fits = |p: &&Family| {
        p.members == members
            && FamilyOptions {
                target_error: options.target_error,
                ..p.options.clone()
            } == options
    };
    let comparison = match prev.filter(same_fits) {
        Some(p) => p
            .comparison
            .clone()
            .map(|c| c.with_target(options.target_error)),
        None => {
            before(&members, &options);
            compare(&members, &point).map_err(|e| e.to_string())
        }
    };
    let target_label = options.target_error.map(|t| {
        let word = match state.metric {
            Metric::Error => "error",
            Metric::Accuracy => "accuracy",
        };
        format!("a target {word} of {}", num(state.target.unwrap_or(t)))
    });
    Some(Ok(Family {
        series,
        shown,
        comparison,
        members,
        target_error: options.target_error,
        options,
        target_label,
    }))
}

/// `view` with series `name` hidden or shown again.
pub fn toggle(view: &FamilyView, name: &str) -> FamilyView {
    let mut v = view.clone();
    if let Some(at) = v.hidden.iter().position(|h| h == name) {
        v.hidden.remove(at);
    } else {
        v.hidden.push(name.to_owned());
    }
    v
}

/// The shared beta_g of the family, when compared.
pub fn shared_beta_g(f: &Family) -> Option<f64> {
    f.comparison.as_ref().ok().map(|c| c.shared_fit.beta_g)
}

/// The separate fit of series `i` (an index into `f.series`), when it was compared.
pub fn separate_fit(f: &Family, i: usize) -> Option<&scalefit_core::fit::Fit> {
    let c = f.comparison.as_ref().ok()?;
    let k = f.shown.iter().position(|&s| s == i)?;
    let at = c.included.iter().position(|&j| j == k)?;
    c.separate.get(at)
}

/// The bootstrap's refits of series `i`'s separate fit (an index into `f.series`):
/// empty until the bootstrap is in, or when the series was not compared.
pub fn separate_draws(f: &Family, i: usize) -> &[Vec<f64>] {
    let Ok(c) = f.comparison.as_ref() else {
        return &[];
    };
    f.shown
        .iter()
        .position(|&s| s == i)
        .and_then(|k| c.included.iter().position(|&j| j == k))
        .and_then(|at| c.bootstrap.series_params.get(at))
        .map_or(&[], Vec::as_slice)
}

/// The legend: one toggle per series (`aria-pressed` when shown), in its colour.
pub fn legend_html(f: &Family) -> Html {
    let mut h = Html::new();
    h.tag("<div class=\"family-legend\" role=\"group\" aria-label=\"Series shown\">");
    for (i, s) in f.series.iter().enumerate() {
        let shown = f.shown.contains(&i);
        let idx = i.to_string();
        h.tag("<button type=\"button\" class=\"btn btn-small series-toggle\"")
            .attr("data-series", Some(&s.name))
            .attr("data-color", Some(&idx))
            .tag(if shown {
                " aria-pressed=\"true\">"
            } else {
                " aria-pressed=\"false\">"
            })
            .tag("<span class=\"swatch\" aria-hidden=\"true\"></span>")
            .text(&s.name)
            .tag("</button>");
    }
    h.tag("</div>");
    h
}

/// The table of each shown series' separate fit.
pub fn table_html(f: &Family) -> Html {
    let mut h = Html::new();
    let form = f.comparison.as_ref().ok().map(|c| c.form);
    h.tag("<div class=\"table-wrap\"><table class=\"params\" id=\"family-table\"><caption>Each series fitted on its own, with 95% intervals from the resamples within it</caption><thead><tr><th scope=\"col\">series</th><th scope=\"col\">points</th>");
    if let Some(form) = form {
        for p in form.param_names() {
            h.tag("<th scope=\"col\">").symbol(p).tag("</th>");
        }
        h.tag("<th scope=\"col\">m at target</th>");
    }
    h.tag("</tr></thead><tbody>");
    for &i in &f.shown {
        let s = &f.series[i];
        let idx = i.to_string();
        h.tag("<tr")
            .attr("data-color", Some(&idx))
            .tag("><th scope=\"row\"><span class=\"swatch\" aria-hidden=\"true\"></span>")
            .text(&s.name)
            .tag("</th><td class=\"num\">")
            .text(&s.m.len().to_string())
            .tag("</td>");
        let fit = separate_fit(f, i);
        if let (Some(form), Ok(c)) = (form, &f.comparison) {
            let at = f
                .shown
                .iter()
                .position(|&s| s == i)
                .and_then(|k| c.included.iter().position(|&j| j == k));
            let cis = at.and_then(|a| c.bootstrap.series_ci95.get(a));
            match fit {
                Some(fit) => {
                    for (p, (name, &v)) in form.param_names().iter().zip(&fit.params).enumerate() {
                        h.tag("<td class=\"num\"")
                            .attr("data-param", Some(name))
                            .attr("data-value", Some(&format!("{v}")));
                        h.tag(">").text(&num(v));
                        if let Some((lo, hi)) = cis.and_then(|c| c.get(p).copied().flatten()) {
                            let fmt = if *name == "beta_g" { exponent } else { num };
                            h.tag("<span class=\"ci\"")
                                .attr("data-lo", Some(&format!("{lo}")))
                                .attr("data-hi", Some(&format!("{hi}")))
                                .tag(">")
                                .text(&interval(lo, hi, fmt))
                                .tag("</span>");
                        }
                        h.tag("</td>");
                    }
                }
                None => {
                    for _ in form.param_names() {
                        h.tag("<td>—</td>");
                    }
                }
            }
            let need = at.and_then(|a| c.needs.get(a)).and_then(|n| n.data_size);
            h.tag("<td class=\"num\">")
                .text(&need.map_or("—".into(), num))
                .tag("</td>");
        }
        h.tag("</tr>");
    }
    h.tag("</tbody></table></div>");
    h
}

/// The comparison card `#family-comparison`: verdict, sentence, F-test, AICc, the shared
/// exponent (`#beta-g-shared`), the `#shared` select and the data needs at the target.
pub fn comparison_html(f: &Family, shared: Shared, shared_id: &'static str) -> Html {
    let mut h = Html::new();
    h.tag("<div class=\"family-comparison\" id=\"family-comparison\"><h3>One exponent for every series?</h3>");
    h.tag("<p><label for=\"")
        .tag(shared_id)
        .tag("\">Shared across series</label> <select id=\"")
        .tag(shared_id)
        .tag("\">");
    let options: Vec<(&str, &str)> = Shared::ALL
        .iter()
        .map(|s| {
            (
                s.id(),
                match s {
                    Shared::BetaG => "β_g (exponent)",
                    Shared::BetaGGamma => "β_g and γ (exponent and floor)",
                },
            )
        })
        .collect();
    h.options(&options, shared.id()).tag("</select></p>");
    let c = match &f.comparison {
        Ok(c) => c,
        Err(e) => {
            h.tag("<p class=\"msg msg-warning\" id=\"family-error\">")
                .text(&crate::format::sentence(&format!("No comparison: {e}")))
                .tag("</p></div>");
            return h;
        }
    };
    let names: Vec<String> = f.shown.iter().map(|&i| f.series[i].name.clone()).collect();
    let verdict = if c.consistent {
        "Consistent: one exponent fits"
    } else {
        "The exponents differ"
    };
    h.tag("<p class=\"verdict\"")
        .attr(
            "data-consistent",
            Some(if c.consistent { "true" } else { "false" }),
        )
        .tag(">")
        .text(verdict)
        .tag("</p><p class=\"family-sentence\" id=\"family-sentence\">")
        .text(&scalefit_core::family::sentence(
            c,
            &names,
            f.target_label.as_deref(),
        ))
        .tag("</p><dl class=\"family-stats\"><dt>shared ")
        .symbol("beta_g")
        .tag("</dt><dd class=\"num\" id=\"beta-g-shared\"")
        .attr("data-value", Some(&format!("{}", c.shared_fit.beta_g)))
        .tag(">")
        .text(&exponent(c.shared_fit.beta_g))
        .tag("</dd><dt>F-test p</dt><dd class=\"num\" id=\"family-p\"")
        .attr("data-value", Some(&format!("{}", c.p_value)))
        .tag(">")
        .text(&num(c.p_value))
        .tag("</dd><dt>AICc separate</dt><dd class=\"num\" id=\"aicc-separate\"")
        .attr("data-value", Some(&format!("{}", c.aicc_separate)))
        .tag(">")
        .text(&num(c.aicc_separate))
        .tag("</dd><dt>AICc shared</dt><dd class=\"num\" id=\"aicc-shared\"")
        .attr("data-value", Some(&format!("{}", c.aicc_shared)))
        .tag(">")
        .text(&num(c.aicc_shared))
        .tag("</dd>");
    if let Some((lo, hi)) = c.bootstrap.beta_g {
        h.tag("<dt>shared ")
            .symbol("beta_g")
            .tag(" 95%</dt><dd class=\"num\" id=\"beta-g-shared-ci\"")
            .attr("data-lo", Some(&format!("{lo}")))
            .attr("data-hi", Some(&format!("{hi}")))
            .tag(">")
            .text(&interval(lo, hi, exponent))
            .tag("</dd>");
    }
    h.tag("<dt>form</dt><dd>")
        .text(c.form.id())
        .tag("</dd></dl>");
    let b = &c.bootstrap;
    if f.options.bootstrap == 0 {
        h.tag("<p class=\"hint\" id=\"family-intervals\">Point estimates: intervals are off (bootstrap 0 in the settings).</p>");
    } else if b.requested == 0 {
        h.tag("<p class=\"hint\" id=\"family-progress\" role=\"status\">Intervals: resampling within series…</p>");
    } else {
        let failed = if b.failed > 0 {
            format!("; {} failed and were left out", b.failed)
        } else {
            String::new()
        };
        h.tag("<p class=\"hint\" id=\"family-intervals\"")
            .attr("data-resamples", Some(&b.requested.to_string()))
            .tag(">")
            .text(&format!(
                "95% intervals from {} resamples of the points within each series (seed {}){failed}.",
                b.requested, f.options.seed
            ))
            .tag("</p>");
    }
    if !c.needs.is_empty() {
        h.tag("<table class=\"params\" id=\"family-needs\"><caption>Data needed at the target (shared fit)</caption><thead><tr><th scope=\"col\">series</th><th scope=\"col\">m*</th><th scope=\"col\">ratio</th><th scope=\"col\">ratio 95%</th></tr></thead><tbody>");
        let best = c.least_data();
        for (k, n) in c.needs.iter().enumerate() {
            let name = names.get(c.included[k]).map_or("", String::as_str);
            h.tag(if best == Some(k) {
                "<tr class=\"least\"><th scope=\"row\">"
            } else {
                "<tr><th scope=\"row\">"
            })
            .text(name)
            .tag(if best == Some(k) {
                " (least data)</th>"
            } else {
                "</th>"
            })
            .tag("<td class=\"num\">")
            .text(&n.data_size.map_or("unreachable".into(), num))
            .tag("</td><td class=\"num\"")
            .attr("data-value", n.ratio.map(|r| format!("{r}")).as_deref())
            .tag(">")
            .text(&n.ratio.map_or("—".into(), multiplier))
            .tag("</td>");
            interval_cell(
                &mut h,
                c.bootstrap.data_ratio.get(k).copied().flatten(),
                multiplier,
            );
            h.tag("</tr>");
        }
        h.tag("</tbody></table>");
    }
    if !c.excluded.is_empty() {
        h.tag("<p class=\"msg msg-warning\" id=\"family-excluded\">Left out of the comparison (drawn, not fitted together): ");
        for (i, (name, why)) in c.excluded.iter().enumerate() {
            if i > 0 {
                h.tag("; ");
            }
            h.el("<code>", name, "</code>").tag(" (").text(why).tag(")");
        }
        h.tag(".</p>");
    }
    h.tag("</div>");
    h
}

/// `[lo, hi]` in `fmt`.
fn interval(lo: f64, hi: f64, fmt: fn(f64) -> String) -> String {
    format!("[{}, {}]", fmt(lo), fmt(hi))
}

/// A table cell with an interval (its ends in `data-lo`, `data-hi`), or a dash.
fn interval_cell(h: &mut Html, ci: Option<(f64, f64)>, fmt: fn(f64) -> String) {
    match ci {
        Some((lo, hi)) => {
            h.tag("<td class=\"num\"")
                .attr("data-lo", Some(&format!("{lo}")))
                .attr("data-hi", Some(&format!("{hi}")))
                .tag(">")
                .text(&interval(lo, hi, fmt))
                .tag("</td>");
        }
        None => {
            h.tag("<td>—</td>");
        }
    }
}

/// The message with more series than the page draws together.
pub fn too_many_html(n: usize) -> Html {
    let mut h = Html::new();
    h.tag("<p class=\"msg msg-info\" id=\"family-too-many\">")
        .text(&format!(
            "The data hold {n} series; the page draws at most {MAX_SERIES} together. Showing one: pick it with the series picker."
        ))
        .tag("</p>");
    h
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use scalefit_core::family::FamilyOptions;

    /// The browser test's three series (tests/e2e/family.test.mjs).
    pub(crate) const THREE: &str = "m,error,model\n\
        1000,0.50,a\n2000,0.41,a\n4000,0.335,a\n8000,0.275,a\n16000,0.226,a\n\
        1000,0.40,b\n2000,0.33,b\n4000,0.27,b\n8000,0.222,b\n16000,0.18,b\n\
        1000,0.60,c\n2000,0.50,c\n4000,0.40,c\n8000,0.33,c\n16000,0.27,c\n";

    fn state(text: &str) -> State {
        State {
            text: text.into(),
            family: Some(FamilyView::default()),
            ..State::default()
        }
    }

    #[test]
    fn shared_exponent_is_the_cores() {
        let s = state(THREE);
        let p = session::parse_state(&s);
        let f = family(&s, &p).unwrap().unwrap();
        assert_eq!(f.series.len(), 3);
        // The core directly, with the page's options.
        let series = session::family_series(&s, &p);
        let c = compare(
            &series,
            &FamilyOptions {
                bootstrap: 0,
                ..session::family_options(&s, p.percent)
            },
        )
        .unwrap();
        let b = shared_beta_g(&f).unwrap();
        assert_eq!(b, c.shared_fit.beta_g);
        let html = comparison_html(&f, Shared::BetaG, "shared").finish();
        assert!(html.contains(&format!("data-value=\"{b}\"")), "{html}");
        // The value the browser test checks, printed for it.
        println!("beta_g shared = {b}");
        assert!((b - -0.287).abs() < 0.05, "{b}");
    }

    #[test]
    fn intervals_show_once_the_bootstrap_is_in() {
        let s = State {
            bootstrap: 40,
            target: Some(0.1),
            ..state(THREE)
        };
        let p = session::parse_state(&s);
        let mut f = family(&s, &p).unwrap().unwrap();
        assert_eq!(f.options.bootstrap, 40);
        let html = comparison_html(&f, Shared::BetaG, "shared").finish();
        assert!(html.contains("id=\"family-progress\""), "{html}");
        assert!(!html.contains("beta-g-shared-ci"), "{html}");
        let c = f.comparison.clone().unwrap();
        let draws = scalefit_core::family::bootstrap_draws(&f.members, &c, &f.options, 0..40);
        let full = c.with_bootstrap(draws, 40);
        // The CLI's path: the one-shot bootstrap of the same options.
        let cli = compare(&f.members, &f.options).unwrap();
        assert_eq!(full.bootstrap, cli.bootstrap);
        let (lo, hi) = full.bootstrap.beta_g.unwrap();
        f.comparison = Ok(full);
        let html = comparison_html(&f, Shared::BetaG, "shared").finish();
        assert!(
            html.contains(&format!("data-lo=\"{lo}\" data-hi=\"{hi}\"")),
            "{html}"
        );
        assert!(html.contains("40 resamples"), "{html}");
        // Every parameter's interval of every series (power: alpha and beta_g), and
        // every ratio's.
        let table = table_html(&f).finish();
        assert_eq!(
            table.matches("class=\"ci\" data-lo=").count(),
            3 * 2,
            "{table}"
        );
        assert_eq!(html.matches("data-lo=").count(), 1 + 3, "{html}");
        // Bootstrap 0: said, not pending.
        let s0 = State { bootstrap: 0, ..s };
        let f0 = family(&s0, &p).unwrap().unwrap();
        let html = comparison_html(&f0, Shared::BetaG, "shared").finish();
        assert!(html.contains("intervals are off"), "{html}");
    }

    #[test]
    fn a_target_edit_reuses_the_fits_and_equals_a_fresh_comparison() {
        let s = State {
            target: Some(0.1),
            ..state(THREE)
        };
        let p = session::parse_state(&s);
        let first = family(&s, &p).unwrap().unwrap();
        for t in [Some(0.05), None] {
            let s2 = State {
                target: t,
                ..s.clone()
            };
            let fresh = family(&s2, &p).unwrap().unwrap();
            assert_eq!(family_after(&s2, &p, Some(&first)).unwrap().unwrap(), fresh);
        }
        // Another seed or shared setting: compared afresh.
        let s3 = State {
            text: THREE.replace("0.18,b", "0.19,b"),
            ..s.clone()
        };
        let p3 = session::parse_state(&s3);
        assert_eq!(family_after(&s3, &p3, Some(&first)), family(&s3, &p3));
    }

    #[test]
    fn hidden_series_leave_the_comparison_and_names_stay_inert() {
        let text = THREE.replace(",c\n", ",<img src=x onerror=alert(1)>\n");
        let mut s = state(&text);
        let p = session::parse_state(&s);
        let f = family(&s, &p).unwrap().unwrap();
        let legend = legend_html(&f).finish();
        assert!(!legend.contains("<img"), "{legend}");
        assert!(legend.contains("&lt;img"), "{legend}");
        s.family = Some(toggle(&FamilyView::default(), "a"));
        let f = family(&s, &p).unwrap().unwrap();
        assert_eq!(f.shown, vec![1, 2]);
        assert_eq!(f.comparison.as_ref().unwrap().included.len(), 2);
        assert_eq!(
            toggle(s.family.as_ref().unwrap(), "a"),
            FamilyView::default()
        );
    }

    #[test]
    fn short_series_is_named_and_too_many_series_fall_back() {
        let text = format!("{THREE}1000,0.5,d\n2000,0.4,d\n");
        let s = state(&text);
        let p = session::parse_state(&s);
        let f = family(&s, &p).unwrap().unwrap();
        let html = comparison_html(&f, Shared::BetaG, "shared").finish();
        assert!(
            html.contains("family-excluded") && html.contains("<code>d</code>"),
            "{html}"
        );
        let many: String = (0..13)
            .flat_map(|g| {
                (0..3).map(move |k| format!("{},{},s{g}\n", 1000 << k, 0.5 - 0.1 * k as f64))
            })
            .collect();
        let s = state(&format!("m,error,model\n{many}"));
        let p = session::parse_state(&s);
        assert_eq!(family(&s, &p), Some(Err(13)));
        // No family view (a link of format 1 or 2): the single-series page.
        let s = State { family: None, ..s };
        assert_eq!(family(&s, &p), None);
    }
}
