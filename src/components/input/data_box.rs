//! The measurements: `#data-input` with paste, typing, drop and upload (a data file or
//! a saved state), Clear and Undo, and the list of the parse's problems.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use scalefit_core::parse::MAX_BYTES;
use scalefit_core::permalink::State;
use wasm_bindgen::JsCast;

use crate::controls::DataControl;
use crate::dom;
use crate::markup::Html;
use crate::state::Ctx;
use crate::view_model::{self, Level};

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
pub fn DataBox(ctx: Ctx) -> impl IntoView {
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
    let (input, file) = (DataControl::Input.id(), DataControl::File.id());
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
                id=input
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
                    id=file
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
pub fn ProblemList(ctx: Ctx) -> impl IntoView {
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
            .and_then(|d| d.get_element_by_id(DataControl::Input.id()))
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
