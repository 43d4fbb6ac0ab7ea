/**
 * BatchWriteItem in groups of 25 with bounded concurrency. UnprocessedItems are retried with
 * exponential backoff and full jitter; each request is resent only while DynamoDB reports it
 * unprocessed, so nothing is lost and nothing is written twice.
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';

export interface BatchWriteOptions {
  concurrency?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected for tests; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

export interface BatchWriteStats { requests: number; calls: number; retries: number }

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Full jitter: uniform in [0, min(max, base · 2^attempt)). */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  return Math.floor(random() * Math.min(max, base * 2 ** attempt));
}

export async function batchWrite(
  db: Pick<DynamoDBClient, 'send'>,
  table: string,
  requests: WriteRequest[],
  options: BatchWriteOptions = {},
): Promise<BatchWriteStats> {
  const { concurrency = 4, maxAttempts = 10, baseDelayMs = 50, maxDelayMs = 5000, sleep = realSleep, random = Math.random } = options;
  const stats: BatchWriteStats = { requests: requests.length, calls: 0, retries: 0 };
  const groups: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) groups.push(requests.slice(i, i + 25));

  async function writeGroup(group: WriteRequest[]) {
    let pending = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= maxAttempts) throw new Error(`BatchWriteItem: ${pending.length} items still unprocessed after ${maxAttempts} attempts`);
      if (attempt > 0) {
        stats.retries++;
        await sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs, random));
      }
      stats.calls++;
      const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table] ?? [];
    }
  }

  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, groups.length) }, async () => {
    while (next < groups.length) await writeGroup(groups[next++]);
  });
  await Promise.all(workers);
  return stats;
}
