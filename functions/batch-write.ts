/**
 * BatchWriteItem in groups of 25 with bounded concurrency. UnprocessedItems and thrown transient
 * errors (throttling, 5xx, dropped connections) are retried with exponential backoff and full
 * jitter; a request is resent only while DynamoDB has not accepted it, and every request is an
 * idempotent put or delete of one key, so nothing is lost and a resend changes nothing a reader sees.
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { backoffDelay, isTransient, realSleep, type RetryOptions } from './retry.ts';

export { backoffDelay } from './retry.ts';

export interface BatchWriteOptions extends RetryOptions {
  concurrency?: number;
}

export interface BatchWriteStats { requests: number; calls: number; retries: number; throttled: number }

export async function batchWrite(
  db: Pick<DynamoDBClient, 'send'>,
  table: string,
  requests: Iterable<WriteRequest>,
  options: BatchWriteOptions = {},
): Promise<BatchWriteStats> {
  const { concurrency = 8, maxAttempts = 10, baseDelayMs = 50, maxDelayMs = 5000, sleep = realSleep, random = Math.random } = options;
  const stats: BatchWriteStats = { requests: 0, calls: 0, retries: 0, throttled: 0 };
  // Pull requests lazily, 25 at a time: memory stays at concurrency × 25 items however many there are.
  const source = requests[Symbol.iterator]();
  let done = false;
  let failed = false;
  function nextGroup(): WriteRequest[] | null {
    const group: WriteRequest[] = [];
    while (!done && !failed && group.length < 25) {
      const r = source.next();
      if (r.done) done = true;
      else group.push(r.value);
    }
    stats.requests += group.length;
    return group.length ? group : null;
  }

  async function writeGroup(group: WriteRequest[]) {
    let pending = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= maxAttempts) throw new Error(`BatchWriteItem: ${pending.length} items still unprocessed after ${maxAttempts} attempts`);
      if (attempt > 0) {
        stats.retries++;
        await sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs, random));
      }
      stats.calls++;
      try {
        const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = out.UnprocessedItems?.[table] ?? [];
      } catch (e) {
        // A thrown throttling or connection error: the same requests are resent after the backoff.
        if (!isTransient(e) || attempt + 1 >= maxAttempts) throw e;
        stats.throttled++;
      }
    }
  }

  const workers = Array.from({ length: concurrency }, async () => {
    try {
      for (let group = nextGroup(); group; group = nextGroup()) await writeGroup(group);
    } catch (e) {
      failed = true; // the other workers stop pulling new groups
      throw e;
    }
  });
  await Promise.all(workers);
  return stats;
}
