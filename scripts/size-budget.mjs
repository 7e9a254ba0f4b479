// Fails when the gzip transfer size of the built page (html, js, wasm, css) exceeds
// its budget. Size, unlike time, is the same on every machine, so it is a test.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync } from "node:zlib";

// The goal is 250 KB (issue: performance); the build is above it today, so the test
// holds the line at a ceiling just over the current size to catch regressions, and
// BENCHMARKS.md tracks the distance to the goal.
const GOAL = 250 * 1024;
const BUDGET = 338 * 1024; // bytes, gzip level 9: 329.3 KB measured 2026-11-29 (BENCHMARKS.md) + about 9 KB
const dir = process.argv[2] ?? "dist";
const rows = [];
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!statSync(path).isFile() || ![".html", ".js", ".wasm", ".css", ".svg"].includes(extname(name))) continue;
  const raw = readFileSync(path);
  rows.push({ name, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length });
}
const total = rows.reduce((s, r) => s + r.gzip, 0);
for (const r of rows) console.log(`${r.name.padEnd(40)} ${String(r.raw).padStart(9)} B  ${String(r.gzip).padStart(8)} B gzip`);
console.log(`total gzip ${total} B (${(total / 1024).toFixed(1)} KB), ceiling ${BUDGET / 1024} KB, goal ${GOAL / 1024} KB`);
if (rows.length === 0) { console.error("no built files found in " + dir); process.exit(1); }
if (total > BUDGET) { console.error(`over budget by ${total - BUDGET} B`); process.exit(1); }
