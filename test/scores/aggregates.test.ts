import { describe, expect, it } from 'vitest';
import { concentration, groupAggregates } from '../../core/scores/aggregates.ts';

describe('aggregates and concentration', () => {
  it('share of value from the top x % and the Gini coefficient', () => {
    const c = concentration([2, 4, 1, 3]);
    expect(c.curve[24]).toEqual({ topPercent: 25, share: 0.4 }); // top 1 of 4: 4 / 10
    expect(c.curve[49].share).toBeCloseTo(0.7, 12);
    expect(c.curve[99].share).toBe(1);
    // Gini = Σ|xi − xj| / (2 n² mean) = 20 / 80
    expect(c.gini).toBeCloseTo(0.25, 12);
    expect(concentration([5, 5, 5]).gini).toBeCloseTo(0, 12);
    expect(concentration([]).curve[0].share).toBe(0);
  });

  it('group totals, shares and labels', () => {
    const ids = ['a', 'b', 'c'];
    const rows = { revenue: [100, 300, 100], clv: [50, 150, 0], pAlive: [0.9, 0.5, 0.1], id: (i: number) => ids[i] };
    const keys = ['gold', 'gold', 'lead'];
    const g = groupAggregates(rows, (i) => keys[i], 'tier', ['platinum', 'gold', 'iron', 'lead']);
    expect(g.map((x) => x.key)).toEqual(['platinum', 'gold', 'iron', 'lead']);
    expect(g[1]).toMatchObject({ customers: 2, revenue: 400, revenueShare: 0.8, clv: 200, clvShare: 1, meanPAlive: 0.7, nps: null });
    expect(g[1].label).toEqual({ en: 'Gold', 'zh-CN': '黄金' });
    expect(g[0].customers).toBe(0);
  });
});
