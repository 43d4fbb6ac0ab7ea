/**
 * The core's public entry for library use: profile, ingest, scoring, the summary document, the
 * report's charts, and the scores as an arquero table.
 *
 *   // resolveProfile, scoreCustomers and scoresTable from this module; op from arquero
 *   const run = scoreCustomers(summaries, resolveProfile({ asOf: '2024-12-31' }));
 *   scoresTable(run).groupby('tier').rollup({ customers: op.count(), clv: op.sum('clv') }).print();
 *
 * Everything here is pure (no I/O); Node-side reading and writing live in io/.
 */
export * from './types.ts';
export { resolveProfile, ProfileError, DEFAULT_PROFILE, type Profile, type ProfileInput } from './config.ts';
export * as ingest from './ingest/index.ts';
export { scoreCustomers, checkAsOf } from './pipeline.ts';
export { scoreTable, columnHeaders, datasetSummary, summaryJson, pyramidText, segmentText, groupText, dayToIso, isoToDay } from './report/index.ts';
export { LABELS, label, labelOf } from './labels.ts';
export {
  reportContent, scoresTable, reportTable, groupTotals, rfmGrid, pAliveMatrix, clvHistogram, revenueConcentration, quantileSorted,
  type Chart, type VegaLiteSpec, type ColumnTable, type ReportContent,
} from './report/charts/index.ts';
