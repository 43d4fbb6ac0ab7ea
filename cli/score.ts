/**
 * `pyramid score`: read the exports, summarize, score, and write customers.csv, rejects.csv and
 * summary.json into the output folder. One function so every caller (CLI, scripts) runs the same steps.
 */
import { existsSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ProfileError, resolveProfile, type Profile } from '../core/config.ts';
import type { CustomerSummary, ScoreRun } from '../core/types.ts';
import { InputError } from '../core/ingest/errors.ts';
import { loadDataset, totalSize, type Input } from '../io/read.ts';
import { openRejectWriter, refuseInputsAsOutputs, writeCsv, writeCsvTable, writeFileAtomic, type OutCell } from '../io/csv.ts';
import { checkAsOf, scoreCustomers } from '../core/pipeline.ts';
import { columnHeaders, datasetSummary, scoreTableRows } from '../core/report/index.ts';
import { dayToIso } from '../core/dates.ts';
import { fitThreads, type FitThreads } from '../threads/fit-threads.ts';

export interface ScoreOptions {
  files: Input[];
  customers?: Input[];
  surveys?: Input[];
  /** Path of a JSON profile; CLI flags override its fields. */
  config?: string;
  /** Profile fields given on the command line (asOf, timeUnit, columns, …). */
  overrides?: Record<string, unknown>;
  out?: string;
  /** Show a progress bar on stderr (only used when stderr is a TTY and the input is large). */
  progress?: boolean;
  /** Skip the models and scores: customers.csv then holds the summaries only. */
  summaryOnly?: boolean;
  /** Write report.html (default true; `--no-report` turns it off). */
  report?: boolean;
  /** Threads for the model fits (`--threads`, default 1: the fits run one after the other in this thread). */
  threads?: number;
}

/**
 * Seconds per stage, in summary.json's `timings`: `read` (reading, parsing and summarising the inputs:
 * one streaming pass), the core's stages (`fit.<model>`, `choice`, `fit.gammaGamma`, `score` with its
 * part `score.intervals`; see core/pipeline.ts), `write` (customers.csv), `report` (report.html) and `total`.
 */
export type StageTimings = Record<string, number>;

export interface ScoreResult {
  outDir: string;
  summary: Record<string, unknown>;
  timings: StageTimings;
}

/** Command-line flag of a profile field given as an override (most are the field in kebab case). */
const FLAG_OF: Record<string, string> = {
  columns: '--map', customerColumns: '--customers-map', surveyColumns: '--survey-map', statuses: '--status-map', dateWindow: '--date-from', bom: '--no-bom',
};
const flagOf = (key: string) => FLAG_OF[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function readProfileFile(path: string): Record<string, unknown> {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) { throw new InputError(`${path}: cannot read the profile (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  let json: unknown;
  try { json = JSON.parse(text.replace(/^\uFEFF/, '')); } catch (e) { throw new InputError(`${path}: not valid JSON (${(e as Error).message.split('\n')[0]})`); }
  if (!isObject(json)) throw new InputError(`${path}: the profile must be a JSON object of settings, got ${Array.isArray(json) ? 'a list' : JSON.stringify(json)}`);
  return json;
}

/**
 * Profile from a JSON file plus overrides (flags), validated. Objects given in both (e.g. a column map)
 * merge one level deep. Any problem is one InputError line naming each bad field, or its flag.
 */
export function buildProfile(config: string | undefined, overrides: Record<string, unknown> = {}): Profile {
  const base = config ? readProfileFile(config) : {};
  const merged: Record<string, unknown> = { ...base, ...overrides };
  for (const [k, v] of Object.entries(overrides)) if (isObject(v) && isObject(base[k])) merged[k] = { ...base[k], ...v };
  try {
    return resolveProfile(merged);
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    const issues = e.issues.map((i) => {
      const [top, ...rest] = i.path.split('.');
      if (!(top in overrides)) return i;
      return { path: rest.length ? `${flagOf(top)} ${rest.join('.')}` : flagOf(top), message: i.message };
    });
    throw new ProfileError(issues, config ? `Invalid profile ${config}` : 'Invalid settings');
  }
}

export const OUTPUT_FILES = ['customers.csv', 'rejects.csv', 'summary.json', 'report.html'] as const;

/** Fails before anything is read when the output folder is a file or would overwrite an input. */
function checkOutputs(outDir: string, inputs: Input[]): void {
  let isDir = true;
  try { isDir = statSync(outDir).isDirectory(); } catch { /* created later */ }
  if (!isDir) throw new InputError(`--out ${outDir}: is a file, not a folder`);
  refuseInputsAsOutputs(OUTPUT_FILES.map((f) => join(outDir, f)), inputs.filter((i): i is string => typeof i === 'string'));
}

export const SUMMARY_COLUMNS = [
  'customer_id', 'first_purchase', 'last_purchase', 'transactions', 'frequency', 'recency', 'T',
  'first_spend', 'repeat_spend', 'mean_repeat_spend', 'total_spend', 'returns', 'net_spend', 'holdout_transactions', 'holdout_spend',
];

function summaryRow(s: CustomerSummary): OutCell[] {
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  return [s.id, dayToIso(s.firstDay), dayToIso(s.lastDay), s.transactions, s.frequency, r6(s.recency), r6(s.T), s.firstSpend, s.repeatSpend,
    r6(s.meanRepeatSpend), s.totalSpend, s.returns, s.netSpend, s.holdout?.transactions ?? '', s.holdout?.spend ?? ''];
}

async function withProgress<T>(enabled: boolean, total: number | undefined, run: (tick?: (bytes: number) => void) => Promise<T>): Promise<T> {
  if (!enabled || !process.stderr.isTTY || !total || total < 20 * 1024 * 1024) return run();
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ stream: process.stderr, format: 'reading {bar} {percentage}% | {value}/{total} MB', hideCursor: true }, Presets.shades_classic);
  const mb = (b: number) => Math.round(b / 1048576);
  bar.start(mb(total), 0);
  try { return await run((b) => bar.update(mb(b))); } finally { bar.stop(); }
}

const seconds = (ms: number) => Math.round(ms) / 1000;

export async function runScore(o: ScoreOptions): Promise<ScoreResult> {
  const started = performance.now();
  const profile = buildProfile(o.config, o.overrides);
  if (!profile.asOf) throw new InputError('An as-of date is required (--as-of YYYY-MM-DD)');
  const outDir = resolve(o.out ?? 'out');
  const inputs = [...o.files, ...(o.customers ?? []), ...(o.surveys ?? [])];
  checkOutputs(outDir, o.config ? [...inputs, o.config] : inputs);
  // Rejects stream to rejects.csv as they are found: memory keeps only counts and a few examples.
  // An unusable input leaves no output behind (neither a partial rejects.csv nor a new folder).
  const hadOut = existsSync(outDir);
  // The report's chart engines load while the inputs are read (the CLI exits at once on an error: cli/main.ts).
  const reportModule = o.report ?? true ? import('../io/report-html.ts').then((m) => (m.preloadEngines(), m)) : undefined;
  reportModule?.catch(() => undefined);
  // Threads start now, so they are loaded by the time reading is done.
  const threads = o.summaryOnly ? undefined : fitThreads(o.threads ?? 1);
  try {
    return await scoreWith(o, { profile, outDir, hadOut, inputs, started, threads, reportModule });
  } finally {
    await threads?.close();
    if (threads?.problems.length) process.stderr.write(`pyramid: note: the fit threads failed (${threads.problems[0]}); the fits ran in one thread, with the same results.\n`);
  }
}

/** What runScore settled before reading, and what it started then. */
interface RunStart {
  profile: Profile; outDir: string; hadOut: boolean; inputs: Input[]; started: number;
  threads: FitThreads | undefined; reportModule: Promise<typeof import('../io/report-html.ts')> | undefined;
}

async function scoreWith(o: ScoreOptions, { profile, outDir, hadOut, inputs, started, threads, reportModule }: RunStart): Promise<ScoreResult> {
  let mark = started;
  const lap = () => { const now = performance.now(), s = seconds(now - mark); mark = now; return s; };
  const csv = { bom: profile.bom };
  const rejects = openRejectWriter(join(outDir, 'rejects.csv'), csv);
  let data: Awaited<ReturnType<typeof loadDataset>>;
  try {
    data = await withProgress(o.progress ?? false, totalSize(inputs), (tick) =>
      loadDataset({ transactions: o.files, customers: o.customers, surveys: o.surveys }, profile, tick, (r) => rejects.write(r)));
    checkAsOf(data, profile);
  } catch (e) {
    rejects.discard();
    if (!hadOut) try { rmdirSync(outDir); } catch { /* not created, or not empty */ }
    throw e;
  }
  rejects.close();
  const timings: StageTimings = { read: lap() };
  let run: ScoreRun | undefined;
  if (!o.summaryOnly && data.summaries.length) {
    run = scoreCustomers(data.summaries, profile, { customers: data.customers, surveys: data.surveys, clock: () => performance.now(), fitRunner: threads });
    Object.assign(timings, run.timings);
    mark = performance.now();
    const table = scoreTableRows(run, profile.locale);
    await writeCsvTable(join(outDir, 'customers.csv'), table.header, table, csv);
  } else {
    const summaries = data.summaries;
    await writeCsv(join(outDir, 'customers.csv'), columnHeaders(SUMMARY_COLUMNS, profile.locale), (function* () { for (const s of summaries) yield summaryRow(s); })(), csv);
  }
  timings.write = lap();
  const summary = datasetSummary(profile, data, run);
  // The report is rendered before summary.json is written, so summary.json can say how long it took.
  let html: string | undefined;
  if (reportModule) {
    const { renderReport } = await reportModule;
    const name = typeof o.files[0] === 'string' ? basename(o.files[0]) : undefined;
    html = await renderReport({ summary, run, profile, name });
    timings.report = lap();
  }
  timings.total = seconds(performance.now() - started);
  await writeFileAtomic(join(outDir, 'summary.json'), JSON.stringify({ ...summary, timings }, null, 2) + '\n');
  if (html !== undefined) await writeFileAtomic(join(outDir, 'report.html'), html);
  return { outDir, summary, timings };
}
