/**
 * Customer pyramid tiers, each with its reason.
 * Customers are ranked by value descending, ties broken by id, so rank is unique and stable.
 * The tier itself depends only on the value: tied customers take the percentile and the
 * cumulative share of the last of them, so equal values always land in the same tier, and a tie
 * that straddles a cut falls to the lower tier.
 *
 *   percentile       = 100 × (rank of the last tied customer) / n  (top of 100 → 1; "top 5 %" = percentile ≤ 5)
 *   cumulativeShare  = Σ positive value of customers ranked at or above / Σ positive value
 *
 * zeithaml: platinum = percentile ≤ 5, gold ≤ 20, iron ≤ 50, lead = the rest or value < 0.
 * ibm: by cumulative share of value before the customer (before the last tied one): diamond < 50 %, gold < 75 %,
 *      silver < 95 %, other = the rest or value ≤ 0.
 * pareto: focus = percentile ≤ 20, keep ≤ 80, review = the rest.
 * custom: by percentile (cuts ascending, e.g. [1, 5, 20]) or by value (cuts descending);
 *         labels.length = cuts.length + 1, the last label takes the rest.
 */
import type { TierScheme } from '../config.ts';
import { orderDesc, tieEnd } from './rank.ts';

export interface TierReason {
  rank: number;
  percentile: number;
  cumulativeShare: number;
  value: number;
}

export interface TierResult {
  tier: string[];
  reason: TierReason[];
  /** Tier keys of the scheme, top first. */
  order: string[];
}

export const TIER_ORDER: Record<Exclude<TierScheme, 'custom'>, string[]> = {
  zeithaml: ['platinum', 'gold', 'iron', 'lead'],
  ibm: ['diamond', 'gold', 'silver', 'other'],
  pareto: ['focus', 'keep', 'review'],
};

export interface CustomTiers {
  by: 'percentile' | 'value';
  cuts: number[];
  labels: string[];
}

export function assignTiers(
  values: ArrayLike<number>,
  ids: ArrayLike<string>,
  scheme: TierScheme,
  custom?: CustomTiers,
): TierResult {
  const n = values.length;
  const order = orderDesc(values, ids);
  const end = tieEnd(values, order);
  let total = 0;
  for (let i = 0; i < n; i++) if (values[i] > 0) total += values[i];
  // cumulative positive value through position p, and before position p
  const cumThrough = new Float64Array(n);
  let acc = 0;
  for (let p = 0; p < n; p++) {
    const v = values[order[p]];
    if (v > 0) acc += v;
    cumThrough[p] = acc;
  }
  const share = (x: number) => (total > 0 ? x / total : 0);
  if (scheme === 'custom' && (!custom || custom.labels.length !== custom.cuts.length + 1)) {
    throw new Error('Custom tiers need cut points and one more label than cuts');
  }
  const tierOrder = scheme === 'custom' ? custom!.labels.slice() : TIER_ORDER[scheme];
  // Each customer's rank, then the tiers and reasons made in customer order (objects made in the
  // order they are read later sit next to each other in memory).
  const rank = new Int32Array(n);
  for (let p = 0; p < n; p++) rank[order[p]] = p;
  const tier: string[] = [];
  const reason: TierReason[] = [];
  for (let i = 0; i < n; i++) {
    const p = rank[i];
    const v = values[i];
    const e = end[i];
    const groupPercentile = (100 * (e + 1)) / n;
    const shareBefore = share(cumThrough[e] - Math.max(0, v));
    reason.push({ rank: p + 1, percentile: groupPercentile, cumulativeShare: share(cumThrough[p]), value: v });
    tier.push(tierFor(scheme, v, groupPercentile, shareBefore, custom));
  }
  return { tier, reason, order: tierOrder };
}

function tierFor(scheme: TierScheme, v: number, pct: number, shareBefore: number, custom?: CustomTiers): string {
  switch (scheme) {
    case 'zeithaml':
      if (v < 0) return 'lead';
      return pct <= 5 ? 'platinum' : pct <= 20 ? 'gold' : pct <= 50 ? 'iron' : 'lead';
    case 'ibm':
      if (v <= 0) return 'other';
      return shareBefore < 0.5 ? 'diamond' : shareBefore < 0.75 ? 'gold' : shareBefore < 0.95 ? 'silver' : 'other';
    case 'pareto':
      return pct <= 20 ? 'focus' : pct <= 80 ? 'keep' : 'review';
    case 'custom': {
      const c = custom!;
      for (let k = 0; k < c.cuts.length; k++) {
        if (c.by === 'percentile' ? pct <= c.cuts[k] : v >= c.cuts[k]) return c.labels[k];
      }
      return c.labels[c.cuts.length];
    }
  }
}
