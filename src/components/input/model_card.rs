//! The "Model and target" card: metric, scale, model form, loss, target, and the
//! advanced settings (bootstrap count, seed, held parameters).

use leptos::ev;
use leptos::prelude::*;
use scalefit_core::model::{Loss, ModelChoice};
use scalefit_core::parse::{Metric, Scale};
use scalefit_core::rules;

use crate::components::input::fields::{follow, number_field};
use crate::controls::{select_options, ModelControl, Setting};
use crate::dom;
use crate::markup::Html;
use crate::state::{Ctx, MAX_BOOTSTRAP};
use crate::view_model;

/// The target's label (it says "Target accuracy" under that metric).
const TARGET_LABEL: &str = "target-label";
/// The target's note.
const TARGET_HINT: &str = "target-hint";
/// The bootstrap count's hint.
const BOOTSTRAP_HINT: &str = "bootstrap-hint";
/// The held parameters' hint, or their error.
const FIXED_HINT_ID: &str = "fixed-hint";
/// What the held parameters' hint says while they parse (the names the core's
/// grammar accepts).
fn fixed_hint() -> String {
    format!(
        "Parameters held at a value instead of fitted ({}).",
        rules::held_names().join(", ")
    )
}

/// The "Model and target" card: metric, scale, model form, loss, target and the
/// advanced settings (bootstrap count, seed, held parameters).
///
/// Its markup is static; one listener reads every control (by id) into the workspace,
/// and one effect writes the workspace back into the controls and the target's label
/// (a second one writes the target's note from the analysed state). A field is only
/// rewritten when what it holds means something else, so
/// typing `0.` or `1e` is never disturbed.
#[component]
pub fn ModelCard(ctx: Ctx) -> impl IntoView {
    Effect::new(move |_| {
        let (metric, scale, model, loss, target, boot, seed, fixed) = ctx.ws.with(|w| {
            let s = &w.state;
            (
                s.metric,
                s.scale.id(),
                s.model.id(),
                s.loss.id(),
                s.target,
                s.bootstrap,
                s.seed,
                s.fixed.clone(),
            )
        });
        for (c, v) in [
            (ModelControl::Metric, metric.id()),
            (ModelControl::Scale, scale),
            (ModelControl::Model, model),
            (ModelControl::Loss, loss),
        ] {
            if dom::value(c.id()).is_some_and(|cur| cur != v) {
                dom::set_value(c.id(), v);
            }
        }
        follow(
            ModelControl::Target.id(),
            &|t| number_field(t) == target,
            &|| view_model::field_text(target),
        );
        follow(
            Setting::Bootstrap.id(),
            &|t| number_field(t) == Some(f64::from(boot)),
            &|| boot.to_string(),
        );
        follow(
            Setting::Seed.id(),
            &|t| t.trim().parse::<u64>().ok() == Some(seed),
            &|| seed.to_string(),
        );
        if follow(
            Setting::Fixed.id(),
            &|t| rules::parse_held(t).ok().as_ref() == Some(&fixed),
            &|| rules::format_held(&fixed),
        ) {
            show_fixed_error(None);
        }
        let accuracy = metric == Metric::Accuracy;
        dom::set_text(
            TARGET_LABEL,
            if accuracy {
                "Target accuracy"
            } else {
                "Target error"
            },
        );
    });
    // The target's note follows the analysed (debounced) state, not every keystroke.
    Effect::new(move |_| {
        let note = ctx
            .settled
            .with(|s| ctx.parsed.with(|p| view_model::target_note(s, p.percent)));
        dom::set_text(
            TARGET_HINT,
            note.as_deref().unwrap_or(
                "The data and model size that reach it are projected with 95% intervals.",
            ),
        );
    });
    let on_input = move |e: ev::Event| {
        let Some(el) = dom::target::<web_sys::Element>(&e) else {
            return;
        };
        let id = el.id();
        let Some(v) = dom::value(&id) else {
            return;
        };
        if let Some(c) = ModelControl::from_id(&id) {
            model_input(ctx, c, &v);
        } else if let Some(s) = Setting::from_id(&id) {
            setting_input(ctx, s, &v);
        }
    };
    view! {
        <section
            class="card"
            aria-labelledby="model-heading"
            on:input=on_input
            inner_html=model_card_html()
        ></section>
    }
}

/// The card's markup: static, with the ids of [`ModelControl`] and [`Setting`] and the
/// selects' options from the core's enums. Written as text rather than in `view!`,
/// where ids that are not literals would cost the card its one-string template.
fn model_card_html() -> String {
    let mut h = Html::new();
    h.tag("<h2 id=\"model-heading\">Model and target</h2><div class=\"grid-2\">");
    for (c, label) in [
        (ModelControl::Metric, "Metric"),
        (ModelControl::Scale, "Values are"),
        (ModelControl::Model, "Model"),
        (ModelControl::Loss, "Loss"),
    ] {
        h.tag("<div class=\"field\"><label for=\"")
            .tag(c.id())
            .tag("\">")
            .tag(label)
            .tag("</label><select id=\"")
            .tag(c.id())
            .tag("\">");
        select_options(&mut h, c);
        h.tag("</select></div>");
    }
    h.tag("</div><div class=\"target-field\"><div class=\"field\"><label for=\"")
        .tag(ModelControl::Target.id())
        .tag("\" id=\"")
        .tag(TARGET_LABEL)
        .tag("\">Target error</label><input id=\"")
        .tag(ModelControl::Target.id())
        .tag("\" type=\"number\" step=\"any\" inputmode=\"decimal\" autocomplete=\"off\" spellcheck=\"false\" placeholder=\"e.g. 0.25\" aria-describedby=\"")
        .tag(TARGET_HINT)
        .tag("\"><p class=\"hint\" id=\"")
        .tag(TARGET_HINT)
        .tag("\"></p></div></div><details class=\"advanced\"><summary>Advanced</summary><div class=\"grid-2\"><div class=\"field\"><label for=\"")
        .tag(Setting::Bootstrap.id())
        .tag("\">Bootstrap resamples</label><input id=\"")
        .tag(Setting::Bootstrap.id())
        .tag("\" type=\"number\" step=\"any\" inputmode=\"decimal\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"")
        .tag(BOOTSTRAP_HINT)
        .tag("\"><p class=\"hint\" id=\"")
        .tag(BOOTSTRAP_HINT)
        .tag("\">0 turns intervals off; at most 20000.</p></div><div class=\"field\"><label for=\"")
        .tag(Setting::Seed.id())
        .tag("\">Seed</label><input id=\"")
        .tag(Setting::Seed.id())
        .tag("\" type=\"text\" inputmode=\"numeric\" autocomplete=\"off\"><p class=\"hint\">Same seed, same intervals (the permalink carries it).</p></div></div><div class=\"field\"><label for=\"")
        .tag(Setting::Fixed.id())
        .tag("\">Hold parameters</label><input id=\"")
        .tag(Setting::Fixed.id())
        .tag("\" type=\"text\" autocomplete=\"off\" spellcheck=\"false\" placeholder=\"e.g. gamma=0.3, beta_g=-0.5\" aria-describedby=\"")
        .tag(FIXED_HINT_ID)
        .tag("\"><p class=\"hint\" id=\"")
        .tag(FIXED_HINT_ID)
        .tag("\">")
        .text(&fixed_hint())
        .tag("</p></div></details>");
    h.finish()
}

/// A model card control's new value `v` into the workspace (a select's unknown value,
/// which the page never offers, is ignored).
fn model_input(ctx: Ctx, c: ModelControl, v: &str) {
    match c {
        ModelControl::Metric => {
            if let Some(m) = Metric::from_id(v) {
                ctx.ws.update(|w| w.state.metric = m);
            }
        }
        ModelControl::Scale => {
            if let Some(s) = Scale::from_id(v) {
                ctx.ws.update(|w| w.state.scale = s);
            }
        }
        ModelControl::Model => {
            if let Some(m) = ModelChoice::from_id(v) {
                ctx.ws.update(|w| w.state.model = m);
            }
        }
        ModelControl::Loss => {
            if let Some(l) = Loss::from_id(v) {
                ctx.ws.update(|w| w.state.loss = l);
            }
        }
        ModelControl::Target => {
            let t = number_field(v);
            ctx.ws.update(|w| w.state.target = t);
        }
    }
}

/// An advanced setting's new value `v` into the workspace (one that does not parse
/// leaves it unchanged; the held parameters' error is shown).
fn setting_input(ctx: Ctx, s: Setting, v: &str) {
    match s {
        Setting::Bootstrap => {
            if let Some(n) = number_field(v).filter(|n| *n >= 0.0) {
                let n = n.round().min(MAX_BOOTSTRAP as f64) as u32;
                ctx.ws.update(|w| w.state.bootstrap = n);
            }
        }
        Setting::Seed => {
            if let Ok(n) = v.trim().parse::<u64>() {
                ctx.ws.update(|w| w.state.seed = n);
            }
        }
        Setting::Fixed => match rules::parse_held(v) {
            Ok(f) => {
                show_fixed_error(None);
                ctx.ws.update(|w| w.state.fixed = f);
            }
            Err(msg) => show_fixed_error(Some(&msg)),
        },
    }
}

/// The held parameters' error, if any, in their hint and `aria-invalid`.
fn show_fixed_error(msg: Option<&str>) {
    let hint = fixed_hint();
    dom::set_text(FIXED_HINT_ID, msg.unwrap_or(&hint));
    dom::set_class(FIXED_HINT_ID, "invalid", msg.is_some());
    dom::set_attr(
        Setting::Fixed.id(),
        "aria-invalid",
        msg.is_some().then_some("true"),
    );
}
