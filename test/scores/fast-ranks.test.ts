/**
 * The ranking fast paths give what the plain definitions give: quantile scores from the sorted values
 * (instead of sorting indices), and the value order with index tie-breaks when ids are in order.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quantileScores } from '../../core/scores/rfm.ts';
import { orderDesc, topPercentiles } from '../../core/scores/rank.ts';
import { churnWarnings } from '../../core/scores/consistency.ts';
import type { CustomerScore } from '../../core/types.ts';

/** Quantile scores by the definition: indices sorted by value, each group scored by where it starts. */
function quantileByDefinition(values: number[], bins: number): number[] {
  const n = values.length;
  const idx = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Array<number>(n);
  let groupStart = 0;
  for (let p = 0; p < n; p++) {
    if (p > 0 && values[idx[p]] !== values[idx[p - 1]]) groupStart = p;
    out[idx[p]] = Math.floor((groupStart * bins) / n) + 1;
  }
  return out;
}

/** Few distinct values, so ties are common; ±0 and infinities included. */
const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0, -0, Infinity, -Infinity, 0.5), fc.double({ noNaN: true }));

describe('ranking fast paths', () => {
  it('quantile scores equal the definition for any finite or infinite values', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 300 }), fc.integer({ min: 2, max: 10 }), (vs, bins) => {
      expect([...quantileScores(vs, bins)]).toEqual(quantileByDefinition(vs, bins));
    }), { numRuns: 500 });
  });

  it('orderDesc with ids in order equals the order with ids compared', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 300 }), (vs) => {
      const ids = vs.map((_, i) => `c${String(i).padStart(4, '0')}`);
      const byIds = vs.map((_, i) => i).sort((a, b) => {
        const d = vs[b] - vs[a];
        if (d !== 0) return d;
        return ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0;
      });
      expect([...orderDesc(vs, ids)]).toEqual(byIds);
      // Ids out of order take the comparing path: the same definition.
      const shuffled = [...ids].reverse();
      const byShuffled = vs.map((_, i) => i).sort((a, b) => {
        const d = vs[b] - vs[a];
        if (d !== 0) return d;
        return shuffled[a] < shuffled[b] ? -1 : shuffled[a] > shuffled[b] ? 1 : 0;
      });
      expect([...orderDesc(vs, shuffled)]).toEqual(byShuffled);
    }), { numRuns: 500 });
  });
});

describe('top percentiles', () => {
  it('equal the position of the last tied item in the id order, for any values', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 300 }), (vs) => {
      const ids = vs.map((_, i) => `c${(i * 7919) % 1009}-${i}`);
      const order = vs.map((_, i) => i).sort((a, b) => vs[b] - vs[a] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
      const want = new Array<number>(vs.length);
      let groupEnd = vs.length - 1;
      for (let p = vs.length - 1; p >= 0; p--) {
        if (p < vs.length - 1 && vs[order[p]] !== vs[order[p + 1]]) groupEnd = p;
        want[order[p]] = (100 * (groupEnd + 1)) / vs.length;
      }
      expect([...topPercentiles(vs, ids)]).toEqual(want);
    }), { numRuns: 500 });
  });
});

describe('churn warnings', () => {
  it('list the same customers in the same order as sorting everyone', () => {
    const customer = fc.record({
      id: fc.string({ maxLength: 4 }),
      churnRisk: fc.constantFrom('low', 'medium', 'high', 'lost'),
      valueAtRisk: fc.oneof(fc.constantFrom(0, 1, 2, 5), fc.double({ min: -10, max: 100, noNaN: true })),
    });
    fc.assert(fc.property(fc.uniqueArray(customer, { selector: (c) => c.id, maxLength: 120 }), fc.integer({ min: 0, max: 30 }), (cs, size) => {
      const full = cs.map((c) => ({ ...c, tier: 'gold', clv: 1, pAlive: 0.5, valueIfAlive: 2 })) as unknown as CustomerScore[];
      const want = [...full]
        .filter((c) => c.churnRisk !== 'low' && c.valueAtRisk > 0)
        .sort((a, b) => b.valueAtRisk - a.valueAtRisk || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, size)
        .map((c) => c.id);
      expect(churnWarnings(full, size).map((w) => w.id)).toEqual(want);
    }), { numRuns: 500 });
  });
});
