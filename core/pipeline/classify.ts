/**
 * Stage 4: one CustomerScore per customer — churn risk, lifecycle stage, reconciled RFM segment and
 * value at risk by the rules of core/scores/consistency.ts, the satisfaction level, and the classes
 * from the purchase history and the master data.
 */
import type { CustomerScore } from '../types.ts';
import { churnRisk, lifecycleStage, reconciledSegments, valueAtRisk } from '../scores/consistency.ts';
import { satisfactionLevel } from '../scores/satisfaction.ts';
import { frequencyClass, masterClasses, repeatMedian } from '../scores/classes.ts';
import type { ScoreInput } from './input.ts';
import type { Predictions } from './predict.ts';
import type { Ranking } from './rank.ts';

export function classify(input: ScoreInput, p: Predictions, r: Ranking): CustomerScore[] {
  const { rows, profile, scoreDay, records, surveys } = input;
  const n = rows.length;
  const frequencies = new Float64Array(n);
  for (let i = 0; i < n; i++) frequencies[i] = rows[i].frequency;
  const median = repeatMedian(frequencies);
  const classOpts = { homeRegion: profile.homeRegion, homeCountry: profile.homeCountry, receivables: profile.receivables };
  const segmentOf = reconciledSegments(r.rfmOptions.segments);
  // Values with few distinct forms are shared, frozen, between the customers that have them: the
  // classes of customers without master data (one per frequency class) and the RFM scores.
  const onlyFrequency: Record<string, Readonly<Record<string, string>>> = {};
  const rfmOf = sharedRfm();
  const customers: CustomerScore[] = new Array(n);
  const iv = p.intervals;
  const withIntervals = !!iv && 'level' in iv.report;
  const { tier, reason } = r.tiers;
  const { r: rs, f: fs, m: ms, r5, fm5 } = r.rfm;
  for (let i = 0; i < n; i++) {
    const s = rows[i];
    const pAlive = p.pAlive[i];
    const risk = churnRisk(pAlive, scoreDay - s.lastDay, profile.churn);
    const survey = surveys.size ? surveys.get(s.id) : undefined;
    const rec = records.size ? records.get(s.id) : undefined;
    const frequency = frequencyClass(s.transactions, s.frequency, median);
    // One literal with every field, in one fixed order (no spreads, no fields added one at a time):
    // a million customers make a million of these.
    const c: CustomerScore = {
      id: s.id, summary: s, pAlive, expectedPurchases: p.expectedPurchases[i], expectedSpend: p.expectedSpend[i], clv: p.clv[i],
      historicValue: p.historic[i],
      tier: tier[i],
      tierReason: reason[i],
      rfm: rfmOf(rs[i], fs[i], ms[i], segmentOf(r5[i], fm5[i], pAlive, p.lost[i] === 1)),
      lifecycleStage: lifecycleStage(risk, s.transactions, scoreDay - s.firstDay),
      churnRisk: risk,
      valueIfAlive: p.valueIfAlive[i],
      valueAtRisk: valueAtRisk(p.valueIfAlive[i], pAlive),
      valueClass: r.valueClass[i],
      satisfactionLevel: survey ? satisfactionLevel(survey, s.lastDay) : null,
      classes: rec ? { frequency, ...masterClasses(rec, classOpts) } : (onlyFrequency[frequency] ??= Object.freeze({ frequency })),
    };
    if (withIntervals) c.intervals = { clv: [iv!.clvLow[i], iv!.clvHigh[i]], expectedPurchases: [iv!.expectedLow[i], iv!.expectedHigh[i]] };
    if (iv?.dert) c.dert = iv.dert[i];
    customers[i] = c;
  }
  return customers;
}

/** One frozen { r, f, m, segment } per distinct combination (scores are 1 … 255, segments a handful). */
function sharedRfm(): (r: number, f: number, m: number, segment: string) => CustomerScore['rfm'] {
  const known = new Map<string, Map<number, CustomerScore['rfm']>>();
  return (r, f, m, segment) => {
    let bySegment = known.get(segment);
    if (!bySegment) known.set(segment, (bySegment = new Map()));
    const key = (r * 256 + f) * 256 + m;
    let v = bySegment.get(key);
    if (!v) bySegment.set(key, (v = Object.freeze({ r, f, m, segment })));
    return v;
  };
}
