/**
 * Group aggregates (per tier, segment, class) and the concentration curve of value.
 * revenue = net spend; shares are of the base's totals (0 when the total is 0).
 */
import type { GroupAggregate, SurveyResponse } from '../types.ts';
import { labelOf } from '../labels.ts';
import { npsOf } from './satisfaction.ts';

/** Per-customer inputs by column: row i is one customer (no object per customer). */
export interface AggregateColumns {
  /** Net spend. */
  revenue: ArrayLike<number>;
  clv: ArrayLike<number>;
  pAlive: ArrayLike<number>;
  /** Row i's customer id (read only with surveys, for the NPS of a group). */
  id: (i: number) => string;
}

/**
 * One aggregate per key; `keys` lists the keys to report first (in that order, even when empty),
 * any other key found follows in sorted order.
 */
export function groupAggregates(
  rows: AggregateColumns,
  keyOf: (i: number) => string | undefined,
  group: string,
  keys: string[] = [],
  surveys?: Map<string, SurveyResponse>,
): GroupAggregate[] {
  let totalRevenue = 0;
  let totalClv = 0;
  const { revenue, clv, pAlive } = rows;
  const acc = new Map<string, { n: number; revenue: number; clv: number; pAlive: number; members: string[] }>();
  for (const k of keys) acc.set(k, { n: 0, revenue: 0, clv: 0, pAlive: 0, members: [] });
  // Neighbouring customers often share a key: the last key's group is kept without a map lookup.
  let lastKey: string | undefined;
  let a: { n: number; revenue: number; clv: number; pAlive: number; members: string[] } | undefined;
  for (let i = 0; i < revenue.length; i++) {
    totalRevenue += revenue[i];
    totalClv += clv[i];
    const k = keyOf(i);
    if (k === undefined) continue;
    if (k !== lastKey || !a) {
      lastKey = k;
      a = acc.get(k);
      if (!a) acc.set(k, (a = { n: 0, revenue: 0, clv: 0, pAlive: 0, members: [] }));
    }
    a.n++;
    a.revenue += revenue[i];
    a.clv += clv[i];
    a.pAlive += pAlive[i];
    if (surveys) a.members.push(rows.id(i));
  }
  const rest = [...acc.keys()].filter((k) => !keys.includes(k)).sort();
  return [...keys, ...rest].map((key) => {
    const a = acc.get(key)!;
    return {
      key,
      label: labelOf(group, key),
      customers: a.n,
      revenue: a.revenue,
      revenueShare: totalRevenue ? a.revenue / totalRevenue : 0,
      clv: a.clv,
      clvShare: totalClv ? a.clv / totalClv : 0,
      meanPAlive: a.n ? a.pAlive / a.n : 0,
      nps: surveys ? npsOf(a.members.map((id) => surveys.get(id))) : null,
    };
  });
}

export interface Concentration {
  curve: { topPercent: number; share: number }[];
  /** Gini coefficient of the (non-negative part of the) value; 0 = equal, → 1 = concentrated. */
  gini: number;
}

/**
 * Share of total positive value held by the top x % of customers (x = 1..100; the top
 * ceil(x·n/100) customers), values sorted descending. Negative values count as 0.
 */
export function concentration(values: ArrayLike<number>): Concentration {
  const n = values.length;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.max(0, values[i]);
  v.sort(); // ascending
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += v[i];
    weighted += (2 * (i + 1) - n - 1) * v[i];
  }
  const curve: { topPercent: number; share: number }[] = [];
  let taken = 0;
  let sum = 0;
  for (let x = 1; x <= 100; x++) {
    const upTo = Math.ceil((x * n) / 100);
    while (taken < upTo) sum += v[n - 1 - taken++];
    curve.push({ topPercent: x, share: total > 0 ? Math.min(1, sum / total) : 0 });
  }
  return { curve, gini: total > 0 && n > 0 ? weighted / (n * total) : 0 };
}
