/**
 * Per-customer summaries from the ingest ledger, and the exact merge of customer-disjoint shards.
 *
 * Conventions (the buy-till-you-die literature's): all lines of one customer on one calendar day
 * are one transaction; a purchase day is a day with at least one purchase line (a line that is
 * not a return or cancellation; amount ≥ 0, so zero-amount lines count, as in the CDNOW data
 * of Fader, Hardie & Lee); frequency = purchase
 * days − 1; recency = last − first and T = cut − first, in the time unit. With a calibration end,
 * the summary is taken at that day and later purchase days go to `holdout`.
 */
import type { CustomerSummary, TimeUnit } from '../types.ts';
import { periodIndex, unitDays } from '../dates.ts';
import { ownHistorySplitDay } from '../models/select.ts';

/** The columns of the ledger this module reads (see core/ingest/transactions.ts). */
export interface LedgerView {
  n: number;
  cust: Int32Array;
  code: Int32Array;
  gross: Float64Array;
  ret: Float64Array;
  buy: Uint8Array;
  mar: Float64Array;
}

export interface SummarizeOptions {
  asOfDay: number;
  /** Day the summary is taken at: the calibration end, or asOf. */
  cutDay: number;
  split: boolean;
  /** Whether the export had a margin or cost column (then each summary gets `margin`). */
  margin?: boolean;
  timeUnit: TimeUnit;
  retentionPeriod: 'week' | 'month' | 'quarter' | 'year';
}

const MONEY_SCALE = 10_000;
/** Round to the ledger's money precision so printed sums are clean. */
const money = (units: number): number => units / MONEY_SCALE;

export function summarizeLedger(ledger: LedgerView, ids: string[], o: SummarizeOptions): { summaries: CustomerSummary[]; noPurchase: number; lateFirst: number } {
  const nc = ids.length;
  const order = orderByCustomerDay(ledger, nc);
  const { lo: pLo, table: pTable } = periodTable(ledger, order, o.retentionPeriod);
  const start = new Int32Array(nc + 1);
  for (let k = 0; k < order.length; k++) start[ledger.cust[order[k]] + 1]++;
  for (let c = 0; c < nc; c++) start[c + 1] += start[c];

  const unit = unitDays(o.timeUnit);
  const code = ledger.code;
  const summaries: CustomerSummary[] = [];
  let noPurchase = 0, lateFirst = 0;
  let scratch = new Int32Array(64);
  for (let c = 0; c < nc; c++) {
    const from = start[c], to = start[c + 1];
    let first = NaN, last = NaN, tx = 0, firstSpend = 0, repeatSpend = 0, returns = 0, margin = 0;
    let hTx = 0, hSpend = 0, laterPurchase = false;
    // Model selection's own-history split: purchase days up to splitDay and after it (see core/models/select.ts).
    let splitDay = NaN, sTx = 0, sLast = NaN;
    let np = 0;
    for (let k = from; k < to;) {
      const day = code[order[k]];
      let g = 0, r = 0, b = 0, mg = 0;
      while (k < to && code[order[k]] === day) { const e = order[k]; g += ledger.gross[e]; r += ledger.ret[e]; b |= ledger.buy[e]; mg += ledger.mar[e]; k++; }
      if (day > o.cutDay) {
        if (b) { hTx++; hSpend += g; laterPurchase = true; }
        continue;
      }
      returns += r;
      margin += mg;
      if (!b) continue;
      if (tx === 0) { first = day; firstSpend = g; splitDay = ownHistorySplitDay(day, o.cutDay); } else repeatSpend += g;
      if (day <= splitDay) { sTx++; sLast = day; }
      tx++;
      last = day;
      const p = day >= pLo && day < pLo + pTable.length ? pTable[day - pLo] : periodIndex(day, o.retentionPeriod);
      if (np === 0 || scratch[np - 1] !== p) {
        if (np === scratch.length) { const grown = new Int32Array(np * 2); grown.set(scratch); scratch = grown; }
        scratch[np++] = p;
      }
    }
    if (tx === 0) { if (laterPurchase) lateFirst++; else noPurchase++; continue; }
    // An array of exactly the periods' length (a pushed-to array keeps spare capacity per customer).
    const periods = new Array<number>(np);
    for (let i = 0; i < np; i++) periods[i] = scratch[i];
    const frequency = tx - 1;
    const s: CustomerSummary = {
      id: ids[c],
      firstDay: first,
      lastDay: last,
      transactions: tx,
      frequency,
      recency: (last - first) / unit,
      T: (o.cutDay - first) / unit,
      firstSpend: money(firstSpend),
      repeatSpend: money(repeatSpend),
      meanRepeatSpend: frequency ? money(repeatSpend) / frequency : 0,
      totalSpend: money(firstSpend + repeatSpend),
      returns: money(returns),
      netSpend: money(firstSpend + repeatSpend - returns),
      activePeriods: periods,
      // In the literal, not added after it: an added property costs every summary a property array.
      ownSplit: { frequency: sTx - 1, recency: (sLast - first) / unit, T: (splitDay - first) / unit, holdout: tx - sTx, length: (o.cutDay - splitDay) / unit },
    };
    if (o.margin) s.margin = money(margin);
    if (o.split) s.holdout = { transactions: hTx, spend: money(hSpend) };
    summaries.push(s);
  }
  summaries.sort(byId);
  return { summaries, noPurchase, lateFirst };
}

/** Days a period table may cover (a wider span computes periods day by day). */
const PERIOD_TABLE_DAYS = 1 << 16;

/** `periodIndex` of every day from the earliest to the latest ledger day, when that span is short. */
function periodTable(ledger: LedgerView, order: Int32Array, period: SummarizeOptions['retentionPeriod']): { lo: number; table: Int32Array } {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < order.length; k++) { const d = ledger.code[order[k]]; if (d < lo) lo = d; if (d > hi) hi = d; }
  if (!(order.length > 0 && hi - lo < PERIOD_TABLE_DAYS)) return { lo: 0, table: new Int32Array(0) };
  const table = new Int32Array(hi - lo + 1);
  for (let d = lo; d <= hi; d++) table[d - lo] = periodIndex(d, period);
  return { lo, table };
}

/**
 * Ledger entries (customer ≥ 0) ordered by customer, then day: two stable counting sorts
 * (by day, then by customer), O(rows + days + customers) with no comparisons. Falls back to a
 * comparison sort when the days span more than 2^24.
 */
function orderByCustomerDay(ledger: LedgerView, nc: number): Int32Array {
  let lo = Infinity, hi = -Infinity, m = 0;
  // Exports grouped by customer, in date order, are in order already: then the entries as they are.
  let sorted = true, pc = -1, pd = -Infinity;
  for (let i = 0; i < ledger.n; i++) {
    const c = ledger.cust[i];
    if (c < 0) continue;
    m++;
    const d = ledger.code[i];
    if (d < lo) lo = d;
    if (d > hi) hi = d;
    if (c < pc || (c === pc && d < pd)) sorted = false;
    pc = c; pd = d;
  }
  const byDay = new Int32Array(m);
  if (m === 0) return byDay;
  if (sorted) {
    let k = 0;
    for (let i = 0; i < ledger.n; i++) if (ledger.cust[i] >= 0) byDay[k++] = i;
    return byDay;
  }
  const span = hi - lo + 1;
  if (span > 1 << 24) {
    let k = 0;
    for (let i = 0; i < ledger.n; i++) if (ledger.cust[i] >= 0) byDay[k++] = i;
    return byDay.sort((a, b) => ledger.cust[a] - ledger.cust[b] || ledger.code[a] - ledger.code[b]);
  }
  const dayStart = new Int32Array(span + 1);
  for (let i = 0; i < ledger.n; i++) if (ledger.cust[i] >= 0) dayStart[ledger.code[i] - lo + 1]++;
  for (let d = 0; d < span; d++) dayStart[d + 1] += dayStart[d];
  for (let i = 0; i < ledger.n; i++) if (ledger.cust[i] >= 0) byDay[dayStart[ledger.code[i] - lo]++] = i;
  const custStart = new Int32Array(nc + 1);
  for (let k = 0; k < m; k++) custStart[ledger.cust[byDay[k]] + 1]++;
  for (let c = 0; c < nc; c++) custStart[c + 1] += custStart[c];
  const out = new Int32Array(m);
  for (let k = 0; k < m; k++) { const i = byDay[k]; out[custStart[ledger.cust[i]]++] = i; }
  return out;
}

/** Code-unit order: deterministic and independent of any locale. */
export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Merge summaries of customer-disjoint shards (rows sharded by customer): exact, order-free.
 * Throws when a customer appears in two shards, since distinct purchase days can't be recovered.
 */
export function mergeSummaries(shards: CustomerSummary[][]): CustomerSummary[] {
  const all = shards.flat().sort(byId);
  for (let i = 1; i < all.length; i++) {
    if (all[i].id === all[i - 1].id) throw new Error(`mergeSummaries: customer "${all[i].id}" is in more than one shard; shard rows by customer`);
  }
  return all;
}
