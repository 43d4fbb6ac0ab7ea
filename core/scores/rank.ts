/**
 * Deterministic ranking shared by RFM, tiers and value classes.
 * Equal values share the position of the first of them, so equal inputs always get equal scores.
 */

/** Indices of `values` ordered by value descending, then by `ids` ascending (code-unit order). */
export function orderDesc(values: ArrayLike<number>, ids: ArrayLike<string>): Int32Array {
  const n = values.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => {
    const d = values[b] - values[a];
    if (d !== 0) return d;
    const ia = ids[a];
    const ib = ids[b];
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  return idx;
}

/**
 * For each item, the 0-based position (in `order`) of the first item with the same value:
 * the rank of its tie group.
 */
export function tieStart(values: ArrayLike<number>, order: Int32Array): Int32Array {
  const n = order.length;
  const start = new Int32Array(n);
  let groupStart = 0;
  for (let p = 0; p < n; p++) {
    if (p > 0 && values[order[p]] !== values[order[p - 1]]) groupStart = p;
    start[order[p]] = groupStart;
  }
  return start;
}

/** Top percentile of each item: 100 × (tie-group rank) / n, so the best item of n = 100 has 1. */
export function topPercentiles(values: ArrayLike<number>, ids: ArrayLike<string>): Float64Array {
  const n = values.length;
  const order = orderDesc(values, ids);
  const start = tieStart(values, order);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (100 * (start[i] + 1)) / n;
  return out;
}
