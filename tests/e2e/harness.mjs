// Browser-test harness: serves the built page (dist/) under a sub-path with a tiny
// static server, drives the system Chromium through playwright-core, and fails a
// test on any console error, page error, HTTP error or request to another origin.
//
// Usage in a test file:
//   const env = await startEnv();            // once per file (server + browser)
//   after(() => env.close());
//   test('...', async (t) => { const app = await env.open(t); await app.paste(csv); ... });
//
// `env.open(t)` registers a `t.after` hook that fails the test when the page logged a
// console error or page error, got an HTTP error (the favicon included, which headless
// Chromium never requests, so the harness requests it), or asked for another origin.
// The server's own log is checked when the file ends (`env.close()`).
//
// Run: SCALEFIT_DIST=/path/to/dist node --test tests/e2e/   (default dist: ./dist)

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const execFileP = promisify(execFile);

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.resolve(process.env.SCALEFIT_DIST || path.join(REPO, 'dist'));
export const FIXTURES = path.join(REPO, 'tests/fixtures');
export const SCREENSHOTS = path.join(REPO, 'tests/screenshots');
export const SUBPATH = '/scalefit/';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** How long to wait for the page to react (ms). Wasm fits of a dozen points take well under this. */
export const TIMEOUT = 15_000;

export function fixture(name) {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

// ---------------------------------------------------------------------------------
// Static server

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.map': 'application/json',
};

/**
 * Serves `root` at `http://127.0.0.1:PORT/scalefit/` (nothing at `/`, to prove the
 * page works from a sub-path). Every request is logged as {method, url, status}.
 */
export async function startServer(root = DIST) {
  const st = await fsp.stat(path.join(root, 'index.html')).catch(() => null);
  if (!st) {
    throw new Error(`no built page at ${root}/index.html: build it first ` +
      '(scripts/build) or set SCALEFIT_DIST');
  }
  const log = [];
  const server = http.createServer(async (req, res) => {
    const entry = { method: req.method, url: req.url, status: 0 };
    log.push(entry);
    const send = (status, body = '', headers = {}) => {
      entry.status = status;
      res.writeHead(status, { 'cache-control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      const url = new URL(req.url, 'http://x');
      let p = decodeURIComponent(url.pathname);
      if (p === SUBPATH.slice(0, -1)) return send(301, '', { location: SUBPATH + url.search });
      if (!p.startsWith(SUBPATH)) return send(404, 'not found (the page lives under ' + SUBPATH + ')');
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
      p = p.slice(SUBPATH.length);
      if (p === '' || p.endsWith('/')) p += 'index.html';
      const file = path.resolve(root, p);
      if (file !== root && !file.startsWith(root + path.sep)) return send(403, 'forbidden');
      const s = await fsp.stat(file).catch(() => null);
      if (!s || !s.isFile()) return send(404, 'not found');
      const body = await fsp.readFile(file);
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      send(200, body, { 'content-type': type, 'content-length': body.length });
    } catch (e) {
      send(500, String(e));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    base: origin + SUBPATH,
    log,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

// ---------------------------------------------------------------------------------
// Browser and sessions

export async function launchBrowser() {
  // playwright's launch() gives Chromium a fresh temporary user-data-dir of its own
  // and removes it on close; every context is a fresh profile (no localStorage).
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * One server and one browser per test file.
 * @returns {Promise<{server, browser, base: string, open: Function, close: Function}>}
 */
export async function startEnv() {
  const server = await startServer();
  const browser = await launchBrowser();
  const env = {
    server,
    browser,
    base: server.base,
    /**
     * A fresh context (fresh localStorage) and page, checked when `t` ends.
     * opts: {viewport, colorScheme, permissions, hash, context (reuse a context), goto: false}
     */
    async open(t, opts = {}) {
      const app = new App(env, t, opts);
      await app.start(opts);
      return app;
    },
    /** Closes everything; throws when the server answered any request with a status >= 400. */
    async close() {
      await browser.close().catch(() => {});
      await server.close();
      const bad = server.log.filter((e) => e.status >= 400).map((e) => `HTTP ${e.status} for ${e.method} ${e.url}`);
      assert.deepEqual(bad, [], 'every request the browser made was served');
    },
  };
  return env;
}

export class App {
  constructor(env, t, opts) {
    this.env = env;
    this.t = t;
    this.opts = opts;
    this.consoleErrors = [];
    this.pageErrors = [];
    this.foreign = [];
    this.httpErrors = [];
    this.requests = [];
    this.ownContext = !opts.context;
  }

  get base() { return this.env.base; }

  async start(opts) {
    const { env, t } = this;
    this.context = opts.context || await env.browser.newContext({
      viewport: opts.viewport || { width: 1280, height: 900 },
      colorScheme: opts.colorScheme || 'light',
      permissions: opts.permissions || [],
      acceptDownloads: false,
    });
    const origin = env.server.origin;
    const local = (u) => u.startsWith(origin + '/') || /^(data|blob|about):/.test(u);
    // Anything that leaves the origin is recorded and never reaches the network.
    await this.context.route((u) => !local(u.href ?? String(u)), (route) => {
      this.foreign.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    if (!this.context.__started) {
      this.context.__started = true;
      await this.context.addInitScript(() => addEventListener('TrunkApplicationStarted', () => { window.__scalefitStarted = true; }));
    }
    this.page = await this.context.newPage();
    const page = this.page;
    page.setDefaultTimeout(TIMEOUT);
    page.on('request', (r) => {
      this.requests.push(r.url());
      if (!local(r.url())) this.foreign.push(r.url());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) this.httpErrors.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(`${m.text()} @ ${JSON.stringify(m.location())}`);
    });
    page.on('pageerror', (e) => this.pageErrors.push(String(e && e.stack || e)));
    page.on('crash', () => this.pageErrors.push('page crashed'));
    t.after(() => this.finish());
    if (opts.goto !== false) await this.openApp(opts.hash);
  }

  /** Problems seen so far (console errors, page errors, HTTP errors, foreign requests). */
  problems() {
    return [
      ...this.consoleErrors.map((m) => `console error: ${m}`),
      ...this.pageErrors.map((m) => `page error: ${m}`),
      ...this.httpErrors,
      ...this.foreign.map((u) => `request to another origin: ${u}`),
    ];
  }

  async finish() {
    // A favicon request or a late console error arrives a moment after the test body.
    await this.page?.waitForTimeout(150).catch(() => {});
    const problems = this.problems();
    if (this.ownContext) await this.context?.close().catch(() => {});
    assert.deepEqual(problems, [], 'the page must run without console errors, page errors, ' +
      'failed requests or requests to other origins');
  }

  /** Opens the page (optionally with a fragment such as `#s=...`) and waits for the app to mount. */
  async openApp(hash = '') {
    await this.goto(this.base + hash);
  }

  /** Opens a full URL (e.g. a permalink) and waits for the app to mount. */
  async goto(url) {
    await this.page.goto(url, { waitUntil: 'load' });
    await this.waitStarted();
  }

  /**
   * Waits for the app to mount: #data-input visible and Trunk's loader's
   * `TrunkApplicationStarted` event (fired after the wasm start function, i.e. after
   * the initial render and restore); without that event, a grace period instead.
   */
  async waitStarted() {
    await this.page.locator('#data-input').waitFor({ state: 'visible', timeout: TIMEOUT });
    await this.page.waitForFunction(() => window.__scalefitStarted ||
      Date.now() - performance.timing.loadEventEnd > 2000,
    null, { timeout: TIMEOUT, polling: 50 }).catch(() => {});
    await this.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await this.fetchFavicon();
  }

  /**
   * Headless Chromium (and Playwright, which blocks any favicon.ico URL) never asks for
   * the favicon, a desktop browser does: ask for the icon the page declares, or for
   * /favicon.ico at the origin root when it declares none (a 404 on a sub-path
   * deploy), so a missing icon fails like any other 404.
   */
  async fetchFavicon() {
    if (this.faviconChecked) return;
    this.faviconChecked = true;
    const href = await this.page.evaluate(() =>
      document.querySelector('link[rel~="icon"]')?.href || new URL('/favicon.ico', location.href).href);
    if (href.startsWith('data:')) return;
    const r = await fetch(href, { cache: 'no-store' }).catch((e) => ({ status: String(e) }));
    if (!(r.status >= 200 && r.status < 400)) {
      this.httpErrors.push(`HTTP ${r.status} for the favicon ${href} (browsers request it; ` +
        'declare <link rel="icon"> pointing at a file under the sub-path)');
    }
  }

  async reload() {
    await this.page.reload({ waitUntil: 'load' });
    await this.waitStarted();
  }

  /** A snapshot of what a fit changes: #beta-g and #proj-data data-values, the message. */
  async snapshot() {
    return this.page.evaluate(() => {
      const attr = (id) => document.getElementById(id)?.getAttribute('data-value') ?? null;
      return JSON.stringify({
        betaG: attr('beta-g'), betaP: attr('beta-p'), projData: attr('proj-data'), projModel: attr('proj-model'),
        message: document.getElementById('fit-message')?.textContent ?? null,
      });
    });
  }

  /**
   * Waits until the results stop changing: after a change from `before`, stable for
   * `quiet` ms; without any change, stable for `idle` ms (input debounces are shorter).
   */
  async settle(before = null, { quiet = 300, idle = 1200, timeout = TIMEOUT } = {}) {
    const t0 = Date.now();
    let last = await this.snapshot();
    let lastChange = Date.now();
    let changed = before !== null && last !== before;
    for (;;) {
      await this.page.waitForTimeout(50);
      const now = await this.snapshot();
      if (now !== last) { last = now; lastChange = Date.now(); changed ||= before === null || now !== before; }
      const stable = Date.now() - lastChange;
      if ((changed && stable >= quiet) || stable >= idle) return JSON.parse(last);
      if (Date.now() - t0 > timeout) throw new Error(`results did not settle within ${timeout} ms: ${last}`);
    }
  }

  /** Replaces the text of #data-input with `text` (as a paste would) and waits for the fit. */
  async paste(text) {
    const before = await this.snapshot();
    await this.page.locator('#data-input').fill(text);
    return this.settle(before);
  }

  /**
   * Puts `text` in #data-input in one input event, as a paste of a large clipboard
   * does (typing megabytes key by key takes minutes), and waits up to `timeout` ms
   * for the results to settle.
   */
  async putText(text, timeout = 60_000) {
    const before = await this.snapshot();
    await this.page.locator('#data-input').evaluate((el, v) => {
      el.value = v;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    }, text);
    return this.settle(before, { timeout });
  }

  /** Sets an input (e.g. #target) and waits for the results to settle. */
  async fill(selector, value) {
    const before = await this.snapshot();
    await this.page.locator(selector).fill(String(value));
    return this.settle(before);
  }

  /** Picks an option of a select and waits for the results to settle. */
  async select(selector, value) {
    const before = await this.snapshot();
    await this.page.locator(selector).selectOption(value);
    return this.settle(before);
  }

  /**
   * The unrounded number in `#id`'s data-value attribute, waiting up to `wait` ms for
   * one to appear (a result may be recomputed after a pause); throws when none does.
   */
  async readValue(id, wait = 5000) {
    const t0 = Date.now();
    let raw = await this.rawValue(id);
    while (!Number.isFinite(parseFloat(raw)) && Date.now() - t0 < wait) {
      await this.page.waitForTimeout(50);
      raw = await this.rawValue(id);
    }
    const v = raw === null ? NaN : parseFloat(raw);
    if (!Number.isFinite(v)) {
      const text = await this.page.locator('#' + id).textContent().catch(() => null);
      const msg = await this.message().catch(() => null);
      throw new assert.AssertionError({
        message: `#${id} has no numeric data-value (data-value=${JSON.stringify(raw)}, ` +
          `text=${JSON.stringify(text)}, #fit-message=${JSON.stringify(msg)})`,
      });
    }
    return v;
  }

  /** The raw data-value attribute (null when absent or the element is missing). */
  async rawValue(id) {
    return this.page.evaluate((i) => document.getElementById(i)?.getAttribute('data-value') ?? null, id);
  }

  /** Waits until `#id`'s data-value equals `want` (within tol), then returns it. */
  async waitValue(id, want, tol = 1e-12) {
    const ok = (raw) => raw !== null && Math.abs(parseFloat(raw) - want) <= tol * Math.max(1, Math.abs(want));
    const t0 = Date.now();
    let raw = null;
    while (Date.now() - t0 < TIMEOUT) {
      raw = await this.rawValue(id);
      if (ok(raw)) return parseFloat(raw);
      await this.page.waitForTimeout(50);
    }
    return raw === null ? NaN : parseFloat(raw);
  }

  async message() {
    return ((await this.page.locator('#fit-message').textContent()) ?? '').trim();
  }

  /** Waits until #fit-message matches `re`; returns the text (which may not match on timeout). */
  async waitMessage(re, timeout = 8000) {
    const t0 = Date.now();
    let m = '';
    while (Date.now() - t0 < timeout) {
      m = await this.message().catch(() => '');
      if (re.test(m)) return m;
      await this.page.waitForTimeout(50);
    }
    return m;
  }

  async text() {
    return this.page.locator('#data-input').inputValue();
  }

  /** Canvas statistics: size, and how many pixels differ from the most common colour. */
  async canvasInk(id) {
    return this.page.evaluate((cid) => {
      const c = document.getElementById(cid);
      if (!c || c.tagName !== 'CANVAS') return { missing: true };
      if (!c.width || !c.height) return { width: c.width, height: c.height, ink: 0, colours: 0 };
      const copy = document.createElement('canvas');
      copy.width = c.width; copy.height = c.height;
      const ctx = copy.getContext('2d');
      ctx.drawImage(c, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const counts = new Map();
      for (let i = 0; i < d.length; i += 4) {
        const k = (d[i] << 24 | d[i + 1] << 16 | d[i + 2] << 8 | d[i + 3]) >>> 0;
        counts.set(k, (counts.get(k) || 0) + 1);
      }
      let top = 0;
      for (const n of counts.values()) top = Math.max(top, n);
      const total = c.width * c.height;
      return { width: c.width, height: c.height, ink: (total - top) / total, colours: counts.size, url: c.toDataURL() };
    }, id);
  }

  /**
   * Catches the page's downloads where it hands them to the browser (an anchor's click
   * on a blob URL); `takeDownloads()` returns them as `{ name, type, text }`.
   */
  async catchDownloads() {
    await this.page.evaluate(() => {
      const blobs = new Map();
      const create = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (b) => { const url = create(b); blobs.set(url, b); return url; };
      window.__downloads = [];
      HTMLAnchorElement.prototype.click = function () {
        const blob = blobs.get(this.href);
        const name = this.download;
        window.__downloads.push(blob
          ? blob.text().then((text) => ({ name, type: blob.type, text }))
          : Promise.resolve({ name, href: this.href }));
      };
    });
  }

  /** The downloads caught since the last call (see `catchDownloads`). */
  async takeDownloads() {
    return this.page.evaluate(() => Promise.all(window.__downloads.splice(0)));
  }

  async screenshot(name) {
    await fsp.mkdir(SCREENSHOTS, { recursive: true });
    await this.page.screenshot({ path: path.join(SCREENSHOTS, name + '.png'), fullPage: true });
  }
}

// ---------------------------------------------------------------------------------
// The CLI, for reference numbers

/** Runs `scalefit` (via cargo, release build) with `args`; parses stdout as JSON. */
export async function cli(args) {
  const { stdout } = await execFileP('cargo', ['run', '--release', '-q', '--bin', 'scalefit', '--', ...args],
    { cwd: REPO, maxBuffer: 16 << 20, timeout: 600_000 });
  return JSON.parse(stdout);
}

/** Asserts |got - want| <= rel * max(1, |want|). */
export function assertClose(got, want, rel, what) {
  assert.ok(Number.isFinite(want), `${what}: the reference value is not finite (${want})`);
  assert.ok(Number.isFinite(got), `${what}: the page shows no finite value (${got})`);
  const tol = rel * Math.max(1, Math.abs(want));
  assert.ok(Math.abs(got - want) <= tol,
    `${what}: page ${got} vs reference ${want} (|diff| ${Math.abs(got - want)} > ${tol})`);
}

// ---------------------------------------------------------------------------------
// Permalinks built by hand (SPEC section 3), for the decoder's failure cases

export function b64url(buf) {
  return Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `#s=` payload of `state` with the given version byte: base64url(version ++ deflate-raw(JSON)). */
export function payload(state, version = 1) {
  const body = zlib.deflateRawSync(Buffer.from(JSON.stringify(state)), { level: 9 });
  return b64url(Buffer.concat([Buffer.from([version]), body]));
}

/** Adler-32 of a byte buffer (zlib's checksum; version-2 links end with it). */
export function adler32(buf) {
  let a = 1, b = 0;
  for (const x of buf) { a = (a + x) % 65521; b = (b + a) % 65521; }
  return ((b << 16) | a) >>> 0;
}

/**
 * `#s=` payload of format version 4: base64url(4 ++ deflate-raw(JSON) ++ CRC-32 of the
 * bytes before it, big endian; Node's own `zlib.crc32`, so the core's CRC is checked
 * against another implementation). `edit(bytes)` may alter the bytes after the checksum.
 */
export function payloadV4(state, { edit = null } = {}) {
  const head = Buffer.concat([Buffer.from([4]), zlib.deflateRawSync(Buffer.from(JSON.stringify(state)), { level: 9 })]);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(zlib.crc32(head));
  const bytes = Buffer.concat([head, sum]);
  if (edit) edit(bytes);
  return b64url(bytes);
}

/**
 * `#s=` payload of format version 2: base64url(2 ++ deflate-raw(JSON) ++ Adler-32 of
 * the JSON, big endian). `level: 0` stores the JSON uncompressed (so a test can change
 * one digit of it); `edit(deflated)` may alter the deflate bytes after the checksum.
 */
export function payloadV2(state, { level = 9, edit = null } = {}) {
  const json = Buffer.from(JSON.stringify(state));
  const body = zlib.deflateRawSync(json, { level });
  if (edit) edit(body);
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(adler32(json));
  return b64url(Buffer.concat([Buffer.from([2]), body, sum]));
}
