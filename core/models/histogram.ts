/** The compressed histogram: identical (x, t_x, T) summaries counted once with a weight. */
import { hash4 } from './slots.ts';

export interface Histogram {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  /** How many customers share this (x, t_x, T). */
  w: Float64Array;
  /** Distinct rows. */
  size: number;
  /** Σ w. */
  customers: number;
}

/**
 * Groups identical summaries and sorts them by (x, t_x, T), so the histogram — and every fit on
 * it — is independent of row order and of how customers were sharded. Memory is proportional to
 * the number of customers (three numbers each), never to order lines.
 */
export function compressSummaries(rows: ArrayLike<{ frequency: number; recency: number; T: number }>): Histogram {
  const n = rows.length;
  const fx = new Float64Array(n);
  const ft = new Float64Array(n);
  const fT = new Float64Array(n);
  // Rows a model cannot use (non-finite, negative, or recency beyond age) are left out, so one bad
  // summary cannot turn the whole likelihood into NaN; `customers` counts only the rows kept.
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const x = r.frequency;
    const tx = r.recency;
    const T = r.T;
    if (!(x >= 0 && tx >= 0 && T >= tx && Number.isFinite(x) && Number.isFinite(T))) continue;
    fx[kept] = x + 0; // + 0 turns −0 into 0
    ft[kept] = tx + 0;
    fT[kept] = T + 0;
    kept++;
  }
  // Count identical rows with an open-addressing hash table (no per-row allocation), then sort only
  // the distinct rows: far cheaper than sorting every customer when many are alike.
  const distinct = new Uint32Array(kept);
  const counts = new Float64Array(kept);
  let size = 0;
  const cap = tableSize(kept);
  const table = new Int32Array(cap).fill(-1);
  for (let i = 0; i < kept; i++) {
    let slot = hash4(fx[i], ft[i], fT[i]) & (cap - 1);
    for (;;) {
      const d = table[slot];
      if (d < 0) {
        table[slot] = size;
        distinct[size] = i;
        counts[size++] = 1;
        break;
      }
      const j = distinct[d];
      if (fx[j] === fx[i] && ft[j] === ft[i] && fT[j] === fT[i]) {
        counts[d]++;
        break;
      }
      slot = (slot + 1) & (cap - 1);
    }
  }
  const order = sortDistinct(distinct, size, fx, ft, fT);
  const x = new Float64Array(size);
  const tx = new Float64Array(size);
  const T = new Float64Array(size);
  const w = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const i = distinct[order[k]];
    x[k] = fx[i];
    tx[k] = ft[i];
    T[k] = fT[i];
    w[k] = counts[order[k]];
  }
  return { x, tx, T, w, size, customers: kept };
}

/**
 * The distinct rows `distinct[0 … size)` ordered by (x, t_x, T). Each coordinate is replaced by its
 * rank among the column's distinct values and the three ranks and the row's slot are packed into
 * one exact integer, so a numeric sort of plain numbers does what a comparator sort would (no two
 * rows are equal, so the order is the same); when the packed key would reach `exact` (2^53 − 1:
 * integers above it are not all doubles), the comparator.
 */
export function sortDistinct(distinct: Uint32Array, size: number, fx: Float64Array, ft: Float64Array, fT: Float64Array, exact = Number.MAX_SAFE_INTEGER): Uint32Array {
  const order = new Uint32Array(size);
  const vx = distinctValues(distinct, size, fx), vt = distinctValues(distinct, size, ft), vT = distinctValues(distinct, size, fT);
  if (vx.length * vt.length * vT.length * size >= exact) {
    for (let k = 0; k < size; k++) order[k] = k;
    const key = (k: number) => distinct[k];
    return order.sort((a, b) => fx[key(a)] - fx[key(b)] || ft[key(a)] - ft[key(b)] || fT[key(a)] - fT[key(b)]);
  }
  const keys = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const i = distinct[k];
    keys[k] = ((rankOf(vx, fx[i]) * vt.length + rankOf(vt, ft[i])) * vT.length + rankOf(vT, fT[i])) * size + k;
  }
  keys.sort();
  for (let k = 0; k < size; k++) order[k] = keys[k] % size;
  return order;
}

/** The sorted distinct values of one column over the distinct rows (finite numbers, no −0). */
function distinctValues(distinct: Uint32Array, size: number, col: Float64Array): Float64Array {
  const v = new Float64Array(size);
  for (let k = 0; k < size; k++) v[k] = col[distinct[k]];
  v.sort();
  let m = 0;
  for (let k = 0; k < size; k++) if (m === 0 || v[k] !== v[m - 1]) v[m++] = v[k];
  return v.subarray(0, m);
}

/** Index of `x` in the sorted distinct `values` (it is there). */
function rankOf(values: Float64Array, x: number): number {
  let lo = 0, hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

function tableSize(n: number): number {
  let c = 16;
  while (c < 2 * n) c *= 2;
  return c;
}




/** One histogram row per customer (the uncompressed baseline the benchmark compares against). */
export function uncompressedHistogram(rows: ArrayLike<{ frequency: number; recency: number; T: number }>): Histogram {
  const n = rows.length;
  const h: Histogram = { x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n), w: new Float64Array(n).fill(1), size: n, customers: n };
  for (let i = 0; i < n; i++) {
    h.x[i] = rows[i].frequency;
    h.tx[i] = rows[i].recency;
    h.T[i] = rows[i].T;
  }
  return h;
}

/**
 * Merges histograms built on separate shards into the one `compressSummaries` would build on all
 * customers together (same rows, weights and order, whatever the shard order).
 */
export function mergeHistograms(parts: Histogram[]): Histogram {
  let n = 0;
  for (const h of parts) n += h.size;
  const fx = new Float64Array(n);
  const ft = new Float64Array(n);
  const fT = new Float64Array(n);
  const fw = new Float64Array(n);
  let k = 0;
  for (const h of parts) {
    fx.set(h.x.subarray(0, h.size), k);
    ft.set(h.tx.subarray(0, h.size), k);
    fT.set(h.T.subarray(0, h.size), k);
    fw.set(h.w.subarray(0, h.size), k);
    k += h.size;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => fx[i] - fx[j] || ft[i] - ft[j] || fT[i] - fT[j]);
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const w: number[] = [];
  let customers = 0;
  for (let q = 0; q < n; q++) {
    const i = order[q];
    const last = x.length - 1;
    customers += fw[i];
    if (last >= 0 && x[last] === fx[i] && tx[last] === ft[i] && T[last] === fT[i]) w[last] += fw[i];
    else {
      x.push(fx[i]);
      tx.push(ft[i]);
      T.push(fT[i]);
      w.push(fw[i]);
    }
  }
  return { x: Float64Array.from(x), tx: Float64Array.from(tx), T: Float64Array.from(T), w: Float64Array.from(w), size: x.length, customers };
}

/**
 * The distinct ages and recencies of a histogram, and each row's slot among them. The likelihoods
 * take log(α + τ) and log(β + τ) once per distinct τ per evaluation instead of once per row: three
 * years at day resolution are about a thousand distinct τ however many customers there are.
 */
export interface TimeIndex {
  /** Distinct values of tx and T (sorted; a value the search cannot find, such as NaN, gets a slot of its own). */
  times: Float64Array;
  /** Slot of each row's t_x and T in `times`. */
  tx: Int32Array;
  T: Int32Array;
}

const timeIndexes = new WeakMap<Histogram, TimeIndex & { ofTx: Float64Array; ofT: Float64Array; size: number }>();

/** The TimeIndex of `h`, built on first use and kept while the histogram's arrays stay the same. */
export function timeIndex(h: Histogram): TimeIndex {
  const c = timeIndexes.get(h);
  if (c && c.ofTx === h.tx && c.ofT === h.T && c.size === h.size) return c;
  const all = new Float64Array(2 * h.size);
  all.set(h.tx.subarray(0, h.size));
  all.set(h.T.subarray(0, h.size), h.size);
  all.sort(); // numeric order, NaN last
  let sorted = 0;
  for (let i = 0; i < all.length; i++) if (all[i] === all[i] && (sorted === 0 || all[i] !== all[sorted - 1])) all[sorted++] = all[i];
  const extra: number[] = [];
  const slot = (v: number) => {
    if (v !== v) return sorted + extra.push(v) - 1; // NaN: a slot of its own, so the arithmetic on it stays what it was
    let lo = 0;
    let hi = sorted - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = all[mid];
      if (m < v) lo = mid + 1;
      else if (m > v) hi = mid - 1;
      else return mid;
    }
    return sorted + extra.push(v) - 1; // not found (cannot happen for a number in the list): a slot of its own
  };
  const tx = new Int32Array(h.size);
  const T = new Int32Array(h.size);
  for (let i = 0; i < h.size; i++) {
    // Sorted by (x, t_x, T): t_x mostly repeats the row before.
    tx[i] = i > 0 && h.tx[i] === h.tx[i - 1] ? tx[i - 1] : slot(h.tx[i]);
    T[i] = slot(h.T[i]);
  }
  const times = new Float64Array(sorted + extra.length);
  times.set(all.subarray(0, sorted));
  times.set(extra, sorted);
  const index = { times, tx, T, ofTx: h.tx, ofT: h.T, size: h.size };
  timeIndexes.set(h, index);
  return index;
}

/** log(c + τ) for every τ of `times`, into `out` (grown as needed); the likelihoods' per-evaluation table. */
export function logShifted(times: Float64Array, c: number, out: Float64Array): Float64Array {
  const o = out.length >= times.length ? out : new Float64Array(times.length);
  for (let j = 0; j < times.length; j++) o[j] = Math.log(c + times[j]);
  return o;
}
