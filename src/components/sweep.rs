//! The sweep card (`#sweep`): the switch between reading rows as best runs or as the
//! runs of a sweep, the joint law's settings and the compute inputs (static markup,
//! one listener, one effect that writes the workspace back), and the results as HTML
//! text from `view_model::sweep`.

use leptos::ev;
use leptos::prelude::*;
use scalefit_core::session;
use scalefit_core::sweep::{JointLoss, RowsAs, SweepView};

use crate::components::input::fields::{follow, number_field};
use crate::controls::SweepControl;
use crate::dom;
use crate::markup::Html;
use crate::state::Ctx;
use crate::view_model::{self, sweep};

/// The sweep card (hidden without a model-size column).
#[component]
pub fn SweepPanel(ctx: Ctx) -> impl IntoView {
    let visible = Memo::new(move |_| ctx.parsed.with(sweep::has_model_sizes));
    Effect::new(move |_| {
        let v = ctx.ws.with(|w| session::sweep_view(&w.state));
        for (c, val) in [
            (SweepControl::Rows, v.rows.id()),
            (SweepControl::Loss, v.loss.id()),
        ] {
            if dom::value(c.id()).is_some_and(|cur| cur != val) {
                dom::set_value(c.id(), val);
            }
        }
        for (c, val) in [
            (SweepControl::HuberDelta, v.huber_delta),
            (SweepControl::FlopsPerParam, v.flops_per_param),
            (SweepControl::Budget, v.budget),
            (SweepControl::FlopsPerSecond, v.flops_per_second),
            (SweepControl::Utilisation, v.utilisation),
        ] {
            follow(c.id(), &|t| number_field(t) == val, &|| field_text(val));
        }
        dom::set_attr(
            SweepControl::HuberDelta.id(),
            "disabled",
            (v.loss != JointLoss::Huber).then_some(""),
        );
    });
    let results = Memo::new(move |_| {
        ctx.sweep.with(|s| match s {
            Some(p) => sweep::results_html(p).finish(),
            None => {
                let mut h = Html::new();
                h.tag("<p class=\"hint\" id=\"sweep-off\">Each row is read as the best run at its data size (the model-size law of the results above). If the rows are the runs of a sweep (several model sizes per data size, or every run its own size), read them as <em>all runs of a sweep</em> for the envelope, the joint law L(N, D) and the compute a target costs.</p>");
                h.finish()
            }
        })
    });
    let on_input = move |e: ev::Event| {
        let Some(el) = dom::target::<web_sys::Element>(&e) else {
            return;
        };
        let id = el.id();
        let (Some(c), Some(v)) = (SweepControl::from_id(&id), dom::value(&id)) else {
            return;
        };
        let select = matches!(c, SweepControl::Rows | SweepControl::Loss);
        ctx.next_change_at_once(select);
        ctx.ws.update(|w| {
            let mut view = session::sweep_view(&w.state);
            edit(&mut view, c, &v);
            w.state.sweep = (view != SweepView::default()).then_some(view);
        });
    };
    view! {
        <section class="card sweep-card" id="sweep" aria-labelledby="sweep-heading" hidden=move || !visible.get()>
            <div class="card-head">
                <h2 id="sweep-heading">"Sweep and compute"</h2>
            </div>
            <div on:input=on_input inner_html=controls_html()></div>
            <div class="slot" id="sweep-results" aria-live="polite" inner_html=results></div>
        </section>
    }
}

/// A setting as its field shows it: large and small numbers in exponent notation
/// (`3e20`, not 21 digits), others as Rust writes them; both read back exactly.
fn field_text(v: Option<f64>) -> String {
    match v {
        Some(x) if x != 0.0 && !(1e-3..1e6).contains(&x.abs()) => format!("{x:e}"),
        _ => view_model::field_text(v),
    }
}

/// A control's new value `v` into the sweep settings: a select's unknown value is
/// ignored; a number field that does not read as a number clears its setting (the
/// field keeps what was typed).
fn edit(view: &mut SweepView, c: SweepControl, v: &str) {
    let n = number_field(v);
    match c {
        SweepControl::Rows => {
            if let Some(r) = RowsAs::from_id(v) {
                view.rows = r;
            }
        }
        SweepControl::Loss => {
            if let Some(l) = JointLoss::from_id(v) {
                view.loss = l;
            }
        }
        SweepControl::HuberDelta => view.huber_delta = n,
        SweepControl::FlopsPerParam => view.flops_per_param = n,
        SweepControl::Budget => view.budget = n,
        SweepControl::FlopsPerSecond => view.flops_per_second = n,
        SweepControl::Utilisation => view.utilisation = n,
    }
}

/// The controls' markup, static; the selects' options from the core's enums.
fn controls_html() -> String {
    let mut h = Html::new();
    h.tag("<div class=\"grid-2\"><div class=\"field\"><label for=\"")
        .tag(SweepControl::Rows.id())
        .tag("\">Rows with a model size are</label><select id=\"")
        .tag(SweepControl::Rows.id())
        .tag("\">");
    h.options(&sweep::rows_options(), "");
    h.tag("</select></div><div class=\"field\"><label for=\"")
        .tag(SweepControl::Loss.id())
        .tag("\">Joint-law loss</label><select id=\"")
        .tag(SweepControl::Loss.id())
        .tag("\">");
    h.options(&sweep::loss_options(), "");
    h.tag("</select></div>");
    for (c, label, placeholder, hint) in [
        (
            SweepControl::HuberDelta,
            "Huber δ",
            "1e-3",
            "Of the log residual; used by the huber loss.",
        ),
        (
            SweepControl::FlopsPerParam,
            "FLOPs per parameter per example, k",
            "6",
            "C = k N D; 6 for a dense transformer (forward and backward pass).",
        ),
        (
            SweepControl::Budget,
            "Compute budget (FLOPs)",
            "e.g. 1e21",
            "Split compute-optimally into a model size and a data size.",
        ),
        (
            SweepControl::FlopsPerSecond,
            "Accelerator peak FLOP/s",
            "e.g. 3.12e14",
            "Optional: turns FLOPs into accelerator-hours.",
        ),
        (
            SweepControl::Utilisation,
            "Utilisation of that peak",
            "1",
            "A fraction in (0, 1]; 1 if left empty.",
        ),
    ] {
        h.tag("<div class=\"field\"><label for=\"")
            .tag(c.id())
            .tag("\">")
            .tag(label)
            .tag("</label><input id=\"")
            .tag(c.id())
            .tag("\" type=\"number\" step=\"any\" inputmode=\"decimal\" autocomplete=\"off\" spellcheck=\"false\" placeholder=\"")
            .tag(placeholder)
            .tag("\"><p class=\"hint\">")
            .tag(hint)
            .tag("</p></div>");
    }
    h.tag("</div>");
    h.finish()
}
