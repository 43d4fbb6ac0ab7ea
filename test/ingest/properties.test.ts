/** Property tests (fast-check) for the amount, date and id parsers and the ingest invariants. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_AMOUNT, normalizeId, parseAmount } from '../../core/amounts.ts';
import { civilToDay, dayToCivil, parseDateCell } from '../../core/dates.ts';
import { resolveProfile } from '../../core/config.ts';
import { ingestTable } from '../../core/ingest/index.ts';
import type { Cell } from '../../core/types.ts';

const cents = fc.integer({ min: -99_999_999_999_99, max: 99_999_999_999_99 });
const group = (n: bigint, sep: string) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, sep);
/** A cents amount written as an export would: thousands separators, a decimal mark, a currency, a sign style. */
function write(c: number, style: { dec: '.' | ','; sep: boolean; cur: string; neg: 'minus' | 'parens' | 'trailing' }): string {
  const a = BigInt(Math.abs(c));
  const whole = a / 100n, frac = (a % 100n).toString().padStart(2, '0');
  const body = `${style.sep ? group(whole, style.dec === '.' ? ',' : '.') : whole}${style.dec}${frac}`;
  const money = style.cur === '元' ? `${body}元` : `${style.cur}${body}`;
  if (c >= 0) return money;
  return style.neg === 'parens' ? `(${money})` : style.neg === 'trailing' ? `${money}-` : `-${money}`;
}
const style = fc.record({
  dec: fc.constantFrom('.' as const, ',' as const), sep: fc.boolean(), cur: fc.constantFrom('', '¥', '￥', '$', '€', 'RMB ', '元'),
  neg: fc.constantFrom('minus' as const, 'parens' as const, 'trailing' as const),
});

describe('parseAmount properties', () => {
  it('reads back every amount written in the accepted locale forms', () => {
    fc.assert(fc.property(cents, style, (c, s) => {
      // A single `,` followed by exactly three digits is a thousands separator, so two decimals always disambiguate.
      expect(parseAmount(write(c, s))).toBe(c / 100);
    }), { numRuns: 2000 });
  });
  it('reads back every finite double below the bound, as JavaScript prints it', () => {
    fc.assert(fc.property(fc.double({ min: -MAX_AMOUNT, max: MAX_AMOUNT, noNaN: true, noDefaultInfinity: true }), (x) => {
      if (Math.abs(x) >= MAX_AMOUNT) return;
      expect(parseAmount(String(x))).toBe(x === 0 ? 0 : x);
    }), { numRuns: 2000 });
  });
  it('never returns a non-finite or absurd number, and never throws, on any text', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[-+(]?[0-9xXbBoOeE.,]{1,30}\)?$/)), (s) => {
      const v = parseAmount(s);
      expect(Number.isNaN(v) || (Number.isFinite(v) && Math.abs(v) < MAX_AMOUNT)).toBe(true);
    }), { numRuns: 3000 });
  });
  it('rejects hexadecimal, binary and octal literals', () => {
    fc.assert(fc.property(fc.nat(), fc.constantFrom(['0x', 16], ['0X', 16], ['0b', 2], ['0o', 8]), fc.boolean(), (n, [p, radix], neg) => {
      expect(parseAmount(`${neg ? '-' : ''}${p}${n.toString(radix as number)}`)).toBeNaN();
    }));
  });
  it('rejects magnitudes at or above the bound', () => {
    fc.assert(fc.property(fc.double({ min: MAX_AMOUNT, max: 1e300, noNaN: true }), fc.boolean(), (x, neg) => {
      expect(parseAmount(String(neg ? -x : x))).toBeNaN();
      expect(parseAmount(neg ? -x : x)).toBeNaN();
    }));
  });
});

const TZ = 'UTC';
const day = fc.integer({ min: civilToDay(1990, 1, 1), max: civilToDay(2100, 12, 31) });
const p2 = (n: number) => String(n).padStart(2, '0');

describe('parseDateCell properties', () => {
  it('reads every valid date and time, in the styles exports write', () => {
    fc.assert(fc.property(day, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.nat(3), (d, h, mi, s, k) => {
      const { y, m, d: dd } = dayToCivil(d);
      const text = [
        `${y}-${p2(m)}-${p2(dd)} ${p2(h)}:${p2(mi)}:${p2(s)}`, `${y}/${m}/${dd} ${h}:${p2(mi)}`, `${y}年${m}月${dd}日`, `${y}-${p2(m)}-${p2(dd)}T${p2(h)}:${p2(mi)}:${p2(s)}.123Z`,
      ][k];
      expect(parseDateCell(text, TZ)).toBe(d);
    }), { numRuns: 2000 });
  });
  it('rejects impossible days and times', () => {
    fc.assert(fc.property(day, fc.integer({ min: 24, max: 99 }), fc.integer({ min: 60, max: 99 }), fc.boolean(), (d, h, mi, badHour) => {
      const { y, m, d: dd } = dayToCivil(d);
      const time = badHour ? `${h}:00` : `10:${mi}`;
      expect(parseDateCell(`${y}-${p2(m)}-${p2(dd)} ${time}`, TZ)).toBeNaN();
      expect(parseDateCell(`${y}/${m}/${dd} ${time}`, TZ)).toBeNaN();
    }));
    fc.assert(fc.property(fc.integer({ min: 1990, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 9 }), (y, m, extra) => {
      const dim = dayToCivil(civilToDay(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - 1).d;
      if (dim + extra > 99) return;
      expect(parseDateCell(`${y}-${p2(m)}-${p2(dim + extra)}`, TZ)).toBeNaN();
    }));
  });
  it('reads Excel serials and Unix epoch seconds and milliseconds', () => {
    fc.assert(fc.property(fc.integer({ min: civilToDay(1990, 1, 1), max: civilToDay(2100, 12, 31) }), fc.integer({ min: 0, max: 86_399 }), (d, sec) => {
      expect(parseDateCell(d + 25569 + sec / 86400, TZ)).toBe(d);
      expect(parseDateCell(d * 86400 + sec, TZ)).toBe(d);
      expect(parseDateCell((d * 86400 + sec) * 1000 + 7, TZ)).toBe(d);
    }));
  });
  it('never throws and returns an integer code or NaN on any text', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9]{1,4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,4}( [0-9]{1,2}:[0-9]{2})?$/)), (s) => {
      const v = parseDateCell(s, TZ);
      expect(Number.isNaN(v) || Number.isInteger(v)).toBe(true);
    }), { numRuns: 3000 });
  });
});

const MISSING = ['NA', 'N/A', '#N/A', 'null', 'NULL', 'None', 'nan', '-', '--', '(blank)', '(空白)', '无', '空', ''];

describe('normalizeId properties', () => {
  it('is idempotent and trimmed', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const id = normalizeId(s);
      expect(normalizeId(id)).toBe(id);
      expect(id).toBe(id.trim());
    }), { numRuns: 3000 });
  });
  it('reads every missing-value token as missing, whatever its case and padding', () => {
    const pad = fc.constantFrom('', ' ', '  ', '\t', '\u3000');
    fc.assert(fc.property(fc.constantFrom(...MISSING), fc.boolean(), pad, pad, (t, upper, a, b) => {
      expect(normalizeId(a + (upper ? t.toUpperCase() : t.toLowerCase()) + b)).toBe('');
    }));
  });
  it('makes full-width and half-width forms the same id', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9]{1,12}$/), (s) => {
      const wide = [...s].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
      expect(normalizeId(wide)).toBe(normalizeId(s));
    }));
  });
});

describe('ingest invariants on arbitrary rows', () => {
  const profile = resolveProfile({ asOf: '2024-03-31', timeUnit: 'day', statuses: { 9: 'cancelled' } });
  const cell = {
    id: fc.oneof(fc.constantFrom('a', 'b', 'c', 'ｃ', ' a ', 'NA', '#N/A', '', '-'), fc.string({ maxLength: 4 })),
    date: fc.oneof(fc.constantFrom('2024-01-01', '2024-02-30', '1899-01-01', '3/4/2024', '13/4/2024', '2024-01-01 25:99', '2025-01-01', 45300, '1704067200'), fc.string({ maxLength: 6 })),
    amount: fc.oneof(fc.constantFrom('10', '¥1,234.50', '(5)', '-3', '1e309', 'Infinity', '0x10', 'NA', '1,5', 1e13, 7), fc.string({ maxLength: 6 })),
    status: fc.constantFrom('', '交易成功', '交易关闭', '付款以后用户退款成功，交易自动关闭', '未付款', 'paid', '9', '0', 'whatever'),
  };
  const row = fc.tuple(cell.id, cell.date, cell.amount, cell.status) as fc.Arbitrary<Cell[]>;
  const header: Cell[] = ['customer', 'date', 'amount', 'status'];

  it('accounts every line, throws nothing, and does not depend on row order', () => {
    fc.assert(fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), fc.integer(), (rows, seed) => {
      const r = ingestTable('transactions', [header, ...rows], profile, 't.csv');
      expect(r.counts.read).toBe(rows.length - rows.filter((x) => x.every((c) => c === '')).length);
      expect(r.counts.read).toBe(r.counts.accepted + r.counts.rejected);
      expect(r.rejects).toHaveLength(r.counts.rejected);
      for (const s of r.summaries) expect(Number.isFinite(s.netSpend) && Math.abs(s.totalSpend) < 1e14).toBe(true);
      // Same rows, another order: same customers, same numbers.
      const shuffled = rows.map((x, i) => [x, Math.sin(seed + i)] as const).sort((p, q) => p[1] - q[1]).map((p) => p[0]);
      const again = ingestTable('transactions', [header, ...shuffled], profile, 't.csv');
      expect(again.summaries).toEqual(r.summaries);
      expect(again.counts).toEqual(r.counts);
    }), { numRuns: 300 });
  });
});
