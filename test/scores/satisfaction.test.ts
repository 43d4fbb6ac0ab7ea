import { describe, expect, it } from 'vitest';
import { latestResponses, npsOf, satisfactionLevel, surveyStats } from '../../core/scores/satisfaction.ts';
import type { SurveyResponse } from '../../core/types.ts';

const r = (o: Partial<SurveyResponse>): SurveyResponse => ({ customerId: 'a', day: 100, ...o });

describe('satisfaction ladder', () => {
  it('levels from answers and from a repurchase after the survey', () => {
    expect(satisfactionLevel(r({ csat: 2 }))).toBe(0);
    expect(satisfactionLevel(r({ csat: 3, willReturn: true }))).toBe(0);
    expect(satisfactionLevel(r({ csat: 5 }), 90)).toBe(1);
    expect(satisfactionLevel(r({ csat: 4 }), 100)).toBe(1); // same-day purchase is not a return
    expect(satisfactionLevel(r({ csat: 4 }), 101)).toBe(2);
    expect(satisfactionLevel(r({ csat: 5, willReturn: true, nps: 10 }))).toBe(3);
    expect(satisfactionLevel(r({ nps: 9 }), 50)).toBe(1);
    expect(satisfactionLevel(r({ nps: 9 }), 150)).toBe(3);
    expect(satisfactionLevel(r({ nps: 8, willRecommend: true }), 150)).toBe(3);
    expect(satisfactionLevel(r({ nps: 6 }), 150)).toBe(0);
    expect(satisfactionLevel(r({ willReturn: true }))).toBe(2);
    expect(satisfactionLevel(r({}))).toBeNull();
  });

  it('keeps the latest response per customer, independent of order', () => {
    const rs = [
      r({ customerId: 'a', day: 10, csat: 5 }),
      r({ customerId: 'a', day: 20, csat: 2 }),
      r({ customerId: 'b', day: 5, csat: 3 }),
      r({ customerId: 'b', day: 5, csat: 4 }),
    ];
    for (const order of [rs, [...rs].reverse()]) {
      const m = latestResponses(order);
      expect(m.get('a')!.csat).toBe(2);
      expect(m.get('b')!.csat).toBe(4);
    }
  });

  it('CSAT % = share of 4–5; NPS = % promoters − % detractors', () => {
    const rs = [r({ csat: 5, nps: 10 }), r({ csat: 4, nps: 9 }), r({ csat: 3, nps: 8 }), r({ csat: 1, nps: 6 }), r({ nps: 0 })];
    const s = surveyStats(rs, [3, 1, 0, 0, null]);
    expect(s.responses).toBe(5);
    expect(s.csat).toBe(50); // 2 of 4 CSAT answers
    expect(s.nps).toBe(0); // 2 promoters, 2 detractors of 5
    expect(s.levels).toEqual({ '0': 2, '1': 1, '2': 0, '3': 1 });
    expect(s.levelShares['0']).toBe(0.5);
    expect(npsOf([r({ nps: 10 }), r({ nps: 10 }), r({ nps: 7 }), r({ nps: 3 }), undefined])).toBe(25);
    expect(npsOf([r({ csat: 5 })])).toBeNull();
    expect(surveyStats([], []).csat).toBeNull();
  });
});
