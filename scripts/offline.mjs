// Trunk post-build hook (the last one): writes into sw.js the list of the built files
// it keeps for offline use and a version, the hash of their names and contents, so
// a new deployment (any changed byte) installs a new cache and deletes the old one.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? "dist";
const sw = join(dir, "sw.js");

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const files = walk(dir)
  .map((p) => relative(dir, p).split("\\").join("/"))
  .filter((f) => f !== "sw.js" && !f.endsWith(".map"))
  .sort();
if (!files.includes("index.html") || !files.some((f) => f.endsWith(".wasm"))) {
  console.error(`offline.mjs: ${dir} has no index.html or no wasm`);
  process.exit(1);
}
const hash = createHash("sha256");
for (const f of files) hash.update(f).update("\0").update(readFileSync(join(dir, f)));
const version = hash.digest("hex").slice(0, 16);
let code = readFileSync(sw, "utf8");
if (!code.includes("__SCALEFIT_VERSION__") || !code.includes('"__SCALEFIT_FILES__"')) {
  console.error("offline.mjs: sw.js has no placeholders (already written?)");
  process.exit(1);
}
code = code
  .replace("__SCALEFIT_VERSION__", version)
  .replace('"__SCALEFIT_FILES__"', files.map((f) => JSON.stringify(f)).join(", "));
writeFileSync(sw, code);
console.log(`offline.mjs: sw.js keeps ${files.length} files, version ${version}`);
