/**
 * The scores as an arquero table (one row per customer, columnar), and the grouped aggregates the
 * report draws, built with arquero verbs. Every output is bounded by the number of groups or bins,
 * never by the number of customers.
 */
import * as aq from 'arquero';
import type { ScoreRun } from '../../types.ts';

export type ColumnTable = ReturnType<typeof aq.table>;

/**
 * One row per customer: id, tier, segment, r/f/m scores, frequency, recency, T, net spend (revenue),
 * P(alive), expected purchases, CLV, value at risk, lifecycle, churn risk, value class, satisfaction.
 * Numbers are typed arrays, so 1M customers take a few tens of MB.
 */
export function scoresTable(run: ScoreRun): ColumnTable {
  const cs = run.customers;
  const n = cs.length;
  const num = (f: (i: number) => number) => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = f(i);
    return a;
  };
  const str = (f: (i: number) => string) => {
    const a = new Array<string>(n);
    for (let i = 0; i < n; i++) a[i] = f(i);
    return a;
  };
  return aq.table({
    id: str((i) => cs[i].id),
    tier: str((i) => cs[i].tier),
    segment: str((i) => cs[i].rfm.segment),
    r: num((i) => cs[i].rfm.r),
    f: num((i) => cs[i].rfm.f),
    m: num((i) => cs[i].rfm.m),
    frequency: num((i) => cs[i].summary.frequency),
    recency: num((i) => cs[i].summary.recency),
    T: num((i) => cs[i].summary.T),
    revenue: num((i) => cs[i].summary.netSpend),
    pAlive: num((i) => cs[i].pAlive),
    expectedPurchases: num((i) => cs[i].expectedPurchases),
    clv: num((i) => cs[i].clv),
    valueAtRisk: num((i) => cs[i].valueAtRisk),
    lifecycle: str((i) => cs[i].lifecycleStage),
    churnRisk: str((i) => cs[i].churnRisk),
    valueClass: str((i) => cs[i].valueClass),
    satisfaction: num((i) => cs[i].satisfactionLevel ?? NaN),
  });
}

type Row = Record<string, number | string>;
const rows = (t: ColumnTable) => t.objects() as Row[];

/** Customers, revenue, CLV and mean P(alive) per value of `column` (tier, segment, lifecycle, valueClass …). */
export function groupTotals(t: ColumnTable, column: string): { key: string; customers: number; revenue: number; clv: number; meanPAlive: number }[] {
  return rows(t.groupby(column)
    .rollup({ customers: aq.op.count(), revenue: aq.op.sum('revenue'), clv: aq.op.sum('clv'), meanPAlive: aq.op.mean('pAlive') })
    .orderby(column))
    .map((r) => ({ key: String(r[column]), customers: Number(r.customers), revenue: Number(r.revenue), clv: Number(r.clv), meanPAlive: Number(r.meanPAlive) }));
}

/** The R × F grid: customers and mean monetary score per cell, with the dominant RFM segment. */
export function rfmGrid(t: ColumnTable): { r: number; f: number; customers: number; meanM: number; revenue: number }[] {
  return rows(t.groupby('r', 'f')
    .rollup({ customers: aq.op.count(), meanM: aq.op.mean('m'), revenue: aq.op.sum('revenue') })
    .orderby('r', 'f'))
    .map((x) => ({ r: Number(x.r), f: Number(x.f), customers: Number(x.customers), meanM: Number(x.meanM), revenue: Number(x.revenue) }));
}

/** Bucket edges: `count` equal steps over [0, max], max rounded up to a whole number (at least 1). */
function step(max: number, count: number): number {
  return Math.max(1, Math.ceil(Math.max(0, max) / count));
}

/**
 * Mean P(alive) by repeat frequency (0 … 10+) and recency (t_x, in time units, binned into about
 * 12 steps): the classic probability-alive matrix, as bounded cells.
 */
export function pAliveMatrix(t: ColumnTable): { frequency: number; recency: number; recencyEnd: number; customers: number; meanPAlive: number }[] {
  if (t.numRows() === 0) return [];
  const maxR = Number((t.rollup({ m: aq.op.max('recency') }).object() as Row).m);
  const s = step(maxR, 12);
  return rows(t
    .params({ s })
    .derive({ fb: 'd => op.least(d.frequency, 10)', rb: '(d, $) => $.s * op.floor(d.recency / $.s)' })
    .groupby('fb', 'rb')
    .rollup({ customers: aq.op.count(), meanPAlive: aq.op.mean('pAlive') })
    .orderby('fb', 'rb'))
    .map((x) => ({ frequency: Number(x.fb), recency: Number(x.rb), recencyEnd: Number(x.rb) + s, customers: Number(x.customers), meanPAlive: Number(x.meanPAlive) }));
}

/** Quantiles of a numeric column (p in 0–1). */
export function quantiles(t: ColumnTable, column: string, ps: number[]): number[] {
  if (t.numRows() === 0) return ps.map(() => 0);
  const spec: Record<string, unknown> = {};
  ps.forEach((p, i) => { spec[`q${i}`] = aq.op.quantile(column, p); });
  const o = t.rollup(spec as never).object() as Row;
  return ps.map((_, i) => Number(o[`q${i}`]));
}

/**
 * CLV histogram: about 20 equal bins from min(0, p1) to the 99th percentile; customers above it are
 * counted in the last bin (`open`), so one outlier does not flatten the chart.
 */
export function clvHistogram(t: ColumnTable): { start: number; end: number; customers: number; open: boolean }[] {
  if (t.numRows() === 0) return [];
  const [lo0, hi0] = quantiles(t, 'clv', [0.01, 0.99]);
  const lo = Math.min(0, lo0);
  const width = niceStep((hi0 - lo) / 20 || 1);
  const top = lo + 20 * width;
  const binned = rows(t
    .params({ lo, width, top })
    .derive({ b: '(d, $) => op.floor((op.least(op.greatest(d.clv, $.lo), $.top - $.width / 2) - $.lo) / $.width)' })
    .groupby('b')
    .rollup({ customers: aq.op.count() })
    .orderby('b'));
  return binned.map((x) => {
    const b = Number(x.b);
    return { start: lo + b * width, end: lo + (b + 1) * width, customers: Number(x.customers), open: b === 19 };
  });
}

/** 1, 2 or 5 × a power of ten, at least x. */
export function niceStep(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

/**
 * Lorenz / Pareto curve of revenue: share of total positive net spend held by the top x % of
 * customers, x = 0 … 100 (101 points), from a descending sort and a running sum.
 */
export function revenueConcentration(t: ColumnTable): { topPercent: number; share: number }[] {
  const n = t.numRows();
  const curve = [{ topPercent: 0, share: 0 }];
  if (n === 0) return curve;
  const cum = t
    .select('revenue')
    .derive({ v: 'd => op.greatest(d.revenue, 0)' })
    .orderby(aq.desc('v'))
    .derive({ c: aq.rolling('d => op.sum(d.v)') })
    .array('c') as ArrayLike<number>;
  const total = cum[n - 1];
  for (let x = 1; x <= 100; x++) {
    const k = Math.ceil((x * n) / 100);
    curve.push({ topPercent: x, share: total > 0 ? Math.min(1, cum[k - 1] / total) : 0 });
  }
  return curve;
}
