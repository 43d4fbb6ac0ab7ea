/**
 * Customer master data and survey responses: small tables kept row by row (memory ∝ customers),
 * plus `ingestTable` for in-memory 2-D ranges (the Sheets add-on) of any kind.
 */
import type { ColumnRole, Profile } from '../config.ts';
import type { Cell, CustomerRecord, Detection, Reject, RowCounts, SurveyResponse, TableKind } from '../types.ts';
import { amountProblem, isMissingToken, normalizeId, parseAmount } from '../amounts.ts';
import {
  ambiguousOrders, dateWindowDays, isAmbiguousCode, parseDateCell, parseIsoDay, resolveDateCode, settleDateOrder, undecidedOrderWarning,
} from '../dates.ts';
import { looksLikeHeader, planColumns, requireRoles, type ColumnPlan } from './columns.ts';
import { createTransactionIngest, type TransactionIngestResult } from './transactions.ts';
import { createRejectLog, type RejectSink } from './rejects.ts';
import { byId } from '../summary/summarize.ts';
import { yesNo } from '../yesno.ts';

/** `rejects` holds the first `profile.rejectExamples` rejects; `rejectReasons` counts all of them by reason. `detection` merges every source's columns (kept for existing callers); `detections` has one per source. */
export interface CustomersIngestResult { records: CustomerRecord[]; rejects: Reject[]; rejectReasons: Record<string, number>; counts: RowCounts; detection: Detection; detections: Detection[]; warnings: string[] }
export interface SurveysIngestResult { responses: SurveyResponse[]; rejects: Reject[]; rejectReasons: Record<string, number>; counts: RowCounts; detection: Detection; detections: Detection[]; warnings: string[] }

export interface TableIngest<R> {
  beginSource(source: string, header: Cell[] | null): Detection;
  row(cells: Cell[], line: number): void;
  /** A data line the reader could not split into a row (bad quote, field count, too long…): read and rejected. */
  rejectLine(line: number, reason: string, message: string, value?: string): void;
  finish(): R;
}

/** A cell as trimmed text; blanks and missing-value tokens (`NA`, `N/A`, `-`, …) read as ''. */
const text = (c: Cell): string => {
  const t = c === null || c === undefined ? '' : c instanceof Date ? c.toISOString() : String(c).trim();
  return isMissingToken(t) ? '' : t;
};
const headerText = (c: Cell): string => (c === null || c === undefined ? '' : String(c).trim());

/** The column map of each table kind: `columns` is for transaction files only. */
const MAPS = { transactions: 'columns', customers: 'customerColumns', surveys: 'surveyColumns' } as const;

/** Shared bookkeeping: sources, rejects (streamed to `onReject`, bounded in memory), counts, warnings. */
function base(kind: TableKind, profile: Profile, onReject?: RejectSink) {
  const log = createRejectLog(profile.rejectExamples, onReject);
  const counts: RowCounts = { read: 0, accepted: 0, rejected: 0 };
  const warnings: string[] = [];
  /** One detection per source file, in reading order. */
  const detections: Detection[] = [];
  let plan: ColumnPlan | null = null;
  let detection: Detection | null = null;
  let source = '';
  return {
    log, counts, warnings, detections,
    span: dateWindowDays(profile.dateWindow ?? { from: '1990-01-01' }),
    get plan() { return plan!; },
    get detection() { return detection!; },
    begin(src: string, header: Cell[] | null): Detection {
      source = src;
      plan = planColumns(kind, header ? header.map(headerText) : null, profile[MAPS[kind]] ?? {});
      requireRoles(kind, plan, src);
      if (detection) {
        for (const [k, v] of Object.entries(plan.names)) detection.columns[k] ??= v;
      } else detection = { kind, source: src, columns: { ...plan.names }, headers: plan.headers };
      const own: Detection = { kind, source: src, columns: { ...plan.names }, why: { ...plan.why }, headers: plan.headers };
      detections.push(own);
      return own;
    },
    reject(line: number, column: string | null, reason: string, message: string, value?: Cell) {
      counts.rejected++;
      log.add({ source, line, column, reason, message, value: value === undefined || value === null ? undefined : String(value) });
    },
    rejectLine(line: number, reason: string, message: string, value?: string) {
      counts.read++;
      this.reject(line, null, reason, message, value);
    },
  };
}

/** Resolve a column of date codes with one day/month order (see core/dates.ts); warns when no value settles it. */
function resolveDates(codes: number[], profile: Profile, what: string, warnings: string[]): { days: number[]; order: 'YMD' | 'MDY' | 'DMY'; by?: 'data' | 'profile' | 'default' } {
  let mdy = 0, dmy = 0, any = 0;
  for (const c of codes) {
    if (!isAmbiguousCode(c)) continue;
    any++;
    const o = ambiguousOrders(c);
    if (o === 1) mdy++; else if (o === 2) dmy++;
  }
  if (!any) return { days: codes, order: 'YMD' };
  const { order, by } = settleDateOrder(mdy, dmy, profile.dateOrder);
  if (by === 'default') warnings.push(undecidedOrderWarning(what));
  return { days: codes.map((c) => resolveDateCode(c, order)), order, by };
}

const CUSTOMER_TEXT: [ColumnRole, keyof CustomerRecord][] = [
  ['name', 'name'], ['type', 'type'], ['industry', 'industry'], ['region', 'region'], ['country', 'country'], ['channel', 'channel'],
  ['segment', 'segment'], ['settlement', 'settlement'], ['pipelineStage', 'pipelineStage'], ['size', 'size'],
];
const CUSTOMER_NUMBERS: [ColumnRole, keyof CustomerRecord][] = [
  ['receivable', 'receivable'], ['overdueDays', 'overdueDays'], ['acquisitionCost', 'acquisitionCost'], ['serviceCost', 'serviceCostPerPeriod'],
];

/** Customer master data. A customer listed twice keeps the first non-empty value of each field. */
export function createCustomerIngest(profile: Profile, onReject?: RejectSink): TableIngest<CustomersIngestResult> {
  const b = base('customers', profile, onReject);
  const byIdMap = new Map<string, CustomerRecord>();
  const tz = profile.timeZone;
  return {
    beginSource: (s, h) => b.begin(s, h),
    rejectLine: (line, reason, message, value) => b.rejectLine(line, reason, message, value),
    row(cells, line) {
      b.counts.read++;
      const { index, names, headers } = b.plan;
      const id = normalizeId(cells[index.customer!]);
      if (!id) { b.reject(line, names.customer, 'missing-customer-id', 'No customer id (blank or a missing-value token such as NA)', cells[index.customer!]); return; }
      const r: CustomerRecord = { id };
      for (const [role, field] of CUSTOMER_NUMBERS) {
        const i = index[role];
        if (i === undefined || text(cells[i]) === '') continue;
        const v = parseAmount(cells[i]);
        if (v !== v) { b.reject(line, names[role], 'bad-number', `Not a number (${role}): ${amountProblem(cells[i])}`, cells[i]); return; }
        (r as unknown as Record<string, number>)[field] = v;
      }
      for (const [role, field] of [['signupDate', 'signupDay'], ['churnDate', 'churnDay']] as const) {
        const i = index[role];
        if (i === undefined || text(cells[i]) === '') continue;
        const v = parseDateCell(cells[i], tz);
        if (v !== v) { b.reject(line, names[role], 'bad-date', `Not a valid date (${role})`, cells[i]); return; }
        if (!isAmbiguousCode(v) && (v < b.span.from || v > b.span.to)) { b.reject(line, names[role], 'date-outside-window', `date outside window (${role}; profile dateWindow, --date-from)`, cells[i]); return; }
        r[field] = v; // may be ambiguous: resolved in finish
      }
      for (const [role, field] of CUSTOMER_TEXT) {
        const i = index[role];
        if (i !== undefined && text(cells[i]) !== '') (r as unknown as Record<string, string>)[field] = text(cells[i]);
      }
      const used = new Set(Object.values(index));
      headers.forEach((h, i) => {
        if (!used.has(i) && h && text(cells[i]) !== '') (r.extra ??= {})[h] = text(cells[i]);
      });
      b.counts.accepted++;
      const prev = byIdMap.get(id);
      if (!prev) byIdMap.set(id, r);
      else for (const [k, v] of Object.entries(r)) if ((prev as unknown as Record<string, unknown>)[k] === undefined) (prev as unknown as Record<string, unknown>)[k] = v;
    },
    finish() {
      const records = [...byIdMap.values()].sort(byId);
      for (const field of ['signupDay', 'churnDay'] as const) {
        const with_ = records.filter((r) => r[field] !== undefined);
        const { days, order, by } = resolveDates(with_.map((r) => r[field]!), profile, `${b.detections.map((d) => d.source).join(', ')} (${field === 'signupDay' ? 'signup' : 'churn'} dates)`, b.warnings);
        let dropped = 0;
        with_.forEach((r, i) => {
          if (Number.isFinite(days[i]) && days[i] >= b.span.from && days[i] <= b.span.to) r[field] = days[i];
          else { delete r[field]; dropped++; }
        });
        if (dropped) b.warnings.push(`${dropped} master-data ${field === 'signupDay' ? 'signup' : 'churn'} date(s) are impossible in the column's ${order} order or outside the date window; left blank`);
        if (with_.length && field === 'signupDay') for (const d of [b.detection, ...b.detections]) { d.dateOrder = order; if (by) d.dateOrderBy = by; }
      }
      return { records, rejects: b.log.sorted(), rejectReasons: b.log.byReason, counts: b.counts, detection: b.detection, detections: b.detections, warnings: b.warnings };
    },
  };
}

/** A yes/no cell (core/yesno.ts); missing-value tokens (`NA`, …) read as blank. */
function yesNoCell(c: Cell): boolean | undefined | null {
  return typeof c === 'boolean' ? c : yesNo(text(c));
}

/**
 * Survey responses. Scales are read per column from its largest value: CSAT ≤ 5 as is, ≤ 10 as
 * 1–10 and ≤ 100 as 0–100, both mapped linearly onto 1–5; NPS ≤ 10 as is, ≤ 100 divided by 10.
 * A response without a date column is dated on the as-of day.
 */
export function createSurveyIngest(profile: Profile, onReject?: RejectSink): TableIngest<SurveysIngestResult> {
  const b = base('surveys', profile, onReject);
  const tz = profile.timeZone;
  const asOfDay = parseIsoDay(profile.asOf);
  const rows: { r: SurveyResponse; line: number; source: string }[] = [];
  let source = '';
  return {
    beginSource: (s, h) => { source = s; return b.begin(s, h); },
    rejectLine: (line, reason, message, value) => b.rejectLine(line, reason, message, value),
    row(cells, line) {
      b.counts.read++;
      const { index, names } = b.plan;
      const id = normalizeId(cells[index.customer!]);
      if (!id) { b.reject(line, names.customer, 'missing-customer-id', 'No customer id (blank or a missing-value token such as NA)', cells[index.customer!]); return; }
      let day = asOfDay;
      if (index.surveyDate !== undefined) {
        const dc = cells[index.surveyDate];
        day = parseDateCell(dc, tz);
        if (day !== day) { const empty = text(dc) === ''; b.reject(line, names.surveyDate, empty ? 'missing-date' : 'bad-date', empty ? 'No date' : 'Not a valid date', dc); return; }
        if (!isAmbiguousCode(day) && (day < b.span.from || day > b.span.to)) { b.reject(line, names.surveyDate, 'date-outside-window', 'date outside window (profile dateWindow, --date-from)', dc); return; }
      }
      const r: SurveyResponse = { customerId: id, day };
      for (const role of ['csat', 'nps'] as const) {
        const i = index[role];
        if (i === undefined || text(cells[i]) === '') continue;
        const v = parseAmount(cells[i]);
        if (v !== v || v < 0 || v > 100) { b.reject(line, names[role], 'bad-score', `Not a ${role.toUpperCase()} score (0–100)`, cells[i]); return; }
        r[role] = v;
      }
      for (const role of ['willReturn', 'willRecommend'] as const) {
        const i = index[role];
        if (i === undefined) continue;
        const v = yesNoCell(cells[i]);
        if (v === null) { b.reject(line, names[role], 'bad-answer', 'Not a yes/no answer', cells[i]); return; }
        if (v !== undefined) r[role] = v;
      }
      b.counts.accepted++;
      rows.push({ r, line, source });
    },
    finish() {
      const { days, order, by } = resolveDates(rows.map((x) => x.r.day), profile, b.detections.map((d) => d.source).join(', '), b.warnings);
      for (const d of [b.detection, ...b.detections]) { d.dateOrder = order; if (by) d.dateOrderBy = by; }
      const maxCsat = rows.reduce((m, x) => Math.max(m, x.r.csat ?? 0), 0);
      const maxNps = rows.reduce((m, x) => Math.max(m, x.r.nps ?? 0), 0);
      const responses: SurveyResponse[] = [];
      rows.forEach((x, i) => {
        const day = days[i];
        const problem = !Number.isFinite(day) ? ['bad-date', `Not a date in the column's ${order} order`]
          : day < b.span.from || day > b.span.to ? ['date-outside-window', 'date outside window (profile dateWindow, --date-from)']
            : day > asOfDay ? ['after-as-of', 'Survey dated after the as-of date'] : null;
        if (problem) {
          b.counts.accepted--;
          b.counts.rejected++;
          b.log.add({ source: x.source, line: x.line, column: b.detection.columns.surveyDate ?? null, reason: problem[0], message: problem[1] });
          return;
        }
        const r = { ...x.r, day };
        if (r.csat !== undefined) r.csat = maxCsat <= 5 ? r.csat : maxCsat <= 10 ? 1 + ((Math.max(r.csat, 1) - 1) * 4) / 9 : 1 + (r.csat * 4) / 100;
        if (r.nps !== undefined && maxNps > 10) r.nps = r.nps / 10;
        responses.push(r);
      });
      responses.sort((a, b2) => (a.customerId < b2.customerId ? -1 : a.customerId > b2.customerId ? 1 : a.day - b2.day));
      return { responses, rejects: b.log.sorted(), rejectReasons: b.log.byReason, counts: b.counts, detection: b.detection, detections: b.detections, warnings: b.warnings };
    },
  };
}

export type TableResult<K extends TableKind> = K extends 'transactions' ? TransactionIngestResult : K extends 'customers' ? CustomersIngestResult : SurveysIngestResult;

/** The ingest for a table kind; every reject is passed to `onReject` as it happens. */
export function createIngest<K extends TableKind>(kind: K, profile: Profile, onReject?: RejectSink): TableIngest<TableResult<K>> {
  const make = kind === 'transactions' ? createTransactionIngest : kind === 'customers' ? createCustomerIngest : createSurveyIngest;
  return make(profile, onReject) as unknown as TableIngest<TableResult<K>>;
}

/** Whether the first row is a header, per the profile (`auto` guesses from the row itself). */
export function hasHeader(kind: TableKind, first: Cell[], profile: Profile): boolean {
  if (profile.header !== 'auto') return profile.header;
  return looksLikeHeader(kind, first);
}

/**
 * A whole in-memory table (first row = header unless the profile or the row says otherwise).
 * Cells may be strings, numbers, booleans or Date objects (spreadsheet ranges). Blank rows are skipped.
 */
export function ingestTable<K extends TableKind>(kind: K, rows: Cell[][], profile: Profile, source: string): TableResult<K> {
  const ing = createIngest(kind, profile);
  const header = rows.length && hasHeader(kind, rows[0], profile) ? rows[0] : null;
  ing.beginSource(source, header);
  for (let i = header ? 1 : 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.every((c) => c === null || c === undefined || c === '')) continue;
    ing.row(r, i + 1);
  }
  return ing.finish();
}

/** `ingestCustomers(rows, profile, source)`: ingestTable for master data. */
export const ingestCustomers = (rows: Cell[][], profile: Profile, source: string): CustomersIngestResult => ingestTable('customers', rows, profile, source);
/** `ingestSurveys(rows, profile, source)`: ingestTable for survey responses. */
export const ingestSurveys = (rows: Cell[][], profile: Profile, source: string): SurveysIngestResult => ingestTable('surveys', rows, profile, source);
