// Bootstraps off the main thread (issue 18): the resamples run in the worker pool,
// their intervals equal the main thread's bit for bit (a page without workers) and
// the CLI's (to 1e-6: the wasm's libm and the native one differ in last bits), an
// edit cancels a running bootstrap (the next one starts clean), and typing is handled
// while one runs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { startEnv, cli, assertClose, REPO } from './harness.mjs';

// Ten points with a floor and 2% wiggle (the theme test's curve).
const CURVE = 'm,error\n' + [1e3, 2e3, 4e3, 8e3, 16e3, 32e3, 64e3, 128e3, 256e3, 512e3]
  .map((m, i) => `${m},${(3 * m ** -0.3 + 0.05) * (1 + 0.02 * ((i % 3) - 1))}`).join('\n') + '\n';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

async function ci(app) {
  await app.page.waitForFunction(() => document.getElementById('beta-g')?.dataset.ci, null, { timeout: 120_000 });
  return app.page.evaluate(() => document.getElementById('beta-g').dataset.ci.split(',').map(Number));
}

async function cliCi(t, text, args) {
  const file = path.join(REPO, 'target', `workers-${t.name.replace(/\W+/g, '-')}.csv`);
  await fs.writeFile(file, text);
  const out = await cli(['fit', file, '--json', ...args]);
  return out.ci95.beta_g;
}

function assertCli(got, want, what) {
  assertClose(got[0], want[0], 1e-6, `${what}: lower end`);
  assertClose(got[1], want[1], 1e-6, `${what}: upper end`);
}

test('the bootstrap runs in the worker pool; its intervals equal the main thread\'s and the CLI\'s', async (t) => {
  const app = await env.open(t);
  await app.paste(CURVE);
  const got = await ci(app);
  const on = await app.page.evaluate(() => document.documentElement.dataset.bootstrapOn);
  assert.equal(on, 'workers', 'the resamples ran in workers');
  // The same page in a browser without workers: the slices on the main thread.
  const context = await env.browser.newContext();
  await context.addInitScript(() => { delete window.Worker; });
  const plain = await env.open(t, { context });
  await plain.paste(CURVE);
  const here = await ci(plain);
  assert.equal(await plain.page.evaluate(() => document.documentElement.dataset.bootstrapOn), 'main-thread');
  assert.deepEqual(got, here, 'the workers\' interval is the main thread\'s, bit for bit');
  await plain.page.close();
  await context.close();
  assertCli(got, await cliCi(t, CURVE, []), 'beta_g\'s 95% interval against the CLI');
});

test('an edit cancels the running bootstrap; typing is handled while one runs', async (t) => {
  const app = await env.open(t);
  await app.paste(CURVE);
  await app.select('#model', 'three-region');
  await app.page.locator('details.advanced > summary').click();
  await app.page.locator('#bootstrap').fill('20000');
  await app.page.waitForFunction(() => document.getElementById('bootstrap-meter'), null, { timeout: 10_000 });
  // Typing while it runs: every key lands in the field and the edit is analysed (the
  // debounced refit restarts the bootstrap) before 20,000 resamples could be done.
  await app.page.locator('#bootstrap').fill('');
  await app.page.locator('#bootstrap').pressSequentially('300', { delay: 20 });
  assert.equal(await app.page.locator('#bootstrap').inputValue(), '300');
  // The keys typed on the way (3, 30) started and ended short runs of their own; wait
  // for the interval of 300 resamples, which only that run gives.
  const want = await cliCi(t, CURVE, ['--model', 'three-region', '--bootstrap', '300']);
  await app.page.waitForFunction((w) => {
    const ci = document.getElementById('beta-g')?.dataset.ci?.split(',').map(Number);
    return ci && ci.every((v, i) => Math.abs(v - w[i]) <= 1e-6 * Math.max(1, Math.abs(w[i])));
  }, want, { timeout: 60_000 }).catch(() => {});
  const got = await ci(app);
  assertCli(got, want, 'the intervals are those of 300 resamples: nothing of the cancelled run');
  assert.equal(await app.page.evaluate(() => document.documentElement.dataset.bootstrapOn), 'workers');
});
