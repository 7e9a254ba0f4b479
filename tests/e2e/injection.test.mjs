// Strings from strangers (a permalink's text, column headers, series names, a target)
// are rendered as text, never run; the page carries a strict Content-Security-Policy.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv, payload } from './harness.mjs';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

const SCRIPT = '<script>window.__pwned = "script"</script>';
const IMG = '<img src=x onerror="window.__pwned = \'img\'">';
const JS = 'javascript:window.__pwned="href"';

test('a hostile link renders its strings as inert text', async (t) => {
  const text = [
    `size ${IMG},error ${SCRIPT},series`,
    `1000,0.5,"${JS}"`,
    `2000,0.42,"${JS}"`,
    `4000,0.36,"${JS}"`,
    `8000,0.31,"${JS}"`,
    `16000,0.27,"${IMG}"`,
  ].join('\n');
  const hostile = { text, group: JS, fixed: [[`${SCRIPT}`, 1]] };
  const app = await env.open(t);
  await app.openApp('#s=' + payload(hostile));
  await app.page.waitForTimeout(1500);
  const pwned = await app.page.evaluate(() => window.__pwned ?? null);
  assert.equal(pwned, null, 'no payload ran');
  const injected = await app.page.evaluate(() => ({
    imgs: [...document.querySelectorAll('img')].filter((i) => i.getAttribute('onerror')).length,
    scripts: [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('__pwned')).length,
    links: [...document.querySelectorAll('a[href^="javascript:"]')].length,
  }));
  assert.deepEqual(injected, { imgs: 0, scripts: 0, links: 0 }, 'no element was created from the strings');
  // The strings are shown, as text, somewhere (textarea or column picker).
  const value = await app.page.locator('#data-input').inputValue();
  assert.equal(value, text, 'the text is restored verbatim');
  const shownAsText = await app.page.evaluate(() => document.body.textContent.includes('size <img') || [...document.querySelectorAll('option')].some((o) => o.textContent.includes('<img')));
  assert.ok(shownAsText, 'the header is visible as literal text');
});

test('the page sets a Content-Security-Policy without inline script', async (t) => {
  const app = await env.open(t);
  const csp = await app.page.evaluate(() =>
    document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
  const inline = await app.page.evaluate(() =>
    [...document.querySelectorAll('script')].filter((s) => !s.src).length);
  assert.equal(inline, 0, 'no inline <script> in the page');
  // An inline script injected now is refused by the policy.
  const ran = await app.page.evaluate(() => new Promise((resolve) => {
    window.__inline = false;
    document.addEventListener('securitypolicyviolation', () => resolve('blocked'), { once: true });
    const s = document.createElement('script');
    s.textContent = 'window.__inline = true';
    document.body.append(s);
    setTimeout(() => resolve(window.__inline ? 'ran' : 'blocked'), 500);
  }));
  assert.equal(ran, 'blocked');
  // That refusal is logged as a console error on purpose; only it is forgiven.
  await app.page.waitForTimeout(200);
  app.consoleErrors = app.consoleErrors.filter((m) => !/Content Security Policy/i.test(m));
});
