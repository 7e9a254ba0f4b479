#!/usr/bin/env bash
# Where the web bundle's bytes go: builds the app's wasm with symbols kept (the release
# profile with `strip = false`, in its own target dir so dist/ and target/ are left
# alone), runs wasm-bindgen and wasm-opt like Trunk does but with the name section kept
# (`-g`), and prints twiggy's `top`, `dominators` and a per-crate roll-up.
#
# Needs: twiggy (`cargo install twiggy --locked`), wasm-bindgen 0.2.130, wasm-opt
# (node_modules/.bin, from binaryen). Usage: scripts/size-report.sh [N]   (rows, default 30)
# Output files in $OUT (default /tmp/scalefit-size): app.wasm (before wasm-opt),
# app.opt.wasm (after wasm-opt -Oz -g), report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-30}"
OUT="${OUT:-/tmp/scalefit-size}"
export CARGO_TARGET_DIR="${SIZE_TARGET_DIR:-/tmp/scalefit-size-target}"
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
mkdir -p "$OUT"

CARGO_PROFILE_RELEASE_STRIP=false cargo build --release --offline \
  --target wasm32-unknown-unknown -p scalefit-web --bin scalefit-web >&2
wasm-bindgen --target web --no-typescript --keep-debug --out-dir "$OUT/bg" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/scalefit-web.wasm" >&2
cp "$OUT/bg/scalefit-web_bg.wasm" "$OUT/app.wasm"
# The flags of index.html's data-wasm-opt(-params), plus -g to keep the names.
wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-multivalue --enable-mutable-globals \
  "$OUT/app.wasm" -o "$OUT/app.opt.wasm"

{
  echo "== sizes (bytes; gzip -9 of the code without the name section is what ships)"
  for f in app.wasm app.opt.wasm; do
    printf '%-14s raw %9d\n' "$f" "$(stat -c %s "$OUT/$f")"
  done
  wasm-opt --strip-debug --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$OUT/app.opt.wasm" -o "$OUT/app.shipped.wasm"
  printf '%-14s raw %9d gzip %9d\n' "shipped" "$(stat -c %s "$OUT/app.shipped.wasm")" \
    "$(gzip -9c "$OUT/app.shipped.wasm" | wc -c)"
  echo
  echo "== twiggy top -n $N (after wasm-opt)"
  twiggy top -n "$N" "$OUT/app.opt.wasm"
  echo
  echo "== twiggy dominators (after wasm-opt, depth 3, 40 rows)"
  twiggy dominators -d 3 -r 40 "$OUT/app.opt.wasm"
  echo
  echo "== by crate (after wasm-opt; shallow bytes of functions grouped by the crate in the demangled name)"
  twiggy top -n 100000 -f csv "$OUT/app.opt.wasm" | awk -F, '
    NR > 1 {
      name = $2; gsub(/^"|"$/, "", name); size = $3
      crate = name
      if (name ~ /^data\[/) crate = "(data segments)"
      else if (name ~ /^(code|type|import|export|table|elem|global|func|memory)\[/ || name ~ /^"/) crate = "(wasm sections)"
      else {
        sub(/^<+/, "", crate); sub(/^&(mut )?/, "", crate); sub(/^dyn /, "", crate)
        sub(/::.*/, "", crate); sub(/[ <>].*/, "", crate)
      }
      bytes[crate] += size; total += size
    }
    END { for (c in bytes) printf "%9d %5.1f%%  %s\n", bytes[c], 100 * bytes[c] / total, c }' |
    sort -rn | head -n 25
} | tee "$OUT/report.txt"
