/**
 * Period retention rates and cohort retention, on the calendar periods of Profile.retentionPeriod
 * (CustomerSummary.activePeriods holds each customer's active period indices; see core/periods.ts
 * for the labels). Churn risk, lifecycle and value at risk are in ./consistency.ts.
 *
 * Period retention, for each period k with active customers:
 *   active(k)    = customers with a purchase in period k,
 *   retained(k)  = customers with a purchase in period k AND in period k + 1,
 *   retention(k) = retained(k) / active(k), churn(k) = 1 − retention(k).
 *   Period k is reported once period k + 1 has begun by the as-of day; while k + 1 is still
 *   running, retained(k) can still grow, so the row is flagged `partial: true`.
 * Cohort matrix: cohort = first active period; cell [cohort][j] = share of the cohort's customers
 *   with a purchase in period cohort + j (j = 0 is always 1), up to the period holding the as-of
 *   day; when that period is not over yet, the last cell is flagged by `partial: true`.
 */
import type { CohortRow, CustomerSummary, DayNumber, PeriodRate } from '../types.ts';
import { periodIndex } from '../dates.ts';
import { periodComplete, periodLabel, type CalendarPeriod } from '../periods.ts';

export interface PeriodOptions {
  period: CalendarPeriod;
  /** The last day of data (the as-of day, or the calibration end). */
  asOfDay: DayNumber;
}

type Active = Pick<CustomerSummary, 'activePeriods'>;

export function periodRetention(summaries: ArrayLike<Active>, o: PeriodOptions): PeriodRate[] {
  const now = periodIndex(o.asOfDay, o.period);
  const active = new Map<number, number>();
  const retained = new Map<number, number>();
  for (let i = 0; i < summaries.length; i++) {
    const ps = summaries[i].activePeriods;
    for (let j = 0; j < ps.length; j++) {
      const k = ps[j];
      active.set(k, (active.get(k) ?? 0) + 1);
      if (j + 1 < ps.length && ps[j + 1] === k + 1) retained.set(k, (retained.get(k) ?? 0) + 1);
    }
  }
  const out: PeriodRate[] = [];
  for (const k of [...active.keys()].sort((a, b) => a - b)) {
    if (k >= now) continue; // period k + 1 has not begun
    const a = active.get(k)!;
    const r = retained.get(k) ?? 0;
    out.push({ period: periodLabel(k, o.period), active: a, retained: r, retention: r / a, churn: 1 - r / a, partial: !periodComplete(k + 1, o.period, o.asOfDay) });
  }
  return out;
}

/** Cohort retention matrix up to the period holding the as-of day. */
export function cohortMatrix(summaries: ArrayLike<Active>, o: PeriodOptions): CohortRow[] {
  const now = periodIndex(o.asOfDay, o.period);
  const partial = !periodComplete(now, o.period, o.asOfDay);
  const counts = new Map<number, number[]>();
  for (let i = 0; i < summaries.length; i++) {
    const ps = summaries[i].activePeriods;
    if (!ps.length || ps[0] > now) continue;
    const c = ps[0];
    let row = counts.get(c);
    if (!row) counts.set(c, (row = new Array<number>(now - c + 1).fill(0)));
    for (const k of ps) if (k - c < row.length) row[k - c]++;
  }
  return [...counts.keys()]
    .sort((a, b) => a - b)
    .map((c) => {
      const row = counts.get(c)!;
      return { cohort: periodLabel(c, o.period), size: row[0], retention: row.map((x) => x / row[0]), partial };
    });
}

/** Cohort matrices per acquisition channel, channels sorted; customers without a channel are skipped. */
export function cohortsByChannel(
  summaries: ArrayLike<Pick<CustomerSummary, 'id' | 'activePeriods'>>,
  channelOf: (id: string) => string | undefined,
  o: PeriodOptions,
): Record<string, CohortRow[]> {
  const groups = new Map<string, Active[]>();
  for (let i = 0; i < summaries.length; i++) {
    const ch = channelOf(summaries[i].id);
    if (!ch) continue;
    let g = groups.get(ch);
    if (!g) groups.set(ch, (g = []));
    g.push(summaries[i]);
  }
  const out: Record<string, CohortRow[]> = {};
  for (const ch of [...groups.keys()].sort()) out[ch] = cohortMatrix(groups.get(ch)!, o);
  return out;
}
