/**
 * The bad-value corpus (test/fixtures/values): each file reproduces one way an export used to be
 * read wrongly without a warning, read here through the whole file path (io/read.ts).
 */
import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { resolveProfile } from '../../core/config.ts';
import { readTable } from '../../io/read.ts';

const dir = resolve(import.meta.dirname, '../fixtures/values');
const profile = (extra: Record<string, unknown> = {}) => resolveProfile({ asOf: '2024-12-31', timeUnit: 'day', ...extra });
const tx = async (name: string, extra: Record<string, unknown> = {}) => {
  const r = await readTable(join(dir, name), 'transactions', profile(extra));
  expect(r.counts.read).toBe(r.counts.accepted + r.counts.rejected);
  return r;
};
const reasons = (r: { rejects: { line: number; reason: string }[] }) => r.rejects.map((x) => [x.line, x.reason]);

describe('bad-value corpus', () => {
  it('non-finite-amounts.csv: 1e309, ±Infinity, 0b/0o/0x and 1e12 are rejected, the good line kept', async () => {
    const r = await tx('non-finite-amounts.csv');
    expect(reasons(r)).toEqual([3, 4, 5, 6, 7, 8, 9].map((l) => [l, 'bad-amount']));
    expect(r.summaries.map((s) => [s.id, s.totalSpend])).toEqual([['a', 10]]);
  });
  it('impossible-dates.csv: years 1000 and 1899 outside the window, 25:99 and Feb 30 bad', async () => {
    const r = await tx('impossible-dates.csv');
    expect(reasons(r)).toEqual([[2, 'date-outside-window'], [3, 'date-outside-window'], [4, 'bad-date'], [5, 'bad-date']]);
    expect(r.summaries[0].transactions).toBe(1);
  });
  it('missing-ids.csv: NA, N/A, #N/A, null, -, (blank) are no customer', async () => {
    const r = await tx('missing-ids.csv');
    expect(r.summaries.map((s) => s.id)).toEqual(['c1']);
    expect(r.rejects.every((x) => x.reason === 'missing-customer-id')).toBe(true);
    expect(r.counts.rejected).toBe(6);
  });
  it('taobao-refunds.csv: refunded and unpaid orders are no sales; the refund-only buyer is not scored', async () => {
    const r = await tx('taobao-refunds.csv');
    expect(r.summaries.map((s) => [s.id, s.totalSpend])).toEqual([['甲', 100]]);
    expect(reasons(r)).toEqual([[3, 'refunded'], [4, 'refunded'], [5, 'unpaid']]);
  });
  it('pos-status-codes.csv: numeric codes are warned about, and the map settles them', async () => {
    const warned = await tx('pos-status-codes.csv');
    expect(warned.warnings.join()).toMatch(/status values not recognised.*--status-map/);
    const mapped = await tx('pos-status-codes.csv', { statuses: { 0: 'unpaid', 1: 'kept', 2: 'cancelled' } });
    expect(reasons(mapped)).toEqual([[3, 'unpaid'], [4, 'cancelled']]);
  });
  it('day-month-undecidable.csv: warns and reads M/D; --date-order DMY reads D/M', async () => {
    const r = await tx('day-month-undecidable.csv');
    expect(r.warnings.join()).toMatch(/day-month-undecidable\.csv: dates could be day-first or month-first; read as M\/D; pass --date-order DMY if wrong/);
    const d = await tx('day-month-undecidable.csv', { dateOrder: 'DMY' });
    expect(d.summaries[0].firstDay).toBe(Date.UTC(2024, 1, 1) / 86400000);
  });
  it('pharmacy-headers.csv: 社保卡号, 购药时间, 销售数量, 实收金额 are recognised', async () => {
    const r = await tx('pharmacy-headers.csv');
    expect(r.detections[0].columns).toMatchObject({ customer: '社保卡号', date: '购药时间', quantity: '销售数量', amount: '实收金额' });
    expect(r.summaries[0]).toMatchObject({ id: 'S1', transactions: 2, totalSpend: 42.5 });
  });
  it('generic-id-row-numbers.csv: a unique id column beside an order column is refused', async () => {
    await expect(tx('generic-id-row-numbers.csv')).rejects.toThrow(/looks like a row id.*--map customer=COLUMN/);
  });
  it('no-known-columns.csv: one error names every missing role', async () => {
    await expect(tx('no-known-columns.csv')).rejects.toThrow(/no customer id column found; headers seen: foo, bar, baz; also missing: order date, amount/);
  });
  it('survey-na-cells.csv: NA cells are missing answers, the responses are kept', async () => {
    const r = await readTable(join(dir, 'survey-na-cells.csv'), 'surveys', profile());
    expect(r.counts).toEqual({ read: 2, accepted: 2, rejected: 0 });
    expect(r.responses).toMatchObject([{ customerId: 'a', nps: 9, willReturn: true }, { customerId: 'b', csat: 4 }]);
  });
});
