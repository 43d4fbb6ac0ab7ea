/**
 * Money and number cells as exports write them: `¥1,234.50`, `RMB 12`, `12元`, `1.234,50`,
 * `(12.00)`, `12.00-`, `£3.5`. Returns NaN for anything that is not a number.
 */

const CURRENCY_RE = /RMB|CNY|USD|EUR|GBP|[¥￥$£€元]/gi;

/**
 * Separators: with both `,` and `.`, the last one is the decimal mark; several of the same mark
 * are thousands separators; a single `,` is a decimal comma unless exactly three digits follow it
 * (`1,234` reads as one thousand two hundred thirty-four; `1,5` as one and a half).
 */
export function parseAmount(cell: unknown): number {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : NaN;
  if (typeof cell !== 'string') return NaN;
  // Fast path: plain numbers, which most exports write.
  const c0 = cell.charCodeAt(0);
  if ((c0 >= 48 && c0 <= 57) || c0 === 45) {
    const n = +cell;
    if (n === n && cell.indexOf('x') < 0) return n;
  }
  let s = cell.trim();
  if (s === '') return NaN;
  let neg = false;
  if (s[0] === '(' && s[s.length - 1] === ')') { neg = true; s = s.slice(1, -1); }
  s = s.replace(CURRENCY_RE, '').replace(/[\s\u00a0']/g, '');
  if (s.endsWith('-')) { neg = !neg; s = s.slice(0, -1); }
  if (s[0] === '-') { neg = !neg; s = s.slice(1); } else if (s[0] === '+') s = s.slice(1);
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
  const n = +s;
  return neg ? -n : n;
}

/** Customer ids: trimmed; a float export's `17850.0` equals `17850`; empty → ''. */
export function normalizeId(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const s = typeof cell === 'string' ? cell.trim() : String(cell).trim();
  const dot = s.indexOf('.');
  if (dot > 0 && /^-?\d+\.0+$/.test(s)) return s.slice(0, dot);
  return s;
}
