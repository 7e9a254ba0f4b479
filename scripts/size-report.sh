#!/usr/bin/env bash
# Where the web bundle's bytes go: builds the app's wasm with symbols kept (the
# `wasm-release` profile Trunk uses, with `strip = false`, in its own target dir so
# dist/ and target/ are left alone), runs wasm-bindgen and wasm-opt like Trunk does
# but with the name section kept (`-g`), and prints twiggy's `top`, `dominators` and a
# per-crate roll-up.
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
. scripts/wasm-env.sh

CARGO_PROFILE_WASM_RELEASE_STRIP=false cargo build --profile wasm-release --offline \
  --target wasm32-unknown-unknown -p scalefit-web --bin scalefit-web >&2
wasm-bindgen --target web --no-typescript --keep-debug --out-dir "$OUT/bg" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/scalefit-web.wasm" >&2
cp "$OUT/bg/scalefit-web_bg.wasm" "$OUT/app.wasm"
# The flags of index.html's data-wasm-opt(-params), plus -g to keep the names.
wasm-opt -Oz -g --strip-dwarf --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
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
  echo "== by crate (after wasm-opt: shallow bytes grouped by the first path segment of each name)"
  twiggy top -n 1000000 -f json "$OUT/app.opt.wasm" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const by = new Map(); let total = 0;
      for (const { name, shallow_size: n } of JSON.parse(s)) {
        let c;
        if (/"function names" subsection/.test(name)) c = "(name section: -g only, not shipped)";
        else if (/^data segment|^data\[/.test(name)) c = "(data segments: strings, tables)";
        else if (/subsection|^custom section|^type\[|^import|^export|^table|^elem|^global|^memory|^"/.test(name)) c = "(wasm metadata: names, types, imports, elem)";
        else { const m = name.replace(/\[[0-9a-f]{16}\]/g, "").match(/([A-Za-z_][A-Za-z0-9_]*)::/); c = m ? m[1] : "(other: " + name.slice(0, 30) + ")"; }
        if (/^(core|alloc|std)$/.test(c)) c = "core/alloc/std";
        by.set(c, (by.get(c) || 0) + n); total += n;
      }
      for (const [c, n] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 25))
        console.log(String(n).padStart(9) + (100 * n / total).toFixed(1).padStart(6) + "%  " + c);
    });'
  echo
  echo "== twiggy monos (generic functions with many copies, after wasm-opt)"
  twiggy monos -n 15 "$OUT/app.opt.wasm"
} | tee "$OUT/report.txt"
