/**
 * Stage 5: dataset-level sums — customer equity, one aggregate per tier, RFM segment and class,
 * and the concentration curve of the ranked value.
 */
import type { CustomerScore, GroupAggregate } from '../types.ts';
import { concentration, groupAggregates, type AggregateColumns } from '../scores/aggregates.ts';
import { DEFAULT_SEGMENT_MAP } from '../scores/rfm.ts';
import { LABELS } from '../labels.ts';
import type { ScoreInput } from './input.ts';
import type { Ranking } from './rank.ts';

export interface Aggregates {
  /** Σ CLV. */
  customerEquity: number;
  tiers: GroupAggregate[];
  segments: GroupAggregate[];
  classes: Record<string, GroupAggregate[]>;
  concentration: { topPercent: number; share: number }[];
}

/** Classes every customer has (from the scores and the summary), then the classes from master data. */
const SCORE_CLASS_KEYS = ['valueClass', 'lifecycle', 'churnRisk', 'frequency'];
const RECORD_CLASS_KEYS = ['type', 'region', 'settlement', 'receivables', 'pipeline', 'channel', 'segment', 'industry'];

function classKey(c: CustomerScore, key: string): string | undefined {
  if (key === 'valueClass') return c.valueClass;
  if (key === 'lifecycle') return c.lifecycleStage;
  if (key === 'churnRisk') return c.churnRisk;
  return c.classes[key];
}

export function aggregate(input: ScoreInput, customers: CustomerScore[], r: Ranking): Aggregates {
  const n = customers.length;
  const revenue = new Float64Array(n), clv = new Float64Array(n), pAlive = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = customers[i];
    revenue[i] = c.summary.netSpend;
    clv[i] = c.clv;
    pAlive[i] = c.pAlive;
  }
  const agg: AggregateColumns = { revenue, clv, pAlive, id: (i) => customers[i].id };
  const surveys = input.surveys.size ? input.surveys : undefined;
  const classes: Record<string, GroupAggregate[]> = {};
  // Master-data classes exist only for customers with a record (classify): no records, none to look for.
  const keys = input.records.size ? [...SCORE_CLASS_KEYS, ...RECORD_CLASS_KEYS] : SCORE_CLASS_KEYS;
  for (const key of keys) {
    if (!customers.some((c) => classKey(c, key) !== undefined)) continue;
    const order = key in LABELS ? Object.keys(LABELS[key as keyof typeof LABELS]).filter((k) => k !== 'unknown' && k !== 'other') : [];
    // The ranking's own arrays where it has them (no customer object to read).
    const keyOf = key === 'valueClass' ? (i: number) => r.valueClass[i] : (i: number) => classKey(customers[i], key);
    classes[key] = groupAggregates(agg, keyOf, key, order, surveys);
  }
  const segmentOrder = (r.rfmOptions.segments ?? DEFAULT_SEGMENT_MAP).map((x) => x.segment).filter((k, j, a) => a.indexOf(k) === j);
  let customerEquity = 0;
  for (let i = 0; i < n; i++) customerEquity += clv[i];
  return {
    customerEquity,
    tiers: groupAggregates(agg, (i) => r.tiers.tier[i], 'tier', r.tiers.order, surveys),
    segments: groupAggregates(agg, (i) => customers[i].rfm.segment, 'segment', segmentOrder, surveys),
    classes,
    concentration: concentration(r.value).curve,
  };
}
