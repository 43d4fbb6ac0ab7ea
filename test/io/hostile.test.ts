/**
 * Hostile input: endless lines, files without a line break (plain, gzip bombs, endless streams),
 * millions of bad lines. Each must finish in bounded time and memory with one clear outcome.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { resolveProfile } from '../../core/config.ts';
import { InputError, readTable } from '../../io/read.ts';
import { main } from '../../cli/cli.ts';

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'pyramid-hostile-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const profile = (extra: Record<string, unknown> = {}) => resolveProfile({ asOf: '2024-12-31', ...extra });

describe('record-length cap', () => {
  it('an endless line in the middle is one reject; the lines around it are read', async () => {
    const p = join(dir, 'mid.csv');
    writeFileSync(p, `customer,date,amount\na,2024-01-01,1\nb,2024-01-02,${'9'.repeat(3_000_000)}\nc,2024-01-03,3\n`);
    const r = await readTable(p, 'transactions', profile({ maxRecordBytes: 1_000_000 }));
    expect(r.counts).toEqual({ read: 3, accepted: 2, rejected: 1 });
    expect(r.rejects).toMatchObject([{ line: 3, reason: 'record-too-long' }]);
    expect(r.rejects[0].value!.length).toBeLessThanOrEqual(81);
  });

  it('a 50 KB gzip expanding to one line without a break fails fast with one short line', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 'x'));
    expect(bomb.length).toBeLessThan(100_000);
    const p = join(dir, 'bomb.csv.gz');
    writeFileSync(p, bomb);
    const t = performance.now();
    const err = await readTable(p, 'transactions', profile()).catch((e) => e);
    expect(performance.now() - t).toBeLessThan(5_000);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/bomb.csv.gz: line 1 runs past 4194304 bytes without a line break/);
    expect(err.message.length).toBeLessThan(300);
  });

  it('an endless stream without a line break fails instead of hanging', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'y');
    const endless = { name: 'endless', stream: (async function* () { for (;;) yield chunk; })() };
    await expect(readTable(endless, 'transactions', profile({ maxRecordBytes: 1 << 20 }))).rejects.toThrow(/line 1 runs past 1048576 bytes/);
  });

  it('the CLI exits 2 with one short line for a file without line breaks (CR-free, LF-free)', async () => {
    const p = join(dir, 'oneline.csv');
    writeFileSync(p, 'customer;date;amount;'.repeat(300_000));
    const err: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
    try {
      expect(await main(['score', p, '--as-of', '2024-12-31', '--max-record-bytes', '100000', '--out', join(dir, 'out1')])).toBe(2);
    } finally { spy.mockRestore(); }
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^pyramid: .*oneline.csv: line 1 runs past 100000 bytes/);
    expect(err[0].length).toBeLessThan(300);
  });
});

describe('bounded rejects', () => {
  it('a gzip of a million bad lines keeps only the examples in memory and streams every reject', async () => {
    const N = 1_000_000;
    const p = join(dir, 'bad.csv.gz');
    writeFileSync(p, gzipSync(Buffer.from('customer,date,amount\n' + ',2024-01-01,1\nx,2024-01-01,"1\n'.repeat(N / 2))));
    let streamed = 0;
    const before = process.memoryUsage().heapUsed;
    const r = await readTable(p, 'transactions', profile({ rejectExamples: 50 }), undefined, () => { streamed++; });
    const grown = process.memoryUsage().heapUsed - before;
    expect(r.counts).toEqual({ read: N, accepted: 0, rejected: N });
    expect(streamed).toBe(N);
    expect(r.rejectReasons).toEqual({ 'missing-customer-id': N / 2, 'bad-quote': N / 2 });
    expect(r.rejects).toHaveLength(50);
    // A Reject object per line would hold well over 100 MB here.
    expect(grown).toBeLessThan(60 * 1024 * 1024);
  });
});

describe('XLSX text is byte-exact', () => {
  it('CJK strings long enough to cross the reader\'s chunk boundaries come back unchanged', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('订单');
    ws.addRow(['买家会员名', '订单付款时间', '买家实际支付金额']);
    const base = '淘宝买家昵称中文字符测试客户张三李四王五赵六钱七孙八周九吴十郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施';
    const names: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const name = `${base.slice(i % 20)}${base.slice(0, i % 17)}${i}`;
      names.push(name);
      ws.addRow([name, '2024-01-02 10:00:00', 1 + (i % 50)]);
    }
    const p = join(dir, 'cjk.xlsx');
    await wb.xlsx.writeFile(p);
    const r = await readTable(p, 'transactions', profile());
    expect(r.counts).toEqual({ read: 4000, accepted: 4000, rejected: 0 });
    expect(r.summaries.map((s) => s.id).sort()).toEqual([...names].sort());
  });
});
