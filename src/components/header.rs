//! The page header: name, what it does, and the theme toggle.

use leptos::prelude::*;

use crate::state::{Ctx, ThemeChoice};
use crate::storage;

/// Title bar with the theme toggle.
#[component]
pub fn Header(ctx: Ctx) -> impl IntoView {
    let label = move || match ctx.theme.get() {
        ThemeChoice::Auto => "Theme: auto",
        ThemeChoice::Light => "Theme: light",
        ThemeChoice::Dark => "Theme: dark",
    };
    let toggle = move |_| {
        let next = ctx.theme.get_untracked().next();
        storage::save_theme(next.id());
        ctx.theme.set(next);
    };
    view! {
        <header class="site-header">
            <div class="brand">
                <img src="favicon.svg" alt="" width="32" height="32"/>
                <div>
                    <h1>"Scalefit"</h1>
                    <p class="tagline">"Learning curves and scaling laws: fit, extrapolate, share."</p>
                </div>
            </div>
            <button
                id="theme-toggle"
                type="button"
                class="btn btn-ghost"
                on:click=toggle
                title="Switch between automatic, light and dark themes"
            >
                <span aria-hidden="true" class="theme-icon">{move || if ctx.dark() { "☾" } else { "☀" }}</span>
                {label}
            </button>
        </header>
    }
}
