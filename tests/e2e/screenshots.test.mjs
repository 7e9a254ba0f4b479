// Screenshots of the main states in three looks (written to tests/screenshots/), and
// the layout checks that go with them: no horizontal scroll on a phone, a real dark
// theme under prefers-color-scheme: dark.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv, fixture } from './harness.mjs';

const LOOKS = [
  { name: 'desktop-light', viewport: { width: 1280, height: 900 }, colorScheme: 'light' },
  { name: 'desktop-dark', viewport: { width: 1280, height: 900 }, colorScheme: 'dark' },
  { name: 'phone', viewport: { width: 375, height: 812 }, colorScheme: 'light' },
];
const STATES = [
  { name: 'empty', set: async () => {} },
  {
    name: 'custom-target',
    set: async (app) => { await app.paste(fixture('power_floor.csv')); await app.fill('#target', '0.09'); },
  },
  { name: 'preset', set: async (app) => { await app.select('#preset', 'imagenet-top1'); } },
  { name: 'nmt-real', set: async (app) => { await app.select('#preset', 'nmt-real'); } },
];

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

/** Relative luminance (0 black .. 1 white) of the page background. */
async function backgroundLuminance(page) {
  return page.evaluate(() => {
    const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    let rgb = [255, 255, 255]; // transparent all the way down: the canvas is white
    for (const el of [document.body, document.documentElement]) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0)) { rgb = c; break; }
    }
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
  });
}

for (const look of LOOKS) {
  test(`screenshots: ${look.name}`, async (t) => {
    const app = await env.open(t, { viewport: look.viewport, colorScheme: look.colorScheme });
    const lum = await backgroundLuminance(app.page);
    const widths = {};
    for (const state of STATES) {
      await state.set(app);
      await app.page.waitForTimeout(100); // let the canvas paint
      await app.screenshot(`${look.name}-${state.name}`);
      widths[state.name] = await app.page.evaluate(() => document.documentElement.scrollWidth);
    }
    // Asserted after every screenshot is written, so a failure still leaves pictures.
    if (look.colorScheme === 'dark') {
      assert.ok(lum < 0.2, `dark theme: a dark background (luminance ${lum.toFixed(3)})`);
    } else {
      assert.ok(lum > 0.6, `light theme: a light background (luminance ${lum.toFixed(3)})`);
    }
    if (look.name === 'phone') {
      for (const [state, w] of Object.entries(widths)) {
        assert.ok(w <= 375, `${state}: no horizontal scroll on a 375 px phone (scrollWidth ${w})`);
      }
    }
  });
}
