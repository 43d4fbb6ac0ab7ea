/**
 * CsvEncoder writes the bytes csvLine's text has in UTF-8, and writeCsv the bytes toCsv's text has:
 * customers.csv and rejects.csv stay byte-identical to the line-by-line writer they replace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOM, CsvEncoder, csvCell, csvLine, toCsv, writeCsv, writeCsvTable, type OutCell } from '../../io/csv.ts';
import { resolveProfile } from '../../core/config.ts';
import { scoreCustomers } from '../../core/pipeline.ts';
import { scoreTable, scoreTableRows } from '../../core/report/index.ts';
import { loadDataset } from '../../io/read.ts';

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'pyramid-csv-encoder-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rounded = fc.tuple(fc.double({ min: -1e16, max: 1e16, noNaN: true }), fc.integer({ min: 0, max: 8 }))
  .map(([x, d]) => Math.round(x * 10 ** d) / 10 ** d);

const cell: fc.Arbitrary<OutCell> = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', "'", 'a', '1', '.', ' ', '中', '客', 'é', '😀', '\uD800') }),
  fc.constantFrom('C0001', '2025-01-31', '钻石', '活跃', '"quoted"', '=SUM(A1)', '-1', '+86 10', '@x', 'a\r\nb', ''),
  fc.double(),
  rounded,
  fc.integer(),
  fc.constantFrom(0, -0, 1e15, -1e15, 1e15 - 1, 1e21, 0.1 + 0.2, 5e-324, NaN, Infinity, -Infinity, 2 ** 53),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

describe('CsvEncoder', () => {
  it('writes the UTF-8 bytes of csvLine for any row', () => {
    fc.assert(fc.property(fc.array(fc.array(cell, { maxLength: 12 }), { maxLength: 8 }), (rows) => {
      const enc = new CsvEncoder(16); // small: growing the buffer is exercised too
      for (const r of rows) enc.line(r);
      expect(enc.take().equals(Buffer.from(rows.map(csvLine).join(''), 'utf8'))).toBe(true);
    }), { numRuns: 2000 });
  });

  it('writes numbers as String(x) does', () => {
    fc.assert(fc.property(fc.oneof(rounded, fc.double({ noNaN: true, noDefaultInfinity: true })), (x) => {
      const enc = new CsvEncoder(8);
      enc.line([x]);
      expect(enc.take().toString('latin1')).toBe(`${String(x)}\n`);
    }), { numRuns: 20_000 });
  });

  it('writes fixed(x, d) as csvCell(Math.round(x · 10^d) / 10^d)', () => {
    const any = fc.oneof(fc.double(), fc.double({ min: -1e6, max: 1e6 }), fc.double({ min: -1, max: 1 }), fc.constantFrom(-0, 0.005, -0.005, 1e11 + 0.125, 1e13, -1e13, 2 ** 53, 1e300));
    fc.assert(fc.property(any, fc.constantFrom(2 as const, 4 as const, 6 as const), (x, d) => {
      const enc = new CsvEncoder(8);
      enc.fixed(x, d);
      enc.end();
      expect(enc.take().toString('utf8')).toBe(`${csvCell(Math.round(x * 10 ** d) / 10 ** d)}\n`);
    }), { numRuns: 20_000 });
  });

  it('as a cell sink writes the same bytes as the row of values', () => {
    const op = fc.oneof(
      cell.filter((c) => typeof c === 'string').map((c) => ({ kind: 'text' as const, x: c as string })),
      fc.oneof(fc.double(), rounded).map((x) => ({ kind: 'number' as const, x })),
      fc.tuple(fc.double(), fc.constantFrom(2 as const, 4 as const, 6 as const)).map(([x, d]) => ({ kind: 'fixed' as const, x, d })),
      fc.constant({ kind: 'blank' as const }),
    );
    fc.assert(fc.property(fc.array(fc.array(op, { maxLength: 10 }), { maxLength: 6 }), (rows) => {
      const enc = new CsvEncoder(32);
      let text = '';
      for (const r of rows) {
        const values: OutCell[] = [];
        for (const o of r) {
          if (o.kind === 'text') { enc.text(o.x); values.push(o.x); }
          else if (o.kind === 'number') { enc.number(o.x); values.push(o.x); }
          else if (o.kind === 'fixed') { enc.fixed(o.x, o.d); values.push(Math.round(o.x * 10 ** o.d) / 10 ** o.d); }
          else { enc.blank(); values.push(''); }
        }
        enc.end();
        text += csvLine(values);
      }
      expect(enc.take().equals(Buffer.from(text, 'utf8'))).toBe(true);
    }), { numRuns: 2000 });
  });

  it('keeps the formula guard, quotes and the BOM', () => {
    const enc = new CsvEncoder();
    enc.bom();
    enc.line(['=1+1', 'a,b', 'say "hi"', '中文', 'line\r\nbreak', -12.5, -Infinity, null, true]);
    expect(enc.take().toString('utf8')).toBe(`${BOM}'=1+1,"a,b","say ""hi""",中文,"line\r\nbreak",-12.5,'-Infinity,,true\n`);
  });
});

describe('writeCsv', () => {
  it('writes the bytes of toCsv, with and without a BOM, across many write blocks', async () => {
    const rows: OutCell[][] = [];
    for (let i = 0; i < 60_000; i++) rows.push([`C${i}`, i % 7 === 0 ? '=cmd' : '客户', i / 8, -i, i % 3 ? 'x,y' : null, 1e-7 * i]);
    const header = ['id', '名称', 'value', 'n', 'text', 'tiny'];
    for (const bom of [true, false]) {
      const path = join(dir, `out-${bom}.csv`);
      await writeCsv(path, header, rows, { bom });
      expect(readFileSync(path).equals(Buffer.from(toCsv(header, rows, { bom }), 'utf8'))).toBe(true);
    }
  });
});

describe('writeCsvTable', () => {
  it('writes customers.csv as the rows of scoreTable would be written, in both locales, with master-data classes, intervals and DERT', async () => {
    const file = (f: string) => `examples/sample/${f}`;
    for (const [locale, model] of [['zh-CN', 'paretonbd'], ['en', 'bgnbd']] as const) {
      const profile = resolveProfile({ asOf: '2025-06-30', locale, model });
      const data = await loadDataset({ transactions: [file('orders.csv')], customers: [file('customers.csv')], surveys: [file('surveys.csv')] }, profile);
      const run = scoreCustomers(data.summaries, profile, { customers: data.customers, surveys: data.surveys });
      // Cells that must be quoted or guarded, in the id column and in the master-data classes.
      run.customers[0] = { ...run.customers[0], id: '=HYPERLINK("x")', classes: { ...run.customers[0].classes, region: '北京,"朝阳"' } };
      run.customers[1] = { ...run.customers[1], id: '-1\r\n2' };
      const table = scoreTableRows(run, locale);
      if (model === 'paretonbd') expect(table.columns).toEqual(expect.arrayContaining(['dert', 'clv_low', 'class_region']));
      const path = join(dir, `customers-${locale}.csv`);
      await writeCsvTable(path, table.header, table);
      const rows = scoreTable(run, locale).rows;
      expect(readFileSync(path).equals(Buffer.from(toCsv(table.header, rows), 'utf8'))).toBe(true);
      expect(readFileSync(path, 'utf8')).toContain('"\'=HYPERLINK(""x"")"');
    }
  });
});
