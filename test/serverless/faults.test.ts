/**
 * Correctness under faults and concurrency, against DynamoDB Local and s3rver with a fault-injecting
 * HTTP proxy in front of them (scripts/local/fault-proxy.ts): no SDK mocks. Each fault ends in the
 * same final table as a clean run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient, s3Client } from '../../functions/clients.ts';
import { runNightly } from '../../functions/nightly.ts';
import { latestRunId, readRun, scoreDataset, type RunDeps } from '../../functions/score-dataset.ts';
import { LEASE_SK } from '../../functions/store.ts';
import { allPartitions, customerPk } from '../../functions/table.ts';
import { createUploadHandler } from '../../functions/upload.ts';
import { startFaultProxy, type Fault, type FaultProxy, type ProxiedRequest } from '../../scripts/local/fault-proxy.ts';
import { toSqsEvent } from '../../scripts/local/s3-events.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../scripts/local/services.ts';
import { startLocalStack, waitForEvents, type LocalStack } from '../../scripts/local/stack.ts';

const AS_OF = '2025-06-30';
const LATER = '2025-07-07';
const ORDERS = readFileSync(path.resolve('examples/sample-en/orders.csv'), 'utf8');
let stack: LocalStack;
const proxies: FaultProxy[] = [];

beforeAll(async () => { stack = await startLocalStack(); });
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await stack?.stop();
});

/** Clients that reach DynamoDB Local and s3rver through fault proxies. */
async function faultyDeps(faults: { s3?: (r: ProxiedRequest) => Fault | undefined; db?: (r: ProxiedRequest) => Fault | undefined }, extra: Partial<RunDeps> = {}) {
  const s3Proxy = await startFaultProxy(stack.s3Server.endpoint, faults.s3 ?? (() => undefined));
  const dbProxy = await startFaultProxy(stack.dynamo.endpoint, faults.db ?? (() => undefined));
  proxies.push(s3Proxy, dbProxy);
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const deps: RunDeps = {
    ...stack.deps, s3: s3Client({ ...common, endpoint: s3Proxy.endpoint }), db: dynamoClient({ ...common, endpoint: dbProxy.endpoint }),
    write: { baseDelayMs: 5, maxDelayMs: 50 }, retry: { baseDelayMs: 5, maxDelayMs: 50 }, ...extra,
  };
  return { deps, s3Proxy, dbProxy };
}

async function put(key: string, body: string) {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
}
/** A dataset's items under `prefix`: customer items from every customer partition, the others from the dataset's own key. */
async function query(dataset: string, prefix: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  const pks = prefix === 'CUSTOMER#' ? allPartitions().map((p) => customerPk(dataset, p)) : [`DATASET#${dataset}`];
  for (const pk of pks) {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await stack.db.send(new QueryCommand({
        TableName: stack.table, KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)', ConsistentRead: true, ExclusiveStartKey: start,
        ExpressionAttributeValues: { ':p': { S: pk }, ':s': { S: prefix } },
      }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return items.sort((a, b) => (a.sk.S! < b.sk.S! ? -1 : a.sk.S! > b.sk.S! ? 1 : 0));
}
/** Customer items with the dataset's name and the run id taken out, to compare two datasets fed the same data. */
async function customersOf(dataset: string) {
  const strip = (i: Record<string, AttributeValue>) => {
    const { pk, tierKey, segmentKey, runId, hash, ...rest } = i;
    return { ...rest, tierKey: tierKey.S!.slice(dataset.length), segmentKey: segmentKey.S!.slice(dataset.length) };
  };
  return (await query(dataset, 'CUSTOMER#')).map(strip);
}
/** The reference: the same sources scored with no faults. */
const clean = new Map<string, Awaited<ReturnType<typeof customersOf>>>();
async function cleanResult(name: string, steps: { files: Record<string, string>; asOf: string }[]) {
  if (!clean.has(name)) {
    for (const step of steps) {
      for (const [file, body] of Object.entries(step.files)) await put(`uploads/${name}/transactions/${file}`, body);
      expect((await scoreDataset(stack.deps, name, step.asOf, 'test')).status).toBe('succeeded');
    }
    clean.set(name, await customersOf(name));
  }
  return clean.get(name)!;
}

describe('faults', () => {
  it('a connection reset while reading S3 is resumed, not recorded as a bad file', async () => {
    const want = await cleanResult('ref-s3', [{ files: { 'orders.csv': ORDERS }, asOf: AS_OF }]);
    await put('uploads/s3reset/transactions/orders.csv', ORDERS);
    let resets = 0;
    const { deps, s3Proxy } = await faultyDeps({
      s3: (r) => (r.method === 'GET' && r.url.includes('/uploads/s3reset/transactions/orders.csv') && resets++ < 2 ? { kind: 'reset-after', bytes: 20_000 } : undefined),
    });
    const run = await scoreDataset(deps, 's3reset', AS_OF, 'test');
    expect(s3Proxy.log.filter((l) => l.fault === 'reset-after').length).toBe(2);
    expect(run.status).toBe('succeeded');
    expect(run.counts.transactions!.read).toBe(ORDERS.trim().split('\n').length - 1);
    expect(await customersOf('s3reset')).toEqual(want);
  });

  it('throttling thrown mid-write is retried with backoff and never fails the run after partial writes', async () => {
    const want = await cleanResult('ref-throttle', [{ files: { 'orders.csv': ORDERS }, asOf: AS_OF }]);
    await put('uploads/throttle/transactions/orders.csv', ORDERS);
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const { deps, dbProxy } = await faultyDeps({
      // Calls 2–25 (across eight concurrent writers: more than the SDK's own three attempts each), then 20 % of the rest.
      db: (r) => (r.operation === 'BatchWriteItem' && ((r.n >= 2 && r.n <= 25) || random() < 0.2) ? { kind: 'throttle' } : undefined),
    });
    const run = await scoreDataset(deps, 'throttle', AS_OF, 'test');
    expect(dbProxy.log.filter((l) => l.fault === 'throttle').length).toBeGreaterThan(24);
    expect(run.status).toBe('succeeded');
    expect((await readRun(stack.db, stack.table, 'throttle', run.runId))?.status).toBe('succeeded');
    expect(await customersOf('throttle')).toEqual(want);
  });

  it('DynamoDB going down mid-write leaves a failed run item and LATEST unchanged; the retry converges', async () => {
    const want = await cleanResult('ref-down', [{ files: { 'orders.csv': ORDERS }, asOf: AS_OF }, { files: {}, asOf: LATER }]);
    await put('uploads/down/transactions/orders.csv', ORDERS);
    const first = await scoreDataset(stack.deps, 'down', AS_OF, 'test');
    let down = false;
    let writes = 0;
    const { deps } = await faultyDeps({
      db: (r) => {
        if (r.operation === 'BatchWriteItem' && ++writes === 4) down = true;
        // The service comes back while the run records its failure.
        if (down && r.operation === 'PutItem' && r.n > 1) { down = false; return { kind: 'drop' }; }
        return down ? { kind: 'drop' } : undefined;
      },
    }, { write: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 } });
    await expect(scoreDataset(deps, 'down', LATER, 'nightly')).rejects.toThrow();
    expect(writes).toBeGreaterThanOrEqual(4);
    expect(await latestRunId(stack.db, stack.table, 'down')).toBe(first.runId);
    const runs = (await query('down', 'RUN#')).map((i) => [i.asOf.S, i.status.S]);
    expect(runs).toEqual([[AS_OF, 'succeeded'], [LATER, 'failed']]);
    // The message is retried: the same run id, now succeeded, and the table as a clean run leaves it.
    const retried = await scoreDataset(stack.deps, 'down', LATER, 'nightly');
    expect(retried.status).toBe('succeeded');
    expect((await query('down', 'RUN#')).map((i) => [i.asOf.S, i.status.S])).toEqual([[AS_OF, 'succeeded'], [LATER, 'succeeded']]);
    expect(await latestRunId(stack.db, stack.table, 'down')).toBe(retried.runId);
    expect(await customersOf('down')).toEqual(want);
  });
});

describe('one writer per dataset', () => {
  it('an upload landing while a run is in progress is scored last: LATEST and the items follow the newest sources', async () => {
    const lines = ORDERS.trim().split('\n');
    const header = lines[0];
    const early = [header, ...lines.slice(1).filter((l) => l.split(',')[0] <= 'C10400')].join('\n') + '\n';
    const late = [header, ...lines.slice(1).filter((l) => l.split(',')[0] > 'C10400')].join('\n') + '\n';
    const want = await cleanResult('ref-race', [{ files: { 'a.csv': early, 'b.csv': late }, asOf: AS_OF }]);
    stack.events.splice(0);
    await put('uploads/race/transactions/a.csv', early);
    await waitForEvents(stack, 1); // a.csv's own event, so that only b.csv's follows
    stack.events.splice(0);
    // Run A reads a.csv slowly; meanwhile b.csv arrives and its upload event is handled (run B).
    let seenA = false;
    const { deps } = await faultyDeps({ s3: (r) => (r.method === 'GET' && r.url.includes('/uploads/race/transactions/a.csv') && r.n === 1 ? (seenA = true, { kind: 'delay', ms: 1500 }) : undefined) });
    const runA = scoreDataset(deps, 'race', AS_OF, 'upload');
    while (!seenA) await new Promise((r) => setTimeout(r, 10));
    await put('uploads/race/transactions/b.csv', late);
    const eventB = toSqsEvent((await waitForEvents(stack, 1)).filter((e) => e.Records[0].s3.object.key.endsWith('b.csv')))!;
    const handler = createUploadHandler({ deps: stack.deps, asOf: () => AS_OF });
    const b = await handler(eventB);
    const a = await runA;
    // SQS redelivers what the handler reported failed.
    const failed = new Set(b.batchItemFailures.map((f) => f.itemIdentifier));
    if (failed.size) await handler({ Records: eventB.Records.filter((r) => failed.has(r.messageId)) });

    const latest = await readRun(stack.db, stack.table, 'race', (await latestRunId(stack.db, stack.table, 'race'))!);
    expect(latest!.inputs.map((i) => i.key)).toEqual(['uploads/race/transactions/a.csv', 'uploads/race/transactions/b.csv']);
    expect(a.rounds).toBe(2); // A saw b.csv appear and scored again before letting go
    expect(await customersOf('race')).toEqual(want);
    expect(await query('race', LEASE_SK)).toEqual([]);
  });

  it('an expired lease is taken over; a live one turns the run away', async () => {
    await put('uploads/leased/transactions/orders.csv', ORDERS);
    const lease = (expiresAt: number) => stack.db.send(new PutItemCommand({ TableName: stack.table, Item: { pk: { S: 'DATASET#leased' }, sk: { S: LEASE_SK }, owner: { S: 'other' }, expiresAt: { N: String(expiresAt) } } }));
    await lease(Date.now() + 60_000);
    await expect(scoreDataset(stack.deps, 'leased', AS_OF, 'test')).rejects.toThrow(/another run/);
    await lease(Date.now() - 1);
    expect((await scoreDataset(stack.deps, 'leased', AS_OF, 'test')).status).toBe('succeeded');
  });
});

describe('random interleavings converge', () => {
  const lines = ORDERS.trim().split('\n');
  const part = (i: number) => [lines[0], ...lines.slice(1).filter((_, j) => j % 3 === i)].join('\n') + '\n';
  const bodies = [part(0), part(1), part(2)];

  it('after any mix of uploads, re-uploads and deletions run at once, the table equals a clean run of the final sources', async () => {
    let round = 0;
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ file: fc.integer({ min: 0, max: 2 }), op: fc.constantFrom('put', 'put', 'delete'), variant: fc.integer({ min: 0, max: 1 }) }), { minLength: 2, maxLength: 5 }),
      async (ops) => {
        const ds = `mix${round++}`;
        const present = new Map<number, string>();
        const handler = createUploadHandler({ deps: stack.deps, asOf: () => AS_OF });
        const pending: Promise<{ event: NonNullable<ReturnType<typeof toSqsEvent>>; failed: Set<string> }>[] = [];
        stack.events.splice(0);
        for (const { file, op, variant } of ops) {
          const key = `uploads/${ds}/transactions/f${file}.csv`;
          // A re-upload with other content: the second variant drops the last order line.
          const body = variant ? bodies[file].split('\n').slice(0, -2).join('\n') + '\n' : bodies[file];
          if (op === 'put') {
            await put(key, body);
            present.set(file, body);
          } else {
            if (!present.has(file)) continue; // nothing to delete, no event
            await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: key }));
            present.delete(file);
          }
          const event = toSqsEvent(await waitForEvents(stack, 1));
          // Each event's run starts at once, without waiting for the earlier ones.
          if (event) pending.push(handler(event).then((r) => ({ event, failed: new Set(r.batchItemFailures.map((f) => f.itemIdentifier)) })));
        }
        // SQS redelivers the messages of runs that found the dataset busy, until none fail.
        let results = await Promise.all(pending);
        for (let i = 0; i < 10 && results.some((r) => r.failed.size); i++) {
          results = await Promise.all(results.filter((r) => r.failed.size).map(async ({ event, failed }) => {
            const again = { Records: event.Records.filter((m) => failed.has(m.messageId)) };
            const r = await handler(again);
            return { event: again, failed: new Set(r.batchItemFailures.map((f) => f.itemIdentifier)) };
          }));
        }
        expect(results.every((r) => r.failed.size === 0)).toBe(true);
        // The reference: the final files scored once, cleanly, under another name.
        const ref = `${ds}-ref`;
        for (const [file, body] of present) await put(`uploads/${ref}/transactions/f${file}.csv`, body);
        const clean = present.size ? await scoreDataset(stack.deps, ref, AS_OF, 'test') : null;
        expect(await customersOf(ds)).toEqual(clean ? await customersOf(ref) : []);
        const latest = await latestRunId(stack.db, stack.table, ds);
        if (!present.size) expect(latest).toBeNull();
        else expect((await readRun(stack.db, stack.table, ds, latest!))!.inputs.map((i) => i.key)).toEqual([...present.keys()].sort().map((f) => `uploads/${ds}/transactions/f${f}.csv`));
        expect(await query(ds, LEASE_SK)).toEqual([]);
        stack.events.splice(0);
      },
    ), { numRuns: 4, seed: 11, endOnFailure: true });
  }, 400_000);
});

describe('datasets without sources, and the nightly run', () => {
  it('deleting every file of a dataset removes its customer items and LATEST (on the delete event)', async () => {
    await put('uploads/gone/transactions/orders.csv', ORDERS);
    expect((await scoreDataset(stack.deps, 'gone', AS_OF, 'test')).status).toBe('succeeded');
    expect((await query('gone', 'CUSTOMER#')).length).toBeGreaterThan(100);
    stack.events.splice(0);
    await stack.s3.send(new DeleteObjectCommand({ Bucket: stack.bucket, Key: 'uploads/gone/transactions/orders.csv' }));
    const event = toSqsEvent(await waitForEvents(stack, 1))!;
    const { runs, batchItemFailures } = await createUploadHandler({ deps: stack.deps, asOf: () => AS_OF })(event);
    expect(batchItemFailures).toEqual([]);
    expect(runs[0].status).toBe('succeeded');
    expect(runs[0].deleted).toBeGreaterThan(100);
    expect(await query('gone', 'CUSTOMER#')).toEqual([]);
    expect(await latestRunId(stack.db, stack.table, 'gone')).toBeNull();
  });

  it('the nightly run scores each dataset on its own: one failing dataset does not block the others', async () => {
    for (const ds of ['night-a', 'night-b', 'night-c']) await put(`uploads/${ds}/transactions/orders.csv`, ORDERS);
    // night-b is held by a run that will not finish in time.
    await stack.db.send(new PutItemCommand({ TableName: stack.table, Item: { pk: { S: 'DATASET#night-b' }, sk: { S: LEASE_SK }, owner: { S: 'stuck' }, expiresAt: { N: String(Date.now() + 600_000) } } }));
    const { outcomes, errors } = await runNightly(stack.deps, LATER);
    const mine = outcomes.filter((o) => o.dataset.startsWith('night-'));
    expect(mine.map((o) => [o.dataset, o.status])).toEqual([['night-a', 'succeeded'], ['night-c', 'succeeded']]);
    expect(errors.filter((e) => e.dataset.startsWith('night-')).map((e) => e.dataset)).toEqual(['night-b']);
  });
});
