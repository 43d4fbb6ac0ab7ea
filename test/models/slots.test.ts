/** TupleSlots numbers tuples in first-seen order exactly as a Map of `${a},${b},…` string keys does. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TupleSlots } from '../../core/models/slots.ts';

const num = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 0.1, 1 / 3), fc.double());

describe('TupleSlots', () => {
  it('gives the slots of a string-keyed Map, for any tuples (±0 and NaN included)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(num, num, num, num), { maxLength: 600 }), fc.integer({ min: 2, max: 4 }), (tuples, arity) => {
      const slots = new TupleSlots();
      const map = new Map<string, number>();
      for (const t of tuples) {
        const used = t.slice(0, arity);
        const key = used.join(',');
        let want = map.get(key);
        if (want === undefined) map.set(key, (want = map.size));
        expect(slots.slotOf(used[0], used[1], used[2] ?? 0, used[3] ?? 0)).toBe(want);
      }
      expect(slots.size).toBe(map.size);
    }), { numRuns: 300 });
  });

  it('grows past its first table without losing tuples', () => {
    const slots = new TupleSlots();
    for (let i = 0; i < 50_000; i++) expect(slots.slotOf(i % 977, i / 7)).toBe(i);
    for (let i = 0; i < 50_000; i += 97) expect(slots.slotOf(i % 977, i / 7)).toBe(i);
    expect(slots.size).toBe(50_000);
  });
});
