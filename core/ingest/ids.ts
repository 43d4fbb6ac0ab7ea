/**
 * Customer ids interned to dense numbers 0, 1, 2, … in order of first appearance: an open-addressing
 * table of Int32Arrays keyed by a seeded hash of the id's characters, with each id's hash kept so
 * that probes and growth compare numbers and look at a string only when the hashes agree. Memory is
 * per customer (the ids, one hash each, a table of twice as many slots).
 *
 * The seed is random per table so that no crafted set of ids collides on purpose; the numbers given
 * out depend only on the order of the ids, never on the seed.
 */
export class IdTable {
  /** The ids, by number. */
  readonly ids: string[] = [];
  private hashes = new Int32Array(1024);
  private slots = new Int32Array(2048).fill(-1);
  private readonly seed = (Math.random() * 0x100000000) | 0;

  /** The id's number, given on its first appearance. */
  intern(id: string): number {
    const h = this.hash(id);
    const slots = this.slots, mask = slots.length - 1;
    let s = h & mask;
    for (let c = slots[s]; c >= 0; c = slots[s]) {
      if (this.hashes[c] === h && this.ids[c] === id) return c;
      s = (s + 1) & mask;
    }
    const c = this.ids.length;
    this.ids.push(id);
    if (c === this.hashes.length) {
      const grown = new Int32Array(2 * c);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[c] = h;
    slots[s] = c;
    if (2 * (c + 1) > slots.length) this.rehash(2 * slots.length);
    return c;
  }

  /** Frees the lookup structures (the ids stay). */
  release(): void {
    this.hashes = new Int32Array(0);
    this.slots = new Int32Array(1).fill(-1);
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size).fill(-1), mask = size - 1;
    for (let c = 0; c < this.ids.length; c++) {
      let s = this.hashes[c] & mask;
      while (slots[s] >= 0) s = (s + 1) & mask;
      slots[s] = c;
    }
    this.slots = slots;
  }

  /** FNV-1a over the UTF-16 code units from the seed, then a finalizer that spreads the bits. */
  private hash(id: string): number {
    let h = this.seed ^ 0x811c9dc5;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h;
  }
}
