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

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

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
 * The same table with its rows made one at a time as they are read, so a writer streaming a million
 * customers never holds every row at once.
 */
export function scoreTableRows(run: ScoreRun, locale: Locale): { columns: string[]; header: string[]; rows: Iterable<(string | number)[]> } {
  const classCols = CLASS_COLUMNS.filter((k) => run.customers.some((c) => c.classes[k] !== undefined));
  const withIntervals = run.customers.some((c) => c.intervals);
  const withDert = run.customers.some((c) => c.dert !== undefined);
  const columns = [...SCORE_COLUMNS, ...(withIntervals ? INTERVAL_COLUMNS : []), ...(withDert ? ['dert'] : []), ...classCols.map((k) => `class_${k}`)];
  const header = columnHeaders(columns, locale);
  const row = (c: ScoreRun['customers'][number]) => {
    const s = c.summary;
    const row: (string | number)[] = [
      c.id, dayToIso(s.firstDay), dayToIso(s.lastDay), s.transactions, s.frequency, round(s.recency, 4), round(s.T, 4),
      round(s.totalSpend, 2), round(s.returns, 2), round(s.netSpend, 2), round(s.meanRepeatSpend, 2),
      round(c.pAlive, 4), round(c.expectedPurchases, 4), round(c.expectedSpend, 2), round(c.clv, 2),
      round(c.historicValue, 2),
      label('tier', c.tier, locale), c.tierReason.rank, round(c.tierReason.percentile, 4), round(c.tierReason.cumulativeShare, 6),
      label('segment', c.rfm.segment, locale), c.rfm.r, c.rfm.f, c.rfm.m,
      label('lifecycle', c.lifecycleStage, locale), label('churnRisk', c.churnRisk, locale), round(c.valueAtRisk, 2),
      label('valueClass', c.valueClass, locale),
      c.satisfactionLevel === null ? '' : c.satisfactionLevel,
    ];
    if (withIntervals) {
      const iv = c.intervals;
      row.push(...(iv ? [round(iv.clv[0], 2), round(iv.clv[1], 2), round(iv.expectedPurchases[0], 4), round(iv.expectedPurchases[1], 4)] : ['', '', '', '']));
    }
    if (withDert) row.push(c.dert === undefined ? '' : round(c.dert, 4));
    for (const k of classCols) {
      const v = c.classes[k];
      row.push(v === undefined ? '' : label(k, v, locale));
    }
    return row;
  };
  return { columns, header, rows: { *[Symbol.iterator]() { for (const c of run.customers) yield row(c); } } };
}
