/**
 * Day numbers (days since 1970-01-01) ↔ 'YYYY-MM-DD' for reports; the civil-date arithmetic
 * itself lives in core/dates.ts.
 */
import { dayToIso, parseIsoDay } from '../dates.ts';
import type { DayNumber } from '../types.ts';

export { dayToIso };

/** 'YYYY-MM-DD' → day number; throws on anything else (the parsing is core/dates.ts `parseIsoDay`). */
export function isoToDay(iso: string): DayNumber {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso.trim())) throw new Error(`Expected a date as YYYY-MM-DD, got "${iso}"`);
  const day = parseIsoDay(iso);
  if (!Number.isFinite(day)) throw new Error(`Not a calendar date: "${iso}"`);
  return day;
}

/** Fixed-point number for text output, without locale-dependent grouping. */
export function fixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '';
}
