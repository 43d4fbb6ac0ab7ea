/**
 * The fakes are as strict as Sheets about a sheet's grid and the service limits, and the results
 * writer sizes its sheet: 60 and 50,000 customers written to a fresh 1000 × 26 sheet.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAddon } from '../../addon/build.ts';
import { FakeCache, FakeProperties, FakeSpreadsheet, LIMITS, OUTSIDE_SHEET, TOO_MANY_CELLS, loadBundle, makeServices, timedCall } from './fakes.ts';
import { shopLines, sheetDate } from './data.ts';

describe('fakes as strict as Sheets', () => {
  it('a new sheet is 1000 × 26 and a range beyond it throws the real message', () => {
    const book = new FakeSpreadsheet();
    const s = book.insertSheet('New');
    expect([s.getMaxRows(), s.getMaxColumns()]).toEqual([1000, 26]);
    expect(() => s.getRange(1, 1, 1000, 26)).not.toThrow();
    expect(() => s.getRange(1, 27)).toThrow(OUTSIDE_SHEET);
    expect(() => s.getRange(1000, 1, 2, 1)).toThrow(OUTSIDE_SHEET);
    expect(() => s.getRange(1, 1, 0, 1)).toThrow(/number of rows in the range must be at least 1/);
  });

  it('insertRowsAfter, insertColumnsAfter, deleteRows and deleteColumns change the grid', () => {
    const book = new FakeSpreadsheet();
    const s = book.insertSheet('New');
    s.insertColumnsAfter(26, 10);
    s.insertRowsAfter(1000, 500);
    expect([s.getMaxRows(), s.getMaxColumns()]).toEqual([1500, 36]);
    expect(() => s.getRange(1500, 36)).not.toThrow();
    s.deleteRows(2, 1498);
    s.deleteColumns(3, 34);
    expect([s.getMaxRows(), s.getMaxColumns()]).toEqual([2, 2]);
    expect(() => s.getRange(3, 1)).toThrow(OUTSIDE_SHEET);
    expect(() => s.deleteRows(1, 2)).toThrow(/can't delete all the rows/);
  });

  it('inserting columns shifts the cells to their right, as in Sheets', () => {
    const s = new FakeSpreadsheet().addSheet('S', [['a', 'b', 'c']]);
    s.insertColumnsAfter(1, 2);
    expect(s.getRange(1, 1, 1, 5).getValues()).toEqual([['a', '', '', 'b', 'c']]);
  });

  it('a spreadsheet holds at most 10 million cells', () => {
    const book = new FakeSpreadsheet();
    const s = book.insertSheet('Big');
    s.insertRowsAfter(1000, 384_000 - 1000); // 384,000 × 26 = 9,984,000 cells
    expect(book.cells()).toBe(9_984_000);
    expect(() => s.insertColumnsAfter(26, 1)).toThrow(TOO_MANY_CELLS);
    expect(() => book.insertSheet('More')).toThrow(TOO_MANY_CELLS);
  });

  it('cache values hold 100 KB, properties 9 KB per value and 500 KB per store', () => {
    const cache = new FakeCache();
    expect(() => cache.put('k', 'x'.repeat(LIMITS.cacheValueBytes))).not.toThrow();
    expect(() => cache.put('k', 'x'.repeat(LIMITS.cacheValueBytes + 1))).toThrow('Argument too large: value');
    expect(() => cache.put('k', '汉'.repeat(40_000))).toThrow('Argument too large: value'); // 120,000 bytes in UTF-8
    expect(() => cache.put('k', 'x', 21_601)).toThrow(/Expiration/);
    const props = new FakeProperties();
    expect(() => props.setProperty('k', 'x'.repeat(9 * 1024 + 1))).toThrow('Argument too large: value');
    for (let i = 0; i < 56; i++) props.setProperty(`k${i}`, 'x'.repeat(9000));
    expect(() => props.setProperty('one-more', 'x'.repeat(9000))).toThrow(/property storage quota/);
  });

  it('a custom function longer than 30 s fails', () => {
    expect(timedCall(() => 1).value).toBe(1);
    expect(() => timedCall(() => { const t = performance.now(); while (performance.now() - t < 30) { /* spin */ } }, 10)).toThrow(/Exceeded maximum execution time/);
  });
});

describe('the results writer sizes its sheet', () => {
  let code = '';
  let distDir = '';
  beforeAll(async () => {
    distDir = mkdtempSync(join(tmpdir(), 'addon-grid-'));
    code = (await buildAddon(distDir)).code;
  });

  function run(lines: number, customers: number) {
    const book = new FakeSpreadsheet('en_US', 'Asia/Shanghai');
    const orders = shopLines(lines, customers, 13);
    book.addSheet('Orders', [['customer_id', 'order_date', 'amount'], ...orders.map((l) => [l.id, sheetDate(l.date, 8), l.amount])]);
    const g = loadBundle(code, makeServices(book, distDir));
    const r = g.runSegmentation({ runId: 'g', sheetName: 'Orders', columns: {}, asOf: '2024-07-01', model: 'bgnbd' }) as { customers: number; sheetName: string };
    return { book, r, g };
  }

  it('60 customers: the table fits a fresh sheet and a re-run replaces it', () => {
    const { book, r, g } = run(150, 60);
    const sheet = book.getSheetByName(r.sheetName)!;
    expect(sheet.getRange(1, 1, r.customers + 1, 1).getValues().slice(1).every(([id]) => /^C\d+$/.test(String(id)))).toBe(true);
    const before = sheet.getMaxRows();
    g.runSegmentation({ runId: 'g2', sheetName: 'Orders', columns: {}, asOf: '2024-07-01', model: 'bgnbd' });
    expect(sheet.getMaxRows()).toBe(before);
    expect(book.getSheets().filter((s) => s.getName() === r.sheetName)).toHaveLength(1);
  });

  it('50,000 order lines (≈ 37,000 customers): the sheet grows to the table', () => {
    const { book, r } = run(50_000, 37_000);
    expect(r.customers).toBeGreaterThan(30_000);
    const sheet = book.getSheetByName(r.sheetName)!;
    expect(sheet.getMaxRows()).toBeGreaterThanOrEqual(r.customers + 1);
    const ids = sheet.getRange(2, 1, r.customers, 1).getValues();
    expect(ids.every(([id]) => /^C\d+$/.test(String(id)))).toBe(true);
    expect(book.cells()).toBeLessThanOrEqual(LIMITS.cells);
  }, 300_000);
});
