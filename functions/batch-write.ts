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
  requests: Iterable<WriteRequest>,
  options: BatchWriteOptions = {},
): Promise<BatchWriteStats> {
  const { concurrency = 8, maxAttempts = 10, baseDelayMs = 50, maxDelayMs = 5000, sleep = realSleep, random = Math.random } = options;
  const stats: BatchWriteStats = { requests: 0, calls: 0, retries: 0 };
  // Pull requests lazily, 25 at a time: memory stays at concurrency × 25 items however many there are.
  const source = requests[Symbol.iterator]();
  let done = false;
  function nextGroup(): WriteRequest[] | null {
    const group: WriteRequest[] = [];
    while (!done && group.length < 25) {
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
      const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
      pending = out.UnprocessedItems?.[table] ?? [];
    }
  }

  const workers = Array.from({ length: concurrency }, async () => {
    for (let group = nextGroup(); group; group = nextGroup()) await writeGroup(group);
  });
  await Promise.all(workers);
  return stats;
}
