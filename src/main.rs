//! Scalefit's web app: a Leptos page (client-side only) over `scalefit-core` and
//! `scalefit-plot`. `main` mounts [`app::App`]; everything else is in the modules.

mod app;
mod components;
mod dom;
mod export;
mod format;
mod markup;
mod perf;
mod plotting;
mod runner;
mod storage;
mod table;
mod view_model;
mod workspace;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
