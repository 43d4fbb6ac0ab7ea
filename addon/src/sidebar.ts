/**
 * Server side of the sidebar: list sheets, detect columns, run the whole segmentation on a sheet
 * in chunks (progress kept in the user cache, polled by the sidebar), write the results sheet.
 */
import { DEFAULT_PROFILE } from '../../core/config.ts';
import type { ModelSetting, Profile, TierScheme } from '../../core/config.ts';
import { createTransactionIngest, planColumns } from '../../core/ingest/index.ts';
import type { Cell, Locale, TimeUnit } from '../../core/types.ts';
import { asOfArg, choiceArg, dayFormatter, numberArg, rateArg, sheetTimeZone, spreadsheetLocale } from './args.ts';
import { prepare, profileFor, score } from './engine.ts';
import { oneYearHorizon } from '../../core/time-units.ts';
import { ALL_RESULT_SHEETS, writeResults } from './results.ts';
import { loadSettings, saveSettings, type SavedSettings } from './settings.ts';
import './gas.ts';

/** Rejected rows listed in the rejects sheet (all of them are counted). */
export const REJECTS_LISTED = 5000;

/** Rows read per getValues call: large enough to be few calls, small enough for steady progress. */
export const CHUNK_ROWS = 5000;

export interface SheetInfo {
  sheets: { name: string; rows: number; columns: number }[];
  active: string;
  locale: Locale;
  timeZone: string;
  defaults: { timeUnit: TimeUnit; horizon: number; discountRate: number; margin: number; tierScheme: TierScheme; model: ModelSetting };
}

export function getSheetInfo(): SheetInfo {
  const ss = SpreadsheetApp.getActive();
  const results = new Set(ALL_RESULT_SHEETS);
  const sheets = (ss?.getSheets() ?? [])
    .map((s: any) => ({ name: s.getName() as string, rows: s.getLastRow() as number, columns: s.getLastColumn() as number }))
    .filter((s: { name: string }) => !results.has(s.name));
  const active = ss?.getActiveSheet()?.getName();
  const { timeUnit, horizon, discountRate, margin, tierScheme, model } = DEFAULT_PROFILE;
  return {
    sheets,
    active: sheets.some((s: { name: string }) => s.name === active) ? active : sheets[0]?.name ?? '',
    locale: spreadsheetLocale(),
    timeZone: sheetTimeZone(),
    defaults: { timeUnit, horizon, discountRate, margin, tierScheme, model },
  };
}

function sheetByName(name: string, fn: string): any {
  const sheet = SpreadsheetApp.getActive().getSheetByName(name);
  if (!sheet) throw new Error(`${fn}: no sheet named "${name}"`);
  return sheet;
}

export interface ColumnInfo {
  headers: string[];
  /** Detected role → header text. */
  roles: Record<string, string>;
  /** The first rows, as text, for the user to check. */
  sample: string[][];
  rows: number;
  /** Latest date in the detected date column, as a suggestion for the as-of date. */
  lastDate: string | null;
  /** Settings saved for this sheet by an earlier run in this document (columns still present). */
  saved: SavedSettings | null;
}

export function detectColumns(sheetName: string): ColumnInfo {
  const fn = 'detectColumns';
  const sheet = sheetByName(sheetName, fn);
  const lastRow = sheet.getLastRow();
  const lastCol = sheet.getLastColumn();
  // An empty sheet is no error: the sidebar says so and keeps Run disabled.
  if (lastRow < 2 || lastCol < 1) return { headers: [], roles: {}, sample: [], rows: 0, lastDate: null, saved: null };
  const tz = sheetTimeZone();
  const toDay = dayFormatter(tz);
  const top: Cell[][] = sheet.getRange(1, 1, Math.min(lastRow, 6), lastCol).getValues();
  const headers = top[0].map((h) => String(h ?? '').trim());
  // The core's header matching (English and Chinese), without failing on a missing role.
  const detection = planColumns('transactions', headers, {});
  const sample = top.slice(1).map((r) => r.map((v) => String(toDay(v) ?? '')));
  let lastDate: string | null = null;
  const dateCol = detection.index.date ?? -1;
  if (dateCol >= 0 && lastRow > 1) {
    for (const [v] of sheet.getRange(2, dateCol + 1, lastRow - 1, 1).getValues() as Cell[][]) {
      const d = toDay(v);
      if (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}/.test(d) && (lastDate === null || d.slice(0, 10) > lastDate)) lastDate = d.slice(0, 10);
    }
  }
  const saved = loadSettings(sheetName, headers);
  return { headers, roles: { ...detection.names, ...(saved?.columns ?? {}) }, sample, rows: lastRow - 1, lastDate, saved };
}

export interface RunOptions {
  runId: string;
  sheetName: string;
  /** Role → header text, as confirmed in the sidebar. */
  columns: Record<string, string>;
  asOf: string;
  timeUnit?: string;
  horizon?: number | string;
  discountRate?: number | string;
  margin?: number | string;
  tierScheme?: string;
  model?: string;
  locale?: Locale;
}

export interface Progress {
  phase: 'reading' | 'scoring' | 'writing' | 'done' | 'failed' | 'cancelled';
  done: number;
  total: number;
  message?: string;
}

const cache = () => CacheService.getUserCache();
const progressKey = (runId: string) => `pyramid-progress:${runId}`;
const cancelKey = (runId: string) => `pyramid-cancel:${runId}`;

/** The sidebar's Cancel: the run stops at its next chunk boundary, before anything is written. */
export function cancelRun(runId: string): void {
  cache().put(cancelKey(String(runId)), '1', 600);
}

class Cancelled extends Error {}

function checkCancelled(fn: string, runId: string): void {
  if (cache().get(cancelKey(runId))) throw new Cancelled(`${fn}: cancelled; nothing was written`);
}

function setProgress(runId: string, p: Progress): void {
  cache().put(progressKey(runId), JSON.stringify(p), 600);
}

export function getProgress(runId: string): Progress | null {
  const s = cache().get(progressKey(String(runId)));
  return s ? (JSON.parse(s) as Progress) : null;
}

export interface RunResult {
  sheetName: string;
  customers: number;
  rowsRead: number;
  rowsRejected: number;
  customerEquity: number;
  tiers: { label: string; customers: number; revenueShare: number }[];
  warnings: string[];
}

export function runSegmentation(options: RunOptions): RunResult {
  const fn = 'runSegmentation';
  const runId = String(options.runId ?? '');
  try {
    const sheet = sheetByName(options.sheetName, fn);
    const tz = sheetTimeZone();
    const locale: Locale = options.locale === 'zh-CN' || options.locale === 'en' ? options.locale : spreadsheetLocale();
    const columns: Partial<Profile['columns']> = {};
    for (const [role, header] of Object.entries(options.columns ?? {})) if (header) (columns as Record<string, string>)[role] = header;
    const timeUnit = choiceArg<TimeUnit>(options.timeUnit, 'time unit', fn, DEFAULT_PROFILE.timeUnit, ['day', 'week', 'month']);
    const profile = profileFor(fn, {
      asOf: asOfArg(options.asOf, fn, tz),
      timeZone: tz,
      locale,
      columns,
      header: true,
      timeUnit,
      horizon: numberArg(options.horizon, 'horizon', fn, oneYearHorizon(timeUnit), { min: 0 }),
      discountRate: rateArg(options.discountRate, 'discount rate', fn, DEFAULT_PROFILE.discountRate),
      margin: rateArg(options.margin, 'margin', fn, DEFAULT_PROFILE.margin),
      tierScheme: choiceArg<TierScheme>(options.tierScheme, 'tier scheme', fn, DEFAULT_PROFILE.tierScheme, ['zeithaml', 'ibm', 'pareto']),
      model: choiceArg<ModelSetting>(options.model, 'model', fn, DEFAULT_PROFILE.model, ['auto', 'bgnbd', 'paretonbd', 'mbgnbd']),
      rejectExamples: REJECTS_LISTED,
    });

    const lastRow = sheet.getLastRow();
    const lastCol = sheet.getLastColumn();
    if (lastRow < 2 || lastCol < 1) throw new Error(`${fn}: sheet "${options.sheetName}" has no data rows`);
    const total = Math.max(0, lastRow - 1);
    setProgress(runId, { phase: 'reading', done: 0, total });
    const toDay = dayFormatter(tz);
    const ingest = createTransactionIngest(profile);
    const header = (sheet.getRange(1, 1, 1, lastCol).getValues()[0] as Cell[]).map((h) => String(h ?? '').trim());
    ingest.beginSource(options.sheetName, header);
    for (let start = 2; start <= lastRow; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, lastRow - start + 1);
      const block: Cell[][] = sheet.getRange(start, 1, n, lastCol).getValues();
      for (let i = 0; i < n; i++) {
        const row = block[i];
        for (let j = 0; j < row.length; j++) row[j] = toDay(row[j]);
        ingest.row(row, start + i);
      }
      setProgress(runId, { phase: 'reading', done: start + n - 2, total });
      checkCancelled(fn, runId);
    }
    const ingested = ingest.finish();
    if (ingested.summaries.length === 0) {
      const r = ingested.rejects[0];
      throw new Error(`${fn}: no usable rows in "${options.sheetName}"${r ? ` (first problem: line ${r.line}: ${r.message})` : ''}`);
    }

    setProgress(runId, { phase: 'scoring', done: total, total });
    const run = score(prepare(ingested.summaries, profile));
    checkCancelled(fn, runId);
    setProgress(runId, { phase: 'writing', done: total, total });
    const warnings = [...ingested.warnings, ...run.warnings];
    const written = writeResults(run, locale, { rowsRead: ingested.counts.read, rowsRejected: ingested.counts.rejected, rejects: ingested.rejects, warnings });
    saveSettings(options.sheetName, {
      columns: Object.fromEntries(Object.entries(columns).filter(([, h]) => typeof h === 'string')) as Record<string, string>,
      timeUnit, horizon: profile.horizon, discountRate: profile.discountRate, margin: profile.margin,
      tierScheme: profile.tierScheme, model: profile.model,
    });
    const result: RunResult = {
      sheetName: written.sheetName,
      customers: run.customers.length,
      rowsRead: ingested.counts.read,
      rowsRejected: ingested.counts.rejected,
      customerEquity: run.customerEquity,
      tiers: run.tiers.map((g) => ({ label: g.label[locale], customers: g.customers, revenueShare: g.revenueShare })),
      warnings,
    };
    setProgress(runId, { phase: 'done', done: total, total, message: JSON.stringify(result) });
    return result;
  } catch (e) {
    setProgress(runId, { phase: e instanceof Cancelled ? 'cancelled' : 'failed', done: 0, total: 0, message: (e as Error).message });
    throw e;
  }
}
