/**
 * The one table of time units for the whole core: how many days a unit lasts and how many units
 * make the default one-year horizon. A month is 365.25 / 12 days everywhere (recency, T, the
 * horizon, the discount rate, the holdout length), so a year of months is exactly a year of days.
 */
import type { TimeUnit } from './types.ts';

/** Mean length of a calendar year in days (the Julian year). */
export const DAYS_PER_YEAR = 365.25;

/** Length of one time unit in days. */
export const UNIT_DAYS: Readonly<Record<TimeUnit, number>> = { day: 1, week: 7, month: DAYS_PER_YEAR / 12 };

/** The default CLV horizon: one year in the unit (52 weeks, 365 days, 12 months). */
export const ONE_YEAR: Readonly<Record<TimeUnit, number>> = { day: 365, week: 52, month: 12 };

export function unitDays(unit: TimeUnit): number {
  const days = UNIT_DAYS[unit];
  if (days === undefined) throw new Error(`Unknown time unit: ${unit}`);
  return days;
}

export function oneYearHorizon(unit: TimeUnit): number {
  return ONE_YEAR[unit];
}
