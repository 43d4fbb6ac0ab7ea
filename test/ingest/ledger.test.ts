/** The growable ledger: every entry pushed is read back, through any number of growths; line and source kept for ambiguous dates only. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ledger } from '../../core/ingest/transactions.ts';
import { isAmbiguousCode } from '../../core/dates.ts';

const entry = fc.record({
  c: fc.nat({ max: 1e6 }),
  code: fc.oneof(fc.integer({ min: 0, max: 40_000 }), fc.constantFrom(1_020_240_102, 1_020_241_302)),
  gross: fc.integer({ min: 0, max: 2 ** 40 }),
  ret: fc.integer({ min: 0, max: 2 ** 40 }),
  buy: fc.constantFrom(0, 1),
  mar: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  line: fc.nat({ max: 2 ** 31 - 1 }),
  src: fc.nat({ max: 65_535 }),
});

describe('Ledger', () => {
  it('reads back every entry after growing, and lists the ambiguous ones with line and source', () => {
    fc.assert(fc.property(fc.array(entry, { minLength: 0, maxLength: 5000 }), (es) => {
      const l = new Ledger();
      for (const e of es) l.push(e.c, e.code, e.gross, e.ret, e.buy, e.mar, e.line, e.src);
      expect(l.n).toBe(es.length);
      expect(l.cust.length).toBeGreaterThanOrEqual(es.length);
      es.forEach((e, i) => {
        expect([l.cust[i], l.code[i], l.gross[i], l.ret[i], l.buy[i], l.mar[i]]).toEqual([e.c, e.code, e.gross, e.ret, e.buy, e.mar]);
      });
      const amb = es.map((e, i) => [i, e.line, e.src, e.code] as const).filter(([, , , code]) => isAmbiguousCode(code));
      expect(l.amb.n).toBe(amb.length);
      amb.forEach(([i, line, src], k) => expect([l.amb.entry[k], l.amb.line[k], l.amb.src[k]]).toEqual([i, line, src]));
      if (es.length) expect(l.lastSrc).toBe(es[es.length - 1].src);
    }), { numRuns: 40 });
  });
});

describe('Ledger growth', () => {
  it('keeps every entry across growth in place and moves between buffers (300,000 entries)', () => {
    const l = new Ledger();
    const n = 300_000;
    for (let i = 0; i < n; i++) l.push(i % 977, 19_000 + (i % 1000), i * 3, i % 7, i & 1, -i, i, i % 3);
    expect(l.n).toBe(n);
    let bad = 0;
    for (let i = 0; i < n; i++) {
      if (l.cust[i] !== i % 977 || l.code[i] !== 19_000 + (i % 1000) || l.gross[i] !== i * 3 || l.ret[i] !== i % 7 || l.buy[i] !== (i & 1) || l.mar[i] !== -i) bad++;
    }
    expect(bad).toBe(0);
  });
});
