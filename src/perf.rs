//! User-timing marks for `scripts/bench-web.mjs` (read through the Performance API;
//! no behaviour depends on them, and they cost a few calls per fit):
//!
//! - `scalefit:first-plot` (mark): the first successful draw of `canvas#learning-curve`;
//! - `scalefit:edit` (mark): the last input event of `#data-input`;
//! - `scalefit:fit` (measure): from the start of the recompute (parse of the settled,
//!   debounced state) through the point fit to the redraw of the learning curve;
//! - `scalefit:parse-fit` (measure): from the same start to the end of the point fit
//!   (parse and fit only: no view, layout or drawing);
//! - `scalefit:edit-to-fit` (measure): from the last edit to that redraw (includes the
//!   150 ms debounce);
//! - `data-family-ms` on the root element: the last family comparison's time, ms;
//! - `scalefit:bootstrap` (measure): from the last edit to the redraw with the
//!   bootstrap intervals;
//! - `scalefit:sweep-bootstrap` (measure): from the last edit (or the recompute's
//!   start) to the end of a sweep's joint-law bootstrap.

use std::cell::Cell;

thread_local! {
    static FIRST_PLOT: Cell<bool> = const { Cell::new(false) };
    static FIT_PENDING: Cell<bool> = const { Cell::new(false) };
    static BOOT_PENDING: Cell<bool> = const { Cell::new(false) };
}

fn perf() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}

fn mark(name: &str) {
    if let Some(p) = perf() {
        p.clear_marks_with_mark_name(name);
        let _ = p.mark(name);
    }
}

fn measure(name: &str, start: &str) -> bool {
    perf().is_some_and(|p| p.measure_with_start_mark(name, start).is_ok())
}

/// An input event of the data box.
pub fn edit() {
    mark("scalefit:edit");
}

/// The recompute of a settled state starts (its parse).
pub fn fit_start() {
    mark("scalefit:fit-start");
    FIT_PENDING.with(|c| c.set(true));
}

/// The point fit of the settled state is done.
pub fn point_fit_done() {
    if FIT_PENDING.with(Cell::get) {
        measure("scalefit:parse-fit", "scalefit:fit-start");
    }
}

/// The bootstrap finished; its intervals are drawn next.
pub fn bootstrap_done() {
    BOOT_PENDING.with(|c| c.set(true));
}

/// `canvas#learning-curve` was drawn.
pub fn learning_curve_drawn() {
    if !FIRST_PLOT.with(|c| c.replace(true)) {
        mark("scalefit:first-plot");
    }
    if FIT_PENDING.with(|c| c.replace(false)) {
        measure("scalefit:fit", "scalefit:fit-start");
        measure("scalefit:edit-to-fit", "scalefit:edit");
    }
    if BOOT_PENDING.with(|c| c.replace(false)) && !measure("scalefit:bootstrap", "scalefit:edit") {
        measure("scalefit:bootstrap", "scalefit:fit-start");
    }
}

/// A family comparison took `ms`.
pub fn family_fit_done(ms: f64) {
    crate::dom::set_root_attribute("data-family-ms", &format!("{ms:.1}"));
}

/// A family's bootstrap finished.
pub fn family_bootstrap_done() {
    if !measure("scalefit:family-bootstrap", "scalefit:edit") {
        measure("scalefit:family-bootstrap", "scalefit:fit-start");
    }
}

/// A sweep's joint-law bootstrap finished.
pub fn sweep_bootstrap_done() {
    if !measure("scalefit:sweep-bootstrap", "scalefit:edit") {
        measure("scalefit:sweep-bootstrap", "scalefit:fit-start");
    }
}
