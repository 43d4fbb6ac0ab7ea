/**
 * The dataset's records in DynamoDB besides customer items: run items, the LATEST pointer and the
 * per-dataset lease that makes one run the only writer of a dataset at a time.
 */
import {
  DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, TransactWriteItemsCommand,
  type AttributeValue, type DynamoDBClient, type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { withRetry, type RetryOptions } from './retry.ts';
import { allPartitions, customerPk, datasetPk, runSk } from './table.ts';

/** The item that points at the dataset's latest successful run. */
export const LATEST_SK = 'LATEST';
/** The item a run holds while it writes the dataset. */
export const LEASE_SK = 'LEASE';

/** Another run holds the dataset: this one is retried later (its message goes back to the queue). */
export class DatasetBusyError extends Error {
  constructor(dataset: string) {
    super(`dataset ${dataset} is being scored by another run; retry later`);
    this.name = 'DatasetBusyError';
  }
}
/** This run's lease ran out or was taken over: it must not publish its result. */
export class LeaseLostError extends Error {
  constructor(dataset: string) {
    super(`dataset ${dataset}: the run lost its lease before publishing; the newer run's result stands`);
    this.name = 'LeaseLostError';
  }
}

const key = (dataset: string, sk: string) => ({ pk: { S: datasetPk(dataset) }, sk: { S: sk } });
const isCondition = (e: unknown) => ['ConditionalCheckFailedException', 'TransactionCanceledException'].includes((e as Error).name);

export interface Lease { dataset: string; owner: string }

/**
 * Take the dataset's lease for `ttlMs` (longer than the function timeout, so a holder can never
 * outlive it). Throws DatasetBusyError while another run holds an unexpired lease.
 */
export async function acquireLease(db: DynamoDBClient, table: string, dataset: string, owner: string, nowMs: number, ttlMs: number, retry?: RetryOptions): Promise<Lease> {
  try {
    await withRetry(() => db.send(new PutItemCommand({
      TableName: table,
      Item: { ...key(dataset, LEASE_SK), owner: { S: owner }, expiresAt: { N: String(nowMs + ttlMs) } },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR #o = :owner',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':now': { N: String(nowMs) }, ':owner': { S: owner } },
    })), retry);
  } catch (e) {
    if (isCondition(e)) throw new DatasetBusyError(dataset);
    throw e;
  }
  return { dataset, owner };
}

export async function releaseLease(db: DynamoDBClient, table: string, lease: Lease, retry?: RetryOptions): Promise<void> {
  try {
    await withRetry(() => db.send(new DeleteItemCommand({
      TableName: table, Key: key(lease.dataset, LEASE_SK),
      ConditionExpression: '#o = :owner', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':owner': { S: lease.owner } },
    })), retry);
  } catch (e) {
    if (!isCondition(e)) throw e; // already taken over after expiry: nothing of ours to release
  }
}

/** The run item's stored form (the record itself as JSON, with its status and reason at top level). */
export interface StoredRun { dataset: string; runId: string; asOf: string; status: string; reason?: string }

function runItem(record: StoredRun): Record<string, AttributeValue> {
  return {
    ...key(record.dataset, runSk(record.runId)),
    runId: { S: record.runId },
    asOf: { S: record.asOf },
    status: { S: record.status },
    ...(record.reason ? { reason: { S: record.reason } } : {}),
    record: { S: JSON.stringify(record) },
  };
}

/** Write a run item on its own (a failed run): retried, since it is the trace of what went wrong. */
export async function putRun(db: DynamoDBClient, table: string, record: StoredRun, retry?: RetryOptions): Promise<void> {
  await withRetry(() => db.send(new PutItemCommand({ TableName: table, Item: runItem(record) })), retry);
}

/**
 * Publish a run in one transaction, only while `lease` is still held: its run item, and LATEST
 * set to it (or removed, for a dataset left without sources). Readers never see one without the other.
 */
export async function publishRun(db: DynamoDBClient, table: string, lease: Lease, record: StoredRun, latest: 'set' | 'delete', nowMs: number, retry?: RetryOptions): Promise<void> {
  const items: TransactWriteItem[] = [
    {
      ConditionCheck: {
        TableName: table, Key: key(lease.dataset, LEASE_SK),
        ConditionExpression: '#o = :owner AND expiresAt >= :now',
        ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':owner': { S: lease.owner }, ':now': { N: String(nowMs) } },
      },
    },
    { Put: { TableName: table, Item: runItem(record) } },
    latest === 'set'
      ? { Put: { TableName: table, Item: { ...key(record.dataset, LATEST_SK), runId: { S: record.runId }, asOf: { S: record.asOf } } } }
      : { Delete: { TableName: table, Key: key(record.dataset, LATEST_SK) } },
  ];
  try {
    await withRetry(() => db.send(new TransactWriteItemsCommand({ TransactItems: items })), retry);
  } catch (e) {
    const reasons = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if ((e as Error).name === 'TransactionCanceledException' && reasons?.[0]?.Code === 'ConditionalCheckFailed') throw new LeaseLostError(lease.dataset);
    throw e;
  }
}

export async function readRun<T = StoredRun>(db: DynamoDBClient, table: string, dataset: string, runId: string): Promise<T | null> {
  const out = await db.send(new GetItemCommand({ TableName: table, Key: key(dataset, runSk(runId)), ConsistentRead: true }));
  return out.Item?.record?.S ? (JSON.parse(out.Item.record.S) as T) : null;
}

/** LATEST's run id and day, or null when the dataset has no successful run. */
export async function readLatest(db: DynamoDBClient, table: string, dataset: string, retry?: RetryOptions): Promise<{ runId: string; asOf: string } | null> {
  const out = await withRetry(() => db.send(new GetItemCommand({ TableName: table, Key: key(dataset, LATEST_SK), ConsistentRead: true })), retry);
  return out.Item?.runId?.S ? { runId: out.Item.runId.S, asOf: out.Item.asOf?.S ?? '' } : null;
}

export async function latestRunId(db: DynamoDBClient, table: string, dataset: string, retry?: RetryOptions): Promise<string | null> {
  const out = await withRetry(() => db.send(new GetItemCommand({ TableName: table, Key: key(dataset, LATEST_SK), ConsistentRead: true })), retry);
  return out.Item?.runId?.S ?? null;
}

/**
 * Keys of customer items stored in the layout before partitions (`DATASET#<ds>`, `CUSTOMER#<id>`):
 * a run deletes them, having written the same customers under their partitions. Usually none.
 */
export async function legacyCustomerKeys(db: DynamoDBClient, table: string, dataset: string, retry?: RetryOptions): Promise<Record<string, AttributeValue>[]> {
  const keys: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await withRetry(() => db.send(new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': { S: datasetPk(dataset) }, ':c': { S: 'CUSTOMER#' } },
      ProjectionExpression: 'pk, sk',
      ExclusiveStartKey: start,
      ConsistentRead: true,
    })), retry);
    keys.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return keys;
}

/** Partitions read at once when listing a dataset's customer items. */
const LIST_CONCURRENCY = 16;

/**
 * sk → content hash of the dataset's current customer items (strongly consistent), read from every
 * customer partition (or only `partitions`), several at a time.
 */
export async function existingCustomers(db: DynamoDBClient, table: string, dataset: string, retry?: RetryOptions, partitions: string[] = allPartitions()): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const queue = [...partitions];
  const worker = async () => {
    for (let part = queue.shift(); part !== undefined; part = queue.shift()) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await withRetry(() => db.send(new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
          ExpressionAttributeValues: { ':pk': { S: customerPk(dataset, part!) }, ':c': { S: 'CUSTOMER#' } },
          ProjectionExpression: 'sk, #h',
          ExpressionAttributeNames: { '#h': 'hash' },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        })), retry);
        for (const it of page.Items ?? []) found.set(it.sk.S!, it.hash?.S ?? '');
        start = page.LastEvaluatedKey;
      } while (start);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, partitions.length) }, worker));
  return found;
}
