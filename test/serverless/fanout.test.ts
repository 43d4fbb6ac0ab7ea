/**
 * The fan-out path (plan → shards in worker processes → per-partition merge → one score → item
 * writes in workers → finish) against DynamoDB Local and s3rver: for several partition counts it
 * leaves the same customer items, run counts and reports (scores.csv, summary.json, rejects.csv,
 * report.html) as the single-Lambda run of the same sources. The sources are several files whose
 * customers buy across them, with bad lines, a file whose day/month order only its own rows
 * settle (and whose impossible dates are rejected after reading), master data and surveys.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDERS_AS_OF } from '../../bench/orders.ts';
import { readRun, scoreDataset, type RunRecord } from '../../functions/score-dataset.ts';
import { latestRunId } from '../../functions/store.ts';
import { runNightly } from '../../functions/nightly.ts';
import type { FanoutStarter } from '../../functions/fanout/start.ts';
import { localFanout, runFanout, WorkerPool } from '../../scripts/local/fanout.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../scripts/local/services.ts';
import { writeQuarterlyOrders } from '../../scripts/local/split-orders.ts';
import { startLocalStack, type LocalStack } from '../../scripts/local/stack.ts';
import { deleteItems, ofDataset, scanItems, type Item } from './table-items.ts';

const DATASET = 'big';
let stack: LocalStack;
let pool: WorkerPool;
let dir: string;

async function scanDataset(): Promise<Item[]> {
  const items = await scanItems(stack, ofDataset(DATASET));
  return items.sort((a, b) => (a.sk.S! < b.sk.S! ? -1 : a.sk.S! > b.sk.S! ? 1 : a.pk.S! < b.pk.S! ? -1 : 1));
}

/** Empty the dataset's items, so the next run writes everything again. */
async function wipe() {
  await deleteItems(stack, await scanDataset());
}

async function text(key: string) {
  const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
  return out.Body!.transformToString();
}

/**
 * The renderer numbers SVG gradients and clip paths with counters global to the process (gradient_0, clip58…),
 * so two renderings of the same report in one process differ there and only there.
 */
const comparable = (report: string) => report.replace(/\b(gradient_|clip)\d+/g, '$1N');

/** What a reader can see of a run: customer items, the run item without timings, LATEST, the reports. */
async function outcome(runId: string) {
  const items = await scanDataset();
  const customers = items.filter((i) => i.sk.S!.startsWith('CUSTOMER#'));
  const run = (await readRun(stack.db, stack.table, DATASET, runId))!;
  const { timings, rounds, duplicate, ...record } = run as RunRecord;
  void timings; void rounds; void duplicate;
  const reports: Record<string, string> = {};
  for (const [name, key] of Object.entries(run.reports)) reports[name] = await text(key);
  return { customers, record, latest: await latestRunId(stack.db, stack.table, DATASET), reports };
}

beforeAll(async () => {
  stack = await startLocalStack();
  pool = new WorkerPool(2, {
    s3Endpoint: stack.s3Server.endpoint, dynamoEndpoint: stack.dynamo.endpoint, bucket: stack.bucket, table: stack.table,
    credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION,
  });
  dir = mkdtempSync(path.join(tmpdir(), 'fanout-test-'));
  const files = await writeQuarterlyOrders(dir, 4000);
  // Bad lines, rejected with their own file's line numbers.
  appendFileSync(files[2], 'X1,,2023-09-01 10:00:00,10.00,paid\nX2,C0000003,not a date,5.00,paid\nX3,C0000004,2023-09-02 11:00:00,abc,paid\n');
  appendFileSync(files[5], 'X4,C0000005,2024-06-01 09:00:00,12.50,paid,extra,fields\n');
  // A legacy export with d/m/yyyy dates: 25/04 and 13/05 settle the order for this file only; 04/25 is then impossible.
  writeFileSync(path.join(dir, 'legacy.csv'), [
    'order_id,customer_id,order_date,amount,status',
    'L1,C0000001,03/04/2023,20.00,paid', 'L2,C0000002,25/04/2023,30.00,paid', 'L3,C0000003,04/25/2023,40.00,paid', 'L6,C0000006,13/05/2023,8.00,paid',
    'L4,C9999999,05/06/2023,50.00,paid', 'L5,C0000001,03/04/2023,15.00,paid',
  ].join('\n') + '\n');
  writeFileSync(path.join(dir, 'customers.csv'), 'CustomerID,Name,Region\n' + Array.from({ length: 30 }, (_, i) => `C${String(i + 1).padStart(7, '0')},Customer ${i + 1},${i % 2 ? 'North' : 'South'}\n`).join('') + ',No id,West\n');
  writeFileSync(path.join(dir, 'surveys.csv'), 'CustomerID,SurveyDate,CSAT,NPS\n' + Array.from({ length: 20 }, (_, i) => `C${String(i + 1).padStart(7, '0')},2025-0${1 + (i % 9)}-15,${1 + (i % 5)},${i % 11}\n`).join(''));
  for (const f of files) await stack.uploadFile(f, `uploads/${DATASET}/transactions/${path.basename(f)}`);
  await stack.uploadFile(path.join(dir, 'legacy.csv'), `uploads/${DATASET}/transactions/legacy.csv`);
  await stack.uploadFile(path.join(dir, 'customers.csv'), `uploads/${DATASET}/customers/customers.csv`);
  await stack.uploadFile(path.join(dir, 'surveys.csv'), `uploads/${DATASET}/surveys/surveys.csv`);
}, 180_000);
afterAll(async () => {
  await pool?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('fan-out = single pass', () => {
  let single: Awaited<ReturnType<typeof outcome>>;

  it('the single-Lambda run of the sources (the reference)', async () => {
    const run = await scoreDataset(stack.deps, DATASET, ORDERS_AS_OF, 'upload');
    expect(run.status).toBe('succeeded');
    expect(run.counts.transactions!.rejected).toBeGreaterThan(4);
    single = await outcome(run.runId);
    expect(single.customers.length).toBeGreaterThan(300);
    expect(single.reports.rejects).toContain('legacy.csv');
    expect(JSON.parse(single.reports.summary).detections.map((d: { dateOrder?: string }) => d.dateOrder)).toContain('DMY');
  });

  for (const partitions of [1, 3, 7]) {
    it(`the fan-out with ${partitions} partition(s) leaves the same items, run counts and reports`, async () => {
      await wipe();
      const run = await runFanout(stack.deps, pool, { dataset: DATASET, asOf: ORDERS_AS_OF, trigger: 'upload' }, { partitions, minBytes: 1 });
      expect(run.mode).toBe('fanout');
      expect(run.shards).toBe(13);
      expect(run.partitions).toBe(partitions);
      expect(run.status).toBe('succeeded');
      const fanned = await outcome(run.runId);
      expect(fanned.latest).toBe(run.runId);
      expect(fanned.record).toEqual(single.record);
      expect(fanned.customers.length).toBe(single.customers.length);
      expect(fanned.customers).toEqual(single.customers);
      expect(Object.keys(fanned.reports).sort()).toEqual(Object.keys(single.reports).sort());
      for (const name of Object.keys(single.reports)) expect(comparable(fanned.reports[name]), name).toBe(comparable(single.reports[name]));
    });
  }

  it('below the threshold the plan keeps the single-Lambda path', async () => {
    const run = await runFanout(stack.deps, pool, { dataset: DATASET, asOf: ORDERS_AS_OF, trigger: 'upload' }, { minBytes: 1 << 40 });
    expect(run.mode).toBe('single');
    expect(run.status).toBe('succeeded');
  });

  it('the nightly run of a dataset above the threshold goes through the fan-out, with the same items', async () => {
    await wipe();
    const local = localFanout(stack.deps, () => pool, 1, { partitions: 3 });
    const started: string[] = [];
    const starter: FanoutStarter = { minBytes: 1, start: (dataset, asOf, trigger, sources) => { started.push(`${dataset} ${trigger}`); return local.start(dataset, asOf, trigger, sources); } };
    const { outcomes, errors } = await runNightly(stack.deps, ORDERS_AS_OF, starter);
    expect(errors).toEqual([]);
    expect(started).toEqual([`${DATASET} nightly`]);
    const run = outcomes.find((o) => o.dataset === DATASET)!;
    expect(run.status).toBe('succeeded');
    const fanned = await outcome(run.runId);
    expect(fanned.record.trigger).toBe('nightly');
    expect(fanned.customers).toEqual(single.customers);
    expect(fanned.reports.scores).toBe(single.reports.scores);
  });

  it('an unreadable file fails the fan-out run as it fails the single run, with the same reason and rejects', async () => {
    const bin = path.join(dir, 'broken.csv');
    writeFileSync(bin, Buffer.from([0x6f, 0x72, 0x64, 0x65, 0x72, 0x00, 0x01, 0x02, 0x0a]));
    await stack.uploadFile(bin, `uploads/${DATASET}/transactions/orders-2023-Q1b.csv`);
    const one = await scoreDataset(stack.deps, DATASET, ORDERS_AS_OF, 'upload');
    expect(one.status).toBe('failed');
    const rejects = await text(one.reports.rejects);
    const fan = await runFanout(stack.deps, pool, { dataset: DATASET, asOf: ORDERS_AS_OF, trigger: 'upload' }, { partitions: 2, minBytes: 1 });
    expect(fan.status).toBe('failed');
    expect(fan.reason).toBe(one.reason);
    expect(await text(fan.reports.rejects)).toBe(rejects);
    expect(readFileSync(bin).length).toBe(9);
  });
});
