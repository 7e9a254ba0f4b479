// Trunk post-build hook: moves Trunk's inline loader script into its own file and adds
// a Content-Security-Policy that allows scripts from the page's origin only (no
// inline script at all), wasm compilation, and nothing from any other origin.
// Styles allow inline attributes (hover tooltips are positioned with `style=`);
// styles cannot run code.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? "dist";
const path = join(dir, "index.html");
let html = readFileSync(path, "utf8");

// Trunk's minifier drops the quotes around attribute values.
const inline = /<script type="?module"?>([\s\S]*?)<\/script>/g;
html = html.replace(inline, (_, body) => {
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  const name = `loader-${hash}.js`;
  writeFileSync(join(dir, name), body.trim() + "\n");
  return `<script type="module" src="./${name}"></script>`;
});
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) {
  console.error("csp.mjs: an inline script is left in index.html");
  process.exit(1);
}

const policy = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");
if (!html.includes("Content-Security-Policy")) {
  html = html.replace(/<meta charset="?utf-8"?>/i, (m) => `${m}\n    <meta http-equiv="Content-Security-Policy" content="${policy}">`);
  if (!html.includes("Content-Security-Policy")) {
    console.error("csp.mjs: no <meta charset> to put the policy after");
    process.exit(1);
  }
}
writeFileSync(path, html);
console.log(`csp.mjs: loader moved out of index.html, CSP set (${dir})`);
