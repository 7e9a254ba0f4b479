//! Scalefit's web app: a Leptos page (client-side only) over `scalefit-core` and
//! `scalefit-plot`. `main` mounts [`app::App`] (the view); the state is in [`state`],
//! everything else in the modules.

mod app;
mod components;
mod controls;
mod dom;
mod export;
mod format;
mod markup;
mod perf;
mod plotting;
mod runner;
mod state;
mod storage;
mod table;
mod view_model;
mod worker;
mod workspace;

fn main() {
    // In a bootstrap worker (no window) the module only serves `worker::worker_run`.
    if web_sys::window().is_none() {
        return;
    }
    // A link in the URL is inflated by the browser (asynchronously) before the app
    // mounts, so the first render already shows it; without one, the app mounts at once.
    if scalefit_core::permalink::payload_of(&dom::hash()).is_none() {
        mount(None);
    } else {
        wasm_bindgen_futures::spawn_local(async { mount(state::link_at_load().await) });
    }
}

fn mount(link: Option<state::LinkOutcome>) {
    leptos::mount::mount_to_body(move || leptos::view! { <app::App link=link/> });
}
