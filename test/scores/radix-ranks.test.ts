/**
 * The radix-sort order behind ranks, quantile scores and top percentiles, and the per-run lookups of
 * the scoring stages, each held equal to its plain definition.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countsBelow, radixOrderDesc } from '../../core/scores/rank.ts';
import { assignTiers } from '../../core/scores/tiers.ts';
import { DEFAULT_SEGMENT_MAP, rfmScores, segmentOf } from '../../core/scores/rfm.ts';
import { reconciledSegment, reconciledSegments } from '../../core/scores/consistency.ts';
import { repeatMedian } from '../../core/scores/classes.ts';

/** Ties are common, and every kind of double appears: ±0, infinities, subnormals, huge and tiny magnitudes. */
const value = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(0, -0, Infinity, -Infinity, 0.5, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** -1022),
  fc.double({ noNaN: true }),
);
const values = fc.oneof(fc.array(value, { maxLength: 300 }), fc.array(value, { minLength: 300, maxLength: 3000 }));

/** Stable sort by value descending (V8's sort is stable, so ties stay in index order). */
const stableDesc = (vs: number[]) => vs.map((_, i) => i).sort((a, b) => vs[b] - vs[a] || 0);

describe('radixOrderDesc', () => {
  it('equals a stable comparison sort by value descending', () => {
    fc.assert(fc.property(values, (vs) => {
      expect([...radixOrderDesc(vs)!]).toEqual(stableDesc(vs));
      expect([...radixOrderDesc(Float64Array.from(vs))!]).toEqual(stableDesc(vs));
    }), { numRuns: 400 });
  });

  it('gives no order when a value is NaN', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 50 }), fc.nat(), (vs, at) => {
      const withNaN = [...vs];
      withNaN.splice(at % (vs.length + 1), 0, NaN);
      expect(radixOrderDesc(withNaN)).toBeUndefined();
      expect(countsBelow(withNaN)).toBeUndefined();
    }));
  });

  it('countsBelow counts the values strictly below each one', () => {
    fc.assert(fc.property(fc.array(value, { maxLength: 200 }), (vs) => {
      expect([...countsBelow(vs)!]).toEqual(vs.map((v) => vs.filter((w) => w < v).length));
    }), { numRuns: 300 });
  });
});

/** The tiers by their definition (core/scores/tiers.ts), walking the customers in rank order. */
function tiersByDefinition(values: number[], scheme: 'zeithaml' | 'ibm' | 'pareto') {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  const end = new Array<number>(n);
  let groupEnd = n - 1;
  for (let p = n - 1; p >= 0; p--) {
    if (p < n - 1 && values[order[p]] !== values[order[p + 1]]) groupEnd = p;
    end[order[p]] = groupEnd;
  }
  let total = 0;
  for (const v of values) if (v > 0) total += v;
  const cum: number[] = [];
  let acc = 0;
  for (let p = 0; p < n; p++) { const v = values[order[p]]; if (v > 0) acc += v; cum.push(acc); }
  const share = (x: number) => (total > 0 ? x / total : 0);
  const reason = new Array(n);
  const tier = new Array<string>(n);
  for (let p = 0; p < n; p++) {
    const i = order[p];
    const v = values[i];
    const pct = (100 * (end[i] + 1)) / n;
    const before = share(cum[end[i]] - Math.max(0, v));
    reason[i] = { rank: p + 1, percentile: pct, cumulativeShare: share(cum[p]), value: v };
    tier[i] = scheme === 'zeithaml' ? (v < 0 ? 'lead' : pct <= 5 ? 'platinum' : pct <= 20 ? 'gold' : pct <= 50 ? 'iron' : 'lead')
      : scheme === 'ibm' ? (v <= 0 ? 'other' : before < 0.5 ? 'diamond' : before < 0.75 ? 'gold' : before < 0.95 ? 'silver' : 'other')
        : pct <= 20 ? 'focus' : pct <= 80 ? 'keep' : 'review';
  }
  return { tier, reason };
}

describe('assignTiers', () => {
  it('gives each customer the tier, rank, percentile and shares of the definition, for any values', () => {
    const schemes = fc.constantFrom('zeithaml' as const, 'ibm' as const, 'pareto' as const);
    fc.assert(fc.property(fc.array(fc.oneof(fc.integer({ min: -3, max: 6 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { maxLength: 300 }), schemes, (vs, scheme) => {
      const ids = vs.map((_, i) => `c${String(i).padStart(4, '0')}`);
      const got = assignTiers(vs, ids, scheme);
      const want = tiersByDefinition(vs, scheme);
      expect(got.reason).toEqual(want.reason);
      expect(got.tier).toEqual(want.tier);
    }), { numRuns: 300 });
  });
});

describe('per-run lookups', () => {
  const rules = fc.oneof(
    fc.constant(undefined),
    fc.constant(DEFAULT_SEGMENT_MAP),
    fc.array(fc.record({
      segment: fc.constantFrom('lost', 'hibernating', 'champions', 'other'),
      r: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })),
      fm: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })),
    }), { maxLength: 6 }),
  );
  const cell = fc.record({
    r5: fc.integer({ min: 0, max: 9 }),
    fm5: fc.integer({ min: 0, max: 9 }),
    pAlive: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0.5, NaN, 0, 1)),
    lost: fc.boolean(),
  });

  it('reconciledSegments equals reconciledSegment, however often a cell is asked for', () => {
    fc.assert(fc.property(rules, fc.array(cell, { maxLength: 200 }), (rs, cells) => {
      const lookup = reconciledSegments(rs);
      for (const c of cells) expect(lookup(c.r5, c.fm5, c.pAlive, c.lost)).toBe(reconciledSegment(c.r5, c.fm5, c.pAlive, c.lost, rs));
    }), { numRuns: 300 });
  });

  it("rfmScores' segments equal segmentOf at each customer's grid cell", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(400), fc.integer({ min: 1, max: 20 }), fc.double({ min: -50, max: 5000, noNaN: true })), { maxLength: 200 }), fc.integer({ min: 2, max: 10 }), (rows, bins) => {
      const s = rfmScores(rows.map((x) => x[0]), rows.map((x) => x[1]), rows.map((x) => x[2]), { bins });
      for (let i = 0; i < rows.length; i++) expect(s.segment[i]).toBe(segmentOf(s.r5[i], s.fm5[i]));
    }), { numRuns: 200 });
  });

  it('repeatMedian is the lower median of the positive frequencies', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.nat(30), fc.constantFrom(0, -0, NaN, 0.5, Infinity)), { maxLength: 200 }), (xs) => {
      const pos = xs.filter((x) => x > 0).sort((a, b) => a - b);
      expect(repeatMedian(xs)).toBe(pos.length ? pos[(pos.length - 1) >> 1] : 0);
    }), { numRuns: 300 });
  });
});
