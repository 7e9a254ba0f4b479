// The "Model and target" card's settings that no other test touches: held parameters
// (fitted as the CLI fits them; a bad entry is flagged and changes nothing), the
// bootstrap count and seed (same seed, same intervals), the target's label following
// the metric, and a permalink restoring every one of them into its field.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startEnv, cli, fixture, assertClose } from './harness.mjs';

const DATA = fixture('power_floor.csv');
const FIXED_HINT = /Parameters held at a value instead of fitted/;

let env;
let held;
before(async () => {
  [env, held] = await Promise.all([
    startEnv(),
    cli(['fit', path.join('tests/fixtures', 'power_floor.csv'), '--json', '--bootstrap', '0', '--fix', 'gamma=0.05']),
  ]);
});
after(() => env?.close());

/** The note under a key figure (its interval, or why there is none). */
function note(app, id) {
  return app.page.evaluate((i) => document.getElementById(i)?.parentElement
    .querySelector('.figure-note')?.textContent.trim() ?? null, id);
}

async function waitNote(app, id, re) {
  const t0 = Date.now();
  let n = null;
  while (Date.now() - t0 < 15_000) {
    n = await note(app, id);
    if (re.test(n ?? '')) return n;
    await app.page.waitForTimeout(50);
  }
  assert.fail(`#${id}'s note never matched ${re}: ${JSON.stringify(n)}`);
}

function fixedState(page) {
  return page.evaluate(() => ({
    hint: document.getElementById('fixed-hint').textContent.trim(),
    invalid: document.getElementById('fixed-hint').classList.contains('invalid'),
    aria: document.getElementById('fixed').getAttribute('aria-invalid'),
  }));
}

test('held parameters are fitted as the CLI fits them; a bad entry is flagged and changes nothing', async (t) => {
  const app = await env.open(t);
  const free = await app.paste(DATA);
  await app.page.locator('details.advanced > summary').click();
  await app.fill('#bootstrap', '0');
  await waitNote(app, 'beta-g', /intervals off \(bootstrap 0\)/);

  await app.fill('#fixed', 'gamma=0.05');
  assertClose(await app.readValue('beta-g'), held.params.beta_g, 1e-6, 'beta_g with gamma held');
  const gammaRow = await app.page.locator('#params tbody tr', { hasText: 'gamma' }).textContent();
  assert.match(gammaRow, /held by you/);
  const good = await fixedState(app.page);
  assert.equal(good.invalid, false);
  assert.equal(good.aria, null);
  assert.match(good.hint, FIXED_HINT);

  const before = await app.snapshot();
  await app.page.locator('#fixed').fill('gamma=abc');
  await app.settle(before);
  const bad = await fixedState(app.page);
  assert.equal(bad.invalid, true, 'the hint is marked invalid');
  assert.equal(bad.aria, 'true', 'the field is aria-invalid');
  assert.doesNotMatch(bad.hint, FIXED_HINT, 'the hint says what is wrong instead');
  assert.match(bad.hint, /abc|number/i);
  assertClose(await app.readValue('beta-g'), held.params.beta_g, 1e-6, 'a bad entry keeps the last good one');
  assert.equal(await app.page.locator('#fixed').inputValue(), 'gamma=abc', 'what the user typed stays');

  await app.fill('#fixed', '');
  const cleared = await fixedState(app.page);
  assert.equal(cleared.invalid, false);
  assert.equal(cleared.aria, null);
  assert.match(cleared.hint, FIXED_HINT);
  assert.equal(JSON.parse(await app.snapshot()).betaG, free.betaG, 'nothing held: the free fit again');
});

test('same seed, same intervals; the target follows the metric; a link restores every setting', async (t) => {
  const app = await env.open(t);
  await app.paste(DATA);
  await app.page.locator('details.advanced > summary').click();
  await app.fill('#bootstrap', '200');
  const first = await waitNote(app, 'beta-g', /95% CI/);
  await app.fill('#seed', '7');
  const other = await waitNote(app, 'beta-g', /95% CI/);
  assert.notEqual(other, first, 'another seed draws other resamples');
  await app.fill('#seed', '0');
  await app.fill('#fixed', 'beta_g=-0.3');

  assert.equal(await app.page.locator('label[for=target]').textContent(), 'Target error');
  await app.select('#metric', 'accuracy');
  assert.equal(await app.page.locator('label[for=target]').textContent(), 'Target accuracy');
  await app.select('#metric', 'error');
  assert.equal(await app.page.locator('label[for=target]').textContent(), 'Target error');
  await app.fill('#target', '0.09');

  await app.page.locator('#share').click();
  await app.page.waitForFunction(() => document.getElementById('permalink').value.includes('#'));
  const link = await app.page.locator('#permalink').inputValue();
  const fresh = await env.open(t, { goto: false });
  await fresh.goto(link);
  await fresh.settle();
  const fields = await fresh.page.evaluate(() =>
    Object.fromEntries(['bootstrap', 'seed', 'fixed', 'target', 'model', 'metric']
      .map((id) => [id, document.getElementById(id).value])));
  assert.deepEqual(fields, {
    bootstrap: '200', seed: '0', fixed: 'beta_g=-0.3', target: '0.09', model: 'auto', metric: 'error',
  });
});

test('the seed reproduces its intervals', async (t) => {
  const app = await env.open(t);
  await app.paste(DATA);
  await app.page.locator('details.advanced > summary').click();
  await app.fill('#bootstrap', '200');
  await app.fill('#seed', '11');
  const a = await waitNote(app, 'beta-g', /95% CI/);
  await app.fill('#seed', '12');
  await waitNote(app, 'beta-g', /95% CI/);
  await app.fill('#seed', '11');
  const b = await waitNote(app, 'beta-g', /95% CI/);
  assert.equal(b, a, 'seed 11 again: the same interval');
});
