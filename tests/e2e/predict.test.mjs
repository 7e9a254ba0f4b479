// Predictions beyond the data (SPEC section 7) in the page: a language-modelling curve
// of the Revisiting benchmark's development split, pasted as it is (its `Training`
// column marks the held-out rows, and it repeats rows), is fitted with a note about
// the repeats, and the CSV export's held-out rows carry the predictions with their
// 95% intervals: the same numbers as `scalefit fit --predict` at those sizes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { startEnv, cli, assertClose, REPO } from './harness.mjs';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

const MODEL = '1.07e+09';

async function lmCurve() {
  const all = await fs.readFile(path.join(REPO, 'assets', 'data', 'rnsl_benchmark_dev.csv'), 'utf8');
  const [header, ...rows] = all.trim().split('\n');
  return [header, ...rows.filter((r) => r.startsWith(`LM,val_loss,${MODEL},`))].join('\n') + '\n';
}

/** The CSV export, caught where the page hands it to the browser. */
async function exportCsv(app) {
  await app.catchDownloads();
  await app.page.click('#export-csv');
  const got = await app.takeDownloads();
  assert.equal(got.length, 1, 'one download');
  assert.ok(got[0].text, 'the download is the page\'s own CSV');
  return got[0].text;
}

test('an LM curve of the dev split, pasted as it is: fitted with a note, its held-out predictions in the CSV equal the CLI\'s --predict', async (t) => {
  const text = await lmCurve();
  const app = await env.open(t);
  await app.paste(text);
  const message = await app.waitMessage(/counted once/i);
  assert.match(message, /counted once/i, `the repeats are a note (${message})`);
  assert.ok(Number.isFinite(await app.readValue('beta-g')), 'and the curve is fitted');
  await app.page.locator('details.advanced > summary').click();
  await app.fill('#bootstrap', '200');
  // The intervals are in when the exponent's note gives its 95% CI.
  await app.page.waitForFunction(() => /95% CI/.test(document.getElementById('beta-g')?.parentElement
    .querySelector('.figure-note')?.textContent ?? ''), null, { timeout: 60_000 });

  const csv = await exportCsv(app);
  const header = csv.split('\n')[0].split(',');
  assert.deepEqual(header, ['kind', 'name', 'm', 'observed', 'fitted', 'lo95', 'hi95']);
  const held = csv.trim().split('\n').slice(1).map((l) => l.split(','))
    .filter((c) => c[0] === 'held-out')
    .map((c) => ({ m: Number(c[2]), fitted: Number(c[4]), lo: Number(c[5]), hi: Number(c[6]) }));
  assert.ok(held.length >= 3, `the held-out rows are exported (${held.length})`);
  for (const h of held) assert.ok(h.lo < h.fitted && h.fitted < h.hi, `m = ${h.m}: the prediction lies in its interval`);

  const file = path.join(REPO, 'target', 'rnsl-lm.csv');
  await fs.writeFile(file, text);
  const out = await cli(['fit', file, '--json', '--bootstrap', '200', '--seed', '1',
    '--predict', held.map((h) => String(h.m)).join(',')]);
  assert.equal(out.predictions.length, held.length);
  for (const [i, h] of held.entries()) {
    const p = out.predictions[i];
    assertClose(h.m, p.m, 1e-15, `held-out size ${i}`);
    assertClose(h.fitted, p.error, 1e-9, `m = ${h.m}: the prediction against the CLI`);
    assertClose(h.lo, p.ci95[0], 1e-9, `m = ${h.m}: its lower end against the CLI`);
    assertClose(h.hi, p.ci95[1], 1e-9, `m = ${h.m}: its upper end against the CLI`);
  }
});
