// Share: the permalink carries the whole state (SPEC section 3); opening it in a fresh
// browser profile restores the same text and bit-identical numbers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv, fixture } from './harness.mjs';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

test('share: #permalink and the address bar hold #s=…; a fresh profile restores it exactly', async (t) => {
  const app = await env.open(t, { permissions: ['clipboard-read', 'clipboard-write'] });
  const text = fixture('power_floor.csv');
  await app.paste(text);
  await app.fill('#target', '0.09');
  await app.select('#model', 'power-floor');
  const shown = {
    betaG: await app.rawValue('beta-g'),
    projData: await app.rawValue('proj-data'),
  };
  assert.ok(Number.isFinite(parseFloat(shown.betaG)) && Number.isFinite(parseFloat(shown.projData)),
    `the page shows a fit and a projection before sharing: ${JSON.stringify(shown)}`);

  await app.page.locator('#share').click();
  const permalink = app.page.locator('#permalink');
  await permalink.waitFor({ state: 'attached' });
  await app.page.waitForFunction(() => {
    const el = document.getElementById('permalink');
    return /#s=./.test(el?.value || el?.href || '');
  }, null, { timeout: 5000 }).catch(() => {});
  const link = await permalink.evaluate((el) => el.value || el.href || el.textContent || '');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/scalefit\/(index\.html)?#s=[A-Za-z0-9_-]+$/,
    '#permalink holds the full URL of this page (sub-path kept) with a base64url payload');
  assert.equal(app.page.url(), link, 'the address bar holds the permalink');
  const clip = await app.page.evaluate(() => navigator.clipboard.readText()).catch((e) => `(${e})`);
  assert.equal(clip, link, 'the permalink is on the clipboard');

  // A fresh context: no localStorage, so everything must come from the link.
  const fresh = await env.open(t, { goto: false });
  await fresh.goto(link);
  await fresh.settle(null);
  assert.equal(await fresh.text(), text, 'the textarea content is identical');
  assert.equal(await fresh.page.locator('#model').inputValue(), 'power-floor', '#model restored');
  assert.equal(await fresh.page.locator('#target').inputValue(), '0.09', '#target restored');
  assert.equal(await fresh.rawValue('beta-g'), shown.betaG, '#beta-g data-value is identical');
  assert.equal(await fresh.rawValue('proj-data'), shown.projData, '#proj-data data-value is identical');
});

test('a permalink opened in a tab already showing the page (fragment-only navigation) is loaded', async (t) => {
  const maker = await env.open(t, { permissions: ['clipboard-read', 'clipboard-write'] });
  await maker.paste(fixture('power_floor.csv'));
  await maker.page.locator('#share').click();
  await maker.page.waitForFunction(() => /#s=./.test(document.getElementById('permalink')?.value || ''), null,
    { timeout: 5000 }).catch(() => {});
  const link = await maker.page.locator('#permalink').evaluate((el) => el.value || el.href || '');
  assert.match(link, /#s=/);
  const want = await maker.rawValue('beta-g');

  // Someone else's tab, open on the page with their own data; the link is pasted into
  // its address bar. Only the fragment changes, so the browser does not reload.
  const tab = await env.open(t);
  await tab.paste('1000,0.5\n2000,0.4\n4000,0.33\n8000,0.3\n');
  const before = await tab.snapshot();
  await tab.page.goto(link);
  await tab.settle(before);
  assert.equal(await tab.text(), fixture('power_floor.csv'), 'the link\'s data replace the shown data (hashchange)');
  assert.equal(await tab.rawValue('beta-g'), want, '#beta-g is the link\'s');
});
