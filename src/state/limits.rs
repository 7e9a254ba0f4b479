//! What the page bounds and how long it waits: the bootstrap's cap, the typing debounce
//! and the autosave delay. A leaf, so the view model can state the cap too.

use std::time::Duration;

/// Delay between the last keystroke and the refit.
pub const DEBOUNCE: Duration = Duration::from_millis(150);
/// Most bootstrap resamples the page runs (a link may ask for more; the work and
/// memory grow with the count).
pub const MAX_BOOTSTRAP: usize = 20_000;
/// Delay between the last change and the autosave.
pub const AUTOSAVE: Duration = Duration::from_millis(300);
