// Fails when the page's modules (src/) import each other in a cycle. The state lives in
// src/state.rs and the view in src/app.rs so that components depend on the state and
// nothing depends on the view; this keeps it that way (ARCHITECTURE.md, code map).
//
// A module is a file (src/a.rs and src/a/mod.rs are `a`, src/a/b.rs is `a::b`). Its
// imports are the `crate::`, `super::` and `self::` paths in its `use` items and in its
// code, each resolved to the longest module it names; a module's `mod` declarations
// and its `#[cfg(test)] mod tests` block (at the end of the file, by the house style)
// do not count.
//
// Usage: node scripts/import-cycles.mjs [src]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

const root = process.argv[2] ?? "src";

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".rs") ? [p] : [];
  });
}

// src/a/b.rs -> ["a", "b"]; src/a/mod.rs -> ["a"]; src/main.rs -> [].
function modulePath(file) {
  const parts = relative(root, file).replace(/\.rs$/, "").split(sep);
  const last = parts[parts.length - 1];
  if (last === "mod" || (parts.length === 1 && (last === "main" || last === "lib"))) parts.pop();
  return parts;
}

// Comments, strings and the test module removed: what is left is the build's code.
function code(text) {
  const cut = text.search(/#\[cfg\(test\)\]\s*mod\s+\w+\s*\{/);
  if (cut >= 0) text = text.slice(0, cut);
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/r#*"[\s\S]*?"#*/g, '""')
    .replace(/"(?:\\.|[^"\\])*"/g, '""');
}

// `a::{b, c::{d, self}}` -> [["a","b"], ["a","c","d"], ["a","c"]].
function expand(tree) {
  const s = tree.replace(/\s+as\s+[A-Za-z_]\w*/g, "").replace(/\s+/g, "");
  let i = 0;
  function list(prefix) {
    const out = [...item(prefix)];
    while (s[i] === ",") {
      i++;
      if (s[i] === "}" || i >= s.length) break;
      out.push(...item(prefix));
    }
    return out;
  }
  function item(prefix) {
    const segs = [...prefix];
    for (;;) {
      if (s[i] === "{") {
        i++;
        const inner = list(segs);
        i++; // the closing brace
        return inner;
      }
      const m = /^(?:[A-Za-z_]\w*|\*)/.exec(s.slice(i));
      if (!m) return [segs];
      i += m[0].length;
      // `self` inside braces is the prefix itself; at the start it is a path.
      if (m[0] !== "self" || segs.length === 0) segs.push(m[0]);
      if (!s.startsWith("::", i)) return [segs];
      i += 2;
    }
  }
  return list([]);
}

const modules = new Map(); // "a::b" -> file
for (const f of files(root)) modules.set(modulePath(f).join("::"), f);

// `segs` as written in module `here`: the module it names (longest known prefix).
function resolve(here, segs) {
  let base;
  let rest = segs;
  if (segs[0] === "crate") { base = []; rest = segs.slice(1); }
  else if (segs[0] === "self") { base = [...here]; rest = segs.slice(1); }
  else if (segs[0] === "super") {
    base = [...here];
    while (rest[0] === "super") { base.pop(); rest = rest.slice(1); }
  } else return null;
  let best = null;
  for (let n = 0; n <= rest.length; n++) {
    const name = [...base, ...rest.slice(0, n)].join("::");
    if (modules.has(name)) best = name;
  }
  return best;
}

const edges = new Map();
for (const [name, file] of modules) {
  const here = name === "" ? [] : name.split("::");
  const src = code(readFileSync(file, "utf8"));
  const paths = [];
  const useItem = /\buse\s+([^;]+);/g;
  let m;
  while ((m = useItem.exec(src))) paths.push(...expand(m[1]));
  const rest = src.replace(useItem, "");
  for (const p of rest.matchAll(/\b(?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+/g)) paths.push(p[0].split("::"));
  const to = new Set();
  for (const p of paths) {
    const target = resolve(here, p);
    if (target !== null && target !== name && target !== "") to.add(target);
  }
  edges.set(name, [...to].sort());
}

// Tarjan's strongly connected components: a component of more than one module is a cycle.
let index = 0;
const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], cycles = [];
function visit(v) {
  idx.set(v, index); low.set(v, index); index++;
  stack.push(v); onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
    if (comp.length > 1) cycles.push(comp.sort());
  }
}
for (const v of [...modules.keys()].sort()) if (!idx.has(v)) visit(v);

const count = [...edges.values()].reduce((s, e) => s + e.length, 0);
if (cycles.length > 0) {
  for (const c of cycles) {
    console.error(`import cycle among ${c.length} modules: ${c.join(", ")}`);
    for (const v of c) console.error(`  ${v} -> ${edges.get(v).filter((w) => c.includes(w)).join(", ")}`);
  }
  process.exit(1);
}
console.log(`${modules.size} modules, ${count} imports, no cycle`);
