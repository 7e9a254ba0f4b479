//! Fuzz harness of Scalefit's core. The checks live in `harness.rs`, which the core's
//! `tests/regressions.rs` also includes (`#[path]`), so a saved crash input is replayed
//! in the normal `cargo test` through exactly the code the fuzz target ran.
pub mod harness;
