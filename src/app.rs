//! The root component: the page's layout over the reactive spine ([`crate::state`]).
//! Nothing imports this module but `main`.

use leptos::prelude::*;

use crate::components::charts::Charts;
use crate::components::family::FamilyPanel;
use crate::components::header::Header;
use crate::components::input::InputPanel;
use crate::components::results::{messages_html, show_progress, FitDetails, ResultsPanel};
use crate::components::share::SharePanel;
use crate::components::sweep::SweepPanel;
use crate::state::{Ctx, LinkOutcome};

/// The page. `link` is the permalink in the URL at load, already decoded (see
/// [`crate::state::link_at_load`]); `None` without one.
#[component]
pub fn App(link: Option<LinkOutcome>) -> impl IntoView {
    let ctx = Ctx::new(link, show_progress, messages_html);
    view! {
        <a class="skip-link" href="#results">"Skip to results"</a>
        <Header ctx=ctx/>
        <main class="layout">
            <InputPanel ctx=ctx/>
            <section id="results" class="results" aria-label="Results">
                <ResultsPanel ctx=ctx/>
                <Charts ctx=ctx/>
                <FamilyPanel ctx=ctx/>
                <SweepPanel ctx=ctx/>
                <FitDetails ctx=ctx/>
                <SharePanel ctx=ctx/>
            </section>
        </main>
        <footer class="site-footer">
            <p>
                "Scalefit fits learning curves after Hestness et al. 2017, "
                <cite>"Deep Learning Scaling is Predictable, Empirically"</cite>
                " (arXiv:1712.00409). Everything runs in this page: your data never leave your browser."
            </p>
        </footer>
    }
}
