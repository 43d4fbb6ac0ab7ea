/**
 * Churn risk, lifecycle stage, value at risk, period retention rates and cohort retention.
 *
 * Churn risk (per customer, checked in this order):
 *   lost   — no purchase for more than profile.churn.lostAfterDays days, whatever the model says;
 *   low    — P(alive) ≥ lowRiskPAlive;  high — P(alive) < highRiskPAlive;  medium — in between.
 * Lifecycle stage:
 *   exploration — in the master data but no purchase yet (counted in the retention report);
 *   lost        — churn risk is lost;
 *   formation   — at most 2 transactions and first purchase at most `formationDays` (default 180) ago;
 *   stable      — a repeat buyer with P(alive) ≥ lowRiskPAlive;
 *   decline     — everyone else (P(alive) has fallen below the low-risk threshold, or a
 *                 one-time buyer who never came back within the formation window).
 * Period retention: with periods as numbered by CustomerSummary.activePeriods (profile.retentionPeriod),
 *   active(k)   = customers with a purchase in period k,
 *   retained(k) = customers with a purchase in period k AND in period k + 1,
 *   retention(k) = retained(k) / active(k), churn(k) = 1 − retention(k),
 *   for every k up to the last period but one (the last period has no "next" yet).
 * Cohort matrix: cohort = first active period; cell [cohort][j] = share of the cohort's customers
 *   with a purchase in period cohort + j (j = 0 is always 1).
 */
import type { ChurnRisk, CustomerSummary, LifecycleStage } from '../types.ts';

export interface ChurnThresholds {
  lowRiskPAlive: number;
  highRiskPAlive: number;
  lostAfterDays: number;
}

export const DEFAULT_FORMATION_DAYS = 180;

export function churnRisk(pAlive: number, daysSinceLast: number, t: ChurnThresholds): ChurnRisk {
  if (daysSinceLast > t.lostAfterDays) return 'lost';
  if (pAlive >= t.lowRiskPAlive) return 'low';
  if (pAlive < t.highRiskPAlive) return 'high';
  return 'medium';
}

export function lifecycleStage(
  risk: ChurnRisk,
  pAlive: number,
  transactions: number,
  daysSinceFirst: number,
  t: ChurnThresholds,
  formationDays = DEFAULT_FORMATION_DAYS,
): LifecycleStage {
  if (risk === 'lost') return 'lost';
  if (transactions <= 2 && daysSinceFirst <= formationDays) return 'formation';
  if (transactions >= 2 && pAlive >= t.lowRiskPAlive) return 'stable';
  return 'decline';
}

/** CLV × (1 − P(alive)); never negative. */
export function valueAtRisk(clv: number, pAlive: number): number {
  return Math.max(0, clv) * (1 - pAlive);
}

export interface PeriodRate {
  period: number;
  active: number;
  retained: number;
  retention: number;
  churn: number;
}

export function periodRetention(summaries: ArrayLike<Pick<CustomerSummary, 'activePeriods'>>): PeriodRate[] {
  const active = new Map<number, number>();
  const retained = new Map<number, number>();
  let last = -Infinity;
  for (let i = 0; i < summaries.length; i++) {
    const ps = summaries[i].activePeriods;
    for (let j = 0; j < ps.length; j++) {
      const k = ps[j];
      active.set(k, (active.get(k) ?? 0) + 1);
      if (j + 1 < ps.length && ps[j + 1] === k + 1) retained.set(k, (retained.get(k) ?? 0) + 1);
      if (k > last) last = k;
    }
  }
  const out: PeriodRate[] = [];
  for (const k of [...active.keys()].sort((a, b) => a - b)) {
    if (k >= last) continue;
    const a = active.get(k)!;
    const r = retained.get(k) ?? 0;
    out.push({ period: k, active: a, retained: r, retention: r / a, churn: 1 - r / a });
  }
  return out;
}

export interface CohortRow {
  cohort: number;
  size: number;
  /** retention[j] = share of the cohort active in period cohort + j. */
  retention: number[];
}

/** Cohort retention matrix; `lastPeriod` bounds the columns (defaults to the last active period seen). */
export function cohortMatrix(
  summaries: ArrayLike<Pick<CustomerSummary, 'activePeriods'>>,
  lastPeriod?: number,
): CohortRow[] {
  const counts = new Map<number, number[]>();
  let last = lastPeriod ?? -Infinity;
  if (lastPeriod === undefined) {
    for (let i = 0; i < summaries.length; i++) {
      const ps = summaries[i].activePeriods;
      if (ps.length && ps[ps.length - 1] > last) last = ps[ps.length - 1];
    }
  }
  for (let i = 0; i < summaries.length; i++) {
    const ps = summaries[i].activePeriods;
    if (!ps.length) continue;
    const c = ps[0];
    let row = counts.get(c);
    if (!row) {
      row = new Array<number>(Math.max(1, last - c + 1)).fill(0);
      counts.set(c, row);
    }
    for (const k of ps) if (k - c < row.length) row[k - c]++;
  }
  return [...counts.keys()]
    .sort((a, b) => a - b)
    .map((c) => {
      const row = counts.get(c)!;
      return { cohort: c, size: row[0], retention: row.map((x) => x / row[0]) };
    });
}

/** Cohort matrices per acquisition channel, channels sorted; customers without a channel are skipped. */
export function cohortsByChannel(
  summaries: ArrayLike<Pick<CustomerSummary, 'id' | 'activePeriods'>>,
  channelOf: (id: string) => string | undefined,
): Record<string, CohortRow[]> {
  let last = -Infinity;
  const groups = new Map<string, Pick<CustomerSummary, 'activePeriods'>[]>();
  for (let i = 0; i < summaries.length; i++) {
    const s = summaries[i];
    const ps = s.activePeriods;
    if (ps.length && ps[ps.length - 1] > last) last = ps[ps.length - 1];
    const ch = channelOf(s.id);
    if (!ch) continue;
    let g = groups.get(ch);
    if (!g) groups.set(ch, (g = []));
    g.push(s);
  }
  const out: Record<string, CohortRow[]> = {};
  for (const ch of [...groups.keys()].sort()) out[ch] = cohortMatrix(groups.get(ch)!, last);
  return out;
}
