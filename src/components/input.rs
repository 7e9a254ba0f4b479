//! The input panel: source (preset) picker, data box with upload and drop, problems,
//! column and series pickers, the editable table, fit settings, target and the
//! advanced settings.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use scalefit_core::model::{Loss, ModelChoice};
use scalefit_core::parse::{Columns, Metric, Scale, MAX_BYTES};
use scalefit_core::permalink::State;
use scalefit_core::presets::{Preset, NMT_REAL_ATTRIBUTION, NMT_REAL_ID, PRESETS};
use scalefit_core::rules;
use wasm_bindgen::JsCast;

use crate::app::Ctx;
use crate::components::data_table::DataTable;
use crate::dom;
use crate::format::exponent;
use crate::markup::Html;
use crate::view_model::{self, Level};
use crate::workspace::{anchor_of, Source, CUSTOM_ID};

/// The whole left-hand panel.
#[component]
pub fn InputPanel(ctx: Ctx) -> impl IntoView {
    view! {
        <aside class="input-panel" aria-label="Data and settings">
            <section class="card" aria-labelledby="data-heading">
                <h2 id="data-heading">"Data"</h2>
                <SourcePicker ctx=ctx/>
                <PresetCard ctx=ctx/>
                <RealDataNote ctx=ctx/>
                <DataBox ctx=ctx/>
                <ProblemList ctx=ctx/>
                <SeriesPicker ctx=ctx/>
                <ColumnPicker ctx=ctx/>
                <DataTable ctx=ctx/>
            </section>
            <ModelCard ctx=ctx/>
        </aside>
    }
}

/// `<option>`s (values and labels escaped), `current` selected.
fn options_html<'a>(
    h: &mut Html,
    options: impl IntoIterator<Item = (&'a str, &'a str)>,
    current: &str,
) {
    for (value, label) in options {
        h.tag("<option")
            .attr("value", Some(value))
            .tag(if value == current { " selected>" } else { ">" })
            .text(label)
            .tag("</option>");
    }
}

/// `#preset`: the user's data, the real NMT curves, or a domain of the paper.
#[component]
fn SourcePicker(ctx: Ctx) -> impl IntoView {
    let html = Memo::new(move |_| {
        let current = ctx.ws.with(|w| w.source().id());
        let mut h = Html::new();
        options_html(
            &mut h,
            [
                (CUSTOM_ID, "Your own data"),
                (NMT_REAL_ID, "Example: real NMT learning curves"),
            ],
            current,
        );
        h.tag("<optgroup label=\"Hestness et al. 2017 domains\">");
        options_html(&mut h, PRESETS.iter().map(|p| (p.id, p.label)), current);
        h.tag("</optgroup>");
        h.finish()
    });
    let pick = move |e: ev::Event| {
        let id = event_target_value(&e);
        ctx.ws.update(|w| w.select_source(&id));
    };
    view! {
        <div class="field">
            <label for="preset">"Source"</label>
            <select id="preset" on:change=pick inner_html=html></select>
        </div>
    }
}

/// Parses a number field: `number` inputs hold plain numbers, `text` ones also
/// `134M`, `2^27`, `1,000`.
fn parse_field(kind: &str, s: &str) -> Option<f64> {
    if kind == "number" {
        scalefit_core::num::parse_f64(s.trim()).filter(|v| v.is_finite())
    } else {
        view_model::parse_user_number(s)
    }
}

/// The card of a paper preset: what it is, its exponents, its source, and the anchor
/// of the relative projection (the three fields work like the model card's).
#[component]
fn PresetCard(ctx: Ctx) -> impl IntoView {
    let preset = move || ctx.ws.with(|w| w.source().paper());
    let card = Memo::new(move |_| preset().map(preset_card_html).unwrap_or_default());
    Effect::new(move |_| {
        let (anchor, accuracy) = ctx
            .ws
            .with(|w| (w.anchor(), w.state.metric == Metric::Accuracy));
        let Some(a) = anchor else { return };
        for (id, v) in [
            ("anchor-m", Some(a.m)),
            ("anchor-error", Some(a.error)),
            ("anchor-model-size", a.model_size),
        ] {
            follow(id, &|t| parse_field("text", t) == v, &|| {
                view_model::field_text(v)
            });
        }
        dom::set_text(
            "anchor-error-label",
            if accuracy { "Accuracy" } else { "Error" },
        );
        dom::set_text("anchor-unit", preset().map_or("", |p| p.unit));
    });
    let on_input = move |e: ev::Event| {
        let Some(el) = dom::target::<web_sys::HtmlInputElement>(&e) else {
            return;
        };
        let v = parse_field("text", &el.value());
        let id = el.id();
        ctx.ws.update(|w| {
            let Some(mut a) = anchor_of(&w.state) else {
                return;
            };
            match (id.as_str(), v) {
                ("anchor-m", Some(v)) => a.m = v,
                ("anchor-error", Some(v)) => a.error = v,
                ("anchor-model-size", v) => a.model_size = v,
                _ => return,
            }
            w.state.anchor = Some(a);
        });
    };
    view! {
        <div class="slot" inner_html=card></div>
        <fieldset class="anchor" hidden=move || preset().is_none() on:input=on_input>
            <legend>"Your current point"</legend>
            <p class="hint">
                "Projections are relative to where you are now: the preset's exponent through your current data size and error. Prefilled with an illustrative point in "
                <span id="anchor-unit"></span>
                "."
            </p>
            <div class="grid-3">
                <div class="field">
                    <label for="anchor-m">"Data size m"</label>
                    <input id="anchor-m" type="text" inputmode="decimal" autocomplete="off" spellcheck="false"/>
                </div>
                <div class="field">
                    <label for="anchor-error" id="anchor-error-label">"Error"</label>
                    <input id="anchor-error" type="text" inputmode="decimal" autocomplete="off" spellcheck="false"/>
                </div>
                <div class="field">
                    <label for="anchor-model-size">"Model size"</label>
                    <input
                        id="anchor-model-size"
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="optional"
                    />
                </div>
            </div>
        </fieldset>
    }
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
fn RealDataNote(ctx: Ctx) -> impl IntoView {
    let hidden = move || ctx.ws.with(|w| w.source() != Source::RealNmt);
    view! {
        <p class="attribution" id="nmt-attribution" hidden=hidden>
            <strong>"Real data. "</strong>
            {NMT_REAL_ATTRIBUTION}
            " Rows with Training = 0 are held out and predicted by the backtest."
        </p>
    }
}

/// Reads a dropped or uploaded file: a saved state (`.json`) or data text.
fn import_file(ctx: Ctx, file: web_sys::File) {
    if file.size() > MAX_BYTES as f64 {
        ctx.notify(
            Level::Error,
            format!(
                "\"{}\" is {:.1} MB; Scalefit reads at most {} MB",
                file.name(),
                file.size() / 1e6,
                MAX_BYTES / (1024 * 1024)
            ),
        );
        return;
    }
    let name = file.name();
    dom::read_file(file, move |r| match r {
        Ok(text) => import_text(ctx, &name, text),
        Err(e) => ctx.notify(Level::Error, e),
    });
}

fn import_text(ctx: Ctx, name: &str, text: String) {
    ctx.next_change_at_once(true);
    let looks_json =
        name.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{');
    if looks_json {
        match serde_json::from_slice::<State>(text.as_bytes()) {
            Ok(state) => {
                ctx.ws.update(|w| {
                    w.open_link(state);
                });
                return;
            }
            Err(e) if name.to_ascii_lowercase().ends_with(".json") => {
                ctx.notify(
                    Level::Error,
                    format!("\"{name}\" is not a Scalefit state ({e})"),
                );
                return;
            }
            Err(_) => {}
        }
    }
    ctx.ws.update(|w| w.load_text(text));
}

/// `#data-input` with upload, drop, Clear and Undo.
#[component]
fn DataBox(ctx: Ctx) -> impl IntoView {
    let area = NodeRef::<html::Textarea>::new();
    // The drop zone's highlight while something is dragged over it.
    let dragging = |on: bool| dom::set_class("drop-zone", "dragging", on);
    // Keep the box in step with the workspace when the text changes from elsewhere
    // (preset, link, table, undo) without disturbing the caret while typing.
    Effect::new(move |_| {
        let text = ctx.ws.with(|w| w.state.text.clone());
        if let Some(el) = area.get() {
            if el.value() != text {
                el.set_value(&text);
            }
        }
    });
    let on_input = move |e: ev::Event| {
        crate::perf::edit();
        // A paste or a drop into the box is one change: analysed at once. Typing waits
        // for the debounce.
        let whole = e.dyn_ref::<web_sys::InputEvent>().is_some_and(|ie| {
            matches!(
                ie.input_type().as_str(),
                "insertFromPaste" | "insertFromDrop" | "insertFromPasteAsQuotation"
            )
        });
        ctx.next_change_at_once(whole);
        let v = event_target_value(&e);
        ctx.ws.update(|w| w.edit_text(v));
    };
    let on_drop = move |e: ev::DragEvent| {
        e.prevent_default();
        dragging(false);
        let Some(dt) = e.data_transfer() else { return };
        if let Some(file) = dt.files().and_then(|f| f.get(0)) {
            import_file(ctx, file);
        } else if let Ok(text) = dt.get_data("text/plain") {
            if !text.is_empty() {
                ctx.next_change_at_once(true);
                ctx.ws.update(|w| w.load_text(text));
            }
        }
    };
    let on_file = move |e: ev::Event| {
        let Some(input) = dom::target::<web_sys::HtmlInputElement>(&e) else {
            return;
        };
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            import_file(ctx, file);
        }
        // Choosing the same file again must fire `change` again.
        input.set_value("");
    };
    let placeholder = "m, error\n1e5, 0.42\n2e5, 0.37\n4e5, 0.33\n8e5, 0.295\n1.6e6, 0.265\n…";
    let can_undo = move || ctx.ws.with(|w| w.can_undo());
    let has_text = move || ctx.ws.with(|w| !w.state.text.is_empty());
    view! {
        <div
            class="drop-zone"
            id="drop-zone"
            on:dragover=move |e: ev::DragEvent| {
                e.prevent_default();
                dragging(true);
            }
            on:dragleave=move |_| dragging(false)
            on:drop=on_drop
        >
            <label for="data-input" class="label-row">
                <span>"Measurements"</span>
                <span class="hint">"paste, type, or drop a file"</span>
            </label>
            <p
                class="hint"
                hidden=move || ctx.ws.with(|w| w.source().paper().is_none() || !w.state.text.trim().is_empty())
            >
                "Paste your own measurements here to fit them; the domain's β_p then gives the model size. Your own data come back with the source “Your own data”."
            </p>
            <textarea
                id="data-input"
                node_ref=area
                rows="10"
                spellcheck="false"
                autocomplete="off"
                wrap="off"
                placeholder=placeholder
                aria-describedby="data-help problems"
                on:input=on_input
            ></textarea>
            <p class="hint" id="data-help">
                "Header optional. Columns: training-set size, error (or accuracy), optional model size; a series column and a train/held-out column are recognised by name. Numbers like 1e6, 2^20, 3M and 1,000,000 work."
            </p>
            <div class="button-row">
                <input
                    id="file-input"
                    class="visually-hidden"
                    type="file"
                    accept=".csv,.tsv,.txt,.json,text/csv,text/plain,application/json"
                    on:change=on_file
                />
                <label for="file-input" class="btn">"Upload file"</label>
                <button
                    id="clear-data"
                    type="button"
                    class="btn"
                    disabled=move || !has_text()
                    on:click=move |_| ctx.ws.update(|w| w.clear())
                >
                    "Clear"
                </button>
                <button
                    id="undo-clear"
                    type="button"
                    class="btn"
                    disabled=move || !can_undo()
                    on:click=move |_| ctx.ws.update(|w| w.undo_clear())
                >
                    "Undo clear"
                </button>
            </div>
        </div>
    }
}

/// Every problem of the parse with its line; a click selects the line in the box.
#[component]
fn ProblemList(ctx: Ctx) -> impl IntoView {
    let html = Memo::new(move |_| {
        if ctx.settled.with(|s| s.text.trim().is_empty()) {
            return String::new();
        }
        ctx.parsed.with(|p| problems_html(&p.problems))
    });
    // The buttons carry their line; one listener serves them all.
    let select_line = move |e: ev::MouseEvent| {
        let line = dom::target::<web_sys::Element>(&e)
            .and_then(|el| el.closest("[data-line]").ok().flatten())
            .and_then(|el| el.get_attribute("data-line"))
            .and_then(|l| l.parse::<usize>().ok());
        let Some(line) = line else { return };
        let text = ctx.ws.with_untracked(|w| w.state.text.clone());
        let Some((a, b)) = view_model::line_span(&text, line) else {
            return;
        };
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("data-input"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
        if let Some(el) = el {
            let _ = el.focus();
            let _ = el.set_selection_range(a as u32, b as u32);
        }
    };
    view! {
        <ul id="problems" class="problems" aria-label="Problems in the data" on:click=select_line inner_html=html></ul>
    }
}

/// The problem list's items (at most 200): a button selecting the line where there is one.
fn problems_html(problems: &[scalefit_core::parse::Problem]) -> String {
    let mut h = Html::new();
    for pr in problems.iter().take(200) {
        let text = view_model::problem_text(pr.line, &pr.message);
        if pr.line == 0 {
            h.el("<li>", &text, "</li>");
        } else {
            h.tag(
                "<li><button type=\"button\" class=\"link\" title=\"Select this line in the data\"",
            )
            .attr("data-line", Some(&pr.line.to_string()))
            .el(">", &text, "</button></li>");
        }
    }
    h.finish()
}

/// `#series`: which curve of a file with several.
#[component]
fn SeriesPicker(ctx: Ctx) -> impl IntoView {
    let html = Memo::new(move |_| {
        ctx.parsed.with(|p| {
            let mut h = Html::new();
            let current = p.group.as_deref().unwrap_or_default();
            options_html(
                &mut h,
                p.groups.iter().map(|g| (g.as_str(), g.as_str())),
                current,
            );
            h.finish()
        })
    });
    view! {
        <div class="field" hidden=move || html.with(String::is_empty)>
            <label for="series">"Series"</label>
            <select
                id="series"
                on:change=move |e| {
                    let g = event_target_value(&e);
                    ctx.ws.update(|w| w.state.group = Some(g));
                }
                inner_html=html
            ></select>
        </div>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Size,
    Error,
    ModelSize,
    Group,
    HeldOut,
}

impl Role {
    fn get(self, c: &Columns) -> Option<usize> {
        match self {
            Role::Size => Some(c.size),
            Role::Error => Some(c.error),
            Role::ModelSize => c.model_size,
            Role::Group => c.group,
            Role::HeldOut => c.held_out,
        }
    }

    fn set(self, c: &mut Columns, v: Option<usize>) {
        match self {
            Role::Size => c.size = v.unwrap_or(c.size),
            Role::Error => c.error = v.unwrap_or(c.error),
            Role::ModelSize => c.model_size = v,
            Role::Group => c.group = v,
            Role::HeldOut => c.held_out = v,
        }
    }

    fn optional(self) -> bool {
        !matches!(self, Role::Size | Role::Error)
    }
}

/// One column role's select.
#[component]
fn ColumnSelect(ctx: Ctx, id: &'static str, label: &'static str, role: Role) -> impl IntoView {
    let html = Memo::new(move |_| {
        ctx.parsed.with(|p| {
            let current = role
                .get(&p.columns)
                .map(|i| i.to_string())
                .unwrap_or_default();
            let options: Vec<(String, String)> = view_model::column_options(p)
                .into_iter()
                .map(|(i, name)| (i.to_string(), name))
                .collect();
            let mut h = Html::new();
            if role.optional() {
                options_html(&mut h, [("", "none")], &current);
            }
            options_html(
                &mut h,
                options.iter().map(|(v, l)| (v.as_str(), l.as_str())),
                &current,
            );
            h.finish()
        })
    });
    let pick = move |e: ev::Event| {
        let v = event_target_value(&e).parse::<usize>().ok();
        let mut cols = ctx.parsed.with_untracked(|p| p.columns.clone());
        role.set(&mut cols, v);
        ctx.ws.update(|w| {
            w.state.columns = Some(cols);
            if role == Role::Group {
                w.state.group = None;
            }
        });
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=pick inner_html=html></select>
        </div>
    }
}

/// Which column holds what, detected from the header and overridable.
#[component]
fn ColumnPicker(ctx: Ctx) -> impl IntoView {
    let shown = move || {
        ctx.settled.with(|s| !s.text.trim().is_empty()) && ctx.parsed.with(|p| p.n_columns >= 2)
    };
    let overridden = move || ctx.ws.with(|w| w.state.columns.is_some());
    view! {
        <details class="columns" open=overridden hidden=move || !shown()>
            <summary>
                "Columns"
                <span class="hint">{move || if overridden() { " (set by you)" } else { " (detected)" }}</span>
            </summary>
            <div class="grid-2">
                <ColumnSelect ctx=ctx id="col-size" label="Training-set size" role=Role::Size/>
                <ColumnSelect ctx=ctx id="col-error" label="Error / accuracy" role=Role::Error/>
                <ColumnSelect ctx=ctx id="col-model-size" label="Model size" role=Role::ModelSize/>
                <ColumnSelect ctx=ctx id="col-group" label="Series" role=Role::Group/>
                <ColumnSelect ctx=ctx id="col-held-out" label="Train / held-out flag" role=Role::HeldOut/>
            </div>
            <button
                id="columns-auto"
                type="button"
                class="btn btn-small"
                hidden=move || !overridden()
                on:click=move |_| ctx.ws.update(|w| {
                    w.state.columns = None;
                    w.state.group = None;
                })
            >
                "Detect columns again"
            </button>
        </details>
    }
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
fn ModelCard(ctx: Ctx) -> impl IntoView {
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
        for (id, v) in [
            ("metric", metric.id()),
            ("scale", scale),
            ("model", model),
            ("loss", loss),
        ] {
            if dom::value(id).is_some_and(|cur| cur != v) {
                dom::set_value(id, v);
            }
        }
        follow("target", &|t| parse_field("number", t) == target, &|| {
            view_model::field_text(target)
        });
        follow(
            "bootstrap",
            &|t| parse_field("number", t) == Some(f64::from(boot)),
            &|| boot.to_string(),
        );
        follow(
            "seed",
            &|t| t.trim().parse::<u64>().ok() == Some(seed),
            &|| seed.to_string(),
        );
        if follow(
            "fixed",
            &|t| rules::parse_held(t).ok().as_ref() == Some(&fixed),
            &|| rules::format_held(&fixed),
        ) {
            show_fixed_error(None);
        }
        let accuracy = metric == Metric::Accuracy;
        dom::set_text(
            "target-label",
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
            "target-hint",
            note.as_deref().unwrap_or(
                "The data and model size that reach it are projected with 95% intervals.",
            ),
        );
    });
    let on_input = move |e: ev::Event| {
        let Some(el) = dom::target::<web_sys::Element>(&e) else {
            return;
        };
        let Some(v) = dom::value(&el.id()) else {
            return;
        };
        match el.id().as_str() {
            "metric" => {
                if let Some(m) = Metric::from_id(&v) {
                    ctx.ws.update(|w| w.state.metric = m);
                }
            }
            "scale" => {
                if let Some(s) = Scale::from_id(&v) {
                    ctx.ws.update(|w| w.state.scale = s);
                }
            }
            "model" => {
                if let Some(m) = ModelChoice::from_id(&v) {
                    ctx.ws.update(|w| w.state.model = m);
                }
            }
            "loss" => {
                if let Some(l) = Loss::from_id(&v) {
                    ctx.ws.update(|w| w.state.loss = l);
                }
            }
            "target" => {
                let t = parse_field("number", &v);
                ctx.ws.update(|w| w.state.target = t);
            }
            "bootstrap" => {
                if let Some(n) = parse_field("number", &v).filter(|n| *n >= 0.0) {
                    let n = n.round().min(crate::app::MAX_BOOTSTRAP as f64) as u32;
                    ctx.ws.update(|w| w.state.bootstrap = n);
                }
            }
            "seed" => {
                if let Ok(n) = v.trim().parse::<u64>() {
                    ctx.ws.update(|w| w.state.seed = n);
                }
            }
            "fixed" => match rules::parse_held(&v) {
                Ok(f) => {
                    show_fixed_error(None);
                    ctx.ws.update(|w| w.state.fixed = f);
                }
                Err(msg) => show_fixed_error(Some(&msg)),
            },
            _ => {}
        }
    };
    view! {
        <section class="card" aria-labelledby="model-heading" on:input=on_input>
            <h2 id="model-heading">"Model and target"</h2>
            <div class="grid-2">
                <div class="field">
                    <label for="metric">"Metric"</label>
                    <select id="metric">
                        <option value="error">"error"</option>
                        <option value="accuracy">"accuracy"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="scale">"Values are"</label>
                    <select id="scale">
                        <option value="auto">"auto"</option>
                        <option value="fraction">"fractions 0–1"</option>
                        <option value="percent">"percent 0–100"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="model">"Model"</label>
                    <select id="model">
                        <option value="auto">"auto (AICc)"</option>
                        <option value="power">"power"</option>
                        <option value="power-floor">"power-floor"</option>
                        <option value="three-region">"three-region"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="loss">"Loss"</label>
                    <select id="loss">
                        <option value="log">"log (relative)"</option>
                        <option value="linear">"linear"</option>
                    </select>
                </div>
            </div>
            <div class="target-field">
                <div class="field">
                    <label for="target" id="target-label">"Target error"</label>
                    <input
                        id="target"
                        type="number"
                        step="any"
                        inputmode="decimal"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="e.g. 0.25"
                        aria-describedby="target-hint"
                    />
                    <p class="hint" id="target-hint"></p>
                </div>
            </div>
            <details class="advanced">
                <summary>"Advanced"</summary>
                <div class="grid-2">
                    <div class="field">
                        <label for="bootstrap">"Bootstrap resamples"</label>
                        <input
                            id="bootstrap"
                            type="number"
                            step="any"
                            inputmode="decimal"
                            autocomplete="off"
                            spellcheck="false"
                            aria-describedby="bootstrap-hint"
                        />
                        <p class="hint" id="bootstrap-hint">"0 turns intervals off; at most 20000."</p>
                    </div>
                    <div class="field">
                        <label for="seed">"Seed"</label>
                        <input id="seed" type="text" inputmode="numeric" autocomplete="off"/>
                        <p class="hint">"Same seed, same intervals (the permalink carries it)."</p>
                    </div>
                </div>
                <div class="field">
                    <label for="fixed">"Hold parameters"</label>
                    <input
                        id="fixed"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="e.g. gamma=0.3, beta_g=-0.5"
                        aria-describedby="fixed-hint"
                    />
                    <p class="hint" id="fixed-hint">{fixed_hint()}</p>
                </div>
            </details>
        </section>
    }
}

/// What `#fixed-hint` says while the held parameters parse (the names the core's
/// grammar accepts).
fn fixed_hint() -> String {
    format!(
        "Parameters held at a value instead of fitted ({}).",
        rules::held_names().join(", ")
    )
}

/// `#fixed`'s error, if any, in its hint and `aria-invalid`.
fn show_fixed_error(msg: Option<&str>) {
    let hint = fixed_hint();
    dom::set_text("fixed-hint", msg.unwrap_or(&hint));
    dom::set_class("fixed-hint", "invalid", msg.is_some());
    dom::set_attr("fixed", "aria-invalid", msg.is_some().then_some("true"));
}

/// Rewrites control `id` with `text()` unless what it holds already `means` the
/// workspace's value (never while the user types `0.` or `1e`). Whether it wrote.
fn follow(id: &str, means: &dyn Fn(&str) -> bool, text: &dyn Fn() -> String) -> bool {
    match dom::value(id) {
        Some(cur) if !means(&cur) => {
            dom::set_value(id, &text());
            true
        }
        _ => false,
    }
}
