// Offline use (issue 18): after one load the service worker keeps the built files, so
// with the network cut a reload opens the page and a permalink opens its state; the
// worker answers only for the page's own files; the manifest makes it installable.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { startEnv, DIST, SUBPATH } from './harness.mjs';

const CLEAN = 'size,error\n1000,0.52\n3000,0.41\n10000,0.33\n30000,0.26\n100000,0.21\n300000,0.17\n';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

async function builtFiles(dir = DIST, prefix = '') {
  const out = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(...await builtFiles(path.join(dir, e.name), rel + '/'));
    else if (rel !== 'sw.js' && !rel.endsWith('.map')) out.push(rel);
  }
  return out.sort();
}

async function controlled(app) {
  await app.page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30_000 });
}

test('with the network cut after the first load, a reload opens the page and a permalink', async (t) => {
  const app = await env.open(t, { permissions: ['clipboard-read', 'clipboard-write'] });
  await app.paste(CLEAN);
  const want = await app.readValue('beta-g');
  await controlled(app);
  await app.page.locator('#share').click();
  await app.page.waitForFunction(() => /#s=./.test(document.getElementById('permalink')?.value || ''), null,
    { timeout: 5000 });
  const link = await app.page.locator('#permalink').inputValue();

  await app.context.setOffline(true);
  await app.reload();
  assert.equal(await app.readValue('beta-g'), want, 'the reloaded page fits the autosaved data offline');
  // A permalink opened offline in a new tab.
  await app.paste('m,err\n1000,0.5\n2000,0.41\n4000,0.33\n8000,0.27\n');
  await app.page.waitForTimeout(1200);
  const tab = await env.open(t, { context: app.context, goto: false });
  await tab.goto(link);
  await tab.page.waitForFunction((w) => document.getElementById('beta-g')?.getAttribute('data-value') === String(w),
    want, { timeout: 20_000 });
  assert.equal(await tab.text(), CLEAN, 'the permalink opened offline restores its data');
  await tab.page.close();

  // Only the page's own files: another address under the page's path is not answered
  // by the worker (offline, it fails), a built file is.
  const other = await app.page.evaluate(async () => {
    try { await fetch('./not-built.txt'); return 'answered'; } catch { return 'network error'; }
  });
  assert.equal(other, 'network error', 'the worker leaves other requests to the network');
  assert.equal(await app.page.evaluate(async () => (await fetch('./favicon.svg')).status), 200);
  const cached = await app.page.evaluate(async () => {
    const names = (await caches.keys()).filter((k) => k.startsWith('scalefit-'));
    const c = await caches.open(names[0]);
    return { names, paths: (await c.keys()).map((r) => new URL(r.url).pathname) };
  });
  assert.equal(cached.names.length, 1, `one cache (${cached.names})`);
  const want2 = (await builtFiles()).map((f) => SUBPATH + f);
  assert.deepEqual(cached.paths.sort(), want2, 'the cache holds exactly the built files');
  await app.context.setOffline(false);
  // The failed fetch above is the test's own doing.
  app.consoleErrors = app.consoleErrors.filter((m) => !/not-built|ERR_INTERNET_DISCONNECTED/.test(m));
});

test('the manifest names the page, starts at its sub-path and has an icon', async (t) => {
  const app = await env.open(t);
  const href = await app.page.evaluate(() => document.querySelector('link[rel="manifest"]')?.href);
  assert.ok(href, 'the page links a manifest');
  const m = await app.page.evaluate(async (u) => (await fetch(u)).json(), href);
  assert.equal(m.short_name, 'Scalefit');
  assert.equal(new URL(m.start_url, href).pathname, SUBPATH, 'start_url is the page, relative to its sub-path');
  assert.equal(m.display, 'standalone');
  assert.ok(m.icons?.length >= 1);
  const icon = await app.page.evaluate(async (u) => (await fetch(u)).status, new URL(m.icons[0].src, href).href);
  assert.equal(icon, 200);
  const sw = await (await fetch(new URL('sw.js', href))).text();
  assert.doesNotMatch(sw, /__SCALEFIT_/, 'the build wrote the file list and version into sw.js');
});
