/**
 * Calendar days and the date styles real exports use.
 *
 * A parsed date is a *date code*: either a resolved day number (days since 1970-01-01) or, for
 * `a/b/yyyy` values whose day/month order is not known yet, an "ambiguous" code that keeps the
 * raw parts. The order is decided once for the whole column (see `decideDateOrder`), then
 * `resolveDateCode` turns every code into a day. Hand-written because general parsers
 * (Date.parse) neither know these styles nor decide D/M order per column; see bench/ingest.bench.ts.
 */
import type { DayNumber } from './types.ts';

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function civilToDay(y: number, m: number, d: number): DayNumber {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of civilToDay. */
export function dayToCivil(day: DayNumber): { y: number; m: number; d: number } {
  const z = Math.floor(day) + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

export function dayToIso(day: DayNumber): string {
  const { y, m, d } = dayToCivil(day);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function validYmd(y: number, m: number, d: number): boolean {
  if (!(m >= 1 && m <= 12 && d >= 1 && y >= 1000 && y <= 9999)) return false;
  const dim = m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= dim;
}

/** Strict `YYYY-MM-DD` → day number, or NaN. */
export function parseIsoDay(s: string): DayNumber {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim());
  if (!m) return NaN;
  const y = +m[1], mo = +m[2], d = +m[3];
  return validYmd(y, mo, d) ? civilToDay(y, mo, d) : NaN;
}

// ---------------------------------------------------------------------------------------------
// Date codes

/** Codes at or above this are ambiguous `p1/p2/year` values awaiting the column's order. */
const AMBIGUOUS = 1_000_000_000;
/** Excel's day 0 is 1899-12-30 (it counts a fictitious 1900-02-29). */
const EXCEL_EPOCH = -25569;

export function isAmbiguousCode(code: number): boolean {
  return code >= AMBIGUOUS;
}

/** For an ambiguous code: which orders are possible (bit 1 = MDY, bit 2 = DMY). */
export function ambiguousOrders(code: number): number {
  const raw = code - AMBIGUOUS;
  const p1 = Math.floor(raw / 100) % 100, p2 = raw % 100, y = Math.floor(raw / 10000);
  return (validYmd(y, p1, p2) ? 1 : 0) | (validYmd(y, p2, p1) ? 2 : 0);
}

/** Ambiguous or resolved code → day number under an order (NaN when invalid in that order). */
export function resolveDateCode(code: number, order: 'MDY' | 'DMY' | 'YMD'): DayNumber {
  if (code < AMBIGUOUS) return code;
  const raw = code - AMBIGUOUS;
  const p1 = Math.floor(raw / 100) % 100, p2 = raw % 100, y = Math.floor(raw / 10000);
  const [m, d] = order === 'DMY' ? [p2, p1] : [p1, p2];
  return validYmd(y, m, d) ? civilToDay(y, m, d) : NaN;
}

/**
 * The column's order from a tally of what its ambiguous values allow: a first part above 12
 * proves D/M, a second part above 12 proves M/D. Evidence for both, or none, falls back to
 * M/D (the common export default), unless more values prove D/M.
 */
export function decideDateOrder(onlyMdy: number, onlyDmy: number): 'MDY' | 'DMY' {
  return onlyDmy > onlyMdy ? 'DMY' : 'MDY';
}

// Offsets of a time zone, cached per 15-minute bucket (zone transitions fall on quarter hours).
const zoneCache = new Map<string, { fmt: Intl.DateTimeFormat; offsets: Map<number, number> }>();

/** Minutes the zone is ahead of UTC at the instant `ms`. */
export function zoneOffsetMinutes(timeZone: string, ms: number): number {
  let z = zoneCache.get(timeZone);
  if (!z) {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    z = { fmt, offsets: new Map() };
    zoneCache.set(timeZone, z);
  }
  const bucket = Math.floor(ms / 900_000);
  let off = z.offsets.get(bucket);
  if (off === undefined) {
    const at = bucket * 900_000;
    const p: Record<string, number> = {};
    for (const part of z.fmt.formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = +part.value;
    off = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - at) / 60_000);
    z.offsets.set(bucket, off);
  }
  return off;
}

/** Calendar day, in the zone, of an instant (ms since the epoch). */
export function instantToDay(ms: number, timeZone: string): DayNumber {
  return Math.floor((ms + zoneOffsetMinutes(timeZone, ms) * 60_000) / 86_400_000);
}

const YMD_RE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const PQY_RE = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:\s*([AaPp])[Mm])?)?$/;
const WEEKDAY_RE = /\s*(?:\(?(?:星期|周|礼拜)[一二三四五六日天]\)?|\(?(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\)?)$/i;

/**
 * One date cell → date code, or NaN when it is no date. Accepts ISO with or without time,
 * milliseconds and offset; `YYYY/M/D H:mm`; `YYYY年M月D日`; `YYYYMMDD`; `M/D/YY(YY)` and
 * `D/M/YYYY` (ambiguous until the column decides); numbers (see `numericDateKind`); a trailing
 * weekday. Dates and times must exist: Feb 30 and `25:99` are no dates.
 * Values with an offset go to their calendar day in `timeZone`; values without one are
 * already local wall-clock times. Date objects (spreadsheet ranges) are instants.
 */
export function parseDateCell(cell: unknown, timeZone: string): number {
  if (typeof cell === 'number') return numberToCode(cell, timeZone);
  if (cell instanceof Date) {
    const ms = cell.getTime();
    return Number.isFinite(ms) ? instantToDay(ms, timeZone) : NaN;
  }
  if (typeof cell !== 'string') return NaN;
  const fast = fastIso(cell);
  if (fast === fast) return fast;
  let s = cell.trim();
  if (s === '') return NaN;
  let m = YMD_RE.exec(s);
  if (!m) {
    const stripped = s.replace(WEEKDAY_RE, '');
    if (stripped !== s) { s = stripped; m = YMD_RE.exec(s); }
  }
  if (m) {
    const y = +m[1], mo = +m[2], d = +m[3];
    if (!validYmd(y, mo, d)) return NaN;
    const day = civilToDay(y, mo, d);
    if (m[4] !== undefined && !validTime(+m[4], +m[5], m[6] ? +m[6] : 0)) return NaN;
    if (m[7] === undefined) return day;
    const h = +m[4], mi = +m[5], sec = m[6] ? +m[6] : 0;
    const off = m[7] === 'Z' ? 0 : (m[7][0] === '-' ? -1 : 1) * (+m[7].slice(1, 3) * 60 + (m[7].length > 3 ? +m[7].slice(-2) : 0));
    const ms = (day * 86400 + h * 3600 + mi * 60 + sec - off * 60) * 1000;
    return instantToDay(ms, timeZone);
  }
  const q = PQY_RE.exec(s);
  if (q) {
    let y = +q[3];
    if (q[3].length === 2) y += y <= 68 ? 2000 : 1900;
    const p1 = +q[1], p2 = +q[2];
    if (p1 < 1 || p2 < 1 || p1 > 31 || p2 > 31) return NaN;
    if (q[4] !== undefined) {
      const h = +q[4];
      if (q[7] && !(h >= 1 && h <= 12)) return NaN; // 12-hour clock: 1–12 AM/PM
      if (!validTime(q[7] ? h % 12 : h, +q[5], q[6] ? +q[6] : 0)) return NaN;
    }
    return AMBIGUOUS + y * 10000 + p1 * 100 + p2;
  }
  if (/^\d+(?:\.\d+)?$/.test(s)) return numberToCode(+s, timeZone);
  return NaN;
}

/** A time of day is valid when hours < 24, minutes < 60 and seconds < 60 (`25:99` is not a time). */
function validTime(h: number, mi: number, sec: number): boolean {
  return h >= 0 && h < 24 && mi >= 0 && mi < 60 && sec >= 0 && sec < 60;
}

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};

/**
 * The commonest style without a regex: `YYYY-MM-DD`, optionally followed by ` HH:MM[:SS]` (no
 * offset). Anything else returns NaN and takes the general path.
 */
function fastIso(s: string): number {
  const n = s.length;
  if (n !== 10 && n !== 16 && n !== 19) return NaN;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  if (n > 10 && (s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || (n === 19 && s.charCodeAt(16) !== 58))) return NaN;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const m = digit(s, 5) * 10 + digit(s, 6), d = digit(s, 8) * 10 + digit(s, 9);
  if (!validYmd(y, m, d)) return NaN;
  if (n > 10) {
    const h = digit(s, 11) * 10 + digit(s, 12), mi = digit(s, 14) * 10 + digit(s, 15);
    const sec = n === 19 ? digit(s, 17) * 10 + digit(s, 18) : 0;
    if (!validTime(h, mi, sec)) return NaN;
  }
  return civilToDay(y, m, d);
}

/** How a number in a date column is read; the ranges do not overlap, so each value decides alone. */
export type NumericDateKind = 'yyyymmdd' | 'excel-serial' | 'epoch-seconds' | 'epoch-milliseconds';

/**
 * `YYYYMMDD` (10000101 – 99991231), Excel serial (20000 – 79999: 1954 – 2119), Unix epoch seconds
 * (1e8 – 1e10: 1973 – 2286) or milliseconds (1e11 – 1e13); anything else is no date.
 */
export function numericDateKind(n: number): NumericDateKind | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n >= 10000101 && n <= 99991231 && Number.isInteger(n)) return 'yyyymmdd';
  if (n >= 20000 && n < 80000) return 'excel-serial';
  if (n >= 1e8 && n < 1e10) return 'epoch-seconds';
  if (n >= 1e11 && n < 1e13) return 'epoch-milliseconds';
  return undefined;
}

/** The numeric kind of a date cell (a number, or text made only of digits), else undefined. */
export function dateCellNumericKind(cell: unknown): NumericDateKind | undefined {
  if (typeof cell === 'number') return numericDateKind(cell);
  if (typeof cell === 'string' && !hasDateMark(cell) && /^\s*\d+(?:\.\d+)?\s*$/.test(cell)) return numericDateKind(+cell);
  return undefined;
}

/** Whether the text holds a printable ASCII character other than a digit or `.` (then it is no plain number). */
function hasDateMark(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 32 && c < 127 && c !== 46 && (c < 48 || c > 57)) return true;
  }
  return false;
}

/** Largest number of distinct date texts a `DateCellCache` remembers before it starts over. */
export const DATE_CACHE_SIZE = 1 << 16;

/**
 * `parseDateCell` and `dateCellNumericKind` of text cells, remembered per distinct text (an export
 * repeats its timestamps: every line of an order, every order of a busy minute). `YYYY-MM-DD[ HH:MM[:SS]]`
 * is read directly (faster than a look-up); other styles go through the general parser once per
 * distinct text. Bounded: after `max` distinct texts the cache is emptied and fills again.
 */
export class DateCellCache {
  /** The numeric kind of the text last passed to `code`. */
  kind: NumericDateKind | undefined;
  private map = new Map<string, { code: number; kind: NumericDateKind | undefined }>();
  constructor(private timeZone: string, private max = DATE_CACHE_SIZE) {}

  /** `parseDateCell(cell)`; `kind` is then `dateCellNumericKind(cell)`. */
  code(cell: string): number {
    const fast = fastIso(cell);
    if (fast === fast) { this.kind = undefined; return fast; }
    let hit = this.map.get(cell);
    if (hit === undefined) {
      if (this.map.size >= this.max) this.map.clear();
      hit = { code: parseDateCell(cell, this.timeZone), kind: dateCellNumericKind(cell) };
      this.map.set(cell, hit);
    }
    this.kind = hit.kind;
    return hit.code;
  }
}

function numberToCode(n: number, timeZone: string): number {
  switch (numericDateKind(n)) {
    case 'yyyymmdd': {
      const y = Math.floor(n / 10000), mo = Math.floor(n / 100) % 100, d = n % 100;
      return validYmd(y, mo, d) ? civilToDay(y, mo, d) : NaN;
    }
    case 'excel-serial': return Math.floor(n) + EXCEL_EPOCH;
    case 'epoch-seconds': return instantToDay(n * 1000, timeZone);
    case 'epoch-milliseconds': return instantToDay(n, timeZone);
    default: return NaN;
  }
}

/**
 * The plausible-date window as day numbers: `from` (default 1990-01-01) to `to`. Without `to` the
 * upper bound is the as-of rule itself (a date after the as-of day is rejected as `after-as-of`),
 * so `to` is +Infinity here; an explicit `to` rejects later dates as outside the window.
 */
export function dateWindowDays(span: { from?: string; to?: string }): { from: DayNumber; to: DayNumber } {
  const from = span.from ? parseIsoDay(span.from) : NaN;
  const to = span.to ? parseIsoDay(span.to) : NaN;
  return { from: Number.isFinite(from) ? from : -Infinity, to: Number.isFinite(to) ? to : Infinity };
}

/** How a column's day/month order was settled, for the detection report and the warning. */
export interface DateOrderDecision {
  order: 'MDY' | 'DMY';
  /** `data`: some value proves the order; `profile`: dateOrder set; `default`: undecidable, M/D assumed. */
  by: 'data' | 'profile' | 'default';
}

/**
 * Settle a column's order from the tally of its ambiguous values (see `decideDateOrder`) and the
 * profile's `dateOrder` (MDY or DMY win; YMD or auto let the data decide).
 */
export function settleDateOrder(onlyMdy: number, onlyDmy: number, profileOrder: string): DateOrderDecision {
  if (profileOrder === 'MDY' || profileOrder === 'DMY') return { order: profileOrder, by: 'profile' };
  if (!onlyMdy && !onlyDmy) return { order: 'MDY', by: 'default' };
  return { order: decideDateOrder(onlyMdy, onlyDmy), by: 'data' };
}

/** The warning for a column whose order no value settles. */
export function undecidedOrderWarning(source: string): string {
  return `${source}: dates could be day-first or month-first; read as M/D; pass --date-order DMY if wrong`;
}

/** Length of a time unit in days, from the core's one time-unit table (month = 365.25 / 12). */
export { unitDays } from './time-units.ts';

/** Index of the retention period holding a day: Monday weeks, calendar months, quarters, years since 1970. */
export function periodIndex(day: DayNumber, period: 'week' | 'month' | 'quarter' | 'year'): number {
  if (period === 'week') return Math.floor((day + 3) / 7);
  const { y, m } = dayToCivil(day);
  const month = (y - 1970) * 12 + (m - 1);
  return period === 'month' ? month : period === 'quarter' ? Math.floor(month / 3) : y - 1970;
}
