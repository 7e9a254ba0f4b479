//! Scalefit's numeric core: parsing, learning-curve fits, bootstrap, projections and
//! permalinks. It does no IO and knows nothing of the DOM; the app and the CLI are thin
//! shells around it.
pub mod analysis;
pub mod bootstrap;
pub mod fit;
pub mod model;
pub mod num;
pub mod parse;
pub mod permalink;
pub mod presets;
pub mod project;
pub mod session;
