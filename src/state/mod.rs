//! The page's state: what the components read ([`Ctx`]), the reactive spine that
//! builds it ([`Ctx::new`], in `spine`), permalinks, and the page's limits.
//!
//! Components depend on this module; it depends on no component (the bootstrap's
//! progress and the messages' HTML are written by functions the view passes in), and
//! none of its files imports this one, so the modules have no import cycle
//! (`scripts/import-cycles.mjs`).

mod ctx;
pub mod inputs;
pub mod limits;
mod links;
mod spine;

pub use ctx::{Ctx, ThemeChoice};
pub use limits::MAX_BOOTSTRAP;
pub use links::{link_at_load, LinkOutcome};
