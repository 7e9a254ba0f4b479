// Share: the permalink carries the whole state (SPEC section 3); opening it in a fresh
// browser profile restores the same text and bit-identical numbers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv, fixture, payloadV2 } from './harness.mjs';

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

test('two links pasted in quick succession: only the latest one opens, whichever decodes last', async (t) => {
  const app = await env.open(t);
  // Chromium inflates within one round of promise jobs, so a link is done before the
  // next fragment change is even seen; a slower inflater (another browser, a busy
  // machine) is simulated by delaying each piece of input by a timer. The first link
  // is long and barely compressible (a dozen pieces), the second short (one piece):
  // the second is inflated first, yet the first must not win when it is done.
  await app.page.evaluate(() => {
    const Real = DecompressionStream;
    globalThis.DecompressionStream = class {
      constructor(format) {
        const inner = new Real(format);
        const slow = new TransformStream({
          transform: (chunk, c) => new Promise((r) => setTimeout(() => { c.enqueue(chunk); r(); }, 30)),
        });
        slow.readable.pipeTo(inner.writable).catch(() => {});
        this.writable = slow.writable;
        this.readable = inner.readable;
      }
    };
  });
  let x = 99;
  const rand = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
  const rows = Array.from({ length: 1500 }, (_, i) => `${1000 + 7 * i},${(0.2 + 0.3 * rand()).toFixed(9)}`);
  const first = payloadV2({ text: 'size,error\n' + rows.join('\n') + '\n' });
  const latest = fixture('power_floor.csv');
  const before = await app.snapshot();
  // The second link arrives once the page has seen the first (this listener runs after
  // the page's own, which was added first) and while the first is being inflated.
  await app.page.evaluate(([a, b]) => {
    addEventListener('hashchange', () => { location.hash = '#s=' + b; }, { once: true });
    location.hash = '#s=' + a;
  }, [first, payloadV2({ text: latest })]);
  await app.settle(before);
  await app.page.waitForTimeout(800);
  assert.equal(await app.text(), latest, 'the latest link\'s data are shown');
  assert.doesNotMatch(await app.message(), /could not be opened/i, 'and no link failed');
});

test('a link longer than chat tools keep gets a warning and points to the exports', async (t) => {
  const app = await env.open(t, { permissions: ['clipboard-read', 'clipboard-write'] });
  const share = async () => {
    await app.page.locator('#permalink').evaluate((el) => { el.value = ''; });
    await app.page.locator('#share').click();
    await app.page.waitForFunction(() => /#s=./.test(document.getElementById('permalink')?.value || ''), null,
      { timeout: 5000 });
    await app.page.waitForTimeout(200);
    return app.page.locator('#permalink').inputValue();
  };
  // A short link: no warning.
  await app.paste(fixture('power_floor.csv'));
  const short = await share();
  assert.ok(short.length < 2000, `the small data set makes a short link (${short.length} characters)`);
  assert.doesNotMatch(await app.message(), /characters long/i, 'no warning for a short link');

  // 400 measured points with many digits compress poorly: a link of several KB.
  let x = 12345;
  const rand = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
  const rows = Array.from({ length: 400 }, (_, i) => {
    const m = Math.round(1000 * 1.02 ** i);
    return `${m},${(2.1 * m ** -0.31 * (1 + 0.02 * (rand() - 0.5))).toFixed(9)}`;
  });
  const text = 'size,error\n' + rows.join('\n') + '\n';
  await app.paste(text);
  const want = await app.rawValue('beta-g');
  const long = await share();
  assert.ok(long.length > 2000, `a long link (${long.length} characters)`);
  const message = await app.waitMessage(/characters long/i);
  assert.match(message, new RegExp(`${long.length} characters long`), '#fit-message says how long');
  assert.match(message, /export/i, 'and offers the exports instead');
  assert.match(await app.page.locator('.share-status').textContent(), /long/i, 'the share panel says so too');
  assert.ok(await app.page.locator('#export-csv').isEnabled(), 'the CSV export is there to use');

  // The long link still works.
  const fresh = await env.open(t, { goto: false });
  await fresh.goto(long);
  await fresh.settle(null);
  assert.equal(await fresh.text(), text, 'the long link restores the text');
  assert.equal(await fresh.rawValue('beta-g'), want, 'and the fit');
});
