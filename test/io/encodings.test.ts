/** Encodings decided from the bytes anywhere in the file, and every doubt said with its fix. */
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { resolveProfile } from '../../core/config.ts';
import { detectEncoding } from '../../core/ingest/encoding.ts';
import { readTable } from '../../io/read.ts';
import { openRejectWriter } from '../../io/csv.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const profile = (extra: Record<string, unknown> = {}) => resolveProfile({ asOf: '2024-12-31', ...extra });
const stream = (bytes: Uint8Array, name = 'e.csv') => ({
  name, stream: (async function* () { for (let i = 0; i < bytes.length; i += 16384) yield bytes.subarray(i, i + 16384); })(),
});
const ascii = (n: number) => Buffer.from('customer,date,amount\n' + 'a,2024-01-01,1\n'.repeat(n));

describe('encodings', () => {
  it('GBK lines after the first megabyte of ASCII are read as GB18030', async () => {
    const bytes = Buffer.concat([ascii(80_000), iconv.encode('张三,2024-01-02,2\n李四,2024-01-03,3\n', 'gbk')]);
    expect(bytes.length).toBeGreaterThan(1 << 20);
    const r = await readTable(stream(bytes), 'transactions', profile());
    expect(r.detections[0].encoding).toBe('gb18030');
    expect(r.summaries.map((s) => s.id)).toEqual(['a', '张三', '李四']);
    expect(r.counts).toEqual({ read: 80_002, accepted: 80_002, rejected: 0 });
  });

  it('a UTF-8 file with GBK lines after the first megabyte rejects those lines and says how to fix it', async () => {
    const bytes = Buffer.concat([Buffer.from('customer,date,amount\n王五,2024-01-01,1\n'), ascii(80_000).subarray(21), iconv.encode('张三,2024-01-02,2\n', 'gbk'), Buffer.from('赵六,2024-01-04,4\n')]);
    const r = await readTable(stream(bytes), 'transactions', profile());
    expect(r.detections[0].encoding).toBe('utf-8');
    expect(r.rejects).toMatchObject([{ line: 80_003, reason: 'bad-encoding' }]);
    expect(r.summaries.map((s) => s.id)).toEqual(['a', '王五', '赵六']);
    expect(r.detections[0].warnings?.join()).toMatch(/1 line\(s\) hold bytes that are not utf-8.*--encoding gb18030/);
  });

  it('Latin-1 text after GBK text is noticed (M黮ler) with the fix', async () => {
    const gbk = iconv.encode('customer,date,amount\n' + '张三,2024-01-01,1\n'.repeat(5000), 'gbk');
    const latin = iconv.encode('Müller,2024-01-02,2\nÅngström,2024-01-03,3\nJürgen,2024-01-04,4\nBörje,2024-01-05,5\n', 'latin1');
    const r = await readTable(stream(Buffer.concat([gbk, ...Array(300).fill(latin)])), 'transactions', profile());
    expect(r.detections[0].encoding).toBe('gb18030');
    expect(r.summaries.map((s) => s.id)).toContain('M黮ler');
    expect(r.detections[0].warnings?.join()).toMatch(/Müller → M黮ler.*--encoding latin1, cp1252/);
  });

  it('latin1 and cp1252 decode exactly as named; gbk is an alias of gb18030', async () => {
    const bytes = Buffer.from([...Buffer.from('customer,date,amount\nM'), 0xfc, ...Buffer.from('ller'), 0x80, ...Buffer.from(',2024-01-01,1\n')]);
    const l = await readTable(stream(bytes), 'transactions', profile({ encoding: 'latin1' }));
    expect(l.summaries[0].id).toBe('Müller\u0080');
    const c = await readTable(stream(bytes), 'transactions', profile({ encoding: 'cp1252' }));
    expect(c.summaries[0].id).toBe('Müller€');
    const a = await readTable(stream(bytes), 'transactions', profile());
    expect(a.summaries[0].id).toBe('Müller€');
    expect(a.detections[0]).toMatchObject({ encoding: 'cp1252', warnings: [expect.stringMatching(/read as cp1252/)] });
    expect(profile({ encoding: 'gbk' }).encoding).toBe('gb18030');
    expect(() => profile({ encoding: 'ebcdic' })).toThrow(/encoding: expected one of/);
  });

  it('detection: mostly-UTF-8 stays UTF-8; GBK pairs in GB2312 → GB18030; Latin-1 → cp1252', () => {
    const u = Buffer.concat([Buffer.from('张三李四王五'), iconv.encode('赵六', 'gbk')]);
    expect(detectEncoding(u).encoding).toBe('utf-8');
    expect(detectEncoding(iconv.encode('客户编号,订单日期,张三', 'gbk')).encoding).toBe('gb18030');
    expect(detectEncoding(iconv.encode('Müller, José, Ångström', 'latin1')).encoding).toBe('cp1252');
  });
});

describe('reject writer', () => {
  it('stops writing at its byte bound and counts the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyramid-rw-'));
    try {
      const w = openRejectWriter(join(dir, 'r.csv'), { maxBytes: 10_000 });
      for (let i = 0; i < 5000; i++) w.write({ source: 's', line: i, column: null, reason: 'bad-date', message: 'Not a date', value: 'x' });
      w.close();
      const size = readFileSync(join(dir, 'r.csv')).length;
      expect(size).toBeLessThan(10_000 + 1000 * 40);
      expect(w.dropped).toBeGreaterThan(3000);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
