import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { resolveProfile } from '../../core/config.ts';
import type { RowCounts } from '../../core/types.ts';
import { readTable, loadDataset, sniffDelimiter, InputError } from '../../io/read.ts';
import { toCsv, writeCsv, writeRejects } from '../../io/csv.ts';

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'pyramid-io-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const profile = (extra: Record<string, unknown> = {}) => resolveProfile({ asOf: '2024-03-31', timeUnit: 'day', ...extra });
const invariant = (c: RowCounts) => expect(c.read).toBe(c.accepted + c.rejected);
const file = (name: string, content: string | Uint8Array) => { const p = join(dir, name); writeFileSync(p, content); return p; };

// The same three customers in every format: a 2 days / 30.5, b 1 day / 1234.5, one row without a customer.
const EXPECT = [{ id: 'a', transactions: 2, totalSpend: 30.5 }, { id: 'b', transactions: 1, totalSpend: 1234.5 }];
async function check(path: string, extra: Record<string, unknown> = {}, rejectLine = 5) {
  const r = await readTable(path, 'transactions', profile(extra));
  invariant(r.counts);
  expect(r.counts).toEqual({ read: 4, accepted: 3, rejected: 1 });
  expect(r.summaries).toMatchObject(EXPECT);
  expect(r.rejects[0]).toMatchObject({ line: rejectLine, reason: 'missing-customer-id' });
  return r.detections[0];
}
const rows = [['customer', 'date', 'amount'], ['a', '2024-01-01', '10.5'], ['a', '2024-01-03', '20'], ['b', '2024-01-02', '1234.5'], ['', '2024-01-02', '1']];
const text = (d: string, q = false) => rows.map((r) => r.map((c) => (q ? `"${c}"` : c)).join(d)).join('\r\n') + '\r\n';

describe('delimited text', () => {
  it.each([[',', ','], [';', ';'], ['\t', 'tab'], ['|', '|']])('delimiter %j', async (d, shown) => {
    const det = await check(file(`d${rows.length}${shown}.txt`, text(d, true)));
    expect(det).toMatchObject({ delimiter: shown, format: 'delimited', encoding: 'utf-8', columns: { customer: 'customer', date: 'date', amount: 'amount' } });
  });
  it('semicolon file with decimal commas and thousands dots', async () => {
    const p = file('eu.csv', 'Kunde;Datum;Betrag\r\n'.replace('Kunde', 'customer').replace('Datum', 'date').replace('Betrag', 'amount')
      + 'a;2024-01-01;10,50\r\na;2024-01-03;20,00\r\nb;2024-01-02;1.234,50\r\n;2024-01-02;1,00\r\n');
    expect((await check(p)).delimiter).toBe(';');
  });
  it('quoted fields with delimiters and newlines inside', async () => {
    const p = file('quoted.csv', 'customer,date,amount,note\n"a","2024-01-01","10.5","x, y"\na,2024-01-03,20,"two\nlines"\nb,2024-01-02,"1,234.5",\n,2024-01-02,1,\n');
    const r = await readTable(p, 'transactions', profile());
    invariant(r.counts);
    expect(r.summaries).toMatchObject(EXPECT);
  });
  it('whitespace-aligned text', async () => {
    const p = file('ws.txt', rows.map((r) => r.map((c) => (c || '').padEnd(12)).join(' ')).join('\n').replace(/\n {12}/, '\n-').replace('-', ''));
    // The row without a customer can't be expressed in whitespace text; use a headerless CDNOW-like file instead.
    const q = file('cd.txt', ' 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n 00018 0002 19970101  1   11.77\r\n');
    const r = await readTable(q, 'transactions', profile({ asOf: '1997-09-30', columns: { customer: 1, date: 3, amount: 5 } }));
    invariant(r.counts);
    expect(r.detections[0]).toMatchObject({ format: 'whitespace', columns: { customer: '#1', date: '#3', amount: '#5' }, headers: [] });
    expect(r.summaries).toMatchObject([{ id: '00004', frequency: 1, totalSpend: 59.06 }, { id: '00018', frequency: 0 }]);
    const w = await readTable(p, 'transactions', profile());
    invariant(w.counts);
    expect(w.detections[0].format).toBe('whitespace');
  });
  it('guesses delimiters from the first lines', () => {
    expect(sniffDelimiter('a;b;c\n1;2,5;3\n')).toBe(';');
    expect(sniffDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(sniffDelimiter('a b  c\n1 2  3\n')).toBe('whitespace');
    expect(sniffDelimiter('a,b\n"1,5",2\n')).toBe(',');
  });
  it('a map for a headerless comma file', async () => {
    const p = file('nohead.csv', 'x,2024-01-01,5\ny,2024-01-02,6\n');
    const r = await readTable(p, 'transactions', profile({ header: false, columns: { customer: 1, date: 2, amount: 3 } }));
    invariant(r.counts);
    expect(r.summaries.map((s) => s.id)).toEqual(['x', 'y']);
  });
});

describe('encodings', () => {
  it('UTF-8 with BOM', async () => {
    expect((await check(file('bom.csv', '\uFEFF' + text(',')))).encoding).toBe('utf-8');
  });
  it('UTF-16 LE with BOM', async () => {
    expect((await check(file('u16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text('\t'), 'utf16le')])))).encoding).toBe('utf-16le');
  });
  it('GBK-encoded CSV with Chinese headers', async () => {
    const csv = '客户编号,订单日期,实付金额,订单状态\r\n张三,2024/1/1 9:30,￥10.50,交易成功\r\n张三,2024/1/3 10:00,20元,交易成功\r\n李四,2024/1/2 8:00,"￥1,234.50",交易成功\r\n,2024/1/2 8:00,1,交易成功\r\n张三,2024/1/4 8:00,99,交易关闭\r\n';
    const p = file('gbk.csv', iconv.encode(csv, 'gbk'));
    expect(readFileSync(p).includes(Buffer.from('客户', 'utf8'))).toBe(false); // really not UTF-8
    const r = await readTable(p, 'transactions', profile());
    invariant(r.counts);
    expect(r.detections[0]).toMatchObject({ encoding: 'gb18030', columns: { customer: '客户编号', date: '订单日期', amount: '实付金额', status: '订单状态' } });
    expect(r.summaries).toMatchObject([{ id: '张三', transactions: 2, totalSpend: 30.5 }, { id: '李四', totalSpend: 1234.5 }]);
  });
  it('an encoding given in the profile wins', async () => {
    const p = file('latin.csv', iconv.encode('customer,date,amount\r\nJosé,2024-01-01,1\r\n', 'gbk'));
    const r = await readTable(p, 'transactions', profile({ encoding: 'utf-8' }));
    expect(r.detections[0].encoding).toBe('utf-8');
  });
});

describe('containers', () => {
  it('gzip', async () => {
    expect((await check(file('t.csv.gz', gzipSync(text(','))))).format).toBe('gzip+delimited');
  });
  it('JSONL', async () => {
    const objs = rows.slice(1).map((r) => JSON.stringify({ customer: r[0], date: r[1], amount: Number(r[2]) }));
    expect((await check(file('t.jsonl', objs.join('\n') + '\n'), {}, 4)).format).toBe('jsonl'); // no header line in JSONL
  });
  it('XLSX: first sheet, or a named sheet; real dates and numbers', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('notes').addRow(['nothing here']);
    const ws = wb.addWorksheet('订单');
    ws.addRow(['customer', 'date', 'amount']);
    ws.addRow(['a', new Date(Date.UTC(2024, 0, 1, 23, 0)), 10.5]);
    ws.addRow(['a', '2024-01-03', 20]);
    ws.addRow([17850, new Date(Date.UTC(2024, 0, 2)), { formula: 'A1', result: 1234.5 }]);
    ws.addRow([null, new Date(Date.UTC(2024, 0, 2)), 1]);
    const p = join(dir, 't.xlsx');
    await wb.xlsx.writeFile(p);
    const r = await readTable(p, 'transactions', profile({ sheet: '订单' }));
    invariant(r.counts);
    expect(r.detections[0].format).toBe('xlsx:订单');
    expect(r.summaries).toMatchObject([{ id: '17850', totalSpend: 1234.5 }, { id: 'a', transactions: 2, firstDay: Date.UTC(2024, 0, 1) / 864e5 }]);
    await expect(readTable(p, 'transactions', profile())).rejects.toThrow(/no customer id column.*nothing here/);
    await expect(readTable(p, 'transactions', profile({ sheet: 'nope' }))).rejects.toThrow(/no sheet named "nope"/);
  });
  it('a named byte stream (as from S3) and progress in bytes', async () => {
    const p = file('s.csv', text(','));
    const seen: number[] = [];
    const r = await readTable({ name: 'uploads/s.csv', stream: createReadStream(p) }, 'transactions', profile(), (b) => seen.push(b));
    invariant(r.counts);
    expect(r.rejects[0].source).toBe('uploads/s.csv');
    expect(seen.at(-1)).toBe(readFileSync(p).length);
  });
});

describe('unusable input', () => {
  it.each([
    ['missing file', () => join(dir, 'absent.csv'), /cannot be read/],
    ['empty file', () => file('empty.csv', ''), /no rows/],
    ['no customer column', () => file('nocust.csv', 'when,amount\n2024-01-01,1\n'), /no customer id column found; headers seen: when, amount/],
    ['binary file', () => file('bin.dat', Buffer.from([0, 1, 2, 3, 0, 0, 7, 8])), /binary/],
    ['bad first JSONL line', () => file('bad.jsonl', '{oops\n{"customer":"a","date":"2024-01-01","amount":1}\n'), /bad.jsonl: line 1 is not a JSON object/],
    ['corrupt gzip', () => file('bad.gz', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3])), /unreadable/],
  ])('%s → InputError', async (_n, make, msg) => {
    const err = await readTable(make(), 'transactions', profile()).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(msg);
    expect(err.message).not.toContain('\n');
  });
});

describe('datasets and output', () => {
  it('loads transactions from several files with customers and surveys', async () => {
    const a = file('m1.csv', 'customer,date,amount\nx,2024-01-01,5\n');
    const b = file('m2.csv', '会员ID,下单时间,金额\nx,2024-01-05,7\ny,2099-01-01,1\n');
    const c = file('cust.csv', 'customer id,name,region\nx,X Co,上海\n');
    const s = file('survey.csv', 'customer,date,csat,nps\nx,2024-02-01,4,9\n');
    const d = await loadDataset({ transactions: [a, b], customers: [c], surveys: [s] }, profile());
    invariant(d.counts.transactions);
    expect(d.counts).toEqual({ transactions: { read: 3, accepted: 2, rejected: 1 }, customers: { read: 1, accepted: 1, rejected: 0 }, surveys: { read: 1, accepted: 1, rejected: 0 } });
    expect(d.summaries).toMatchObject([{ id: 'x', transactions: 2, totalSpend: 12 }]);
    expect(d.customers).toMatchObject([{ id: 'x', name: 'X Co', region: '上海' }]);
    expect(d.surveys).toMatchObject([{ customerId: 'x', csat: 4, nps: 9 }]);
    expect(d.rejects).toMatchObject([{ source: 'm2.csv', line: 3, reason: 'after-as-of' }]);
    expect(d.detections.map((x) => x.kind)).toEqual(['transactions', 'transactions', 'customers', 'surveys']);
  });
  it('writes CSV that reads back', async () => {
    expect(toCsv(['a', 'b'], [['x,y', 1], ['"q"', null]])).toBe('\uFEFFa,b\n"x,y",1\n"""q""",\n');
    const p = join(dir, 'out', 'r.csv');
    await writeRejects(p, [{ source: 's', line: 3, column: 'c', reason: 'bad-date', message: 'Not a date', value: 'x,1' }]);
    expect(readFileSync(p, 'utf8')).toBe('\uFEFFsource,line,column,reason,message,value\ns,3,c,bad-date,Not a date,"x,1"\n');
    const q = join(dir, 'out', 'big.csv');
    await writeCsv(q, ['i'], (function* () { for (let i = 0; i < 25_000; i++) yield [i]; })());
    const lines = readFileSync(q, 'utf8').trimEnd().split('\n');
    expect(lines.length).toBe(25_001);
    expect(lines[25_000]).toBe('24999');
  });
});
