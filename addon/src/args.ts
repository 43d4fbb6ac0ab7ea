/**
 * Argument checks for the custom functions. Sheets passes a range as a 2-D array and a single
 * cell as a scalar; every error names the function and the bad argument.
 */
import type { Cell, Locale } from '../../core/types.ts';
import { dayToIso, isAmbiguousCode, parseDateCell, resolveDateCode, ambiguousOrders } from '../../core/dates.ts';
import './gas.ts';

export class ArgError extends Error {}

const fail = (fn: string, msg: string): never => {
  throw new ArgError(`${fn}: ${msg}`);
};

function isDate(v: unknown): v is Date {
  // Cross-realm safe (a Date from another V8 context fails instanceof).
  return Object.prototype.toString.call(v) === '[object Date]';
}

const blank = (v: unknown) => v === null || v === undefined || v === '';

/** A single column or row → a flat list of cells. */
export function column(arg: unknown, name: string, fn: string): Cell[] {
  if (!Array.isArray(arg)) return blank(arg) ? [] : [arg as Cell];
  if (arg.length === 0) return [];
  const rows = arg as Cell[][];
  if (!Array.isArray(rows[0])) return rows as unknown as Cell[];
  if (rows[0].length === 1) return rows.map((r) => r[0]);
  if (rows.length === 1) return rows[0].slice();
  return fail(fn, `${name} must be a single column or row, got ${rows.length}×${rows[0].length} cells`);
}

/** Columns of equal length, trailing all-blank rows dropped (open ranges like A2:A). */
export function columns(fn: string, named: [string, unknown][]): Cell[][] {
  const cols = named.map(([name, v]) => column(v, name, fn));
  const n = cols[0].length;
  cols.forEach((c, i) => {
    if (c.length !== n) fail(fn, `${named[i][0]} has ${c.length} cells but ${named[0][0]} has ${n}; give ranges of the same size`);
  });
  let end = n;
  while (end > 0 && cols.every((c) => blank(c[end - 1]))) end--;
  return cols.map((c) => (end === n ? c : c.slice(0, end)));
}

/** The spreadsheet's time zone (custom functions may read it), else the script's. */
export function sheetTimeZone(): string {
  try {
    const tz = SpreadsheetApp.getActive()?.getSpreadsheetTimeZone();
    if (tz) return tz;
  } catch {
    // no active spreadsheet (e.g. run from the editor)
  }
  return 'UTC';
}

/**
 * Turns date cells into `YYYY-MM-DD` in the spreadsheet's zone: Sheets hands dates over as
 * midnight in that zone. Memoized because an order table has few distinct days.
 */
export function dayFormatter(timeZone: string): (v: Cell) => Cell {
  const memo = new Map<number, string>();
  return (v) => {
    if (!isDate(v)) return v;
    const t = v.getTime();
    if (Number.isNaN(t)) return '';
    let s = memo.get(t);
    if (s === undefined) {
      s = Utilities.formatDate(v, timeZone, 'yyyy-MM-dd') as string;
      memo.set(t, s);
    }
    return s;
  };
}

/** Locales that write a date as month/day/year; every other one reads `1/7/2024` day first. */
const MONTH_FIRST = ['en_us', 'en_ph', 'es_us', 'zh', 'ja', 'ko'];

/** The day/month order of `a/b/yyyy` dates in the spreadsheet's locale. */
export function localeDateOrder(): 'MDY' | 'DMY' {
  const l = spreadsheetLocaleCode().toLowerCase();
  return l === '' || MONTH_FIRST.some((p) => l === p || l.startsWith(p + '_') || (p.length === 2 && l.startsWith(p))) ? 'MDY' : 'DMY';
}

/**
 * An explicit as-of date, read as the date columns are read (core/dates.ts): a date cell, a date
 * serial (45474), `2024-07-01`, `2024/07/01`, `2024年7月1日`, `20240701`, or `7/1/2024` in the
 * spreadsheet's day/month order (a value only one order allows is read that way).
 */
export function asOfArg(v: unknown, fn: string, timeZone: string): string {
  const one = Array.isArray(v) ? (v.length === 1 && Array.isArray(v[0]) && v[0].length === 1 ? v[0][0] : v) : v;
  if (isDate(one)) {
    if (!Number.isNaN(one.getTime())) return dayFormatter(timeZone)(one) as string;
  } else if (typeof one === 'string' || typeof one === 'number') {
    let code = parseDateCell(one, timeZone);
    if (isAmbiguousCode(code)) {
      const orders = ambiguousOrders(code);
      code = resolveDateCode(code, orders === 1 ? 'MDY' : orders === 2 ? 'DMY' : localeDateOrder());
    }
    if (Number.isFinite(code)) return dayToIso(code);
  }
  return fail(fn, `as_of must be a date (a date cell, 2024-07-01, 2024/07/01 or a date serial), got ${JSON.stringify(one ?? null)}`);
}

/**
 * A yearly rate or share from 0 to 1: `0.1`, a cell formatted as 10 % (Sheets passes 0.1), or
 * text `"10%"`. A bare number above 1 is rejected: 10 would be 1000 %/year.
 */
export function rateArg(v: unknown, name: string, fn: string, dflt: number): number {
  if (blank(v)) return dflt;
  let x = NaN;
  if (typeof v === 'number') x = v;
  else if (typeof v === 'string') {
    const t = v.trim();
    x = t.endsWith('%') ? Number(t.slice(0, -1).trim()) / 100 : t === '' ? NaN : Number(t);
  }
  if (!Number.isFinite(x) || x < 0) fail(fn, `${name} must be a number from 0 to 1 (0.1 = 10 %), got ${JSON.stringify(v)}`);
  if (x > 1) fail(fn, `${name} must be from 0 to 1 (0.1 = 10 %), got ${JSON.stringify(v)}; write "${x}%" if you mean ${x} %`);
  return x;
}

/** An optional number within bounds. */
export function numberArg(
  v: unknown, name: string, fn: string, dflt: number,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (blank(v)) return dflt;
  const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  const bad = !Number.isFinite(x)
    || (opts.integer && !Number.isInteger(x))
    || (opts.min !== undefined && x < opts.min)
    || (opts.max !== undefined && x > opts.max);
  if (bad) {
    const range = [opts.min !== undefined ? `≥ ${opts.min}` : '', opts.max !== undefined ? `≤ ${opts.max}` : ''].filter(Boolean).join(' and ');
    fail(fn, `${name} must be ${opts.integer ? 'a whole number' : 'a number'}${range ? ' ' + range : ''}, got ${JSON.stringify(v)}`);
  }
  return x;
}

/** An optional choice from a fixed list. */
export function choiceArg<T extends string>(v: unknown, name: string, fn: string, dflt: T, allowed: readonly T[]): T {
  if (blank(v)) return dflt;
  const s = String(v).trim().toLowerCase();
  const hit = allowed.find((a) => a.toLowerCase() === s);
  if (!hit) fail(fn, `${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(v)}`);
  return hit as T;
}

/** Labels in Chinese when asked, or when the spreadsheet's locale is Chinese. */
export function localeArg(v: unknown, fn: string): Locale {
  if (!blank(v)) {
    const s = String(v).trim().toLowerCase();
    if (s === 'en' || s.startsWith('en')) return 'en';
    if (s.startsWith('zh')) return 'zh-CN';
    fail(fn, `locale must be "en" or "zh-CN", got ${JSON.stringify(v)}`);
  }
  return spreadsheetLocale();
}

export function spreadsheetLocale(): Locale {
  return spreadsheetLocaleCode().toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The spreadsheet's locale code (`en_US`, `zh_CN`, `de_DE`), '' when there is none. */
export function spreadsheetLocaleCode(): string {
  try {
    return String(SpreadsheetApp.getActive()?.getSpreadsheetLocale() ?? '');
  } catch {
    return '';
  }
}
