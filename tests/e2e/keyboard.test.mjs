// Keyboard access (SPEC section 2): Tab from the top reaches the main controls in page
// order, every focusable control has an accessible name, focus is visible, and Share
// works from the keyboard.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv, fixture } from './harness.mjs';

const REQUIRED = ['data-input', 'preset', 'model', 'target', 'share'];
const MAX_TABS = 80;

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

/** Describes the focused element: id, tag, accessible name, visible focus, DOM index. */
function focused() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  return window.__describe(el);
}

/** Installs window.__describe in the page (accessible name per label[for], wrapping label, aria-*). */
function install() {
  const text = (n) => (n?.textContent || '').replace(/\s+/g, ' ').trim();
  window.__describe = (el) => {
    const tag = el.tagName.toLowerCase();
    let name = '';
    const by = el.getAttribute('aria-labelledby');
    if (by) name = by.split(/\s+/).map((id) => text(document.getElementById(id))).join(' ').trim();
    if (!name) name = (el.getAttribute('aria-label') || '').trim();
    if (!name && el.labels && el.labels.length) name = [...el.labels].map(text).join(' ').trim();
    if (!name && (tag === 'button' || tag === 'a' || tag === 'summary')) name = text(el) || el.querySelector('img[alt]')?.alt || '';
    if (!name && tag === 'input' && ['button', 'submit', 'reset'].includes(el.type)) name = el.value;
    if (!name) name = (el.getAttribute('title') || '').trim();
    const cs = getComputedStyle(el);
    const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
    const all = [...document.querySelectorAll('*')];
    return { id: el.id, tag, type: el.type || '', name, ring, index: all.indexOf(el), html: el.outerHTML.slice(0, 80) };
  };
}

test('Tab reaches the main controls in page order; each has an accessible name and a visible focus', async (t) => {
  const app = await env.open(t);
  await app.page.evaluate(install);
  const positive = await app.page.locator('[tabindex]').evaluateAll((els) =>
    els.filter((e) => e.tabIndex > 0).map((e) => e.outerHTML.slice(0, 80)));
  assert.deepEqual(positive, [], 'no positive tabindex (it would break the natural order)');

  // From the top of the document.
  await app.page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  const stops = [];
  for (let i = 0; i < MAX_TABS; i++) {
    await app.page.keyboard.press('Tab');
    const f = await app.page.evaluate(focused);
    if (!f) continue;
    if (stops.length && f.index === stops[0].index) break; // wrapped around
    stops.push(f);
  }
  const ids = stops.map((s) => s.id || s.tag);
  t.diagnostic(`Tab stops: ${stops.map((s) => `${s.id ? '#' + s.id : s.tag} "${s.name}"`).join(' → ')}`);
  for (const id of REQUIRED) assert.ok(ids.includes(id), `Tab reaches #${id} (stops: ${ids.join(', ')})`);

  const tabIndexOf = (id) => stops.findIndex((s) => s.id === id);
  const inDomOrder = REQUIRED.map((id) => stops[tabIndexOf(id)]).sort((a, b) => a.index - b.index).map((s) => s.id);
  assert.deepEqual([...REQUIRED].sort((a, b) => tabIndexOf(a) - tabIndexOf(b)), inDomOrder,
    'the Tab order of the main controls follows the page (DOM) order');

  const unnamed = stops.filter((s) => !s.name).map((s) => s.html);
  assert.deepEqual(unnamed, [], 'every Tab stop has an accessible name (label[for], aria-label, aria-labelledby or text)');
  const noRing = stops.filter((s) => REQUIRED.includes(s.id) && !s.ring).map((s) => s.id);
  assert.deepEqual(noRing, [], 'the main controls show a focus ring (outline or box-shadow) when focused');
});

test('every focusable control has an accessible name, including the ones Tab skips', async (t) => {
  const app = await env.open(t);
  await app.page.evaluate(install);
  await app.paste(fixture('power_floor.csv')); // results add controls (export, share)
  const unnamed = await app.page.evaluate(() => {
    const sel = 'input:not([type=hidden]), select, textarea, button, a[href], [tabindex]:not([tabindex="-1"]), summary';
    return [...document.querySelectorAll(sel)]
      .filter((el) => !el.disabled && el.getClientRects().length > 0)
      .map((el) => window.__describe(el))
      .filter((d) => !d.name)
      .map((d) => d.html);
  });
  assert.deepEqual(unnamed, [], 'controls without an accessible name');
  for (const id of REQUIRED.filter((i) => i !== 'share')) {
    const how = await app.page.evaluate((i) => {
      const el = document.getElementById(i);
      return {
        labelFor: !!document.querySelector(`label[for="${i}"]`),
        aria: !!(el?.getAttribute('aria-label') || el?.getAttribute('aria-labelledby')),
        wrapped: !!el?.closest('label'),
      };
    }, id);
    assert.ok(how.labelFor || how.aria || how.wrapped, `#${id} has label[for], a wrapping label or aria-label(ledby)`);
  }
});

test('Share works from the keyboard (Tab to #share, Enter)', async (t) => {
  const app = await env.open(t, { permissions: ['clipboard-read', 'clipboard-write'] });
  await app.paste(fixture('power_floor.csv'));
  await app.page.locator('#data-input').focus();
  let on = null;
  for (let i = 0; i < MAX_TABS && on !== 'share'; i++) {
    await app.page.keyboard.press('Tab');
    on = await app.page.evaluate(() => document.activeElement?.id);
  }
  assert.equal(on, 'share', 'Tab from #data-input reaches #share');
  await app.page.keyboard.press('Enter');
  await app.page.waitForFunction(() => {
    const el = document.getElementById('permalink');
    return /#s=./.test(el?.value || el?.href || '');
  }, null, { timeout: 5000 }).catch(() => {});
  const link = await app.page.locator('#permalink').evaluate((el) => el.value || el.href || '');
  assert.match(link, /\/scalefit\/(index\.html)?#s=[A-Za-z0-9_-]+$/, '#permalink holds the link');
});
