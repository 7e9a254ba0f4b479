// A wasm trap shows a visible notice (assets/trap.js): the release build aborts on a
// panic without a console message, so without it the page would stop answering in
// silence. Other errors do not raise it, and the user's text stays where it was.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv, fixture } from './harness.mjs';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

const notice = (page) => page.evaluate(() => {
  const el = document.getElementById('wasm-trap');
  return el ? { role: el.getAttribute('role'), text: el.textContent, shown: el.getBoundingClientRect().height > 0 } : null;
});

test('a WebAssembly trap shows the notice; other errors do not', async (t) => {
  const app = await env.open(t);
  await app.openApp();
  const data = fixture('power_floor.csv');
  await app.paste(data);
  // An ordinary script error (dispatched, so the harness's page-error check stays clean).
  await app.page.evaluate(() => dispatchEvent(new ErrorEvent('error', { error: new TypeError('not wasm') })));
  assert.equal(await notice(app.page), null, 'a non-wasm error raises no notice');
  // What an `unreachable` in the wasm raises in an event handler.
  await app.page.evaluate(() => dispatchEvent(new ErrorEvent('error', { error: new WebAssembly.RuntimeError('unreachable') })));
  const n = await notice(app.page);
  assert.ok(n, 'the trap raises the notice');
  assert.equal(n.role, 'alert');
  assert.ok(n.shown, 'the notice is visible');
  assert.match(n.text, /Scalefit stopped.*reload the page/);
  // A second trap (a rejected start, say) does not stack a second notice.
  await app.page.evaluate(() => dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: new WebAssembly.RuntimeError('unreachable') })));
  assert.equal(await app.page.locator('#wasm-trap').count(), 1);
  assert.equal(await app.page.locator('#data-input').inputValue(), data, 'the text is untouched');
});
