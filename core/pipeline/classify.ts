/**
 * Stage 4: one CustomerScore per customer — churn risk, lifecycle stage, reconciled RFM segment and
 * value at risk by the rules of core/scores/consistency.ts, the satisfaction level, and the classes
 * from the purchase history and the master data.
 */
import type { CustomerScore } from '../types.ts';
import { churnRisk, lifecycleStage, reconciledSegment, valueAtRisk } from '../scores/consistency.ts';
import { satisfactionLevel } from '../scores/satisfaction.ts';
import { frequencyClass, masterClasses, repeatMedian } from '../scores/classes.ts';
import type { ScoreInput } from './input.ts';
import type { Predictions } from './predict.ts';
import type { Ranking } from './rank.ts';

export function classify(input: ScoreInput, p: Predictions, r: Ranking): CustomerScore[] {
  const { rows, profile, scoreDay, records, surveys } = input;
  const median = repeatMedian(rows.map((s) => s.frequency));
  const classOpts = { homeRegion: profile.homeRegion, homeCountry: profile.homeCountry, receivables: profile.receivables };
  const customers: CustomerScore[] = new Array(rows.length);
  const iv = p.intervals;
  const withIntervals = !!iv && 'level' in iv.report;
  for (let i = 0; i < rows.length; i++) {
    const s = rows[i];
    const risk = churnRisk(p.pAlive[i], scoreDay - s.lastDay, profile.churn);
    const survey = surveys.get(s.id);
    // Built field by field in one fixed order (no spreads): a million customers make a million of these.
    const c = { id: s.id, summary: s, pAlive: p.pAlive[i], expectedPurchases: p.expectedPurchases[i], expectedSpend: p.expectedSpend[i], clv: p.clv[i] } as CustomerScore;
    if (withIntervals) c.intervals = { clv: [iv!.clvLow[i], iv!.clvHigh[i]], expectedPurchases: [iv!.expectedLow[i], iv!.expectedHigh[i]] };
    if (iv?.dert) c.dert = iv.dert[i];
    c.historicValue = p.historic[i];
    c.tier = r.tiers.tier[i];
    c.tierReason = r.tiers.reason[i];
    c.rfm = {
      r: r.rfm.r[i], f: r.rfm.f[i], m: r.rfm.m[i],
      segment: reconciledSegment(r.rfm.r5[i], r.rfm.fm5[i], p.pAlive[i], p.lost[i] === 1, r.rfmOptions.segments),
    };
    c.lifecycleStage = lifecycleStage(risk, s.transactions, scoreDay - s.firstDay);
    c.churnRisk = risk;
    c.valueIfAlive = p.valueIfAlive[i];
    c.valueAtRisk = valueAtRisk(p.valueIfAlive[i], p.pAlive[i]);
    c.valueClass = r.valueClass[i];
    c.satisfactionLevel = survey ? satisfactionLevel(survey, s.lastDay) : null;
    const rec = records.get(s.id);
    const frequency = frequencyClass(s.transactions, s.frequency, median);
    c.classes = rec ? { frequency, ...masterClasses(rec, classOpts) } : { frequency };
    customers[i] = c;
  }
  return customers;
}
