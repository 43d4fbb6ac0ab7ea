/** Order status semantics: keyword rules, the profile map, per-value counts and warnings. */
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/config.ts';
import { classifyStatus, statusMap, StatusTally } from '../../core/ingest/statuses.ts';
import { ingestTable } from '../../core/ingest/index.ts';
import type { Cell } from '../../core/types.ts';

const none = statusMap({});
const cls = (v: string) => classifyStatus(v, none).cls;

describe('status keywords', () => {
  it.each([
    ['付款以后用户退款成功，交易自动关闭', 'refunded'], ['退款成功', 'refunded'], ['已退货', 'refunded'], ['Refunded', 'refunded'], ['returned', 'refunded'],
    ['交易关闭', 'cancelled'], ['已关闭', 'cancelled'], ['已取消', 'cancelled'], ['订单取消', 'cancelled'], ['Cancelled', 'cancelled'], ['canceled', 'cancelled'],
    ['wc-cancelled', 'cancelled'], ['VOIDED', 'cancelled'], ['failed', 'cancelled'], ['Closed Lost', 'cancelled'],
    ['未付款', 'unpaid'], ['待付款', 'unpaid'], ['等待买家付款', 'unpaid'], ['unpaid', 'unpaid'], ['Pending payment', 'unpaid'], ['pending_payment', 'unpaid'],
    ['交易成功', 'kept'], ['买家已付款，等待卖家发货', 'kept'], ['卖家已发货，等待买家确认', 'kept'], ['paid', 'kept'], ['delivered', 'kept'],
    ['Closed Won', 'kept'], ['partially_refunded', 'kept'], ['退款关闭', 'kept'], ['', 'kept'],
  ])('%s → %s', (v, c) => expect(cls(v)).toBe(c));

  it('names the rule that matched', () => {
    expect(classifyStatus('付款以后用户退款成功，交易自动关闭', none).rule).toBe('contains "退款"');
    expect(classifyStatus('Cancelled', none).rule).toBe('matches cancel');
  });

  it('keeps values no rule knows, flagged as unknown', () => {
    for (const v of ['0', '1', '2', 'on-hold', 'pending']) expect(classifyStatus(v, none)).toMatchObject({ cls: 'kept', rule: 'unknown', unknown: true });
  });

  it('lets the profile map exact values (numeric POS codes included), over the keywords', () => {
    const map = statusMap({ 0: 'unpaid', 1: 'kept', 2: 'cancelled', ' Refunded ': 'kept' });
    expect(classifyStatus('0', map)).toEqual({ cls: 'unpaid', rule: 'profile statuses "0"' });
    expect(classifyStatus(' 2 ', map).cls).toBe('cancelled');
    expect(classifyStatus('refunded', map).cls).toBe('kept');
  });

  it('counts rows per value, bounded by a top-N and "(other)" per class', () => {
    const t = new StatusTally(none, 3);
    for (const v of ['a', 'a', 'a', '交易关闭', '交易关闭', 'b', 'refunded', 'c']) t.add(v);
    expect(t.report(2)).toEqual([
      { value: 'a', class: 'kept', rule: 'unknown', rows: 3 },
      { value: '交易关闭', class: 'cancelled', rule: 'contains "关闭"', rows: 2 },
      { value: '(other)', class: 'kept', rule: 'several', rows: 2 },
      { value: '(other)', class: 'refunded', rule: 'several', rows: 1 },
    ]);
  });
});

describe('statuses in transaction ingest', () => {
  const profile = (extra: Record<string, unknown> = {}) => resolveProfile({ asOf: '2024-03-31', timeUnit: 'day', ...extra });
  const taobao: Cell[][] = [
    ['买家会员名', '订单创建时间', '买家实际支付金额', '订单状态'],
    ['甲', '2024-01-01 10:00:00', '100', '交易成功'],
    ['甲', '2024-01-05 10:00:00', '50', '付款以后用户退款成功，交易自动关闭'],
    ['乙', '2024-01-06 10:00:00', '80', '付款以后用户退款成功，交易自动关闭'],
    ['丙', '2024-01-07 10:00:00', '30', '等待买家付款'],
    ['丁', '2024-01-08 10:00:00', '20', '交易关闭'],
  ];
  it('does not count Taobao refunds as sales, nor score refund-only buyers', () => {
    const r = ingestTable('transactions', taobao, profile(), 'taobao.xlsx');
    expect(r.summaries.map((s) => [s.id, s.totalSpend])).toEqual([['甲', 100]]);
    expect(r.counts).toEqual({ read: 5, accepted: 1, rejected: 4 });
    expect(r.rejects.map((x) => [x.line, x.column, x.reason])).toEqual([
      [3, '订单状态', 'refunded'], [4, '订单状态', 'refunded'], [5, '订单状态', 'unpaid'], [6, '订单状态', 'cancelled'],
    ]);
    expect(r.rejects[0].message).toBe('Status "付款以后用户退款成功，交易自动关闭" reads as refunded (rule: contains "退款"); not a sale');
    expect(r.detections[0].statuses).toEqual([
      { value: '付款以后用户退款成功，交易自动关闭', class: 'refunded', rule: 'contains "退款"', rows: 2 },
      { value: '交易关闭', class: 'cancelled', rule: 'contains "关闭"', rows: 1 },
      { value: '交易成功', class: 'kept', rule: 'contains "成功"', rows: 1 },
      { value: '等待买家付款', class: 'unpaid', rule: 'contains "等待买家付款"', rows: 1 },
    ]);
    expect(r.warnings.join()).not.toMatch(/status values not recognised/);
  });

  const pos: Cell[][] = [['会员号', '日期', '金额', '状态'], ['a', '2024-01-01', '10', '1'], ['a', '2024-01-02', '10', '0'], ['b', '2024-01-03', '10', '2']];
  it('keeps unknown numeric codes but warns, naming the flag', () => {
    const r = ingestTable('transactions', pos, profile(), 'pos.csv');
    expect(r.summaries.map((s) => s.id)).toEqual(['a', 'b']);
    expect(r.warnings).toContain('pos.csv: status values not recognised, counted as sales: "0" (1 rows), "1" (1 rows), "2" (1 rows); declare them with --status-map VALUE=kept|cancelled|refunded|unpaid');
  });
  it('applies the profile map to numeric codes', () => {
    const r = ingestTable('transactions', pos, profile({ statuses: { 0: 'unpaid', 1: 'kept', 2: 'cancelled' } }), 'pos.csv');
    expect(r.summaries.map((s) => [s.id, s.transactions])).toEqual([['a', 1]]);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[3, 'unpaid'], [4, 'cancelled']]);
    expect(r.warnings.join()).not.toMatch(/not recognised/);
  });
  it('keeps a negative line as a return whatever its status says', () => {
    const r = ingestTable('transactions', [['customer', 'date', 'amount', 'status'], ['a', '2024-01-01', '10', 'paid'], ['a', '2024-01-02', '-4', 'Refunded']], profile(), 'r.csv');
    expect(r.summaries[0]).toMatchObject({ totalSpend: 10, returns: 4, netSpend: 6 });
    expect(r.rejects).toEqual([]);
  });
  it('treats a filled "Cancelled at" column as a cancellation', () => {
    const r = ingestTable('transactions', [
      ['Email', 'Created at', 'Total', 'Financial Status', 'Cancelled at'],
      ['x@example.com', '2024-01-01 10:00:00 +0800', '10', 'paid', ''],
      ['x@example.com', '2024-01-02 10:00:00 +0800', '12', 'paid', '2024-01-03 09:00:00 +0800'],
    ], profile(), 'shopify.csv');
    expect(r.rejects.map((x) => [x.line, x.column, x.reason])).toEqual([[3, 'Cancelled at', 'cancelled']]);
    expect(r.summaries[0].totalSpend).toBe(10);
  });
});

describe('bounded on hostile status values', () => {
  it('tracks at most maxValues distinct values, and no long ones', () => {
    const t = new StatusTally(none, 50);
    for (let i = 0; i < 10_000; i++) t.add(`s${i}`);
    t.add('x'.repeat(1000) + '退款');
    const report = t.report(5);
    expect(report.slice(0, 5).every((r) => r.rows === 1)).toBe(true);
    expect(report.slice(5)).toEqual([
      { value: '(other)', class: 'kept', rule: 'several', rows: 9995 },
      { value: '(other)', class: 'refunded', rule: 'several', rows: 1 },
    ]);
    expect(t.unknown().more).toBe(40);
  });
});
