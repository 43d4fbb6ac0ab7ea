/**
 * The serverless path end to end against DynamoDB Local and s3rver, started here on free ports:
 * upload → SQS event → the real upload handler → customer items, reports and the run item.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DeleteItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/config.ts';
import { scoreCustomers } from '../../core/pipeline.ts';
import { loadDataset } from '../../io/read.ts';
import { runNightly, staleDatasets } from '../../functions/nightly.ts';
import { customerItem, listedValues, segmentName, tierName } from '../../functions/items.ts';
import { customerKey } from '../../functions/table.ts';
import { LATEST_SK, readRun, scoreDataset } from '../../functions/score-dataset.ts';
import { createUploadHandler } from '../../functions/upload.ts';
import { toSqsEvent } from '../../scripts/local/s3-events.ts';
import { startLocalStack, waitForEvents, type LocalStack } from '../../scripts/local/stack.ts';
import { scanItems, type Item } from './table-items.ts';

const AS_OF = '2025-06-30';
const sample = (f: string) => path.resolve('examples/sample', f);
let stack: LocalStack;

async function scanAll(): Promise<Item[]> {
  const items = await scanItems(stack);
  return items.sort((a, b) => (a.pk.S! + a.sk.S! < b.pk.S! + b.sk.S! ? -1 : 1));
}
async function customerItems(dataset: string) {
  const items = await scanAll();
  return items.filter((i) => i.pk.S!.startsWith(`DATASET#${dataset}#`) && i.sk.S!.startsWith('CUSTOMER#'));
}
async function getText(key: string) {
  const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
  return out.Body!.transformToString();
}

beforeAll(async () => { stack = await startLocalStack(); });
afterAll(async () => { await stack?.stop(); });

describe('upload → score → DynamoDB', () => {
  let sqsEvent: ReturnType<typeof toSqsEvent>;
  let runId: string;

  it('scores every customer of an upload exactly as the core does in-process', async () => {
    await stack.uploadFile(sample('orders.csv'), 'uploads/shop/transactions/orders 2025.csv');
    await stack.uploadFile(sample('customers.csv'), 'uploads/shop/customers/customers.csv');
    await stack.uploadFile(sample('surveys.csv'), 'uploads/shop/surveys/surveys.csv');
    sqsEvent = toSqsEvent(await waitForEvents(stack, 3));
    expect(sqsEvent!.Records.length).toBe(3);
    const handler = createUploadHandler({ deps: stack.deps, asOf: () => AS_OF });
    const result = await handler(sqsEvent!);
    expect(result.batchItemFailures).toEqual([]);
    expect(result.runs.length).toBe(1); // three notifications, one dataset, one run
    const run = result.runs[0];
    expect(run.status).toBe('succeeded');
    runId = run.runId;
    expect(runId.startsWith(AS_OF)).toBe(true);
    expect(run.inputs.map((i) => i.key)).toEqual(['uploads/shop/customers/customers.csv', 'uploads/shop/surveys/surveys.csv', 'uploads/shop/transactions/orders 2025.csv']);
    expect(run.inputs.every((i) => /^[0-9a-f]{32}$/.test(i.etag))).toBe(true);

    // The same files scored in-process.
    const profile = resolveProfile({ asOf: AS_OF });
    const data = await loadDataset({ transactions: [sample('orders.csv')], customers: [sample('customers.csv')], surveys: [sample('surveys.csv')] }, profile);
    const expected = scoreCustomers(data.summaries, profile, { customers: data.customers, surveys: data.surveys });
    expect(run.counts.transactions).toEqual(data.counts.transactions);
    expect(run.counts.transactions!.rejected).toBeGreaterThan(0); // the sample's bad rows

    const items = await customerItems('shop');
    expect(items.length).toBe(expected.customers.length);
    const byId = new Map(expected.customers.map((c) => [c.id, c]));
    for (const item of items) {
      const want = byId.get(item.id.S!)!;
      expect(item.tier.S).toBe(want.tier);
      expect(item.segment.S).toBe(want.rfm.segment);
      // Listing precision: CLV within 5 % in whole units (functions/items.ts listingMoney), P(alive) to one decimal.
      expect(Math.abs(Number(item.clv.N) - want.clv)).toBeLessThanOrEqual(Math.max(0.5, Math.abs(want.clv) * 0.05));
      expect(Math.abs(Number(item.pAlive.N) - want.pAlive)).toBeLessThanOrEqual(0.05);
      expect(item.tierKey.S).toBe(`shop#TIER#${tierName(want.tier)}`);
      expect(item.segmentKey.S).toBe(`shop#SEGMENT#${segmentName(want.rfm.segment)}`);
      expect(item.runId.S).toBe(runId);
      expect({ pk: item.pk, sk: item.sk }).toEqual(customerKey('shop', want.id));
      const { pk, sk, runId: _r, hash, ...stored } = item;
      expect(stored).toEqual(Object.fromEntries(listedValues('shop', want)));
    }
    // Spread over many partition keys.
    expect(new Set(items.map((i) => i.pk.S)).size).toBeGreaterThan(200);
    // Reports and the run item.
    // The run report next to scores.csv: one page, charts inline.
    const html = await getText(`reports/shop/${runId}/report.html`);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<figure class="chart" id="pyramid">/g)?.length).toBe(1);
    expect((html.match(/<figure class="chart"/g) ?? []).length).toBeGreaterThanOrEqual(10);
    const scores = await getText(`reports/shop/${runId}/scores.csv`);
    expect(scores.trim().split('\n').length).toBe(expected.customers.length + 1);
    const summary = JSON.parse(await getText(`reports/shop/${runId}/summary.json`));
    expect(summary).toBeTypeOf('object');
    // The same summary document as the CLI: counts with read = accepted + rejected, and the models.
    expect(summary.rows).toEqual(data.counts.transactions);
    expect(summary.rows.read).toBe(summary.rows.accepted + summary.rows.rejected);
    expect(summary.customers).toBe(expected.customers.length);
    expect(summary.models.bgnbd.r).toBeGreaterThan(0);
    const rejects = await getText(`reports/shop/${runId}/rejects.csv`);
    // Every reject is in rejects.csv; memory and summary.json keep the counts and the first examples.
    const total = Object.values(data.rejectReasons).reduce((a, b) => a + b, 0);
    expect(total).toBe(data.counts.transactions.rejected + (data.counts.customers?.rejected ?? 0) + (data.counts.surveys?.rejected ?? 0));
    expect(rejects.trim().split('\n').length).toBe(total + 1);
    const stored = await readRun(stack.db, stack.table, 'shop', runId);
    expect(stored?.status).toBe('succeeded');
    expect(stored?.models && Object.keys(stored.models).length).toBeGreaterThan(0);
  });

  it('lists a tier ordered by CLV through the index', async () => {
    const items = await customerItems('shop');
    const tier = items[0].tier.S!;
    const out = await stack.db.send(new QueryCommand({
      TableName: stack.table, IndexName: 'ByTier', KeyConditionExpression: 'tierKey = :t',
      ExpressionAttributeValues: { ':t': { S: `shop#TIER#${tierName(tier)}` } }, ScanIndexForward: false,
    }));
    const clvs = out.Items!.map((i) => Number(i.clv.N));
    expect(clvs.length).toBe(items.filter((i) => i.tier.S === tier).length);
    expect([...clvs].sort((a, b) => b - a)).toEqual(clvs);
  });

  it('leaves the same final state when the same event is delivered twice', async () => {
    const before = await scanAll();
    const handler = createUploadHandler({ deps: stack.deps, asOf: () => AS_OF });
    const again = await handler(sqsEvent!);
    expect(again.runs[0].runId).toBe(runId);
    expect(again.runs[0].duplicate).toBe(true);
    expect(await scanAll()).toEqual(before);
  });

  it('a retry that recomputes (no record of the earlier success) rewrites nothing and converges', async () => {
    const before = (await scanAll()).filter((i) => i.sk.S!.startsWith('CUSTOMER#'));
    await stack.db.send(new DeleteItemCommand({ TableName: stack.table, Key: { pk: { S: 'DATASET#shop' }, sk: { S: LATEST_SK } } }));
    const run = await scoreDataset(stack.deps, 'shop', AS_OF, 'retry');
    expect(run.runId).toBe(runId);
    expect(run.written).toBe(0);
    expect(run.unchanged).toBe(before.length);
    expect((await scanAll()).filter((i) => i.sk.S!.startsWith('CUSTOMER#'))).toEqual(before);
  });

  it('a nightly rescoring of unchanged data writes only the items whose listed values changed, and lands where a fresh run lands', async () => {
    const before = new Map((await customerItems('shop')).map((i) => [i.id.S!, i]));
    const next = '2025-07-01';
    // The expectation, in-process: items as of the upload's day and as of the next day.
    const itemsAsOf = async (asOf: string) => {
      const profile = resolveProfile({ asOf });
      const data = await loadDataset({ transactions: [sample('orders.csv')], customers: [sample('customers.csv')], surveys: [sample('surveys.csv')] }, profile);
      const run = scoreCustomers(data.summaries, profile, { customers: data.customers, surveys: data.surveys });
      return new Map(run.customers.map((c) => [c.id, customerItem('shop', asOf, c)]));
    };
    const [day0, day1] = [await itemsAsOf(AS_OF), await itemsAsOf(next)];
    const changed = [...day1.keys()].filter((id) => day1.get(id)!.hash.S !== day0.get(id)!.hash.S);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(day1.size / 2);

    // Count the items that reach DynamoDB, not what the run says it wrote.
    let puts = 0;
    const db = Object.create(stack.db) as typeof stack.db;
    db.send = ((command: { constructor: { name: string }; input: { RequestItems?: Record<string, { PutRequest?: unknown }[]> } }) => {
      if (command.constructor.name === 'BatchWriteItemCommand') puts += Object.values(command.input.RequestItems!).flat().filter((r) => r.PutRequest).length;
      return stack.db.send(command as never);
    }) as typeof stack.db.send;
    const { outcomes, errors } = await runNightly({ ...stack.deps, db }, next);
    expect(errors).toEqual([]);
    expect(outcomes.map((r) => [r.dataset, r.status, r.runId.slice(0, 10)])).toEqual([['shop', 'succeeded', next]]);
    expect(outcomes[0].written).toBe(changed.length);
    expect(puts).toBe(changed.length);
    const html = await getText(`reports/shop/${outcomes[0].runId}/report.html`);
    expect(html).toContain(`As of ${next}`);

    // The table is what a fresh run of that day writes, whatever was stored before; untouched items keep the upload's run id.
    const after = await customerItems('shop');
    expect(after.length).toBe(day1.size);
    for (const item of after) {
      const { runId, ...rest } = item;
      const { runId: _none, ...want } = day1.get(item.id.S!)!;
      expect(rest).toEqual(want);
      expect(runId.S).toBe(changed.includes(item.id.S!) ? outcomes[0].runId : before.get(item.id.S!)!.runId.S);
    }
  });

  it('records a malformed file as a failed run with its reason and rejects, leaving customer items untouched', async () => {
    const before = await customerItems('shop');
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'uploads/shop/transactions/broken.csv', Body: 'foo,bar\nx,y\n1,2\n' }));
    const handler = createUploadHandler({ deps: stack.deps, asOf: () => '2025-09-29' });
    const { runs, batchItemFailures } = await handler(toSqsEvent(await waitForEvents(stack, 1))!);
    expect(batchItemFailures).toEqual([]); // not retried: retrying cannot fix the file
    expect(runs[0].status).toBe('failed');
    expect(runs[0].reason).toMatch(/broken\.csv/);
    const rejects = await getText(runs[0].reports.rejects);
    expect(rejects.split('\n').length).toBeGreaterThan(1);
    expect((await readRun(stack.db, stack.table, 'shop', runs[0].runId))?.status).toBe('failed');
    expect(await customerItems('shop')).toEqual(before);
  });

  it('deletes the items of customers no longer in the sources, and keeps the rest', async () => {
    const lines = readFileSync(path.resolve('examples/sample-en/orders.csv'), 'utf8').trim().split('\n');
    const key = 'uploads/shrink/transactions/orders.csv';
    const upload = async (body: string) => {
      await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
      const handler = createUploadHandler({ deps: stack.deps, asOf: () => AS_OF });
      return (await handler(toSqsEvent(await waitForEvents(stack, 1))!)).runs[0];
    };
    const first = await upload(lines.join('\n') + '\n');
    expect(first.status).toBe('succeeded');
    const kept = lines.filter((l, i) => i === 0 || l.split(',')[0] <= 'C10400');
    const second = await upload(kept.join('\n') + '\n');
    expect(second.status).toBe('succeeded');
    const ids = (await customerItems('shrink')).map((i) => i.id.S!);
    expect(ids.length).toBe(second.customers);
    expect(second.deleted).toBe(first.customers - second.customers);
    expect(second.deleted).toBeGreaterThan(100);
    expect(ids.every((id) => id <= 'C10400')).toBe(true);
  });

  it('streams every reject to rejects.csv while summary.json keeps counts by reason and 100 examples', async () => {
    const lines = readFileSync(path.resolve('examples/sample-en/orders.csv'), 'utf8').trim().split('\n');
    const bad = Array.from({ length: 700 }, (_, i) => (i % 2 ? `,DX${i},2024-01-01 10:00,1.00,completed,Cup,1,Tmall` : `C${i},DX${i},2024-01-01 10:00,"1.00,completed,Cup,1,Tmall`));
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'uploads/noisy/transactions/orders.csv', Body: [...lines, ...bad].join('\n') + '\n' }));
    const run = await scoreDataset(stack.deps, 'noisy', AS_OF, 'test');
    expect(run.status).toBe('succeeded');
    const rejects = (await getText(run.reports.rejects)).trimEnd().split('\n');
    expect(rejects.length).toBeGreaterThanOrEqual(701);
    const summary = JSON.parse(await getText(run.reports.summary));
    expect(summary.rejectReasons['bad-quote']).toBe(350);
    expect(summary.rejectReasons['missing-customer-id']).toBeGreaterThanOrEqual(350);
    expect(rejects.length - 1).toBe(Object.values(summary.rejectReasons as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(summary.rejectExamples).toHaveLength(100);
  });

  it('an invalid profile.json fails the run with its reason instead of retrying forever', async () => {
    await stack.uploadFile(sample('orders.csv'), 'uploads/badprofile/transactions/orders.csv');
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'uploads/badprofile/profile.json', Body: '{"timeUnit": "fortnight"}' }));
    const handler = createUploadHandler({ deps: stack.deps, asOf: () => AS_OF });
    const { runs, batchItemFailures } = await handler(toSqsEvent(await waitForEvents(stack, 2))!);
    expect(batchItemFailures).toEqual([]);
    expect(runs[0].status).toBe('failed');
    expect(runs[0].reason).toMatch(/profile\.json.*timeUnit/);
    expect(await customerItems('badprofile')).toEqual([]);
  });

  it('a dataset whose only file is malformed gets a failed run and no customer items', async () => {
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'uploads/empty shop/transactions/bad.csv', Body: 'a;b;c\n;;\n' }));
    const handler = createUploadHandler({ deps: stack.deps, asOf: () => AS_OF });
    const { runs } = await handler(toSqsEvent(await waitForEvents(stack, 1))!);
    expect(runs.map((r) => [r.dataset, r.status])).toEqual([['empty shop', 'failed']]);
    expect(runs[0].reason).toBeTruthy();
    expect(await customerItems('empty shop')).toEqual([]);
  });

  it('counts the datasets the nightly run left behind: LATEST older than yesterday, or no successful run', async () => {
    // shop was last rescored as of 2025-07-01; "empty shop" never succeeded.
    expect(await staleDatasets(stack.deps, { asOf: '2025-07-02', datasets: ['shop', 'empty shop'] })).toEqual([{ dataset: 'empty shop', latestAsOf: null }]);
    expect((await staleDatasets(stack.deps, { asOf: '2025-07-03', datasets: ['shop'] })).map((s) => s.latestAsOf)).toEqual(['2025-07-01']);
  });

  it('removes customer items of the layout before partitions, and rewrites nothing else', async () => {
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'uploads/legacy/transactions/orders.csv', Body: readFileSync(path.resolve('examples/sample-en/orders.csv')) }));
    expect((await scoreDataset(stack.deps, 'legacy', AS_OF, 'test')).status).toBe('succeeded');
    const legacy = { pk: { S: 'DATASET#legacy' }, sk: { S: 'CUSTOMER#C10001' } };
    await stack.db.send(new PutItemCommand({ TableName: stack.table, Item: { ...legacy, tierKey: { S: 'legacy#TIER#Platinum' }, clv: { N: '1' }, id: { S: 'C10001' } } }));
    await stack.db.send(new DeleteItemCommand({ TableName: stack.table, Key: { pk: { S: 'DATASET#legacy' }, sk: { S: LATEST_SK } } }));
    const run = await scoreDataset(stack.deps, 'legacy', AS_OF, 'retry');
    expect([run.status, run.written, run.deleted]).toEqual(['succeeded', 0, 1]);
    expect((await scanAll()).filter((i) => i.pk.S === 'DATASET#legacy' && i.sk.S!.startsWith('CUSTOMER#'))).toEqual([]);
  });
});
