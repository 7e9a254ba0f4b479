//! The family card: the legend that shows and hides series, the table of each series'
//! fit and the comparison card (`#family-comparison`). Display only, as HTML text from
//! `view_model::family`; one click and one change listener send the edits.

use leptos::prelude::*;
use scalefit_core::family::Shared;

use crate::controls::FamilyControl;
use crate::dom;
use crate::markup::Html;
use crate::state::Ctx;
use crate::view_model::family;

/// The family card (hidden without series).
#[component]
pub fn FamilyPanel(ctx: Ctx) -> impl IntoView {
    let several = move || ctx.parsed.with(|p| p.groups.len() >= 2);
    let html = Memo::new(move |_| {
        let shared = ctx
            .settled
            .with(|s| s.family.as_ref().map_or(Shared::BetaG, |f| f.shared));
        ctx.family.with(|f| panel_html(f.as_ref(), shared).finish())
    });
    let on_click = move |e: leptos::ev::MouseEvent| {
        let Some(el) = dom::target::<web_sys::Element>(&e) else {
            return;
        };
        if let Some(name) = el
            .closest("[data-series]")
            .ok()
            .flatten()
            .and_then(|b| b.get_attribute("data-series"))
        {
            ctx.next_change_at_once(true);
            ctx.ws.update(|w| {
                if let Some(v) = &w.state.family {
                    w.state.family = Some(family::toggle(v, &name));
                }
            });
            return;
        }
        match FamilyControl::from_id(&el.id()) {
            Some(FamilyControl::Single) => {
                let text = ctx.ws.with_untracked(|w| w.state.text.clone());
                ctx.single_for.set_value(Some(text));
                ctx.next_change_at_once(true);
                ctx.ws.update(|w| w.state.family = None);
            }
            Some(FamilyControl::All) => {
                ctx.single_for.set_value(None);
                ctx.next_change_at_once(true);
                ctx.ws.update(|w| w.state.family = Some(Default::default()));
            }
            Some(FamilyControl::Shared) | None => {}
        }
    };
    let on_change = move |e: leptos::ev::Event| {
        let Some(el) = dom::target::<web_sys::HtmlSelectElement>(&e) else {
            return;
        };
        if FamilyControl::from_id(&el.id()) != Some(FamilyControl::Shared) {
            return;
        }
        if let Some(shared) = Shared::from_id(&el.value()) {
            ctx.next_change_at_once(true);
            ctx.ws.update(|w| {
                if let Some(v) = &mut w.state.family {
                    v.shared = shared;
                }
            });
        }
    };
    view! {
        <section class="card family-card" id="family" aria-labelledby="family-heading" hidden=move || !several()>
            <div class="card-head">
                <h2 id="family-heading">"Series"</h2>
            </div>
            <div class="slot" inner_html=html on:click=on_click on:change=on_change></div>
        </section>
    }
}

/// The card's content: the family, the too-many message, or the way back to it.
fn panel_html(f: Option<&Result<family::Family, usize>>, shared: Shared) -> Html {
    let mut h = Html::new();
    match f {
        Some(Ok(f)) => {
            let drawn: Vec<&str> = f.shown.iter().map(|&i| f.series[i].name.as_str()).collect();
            // Series drawn with a band (the bootstrap's refits of their own fit).
            let banded = f
                .shown
                .iter()
                .filter(|&&i| !family::separate_draws(f, i).is_empty())
                .count();
            h.tag("<div class=\"family\" id=\"family-view\"")
                .attr("data-drawn", Some(&drawn.join("\u{1f}")))
                .attr("data-count", Some(&drawn.len().to_string()))
                .attr("data-banded", Some(&banded.to_string()))
                .tag(">");
            h.append(family::legend_html(f));
            h.append(family::table_html(f));
            h.append(family::comparison_html(
                f,
                shared,
                FamilyControl::Shared.id(),
            ));
            h.tag("<p><button type=\"button\" class=\"btn btn-small\" id=\"")
                .tag(FamilyControl::Single.id())
                .tag("\">Show one series</button></p></div>");
        }
        Some(Err(n)) => {
            h.append(family::too_many_html(*n));
        }
        None => {
            h.tag("<p class=\"hint\">One series is shown. <button type=\"button\" class=\"btn btn-small\" id=\"")
                .tag(FamilyControl::All.id())
                .tag("\">Show every series</button></p>");
        }
    }
    h
}
