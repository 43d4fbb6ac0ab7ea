import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/config.ts';
import { scoreCustomers } from '../../core/pipeline.ts';
import { isoToDay } from '../../core/report/format.ts';
import { simulate } from './simulate.ts';

const AS_OF = '2024-06-30';
const sim = simulate(600, 11, isoToDay(AS_OF));

describe('custom RFM cut points and segment rules from a profile', () => {
  it('are validated, with every bad field named', () => {
    expect(() => resolveProfile({ asOf: AS_OF, rfm: { cuts: { r: [30, 10] } } })).toThrow(/rfm\.cuts\.r: must be ascending/);
    expect(() => resolveProfile({ asOf: AS_OF, rfm: { cuts: { x: [1] } } })).toThrow(/rfm\.cuts\.x: unknown dimension/);
    expect(() => resolveProfile({ asOf: AS_OF, rfm: { segments: [{ segment: 'vip', r: [0, 9], fm: [1, 5] }] } })).toThrow(/rfm\.segments/);
  });

  it('reach the scores: F cut at 2 transactions splits one-time from repeat buyers', () => {
    const profile = resolveProfile({
      asOf: AS_OF,
      rfm: {
        cuts: { f: [2] }, // F = 1 below 2 transactions, 2 from 2 on
        segments: [
          { segment: 'recent', r: [4, 5], fm: [1, 5] },
          { segment: 'other', r: [1, 3], fm: [1, 5] },
        ],
      },
    });
    const run = scoreCustomers(sim.summaries, profile);
    for (const c of run.customers) {
      expect(c.rfm.f).toBe(c.summary.transactions >= 2 ? 2 : 1);
      expect(c.rfm.segment).toBe(c.rfm.r >= 4 ? 'recent' : 'other');
    }
  });
});
