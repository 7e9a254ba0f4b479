//! Which data are read: the `#series` picker for a file with several curves, and the
//! column pickers (detected from the header, overridable).

use leptos::ev;
use leptos::prelude::*;
use scalefit_core::parse::Columns;

use crate::controls::{ColumnRole, DataControl};
use crate::markup::Html;
use crate::state::Ctx;
use crate::view_model;

/// `#series`: which curve of a file with several.
#[component]
pub fn SeriesPicker(ctx: Ctx) -> impl IntoView {
    let html = Memo::new(move |_| {
        ctx.parsed.with(|p| {
            let mut h = Html::new();
            let current = p.group.as_deref().unwrap_or_default();
            let groups: Vec<(&str, &str)> =
                p.groups.iter().map(|g| (g.as_str(), g.as_str())).collect();
            h.options(&groups, current);
            h.finish()
        })
    });
    let id = DataControl::Series.id();
    view! {
        <div class="field" hidden=move || html.with(String::is_empty)>
            <label for="series">"Series"</label>
            <select
                id=id
                on:change=move |e| {
                    let g = event_target_value(&e);
                    // Picking one series is asking for the one-series view of it.
                    let text = ctx.ws.with_untracked(|w| w.state.text.clone());
                    ctx.single_for.set_value(Some(text));
                    ctx.ws
                        .update(|w| {
                            w.state.group = Some(g);
                            w.state.family = None;
                        });
                }
                inner_html=html
            ></select>
        </div>
    }
}

impl ColumnRole {
    fn get(self, c: &Columns) -> Option<usize> {
        match self {
            ColumnRole::Size => Some(c.size),
            ColumnRole::Error => Some(c.error),
            ColumnRole::ModelSize => c.model_size,
            ColumnRole::Group => c.group,
            ColumnRole::HeldOut => c.held_out,
        }
    }

    fn set(self, c: &mut Columns, v: Option<usize>) {
        match self {
            ColumnRole::Size => c.size = v.unwrap_or(c.size),
            ColumnRole::Error => c.error = v.unwrap_or(c.error),
            ColumnRole::ModelSize => c.model_size = v,
            ColumnRole::Group => c.group = v,
            ColumnRole::HeldOut => c.held_out = v,
        }
    }

    fn optional(self) -> bool {
        !matches!(self, ColumnRole::Size | ColumnRole::Error)
    }
}

/// One column role's select.
#[component]
fn ColumnSelect(ctx: Ctx, label: &'static str, role: ColumnRole) -> impl IntoView {
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
                h.options(&[("", "none")], &current);
            }
            let options: Vec<(&str, &str)> = options
                .iter()
                .map(|(v, l)| (v.as_str(), l.as_str()))
                .collect();
            h.options(&options, &current);
            h.finish()
        })
    });
    let pick = move |e: ev::Event| {
        let v = event_target_value(&e).parse::<usize>().ok();
        let mut cols = ctx.parsed.with_untracked(|p| p.columns.clone());
        role.set(&mut cols, v);
        ctx.ws.update(|w| {
            w.state.columns = Some(cols);
            if role == ColumnRole::Group {
                w.state.group = None;
            }
        });
    };
    let id = role.id();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=pick inner_html=html></select>
        </div>
    }
}

/// Which column holds what, detected from the header and overridable.
#[component]
pub fn ColumnPicker(ctx: Ctx) -> impl IntoView {
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
                <ColumnSelect ctx=ctx label="Training-set size" role=ColumnRole::Size/>
                <ColumnSelect ctx=ctx label="Error / accuracy" role=ColumnRole::Error/>
                <ColumnSelect ctx=ctx label="Model size" role=ColumnRole::ModelSize/>
                <ColumnSelect ctx=ctx label="Series" role=ColumnRole::Group/>
                <ColumnSelect ctx=ctx label="Train / held-out flag" role=ColumnRole::HeldOut/>
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
