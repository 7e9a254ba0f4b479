# Sourced by scripts/build, scripts/setup and scripts/size-report.sh: the size options of
# the page's wasm build. They need three unstable compiler options, which the machine's
# pinned stable toolchain accepts with RUSTC_BOOTSTRAP=1 (no nightly is involved; rust-src
# of the same toolchain, installed by scripts/setup, provides the standard library's
# sources). Together about 50 KB gzip smaller (BENCHMARKS.md, "Bundle size"):
# - the standard library rebuilt with the app (`build-std`), fat LTO across both, and its
#   `optimize_for_size` algorithms (smaller sorts and string routines);
# - `panic = immediate-abort`: a panic traps at once instead of formatting a message
#   (the page has no panics on user input; a trap is as fatal as an abort);
# - no `Debug` formatting (`fmt-debug=none`; the app never shows `{:?}` output) and no
#   panic locations (`location-detail=none`).
# Plain `trunk build --release` without these still works; it is only larger.
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
# Cargo appends these to .cargo/config.toml's flags for this target.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none"
