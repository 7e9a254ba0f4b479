// The harness itself: it serves the build under /scalefit/ with the right types, and
// it does fail a test on a console error, a page error, an HTTP error or a request to
// another origin (a harness that cannot fail proves nothing).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startEnv, DIST } from './harness.mjs';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

/** A stand-in for node's TestContext that keeps the after hooks for us to run. */
function fakeT() {
  const hooks = [];
  return { after: (fn) => hooks.push(fn), run: async () => { for (const h of hooks) await h(); } };
}

test('server: the build is served under /scalefit/ only, wasm as application/wasm', async () => {
  const get = (p) => fetch(env.server.origin + p, { redirect: 'manual' });
  const index = await get('/scalefit/');
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  const html = await index.text();
  assert.equal((await get('/scalefit')).status, 301);
  const wasm = fs.readdirSync(DIST).filter((f) => f.endsWith('.wasm'));
  assert.ok(wasm.length >= 1, `the build has a .wasm file (${DIST})`);
  for (const f of wasm) {
    const r = await get('/scalefit/' + f);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/wasm');
  }
  // Every asset the page names must resolve relative to the sub-path, not the root.
  const refs = [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1])
    .filter((u) => !/^(data:|https?:|mailto:)/.test(u));
  for (const u of refs) {
    const r = await fetch(new URL(u, env.base));
    assert.equal(r.status, 200, `index.html references ${u}, which resolves under ${env.base}`);
  }
  assert.equal((await get('/' + (wasm[0] || 'x.wasm'))).status, 404, 'nothing is served at the root');
  env.server.log.length = 0; // that 404 was on purpose
});

const FAULTS = [
  { name: 'console error', inject: (page) => page.evaluate(() => console.error('boom')), want: /console error: boom/ },
  { name: 'page error', inject: (page) => page.evaluate(() => setTimeout(() => { throw new Error('kaput'); })), want: /page error: .*kaput/ },
  {
    name: 'request to another origin',
    inject: (page) => page.evaluate(() => fetch('https://example.com/x').catch(() => {})),
    // The page's CSP refuses the request before it leaves (a console error); either
    // way the harness must fail the test.
    want: /another origin: https:\/\/example\.com\/x|Content Security Policy/,
  },
  {
    name: 'HTTP error',
    inject: (page, base) => page.evaluate((u) => fetch(u).catch(() => {}), base + 'missing.js'),
    want: /HTTP 404 for GET .*missing\.js/,
  },
];

for (const f of FAULTS) {
  test(`harness fails a test on a ${f.name}`, async () => {
    const t = fakeT();
    const app = await env.open(t);
    await f.inject(app.page, app.base);
    await app.page.waitForTimeout(200);
    await assert.rejects(t.run(), (e) => f.want.test(e.message + JSON.stringify(e.actual ?? '')));
    env.server.log.length = 0; // the server saw the deliberate 404
  });
}
