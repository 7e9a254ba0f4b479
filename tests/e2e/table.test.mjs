// The editable table (SPEC section 2, "an editable table"): it shows the rows of the
// data box with what the parse made of each, and a cell edit, a deleted row or an added
// row goes back into the text and is fitted. Focus stays where the user put it while
// the table follows the refit.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEnv } from './harness.mjs';

const DATA = 'size,error\n1000,0.52\n3000,0.41\nabc,0.3\n10000,0.33\n30000,0.26\n100000,0.21\n';

let env;
before(async () => { env = await startEnv(); });
after(() => env?.close());

/** The table as the user sees it: header texts and, per row, line, cells and status. */
function readTable(page) {
  return page.evaluate(() => {
    const t = document.querySelector('table.edit-table');
    if (!t) return null;
    const header = [...t.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    const rows = [...t.querySelectorAll('tbody tr')].map((tr) => ({
      line: tr.querySelector('th')?.textContent.trim(),
      cells: [...tr.querySelectorAll('input.cell')].map((i) => i.value),
      status: tr.querySelector('td.status')?.textContent.trim(),
      cls: tr.className,
    }));
    return { header, rows };
  });
}

async function openTable(app) {
  await app.page.locator('details.data-table > summary').click();
  await app.page.locator('table.edit-table tbody tr').first().waitFor();
}

test('the table shows each row of the text with its status', async (t) => {
  const app = await env.open(t);
  await app.paste(DATA);
  assert.match(await app.page.locator('details.data-table > summary').textContent(), /\(6 rows\)/);
  await openTable(app);
  const table = await readTable(app.page);
  assert.deepEqual(table.header, ['Line', 'size', 'error', 'Status', 'Delete']);
  assert.deepEqual(table.rows.map((r) => r.line), ['2', '3', '4', '5', '6', '7']);
  assert.deepEqual(table.rows[0].cells, ['1000', '0.52']);
  assert.deepEqual(table.rows[2].cells, ['abc', '0.3']);
  assert.equal(table.rows[0].status, 'fitted');
  assert.equal(table.rows[0].cls, 'row-fitted');
  assert.equal(table.rows[2].cls, 'row-problem');
  assert.match(table.rows[2].status, /number/i, 'the bad row says what is wrong with it');
  const labels = await app.page.locator('table.edit-table tbody tr').nth(1).locator('input.cell')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  assert.deepEqual(labels, ['Line 3, size', 'Line 3, error']);
});

test('a cell edit goes into the text and is fitted; focus moves on with Tab and stays', async (t) => {
  const app = await env.open(t);
  const first = await app.paste(DATA);
  await openTable(app);
  const cell = app.page.locator('table.edit-table tbody tr').nth(2).locator('input.cell').first();
  await cell.fill('5000');
  const before = await app.snapshot();
  await cell.press('Tab');
  const after = await app.settle(before);
  assert.equal(await app.text(), DATA.replace('abc,0.3', '5000,0.3'));
  assert.notEqual(after.betaG, first.betaG, 'the edited row is fitted');
  const table = await readTable(app.page);
  assert.equal(table.rows[2].status, 'fitted');
  assert.equal(table.rows[2].cls, 'row-fitted');
  // Tab went to the row's next cell, and the refit did not take the focus away.
  const focus = await app.page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  assert.equal(focus, 'Line 4, error');
});

test('deleting a row and adding one edit the text', async (t) => {
  const app = await env.open(t);
  await app.paste(DATA);
  await openTable(app);
  let before = await app.snapshot();
  await app.page.getByRole('button', { name: 'Delete line 4' }).click();
  await app.settle(before);
  assert.equal(await app.text(), DATA.replace('abc,0.3\n', ''));
  let table = await readTable(app.page);
  assert.deepEqual(table.rows.map((r) => r.line), ['2', '3', '4', '5', '6']);
  assert.deepEqual(table.rows[2].cells, ['10000', '0.33'], 'the rows below move up');

  before = await app.snapshot();
  await app.page.locator('#add-row').click();
  await app.page.waitForFunction(() => document.querySelectorAll('table.edit-table tbody tr').length === 6);
  assert.equal(await app.text(), DATA.replace('abc,0.3\n', '') + ',\n');
  const added = app.page.locator('table.edit-table tbody tr').nth(5).locator('input.cell');
  await added.nth(0).fill('300000');
  await added.nth(0).press('Tab');
  await added.nth(1).fill('0.17');
  await added.nth(1).press('Enter');
  await app.settle(before);
  assert.equal(await app.text(), DATA.replace('abc,0.3\n', '') + '300000,0.17\n');
  table = await readTable(app.page);
  assert.equal(table.rows[5].status, 'fitted');
});
