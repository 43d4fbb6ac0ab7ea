/**
 * Score: the one step that sees every customer. It merges the partitions' summaries, fits the
 * models once on their compressed histogram and scores every customer, because the ranks are
 * global (RFM quintiles, tiers by cumulative CLV share, value classes, concentration, cohorts):
 * a million customers' summaries and scores fit in one function's memory, while the work that
 * grows with rows (reading, parsing) and with items (DynamoDB writes) runs in the maps around it.
 * It rebuilds the single run's dataset readout from the shards' metas (counts, rejects in the
 * single run's order, warnings, detections), reads master data and surveys (small) itself, writes
 * the reports, and splits the item writes into one request file per partition.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Profile } from '../../core/config.ts';
import type { Reject, RowCounts, TableKind } from '../../core/types.ts';
import { summaryWarnings } from '../../core/ingest/transactions.ts';
import { createIngest, type TableIngest, type TableResult } from '../../core/ingest/tables.ts';
import { mergeSummaries } from '../../core/summary/summarize.ts';
import { scoreCustomers } from '../../core/pipeline.ts';
import { addReasons, addTableResult, feedInput, type Dataset } from '../../io/read.ts';
import { BOM, csvLine, REJECT_HEADER, rejectRow } from '../../io/csv.ts';
import { capReason, safeReason } from '../redact.ts';
import { withRetry } from '../retry.ts';
import { REJECTS_MAX_BYTES, rejectsCapWarning } from '../reports.ts';
import { reportKey } from '../s3-keys.ts';
import { objectStream, SourceReadError, type SourceRef } from '../sources.ts';
import { putRun } from '../store.ts';
import { customerRequests, writeReports, type RunDeps, type RunRecord, type RunResult } from '../score-dataset.ts';
import { runKeys } from './layout.ts';
import { readMetas, type PartitionSummaries } from './merge.ts';
import { getJson, putFile, putJson } from './objects.ts';
import type { FanoutRun, PlanFile } from './plan.ts';
import { cappedLines } from './rejects-file.ts';
import type { ShardMeta } from './shard.ts';
import { fitThreads } from '../../threads/fit-threads.ts';

const RECORD_RETRY = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 4000 };

const byLine = (a: Reject, b: Reject) => (a.source === b.source ? a.line - b.line : a.source < b.source ? -1 : 1);

/** rejects.csv of the run in a temporary file: header, then rows in the single run's order, capped as the single run caps it. */
function rejectsFile(dir: string, bom: boolean, maxBytes: number) {
  const lines = cappedLines(join(dir, 'rejects.csv'), maxBytes, (bom ? BOM : '') + csvLine(REJECT_HEADER));
  return {
    get dropped() { return lines.dropped; },
    /** A shard's piece, copied line by line (a failed read fails the step, which is retried whole). */
    async appendObject(deps: RunDeps, key: string) {
      const out = await withRetry(() => deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key })), deps.retry);
      await lines.appendStream(out.Body as Readable);
    },
    write: lines.write,
    async upload(deps: RunDeps, key: string) {
      lines.close();
      await putFile(deps, key, lines.path, 'text/csv; charset=utf-8');
    },
    close: lines.close,
  };
}

/** The transaction part of the single run's readout, from the shards' metas (all read without error). */
export function transactionReadout(metas: ShardMeta[], parts: PartitionSummaries[], profile: Profile) {
  const counts: RowCounts = { read: 0, accepted: 0, rejected: 0 };
  for (const m of metas) { counts.read += m.counts.read; counts.accepted += m.counts.accepted; counts.rejected += m.counts.rejected; }
  // The single run meets every file's row rejects before any file's late ones.
  const rejectReasons: Record<string, number> = {};
  for (const phase of [0, 1] as const) for (const m of metas) addReasons(rejectReasons, m.reasons[phase]);
  const arrival = [0, 1].flatMap((phase) => metas.flatMap((m) => m.examples[phase]));
  const rejects = arrival.slice(0, profile.rejectExamples ?? 100).sort(byLine);
  const noPurchase = parts.reduce((n, p) => n + p.noPurchase, 0);
  const lateFirst = parts.reduce((n, p) => n + p.lateFirst, 0);
  const warnings = [...metas.flatMap((m) => m.dateWarnings), ...metas.flatMap((m) => m.sourceWarnings), ...summaryWarnings(noPurchase, lateFirst, profile)];
  return {
    summaries: mergeSummaries(parts.map((p) => p.summaries)), counts, rejectReasons, rejects,
    detections: metas.flatMap((m) => m.detections), warnings,
  };
}

/** Master data and surveys, read as loadDataset reads them, appended to the readout. */
async function readSmallTables(deps: RunDeps, sources: SourceRef[], profile: Profile, out: Dataset, onReject: (r: Reject) => void, onFault: (e: SourceReadError) => void) {
  for (const kind of ['customers', 'surveys'] as const) {
    const list = sources.filter((s) => s.kind === kind);
    if (!list.length) continue;
    const ing = createIngest(kind as TableKind, profile, onReject) as TableIngest<unknown>;
    for (const s of list) await feedInput({ name: s.key, stream: objectStream(deps.s3, deps.bucket, s, deps.retry, onFault), size: s.size }, ing, kind, profile);
    addTableResult(out, kind, ing.finish() as TableResult<'customers'> | TableResult<'surveys'>);
  }
}

export async function score(deps: RunDeps, run: FanoutRun): Promise<RunResult> {
  const now = deps.now ?? Date.now;
  const keys = runKeys(run.dataset, run.runId);
  const { profile, sources, profileRef, rejectsMaxBytes = REJECTS_MAX_BYTES } = await getJson<PlanFile>(deps, keys.plan);
  const timings: Record<string, number> = { listMs: run.planMs };
  const record: RunRecord = {
    dataset: run.dataset, runId: run.runId, asOf: run.asOf, trigger: run.trigger, status: 'failed', inputs: sources, profileKey: profileRef?.key,
    counts: {}, customers: 0, written: 0, deleted: 0, unchanged: 0, timings, reports: {},
  };
  const dir = mkdtempSync(join(tmpdir(), 'pyramid-score-'));
  const rejects = rejectsFile(dir, profile.bom ?? true, rejectsMaxBytes);
  // The fits run at once on the function's cores (6 at 10 GB); the threads load while the partitions are read.
  const threads = fitThreads(deps.fitThreads);
  try {
    const rejectsKey = reportKey(run.dataset, run.runId, 'rejects.csv');
    /** A permanent failure (the input itself): recorded and returned, as the single run does. */
    const fail = async (reason: string) => {
      record.reason = capReason(reason);
      await rejects.upload(deps, rejectsKey);
      record.reports.rejects = rejectsKey;
      await putRun(deps.db, deps.table, record, RECORD_RETRY);
      await putJson(deps, keys.record, record);
      return record;
    };
    const metas = await readMetas(deps, run);
    const bad = metas.findIndex((m) => m.error !== undefined);
    // The single run stops at the first unreadable file: the files before it, then its rows so far.
    const read = bad < 0 ? metas : metas.slice(0, bad + 1);
    for (const m of read) await rejects.appendObject(deps, keys.shardRejects(m.index, 'rows'));
    if (bad >= 0) {
      rejects.write({ source: run.dataset, line: 0, column: null, reason: 'unusable-file', message: metas[bad].error! });
      return await fail(metas[bad].error!);
    }
    for (const m of metas) await rejects.appendObject(deps, keys.shardRejects(m.index, 'late'));

    let t = now();
    const parts = await Promise.all(Array.from({ length: run.partitions }, (_, p) => getJson<PartitionSummaries>(deps, keys.summaries(p))));
    const tx = transactionReadout(metas, parts, profile);
    const data: Dataset = {
      summaries: tx.summaries, customers: [], surveys: [], rejects: [...tx.rejects], rejectReasons: { ...tx.rejectReasons },
      counts: { transactions: tx.counts }, detections: [...tx.detections], warnings: [],
    };
    let fault: SourceReadError | undefined;
    try {
      await readSmallTables(deps, sources, profile, data, (r) => rejects.write(r), (e) => { fault = e; });
    } catch (e) {
      if (fault) throw fault;
      const message = safeReason((e as Error).message);
      rejects.write({ source: run.dataset, line: 0, column: null, reason: 'unusable-file', message });
      return await fail(message);
    }
    for (const d of data.detections) data.warnings.push(...(d.warnings ?? []));
    data.warnings.push(...tx.warnings);
    // Rejects a shard did not keep never reached the run's file; those it kept may stop there.
    const dropped = metas.reduce((n, m) => n + m.dropped, 0) + rejects.dropped;
    if (dropped) data.warnings.push(rejectsCapWarning(dropped, rejectsMaxBytes));
    timings.loadMs = now() - t;
    record.counts = data.counts;
    if (data.summaries.length === 0) {
      return await fail(`no usable transaction rows (${data.counts.transactions.rejected} of ${data.counts.transactions.read} rejected)`);
    }

    t = now();
    const scored = scoreCustomers(data.summaries, profile, { customers: data.customers, surveys: data.surveys, fitRunner: threads });
    timings.scoreMs = now() - t;
    record.models = scored.models;
    record.customers = scored.customers.length;

    // The item writes, dealt round-robin into one request file per partition for the write map.
    t = now();
    const files = Array.from({ length: run.partitions }, (_, p) => join(dir, `writes-${p}.jsonl`));
    const blocks = files.map(() => '');
    for (const p of files) writeFileSync(p, '');
    let k = 0;
    for (const req of await customerRequests(deps, record, scored)) {
      const p = k++ % files.length;
      blocks[p] += `${JSON.stringify(req)}\n`;
      if (blocks[p].length >= 1 << 20) { appendFileSync(files[p], blocks[p]); blocks[p] = ''; }
    }
    files.forEach((f, p) => appendFileSync(f, blocks[p]));
    for (let p = 0; p < files.length; p++) await putFile(deps, keys.writes(p), files[p], 'application/x-ndjson');
    timings.itemsMs = now() - t;

    t = now();
    record.reports = await writeReports(deps, record, profile, data, scored, rejects);
    timings.reportMs = now() - t;
    record.status = 'succeeded';
    await putJson(deps, keys.record, record);
    return { ...record, scoreRun: scored };
  } finally {
    await threads?.close();
    rejects.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
