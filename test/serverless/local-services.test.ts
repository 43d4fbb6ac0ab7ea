import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BatchWriteItemCommand, DescribeTableCommand, ScanCommand, type BatchWriteItemCommandOutput, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '../../functions/clients.ts';
import { csvBlocks, PART_BYTES, putCsv } from '../../functions/reports.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../scripts/local/services.ts';
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

  /** A table that throttles every call made while more than `capacity` calls are in flight, and takes 2 ms a call. */
  function throttlingTable(capacity: number) {
    let inFlight = 0;
    const accepted: string[] = [];
    const calls: { inFlight: number; throttled: boolean }[] = [];
    return {
      accepted, calls,
      async send(command: BatchWriteItemCommand): Promise<BatchWriteItemCommandOutput> {
        inFlight++;
        const throttled = inFlight > capacity;
        calls.push({ inFlight, throttled });
        try {
          await new Promise((r) => setTimeout(r, 2));
          if (throttled) throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ProvisionedThroughputExceededException' });
          for (const r of Object.values(command.input.RequestItems!)[0]) accepted.push(r.PutRequest!.Item!.sk.S!);
          return { UnprocessedItems: {}, $metadata: {} };
        } finally {
          inFlight--;
        }
      },
    };
  }

  it('halves its concurrency when throttled and settles near what the table takes, writing each item once', async () => {
    const table = throttlingTable(4);
    const requests = Array.from({ length: 3000 }, (_, i) => item(i));
    const stats = await batchWrite(table as never, 'bw', requests, { concurrency: 16, maxConcurrency: 32, sleep: async () => {}, random: () => 0.5 });
    expect(table.accepted.length).toBe(3000);
    expect(new Set(table.accepted).size).toBe(3000);
    expect(stats.decreases).toBeGreaterThan(0);
    expect(table.calls[0].inFlight).toBe(1);
    expect(stats.maxInFlight).toBeGreaterThan(4); // it did start above the table's capacity
    // Once adapted, few calls are throttled: a fixed 16 in flight would see three in four throttled;
    // AIMD probes one above the capacity every ten or so calls, and the calls started in that round
    // trip are throttled too.
    const late = table.calls.slice(table.calls.length / 2);
    expect(late.filter((c) => c.throttled).length / late.length).toBeLessThan(0.4);
    expect(late.filter((c) => c.inFlight > 6).length).toBe(0);
    expect(stats.finalConcurrency).toBeLessThanOrEqual(8);
  });

  it('grows its concurrency while nothing is throttled, up to its maximum', async () => {
    const table = throttlingTable(1000);
    const stats = await batchWrite(table as never, 'bw', Array.from({ length: 5000 }, (_, i) => item(i)), { concurrency: 2, maxConcurrency: 12 });
    expect(stats.throttled).toBe(0);
    expect(stats.maxInFlight).toBe(12);
    expect(stats.finalConcurrency).toBe(12);
    expect(new Set(table.accepted).size).toBe(5000);
  });

  it('uses full jitter bounded by the exponential cap', () => {
    expect(backoffDelay(3, 50, 5000, () => 0.999)).toBe(399);
    expect(backoffDelay(3, 50, 5000, () => 0)).toBe(0);
    expect(backoffDelay(20, 50, 5000, () => 0.5)).toBe(2500);
  });
});

describe('reports streamed to S3', () => {
  it('uploads a CSV larger than one part as a multipart upload, byte for byte, without building it as one string', async () => {
    const s3 = s3Client({ endpoint: stack.s3Server.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const commands: string[] = [];
    s3.middlewareStack.add((next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    }, { step: 'initialize', name: 'recordCommands' });
    const rows = function* () {
      for (let i = 0; i < 400_000; i++) yield [`C${i}`, i * 0.01, i % 7 ? '=not a formula' : 'plain, quoted'];
    };
    const blocks = [...csvBlocks(['id', 'clv', 'note'], rows())];
    expect(Math.max(...blocks.map((b) => b.length))).toBeLessThan(70_000); // produced in blocks, not one string
    const expected = blocks.join('');
    expect(Buffer.byteLength(expected)).toBeGreaterThan(PART_BYTES);
    await putCsv({ s3, bucket: stack.bucket }, 'reports/big/run/scores.csv', ['id', 'clv', 'note'], rows());
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands.filter((c) => c === 'UploadPartCommand').length).toBeGreaterThanOrEqual(2);
    expect(commands).toContain('CompleteMultipartUploadCommand');
    const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: 'reports/big/run/scores.csv' }));
    const text = await out.Body!.transformToString();
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
    expect(text.startsWith('\uFEFFid,clv,note\n')).toBe(true);
  });
});
