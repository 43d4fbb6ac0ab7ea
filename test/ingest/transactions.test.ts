import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/config.ts';
import { createTransactionIngest, ingestTable, ingestCustomers, ingestSurveys, mergeSummaries, InputError } from '../../core/ingest/index.ts';
import type { Cell, RowCounts } from '../../core/types.ts';

const profile = (extra: Record<string, unknown> = {}) => resolveProfile({ asOf: '2024-03-31', timeUnit: 'day', ...extra });
const invariant = (c: RowCounts) => expect(c.read).toBe(c.accepted + c.rejected);
const tx = (rows: Cell[][], extra: Record<string, unknown> = {}) => {
  const r = ingestTable('transactions', rows, profile(extra), 'test.csv');
  invariant(r.counts);
  return r;
};

describe('transaction summaries', () => {
  it('counts one transaction per customer-day and measures recency and T in the time unit', () => {
    const r = tx([
      ['customer', 'date', 'amount'],
      ['a', '2024-01-01', '10'], ['a', '2024-01-01 18:00', '5'], ['a', '2024-01-15', '20'], ['a', '2024-01-29', '30'],
      ['b', '2024-03-01', '7'],
    ], { timeUnit: 'week' });
    expect(r.summaries.map((s) => s.id)).toEqual(['a', 'b']);
    const a = r.summaries[0];
    expect(a).toMatchObject({ transactions: 3, frequency: 2, recency: 4, firstSpend: 15, repeatSpend: 50, meanRepeatSpend: 25, totalSpend: 65, returns: 0, netSpend: 65 });
    expect(a.T).toBeCloseTo((Date.UTC(2024, 2, 31) - Date.UTC(2024, 0, 1)) / 86400000 / 7, 9);
    expect(r.summaries[1]).toMatchObject({ frequency: 0, recency: 0, meanRepeatSpend: 0, totalSpend: 7 });
  });
  it('uses 365.25/12-day months', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '2023-03-31', '1'], ['a', '2024-03-31', '1']], { timeUnit: 'month' });
    expect(r.summaries[0].recency).toBeCloseTo(366 / (365.25 / 12), 5);
  });
  it('lists active retention periods', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '2024-01-05', '1'], ['a', '2024-01-20', '1'], ['a', '2024-03-02', '1']]);
    expect(r.summaries[0].activePeriods).toEqual([648, 650]); // months since 1970-01
  });
  it('nets refunds, credit notes, negative amounts and cancelled statuses without counting purchases', () => {
    const r = tx([
      ['客户ID', '订单编号', '下单时间', '实付金额', '订单状态', '退款金额'],
      ['a', '1', '2024-01-01', '¥100', '交易成功', ''],
      ['a', 'C2', '2024-01-01', '30', '', ''],              // credit note: return
      ['a', '3', '2024-01-10', '-20', '', ''],               // negative: return
      ['a', '4', '2024-01-20', '50', '交易关闭', ''],        // cancelled order: nothing
      ['a', '5', '2024-02-01', '80', 'Refunded', ''],        // cancelled order: nothing
      ['a', '6', '2024-02-02', '60', '交易成功', '10'],      // partial refund
    ]);
    const a = r.summaries[0];
    expect(a).toMatchObject({ transactions: 2, frequency: 1, firstSpend: 100, repeatSpend: 60, totalSpend: 160, returns: 60, netSpend: 100 });
    // Cancelled and refunded orders are listed in rejects with the rule that classified them.
    expect(r.counts).toEqual({ read: 6, accepted: 4, rejected: 2 });
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[5, 'cancelled'], [6, 'refunded']]);
    expect(r.rejects[0].message).toMatch(/rule: contains "关闭"/);
  });
  it('multiplies quantity by unit price when there is no amount column', () => {
    const r = tx([['CustomerID', 'InvoiceDate', 'Quantity', 'UnitPrice'], ['17850.0', '2024-01-01', '6', '2.55'], ['17850', '2024-01-01', '-2', '2.55']]);
    expect(r.summaries).toHaveLength(1);
    expect(r.summaries[0]).toMatchObject({ id: '17850', totalSpend: 15.3, returns: 5.1, netSpend: 10.2 });
  });
  it('rejects every kind of unusable row, with line, column and reason', () => {
    const r = tx([
      ['customer', 'date', 'amount', 'StockCode', 'Description'],
      ['', '2024-01-01', '1', 'X', 'thing'],
      ['a', 'soon', '1', 'X', 'thing'],
      ['a', '', '1', 'X', 'thing'],
      ['a', '2024-01-01', 'lots', 'X', 'thing'],
      ['a', '2024-04-01', '1', 'X', 'thing'],
      ['a', '2024-01-02', '1', 'POST', 'postage'],
      ['a', '2024-01-02', '1', 'Y', 'Bank Charges'],
      ['a', '2024-01-03', '1', 'X', 'thing'],
      ['a', '2024-01-03', '1', 'X', 'thing'],
    ], { dedupe: true });
    expect(r.rejects.map((x) => [x.line, x.column, x.reason])).toEqual([
      [2, 'customer', 'missing-customer-id'], [3, 'date', 'bad-date'], [4, 'date', 'missing-date'], [5, 'amount', 'bad-amount'],
      [6, 'date', 'after-as-of'], [7, 'StockCode', 'excluded'], [8, 'Description', 'excluded'], [10, null, 'duplicate-line'],
    ]);
    expect(r.counts).toEqual({ read: 9, accepted: 1, rejected: 8 });
  });
  it('names the headers seen when there is no customer column', () => {
    expect(() => tx([['when', 'how much'], ['2024-01-01', '1']])).toThrow(InputError);
    expect(() => tx([['when', 'how much'], ['2024-01-01', '1']])).toThrow(/headers seen: when, how much/);
  });
});

describe('day/month order is decided per column', () => {
  it('reads a column as D/M when a value proves it, and reports it', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '03/02/2024', '1'], ['a', '25/02/2024', '1']]);
    expect(r.detections[0].dateOrder).toBe('DMY');
    expect(r.summaries[0].firstDay).toBe(Date.UTC(2024, 1, 3) / 86400000);
  });
  it('defaults to M/D and rejects values impossible in the chosen order', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '03/02/2024', '1'], ['a', '02/25/2024', '1'], ['a', '01/20/2024', '1'], ['a', '25/01/2024', '1']]);
    expect(r.detections[0].dateOrder).toBe('MDY');
    expect(r.summaries[0].firstDay).toBe(Date.UTC(2024, 0, 20) / 86400000);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[5, 'bad-date']]);
    expect(r.warnings.join()).toMatch(/mixes day\/month orders/);
  });
  it('rejects an ambiguous date after the as-of date once its order is known', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '01/04/2024', '1'], ['a', '13/03/2024', '1']]);
    expect(r.detections[0].dateOrder).toBe('DMY'); // so 01/04 is 1 April, after the as-of date (as 4 January it would pass)
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[2, 'after-as-of']]);
    const s = tx([['customer', 'date', 'amount'], ['a', '04/01/2024', '1'], ['a', '3/13/2024', '1']], { asOf: '2024-03-31' });
    expect(s.rejects.map((x) => [x.line, x.reason])).toEqual([[2, 'after-as-of']]);
  });
  it('follows an explicit profile order', () => {
    const r = tx([['customer', 'date', 'amount'], ['a', '03/02/2024', '1']], { dateOrder: 'DMY' });
    expect(r.summaries[0].firstDay).toBe(Date.UTC(2024, 1, 3) / 86400000);
  });
});

describe('calibration and holdout', () => {
  it('summarizes at the calibration end and counts the holdout', () => {
    const r = tx([
      ['customer', 'date', 'amount'],
      ['a', '2024-01-01', '10'], ['a', '2024-01-08', '5'], ['a', '2024-02-10', '7'], ['a', '2024-02-10', '3'], ['a', '2024-03-01', '1'],
      ['b', '2024-02-15', '9'],
    ], { calibrationEnd: '2024-01-31' });
    expect(r.summaries).toHaveLength(1);
    expect(r.summaries[0]).toMatchObject({ id: 'a', frequency: 1, T: 30, recency: 7, totalSpend: 15, holdout: { transactions: 2, spend: 11 } });
    expect(r.warnings.join()).toMatch(/1 customer\(s\) first bought after the calibration end/);
  });
});

// A small deterministic generator (LCG), so the test data is the same on every run.
function lines(n: number, seed = 7): Cell[][] {
  let s = seed;
  // mulberry32: a small, well-mixed 32-bit generator.
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: Cell[][] = [];
  for (let i = 0; i < n; i++) {
    const c = `c${Math.floor(rnd() * 40)}`;
    const day = 1 + Math.floor(rnd() * 28);
    const amt = (Math.floor(rnd() * 10000) / 100 - 10).toFixed(2);
    out.push([c, `2024-02-${String(day).padStart(2, '0')}`, amt]);
  }
  return out;
}

describe('mergeSummaries', () => {
  const header: Cell[] = ['customer', 'date', 'amount'];
  const rows = lines(3000);
  const whole = tx([header, ...rows]).summaries;
  const hash = (id: string) => [...id].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7);
  it.each([1, 2, 3, 7])('sharding by customer into %i shards and merging equals the whole', (k) => {
    const shards = Array.from({ length: k }, (_, j) => rows.filter((r) => hash(String(r[0])) % k === j));
    const parts = shards.map((sh, j) => tx([header, ...(j % 2 ? sh.slice().reverse() : sh)]).summaries);
    expect(mergeSummaries(parts)).toEqual(whole);
  });
  it('does not depend on row order', () => {
    const shuffled = rows.slice().sort((a, b) => String(a[2]).localeCompare(String(b[2])));
    expect(tx([header, ...shuffled]).summaries).toEqual(whole);
  });
  it('refuses shards that share a customer', () => {
    expect(() => mergeSummaries([whole.slice(0, 2), whole.slice(1, 3)])).toThrow(/more than one shard/);
  });
});

describe('several sources feed one accumulator', () => {
  it('combines a customer across files, each with its own columns', () => {
    const ing = createTransactionIngest(profile());
    ing.beginSource('a.csv', ['customer', 'date', 'amount']);
    ing.row(['x', '2024-01-01', '5'], 2);
    ing.beginSource('b.csv', ['金额', '会员ID', '订单日期']);
    ing.row(['7', 'x', '2024-01-05'], 2);
    ing.row(['7', '', '2024-01-05'], 3);
    const r = ing.finish();
    invariant(r.counts);
    expect(r.summaries[0]).toMatchObject({ id: 'x', transactions: 2, totalSpend: 12 });
    expect(r.rejects[0]).toMatchObject({ source: 'b.csv', line: 3, column: '会员ID' });
    expect(r.detections.map((d) => d.columns.customer)).toEqual(['customer', '会员ID']);
  });
});

describe('spreadsheet ranges', () => {
  it('accepts Date objects and numbers as cells', () => {
    const r = tx([['Customer', 'Date', 'Amount'], [17850, new Date(Date.UTC(2024, 0, 1, 2)), 12.5], ['17850.0', 45292, 1]]);
    expect(r.summaries[0]).toMatchObject({ id: '17850', transactions: 1, totalSpend: 13.5 });
  });
});

describe('customers and surveys', () => {
  it('reads master data with numbers, dates and extra columns', () => {
    const r = ingestCustomers([
      ['客户编号', '客户名称', '客户类型', '地区', '应收账款', '注册日期', '备注'],
      ['1', '甲公司', '企业', '上海', '1,200.50', '2023-05-01', 'vip'],
      ['', 'x', '', '', '', '', ''],
      ['2', '乙', '个人', '北京', 'n/a', '', ''],
    ], profile(), 'c.csv');
    invariant(r.counts);
    expect(r.records).toEqual([
      { id: '1', name: '甲公司', type: '企业', region: '上海', receivable: 1200.5, signupDay: Date.UTC(2023, 4, 1) / 86400000, extra: { 备注: 'vip' } },
      { id: '2', name: '乙', type: '个人', region: '北京' }, // `n/a` is a missing value, not a bad number
    ]);
    expect(r.rejects.map((x) => x.reason)).toEqual(['missing-customer-id']);
  });
  it('normalizes survey scales and yes/no answers', () => {
    const r = ingestSurveys([
      ['customer', 'date', 'satisfaction', 'nps', 'will return', 'would recommend'],
      ['a', '2024-01-01', '10', '90', '是', 'no'],
      ['b', '2024-01-02', '1', '0', 'yes', '否'],
      ['c', '2024-01-02', '5', '50', 'maybe', ''],
    ], profile(), 's.csv');
    invariant(r.counts);
    expect(r.responses).toEqual([
      { customerId: 'a', day: Date.UTC(2024, 0, 1) / 86400000, csat: 5, nps: 9, willReturn: true, willRecommend: false },
      { customerId: 'b', day: Date.UTC(2024, 0, 2) / 86400000, csat: 1, nps: 0, willReturn: true, willRecommend: false },
    ]);
    expect(r.rejects.map((x) => x.reason)).toEqual(['bad-answer']);
  });
});

describe('margin', () => {
  it('sums a margin column, or amount − cost, with returns subtracting', () => {
    const r = tx([['customer', 'date', 'amount', 'cost'], ['a', '2024-01-01', '100', '60'], ['a', '2024-01-02', '-50', '-30'], ['b', '2024-01-01', '10', '']]);
    expect(r.summaries.map((s) => [s.id, s.margin])).toEqual([['a', 20], ['b', 10]]);
    const m = tx([['customer', 'date', 'amount', '毛利'], ['a', '2024-01-01', '100', '25'], ['a', '2024-01-01', '5', 'x']]);
    expect(m.summaries[0].margin).toBe(25);
    expect(m.rejects.map((x) => [x.column, x.reason])).toEqual([['毛利', 'bad-amount']]);
  });
  it('leaves margin out when the export has no margin or cost', () => {
    expect(tx([['customer', 'date', 'amount'], ['a', '2024-01-01', '1']]).summaries[0].margin).toBeUndefined();
  });
});
