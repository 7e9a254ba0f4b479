#!/usr/bin/env node
// Browser performance numbers for the built page (prints numbers, asserts nothing):
//
//   (a) navigation start -> first drawn plot (mark `scalefit:first-plot`), 10 fresh loads
//       of a permalink holding 20 points;
//   (b) 100 points, 200 bootstrap resamples, 30 edits of #data-input:
//       `scalefit:fit` (parse + point fit + redraw, after the 150 ms debounce) and
//       `scalefit:bootstrap` (edit -> intervals drawn), p50/p95;
//   (c) a 10,000-row paste (an input event with inputType insertFromPaste, which the page
//       analyses at once, without the typing debounce): input event -> fit drawn
//       (`scalefit:edit-to-fit`), `scalefit:fit` (parse, fit, view, layout, redraw) and
//       `scalefit:parse-fit` (parse and point fit alone), median of 5;
//   (d) the default 1,000-resample bootstrap of a 10,000-row paste (the data of (c), and
//       a curve where three-region wins): paste -> intervals drawn, and the main-thread
//       long tasks (> 50 ms) after the paste's own, i.e. how much the bootstrap holds up
//       input; the three-region run again with a pool of one worker, for the pool's
//       speed-up;
//   (a2) (a) with network emulation (10 Mbit/s down and up, 40 ms round trip, cold cache);
//   (e) a 250-run sweep (25 model sizes x 10 data sizes, Besiroglu et al.'s law with 1%
//       noise) pasted: its 1,000-resample joint-law bootstrap, paste -> intervals
//       (`scalefit:sweep-bootstrap`), and the long tasks meanwhile;
//   (f) the real NMT family (5 series) picked: the family comparison's time in the
//       page (`data-family-ms`) and parse -> redrawn (`scalefit:fit`), over 7 edits of
//       the target (the fits reused) and 7 edits of one measured error (refitted);
//   (g) its 1,000-resample bootstrap within series (`scalefit:family-bootstrap`, from
//       the preset's pick) and the long tasks meanwhile.
//
// The marks and measures come from src/perf.rs. Ends with one JSON line.
//
// Usage: node scripts/bench-web.mjs [dist]     (default: $SCALEFIT_DIST or ./dist)
//        env: CHROMIUM (default /usr/bin/chromium), BENCH_QUICK=1 (fewer runs)

import http from 'node:http';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const DIST = path.resolve(process.argv[2] || process.env.SCALEFIT_DIST || 'dist');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const QUICK = !!process.env.BENCH_QUICK;
const N_NAV = QUICK ? 3 : 10;
const N_EDITS = QUICK ? 5 : 30;
const N_BIG = QUICK ? 2 : 5;
const TIMEOUT = 120_000;

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml' };

function serve(root) {
  const server = http.createServer(async (req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.resolve(root, '.' + p);
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      const body = await fsp.readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store' });
      res.end(body);
    } catch { res.writeHead(404).end(); }
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

// Deterministic data: a power law with a floor and small multiplicative noise.
function lcg(seed) { let s = seed >>> 0; return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32); }
function dataset(n, seed = 1, bump = 0) {
  const r = lcg(seed);
  const rows = ['m,error'];
  for (let i = 0; i < n; i++) {
    const m = Math.round(1000 * Math.pow(10, (4 * i) / (n - 1)));
    let e = 0.05 + 3 * Math.pow(m, -0.35) * (1 + 0.03 * (r() - 0.5));
    if (i === n - 1) e *= 1 + bump;
    rows.push(`${m},${e.toPrecision(6)}`);
  }
  return rows.join('\n') + '\n';
}

// A curve with a small-data region inside the sizes (three-region wins): the
// native `big_paste` example's data.
function dataset3(n) {
  const rows = ['step,loss'];
  for (let i = 0; i < n; i++) {
    const m = 100 * (1 + i);
    const wiggle = 1 + 0.01 * (((i * 7919) % 101) / 50 - 1);
    rows.push(`${m},${(3 * m ** -0.2 + 0.4) * wiggle}`);
  }
  return rows.join('\n') + '\n';
}

// A 250-run sweep: 25 model sizes at each of 10 data sizes, from Besiroglu et al.'s
// joint law with 1% multiplicative noise.
function sweep250() {
  const r = lcg(5);
  const rows = ['tokens,params,loss'];
  for (let j = 0; j < 10; j++) {
    const d = 1e9 * 10 ** (2 * j / 9);
    for (let i = 0; i < 25; i++) {
      const n = 1e7 * 10 ** (3 * i / 24);
      const l = (1.817 + 482 * n ** -0.348 + 2085 * d ** -0.366) * (1 + 0.01 * (r() - 0.5));
      rows.push(`${d.toPrecision(6)},${n.toPrecision(6)},${l.toPrecision(6)}`);
    }
  }
  return rows.join('\n') + '\n';
}

// A permalink fragment for `state` (version byte + raw deflate of the JSON, base64url).
const link = (state) => '#s=' + Buffer.concat([Buffer.from([1]),
  zlib.deflateRawSync(Buffer.from(JSON.stringify(state)), { level: 9 })]).toString('base64url');

const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]; };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const k = s.length >> 1; return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2; };
const r1 = (x) => Math.round(x * 10) / 10;

async function entries(page, name) {
  return page.evaluate((n) => performance.getEntriesByName(n).map((e) => ({ start: e.startTime, dur: e.duration })), name);
}
async function waitCount(page, name, count) {
  await page.waitForFunction(([n, c]) => performance.getEntriesByName(n).length > c, [name, count],
    { timeout: TIMEOUT, polling: 10 });
  const all = await entries(page, name);
  return all[all.length - 1];
}
async function open(browser, url, throttle = false, workers = 0) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // `workers`: the pool's size (it takes navigator.hardwareConcurrency); 0 = the machine's.
  if (workers > 0) {
    await context.addInitScript((n) => Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => n }), workers);
  }
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 40, downloadThroughput: 10e6 / 8, uploadThroughput: 10e6 / 8,
    });
  }
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url, { waitUntil: 'load' });
  await page.locator('#data-input').waitFor({ state: 'visible', timeout: TIMEOUT });
  return { context, page, errors };
}
// Replaces the data in one input event: typing-like (`paste = false`, analysed after the
// 150 ms debounce) or a paste (`inputType` insertFromPaste, analysed at once).
async function setText(page, text, paste = false) {
  await page.evaluate(([t, p]) => {
    const el = document.getElementById('data-input');
    el.value = t;
    el.dispatchEvent(p ? new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' })
      : new Event('input', { bubbles: true }));
  }, [text, paste]);
}

async function main() {
  await fsp.stat(path.join(DIST, 'index.html'));
  const server = await serve(DIST);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const errors = [];
  try {
    // (a) first plot: a fresh profile opening a permalink with 20 points (the page
    // draws no plot without data, so an empty first visit has no first plot).
    const firstPlot = [];
    const firstUrl = url + link({ text: dataset(20, 3) });
    for (let i = 0; i < N_NAV; i++) {
      const s = await open(browser, firstUrl);
      await s.page.waitForFunction(() => performance.getEntriesByName('scalefit:first-plot').length > 0,
        null, { timeout: TIMEOUT, polling: 10 });
      const [e] = await entries(s.page, 'scalefit:first-plot');
      firstPlot.push(e.start); // ms since navigation start (timeOrigin)
      errors.push(...s.errors);
      await s.context.close();
    }

    // (a2) the same over an emulated 10 Mbit/s link with a 40 ms round trip.
    const firstPlotNet = [];
    for (let i = 0; i < N_NAV; i++) {
      const s = await open(browser, firstUrl, true);
      await s.page.waitForFunction(() => performance.getEntriesByName('scalefit:first-plot').length > 0,
        null, { timeout: TIMEOUT, polling: 10 });
      const [e] = await entries(s.page, 'scalefit:first-plot');
      firstPlotNet.push(e.start);
      errors.push(...s.errors);
      await s.context.close();
    }

    // (b) 100 points, 200 resamples, 30 edits
    const fit = [], boot = [];
    {
      const s = await open(browser, url);
      const { page } = s;
      await page.evaluate(() => {
        const el = document.getElementById('bootstrap');
        el.value = '200';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      let nFit = (await entries(page, 'scalefit:fit')).length;
      let nBoot = (await entries(page, 'scalefit:bootstrap')).length;
      await setText(page, dataset(100, 7));
      await waitCount(page, 'scalefit:bootstrap', nBoot); // warm-up
      for (let i = 1; i <= N_EDITS; i++) {
        nFit = (await entries(page, 'scalefit:fit')).length;
        nBoot = (await entries(page, 'scalefit:bootstrap')).length;
        await setText(page, dataset(100, 7, 0.001 * i));
        fit.push((await waitCount(page, 'scalefit:fit', nFit)).dur);
        boot.push((await waitCount(page, 'scalefit:bootstrap', nBoot)).dur);
      }
      const bootValue = await page.evaluate(() => document.getElementById('bootstrap').value);
      if (bootValue !== '200') errors.push(`(b): #bootstrap holds ${bootValue}, not 200`);
      const shown = await page.evaluate(() => document.getElementById('beta-g')?.getAttribute('data-value'));
      if (!Number.isFinite(parseFloat(shown))) errors.push(`(b): no beta_g shown (${shown})`);
      errors.push(...s.errors);
      await s.context.close();
    }

    // (c) 10,000-row paste
    const big = dataset(10_000, 11);
    const bigEdit = [], bigFit = [], bigParseFit = [];
    for (let i = 0; i < N_BIG; i++) {
      const s = await open(browser, url);
      const nFit = (await entries(s.page, 'scalefit:fit')).length;
      const nE = (await entries(s.page, 'scalefit:edit-to-fit')).length;
      const nPF = (await entries(s.page, 'scalefit:parse-fit')).length;
      await setText(s.page, big, true);
      bigFit.push((await waitCount(s.page, 'scalefit:fit', nFit)).dur);
      bigParseFit.push((await waitCount(s.page, 'scalefit:parse-fit', nPF)).dur);
      bigEdit.push((await waitCount(s.page, 'scalefit:edit-to-fit', nE)).dur);
      errors.push(...s.errors);
      await s.context.close();
    }

    // (d) the default 1,000-resample bootstrap of a 10,000-row paste: time to the
    // intervals, and the long tasks (> 50 ms, PerformanceObserver) after the paste's own.
    const bigBoot = {};
    const runs = [['power-floor data', big, 0], ['three-region data', dataset3(10_000), 0],
      ['three-region data, one worker', dataset3(10_000), 1]];
    for (const [name, text, workers] of runs) {
      const s = await open(browser, url, false, workers);
      await s.page.evaluate(() => {
        window.__longTasks = [];
        new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); })
          .observe({ type: 'longtask' });
      });
      const nB = (await entries(s.page, 'scalefit:bootstrap')).length;
      await setText(s.page, text, true);
      const done = await waitCount(s.page, 'scalefit:bootstrap', nB);
      const tasks = (await s.page.evaluate(() => window.__longTasks)).slice(1);
      const on = await s.page.evaluate(() => document.documentElement.dataset.bootstrapOn);
      bigBoot[name] = { intervals_ms: r1(done.dur), long_tasks: tasks.length,
        longest_ms: r1(Math.max(0, ...tasks)), on };
      errors.push(...s.errors);
      await s.context.close();
    }

    // (e) a 250-run sweep: the joint law's 1,000-resample bootstrap.
    let sweep = {};
    {
      const s = await open(browser, url);
      await s.page.evaluate(() => {
        window.__longTasks = [];
        new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); })
          .observe({ type: 'longtask' });
      });
      const n = (await entries(s.page, 'scalefit:sweep-bootstrap')).length;
      await setText(s.page, sweep250(), true);
      const done = await waitCount(s.page, 'scalefit:sweep-bootstrap', n);
      const tasks = (await s.page.evaluate(() => window.__longTasks)).slice(1);
      const alpha = await s.page.evaluate(() => document.getElementById('joint-alpha')?.getAttribute('data-value'));
      if (!Number.isFinite(parseFloat(alpha))) errors.push(`(e): no alpha shown (${alpha})`);
      sweep = { intervals_ms: r1(done.dur), long_tasks: tasks.length, longest_ms: r1(Math.max(0, ...tasks)) };
      errors.push(...s.errors);
      await s.context.close();
    }

    // (f) the real NMT family: after each edit of the target, the comparison's own time
    // (`data-family-ms`) and parse -> comparison -> plot redrawn (`scalefit:fit`); after
    // each edit of one measured error (every series refitted), the same two. Then (g)
    // the family's 1,000-resample bootstrap in the page, with its long tasks.
    const familyMs = [], familyDrawn = [], familyDataMs = [], familyDataDrawn = [];
    let familyBoot = {};
    {
      const s = await open(browser, url);
      await s.page.evaluate(() => {
        window.__longTasks = [];
        new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); })
          .observe({ type: 'longtask' });
      });
      const nFB = (await entries(s.page, 'scalefit:family-bootstrap')).length;
      await s.page.selectOption('#preset', 'nmt-real');
      await s.page.waitForFunction(() => document.getElementById('family-view')?.dataset.count === '5',
        null, { timeout: TIMEOUT });
      const boot = await waitCount(s.page, 'scalefit:family-bootstrap', nFB);
      const tasks = (await s.page.evaluate(() => window.__longTasks)).slice(1);
      const ci = await s.page.evaluate(() => document.getElementById('beta-g-shared-ci')?.dataset.lo);
      if (!Number.isFinite(parseFloat(ci))) errors.push(`(g): no shared interval shown (${ci})`);
      familyBoot = { intervals_ms: r1(boot.dur), long_tasks: tasks.length, longest_ms: r1(Math.max(0, ...tasks)) };
      const edit = async (act, ms, drawn) => {
        await s.page.evaluate(() => { document.documentElement.dataset.familyMs = ''; });
        const nFit = (await entries(s.page, 'scalefit:fit')).length;
        await act();
        await s.page.waitForFunction(() => document.documentElement.dataset.familyMs, null, { timeout: TIMEOUT });
        ms.push(parseFloat(await s.page.evaluate(() => document.documentElement.dataset.familyMs)));
        drawn.push((await waitCount(s.page, 'scalefit:fit', nFit)).dur);
      };
      for (let i = 0; i < (QUICK ? 3 : 7); i++) {
        await edit(() => s.page.fill('#target', String(0.3 + 0.01 * i)), familyMs, familyDrawn);
      }
      const text0 = await s.page.locator('#data-input').inputValue();
      for (let i = 0; i < (QUICK ? 3 : 7); i++) {
        // The first row's measured loss nudged (a fitted row: the last ones are held
        // out): the series are read and fitted again.
        const lines = text0.trimEnd().split('\n');
        const row = lines[1].split(',');
        const k = row.findIndex((c) => /^[0-9.]+$/.test(c.trim()) && parseFloat(c) < 100 && parseFloat(c) > 0);
        if (k < 0) throw new Error(`(f): no loss found in ${lines[1]}`);
        row[k] = String(parseFloat(row[k]) * (1 + 0.001 * (i + 1)));
        lines[1] = row.join(',');
        await edit(() => setText(s.page, lines.join('\n') + '\n', true), familyDataMs, familyDataDrawn);
      }
      errors.push(...s.errors);
      await s.context.close();
    }

    const result = {
      date: new Date().toISOString(),
      machine: { nproc: os.cpus().length, cpu: os.cpus()[0]?.model?.trim(), chromium: browser.version() },
      first_plot_ms: { median: r1(median(firstPlot)), runs: firstPlot.map(r1) },
      first_plot_10mbit_ms: { median: r1(median(firstPlotNet)), runs: firstPlotNet.map(r1) },
      edit_100pts: {
        fit_ms: { p50: r1(q(fit, 0.5)), p95: r1(q(fit, 0.95)), n: fit.length },
        bootstrap200_ms: { p50: r1(q(boot, 0.5)), p95: r1(q(boot, 0.95)), n: boot.length },
      },
      paste_10k: {
        edit_to_fit_ms: { median: r1(median(bigEdit)), runs: bigEdit.map(r1) },
        fit_ms: { median: r1(median(bigFit)), runs: bigFit.map(r1) },
        parse_fit_ms: { median: r1(median(bigParseFit)), runs: bigParseFit.map(r1) },
      },
      bootstrap_10k: bigBoot,
      sweep_250: sweep,
      family_nmt_ms: { median: r1(median(familyMs)), runs: familyMs.map(r1) },
      family_nmt_target_drawn_ms: { p50: r1(q(familyDrawn, 0.5)), runs: familyDrawn.map(r1) },
      family_nmt_data_ms: { median: r1(median(familyDataMs)), runs: familyDataMs.map(r1) },
      family_nmt_data_drawn_ms: { p50: r1(q(familyDataDrawn, 0.5)), runs: familyDataDrawn.map(r1) },
      family_nmt_bootstrap: familyBoot,
      errors,
    };
    const rows = [
      ['(a) navigation -> first plot', `median ${result.first_plot_ms.median} ms`, `n=${firstPlot.length}`],
      ['(a2) first plot at 10 Mbit/s, 40 ms RTT', `median ${result.first_plot_10mbit_ms.median} ms`, `n=${firstPlotNet.length}, cold cache`],
      ['(b) 100 pts: parse+fit+redraw', `p50 ${result.edit_100pts.fit_ms.p50} ms`, `p95 ${result.edit_100pts.fit_ms.p95} ms`],
      ['(b) 100 pts: edit -> 200-resample intervals', `p50 ${result.edit_100pts.bootstrap200_ms.p50} ms`, `p95 ${result.edit_100pts.bootstrap200_ms.p95} ms`],
      ['(c) 10k rows: input -> fit drawn', `median ${result.paste_10k.edit_to_fit_ms.median} ms`, `n=${bigEdit.length} (a paste: no debounce)`],
      ['(c) 10k rows: parse+fit+redraw', `median ${result.paste_10k.fit_ms.median} ms`, `n=${bigFit.length} (incl. the textarea's layout)`],
      ['(c) 10k rows: parse+fit', `median ${result.paste_10k.parse_fit_ms.median} ms`, `n=${bigParseFit.length}`],
      ...Object.entries(bigBoot).map(([k, v]) => [`(d) 10k rows, ${k}: intervals`,
        `${v.intervals_ms} ms`, `${v.long_tasks} long tasks after the paste's, longest ${v.longest_ms} ms (${v.on})`]),
      ['(d) worker pool over one worker, three-region', `${(bigBoot['three-region data, one worker'].intervals_ms / bigBoot['three-region data'].intervals_ms).toFixed(2)}x`, `${os.cpus().length} CPUs`],
      ['(e) 250-run sweep: 1,000-resample joint law', `${sweep.intervals_ms} ms`, `${sweep.long_tasks} long tasks after the paste's, longest ${sweep.longest_ms} ms`],
      ['(f) NMT family, target edit: comparison', `median ${result.family_nmt_ms.median} ms`, `n=${familyMs.length} (the fits reused)`],
      ['(f) NMT family, target edit: parse..drawn', `p50 ${result.family_nmt_target_drawn_ms.p50} ms`, `n=${familyDrawn.length}`],
      ['(f) NMT family, data edit: comparison', `median ${result.family_nmt_data_ms.median} ms`, `n=${familyDataMs.length} (every series refitted)`],
      ['(f) NMT family, data edit: parse..drawn', `p50 ${result.family_nmt_data_drawn_ms.p50} ms`, `n=${familyDataDrawn.length}`],
      ['(g) NMT family: 1,000-resample bootstrap', `${familyBoot.intervals_ms} ms`, `${familyBoot.long_tasks} long tasks, longest ${familyBoot.longest_ms} ms`],
    ];
    console.log(`machine: ${result.machine.nproc} CPUs, ${result.machine.cpu}, Chromium ${result.machine.chromium}`);
    for (const r of rows) console.log(r[0].padEnd(50) + r[1].padEnd(18) + r[2]);
    if (errors.length) console.log('page errors:\n  ' + errors.join('\n  '));
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
