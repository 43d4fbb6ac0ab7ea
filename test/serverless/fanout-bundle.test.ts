/**
 * The fan-out's Lambda handlers as deployed: bundled by esbuild with the stack's settings, loaded
 * as a module, configured by environment only, and driven state by state with exactly the inputs
 * the state machine passes (infra/fanout.ts: `{ run }`, `{ run, item }` with items read from the
 * plan's lists in S3), against the local services.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { latestRunId } from '../../functions/store.ts';
import { startLocalStack, type LocalStack } from '../../scripts/local/stack.ts';
import { bundleHandlers, useLambdaEnvironment } from './bundled.ts';

let stack: LocalStack;
let outDir: string;
const saved = { ...process.env };

beforeAll(async () => {
  stack = await startLocalStack();
  outDir = mkdtempSync(path.join(tmpdir(), 'pyramid-fanout-bundle-'));
  await bundleHandlers({ fanout: 'functions/fanout/handlers.ts' }, outDir);
  useLambdaEnvironment(stack, { DATASET_PROFILES: '{}', FANOUT_MIN_BYTES: '1' });
});
afterAll(async () => {
  process.env = saved;
  await stack?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

const list = async <T>(key: string): Promise<T[]> => {
  const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
  return JSON.parse(await out.Body!.transformToString()) as T[];
};

it('runs a dataset through the bundled handlers with the state machine\'s inputs', async () => {
  await stack.uploadFile(path.resolve('examples/sample-en/orders.csv'), 'uploads/shop/transactions/orders.csv');
  await stack.uploadFile(path.resolve('examples/sample-en/customers.csv'), 'uploads/shop/customers/customers.csv');
  const h = await import(pathToFileURL(path.join(outDir, 'fanout.mjs')).href);
  const context = { awsRequestId: 'req-1', functionName: 'fanout' };
  const state: Record<string, unknown> = { dataset: 'shop', asOf: '2025-06-30', trigger: 'upload' };
  state.run = await h.planHandler({ ...state, owner: 'execution-1' }, context);
  const run = state.run as { mode: string; manifestKey: string; partitionsKey: string; runId: string };
  expect(run.mode).toBe('fanout');
  for (const item of await list(run.manifestKey)) await h.shardHandler({ run, item }, context);
  const partitions = await list(run.partitionsKey);
  expect(partitions.length).toBeGreaterThanOrEqual(2);
  for (const item of partitions) await h.mergeHandler({ run, item }, context);
  state.scored = await h.scoreHandler({ run }, context);
  expect(state.scored).toMatchObject({ status: 'succeeded' });
  for (const item of partitions) await h.writeHandler({ run, item }, context);
  const outcome = await h.finishHandler({ run }, context);
  expect(outcome).toMatchObject({ dataset: 'shop', runId: run.runId, status: 'succeeded', changed: false });
  expect(await latestRunId(stack.db, stack.table, 'shop')).toBe(run.runId);
  // A failure caught by the state machine: recorded, and the lease released (the next plan takes it at once).
  const failed = await h.failHandler({ run, error: { Error: 'States.TaskFailed', Cause: JSON.stringify({ errorMessage: 'boom' }) } }, context);
  expect(failed).toMatchObject({ status: 'failed', reason: 'fan-out failed: States.TaskFailed: boom' });
  expect((await h.planHandler({ dataset: 'shop', asOf: '2025-06-30', trigger: 'upload', owner: 'execution-2' }, context)).mode).toBe('single');
}, 300_000); // every stage in one test, on a shared machine
