/**
 * Strict values: amounts, dates and ids that used to be accepted wrongly, each with the reason
 * it is rejected now.
 */
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/config.ts';
import { amountProblem, normalizeId, parseAmount } from '../../core/amounts.ts';
import { dayToIso, parseDateCell, resolveDateCode } from '../../core/dates.ts';
import { ingestTable } from '../../core/ingest/index.ts';
import type { Cell, RowCounts } from '../../core/types.ts';

const profile = (extra: Record<string, unknown> = {}) => resolveProfile({ asOf: '2024-03-31', timeUnit: 'day', ...extra });
const invariant = (c: RowCounts) => expect(c.read).toBe(c.accepted + c.rejected);
const tx = (rows: Cell[][], extra: Record<string, unknown> = {}) => {
  const r = ingestTable('transactions', rows, profile(extra), 't.csv');
  invariant(r.counts);
  return r;
};

describe('amounts are finite decimals only', () => {
  it.each([
    ['1e309', /not a finite number/], ['Infinity', /not a finite number/], ['-Infinity', /not a finite number/], ['NaN', /no value/],
    ['0b101', /hexadecimal, binary and octal/], ['0o17', /hexadecimal, binary and octal/], ['0x10', /hexadecimal, binary and octal/],
    ['1e12', /not a plausible amount/], ['-2000000000000', /not a plausible amount/], ['¥9,999,999,999,999.00', /not a plausible amount/],
  ])('%s is rejected: %s', (cell, why) => {
    expect(parseAmount(cell)).toBeNaN();
    expect(amountProblem(cell)).toMatch(why);
  });
  it('rejects non-finite and absurd numbers given as numbers (spreadsheet cells)', () => {
    for (const n of [Infinity, -Infinity, NaN, 1e12, -5e15]) expect(parseAmount(n)).toBeNaN();
    expect(parseAmount(999_999_999_999.99)).toBe(999_999_999_999.99);
  });
  it.each([
    ['¥1,234.50', 1234.5], ['1.234,50', 1234.5], ['(12.00)', -12], ['RMB 12', 12], ['12元', 12], ['1.5E+3', 1500], ['-0.25', -0.25],
  ])('keeps the locale forms: %s → %s', (cell, v) => {
    expect(parseAmount(cell)).toBe(v);
    expect(amountProblem(cell)).toBeUndefined();
  });
  it('names the reason in the rejects file, and one bad line zeroes nothing else', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '2024-01-01', '10'], ['a', '2024-01-02', 'Infinity'], ['b', '2024-01-03', '-Infinity'], ['c', '2024-01-04', '0x10']]);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[3, 'bad-amount'], [4, 'bad-amount'], [5, 'bad-amount']]);
    expect(r.rejects[0].message).toBe('Not an amount: not a finite number');
    expect(r.summaries).toMatchObject([{ id: 'a', totalSpend: 10 }]);
  });
  it('rejects a quantity × unit price beyond the bound', () => {
    const r = tx([['customer', 'date', 'quantity', 'unitprice'], ['a', '2024-01-01', '1e6', '1e7'], ['a', '2024-01-01', '2', '3']]);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[2, 'bad-amount']]);
    expect(r.summaries[0].totalSpend).toBe(6);
  });
});

describe('dates are real calendar dates and times inside the window', () => {
  const TZ = 'Asia/Shanghai';
  it('rejects impossible times and days', () => {
    for (const v of ['2024-01-01 25:99', '2024-01-01 24:00', '2024-01-01T23:60:00', '2024-02-30', '2023-02-29 10:00', '1/2/2024 25:00', '1/2/2024 13:30 PM']) {
      expect(parseDateCell(v, TZ), v).toBeNaN();
    }
    expect(dayToIso(parseDateCell('2024-01-01 23:59:59', TZ))).toBe('2024-01-01');
    expect(dayToIso(resolveDateCode(parseDateCell('1/2/2024 12:30 PM', TZ), 'MDY'))).toBe('2024-01-02');
  });
  it('rejects years 1000 and 1899 as outside the window, with the reason', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '1000-01-01', '1'], ['a', '1899-05-01', '1'], ['a', '1990-01-01', '1'], ['a', '2024-01-01', '1']]);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[2, 'date-outside-window'], [3, 'date-outside-window']]);
    expect(r.rejects[0].message).toMatch(/^date outside window: 1000-01-01 is before 1990-01-01/);
    expect(r.summaries[0].transactions).toBe(2);
  });
  it('moves the window with the profile (dateWindow, --date-from)', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '1985-06-01', '1'], ['a', '2024-01-01', '1'], ['a', '2024-03-01', '1']], { dateWindow: { from: '1980-01-01', to: '2024-02-01' } });
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[4, 'date-outside-window']]);
    expect(r.rejects[0].message).toMatch(/after 2024-02-01/);
  });
  it('applies the window to ambiguous a/b/yyyy dates once their order is known', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '13/1/1899', '1'], ['a', '14/2/2024', '1']]);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[2, 'date-outside-window']]);
  });
  it('reads Excel serials and Unix epoch seconds and milliseconds in numeric columns, and reports which', () => {
    const jan1 = Date.UTC(2024, 0, 1) / 1000; // 2024-01-01 00:00 UTC = 08:00 in Shanghai
    const r = tx([['customer', 'date', 'amount'], ['a', 45292, '1'], ['b', jan1, '1'], ['c', String(jan1 * 1000), '1'], ['d', '20240101', '1'], ['d', '20240101', '2']]);
    expect(r.summaries.map((s) => dayToIso(s.firstDay))).toEqual(['2024-01-01', '2024-01-01', '2024-01-01', '2024-01-01']);
    expect(r.detections[0].dateNumbers).toEqual({ 'excel-serial': 1, 'epoch-seconds': 1, 'epoch-milliseconds': 1, yyyymmdd: 2 });
    expect(r.warnings.join()).toMatch(/t\.csv: the date column mixes styles/);
  });
});

describe('day/month order', () => {
  const rows: Cell[][] = [['customer', 'date', 'amount'], ['a', '01/02/2024', '1'], ['a', '03/04/2024', '1']];
  it('warns when no value settles it, and reads M/D', () => {
    const r = tx(rows);
    expect(r.warnings).toContain('t.csv: dates could be day-first or month-first; read as M/D; pass --date-order DMY if wrong');
    expect(r.detections[0]).toMatchObject({ dateOrder: 'MDY', dateOrderBy: 'default' });
    expect(r.summaries[0].firstDay).toBe(Date.UTC(2024, 0, 2) / 86400000);
  });
  it('follows the profile dateOrder without a warning', () => {
    const r = tx(rows, { dateOrder: 'DMY' });
    expect(r.warnings.join()).not.toMatch(/day-first/);
    expect(r.detections[0]).toMatchObject({ dateOrder: 'DMY', dateOrderBy: 'profile' });
    expect(r.summaries[0].firstDay).toBe(Date.UTC(2024, 1, 1) / 86400000);
  });
  it('does not warn when a day above 12 proves the order', () => {
    const r = tx([...rows, ['a', '25/03/2024', '1']]);
    expect(r.warnings.join()).not.toMatch(/day-first/);
    expect(r.detections[0]).toMatchObject({ dateOrder: 'DMY', dateOrderBy: 'data' });
  });
  it('warns for survey and master-data dates too', () => {
    const s = ingestTable('surveys', [['customer', 'date', 'csat'], ['a', '01/02/2024', '4']], profile(), 's.csv');
    expect(s.warnings.join()).toMatch(/s\.csv: dates could be day-first or month-first/);
  });
});

describe('ids: trimmed, NFKC, missing-value tokens are missing', () => {
  const tokens = ['NA', 'N/A', '#N/A', 'null', 'NULL', 'None', 'nan', '-', '--', '(blank)', '(空白)', '无', '空', '', '  ', ' na '];
  it.each(tokens)('%j is no id', (t) => expect(normalizeId(t)).toBe(''));
  it('normalizes full-width forms and trims', () => {
    expect(normalizeId('ＡＢ１２３')).toBe('AB123');
    expect(normalizeId('\u3000c42 ')).toBe('c42');
    expect(normalizeId('17850.0')).toBe('17850');
    expect(normalizeId('Nana')).toBe('Nana');
  });
  it('rejects NA ids in transactions instead of making one giant customer', () => {
    const rows: Cell[][] = [['customer', 'date', 'amount'], ...tokens.map((t): Cell[] => [t, '2024-01-01', '100']), ['x', '2024-01-01', '1']];
    const r = tx(rows);
    expect(r.summaries.map((s) => s.id)).toEqual(['x']);
    expect(new Set(r.rejects.map((x) => x.reason))).toEqual(new Set(['missing-customer-id']));
  });
  it('treats the tokens as missing ids in customers and surveys too', () => {
    const c = ingestTable('customers', [['customer', 'name'], ['#N/A', 'x'], ['1', 'y']], profile(), 'c.csv');
    expect(c.records.map((x) => x.id)).toEqual(['1']);
    expect(c.rejects.map((x) => x.reason)).toEqual(['missing-customer-id']);
    const s = ingestTable('surveys', [['customer', 'csat'], ['null', '4'], ['1', '5']], profile(), 's.csv');
    expect(s.responses.map((x) => x.customerId)).toEqual(['1']);
    expect(s.rejects.map((x) => x.reason)).toEqual(['missing-customer-id']);
  });
});

describe('surveys keep the valid answers beside a missing one', () => {
  it('an NA cell is a missing answer, not a rejected response', () => {
    const r = ingestTable('surveys', [
      ['customer', 'date', 'csat', 'nps', 'will return'],
      ['a', '2024-01-01', 'NA', '9', 'yes'],
      ['b', '2024-01-01', '4', 'N/A', '-'],
    ], profile(), 's.csv');
    invariant(r.counts);
    expect(r.counts).toEqual({ read: 2, accepted: 2, rejected: 0 });
    expect(r.responses).toEqual([
      { customerId: 'a', day: Date.UTC(2024, 0, 1) / 86400000, nps: 9, willReturn: true },
      { customerId: 'b', day: Date.UTC(2024, 0, 1) / 86400000, csat: 4 },
    ]);
  });
});

describe('nested values', () => {
  it('a JSON object or array is no id and no amount (it would print as [object Object] and merge customers)', () => {
    expect(normalizeId({ id: 1 })).toBe('');
    expect(normalizeId([1, 2])).toBe('');
    expect(parseAmount({ v: 1 })).toBeNaN();
    expect(amountProblem({ v: 1 })).toBe('a nested value, not an amount');
  });
});

describe('numbers in a text date column', () => {
  it('are read but named in a warning', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '2024-01-01', '1'], ['a', '2024-01-02', '1'], ['b', 45300, '1']]);
    expect(r.counts.accepted).toBe(3);
    expect(r.warnings).toContain('t.csv: the date column mixes styles (2 text dates, 1 excel-serial); check that the numbers are dates');
  });
  it('a purely numeric column gives no warning', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', 45292, '1'], ['b', 45300, '1']]);
    expect(r.warnings).toEqual([]);
    expect(r.detections[0].dateNumbers).toEqual({ 'excel-serial': 2 });
  });
});
