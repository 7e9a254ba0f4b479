//! The editable table of the data box: one row per data line with its cells and what
//! the parse made of it; a cell edit, a deleted row or an added row goes back into the
//! text (`crate::table` does the text surgery).
//!
//! The rows are kept in step with the table model by [`sync_rows`], which reuses row
//! elements by index and only touches what changed, and the inputs and delete buttons
//! are handled by one delegated listener each on the `<tbody>`. As Leptos views (a
//! keyed `For` of rows of a keyed `For` of cells, each with its reactive attributes)
//! the same table cost 19 KB of the page's gzip; so it is about a tenth of that
//! (BENCHMARKS.md, "Bundle size"). Reusing the elements keeps the focus and the caret
//! where the user put them while the table follows a refit.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::dom;
use crate::state::Ctx;
use crate::table::{self, Table};

/// The rows of the data box as an editable table; edits go back into the text.
#[component]
pub fn DataTable(ctx: Ctx) -> impl IntoView {
    // The table shown (built only while open), for the listeners to map rows to lines.
    let model = StoredValue::new(Table::default());
    let delimiter = move || ctx.parsed.with_untracked(|p| p.delimiter.clone());
    let line_of = move |row: usize| model.with_value(|m| m.rows.get(row).map(|r| r.line));
    let edit = move |e: ev::Event| {
        let Some(input) = dom::target::<web_sys::HtmlInputElement>(&e) else {
            return;
        };
        let (Some(row), Some(col)) = (
            index_attr(&input, "data-row"),
            index_attr(&input, "data-col"),
        ) else {
            return;
        };
        let Some(line) = line_of(row) else { return };
        let (d, value) = (delimiter(), input.value());
        ctx.ws
            .update(|w| w.edit_text(table::set_cell(&w.state.text, line, col, &value, &d)));
    };
    let delete = move |e: ev::MouseEvent| {
        let button =
            dom::target::<Element>(&e).and_then(|el| el.closest("button[data-row]").ok().flatten());
        let Some(line) = button
            .and_then(|b| index_attr(&b, "data-row"))
            .and_then(line_of)
        else {
            return;
        };
        ctx.ws
            .update(|w| w.edit_text(table::delete_line(&w.state.text, line)));
    };
    let add = move |_| {
        // `append_row` gives a new row at least two cells.
        let (d, n) = (delimiter(), model.with_value(|m| m.n_columns));
        ctx.ws
            .update(|w| w.edit_text(table::append_row(&w.state.text, n, &d)));
    };
    let shown = move || ctx.settled.with(|s| !s.text.trim().is_empty());
    let open = RwSignal::new(false);
    let row_count = move || {
        ctx.parsed.with(|p| {
            p.points.len() + p.held_out.len() + p.problems.iter().filter(|x| x.line > 0).count()
        })
    };
    let head = NodeRef::<html::Tr>::new();
    let body = NodeRef::<html::Tbody>::new();
    Effect::new(move |_| {
        let (Some(head), Some(body)) = (head.get(), body.get()) else {
            return;
        };
        // Rows exist only while the table is open: a long log would otherwise cost
        // thousands of inputs nobody looks at.
        if !open.get() {
            body.set_inner_html("");
            return;
        }
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let m = ctx
            .settled
            .with(|s| ctx.parsed.with(|p| table::table(&s.text, p)));
        // At least the size and error columns, even before a row has both.
        let names: Vec<String> = (0..m.n_columns.max(2))
            .map(|j| column_name(&m, j))
            .collect();
        sync_head(&doc, &head, &names);
        sync_rows(&doc, &body, &m, &names);
        let more = if m.hidden > 0 {
            format!("{} more rows are in the text box. ", m.hidden)
        } else {
            String::new()
        };
        dom::set_text("table-more", &more);
        model.set_value(m);
    });
    view! {
        <details
            class="data-table"
            hidden=move || !shown()
            on:toggle=move |e| {
                let is_open = dom::target::<Element>(&e)
                    .is_some_and(|el| el.has_attribute("open"));
                open.set(is_open);
            }
        >
            <summary>
                "Table "
                <span class="hint">{move || format!("({} rows)", row_count())}</span>
            </summary>
            <div class="table-scroll">
                <table class="edit-table">
                    <thead>
                        <tr node_ref=head></tr>
                    </thead>
                    <tbody node_ref=body on:change=edit on:click=delete></tbody>
                </table>
            </div>
            <p class="hint">
                <span id="table-more"></span>
                "Edits are written back into the text."
            </p>
            <button id="add-row" type="button" class="btn btn-small" on:click=add>
                "Add row"
            </button>
        </details>
    }
}

/// The header of column `j`: the text's own, else "column j+1".
fn column_name(m: &Table, j: usize) -> String {
    m.header
        .as_ref()
        .and_then(|h| h.get(j).cloned())
        .unwrap_or_else(|| format!("column {}", j + 1))
}

/// A non-negative integer attribute.
fn index_attr(el: &Element, name: &str) -> Option<usize> {
    el.get_attribute(name)?.parse().ok()
}

/// Sets an attribute unless it already has that value.
fn set_attr(el: &Element, name: &str, value: &str) {
    if el.get_attribute(name).as_deref() != Some(value) {
        let _ = el.set_attribute(name, value);
    }
}

/// Sets the text of an element unless it already reads so (user text: never HTML).
fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// `<tag class=...>` appended to `parent`.
fn child(doc: &Document, parent: &Element, tag: &str, class: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    parent.append_child(&el).ok()?;
    Some(el)
}

/// The header row: "Line", one cell per column, "Status" and a hidden "Delete".
fn sync_head(doc: &Document, head: &Element, names: &[String]) {
    let want = names.len() + 3;
    if head.child_element_count() as usize != want {
        head.set_text_content(None);
        for _ in 0..want {
            if let Some(th) = child(doc, head, "th", "") {
                let _ = th.set_attribute("scope", "col");
            }
        }
        if let Some(last) = head.last_element_child() {
            if let Some(span) = child(doc, &last, "span", "visually-hidden") {
                span.set_text_content(Some("Delete"));
            }
        }
    }
    let cells = head.children();
    let texts = std::iter::once("Line")
        .chain(names.iter().map(String::as_str))
        .chain(std::iter::once("Status"));
    for (k, text) in texts.enumerate() {
        if let Some(th) = cells.item(k as u32) {
            set_text(&th, text);
        }
    }
}

/// Sets each `(name, value)` attribute of a new element.
fn set_attrs(el: &Element, attrs: &[(&str, &str)]) -> Option<()> {
    for (name, value) in attrs {
        el.set_attribute(name, value).ok()?;
    }
    Some(())
}

/// One row's elements: line number, a text input per column, status, delete button.
fn new_row(doc: &Document, body: &Element, row: usize, n_cols: usize) -> Option<Element> {
    let tr = child(doc, body, "tr", "")?;
    let th = child(doc, &tr, "th", "num")?;
    th.set_attribute("scope", "row").ok()?;
    let row_attr = row.to_string();
    for col in 0..n_cols {
        let td = child(doc, &tr, "td", "")?;
        let input = child(doc, &td, "input", "cell")?;
        set_attrs(
            &input,
            &[
                ("type", "text"),
                ("spellcheck", "false"),
                ("data-row", &row_attr),
                ("data-col", &col.to_string()),
            ],
        )?;
    }
    child(doc, &tr, "td", "status")?;
    let td = child(doc, &tr, "td", "")?;
    let button = child(doc, &td, "button", "btn-icon")?;
    set_attrs(
        &button,
        &[
            ("type", "button"),
            ("title", "Delete this row"),
            ("data-row", &row_attr),
        ],
    )?;
    button.set_text_content(Some("×"));
    Some(tr)
}

/// Brings the `<tbody>` in step with the model: rows reused by index (rebuilt only
/// when the number of columns changed), surplus rows removed, and only the values,
/// texts and attributes that differ written.
fn sync_rows(doc: &Document, body: &Element, m: &Table, names: &[String]) {
    let n_cols = names.len();
    // Row structure: th, the cells, status, delete.
    let width = n_cols as u32 + 3;
    while body.child_element_count() as usize > m.rows.len() {
        if let Some(last) = body.last_element_child() {
            last.remove();
        }
    }
    let rows = body.children();
    for (i, r) in m.rows.iter().enumerate() {
        let tr = match rows.item(i as u32) {
            Some(tr) if tr.child_element_count() == width => Some(tr),
            Some(old) => {
                let tr = new_row(doc, body, i, n_cols);
                if let Some(tr) = &tr {
                    let _ = old.replace_with_with_node_1(tr);
                }
                tr
            }
            None => new_row(doc, body, i, n_cols),
        };
        let Some(tr) = tr else { return };
        set_attr(&tr, "class", &format!("row-{}", r.status.class()));
        let cells = tr.children();
        let line = r.line.to_string();
        if let Some(th) = cells.item(0) {
            set_text(&th, &line);
        }
        for (j, name) in names.iter().enumerate() {
            let input = cells
                .item(j as u32 + 1)
                .and_then(|td| td.first_element_child())
                .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok());
            if let Some(input) = input {
                let value = r.cells.get(j).map_or("", String::as_str);
                if input.value() != value {
                    input.set_value(value);
                }
                set_attr(&input, "aria-label", &format!("Line {line}, {name}"));
            }
        }
        if let Some(status) = cells.item(n_cols as u32 + 1) {
            set_attr(&status, "title", r.status.label());
            set_text(&status, r.status.label());
        }
        if let Some(button) = cells
            .item(n_cols as u32 + 2)
            .and_then(|td| td.first_element_child())
        {
            set_attr(&button, "aria-label", &format!("Delete line {line}"));
        }
    }
}
