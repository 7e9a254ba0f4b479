//! The input panel: the data card (source picker, a preset's card, the data box with
//! upload and drop, problems, series and column pickers, the editable table) and the
//! model card (fit settings, target, advanced settings). One file per part; the
//! controls' ids are in [`crate::controls`].

mod columns;
mod data_box;
pub(crate) mod fields;
mod model_card;
mod source;

use leptos::prelude::*;

use crate::components::data_table::DataTable;
use crate::components::input::columns::{ColumnPicker, SeriesPicker};
use crate::components::input::data_box::{DataBox, ProblemList};
use crate::components::input::model_card::ModelCard;
use crate::components::input::source::{PresetCard, RealDataNote, SourcePicker};
use crate::state::Ctx;

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
