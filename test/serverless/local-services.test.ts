import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BatchWriteItemCommand, DescribeTableCommand, ScanCommand, type BatchWriteItemCommandOutput, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay, batchWrite } from '../../functions/batch-write.ts';
import { decodeEventKey, encodeEventKey, parseUploadKey } from '../../functions/s3-keys.ts';
import { datasetsFromSqs } from '../../functions/upload-event.ts';
import { createTableInput } from '../../functions/table.ts';
import { toSqsEvent } from '../../scripts/local/s3-events.ts';
import { startLocalStack, waitForEvents, type LocalStack } from '../../scripts/local/stack.ts';

let stack: LocalStack;
beforeAll(async () => { stack = await startLocalStack(); });
afterAll(async () => { await stack?.stop(); });

describe('local services', () => {
  it('creates the table from the shared definition', async () => {
    const out = await stack.db.send(new DescribeTableCommand({ TableName: stack.table }));
    const expected = createTableInput(stack.table);
    expect(out.Table?.KeySchema).toEqual(expected.KeySchema);
    expect(out.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema])).toEqual(expected.GlobalSecondaryIndexes!.map((i) => [i.IndexName, i.KeySchema]));
  });

  it('stores objects byte for byte and turns its events into the SQS event the stack would deliver', async () => {
    const file = path.resolve('examples/sample/customers.csv');
    await stack.uploadFile(file, 'uploads/my shop/customers/客户 2024+.csv');
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'uploads/my shop/notes.md', Body: 'not a source' }));
    await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'reports/my shop/x/scores.csv', Body: 'a' }));
    const events = await waitForEvents(stack, 3);
    const got = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: 'uploads/my shop/customers/客户 2024+.csv' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(readFileSync(file))).toBe(true);

    const sqs = toSqsEvent(events)!;
    expect(sqs.Records.length).toBe(1); // notes.md and reports/ are filtered out, as real S3 would
    const key = JSON.parse(sqs.Records[0].body).Records[0].s3.object.key as string;
    expect(key).toBe('uploads/my+shop/customers/%E5%AE%A2%E6%88%B7+2024%2B.csv');
    expect(decodeEventKey(key)).toBe('uploads/my shop/customers/客户 2024+.csv');
    expect(datasetsFromSqs(sqs)).toEqual([{ dataset: 'my shop', messageIds: [sqs.Records[0].messageId] }]);
  });
});

describe('S3 keys', () => {
  it('round-trips keys the way S3 encodes them in events', () => {
    for (const k of ['uploads/a b/transactions/x+y (1).csv', 'uploads/店/transactions/订单.csv.gz', 'uploads/ds/surveys/100%.jsonl']) {
      expect(decodeEventKey(encodeEventKey(k))).toBe(k);
    }
    expect(decodeEventKey('uploads/a+b/c%2Bd.csv')).toBe('uploads/a b/c+d.csv');
  });
  it('parses the upload layout', () => {
    expect(parseUploadKey('uploads/shop/transactions/2024/orders.csv')).toEqual({ dataset: 'shop', kind: 'transactions' });
    expect(parseUploadKey('uploads/shop/profile.json')).toEqual({ dataset: 'shop', kind: 'profile' });
    expect(parseUploadKey('uploads/shop/other/orders.csv')).toBeNull();
    expect(parseUploadKey('reports/shop/transactions/orders.csv')).toBeNull();
  });
});

describe('batchWrite', () => {
  const item = (i: number): WriteRequest => ({ PutRequest: { Item: { pk: { S: 'DATASET#bw' }, sk: { S: `CUSTOMER#${String(i).padStart(4, '0')}` }, n: { N: String(i) } } } });

  it('retries UnprocessedItems with backoff until all are written, writing each exactly once', async () => {
    const requests = Array.from({ length: 130 }, (_, i) => item(i));
    const sent: string[] = [];
    let calls = 0;
    // DynamoDB Local never throttles, so a wrapper hands back part of each batch as unprocessed
    // (without writing it), the way the real service does under load.
    const flaky = {
      async send(command: BatchWriteItemCommand): Promise<BatchWriteItemCommandOutput> {
        calls++;
        const all = command.input.RequestItems![stack.table];
        const keep = calls % 3 === 0 ? all : all.filter((_, i) => i % 2 === 0);
        const held = all.filter((r) => !keep.includes(r));
        for (const r of keep) sent.push(r.PutRequest!.Item!.sk.S!);
        const out = await stack.db.send(new BatchWriteItemCommand({ RequestItems: { [stack.table]: keep } }));
        expect(out.UnprocessedItems?.[stack.table] ?? []).toEqual([]);
        return { ...out, UnprocessedItems: held.length ? { [stack.table]: held } : {} };
      },
    };
    const sleeps: number[] = [];
    const stats = await batchWrite(flaky as never, stack.table, requests, { concurrency: 3, sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.5 });
    expect(stats.retries).toBeGreaterThan(0);
    expect(sleeps.length).toBe(stats.retries);
    expect(sent.length).toBe(130); // nothing written twice
    expect(new Set(sent).size).toBe(130);
    const scan = await stack.db.send(new ScanCommand({ TableName: stack.table, FilterExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'DATASET#bw' } } }));
    expect(scan.Items?.map((i) => Number(i.n.N)).sort((a, b) => a - b)).toEqual(requests.map((_, i) => i)); // nothing lost
  });

  it('gives up after maxAttempts when items stay unprocessed', async () => {
    const stuck = { send: async (c: BatchWriteItemCommand) => ({ UnprocessedItems: c.input.RequestItems, $metadata: {} }) };
    await expect(batchWrite(stuck as never, stack.table, [item(1)], { maxAttempts: 4, sleep: async () => {} })).rejects.toThrow(/after 4 attempts/);
  });

  it('uses full jitter bounded by the exponential cap', () => {
    expect(backoffDelay(3, 50, 5000, () => 0.999)).toBe(399);
    expect(backoffDelay(3, 50, 5000, () => 0)).toBe(0);
    expect(backoffDelay(20, 50, 5000, () => 0.5)).toBe(2500);
  });
});
