// The page's numbers equal the CLI's for the same data and settings (SPEC: page and
// CLI share one core), for pasted text, an uploaded file, a target, a fixed old link;
// and the typed text survives a reload.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startEnv, cli, fixture, assertClose, FIXTURES } from './harness.mjs';

const REL = 1e-6;
const POWER_FLOOR = 'power_floor.csv'; // 12 points of 4.2 m^-0.32 + 0.06, +-1.5% wiggle
const MODEL_SIZE = 'model_size.tsv'; // 10 points, TSV, with a model-size column
const ACCURACY = 'accuracy_percent.csv'; // top-1 accuracy in percent, rising with data
const TARGET = 0.09; // below the last point (0.1006), above the floor (0.061)

let env;
const ref = {};
before(async () => {
  const fx = (f) => path.join('tests/fixtures', f);
  [env, ref.fit, ref.target, ref.sizes] = await Promise.all([
    startEnv(),
    cli(['fit', fx(POWER_FLOOR), '--json', '--bootstrap', '0', '--model', 'auto', '--loss', 'log']),
    cli(['fit', fx(POWER_FLOOR), '--json', '--bootstrap', '0', '--target-error', String(TARGET)]),
    cli(['fit', fx(MODEL_SIZE), '--json', '--bootstrap', '0', '--target-error', '0.04']),
  ]);
});
after(() => env?.close());

test('pasted CSV: #beta-g equals the CLI fit (auto, log loss)', async (t) => {
  const app = await env.open(t);
  assert.equal(await app.page.locator('#model').inputValue(), 'auto', '#model defaults to auto');
  await app.paste(fixture(POWER_FLOOR));
  assert.equal(ref.fit.model, 'power-floor', 'the fixture is a power-floor curve (CLI)');
  assertClose(await app.readValue('beta-g'), ref.fit.params.beta_g, REL, '#beta-g');
});

// Each form chosen by hand gives the CLI's fit of that form.
for (const model of ['power', 'power-floor', 'three-region', 'smooth-floor']) {
  test(`#model ${model}: #beta-g equals the CLI fit with --model ${model}`, async (t) => {
    const want = await cli(['fit', path.join('tests/fixtures', POWER_FLOOR), '--json', '--bootstrap', '0', '--model', model]);
    const app = await env.open(t);
    await app.paste(fixture(POWER_FLOOR));
    await app.select('#model', model);
    assert.equal(want.model, model);
    assertClose(await app.readValue('beta-g'), want.params.beta_g, REL, `#beta-g (${model})`);
  });
}

// The benchmark's M3 as a form of its own: every parameter in #params equals the CLI's
// to 1e-6, the formula has its shape, and auto's comparison ranks it beside the others.
test('#model smooth-floor: every parameter equals the CLI fit, with its formula and comparison row', async (t) => {
  const want = await cli(['fit', path.join('tests/fixtures', POWER_FLOOR), '--json', '--bootstrap', '0', '--model', 'smooth-floor']);
  assert.equal(want.model, 'smooth-floor');
  assert.deepEqual(Object.keys(want.params).sort(), ['beta_g', 'gamma', 'm1']);
  const app = await env.open(t);
  await app.paste(fixture(POWER_FLOOR));
  // Under auto the comparison ranks it beside the other forms.
  const compared = await app.page.locator('#comparison tbody tr').allTextContents();
  assert.ok(compared.some((r) => r.includes('smooth-floor')), `the comparison has a smooth-floor row: ${compared}`);
  await app.select('#model', 'smooth-floor');
  const label = await app.page.locator('#model option[value="smooth-floor"]').textContent();
  assert.equal(label, 'smooth-floor (M3)', 'the option names the benchmark estimator');
  const rows = await app.page.$$eval('#params tbody tr', (trs) => trs.map((tr) => [
    tr.querySelector('.param-name')?.textContent, Number(tr.querySelector('td[data-value]')?.dataset.value)]));
  assert.deepEqual(rows.map(([n]) => n).sort(), ['beta_g', 'gamma', 'm1'], '#params lists the form\'s parameters');
  for (const [name, v] of rows) assertClose(v, want.params[name], REL, `#params ${name}`);
  const formula = await app.page.locator('#formula').textContent();
  // The fitted formula: gamma · (1 + m1/m) to the power -beta_g, written positive.
  assert.match(formula, /^ε\(m\) = \S+ · \(1 \+ .+\/m\)\d/, `#formula has the smooth-floor shape: ${formula}`);
  assert.ok(formula.endsWith((-want.params.beta_g).toPrecision(3)), `#formula's exponent is -beta_g: ${formula}`);
});

test('accuracy metric: a target accuracy projects the CLI data size (--accuracy --target-accuracy)', async (t) => {
  const want = await cli(['fit', path.join('tests/fixtures', ACCURACY), '--json', '--bootstrap', '0',
    '--accuracy', '--target-accuracy', '90']);
  const app = await env.open(t);
  await app.select('#metric', 'accuracy');
  await app.paste(fixture(ACCURACY));
  await app.fill('#target', '90');
  assertClose(await app.readValue('beta-g'), want.params.beta_g, REL, '#beta-g');
  assertClose(await app.readValue('proj-data'), want.projection.data_size, REL, '#proj-data');
});

test('target error: #proj-data equals the CLI projection.data_size', async (t) => {
  const app = await env.open(t);
  await app.paste(fixture(POWER_FLOOR));
  await app.fill('#target', TARGET);
  assert.equal(ref.target.projection.reach, 'reachable');
  assertClose(await app.readValue('proj-data'), ref.target.projection.data_size, REL, '#proj-data');
  assertClose(await app.readValue('beta-g'), ref.target.params.beta_g, REL, '#beta-g');
});

test('file upload: the textarea holds the file, and the fit (with model size) equals the CLI', async (t) => {
  const app = await env.open(t);
  const input = app.page.locator('input[type=file]');
  assert.equal(await input.count(), 1, 'the page has one file input');
  const before = await app.snapshot();
  await input.setInputFiles(path.join(FIXTURES, MODEL_SIZE));
  await app.page.waitForFunction((want) => document.getElementById('data-input').value === want,
    fixture(MODEL_SIZE)).catch(() => {});
  assert.equal(await app.text(), fixture(MODEL_SIZE), '#data-input holds the uploaded file verbatim');
  await app.settle(before);
  assertClose(await app.readValue('beta-g'), ref.sizes.params.beta_g, REL, '#beta-g');
  assertClose(await app.readValue('beta-p'), ref.sizes.params.beta_p, REL, '#beta-p (model-size column)');
  await app.fill('#target', '0.04');
  assertClose(await app.readValue('proj-data'), ref.sizes.projection.data_size, REL, '#proj-data');
  assertClose(await app.readValue('proj-model'), ref.sizes.projection.model_size, REL, '#proj-model');
  const c = await app.canvasInk('model-size');
  assert.ok(!c.missing, 'a canvas#model-size is shown for data with a model-size column');
  assert.ok(c.ink >= 0.005, `canvas#model-size is drawn (${(100 * (c.ink || 0)).toFixed(2)}% ink)`);
});

test('drag and drop: a file dropped on the data box fills it and is fitted', async (t) => {
  const app = await env.open(t);
  const text = fixture(POWER_FLOOR);
  const before = await app.snapshot();
  const highlight = await app.page.locator('#data-input').evaluate((el, body) => {
    const dt = new DataTransfer();
    dt.items.add(new File([body], 'curve.csv', { type: 'text/csv' }));
    const zone = () => document.querySelector('.drop-zone').classList.contains('dragging');
    const seen = [zone()];
    for (const type of ['dragenter', 'dragover', 'drop']) {
      el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      seen.push(zone());
    }
    return seen;
  }, text);
  assert.deepEqual(highlight, [false, false, true, false], 'the drop zone lights up while dragged over, not after the drop');
  await app.page.waitForFunction((want) => document.getElementById('data-input').value === want, text)
    .catch(() => {});
  assert.equal(await app.text(), text, '#data-input holds the dropped file verbatim');
  await app.settle(before);
  assertClose(await app.readValue('beta-g'), ref.fit.params.beta_g, REL, '#beta-g');
});

test('offline once loaded: a fit needs no network', async (t) => {
  const app = await env.open(t);
  await app.context.setOffline(true);
  await app.paste(fixture(POWER_FLOOR));
  await app.fill('#target', TARGET);
  assertClose(await app.readValue('proj-data'), ref.target.projection.data_size, REL, '#proj-data offline');
  await app.context.setOffline(false);
});

// With the page's timers frozen (Playwright's clock, paused), only work that needs no
// timer can happen: a real Ctrl+V paste must still be fitted (a paste is one change,
// analysed at once), while a typed keystroke waits for the debounce timer and is
// analysed only when the clock is run past it.
test('a paste is fitted at once; typing waits for the debounce', async (t) => {
  const app = await env.open(t, { permissions: ['clipboard-read', 'clipboard-write'] });
  const { page } = app;
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 60_000);
  await page.evaluate((text) => navigator.clipboard.writeText(text), fixture(POWER_FLOOR));
  await page.locator('#data-input').focus();
  await page.keyboard.press('Control+V');
  await page.waitForFunction(() => document.getElementById('beta-g')?.getAttribute('data-value'));
  assertClose(await app.readValue('beta-g'), ref.fit.params.beta_g, REL, '#beta-g after the paste');
  // A typed line that is not a data row: reported only once the debounce has run.
  await page.keyboard.press('Control+End');
  await page.keyboard.type('x');
  await page.waitForTimeout(400);
  const message = () => page.locator('#fit-message').textContent();
  assert.doesNotMatch(await message(), /Line 14/, 'typing is not analysed before the debounce');
  await page.clock.runFor(200);
  await page.waitForFunction(() => /Line 14/.test(document.getElementById('fit-message')?.textContent));
  assertClose(await app.readValue('beta-g'), ref.fit.params.beta_g, REL, '#beta-g after the bad line');
});

test('autosave: typed text is in #data-input after a reload, and fitted again', async (t) => {
  const app = await env.open(t);
  // Typed, not filled: real key events, with a comment line and trailing spaces kept verbatim.
  const text = '# my runs  \n' + fixture(POWER_FLOOR).split('\n').slice(0, 8).join('\n');
  await app.page.locator('#data-input').click();
  await app.page.keyboard.type(text, { delay: 0 });
  await app.settle(null);
  assert.equal(await app.text(), text);
  const fitted = await app.readValue('beta-g');
  await app.page.waitForTimeout(500); // any autosave debounce is shorter than a human's reaction
  await app.reload();
  await app.settle(null);
  assert.equal(await app.text(), text, 'the typed text survives a reload');
  assert.equal(await app.readValue('beta-g'), fitted, 'the restored text is fitted again');
});

// SPEC section 3: "Old versions keep decoding: fixed example links are tested."
// Version 1, made by `scalefit fit tests/fixtures/power_floor.csv --bootstrap 0
// --target-error 0.09 --link https://example.org/scalefit/`. Never regenerate it: it
// stands for links already shared.
const V1_LINK = '#s=AUWQ0WrDMAxF_8XPoUiy5Nj9FsPIWhMCmT1sD8bG_n1K49LHI-keJP2anr67uZpely1veX1r20-aUq2lxowAMMFFyM1ujplOZBLgEDOfaMUF5pj9iRSIvNWsGyyEVsN2pAmRZk27EUdvkb3O0xCgyCzqIxkGtN46TQgOBRKj4LEePSUQWOyxIT8tAI4lZjOZj9TrdtMbH1dpod2WPSkvX70c_XJP-wv30prSXlaFvtQ16X_gAmEy76X0pp_61IJqUrqbK_79Aw';

test('a fixed version-1 permalink opens with its data, target and numbers', async (t) => {
  const app = await env.open(t, { hash: V1_LINK });
  await app.settle(null);
  assert.equal(await app.text(), fixture(POWER_FLOOR), 'the link restores the text verbatim');
  assert.equal(Number(await app.page.locator('#target').inputValue()), TARGET, 'the link restores the target');
  assertClose(await app.readValue('beta-g'), ref.target.params.beta_g, REL, '#beta-g');
  assertClose(await app.readValue('proj-data'), ref.target.projection.data_size, REL, '#proj-data');
});
