// The theme toggle (SPEC section 2, light and dark themes): auto follows the system,
// the toggle cycles auto → light → dark → auto, the page's data-theme follows at once,
// and the choice survives a reload. And the bootstrap progress shown while it runs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv } from './harness.mjs';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

function look(page) {
  return page.evaluate(() => ({
    theme: document.documentElement.getAttribute('data-theme'),
    label: document.getElementById('theme-toggle').textContent.trim(),
  }));
}

test('the theme toggle cycles auto, light, dark and is remembered', async (t) => {
  const app = await env.open(t, { colorScheme: 'dark' });
  assert.deepEqual(await look(app.page), { theme: 'dark', label: '☾Theme: auto' }, 'auto follows the dark system');
  await app.page.locator('#theme-toggle').click();
  assert.deepEqual(await look(app.page), { theme: 'light', label: '☀Theme: light' });
  await app.page.locator('#theme-toggle').click();
  assert.deepEqual(await look(app.page), { theme: 'dark', label: '☾Theme: dark' });
  await app.reload();
  assert.deepEqual(await look(app.page), { theme: 'dark', label: '☾Theme: dark' }, 'kept over a reload');
  await app.page.locator('#theme-toggle').click();
  assert.deepEqual(await look(app.page), { theme: 'dark', label: '☾Theme: auto' });
  await app.page.emulateMedia({ colorScheme: 'light' });
  await app.page.waitForFunction(() => document.documentElement.getAttribute('data-theme') === 'light');
  assert.deepEqual(await look(app.page), { theme: 'light', label: '☀Theme: auto' }, 'auto follows the system live');
});

test('the bootstrap shows its progress while it runs and its intervals after', async (t) => {
  const app = await env.open(t);
  await app.paste('m,error\n' + [1e3, 2e3, 4e3, 8e3, 16e3, 32e3, 64e3, 128e3, 256e3, 512e3]
    .map((m, i) => `${m},${(3 * m ** -0.3 + 0.05) * (1 + 0.02 * ((i % 3) - 1))}`).join('\n') + '\n');
  await app.select('#model', 'three-region');
  await app.page.locator('details.advanced > summary').click();
  await app.page.locator('#bootstrap').fill('20000');
  const seen = [];
  await app.page.waitForFunction(() => document.getElementById('bootstrap-meter'), null, { timeout: 10_000 });
  for (let i = 0; i < 400; i++) {
    const p = await app.page.evaluate(() => {
      const m = document.getElementById('bootstrap-meter');
      return m ? [Number(m.getAttribute('value')), Number(m.getAttribute('max'))] : null;
    });
    if (!p) break;
    seen.push(p);
    await app.page.waitForTimeout(30);
  }
  assert.ok(seen.length >= 2, `progress was shown (${JSON.stringify(seen)})`);
  assert.ok(seen.every(([, max]) => max === 20000), 'out of the 20000 resamples asked for');
  assert.ok(seen[seen.length - 1][0] > seen[0][0], `and it advanced (${JSON.stringify(seen)})`);
  await app.page.waitForFunction(() => !document.getElementById('bootstrap-meter'), null, { timeout: 60_000 });
  const note = await app.page.evaluate(() =>
    document.getElementById('beta-g').parentElement.querySelector('.figure-note').textContent);
  assert.match(note, /95% CI/, 'the intervals arrive when it ends');
});
