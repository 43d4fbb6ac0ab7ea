/**
 * Stage 6: the retention report — period retention and cohorts (ISO period labels, partial periods
 * flagged), churn-risk and lifecycle counts, and the churn-warning list.
 */
import type { ChurnRisk, CustomerScore, LifecycleStage, RetentionReport } from '../types.ts';
import { cohortMatrix, cohortsByChannel, periodRetention, type PeriodOptions } from '../scores/retention.ts';
import { churnWarnings } from '../scores/consistency.ts';
import type { ScoreInput } from './input.ts';

/** Length of the churn-warning list in the retention report. */
export const WARNING_LIST_SIZE = 100;

/** Master-data ids without a purchase, sorted (no set of every customer's id without master data). */
function explorationIds(rows: ScoreInput['rows'], records: ScoreInput['records']): string[] {
  if (!records.size) return [];
  const hasPurchases = new Set(rows.map((s) => s.id));
  return [...records.keys()].filter((id) => !hasPurchases.has(id)).sort();
}

export function retention(input: ScoreInput, customers: CustomerScore[]): RetentionReport {
  const { rows, profile, scoreDay, records } = input;
  const exploration = explorationIds(rows, records);
  const lifecycle: Record<LifecycleStage, number> = { exploration: exploration.length, formation: 0, stable: 0, decline: 0, lost: 0 };
  const churnRisk: Record<ChurnRisk, number> = { low: 0, medium: 0, high: 0, lost: 0 };
  let valueAtRisk = 0;
  for (const c of customers) {
    lifecycle[c.lifecycleStage]++;
    churnRisk[c.churnRisk]++;
    valueAtRisk += c.valueAtRisk;
  }
  const periods: PeriodOptions = { period: profile.retentionPeriod, asOfDay: scoreDay };
  const hasChannel = customers.some((c) => c.classes.channel !== undefined);
  return {
    period: profile.retentionPeriod,
    periods: periodRetention(rows, periods),
    cohorts: cohortMatrix(rows, periods),
    cohortsByChannel: hasChannel ? cohortsByChannel(rows, (id) => records.get(id)?.channel?.trim() || undefined, periods) : undefined,
    churnRisk,
    lifecycle,
    explorationCustomers: exploration,
    valueAtRisk,
    warningList: churnWarnings(customers, WARNING_LIST_SIZE),
  };
}
