//! Sharing and export: `#share` puts the permalink in the address bar, the clipboard
//! and `#permalink`; long links get a warning and the file exports instead.

use leptos::prelude::*;
use scalefit_core::permalink::{self, SHAREABLE_LEN};

use crate::controls::ShareControl;
use crate::state::Ctx;
use crate::view_model::Level;
use crate::{dom, export};

/// Share and export buttons.
#[component]
pub fn SharePanel(ctx: Ctx) -> impl IntoView {
    let share = move |_| {
        let Some(base) = dom::url_without_hash() else {
            ctx.notify(
                Level::Error,
                "the page's address is unavailable, so no link can be made",
            );
            return;
        };
        let json = ctx.ws.with_untracked(|w| permalink::json_of(&w.state));
        dom::set_text("share-status", "");
        // The browser deflates the state (a few milliseconds), then the link is shown.
        wasm_bindgen_futures::spawn_local(async move {
            let Some(deflated) = dom::deflate_raw(&json).await else {
                ctx.notify(
                    Level::Error,
                    "this browser cannot compress the link (it has no CompressionStream); Export JSON saves the same state",
                );
                return;
            };
            if ctx.ws.with_untracked(|w| permalink::json_of(&w.state)) != json {
                ctx.notify(
                    Level::Info,
                    "the data changed while the link was being made: press Share link again",
                );
                return;
            }
            let url = permalink::link_to(&base, &permalink::payload(&deflated));
            // Replacing the URL must not count as an edit that makes it stale.
            dom::replace_url(&url);
            ctx.url_has_state.set_value(true);
            dom::set_value(ShareControl::Permalink.id(), &url);
            if url.len() > SHAREABLE_LEN {
                ctx.notify(
                    Level::Warning,
                    format!(
                        "This link is {} characters long; chat tools and mail clients may cut links over {SHAREABLE_LEN}. Send the CSV or JSON export instead",
                        url.len()
                    ),
                );
            }
            let long = url.len() > SHAREABLE_LEN;
            dom::copy_text(&url, move |ok| {
                let said = if ok {
                    "Copied to the clipboard and put in the address bar."
                } else {
                    "Put in the address bar; copy it from the field above (the clipboard was not available)."
                };
                let text = if long {
                    format!("{said} This link is long: some chat tools cut it, so the exports below may travel better.")
                } else {
                    said.to_string()
                };
                dom::set_text("share-status", &text);
            });
        });
    };
    let export_csv = move |_| {
        let csv = ctx
            .analysis
            .with_untracked(|a| a.as_ref().map(export::analysis_csv))
            .or_else(|| {
                ctx.relative
                    .with_untracked(|r| r.as_ref().map(export::relative_csv))
            });
        // A sweep adds its envelope, joint law and compute (or is the whole export,
        // when no learning curve could be fitted on its envelope).
        let csv = match ctx.sweep.with_untracked(|s| match s {
            Some(Ok(page)) => Some(export::sweep_csv(csv.clone(), page)),
            _ => None,
        }) {
            Some(with_sweep) => Some(with_sweep),
            None => csv,
        };
        match csv {
            Some(csv) => {
                dom::download_text("scalefit-results.csv", "text/csv", &csv);
            }
            None => ctx.notify(
                Level::Error,
                "nothing to export yet: fit some data or pick a preset",
            ),
        }
    };
    let export_json = move |_| {
        let json = ctx.ws.with_untracked(|w| export::state_json(&w.state));
        dom::download_text("scalefit-state.json", "application/json", &json);
    };
    let has_results = move || {
        ctx.analysis.with(Option::is_some)
            || ctx.relative.with(Option::is_some)
            || ctx.sweep.with(|s| matches!(s, Some(Ok(_))))
    };
    let (share_id, permalink) = (ShareControl::Share.id(), ShareControl::Permalink.id());
    view! {
        <section class="card" aria-labelledby="share-heading">
            <h2 id="share-heading">"Share and export"</h2>
            <p class="hint">
                "The link carries the data and every setting in its fragment (after #), which browsers never send to a server."
            </p>
            <div class="share-row">
                <button id=share_id type="button" class="btn btn-primary" on:click=share>
                    "Share link"
                </button>
                <label for="permalink" class="visually-hidden">"Permalink"</label>
                <input
                    id=permalink
                    type="url"
                    readonly
                    placeholder="Press “Share link” to make a permalink"
                    on:focus=move |e| {
                        if let Some(el) = dom::target::<web_sys::HtmlInputElement>(&e) {
                            el.select();
                        }
                    }
                />
            </div>
            <p class="hint share-status" id="share-status" aria-live="polite"></p>
            <div class="button-row">
                <button
                    id="export-csv"
                    type="button"
                    class="btn"
                    disabled=move || !has_results()
                    on:click=export_csv
                >
                    "Export CSV"
                </button>
                <button id="export-json" type="button" class="btn" on:click=export_json>
                    "Export JSON"
                </button>
            </div>
            <p class="hint">
                "CSV: each point with its fit and band, the curve, every parameter with its interval, the projection and the backtest. JSON: the full state; drop it on the data box to restore it."
            </p>
        </section>
    }
}
