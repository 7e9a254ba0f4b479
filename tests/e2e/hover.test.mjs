// Hover tooltips on the plots (SPEC section 2): over the plotting area the tooltip
// reads the fitted curve (and a point's own values next to a marker); outside the
// plotting area and after the pointer leaves, there is none.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv, fixture } from './harness.mjs';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

function tooltip(page) {
  return page.evaluate(() => {
    const t = document.querySelector('.chart-learning-curve .tooltip');
    return t && !t.hidden ? t.textContent : null;
  });
}

test('the learning-curve tooltip reads the curve and the points, and goes away', async (t) => {
  const app = await env.open(t);
  await app.paste(fixture('power_floor.csv'));
  const canvas = app.page.locator('canvas#learning-curve');
  const box = await canvas.boundingBox();
  assert.equal(await tooltip(app.page), null, 'no tooltip before hovering');

  // Away from the markers, the tooltip reads the curve.
  let curve = null;
  for (const fx of [0.45, 0.5, 0.55, 0.6]) {
    for (const fy of [0.3, 0.5, 0.7]) {
      await app.page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
      const text = await tooltip(app.page);
      if (/^m = [^\n]*\nfit: /.test(text ?? '')) { curve = text; break; }
    }
    if (curve) break;
  }
  assert.match(curve ?? '', /^m = [^\n]*\nfit: error = [^\n]*/, `over the plot: the curve (${curve})`);

  // The fitted points' markers: clusters of canvas pixels in the point colour (light
  // theme #2563eb; the legend's glyph has it too, so try the clusters in turn).
  const markers = await app.page.evaluate(() => {
    const c = document.getElementById('learning-curve');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const hits = [];
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const i = 4 * (y * c.width + x);
        if (d[i] === 37 && d[i + 1] === 99 && d[i + 2] === 235) hits.push([x, y]);
      }
    }
    hits.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const clusters = [];
    for (const h of hits) {
      const last = clusters[clusters.length - 1];
      if (last && h[0] - last[last.length - 1][0] <= 2) last.push(h); else clusters.push([h]);
    }
    return clusters.map((b) => {
      const mean = (k) => b.reduce((s, p) => s + p[k], 0) / b.length;
      return { x: mean(0) * c.clientWidth / c.width, y: mean(1) * c.clientHeight / c.height };
    });
  });
  assert.ok(markers.length >= 5, `the fitted points are drawn (${markers.length} marker clusters)`);
  let point = null;
  for (const m of markers.slice(0, 6)) {
    await app.page.mouse.move(box.x + m.x, box.y + m.y);
    const text = await tooltip(app.page);
    if (/^m = [^\n]*\nerror = [^\n]*\nfit: /.test(text ?? '')) { point = text; break; }
  }
  assert.ok(point, 'on a marker, the tooltip shows that point (m, error, fit)');

  await app.page.mouse.move(box.x + 3, box.y + 3);
  assert.equal(await tooltip(app.page), null, 'outside the plotting area: no tooltip');
  await app.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  assert.notEqual(await tooltip(app.page), null);
  await app.page.mouse.move(box.x + box.width * 0.5, box.y + box.height + 200);
  assert.equal(await tooltip(app.page), null, 'the pointer left: no tooltip');
});

// The SVG buttons (SPEC section 2, downloads): each offers its plot as an SVG document,
// written by scalefit-plot's SVG writer. The download is caught where the page hands it
// to the browser: the Blob behind the object URL and the anchor it clicks.
test('the SVG buttons download both plots as SVG documents', async (t) => {
  const app = await env.open(t);
  await app.paste(fixture('model_size.tsv'));
  await app.catchDownloads();
  for (const id of ['learning-curve', 'model-size']) {
    await app.page.click(`#${id}-svg`);
    const got = await app.takeDownloads();
    assert.equal(got.length, 1, `${id}: one download`);
    const [d] = got;
    assert.equal(d.name, `scalefit-${id}.svg`);
    assert.equal(d.type, 'image/svg+xml');
    assert.ok(d.text.startsWith('<svg width="960" height="600" viewBox="0 0 960 600" ' +
      'xmlns="http://www.w3.org/2000/svg">\n<rect x="0" y="0" width="960" height="600" ' +
      'opacity="1" fill="#FFFFFF" stroke="none"/>\n'), `${id}: the document and its background`);
    assert.ok(d.text.endsWith('</svg>\n'), `${id}: the document is closed`);
    for (const tag of ['polyline', 'circle', 'polygon', 'text']) {
      assert.ok(d.text.includes(`<${tag} `), `${id}: has <${tag}> elements`);
    }
    const parsed = await app.page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.nodeName,
        circles: doc.querySelectorAll('circle').length,
        texts: [...doc.querySelectorAll('text')].map((e) => e.textContent.trim()),
      };
    }, d.text);
    assert.equal(parsed.error, null, `${id}: well-formed SVG`);
    assert.equal(parsed.root, 'svg');
    assert.ok(parsed.circles >= 10, `${id}: the 10 points are drawn (${parsed.circles} circles)`);
    assert.ok(parsed.texts.includes('training-set size m'), `${id}: the x axis title (${parsed.texts})`);
  }
});
