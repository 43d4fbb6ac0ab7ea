import { describe, expect, it } from 'vitest';
import { holdoutValidation, purchaseModelFromParams } from '../../core/models/index.ts';
import { simulateForward } from './helpers/simulate.ts';

describe('holdoutValidation', () => {
  const truth = { r: 0.6, alpha: 5, a: 0.9, b: 2.5 };
  const rows = simulateForward('bgnbd', truth, 40_000, 39, 39, 7).map((s) => ({ frequency: s.x, recency: s.tx, T: 39, holdout: { transactions: s.future } }));

  it('buckets customers by calibration frequency and matches the truth closely under the true model', () => {
    const report = holdoutValidation(purchaseModelFromParams('bgnbd', truth), rows, 39);
    expect(report.buckets.map((b) => b.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(report.buckets.reduce((s, b) => s + b.customers, 0)).toBe(rows.length);
    const zero = rows.filter((r) => r.frequency === 0);
    expect(report.buckets[0].customers).toBe(zero.length);
    expect(report.buckets[0].actual).toBeCloseTo(zero.reduce((s, r) => s + r.holdout.transactions, 0) / zero.length, 12);
    expect(report.mae).toBeLessThan(0.03);
  });

  it('a mis-specified model shows a larger error', () => {
    const wrong = purchaseModelFromParams('bgnbd', { ...truth, a: 3 });
    expect(holdoutValidation(wrong, rows, 39).mae).toBeGreaterThan(0.2);
  });

  it('skips customers without holdout data', () => {
    const report = holdoutValidation(purchaseModelFromParams('bgnbd', truth), [{ frequency: 1, recency: 2, T: 3 }], 39);
    expect(report.buckets).toEqual([]);
    expect(report.mae).toBeNaN();
  });
});
