/**
 * rejects.csv of a fan-out run stops at the run's cap, as the single run's does: shards full of bad
 * rows each keep their piece under the cap, the score step copies the pieces line by line under
 * the same rule, and the run says how many rejects were only counted. With a 256 KiB cap (the
 * deployed cap is REJECTS_MAX_BYTES), three files of 4,000 bad rows each (≈ 1.1 MB of rejects)
 * leave the same capped rejects.csv and summary.json from the fan-out and the single run.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDERS_AS_OF } from '../../bench/orders.ts';
import { rejectsCapWarning } from '../../functions/reports.ts';
import { scoreDataset, type RunDeps } from '../../functions/score-dataset.ts';
import { runFanout, WorkerPool } from '../../scripts/local/fanout.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../scripts/local/services.ts';
import { writeQuarterlyOrders } from '../../scripts/local/split-orders.ts';
import { startLocalStack, type LocalStack } from '../../scripts/local/stack.ts';
import { deleteItems, ofDataset, scanItems } from './table-items.ts';

const DATASET = 'noisy';
const CAP = 256 * 1024;
const BAD_PER_FILE = 4000;
let stack: LocalStack;
let pool: WorkerPool;
let deps: RunDeps;
let dir: string;

async function text(key: string) {
  const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
  return out.Body!.transformToString();
}

/** Remove the dataset's items (LATEST, run items, customers), so the next run scores everything again. */
async function wipe() {
  await deleteItems(stack, await scanItems(stack, ofDataset(DATASET)));
}

beforeAll(async () => {
  stack = await startLocalStack();
  deps = { ...stack.deps, rejectsMaxBytes: CAP };
  pool = new WorkerPool(2, {
    s3Endpoint: stack.s3Server.endpoint, dynamoEndpoint: stack.dynamo.endpoint, bucket: stack.bucket, table: stack.table,
    credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION,
  });
  dir = mkdtempSync(path.join(tmpdir(), 'fanout-rejects-'));
  const files = await writeQuarterlyOrders(dir, 3000);
  for (const f of [files[2], files[5], files[8]]) {
    let bad = '';
    for (let i = 0; i < BAD_PER_FILE; i++) bad += `B${i},C${String(1 + (i % 50)).padStart(7, '0')},2024-03-0${1 + (i % 9)} 10:00:00,"12,5x ${'é'.repeat(i % 4)}",paid\n`;
    appendFileSync(f, bad);
  }
  for (const f of files) await stack.uploadFile(f, `uploads/${DATASET}/transactions/${path.basename(f)}`);
}, 180_000);
afterAll(async () => {
  await pool?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a fan-out run full of bad rows', () => {
  let single: { rejects: string; summary: string };

  it('the single run caps rejects.csv and warns (the reference)', async () => {
    const run = await scoreDataset(deps, DATASET, ORDERS_AS_OF, 'upload');
    expect(run.status).toBe('succeeded');
    single = { rejects: await text(run.reports.rejects), summary: await text(run.reports.summary) };
    // The generated orders have a few bad lines of their own.
    expect(run.counts.transactions!.rejected).toBeGreaterThanOrEqual(3 * BAD_PER_FILE);
    expect(Buffer.byteLength(single.rejects)).toBeLessThan(CAP + 1024);
  });

  it('keeps every shard piece and the run\'s rejects.csv under the cap, counts the rest and says so', async () => {
    await wipe();
    const run = await runFanout(deps, pool, { dataset: DATASET, asOf: ORDERS_AS_OF, trigger: 'upload' }, { partitions: 3, minBytes: 1 });
    expect(run.mode).toBe('fanout');
    expect(run.status).toBe('succeeded');
    const total = run.counts.transactions!.rejected;
    expect(total).toBeGreaterThanOrEqual(3 * BAD_PER_FILE);

    const pieces = await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: `runs/${DATASET}/${run.runId}/shards/` }));
    const rejectPieces = (pieces.Contents ?? []).filter((o) => o.Key!.includes('/rejects-'));
    expect(rejectPieces.length).toBe(2 * run.shards);
    for (const o of rejectPieces) expect(o.Size!).toBeLessThan(CAP + 1024);

    const rejects = await text(run.reports.rejects);
    expect(Buffer.byteLength(rejects)).toBeLessThan(CAP + 1024);
    const kept = rejects.split('\n').length - 2; // header and the final line end
    const summary = JSON.parse(await text(run.reports.summary));
    expect(summary.warnings).toContain(rejectsCapWarning(total - kept, CAP));
    expect(Object.values(summary.rejectReasons as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(total);

    expect(rejects).toBe(single.rejects);
    expect(summary).toEqual(JSON.parse(single.summary));
  });
});
