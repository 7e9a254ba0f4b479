// Trunk post-build hook: minifies the JavaScript that wasm-bindgen writes (Trunk
// minifies the HTML and CSS but leaves that file as is). terser keeps the module's
// exports and the names the wasm module imports (property names are not mangled).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify } from "terser";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? "dist";
const release = (process.env.TRUNK_PROFILE ?? "release") === "release";
const files = readdirSync(dir).filter((f) => /^scalefit-web-[0-9a-f]+\.js$/.test(f));
if (files.length !== 1) {
  console.error(`minify-js.mjs: expected one wasm-bindgen script in ${dir}, found ${files.length}`);
  process.exit(1);
}
if (release) {
  const path = join(dir, files[0]);
  const code = readFileSync(path, "utf8");
  const out = await minify(code, {
    module: true,
    ecma: 2020,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: false },
  });
  writeFileSync(path, out.code + "\n");
  console.log(`minify-js.mjs: ${files[0]} ${code.length} -> ${out.code.length} bytes`);
}
