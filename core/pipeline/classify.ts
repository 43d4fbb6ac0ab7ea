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
  for (let i = 0; i < rows.length; i++) {
    const s = rows[i];
    const risk = churnRisk(p.pAlive[i], scoreDay - s.lastDay, profile.churn);
    const survey = surveys.get(s.id);
    customers[i] = {
      id: s.id,
      summary: s,
      pAlive: p.pAlive[i],
      expectedPurchases: p.expectedPurchases[i],
      expectedSpend: p.expectedSpend[i],
      clv: p.clv[i],
      ...(iv && 'level' in iv.report ? { intervals: { clv: [iv.clvLow[i], iv.clvHigh[i]] as [number, number], expectedPurchases: [iv.expectedLow[i], iv.expectedHigh[i]] as [number, number] } } : {}),
      ...(iv?.dert ? { dert: iv.dert[i] } : {}),
      historicValue: p.historic[i],
      tier: r.tiers.tier[i],
      tierReason: r.tiers.reason[i],
      rfm: {
        r: r.rfm.r[i], f: r.rfm.f[i], m: r.rfm.m[i],
        segment: reconciledSegment(r.rfm.r5[i], r.rfm.fm5[i], p.pAlive[i], p.lost[i] === 1, r.rfmOptions.segments),
      },
      lifecycleStage: lifecycleStage(risk, s.transactions, scoreDay - s.firstDay),
      churnRisk: risk,
      valueIfAlive: p.valueIfAlive[i],
      valueAtRisk: valueAtRisk(p.valueIfAlive[i], p.pAlive[i]),
      valueClass: r.valueClass[i],
      satisfactionLevel: survey ? satisfactionLevel(survey, s.lastDay) : null,
      classes: { frequency: frequencyClass(s.transactions, s.frequency, median), ...masterClasses(records.get(s.id), classOpts) },
    };
  }
  return customers;
}
