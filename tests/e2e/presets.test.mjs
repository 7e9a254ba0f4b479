// Presets: every domain of the paper shows its exponents (SPEC section 1 table) and
// draws the learning curve; nmt-real loads the real data with its attribution and fits
// it exactly as the CLI does.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv, cli, assertClose } from './harness.mjs';

const PRESETS = [
  { id: 'nmt', betaG: -0.128, betaP: null },
  { id: 'word-lm', betaG: -0.066, betaP: 0.69 },
  { id: 'char-lm', betaG: -0.094, betaP: 0.78 },
  { id: 'imagenet-top1', betaG: -0.309, betaP: 0.573 },
  { id: 'imagenet-top5', betaG: -0.488, betaP: 0.573 },
  { id: 'speech-ds2', betaG: -0.299, betaP: null },
  { id: 'speech-attention', betaG: -0.299, betaP: null },
];
const MIN_INK = 0.005; // share of pixels that differ from the background colour

let env;
let nmtReal;
before(async () => {
  [env, nmtReal] = await Promise.all([
    startEnv(),
    cli(['fit', '--preset', 'nmt-real', '--json', '--bootstrap', '0']),
  ]);
});
after(() => env?.close());

test('#preset offers the seven domains, nmt-real and custom', async (t) => {
  const app = await env.open(t);
  const values = await app.page.locator('#preset option').evaluateAll((os) => os.map((o) => o.value));
  for (const id of [...PRESETS.map((p) => p.id), 'nmt-real', 'custom']) {
    assert.ok(values.includes(id), `#preset has an option "${id}" (has ${JSON.stringify(values)})`);
  }
});

test('each paper preset shows its beta_g and beta_p and draws the learning curve', async (t) => {
  const app = await env.open(t);
  let previous = null;
  for (const p of PRESETS) {
    await app.select('#preset', p.id);
    const g = await app.waitValue('beta-g', p.betaG);
    assert.equal(g, p.betaG, `${p.id}: #beta-g data-value`);
    const bp = await app.rawValue('beta-p');
    if (p.betaP === null) {
      assert.ok(bp === null || !Number.isFinite(parseFloat(bp)),
        `${p.id}: the paper gives no beta_p, so #beta-p shows none (data-value ${bp}, stale from the previous preset?)`);
    } else {
      assert.equal(await app.waitValue('beta-p', p.betaP), p.betaP, `${p.id}: #beta-p data-value`);
    }
    const c = await app.canvasInk('learning-curve');
    assert.ok(!c.missing, 'canvas#learning-curve exists');
    assert.ok(c.ink >= MIN_INK && c.colours >= 3,
      `${p.id}: canvas#learning-curve is drawn (${(100 * c.ink).toFixed(2)}% ink, ${c.colours} colours, ${c.width}x${c.height})`);
    if (previous && previous.betaG !== p.betaG) {
      assert.notEqual(c.url, previous.url, `${p.id}: the plot is redrawn after switching from ${previous.id}`);
    }
    previous = { ...p, url: c.url };
  }
});

test('the anchor fields move the projection as the CLI\'s --anchor does, and follow the metric', async (t) => {
  const want = await cli(['fit', '--preset', 'imagenet-top1', '--anchor', '2000000,0.3', '--target-error', '0.2', '--json', '--bootstrap', '0']);
  const app = await env.open(t);
  await app.select('#preset', 'imagenet-top1');
  assert.equal(await app.page.locator('fieldset.anchor').isVisible(), true);
  const prefilled = await app.page.locator('#anchor-m').inputValue();
  assert.ok(Number.isFinite(Number(prefilled)), `#anchor-m is prefilled (${prefilled})`);
  await app.fill('#target', '0.2');
  await app.fill('#anchor-m', '2M');
  await app.fill('#anchor-error', '0.3');
  assertClose(await app.readValue('proj-data'), want.projection.data_size, 1e-6, '#proj-data from the anchor (2M, 0.3)');
  assert.equal(await app.page.locator('#anchor-m').inputValue(), '2M', 'what the user typed stays');
  assert.equal(await app.page.locator('label[for=anchor-error]').textContent(), 'Error');
  await app.select('#metric', 'accuracy');
  assert.equal(await app.page.locator('label[for=anchor-error]').textContent(), 'Accuracy');
  await app.select('#preset', 'custom');
  assert.equal(await app.page.locator('fieldset.anchor').isVisible(), false, 'no preset, no anchor');
});

test('a paper preset projects a target from its anchor exactly as the CLI does', async (t) => {
  const want = await cli(['fit', '--preset', 'imagenet-top1', '--target-error', '0.2', '--json', '--bootstrap', '0']);
  const app = await env.open(t);
  await app.select('#preset', 'imagenet-top1');
  await app.fill('#target', '0.2');
  assertClose(await app.readValue('proj-data'), want.projection.data_size, 1e-6, '#proj-data (imagenet-top1, target 0.2)');
});

test('nmt-real loads the real data with its Apache-2.0 attribution and fits it like the CLI', async (t) => {
  const app = await env.open(t);
  await app.select('#preset', 'nmt-real');
  const text = await app.text();
  assert.ok(text.split('\n').filter((l) => l.trim()).length >= 54,
    `#data-input holds the 53 real points and a header (${text.length} characters)`);
  assert.match(text, /Seen Examples/, 'the real NMT CSV verbatim');
  const attribution = app.page.getByText(/Apache/).first();
  assert.ok(await attribution.isVisible().catch(() => false), 'an attribution mentioning "Apache" is visible');
  assert.match(await attribution.textContent(), /Apache License 2\.0|Apache-2\.0/);
  // The five models open together (SPEC section 5); the CLI's single fit is of the first.
  await app.page.locator('#family-single').click();
  await app.page.locator('#family-all').waitFor({ state: 'visible' });
  const g = await app.readValue('beta-g');
  assertClose(g, nmtReal.params.beta_g, 1e-6, '#beta-g of nmt-real (CLI: fit --preset nmt-real)');
  const c = await app.canvasInk('learning-curve');
  assert.ok(c.ink >= MIN_INK, `canvas#learning-curve is drawn (${(100 * c.ink).toFixed(2)}% ink)`);
});
