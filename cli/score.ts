/**
 * `pyramid score`: read the exports, summarize, score, and write customers.csv, rejects.csv and
 * summary.json into the output folder. One function so every caller (CLI, scripts) runs the same steps.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveProfile, type Profile } from '../core/config.ts';
import type { CustomerSummary, ScoreRun } from '../core/types.ts';
import { InputError } from '../core/ingest/errors.ts';
import { loadDataset, totalSize, type Input } from '../io/read.ts';
import { writeCsv, writeRejects, type OutCell } from '../io/csv.ts';
import { checkAsOf, scoreCustomers } from '../core/pipeline.ts';
import { datasetSummary, scoreTable } from '../core/report/index.ts';
import { dayToIso } from '../core/dates.ts';

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
}

export interface ScoreResult {
  outDir: string;
  summary: Record<string, unknown>;
}

/** Profile from a JSON file plus overrides, validated; errors become one-line InputErrors. */
export function buildProfile(config: string | undefined, overrides: Record<string, unknown> = {}): Profile {
  let base: Record<string, unknown> = {};
  if (config) {
    try { base = JSON.parse(readFileSync(config, 'utf8')); } catch (e) { throw new InputError(`${config}: not a readable JSON profile (${(e as Error).message})`); }
  }
  const merged: Record<string, unknown> = { ...base, ...overrides };
  if (base.columns && overrides.columns) merged.columns = { ...(base.columns as object), ...(overrides.columns as object) };
  try { return resolveProfile(merged); } catch (e) { throw new InputError((e as Error).message); }
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

export async function runScore(o: ScoreOptions): Promise<ScoreResult> {
  const profile = buildProfile(o.config, o.overrides);
  if (!profile.asOf) throw new InputError('An as-of date is required (--as-of YYYY-MM-DD)');
  const outDir = resolve(o.out ?? 'out');
  const inputs = [...o.files, ...(o.customers ?? []), ...(o.surveys ?? [])];
  const data = await withProgress(o.progress ?? false, totalSize(inputs), (tick) =>
    loadDataset({ transactions: o.files, customers: o.customers, surveys: o.surveys }, profile, tick));
  checkAsOf(data, profile);
  mkdirSync(outDir, { recursive: true });
  let run: ScoreRun | undefined;
  if (!o.summaryOnly && data.summaries.length) {
    run = scoreCustomers(data.summaries, profile, { customers: data.customers, surveys: data.surveys });
    const table = scoreTable(run, profile.locale);
    await writeCsv(join(outDir, 'customers.csv'), table.header, table.rows);
  } else {
    await writeCsv(join(outDir, 'customers.csv'), SUMMARY_COLUMNS, data.summaries.map(summaryRow));
  }
  await writeRejects(join(outDir, 'rejects.csv'), data.rejects);
  const summary = datasetSummary(profile, data, run);
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return { outDir, summary };
}
