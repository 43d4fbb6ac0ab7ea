/**
 * First-seen slot numbers for tuples of up to four numbers: the distinct (x, t_x, T) rows or (x, T)
 * pairs that predictions are computed once for. Tuples are equal as `${a},${b},${c},${d}` keys would
 * be (−0 equals 0, NaN equals NaN), but nothing is turned into a string: an open-addressing hash
 * table over typed arrays, grown by doubling, so memory is proportional to the distinct tuples.
 */
export class TupleSlots {
  /** Distinct tuples seen so far; slots are 0 … size − 1 in first-seen order. */
  size = 0;
  private keys = new Float64Array(4 * 64);
  private table = new Int32Array(128).fill(-1);

  /** The tuple's slot, a new one (= the previous size) the first time the tuple is seen. */
  slotOf(a: number, b: number, c = 0, d = 0): number {
    const mask = this.table.length - 1;
    let h = hash4(a, b, c, d) & mask;
    for (;;) {
      const s = this.table[h];
      if (s < 0) break;
      const k = 4 * s;
      if (same(this.keys[k], a) && same(this.keys[k + 1], b) && same(this.keys[k + 2], c) && same(this.keys[k + 3], d)) return s;
      h = (h + 1) & mask;
    }
    const slot = this.size++;
    if (4 * this.size > this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    const k = 4 * slot;
    this.keys[k] = a;
    this.keys[k + 1] = b;
    this.keys[k + 2] = c;
    this.keys[k + 3] = d;
    this.table[h] = slot;
    if (2 * this.size > this.table.length) this.rehash();
    return slot;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let s = 0; s < this.size; s++) {
      const k = 4 * s;
      let h = hash4(this.keys[k], this.keys[k + 1], this.keys[k + 2], this.keys[k + 3]) & mask;
      while (table[h] >= 0) h = (h + 1) & mask;
      table[h] = s;
    }
    this.table = table;
  }
}

const same = (x: number, y: number) => x === y || (x !== x && y !== y);

// Bits of a double, for hashing (module scope: no allocation per call).
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function mix(h: number, v: number): number {
  f64[0] = v === v ? v + 0 : NaN; // −0 and 0, and every NaN, hash alike, as they compare equal here
  h = Math.imul(h ^ u32[0], 0x9e3779b1);
  h = Math.imul(h ^ u32[1], 0x85ebca77);
  return h ^ (h >>> 15);
}

/** A 32-bit hash of up to four doubles. */
export function hash4(a: number, b: number, c = 0, d = 0): number {
  return mix(mix(mix(mix(0x12345678, a), b), c), d) >>> 0;
}
