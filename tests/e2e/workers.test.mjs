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

// The three series of tests/e2e/family.test.mjs.
const THREE = 'm,error,model\n' +
  '1000,0.50,a\n2000,0.41,a\n4000,0.335,a\n8000,0.275,a\n16000,0.226,a\n' +
  '1000,0.40,b\n2000,0.33,b\n4000,0.27,b\n8000,0.222,b\n16000,0.18,b\n' +
  '1000,0.60,c\n2000,0.50,c\n4000,0.40,c\n8000,0.33,c\n16000,0.27,c\n';

/** The family's intervals once in: the shared exponent's and every table cell's. */
async function familyIntervals(app) {
  await app.page.locator('#beta-g-shared-ci').waitFor({ state: 'attached', timeout: 120_000 });
  return app.page.evaluate(() => [...document.querySelectorAll('#beta-g-shared-ci, #family-table .ci, #family-needs td[data-lo]')]
    .map((e) => [e.dataset.lo, e.dataset.hi]));
}

test('a family\'s bootstrap runs in the worker pool beside the curve\'s, equal to the main thread\'s', async (t) => {
  // Count the family chunks handed to workers (job kind 2, src/worker.rs).
  const context = await env.browser.newContext();
  await context.addInitScript(() => {
    window.__familyChunks = 0;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (m, ...rest) {
      if (m && m.kind === 2) window.__familyChunks += 1;
      return post.call(this, m, ...rest);
    };
  });
  const app = await env.open(t, { context });
  await app.paste(THREE);
  await app.page.waitForFunction(() => document.getElementById('family-view')?.dataset.count === '3', null, { timeout: 20_000 });
  const got = await familyIntervals(app);
  assert.ok(got.length >= 1 + 6, `the shared exponent and every parameter of the three series have intervals (${got.length})`);
  const chunks = await app.page.evaluate(() => window.__familyChunks);
  assert.ok(chunks >= 2, `the family's resamples went to the workers in chunks (${chunks})`);
  // The picked series' own bootstrap shares the pool and finishes too.
  // (the Fit card's intervals, its table's third column).
  await app.page.waitForFunction(() => {
    const cells = [...document.querySelectorAll('#params tbody tr td:nth-child(3)')];
    return cells.length > 0 && cells.every((td) => /\d.*–.*\d/.test(td.textContent));
  }, null, { timeout: 120_000 });
  // Without workers: the same numbers, bit for bit, from slices on the main thread.
  const plainContext = await env.browser.newContext();
  await plainContext.addInitScript(() => { delete window.Worker; });
  const plain = await env.open(t, { context: plainContext });
  await plain.paste(THREE);
  const here = await familyIntervals(plain);
  assert.deepEqual(got, here, 'the workers\' intervals are the main thread\'s');
  await plain.page.close();
  await plainContext.close();
  await app.page.close();
  await context.close();
});
