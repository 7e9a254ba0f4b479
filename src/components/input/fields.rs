//! What the input panel's text fields share: reading a number the user typed, and
//! writing the workspace's value back into a field without disturbing typing.

use crate::dom;
use crate::view_model;

/// A `number` input's value: a plain number.
pub fn number_field(s: &str) -> Option<f64> {
    scalefit_core::num::parse_f64(s.trim()).filter(|v| v.is_finite())
}

/// A `text` input's value: also `134M`, `2^27`, `1,000`.
pub fn text_field(s: &str) -> Option<f64> {
    view_model::parse_user_number(s)
}

/// Rewrites control `id` with `text()` unless what it holds already `means` the
/// workspace's value (never while the user types `0.` or `1e`). Whether it wrote.
pub fn follow(id: &str, means: &dyn Fn(&str) -> bool, text: &dyn Fn() -> String) -> bool {
    match dom::value(id) {
        Some(cur) if !means(&cur) => {
            dom::set_value(id, &text());
            true
        }
        _ => false,
    }
}
