/**
 * One scoring run for one dataset, as its only writer: take the dataset's lease, read its current
 * sources from S3 (streamed), score with the core, write the changed customer items, the reports,
 * then publish the run item and LATEST in one transaction; re-list the sources and score again
 * while they changed during the run; release the lease. Deterministic: the run id and every
 * output depend only on the sources (keys + ETags), the profile and the as-of date, so a
 * duplicate or retried event converges to the same final state.
 *
 * Pieces: sources.ts (S3), run-id.ts, items.ts (customer items), store.ts (run items, LATEST,
 * lease), batch-write.ts (DynamoDB writes), reports.ts (reports streamed to S3), redact.ts (failure
 * reasons without row content).
 */
import { randomUUID } from 'node:crypto';
import type { AttributeValue, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { resolveProfile, type Profile } from '../core/config.ts';
import type { Reject, RowCounts, ScoreRun, TableKind } from '../core/types.ts';
import { scoreCustomers } from '../core/pipeline.ts';
import { datasetSummary, scoreTable } from '../core/report/index.ts';
import { loadDataset } from '../io/read.ts';
import { renderReport } from '../io/report-html.ts';
import { rejectsCsv } from '../io/csv.ts';
import { putCsv, putStreamed, rejectsCapWarning, tempRejects, type TempRejects } from './reports.ts';
import { batchWrite, type BatchWriteOptions } from './batch-write.ts';
import { customerDeletes, customerWrites } from './items.ts';
import { capReason, safeReason } from './redact.ts';
import type { RetryOptions } from './retry.ts';
import { reportKey, UPLOAD_PREFIX } from './s3-keys.ts';
import { getText, listSources, objectStream, SourceReadError, type SourceRef } from './sources.ts';
import { acquireLease, existingCustomers, legacyCustomerKeys, latestRunId, publishRun, putRun, readRun as readStoredRun, releaseLease, type Lease } from './store.ts';
import { runIdFor } from './run-id.ts';

// The pieces this module used to hold, for existing importers.
export { customerItem } from './items.ts';
export { listDatasets, listSources, type SourceRef } from './sources.ts';
export { runIdFor, sha256 } from './run-id.ts';
export { LATEST_SK, latestRunId } from './store.ts';

export interface RunDeps {
  s3: S3Client;
  db: DynamoDBClient;
  bucket: string;
  table: string;
  write?: BatchWriteOptions;
  /** Retries of single S3 and DynamoDB calls (listing, reading, run items). */
  retry?: RetryOptions;
  /** Per-dataset profile overrides from the stack; uploads/<ds>/profile.json overrides these. */
  profiles?: Record<string, Record<string, unknown>>;
  /** Milliseconds clock for timings and the lease only (never for results). */
  now?: () => number;
  /** Who holds the lease (the Lambda request id); a fresh id per run when absent. */
  owner?: string;
  /** How long a lease lasts; longer than the function timeout. Default 16 minutes. */
  leaseMs?: number;
  /** Cap of a run's rejects.csv (default REJECTS_MAX_BYTES); further rejects are only counted. */
  rejectsMaxBytes?: number;
  /** Threads for the fan-out score step's model fits (default: the function's cores, at most 6; 1 = none). */
  fitThreads?: number;
}

export interface RunRecord {
  dataset: string;
  runId: string;
  asOf: string;
  trigger: string;
  status: 'succeeded' | 'failed';
  reason?: string;
  inputs: SourceRef[];
  profileKey?: string;
  counts: { transactions?: RowCounts; customers?: RowCounts; surveys?: RowCounts };
  customers: number;
  written: number;
  deleted: number;
  unchanged: number;
  models?: ScoreRun['models'];
  timings: Record<string, number>;
  reports: Record<string, string>;
  /** True when an identical run had already succeeded and nothing was redone. */
  duplicate?: boolean;
  /** How many times the run scored the dataset because its sources changed while it ran. */
  rounds?: number;
  /** Why report.html could not be written; the scores and the other reports are written regardless. */
  reportError?: string;
}

export type RunResult = RunRecord & { scoreRun?: ScoreRun };

/** A dataset's run item, as recorded. */
export const readRun = (db: DynamoDBClient, table: string, dataset: string, runId: string) => readStoredRun<RunRecord>(db, table, dataset, runId);

export const DEFAULT_LEASE_MS = 16 * 60_000;
/** Scoring rounds a run makes while its sources keep changing under it; later changes wait for their own retried message. */
export const MAX_ROUNDS = 3;
/** Retries when recording a failed run: it outlasts a short outage of the table. */
const RECORD_RETRY: RetryOptions = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 4000 };

/** Score one dataset as of `asOf`, as its only writer. Malformed input yields a failed run (recorded); transient faults throw after recording. */
export async function scoreDataset(deps: RunDeps, dataset: string, asOf: string, trigger: string): Promise<RunResult> {
  const now = deps.now ?? Date.now;
  const lease = await acquireLease(deps.db, deps.table, dataset, deps.owner ?? randomUUID(), now(), deps.leaseMs ?? DEFAULT_LEASE_MS, deps.retry);
  try {
    let result: RunResult & { profileEtag?: string };
    let rounds = 0;
    for (;;) {
      result = await scoreOnce(deps, lease, dataset, asOf, trigger);
      rounds++;
      // An upload that arrived while this run held the lease was turned away: score it now.
      const again = await listSources(deps.s3, deps.bucket, dataset, deps.retry);
      if (fingerprint(again) === fingerprint({ sources: result.inputs, profile: result.profileKey ? { key: result.profileKey, etag: result.profileEtag ?? '' } : undefined }) || rounds >= MAX_ROUNDS) break;
    }
    result.rounds = rounds;
    delete result.profileEtag;
    return result;
  } finally {
    await releaseLease(deps.db, deps.table, lease, deps.retry).catch(() => {}); // it expires on its own
  }
}

/** The run's profile (stack overrides, then uploads/<ds>/profile.json, then the as-of date) and its deterministic id. */
export async function runProfile(deps: RunDeps, dataset: string, asOf: string, sources: SourceRef[], profileRef?: { key: string; etag: string }) {
  const customText = profileRef ? await getText(deps.s3, deps.bucket, profileRef.key, deps.retry) : '{}';
  let profile: Profile | undefined;
  let profileError: string | undefined;
  try {
    const custom: unknown = JSON.parse(customText);
    if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) throw new Error('expected a JSON object of settings');
    profile = resolveProfile({ ...deps.profiles?.[dataset], ...custom, asOf });
  } catch (e) {
    profileError = capReason(`${profileRef?.key ?? 'stack profile'}: ${(e as Error).message}`);
  }
  const runId = runIdFor(asOf, profileRef ? [...sources, profileRef] : sources, profile ?? { invalid: customText });
  return { profile, profileError, runId };
}

export const fingerprint = (l: { sources: { key: string; etag: string }[]; profile?: { key: string; etag: string } }) =>
  JSON.stringify([l.sources.map((s) => [s.key, s.etag]), l.profile ? [l.profile.key, l.profile.etag] : null]);

async function scoreOnce(deps: RunDeps, lease: Lease, dataset: string, asOf: string, trigger: string): Promise<RunResult & { profileEtag?: string }> {
  const now = deps.now ?? Date.now;
  const t0 = now();
  const timings: Record<string, number> = {};
  const { sources, profile: profileRef } = await listSources(deps.s3, deps.bucket, dataset, deps.retry);
  const { profile, profileError, runId } = await runProfile(deps, dataset, asOf, sources, profileRef);
  timings.listMs = now() - t0;
  const profileEtag = profileRef?.etag;

  // Idempotency: if this exact run is the dataset's latest successful one, the table already holds its result.
  if ((await latestRunId(deps.db, deps.table, dataset, deps.retry)) === runId) {
    const previous = await readRun(deps.db, deps.table, dataset, runId);
    if (previous?.status === 'succeeded') return { ...previous, duplicate: true, profileEtag };
  }

  const record: RunRecord = {
    dataset, runId, asOf, trigger, status: 'failed', inputs: sources, profileKey: profileRef?.key,
    counts: {}, customers: 0, written: 0, deleted: 0, unchanged: 0, timings, reports: {},
  };
  const rejectsKey = reportKey(dataset, runId, 'rejects.csv');
  /** A permanent failure (the input itself): recorded, returned, not retried. */
  const fail = async (reason: string, rejects: Reject[] | TempRejects) => {
    record.status = 'failed';
    record.reason = capReason(reason);
    if (Array.isArray(rejects)) await putStreamed(deps, rejectsKey, () => rejectsCsv(rejects, { bom: profile?.bom ?? true }), 'text/csv; charset=utf-8');
    else await rejects.upload(deps, rejectsKey);
    record.reports.rejects = rejectsKey;
    timings.totalMs = now() - t0;
    await putRun(deps.db, deps.table, record, RECORD_RETRY);
    return { ...record, profileEtag };
  };
  /** A transient failure (S3 or DynamoDB unavailable): recorded, then rethrown so the message is retried. */
  const failTransient = async (e: unknown): Promise<never> => {
    record.status = 'failed';
    record.reason = safeReason(`retrying: ${(e as Error).name}: ${(e as Error).message}`);
    timings.totalMs = now() - t0;
    await putRun(deps.db, deps.table, record, RECORD_RETRY).catch(() => {});
    throw e;
  };

  if (!profile) return await fail(profileError!, [{ source: profileRef?.key ?? dataset, line: 0, column: null, reason: 'bad-profile', message: profileError! }]);
  if (!sources.some((s) => s.kind === 'transactions')) {
    return clearDataset(deps, lease, record, `no transaction files under ${UPLOAD_PREFIX}${dataset}/transactions/: the dataset's customer items and LATEST are removed`, now, t0);
  }

  let t = now();
  let data: Awaited<ReturnType<typeof loadDataset>>;
  const rejects = tempRejects(profile.bom ?? true, deps.rejectsMaxBytes);
  try {
    let readFault: SourceReadError | undefined;
    const byKind = (kind: TableKind) => sources.filter((s) => s.kind === kind)
      .map((s) => ({ name: s.key, stream: objectStream(deps.s3, deps.bucket, s, deps.retry, (e) => { readFault = e; }), size: s.size }));
    try {
      const customers = byKind('customers');
      const surveys = byKind('surveys');
      data = await loadDataset({
        transactions: byKind('transactions'),
        ...(customers.length ? { customers } : {}),
        ...(surveys.length ? { surveys } : {}),
      }, profile, undefined, (r) => rejects.writer.write(r));
    } catch (e) {
      // The reader wraps stream errors in its own: a fault seen on the S3 stream means S3, not the file.
      if (readFault) return await failTransient(readFault);
      const message = safeReason((e as Error).message);
      rejects.writer.write({ source: dataset, line: 0, column: null, reason: 'unusable-file', message });
      return await fail(message, rejects);
    }
    timings.loadMs = now() - t;
    record.counts = data.counts;
    if (rejects.writer.dropped) {
      data.warnings.push(rejectsCapWarning(rejects.writer.dropped, deps.rejectsMaxBytes));
    }
    if (data.summaries.length === 0) {
      return await fail(`no usable transaction rows (${data.counts.transactions.rejected} of ${data.counts.transactions.read} rejected)`, rejects);
    }

    t = now();
    const run = scoreCustomers(data.summaries, profile, { customers: data.customers, surveys: data.surveys });
    timings.scoreMs = now() - t;
    record.models = run.models;
    record.customers = run.customers.length;

    t = now();
    try {
      await writeCustomers(deps, record, run);
    } catch (e) {
      return await failTransient(e);
    }
    timings.writeMs = now() - t;

    t = now();
    record.reports = await writeReports(deps, record, profile, data, run, rejects);
    timings.reportMs = now() - t;

    record.status = 'succeeded';
    timings.totalMs = now() - t0;
    await publishRun(deps.db, deps.table, lease, record, 'set', now(), deps.retry);
    // The scores themselves travel back in memory only (for the local runner's printout).
    return { ...record, scoreRun: run, profileEtag };
  } finally {
    rejects.dispose();
  }
}

/** Write the changed or new customers' items (tagged with the run id) and delete the departed ones. */
async function writeCustomers(deps: RunDeps, record: RunRecord, run: ScoreRun) {
  await batchWrite(deps.db, deps.table, await customerRequests(deps, record, run), deps.write);
}

/**
 * The writes that bring the table to `run`: changed or new customers, then the departed, then any
 * item of the layout before partitions (counted into `record` as they are pulled).
 */
export async function customerRequests(deps: RunDeps, record: RunRecord, run: ScoreRun): Promise<Iterable<WriteRequest>> {
  const existing = await existingCustomers(deps.db, deps.table, record.dataset, deps.retry);
  const legacy = await legacyCustomerKeys(deps.db, deps.table, record.dataset, deps.retry);
  record.written = record.unchanged = record.deleted = 0;
  return (function* () {
    yield* customerWrites(record.dataset, record.asOf, run.customers, existing, record.runId, record);
    for (const Key of legacy) {
      record.deleted++;
      yield { DeleteRequest: { Key } };
    }
  })();
}

/** Items of the layout before partitions: deleted once their customers are written under their partitions. */
async function deleteLegacy(deps: RunDeps, record: RunRecord, keys: Record<string, AttributeValue>[]) {
  record.deleted += keys.length;
  await batchWrite(deps.db, deps.table, keys.map((Key) => ({ DeleteRequest: { Key } })), deps.write);
}

/** A dataset without transaction files: remove its customer items, then LATEST with the run item. */
async function clearDataset(deps: RunDeps, lease: Lease, record: RunRecord, note: string, now: () => number, t0: number): Promise<RunResult> {
  const existing = await existingCustomers(deps.db, deps.table, record.dataset, deps.retry);
  record.deleted = 0;
  await batchWrite(deps.db, deps.table, customerDeletes(record.dataset, existing.keys(), record), deps.write);
  await deleteLegacy(deps, record, await legacyCustomerKeys(deps.db, deps.table, record.dataset, deps.retry));
  record.status = 'succeeded';
  record.reason = note;
  record.timings.totalMs = now() - t0;
  await publishRun(deps.db, deps.table, lease, record, 'delete', now(), deps.retry);
  return record;
}

// --- reports: reports/<dataset>/<run>/… ----------------------------------------------------------

/** Write the run's reports (scores.csv, summary.json, rejects.csv, report.html); returns their keys by name. */
export async function writeReports(
  deps: RunDeps, record: RunRecord, profile: Profile, data: Awaited<ReturnType<typeof loadDataset>>, run: ScoreRun, rejects: { upload(deps: RunDeps, key: string): Promise<void> },
): Promise<Record<string, string>> {
  const { dataset, runId } = record;
  const table = scoreTable(run, profile.locale);
  const scoresKey = reportKey(dataset, runId, 'scores.csv');
  const summaryKey = reportKey(dataset, runId, 'summary.json');
  const rejectsKey = reportKey(dataset, runId, 'rejects.csv');
  await putCsv(deps, scoresKey, table.header, table.rows, profile.bom ?? true);
  const summary = datasetSummary(profile, data, run);
  await putStreamed(deps, summaryKey, () => JSON.stringify(summary, null, 2), 'application/json');
  await rejects.upload(deps, rejectsKey);
  const keys: Record<string, string> = { scores: scoresKey, summary: summaryKey, rejects: rejectsKey };
  // The page is a view of the results: a failure to draw it must not fail (and retry) the run.
  const reportHtmlKey = reportKey(dataset, runId, 'report.html');
  try {
    const html = await renderReport({ summary, run, profile, name: dataset });
    await putStreamed(deps, reportHtmlKey, () => html, 'text/html; charset=utf-8');
    keys.report = reportHtmlKey;
  } catch (e) {
    record.reportError = capReason((e as Error).message);
  }
  return keys;
}

/** A small report from a string (streamed like the others). */
export async function putReport(deps: RunDeps, key: string, body: string, contentType: string) {
  await putStreamed(deps, key, () => body, contentType);
}

// rejects.csv: see reports.ts.
export { REJECTS_MAX_BYTES } from './reports.ts';
