/**
 * Day numbers (days since 1970-01-01) ↔ 'YYYY-MM-DD' for reports; the civil-date arithmetic
 * itself lives in core/dates.ts.
 */
import { civilToDay, dayToIso } from '../dates.ts';
import type { DayNumber } from '../types.ts';

export { dayToIso };

/** 'YYYY-MM-DD' → day number; throws on anything else. */
export function isoToDay(iso: string): DayNumber {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso.trim());
  if (!m) throw new Error(`Expected a date as YYYY-MM-DD, got "${iso}"`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) throw new Error(`Not a calendar date: "${iso}"`);
  return civilToDay(y, mo, d);
}

/** Fixed-point number for text output, without locale-dependent grouping. */
export function fixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '';
}
