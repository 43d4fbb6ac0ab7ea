/**
 * The sidebar's run as Apps Script runs it: in executions of at most 6 minutes. A run stopped by
 * the time limit, or one that hands over to the next execution by itself, continues from its
 * saved state and writes exactly what one uninterrupted pass writes. Also: the input range from
 * the selection, results beside the data or in a chosen sheet (re-runs replace), sample data, and
 * the 20 random 200-row order sheets.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAddon } from '../../addon/build.ts';
import { FakeSpreadsheet, LIMITS, TIME_LIMIT, loadBundle, makeServices, timedCall, type Services } from './fakes.ts';
import { orderLines, rng, sheetDate, type Line } from './data.ts';

let code = '';
let distDir = '';
beforeAll(async () => {
  distDir = mkdtempSync(join(tmpdir(), 'addon-resume-'));
  code = (await buildAddon(distDir)).code;
});

type G = Record<string, (...args: unknown[]) => unknown>;
function sandbox(lines: Line[], locale = 'en_US'): { g: G; book: FakeSpreadsheet; services: Services } {
  const book = new FakeSpreadsheet(locale, 'Asia/Shanghai');
  book.addSheet('Orders', [['customer_id', 'order_date', 'amount'], ...lines.map((l) => [l.id, sheetDate(l.date, 8), l.amount])]);
  const services = makeServices(book, distDir);
  return { g: loadBundle(code, services), book, services };
}
const OPTS = { sheetName: 'Orders', columns: {}, asOf: '2024-07-01', model: 'bgnbd' };
/** What a run leaves: every result sheet's values. */
const written = (book: FakeSpreadsheet) => JSON.stringify(book.getSheets().map((s) => [s.getName(), s.data]));
const stateKeys = (s: Services) => [...s.documentProperties.store.keys()].filter((k) => k.startsWith('pyramid-run:'));

describe('a run longer than one execution', () => {
  it('200,000 rows: stopped by the time limit in the middle, resumed, gives the results of one pass', () => {
    const lines = orderLines(200_000, 11);
    const one = sandbox(lines);
    const r1 = one.g.runSegmentation({ ...OPTS, runId: 'one' }) as { customers: number; rowsRead: number };
    expect(r1.rowsRead).toBe(200_000);

    const two = sandbox(lines);
    // Every service call costs 12 s of simulated time: the first execution dies after 30 calls,
    // about halfway through the 40 chunks (one read and one save each), as Apps Script stops a script.
    two.book.execution.msPerCall = LIMITS.executionMs / 30;
    expect(() => two.g.runSegmentation({ ...OPTS, runId: 'two' })).toThrow(TIME_LIMIT);
    const progress = two.g.getProgress('two') as { phase: string; done: number; total: number };
    expect(progress.phase).toBe('reading');
    expect(progress.done).toBeGreaterThan(0);
    expect(progress.done).toBeLessThan(200_000);
    // The state survived: a descriptor within the 9 KB a property holds, the rows in a hidden sheet.
    expect(stateKeys(two.services)).toEqual(['pyramid-run:two']);
    expect(two.book.getSheetByName('pyramid-state two')!.isSheetHidden()).toBe(true);
    expect(two.book.getActiveSheet()!.getName()).toBe('Orders'); // the hidden sheet did not take the user's view
    two.book.execution.msPerCall = 0;
    const r2 = two.g.resumeRun('two') as { customers: number; rowsRead: number };
    expect(r2).toEqual(r1);
    expect(written(two.book)).toBe(written(one.book));
    expect(stateKeys(two.services)).toEqual([]);
    expect(two.book.getSheetByName('pyramid-state two')).toBeNull();
  }, 300_000);

  it('hands over to the next execution by itself, chunk by chunk, with the same result', () => {
    const lines = orderLines(23_000, 4);
    const one = sandbox(lines);
    one.g.runSegmentation({ ...OPTS, runId: 'one' });
    const sliced = sandbox(lines);
    let step = sliced.g.runSegmentation({ ...OPTS, runId: 's', sliceMs: 1e-9 }) as { continue?: boolean; done: number; total: number };
    const seen: number[] = [];
    while (step.continue) {
      seen.push(step.done);
      step = sliced.g.resumeRun('s') as typeof step;
    }
    // One 5,000-row chunk per execution, then scoring in an execution of its own.
    expect(seen).toEqual([5000, 10_000, 15_000, 20_000, 23_000]);
    expect(written(sliced.book)).toBe(written(one.book));
  }, 120_000);

  it('Cancel between two executions deletes the saved state and writes nothing', () => {
    const { g, book, services } = sandbox(orderLines(12_000, 4));
    expect(g.runSegmentation({ ...OPTS, runId: 'c', sliceMs: 1e-9 })).toMatchObject({ continue: true, done: 5000, total: 12_000 });
    g.cancelRun('c');
    expect(() => g.resumeRun('c')).toThrow(/cancelled; nothing was written/);
    expect(book.getSheets().map((s) => s.getName())).toEqual(['Orders']);
    expect(stateKeys(services)).toEqual([]);
    expect(() => g.resumeRun('c')).toThrow(/no longer saved/);
  });

  it('the fakes hold Sheets to its limits: 50,000 characters a cell, 6 minutes an execution', () => {
    const book = new FakeSpreadsheet();
    const s = book.insertSheet('S');
    expect(() => s.getRange(1, 1).setValues([['x'.repeat(LIMITS.cellChars + 1)]])).toThrow(/maximum of 50000 characters/);
    book.execution.msPerCall = LIMITS.executionMs;
    expect(() => s.getRange(1, 1).getValues()).toThrow(TIME_LIMIT);
  });
});

describe('input range and where the results go', () => {
  it('"Use selection" reads only the selected block, header row first', () => {
    const lines = orderLines(400, 8);
    const book = new FakeSpreadsheet('en_US', 'Asia/Shanghai');
    // Notes in column A, the orders in B1:D401, a total row below them.
    const sheet = book.addSheet('Orders', [
      ['notes', 'customer_id', 'order_date', 'amount'],
      ...lines.map((l, i) => [i === 0 ? 'export of July' : '', l.id, sheetDate(l.date, 8), l.amount]),
      ['', 'total', '', lines.reduce((t, l) => t + l.amount, 0)],
    ]);
    const g = loadBundle(code, makeServices(book, distDir));
    book.setActiveRange(sheet.getRange(1, 2, 401, 3));
    const sel = g.getSelection() as { sheetName: string; range: string };
    expect(sel).toEqual({ sheetName: 'Orders', range: 'B1:D401' });
    const cols = g.detectColumns(sel.sheetName, sel.range) as { headers: string[]; rows: number };
    expect(cols).toMatchObject({ headers: ['customer_id', 'order_date', 'amount'], rows: 400 });
    const r = g.runSegmentation({ ...OPTS, runId: 'sel', range: sel.range }) as { customers: number; rowsRead: number; rowsRejected: number };
    expect(r).toMatchObject({ rowsRead: 400, rowsRejected: 0, customers: new Set(lines.map((l) => l.id)).size });
    // Rejects name the sheet's row: the total row below the selection is outside it, a bad line inside is row 11.
    sheet.data[10][3] = 'n/a';
    g.runSegmentation({ ...OPTS, runId: 'sel2', range: sel.range });
    expect(book.getSheetByName('Pyramid rejects')!.data[1].slice(0, 2)).toEqual([11, 'amount']);
    // A range typed longer than the data, or an open one, ends at the sheet's last row; a bad one is named.
    expect(g.detectColumns('Orders', 'B1:D5000')).toMatchObject({ rows: 401 });
    expect(g.detectColumns('Orders', 'B:D')).toMatchObject({ rows: 401 });
    expect(() => g.detectColumns('Orders', 'rows 1 to 10')).toThrow(/"rows 1 to 10" is not a range such as A1:E200/);
  });

  it('beside the data: written right of the source rows, and a re-run replaces it', () => {
    const lines = orderLines(600, 3);
    const { g, book } = sandbox(lines);
    const sheet = book.getSheetByName('Orders')!;
    const r = g.runSegmentation({ ...OPTS, runId: 'b1', output: 'beside' }) as { sheetName: string; range: string; customers: number };
    expect(r.sheetName).toBe('Orders');
    expect(r.range).toMatch(/^Orders!E1:[A-Z]+\d+$/);
    expect(sheet.data[0].slice(0, 5)).toEqual(['customer_id', 'order_date', 'amount', undefined, 'Customer']);
    const rules = sheet.conditionalFormatRules.length;
    const width = sheet.getLastColumn();
    const snapshot = JSON.stringify(sheet.data);
    // The whole sheet as input is still the three order columns, not the results beside them.
    expect((g.detectColumns('Orders') as { headers: string[] }).headers).toEqual(['customer_id', 'order_date', 'amount']);
    const again = g.runSegmentation({ ...OPTS, runId: 'b2', output: 'beside' }) as { range: string };
    expect(again.range).toBe(r.range);
    expect(JSON.stringify(sheet.data)).toBe(snapshot);
    expect(sheet.getLastColumn()).toBe(width);
    expect(sheet.conditionalFormatRules).toHaveLength(rules);
    expect(book.getSheets().map((s) => s.getName())).toEqual(['Orders', 'Pyramid summary', 'Pyramid rejects']);
  });

  it('a chosen sheet: created, replaced on a re-run, and never one holding other data', () => {
    const { g, book } = sandbox(orderLines(600, 3));
    g.runSegmentation({ ...OPTS, runId: 'c1', outputSheet: 'Scores July' });
    const out = book.getSheetByName('Scores July')!;
    const first = JSON.stringify(out.data);
    // A sheet of results is not offered as order data.
    expect((g.getSheetInfo() as { sheets: { name: string }[] }).sheets.map((x) => x.name)).toEqual(['Orders']);
    g.runSegmentation({ ...OPTS, runId: 'c2', outputSheet: 'Scores July' });
    expect(JSON.stringify(out.data)).toBe(first);
    expect(book.getSheets().filter((s) => s.getName() === 'Scores July')).toHaveLength(1);
    book.addSheet('Budget', [['item', 'cost'], ['rent', 100]]);
    expect(() => g.runSegmentation({ ...OPTS, runId: 'c3', outputSheet: 'Budget' })).toThrow(/"Budget" holds other data/);
    expect(book.getSheetByName('Budget')!.data).toEqual([['item', 'cost'], ['rent', 100]]);
    expect(() => g.runSegmentation({ ...OPTS, runId: 'c4', outputSheet: 'Orders' })).toThrow(/cannot replace the order sheet/);
  });
});

describe('numeric ids', () => {
  it('come back as numbers in the results sheet, also after a resumed run', () => {
    const lines = orderLines(9000, 5).map((l) => ({ ...l, id: String(Number(l.id.slice(1)) + 1000) }));
    const book = new FakeSpreadsheet('en_US', 'Asia/Shanghai');
    book.addSheet('Orders', [['customer_id', 'order_date', 'amount'], ...lines.map((l) => [Number(l.id), sheetDate(l.date, 8), l.amount])]);
    const g = loadBundle(code, makeServices(book, distDir));
    let step = g.runSegmentation({ ...OPTS, runId: 'n', sliceMs: 1e-9 }) as { continue?: boolean };
    while (step.continue) step = g.resumeRun('n') as typeof step;
    const ids = book.getSheetByName('Customer pyramid')!.data.slice(1).map((r) => r[0]);
    expect(ids.length).toBe(new Set(lines.map((l) => l.id)).size);
    expect(ids.every((id) => typeof id === 'number')).toBe(true);
  });
});

describe('sample data', () => {
  it('"Insert sample data" adds an order sheet with example formulas that the sidebar scores', () => {
    const book = new FakeSpreadsheet('zh_CN', 'Asia/Shanghai');
    book.addSheet('Sheet1', []);
    const g = loadBundle(code, makeServices(book, distDir));
    g.insertSampleData();
    g.insertSampleData(); // again: replaced, not duplicated
    expect(book.getSheets().map((s) => s.getName())).toEqual(['Sheet1', '示例订单', '示例评分']);
    const orders = book.getSheetByName('示例订单')!;
    expect(orders.data[0].slice(0, 3)).toEqual(['客户编号', '下单时间', '实付金额']);
    expect(orders.data[0][4]).toMatch(/^=PYRAMID_RFM\(/);
    expect(book.getSheetByName('示例评分')!.data[2][0]).toMatch(/^=PYRAMID_SCORES\('示例订单'!A2:A, '示例订单'!B2:B, '示例订单'!C2:C, DATE\(2024,7,1\)/);
    const cols = g.detectColumns('示例订单') as { roles: Record<string, string>; rows: number };
    expect(cols.roles).toMatchObject({ customer: '客户编号', date: '下单时间', amount: '实付金额' });
    const r = g.runSegmentation({ runId: 'sample', sheetName: '示例订单', columns: cols.roles, asOf: '2024-07-01', range: 'A1:C' + (cols.rows + 1) }) as { customers: number; rowsRejected: number };
    expect(r).toMatchObject({ customers: 40, rowsRejected: 0 });
  });
});

/** A random small order sheet: 2–120 customers, 200 lines, odd dates and amounts included. */
function randomSheet(seed: number): Line[] {
  const r = rng(seed);
  const customers = 2 + Math.floor(r() * 119);
  const start = Date.UTC(2022, 0, 1);
  const span = 30 + Math.floor(r() * 900);
  return Array.from({ length: 200 }, () => {
    const c = Math.floor(r() ** (1 + 2 * r()) * customers);
    const day = Math.floor(r() * span);
    return { id: `K${c}`, date: new Date(start + day * 86_400_000).toISOString().slice(0, 10), amount: r() < 0.1 ? 0 : Math.round(r() * 50_000) / 100 };
  });
}

describe('20 random 200-row order sheets', () => {
  it('each finishes through PYRAMID_SCORES and the sidebar run, with every model setting', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const lines = randomSheet(seed);
      const { g, book } = sandbox(lines);
      const ids = lines.map((l) => [l.id]);
      const dates = lines.map((l) => [sheetDate(l.date, 8)]);
      const amounts = lines.map((l) => [l.amount]);
      const asOf = '2024-12-31';
      const customers = new Set(lines.map((l) => l.id)).size;
      const model = ['auto', 'bgnbd', 'paretonbd', 'mbgnbd'][seed % 4];
      const out = timedCall(() => g.PYRAMID_SCORES(ids, dates, amounts, asOf, `model=${model}`) as unknown[][]).value;
      expect(out, `sheet ${seed}`).toHaveLength(customers + 1);
      const r = g.runSegmentation({ ...OPTS, runId: `r${seed}`, asOf, model }) as { customers: number };
      expect(r.customers, `sheet ${seed}`).toBe(customers);
      expect(book.getSheetByName('Customer pyramid')!.getLastRow()).toBe(customers + 1);
    }
  }, 300_000);
});
