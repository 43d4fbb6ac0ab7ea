/**
 * Deterministic ranking shared by tiers and value classes.
 * Equal values share the position of the last of them (ties lean to the lower class), so equal
 * inputs always get equal scores and a large block of equal values (e.g. CLV 0) is never promoted.
 */

/** Indices of `values` ordered by value descending, then by `ids` ascending (code-unit order). */
export function orderDesc(values: ArrayLike<number>, ids: ArrayLike<string>): Int32Array {
  const n = values.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (strictlyAscending(ids)) {
    // Ids already in order (the pipeline sorts customers by id): the index breaks ties the same way.
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
  const sorted = sortedCopy(values);
  if (sorted) {
    // The last tied item's position + 1 is the number of values at or above the item's value: no
    // order of the items (and no id comparison) is needed.
    for (let i = 0; i < n; i++) out[i] = (100 * (n - firstAtLeast(sorted, values[i]))) / n;
    return out;
  }
  const order = orderDesc(values, ids);
  const end = tieEnd(values, order);
  for (let i = 0; i < n; i++) out[i] = (100 * (end[i] + 1)) / n;
  return out;
}

/** The values sorted ascending, or undefined when one is NaN (NaN has no place in an order). */
export function sortedCopy(values: ArrayLike<number>): Float64Array | undefined {
  const n = values.length;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = values[i];
  sorted.sort();
  return n > 0 && Number.isNaN(sorted[n - 1]) ? undefined : sorted;
}

/** The first position in ascending `sorted` whose value is not below `v`. */
export function firstAtLeast(sorted: Float64Array, v: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
