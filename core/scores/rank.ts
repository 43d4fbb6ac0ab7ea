/**
 * Deterministic ranking shared by tiers and value classes.
 * Equal values share the position of the last of them (ties lean to the lower class), so equal
 * inputs always get equal scores and a large block of equal values (e.g. CLV 0) is never promoted.
 */

/** Indices of `values` ordered by value descending, then by `ids` ascending (code-unit order). */
export function orderDesc(values: ArrayLike<number>, ids: ArrayLike<string>): Int32Array {
  // Ids already in order (the pipeline sorts customers by id): the index breaks ties the same way,
  // which is what a stable sort on the values alone gives.
  const idsInOrder = strictlyAscending(ids);
  if (idsInOrder) {
    const byRadix = radixOrderDesc(values);
    if (byRadix) return byRadix;
  }
  const n = values.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (idsInOrder) {
    return idx.sort((a, b) => {
      const d = values[b] - values[a];
      return d !== 0 ? d : a - b;
    });
  }
  idx.sort((a, b) => {
    const d = values[b] - values[a];
    if (d !== 0) return d;
    const ia = ids[a];
    const ib = ids[b];
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  return idx;
}

function strictlyAscending(ids: ArrayLike<string>): boolean {
  for (let i = 1; i < ids.length; i++) if (!(ids[i - 1] < ids[i])) return false;
  return true;
}

/** For each item, the 0-based position (in `order`) of the last item with the same value. */
export function tieEnd(values: ArrayLike<number>, order: Int32Array): Int32Array {
  const n = order.length;
  const end = new Int32Array(n);
  let groupEnd = n - 1;
  for (let p = n - 1; p >= 0; p--) {
    if (p < n - 1 && values[order[p]] !== values[order[p + 1]]) groupEnd = p;
    end[order[p]] = groupEnd;
  }
  return end;
}

/** Top percentile of each item: 100 × (position of the last tied item + 1) / n; the best of 100 has 1. */
export function topPercentiles(values: ArrayLike<number>, ids: ArrayLike<string>): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  // The last tied item's position does not depend on how ties are ordered among themselves, so any
  // order by value will do: the index order when there is no NaN (NaN has no place in an order).
  const order = radixOrderDesc(values) ?? orderDesc(values, ids);
  const end = tieEnd(values, order);
  for (let i = 0; i < n; i++) out[i] = (100 * (end[i] + 1)) / n;
  return out;
}

/**
 * For each item, how many values lie strictly below it: n − 1 − (its tie group's last position in
 * the descending order), or undefined when a value is NaN.
 */
export function countsBelow(values: ArrayLike<number>): Int32Array | undefined {
  const order = radixOrderDesc(values);
  if (!order) return undefined;
  const end = tieEnd(values, order);
  const n = values.length;
  for (let i = 0; i < n; i++) end[i] = n - 1 - end[i];
  return end;
}

// The bits of a double (module scope: no allocation per value).
const bits = new Float64Array(1);
const word = new Uint32Array(bits.buffer);
/** Which of the two words holds the sign and exponent (1 on little-endian machines). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

// Radix sort: 8 bits a pass (256 buckets stay in the fastest cache), counts kept between calls.
const DIGIT = 8;
const MASK = (1 << DIGIT) - 1;
const PASSES_PER_WORD = 32 / DIGIT;
const count = new Int32Array(1 << DIGIT);

/**
 * Indices ordered by value descending, equal values by index ascending (−0 equals 0), or undefined
 * when a value is NaN: a stable least-significant-digit radix sort on 64-bit keys that order as the
 * values do (descending); a pass whose digit is the same for every value moves nothing and is
 * skipped (whole numbers leave most of the low word's passes out). The same order as a stable
 * comparison sort by `values[b] − values[a]`, without a comparator call per comparison.
 */
export function radixOrderDesc(values: ArrayLike<number>): Int32Array | undefined {
  const n = values.length;
  const out = new Int32Array(n);
  const w = workspace(n);
  let hi = w.hi, lo = w.lo, idx = out, hi2 = w.hi2, lo2 = w.lo2, idx2 = w.idx2;
  if (!descendingKeys(values, hi, lo, idx)) return undefined;
  // One small function per loop: each is optimised after its first calls, not only by on-stack replacement.
  for (let pass = 0; pass < 2 * PASSES_PER_WORD; pass++) {
    const low = pass < PASSES_PER_WORD;
    const shift = (pass % PASSES_PER_WORD) * DIGIT;
    if (!bucketStarts(low ? lo : hi, shift)) continue;
    if (low) {
      scatterBoth(shift, idx, hi, lo, idx2, hi2, lo2);
      const t = lo; lo = lo2; lo2 = t;
    } else scatterHigh(shift, idx, hi, idx2, hi2);
    const t = idx; idx = idx2; idx2 = t;
    const u = hi; hi = hi2; hi2 = u;
  }
  if (idx !== out) out.set(idx);
  return out;
}

/**
 * The sort's key and index buffers, kept between calls and grown to the largest n asked for: a run
 * orders the same customers six times, and new buffers each time (23 MB for a million) would make
 * the collector walk the whole heap more often.
 */
let buffers = new Uint32Array(0);
function workspace(n: number) {
  if (buffers.length < 5 * n) buffers = new Uint32Array(5 * n);
  const b = buffers.buffer;
  return {
    hi: new Uint32Array(b, 0, n), lo: new Uint32Array(b, 4 * n, n),
    hi2: new Uint32Array(b, 8 * n, n), lo2: new Uint32Array(b, 12 * n, n), idx2: new Int32Array(b, 16 * n, n),
  };
}

/**
 * Descending keys: a non-negative value's bits inverted below the sign (larger → smaller key), a
 * negative value's bits as they are (larger magnitude → larger key), negatives after; false at a NaN.
 */
function descendingKeys(values: ArrayLike<number>, hi: Uint32Array, lo: Uint32Array, idx: Int32Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) return false;
    bits[0] = v + 0; // −0 → 0
    const h = word[HIGH], l = word[1 - HIGH];
    if (h >>> 31) { hi[i] = h; lo[i] = l; } else { hi[i] = ~h & 0x7fffffff; lo[i] = ~l >>> 0; }
    idx[i] = i;
  }
  return true;
}

/** One stable pass on a digit of the low words: indices and both key words move. */
function scatterBoth(shift: number, idx: Int32Array, hi: Uint32Array, lo: Uint32Array, idx2: Int32Array, hi2: Uint32Array, lo2: Uint32Array): void {
  for (let i = 0; i < idx.length; i++) {
    const at = count[(lo[i] >>> shift) & MASK]++;
    idx2[at] = idx[i]; hi2[at] = hi[i]; lo2[at] = lo[i];
  }
}

/** One stable pass on a digit of the high words (the low words are done with). */
function scatterHigh(shift: number, idx: Int32Array, hi: Uint32Array, idx2: Int32Array, hi2: Uint32Array): void {
  for (let i = 0; i < idx.length; i++) {
    const at = count[(hi[i] >>> shift) & MASK]++;
    idx2[at] = idx[i]; hi2[at] = hi[i];
  }
}

/** Fills `count` with each digit's first position; false when every key has the same digit. */
function bucketStarts(keys: Uint32Array, shift: number): boolean {
  const n = keys.length;
  count.fill(0);
  for (let i = 0; i < n; i++) count[(keys[i] >>> shift) & MASK]++;
  if (n === 0 || count[(keys[0] >>> shift) & MASK] === n) return false;
  let sum = 0;
  for (let b = 0; b <= MASK; b++) { const c = count[b]; count[b] = sum; sum += c; }
  return true;
}
