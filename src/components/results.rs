//! The results: `#fit-message`, the four key figures, the fitted formula with its
//! intervals, the projection, the model comparison, the backtest, the regions of a
//! three-region fit and the fit-health list.
//!
//! All of it is display only and replaced whole when the analysis changes, so it is
//! written as HTML text ([`crate::markup`]) into a few slots: the functions below are
//! plain (natively tested), and each slot is one memo of its text.

use leptos::prelude::*;
use scalefit_core::analysis::Analysis;
use scalefit_core::presets::QUICK_START;

use crate::dom;
use crate::format::{prettify, sentence};
use crate::markup::Html;
use crate::runner::Progress;
use crate::state::Ctx;
use crate::view_model::{self, Figure, Message, Part, Relative};
use crate::workspace::Source;

/// Everything under the results heading, above the plots.
#[component]
pub fn ResultsPanel(ctx: Ctx) -> impl IntoView {
    let summary = Memo::new(move |_| {
        ctx.analysis.with(|a| {
            ctx.relative
                .with(|r| summary_text(a.as_ref(), r.as_ref()).unwrap_or_default())
        })
    });
    let messages = ctx.messages;
    let empty = move || {
        ctx.ws
            .with(|w| w.source() == Source::Custom && w.state.text.trim().is_empty())
    };
    let figures = Memo::new(move |_| {
        let preset = ctx.settled.with(|s| Source::of(s).paper());
        let shared = ctx.family.with(|f| match f {
            Some(Ok(f)) => view_model::family::shared_beta_g(f),
            _ => None,
        });
        ctx.analysis.with(|a| {
            ctx.relative
                .with(|r| figures_html(a.as_ref(), r.as_ref(), preset, shared))
        })
    });
    // The quick-start buttons name their source; one listener serves them all.
    let pick = move |e: leptos::ev::MouseEvent| {
        let id = dom::target::<web_sys::Element>(&e)
            .and_then(|el| el.closest("[data-source]").ok().flatten())
            .and_then(|el| el.get_attribute("data-source"));
        if let Some(id) = id {
            ctx.ws.update(|w| w.select_source(&id));
        }
    };
    view! {
        <section class="card results-card" aria-labelledby="results-heading">
            <div class="card-head">
                <h2 id="results-heading">"Results"</h2>
                <div class="slot" id="bootstrap-slot"></div>
            </div>
            <p class="summary" inner_html=summary></p>
            <div id="fit-message" class="messages" role="status" aria-live="polite" inner_html=messages></div>
            <div class="quick-start" hidden=move || !empty() on:click=pick>
                <span>"Try it:"</span>
                {QUICK_START
                    .map(|(id, label)| {
                        view! {
                            <button type="button" class="btn btn-small" data-source=id>
                                {label}
                            </button>
                        }
                    })
                    .into_iter()
                    .collect_view()}
            </div>
            <div class="slot" inner_html=figures></div>
        </section>
    }
}

/// The fitted formula, parameters, comparison, backtest, regions.
#[component]
pub fn FitDetails(ctx: Ctx) -> impl IntoView {
    let html = Memo::new(move |_| {
        ctx.analysis
            .with(|a| a.as_ref().map(fit_details_html).unwrap_or_default())
    });
    view! { <div class="slot" inner_html=html></div> }
}

/// Shows the bootstrap's progress (`None`: nothing running) in its slot of the results
/// panel; it changes several times a second and nothing else reads it.
pub fn show_progress(progress: Option<Progress>) {
    dom::set_html("bootstrap-slot", &progress_html(progress));
}

/// The bootstrap's progress while it runs.
fn progress_html(progress: Option<Progress>) -> Html {
    let mut h = Html::new();
    let Some((done, total)) = progress else {
        return h;
    };
    let (done, total) = (done.to_string(), total.to_string());
    h.tag("<div class=\"progress\" id=\"bootstrap-progress\"><label for=\"bootstrap-meter\">Bootstrap</label><progress id=\"bootstrap-meter\"")
        .attr("max", Some(&total))
        .attr("value", Some(&done))
        .tag(">")
        .text(&done)
        .tag(" of ")
        .text(&total)
        .tag("</progress><span class=\"num\">")
        .text(&done)
        .tag("/")
        .text(&total)
        .tag("</span></div>");
    h
}

/// One line on what was fitted (or which paper preset is shown).
fn summary_text(a: Option<&Analysis>, r: Option<&Relative>) -> Option<String> {
    let mut h = Html::new();
    match (a, r) {
        (Some(a), _) => h.text(&view_model::summary(a)),
        (None, Some(r)) => h
            .text(r.preset.domain)
            .tag(": the paper's exponents, anchored at your current point."),
        (None, None) => return None,
    };
    Some(h.finish())
}

/// `#fit-message`'s list: every error and warning.
pub fn messages_html(msgs: &[Message]) -> String {
    if msgs.is_empty() {
        return String::new();
    }
    let mut h = Html::new();
    h.tag("<ul>");
    for m in msgs {
        h.tag("<li class=\"msg msg-")
            .tag(m.level.class())
            .tag("\">")
            .text(&m.text)
            .tag("</li>");
    }
    h.tag("</ul>");
    h.finish()
}

/// `#beta-g`, `#beta-p`, `#proj-data`, `#proj-model`, and the projection sentence.
fn figures_html(
    a: Option<&Analysis>,
    r: Option<&Relative>,
    preset: Option<&scalefit_core::presets::Preset>,
    shared_beta_g: Option<f64>,
) -> String {
    let mut h = Html::new();
    h.tag("<div class=\"figures\">");
    figure(
        &mut h,
        "beta-g\"",
        "β_g",
        "learning-curve exponent",
        shared_beta_g.map_or_else(|| view_model::beta_g(a, preset), view_model::beta_g_shared),
    );
    figure(
        &mut h,
        "beta-p\"",
        "β_p",
        "model-size exponent",
        view_model::beta_p(a, preset),
    );
    figure(
        &mut h,
        "proj-data\"",
        "Data for target",
        "training-set size m*",
        view_model::proj_data(a, r),
    );
    figure(
        &mut h,
        "proj-model\"",
        "Model for target",
        "parameters at m*",
        view_model::proj_model(a, r),
    );
    h.tag("</div>");
    let sentence = a
        .and_then(|a| a.projection.as_ref())
        .map(|p| prettify(&p.sentence))
        .or_else(|| r.and_then(view_model::relative_sentence));
    if let Some(s) = sentence {
        h.el(
            "<p class=\"projection-sentence\" id=\"projection-sentence\">",
            &s,
            "</p>",
        );
    }
    h.finish()
}

/// A key figure card: label, rounded value (with `data-value`), note. `id` ends with
/// the attribute's closing quote.
fn figure(h: &mut Html, id: &'static str, label: &str, sub: &str, f: Figure) {
    h.tag("<div class=\"figure\"><div class=\"figure-label\">")
        .symbol(label)
        .el("<span class=\"figure-sub\">", sub, "</span>")
        .tag("</div><div class=\"figure-value num\" id=\"")
        .tag(id)
        .attr("data-value", f.value.as_deref())
        .attr("data-kind", f.kind)
        .attr("data-ci", f.ci.as_deref())
        .el(">", &f.text, "</div>")
        .el("<div class=\"figure-note\">", &f.note, "</div></div>");
}

fn parts(h: &mut Html, parts: &[Part]) {
    for p in parts {
        match p {
            Part::Text(t) => h.el("<span>", t, "</span>"),
            Part::Sup(t) => h.tag("<sup>").symbol(t).tag("</sup>"),
        };
    }
}

/// The fit's cards: formula and parameters, regions, fit health; the model comparison;
/// the backtest.
fn fit_details_html(a: &Analysis) -> String {
    let mut h = Html::new();
    h.tag("<section class=\"card\" aria-labelledby=\"fit-heading\"><h2 id=\"fit-heading\">Fit</h2><p class=\"formula\" id=\"formula\">");
    parts(&mut h, &view_model::formula_fitted(a));
    h.tag("</p><p class=\"hint\">");
    parts(&mut h, &view_model::formula_symbolic(a.fit.form));
    h.text(&format!(
        " · {} loss · SSR {}",
        a.fit.loss.id(),
        crate::format::sig(a.fit.ssr, 4)
    ));
    h.tag("</p><div class=\"table-scroll\"><table class=\"data\" id=\"params\"><caption class=\"visually-hidden\">Fitted parameters with 95% bootstrap intervals</caption><thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\" class=\"num\">Value</th><th scope=\"col\" class=\"num\">95% interval</th><th scope=\"col\" class=\"meaning-head\">Meaning</th></tr></thead><tbody>");
    for r in view_model::param_rows(a) {
        h.tag("<tr><th scope=\"row\"")
            .attr("title", Some(r.meaning))
            .tag(">")
            .symbol(r.symbol)
            .el("<span class=\"param-name\">", r.name, "</span></th>")
            .tag("<td class=\"num\"")
            .attr("data-value", Some(&r.raw))
            .el(">", &r.value, "</td>")
            .el("<td class=\"num\">", &r.ci, "</td>")
            .el("<td class=\"meaning\">", r.meaning, "</td></tr>");
    }
    h.tag("</tbody></table></div>");
    if let Some(rs) = view_model::regions(a) {
        h.tag("<h3>Regions</h3><dl class=\"facts\" id=\"regions\">");
        for (name, range) in rs {
            h.el("<dt>", name, "</dt>")
                .el("<dd class=\"num\">", &range, "</dd>");
        }
        h.tag("</dl>");
    }
    h.tag("<h3>Fit health</h3>");
    if a.warnings.is_empty() {
        h.tag("<p class=\"ok\" id=\"health\">✓ No warnings: enough points, a wide enough range, every parameter and projection determined by the data.</p>");
    } else {
        h.tag("<ul class=\"health\" id=\"health\">");
        for w in &a.warnings {
            h.el("<li><code>", w.code, "</code> ")
                .text(&sentence(&prettify(&w.message)))
                .tag("</li>");
        }
        h.tag("</ul>");
    }
    h.tag("</section>");

    let comparison = view_model::comparison_rows(a);
    if comparison.len() > 1 {
        h.tag("<section class=\"card\" aria-labelledby=\"comparison-heading\"><h2 id=\"comparison-heading\">Model comparison</h2><p class=\"hint\">Every form the points allow, ranked by AICc (lower is better; ΔAICc above 2 is a meaningful difference, above 10 a decisive one).</p><div class=\"table-scroll\"><table class=\"data\" id=\"comparison\"><thead><tr><th scope=\"col\">Form</th><th scope=\"col\" class=\"num\">k</th><th scope=\"col\" class=\"num\">SSR</th><th scope=\"col\" class=\"num\">AICc</th><th scope=\"col\" class=\"num\">ΔAICc</th></tr></thead><tbody>");
        for c in comparison {
            h.tag(if c.chosen {
                "<tr class=\"chosen\">"
            } else {
                "<tr>"
            })
            .tag("<th scope=\"row\">")
            .text(c.form);
            if c.chosen {
                h.tag("<span class=\"badge\">chosen</span>");
            }
            if !c.note.is_empty() {
                h.el("<div class=\"hint\">", &c.note, "</div>");
            }
            h.tag("</th>");
            for v in [&c.k, &c.ssr, &c.aicc, &c.delta] {
                h.el("<td class=\"num\">", v, "</td>");
            }
            h.tag("</tr>");
        }
        h.tag("</tbody></table></div></section>");
    }

    if let Some(b) = view_model::backtest(a) {
        h.tag("<section class=\"card\" aria-labelledby=\"backtest-heading\"><h2 id=\"backtest-heading\">Backtest</h2>")
            .el("<p class=\"hint\">", &b.caption, "</p>")
            .tag("<div class=\"table-scroll\"><table class=\"data\" id=\"backtest\"><thead><tr><th scope=\"col\" class=\"num\">Held-out m</th><th scope=\"col\" class=\"num\">Observed</th><th scope=\"col\" class=\"num\">Predicted</th><th scope=\"col\" class=\"num\">Relative error</th></tr></thead><tbody>");
        for row in &b.rows {
            h.tag("<tr>");
            for v in row {
                h.el("<td class=\"num\">", v, "</td>");
            }
            h.tag("</tr>");
        }
        h.tag("</tbody></table></div><p>Mean absolute relative error: <strong class=\"num\" id=\"backtest-mare\"")
            .attr("data-value", Some(&b.mean_raw))
            .el(">", &b.mean, "</strong></p></section>");
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::Level;

    #[test]
    fn messages_are_escaped_and_classed() {
        let html = messages_html(&[
            Message::new(Level::Error, "Row 2: \"<b>x</b>\" is not a number."),
            Message::new(Level::Info, "ok"),
        ]);
        assert_eq!(
            html,
            "<ul><li class=\"msg msg-error\">Row 2: &quot;&lt;b&gt;x&lt;/b&gt;&quot; is not a number.</li><li class=\"msg msg-info\">ok</li></ul>"
        );
        assert_eq!(messages_html(&[]), "");
    }

    #[test]
    fn progress_shows_both_counts() {
        let html = progress_html(Some((40, 200))).finish();
        assert!(html.contains("max=\"200\" value=\"40\">40 of 200</progress>"));
        assert!(html.contains("<span class=\"num\">40/200</span>"));
        assert_eq!(progress_html(None).finish(), "");
    }

    #[test]
    fn empty_figures_keep_their_ids() {
        let html = figures_html(None, None, None, None);
        for id in ["beta-g", "beta-p", "proj-data", "proj-model"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id} in {html}");
        }
        assert!(!html.contains("projection-sentence"));
    }
}
