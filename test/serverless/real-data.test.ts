/**
 * A real export through the whole local serverless path: the CDNOW sample (headerless,
 * whitespace-separated) uploaded to the local S3 server with a dataset profile.json that maps its
 * columns, streamed by the upload handler, scored and written to DynamoDB Local. The BG/NBD fit
 * recorded on the run item must reproduce the published parameters (Fader, Hardie & Lee 2005).
 * Uses the shared validation data when present (never committed).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUploadHandler } from '../../functions/upload.ts';
import { readRun } from '../../functions/score-dataset.ts';
import { toSqsEvent } from '../../scripts/local/s3-events.ts';
import { startLocalStack, waitForEvents, type LocalStack } from '../../scripts/local/stack.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = path.resolve(repoRoot, '../shared/data');
const cdnow = path.join(dataDir, 'cdnow/CDNOW_sample.txt');

describe.skipIf(!existsSync(cdnow))('CDNOW sample through the local stack (skipped: ../shared/data/cdnow is not present)', () => {
  let stack: LocalStack;
  beforeAll(async () => { stack = await startLocalStack(); });
  afterAll(async () => { await stack?.stop(); });

  it('reads a headerless export with the dataset profile and recovers the published BG/NBD fit', async () => {
    const profile = { header: false, delimiter: 'whitespace', timeUnit: 'week', model: 'bgnbd', columns: { customer: 1, date: 3, quantity: 4, amount: 5 } };
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'uploads/cdnow/profile.json', Body: JSON.stringify(profile) }));
    await stack.uploadFile(cdnow, 'uploads/cdnow/transactions/CDNOW_sample.txt');
    // The calibration period of the paper ends 1997-09-30: later purchases are after the as-of date.
    const handler = createUploadHandler({ deps: stack.deps, asOf: () => '1997-09-30' });
    const t0 = Date.now();
    const { runs, batchItemFailures } = await handler(toSqsEvent(await waitForEvents(stack, 2))!);
    expect(batchItemFailures).toEqual([]);
    const run = runs[0];
    expect(run.status).toBe('succeeded');
    expect(run.profileKey).toBe('uploads/cdnow/profile.json');
    expect(run.counts.transactions!.read).toBe(6_919);
    expect(run.customers).toBe(2_357);
    const stored = await readRun(stack.db, stack.table, 'cdnow', run.runId);
    const params = stored!.models!.bgnbd!.params;
    const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    for (const [k, v] of Object.entries(published)) expect(Math.abs(params[k] - v) / v, k).toBeLessThan(0.05);
    console.log(`CDNOW sample via local S3 → DynamoDB: ${Date.now() - t0} ms, timings ${JSON.stringify(run.timings)}, BG/NBD ${JSON.stringify(params)}`);
  });
});
