import { describe, expect, it } from 'vitest';
import { parseDateCell, resolveDateCode, civilToDay, dayToIso, parseIsoDay, isAmbiguousCode, periodIndex } from '../../core/dates.ts';
import { parseAmount, normalizeId } from '../../core/amounts.ts';
import { detectEncoding } from '../../core/ingest/encoding.ts';
import { planColumns, looksLikeHeader } from '../../core/ingest/columns.ts';
import { resolveProfile } from '../../core/config.ts';

const TZ = 'Asia/Shanghai';
const iso = (cell: unknown, tz = TZ, order: 'MDY' | 'DMY' = 'MDY') => {
  const c = parseDateCell(cell, tz);
  return Number.isNaN(c) ? 'NaN' : dayToIso(resolveDateCode(c, order));
};

describe('dates', () => {
  it('round-trips civil days', () => {
    for (const d of ['1970-01-01', '1997-01-01', '2000-02-29', '2024-12-31', '1899-12-30']) expect(dayToIso(parseIsoDay(d))).toBe(d);
    expect(civilToDay(1970, 1, 1)).toBe(0);
    expect(civilToDay(1997, 9, 30) - civilToDay(1997, 1, 1)).toBe(272);
    expect(parseIsoDay('2023-02-29')).toBeNaN();
  });
  it('reads ISO with and without time, milliseconds and offsets', () => {
    expect(iso('2018-01-01')).toBe('2018-01-01');
    expect(iso('2018-01-01 23:59:59')).toBe('2018-01-01');
    expect(iso('2018-01-01T10:11:12.345')).toBe('2018-01-01');
    // 20:00 UTC is 04:00 next day in Shanghai, still the same day in New York.
    expect(iso('2018-01-01T20:00:00Z')).toBe('2018-01-02');
    expect(iso('2018-01-01T20:00:00.000Z', 'America/New_York')).toBe('2018-01-01');
    expect(iso('2018-01-02T01:00:00+08:00', 'UTC')).toBe('2018-01-01');
    expect(iso('2018-07-01T03:00:00Z', 'America/New_York')).toBe('2018-06-30'); // daylight time, UTC−4
  });
  it('reads YYYY/M/D H:mm, YYYYMMDD, Chinese dates and a trailing weekday', () => {
    expect(iso('2018/1/5 9:07')).toBe('2018-01-05');
    expect(iso('19970101')).toBe('1997-01-01');
    expect(iso(19970101)).toBe('1997-01-01');
    expect(iso('2018年3月8日')).toBe('2018-03-08');
    expect(iso('2018-01-01 星期五')).toBe('2018-01-01');
    expect(iso('2018-01-05 Fri')).toBe('2018-01-05');
  });
  it('reads Excel serials as numbers and as text', () => {
    expect(iso(43101)).toBe('2018-01-01');
    expect(iso('43101.75')).toBe('2018-01-01');
  });
  it('keeps a/b/yyyy ambiguous until the column decides', () => {
    const c = parseDateCell('3/4/2018', TZ);
    expect(isAmbiguousCode(c)).toBe(true);
    expect(dayToIso(resolveDateCode(c, 'MDY'))).toBe('2018-03-04');
    expect(dayToIso(resolveDateCode(c, 'DMY'))).toBe('2018-04-03');
    expect(iso('1/2/97')).toBe('1997-01-02');
    expect(iso('1/2/05')).toBe('2005-01-02');
    expect(resolveDateCode(parseDateCell('13/4/2018', TZ), 'MDY')).toBeNaN();
  });
  it('rejects non-dates', () => {
    for (const v of ['', 'abc', '2018-13-01', '2018-02-30', '12345', null, true]) expect(iso(v)).toBe('NaN');
  });
  it('numbers retention periods', () => {
    expect(periodIndex(parseIsoDay('1970-01-31'), 'month')).toBe(0);
    expect(periodIndex(parseIsoDay('1971-02-01'), 'month')).toBe(13);
    expect(periodIndex(parseIsoDay('1971-04-01'), 'quarter')).toBe(5);
    expect(periodIndex(parseIsoDay('1970-01-04'), 'week')).toBe(0); // Sunday
    expect(periodIndex(parseIsoDay('1970-01-05'), 'week')).toBe(1); // Monday starts a week
  });
});

describe('amounts and ids', () => {
  it.each([
    ['12', 12], ['-3.5', -3.5], ['¥1,234.50', 1234.5], ['￥88', 88], ['$ 1,000,000', 1e6], ['£3.20', 3.2], ['€12,50', 12.5],
    ['RMB 99', 99], ['12元', 12], ['1.234,50', 1234.5], ['1.234.567', 1234567], ['(12.00)', -12], ['12.00-', -12],
    ['1,5', 1.5], ['1,234', 1234], ['+7', 7], [42, 42],
  ])('%s → %s', (s, v) => expect(parseAmount(s)).toBe(v));
  it.each(['', 'abc', '1.2.3,4,5x', '--', null, '0x10', '12 34 a'])('%s is not an amount', (s) => expect(parseAmount(s)).toBeNaN());
  it('normalizes ids', () => {
    expect(normalizeId(' 17850.0 ')).toBe('17850');
    expect(normalizeId(17850)).toBe('17850');
    expect(normalizeId('00042')).toBe('00042');
    expect(normalizeId('A-17.5')).toBe('A-17.5');
    expect(normalizeId('')).toBe('');
  });
});

describe('encoding detection', () => {
  const enc = (b: number[]) => detectEncoding(Uint8Array.from(b));
  it('uses byte-order marks, UTF-8 validity, else GB18030', () => {
    expect(enc([0xef, 0xbb, 0xbf, 0x61])).toEqual({ encoding: 'utf-8', bom: 3 });
    expect(enc([0xff, 0xfe, 0x61, 0])).toEqual({ encoding: 'utf-16le', bom: 2 });
    expect(enc([0xfe, 0xff, 0, 0x61])).toEqual({ encoding: 'utf-16be', bom: 2 });
    expect(enc([...new TextEncoder().encode('客户ID,金额')])).toEqual({ encoding: 'utf-8', bom: 0 });
    expect(enc([0xbf, 0xcd, 0xbb, 0xa7])).toEqual({ encoding: 'gb18030', bom: 0 }); // 客户 in GBK
    expect(enc([0x61, 0xe5, 0xae])).toEqual({ encoding: 'utf-8', bom: 0 }); // cut-off sequence at the end
  });
});

describe('column detection', () => {
  it('finds English and Chinese roles', () => {
    const p = planColumns('transactions', [' 买家会员名 ', '订单付款时间', '买家实际支付金额', '订单状态', '退款金额', '订单编号'], {});
    expect(p.index).toMatchObject({ customer: 0, date: 1, amount: 2, status: 3, refund: 4, orderId: 5 });
    const q = planColumns('transactions', ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'], {});
    expect(q.index).toMatchObject({ orderId: 0, productCode: 1, description: 2, quantity: 3, date: 4, unitPrice: 5, customer: 6 });
    expect(q.index.amount).toBeUndefined();
  });
  it('lets the map override and name columns of headerless files', () => {
    expect(planColumns('transactions', ['a', 'b', 'amount'], { customer: 'b', date: 1 }).index).toMatchObject({ customer: 1, date: 0, amount: 2 });
    expect(planColumns('transactions', null, { customer: 2, date: 3 }).names).toEqual({ customer: '#2', date: '#3' });
    expect(() => planColumns('transactions', ['x'], { customer: 'nope' })).toThrow(/not among the headers seen: x/);
  });
  it('tells header rows from data rows', () => {
    expect(looksLikeHeader('transactions', ['客户ID', '日期', '金额'])).toBe(true);
    expect(looksLikeHeader('transactions', ['00004', '0001', '19970101', '2', '29.33'])).toBe(false);
    expect(looksLikeHeader('transactions', ['a', 1])).toBe(false);
  });
});

describe('resolveProfile', () => {
  it('fills defaults', () => {
    const p = resolveProfile({ asOf: '2024-01-31' });
    expect(p.timeUnit).toBe('week');
    expect(p.exclusions.codes).toContain('POST');
  });
  it('lists every bad field in one message', () => {
    let msg = '';
    try { resolveProfile({ asOf: '2024-13-01', timeUnit: 'year', margin: 2, columns: { customr: 'x' }, bogus: 1, timeZone: 'Mars/Base' }); } catch (e) { msg = (e as Error).message; }
    for (const f of ['asOf', 'timeUnit', 'margin', 'columns.customr', 'bogus', 'timeZone']) expect(msg).toContain(f);
  });
});
