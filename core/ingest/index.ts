/** Core ingest: exports → clean rows, per-customer summaries, rejects. Pure: no I/O. */
export { InputError } from './errors.ts';
export { detectEncoding, isUtf8, utf8Tally, canonicalEncoding, GbTally, type Encoding, type EncodingGuess } from './encoding.ts';
export { createRejectLog, excerpt, EXCERPT_CHARS, type RejectLog, type RejectSink } from './rejects.ts';
export { planColumns, requireRoles, looksLikeHeader, normalizeHeader, ROLES, MAP_FLAG, type ColumnPlan } from './columns.ts';
export { classifyStatus, statusMap, StatusTally, type StatusRule, type StatusCount } from './statuses.ts';
export {
  createTransactionIngest, MONEY_SCALE,
  type TransactionIngest, type TransactionIngestResult,
} from './transactions.ts';
export {
  createCustomerIngest, createSurveyIngest, createIngest, hasHeader, ingestTable, ingestCustomers, ingestSurveys,
  type CustomersIngestResult, type SurveysIngestResult, type TableIngest, type TableResult,
} from './tables.ts';
export { summarizeLedger, mergeSummaries, byId } from '../summary/summarize.ts';
export { parseAmount, amountProblem, normalizeId, isMissingToken, MAX_AMOUNT } from '../amounts.ts';
export {
  parseDateCell, parseIsoDay, civilToDay, dayToCivil, dayToIso, resolveDateCode, decideDateOrder, instantToDay, unitDays, periodIndex,
  dateWindowDays, numericDateKind, settleDateOrder,
} from '../dates.ts';
