//! The page's components, one concern each. They render view-model values and send
//! user actions to the workspace; none of them computes a number.

pub mod charts;
pub mod data_table;
pub mod family;
pub mod header;
pub mod input;
pub mod results;
pub mod share;
pub mod sweep;
