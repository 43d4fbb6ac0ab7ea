/**
 * csvCell writes numbers with numberText, a fast path for decimals of at most 6 places: it must
 * print exactly what String(x) prints, for every double (customers.csv stays byte-identical).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, numberText } from '../../io/csv.ts';

const rounded = fc.tuple(fc.double({ min: -1e16, max: 1e16, noNaN: true }), fc.integer({ min: 0, max: 8 }))
  .map(([x, d]) => Math.round(x * 10 ** d) / 10 ** d);

describe('numberText', () => {
  it('equals String(x) on numbers rounded to 0–8 decimals, at every magnitude', () => {
    fc.assert(fc.property(rounded, (x) => numberText(x) === String(x)), { numRuns: 20_000 });
  });
  it('equals String(x) on any finite double', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => numberText(x) === String(x)), { numRuns: 20_000 });
  });
  it('equals String(x) at the edges', () => {
    for (const x of [0, -0, 0.1, -0.1, 0.000001, -0.000001, 1e-7, 0.1 + 0.2, 5e-324, 1e15 - 0.5, 1e15 + 0.5, 123456789012345.6, 999999999999999.9, 1e21, -1e21, 12.5, -12.5, 1.005, 2 ** 53 + 0.5]) {
      expect(numberText(x)).toBe(String(x));
    }
  });
  it('is what csvCell writes for finite numbers', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(0.1234)).toBe('0.1234');
    expect(csvCell(NaN)).toBe('NaN');
  });
});
