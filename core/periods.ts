/**
 * Calendar periods for retention rates and cohorts: Monday weeks, calendar months, quarters and
 * years, numbered by `periodIndex` (core/dates.ts) and named by ISO-style labels:
 * `2024-W05` (ISO 8601 week: the year is the year of the week's Thursday), `2024-03`, `2024-Q1`, `2024`.
 */
import { civilToDay, dayToCivil } from './dates.ts';
import type { DayNumber } from './types.ts';

export type CalendarPeriod = 'week' | 'month' | 'quarter' | 'year';

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const mod = (a: number, n: number) => ((a % n) + n) % n;

/** First day of period `k` (the inverse of periodIndex on period starts). */
export function periodStart(k: number, period: CalendarPeriod): DayNumber {
  if (period === 'week') return 7 * k - 3; // day 0 (1970-01-01) is a Thursday
  if (period === 'year') return civilToDay(1970 + k, 1, 1);
  const month = period === 'quarter' ? 3 * k : k;
  return civilToDay(1970 + Math.floor(month / 12), mod(month, 12) + 1, 1);
}

/** The period's label: 2024-W05, 2024-03, 2024-Q1 or 2024. */
export function periodLabel(k: number, period: CalendarPeriod): string {
  if (period === 'week') {
    const thursday = 7 * k;
    const { y } = dayToCivil(thursday);
    return `${pad(y, 4)}-W${pad(Math.floor((thursday - civilToDay(y, 1, 1)) / 7) + 1, 2)}`;
  }
  if (period === 'year') return pad(1970 + k, 4);
  if (period === 'quarter') return `${pad(1970 + Math.floor(k / 4), 4)}-Q${mod(k, 4) + 1}`;
  return `${pad(1970 + Math.floor(k / 12), 4)}-${pad(mod(k, 12) + 1, 2)}`;
}

/** Whether period `k` is over by the end of `day` (its last day is `day` or earlier). */
export function periodComplete(k: number, period: CalendarPeriod, day: DayNumber): boolean {
  return periodStart(k + 1, period) <= day + 1;
}
