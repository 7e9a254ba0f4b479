// Sweeps (SPEC section 6): runs of several model sizes per data size are read as a
// sweep; the page shows the envelope (the learning curve is fitted on it), the joint
// law L(N, D) with its plot, and the compute a budget buys or a target costs, with the
// CLI's numbers; the permalink carries the sweep settings; bad inputs get a message
// each and nothing typed is lost.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { startEnv, cli, assertClose, REPO } from './harness.mjs';

/** A seeded uniform in [0, 1) (an LCG: the same runs on every machine). */
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// A Chinchilla-like grid: 5 model sizes at each of 4 data sizes, drawn from Besiroglu
// et al.'s parameters with 1% noise.
function chinchilla() {
  const u = lcg(7);
  let t = 'tokens,params,loss\n';
  for (const d of [1e9, 3e9, 1e10, 3e10]) {
    for (const n of [1e7, 3e7, 1e8, 3e8, 1e9]) {
      const l = (1.817 + 482.0 * n ** -0.348 + 2085 * d ** -0.366) * (1 + 0.01 * (u() - 0.5));
      t += `${d},${n},${l.toPrecision(6)}\n`;
    }
  }
  return t;
}
const CHIN = chinchilla();

// A Hestness et al. style sweep: at each m the error is a parabola in ln s around the
// best size 3 m^0.7; the largest m tried only sizes below it (a little worse than its
// best, so the envelope still falls).
function hestness() {
  let t = 'm,model_size,error\n';
  const ms = [1e4, 4e4, 1.6e5, 6.4e5, 2.56e6];
  ms.forEach((m, i) => {
    const star = 3 * m ** 0.7;
    const base = i === ms.length - 1 ? star / 60 : star / 5;
    for (let k = 0; k < 5; k += 1) {
      const s = base * 2 ** k;
      const e = 2 * m ** -0.3 + 0.005 * (Math.log(s) - Math.log(star)) ** 2;
      t += `${m},${s.toPrecision(6)},${e.toPrecision(6)}\n`;
    }
  });
  return t;
}
const HEST = hestness();

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

async function waitSweep(app) {
  await app.page.locator('#sweep-summary, #sweep-error').first().waitFor({ state: 'attached', timeout: 20_000 });
}

/** Waits until the joint law's intervals are in (the bootstrap ran). */
async function waitIntervals(app, timeout = 120_000) {
  await app.page.waitForFunction(() => {
    const row = document.getElementById('joint-alpha')?.closest('tr');
    return row && /\d/.test(row.cells[2]?.textContent || '');
  }, null, { timeout });
}

async function ink(app, id) {
  return app.page.evaluate((i) => {
    const c = document.getElementById(i);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k] < 200 || d[k + 1] < 200 || d[k + 2] < 200) n += 1;
    return n;
  }, id);
}

test('a Hestness-style sweep: the envelope, its unbracketed m named, the learning curve on it', async (t) => {
  const app = await env.open(t, { colorScheme: 'light' });
  await app.paste(HEST);
  await waitSweep(app);
  assert.match(await app.page.locator('#sweep-summary').innerText(), /25 runs, \d+ model sizes at 5 data sizes/);
  const rows = app.page.locator('#envelope-table tbody tr');
  assert.equal(await rows.count(), 5, 'one envelope row per data size');
  assert.equal(await app.page.locator('#envelope-table tr.unbracketed').count(), 1, 'the last m is flagged');
  assert.match(await rows.nth(0).innerText(), /interpolated/, 'a bracketed best run is refined');
  assert.match(await app.message(), /largest/i, 'a warning names the m whose best run is at the edge');
  // The learning curve is the envelope's: about m^-0.3 on the bracketed points.
  const g = await app.readValue('beta-g');
  assert.ok(g < -0.2 && g > -0.4, `beta_g on the envelope is about -0.3 (${g})`);
  const bp = await app.readValue('sweep-beta-p');
  assert.ok(bp > 0.5 && bp < 0.9, `beta_p of the best sizes is about 0.7 (${bp})`);
  assert.ok(await ink(app, 'joint-contours') > 1000, 'the joint-law plot is drawn');
  assert.ok(await ink(app, 'learning-curve') > 1000, 'the learning curve with the runs is drawn');
  await app.page.locator('#sweep').scrollIntoViewIfNeeded();
  await app.screenshot('sweep-hestness');
});

test('a Chinchilla-like sweep: the joint law, a budget and a target equal the CLI\'s', async (t) => {
  const app = await env.open(t, { colorScheme: 'light', viewport: { width: 1280, height: 1000 } });
  await app.paste(CHIN);
  await waitSweep(app);
  await app.fill('#budget', '1e21');
  await app.fill('#target', '2.3');
  const file = path.join(REPO, 'target', 'sweep-chinchilla.csv');
  await fs.writeFile(file, CHIN);
  const ref = await cli(['sweep', file, '--json', '--compute', '1e21', '--target-error', '2.3', '--bootstrap', '0']);
  for (const [id, key] of [['joint-E', 'E'], ['joint-A', 'A'], ['joint-alpha', 'alpha'], ['joint-B', 'B'], ['joint-beta', 'beta']]) {
    assertClose(await app.readValue(id), ref.joint.params[key], 1e-6, `#${id} against the CLI`);
  }
  const n = await app.readValue('alloc-model');
  const d = await app.readValue('alloc-data');
  assertClose(6 * n * d, 1e21, 1e-9, 'the allocation spends the budget: 6 N D = C');
  assertClose(n, ref.allocation.model_size, 1e-6, '#alloc-model against the CLI');
  assertClose(await app.readValue('alloc-tpp'), ref.allocation.tokens_per_param, 1e-6, '#alloc-tpp');
  const c = await app.readValue('target-compute');
  assertClose(c, ref.target.compute, 1e-6, '#target-compute against the CLI');
  assertClose(await app.readValue('target-compute-model'), ref.target.model_size, 1e-6, 'its N');
  // The intervals arrive from the sliced bootstrap; the point values do not move.
  await waitIntervals(app);
  assertClose(await app.readValue('target-compute'), c, 1e-12, 'the bootstrap leaves the point value');
  // A new target reads the same refits: its intervals are there at once, no new run.
  await app.fill('#target', '2.4');
  assert.ok(await app.page.evaluate(() => /\d/.test(document.getElementById('target-compute')
    ?.closest('tr')?.cells[2]?.textContent || '')), 'the new target has its interval without a new bootstrap');
  assert.equal(await app.page.locator('#joint-progress').count(), 0, 'no joint bootstrap runs');
  await app.fill('#target', '2.3');
  // Throughput turns FLOPs into accelerator-hours.
  await app.fill('#accel-flops', '3.12e14');
  await app.fill('#utilisation', '0.4');
  const hours = await app.readValue('target-hours');
  assertClose(hours, c / (3.12e14 * 0.4) / 3600, 1e-9, 'accelerator-hours = C / (FLOP/s x utilisation) / 3600');
  await app.page.locator('#sweep').scrollIntoViewIfNeeded();
  await app.screenshot('sweep-chinchilla');
});

test('share and reopen restore the sweep settings and the same numbers', async (t) => {
  const app = await env.open(t, { permissions: ['clipboard-read', 'clipboard-write'] });
  await app.paste(CHIN);
  await waitSweep(app);
  await app.select('#joint-loss', 'huber');
  await app.fill('#huber-delta', '0.01');
  await app.fill('#flops-per-param', '8');
  await app.fill('#budget', '3e20');
  const want = {};
  for (const id of ['joint-alpha', 'joint-beta', 'alloc-model', 'alloc-data']) want[id] = await app.rawValue(id);
  await app.page.locator('#share').click();
  await app.page.waitForFunction(() => /#s=./.test(document.getElementById('permalink')?.value || ''), null,
    { timeout: 5000 });
  const link = await app.page.locator('#permalink').inputValue();
  const fresh = await env.open(t, { goto: false });
  await fresh.goto(link);
  await waitSweep(fresh);
  await fresh.page.locator('#alloc-model').waitFor({ state: 'attached', timeout: 20_000 });
  for (const [id, v] of Object.entries(want)) assert.equal(await fresh.rawValue(id), v, `#${id} is identical`);
  assert.equal(await fresh.page.locator('#joint-loss').inputValue(), 'huber');
  assert.equal(await fresh.page.locator('#huber-delta').inputValue(), '0.01');
  assert.equal(await fresh.page.locator('#flops-per-param').inputValue(), '8');
  assert.equal(await fresh.page.locator('#budget').inputValue(), '3e20');
});

test('runs that share no data size: no envelope, a note, the joint law still fitted', async (t) => {
  const u = lcg(11);
  let text = 'tokens,params,loss\n';
  for (let i = 0; i < 30; i += 1) {
    const n = 10 ** (7 + 2.5 * u());
    const d = 10 ** (9 + 2 * u());
    const l = (1.817 + 482.0 * n ** -0.348 + 2085 * d ** -0.366) * (1 + 0.01 * (u() - 0.5));
    text += `${d.toPrecision(6)},${n.toPrecision(6)},${l.toPrecision(6)}\n`;
  }
  const app = await env.open(t);
  await app.paste(text);
  // One model size per data size: read as best runs until the switch says otherwise.
  await app.page.locator('#sweep-off').waitFor({ state: 'attached', timeout: 20_000 });
  await app.select('#sweep-rows', 'sweep');
  await waitSweep(app);
  assert.match(await app.page.locator('#sweep-summary').innerText(), /no envelope/i);
  assert.equal(await app.page.locator('#envelope-table').count(), 0);
  const alpha = await app.readValue('joint-alpha');
  assert.ok(alpha > 0.1 && alpha < 0.7, `alpha is fitted (${alpha})`);
  assert.equal(await app.text(), text, 'the text is untouched');
});

test('bad sweep inputs: a message each, and nothing typed is lost', async (t) => {
  const app = await env.open(t);
  // A run without its model size, named by its line.
  const missing = CHIN + '1e11,,2.1\n';
  await app.paste(missing);
  await app.page.locator('#sweep-error').waitFor({ state: 'attached', timeout: 20_000 });
  assert.match(await app.page.locator('#sweep-error').innerText(), /line 22.*model size/i);
  assert.equal(await app.text(), missing);
  // Too few runs for the joint law: says how many it needs.
  const few = 'm,params,err\n1000,1e6,0.5\n1000,2e6,0.45\n2000,1e6,0.41\n2000,2e6,0.4\n';
  await app.paste(few);
  await app.page.locator('#sweep-error').waitFor({ state: 'attached', timeout: 20_000 });
  assert.match(await app.page.locator('#sweep-error').innerText(), /at least 6 runs.*got 4/i);
  // A budget below the cheapest run, a target at or below E.
  await app.paste(CHIN);
  await waitSweep(app);
  await app.fill('#budget', '1000');
  await app.page.locator('#budget-error').waitFor({ state: 'attached', timeout: 20_000 });
  assert.match(await app.page.locator('#budget-error').innerText(), /below the cheapest run/i);
  assert.equal(await app.page.locator('#budget').inputValue(), '1000', 'the budget field keeps what was typed');
  assert.ok(Number.isFinite(await app.readValue('joint-alpha')), 'the joint law still shows');
  await app.fill('#target', '1.0');
  await app.page.locator('#target-compute-unreachable').waitFor({ state: 'attached', timeout: 20_000 });
  assert.match(await app.page.locator('#target-compute-unreachable').innerText(), /unreachable.*E = /i);
  // A Huber delta of 0: the message names the setting.
  await app.select('#joint-loss', 'huber');
  await app.fill('#huber-delta', '0');
  await app.page.locator('#sweep-error').waitFor({ state: 'attached', timeout: 20_000 });
  assert.match(await app.page.locator('#sweep-error').innerText(), /huber/i);
  assert.equal(await app.page.locator('#huber-delta').inputValue(), '0');
  assert.equal(await app.text(), CHIN, 'the data are untouched');
});

test('phone layout: the sweep card and the joint-law plot fit the screen', async (t) => {
  const app = await env.open(t, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await app.paste(CHIN);
  await waitSweep(app);
  await app.fill('#budget', '1e21');
  const overflow = await app.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
  for (const id of ['#sweep', 'canvas#joint-contours']) {
    const box = await app.page.locator(id).boundingBox();
    assert.ok(box && box.width <= 390, `${id} fits (${JSON.stringify(box)})`);
  }
  await app.page.locator('#sweep').scrollIntoViewIfNeeded();
  await app.screenshot('phone-sweep');
});
