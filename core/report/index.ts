export { scoreTable, scoreTableRows, columnHeaders, SCORE_COLUMNS, CLASS_COLUMNS, type CellSink, type ScoreTableRows } from './table.ts';
export { datasetSummary, summaryJson, type DatasetReadout } from './summary.ts';
export { pyramidText, segmentText, groupText } from './text.ts';
export { dayToIso, isoToDay, fixed } from './format.ts';
