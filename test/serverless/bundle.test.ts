/**
 * The handlers as deployed: bundled by esbuild with the stack's settings (ESM, node22, the
 * require shim), loaded as a module and invoked with environment configuration only, against the
 * local services. Catches bundling faults (CommonJS dependencies, top-level await) the
 * in-process tests cannot see.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPartitions, customerPk } from '../../functions/table.ts';
import { toSqsEvent } from '../../scripts/local/s3-events.ts';
import { startLocalStack, waitForEvents, type LocalStack } from '../../scripts/local/stack.ts';
import { bundleHandlers, useLambdaEnvironment } from './bundled.ts';

let stack: LocalStack;
let outDir: string;
const saved = { ...process.env };

beforeAll(async () => {
  stack = await startLocalStack();
  outDir = mkdtempSync(path.join(tmpdir(), 'pyramid-bundle-'));
  await bundleHandlers({ upload: 'functions/upload.ts', nightly: 'functions/nightly.ts' }, outDir);
  useLambdaEnvironment(stack, { DATASET_PROFILES: JSON.stringify({ bundled: { margin: 0.5 } }) });
});
afterAll(async () => {
  process.env = saved;
  await stack?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('bundled handlers', () => {
  it('score an upload and the nightly run from environment configuration alone', async () => {
    await stack.uploadFile(path.resolve('examples/sample-en/orders.csv'), 'uploads/bundled/transactions/orders.csv');
    const event = toSqsEvent(await waitForEvents(stack, 1))!;
    let t = Date.now();
    const upload = await import(pathToFileURL(path.join(outDir, 'upload.mjs')).href);
    expect(await upload.handler(event, { awsRequestId: 'req-0', functionName: 'upload' })).toEqual({ batchItemFailures: [] });
    console.log(`bundled upload handler: ${Date.now() - t} ms`);
    t = Date.now();
    const nightly = await import(pathToFileURL(path.join(outDir, 'nightly.mjs')).href);
    const context = { awsRequestId: 'req-1', functionName: 'nightly' };
    const plan = await nightly.listHandler({}, context);
    expect(plan.datasets).toEqual(['bundled']);
    const outcome = await nightly.scoreHandler({ dataset: 'bundled', asOf: plan.asOf }, context);
    console.log(`bundled nightly handlers: ${Date.now() - t} ms`);
    expect(outcome).toMatchObject({ dataset: 'bundled', status: 'succeeded' });

    const runs = await stack.db.send(new QueryCommand({
      TableName: stack.table, KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
      ExpressionAttributeValues: { ':p': { S: 'DATASET#bundled' }, ':r': { S: 'RUN#' } },
    }));
    const records = runs.Items!.map((i) => JSON.parse(i.record.S!));
    expect(records.length).toBeGreaterThanOrEqual(1);
    expect(records.every((r) => r.status === 'succeeded')).toBe(true);
    // Each run's report.html (vega and vega-lite are inside the bundle) is in the bucket.
    for (const r of records) {
      const body = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: r.reports.report }));
      expect(await body.Body!.transformToString()).toContain('<figure class="chart" id="pyramid">');
    }
    const sizes = ['upload.mjs', 'nightly.mjs'].map((f) => `${f} ${(statSync(path.join(outDir, f)).size / 1048576).toFixed(1)} MB`);
    console.log(`bundle sizes: ${sizes.join(', ')}`);
    // The stack's per-dataset profile reached the run: a 50 % margin halves the historic value.
    const items: Record<string, AttributeValue>[] = [];
    for (const part of allPartitions()) {
      if (items.length >= 5) break;
      const page = await stack.db.send(new QueryCommand({
        TableName: stack.table, KeyConditionExpression: 'pk = :p AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':p': { S: customerPk('bundled', part) }, ':c': { S: 'CUSTOMER#' } },
      }));
      items.push(...(page.Items ?? []));
    }
    expect(items.length).toBeGreaterThanOrEqual(5);
    // Both are stored to the cent (display precision).
    for (const item of items) expect(Math.abs(Number(item.historicValue.N) - Number(item.netSpend.N) * 0.5)).toBeLessThanOrEqual(0.0051);
  });
});
