//! Where the data come from: the `#preset` picker, a paper preset's card with the
//! anchor of its relative projection, and the attribution of the real NMT data.

use leptos::ev;
use leptos::prelude::*;
use scalefit_core::parse::Metric;
use scalefit_core::presets::{Preset, NMT_REAL_ATTRIBUTION, PRESETS};

use crate::components::input::fields::{follow, text_field};
use crate::controls::{AnchorField, DataControl};
use crate::dom;
use crate::format::exponent;
use crate::markup::Html;
use crate::state::Ctx;
use crate::view_model;
use crate::workspace::{anchor_of, Source};

/// The anchor's error label (it says "Accuracy" under that metric; written in
/// [`anchor_html`]).
const ANCHOR_ERROR_LABEL: &str = "anchor-error-label";
/// Where the anchor's hint names the preset's unit.
const ANCHOR_UNIT: &str = "anchor-unit";

/// The label of a source in `#preset`.
fn source_label(s: Source) -> &'static str {
    match s {
        Source::Custom => "Your own data",
        Source::RealNmt => "Example: real NMT learning curves",
        Source::Paper(p) => p.label,
    }
}

/// `#preset`: the user's data, the real NMT curves, or a domain of the paper.
#[component]
pub fn SourcePicker(ctx: Ctx) -> impl IntoView {
    let html = Memo::new(move |_| {
        let current = ctx.ws.with(|w| w.source().id());
        let mut h = Html::new();
        let papers: Vec<(&str, &str)> = PRESETS
            .iter()
            .map(|p| (p.id, source_label(Source::Paper(p))))
            .collect();
        h.options(
            &[Source::Custom, Source::RealNmt].map(|s| (s.id(), source_label(s))),
            current,
        )
        .tag("<optgroup label=\"Hestness et al. 2017 domains\">")
        .options(&papers, current)
        .tag("</optgroup>");
        h.finish()
    });
    let pick = move |e: ev::Event| {
        let id = event_target_value(&e);
        ctx.ws.update(|w| w.select_source(&id));
    };
    let id = DataControl::Source.id();
    view! {
        <div class="field">
            <label for="preset">"Source"</label>
            <select id=id on:change=pick inner_html=html></select>
        </div>
    }
}

/// The card of a paper preset: what it is, its exponents, its source, and the anchor
/// of the relative projection (the three fields work like the model card's).
#[component]
pub fn PresetCard(ctx: Ctx) -> impl IntoView {
    let preset = move || ctx.ws.with(|w| w.source().paper());
    let card = Memo::new(move |_| preset().map(preset_card_html).unwrap_or_default());
    Effect::new(move |_| {
        let (anchor, accuracy) = ctx
            .ws
            .with(|w| (w.anchor(), w.state.metric == Metric::Accuracy));
        let Some(a) = anchor else { return };
        for (field, v) in [
            (AnchorField::M, Some(a.m)),
            (AnchorField::Error, Some(a.error)),
            (AnchorField::ModelSize, a.model_size),
        ] {
            follow(field.id(), &|t| text_field(t) == v, &|| {
                view_model::field_text(v)
            });
        }
        dom::set_text(
            ANCHOR_ERROR_LABEL,
            if accuracy { "Accuracy" } else { "Error" },
        );
        dom::set_text(ANCHOR_UNIT, preset().map_or("", |p| p.unit));
    });
    let on_input = move |e: ev::Event| {
        let Some(el) = dom::target::<web_sys::HtmlInputElement>(&e) else {
            return;
        };
        let Some(field) = AnchorField::from_id(&el.id()) else {
            return;
        };
        let v = text_field(&el.value());
        ctx.ws.update(|w| {
            let Some(mut a) = anchor_of(&w.state) else {
                return;
            };
            match (field, v) {
                (AnchorField::M, Some(v)) => a.m = v,
                (AnchorField::Error, Some(v)) => a.error = v,
                (AnchorField::ModelSize, v) => a.model_size = v,
                _ => return,
            }
            w.state.anchor = Some(a);
        });
    };
    view! {
        <div class="slot" inner_html=card></div>
        <fieldset
            class="anchor"
            hidden=move || preset().is_none()
            on:input=on_input
            inner_html=anchor_html()
        ></fieldset>
    }
}

/// The anchor fields' markup: static, with the ids of [`AnchorField`] (as text, like
/// the model card's, so the ids need no literal).
fn anchor_html() -> String {
    let mut h = Html::new();
    h.tag("<legend>Your current point</legend><p class=\"hint\">Projections are relative to where you are now: the preset's exponent through your current data size and error. Prefilled with an illustrative point in <span id=\"")
        .tag(ANCHOR_UNIT)
        .tag("\"></span>.</p><div class=\"grid-3\">");
    for (field, label, extra) in [
        (AnchorField::M, "\">Data size m", "\">"),
        (
            AnchorField::Error,
            "\" id=\"anchor-error-label\">Error",
            "\">",
        ),
        (
            AnchorField::ModelSize,
            "\">Model size",
            "\" placeholder=\"optional\">",
        ),
    ] {
        h.tag("<div class=\"field\"><label for=\"")
            .tag(field.id())
            .tag(label)
            .tag("</label><input id=\"")
            .tag(field.id())
            .tag("\" type=\"text\" inputmode=\"decimal\" autocomplete=\"off\" spellcheck=\"false")
            .tag(extra)
            .tag("</div>");
    }
    h.tag("</div>");
    h.finish()
}

/// What a paper preset is: its domain, metric, exponents, trend, explanation, source.
fn preset_card_html(p: &Preset) -> String {
    let mut h = Html::new();
    h.el(
        "<div class=\"preset-card\" aria-live=\"polite\"><h3>",
        p.domain,
        "</h3>",
    )
    .el(
        "<dl class=\"facts\"><dt>Metric</dt><dd>",
        p.metric,
        "</dd><dt>",
    )
    .symbol("β_g")
    .el("</dt><dd class=\"num\">", &exponent(p.beta_g), "</dd><dt>")
    .symbol("β_p")
    .el(
        "</dt><dd class=\"num\">",
        &p.beta_p.map(exponent).unwrap_or_else(|| "n/a".into()),
        "</dd>",
    )
    .el("<dt>Reported</dt><dd>", p.trend, "</dd></dl>")
    .el("<p class=\"explanation\">", p.explanation, "</p>")
    .el(
        "<p class=\"citation\">Source: <cite>",
        &p.citation(),
        "</cite></p></div>",
    );
    h.finish()
}

/// The attribution of the real NMT data, shown whenever they are.
#[component]
pub fn RealDataNote(ctx: Ctx) -> impl IntoView {
    let hidden = move || ctx.ws.with(|w| w.source() != Source::RealNmt);
    view! {
        <p class="attribution" id="nmt-attribution" hidden=hidden>
            <strong>"Real data. "</strong>
            {NMT_REAL_ATTRIBUTION}
            " Rows with Training = 0 are held out and predicted by the backtest."
        </p>
    }
}
