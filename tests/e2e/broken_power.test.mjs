// The broken power law (`broken-power`) in the page: an image-classification curve of
// the Revisiting benchmark's development split, flat before its break and falling
// after it, pasted as it is, is fitted by `auto` with broken-power, every parameter
// equal to the CLI's to 1e-6; a curve without a break keeps its form, and the
// comparison says why auto passed the broken power law over.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { startEnv, cli, assertClose, fixture, REPO } from './harness.mjs';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

const REL = 1e-6;
const CURVE = 'IC,bird_5,BiT/50/1,';

async function icCurve() {
  const all = await fs.readFile(path.join(REPO, 'assets', 'data', 'rnsl_benchmark_dev.csv'), 'utf8');
  const [header, ...rows] = all.trim().split('\n');
  return [header, ...rows.filter((r) => r.startsWith(CURVE))].join('\n') + '\n';
}

async function params(app) {
  return app.page.$$eval('#params tbody tr', (trs) => trs.map((tr) => [
    tr.querySelector('.param-name')?.textContent, Number(tr.querySelector('td[data-value]')?.dataset.value)]));
}

test('an IC curve with a break: auto fits broken-power, every parameter equal to the CLI, with its label and formula', async (t) => {
  const text = await icCurve();
  const file = path.join(REPO, 'target', 'rnsl-ic-break.csv');
  await fs.writeFile(file, text);
  const want = await cli(['fit', file, '--json', '--bootstrap', '0']);
  assert.equal(want.model, 'broken-power', 'the CLI\'s auto picks the broken power law for this curve');
  assert.deepEqual(Object.keys(want.params).sort(), ['alpha', 'beta_g', 'delta_g', 'gamma', 'mb']);

  const app = await env.open(t);
  await app.paste(text);
  await app.page.waitForFunction(() => document.querySelector('#params tbody tr .param-name')?.textContent !== undefined
    && [...document.querySelectorAll('#params .param-name')].some((e) => e.textContent === 'mb'), null, { timeout: 30_000 });
  const rows = await params(app);
  assert.deepEqual(rows.map(([n]) => n).sort(), ['alpha', 'beta_g', 'delta_g', 'gamma', 'mb'], '#params lists the form\'s parameters');
  for (const [name, v] of rows) assertClose(v, want.params[name], REL, `#params ${name}`);
  const label = await app.page.locator('#model option[value="broken-power"]').textContent();
  assert.equal(label, 'broken-power (BNSL)', 'the option names the form');
  const formula = await app.page.locator('#formula').textContent();
  // alpha · m^beta_g · (1 + (m/mb)^(1/0.3))^(0.3·delta_g) + gamma, a negative
  // delta_g in parentheses
  assert.match(formula, /^ε\(m\) = \S+ · m\S+ · \(1 \+ \(m\/[^)]+\)1\/0\.3\)0\.3·\(-[\d.]+\) \+ \S+$/, `#formula has the broken-power shape: ${formula}`);
});

test('a curve without a break: auto keeps power-floor, and the comparison says why broken-power was passed over', async (t) => {
  const want = await cli(['fit', path.join('tests/fixtures', 'power_floor.csv'), '--json', '--bootstrap', '0']);
  const row = want.comparison.find((c) => c.model === 'broken-power');
  assert.ok(row?.passed_over, `the CLI passes broken-power over (${JSON.stringify(row)})`);
  const app = await env.open(t);
  await app.paste(fixture('power_floor.csv'));
  assertClose(await app.readValue('beta-g'), want.params.beta_g, REL, '#beta-g');
  const rows = await app.page.locator('#comparison tbody tr').allTextContents();
  const bp = rows.find((r) => r.includes('broken-power'));
  assert.ok(bp, `the comparison has a broken-power row: ${rows}`);
  assert.match(bp, /Auto passed it over: the data do not determine/, `the row gives the reason: ${bp}`);
  // Chosen by hand, it is fitted all the same (and warns that its break is undetermined).
  await app.select('#model', 'broken-power');
  const msgs = await app.waitMessage(/not determined by the data/i);
  assert.match(msgs, /not determined by the data/i, `the health rule warns: ${msgs}`);
});
