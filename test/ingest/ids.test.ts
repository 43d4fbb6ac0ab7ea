/** The id table against a Map: the same number for every id, in order of first appearance. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdTable } from '../../core/ingest/ids.ts';

function reference(seq: string[]): number[] {
  const m = new Map<string, number>();
  return seq.map((id) => { let c = m.get(id); if (c === undefined) { c = m.size; m.set(id, c); } return c; });
}

describe('IdTable', () => {
  it('numbers ids as a Map does, for any sequence', () => {
    const id = fc.oneof(fc.string({ maxLength: 12 }), fc.nat({ max: 3000 }).map((n) => `C${n}`), fc.constantFrom('', 'é', '\uD800', '张三', 'a\u0000b'));
    fc.assert(fc.property(fc.array(id, { maxLength: 4000 }), (seq) => {
      const t = new IdTable();
      expect(seq.map((s) => t.intern(s))).toEqual(reference(seq));
      expect(t.ids).toEqual([...new Set(seq)]);
    }), { numRuns: 60 });
  });

  it('keeps every id through many rehashes', () => {
    const seq = Array.from({ length: 50_000 }, (_, i) => `C${(i * 7919) % 20_011}`);
    const t = new IdTable();
    expect(seq.map((s) => t.intern(s))).toEqual(reference(seq));
    expect(t.ids.length).toBe(20_011);
  });
});
