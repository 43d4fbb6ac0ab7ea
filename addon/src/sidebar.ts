/**
 * Server side of the sidebar: list sheets, read the selection, detect columns, run the whole
 * segmentation on a sheet (or a range of it) in chunks that survive Apps Script's 6-minute limit
 * (runstate.ts; progress and Cancel through the user cache, polled by the sidebar), write the
 * results to their own sheet, a chosen sheet, or beside the source rows.
 */
import { DEFAULT_PROFILE } from '../../core/config.ts';
import type { ModelSetting, Profile, TierScheme } from '../../core/config.ts';
import { createTransactionIngest, planColumns } from '../../core/ingest/index.ts';
import type { ColumnRole } from '../../core/config.ts';
import type { Cell, Locale, TimeUnit } from '../../core/types.ts';
import { asOfArg, choiceArg, dayFormatter, numberArg, rateArg, sheetTimeZone, spreadsheetLocale } from './args.ts';
import { prepare, profileFor, score } from './engine.ts';
import { oneYearHorizon } from '../../core/time-units.ts';
import { ALL_RESULT_SHEETS, RESULTS_SHEET, besideBlock, knownOutputs, writeResults, type Target } from './results.ts';
import { parseA1, a1, type Block } from './grid.ts';
import { deleteStaleStates, deleteState, loadState, readChunks, saveChunk, saveState, stateSheet, type RunState } from './runstate.ts';
import { loadSettings, saveSettings, type SavedSettings } from './settings.ts';
import './gas.ts';
import { localizeWarning } from './warnings.ts';

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
  const results = new Set([...ALL_RESULT_SHEETS, ...knownOutputs()]);
  const sheets = (ss?.getSheets() ?? [])
    .map((s: any) => ({ name: s.getName() as string, rows: s.getLastRow() as number, columns: s.getLastColumn() as number }))
    .filter((s: { name: string }) => !results.has(s.name) && !s.name.startsWith('pyramid-state '));
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

/** The block a run reads: the given A1 range, else the whole sheet left of the results written beside it. */
export function sourceBlock(sheet: any, range: string | undefined, fn: string): Block {
  const lastRow: number = sheet.getLastRow();
  if (range && range.trim() !== '') {
    const b = parseA1(range, lastRow);
    if (!b) throw new Error(`${fn}: "${range}" is not a range such as A1:E200`);
    // Rows below the sheet's last row with data hold nothing: they are no order lines.
    const rows = Math.min(b.rows, Math.max(0, lastRow - b.row + 1));
    if (b.row > sheet.getMaxRows() || b.col + b.cols - 1 > sheet.getMaxColumns()) throw new Error(`${fn}: ${range} is outside sheet "${sheet.getName()}"`);
    return { ...b, rows };
  }
  let cols: number = sheet.getLastColumn();
  const beside = besideBlock(sheet.getName());
  if (beside && beside.col > 1) cols = Math.min(cols, beside.col - 2);
  return { row: 1, col: 1, rows: lastRow, cols };
}

/** The active range, for "Use selection": its sheet and A1 range (the first row being the header). */
export function getSelection(): { sheetName: string; range: string } | null {
  const range = SpreadsheetApp.getActive()?.getActiveRange();
  if (!range) return null;
  const b = { row: range.getRow(), col: range.getColumn(), rows: range.getNumRows(), cols: range.getNumColumns() };
  return { sheetName: range.getSheet().getName(), range: b.rows === 1 && b.cols === 1 ? '' : a1(b) };
}

export function detectColumns(sheetName: string, range?: string): ColumnInfo {
  const fn = 'detectColumns';
  const sheet = sheetByName(sheetName, fn);
  const b = sourceBlock(sheet, range, fn);
  // An empty sheet is no error: the sidebar says so and keeps Run disabled.
  if (b.rows < 2 || b.cols < 1) return { headers: [], roles: {}, sample: [], rows: 0, lastDate: null, saved: null };
  const tz = sheetTimeZone();
  const toDay = dayFormatter(tz);
  const top: Cell[][] = sheet.getRange(b.row, b.col, Math.min(b.rows, 6), b.cols).getValues();
  const headers = top[0].map((h) => String(h ?? '').trim());
  // The core's header matching (English and Chinese), without failing on a missing role.
  const detection = planColumns('transactions', headers, {});
  const sample = top.slice(1).map((r) => r.map((v) => String(toDay(v) ?? '')));
  let lastDate: string | null = null;
  const dateCol = detection.index.date ?? -1;
  if (dateCol >= 0) {
    for (const [v] of sheet.getRange(b.row + 1, b.col + dateCol, b.rows - 1, 1).getValues() as Cell[][]) {
      const d = toDay(v);
      if (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}/.test(d) && (lastDate === null || d.slice(0, 10) > lastDate)) lastDate = d.slice(0, 10);
    }
  }
  const saved = loadSettings(sheetName, headers);
  return { headers, roles: { ...detection.names, ...(saved?.columns ?? {}) }, sample, rows: b.rows - 1, lastDate, saved };
}

export interface RunOptions {
  runId: string;
  sheetName: string;
  /** A1 range of the input, header row first ("Use selection"); blank → the whole sheet. */
  range?: string;
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
  /** Where the customers table goes: its own sheet (default) or beside the source rows. */
  output?: 'sheet' | 'beside';
  /** With output "sheet": the sheet's name; blank → "Customer pyramid" (客户金字塔). */
  outputSheet?: string;
  /** How long one execution reads before it hands over to the next (ms); Apps Script stops a script at 6 min. */
  sliceMs?: number;
}

export interface Progress {
  phase: 'reading' | 'scoring' | 'writing' | 'done' | 'failed' | 'cancelled';
  done: number;
  total: number;
  message?: string;
}

/** One execution reads for at most this long, then returns and the sidebar calls resumeRun. */
export const SLICE_MS = 4 * 60 * 1000;
/** Scoring starts in a fresh execution unless this execution has used less than this. */
export const SCORE_START_MS = 60 * 1000;

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
  /** Where the customers table is, e.g. "Orders!G1:AO500" beside the data, or "Customer pyramid!A1:AI500". */
  range: string;
  customers: number;
  rowsRead: number;
  rowsRejected: number;
  customerEquity: number;
  tiers: { label: string; customers: number; revenueShare: number }[];
  warnings: string[];
}

/** What a run step returns: the result, or that the next execution must go on (call resumeRun). */
export type RunStep = RunResult | { continue: true; runId: string; done: number; total: number };

interface Settings { profile: Profile; locale: Locale; timeUnit: TimeUnit; columns: Partial<Profile['columns']> }

function settings(options: RunOptions, fn: string): Settings {
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
  return { profile, locale, timeUnit, columns };
}

/** Where the customers table goes; refuses to overwrite a sheet holding anything but earlier results. */
function target(options: RunOptions, locale: Locale, block: Block, fn: string): Target {
  if (options.output === 'beside') return { kind: 'beside', sheetName: options.sheetName, row: block.row, col: block.col + block.cols + 1 };
  const name = String(options.outputSheet ?? '').trim() || RESULTS_SHEET[locale];
  if (name === options.sheetName) throw new Error(`${fn}: the results cannot replace the order sheet "${name}"; choose another sheet or "beside the data"`);
  return { kind: 'sheet', name };
}

/**
 * Starts a run: checks the settings, saves the run's state, reads as many chunks as one
 * execution allows, and scores when all rows are read. A run that needs more time returns
 * `{ continue: true }`; the sidebar then calls resumeRun, also after Apps Script stopped an
 * execution at its limit (the state holds every chunk saved before that).
 */
export function runSegmentation(options: RunOptions): RunStep {
  const fn = 'runSegmentation';
  const t0 = Date.now();
  const runId = String(options.runId ?? '');
  try {
    if (!runId) throw new Error(`${fn}: no run id`);
    const sheet = sheetByName(options.sheetName, fn);
    const { profile, locale } = settings(options, fn);
    const block = sourceBlock(sheet, options.range, fn);
    if (block.rows < 2 || block.cols < 1) throw new Error(`${fn}: sheet "${options.sheetName}" has no data rows`);
    target(options, locale, block, fn); // fail now, not after reading
    const header = (sheet.getRange(block.row, block.col, 1, block.cols).getValues()[0] as Cell[]).map((h) => String(h ?? '').trim());
    // Only the columns the ingest reads are kept (a role of the core's column plan).
    const plan = planColumns('transactions', header, profile.columns as Partial<Record<ColumnRole, string>>);
    const keep = [...new Set(Object.values(plan.index) as number[])].sort((a, b) => a - b);
    deleteStaleStates(t0);
    deleteState(runId);
    const state: RunState = {
      runId, options: options as unknown as Record<string, unknown>, sheetName: options.sheetName,
      top: block.row, left: block.col, bottom: block.row + block.rows - 1, width: block.cols,
      keep, header: keep.map((j) => header[j]), idCol: keep.indexOf(plan.index.customer ?? -1), next: block.row + 1, chunks: 0, stateWidth: 2, started: t0,
    };
    saveState(state);
    return step(state, t0);
  } catch (e) {
    return failed(runId, e);
  }
}

/** Continues a run where its last execution stopped. */
export function resumeRun(runId: string): RunStep {
  const fn = 'resumeRun';
  const t0 = Date.now();
  const id = String(runId ?? '');
  try {
    const state = loadState(id);
    if (!state) throw new Error(`${fn}: this run is no longer saved (finished, cancelled, or older than 6 hours); run again`);
    return step(state, t0);
  } catch (e) {
    return failed(id, e);
  }
}

/** Apps Script's own time-out; it cannot be caught there, but if it ever is, the saved state must stay for resumeRun. */
const TIME_LIMIT = /Exceeded maximum execution time/;

function failed(runId: string, e: unknown): never {
  if (runId && !TIME_LIMIT.test(String((e as Error)?.message))) {
    deleteState(runId);
    setProgress(runId, { phase: e instanceof Cancelled ? 'cancelled' : 'failed', done: 0, total: 0, message: (e as Error).message });
  }
  throw e;
}

function step(state: RunState, t0: number): RunStep {
  const fn = 'runSegmentation';
  const options = state.options as unknown as RunOptions;
  const runId = state.runId;
  const sliceMs = Number(options.sliceMs) > 0 ? Number(options.sliceMs) : SLICE_MS;
  const total = state.bottom - state.top;
  const source = sheetByName(state.sheetName, fn);
  const store = stateSheet(runId);
  const toDay = dayFormatter(sheetTimeZone());
  // A run that reads every chunk in this execution ingests them as it goes and needs no read-back.
  const live = state.chunks === 0 ? startIngest(state) : null;
  const numericIds = new Set<string>();
  // Reading: chunk by chunk, each saved before the state moves on.
  let read = 0; // chunks read in this execution: each execution reads at least one, so a run always advances
  while (state.next <= state.bottom) {
    checkCancelled(fn, runId);
    if (read > 0 && Date.now() - t0 > sliceMs) return { continue: true, runId, done: state.next - state.top - 1, total };
    read++;
    const n = Math.min(CHUNK_ROWS, state.bottom - state.next + 1);
    const block: Cell[][] = source.getRange(state.next, state.left, n, state.width).getValues();
    const rows = block.map((r) => state.keep.map((j) => toDay(r[j])));
    const firstLine = state.next; // rejects name the row of the sheet, wherever the range starts
    const width = saveChunk(store, state.chunks, firstLine, rows);
    if (live) rows.forEach((row, i) => { live.row(row, firstLine + i); noteId(row, state.idCol, numericIds); });
    state.stateWidth = Math.max(state.stateWidth, width);
    state.chunks++;
    state.next += n;
    saveState(state);
    setProgress(runId, { phase: 'reading', done: state.next - state.top - 1, total });
  }
  checkCancelled(fn, runId);
  // Scoring and writing cannot be split: give them a fresh execution unless this one has just begun.
  if (read > 0 && Date.now() - t0 > Math.min(SCORE_START_MS, sliceMs)) return { continue: true, runId, done: total, total };
  return finish(state, store, total, live, numericIds);
}

/** Remembers an id that is a number in the sheet (see RunFacts.numericIds). */
function noteId(row: Cell[], idCol: number, ids: Set<string>): void {
  const id = idCol >= 0 ? row[idCol] : undefined;
  if (typeof id === 'number' && Number.isFinite(id)) ids.add(String(id));
}

function startIngest(state: RunState) {
  const ingest = createTransactionIngest(settings(state.options as unknown as RunOptions, 'runSegmentation').profile);
  ingest.beginSource(state.sheetName, state.header);
  return ingest;
}

/**
 * Every chunk through the core's ingest in line order (exactly one pass's input: as read, or
 * read back from the saved state after an earlier execution stopped), then score and write.
 */
function finish(state: RunState, store: any, total: number, live: ReturnType<typeof startIngest> | null, numericIds: Set<string>): RunResult {
  const fn = 'runSegmentation';
  const options = state.options as unknown as RunOptions;
  const runId = state.runId;
  const { profile, locale, timeUnit, columns } = settings(options, fn);
  setProgress(runId, { phase: 'scoring', done: total, total });
  let ingest = live;
  if (!ingest) {
    ingest = startIngest(state);
    for (const chunk of readChunks(store, state)) chunk.rows.forEach((row, i) => { ingest!.row(row, chunk.firstLine + i); noteId(row, state.idCol, numericIds); });
  }
  const ingested = ingest.finish();
  if (ingested.summaries.length === 0) {
    const r = ingested.rejects[0];
    throw new Error(`${fn}: no usable rows in "${state.sheetName}"${r ? ` (first problem: line ${r.line}: ${r.message})` : ''}`);
  }
  const run = score(prepare(ingested.summaries, profile));
  checkCancelled(fn, runId);
  setProgress(runId, { phase: 'writing', done: total, total });
  const warnings = [...ingested.warnings, ...run.warnings].map((w) => localizeWarning(w, locale));
  const block = { row: state.top, col: state.left, rows: state.bottom - state.top + 1, cols: state.width };
  const written = writeResults(run, locale, { numericIds, rowsRead: ingested.counts.read, rowsRejected: ingested.counts.rejected, rejects: ingested.rejects, warnings }, target(options, locale, block, fn));
  saveSettings(state.sheetName, {
    columns: Object.fromEntries(Object.entries(columns).filter(([, h]) => typeof h === 'string')) as Record<string, string>,
    timeUnit, horizon: profile.horizon, discountRate: profile.discountRate, margin: profile.margin,
    tierScheme: profile.tierScheme, model: profile.model,
    output: options.output === 'beside' ? 'beside' : 'sheet', outputSheet: options.outputSheet ?? '',
  });
  deleteState(runId);
  const result: RunResult = {
    sheetName: written.sheetName,
    range: written.range,
    customers: run.customers.length,
    rowsRead: ingested.counts.read,
    rowsRejected: ingested.counts.rejected,
    customerEquity: run.customerEquity,
    tiers: run.tiers.map((g) => ({ label: g.label[locale], customers: g.customers, revenueShare: g.revenueShare })),
    warnings,
  };
  setProgress(runId, { phase: 'done', done: total, total, message: JSON.stringify(result) });
  return result;
}
