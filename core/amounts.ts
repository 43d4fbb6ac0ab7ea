/**
 * Money and number cells as exports write them: `¥1,234.50`, `RMB 12`, `12元`, `1.234,50`,
 * `(12.00)`, `12.00-`, `£3.5`, and plain decimals with an exponent as spreadsheets write them
 * (`1.5E+3`). Only finite decimal numbers below `MAX_AMOUNT` in magnitude are amounts:
 * `Infinity`, `NaN`, `1e309`, hexadecimal / binary / octal (`0x10`, `0b101`, `0o17`) and absurd
 * magnitudes read as NaN, and `amountProblem` says why.
 */

/** Magnitudes at or above this (one trillion) are not plausible order amounts. */
export const MAX_AMOUNT = 1e12;

const CURRENCY_RE = /RMB|CNY|USD|EUR|GBP|[¥￥$£€元]/gi;

/** Powers of ten exactly representable as doubles (10^0 … 10^22). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Most significant digits a short decimal may have: mantissa and power of ten stay exact. */
const SHORT_DIGITS = 15;

/**
 * The value of a short plain decimal `-?digits[.digits]` (at most 15 significant digits, magnitude
 * below MAX_AMOUNT) read digit by digit, or NaN for any other text. Equal to `+s`: the mantissa and
 * the power of ten are exact doubles, so the one division rounds the exact value correctly, as
 * JavaScript's own number parsing does.
 */
export function shortDecimal(s: string): number {
  const e = s.length;
  let i = 0;
  const neg = e > 0 && s.charCodeAt(0) === 45;
  if (neg) i++;
  const first = i;
  let m = 0, digits = 0, dot = -1;
  for (; i < e; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) { m = m * 10 + (c - 48); if (m !== 0 || dot >= 0) digits++; continue; }
    if (c === 46 && dot < 0 && i > first) { dot = i; continue; }
    return NaN;
  }
  return shortValue(neg, m, digits, i === first || dot === e - 1, dot < 0 ? 0 : e - dot - 1);
}

/** `shortDecimal` of the ASCII bytes `b[s, e)`, for readers that split lines on bytes. */
export function shortDecimalBytes(b: Uint8Array, s: number, e: number): number {
  let i = s;
  const neg = i < e && b[i] === 45;
  if (neg) i++;
  const first = i;
  let m = 0, digits = 0, dot = -1;
  for (; i < e; i++) {
    const c = b[i];
    if (c >= 48 && c <= 57) { m = m * 10 + (c - 48); if (m !== 0 || dot >= 0) digits++; continue; }
    if (c === 46 && dot < 0 && i > first) { dot = i; continue; }
    return NaN;
  }
  return shortValue(neg, m, digits, i === first || dot === e - 1, dot < 0 ? 0 : e - dot - 1);
}

function shortValue(neg: boolean, m: number, digits: number, malformed: boolean, decimals: number): number {
  if (malformed || digits > SHORT_DIGITS) return NaN;
  const v = decimals ? m / POW10[decimals] : m;
  if (v >= MAX_AMOUNT) return NaN;
  return neg ? -v : v;
}

/** `-?digits[.digits][e±digits]`, checked without a regex (the common case in large files). */
function isPlainDecimal(s: string): boolean {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === start) return false;
  if (i < n && s.charCodeAt(i) === 46) {
    const f = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === f) return false;
  }
  if (i < n && (s.charCodeAt(i) | 32) === 101) {
    i++;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    const e = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === e) return false;
  }
  return i === n;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const plausible = (n: number): number => (Number.isFinite(n) && Math.abs(n) < MAX_AMOUNT ? n : NaN);

/**
 * Separators: with both `,` and `.`, the last one is the decimal mark; several of the same mark
 * are thousands separators; a single `,` is a decimal comma unless exactly three digits follow it
 * (`1,234` reads as one thousand two hundred thirty-four; `1,5` as one and a half).
 */
export function parseAmount(cell: unknown): number {
  if (typeof cell === 'number') return plausible(cell);
  if (typeof cell !== 'string' || cell === '') return NaN;
  const short = shortDecimal(cell);
  if (short === short) return short;
  if (isPlainDecimal(cell)) return plausible(+cell);
  let s = cell.trim();
  if (s === '') return NaN;
  let neg = false;
  if (s[0] === '(' && s[s.length - 1] === ')') { neg = true; s = s.slice(1, -1); }
  s = s.replace(CURRENCY_RE, '').replace(/[\s\u00a0']/g, '');
  if (s.endsWith('-')) { neg = !neg; s = s.slice(0, -1); }
  if (s[0] === '-') { neg = !neg; s = s.slice(1); } else if (s[0] === '+') s = s.slice(1);
  if (isPlainDecimal(s)) return plausible(neg ? -s : +s);
  if (!/^[\d.,]*\d[\d.,]*$/.test(s)) return NaN;
  const lastComma = s.lastIndexOf(','), lastDot = s.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    s = lastComma > lastDot ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
  } else if (lastComma >= 0) {
    const commas = s.split(',').length - 1;
    s = commas > 1 || s.length - lastComma - 1 === 3 ? s.replace(/,/g, '') : s.replace(',', '.');
  } else if (lastDot >= 0 && s.indexOf('.') !== lastDot) {
    s = s.replace(/\./g, '');
  }
  if (!/^\d*\.?\d+$|^\d+\.$/.test(s)) return NaN;
  return plausible(neg ? -s : +s);
}

/**
 * Why a cell is not an amount (for the rejects file), or undefined when it is one. Called only on
 * the reject path, so it may be slow.
 */
export function amountProblem(cell: unknown): string | undefined {
  if (!Number.isNaN(parseAmount(cell))) return undefined;
  if (typeof cell === 'number') return Number.isFinite(cell) ? `magnitude of ${cell} is not a plausible amount (limit ${MAX_AMOUNT.toExponential()})` : 'not a finite number';
  if (cell === null || cell === undefined || (typeof cell === 'string' && isMissingToken(cell))) return 'no value';
  if (typeof cell !== 'string') return `${typeof cell === 'boolean' ? 'a true/false value' : cell instanceof Date ? 'a date' : 'a nested value'}, not an amount`;
  const s = cell.trim().replace(/^[-+(]+/, '');
  if (/^(inf(inity)?|nan)\b/i.test(s)) return 'not a finite number';
  if (/^0[xob]/i.test(s)) return 'hexadecimal, binary and octal notations are not amounts';
  const plain = s.replace(CURRENCY_RE, '').replace(/[\s\u00a0',)]/g, '').replace(/-$/, '');
  if (isPlainDecimal(plain) || /^[\d.]+$/.test(plain)) {
    const n = +plain;
    if (!Number.isFinite(n)) return 'not a finite number';
    return `magnitude is not a plausible amount (limit ${MAX_AMOUNT.toExponential()})`;
  }
  return 'not a number';
}

/** Cells that mean "no value" in exports and spreadsheets (compared trimmed and case-folded). */
const MISSING = new Set(['', 'na', 'n/a', '#n/a', 'null', 'none', 'nan', 'nil', '-', '--', '(blank)', '(空白)', '无', '空', '#null!', 'undefined']);

/** Whether a text cell is a missing-value token (`NA`, `N/A`, `#N/A`, `null`, `None`, `-`, `(blank)`, `(空白)`, `无`, `空`, blank …). */
export function isMissingToken(s: string): boolean {
  if (s.length > 9) return false;
  const c = s.charCodeAt(0) | 32; // ASCII lower case
  if ((c >= 48 && c <= 57) || (c >= 97 && c <= 122 && c !== 110 && c !== 117)) return false; // digits, letters but n/u
  return MISSING.has(s.trim().toLowerCase());
}

/**
 * Customer ids: trimmed and NFKC-normalised (full-width `ＡＢ１` equals `AB1`); a float export's
 * `17850.0` equals `17850`; missing-value tokens (`NA`, `#N/A`, `null`, `-`, …) and blanks → ''.
 */
export function normalizeId(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'object' && !(cell instanceof Date)) return ''; // a nested JSON value is no id (it would print as [object Object])
  let s = typeof cell === 'string' ? cell.trim() : String(cell).trim();
  if (!isAscii(s)) s = s.normalize('NFKC').trim();
  if (isMissingToken(s)) return '';
  const dot = s.indexOf('.');
  if (dot > 0 && /^-?\d+\.0+$/.test(s)) return s.slice(0, dot);
  return s;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}
