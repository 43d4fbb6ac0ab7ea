/**
 * The scores as an arquero table (one row per customer, columnar), and the aggregates the report
 * draws: grouped ones (per class, R × F grid, P(alive) matrix) with arquero verbs; the sorted ones
 * (concentration curve, quantiles, CLV bins) from one typed-array sort, which is several times
 * faster than arquero's orderby at a million rows. Every output is bounded by the number of groups
 * or bins, never by the number of customers.
 */
import * as aq from 'arquero';
import type { ScoreRun } from '../../types.ts';
import { concentration } from '../../scores/aggregates.ts';

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
  // Filled by push: `new Array(n)` of a large n has slow (dictionary) elements.
  const str = (f: (i: number) => string) => {
    const a: string[] = [];
    for (let i = 0; i < n; i++) a.push(f(i));
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

/**
 * The R × F grid: customers, mean monetary score and revenue per cell. `t` needs r, f, m and
 * revenue (a scoresTable); a reportTable also has the cell key `rf` = 10·r + f, grouped on one
 * numeric column, which is two to three times faster at a million rows.
 */
export function rfmGrid(t: ColumnTable): { r: number; f: number; customers: number; meanM: number; revenue: number }[] {
  const keyed = t.columnNames().includes('rf') ? t : t.derive({ rf: 'd => 10 * d.r + d.f' });
  return rows(keyed.groupby('rf')
    .rollup({ customers: aq.op.count(), meanM: aq.op.mean('m'), revenue: aq.op.sum('revenue') })
    .orderby('rf'))
    .map((x) => ({ r: Math.floor(Number(x.rf) / 10), f: Number(x.rf) % 10, customers: Number(x.customers), meanM: Number(x.meanM), revenue: Number(x.revenue) }));
}

/** Recency bins of the P(alive) matrix: about 12 whole-unit steps over [0, max recency]. */
function recencyStep(maxRecency: number): number {
  return Math.max(1, Math.ceil(Math.max(0, maxRecency) / 12));
}

/**
 * The narrow table behind the report's grouped charts, built in one pass: R, F, M scores, revenue,
 * P(alive), CLV, value class, and one numeric key per grid cell: `rf` (R × F) and `cell`
 * (P(alive) matrix: frequency capped at 10, recency bin).
 * Plus net spend (for the concentration curve, which sorts its own copy) and CLV sorted ascending
 * (for quantiles and bins), as typed arrays.
 */
export function reportTable(run: ScoreRun): { table: ColumnTable; recencyStep: number; revenue: Float64Array; clv: Float64Array } {
  const cs = run.customers;
  const n = cs.length;
  const r = new Float64Array(n), f = new Float64Array(n), m = new Float64Array(n), revenue = new Float64Array(n);
  const pAlive = new Float64Array(n), clv = new Float64Array(n), rf = new Float64Array(n), cell = new Float64Array(n);
  const valueClass: string[] = []; // filled by push: `new Array(n)` of a large n has slow elements
  // One pass over the customers (each summary is read once): frequency and recency wait in `cell`
  // and `recency` until the recency step is known.
  const recency = new Float64Array(n);
  let maxR = 0;
  for (let i = 0; i < n; i++) {
    const c = cs[i];
    const s = c.summary;
    const rfm = c.rfm;
    r[i] = rfm.r; f[i] = rfm.f; m[i] = rfm.m;
    revenue[i] = s.netSpend; pAlive[i] = c.pAlive; clv[i] = c.clv; valueClass.push(c.valueClass);
    rf[i] = 10 * rfm.r + rfm.f;
    cell[i] = s.frequency;
    recency[i] = s.recency;
    if (s.recency > maxR) maxR = s.recency;
  }
  const step = recencyStep(maxR);
  // P(alive) matrix cell: 1000 × frequency (capped at 10) + recency bin index
  for (let i = 0; i < n; i++) cell[i] = 1000 * Math.min(cell[i], 10) + Math.floor(recency[i] / step);
  const table = aq.table({ r, f, m, revenue, pAlive, clv, valueClass, rf, cell });
  return { table, recencyStep: step, revenue, clv: clv.slice().sort() };
}

/**
 * Mean P(alive) by repeat frequency (0 … 10+) and recency (t_x, in time units, binned into about
 * 12 steps): the classic probability-alive matrix, as bounded cells. `t` is a reportTable's table.
 */
export function pAliveMatrix(t: ColumnTable, step: number): { frequency: number; recency: number; recencyEnd: number; customers: number; meanPAlive: number }[] {
  return rows(t.groupby('cell')
    .rollup({ customers: aq.op.count(), meanPAlive: aq.op.mean('pAlive') })
    .orderby('cell'))
    .map((x) => {
      const k = Number(x.cell);
      const recency = step * (k % 1000);
      return { frequency: Math.floor(k / 1000), recency, recencyEnd: recency + step, customers: Number(x.customers), meanPAlive: Number(x.meanPAlive) };
    });
}

/** Quantile p (0–1) of ascending sorted values, linear between neighbours. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (!n) return 0;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * CLV histogram: 20 equal bins from min(0, p1) to about the 99th percentile; customers above it are
 * counted in the last bin (`open`), so one outlier does not flatten the chart. `sorted` ascending.
 */
export function clvHistogram(sorted: ArrayLike<number>): { start: number; end: number; customers: number; open: boolean }[] {
  const n = sorted.length;
  if (!n) return [];
  const lo = Math.min(0, quantileSorted(sorted, 0.01));
  const width = niceStep((quantileSorted(sorted, 0.99) - lo) / 20 || 1);
  const counts = new Array<number>(20).fill(0);
  for (let i = 0; i < n; i++) counts[Math.max(0, Math.min(19, Math.floor((sorted[i] - lo) / width)))]++;
  return counts.map((c, b) => ({ start: lo + b * width, end: lo + (b + 1) * width, customers: c, open: b === 19 }));
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
 * customers, x = 0 … 100 (101 points); the one definition is core/scores' concentration.
 */
export function revenueConcentration(revenue: ArrayLike<number>): { topPercent: number; share: number }[] {
  return [{ topPercent: 0, share: 0 }, ...concentration(revenue).curve];
}
