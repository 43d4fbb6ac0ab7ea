import { describe, expect, it } from 'vitest';
import { clv, pAliveAt, periodDiscountRate, purchaseModelFromParams, unconditionalExpectedPurchases } from '../../core/models/index.ts';
import type { PurchaseModel } from '../../core/types.ts';
import { simulateForward } from './helpers/simulate.ts';

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const BTYD_PNBD = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 };

describe('BG/NBD at the published CDNOW parameters', () => {
  const m = purchaseModelFromParams('bgnbd', BG);
  it('E[X(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226 (Fader, Hardie & Lee spreadsheet)', () => {
    expect(m.expectedPurchases(39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });
  it('unconditional E[X(t)] matches the spreadsheet values (at the unrounded MLE the spreadsheet used)', () => {
    const mle = purchaseModelFromParams('bgnbd', { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 });
    const times = [0.1429, 1, 3, 31.8571, 32, 78];
    const published = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    times.forEach((t, i) => expect(Math.abs(unconditionalExpectedPurchases(mle, t) - published[i])).toBeLessThan(5e-4));
  });
  it('one-time buyers are alive with certainty; P(alive) falls with time since last purchase', () => {
    expect(m.pAlive(0, 0, 30)).toBe(1);
    expect(m.pAlive(3, 10, 38)).toBeLessThan(m.pAlive(3, 30, 38));
    expect(pAliveAt(m, { frequency: 3, recency: 10, T: 38 }, 0)).toBe(m.pAlive(3, 10, 38));
    expect(pAliveAt(m, { frequency: 3, recency: 10, T: 38 }, 26)).toBeLessThan(m.pAlive(3, 10, 38));
  });
});

describe('Pareto/NBD against BTYD published values', () => {
  const m = purchaseModelFromParams('paretonbd', BTYD_PNBD);
  it('P(alive | x = 26, t_x = 30.86, T = 31) = 0.9979', () => {
    expect(Math.abs(m.pAlive(26, 30.86, 31) - 0.9979)).toBeLessThan(1e-3);
  });
  // BTYD's manual prints these at its own, unpublished, unrounded estimate: hence 1 % relative tolerance.
  it('unconditional E[X(t)], t = 0 … 9, within 1 %', () => {
    const published = [0, 0.05077821, 0.09916088, 0.14542507, 0.1897993, 0.23247466, 0.27361274, 0.31335159, 0.35181024, 0.38909211];
    published.forEach((v, t) => expect(Math.abs(unconditionalExpectedPurchases(m, t) - v)).toBeLessThanOrEqual(0.01 * v));
  });
  it('stays smooth for heavy buyers with long histories (no underflow)', () => {
    const p = purchaseModelFromParams('paretonbd', { r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 });
    const left = p.expectedPurchases(10, 132, 200, 200);
    const right = p.expectedPurchases(10, 133, 200, 200);
    expect(left).toBeCloseTo(6.2061, 3);
    expect(right).toBeCloseTo(6.2529, 3);
  });
  it('P(alive) stays a probability at extreme parameters (no overflow)', () => {
    const p = purchaseModelFromParams('paretonbd', { r: 10.465, alpha: 7.98565181e-3, s: 3.0516, beta: 2.82 });
    for (const [x, tx, T] of [[40, 5, 6], [50, 1, 37], [50, 4, 37]]) {
      const v = p.pAlive(x, tx, T);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
});

/**
 * Law of total expectation: averaged over customers simulated from the model, P(alive | data) must
 * equal the share truly alive at T, and E[X(t) | data] the mean purchases actually made in (T, T+t].
 */
describe('closed forms vs. simulation (no published value)', () => {
  const cases: ['bgnbd' | 'mbgnbd' | 'paretonbd', Record<string, number>][] = [
    ['bgnbd', { r: 0.6, alpha: 5, a: 0.9, b: 2.5 }],
    ['mbgnbd', { r: 0.6, alpha: 5, a: 0.9, b: 2.5 }],
    ['paretonbd', { r: 0.6, alpha: 5, s: 0.8, beta: 12 }],
  ];
  for (const [kind, p] of cases) {
    it(`${kind}: mean P(alive), conditional and unconditional E[X(t)] (100,000 customers, tolerance 0.01–0.02)`, () => {
      const m: PurchaseModel = purchaseModelFromParams(kind, p);
      const T = 30;
      const t = 20;
      const rows = simulateForward(kind, p, 100_000, T, t, 42);
      let alive = 0;
      let pa = 0;
      let fut = 0;
      let efut = 0;
      let all = 0;
      for (const r of rows) {
        alive += r.alive ? 1 : 0;
        pa += m.pAlive(r.x, r.tx, T);
        fut += r.future;
        efut += m.expectedPurchases(t, r.x, r.tx, T);
        all += r.x;
      }
      const n = rows.length;
      expect(Math.abs(pa / n - alive / n)).toBeLessThan(0.01);
      expect(Math.abs(efut / n - fut / n)).toBeLessThan(0.02);
      // For MBG/NBD the unconditional count includes a possible drop at time 0, as simulated.
      expect(Math.abs(unconditionalExpectedPurchases(m, T) - all / n)).toBeLessThan(0.02);
    });
  }
});

describe('CLV and discounting', () => {
  const m = purchaseModelFromParams('bgnbd', BG);
  const c = { frequency: 4, recency: 30, T: 38.86 };
  it('periodDiscountRate compounds back to the annual rate', () => {
    expect(Math.pow(1 + periodDiscountRate(0.1, 'month'), 12)).toBeCloseTo(1.1, 12);
    expect(Math.pow(1 + periodDiscountRate(0.1, 'week'), 365.25 / 7)).toBeCloseTo(1.1, 12);
    expect(Math.pow(1 + periodDiscountRate(0.1, 'day'), 365.25)).toBeCloseTo(1.1, 10);
    expect(periodDiscountRate(0, 'week')).toBe(0);
  });
  it('without discounting, CLV = margin · spend · E[X(horizon)] (the sum telescopes)', () => {
    expect(clv(m, 20, c, { horizon: 52, discountPerPeriod: 0, margin: 0.3 })).toBeCloseTo(0.3 * 20 * m.expectedPurchases(52, 4, 30, 38.86), 10);
  });
  it('equals the discounted sum written out, and discounting lowers it', () => {
    const d = periodDiscountRate(0.1, 'week');
    let expected = 0;
    for (let k = 1; k <= 10; k++) expected += (m.expectedPurchases(k, 4, 30, 38.86) - m.expectedPurchases(k - 1, 4, 30, 38.86)) / Math.pow(1 + d, k);
    const v = clv(m, 20, c, { horizon: 10, discountPerPeriod: d, margin: 1 });
    expect(v).toBeCloseTo(20 * expected, 10);
    expect(v).toBeLessThan(clv(m, 20, c, { horizon: 10, discountPerPeriod: 0, margin: 1 }));
  });
  it('the factored fast path gives the same CLV as summing E[X(k)] directly, for every model', () => {
    const models = [m, purchaseModelFromParams('paretonbd', BTYD_PNBD), purchaseModelFromParams('mbgnbd', BG)];
    const d = periodDiscountRate(0.1, 'week');
    for (const model of models) {
      // A plain PurchaseModel (only the shared interface) takes the direct route.
      const plain: PurchaseModel = { kind: model.kind, fit: model.fit, expectedPurchases: model.expectedPurchases, pAlive: model.pAlive };
      for (const cust of [c, { frequency: 0, recency: 0, T: 12 }, { frequency: 9, recency: 3, T: 30 }]) {
        const opts = { horizon: 26.5, discountPerPeriod: d, margin: 0.4 };
        expect(clv(model, 25, cust, opts)).toBeCloseTo(clv(plain, 25, cust, opts), 10);
        expect(clv(model, 25, cust, opts)).toBeGreaterThan(0);
      }
    }
  });
  it('is zero, never NaN or negative, for missing or negative spend', () => {
    expect(clv(m, NaN, c, { horizon: 52, discountPerPeriod: 0.01, margin: 1 })).toBe(0);
    expect(clv(m, -5, c, { horizon: 52, discountPerPeriod: 0.01, margin: 1 })).toBe(0);
  });
});
