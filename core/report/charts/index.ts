/**
 * The run report's charts: one module per chart, each turning aggregates into a Vega-Lite spec with
 * a one-sentence reading. The aggregates come from the run and from arquero verbs over the scores
 * table (core/report/charts/table.ts); no chart has one mark per customer.
 */
import type { ChurnWarning, Locale, ScoreRun } from '../../types.ts';
import type { Chart } from './common.ts';
import { clvHistogram, groupTotals, pAliveMatrix, quantileSorted, reportTable, revenueConcentration, rfmGrid } from './table.ts';
import { pyramidChart } from './pyramid.ts';
import { concentrationChart } from './concentration.ts';
import { rfmChart } from './rfm.ts';
import { segmentChart } from './segments.ts';
import { cohortChart } from './cohorts.ts';
import { periodChart } from './periods.ts';
import { pAliveChart } from './palive.ts';
import { holdoutChart } from './holdout.ts';
import { modelChart, modelRows, type ModelRow } from './models.ts';
import { clvChart } from './clv.ts';
import { lifecycleChart } from './lifecycle.ts';
import { valueClassChart } from './value-classes.ts';
import { satisfactionChart } from './satisfaction.ts';

export type { Chart, VegaLiteSpec } from './common.ts';
export { tr, pct, amount } from './common.ts';
export { scoresTable, reportTable, groupTotals, rfmGrid, pAliveMatrix, clvHistogram, revenueConcentration, quantileSorted, type ColumnTable } from './table.ts';
export type { ModelRow } from './models.ts';

/** Channels whose cohorts get their own heatmap (the largest first). */
export const MAX_CHANNEL_COHORTS = 4;
/** Rows of the churn-warning list in the report. */
export const WARNING_ROWS = 15;

export interface ReportContent {
  charts: Chart[];
  /** Top customers by value at risk. */
  warnings: ChurnWarning[];
  /** Σ value at risk over all customers. */
  valueAtRisk: number;
  models: ModelRow[];
}

/**
 * Charts for a scored run, in reading order. `choice` is summary.models.choice when the run has one
 * (its candidates feed the model comparison).
 */
export function reportContent(run: ScoreRun, locale: Locale, choice?: unknown): ReportContent {
  const { table: t, recencyStep, revenue, clv } = reportTable(run);
  const models = modelRows(run, choice);
  const byChannel = Object.entries(run.retention.cohortsByChannel ?? {})
    .map(([ch, rows]) => ({ ch, rows, n: rows.reduce((s, r) => s + r.size, 0) }))
    .sort((a, b) => b.n - a.n || (a.ch < b.ch ? -1 : 1))
    .slice(0, MAX_CHANNEL_COHORTS);
  const charts = [
    pyramidChart(run, locale),
    concentrationChart(revenueConcentration(revenue), locale),
    rfmChart(rfmGrid(t), locale),
    segmentChart(run.segments, locale),
    cohortChart(run.retention.cohorts, locale),
    ...byChannel.map((c, i) => cohortChart(c.rows, locale, `cohorts-channel-${i + 1}`, ` — ${c.ch}`)),
    periodChart(run.retention.periods, locale),
    pAliveChart(pAliveMatrix(t, recencyStep), run.timeUnit, locale),
    holdoutChart(run.holdout, run.timeUnit, locale),
    modelChart(models, locale),
    clvChart(clvHistogram(clv), quantileSorted(clv, 0.5), quantileSorted(clv, 0.9), locale),
    lifecycleChart(run.retention.lifecycle, locale),
    valueClassChart(groupTotals(t, 'valueClass'), locale),
    satisfactionChart(run.satisfaction, run.tiers, locale),
  ].filter((c): c is Chart => c !== null);
  return { charts, warnings: run.retention.warningList.slice(0, WARNING_ROWS), valueAtRisk: run.retention.valueAtRisk, models };
}
