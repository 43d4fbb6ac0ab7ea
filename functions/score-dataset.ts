/**
 * One scoring run for one dataset: read its current sources from S3 (streamed), score with the
 * core, write changed customer items, the reports and the run item. Deterministic: the run id
 * and every output depend only on the sources (keys + ETags), the profile and the as-of date,
 * so a duplicate or retried event converges to the same final state.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { resolveProfile, type Profile } from '../core/config.ts';
import type { CustomerScore, Reject, RowCounts, ScoreRun, TableKind } from '../core/types.ts';
import { scoreCustomers } from '../core/pipeline.ts';
import { datasetSummary, scoreTable } from '../core/report/index.ts';
import { loadDataset } from '../io/read.ts';
import { excerpt } from '../core/ingest/rejects.ts';
import { renderReport } from '../io/report-html.ts';
import { openRejectWriter, rejectsCsv, toCsv, type RejectWriter } from '../io/csv.ts';
import { batchWrite, type BatchWriteOptions } from './batch-write.ts';
import { isSourceKey, parseUploadKey, reportKey, UPLOAD_PREFIX } from './s3-keys.ts';
import { customerSk, datasetPk, runSk, segmentKey, tierKey } from './table.ts';

export interface RunDeps {
  s3: S3Client;
  db: DynamoDBClient;
  bucket: string;
  table: string;
  write?: BatchWriteOptions;
  /** Per-dataset profile overrides from the stack; uploads/<ds>/profile.json overrides these. */
  profiles?: Record<string, Record<string, unknown>>;
  /** Milliseconds clock for timings only (never for results). */
  now?: () => number;
}

export interface SourceRef { key: string; etag: string; size: number; kind: TableKind }

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
  /** Why report.html could not be written; the scores and the other reports are written regardless. */
  reportError?: string;
}

/** List the dataset's current sources (sorted by key) and its optional profile.json. */
export async function listSources(s3: S3Client, bucket: string, dataset: string) {
  const sources: SourceRef[] = [];
  let profile: { key: string; etag: string } | undefined;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${UPLOAD_PREFIX}${dataset}/`, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const parsed = o.Key ? parseUploadKey(o.Key) : null;
      if (!parsed || parsed.dataset !== dataset) continue;
      const etag = (o.ETag ?? '').replace(/"/g, '');
      if (parsed.kind === 'profile') profile = { key: o.Key!, etag };
      else if (isSourceKey(o.Key!)) sources.push({ key: o.Key!, etag, size: o.Size ?? 0, kind: parsed.kind });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  sources.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { sources, profile };
}

/** Every dataset with a source or profile under uploads/ (listed flat: some S3-compatible servers ignore Delimiter). */
export async function listDatasets(s3: S3Client, bucket: string): Promise<string[]> {
  const names = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: UPLOAD_PREFIX, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const parsed = o.Key ? parseUploadKey(o.Key) : null;
      if (parsed) names.add(parsed.dataset);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return [...names].sort();
}

async function getText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body!.transformToString('utf-8');
}

async function* objectStream(s3: S3Client, bucket: string, key: string): AsyncIterable<Uint8Array> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  // In Node the body is a Readable: iterate it chunk by chunk, never buffer the whole object.
  yield* out.Body as unknown as AsyncIterable<Uint8Array>;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Deterministic run id: the as-of date and a hash of the inputs and the resolved profile. */
export function runIdFor(asOf: string, sources: SourceRef[], profile: Profile | { invalid: string }): string {
  const inputs = sources.map((s) => `${s.key}\n${s.etag}`).join('\n');
  return `${asOf}-${sha256(`${inputs}\n${asOf}\n${JSON.stringify(profile)}`).slice(0, 16)}`;
}

/** Bump when the item layout changes, so every item is rewritten once in the new layout. */
const ITEM_FORMAT = 'v1';

const num = (x: number | null | undefined): AttributeValue | undefined =>
  typeof x === 'number' && Number.isFinite(x) ? { N: String(x) } : undefined;

/** A customer item: queryable scores as top-level attributes, the full score as JSON, and a content hash. */
export function customerItem(dataset: string, asOf: string, c: CustomerScore): Record<string, AttributeValue> {
  const score = JSON.stringify(c);
  const attrs: Record<string, AttributeValue | undefined> = {
    pk: { S: datasetPk(dataset) },
    sk: { S: customerSk(c.id) },
    tierKey: { S: tierKey(dataset, c.tier) },
    segmentKey: { S: segmentKey(dataset, c.rfm.segment) },
    id: { S: c.id },
    asOf: { S: asOf },
    tier: { S: c.tier },
    segment: { S: c.rfm.segment },
    clv: num(c.clv),
    pAlive: num(c.pAlive),
    expectedPurchases: num(c.expectedPurchases),
    expectedSpend: num(c.expectedSpend),
    historicValue: num(c.historicValue),
    valueAtRisk: num(c.valueAtRisk),
    r: num(c.rfm.r),
    f: num(c.rfm.f),
    m: num(c.rfm.m),
    churnRisk: { S: c.churnRisk },
    lifecycleStage: { S: c.lifecycleStage },
    valueClass: { S: c.valueClass },
    satisfactionLevel: num(c.satisfactionLevel),
    frequency: num(c.summary.frequency),
    recency: num(c.summary.recency),
    T: num(c.summary.T),
    netSpend: num(c.summary.netSpend),
    score: { S: score },
  };
  const item = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined)) as Record<string, AttributeValue>;
  // Every attribute derives from (dataset = pk, asOf, score): hashing those is hashing the item.
  item.hash = { S: sha256(`${ITEM_FORMAT}\n${asOf}\n${score}`) };
  return item;
}

/** sk → content hash of the dataset's current customer items. */
async function existingCustomers(db: DynamoDBClient, table: string, dataset: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': { S: datasetPk(dataset) }, ':c': { S: 'CUSTOMER#' } },
      ProjectionExpression: 'sk, #h',
      ExpressionAttributeNames: { '#h': 'hash' },
      ExclusiveStartKey: start,
    }));
    for (const it of page.Items ?? []) found.set(it.sk.S!, it.hash?.S ?? '');
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

async function putRun(deps: RunDeps, record: RunRecord) {
  await deps.db.send(new PutItemCommand({
    TableName: deps.table,
    Item: {
      pk: { S: datasetPk(record.dataset) },
      sk: { S: runSk(record.runId) },
      runId: { S: record.runId },
      asOf: { S: record.asOf },
      status: { S: record.status },
      ...(record.reason ? { reason: { S: record.reason } } : {}),
      record: { S: JSON.stringify(record) },
    },
  }));
}

export async function readRun(db: DynamoDBClient, table: string, dataset: string, runId: string): Promise<RunRecord | null> {
  const out = await db.send(new GetItemCommand({ TableName: table, Key: { pk: { S: datasetPk(dataset) }, sk: { S: runSk(runId) } }, ConsistentRead: true }));
  return out.Item?.record?.S ? (JSON.parse(out.Item.record.S) as RunRecord) : null;
}

async function putReport(deps: RunDeps, key: string, body: string, contentType: string) {
  await deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: body, ContentType: contentType }));
}

/** Largest rejects.csv a run writes (to the function's temporary disk, then streamed to S3); further rejects are only counted. */
export const REJECTS_MAX_BYTES = 256 * 1024 * 1024;

/** rejects.csv in a temporary file, filled as the ingest finds rejects and uploaded as a stream. */
function tempRejects(bom: boolean): { writer: RejectWriter; upload(deps: RunDeps, key: string): Promise<void>; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pyramid-rejects-'));
  const path = join(dir, 'rejects.csv');
  const writer = openRejectWriter(path, { maxBytes: REJECTS_MAX_BYTES, bom });
  return {
    writer,
    async upload(deps, key) {
      writer.close();
      await deps.s3.send(new PutObjectCommand({
        Bucket: deps.bucket, Key: key, Body: createReadStream(path), ContentLength: statSync(path).size, ContentType: 'text/csv; charset=utf-8',
      }));
    },
    dispose() {
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Score one dataset as of `asOf`. Malformed input yields a failed run (recorded) and leaves customer items untouched. */
export async function scoreDataset(deps: RunDeps, dataset: string, asOf: string, trigger: string): Promise<RunRecord & { scoreRun?: ScoreRun }> {
  const now = deps.now ?? Date.now;
  const t0 = now();
  const timings: Record<string, number> = {};
  const { sources, profile: profileRef } = await listSources(deps.s3, deps.bucket, dataset);
  const customText = profileRef ? await getText(deps.s3, deps.bucket, profileRef.key) : '{}';
  let profile: Profile | undefined;
  let profileError: string | undefined;
  try {
    const custom: unknown = JSON.parse(customText);
    if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) throw new Error(`expected a JSON object of settings, got ${customText.slice(0, 40)}`);
    profile = resolveProfile({ ...deps.profiles?.[dataset], ...custom, asOf });
  } catch (e) {
    profileError = `${profileRef?.key ?? 'stack profile'}: ${(e as Error).message}`;
  }
  const runId = runIdFor(asOf, profileRef ? [...sources, { ...profileRef, size: 0, kind: 'customers' }] : sources, profile ?? { invalid: customText });
  timings.listMs = now() - t0;

  // Idempotency: if this exact run is the dataset's latest successful one, the table already holds its result.
  if ((await latestRunId(deps.db, deps.table, dataset)) === runId) {
    const previous = await readRun(deps.db, deps.table, dataset, runId);
    if (previous?.status === 'succeeded') return { ...previous, duplicate: true };
  }

  const record: RunRecord = {
    dataset, runId, asOf, trigger, status: 'failed', inputs: sources, profileKey: profileRef?.key,
    counts: {}, customers: 0, written: 0, deleted: 0, unchanged: 0, timings, reports: {},
  };
  const rejectsKey = reportKey(dataset, runId, 'rejects.csv');
  const fail = async (reason: string, rejects: Reject[] | ReturnType<typeof tempRejects>) => {
    record.status = 'failed';
    record.reason = reason;
    if (Array.isArray(rejects)) await putReport(deps, rejectsKey, rejectsCsv(rejects, { bom: profile?.bom ?? true }), 'text/csv; charset=utf-8');
    else await rejects.upload(deps, rejectsKey);
    record.reports.rejects = rejectsKey;
    timings.totalMs = now() - t0;
    await putRun(deps, record);
    return record;
  };

  const byKind = (kind: TableKind) => sources.filter((s) => s.kind === kind)
    .map((s) => ({ name: s.key, stream: objectStream(deps.s3, deps.bucket, s.key), size: s.size }));
  if (!profile) return fail(profileError!, [{ source: profileRef?.key ?? dataset, line: 0, column: null, reason: 'bad-profile', message: profileError! }]);
  if (byKind('transactions').length === 0) return fail(`no transaction files under ${UPLOAD_PREFIX}${dataset}/transactions/`, []);

  let t = now();
  let data: Awaited<ReturnType<typeof loadDataset>>;
  const rejects = tempRejects(profile?.bom ?? true);
  // `return await` below: the temporary rejects file must outlive its upload (finally disposes it).
  try {
    try {
      const customers = byKind('customers');
      const surveys = byKind('surveys');
      data = await loadDataset({
        transactions: byKind('transactions'),
        ...(customers.length ? { customers } : {}),
        ...(surveys.length ? { surveys } : {}),
      }, profile, undefined, (r) => rejects.writer.write(r));
    } catch (e) {
      const message = excerpt((e as Error).message, 600);
      rejects.writer.write({ source: dataset, line: 0, column: null, reason: 'unusable-file', message });
      return await fail(message, rejects);
    }
    timings.loadMs = now() - t;
    record.counts = data.counts;
    if (rejects.writer.dropped) {
      data.warnings.push(`rejects.csv stops at ${REJECTS_MAX_BYTES / 1048576} MB: ${rejects.writer.dropped} more rejects are only counted (rejectReasons in summary.json)`);
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
    const existing = await existingCustomers(deps.db, deps.table, dataset);
    // Items are built lazily as the writer pulls them: changed or new customers, then the departed.
    function* requests(): Generator<WriteRequest> {
      for (const c of run.customers) {
        const item = customerItem(dataset, asOf, c);
        const sk = item.sk.S!;
        const unchanged = existing.get(sk) === item.hash.S;
        existing.delete(sk);
        if (unchanged) record.unchanged++;
        else {
          record.written++;
          yield { PutRequest: { Item: item } };
        }
      }
      for (const sk of existing.keys()) {
        record.deleted++;
        yield { DeleteRequest: { Key: { pk: { S: datasetPk(dataset) }, sk: { S: sk } } } };
      }
    }
    await batchWrite(deps.db, deps.table, requests(), deps.write);
    timings.writeMs = now() - t;

    t = now();
    const table = scoreTable(run, profile.locale);
    const scoresKey = reportKey(dataset, runId, 'scores.csv');
    const summaryKey = reportKey(dataset, runId, 'summary.json');
    await putReport(deps, scoresKey, toCsv(table.header, table.rows, { bom: profile.bom }), 'text/csv; charset=utf-8');
    const summary = datasetSummary(profile, data, run);
    await putReport(deps, summaryKey, JSON.stringify(summary, null, 2), 'application/json');
    await rejects.upload(deps, rejectsKey);
    record.reports = { scores: scoresKey, summary: summaryKey, rejects: rejectsKey };
    // The page is a view of the results: a failure to draw it must not fail (and retry) the run.
    const reportHtmlKey = reportKey(dataset, runId, 'report.html');
    try {
      await putReport(deps, reportHtmlKey, await renderReport({ summary, run, profile, name: dataset }), 'text/html; charset=utf-8');
      record.reports.report = reportHtmlKey;
    } catch (e) {
      record.reportError = (e as Error).message;
    }
    timings.reportMs = now() - t;

    record.status = 'succeeded';
    timings.totalMs = now() - t0;
    await putRun(deps, record);
    await deps.db.send(new PutItemCommand({
      TableName: deps.table,
      Item: { pk: { S: datasetPk(dataset) }, sk: { S: LATEST_SK }, runId: { S: runId }, asOf: { S: asOf } },
    }));
    // The scores themselves travel back in memory only (for the local runner's printout).
    return { ...record, scoreRun: run };
  } finally {
    rejects.dispose();
  }
}

/** The item that points at the dataset's latest successful run. */
export const LATEST_SK = 'LATEST';

export async function latestRunId(db: DynamoDBClient, table: string, dataset: string): Promise<string | null> {
  const out = await db.send(new GetItemCommand({ TableName: table, Key: { pk: { S: datasetPk(dataset) }, sk: { S: LATEST_SK } }, ConsistentRead: true }));
  return out.Item?.runId?.S ?? null;
}

