/** customers.csv as a header and rows, labels in the chosen locale. */
import type { Locale, ScoreRun } from '../types.ts';
import { label } from '../labels.ts';
import { dayToIso } from './format.ts';

export const SCORE_COLUMNS = [
  'customer_id', 'first_purchase', 'last_purchase', 'transactions', 'frequency', 'recency', 'T',
  'total_spend', 'returns', 'net_spend', 'mean_repeat_spend', 'p_alive', 'expected_purchases',
  'expected_spend', 'clv', 'historic_value', 'tier', 'tier_rank', 'tier_percentile',
  'tier_cumulative_share', 'rfm_segment', 'r_score', 'f_score', 'm_score', 'lifecycle_stage',
  'churn_risk', 'value_at_risk', 'value_class', 'satisfaction_level',
] as const;

/** Model columns after the score columns: intervals when the fit gave them, DERT when Pareto/NBD scored. */
export const INTERVAL_COLUMNS = ['clv_low', 'clv_high', 'expected_purchases_low', 'expected_purchases_high'] as const;

/** Class columns, in this order, when at least one customer has the class. */
export const CLASS_COLUMNS = ['frequency', 'type', 'region', 'settlement', 'receivables', 'pipeline', 'channel', 'segment', 'industry'] as const;

/** A column's header in the locale (English: the machine name, e.g. `p_alive`; zh-CN: 活跃概率). */
export function columnHeaders(columns: readonly string[], locale: Locale): string[] {
  return columns.map((c) => label('column', c, locale));
}

/**
 * The customers table: `columns` are the machine names (`p_alive`), `header` the same columns
 * in the locale (English: the machine names; zh-CN: 活跃概率 …), `rows` one per customer.
 */
export function scoreTable(run: ScoreRun, locale: Locale): { columns: string[]; header: string[]; rows: (string | number)[][] } {
  const { columns, header, rows } = scoreTableRows(run, locale);
  return { columns, header, rows: [...rows] };
}

/**
 * Where the cells of a table row go, in column order: a writer that encodes them as they come
 * (io/csv.ts's CsvEncoder), or `rowArray` for a row of values.
 */
export interface CellSink {
  text(s: string): void;
  /** A number as it is. */
  number(x: number): void;
  /** Math.round(x · 10^digits) / 10^digits. */
  fixed(x: number, digits: 2 | 4 | 6): void;
  /** An empty cell. */
  blank(): void;
  /** The row is complete. */
  end(): void;
}

const POW10 = { 2: 100, 4: 10000, 6: 1000000 } as const;

/** A sink that gathers one row as values (numbers rounded, empty cells as ''). */
function rowArray(): CellSink & { take(): (string | number)[] } {
  let row: (string | number)[] = [];
  return {
    text: (s) => { row.push(s); },
    number: (x) => { row.push(x); },
    fixed: (x, digits) => { row.push(Math.round(x * POW10[digits]) / POW10[digits]); },
    blank: () => { row.push(''); },
    end: () => {},
    take: () => { const r = row; row = []; return r; },
  };
}

export interface ScoreTableRows {
  columns: string[];
  header: string[];
  /** Rows made one at a time as they are read, so a million customers are never held as rows at once. */
  rows: Iterable<(string | number)[]>;
  /** Customers (rows). */
  size: number;
  /** Sends the cells of row `i` to `sink`, without making the row (a writer's fast path). */
  writeRow(i: number, sink: CellSink): void;
}

/** The same table with its rows made as they are read (or sent cell by cell to a sink). */
export function scoreTableRows(run: ScoreRun, locale: Locale): ScoreTableRows {
  const customers = run.customers;
  const classCols = CLASS_COLUMNS.filter((k) => customers.some((c) => c.classes[k] !== undefined));
  const withIntervals = customers.some((c) => c.intervals);
  const withDert = customers.some((c) => c.dert !== undefined);
  const columns = [...SCORE_COLUMNS, ...(withIntervals ? INTERVAL_COLUMNS : []), ...(withDert ? ['dert'] : []), ...classCols.map((k) => `class_${k}`)];
  const header = columnHeaders(columns, locale);
  // Days and labels repeat across customers: each is looked up once per run.
  const iso = memo(dayToIso);
  const tier = memo((k: string) => label('tier', k, locale));
  const segment = memo((k: string) => label('segment', k, locale));
  const lifecycle = memo((k: string) => label('lifecycle', k, locale));
  const churnRisk = memo((k: string) => label('churnRisk', k, locale));
  const valueClass = memo((k: string) => label('valueClass', k, locale));
  const classLabels = classCols.map((k) => memo((v: string) => label(k, v, locale)));
  const writeRow = (i: number, out: CellSink) => {
    const c = customers[i];
    const s = c.summary;
    out.text(c.id); out.text(iso(s.firstDay)); out.text(iso(s.lastDay));
    out.number(s.transactions); out.number(s.frequency); out.fixed(s.recency, 4); out.fixed(s.T, 4);
    out.fixed(s.totalSpend, 2); out.fixed(s.returns, 2); out.fixed(s.netSpend, 2); out.fixed(s.meanRepeatSpend, 2);
    out.fixed(c.pAlive, 4); out.fixed(c.expectedPurchases, 4); out.fixed(c.expectedSpend, 2); out.fixed(c.clv, 2);
    out.fixed(c.historicValue, 2);
    out.text(tier(c.tier)); out.number(c.tierReason.rank); out.fixed(c.tierReason.percentile, 4); out.fixed(c.tierReason.cumulativeShare, 6);
    out.text(segment(c.rfm.segment)); out.number(c.rfm.r); out.number(c.rfm.f); out.number(c.rfm.m);
    out.text(lifecycle(c.lifecycleStage)); out.text(churnRisk(c.churnRisk)); out.fixed(c.valueAtRisk, 2);
    out.text(valueClass(c.valueClass));
    if (c.satisfactionLevel === null) out.blank(); else out.number(c.satisfactionLevel);
    if (withIntervals) {
      const iv = c.intervals;
      if (iv) { out.fixed(iv.clv[0], 2); out.fixed(iv.clv[1], 2); out.fixed(iv.expectedPurchases[0], 4); out.fixed(iv.expectedPurchases[1], 4); } else { out.blank(); out.blank(); out.blank(); out.blank(); }
    }
    if (withDert) { if (c.dert === undefined) out.blank(); else out.fixed(c.dert, 4); }
    for (let j = 0; j < classCols.length; j++) {
      const v = c.classes[classCols[j]];
      if (v === undefined) out.blank(); else out.text(classLabels[j](v));
    }
    out.end();
  };
  const rows = {
    *[Symbol.iterator]() {
      const sink = rowArray();
      for (let i = 0; i < customers.length; i++) { writeRow(i, sink); yield sink.take(); }
    },
  };
  return { columns, header, rows, size: customers.length, writeRow };
}

/** f with its results kept per argument. */
function memo<K, V>(f: (k: K) => V): (k: K) => V {
  const seen = new Map<K, V>();
  return (k) => {
    let v = seen.get(k);
    if (v === undefined) { v = f(k); seen.set(k, v); }
    return v;
  };
}
