/**
 * The consistency rules (core/scores/consistency.ts): unit checks of each rule, then properties
 * over random customer bases scored by every purchase model (and by none), with random thresholds.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_PROFILE, type Profile } from '../../core/config.ts';
import { prepareInput, scoreCustomers, scoreFitted, type FitStage } from '../../core/pipeline.ts';
import { churnRisk, lifecycleStage, reconciledSegment, valueAtRisk, valueIfAlive } from '../../core/scores/consistency.ts';
import { gammaGammaModel, purchaseModelFromParams } from '../../core/models/index.ts';
import { periodIndex } from '../../core/dates.ts';
import { isoToDay } from '../../core/report/format.ts';
import { unitDays } from '../../core/time-units.ts';
import type { CustomerRecord, CustomerSummary, TimeUnit } from '../../core/types.ts';
import { brokenRules } from './invariants.ts';

const t = { lowRiskPAlive: 0.7, highRiskPAlive: 0.3, lostAfterDays: 365 };

describe('the rules one by one', () => {
  it('2: churn risk bands P(alive); the lost window overrides', () => {
    expect(churnRisk(0.7, 10, t)).toBe('low');
    expect(churnRisk(0.69, 10, t)).toBe('medium');
    expect(churnRisk(0.3, 10, t)).toBe('medium');
    expect(churnRisk(0.29, 10, t)).toBe('high');
    expect(churnRisk(0, 366, t)).toBe('lost');
    expect(churnRisk(0.99, 365, t)).toBe('low');
  });

  it('3: lifecycle follows churn risk', () => {
    expect(lifecycleStage('lost', 10, 1000)).toBe('lost');
    expect(lifecycleStage('low', 1, 30)).toBe('formation');
    expect(lifecycleStage('low', 1, 300)).toBe('formation'); // still believed active, no second purchase yet
    expect(lifecycleStage('low', 2, 180)).toBe('formation');
    expect(lifecycleStage('low', 3, 30)).toBe('stable');
    expect(lifecycleStage('low', 2, 181)).toBe('stable');
    expect(lifecycleStage('medium', 5, 400)).toBe('decline');
    expect(lifecycleStage('high', 1, 20)).toBe('decline'); // a new customer the model already doubts
  });

  it('4: dormant segments need P(alive) ≤ 1/2; lost customers read the R = 1 row', () => {
    expect(reconciledSegment(1, 1, 0.4, false)).toBe('lost');
    expect(reconciledSegment(1, 1, 0.9, false)).toBe('aboutToSleep');
    expect(reconciledSegment(2, 2, 1, false)).toBe('aboutToSleep');
    expect(reconciledSegment(5, 5, 0, true)).toBe('cantLoseThem');
    expect(reconciledSegment(5, 1, 0, true)).toBe('lost');
    expect(reconciledSegment(5, 4, 0.9, false)).toBe('champions');
  });

  it('5: value at risk = (1 − P(alive)) × value if alive; a lost customer keeps all of it at risk', () => {
    expect(valueAtRisk(200, 0.25)).toBe(150);
    expect(valueAtRisk(200, 0)).toBe(200);
    expect(valueAtRisk(-50, 0.25)).toBe(0);
    expect(valueIfAlive(30, 0.5, 7)).toBe(60);
    expect(valueIfAlive(0, 0, 7)).toBe(7);
  });
});

// ---- random customer bases

const AS_OF = '2024-06-30';
const asOfDay = isoToDay(AS_OF);

const customerArb = fc.record({
  ageDays: fc.integer({ min: 0, max: 1500 }),
  transactions: fc.integer({ min: 1, max: 8 }),
  lastFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  spend: fc.double({ min: 0, max: 500, noNaN: true }),
  repeatFactor: fc.double({ min: 0, max: 3, noNaN: true }),
  cost: fc.option(fc.double({ min: 0, max: 20, noNaN: true }), { freq: 4 }),
});

const profileArb = fc.record({
  timeUnit: fc.constantFrom<TimeUnit>('day', 'week', 'month'),
  years: fc.double({ min: 0, max: 3, noNaN: true }),
  low: fc.double({ min: 0, max: 1, noNaN: true }),
  highShare: fc.double({ min: 0, max: 1, noNaN: true }),
  lostAfterDays: fc.integer({ min: 1, max: 900 }),
  tierBy: fc.constantFrom<Profile['tierBy']>('clv', 'historic'),
  margin: fc.double({ min: 0, max: 1, noNaN: true }),
  retentionPeriod: fc.constantFrom<Profile['retentionPeriod']>('week', 'month', 'quarter', 'year'),
}).map((p): Profile => ({
  ...DEFAULT_PROFILE,
  asOf: AS_OF,
  timeUnit: p.timeUnit,
  horizon: p.years * (p.timeUnit === 'day' ? 365 : p.timeUnit === 'week' ? 52 : 12),
  churn: { lowRiskPAlive: p.low, highRiskPAlive: p.low * p.highShare, lostAfterDays: p.lostAfterDays },
  tierBy: p.tierBy,
  margin: p.margin,
  retentionPeriod: p.retentionPeriod,
}));

type Drawn = typeof customerArb extends fc.Arbitrary<infer T> ? T : never;

function base(drawn: Drawn[], profile: Profile): { summaries: CustomerSummary[]; records: CustomerRecord[] } {
  const u = unitDays(profile.timeUnit);
  const summaries = drawn.map((d, i): CustomerSummary => {
    const firstDay = asOfDay - d.ageDays;
    const transactions = Math.min(d.transactions, d.ageDays + 1);
    const lastDay = transactions === 1 ? firstDay : firstDay + Math.max(transactions - 1, Math.round(d.lastFrac * d.ageDays));
    const frequency = transactions - 1;
    const repeatSpend = d.spend * d.repeatFactor * frequency;
    const periods = [periodIndex(firstDay, profile.retentionPeriod), periodIndex(lastDay, profile.retentionPeriod)];
    return {
      id: `c${String(i).padStart(3, '0')}`, firstDay, lastDay, transactions, frequency,
      recency: (lastDay - firstDay) / u, T: d.ageDays / u,
      firstSpend: d.spend, repeatSpend, meanRepeatSpend: frequency ? repeatSpend / frequency : 0,
      totalSpend: d.spend + repeatSpend, returns: 0, netSpend: d.spend + repeatSpend,
      activePeriods: [...new Set(periods)],
    };
  });
  const records = drawn.flatMap((d, i) => (d.cost === null ? [] : [{ id: summaries[i].id, serviceCostPerPeriod: d.cost }]));
  return { summaries, records };
}

// Published CDNOW fits, each parameter scaled by a random factor in [1/5, 5].
const MODELS: Record<string, (k: number[]) => FitStage['purchase']> = {
  bgnbd: (k) => purchaseModelFromParams('bgnbd', { r: 0.243 * k[0], alpha: 4.414 * k[1], a: 0.793 * k[2], b: 2.426 * k[3] }),
  paretonbd: (k) => purchaseModelFromParams('paretonbd', { r: 0.553 * k[0], alpha: 10.578 * k[1], s: 0.606 * k[2], beta: 11.67 * k[3] }),
  mbgnbd: (k) => purchaseModelFromParams('mbgnbd', { r: 0.525 * k[0], alpha: 6.183 * k[1], a: 0.891 * k[2], b: 1.614 * k[3] }),
  none: () => undefined,
};
const scaleArb = fc.array(fc.double({ min: Math.log(0.2), max: Math.log(5), noNaN: true }).map(Math.exp), { minLength: 4, maxLength: 4 });

describe('properties over random customer bases', () => {
  it('every label agrees with P(alive), whatever model scores', () => {
    fc.assert(
      fc.property(
        fc.array(customerArb, { minLength: 1, maxLength: 40 }), profileArb, fc.constantFrom(...Object.keys(MODELS)), scaleArb, fc.boolean(),
        (drawn, profile, kind, scale, withSpend) => {
          const { summaries, records } = base(drawn, profile);
          const input = prepareInput(summaries, profile, { customers: records });
          const fitted: FitStage = { models: {}, purchase: MODELS[kind](scale), spend: withSpend ? gammaGammaModel({ p: 6.25, q: 3.74, v: 15.44 }) : undefined };
          const run = scoreFitted(input, fitted);
          expect(brokenRules(run, profile, { costs: records.length > 0 })).toEqual([]);
        },
      ),
      { numRuns: 150, seed: 20261201 },
    );
  });

  it('the whole pipeline keeps the rules on small bases (the fallback without a fitted model)', () => {
    fc.assert(
      fc.property(fc.array(customerArb, { minLength: 0, maxLength: 19 }), profileArb, (drawn, profile) => {
        const { summaries, records } = base(drawn, profile);
        const run = scoreCustomers(summaries, profile, { customers: records });
        expect(brokenRules(run, profile, { costs: records.length > 0 })).toEqual([]);
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
