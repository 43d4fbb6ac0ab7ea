/**
 * The histogram's row order comes from packed rank keys sorted as plain numbers; these properties
 * hold it to the comparator sort on (x, t_x, T) it replaced, for any rows (repeated values, −0,
 * NaN, infinities, negatives, wide doubles) and on the comparator fallback itself.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compressSummaries, sortDistinct } from '../../core/models/histogram.ts';

/** The comparator order of the distinct rows (the definition). */
function comparatorOrder(distinct: Uint32Array, size: number, fx: Float64Array, ft: Float64Array, fT: Float64Array): number[] {
  const order = Array.from({ length: size }, (_, k) => k);
  const key = (k: number) => distinct[k];
  return order.sort((a, b) => fx[key(a)] - fx[key(b)] || ft[key(a)] - ft[key(b)] || fT[key(a)] - fT[key(b)]);
}

const value = fc.oneof(
  fc.constantFrom(0, -0, 1, 2, 3.5, 1 / 7, 52, NaN, Infinity, -Infinity, -1),
  fc.integer({ min: 0, max: 40 }).map((d) => d / 7),
  fc.double({ noNaN: false }),
);
const row = fc.record({ frequency: value, recency: value, T: value });

describe('histogram order', () => {
  it('equals the comparator sort of the distinct rows, whatever the values', () => {
    fc.assert(fc.property(fc.array(row, { maxLength: 300 }), (rows) => {
      const h = compressSummaries(rows);
      // Rebuild the distinct rows the way compressSummaries keeps them and sort them by the comparator.
      const kept = rows.filter((r) => r.frequency >= 0 && r.recency >= 0 && r.T >= r.recency && Number.isFinite(r.frequency) && Number.isFinite(r.T));
      const seen = new Map<string, number>();
      const fx: number[] = [], ft: number[] = [], fT: number[] = [], w: number[] = [];
      for (const r of kept) {
        const k = `${r.frequency + 0}|${r.recency + 0}|${r.T + 0}`;
        const at = seen.get(k);
        if (at !== undefined) { w[at]++; continue; }
        seen.set(k, fx.length);
        fx.push(r.frequency + 0); ft.push(r.recency + 0); fT.push(r.T + 0); w.push(1);
      }
      const ids = Uint32Array.from(fx.keys());
      const order = comparatorOrder(ids, fx.length, Float64Array.from(fx), Float64Array.from(ft), Float64Array.from(fT));
      expect(h.size).toBe(fx.length);
      expect(h.customers).toBe(kept.length);
      expect([...h.x]).toEqual(order.map((k) => fx[k]));
      expect([...h.tx]).toEqual(order.map((k) => ft[k]));
      expect([...h.T]).toEqual(order.map((k) => fT[k]));
      expect([...h.w]).toEqual(order.map((k) => w[k]));
    }), { numRuns: 300 });
  });

  it('packed keys and the comparator fallback give the same order', () => {
    const small = fc.integer({ min: 0, max: 30 }).map((v) => v / 4);
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(small, small, small), { selector: (t) => t.join('|'), maxLength: 200 }), (rows) => {
      const fx = Float64Array.from(rows, (r) => r[0]), ft = Float64Array.from(rows, (r) => r[1]), fT = Float64Array.from(rows, (r) => r[2]);
      // Distinct rows listed in reverse, so the order has to be found.
      const distinct = Uint32Array.from(rows.keys()).reverse();
      const packed = sortDistinct(distinct, rows.length, fx, ft, fT);
      const fallback = sortDistinct(distinct, rows.length, fx, ft, fT, 0);
      const expected = comparatorOrder(distinct, rows.length, fx, ft, fT);
      expect([...packed]).toEqual(expected);
      expect([...fallback]).toEqual(expected);
    }), { numRuns: 300 });
  });
});
