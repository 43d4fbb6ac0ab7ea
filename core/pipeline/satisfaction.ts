/** Stage 7: the satisfaction report — CSAT, NPS and ladder shares overall, per tier and per RFM segment. */
import type { CustomerScore, SatisfactionReport, SurveyStats } from '../types.ts';
import { surveyStats } from '../scores/satisfaction.ts';
import type { ScoreInput } from './input.ts';

export function satisfaction(input: ScoreInput, customers: CustomerScore[]): SatisfactionReport | null {
  const latest = input.surveys;
  if (!latest.size) return null;
  const groupStats = (keyOf: (c: CustomerScore) => string) => {
    const groups = new Map<string, CustomerScore[]>();
    for (const c of customers) {
      if (!latest.has(c.id)) continue;
      const k = keyOf(c);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(c);
    }
    const out: Record<string, SurveyStats> = {};
    for (const k of [...groups.keys()].sort()) {
      const g = groups.get(k)!;
      out[k] = surveyStats(g.map((c) => latest.get(c.id)!), g.map((c) => c.satisfactionLevel));
    }
    return out;
  };
  const buyers = new Set(customers.map((c) => c.id));
  return {
    overall: surveyStats([...latest.keys()].sort().map((id) => latest.get(id)!), customers.map((c) => c.satisfactionLevel)),
    byTier: groupStats((c) => c.tier),
    bySegment: groupStats((c) => c.rfm.segment),
    respondentsWithoutPurchases: [...latest.keys()].filter((id) => !buyers.has(id)).length,
  };
}
