/**
 * The ingest's fast paths agree with the strict readers they stand in for (fast-check): short
 * decimals read digit by digit equal JavaScript's own number parsing and parseAmount's strict path;
 * the byte version equals the text version; the date cache gives what parseDateCell and
 * dateCellNumericKind give, whatever the order of look-ups and however often it starts over.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_AMOUNT, parseAmount, shortDecimal, shortDecimalBytes } from '../../core/amounts.ts';
import { DateCellCache, dateCellNumericKind, parseDateCell } from '../../core/dates.ts';

/** parseAmount's strict rule for a plain decimal: `+s` when finite and below MAX_AMOUNT. */
const strict = (s: string) => { const n = +s; return Number.isFinite(n) && Math.abs(n) < MAX_AMOUNT ? n : NaN; };
const same = (a: number, b: number) => Object.is(a, b);

const digits = (max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: 0, maxLength: max }).map((d) => d.join(''));
const decimalText = fc.oneof(
  fc.tuple(fc.boolean(), digits(18), fc.option(digits(18))).map(([neg, i, f]) => `${neg ? '-' : ''}${i}${f === null ? '' : `.${f}`}`),
  fc.double({ noNaN: true }).map(String),
  fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.nat({ max: 8 })).map(([m, k]) => (m / 10 ** k).toFixed(k)),
  fc.string({ unit: fc.constantFrom(...'0123456789.-+e, ') , maxLength: 12 }),
);

describe('short decimals', () => {
  it('equal +text wherever they read a number, and parseAmount is unchanged', () => {
    fc.assert(fc.property(decimalText, (s) => {
      const v = shortDecimal(s);
      if (v === v) expect(same(v, strict(s))).toBe(true);
      const viaStrict = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s) ? strict(s) : NaN;
      if (viaStrict === viaStrict) expect(same(parseAmount(s), viaStrict)).toBe(true);
    }), { numRuns: 20_000 });
  });

  it('read typical amounts (at most 15 significant digits, below MAX_AMOUNT)', () => {
    for (const s of ['0', '-0', '12.50', '007.5', '-3', '999999999999.99', '0.000000000000001']) expect(same(shortDecimal(s), +s)).toBe(true);
    for (const s of ['', '-', '.5', '1.', '1e3', '+1', '1,5', '1000000000000', '1234567890123456', ' 1']) expect(shortDecimal(s)).toBeNaN();
  });

  it('bytes and text agree', () => {
    fc.assert(fc.property(decimalText, fc.nat({ max: 3 }), (s, pad) => {
      const b = Buffer.from(`${'x'.repeat(pad)}${s}y`, 'latin1');
      expect(same(shortDecimalBytes(b, pad, pad + s.length), shortDecimal(s))).toBe(true);
    }), { numRuns: 5000 });
  });
});

const two = (n: number) => String(n).padStart(2, '0');
const dateText = fc.oneof(
  fc.tuple(fc.integer({ min: 990, max: 10001 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.option(fc.tuple(fc.nat(25), fc.nat(61), fc.option(fc.nat(61)))), fc.constantFrom('-', '/', '.'), fc.constantFrom(' ', 'T'))
    .map(([y, m, d, t, sep, ts]) => `${y}${sep}${two(m)}${sep}${two(d)}${t ? `${ts}${two(t[0])}:${two(t[1])}${t[2] === null ? '' : `:${two(t[2])}`}` : ''}`),
  fc.tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 2100 })).map(([a, b, y]) => `${a}/${b}/${y}`),
  fc.constantFrom('20240105', '45000', ' 45000 ', '1700000000', '1700000000000', '2024年1月5日', '2024-01-05 星期五', '', ' ', 'x', '2024-01-05T10:00:00+08:00', '2024-01-05 10:00:00Z', '１２３', '12.5'),
  fc.string({ unit: fc.constantFrom(...'0123456789-/: .T'), maxLength: 20 }),
);

describe('date cell cache', () => {
  it('gives parseDateCell and dateCellNumericKind of every text, in any order, across restarts', () => {
    fc.assert(fc.property(fc.array(dateText, { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom('UTC', 'Asia/Shanghai', 'America/New_York'), (texts, max, tz) => {
      const cache = new DateCellCache(tz, max);
      for (const s of [...texts, ...texts.slice().reverse()]) {
        expect(same(cache.code(s), parseDateCell(s, tz))).toBe(true);
        expect(cache.kind).toBe(dateCellNumericKind(s));
      }
    }), { numRuns: 2000 });
  });
});
