import { describe, expect, it } from 'vitest';
import { assignTiers } from '../../core/scores/tiers.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);

describe('pyramid tiers', () => {
  it('zeithaml: top 5 / 20 / 50 % by percentile = 100 × rank / n', () => {
    // 20 customers with values 20..1: rank k has percentile 5k
    const v = Array.from({ length: 20 }, (_, i) => 20 - i);
    const t = assignTiers(v, ids(20), 'zeithaml');
    expect(t.tier.slice(0, 1)).toEqual(['platinum']);
    expect(t.tier.slice(1, 4)).toEqual(['gold', 'gold', 'gold']);
    expect(t.tier.slice(4, 10)).toEqual(Array(6).fill('iron'));
    expect(t.tier.slice(10)).toEqual(Array(10).fill('lead'));
    expect(t.reason[3]).toEqual({ rank: 4, percentile: 20, cumulativeShare: (20 + 19 + 18 + 17) / 210, value: 17 });
  });

  it('zeithaml: negative value is lead whatever the rank', () => {
    const t = assignTiers([-5, -1], ['a', 'b'], 'zeithaml');
    expect(t.tier).toEqual(['lead', 'lead']);
  });

  it('ibm: by cumulative share of value before the customer, 50 / 25 / 20 / 5', () => {
    const t = assignTiers([5, 20, 50, 25, 0], ['d', 'c', 'a', 'b', 'e'], 'ibm');
    // order a(50) b(25) c(20) d(5) e(0): share before = 0, .5, .75, .95 → diamond, gold, silver, other
    expect(t.tier).toEqual(['other', 'silver', 'diamond', 'gold', 'other']);
    expect(t.reason[2].cumulativeShare).toBe(0.5);
    expect(t.reason[0].cumulativeShare).toBe(1);
  });

  it('pareto: top 20 % focus, middle 60 % keep, bottom 20 % review', () => {
    const v = Array.from({ length: 10 }, (_, i) => 100 - i);
    const t = assignTiers(v, ids(10), 'pareto');
    expect(t.tier).toEqual(['focus', 'focus', 'keep', 'keep', 'keep', 'keep', 'keep', 'keep', 'review', 'review']);
  });

  it('ties: equal values share a tier (the lower one at a cut); rank is broken by id', () => {
    const t = assignTiers([10, 10, 10, 1], ['b', 'a', 'c', 'd'], 'zeithaml');
    expect(t.reason.map((r) => r.rank)).toEqual([2, 1, 3, 4]);
    // the tie group ends at rank 3 → percentile 75 for all three → lead (only 2 fit in the top 50 %)
    expect(t.reason.map((r) => r.percentile)).toEqual([75, 75, 75, 100]);
    expect(t.tier).toEqual(['lead', 'lead', 'lead', 'lead']);
    // 20 customers: 2 tied at the top end at percentile 10 → gold, not platinum
    const v = [50, 50, ...Array.from({ length: 18 }, (_, i) => 18 - i)];
    const z = assignTiers(v, Array.from({ length: 20 }, (_, i) => `x${String(i).padStart(2, '0')}`), 'zeithaml');
    expect(z.tier.slice(0, 5)).toEqual(['gold', 'gold', 'gold', 'gold', 'iron']);
  });

  it('custom cut points by percentile and by value', () => {
    const v = Array.from({ length: 10 }, (_, i) => 10 - i);
    const p = assignTiers(v, ids(10), 'custom', { by: 'percentile', cuts: [10, 50], labels: ['A', 'B', 'C'] });
    expect(p.tier).toEqual(['A', 'B', 'B', 'B', 'B', 'C', 'C', 'C', 'C', 'C']);
    const byValue = assignTiers([150, 100, 99, 10, 9], ids(5), 'custom', { by: 'value', cuts: [100, 10], labels: ['A', 'B', 'C'] });
    expect(byValue.tier).toEqual(['A', 'A', 'B', 'B', 'C']);
    expect(p.order).toEqual(['A', 'B', 'C']);
    expect(() => assignTiers([1], ['a'], 'custom', { by: 'value', cuts: [1], labels: ['A'] })).toThrow();
  });

  it('handles no customers', () => {
    expect(assignTiers([], [], 'ibm').tier).toEqual([]);
  });
});
