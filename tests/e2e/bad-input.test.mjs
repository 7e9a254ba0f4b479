// Bad input: each case gets a clear message in #fit-message, no console error, no
// stale numbers, the user's text kept exactly, and a page that still works afterwards.
// Bad links must not overwrite what the user had (SPEC sections 2 and 3).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv, fixture, payload, payloadV2, payloadV4 } from './harness.mjs';

const GOOD = fixture('power_floor.csv');
// Typed (real key events) after each bad case to prove the page still responds.
const RECOVER = '1000,0.52\n3000,0.41\n10000,0.33\n30000,0.26\n100000,0.21\n300000,0.17\n';
const RECOVER_ACC = '1000,48%\n3000,59%\n10000,67%\n30000,74%\n100000,79%\n300000,83%\n';
// Binary garbage: every byte value but CR (a textarea turns CR into LF).
const BINARY = Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256)
  .filter((b) => b !== 13).map((b) => String.fromCharCode(b)).join('');

// fit: true = the good rows are still fitted; false = no number may be left in #beta-g.
const DATA_CASES = [
  { name: 'empty input', input: '', expect: [/no data|paste|empty/i], fit: false },
  { name: 'header only', input: 'size,error\n', expect: [/no data|only a header|no rows/i], fit: false },
  { name: 'one row', input: 'size,error\n1000,0.5\n', expect: [/at least \d|too few|one point|more points/i], fit: false },
  {
    name: 'non-numeric values',
    input: 'size,error\n1000,0.5\n2000,abc\n4000,0.36\nxyz,0.3\n16000,0.25\n32000,0.22\n',
    expect: [/line 3\b/i, /line 5\b/i, /not a number|numeric/i], fit: true,
  },
  {
    name: 'NaN and inf',
    input: 'size,error\n1000,0.5\n2000,NaN\n4000,inf\n8000,0.3\n16000,0.25\n32000,0.22\n',
    expect: [/line 3\b/i, /line 4\b/i, /finite|not a number/i], fit: true,
  },
  {
    name: 'zero and negative sizes',
    input: 'size,error\n0,0.5\n-1000,0.45\n2000,0.4\n4000,0.33\n8000,0.29\n16000,0.25\n',
    expect: [/line 2\b/i, /line 3\b/i, /> ?0|positive|greater than (0|zero)/i], fit: true,
  },
  {
    name: 'zero error with log loss',
    input: 'size,error\n1000,0.5\n2000,0.4\n4000,0\n8000,0.3\n16000,0.25\n',
    expect: [/line 4\b/i, /log/i], fit: true,
  },
  {
    name: 'all sizes equal',
    input: 'size,error\n1000,0.5\n1000,0.45\n1000,0.4\n1000,0.38\n',
    expect: [/distinct|same size|equal|identical|differ/i], fit: false,
  },
  {
    name: 'accuracy above 100% (metric accuracy)', metric: 'accuracy', recover: RECOVER_ACC,
    input: 'examples,accuracy\n1000,48%\n3000,59%\n10000,167%\n30000,74%\n100000,79%\n300000,83%\n',
    expect: [/line 4\b/i, /100/], fit: true,
  },
  { name: 'binary garbage', input: BINARY, expect: [/not look like text|binary|not text/i], fit: false },
  {
    name: 'target below the floor', input: GOOD, target: '0.05',
    expect: [/unreachable|cannot be reached|can't be reached|not reachable/i], fit: true, projection: false,
  },
  { name: 'target already met', input: GOOD, target: '0.9', expect: [/already met/i, /about \d+ examples/i], fit: true },
  {
    name: 'negative target error', input: GOOD, target: '-0.1',
    expect: [/target error must be above 0/i], fit: true, projection: false,
    absent: [/cannot be reached/i], // one clear message, not a second one about the floor
  },
  {
    name: 'target accuracy above 100%', metric: 'accuracy', recover: RECOVER_ACC, input: RECOVER_ACC, target: '150',
    expect: [/target accuracy/i, /outside 0 to 100/i], fit: true, projection: false,
  },
  {
    name: 'thousands separators in unquoted CSV',
    input: 'size,error\n1,000,0.52\n3000,0.41\n10000,0.33\n30000,0.26\n100000,0.21\n',
    expect: [/line 2\b/i, /thousands separators/i, /1_000_000|quote/i], fit: true,
  },
  {
    name: 'negative error',
    input: 'size,error\n1000,0.52\n3000,-0.41\n10000,0.33\n30000,0.26\n100000,0.21\n',
    expect: [/line 3\b/i, /error must be >= 0/i], fit: true,
  },
  {
    name: 'a repeated row',
    input: 'size,error\n1000,0.52\n3000,0.41\n3000,0.41\n10000,0.33\n30000,0.26\n100000,0.21\n',
    expect: [/line 4\b/i, /duplicate of line 3/i], fit: true,
  },
  { name: 'a single column', input: '1000\n3000\n10000\n30000\n', expect: [/line 2\b/i, /at least 2 columns/i], fit: false },
  { name: 'words, no numbers', input: 'a,b,c\nx,y,z\np,q,r\n', expect: [/line 2\b/i, /not a number/i], fit: false },
  { name: 'comment lines only', input: '# run 1\n# nothing measured yet\n', expect: [/no data/i], fit: false },
  {
    name: 'error rising with data (accuracy pasted as error)',
    input: 'size,score\n1000,0.48\n3000,0.59\n10000,0.67\n30000,0.74\n100000,0.79\n',
    expect: [/increases with data/i, /accuracy/i], fit: true,
  },
  {
    name: 'less than one decade of sizes',
    input: 'size,error\n1000,0.52\n2000,0.46\n4000,0.41\n8000,0.37\n',
    expect: [/span only 8\.0x/i, /order of magnitude/i], fit: true,
  },
  {
    name: 'a 10 MB paste', input: null, big: 10,
    expect: [/the input is 10\.\d MB/i, /at most 4 MB/i], fit: false,
  },
];

// Inputs a person expects to work (README "Using Scalefit"): each gives exactly the
// fit of the clean CSV, with no error message.
const CLEAN = 'size,error\n1000,0.52\n3000,0.41\n10000,0.33\n30000,0.26\n100000,0.21\n300000,0.17\n';
const SAME_AS_CLEAN = [
  { name: 'byte order mark', input: '\uFEFF' + CLEAN },
  { name: 'Windows line endings (CRLF)', input: CLEAN.replace(/\n/g, '\r\n') },
  { name: 'scientific notation and powers', input: 'size,error\n1e3,0.52\n3E3,0.41\n1.0e4,0.33\n3e+4,0.26\n10^5,0.21\n3e5,0.17\n' },
  { name: 'underscores and quoted thousands', input: 'size,error\n1_000,0.52\n"3,000",0.41\n10_000,0.33\n"30,000",0.26\n100_000,0.21\n"300,000",0.17\n' },
  { name: 'tabs (a spreadsheet copy)', input: CLEAN.replace(/,/g, '\t') },
  { name: 'semicolons and decimal commas', input: CLEAN.replace(/,/g, ';').replace(/0\.(\d\d)/g, '0,$1') },
  { name: 'mixed delimiters, one per line', input: 'size,error\n1000,0.52\n3000;0.41\n10000\t0.33\n30000 0.26\n100000, 0.21\n300000 ,0.17\n' },
  { name: 'errors in percent', input: CLEAN.replace(/0\.(\d\d)/g, '$1%') , scaled: true },
];

// A valid state, and links made from it: what the links' failures must not overwrite
// is the text the user had typed (autosaved) before opening the link.
const LINK_STATE = { text: 'm,err\n1000,0.5\n2000,0.4\n4000,0.33\n' };
const VALID = payload(LINK_STATE);
const LINK_CASES = [
  { name: 'corrupted link (#s=garbage)', hash: '#s=garbage', expect: [/link/i] },
  { name: 'corrupted link (not base64url)', hash: '#s=!!not*a*link!!', expect: [/link/i, /damaged|corrupt|invalid|base64/i] },
  {
    name: 'corrupted link (damaged body)',
    hash: '#s=' + VALID.slice(0, 8) + 'A'.repeat(VALID.length - 16) + VALID.slice(-8),
    expect: [/link/i, /damaged|corrupt|truncated|not a scalefit state|invalid/i],
  },
  // Cut at a multiple of 4 characters the base64 still decodes: the deflate stream ends early.
  { name: 'truncated link', hash: '#s=' + VALID.slice(0, 4 * Math.floor(VALID.length / 8)), expect: [/link/i, /truncated/i] },
  { name: 'truncated link (mid-character)', hash: '#s=' + VALID.slice(0, 4 * Math.floor(VALID.length / 8) + 1), expect: [/link/i, /truncated|damaged|corrupt/i] },
  { name: 'future-version link', hash: '#s=' + payload(LINK_STATE, 5), expect: [/link/i, /newer|version/i] },
  // Today's links (version 4): one bit of the deflate stream flipped, and the last
  // character cut off; the CRC of the link's bytes catches both before inflating.
  {
    name: 'changed character (version 4 checksum)',
    hash: '#s=' + payloadV4(LINK_STATE, { edit: (b) => { b[5] ^= 0x10; } }),
    expect: [/link/i, /checksum/i, /changed/i],
  },
  {
    name: 'cut version-4 link',
    hash: '#s=' + payloadV4(LINK_STATE).slice(0, -1),
    expect: [/link/i, /checksum|truncated|damaged/i],
  },
  { name: 'empty link', hash: '#s=', expect: [/link/i, /no data|empty|nothing/i] },
  {
    // One digit of the stored data changed in transit: the deflate stream still
    // inflates (to 2000,0.7), only the version-2 checksum can tell.
    name: 'changed character (checksum)',
    hash: '#s=' + payloadV2(LINK_STATE, {
      level: 0,
      edit: (b) => { const i = b.indexOf('2000,0.4'); b[i + 7] = '7'.charCodeAt(0); },
    }),
    expect: [/link/i, /checksum/i],
  },
  { name: 'deflate bomb', hash: '#s=' + payload({ text: ' '.repeat(4 << 20) }), expect: [/link/i, /expands to more than/i] },
  { name: 'too long link', hash: '#s=' + 'A'.repeat(70_000), expect: [/link/i, /too long/i] },
  { name: 'wrong shape (schema)', hash: '#s=' + payloadV2({ text: 5 }), expect: [/link/i, /not a Scalefit state/i] },
  { name: 'a JSON array, not an object', hash: '#s=' + payloadV2([LINK_STATE.text]), expect: [/link/i, /not a Scalefit state/i] },
];

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

function assertMessage(message, expect, what) {
  assert.ok(message.length > 0, `${what}: #fit-message is not empty`);
  for (const re of expect) assert.match(message, re, `${what}: #fit-message`);
}

/** A log-like paste of about `mb` MB (valid rows, far more than the 4 MB the parser reads). */
function bigPaste(mb) {
  const row = (i) => `${1000 + i},${(2.5 * (1000 + i) ** -0.3 + 0.1).toFixed(12)}\n`;
  const rows = [];
  let size = 11;
  for (let i = 0; size < mb * 1e6; i++) { const r = row(i); rows.push(r); size += r.length; }
  return 'step,loss\n' + rows.join('');
}

/** No NaN or infinity reaches the screen (SPEC: every number shown is a number). */
async function assertNoBadNumbers(app) {
  const shown = await app.page.evaluate(() => {
    const parts = [];
    for (const el of document.querySelectorAll('[data-value]')) parts.push(`${el.id}=${el.getAttribute('data-value')}`);
    const results = document.getElementById('results');
    const copy = results.cloneNode(true);
    // What quotes the user's own text (the problem list, the table, the message) is not a result.
    copy.querySelectorAll('textarea, #fit-message, #problems, table, input').forEach((e) => e.remove());
    return { values: parts.join(' '), text: copy.innerText };
  });
  assert.doesNotMatch(shown.values, /NaN|Infinity/, 'no data-value is NaN or infinite');
  assert.ok(shown.text.length > 0, '#results is there');
  assert.doesNotMatch(shown.text, /\bNaN\b|Infinity|∞|\binf\b/i, 'no NaN or infinity is shown in the results');
}

/** The page still works: select all, type good data with the keyboard, get a fit. */
async function assertResponsive(app, recover, expect) {
  const box = app.page.locator('#data-input');
  await box.click();
  await app.page.keyboard.press('ControlOrMeta+a');
  const before = await app.snapshot();
  await app.page.keyboard.type(recover);
  await app.settle(before);
  assert.equal(await app.text(), recover, 'typing after the bad input reaches the textarea');
  const g = await app.readValue('beta-g');
  assert.ok(g < 0, `a fit of the typed data (beta_g ${g})`);
  const m = await app.message();
  for (const re of expect) {
    if (!/line|link/.test(re.source)) continue; // generic words may recur in warnings
    assert.doesNotMatch(m, re, 'the old error is gone once the data is fixed');
  }
}

describe('bad data', { concurrency: 4 }, () => {
  for (const c of DATA_CASES) {
    test(c.name, async (t) => {
      const app = await env.open(t);
      if (c.metric) await app.select('#metric', c.metric);
      await app.paste(c.metric ? RECOVER_ACC : GOOD); // a fit on screen first
      const input = c.big ? bigPaste(c.big) : c.input;
      if (c.big) await app.putText(input);
      else await app.paste(input);
      if (c.target) await app.fill('#target', c.target);
      const message = await app.waitMessage(c.expect.at(-1));
      t.diagnostic(`#fit-message: ${message}`);
      assertMessage(message, c.expect, c.name);
      for (const re of c.absent || []) assert.doesNotMatch(message, re, `${c.name}: #fit-message`);
      const kept = await app.text();
      assert.ok(kept === input.replace(/\r\n?/g, '\n'),
        `the textarea holds exactly what was typed (${kept.length} of ${input.length} characters)`);
      await assertNoBadNumbers(app);
      const g = await app.rawValue('beta-g');
      if (c.fit) {
        assert.ok(Number.isFinite(parseFloat(g)), `the good rows are still fitted (#beta-g data-value ${g})`);
      } else {
        assert.ok(!Number.isFinite(parseFloat(g)), `no stale fit is shown (#beta-g data-value ${g})`);
      }
      if (c.projection === false) {
        const p = await app.rawValue('proj-data');
        assert.ok(!Number.isFinite(parseFloat(p)), `no data size is projected (#proj-data data-value ${p})`);
      }
      // Empty the box the way "select all, delete" does, without 10 MB of key events.
      if (c.big) await app.putText('');
      await assertResponsive(app, c.recover || RECOVER, c.target ? [] : c.expect);
    });
  }
});

describe('inputs that must work as they are', { concurrency: 4 }, () => {
  for (const c of SAME_AS_CLEAN) {
    test(c.name, async (t) => {
      const app = await env.open(t);
      await app.paste(CLEAN);
      const want = await app.readValue('beta-g');
      await app.paste(GOOD);
      await app.paste(c.input);
      const got = await app.readValue('beta-g');
      // Percent errors are the same curve scaled by 100: only alpha changes.
      assert.ok(Math.abs(got - want) <= 1e-9 * Math.abs(want), `beta_g ${got} equals the clean CSV's ${want}`);
      const message = await app.message();
      assert.doesNotMatch(message, /line \d|not a number|column|problem/i, `no complaint about the rows: ${message}`);
      assert.equal(await app.text(), c.input.replace(/\r\n?/g, '\n'), 'the textarea holds exactly what was typed');
      await assertNoBadNumbers(app);
    });
  }
});

// Numerical robustness (issue: ill-conditioned data): each fits or fails with a
// message, and no NaN or infinity reaches the screen.
const pl = (f) => 'size,error\n' + [1e3, 3e3, 1e4, 3e4, 1e5, 3e5].map(f).join('\n') + '\n';
const HARD = [
  { name: 'an exact power law', input: pl((m) => `${m},${2 * m ** -0.25}`), betaG: -0.25 },
  { name: 'sizes near 1e300', input: pl((m) => `${m * 1e295},${(2 * m ** -0.2).toFixed(5)}`), betaG: -0.2 },
  { name: 'sizes near 1e-300', input: pl((m) => `${m * 1e-300},${(2 * m ** -0.2).toFixed(5)}`), betaG: -0.2 },
  { name: 'a nearly flat curve', input: pl((m) => `${m},${(0.3 - 1e-9 * Math.log(m)).toFixed(12)}`) },
  { name: 'errors near 1e-300', input: pl((m) => `${m},${2e-300 * (m / 1000) ** -0.3}`), betaG: -0.3 },
];

describe('ill-conditioned data', { concurrency: 4 }, () => {
  for (const c of HARD) {
    test(c.name, async (t) => {
      const app = await env.open(t);
      await app.paste(c.input);
      const g = parseFloat(await app.rawValue('beta-g'));
      const message = await app.message();
      t.diagnostic(`beta_g ${g}; #fit-message: ${message}`);
      if (c.betaG !== undefined) {
        assert.ok(Math.abs(g - c.betaG) < 1e-3, `beta_g ${g} is about ${c.betaG}`);
      } else {
        assert.ok(Number.isFinite(g) || message.length > 0, 'a fit or a message');
      }
      assert.equal(await app.text(), c.input, 'the textarea holds exactly what was typed');
      await assertNoBadNumbers(app);
    });
  }
});

describe('bad links', { concurrency: 4 }, () => {
  for (const c of LINK_CASES) {
    test(c.name, async (t) => {
      // The user's own work, autosaved in this profile.
      const mine = await env.open(t);
      const typed = GOOD.split('\n').slice(0, 9).join('\n') + '\n# my notes\n';
      await mine.paste(typed);
      await mine.page.waitForTimeout(500);
      const fitted = await mine.rawValue('beta-g');
      await mine.page.close();

      // The bad link opened in a new tab of the same profile.
      const linked = await env.open(t, { context: mine.context, hash: c.hash });
      const message = await linked.waitMessage(c.expect.at(-1));
      t.diagnostic(`#fit-message: ${message}`);
      assertMessage(message, c.expect, c.name);
      await linked.settle(null);
      assert.equal(await linked.text(), typed, 'the autosaved text survives the bad link');
      assert.equal(await linked.rawValue('beta-g'), fitted, 'and is still fitted');
      await assertResponsive(linked, RECOVER, []);
      await linked.page.close();

      // Nothing was overwritten: a plain reopen shows the user's latest text.
      const again = await env.open(t, { context: mine.context });
      await again.settle(null);
      assert.equal(await again.text(), RECOVER, 'the latest typed text is what is restored');
      await mine.context.close();
    });
  }
});

// A long log (a loss per step) is a normal paste. Parsing caps input at 4 MB and
// 20,000 rows. The longest main-thread stall is reported as a diagnostic only: speed
// is measured by scripts/bench-web.mjs, never asserted in a test.
const LARGE_ROWS = 20_000;

test(`a large paste (${LARGE_ROWS} rows) is fitted and the page stays usable`, async (t) => {
  const app = await env.open(t);
  const text = 'step,loss\n' + Array.from({ length: LARGE_ROWS },
    (_, i) => `${(i + 1) * 100},${(2.5 * ((i + 1) * 100) ** -0.3 + 0.1).toFixed(6)}`).join('\n') + '\n';
  // A 10 ms heartbeat: the longest gap between beats is the longest main-thread stall.
  await app.page.evaluate(() => {
    window.__beat = { last: performance.now(), worst: 0 };
    setInterval(() => {
      const now = performance.now();
      window.__beat.worst = Math.max(window.__beat.worst, now - window.__beat.last);
      window.__beat.last = now;
    }, 10);
  });
  await app.putText(text);
  const g = await app.readValue('beta-g', 30_000);
  assert.ok(g < 0, `the large input is fitted (beta_g ${g})`);
  const worst = await app.page.evaluate(() => window.__beat.worst);
  t.diagnostic(`longest main-thread stall: ${Math.round(worst)} ms`);
  // Still usable afterwards: typing refits.
  await app.putText(text.split('\n').slice(0, 40).join('\n'), 30_000);
  assert.ok((await app.readValue('beta-g', 10_000)) < 0, 'the trimmed input is fitted');
});
