/**
 * Satisfaction ladder from survey answers and observed behaviour.
 * Only each customer's latest response counts (same-day ties: the one giving the higher level,
 * then higher CSAT, then higher NPS — so row order never matters).
 *
 *   satisfied   = CSAT ≥ 4 when CSAT is given; else NPS ≥ 7 when NPS is given;
 *                 else a "will return" or "will recommend" yes; no evidence at all → null.
 *   level 0     dissatisfied (not satisfied)
 *   level 1     satisfied                                   我满意
 *   level 2     satisfied and returns: "will return" yes, or a purchase observed after the
 *               survey day (last purchase day > survey day)  我满意，下次还会来
 *   level 3     level 2 and recommends: "will recommend" yes or NPS 9–10 (promoter)
 *                                                           我满意，不仅我会来，还会推荐朋友来
 * CSAT % = share of CSAT answers that are 4 or 5; NPS = % promoters (9–10) − % detractors (0–6).
 */
import type { SurveyResponse, SurveyStats } from '../types.ts';

export type { SurveyStats };

export type SatisfactionLevel = 0 | 1 | 2 | 3;

export function satisfactionLevel(r: SurveyResponse, lastPurchaseDay?: number): SatisfactionLevel | null {
  let satisfied: boolean | null = null;
  if (r.csat !== undefined && Number.isFinite(r.csat)) satisfied = r.csat >= 4;
  else if (r.nps !== undefined && Number.isFinite(r.nps)) satisfied = r.nps >= 7;
  else if (r.willReturn || r.willRecommend) satisfied = true;
  if (satisfied === null) return null;
  if (!satisfied) return 0;
  const returns = r.willReturn === true || (lastPurchaseDay !== undefined && lastPurchaseDay > r.day);
  if (!returns) return 1;
  const recommends = r.willRecommend === true || (r.nps !== undefined && r.nps >= 9);
  return recommends ? 3 : 2;
}

function betterSameDay(a: SurveyResponse, b: SurveyResponse): boolean {
  const la = satisfactionLevel(a) ?? -1;
  const lb = satisfactionLevel(b) ?? -1;
  if (la !== lb) return la > lb;
  const ca = a.csat ?? -1;
  const cb = b.csat ?? -1;
  if (ca !== cb) return ca > cb;
  return (a.nps ?? -1) > (b.nps ?? -1);
}

/** The latest response of each customer. */
export function latestResponses(responses: ArrayLike<SurveyResponse>): Map<string, SurveyResponse> {
  const latest = new Map<string, SurveyResponse>();
  for (let i = 0; i < responses.length; i++) {
    const r = responses[i];
    const prev = latest.get(r.customerId);
    if (!prev || r.day > prev.day || (r.day === prev.day && betterSameDay(r, prev))) latest.set(r.customerId, r);
  }
  return latest;
}

export function surveyStats(responses: Iterable<SurveyResponse>, levels: Iterable<number | null>): SurveyStats {
  let n = 0, csatN = 0, csatTop = 0, npsN = 0, promoters = 0, detractors = 0;
  for (const r of responses) {
    n++;
    if (r.csat !== undefined && Number.isFinite(r.csat)) {
      csatN++;
      if (r.csat >= 4) csatTop++;
    }
    if (r.nps !== undefined && Number.isFinite(r.nps)) {
      npsN++;
      if (r.nps >= 9) promoters++;
      else if (r.nps <= 6) detractors++;
    }
  }
  const counts: Record<string, number> = { '0': 0, '1': 0, '2': 0, '3': 0 };
  let withLevel = 0;
  for (const l of levels) {
    if (l === null) continue;
    counts[String(l)]++;
    withLevel++;
  }
  const shares: Record<string, number> = {};
  for (const k of Object.keys(counts)) shares[k] = withLevel ? counts[k] / withLevel : 0;
  return {
    responses: n,
    csat: csatN ? (100 * csatTop) / csatN : null,
    nps: npsN ? (100 * (promoters - detractors)) / npsN : null,
    levels: counts,
    levelShares: shares,
  };
}

/** NPS of a set of responses, or null without NPS answers. */
export function npsOf(responses: Iterable<SurveyResponse | undefined>): number | null {
  let n = 0, p = 0, d = 0;
  for (const r of responses) {
    if (!r || r.nps === undefined || !Number.isFinite(r.nps)) continue;
    n++;
    if (r.nps >= 9) p++;
    else if (r.nps <= 6) d++;
  }
  return n ? (100 * (p - d)) / n : null;
}
