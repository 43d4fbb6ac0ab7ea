/**
 * The rules that keep a customer's labels in agreement with P(alive). They are defined here once;
 * the scoring pipeline applies them and test/scores/consistency.test.ts checks them as properties
 * over random customer bases, whatever purchase model produced P(alive).
 *
 * 1. Lost window. A customer with no purchase for more than `churn.lostAfterDays` days is lost,
 *    whatever the model says: P(alive) = 0, expected purchases = 0, CLV = 0. The window is the
 *    business's own definition of lost, so it wins over the model (BG/NBD, for one, gives every
 *    one-time buyer P(alive) = 1 however long ago they bought). Inside the window the model rules.
 * 2. Churn risk from P(alive): lost (rule 1); low when P(alive) ≥ lowRiskPAlive; high when
 *    P(alive) < highRiskPAlive; medium in between.
 * 3. Lifecycle stage from churn risk: lost ⇔ risk lost; decline ⇔ risk medium or high; formation
 *    or stable ⇔ risk low — formation for a customer with one purchase so far, or two with the
 *    first at most `formationDays` ago; stable for the other low-risk customers.
 * 4. RFM segment: read from the R × FM grid, then
 *    a. a lost customer is read in the R = 1 row (no recency is worse than "lost");
 *    b. a dormant segment (lost, hibernating) needs P(alive) ≤ 1/2 — "more likely gone than
 *       active"; a customer the model thinks more likely active is read in the R = 3 row instead
 *       (with the default grid: about to sleep).
 * 5. Value at risk = (1 − P(alive)) × value if alive, where value if alive is the CLV the customer
 *    would bring over the horizon if still active (the model's CLV ÷ the model's P(alive), before
 *    rule 1). A lapsing valuable customer has a large value at risk, a lost one all of it.
 * 6. The churn-warning list holds the customers not at low risk with value at risk > 0, largest
 *    value at risk first (ties by id).
 */
import type { ChurnRisk, ChurnWarning, CustomerScore, LifecycleStage } from '../types.ts';
import { segmentOf, type SegmentRule } from './rfm.ts';

export interface ChurnThresholds {
  lowRiskPAlive: number;
  highRiskPAlive: number;
  lostAfterDays: number;
}

export const DEFAULT_FORMATION_DAYS = 180;
/** Rule 4b: dormant RFM segments need P(alive) at or below this. */
export const DORMANT_MAX_PALIVE = 0.5;
/** Rule 4b: the segments that say "gone or nearly gone". */
export const DORMANT_SEGMENTS: readonly string[] = ['lost', 'hibernating'];

/** Rule 1. */
export function isLost(daysSinceLast: number, t: ChurnThresholds): boolean {
  return daysSinceLast > t.lostAfterDays;
}

/** Rule 2. `pAlive` is the customer's P(alive) after rule 1. */
export function churnRisk(pAlive: number, daysSinceLast: number, t: ChurnThresholds): ChurnRisk {
  if (isLost(daysSinceLast, t)) return 'lost';
  if (pAlive >= t.lowRiskPAlive) return 'low';
  if (pAlive < t.highRiskPAlive) return 'high';
  return 'medium';
}

/** Rule 3. */
export function lifecycleStage(
  risk: ChurnRisk,
  transactions: number,
  daysSinceFirst: number,
  formationDays = DEFAULT_FORMATION_DAYS,
): LifecycleStage {
  if (risk === 'lost') return 'lost';
  if (risk !== 'low') return 'decline';
  if (transactions <= 1 || (transactions === 2 && daysSinceFirst <= formationDays)) return 'formation';
  return 'stable';
}

/**
 * Rule 4: the segment at grid position (r5, fm5) on the 1–5 scale, reconciled with P(alive) and
 * the lost window.
 */
export function reconciledSegment(r5: number, fm5: number, pAlive: number, lost: boolean, rules?: SegmentRule[]): string {
  if (lost) return segmentOf(1, fm5, rules);
  const segment = segmentOf(r5, fm5, rules);
  if (!DORMANT_SEGMENTS.includes(segment) || pAlive <= DORMANT_MAX_PALIVE) return segment;
  for (let r = Math.max(r5, 3); r <= 5; r++) {
    const s = segmentOf(r, fm5, rules);
    if (!DORMANT_SEGMENTS.includes(s)) return s;
  }
  return segment;
}

/**
 * Rule 4 as a lookup: `reconciledSegment` with the given rules, each distinct (r5, fm5, lost,
 * P(alive) ≤ 1/2) worked out once (the segment depends on P(alive) only through that comparison).
 */
export function reconciledSegments(rules?: SegmentRule[]): (r5: number, fm5: number, pAlive: number, lost: boolean) => string {
  const known = new Array<string | undefined>(3 * 64);
  return (r5, fm5, pAlive, lost) => {
    // NaN P(alive) compares as above 1/2, as in reconciledSegment.
    const state = lost ? 0 : pAlive <= DORMANT_MAX_PALIVE ? 1 : 2;
    if (!(r5 >= 0 && r5 < 8 && fm5 >= 0 && fm5 < 8 && r5 % 1 === 0 && fm5 % 1 === 0)) return reconciledSegment(r5, fm5, pAlive, lost, rules);
    const k = state * 64 + r5 * 8 + fm5;
    return (known[k] ??= reconciledSegment(r5, fm5, pAlive, lost, rules));
  };
}

/** Rule 5. Never negative. */
export function valueAtRisk(valueIfAlive: number, pAlive: number): number {
  const v = Math.max(0, valueIfAlive) * (1 - Math.min(1, Math.max(0, pAlive)));
  return Number.isFinite(v) ? v : 0;
}

/**
 * Rule 5's value if alive from a model's CLV and P(alive) (before rule 1): the customer's expected
 * purchases factor as P(alive) × purchases if alive, so CLV ÷ P(alive) is the CLV if alive.
 * `ifZero` is used when the model gives P(alive) = 0.
 */
export function valueIfAlive(clv: number, modelPAlive: number, ifZero: number): number {
  const v = modelPAlive > 0 ? clv / modelPAlive : ifZero;
  return Number.isFinite(v) ? v : 0;
}

/** Rule 6: the `size` customers with the largest value at risk among those not at low risk. */
export function churnWarnings(customers: readonly CustomerScore[], size: number): ChurnWarning[] {
  const atRisk: CustomerScore[] = [];
  for (let i = 0; i < customers.length; i++) {
    const c = customers[i];
    if (c.churnRisk !== 'low' && c.valueAtRisk > 0) atRisk.push(c);
  }
  // Only the `size` largest values can make the list: keep those at or above the size-th largest
  // (found by a numeric sort of the values alone), then order just them.
  let top = atRisk;
  if (size >= 0 && atRisk.length > size) {
    const values = new Float64Array(atRisk.length);
    for (let i = 0; i < atRisk.length; i++) values[i] = atRisk[i].valueAtRisk;
    values.sort();
    const floor = size > 0 ? values[values.length - size] : Infinity;
    top = [];
    for (let i = 0; i < atRisk.length; i++) if (atRisk[i].valueAtRisk >= floor) top.push(atRisk[i]);
  }
  return top
    .sort((a, b) => b.valueAtRisk - a.valueAtRisk || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, size)
    .map((c) => ({
      id: c.id, tier: c.tier, clv: c.clv, pAlive: c.pAlive, valueIfAlive: c.valueIfAlive, valueAtRisk: c.valueAtRisk, churnRisk: c.churnRisk,
    }));
}
