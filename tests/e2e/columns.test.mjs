// The column and series pickers (SPEC section 2): columns are detected from the
// header and can be overridden (and detected again), and a file with several curves
// fits the one picked in #series, exactly as a paste of that curve alone does.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv } from './harness.mjs';

// Error first, size second, and a third column the user may call the model size.
const SWAPPED = 'err,m,batch\n' + [
  [0.52, 1e3, 1e5], [0.41, 3e3, 2e5], [0.33, 1e4, 4e5], [0.26, 3e4, 8e5], [0.21, 1e5, 1.6e6], [0.17, 3e5, 3.2e6],
].map((r) => r.join(',')).join('\n') + '\n';
const A = [[1e3, 0.6], [1e4, 0.4], [1e5, 0.27], [1e6, 0.18]];
const B = [[1e3, 0.5], [1e4, 0.25], [1e5, 0.125], [1e6, 0.0625]];
const SERIES = 'name,size,error\n' + [...A.map((r) => ['a', ...r]), ...B.map((r) => ['b', ...r])]
  .map((r) => r.join(',')).join('\n') + '\n';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

function picker(page) {
  return page.evaluate(() => ({
    summary: document.querySelector('details.columns > summary').textContent.replace(/\s+/g, ' ').trim(),
    size: document.getElementById('col-size').value,
    error: document.getElementById('col-error').value,
    modelSize: document.getElementById('col-model-size').value,
    again: !document.getElementById('columns-auto').hidden,
  }));
}

test('columns are detected, can be overridden, and detected again', async (t) => {
  const app = await env.open(t);
  const detected = await app.paste(SWAPPED);
  assert.ok(parseFloat(detected.betaG) < 0, `the swapped columns are read right (beta_g ${detected.betaG})`);
  assert.equal(detected.betaP, null, 'no model-size column detected');
  await app.page.locator('details.columns > summary').click();
  assert.deepEqual(await picker(app.page),
    { summary: 'Columns (detected)', size: '1', error: '0', modelSize: '', again: false });
  const options = await app.page.locator('#col-model-size option').allTextContents();
  assert.deepEqual(options, ['none', 'err (1)', 'm (2)', 'batch (3)']);

  await app.select('#col-model-size', '2');
  assert.ok(Number.isFinite(await app.readValue('beta-p')), 'the chosen model-size column is fitted');
  assert.deepEqual(await picker(app.page),
    { summary: 'Columns (set by you)', size: '1', error: '0', modelSize: '2', again: true });

  const before = await app.snapshot();
  await app.page.locator('#columns-auto').click();
  const again = await app.settle(before);
  assert.equal(again.betaP, null, 'detected again: no model size');
  assert.equal(again.betaG, detected.betaG);
  assert.deepEqual(await picker(app.page),
    { summary: 'Columns (detected)', size: '1', error: '0', modelSize: '', again: false });
});

test('#series picks one curve of several, fitted as that curve alone', async (t) => {
  const alone = await env.open(t);
  const bAlone = await alone.paste('size,error\n' + B.map((r) => r.join(',')).join('\n') + '\n');
  const app = await env.open(t);
  await app.paste(SERIES);
  assert.equal(await app.page.locator('#series').isVisible(), true);
  assert.deepEqual(await app.page.locator('#series option').allTextContents(), ['a', 'b']);
  const first = JSON.parse(await app.snapshot());
  assert.equal(await app.page.locator('#series').inputValue(), 'a');
  await app.select('#series', 'b');
  const b = JSON.parse(await app.snapshot());
  assert.notEqual(b.betaG, first.betaG);
  assert.equal(b.betaG, bAlone.betaG, 'series b fits like its rows alone');
  assert.equal(await app.page.locator('#series').inputValue(), 'b');

  // One curve: no series picker.
  await app.paste('size,error\n' + B.map((r) => r.join(',')).join('\n') + '\n');
  assert.equal(await app.page.locator('#series').isVisible(), false);
});
